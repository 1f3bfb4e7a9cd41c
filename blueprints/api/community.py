"""JSON API v1: community group buying (docs/API.md, "Community group buying
(社区团购)")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me, require_role
from livestall.community import batches, campaigns, helpers, leaders, ledger, pickup
from livestall.errors import Invalid, NotFound
from livestall.orders import lifecycle as orders


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _private(leader, viewer):
    return viewer is not None and (
        viewer.id == leader.user_id or viewer.has_role("admin")
    )


@bp.post("/leaders")
def apply_leader():
    user = me()
    leader, created = leaders.apply(user, json_body())
    return jsonify(leader=leaders.leader_dict(leader, private=True)), (
        201 if created else 200
    )


@bp.get("/leaders/<int:leader_id>")
def get_leader(leader_id):
    viewer = _viewer()
    leader = leaders.visible(leader_id, viewer)
    return jsonify(leader=leaders.leader_dict(leader, _private(leader, viewer)))


@bp.get("/me/leader")
def my_leader():
    """Extension: the caller's own application or point (404: none)."""
    leader = leaders.of_user(me())
    if leader is None:
        raise NotFound("You have not applied to be a leader.")
    return jsonify(leader=leaders.leader_dict(leader, private=True))


@bp.get("/admin/leaders")
def leader_queue():
    """Extension: applications by status (default pending), oldest first."""
    require_role("admin")
    status = request.args.get("status", "pending")
    if status not in ("pending", "approved", "rejected", "disabled"):
        raise Invalid("status must be pending, approved, rejected or disabled.")
    return jsonify(
        items=[leaders.leader_dict(x, private=True) for x in leaders.queue(status)]
    )


def _decide(leader_id, action):
    admin = require_role("admin")
    body = json_body()
    leader = leaders.decide(admin, leader_id, action, body.get("reason", ""))
    return jsonify(leader=leaders.leader_dict(leader, private=True))


@bp.post("/admin/leaders/<int:leader_id>/approve")
def approve_leader(leader_id):
    return _decide(leader_id, "approve")


@bp.post("/admin/leaders/<int:leader_id>/reject")
def reject_leader(leader_id):
    return _decide(leader_id, "reject")


@bp.post("/admin/leaders/<int:leader_id>/disable")
def disable_leader(leader_id):
    return _decide(leader_id, "disable")


@bp.post("/community-buys")
def create_community_buy():
    campaign = campaigns.create(require_role("merchant"), json_body())
    return jsonify(community_buy=campaigns.campaign_dict(campaign)), 201


@bp.get("/community-buys/<int:campaign_id>")
def get_community_buy(campaign_id):
    """Extension: a campaign, as neighbours see it."""
    return jsonify(community_buy=campaigns.campaign_dict(campaigns.get(campaign_id)))


@bp.get("/community-buys/<int:campaign_id>/batches")
def community_batches(campaign_id):
    """After the cut-off (409 `before_cutoff` until then): the stock-up list and
    one batch per pickup point, counted from the orders alive now."""
    campaign = campaigns.of_merchant(require_role("merchant"), campaign_id)
    stock_up, found = batches.batches_of(campaign)
    return jsonify(
        community_buy_id=campaign.id,
        stock_up=[
            {"product_id": pid, "title": item["title"], "qty": item["qty"]}
            for pid, item in sorted(stock_up.items())
        ],
        batches=[batches.batch_dict(b) for b in found],
    )


@bp.post("/community-buys/<int:campaign_id>/batches/<int:leader_id>/ship")
def ship_batch(campaign_id, leader_id):
    """Extension: the merchant sent a point's batch."""
    done = batches.mark_shipped(require_role("merchant"), campaign_id, leader_id)
    return jsonify(shipped=True, changed=done)


@bp.post("/leader/batches/<int:campaign_id>/receive")
def receive_batch(campaign_id):
    """Extension: the leader received their batch (buyers are told)."""
    done = batches.mark_received(me(), campaign_id)
    return jsonify(received=True, changed=done)


@bp.post("/leader/pickups")
def verify_pickup():
    """A leader or one of their helpers: `{code, leader_id?}` (a code of any
    point the caller serves, or only of `leader_id`'s)."""
    body = json_body()
    order, found = pickup.verify(
        me(), body.get("code"), leader_id=body.get("leader_id")
    )
    return jsonify(order=orders.order_dict(order), leader_id=found.leader_id)


@bp.get("/leader/helpers")
def list_helpers():
    """Extension: the approved leader's helpers, the first named first."""
    leader = helpers.own_leader(me())
    return jsonify(
        items=[helpers.helper_dict(h) for h in helpers.helpers_of(leader)],
        max=helpers.MAX_HELPERS,
    )


@bp.post("/leader/helpers")
def add_helper():
    """Extension: `{username}` becomes a helper (201; 200 when already one)."""
    found, created = helpers.add(me(), json_body().get("username"))
    return jsonify(helper=helpers.helper_dict(found)), 201 if created else 200


@bp.delete("/leader/helpers/<int:user_id>")
def remove_helper(user_id):
    """Extension: the user stops helping (404 when they were not a helper)."""
    removed = helpers.remove(me(), user_id)
    return jsonify(removed=True, user_id=removed.id)


@bp.get("/leader/earnings")
def leader_earnings():
    return jsonify(ledger.earnings(pickup.leader_of(me())))
