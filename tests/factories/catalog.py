"""Shops: a merchant (bearer token) and their products, through the API."""


def teas(count=3, title="西湖龙井 {n}"):
    """`count` teas (category tea-drinks), titled `title` with n = 0, 1, ..."""
    return [
        {"title": title.format(n=n), "category": "tea-drinks"} for n in range(count)
    ]


def shop(api, username="teashop", products=(), bank=None):
    """(token, [product dicts]): a merchant with `products` (API product fields,
    the Api helper's defaults for the rest) and, given `bank` (fields, possibly
    none), bank details."""
    token = api.user(username, role="merchant")
    if bank is not None:
        api.bank_details(token, **bank)
    return token, [api.product(token, **fields) for fields in products]
