"""The address book pages of the Me area (issue 16): list, add, edit, set the
default, delete. Every write is a CSRF form that redirects with a flash; another
user's address is a 404. Routes are added to the `auth` blueprint (`add_routes`)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.common import translate
from livestall.accounts import addresses
from livestall.errors import DomainError, NotFound

FORM_FIELDS = ("name", "phone", "address")


def _me():
    return current_user._get_current_object()


def _own_or_404(address_id):
    try:
        return addresses.get(_me(), address_id)
    except NotFound:
        abort(404)


def _form_data():
    data = {f: request.form.get(f, "") for f in FORM_FIELDS}
    if request.form.get("is_default"):
        data["is_default"] = True
    return data


def _error(errors, e):
    field = e.field if e.field in FORM_FIELDS else "form"
    errors[field] = translate(e)


@login_required
def address_book():
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        try:
            addresses.add(_me(), _form_data())
        except DomainError as e:
            _error(errors, e)
        else:
            flash(gettext("Address saved."), "success")
            return redirect(url_for("auth.address_book"))
    page = render_template(
        "accounts/addresses.html",
        addresses=addresses.book(_me()),
        errors=errors,
        form=form,
        limit=addresses.MAX_ADDRESSES,
    )
    return page, 400 if errors else 200


@login_required
def edit_address(address_id):
    address = _own_or_404(address_id)
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        try:
            addresses.update(_me(), address.id, _form_data())
        except NotFound:
            abort(404)
        except DomainError as e:
            _error(errors, e)
        else:
            flash(gettext("Address saved."), "success")
            return redirect(url_for("auth.address_book"))
    page = render_template(
        "accounts/addresses_edit.html", address=address, errors=errors, form=form
    )
    return page, 400 if errors else 200


@login_required
def default_address(address_id):
    address = _own_or_404(address_id)
    addresses.update(_me(), address.id, {"is_default": True})
    flash(gettext("Default address changed."), "success")
    return redirect(url_for("auth.address_book"))


@login_required
def delete_address(address_id):
    address = _own_or_404(address_id)
    try:
        addresses.delete(_me(), address.id)
    except NotFound:
        abort(404)
    flash(gettext("Address deleted."), "success")
    return redirect(url_for("auth.address_book"))


def add_routes(bp):
    bp.add_url_rule(
        "/account/addresses", view_func=address_book, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        "/account/addresses/<int:address_id>/edit",
        view_func=edit_address,
        methods=["GET", "POST"],
    )
    bp.add_url_rule(
        "/account/addresses/<int:address_id>/default",
        view_func=default_address,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/account/addresses/<int:address_id>/delete",
        view_func=delete_address,
        methods=["POST"],
    )
