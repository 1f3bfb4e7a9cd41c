"""The address part of every buying form (checkout, a group-buying seat, a
bargain's purchase): a saved address chosen by its radio, or a typed one."""

SHIPPING_FIELDS = ("name", "address", "phone")


def address_choice(form):
    """The saved address chosen on the form (an id, -1 for a bad value), or None
    for a new, typed one."""
    choice = (form.get("address_id") or "new").strip()
    if choice == "new":
        return None
    if choice.isascii() and choice.isdecimal() and len(choice) <= 12:
        return int(choice) or -1
    return -1


def chosen_address(form, book):
    """Which radio the form shows chosen: the one sent, else the default address
    (the book's first), else "new"."""
    sent = form.get("address_id")
    if sent and (sent == "new" or any(str(a.id) == sent for a in book)):
        return sent
    return str(book[0].id) if book else "new"


def shipping_of(form):
    """What the rules take for the address: {"address_id": id} for a saved one,
    {"shipping": {name, address, phone}} for a typed one."""
    address_id = address_choice(form)
    if address_id is None:
        return {"shipping": {f: form.get(f, "") for f in SHIPPING_FIELDS}}
    return {"address_id": address_id}
