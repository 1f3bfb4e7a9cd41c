"""PK battles (连麦PK): two hosts' live rooms compete for a few minutes (docs/API.md,
"Live interaction" -> "PK battles").

- A host invites another host's live (`invite`); the invited host alone accepts or
  refuses within INVITE_TTL_S (`accept`, `refuse`; later is 409 `pk_expired`, and
  the sweep marks it `lapsed`). A host takes part in one PK at a time, invited or
  running (409 `pk_busy`): checked with both hosts locked, so two invitations at
  once cannot both pass.
- A side's score is the GMV in cents of the lines bought from its room (its
  `live:ID` and `flash:ID` sources, products it features, orders not cancelled or
  refunded) placed during [starts_at, end), plus its hearts since the start times
  PK_HEART_CENTS.
- `settle` is ONE guarded UPDATE `running -> ended`: whoever wins it (either host's
  `pk_end`, the sweep of any process at `ends_at`) freezes the scores, names the
  winner and tells both hosts (`pk_result`), in the same transaction; the others
  read the result.

Deadlines are checked at use: an invitation past its time is never accepted, and a
running PK past `ends_at` is settled with the scores at `ends_at`.
"""

import datetime

from livestall.accounts.models import User
from livestall.db.base import db, is_sqlite, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound, whole_number
from livestall.interaction.pk_models import INVITE_TTL_S, LivePK
from livestall.interaction.pk_scores import (  # noqa: F401 - the rules' whole API
    PK_HEART_CENTS,
    end_of,
    gmv,
    lapsed,
    likes_of,
    pk_dict,
    pk_dicts,
    score,
    supporters,
    tally,
)
from livestall.live import sessions
from livestall.notifications import rules as notifications

DURATION_MIN_S, DURATION_MAX_S = 60, 1800
RECENT_S = 120  # an ended PK stays in the room's state this long
PK_LOCK = 4242022  # advisory lock class: one host's PKs, in turn (PostgreSQL)


class PKBusy(Conflict):
    code = "pk_busy"


class PKExpired(Conflict):
    code = "pk_expired"


class PKAnswered(Conflict):
    """Accepting or refusing an invitation that is no longer open."""

    code = "pk_answered"


class PKNotRunning(Conflict):
    code = "pk_not_running"


def _now(now):
    return utcnow() if now is None else now


def _whole_id(value, key):
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("%(key)s must be a whole number.", field=key, key=key)
    if not 0 < value < 2**53:
        if key == "pk_id":
            raise NotFound("No such PK.")
        raise NotFound("No such live session.")
    return value


def get(pk_id):
    found = LivePK.get_or_none(LivePK.id == _whole_id(pk_id, "pk_id"))
    if found is None:
        raise NotFound("No such PK.")
    return found


def _lock_hosts(*host_ids):
    """Hold these hosts' other PK changes until the transaction ends (SQLite's
    BEGIN IMMEDIATE already serialises every write)."""
    if not is_sqlite():
        for host_id in sorted(set(host_ids)):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (PK_LOCK, host_id))


def _open_at(now):
    """PKs that still hold their hosts at `now`: invitations not lapsed, PKs
    running before their end."""
    lapse = now - datetime.timedelta(seconds=INVITE_TTL_S)
    return ((LivePK.status == "invited") & (LivePK.invited_at > lapse)) | (
        (LivePK.status == "running") & (LivePK.ends_at > now)
    )


def busy_hosts(host_ids, now=None, exclude=None):
    """The ids among `host_ids` taking part in an open PK (other than `exclude`)."""
    ids = list(host_ids)
    query = LivePK.select(LivePK.host_a, LivePK.host_b).where(
        _open_at(_now(now)) & (LivePK.host_a.in_(ids) | LivePK.host_b.in_(ids))
    )
    if exclude is not None:
        query = query.where(LivePK.id != exclude)
    return {h for row in query.tuples() for h in row} & set(ids)


def _check_free(pk_hosts, now, exclude=None):
    busy = busy_hosts(pk_hosts, now, exclude)
    if pk_hosts[0] in busy:
        raise PKBusy("You are in a PK already.")
    if busy:
        raise PKBusy("The other host is in a PK already.")


def _require_live(*lives):
    for session in lives:
        if session.status != "live":
            raise sessions.NotLive("Both lives must be on air for a PK.")


