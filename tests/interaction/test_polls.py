"""Polls and the announcement in the live room, with real Socket.IO test clients
(docs/API.md, "Live interaction"): who may start and end a poll, the payload
rules, one vote per person across two sockets, coalesced counts, late votes
refused at the vote whatever the sweep did, the result frozen at the end, the
join state (with your vote), the API list; the announcement banner for late
joiners, cleaned and bounded, and who may set it."""

import datetime

import pytest

from blueprints.live import interaction_events
from livestall.db.base import utcnow
from livestall.interaction import stats
from livestall.interaction.models import Poll, PollVote
from livestall.live.models import LiveAction, LiveSession
from tests.factories.sockets import connect, in_room, join, received, send
from tests.plugins.app import read_db

QUESTION = "下一款先上哪个? Which next?"
OPTIONS = ["龙井", "碧螺春", "Pu'er"]


@pytest.fixture
def world(live_world):
    interaction_events.reset()
    return live_world(
        products={"tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20}},
        people=[
            ("host", "lily", "creator"),
            ("mod", "tom", "shopper"),
            ("mei", "mei", "shopper"),
            ("lan", "lan", "shopper"),
        ],
        moderators=["tom"],
        ids=True,
        session="今晚上新",
    )


def start_poll(client, sid, **fields):
    body = {"session_id": sid, "question": QUESTION, "options": OPTIONS}
    body.update({"duration_s": 60, **fields})
    return send(client, "poll_start", body)


def test_host_runs_a_poll_viewers_vote_once_and_see_the_frozen_result(world, api):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei, mei_again, lan, anon = in_room(
        app, sid, tokens["host"], tokens["mei"], tokens["mei"], tokens["lan"], None
    )
    ack = start_poll(host, sid)
    assert ack["ok"], ack
    poll = ack["poll"]
    assert poll["question"] == QUESTION and poll["status"] == "open"
    assert [o["text"] for o in poll["options"]] == OPTIONS
    assert poll["my_vote"] is None and poll["total"] == 0
    assert received(anon, "poll")[0]["id"] == poll["id"]  # the room hears it

    ack = send(mei, "vote", {"poll_id": poll["id"], "option": 1})
    assert ack["ok"] and ack["poll"]["my_vote"] == 1
    # the same person on her second socket: refused, nothing counted twice
    again = send(mei_again, "vote", {"poll_id": poll["id"], "option": 0})
    assert again["error"]["code"] == "already_voted"
    assert send(lan, "vote", {"poll_id": poll["id"], "option": 1})["ok"]
    assert send(anon, "vote", {"poll_id": poll["id"], "option": 1})["error"][
        "code"
    ] == ("not_signed_in")

    received(anon)
    assert interaction_events.flush() == 1  # two votes, one coalesced `poll`
    seen = received(anon, "poll")
    assert len(seen) == 1 and [o["count"] for o in seen[0]["options"]] == [0, 2, 0]

    # a late joiner sees the poll and, signed in, her own vote
    state = join(connect(app, tokens["mei"]), sid)
    assert state["poll"]["id"] == poll["id"] and state["poll"]["my_vote"] == 1

    ack = send(host, "poll_end", {"poll_id": poll["id"]})
    assert ack["ok"] and ack["poll"]["status"] == "ended"
    ended = received(anon, "poll")[-1]
    assert ended["status"] == "ended" and ended["total"] == 2
    assert send(lan, "vote", {"poll_id": poll["id"], "option": 0})["error"]["code"] == (
        "poll_ended"
    )
    # the frozen result stands even if a vote row appeared later
    read_db(
        lambda: PollVote.create(poll=poll["id"], user=world["ids"]["host"], option=0)
    )
    resp = api.call("GET", f"/api/v1/live/{sid}/polls")
    assert resp.status_code == 200
    (listed,) = resp.get_json()["polls"]
    assert [o["count"] for o in listed["options"]] == [0, 2, 0]
    assert send(host, "poll_end", {"poll_id": poll["id"]})["error"]["code"] == (
        "poll_ended"
    )
    figures = read_db(lambda: stats.figures(LiveSession.get_by_id(sid)))
    assert (figures["polls"], figures["votes"]) == (1, 3)  # the late row counts here


def test_a_vote_after_the_deadline_is_refused_before_any_sweep(world):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei, anon = in_room(app, sid, tokens["host"], tokens["mei"], None)
    poll = start_poll(host, sid, duration_s=15)["poll"]
    past = utcnow() - datetime.timedelta(seconds=1)
    read_db(lambda: Poll.update(ends_at=past).where(Poll.id == poll["id"]).execute())
    ack = send(mei, "vote", {"poll_id": poll["id"], "option": 0})
    assert ack["error"]["code"] == "poll_ended"
    assert read_db(lambda: Poll.get_by_id(poll["id"]).status) == "open"  # no sweep yet
    received(anon)
    interaction_events.tick(config=app.config)
    (frozen,) = received(anon, "poll")
    assert frozen["status"] == "ended" and frozen["total"] == 0
    # a new poll may start once the last one is over
    assert start_poll(host, sid)["ok"]


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"question": ""}, "invalid"),
        ({"question": "问" * 101}, "invalid"),
        ({"options": ["only one"]}, "invalid"),
        ({"options": ["a", "b", "c", "d", "e", "f"]}, "invalid"),
        ({"options": ["Same", "same"]}, "invalid"),
        ({"options": ["a", 7]}, "invalid"),
        ({"options": "a,b"}, "invalid"),
        ({"duration_s": 14}, "invalid"),
        ({"duration_s": 601}, "invalid"),
        ({"duration_s": True}, "invalid"),
        ({"session_id": "x"}, "invalid"),
        ({"session_id": 99999}, "not_found"),
    ],
)
def test_bad_polls_are_refused_by_code(world, fields, code):
    (host,) = in_room(world["app"], world["sid"], world["tokens"]["host"])
    ack = start_poll(host, world["sid"], **fields)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack


