"""Payment providers for small shops: cash on delivery and manual bank transfer.

Both are honest: no money moves through Livestall and nothing pretends a card
was charged. A provider answers four questions the order flow asks:

- `available(profile)`: may this merchant's buyers choose it?
- `instructions(order, profile)`: what the buyer must do (plain values for
  pages and the API);
- `ships_before_payment`: may the merchant ship while the order is unpaid?
- `paid_on(to_status)`: which status change means the money arrived;
- `pay_within()`: how long an unpaid order waits before it is cancelled and
  its stock returned (None: it never expires);
- `pending_within()` and `lapse`: how long an order may stay `pending_payment`
  at all before the system cancels it, and why (`unpaid`, `unshipped`).

Decisions, as small shops run them on Taobao/Pinduoduo-style marketplaces and
in Shopify's manual methods:
- Cash on delivery: the order stays `pending_payment` until the courier hands it
  over; the merchant may ship it unpaid, and `delivered` records the payment
  (paid_at) because the courier collected the cash. There is no "mark paid"
  step before delivery: nothing has been paid yet. An order the merchant has
  not shipped within `COD_SHIP_DAYS` days (7) is cancelled and its stock
  returned, as marketplaces close orders a shop does not ship: otherwise orders
  nobody means to receive (or a shop never fulfils) keep units from everyone
  else for ever. `instructions` says until when (`ship_by`).
- Bank transfer: the buyer sees the merchant's account and a reference (the
  order number) to put in the transfer memo; the merchant checks the bank
  statement and marks the order paid (`pending_payment -> paid`), and only then
  ships. A merchant without bank details cannot be paid this way. An order
  not paid within `BANK_TRANSFER_PAY_WITHIN_H` hours (72) is cancelled and its
  stock returned, as Taobao closes unpaid orders: otherwise a buyer who never
  pays would keep units from everyone else.
- An order may have a time of its own (`orders.signals.pending_deadline`: a
  community pickup order is paid by its campaign's cut-off plus a grace, or
  collected by its pickup day plus some days); `deadline(order)` answers for
  every order, and `instructions` says it (`pay_by`, `ship_by`).
"""

from collections import namedtuple
from datetime import timedelta

from livestall.db.base import isoformat
from livestall.merchants.models import MerchantProfile
from livestall.orders import signals
from livestall.platform import settings

Deadline = namedtuple("Deadline", "at lapse")
"""When a pending order is cancelled by the system (`at`, None: never) and why
(`lapse`: unpaid, unshipped, uncollected)."""


class PaymentProvider:
    code = ""
    ships_before_payment = False
    merchant_marks_paid = True  # pending_payment -> paid by the merchant
    paid_status = "paid"
    lapse = "unpaid"  # why an order pending past pending_within() is cancelled

    def available(self, profile):
        raise NotImplementedError

    def instructions(self, order, profile):
        raise NotImplementedError

    def paid_on(self, to_status):
        """True when an order moving to `to_status` has now been paid."""
        return to_status == self.paid_status

    def pay_within(self):
        return None

    def pending_within(self):
        """How long an order may stay pending_payment before the system cancels
        it and returns its stock (None: never)."""
        return self.pay_within()


class CashOnDelivery(PaymentProvider):
    code = "cod"
    ships_before_payment = True
    merchant_marks_paid = False
    paid_status = "delivered"
    lapse = "unshipped"  # pending_payment is "not shipped yet" for this method
    DEFAULT_SHIP_DAYS = 7

    def pending_within(self):
        days = settings.get("COD_SHIP_DAYS", self.DEFAULT_SHIP_DAYS)
        return timedelta(days=days) if days else None

    def available(self, profile):
        return bool(profile.accepts_cod)

    def instructions(self, order, profile):
        return {
            "method": self.code,
            "amount_cents": order.total_cents,
            "ship_by": _deadline(order, "unpaid", same=False),
        }


class BankTransfer(PaymentProvider):
    code = "bank_transfer"
    DEFAULT_PAY_WITHIN_H = 72

    def pay_within(self):
        hours = settings.get("BANK_TRANSFER_PAY_WITHIN_H", self.DEFAULT_PAY_WITHIN_H)
        return timedelta(hours=hours)

    def available(self, profile):
        return profile.has_bank_details

    def instructions(self, order, profile):
        return {
            "method": self.code,
            "amount_cents": order.total_cents,
            "reference": reference(order),
            "bank_name": profile.bank_name,
            "account_name": profile.bank_account_name,
            "account_number": profile.bank_account_number,
            "note": profile.bank_note,
            "pay_by": _deadline(order, "unpaid"),
        }


def deadline(order):
    """`Deadline` of `order` while it is pending_payment (None otherwise): its
    own (`signals.pending_deadline`), else its method's from `created_at`."""
    if order.status != "pending_payment":
        return None
    for _receiver, found in signals.pending_deadline.send(None, order=order):
        if found is not None:
            return found
    provider_ = provider(order.payment_method)
    within = provider_.pending_within()
    return Deadline(
        order.created_at + within if within is not None else None, provider_.lapse
    )


def _deadline(order, lapse, same=True):
    """The deadline's time as ISO 8601 when its lapse is (or, `same` false, is
    not) `lapse`; else None."""
    found = deadline(order)
    if found is None or found.at is None or (found.lapse == lapse) != same:
        return None
    return isoformat(found.at)


PROVIDERS = {p.code: p for p in (CashOnDelivery(), BankTransfer())}


def provider(code):
    return PROVIDERS[code]


def reference(order):
    """What the buyer writes in the transfer memo so the merchant can match it."""
    return f"LS-{order.id:06d}"


def methods_for(merchant_ids):
    """The payment codes every one of these merchants accepts (a checkout that
    spans shops can only use a method all of them take)."""
    profiles = {
        p.user_id: p
        for p in MerchantProfile.select().where(
            MerchantProfile.user.in_(list(merchant_ids))
        )
    }
    return [
        code
        for code, p in PROVIDERS.items()
        if all(
            p.available(profiles.get(m) or MerchantProfile(user=m))
            for m in merchant_ids
        )
    ]


def instructions(order):
    return provider(order.payment_method).instructions(
        order, MerchantProfile.of(order.merchant_id)
    )
