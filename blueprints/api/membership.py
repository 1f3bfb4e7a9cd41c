"""JSON API v1: shop membership (会员) (docs/API.md, "Membership")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me, require_role
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.errors import Invalid, NotFound
from livestall.membership import plans, prices, rules
from livestall.membership.models import MemberPurchase


def _shop(merchant_id):
    shop = User.get_or_none(User.id == merchant_id)
    if shop is None or not shop.has_role("merchant") or shop.status != "active":
        raise NotFound("No such shop.")
    return shop


@bp.get("/merchant/membership")
def get_my_membership():
    merchant = require_role("merchant")
    return jsonify(membership=plans.program_dict(plans.program_of(merchant.id)))


@bp.put("/merchant/membership")
def put_my_membership():
    merchant = require_role("merchant")
    program = plans.configure(merchant, json_body())
    return jsonify(membership=plans.program_dict(program))


@bp.get("/shops/<int:merchant_id>/membership")
def shop_membership(merchant_id):
    """Extension: the shop's open plans and the caller's own membership."""
    shop = _shop(merchant_id)
    program = plans.program_of(shop.id)
    mine = None
    if current_user.is_authenticated:
        member = rules.Member.get_or_none(
            (rules.Member.user == current_user.id) & (rules.Member.merchant == shop.id)
        )
        mine = rules.member_dict(member) if member else None
    out = plans.program_dict(program)
    if not program.enabled:
        out["plans"] = []
    return jsonify(membership=out, member=mine)


@bp.post("/shops/<int:merchant_id>/membership")
def join_membership(merchant_id):
    shop = _shop(merchant_id)
    member, purchase = rules.join(me(), shop.id, json_body())
    out = {"member": rules.member_dict(member)}
    if purchase is not None:
        out["purchase"] = rules.purchase_dict(purchase)
    return jsonify(out), 201


@bp.get("/me/memberships")
def my_memberships():
    """The caller's memberships (a list), with what member prices saved them in
    each shop this year (`saved_this_year_cents`, extension)."""
    user = me()
    saved = prices.saved_this_year(user.id, utcnow())
    return jsonify(
        [
            {
                **rules.member_dict(m),
                "saved_this_year_cents": saved.get(m.merchant_id, 0),
            }
            for m in rules.of_user(user)
        ]
    )


@bp.get("/merchant/membership/purchases")
def membership_purchases():
    merchant = require_role("merchant")
    status = request.args.get("status", "pending")
    if status not in ("pending", "paid", "cancelled"):
        raise Invalid("status must be pending, paid or cancelled.", field="status")
    found = (
        MemberPurchase.select()
        .where(
            (MemberPurchase.merchant == merchant.id) & (MemberPurchase.status == status)
        )
        .order_by(MemberPurchase.created_at.desc())
        .limit(200)
    )
    return jsonify(items=[rules.purchase_dict(p) for p in found])


@bp.post("/merchant/membership/purchases/<int:purchase_id>/paid")
def mark_membership_paid(purchase_id):
    merchant = require_role("merchant")
    purchase = rules.mark_paid(merchant, purchase_id)
    return jsonify(purchase=rules.purchase_dict(purchase))
