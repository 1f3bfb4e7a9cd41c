"""Cards the owner posts in a group: a product, a community campaign (leaders'
groups: it orders through the leader's point), a group-buy deal or a coupon.

A card is stored with what it showed when posted (`snapshot`) and what it points at
(kind, id). Opening it (`open_card`) resolves the target again, records a
touchpoint of the group's owner (`group_card`: credited to the owner by
attribution, as a click on a post's product is to the post's author) and answers
the path to go to. A coupon card is claimed in one tap (the page posts the claim);
opening it leads to the shop's page.
"""

from livestall.attribution import touchpoints
from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.community import campaigns
from livestall.db.base import isoformat
from livestall.errors import Conflict, Invalid, NotFound
from livestall.group_buy import deals
from livestall.groups.models import CARD_KINDS
from livestall.promotions import coupons, present

TOUCH_KIND = "group_card"


def _id(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**53:
        raise Invalid("id must be a whole number.", field="id")
    return value


def _cover(product):
    cover = product.cover
    return cover.thumb_url if cover else None


def _product(product_id):
    product = Product.get_or_none(Product.id == product_id)
    if product is None or not availability.is_for_sale(product):
        raise NotFound("No such product, or it is not for sale.")
    return product


def _product_card(product_id, group):
    product = _product(product_id)
    return product, {
        "title": product.title,
        "price_cents": product.price_cents,
        "currency": product.currency,
        "image_url": _cover(product),
    }


def _campaign_card(campaign_id, group):
    if group.kind != "leader":
        raise Invalid(
            "Campaign cards are for a leader's group: they order through its point.",
            field="kind",
        )
    campaign = campaigns.get(campaign_id)
    if not campaigns.is_open(campaign):
        raise Conflict("This campaign is past its cut-off.")
    items = campaigns.items_of(campaign)
    first = next(iter(items.values()), None)
    return campaign, {
        "title": campaign.title,
        "price_cents": min((price for _p, price in items.values()), default=0),
        "currency": campaign.currency,
        "image_url": _cover(first[0]) if first else None,
        "cutoff_at": isoformat(campaign.cutoff_at),
        "pickup_on": campaign.pickup_on.isoformat(),
        "items": len(items),
    }


def _group_buy_card(deal_id, group):
    deal = deals.get(deal_id)
    if deals.status_of(deal) != "active":
        raise Conflict("This group deal has ended.")
    product = _product(deal.product_id)
    return deal, {
        "title": product.title,
        "price_cents": deal.price_cents,
        "list_price_cents": product.price_cents,
        "currency": deal.currency,
        "team_size": deal.team_size,
        "image_url": _cover(product),
    }


def _coupon_card(coupon_id, group):
    coupon = coupons.visible(coupon_id)
    if coupons.claim_state(coupon) is not None:
        raise Conflict("This coupon cannot be claimed now.")
    return coupon, {
        "title": present.display_title(coupon),
        "currency": coupon.currency,
        "amount_off_cents": coupon.amount_off_cents,
        "percent_off": coupon.percent_off,
        "min_spend_cents": coupon.min_spend_cents,
        "merchant_id": coupon.merchant_id,
    }


_RESOLVE = {
    "product": _product_card,
    "campaign": _campaign_card,
    "group_buy": _group_buy_card,
    "coupon": _coupon_card,
}


def snapshot(group, card):
    """Check a card the owner wants to post (`{kind, id}`): (kind, id, snapshot)."""
    if not isinstance(card, dict):
        raise Invalid("Give the card as {kind, id}.", field="card")
    kind = card.get("kind")
    if kind not in CARD_KINDS:
        raise Invalid(
            "kind must be product, campaign, group_buy or coupon.", field="kind"
        )
    target_id = _id(card.get("id"))
    _target, shown = _RESOLVE[kind](target_id, group)
    return kind, target_id, {"kind": kind, "id": target_id, **shown}


def target_path(group, kind, target_id):
    """Where opening a card leads now (404 when its target is gone)."""
    if kind == "product":
        return _product(target_id).url
    if kind == "campaign":
        campaign = campaigns.get(target_id)
        return f"/points/{group.leader_id}/order?campaign={campaign.id}"
    if kind == "group_buy":
        deal = deals.get(target_id)
        return _product(deal.product_id).url
    coupon = coupons.visible(target_id)
    return f"/shops/{coupon.merchant_id}"


def product_of(kind, target_id):
    """The product a card sells (for the touchpoint), or None (campaigns, coupons)."""
    if kind == "product":
        return target_id
    if kind == "group_buy":
        return deals.get(target_id).product_id
    return None


def open_card(group, message, visitor_id, user_id=None):
    """A member opens a card: record the owner's touchpoint, answer the path."""
    if message.card_kind is None or message.status != "visible":
        raise NotFound("No such card.")
    path = target_path(group, message.card_kind, message.card_id)
    touchpoints.record(
        TOUCH_KIND,
        visitor_id,
        user_id,
        creator_id=group.owner_id,
        product_id=product_of(message.card_kind, message.card_id),
    )
    return path
