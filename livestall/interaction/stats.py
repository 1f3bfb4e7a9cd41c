"""What the room's play did, for the host console (/live/ID/console): votes in
its polls, people in its lucky draws and lotteries, prizes won and checked out,
and its PK record. A handful of queries whatever the live's size."""

from peewee import JOIN, fn

from livestall.flash.models import Reservation
from livestall.interaction.models import Draw, DrawEntry, Poll, PollVote
from livestall.interaction.pk_models import LivePK


def figures(session):
    """{polls, votes, draws, entrants, prizes_won, prizes_taken, pk_won, pk_lost,
    pk_drawn} of this live (lotteries count among draws)."""
    polls, votes = (
        Poll.select(fn.COUNT(fn.DISTINCT(Poll.id)), fn.COUNT(PollVote.id))
        .join(PollVote, on=(PollVote.poll == Poll.id), join_type=JOIN.LEFT_OUTER)
        .where(Poll.session == session.id)
        .tuples()
        .get()
    )
    draws, entrants = (
        Draw.select(fn.COUNT(fn.DISTINCT(Draw.id)), fn.COUNT(DrawEntry.id))
        .join(DrawEntry, on=(DrawEntry.draw == Draw.id), join_type=JOIN.LEFT_OUTER)
        .where(Draw.session == session.id)
        .tuples()
        .get()
    )
    won = sum(
        len(w or [])
        for (w,) in Draw.select(Draw.winners)
        .where((Draw.session == session.id) & (Draw.status == "drawn"))
        .tuples()
    )
    sale_ids = Draw.select(Draw.sale).where(
        (Draw.session == session.id) & Draw.sale.is_null(False)
    )
    taken = (
        Reservation.select(fn.COUNT(Reservation.id))
        .where(Reservation.sale.in_(sale_ids) & (Reservation.status == "converted"))
        .scalar()
    )
    record = {"won": 0, "lost": 0, "drawn": 0}
    for pk in LivePK.select().where(
        ((LivePK.session_a == session.id) | (LivePK.session_b == session.id))
        & (LivePK.status == "ended")
    ):
        if pk.winner_session_id is None:
            record["drawn"] += 1
        elif pk.winner_session_id == session.id:
            record["won"] += 1
        else:
            record["lost"] += 1
    return {
        "polls": polls or 0,
        "votes": votes or 0,
        "draws": draws or 0,
        "entrants": entrants or 0,
        "prizes_won": won,
        "prizes_taken": taken or 0,
        "pk_won": record["won"],
        "pk_lost": record["lost"],
        "pk_drawn": record["drawn"],
    }
