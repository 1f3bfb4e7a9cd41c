"""How coupons and red packets name their amounts: "¥10 off over ¥100"."""


def default_title(kind, amount, percent, min_spend, currency):
    """A coupon's name when the merchant gives none: 满100减10, 8折, 无门槛减5."""
    money = plain_money(amount, currency) if amount else ""
    if kind == "percent_off":
        off = f"{percent}% off"
    elif min_spend:
        off = f"{money} off"
    else:
        off = f"{money} off, no minimum"
    if min_spend:
        return f"{off} over {plain_money(min_spend, currency)}"
    return off


def plain_money(cents, currency):
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}.get(currency)
    whole = f"{cents // 100}" if cents % 100 == 0 else f"{cents / 100:.2f}"
    return f"{symbol}{whole}" if symbol else f"{whole} {currency}"
