"""The merchant's tags on their customers: a customer is anyone who has ordered
from the shop (any status); anyone else is a 404, as if they did not exist.

`set_tags` replaces the whole set: at most `TAGS_MAX` tags of 1 to 20
characters (spaces squeezed, duplicates dropped, order kept)."""

from peewee import fn

from livestall.customers.models import TAG_MAX, CustomerTag
from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, NotFound
from livestall.orders.models import Order

TAGS_MAX = 10


def customer_of(merchant_id, user_id):
    """The user id if they have ordered from the shop, else NotFound."""
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise NotFound("No such customer.")
    if not 0 < user_id < 2**53 or user_id == merchant_id:
        raise NotFound("No such customer.")
    bought = (
        Order.select(Order.id)
        .where((Order.merchant == merchant_id) & (Order.buyer == user_id))
        .exists()
    )
    if not bought:
        raise NotFound("No such customer.")
    return user_id


def clean_tags(value):
    """A list of tags from a list of strings (or one comma-separated string)."""
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    if not isinstance(value, list):
        raise Invalid("Give the tags as a list of words.", field="tags")
    out = []
    for item in value:
        if not isinstance(item, str):
            raise Invalid("Give the tags as a list of words.", field="tags")
        tag = " ".join(item.split())
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise Invalid(
                "A tag has at most %(n)d characters.", field="tags", n=TAG_MAX
            )
        if tag not in out:
            out.append(tag)
    if len(out) > TAGS_MAX:
        raise Invalid("Give at most %(n)d tags.", field="tags", n=TAGS_MAX)
    return out


def set_tags(merchant_id, user_id, value):
    """Replace the customer's tags with `value`; returns them, sorted."""
    user_id = customer_of(merchant_id, user_id)
    tags = clean_tags(value)
    now = utcnow()
    with transaction():
        CustomerTag.delete().where(
            (CustomerTag.merchant == merchant_id) & (CustomerTag.user == user_id)
        ).execute()
        if tags:
            CustomerTag.insert_many(
                [
                    {
                        "merchant": merchant_id,
                        "user": user_id,
                        "tag": t,
                        "created_at": now,
                    }
                    for t in tags
                ]
            ).execute()
    return sorted(tags)


def tags_in_use(merchant_id):
    """[(tag, customers)] of the shop, most used first."""
    return list(
        CustomerTag.select(CustomerTag.tag, fn.COUNT(CustomerTag.id))
        .where(CustomerTag.merchant == merchant_id)
        .group_by(CustomerTag.tag)
        .order_by(fn.COUNT(CustomerTag.id).desc(), CustomerTag.tag)
        .tuples()
    )


def tagged(merchant_id, tag):
    """The ids of the shop's customers with `tag`."""
    return [
        row[0]
        for row in CustomerTag.select(CustomerTag.user)
        .where((CustomerTag.merchant == merchant_id) & (CustomerTag.tag == tag))
        .order_by(CustomerTag.user)
        .tuples()
    ]
