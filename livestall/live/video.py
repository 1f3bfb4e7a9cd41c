"""Live video: stream keys, nginx-rtmp's publish callbacks, an external HLS URL (the
files and the recording: `recordings`).

Free of Flask: `blueprints/live/video.py` passes the paths and settings in. The
media server is nginx with the RTMP module (deploy/nginx-rtmp.conf.tmpl):

- OBS publishes to rtmp://HOST/live/<stream key>; nginx asks `on_publish` whether the
  key may publish. A valid key answers with a redirect to the session's own stream
  name (rtmp://.../hls/s<ID>), so the key never appears in a file name or a URL the
  viewers see; nginx then relays the stream to its `hls` application.
- The `hls` application writes DIR/hls/s<ID>.m3u8 and its segments (a short live
  playlist) and records DIR/rec/s<ID>-<time>.flv; after the session
  `recordings.finish_recording` remuxes the FLV files (with ffmpeg, no re-encoding)
  into DIR/recordings/<ID>.mp4, the replay.
"""

import datetime
import secrets
import urllib.parse

from livestall.accounts import verification
from livestall.accounts.models import User
from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, NotAllowed
from livestall.live import listings, sessions
from livestall.live.models import LiveAction, LiveSession, LiveVideo, StreamKey

KEY_PREFIX = "lsk_"
KEY_SHOWN = 8  # characters of the key shown masked: "lsk_AbCd"
URL_MAX = 500


# --- stream keys ----------------------------------------------------------------------


def new_key(user):
    """Create or rotate the creator's stream key; returns the secret (shown once)."""
    if not user.has_role("creator", "admin"):
        raise NotAllowed("Only creators can go live. Switch on the creator role first.")
    secret = KEY_PREFIX + secrets.token_urlsafe(24)
    with transaction():
        StreamKey.delete().where(StreamKey.user == user.id).execute()
        StreamKey.create(
            user=user.id, digest=StreamKey.digest_of(secret), prefix=secret[:KEY_SHOWN]
        )
    return secret


def key_of(user):
    return StreamKey.get_or_none(StreamKey.user == user.id)


def masked(key):
    return key.prefix + "•" * 12 if key else None


def user_for_key(secret):
    """The creator whose key this is, or None."""
    if not isinstance(secret, str) or not 10 <= len(secret) <= 100:
        return None
    if not secret.startswith(KEY_PREFIX):
        return None
    key = (
        StreamKey.select(StreamKey, User)
        .join(User)
        .where(StreamKey.digest == StreamKey.digest_of(secret))
        .first()
    )
    if key is None or key.user.status != "active":
        return None
    return key.user


def stream_name(session_id):
    return f"s{int(session_id)}"


# --- the session a key publishes to ---------------------------------------------------


def publish_target(user, now=None):
    """The creator's live session (the latest started), else their next scheduled
    one (the soonest, leaving out those forgotten for more than two hours)."""
    now = now or utcnow()
    base = LiveSession.select().where(LiveSession.host == user.id)
    current = (
        base.where(LiveSession.status == "live")
        .order_by(LiveSession.started_at.desc(), LiveSession.id.desc())
        .first()
    )
    if current is not None:
        return current
    return (
        base.where(
            (LiveSession.status == "scheduled")
            & (LiveSession.scheduled_at > now - listings.STALE_AFTER)
        )
        .order_by(LiveSession.scheduled_at, LiveSession.id)
        .first()
    )


def video_of(session_id):
    return LiveVideo.get_or_none(LiveVideo.session == session_id)


def _video_row(session_id):
    row = video_of(session_id)
    if row is None:
        LiveVideo.insert(session=session_id).on_conflict_ignore().execute()
        row = video_of(session_id)
    return row


