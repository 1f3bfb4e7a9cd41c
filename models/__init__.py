"""Peewee models, one module per domain. `MODELS` lists them in creation order."""

from models.attribution import AttributionCredit, CommissionEntry, Touchpoint
from models.base import (
    BaseModel,
    JSONField,
    Prepared,
    PreparedInsert,
    db,
    isoformat,
    transaction,
    utcnow,
)
from models.catalog import Product, ProductImage
from models.content import Comment, Follow, Like, Post, PostImage, PostProduct
from models.flash import FlashBuyer, FlashSale, Reservation
from models.live import (
    BlockedWord,
    ChatMessage,
    LiveAction,
    LiveProduct,
    LiveSession,
    Moderator,
    RoomSanction,
)
from models.media import Image, ImageUpload
from models.merchants import ATTRIBUTION_MODELS, MerchantProfile
from models.notifications import Notification
from models.orders import CartItem, Checkout, Order, OrderEvent, OrderLine
from models.schema import SchemaVersion
from models.search import SearchJob
from models.security import RateCounter
from models.users import ROLES, ApiToken, User, UserRole
from models.video import LiveVideo, StreamKey

MODELS = [
    SchemaVersion,
    User,
    UserRole,
    ApiToken,
    Image,
    ImageUpload,
    Product,
    ProductImage,
    RateCounter,
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
    MerchantProfile,
    Notification,
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
]

__all__ = [
    "LiveVideo",
    "StreamKey",
    "AttributionCredit",
    "CommissionEntry",
    "SearchJob",
    "FlashBuyer",
    "FlashSale",
    "Reservation",
    "BlockedWord",
    "ChatMessage",
    "LiveAction",
    "LiveProduct",
    "LiveSession",
    "Moderator",
    "RoomSanction",
    "ATTRIBUTION_MODELS",
    "MerchantProfile",
    "Notification",
    "MODELS",
    "CartItem",
    "Checkout",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Comment",
    "Follow",
    "Like",
    "Post",
    "PostImage",
    "PostProduct",
    "Touchpoint",
    "ROLES",
    "ApiToken",
    "BaseModel",
    "Image",
    "ImageUpload",
    "JSONField",
    "Prepared",
    "PreparedInsert",
    "Product",
    "ProductImage",
    "RateCounter",
    "SchemaVersion",
    "User",
    "UserRole",
    "db",
    "isoformat",
    "transaction",
    "utcnow",
]
