"""Default deny (SECURITY.md 8.2.1-8.2.2): every route x every role.

EXPECTED says, for every (endpoint, method) in `app.url_map`, what each role gets when
it calls the route with ids of objects that belong to someone else (another merchant's
product and image, another user). A route that is not in the table fails the walk:
whoever adds a route must decide who may call it.
"""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from flask import url_for
from werkzeug.routing import Rule

from extensions import db
from livestall.accounts import addresses
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.bargain import campaigns as bargain_campaigns
from livestall.bargain import records as bargain_records
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.community import campaigns as community_campaigns
from livestall.community import leaders as community_leaders
from livestall.community.models import Leader
from livestall.content import rules as content
from livestall.content import social
from livestall.content.models import Comment, Post
from livestall.db.base import utcnow
from livestall.flash import sales as flash_sales
from livestall.group_buy import deals as group_deals
from livestall.group_buy import teams as group_teams
from livestall.groups import chat as group_chat
from livestall.groups import rules as group_rules
from livestall.interaction import lottery
from livestall.live import sessions
from livestall.membership import plans as membership_plans
from livestall.membership.models import Member, MemberPurchase
from livestall.moderation import rules as moderation
from livestall.orders import cart, checkout
from livestall.orders import lifecycle as orders
from livestall.promotions import coupons as promo_coupons
from livestall.promotions import red_packets
from tests.plugins.api import Api, image_bytes
from tests.plugins.app import AuthActions, csrf_token

ROLES = ("anonymous", "shopper", "creator", "merchant", "admin")
LOGIN = "302 to /login"  # the sign-in page, with ?next=
HOME = "302 elsewhere"  # a redirect that is not to the sign-in page


def by_role(anonymous, shopper, creator, merchant, admin):
    return dict(zip(ROLES, (anonymous, shopper, creator, merchant, admin), strict=True))


def everyone(status):
    return by_role(*(status,) * 5)


SIGNED_IN_ONLY = by_role(LOGIN, 200, 200, 200, 200)
MERCHANT_PAGE = by_role(LOGIN, 403, 403, 200, 200)
# Another merchant's product: the merchant pages and API act as if it did not exist,
# for admins too ("a product changes only by its merchant").
OTHERS_PRODUCT_PAGE = by_role(LOGIN, 403, 403, 404, 404)
OTHERS_PRODUCT_API = by_role(401, 403, 403, 404, 404)

