"""JSON API v1: bargaining (docs/API.md, "Bargaining (砍价)")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me, pagination, require_role
from blueprints.common import client_ip
from livestall.bargain import campaigns, helping, records, stats


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _record(record):
    return records.record_dict(record, base_url=request.url_root)


@bp.post("/bargains")
def create_bargain():
    bargain = campaigns.create(require_role("merchant"), json_body())
    return jsonify(bargain=campaigns.campaign_dict(bargain)), 201


@bp.get("/bargains/<int:bargain_id>")
def get_bargain(bargain_id):
    """Extension: a campaign, as shoppers see it."""
    bargain = campaigns.visible(bargain_id, _viewer())
    return jsonify(bargain=campaigns.campaign_dict(bargain))


@bp.post("/bargains/<int:bargain_id>/end")
def end_bargain(bargain_id):
    """Extension: the merchant ends a campaign early (open records run on)."""
    bargain = campaigns.end(require_role("merchant"), bargain_id)
    return jsonify(bargain=campaigns.campaign_dict(bargain))


@bp.get("/bargains/<int:bargain_id>/stats")
def bargain_stats(bargain_id):
    """Extension: the campaign's figures for its merchant (another's: 404)."""
    bargain = campaigns.of_merchant(require_role("merchant"), bargain_id)
    records.close_late(bargain_ids=[bargain.id])  # figures as of now
    return jsonify(bargain_id=bargain.id, stats=stats.stats_of([bargain])[bargain.id])


@bp.get("/merchant/bargains")
def list_merchant_bargains():
    """Extension: the merchant's campaigns, newest first."""
    user = require_role("merchant")
    page, per_page = pagination()
    found, total = campaigns.campaigns_of(user, page, per_page)
    records.close_late(bargain_ids=[b.id for b in found])  # figures as of now
    figures = stats.stats_of(found)
    return jsonify(
        items=[{**campaigns.campaign_dict(b), "stats": figures[b.id]} for b in found],
        page=page,
        per_page=per_page,
        total=total,
    )


@bp.post("/bargains/<int:bargain_id>/records")
def start_record(bargain_id):
    record, created = records.start(me(), bargain_id)
    return jsonify(record=_record(record)), 201 if created else 200


@bp.get("/bargain-records/<int:record_id>")
def get_record(record_id):
    return jsonify(record=_record(records.visible(record_id, _viewer())))


@bp.post("/bargain-records/<int:record_id>/help")
def help_record(record_id):
    cut, record = helping.help_cut(me(), record_id, address=client_ip())
    return jsonify(cut_cents=cut, record=_record(record)), 201


@bp.get("/me/bargains")
def my_bargains():
    """Extension: the caller's records, newest first."""
    found = records.records_of_owner(me())
    helps = records.helps_of([r.id for r in found])
    return jsonify(
        items=[records.record_dict(r, request.url_root, helps[r.id]) for r in found]
    )
