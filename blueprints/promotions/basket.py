"""Coupons on the cart and checkout pages: for each shop order of the basket, the
buyer's coupons that apply (with what each takes off), the one chosen (the best,
unless the buyer picked another or none), and the saving. The checkout form sends
the choice as `coupon-<merchant id>-<currency>` (a user coupon id or "none")."""

from livestall.promotions import present, quote, redeem


def field_name(merchant_id, currency):
    return f"coupon-{merchant_id}-{currency}"


def choices(buyer, cart_lines, holds, form=None):
    """{(merchant id, currency): {"field", "options": [(user coupon, cents off)],
    "chosen": user coupon or None, "off": cents}} for the basket's shop orders
    that have a coupon to offer. `form`: the posted choice (else the best)."""
    if buyer is None:
        return {}
    items = {}
    for line in cart_lines:
        if getattr(line, "for_sale", True):
            items[line.product_id] = items.get(line.product_id, 0) + line.qty
    priced = quote.lines_for(buyer, items, [hold.id for hold in holds])
    out = {}
    for uc, off in redeem.usable_for(buyer, priced):
        key = (uc.merchant_id, uc.currency)
        entry = out.setdefault(
            key,
            {"field": field_name(*key), "options": [], "chosen": None, "off": 0},
        )
        uc.display_title = present.display_title(uc)
        entry["options"].append((uc, off))
    for entry in out.values():
        sent = (form or {}).get(entry["field"])
        if sent == "none":
            continue
        picked = None
        if sent:
            picked = next(
                (pair for pair in entry["options"] if str(pair[0].id) == sent), None
            )
        if picked is None:  # the best: the first option that takes anything off
            picked = next((pair for pair in entry["options"] if pair[1] > 0), None)
        if picked is not None and picked[1] > 0:
            entry["chosen"], entry["off"] = picked
    return out


def chosen_ids(found):
    return [e["chosen"].id for e in found.values() if e["chosen"] is not None]


def savings(found):
    """{(merchant id, currency): cents off} of the chosen coupons."""
    return {key: e["off"] for key, e in found.items() if e["chosen"] is not None}