def publish(secret, now=None):
    """nginx's on_publish: a valid key of a creator with a scheduled or live session
    may publish. Marks that session live. Returns (session, went_live)."""
    now = (now or utcnow()).replace(microsecond=0)
    user = user_for_key(secret)
    if user is None:
        raise NotAllowed("This stream key is not valid.")
    verification.require_verified(user)  # issue 23
    target = publish_target(user, now)
    if target is None:
        raise NotAllowed("Schedule a live first: there is nothing to stream to.")
    went_live = False
    with transaction():
        if target.status == "scheduled":
            went_live = bool(
                LiveSession.update(status="live", started_at=now)
                .where(
                    (LiveSession.id == target.id) & (LiveSession.status == "scheduled")
                )
                .execute()
            )
            if went_live:
                LiveAction.create(
                    session=target.id, actor=user.id, kind="start", data={"via": "rtmp"}
                )
        row = _video_row(target.id)
        LiveVideo.update(
            publishing=True,
            last_publish_at=now,
            unpublished_at=None,
            first_publish_at=row.first_publish_at or now,
        ).where(LiveVideo.id == row.id).execute()
        StreamKey.update(last_used_at=now).where(StreamKey.user == user.id).execute()
    session = sessions.get_session(target.id)
    if session.status != "live":
        raise NotAllowed("This live has ended.")
    return session, went_live


def publish_done(secret, now=None):
    """nginx's on_publish_done: the stream stopped. Returns the session whose stream
    it was (its grace period starts now), or None."""
    now = (now or utcnow()).replace(microsecond=0)
    user = user_for_key(secret)
    if user is None:
        return None
    row = (
        LiveVideo.select(LiveVideo)
        .join(LiveSession)
        .where((LiveSession.host == user.id) & (LiveVideo.publishing == True))  # noqa: E712
        .order_by(LiveVideo.last_publish_at.desc())
        .first()
    )
    if row is None:
        return None
    LiveVideo.update(publishing=False, unpublished_at=now).where(
        (LiveVideo.id == row.id) & (LiveVideo.publishing == True)  # noqa: E712
    ).execute()
    return sessions.get_session(row.session_id)


def end_if_gone(session_id, grace_s, now=None):
    """End a live whose stream stopped `grace_s` ago and did not come back.
    Returns the ended session, or None (it came back, or it ended already)."""
    now = now or utcnow()
    row = video_of(session_id)
    if row is None or row.publishing or row.unpublished_at is None:
        return None
    if row.unpublished_at > now - datetime.timedelta(seconds=grace_s):
        return None
    with transaction():
        moved = (
            LiveSession.update(status="ended", ended_at=now.replace(microsecond=0))
            .where((LiveSession.id == session_id) & (LiveSession.status == "live"))
            .execute()
        )
        if not moved:
            return None
        host = LiveSession.get_by_id(session_id).host_id
        LiveAction.create(
            session=session_id, actor=host, kind="end", data={"via": "stream_stopped"}
        )
    return sessions.get_session(session_id)


def end_gone_streams(grace_s, now=None):
    """End every live whose stream stopped more than `grace_s` ago and did not come
    back: the sweep behind the per-stream grace timer, which dies with its process.
    Returns the ended sessions (each ends once, whoever gets there first)."""
    now = now or utcnow()
    due = (
        LiveVideo.select(LiveVideo.session_id)
        .join(LiveSession)
        .where(
            (LiveVideo.publishing == False)  # noqa: E712
            & (LiveVideo.unpublished_at <= now - datetime.timedelta(seconds=grace_s))
            & (LiveSession.status == "live")
        )
    )
    ended = (end_if_gone(row.session_id, grace_s, now) for row in list(due))
    return [session for session in ended if session is not None]


# --- an external HLS URL --------------------------------------------------------------


def clean_url(value):
    """An http(s) URL with a host and no credentials, or None if empty."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("Give an http or https URL.", field="video_url")
    value = value.strip()
    if not value:
        return None
    if len(value) > URL_MAX:
        raise Invalid("At most %(n)d characters.", field="video_url", n=URL_MAX)
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError:
        raise Invalid("Give an http or https URL.", field="video_url") from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or any(ch.isspace() or ord(ch) < 32 for ch in value)
        or "\\" in value
        or (port is not None and not 0 < port < 65536)
    ):
        raise Invalid("Give an http or https URL.", field="video_url")
    return value


def origin_of(url):
    """scheme://host[:port] of a clean URL (for the page's CSP)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def set_external_url(session, editor, value):
    sessions.require_host(editor, session)
    if session.status == "ended":
        raise sessions.NotLive("This live has ended.")
    url = clean_url(value)
    with transaction():
        row = _video_row(session.id)
        LiveVideo.update(external_url=url).where(LiveVideo.id == row.id).execute()
    return url
