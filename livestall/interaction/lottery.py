"""Flash sales in lottery mode (抽签): people register during a window, then the
units are allotted to a verifiable draw of them (docs/API.md). The sale is a
flash sale (`mode = 'lottery'`) whose units are set aside at launch; its draw is
a `Draw` of kind `lottery` run by `draws.run` when the window ends."""

from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, whole_number
from livestall.flash import sales as flash_sales
from livestall.interaction import draws
from livestall.interaction.models import Draw

REGISTER_S = (30, 3600)


class RegistrationClosed(Conflict):
    code = "registration_closed"


def launch(session, user, data, now=None):
    """A lottery-mode sale: (sale, draw)."""
    register_s = whole_number(data, "register_s", *REGISTER_S)
    now = now or utcnow()
    with transaction():
        sale = flash_sales.launch(
            session,
            user,
            {**data, "duration_s": register_s, "start_delay_s": 0},
            now=now,
            mode="lottery",
        )
        draw = draws.open_lottery(session, user, sale, register_s, now)
    return sale, draw


def launch_any(session, user, data, now=None):
    """A flash sale of either mode (`mode`: race, the default, or lottery)."""
    mode = data.get("mode", "race") if isinstance(data, dict) else "race"
    if mode in (None, "race"):
        return flash_sales.launch(session, user, data, now=now)
    if mode != "lottery":
        raise Invalid("mode is race or lottery.", field="mode")
    return launch(session, user, data, now=now)[0]


def enter(user, sale_id, now=None):
    """Register for a lottery sale, once: the entrants so far."""
    sale = flash_sales.get_sale(sale_id)
    draw = draws.of_sale(sale.id)
    if sale.mode != "lottery" or draw is None:
        raise Conflict("This sale is not a lottery: grab it.", code="not_lottery")
    now = now or utcnow()
    try:
        entered = draws.enter(user, draw, now)
    except draws.DrawEnded:
        raise RegistrationClosed("Registration for this sale has closed.") from None
    if not entered:
        raise draws.AlreadyEntered("You are registered for this sale already.")
    return Draw.get_by_id(draw.id)


def sale_extras(sender, sale):
    """The draw's keys on a lottery sale's `flash_sale` dict."""
    draw = draws.of_sale(sale.id)
    if draw is None:
        return {}
    drawn = draw.status == "drawn"
    return {
        "registration_ends_at": isoformat(draw.ends_at),
        "entrants": draw.entrants,
        "seed_sha256": draw.seed_sha256,
        "seed": draw.seed if drawn else None,
        "draw_id": draw.id,
        "drawn": drawn,
    }


def connect():
    flash_sales.sale_extras.connect(sale_extras, weak=False)