def test_only_the_host_and_moderators_run_polls_and_one_at_a_time(world):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mod, mei = in_room(app, sid, tokens["host"], tokens["mod"], tokens["mei"])
    assert start_poll(mei, sid)["error"]["code"] == "forbidden"
    poll = start_poll(mod, sid)["poll"]  # a named moderator may
    assert start_poll(host, sid)["error"]["code"] == "poll_open"
    assert send(mei, "poll_end", {"poll_id": poll["id"]})["error"]["code"] == (
        "forbidden"
    )
    for bad in ({"poll_id": poll["id"], "option": 3}, {"poll_id": poll["id"]}):
        assert send(mei, "vote", bad)["error"]["code"] == "invalid"
    assert send(mei, "vote", {"poll_id": 10**9, "option": 0})["error"]["code"] == (
        "not_found"
    )
    assert send(host, "poll_end", {"poll_id": poll["id"]})["ok"]
    kinds = read_db(
        lambda: [a.kind for a in LiveAction.select().where(LiveAction.session == sid)]
    )
    assert "poll" in kinds and "poll_end" in kinds


@pytest.mark.serial  # a dozen threads writing at once: alone, not beside a journey
def test_votes_from_many_threads_count_once_each(world, api):
    """Each person votes from two sockets at once: exactly one vote each counts."""
    import threading

    app, sid = world["app"], world["sid"]
    people = [api.user(f"fan{i}") for i in range(6)]
    (host,) = in_room(app, sid, world["tokens"]["host"])
    poll = start_poll(host, sid)["poll"]
    clients = [(connect(app, t), connect(app, t)) for t in people]
    acks = []

    def vote(client, option):
        acks.append(send(client, "vote", {"poll_id": poll["id"], "option": option}))

    threads = [
        threading.Thread(target=vote, args=(c, i % 2))
        for pair in clients
        for i, c in enumerate(pair)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(a["ok"] for a in acks) == len(people)
    assert {a["error"]["code"] for a in acks if not a["ok"]} == {"already_voted"}
    assert read_db(
        lambda: PollVote.select().where(PollVote.poll == poll["id"]).count()
    ) == len(people)


def test_announcement_reaches_late_joiners_cleaned_and_bounded(world):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mod, mei, anon = in_room(
        app, sid, tokens["host"], tokens["mod"], tokens["mei"], None
    )
    text = "  今晚 8 点\u0000 秒杀!\n<b>全场包邮</b>  "
    ack = send(host, "announce", {"session_id": sid, "text": text})
    assert ack["ok"], ack
    assert ack["announcement"]["text"] == "今晚 8 点 秒杀! <b>全场包邮</b>"
    assert ack["announcement"]["by"]["username"] == "lily"
    (heard,) = received(anon, "announcement")
    assert heard["announcement"]["text"] == ack["announcement"]["text"]

    state = join(connect(app), sid)  # a late joiner
    assert state["announcement"]["text"] == ack["announcement"]["text"]

    assert send(mei, "announce", {"session_id": sid, "text": "hi"})["error"][
        "code"
    ] == ("forbidden")
    too_long = send(host, "announce", {"session_id": sid, "text": "公" * 141})
    assert too_long["error"]["code"] == "invalid"
    assert send(host, "announce", {"session_id": sid, "text": 5})["error"]["code"] == (
        "invalid"
    )
    assert send(mod, "announce", {"session_id": sid, "text": "公" * 140})["ok"]
    cleared = send(host, "announce", {"session_id": sid, "text": ""})
    assert cleared["ok"] and cleared["announcement"] is None
    assert join(connect(app), sid)["announcement"] is None
    logged = read_db(
        lambda: [
            a.data["text"]
            for a in LiveAction.select().where(
                (LiveAction.session == sid) & (LiveAction.kind == "announce")
            )
        ]
    )
    assert logged == [ack["announcement"]["text"], "公" * 140, ""]
