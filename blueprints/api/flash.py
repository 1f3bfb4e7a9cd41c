"""JSON API v1: flash sales (docs/API.md, "Live selling")."""

from flask import jsonify

from blueprints.api.views import bp, json_body, me
from blueprints.live import flash_events, interaction_events
from livestall.flash import sales as flash_sales
from livestall.interaction import lottery
from livestall.live import sessions


@bp.post("/live/<int:session_id>/flash-sales")
def launch_flash_sale(session_id):
    user, session = me(), sessions.get_session(session_id)
    sale = lottery.launch_any(session, user, json_body())
    flash_events.announce_started(sale)
    return jsonify(flash_sale=flash_sales.sale_dict(sale)), 201


@bp.get("/flash-sales/<int:sale_id>")
def get_flash_sale(sale_id):
    return jsonify(flash_sale=flash_sales.sale_dict(flash_sales.get_sale(sale_id)))


@bp.post("/flash-sales/<int:sale_id>/grab")
def grab_flash_sale(sale_id):
    user = me()
    data = json_body()
    reservation = flash_events.grab_for(user, sale_id, data.get("qty", 1))
    return jsonify(reservation=reservation), 201


@bp.post("/flash-sales/<int:sale_id>/end")
def end_flash_sale(sale_id):
    sale = flash_sales.end_sale(flash_sales.get_sale(sale_id), me())
    flash_events.announce_ended(sale)
    return jsonify(flash_sale=flash_sales.sale_dict(sale))


@bp.post("/flash-sales/<int:sale_id>/enter")
def enter_flash_lottery(sale_id):
    """Register for a lottery-mode sale (once per person)."""
    draw = lottery.enter(me(), sale_id)
    interaction_events.entered(draw)
    return jsonify(entered=True, entrants=draw.entrants), 201
