"""The leader's helpers page (`/leader/helpers`): who may verify pickup codes at
the leader's point, a form naming one more by username, and a Remove button on
each. Routes on the leaders' blueprint (`leader_views.bp`); only an approved
leader opens it (others are sent to `/leader` with a message; a helper never
sees it). The add form re-renders with its message; Remove redirects back.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.common import translate
from blueprints.community.leader_views import bp
from livestall.community import helpers, leaders
from livestall.errors import DomainError


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _approved_leader():
    leader = leaders.of_user(_me())
    return leader if leader is not None and leader.status == "approved" else None


@bp.route("/leader/helpers", methods=["GET", "POST"])
@login_required
def helpers_page():
    """The helpers list, the add form and a Remove button per helper."""
    leader = _approved_leader()
    if leader is None:
        flash(gettext("Only an approved leader names helpers."), "info")
        return redirect(url_for(".home"))
    errors, username, status = {}, "", 200
    if request.method == "POST":
        username = (request.form.get("username") or "")[:60]
        try:
            found, created = helpers.add(_me(), username)
        except DomainError as e:
            errors["username" if e.field == "username" else "form"] = translate(e)
            status = e.status if e.status in (403, 404, 409) else 400
        else:
            if created:
                flash(
                    gettext(
                        "%(name)s can now verify pickup codes at your point.",
                        name=found.user.name,
                    ),
                    "success",
                )
            else:
                flash(
                    gettext("%(name)s is your helper already.", name=found.user.name),
                    "info",
                )
            return redirect(url_for(".helpers_page"))
    found = helpers.helpers_of(leader)
    page = render_template(
        "community/leader/helpers.html",
        leader=leader,
        helpers=found,
        most=helpers.MAX_HELPERS,
        errors=errors,
        username=username,
    )
    return page, status


@bp.route("/leader/helpers/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_helper(user_id):
    """The user stops helping; back to the list with a message."""
    try:
        removed = helpers.remove(_me(), user_id)
    except DomainError as e:
        flash(translate(e), "error")
        if _approved_leader() is None:
            return redirect(url_for(".home"))
    else:
        flash(
            gettext(
                "%(name)s no longer verifies codes at your point.", name=removed.name
            ),
            "success",
        )
    return redirect(url_for(".helpers_page"))
