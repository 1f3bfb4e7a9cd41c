"""JSON API v1: the signed-in user's address book (docs/API.md, issue 16)."""

from flask import jsonify

from blueprints.api.views import bp, json_body, me
from livestall.accounts import addresses


@bp.get("/addresses")
def list_addresses():
    """The default first, then the newest."""
    return jsonify(items=[addresses.address_dict(a) for a in addresses.book(me())])


@bp.post("/addresses")
def create_address():
    address = addresses.add(me(), json_body())
    return jsonify(address=addresses.address_dict(address)), 201


@bp.patch("/addresses/<int:address_id>")
def update_address(address_id):
    user = me()
    address = addresses.update(user, address_id, json_body())
    return jsonify(address=addresses.address_dict(address))


@bp.delete("/addresses/<int:address_id>")
def delete_address(address_id):
    addresses.delete(me(), address_id)
    return "", 204
