"""A live room's chat: cleaning and posting messages (sanctions, slow mode, blocked
words hold a message back), recent and held messages, the host's blocked words, hearts.
"""

import unicodedata

from peewee import fn

from livestall.accounts.models import User
from livestall.db.base import Prepared, PreparedInsert, isoformat, transaction, utcnow
from livestall.errors import Invalid
from livestall.live.models import BlockedWord, ChatMessage, LiveSession
from livestall.live.moderation import Banned, Muted, SlowMode, sanction_of
from livestall.live.sessions import NotLive, is_moderator, log_action, user_dict

CHAT_MAX = 200
RECENT_CHAT = 50
BLOCKED_WORDS_MAX = 200
LIKES_MAX_PER_EVENT = 50

# on every chat message (compiled once: see db.base.Prepared)
_INSERT_CHAT = PreparedInsert(
    ChatMessage.session,
    ChatMessage.user,
    ChatMessage.body,
    ChatMessage.status,
    ChatMessage.created_at,
)
_BLOCKED_WORDS = Prepared(
    lambda host_id: (
        BlockedWord.select(BlockedWord.word)
        .where(BlockedWord.host == host_id)
        .order_by(BlockedWord.word)
    )
)


def clean_chat(body):
    """Plain text: control characters out, whitespace folded, 1-200 characters."""
    if not isinstance(body, str):
        raise Invalid("Write a message.", field="body")
    body = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in body
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
    )
    body = " ".join(body.split())
    if not body:
        raise Invalid("Write a message.", field="body")
    if len(body) > CHAT_MAX:
        raise Invalid("At most %(n)d characters.", field="body", n=CHAT_MAX)
    return body


def _fold(text):
    """For matching blocked words: width, case, spaces and invisible format
    characters (zero-width spaces and joiners, bidi marks) do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Cf" and not ch.isspace()
    )


def catches(body, words):
    """Whether `body` contains one of `words` (folded: see `_fold`)."""
    folded = _fold(body)
    return any(_fold(word) and _fold(word) in folded for word in words)


def post_chat(session, user, body, now=None):
    """Store a message; raises Banned, Muted, SlowMode, NotLive or Invalid.

    A message with a blocked word is stored as `held`: the sender sees it, the
    room does not, and moderators may release it."""
    body = clean_chat(body)
    if session.status != "live":
        raise NotLive("The chat opens when the live starts.")
    now = now or utcnow()
    moderator = is_moderator(user, session)
    if not moderator:
        banned, muted_until = sanction_of(session, user.id)
        if banned:
            raise Banned("You cannot chat in this room.")
        if muted_until:
            raise Muted(
                "You are muted until %(until)s.",
                until=isoformat(muted_until),
            )
        if session.slow_mode_s:
            last = (
                ChatMessage.select(fn.MAX(ChatMessage.created_at))
                .where(
                    (ChatMessage.session == session.id)
                    & (ChatMessage.user == user.id)
                    & (ChatMessage.status != "deleted")
                )
                .scalar()
            )
            if last is not None:
                wait = session.slow_mode_s - (now - last).total_seconds()
                if wait > 0:
                    error = SlowMode(
                        "Slow mode: one message every %(n)d seconds.",
                        n=session.slow_mode_s,
                    )
                    error.retry_after_s = int(wait) + 1
                    raise error
    status = "visible"
    if not moderator and catches(body, blocked_words(session.host_id)):
        status = "held"
    message = ChatMessage(
        session=session.id, user=user.id, body=body, status=status, created_at=now
    )
    message.id = _INSERT_CHAT(session.id, user.id, body, status, now)
    message.user = user
    return message


def message_dict(message):
    return {
        "id": message.id,
        "session_id": message.session_id,
        "body": message.body,
        "user": user_dict(message.user),
        "created_at": isoformat(message.created_at),
        "status": message.status,
    }


def _recent_chat_query(session_id, status, limit):
    # only what a message shows: every join (and the room page) reads these rows,
    # and each column more is one more value to parse per message
    return (
        ChatMessage.select(
            ChatMessage.id,
            ChatMessage.session,
            ChatMessage.body,
            ChatMessage.status,
            ChatMessage.created_at,
            User.id,
            User.username,
            User.display_name,
        )
        .join(User)
        .where((ChatMessage.session == session_id) & (ChatMessage.status == status))
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )


_RECENT_CHAT = Prepared(_recent_chat_query)


def recent_chat(session, limit=RECENT_CHAT):
    return _RECENT_CHAT.rows(session.id, "visible", limit)[::-1]


def held_messages(session, limit=50):
    return list(
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where((ChatMessage.session == session.id) & (ChatMessage.status == "held"))
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )[::-1]


def blocked_words(host_id):
    return [w.word for w in _BLOCKED_WORDS.rows(host_id)]


def set_blocked_words(host, words, session=None, actor=None):
    """Replace the host's blocked-words list (a list, or text one per line/comma).
    `actor` (default the host) is who the session's log names."""
    if isinstance(words, str):
        words = words.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise Invalid("Give the words as a list of text.", field="words")
    cleaned = []
    for word in words:
        word = " ".join(word.replace("\x00", "").split())
        if not word:
            continue
        if len(word) > 40:
            raise Invalid("At most %(n)d characters.", field="words", n=40)
        if word not in cleaned:
            cleaned.append(word)
    if len(cleaned) > BLOCKED_WORDS_MAX:
        raise Invalid("At most %(n)d words.", field="words", n=BLOCKED_WORDS_MAX)
    with transaction():
        BlockedWord.delete().where(BlockedWord.host == host.id).execute()
        if cleaned:
            BlockedWord.insert_many(
                [(host.id, w) for w in cleaned],
                fields=[BlockedWord.host, BlockedWord.word],
            ).execute()
        if session is not None:
            log_action(
                session.id,
                actor or host,
                "blocked_words",
                data={"count": len(cleaned)},
            )
    return cleaned


def add_likes(session_id, count):
    """Add a batch of hearts (one UPDATE); returns the new total."""
    with transaction():
        LiveSession.update(likes=LiveSession.likes + count).where(
            LiveSession.id == session_id
        ).execute()
        return (
            LiveSession.select(LiveSession.likes)
            .where(LiveSession.id == session_id)
            .scalar()
        )
