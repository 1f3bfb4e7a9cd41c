"""Polls in a live room (docs/API.md, "Live interaction").

A vote is one row per person and poll (a unique index: a second socket of the
same person is refused by the database). The vote and the poll's end race
safely: the vote inserts its row, then touches the poll row with a guarded
UPDATE (`status = 'open' AND ends_at > now`) in the same transaction; ending is
a guarded UPDATE of the same row that then counts the votes. Whichever takes the
row first decides: a vote that loses rolls back (`poll_ended`), one that wins is
in the frozen result."""

import datetime

from peewee import IntegrityError, fn

from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotFound, whole_number
from livestall.interaction.models import Poll, PollVote
from livestall.interaction.text import ms, plain
from livestall.live import moderation, sessions

QUESTION_MAX = 100
OPTION_MAX = 40
OPTIONS = (2, 5)
DURATION_S = (15, 600)
SHOWN_AFTER_END_S = 60


class PollOpen(Conflict):
    code = "poll_open"


class PollEnded(Conflict):
    code = "poll_ended"


class AlreadyVoted(Conflict):
    code = "already_voted"


def _options(value):
    if not isinstance(value, list) or not OPTIONS[0] <= len(value) <= OPTIONS[1]:
        raise Invalid("Give 2 to 5 options.", field="options")
    texts = [plain(v, "options", OPTION_MAX) for v in value]
    if len({t.casefold() for t in texts}) != len(texts):
        raise Invalid("The options must differ.", field="options")
    return texts


def start(user, session, data, now=None):
    sessions.require_moderator(user, session)
    if session.status != "live":
        raise sessions.NotLive("Polls run while the live is on.")
    question = plain(data.get("question"), "question", QUESTION_MAX)
    options = _options(data.get("options"))
    duration = whole_number(data, "duration_s", *DURATION_S)
    now = now or utcnow()
    with transaction():
        end_due(now, session_id=session.id)  # a poll past its time is over
        if (
            Poll.select()
            .where((Poll.session == session.id) & (Poll.status == "open"))
            .exists()
        ):
            raise PollOpen("End the running poll first.")
        poll = Poll.create(
            session=session.id,
            created_by=user.id,
            question=question,
            options=options,
            starts_at=now,
            ends_at=now + datetime.timedelta(seconds=duration),
        )
        sessions.log_action(
            session.id, user, "poll", data={"poll_id": poll.id, "question": question}
        )
    return poll


def get(poll_id):
    if isinstance(poll_id, bool) or not isinstance(poll_id, int):
        raise Invalid("poll_id must be a whole number.", field="poll_id")
    poll = Poll.get_or_none(Poll.id == poll_id) if 0 < poll_id < 2**53 else None
    if poll is None:
        raise NotFound("No such poll.")
    return poll


def end(user, poll_id, now=None):
    """The host ends a poll early (or the sweep at its time): frozen once."""
    poll = get(poll_id)
    session = sessions.get_session(poll.session_id)
    sessions.require_moderator(user, session)
    if not _close(poll, now or utcnow()):
        raise PollEnded("This poll has ended.")
    sessions.log_action(session.id, user, "poll_end", data={"poll_id": poll.id})
    return Poll.get_by_id(poll.id)


def _close(poll, now):
    with transaction():
        won = (
            Poll.update(status="ended", ended_at=min(now, poll.ends_at))
            .where((Poll.id == poll.id) & (Poll.status == "open"))
            .execute()
        )
        if won:
            Poll.update(result=counts(poll)).where(Poll.id == poll.id).execute()
    return bool(won)


def end_due(now=None, session_id=None):
    """End the polls past their time; returns them (to broadcast, frozen)."""
    now = now or utcnow()
    query = Poll.select().where((Poll.status == "open") & (Poll.ends_at <= now))
    if session_id is not None:
        query = query.where(Poll.session == session_id)
    return [Poll.get_by_id(p.id) for p in list(query) if _close(p, now)]


def vote(user, poll_id, option, now=None):
    poll = get(poll_id)
    if isinstance(option, bool) or not isinstance(option, int):
        raise Invalid("option must be a whole number.", field="option")
    if not 0 <= option < len(poll.options):
        raise Invalid("There is no option %(n)d.", field="option", n=option)
    now = now or utcnow()
    if poll.status != "open" or now >= poll.ends_at:
        raise PollEnded("This poll has ended.")
    session = sessions.get_session(poll.session_id)
    banned, _ = moderation.sanction_of(session, user.id)
    if banned:
        raise moderation.Banned("You were banned from this room.")
    try:
        with transaction():
            PollVote.create(poll=poll.id, user=user.id, option=option, created_at=now)
            still_open = (
                Poll.update(status="open")
                .where(
                    (Poll.id == poll.id)
                    & (Poll.status == "open")
                    & (Poll.ends_at > now)
                )
                .execute()
            )
            if not still_open:
                raise PollEnded("This poll has ended.")
    except IntegrityError:
        raise AlreadyVoted("You have voted in this poll.") from None
    return poll


def counts(poll):
    """Votes per option, from the votes (or the frozen result once ended)."""
    if poll.result is not None:
        return list(poll.result)
    out = [0] * len(poll.options)
    for option, n in (
        PollVote.select(PollVote.option, fn.COUNT(PollVote.id))
        .where(PollVote.poll == poll.id)
        .group_by(PollVote.option)
        .tuples()
    ):
        if 0 <= option < len(out):
            out[option] = n
    return out


def my_votes(user, polls):
    """{poll id: option} of this user."""
    if user is None or not polls:
        return {}
    return dict(
        PollVote.select(PollVote.poll, PollVote.option)
        .where((PollVote.user == user.id) & PollVote.poll.in_([p.id for p in polls]))
        .tuples()
    )


def poll_dict(poll, my_vote=None, with_mine=False):
    numbers = counts(poll)
    out = {
        "id": poll.id,
        "session_id": poll.session_id,
        "question": poll.question,
        "options": [
            {"text": text, "count": n}
            for text, n in zip(poll.options, numbers, strict=True)
        ],
        "total": sum(numbers),
        "status": poll.status,
        "starts_at": isoformat(poll.starts_at),
        "ends_at": isoformat(poll.ends_at),
        "ends_at_ms": ms(poll.ends_at),
        "ended_at": isoformat(poll.ended_at),
    }
    if with_mine:
        out["my_vote"] = my_vote
    return out


def current(session, now=None):
    """The open poll, or the last one that ended in the past minute."""
    now = now or utcnow()
    poll = (
        Poll.select()
        .where((Poll.session == session.id) & (Poll.status == "open"))
        .order_by(Poll.id.desc())
        .first()
    )
    if poll is not None:
        return poll
    return (
        Poll.select()
        .where(
            (Poll.session == session.id)
            & (Poll.status == "ended")
            & (Poll.ended_at > now - datetime.timedelta(seconds=SHOWN_AFTER_END_S))
        )
        .order_by(Poll.ended_at.desc())
        .first()
    )


def of_session(session):
    return list(Poll.select().where(Poll.session == session.id).order_by(Poll.id))
