"""Every table of every domain: `MODELS` lists them in creation order."""

from livestall.accounts.addresses import Address
from livestall.accounts.models import (
    ApiToken,
    EmailClaim,
    EmailVerification,
    PasswordReset,
    SignInDelay,
    User,
    UserRole,
)
from livestall.attribution.models import AttributionCredit, CommissionEntry, Touchpoint
from livestall.bargain.models import Bargain, BargainHelp, BargainRecord
from livestall.catalog.models import Product, ProductImage
from livestall.community.models import (
    BatchMark,
    CommunityBuy,
    CommunityItem,
    Leader,
    LeaderEntry,
    LeaderHelper,
    PickupOrder,
)
from livestall.content.models import Comment, Follow, Like, Post, PostImage, PostProduct
from livestall.customers.models import CouponSend, CouponSendRecipient, CustomerTag
from livestall.db.migrations import SchemaVersion
from livestall.flash.models import FlashBuyer, FlashSale, Reservation
from livestall.group_buy.models import GroupBuy, Team, TeamMember
from livestall.groups.models import Group, GroupMember, GroupMessage
from livestall.interaction.models import (
    Announcement,
    Draw,
    DrawEntry,
    Poll,
    PollVote,
)
from livestall.interaction.pk_models import LivePK
from livestall.live.models import (
    BlockedWord,
    ChatMessage,
    LiveAction,
    LiveProduct,
    LiveSession,
    LiveVideo,
    Moderator,
    RoomSanction,
    StreamKey,
)
from livestall.media.models import Image, ImageUpload
from livestall.membership.models import (
    Member,
    MemberPurchase,
    MembershipPlan,
    MembershipProgram,
)
from livestall.merchants.models import MerchantProfile
from livestall.moderation.models import Decision, Report
from livestall.notifications.models import Notification
from livestall.orders.models import (
    CartItem,
    Checkout,
    LineAdjustment,
    Order,
    OrderEvent,
    OrderLine,
)
from livestall.platform.models import AuditEntry, RateCounter
from livestall.promotions.models import Coupon, RedPacket, RedPacketShare, UserCoupon
from livestall.search.models import SearchJob

MODELS = [
    SchemaVersion,
    User,
    UserRole,
    ApiToken,
    EmailClaim,
    SignInDelay,
    Address,
    Image,
    ImageUpload,
    Product,
    ProductImage,
    RateCounter,
    AuditEntry,
    Post,
    PostImage,
    PostProduct,
    Follow,
    Like,
    Comment,
    Touchpoint,
    CartItem,
    Checkout,
    Order,
    OrderLine,
    OrderEvent,
    LineAdjustment,
    MerchantProfile,
    Notification,
    GroupBuy,
    Team,
    TeamMember,
    LiveSession,
    LiveProduct,
    ChatMessage,
    Moderator,
    RoomSanction,
    BlockedWord,
    LiveAction,
    FlashSale,
    FlashBuyer,
    Reservation,
    SearchJob,
    AttributionCredit,
    CommissionEntry,
    StreamKey,
    LiveVideo,
    Coupon,
    RedPacket,
    UserCoupon,
    RedPacketShare,
    Bargain,
    BargainRecord,
    BargainHelp,
    Leader,
    CommunityBuy,
    CommunityItem,
    PickupOrder,
    LeaderEntry,
    BatchMark,
    Group,
    GroupMember,
    GroupMessage,
    LeaderHelper,
    MembershipProgram,
    MembershipPlan,
    Member,
    MemberPurchase,
    CustomerTag,
    CouponSend,
    CouponSendRecipient,
    Poll,
    PollVote,
    Announcement,
    Draw,
    DrawEntry,
    LivePK,
    PasswordReset,
    EmailVerification,
    Decision,
    Report,
]
