"""What a decision does beyond the database, after it commits: open rooms are told
(blueprints/live/moderation_events), and an account suspended by a decision is
mailed the decision with a signed link to appeal it (it can no longer sign in)."""

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from blueprints.accounts import mail
from blueprints.live import moderation_events
from livestall.accounts.models import User

APPEAL_SALT = "livestall-moderation-appeal"
APPEAL_LINK_S = 30 * 86400  # a suspended account may appeal for 30 days


def _signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=APPEAL_SALT)


def appeal_token(decision_id, user_id):
    return _signer().dumps({"d": decision_id, "u": user_id})


def read_appeal_token(token):
    """(decision id, user id) of a link that is ours and not expired, else None."""
    try:
        data = _signer().loads(token, max_age=APPEAL_LINK_S)
    except BadSignature:  # forged, or SignatureExpired (a subclass)
        return None
    if not isinstance(data, dict):
        return None
    decision_id, user_id = data.get("d"), data.get("u")
    if not all(
        isinstance(v, int) and not isinstance(v, bool) for v in (decision_id, user_id)
    ):
        return None
    return decision_id, user_id


def _mail_suspended(user_id, decision):
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.email:
        return False
    url = mail.link(
        "moderation.appeal_by_link", token=appeal_token(decision.id, user.id)
    )

    def message():
        subject = gettext("Your Livestall account was suspended")
        lines = [
            gettext("Hello %(name)s,", name=user.name),
            "",
            gettext("An admin suspended your account after reports."),
        ]
        if decision.note:
            lines += [gettext("The admin's note: %(note)s", note=decision.note)]
        lines += [
            "",
            gettext(
                "If you think this is wrong, you may appeal once within 30 days: "
                "another admin will decide."
            ),
            url,
        ]
        return subject, "\n".join(lines)

    return mail.send(user.email, message, user)


def carry_out(outcome):
    moderation_events.carry_out(outcome)
    for effect in outcome.effects:
        if effect[0] == "suspended":
            _mail_suspended(effect[1], outcome.decision)
