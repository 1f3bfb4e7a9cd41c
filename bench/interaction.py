"""Live interaction at scale: drawing a lucky bag or a lottery sale over many
entrants, and a vote against a chat message, each against a baseline measured in
the same run.

In process, on a SQLite database of its own: a host on air with a product whose
merchant allows prizes and lottery sales; E entrants (bulk INSERTs of users and
entry rows). Then:

- COUNT: `SELECT COUNT(*)` of the draw's entries (the baseline for the draws);
- draw: `draws.run` of a lucky bag of 100 winners over the E entrants (read the
  entrants, rank them by SHA-256, hold a ¥0 unit for each winner, notify them);
- lottery: `draws.run` of a lottery sale of U units, 1 each, over E entrants
  (the allotment: U guarded moves and holds in one transaction);
- vote vs chat: V votes by `polls.vote` (a unique row and the guarded touch of
  the poll) against V chat messages by `chat.post_chat`, the same people.

    PYTHONPATH=. .venv/bin/python bench/interaction.py \
        [--entrants 100000] [--units 10000] [--votes 2000]
"""

import argparse
import shutil
import tempfile
import time

from bench import inprocess


def _users(db, n, created):
    start = db.execute_sql('SELECT COALESCE(MAX(id), 0) FROM "user"').fetchone()[0]
    conn = db.connection()
    conn.execute("BEGIN")
    conn.executemany(
        'INSERT INTO "user" (id, username, email, password_hash, display_name, bio, '
        "session_version, status, created_at) VALUES (?, ?, ?, 'x', ?, '', 1, "
        "'active', ?)",
        [
            (
                start + 1 + i,
                f"fan{i:06d}",
                f"fan{i:06d}@example.com",
                f"粉丝 {i}",
                created,
            )
            for i in range(n)
        ],
    )
    conn.execute("COMMIT")
    return list(range(start + 1, start + 1 + n))


def _entries(db, draw_id, ids, created):
    conn = db.connection()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO draw_entry (draw_id, user_id, created_at) VALUES (?, ?, ?)",
        [(draw_id, uid, created) for uid in ids],
    )
    conn.execute("UPDATE draw SET entrants = ? WHERE id = ?", (len(ids), draw_id))
    conn.execute("COMMIT")


def _ms(fn):
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def run(data_dir, entrants, units, votes):
    app = inprocess.create(data_dir)
    from extensions import db
    from livestall.accounts.models import User
    from livestall.catalog import rules as catalog
    from livestall.db.base import utcnow
    from livestall.flash.models import Reservation
    from livestall.interaction import draws, lottery, polls
    from livestall.interaction.models import Draw, DrawEntry
    from livestall.live import chat, sessions

    out = {}
    with app.app_context(), db.connection_context():
        shop = inprocess.person("benchshop", "merchant", "Bench shop")
        host = inprocess.person("benchhost", "creator", "Bench host")
        product = catalog.create_product(
            shop,
            {
                "title": "福袋 tea",
                "price_cents": 990,
                "category": "fresh",
                "stock": 1_000_000,
                "flash_min_price_cents": 0,
                "flash_max_units": 1_000_000,
            },
        )
        session = sessions.start(
            sessions.create_session(
                host, {"title": "Bench live", "product_ids": [product.id]}
            ),
            host,
        )
        now = utcnow()
        ids = _users(db, entrants, now)

        # a lucky bag of 100 winners over every entrant
        bag = draws.start(
            host,
            session,
            {
                "prize": {"product_id": product.id},
                "winners": 100,
                "keyword": "好运",
                "duration_s": 60,
            },
        )
        _entries(db, bag.id, ids, now)
        count_ms, counted = _ms(
            lambda: DrawEntry.select().where(DrawEntry.draw == bag.id).count()
        )
        draw_ms, (drawn, won) = _ms(lambda: draws.run(bag.id, early=True))
        assert counted == entrants and len(won) == 100
        assert drawn.winners == draws.rank(drawn.seed, ids, 100)

        # a lottery sale of `units` units, one each
        sale, ticket = lottery.launch(
            session,
            host,
            {
                "product_id": product.id,
                "price_cents": 500,
                "quantity": units,
                "per_user_limit": 1,
                "register_s": 60,
            },
        )
        _entries(db, ticket.id, ids, now)
        Draw.update(ends_at=now).where(Draw.id == ticket.id).execute()
        lottery_ms, (_d, allotted) = _ms(lambda: draws.run(ticket.id, hold_s=1800))
        held = sum(
            r.qty for r in Reservation.select().where(Reservation.sale == sale.id)
        )
        assert held == min(units, entrants) == len(allotted)

        # votes against chat messages, by the same people
        poll = polls.start(
            host,
            session,
            {"question": "Which?", "options": ["A", "B"], "duration_s": 600},
        )
        people = list(User.select().where(User.id.in_(ids[:votes])))
        vote_ms, _ = _ms(lambda: [polls.vote(u, poll.id, u.id % 2) for u in people])
        chat_ms, _ = _ms(lambda: [chat.post_chat(session, u, "好看") for u in people])
        out = {
            "entrants": entrants,
            "units": units,
            "votes": votes,
            "count_ms": count_ms,
            "draw_ms": draw_ms,
            "lottery_ms": lottery_ms,
            "vote_ms": vote_ms,
            "chat_ms": chat_ms,
        }
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entrants", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=2_000)
    args = parser.parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="bench-interaction-")
    try:
        r = run(data_dir, args.entrants, args.units, args.votes)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    base = r["count_ms"]
    print(
        f"entrants {r['entrants']:,}, lottery units {r['units']:,}, "
        f"votes {r['votes']:,}"
    )
    print(f"COUNT of the entries      {base:9.1f} ms  (baseline)")
    print(
        f"lucky bag, 100 winners    {r['draw_ms']:9.1f} ms  {r['draw_ms'] / base:6.1f}x"
    )
    print(
        f"lottery, {r['units']:,} units     {r['lottery_ms']:9.1f} ms  "
        f"{r['lottery_ms'] / base:6.1f}x"
    )
    per_vote = r["vote_ms"] / r["votes"]
    per_chat = r["chat_ms"] / r["votes"]
    print(
        f"vote                      {per_vote:9.2f} ms each  "
        f"{per_vote / per_chat:5.2f}x a chat message ({per_chat:.2f} ms)"
    )


if __name__ == "__main__":
    main()
