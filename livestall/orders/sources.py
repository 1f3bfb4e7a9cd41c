"""Where an order line came from: the one parser and formatter of line sources.

A source is stored as text on cart items and order lines (`post:12`, `live:3`,
`share:7`, `flash:5`) and shown as such by the API. Everything else holds a
`LineSource(kind, id)`: never split or build the text by hand.

- `post:ID`   bought from a shoppable post (the product opened from it)
- `live:ID`   bought in a live room while it was on
- `share:ID`  arrived through user ID's share link
- `flash:ID`  a unit of flash sale ID (set by checkout from a hold; a client may
              name it only as it may name the sale's room)

A source a client names (a page's `?src=`, a cart or checkout form, the API's
`items[].source`) is only a claim, and it decides who is credited, who earns a
commission and what counts as a live purchase. `verified` keeps the claims that
hold and drops the others (the line is bought with no source, never refused): the
one check every path calls.

A new mechanism (a group-buying team, a bargain) adds its kind to KINDS, to
CLIENT_KINDS when a page may pass it along, and what proves it to `verified`.
"""

import re
from typing import NamedTuple

from livestall.attribution.models import Touchpoint
from livestall.content.models import Post, PostProduct
from livestall.flash.models import FlashSale
from livestall.live.models import LiveProduct

CLIENT_KINDS = ("post", "live", "share", "flash")  # what a client may name
# + what only the server writes: `group:ID` is the group deal whose price a line
# paid, `bargain:ID` the bargain record whose price it paid, `community:ID` the
# community campaign whose price it paid, `member:ID` the shop membership whose
# price it paid, `coupon:ID` the user coupon that took
# cents off it (an adjustment's source, never a line's)
KINDS = (*CLIENT_KINDS, "group", "bargain", "community", "member", "coupon")
ROOM_KINDS = ("live", "flash")  # bought inside a live room
ROOM_TOUCHES = ("live_watch", "flash_grab")  # what shows a buyer was in a room
ID_DIGITS = 12
_TEXT = re.compile(rf"^([a-z]{{1,16}}):([0-9]{{1,{ID_DIGITS}}})$")


class LineSource(NamedTuple):
    kind: str
    id: int

    @classmethod
    def parse(cls, text, kinds=KINDS):
        """The source written in `text`, or None when it is not one of `kinds`."""
        if not isinstance(text, str):
            return None
        found = _TEXT.match(text)
        if found is None or found.group(1) not in kinds:
            return None
        return cls(found.group(1), int(found.group(2)))

    def __str__(self):
        return f"{self.kind}:{self.id}"


def clean(text, kinds=CLIENT_KINDS):
    """The canonical text of a client-given source, or None when it is not valid."""
    source = LineSource.parse(text, kinds)
    return None if source is None else str(source)


def of(kind, ident):
    """The stored text of a source: `of("flash", 5)` is "flash:5"."""
    return str(LineSource(kind, int(ident)))


def ids_of(texts, kind):
    """The ids of the sources of `kind` among `texts` (others and bad text ignored)."""
    found = (LineSource.parse(text) for text in texts)
    return {source.id for source in found if source is not None and source.kind == kind}


# --- claims ---------------------------------------------------------------------------


def tagging_posts(product_id):
    """The posts a `post:ID` source may name for `product_id`: published ones that
    tag it. A draft, a deleted post or a post about something else earns nothing,
    whoever wrote it."""
    return (
        PostProduct.select(PostProduct.post)
        .join(Post)
        .where((PostProduct.product == product_id) & (Post.status == "published"))
    )


def _buyer(user_id, visitor_id):
    """The buyer's touchpoints: the user's, and this browser's that are nobody's yet
    (a browser someone else signed in on before proves nothing for this buyer)."""
    browser = None
    if visitor_id:
        browser = (Touchpoint.visitor_id == visitor_id) & Touchpoint.user_id.is_null()
    if user_id is None:
        return browser
    mine = Touchpoint.user_id == user_id
    return mine if browser is None else mine | browser


def _in_room(session_id, product_id, buyer):
    """The room features the product and the buyer watched or grabbed in it."""
    featured = LiveProduct.select().where(
        (LiveProduct.session == session_id) & (LiveProduct.product == product_id)
    )
    if not featured.exists():
        return False
    return (
        Touchpoint.select()
        .where(
            buyer
            & (Touchpoint.live_session_id == session_id)
            & Touchpoint.kind.in_(ROOM_TOUCHES)
        )
        .exists()
    )


def _holds(source, product_id, user_id, visitor_id):
    if source.kind == "post":
        return tagging_posts(product_id).where(PostProduct.post == source.id).exists()
    buyer = _buyer(user_id, visitor_id)
    if buyer is None:
        return False
    if source.kind == "share":  # the buyer followed this person's share link
        return (
            source.id != user_id
            and Touchpoint.select()
            .where(
                buyer
                & (Touchpoint.kind == "share_visit")
                & (Touchpoint.sharer_id == source.id)
            )
            .exists()
        )
    session_id = source.id
    if source.kind == "flash":  # the sale of this product, in its room
        session_id = (
            FlashSale.select(FlashSale.session)
            .where((FlashSale.id == source.id) & (FlashSale.product == product_id))
            .scalar()
        )
        if session_id is None:
            return False
    return _in_room(session_id, product_id, buyer)


def verified(text, product_id, user_id=None, visitor_id=None):
    """The canonical text of a client-claimed source of a line of `product_id`, when
    the claim holds for its buyer (`user_id`, and `visitor_id`: the browser's
    visitor cookie when there is one); None otherwise, as for no source at all.

    - `post:ID`: a published post that tags the product;
    - `live:ID`: a room featuring the product that the buyer watched (joined) or
      grabbed in; `flash:ID` the same for the sale's room, the sale being of this
      product;
    - `share:ID`: the buyer followed user ID's share link (never their own).
    """
    source = LineSource.parse(text, CLIENT_KINDS)
    if source is None or not _holds(source, product_id, user_id, visitor_id):
        return None
    return str(source)