def invite(user, session_id, opponent_session_id, duration_s, now=None):
    """`user`, the host of `session_id`, invites the host of another live."""
    now = _now(now)
    session = sessions.get_session(_whole_id(session_id, "session_id"))
    other = sessions.get_session(_whole_id(opponent_session_id, "opponent_session_id"))
    duration = whole_number(
        {"duration_s": duration_s}, "duration_s", DURATION_MIN_S, DURATION_MAX_S
    )
    if user is None or user.id != session.host_id:
        raise NotAllowed("Only the host can invite another live to a PK.")
    if other.host_id == session.host_id:
        raise Invalid(
            "Invite another host's live.",
            code="pk_same_host",
            field="opponent_session_id",
        )
    _require_live(session, other)
    with transaction():
        _lock_hosts(session.host_id, other.host_id)
        _check_free((session.host_id, other.host_id), now)
        pk = LivePK.create(
            session_a=session.id,
            host_a=session.host_id,
            session_b=other.id,
            host_b=other.host_id,
            duration_s=duration,
            invited_at=now,
        )
    return pk


def _answerable(user, pk_id, now):
    pk = get(pk_id)
    if user is None or user.id != pk.host_b_id:
        raise NotAllowed("Only the invited host can answer this PK.")
    if pk.status == "lapsed" or (pk.status == "invited" and lapsed(pk, now)):
        raise PKExpired("The invitation has lapsed.")
    if pk.status != "invited":
        raise PKAnswered("This invitation was answered already.")
    return pk


def accept(user, pk_id, now=None):
    """The invited host accepts: the PK runs from now for its duration."""
    now = _now(now)
    pk = _answerable(user, pk_id, now)
    _require_live(
        sessions.get_session(pk.session_a_id), sessions.get_session(pk.session_b_id)
    )
    lapse = now - datetime.timedelta(seconds=INVITE_TTL_S)
    with transaction():
        _lock_hosts(pk.host_a_id, pk.host_b_id)
        _check_free((pk.host_b_id, pk.host_a_id), now, exclude=pk.id)
        likes = likes_of(pk.session_a_id, pk.session_b_id)
        moved = (
            LivePK.update(
                status="running",
                answered_at=now,
                starts_at=now,
                ends_at=now + datetime.timedelta(seconds=pk.duration_s),
                likes_a_start=likes.get(pk.session_a_id, 0),
                likes_b_start=likes.get(pk.session_b_id, 0),
            )
            .where(
                (LivePK.id == pk.id)
                & (LivePK.status == "invited")
                & (LivePK.invited_at > lapse)
            )
            .execute()
        )
    if not moved:
        pk = get(pk.id)
        if pk.status == "invited":
            raise PKExpired("The invitation has lapsed.")
        raise PKAnswered("This invitation was answered already.")
    return get(pk.id)


def refuse(user, pk_id, now=None):
    now = _now(now)
    pk = _answerable(user, pk_id, now)
    lapse = now - datetime.timedelta(seconds=INVITE_TTL_S)
    moved = (
        LivePK.update(status="refused", answered_at=now)
        .where(
            (LivePK.id == pk.id)
            & (LivePK.status == "invited")
            & (LivePK.invited_at > lapse)
        )
        .execute()
    )
    if not moved:
        if get(pk.id).status == "invited":
            raise PKExpired("The invitation has lapsed.")
        raise PKAnswered("This invitation was answered already.")
    return get(pk.id)


def lapse_due(now=None):
    """Mark the invitations past their time `lapsed` (each a guarded UPDATE):
    the PKs this call moved."""
    lapse = _now(now) - datetime.timedelta(seconds=INVITE_TTL_S)
    due = LivePK.select(LivePK.id).where(
        (LivePK.status == "invited") & (LivePK.invited_at <= lapse)
    )
    moved = []
    for (pk_id,) in due.tuples():
        if (
            LivePK.update(status="lapsed")
            .where((LivePK.id == pk_id) & (LivePK.status == "invited"))
            .execute()
        ):
            moved.append(get(pk_id))
    return moved


def due(now=None):
    """Ids of the running PKs whose time is over."""
    query = LivePK.select(LivePK.id).where(
        (LivePK.status == "running") & (LivePK.ends_at <= _now(now))
    )
    return [pk_id for (pk_id,) in query.tuples()]


def running(now=None, ids=None):
    """The PKs running now (before their end), of `ids` if given."""
    query = LivePK.select().where(
        (LivePK.status == "running") & (LivePK.ends_at > _now(now))
    )
    if ids is not None:
        query = query.where(LivePK.id.in_(list(ids)))
    return list(query.order_by(LivePK.id))


def running_with(session_ids):
    """Ids of the running PKs one of `session_ids` takes part in."""
    ids = list(session_ids)
    if not ids:
        return []
    query = LivePK.select(LivePK.id).where(
        (LivePK.status == "running")
        & (LivePK.session_a.in_(ids) | LivePK.session_b.in_(ids))
    )
    return [pk_id for (pk_id,) in query.tuples()]


