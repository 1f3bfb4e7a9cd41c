"""Figures as the merchant's CSV files write them: amounts in cents as yuan text
("12345" -> "123.45", "-5" -> "-0.05"; None -> "") and ratios as percent text with
one decimal (0.4567 -> "45.7"; None -> ""). A spreadsheet reads both as numbers."""


def amount(cents):
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{rest:02d}"


def percent(ratio):
    return "" if ratio is None else f"{ratio * 100:.1f}"
