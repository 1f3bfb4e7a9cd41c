"""A shop's shipping fee (运费, issue 16): a flat fee per order, 0 for free
shipping, waived when the order's goods reach the shop's threshold (满X包邮).

The fee is in the order's currency (one order per shop and currency) and is
fixed on the order when it is placed (`Order.shipping_cents`); line totals,
commissions, attribution and live GMV count goods only."""

from livestall.merchants.models import MerchantProfile

FEE_MAX = 100_000  # cents: ¥1,000.00


def fee_cents(profile, goods_cents):
    """What shipping costs on an order of `goods_cents` from this shop."""
    over = profile.free_shipping_over_cents
    if over is not None and goods_cents >= over:
        return 0
    return profile.shipping_fee_cents or 0


def shipping_dict(profile):
    """The shop's terms as the API shows them on a product."""
    return {
        "fee_cents": profile.shipping_fee_cents or 0,
        "free_over_cents": profile.free_shipping_over_cents,
    }


def profiles_of(merchant_ids):
    """{merchant id: profile} for these shops, defaults for those with none."""
    ids = list(merchant_ids)
    found = {}
    if ids:
        found = {
            p.user_id: p
            for p in MerchantProfile.select().where(MerchantProfile.user.in_(ids))
        }
    return {m: found.get(m) or MerchantProfile(user=m) for m in ids}