# What each role gets from each route. The requests carry no form fields or an empty
# JSON object, and a valid CSRF token, so a POST reaches the access check and then,
# where allowed, fails validation (400) or redirects after doing nothing harmful.
EXPECTED = {
    # the shop: public
    ("shop.index", "GET"): everyone(200),
    ("shop.category", "GET"): everyone(200),
    ("shop.product", "GET"): everyone(200),
    ("shop.media", "GET"): everyone(200),
    ("shop.healthz", "GET"): everyone(200),
    # accounts
    ("auth.signup", "GET"): by_role(200, HOME, HOME, HOME, HOME),
    ("auth.signup", "POST"): by_role(400, HOME, HOME, HOME, HOME),
    ("auth.login", "GET"): by_role(200, HOME, HOME, HOME, HOME),
    ("auth.login", "POST"): by_role(400, HOME, HOME, HOME, HOME),
    ("auth.logout", "POST"): everyone(HOME),
    ("auth.profile", "GET"): SIGNED_IN_ONLY,
    ("auth.me", "GET"): everyone(200),  # signed out: sign in, sign up, language
    ("auth.profile", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("auth.password", "GET"): SIGNED_IN_ONLY,
    # forgotten passwords (issue 23): anyone may ask; a made-up link is a 404
    ("auth.forgot_password", "GET"): everyone(200),
    ("auth.forgot_password", "POST"): everyone(400),
    ("auth.reset_password", "GET"): everyone(404),
    ("auth.reset_password", "POST"): everyone(404),
    # email verification (issue 23): a made-up link is a 404
    ("auth.verify_email", "GET"): everyone(404),
    ("auth.resend_verification", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("auth.password", "POST"): by_role(LOGIN, 400, 400, 400, 400),
    ("auth.language", "POST"): everyone(HOME),
    # merchant pages
    ("merchant.products", "GET"): MERCHANT_PAGE,
    ("merchant.new_product", "GET"): MERCHANT_PAGE,
    ("merchant.new_product", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("merchant.edit_product", "GET"): OTHERS_PRODUCT_PAGE,
    ("merchant.edit_product", "POST"): OTHERS_PRODUCT_PAGE,
    ("merchant.add_image", "POST"): OTHERS_PRODUCT_PAGE,
    ("merchant.remove_image", "POST"): OTHERS_PRODUCT_PAGE,
    ("merchant.archive_product", "POST"): OTHERS_PRODUCT_PAGE,
    ("merchant.restore_product", "POST"): OTHERS_PRODUCT_PAGE,
    # shop settings: an empty form turns every payment method off, which is refused
    ("merchant.settings", "GET"): MERCHANT_PAGE,
    ("merchant.settings", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    # group-buying console: the walker's deal is another shop's (a 404 to a merchant
    # and to an admin: a deal changes only by its shop, as a product does); an
    # empty form is a 400
    ("merchant.group_buys", "GET"): MERCHANT_PAGE,
    ("merchant.group_buys", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("merchant.group_buy", "GET"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.end_group_buy", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.group_buys_csv", "GET"): MERCHANT_PAGE,
    ("api.group_buy_stats", "GET"): by_role(401, 403, 403, 404, 404),
    # bargain console: the walker's campaign is another shop's (as for group deals)
    ("merchant.bargains", "GET"): MERCHANT_PAGE,
    ("merchant.bargains", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("merchant.bargain", "GET"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.end_bargain", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.bargains_csv", "GET"): MERCHANT_PAGE,
    # admin pages (an empty role list is refused: a flash and a redirect)
    ("admin.users", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("admin.update_user", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("admin.audit_log", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("admin.audit_csv", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    # reports and moderation (issue 23): the queue, a file and decisions are the
    # admins'; a decision on another's content is theirs and its author's (404 to
    # others; an admin is not its author, so cannot appeal it); a report without
    # a target (the walk sends no query) is a 404, a resolve without an action a
    # form message
    ("admin.reports", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("admin.report_file", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("admin.resolve_report", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("moderation.report", "GET"): by_role(LOGIN, 404, 404, 404, 404),
    ("moderation.report", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    ("moderation.my_reports", "GET"): SIGNED_IN_ONLY,
    ("moderation.decision", "GET"): by_role(LOGIN, 404, 404, 404, 200),
    ("moderation.appeal", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    # a suspended account's mailed link (the walk's is not one of ours)
    ("moderation.appeal_by_link", "GET"): everyone(404),
    ("moderation.appeal_by_link", "POST"): everyone(404),
    ("api.create_report", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.my_reports", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.my_decisions", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.get_decision", "GET"): by_role(401, 404, 404, 404, 200),
    ("api.appeal", "POST"): by_role(401, 404, 404, 404, 404),
    ("api.admin_reports", "GET"): by_role(401, 403, 403, 403, 200),
    ("api.admin_report", "GET"): by_role(401, 403, 403, 403, 200),
    ("api.resolve_report", "POST"): by_role(401, 403, 403, 403, 400),
    # the home feed, posts, comments and creator pages: another creator's published
    # post and another user's comment (the delete routes get throwaway ones)
    ("feed.home", "GET"): everyone(200),
    ("feed.post", "GET"): everyone(200),
    ("feed.creator", "GET"): everyone(200),
    ("feed.new_post", "GET"): by_role(LOGIN, 403, 200, 403, 200),
    ("feed.new_post", "POST"): by_role(LOGIN, 403, 400, 403, 400),
    ("feed.edit_post", "GET"): by_role(LOGIN, 403, 403, 403, 403),
    ("feed.edit_post", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("feed.delete_post", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("feed.like", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("feed.unlike", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("feed.add_comment", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("feed.delete_comment", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("feed.follow", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("feed.unfollow", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    # the JSON API (bearer tokens)
    ("api.create_user", "POST"): everyone(400),
    ("api.create_token", "POST"): everyone(400),
    ("api.create_password_reset", "POST"): everyone(400),  # no email given
    ("api.resend_verification_email", "POST"): by_role(401, 202, 202, 202, 202),
    ("api.get_me", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.create_product", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.list_products", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.get_product", "GET"): everyone(200),
    ("api.update_product", "PATCH"): OTHERS_PRODUCT_API,
    ("api.delete_product", "DELETE"): OTHERS_PRODUCT_API,
    ("api.add_product_image", "POST"): OTHERS_PRODUCT_API,
    # content API: another creator's published post, following that creator
    ("api.create_post", "POST"): by_role(401, 403, 400, 403, 400),
    ("api.get_post", "GET"): everyone(200),
    ("api.feed", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.picker_products", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.follow", "PUT"): by_role(401, 204, 204, 204, 204),
    ("api.unfollow", "DELETE"): by_role(401, 204, 204, 204, 204),
    ("api.upload_image", "POST"): by_role(401, 400, 400, 400, 400),
    # orders API: someone else's order (bought from another merchant)
    ("api.create_order", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.get_order", "GET"): by_role(401, 404, 404, 404, 200),
    ("api.list_orders", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.change_status", "POST"): by_role(401, 404, 404, 404, 403),
    # cart pages: anyone (anonymous carts by visitor cookie); the update route gets
    # another visitor's cart line and must change nothing (a redirect back)
    ("orders.cart", "GET"): everyone(200),
    ("orders.add_to_cart", "POST"): everyone(HOME),
    ("orders.update_cart", "POST"): everyone(HOME),
    # checkout with an empty cart goes back to the cart
    ("orders.checkout_page", "GET"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("orders.checkout_page", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    # order pages: someone else's order (bought from another merchant)
    ("orders.my_orders", "GET"): SIGNED_IN_ONLY,
    ("orders.order", "GET"): by_role(LOGIN, 404, 404, 404, 200),
    ("orders.change_status", "POST"): by_role(LOGIN, 404, 404, 404, HOME),
    ("orders.merchant_orders", "GET"): MERCHANT_PAGE,
    ("orders.merchant_orders_csv", "GET"): MERCHANT_PAGE,
    # group-buying pages: another's open team (its page is public; joining needs
    # a sign-in and a filled form; leaving answers 404 to non-members)
    ("group.team", "GET"): everyone(200),
    ("group.join", "GET"): by_role(LOGIN, 200, 200, 200, 200),
    ("group.join", "POST"): by_role(LOGIN, 400, 400, 400, 400),
    ("group.new_team", "GET"): by_role(LOGIN, 404, 404, 404, 404),  # no ?deal=
    ("group.new_team", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    ("group.leave", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    ("group.my_teams", "GET"): SIGNED_IN_ONLY,
    # notifications: each user sees only their own (the walk's ids do not matter)
    ("notifications.index", "GET"): SIGNED_IN_ONLY,
    # group buying by the API: the walker's deal and team are another shop's and the
    # victim's; an empty seat body fails validation (no idempotency key)
    ("api.create_group_buy", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.get_group_buy", "GET"): everyone(200),
    ("api.end_group_buy", "POST"): by_role(401, 403, 403, 404, 404),
    ("api.list_merchant_group_buys", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.open_team", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.join_team", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.leave_team", "POST"): by_role(401, 404, 404, 404, 404),
    ("api.get_team", "GET"): everyone(200),
    ("api.my_teams", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.list_notifications", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.read_notifications", "POST"): by_role(401, 200, 200, 200, 200),
    # shop settings API: merchants only; an admin is not a shop (403 from the rules)
    ("api.get_shop_settings", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.update_shop_settings", "PUT"): by_role(401, 403, 403, 200, 403),
    ("api.update_shop_settings", "PATCH"): by_role(401, 403, 403, 200, 403),
    # live API: another creator's scheduled session; the host or an admin acts on
    # it (start and end get throwaway sessions); moderators' lists are per host
    ("api.create_live", "POST"): by_role(401, 403, 400, 403, 400),
    ("api.list_live", "GET"): everyone(200),
    ("api.get_live", "GET"): everyone(200),
    ("api.update_live", "PATCH"): by_role(401, 403, 403, 403, 200),
    ("api.start_live", "POST"): by_role(401, 403, 403, 403, 200),
    ("api.end_live", "POST"): by_role(401, 403, 403, 403, 200),
    ("api.pin_live", "POST"): by_role(401, 403, 403, 403, 400),
    ("api.live_actions", "GET"): by_role(401, 403, 403, 403, 200),
    ("api.get_moderators", "GET"): by_role(401, 403, 200, 403, 200),
    ("api.put_moderators", "PUT"): by_role(401, 403, 400, 403, 400),
    ("api.get_blocked_words", "GET"): by_role(401, 403, 200, 403, 200),
    ("api.put_blocked_words", "PUT"): by_role(401, 403, 400, 403, 400),
    # live pages: another creator's scheduled session; lists and rooms are public,
    # the console for the host, their moderators and admins; start and end get the
    # API's throwaway sessions (already moved by the API walk: a flash, a redirect)
    ("live.index", "GET"): everyone(200),
    ("live.room", "GET"): everyone(200),
    ("live.new_session", "GET"): by_role(LOGIN, 403, 200, 403, 200),
    ("live.new_session", "POST"): by_role(LOGIN, 403, 400, 403, 400),
    ("live.edit_session", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("live.edit_session", "POST"): by_role(LOGIN, 403, 403, 403, 400),
    ("live.console", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("live.stats", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("live.start_live", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("live.end_live", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("live.blocked_words", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("live.moderators", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    # live video: files exist only once nginx-rtmp writes them; callbacks need the
    # nginx secret (tests/live/test_video.py)
    ("live.video_state", "GET"): everyone(200),
    ("live.hls_playlist", "GET"): everyone(404),
    ("live.hls_segment", "GET"): everyone(404),
    ("live.recording", "GET"): everyone(404),
    ("live.video_health", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("live.rotate_stream_key", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("live.set_video_url", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("live.on_publish", "POST"): everyone(403),
    ("live.on_publish_done", "POST"): everyone(403),
    # flash sales: launching needs the host (an admin may, but the walker's session
    # is not live: 409); anyone signed in may grab one unit of another's sale (two
    # units: the first two roles get them, then it is sold out)
    ("api.launch_flash_sale", "POST"): by_role(401, 403, 403, 403, 409),
    ("api.get_flash_sale", "GET"): everyone(200),
    ("api.grab_flash_sale", "POST"): by_role(401, 201, 201, 409, 409),
    ("api.end_flash_sale", "POST"): by_role(401, 403, 403, 403, 200),
    # the walk's sale is a race: registering for it is 409 not_lottery
    ("api.enter_flash_lottery", "POST"): by_role(401, 409, 409, 409, 409),
    ("api.live_polls", "GET"): everyone(200),
    ("api.live_draws", "GET"): everyone(200),
    ("api.live_pks", "GET"): everyone(200),
    ("api.get_draw", "GET"): everyone(200),
    # flash-sale console forms: host, moderators, admins; the walker's session is
    # not live (the admin's launch is a form message) and its sale belongs to
    # another session (404)
    ("live.launch_flash_sale", "POST"): by_role(LOGIN, 403, 403, 403, 400),
    ("live.end_flash_sale", "POST"): by_role(LOGIN, 403, 403, 403, 404),
    # search (issue 7): public
    ("search.results", "GET"): everyone(200),
    ("api.search", "GET"): everyone(200),
    ("api.search_suggest", "GET"): everyone(200),
    # attribution (issue 8): merchants see their own sales by content (admins their
    # own id's, so none); creators their own earnings
    ("merchant.attribution", "GET"): MERCHANT_PAGE,
    ("merchant.attribution_csv", "GET"): MERCHANT_PAGE,
    ("api.merchant_attribution", "GET"): by_role(401, 403, 403, 200, 200),
    ("creator.earnings", "GET"): by_role(LOGIN, 403, 200, 403, 200),
    # address book (issue 16): each user's own; another user's address is a 404,
    # for admins too
    ("auth.address_book", "GET"): SIGNED_IN_ONLY,
    ("auth.address_book", "POST"): by_role(LOGIN, 400, 400, 400, 400),
    ("auth.edit_address", "GET"): by_role(LOGIN, 404, 404, 404, 404),
    ("auth.edit_address", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    ("auth.default_address", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    ("auth.delete_address", "POST"): by_role(LOGIN, 404, 404, 404, 404),
    ("api.list_addresses", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.create_address", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.update_address", "PATCH"): by_role(401, 404, 404, 404, 404),
    ("api.delete_address", "DELETE"): by_role(401, 404, 404, 404, 404),
    ("api.creator_earnings", "GET"): by_role(401, 403, 200, 403, 200),
    # coupons and red packets (issue 18): the walker's coupons and pools are another
    # shop's (a 404 to a merchant and to an admin: a coupon changes only by its
    # shop); anyone signed in may claim another shop's coupon (the page claims
    # the second one, then returns to My coupons); a pool not yet opened shows
    # only to its shop, the host and admins (an admin may open one)
    ("shop.storefront", "GET"): everyone(200),
    ("merchant.coupons_page", "GET"): MERCHANT_PAGE,
    ("merchant.coupons_page", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("merchant.red_packets_page", "GET"): by_role(LOGIN, 403, 403, HOME, HOME),
    ("merchant.red_packets_page", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("merchant.coupons_csv", "GET"): MERCHANT_PAGE,
    ("merchant.coupon", "GET"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.pause_coupon", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.resume_coupon", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.end_coupon", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.open_red_packet", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("promo.claim", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("promo.my_coupons", "GET"): SIGNED_IN_ONLY,
    ("api.create_coupon", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.get_coupon", "GET"): everyone(200),
    ("api.claim_coupon", "POST"): by_role(401, 201, 201, 201, 201),
    ("api.pause_coupon", "POST"): by_role(401, 403, 403, 404, 404),
    ("api.resume_coupon", "POST"): by_role(401, 403, 403, 404, 404),
    ("api.end_coupon", "POST"): by_role(401, 403, 403, 404, 404),
    ("api.coupon_stats", "GET"): by_role(401, 403, 403, 404, 404),
    ("api.list_merchant_coupons", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.shop_coupons", "GET"): everyone(200),
    ("api.my_coupons", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.best_coupons", "POST"): by_role(401, 200, 200, 200, 200),
    ("api.create_red_packet", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.get_red_packet", "GET"): by_role(404, 404, 404, 404, 200),
    ("api.open_red_packet", "POST"): by_role(401, 404, 404, 404, 200),
    ("api.grab_red_packet", "POST"): by_role(401, 409, 409, 409, 409),
    ("api.live_red_packets", "GET"): everyone(200),
    # bargaining (issue 19): the walker's campaign is another shop's (a 404 to a
    # merchant and to an admin: it changes only by its shop); anyone signed in may
    # start bargaining on it and help the victim's record (it needs 10 helps)
    ("api.create_bargain", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.get_bargain", "GET"): everyone(200),
    ("api.end_bargain", "POST"): by_role(401, 403, 403, 404, 404),
    ("api.bargain_stats", "GET"): by_role(401, 403, 403, 404, 404),
    ("api.list_merchant_bargains", "GET"): by_role(401, 403, 403, 200, 200),
    # (the page's start, walked first, started each role's record: the same one)
    ("api.start_record", "POST"): by_role(401, 200, 200, 200, 200),
    ("api.get_record", "GET"): everyone(200),
    ("api.help_record", "POST"): by_role(401, 201, 201, 201, 201),
    ("api.my_bargains", "GET"): by_role(401, 200, 200, 200, 200),
    # community group buying (issue 20): the walker's leader is the victim's
    # (approved: public) and its campaign another shop's; an empty application is
    # a 400; only admins decide (approving an approved leader is a 409, rejecting
    # or disabling without a reason a 400); nobody in the walk leads a point
    ("api.apply_leader", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.get_leader", "GET"): everyone(200),
    ("api.my_leader", "GET"): by_role(401, 404, 404, 404, 404),
    ("api.leader_queue", "GET"): by_role(401, 403, 403, 403, 200),
    ("api.list_audit", "GET"): by_role(401, 403, 403, 403, 200),
    ("api.approve_leader", "POST"): by_role(401, 403, 403, 403, 409),
    ("api.reject_leader", "POST"): by_role(401, 403, 403, 403, 400),
    ("api.disable_leader", "POST"): by_role(401, 403, 403, 403, 400),
    ("api.create_community_buy", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.get_community_buy", "GET"): everyone(200),
    ("api.community_batches", "GET"): by_role(401, 403, 403, 404, 404),
    ("api.ship_batch", "POST"): by_role(401, 403, 403, 404, 404),
    ("api.receive_batch", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.verify_pickup", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.leader_earnings", "GET"): by_role(401, 403, 403, 403, 403),
    # community pages: points are public; the order form without ?campaign= goes
    # to the point's page; nobody in the walk leads a point (the leader pages send
    # them back to /leader, verifying is refused); only admins decide, and the
    # victim's leader is approved already (a flash); the merchant console acts on
    # another shop's campaign as a 404
    ("community.points_page", "GET"): everyone(200),
    ("community.point", "GET"): everyone(200),
    ("community.order", "GET"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("community.order", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("leader.home", "GET"): SIGNED_IN_ONLY,
    ("leader.apply", "GET"): SIGNED_IN_ONLY,
    ("leader.apply", "POST"): by_role(LOGIN, 400, 400, 400, 400),
    ("leader.verify", "GET"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("leader.verify", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("leader.earnings", "GET"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("leader.receive", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("leader.admin_queue", "GET"): by_role(LOGIN, 403, 403, 403, 200),
    ("leader.approve", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("leader.reject", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("leader.disable", "POST"): by_role(LOGIN, 403, 403, 403, HOME),
    ("merchant.community", "GET"): MERCHANT_PAGE,
    ("merchant.community", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("merchant.community_campaign", "GET"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.community_csv", "GET"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.ship_community_batch", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    # leaders' pickup helpers: nobody in the walk leads a point
    ("api.list_helpers", "GET"): by_role(401, 403, 403, 403, 403),
    ("api.add_helper", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.remove_helper", "DELETE"): by_role(401, 403, 403, 403, 403),
    ("leader.helpers_page", "GET"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("leader.helpers_page", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("leader.remove_helper", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    # neighbourhood groups (社群): the walker's group is the victim's leader group
    # (the victim owns it, with a campaign card); nobody in the walk is a member,
    # so reading and writing are refused and the owner's acts are 403 to all;
    # walkers join and leave another creator's fan group (JOIN_ROUTES: the page's
    # join comes after its leave in the walk, so the API's join finds them in)
    ("groups.group", "GET"): everyone(200),
    ("groups.join", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("groups.leave", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("groups.post_message", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("groups.delete_message", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.release_message", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.open_card", "GET"): everyone(HOME),
    ("groups.post_card", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.members", "GET"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("groups.mute_member", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.remove_member", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.restore_member", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.blocked_words", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("groups.my_groups", "GET"): SIGNED_IN_ONLY,
    ("groups.fan_group", "GET"): by_role(LOGIN, 403, 200, 403, 200),
    ("groups.fan_group", "POST"): by_role(LOGIN, 403, 400, 403, 403),
    ("api.get_group", "GET"): everyone(200),
    ("api.my_groups", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.open_fan_group", "POST"): by_role(401, 403, 400, 403, 403),
    ("api.leader_group", "GET"): everyone(200),
    ("api.creator_fan_group", "GET"): everyone(200),
    ("api.join_group", "POST"): by_role(401, 200, 200, 200, 200),  # the page joined
    ("api.leave_group", "DELETE"): by_role(401, 204, 204, 204, 204),
    ("api.group_members", "GET"): by_role(401, 403, 403, 403, 403),
    ("api.group_messages", "GET"): by_role(401, 403, 403, 403, 403),
    ("api.post_group_message", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.delete_group_message", "DELETE"): by_role(401, 403, 403, 403, 403),
    ("api.release_group_message", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.mute_member", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.remove_member", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.restore_member", "POST"): by_role(401, 403, 403, 403, 403),
    ("api.group_blocked_words", "GET"): by_role(401, 403, 403, 403, 403),
    ("api.put_group_blocked_words", "PUT"): by_role(401, 403, 403, 403, 403),
    # membership (会员): the walker's shop is the other shop, whose programme is
    # open (a join without a plan is a 400); the purchase is the victim's there
    ("api.get_my_membership", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.put_my_membership", "PUT"): by_role(401, 403, 403, 400, 400),
    ("api.shop_membership", "GET"): everyone(200),
    ("api.join_membership", "POST"): by_role(401, 400, 400, 400, 400),
    ("api.my_memberships", "GET"): by_role(401, 200, 200, 200, 200),
    ("api.membership_purchases", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.mark_membership_paid", "POST"): by_role(401, 403, 403, 404, 404),
    # membership pages: the walker's shop is the other shop (open, plan "Gold"); an
    # empty join form is a message on the page; an empty console form turns the
    # walker's own (empty) membership off; the purchase is the victim's there
    ("membership.shop_membership", "GET"): everyone(200),
    ("membership.join", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("membership.my_memberships", "GET"): SIGNED_IN_ONLY,
    ("merchant.membership", "GET"): MERCHANT_PAGE,
    ("merchant.membership", "POST"): by_role(LOGIN, 403, 403, HOME, HOME),
    ("merchant.membership_paid", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    # customers (CRM, issue 21): the victim is no buyer of the walker's shop (404)
    ("merchant.customers", "GET"): MERCHANT_PAGE,
    ("merchant.customers_csv", "GET"): MERCHANT_PAGE,
    ("merchant.customer_tags", "POST"): by_role(LOGIN, 403, 403, 404, 404),
    ("merchant.customer_segments", "GET"): MERCHANT_PAGE,
    ("merchant.customer_segments", "POST"): by_role(LOGIN, 403, 403, 400, 400),
    ("api.merchant_customers", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.customer_segments", "GET"): by_role(401, 403, 403, 200, 200),
    ("api.put_customer_tags", "PUT"): by_role(401, 403, 403, 404, 404),
    ("api.create_coupon_send", "POST"): by_role(401, 403, 403, 400, 400),
    ("api.coupon_sends", "GET"): by_role(401, 403, 403, 200, 200),
    # bargain pages: the record page is public (the share target); helping needs a
    # sign-in and lands back on it (the page helps another victim's record, the
    # API the first one's); only the owner may buy
    ("bargain.start", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("bargain.record", "GET"): everyone(200),
    ("bargain.help_cut", "POST"): by_role(LOGIN, HOME, HOME, HOME, HOME),
    ("bargain.buy", "GET"): by_role(LOGIN, 403, 403, 403, 403),
    ("bargain.buy", "POST"): by_role(LOGIN, 403, 403, 403, 403),
    ("bargain.my_bargains", "GET"): SIGNED_IN_ONLY,
}
SKIPPED_ENDPOINTS = {"static"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes(app):
    """Every (rule, method) the app answers, bar static files."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield rule, method


def check_table_is_complete(app):
    found = {(rule.endpoint, method) for rule, method in routes(app)}
    missing = sorted(found - EXPECTED.keys())
    assert not missing, (
        f"Routes with no access expectation: {missing}. Add each one to EXPECTED in "
        "tests/site/test_access.py with what every role should get (default deny)."
    )
    stale = sorted(EXPECTED.keys() - found)
    assert not stale, f"EXPECTED lists routes that no longer exist: {stale}"


def test_every_route_has_an_access_expectation(app):
    check_table_is_complete(app)


def test_a_new_route_without_an_expectation_fails_the_walk(app):
    app.url_map.add(
        Rule("/merchant/report", endpoint="merchant.secret", methods=["GET"])
    )
    with pytest.raises(AssertionError, match="merchant.secret.*Add each one"):
        check_table_is_complete(app)


def test_the_table_keeps_the_role_rules():
    """Merchant pages: sign-in for anonymous, 403 for shoppers and creators; admin
    pages: 403 for everyone but admins; API writes to products: never for shoppers."""
    for (endpoint, method), expected in EXPECTED.items():
        if endpoint.startswith("merchant."):
            assert expected["anonymous"] == LOGIN, endpoint
            assert expected["shopper"] == expected["creator"] == 403, endpoint
        if endpoint.startswith("admin."):
            assert expected["anonymous"] == LOGIN, endpoint
            for role in ("shopper", "creator", "merchant"):
                assert expected[role] == 403, (endpoint, role)
        if endpoint.startswith("feed.") and method == "POST":
            assert expected["anonymous"] == LOGIN, endpoint
        if endpoint in ("feed.edit_post", "feed.delete_post", "feed.delete_comment"):
            for role in ("shopper", "creator", "merchant"):
                assert expected[role] == 403, (endpoint, role)
        if endpoint.startswith("api.") and "product" in endpoint and method != "GET":
            assert expected["anonymous"] == 401, endpoint
            assert expected["shopper"] == expected["creator"] == 403, endpoint


class Walker:
    """One browser and one bearer token per role, and the objects of other people."""

    def __init__(self, app):
        self.app = app
        setup = Api(app.test_client())
        owner = setup.user("other_shop", role="merchant")
        self.product = setup.product(
            owner,
            title="Someone Else's Kettle",
            # open to flash sales (the live below runs two)
            flash_min_price_cents=100,
            flash_max_units=10,
        )
        resp = setup.call(
            "POST",
            f"/api/v1/products/{self.product['id']}/images",
            token=owner,
            data={"file": (io.BytesIO(image_bytes()), "k.png")},
        )
        assert resp.status_code == 201
        self.image = resp.get_json()["image"]
        setup.user("victim")
        setup.user("victim2")  # a second bargain record's owner
        setup.user("judge")  # an admin (granted below) who decides a report
        author = setup.user("other_creator", role="creator")
        resp = setup.call(
            "POST",
            "/api/v1/posts",
            token=author,
            json={"body": "someone else's post", "product_ids": [self.product["id"]]},
        )
        assert resp.status_code == 201
        self.post = resp.get_json()["post"]
        with db.connection_context():
            victim = User.get(User.username == "victim")
            post = content.get_post(self.post["id"])
            self.comment = social.add_comment(victim, post, "someone else's comment")
            # reports (issue 23): the victim's open report on the post (the queue's)
            # and a decision on the victim's comment, taken by another admin
            self.report_id = moderation.report(victim, "post", post.id, "spam").id
            judge = User.get(User.username == "judge")
            accounts.set_roles(judge, ["admin"])
            author = User.get(User.username == "other_creator")
            decided = moderation.report(author, "comment", self.comment.id, "spam")
            self.decision_id = moderation.resolve(
                judge, decided.id, "dismiss"
            ).decision.id
            placed, _ = checkout.place_order(
                victim,
                [{"product_id": self.product["id"], "qty": 1}],
                {"name": "Victim", "address": "1 Somewhere Road", "phone": "1380000"},
                "walker-order-1",
            )
            self.order_id = placed[0].id
            self.address_id = addresses.add(
                victim,
                {"name": "Victim", "address": "1 Road", "phone": "13800138000"},
            ).id
            # a group deal of the other shop's kettle, and the victim's open team
            deal = group_deals.create(
                User.get(User.username == "other_shop"),
                {
                    "product_id": self.product["id"],
                    "price_cents": 1,
                    "team_size": 3,
                    "team_window_s": 3600,
                    "ends_at": (utcnow() + datetime.timedelta(days=1)).isoformat(),
                },
            )
            self.deal_id = deal.id
            self.team_id = group_teams.open_team(
                victim,
                deal.id,
                {
                    "idempotency_key": "walker-team-1",
                    "shipping": {"name": "V", "address": "1 Road", "phone": "1380000"},
                },
            )[0].id
            # a bargain of the other shop's kettle, and the victim's record
            self.bargain_id = bargain_campaigns.create(
                User.get(User.username == "other_shop"),
                {
                    "product_id": self.product["id"],
                    "start_price_cents": Product.get_by_id(
                        self.product["id"]
                    ).price_cents,
                    "floor_price_cents": 1,
                    "helpers_needed": 10,
                    "record_window_s": 3600,
                    "ends_at": (utcnow() + datetime.timedelta(days=1)).isoformat(),
                    "units": 5,
                },
            ).id
            self.record_id = bargain_records.start(victim, self.bargain_id)[0].id
            self.page_record_id = bargain_records.start(
                User.get(User.username == "victim2"), self.bargain_id
            )[0].id
            # the victim leads a pickup point (approved), and the other shop runs a
            # community campaign of its kettle
            leader, _ = community_leaders.apply(
                victim,
                {
                    "pickup_point": {
                        "name": "Victim's shop",
                        "address": "1 Road",
                        "hours": "9-5",
                        "phone": "1380000",
                    }
                },
            )
            Leader.update(status="approved").where(Leader.id == leader.id).execute()
            self.leader_id = leader.id
            self.campaign_id = community_campaigns.create(
                User.get(User.username == "other_shop"),
                {
                    "title": "Kettles tomorrow",
                    "items": [{"product_id": self.product["id"], "price_cents": 1}],
                    "cutoff_at": (utcnow() + datetime.timedelta(days=1)).isoformat(),
                    "pickup_on": (utcnow() + datetime.timedelta(days=2))
                    .date()
                    .isoformat(),
                },
            ).id
            # the victim's point has its group (the victim owns it) with a campaign
            # card; another creator's fan group is where walkers join and leave
            group = group_rules.leader_group(Leader.get_by_id(leader.id))
            self.group_id = group.id
            self.group_message_id = group_chat.post_card(
                group, victim, {"kind": "campaign", "id": self.campaign_id}
            ).id
            fan_owner = User.get(User.username == "other_creator")
            self.creator_id = fan_owner.id
            self.fan_group_id = group_rules.open_fan_group(fan_owner, {"name": "Fans"})[
                0
            ].id
            cart.add_to_cart(victim, None, self.product["id"], 2)
            self.item_id = cart.cart_items(victim, None)[0].id
            # Throwaway ones for the delete routes, where an admin may delete.
            doomed = content.create_post(post.author, "doomed", [self.product["id"]])
            self.doomed_post_id = doomed.id
            self.doomed_comment_id = social.add_comment(victim, post, "doomed").id
            # another creator's live sessions: one to look at, two for start/end
            host = User.get(User.username == "other_creator")
            self.live_ids = [
                sessions.create_session(
                    host,
                    {"title": f"Live {i}", "product_ids": [self.product["id"]]},
                ).id
                for i in range(3)
            ]
            # a live one with two flash sales (one for the end route)
            on_air = sessions.create_session(
                host, {"title": "On air", "product_ids": [self.product["id"]]}
            )
            on_air = sessions.start(on_air, host)
            self.sale_ids = [
                flash_sales.launch(
                    on_air,
                    host,
                    {
                        "product_id": self.product["id"],
                        "price_cents": 100,
                        "quantity": 2,
                        "per_user_limit": 1,
                        "duration_s": 600,
                    },
                ).id
                for _ in range(2)
            ]
            # a lottery sale, whose draw's public record anyone may read
            self.draw_id = lottery.launch(
                on_air,
                host,
                {
                    "product_id": self.product["id"],
                    "price_cents": 100,
                    "quantity": 2,
                    "per_user_limit": 1,
                    "register_s": 600,
                },
            )[1].id
            # the other shop's coupons (one for the API's claims, one for the
            # page's) and two pools for the live on air (one for the open route)
            shop = User.get(User.username == "other_shop")
            self.merchant_id = shop.id
            ends = (utcnow() + datetime.timedelta(days=1)).isoformat()
            self.coupon_ids = [
                promo_coupons.create(
                    shop,
                    {
                        "kind": "amount_off",
                        "amount_off_cents": 100,
                        "total": 10,
                        "claim_ends_at": ends,
                    },
                ).id
                for _ in range(2)
            ]
            self.packet_ids = [
                red_packets.create(
                    shop, {"live_id": on_air.id, "total_cents": 100, "count": 5}
                ).id
                for _ in range(2)
            ]
            # the other shop's membership, and the victim's purchase waiting there
            program = membership_plans.configure(
                shop,
                {
                    "enabled": True,
                    "plans": [{"name": "Gold", "price_cents": 100, "days": 30}],
                },
            )
            plan = membership_plans.plans_of(program.merchant_id)[0]
            member = Member.create(merchant=shop.id, user=victim.id, plan=plan.id)
            self.purchase_id = MemberPurchase.create(
                member=member.id,
                merchant=shop.id,
                user=victim.id,
                plan=plan.id,
                price_cents=100,
                currency="CNY",
                days=30,
            ).id
        self.tokens = {"anonymous": None}
        for role in ROLES[1:]:
            self_service = "shopper" if role == "admin" else role
            self.tokens[role] = setup.user(f"walker_{role}", role=self_service)
        with db.connection_context():
            accounts.set_roles(User.get(User.username == "walker_admin"), ["admin"])
            self.victim_id = User.get(User.username == "victim").id
        self.browsers = {role: app.test_client() for role in ROLES}
        for role in ROLES[1:]:
            self.sign_in(role)
        self.api = app.test_client()  # never holds a cookie

    def sign_in(self, role):
        resp = AuthActions(self.browsers[role]).login(f"walker_{role}")
        assert resp.status_code == 302, f"{role} could not sign in"

    def still_signed_in(self, role):
        resp = self.browsers[role].get("/settings/profile")
        return resp.status_code == 200

    def args(self, rule):
        values = {
            "product_id": self.product["id"],
            "image_id": self.image["id"],
            "user_id": self.victim_id,
            "slug": "kitchen",
            "name": self.image["url"].rsplit("/", 1)[1],
            "post_id": self.post["id"],
            "comment_id": self.comment.id,
            "username": "other_creator",
            "order_id": self.order_id,
            "item_id": self.item_id,
            "address_id": self.address_id,
            "session_id": self.live_ids[0],
            "sale_id": self.sale_ids[0],
            "deal_id": self.deal_id,
            "team_id": self.team_id,
            "merchant_id": self.merchant_id,
            "coupon_id": self.coupon_ids[0],
            "packet_id": self.packet_ids[0],
            "bargain_id": self.bargain_id,
            "record_id": self.record_id,
            "leader_id": self.leader_id,
            "campaign_id": self.campaign_id,
            "group_id": self.group_id,
            "message_id": self.group_message_id,
            "creator_id": self.creator_id,
            "purchase_id": self.purchase_id,
            "draw_id": self.draw_id,
            "report_id": self.report_id,
            "decision_id": self.decision_id,
            "token": "not-a-mailed-link",  # reset and verification links (issue 23)
        }
        if rule.endpoint in JOIN_ROUTES:  # walkers join (and leave) another group
            values["group_id"] = self.fan_group_id
        if rule.endpoint.startswith("bargain."):
            values["record_id"] = self.page_record_id
        if rule.endpoint == "promo.claim":
            values["coupon_id"] = self.coupon_ids[1]
        if rule.endpoint == "api.open_red_packet":
            values["packet_id"] = self.packet_ids[1]
        if rule.endpoint == "api.end_flash_sale":
            values["sale_id"] = self.sale_ids[1]
        if rule.endpoint.endswith("start_live"):
            values["session_id"] = self.live_ids[1]
        if rule.endpoint.endswith("end_live"):
            values["session_id"] = self.live_ids[2]
        if rule.endpoint == "feed.delete_post":
            values["post_id"] = self.doomed_post_id
        if rule.endpoint == "feed.delete_comment":
            values["comment_id"] = self.doomed_comment_id
        unknown = set(rule.arguments) - values.keys()
        assert not unknown, (
            f"{rule.rule}: teach Walker.args a real object for {sorted(unknown)}"
        )
        return {name: values[name] for name in rule.arguments}

    def path(self, rule):
        with self.app.test_request_context():
            return url_for(rule.endpoint, **self.args(rule))

    def request(self, role, rule, method):
        path = self.path(rule)
        if rule.rule.startswith("/api/"):
            headers = {}
            if self.tokens[role]:
                headers["Authorization"] = f"Bearer {self.tokens[role]}"
            kwargs = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
            return self.api.open(path, method=method, headers=headers, **kwargs)
        browser = self.browsers[role]
        if method == "GET":
            return browser.get(path)
        token = csrf_token(browser, "/")
        return browser.open(path, method=method, data={"csrf_token": token})


JOIN_ROUTES = ("groups.join", "groups.leave", "api.join_group", "api.leave_group")


def without_tokens(resp, product_id):
    """The body, with per-request CSRF tokens and the requested id blanked out."""
    body = resp.get_data(as_text=True)
    body = re.sub(r'name="csrf_token" value="[^"]*"', "", body)
    body = re.sub(r'name="csrf-token" content="[^"]*"', "", body)
    return re.sub(rf"/products/{product_id}\b", "/products/ID", body)


def outcome(resp):
    if resp.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(resp.location).path
        return LOGIN if target == "/login" else HOME
    return resp.status_code


@pytest.fixture
def walker(app):
    return Walker(app)


def test_route_walk_every_role(app, walker):
    check_table_is_complete(app)
    failures, calls = [], 0
    for rule, method in routes(app):
        expected = EXPECTED[(rule.endpoint, method)]
        for role in ROLES:
            resp = walker.request(role, rule, method)
            calls += 1
            got = outcome(resp)
            resp.close()  # a streamed body (a CSV) ends its request context here
            if resp.status_code >= 500:
                failures.append(f"{role} {method} {rule.rule}: {resp.status_code}")
            elif got != expected[role]:
                failures.append(
                    f"{role} {method} {rule.rule}: got {got}, expected {expected[role]}"
                )
            if role != "anonymous" and not walker.still_signed_in(role):
                walker.sign_in(role)  # after /logout, sign in again for the next rule
    assert calls >= len(EXPECTED) * len(ROLES)
    assert not failures, "\n".join(failures)

    # Nothing the walk did changed other people's things.
    with db.connection_context():
        product = Product.get_by_id(walker.product["id"])
        assert product.status == "active"
        assert product.title == "Someone Else's Kettle"
        assert [i.id for i in catalog.images_of(product)] == [walker.image["id"]]
        assert Product.select().count() == 1
        victim = User.get_by_id(walker.victim_id)
        assert victim.roles == ["shopper"] and victim.status == "active"
        post = Post.get_by_id(walker.post["id"])
        assert post.body == "someone else's post" and post.is_published
        assert Comment.get_or_none(Comment.id == walker.comment.id) is not None
        victim_cart = cart.cart_items(victim, None)
        assert [(i.id, i.qty) for i in victim_cart] == [(walker.item_id, 2)]
        order = orders.visible_order(victim, walker.order_id)
        assert order.status == "pending_payment"
        assert Post.get_or_none(Post.id == walker.doomed_post_id) is None  # admin
        assert Comment.get_or_none(Comment.id == walker.doomed_comment_id) is None


def test_anonymous_redirects_to_login_keep_the_page_to_return_to(walker, app):
    for rule, method in routes(app):
        if EXPECTED[(rule.endpoint, method)]["anonymous"] != LOGIN:
            continue
        resp = walker.request("anonymous", rule, method)
        assert resp.status_code == 302
        assert urlsplit(resp.location).path == "/login"
        assert "next=" in urlsplit(resp.location).query, rule.rule


def test_guessed_ids_look_exactly_like_missing_ones(walker, app):
    """For every route where another merchant's product is a 404, a product id that
    does not exist gives the very same answer (no way to tell which ids exist)."""
    checked = 0
    for rule, method in routes(app):
        if "product_id" not in rule.arguments:
            continue
        if EXPECTED[(rule.endpoint, method)]["merchant"] != 404:
            continue
        real_id, ghost_id = walker.product["id"], 987654
        real = walker.request("merchant", rule, method)
        walker.product["id"] = ghost_id
        try:
            ghost = walker.request("merchant", rule, method)
        finally:
            walker.product["id"] = real_id
        assert real.status_code == ghost.status_code == 404, rule.rule
        assert without_tokens(real, real_id) == without_tokens(ghost, ghost_id)
        checked += 1
    assert checked >= 9
