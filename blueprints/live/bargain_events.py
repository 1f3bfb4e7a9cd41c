"""Bargaining (砍价) in the `/live` room.

"The host pins a bargain" means the host pins a product that has a running
campaign (`bargain.campaigns.running`, at most one a product). So:

- the room's state (`join`) and its `pinned` broadcast carry `bargain`: the pinned
  product's running campaign (`campaigns.campaign_dict`), or null;
- `start_bargain {bargain_id}` (a signed-in viewer) starts bargaining on it, as
  `POST /api/v1/bargains/ID/records` does, and acks `{ok: true, record, url,
  created}`: `url` is the record page's path (`/bargain-records/ID`), where the
  viewer shares it with friends; a viewer already bargaining on it gets that
  record back (`created` false). Errors as every room event's:
  `{ok: false, error: {code}}` (`not_signed_in`, `not_found`, `invalid`,
  `bargain_closed`, `sold_out`, `limit_reached`, `forbidden`).

The record page's own room (`bargain:<id>`) is `blueprints/bargain/events.py`'s.
"""

from flask import request

from blueprints.live import events
from livestall.bargain import campaigns, records
from livestall.errors import NotAuthenticated, whole_number

ID_MAX = 2**53


def bargain_of(session, card):
    """`campaigns.campaign_dict` of the pinned product's running campaign (`card`:
    the room's pinned card, None when nothing sellable is pinned), or None."""
    if card is None or session.status != "live":
        return None
    campaign = campaigns.running(card["id"])
    return campaigns.campaign_dict(campaign) if campaign is not None else None


@events.pin_extras.connect
def _pin_extras(sender, session, card):
    return {"bargain": bargain_of(session, card)}


def _base_url():
    try:
        return request.url_root
    except RuntimeError:  # no request (a test calling the handler bare)
        return ""


@events.event("start_bargain")
def on_start_bargain(data):
    user = events.socket_user()
    if user is None:
        raise NotAuthenticated("Sign in to do this.")
    bargain_id = whole_number(data, "bargain_id", 1, ID_MAX)
    record, created = records.start(user, bargain_id)
    return {
        "record": records.record_dict(record, base_url=_base_url()),
        "url": record.url,
        "created": created,
    }