def settle(pk_id, now=None, by=None):
    """End a running PK: (pk, True) for the one call whose guarded UPDATE moved it,
    which froze the scores and told both hosts; (pk as it is, False) for others."""
    now = _now(now)
    pk = get(pk_id)
    if pk.status != "running":
        return pk, False
    end = end_of(pk, now)
    with transaction():
        moved = (
            LivePK.update(status="ended", ended_at=end, ended_by=by.id if by else None)
            .where((LivePK.id == pk.id) & (LivePK.status == "running"))
            .execute()
        )
        if moved:
            _freeze(pk, end)
    return get(pk.id), bool(moved)


def _freeze(pk, end):
    (gmv_a, hearts_a, sup_a), (gmv_b, hearts_b, sup_b) = tally(pk, end)
    score_a, score_b = score(gmv_a, hearts_a), score(gmv_b, hearts_b)
    winner = None
    if score_a != score_b:
        winner = pk.session_a_id if score_a > score_b else pk.session_b_id
    LivePK.update(
        gmv_a_cents=gmv_a,
        gmv_b_cents=gmv_b,
        hearts_a=hearts_a,
        hearts_b=hearts_b,
        score_a=score_a,
        score_b=score_b,
        supporters_a=sup_a,
        supporters_b=sup_b,
        winner_session=winner,
    ).where(LivePK.id == pk.id).execute()
    names = {
        u.id: u for u in User.select().where(User.id.in_([pk.host_a_id, pk.host_b_id]))
    }
    for mine, theirs in (("a", "b"), ("b", "a")):
        own = getattr(pk, f"session_{mine}_id")
        other_host = names.get(getattr(pk, f"host_{theirs}_id"))
        result = "draw" if winner is None else ("won" if winner == own else "lost")
        notifications.notify_people(
            "pk_result",
            {getattr(pk, f"host_{mine}_id"): None},
            {
                "pk_id": pk.id,
                "session_id": own,
                "opponent_session_id": getattr(pk, f"session_{theirs}_id"),
                "opponent": other_host.name if other_host else "",
                "result": result,
                "score": score_a if mine == "a" else score_b,
                "opponent_score": score_b if mine == "a" else score_a,
            },
        )


def end(user, pk_id, now=None):
    """Either host (their moderators, admins) ends a running PK now: (pk, settled
    by this call). An ended PK is read as it is."""
    now = _now(now)
    pk = get(pk_id)
    lives = [
        sessions.get_session(pk.session_a_id),
        sessions.get_session(pk.session_b_id),
    ]
    if not any(sessions.is_moderator(user, s) for s in lives):
        raise NotAllowed("Only the hosts of this PK can end it.")
    if pk.status == "ended":
        return pk, False
    if pk.status != "running":
        raise PKNotRunning("This PK is not running.")
    return settle(pk.id, now, by=user)


def end_for_session(session_id, now=None):
    """The live `session_id` ended: its running PKs are settled now and its open
    invitations lapse. The PKs this call moved."""
    now = _now(now)
    moved = []
    for (pk_id,) in (
        LivePK.select(LivePK.id)
        .where(
            LivePK.status.in_(["invited", "running"])
            & ((LivePK.session_a == session_id) | (LivePK.session_b == session_id))
        )
        .tuples()
    ):
        pk = get(pk_id)
        if pk.status == "running":
            pk, won = settle(pk_id, now)
        else:
            won = (
                LivePK.update(status="lapsed")
                .where((LivePK.id == pk_id) & (LivePK.status == "invited"))
                .execute()
            )
            pk = get(pk_id)
        if won:
            moved.append(pk)
    return moved


# --- reading --------------------------------------------------------------------------


def _of(session_id):
    return (LivePK.session_a == session_id) | (LivePK.session_b == session_id)


def current(session_id, now=None):
    """The session's running PK, else the one that ended in the past RECENT_S."""
    now = _now(now)
    found = (
        LivePK.select()
        .where(_of(session_id) & (LivePK.status == "running"))
        .order_by(LivePK.id.desc())
        .first()
    )
    if found is not None:
        return found
    return (
        LivePK.select()
        .where(
            _of(session_id)
            & (LivePK.status == "ended")
            & (LivePK.ended_at > now - datetime.timedelta(seconds=RECENT_S))
        )
        .order_by(LivePK.ended_at.desc(), LivePK.id.desc())
        .first()
    )


def of_session(session, now=None):
    """The session's ended PKs, as dicts, in the order they started (the replay)."""
    session_id = getattr(session, "id", session)
    found = (
        LivePK.select()
        .where(_of(session_id) & (LivePK.status == "ended"))
        .order_by(LivePK.starts_at, LivePK.id)
    )
    return pk_dicts(list(found), now)


def for_session(session_id, now=None):
    """Every PK of the session (any status), as dicts, oldest first."""
    found = LivePK.select().where(_of(session_id)).order_by(LivePK.id)
    return pk_dicts(list(found), now)
