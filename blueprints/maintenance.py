"""A serving process's chores, every minute: cancel the pending orders whose time is
over (bank transfers not paid, cash on delivery not shipped), close the group-buying
teams past their time, mark unused coupons past their end expired, finish the
red packets whose window closed, close the bargains past their time and warn
the owners of those about to close, expire memberships past their end (cancel
membership purchases not paid in time, warn members a week before a paid plan
ends), end the lives whose stream stayed away. `app.py`
starts the loop; `flask expire-unpaid` (commands.py) runs one pass for cron."""

import logging

from extensions import db, socketio

MAINTENANCE_EVERY_S = 60
log = logging.getLogger("livestall.maintenance")


def maintenance_pass(app):
    """One round of a serving process's chores: cancel the pending orders whose
    time is over (not paid, or cash on delivery not shipped: their stock goes
    back), and end the lives whose stream stayed away past its grace period. Safe
    in several processes at once: every change is a guarded UPDATE. Returns what
    it changed."""
    from blueprints.live import video
    from livestall.bargain import expiry as bargains
    from livestall.community import ledger as leader_ledger
    from livestall.group_buy import expiry as teams
    from livestall.membership import rules as memberships
    from livestall.orders import lifecycle as orders
    from livestall.promotions import coupons, red_packets

    with app.app_context(), db.connection_context():
        return {
            "unpaid_cancelled": orders.expire_unpaid(),
            "lives_ended": video.end_gone_streams(app),
            "teams_closed": teams.expire_teams(),
            "coupons_expired": coupons.expire(),
            "red_packets_finished": len(red_packets.finish_due()),
            "bargains_closed": bargains.expire_records(),
            "bargains_warned": bargains.warn_expiring(),
            "leader_commissions_released": leader_ledger.release_due(),
            "memberships": memberships.expire_due(),
        }


def start_maintenance(app):
    def loop():
        while True:
            socketio.sleep(MAINTENANCE_EVERY_S)
            try:
                maintenance_pass(app)
            except Exception:  # one bad pass must not stop the chores
                log.exception("maintenance pass failed")

    socketio.start_background_task(loop)
