"""livestall.db.base.Prepared and PreparedInsert: compiled once, the same rows as the
query they stand for (SQLite here, PostgreSQL in the CI's second pass)."""

import pytest

from extensions import db
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.db.base import Prepared, PreparedInsert, transaction, utcnow
from livestall.live import chat, sessions
from livestall.live.models import ChatMessage, LiveSession
from tests.plugins.app import FAST_HASH


@pytest.fixture
def people(app):
    with app.app_context(), db.connection_context():
        lily = accounts.register(
            "lily",
            "lily@example.com",
            "a long password 1",
            "creator",
            "Lily 莉莉",
            hash_method=FAST_HASH,
        )
        mei = accounts.register(
            "mei", "mei@example.com", "a long password 2", hash_method=FAST_HASH
        )
        session = LiveSession.create(
            host=lily.id, title="春茶直播", scheduled_at=utcnow()
        )
        yield {"lily": lily, "mei": mei, "session": session}


def test_a_joined_select_hydrates_like_the_query_and_follows_its_arguments(people):
    by_id = Prepared(
        lambda sid: (
            LiveSession.select(LiveSession, User)
            .join(User, on=(LiveSession.host == User.id))
            .where(LiveSession.id == sid)
        )
    )
    sid = people["session"].id
    other = LiveSession.create(
        host=people["mei"].id, title="Another", scheduled_at=utcnow()
    )
    for _ in range(2):  # compiled on the first call, reused on the second
        got = by_id.first(sid)
        assert (got.id, got.title, got.host.username) == (sid, "春茶直播", "lily")
        assert got.host.display_name == "Lily 莉莉"
        assert by_id.first(other.id).host.username == "mei"
        assert by_id.first(10**9) is None
    assert list(by_id.compiled.values())[0] is not None  # it was compiled


def test_a_query_whose_parameters_are_not_its_arguments_is_built_each_time(people):
    newest = Prepared(
        lambda host_id: (
            LiveSession.select()
            .where(LiveSession.host == host_id)
            .order_by(LiveSession.id.desc())
            .limit(1)
        )  # LIMIT is a parameter too: not only the arguments
    )
    assert newest.first(people["lily"].id).title == "春茶直播"
    LiveSession.create(host=people["lily"].id, title="Later", scheduled_at=utcnow())
    assert newest.first(people["lily"].id).title == "Later"
    assert newest.first(people["mei"].id) is None
    assert list(newest.compiled.values()) == [None]


def test_a_prepared_insert_returns_the_new_id_and_obeys_transactions(people):
    insert = PreparedInsert(
        ChatMessage.session,
        ChatMessage.user,
        ChatMessage.body,
        ChatMessage.status,
        ChatMessage.created_at,
    )
    sid, uid, now = people["session"].id, people["mei"].id, utcnow()
    first = insert(sid, uid, "你好", "visible", now)
    second = insert(sid, uid, "hello", "held", now)
    assert second > first
    rows = {m.id: (m.body, m.status) for m in ChatMessage.select()}
    assert rows == {first: ("你好", "visible"), second: ("hello", "held")}
    with pytest.raises(RuntimeError), transaction():
        insert(sid, uid, "rolled back", "visible", now)
        raise RuntimeError
    assert ChatMessage.select().count() == 2


def test_a_prepared_insert_takes_its_fields_in_any_order(people):
    """peewee writes an INSERT's columns in the model's order (a touchpoint's live
    session before its product): values given in another order still land in
    their own columns, after a first call whose values were alike (compiled and
    kept then)."""
    from livestall.attribution.models import Touchpoint

    insert = PreparedInsert(
        Touchpoint.kind,
        Touchpoint.visitor_id,
        Touchpoint.product_id,
        Touchpoint.live_session_id,
        Touchpoint.created_at,
    )
    now = utcnow()
    first = insert("post_view", "v1", None, None, now)
    second = insert("product_click", "v2", 7, None, now)
    third = insert("live_watch", "v3", None, 9, now)
    rows = {
        t.id: (t.kind, t.product_id, t.live_session_id) for t in Touchpoint.select()
    }
    assert rows == {
        first: ("post_view", None, None),
        second: ("product_click", 7, None),
        third: ("live_watch", None, 9),
    }


def test_the_chat_path_stores_through_the_prepared_statements(people):
    session = sessions.get_session(people["session"].id)
    session.status = "live"
    message = chat.post_chat(session, people["mei"], "  多少钱？  ")
    stored = ChatMessage.get_by_id(message.id)
    assert (stored.body, stored.status, stored.user_id) == (
        "多少钱？",
        "visible",
        people["mei"].id,
    )
    assert sessions.is_moderator(people["lily"], session)
    assert not sessions.is_moderator(people["mei"], session)
