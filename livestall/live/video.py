"""Live video: stream keys, nginx-rtmp's publish callbacks, HLS files, recordings.

Free of Flask: `blueprints/live/video.py` passes the paths and settings in. The
media server is nginx with the RTMP module (deploy/nginx-rtmp.conf.tmpl):

- OBS publishes to rtmp://HOST/live/<stream key>; nginx asks `on_publish` whether the
  key may publish. A valid key answers with a redirect to the session's own stream
  name (rtmp://.../hls/s<ID>), so the key never appears in a file name or a URL the
  viewers see; nginx then relays the stream to its `hls` application.
- The `hls` application writes DIR/hls/s<ID>.m3u8 and its segments (a short live
  playlist) and records DIR/rec/s<ID>-<time>.flv; after the session
  `finish_recording` remuxes the FLV files (with ffmpeg, no re-encoding) into
  DIR/recordings/<ID>.mp4, the replay.
"""

import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
import urllib.parse
from pathlib import Path

from livestall.accounts.models import User
from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, NotAllowed
from livestall.live import rules as live
from livestall.live.models import LiveAction, LiveSession
from livestall.live.video_models import LiveVideo, StreamKey

KEY_PREFIX = "lsk_"
KEY_SHOWN = 8  # characters of the key shown masked: "lsk_AbCd"
URL_MAX = 500
SEGMENT = re.compile(r"^s(\d{1,15})-(\d{1,10})\.ts$")


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
            & (LiveSession.scheduled_at > now - live.STALE_AFTER)
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
    session = live.get_session(target.id)
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
    return live.get_session(row.session_id)


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
    return live.get_session(session_id)


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
    live._require_host(editor, session)
    if session.status == "ended":
        raise live.NotLive("This live has ended.")
    url = clean_url(value)
    with transaction():
        row = _video_row(session.id)
        LiveVideo.update(external_url=url).where(LiveVideo.id == row.id).execute()
    return url


# --- files ----------------------------------------------------------------------------


def paths(video_dir, session_id):
    root = Path(video_dir)
    name = stream_name(session_id)
    return {
        "playlist": root / "hls" / f"{name}.m3u8",
        "hls": root / "hls",
        "rec": sorted((root / "rec").glob(f"{name}-*.flv")),
        "mp4": root / "recordings" / f"{int(session_id)}.mp4",
        "parts": root / "recordings" / f"{int(session_id)}.parts.json",
    }


def segment_path(video_dir, session_id, filename):
    """A segment of the session's live stream, or None (names are checked)."""
    match = SEGMENT.match(filename or "")
    if not match or int(match.group(1)) != int(session_id):
        return None
    path = Path(video_dir) / "hls" / filename
    return path if path.is_file() else None


def _playlist_entries(text):
    """[(duration_s, filename)] of an HLS media playlist."""
    out, duration = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXTINF:"):
            try:
                duration = float(line[8:].split(",")[0])
            except ValueError:
                duration = None
        elif line and not line.startswith("#"):
            out.append((duration or 0.0, line))
            duration = None
    return out


def health(video_dir, session_id, now=None, probe=True):
    """Is a stream arriving, its bitrate and resolution (from the newest segment)."""
    info = paths(video_dir, session_id)
    out = {"arriving": False, "bitrate_kbps": None, "width": None, "height": None}
    playlist = info["playlist"]
    try:
        text = playlist.read_text()
        age = (now or datetime.datetime.now().timestamp()) - playlist.stat().st_mtime
    except OSError:
        return out
    entries = _playlist_entries(text)
    if not entries:
        return out
    duration, name = entries[-1]
    newest = info["hls"] / name
    out["arriving"] = age < max(10.0, 3 * duration)
    try:
        size = newest.stat().st_size
    except OSError:
        return out
    if duration > 0:
        out["bitrate_kbps"] = round(size * 8 / duration / 1000)
    if probe:
        out["width"], out["height"] = _probe_size(newest)
    return out


_probed = {}


def _probe_size(path):
    """(width, height) of a segment's video with ffprobe (cached by file name)."""
    key = str(path)
    if key in _probed:
        return _probed[key]
    ffprobe = shutil.which("ffprobe")
    size = (None, None)
    if ffprobe:
        try:
            found = subprocess.run(  # noqa: S603 - fixed arguments, a checked path
                [
                    ffprobe,
                    "-v",
                    "error",
                    "-select_streams",
                    "v:0",
                    "-show_entries",
                    "stream=width,height",
                    "-of",
                    "csv=p=0",
                    key,
                ],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.split()  # a line per program: the first will do
            width, _, height = (found[0] if found else "").partition(",")
            if width.isdigit() and height.isdigit():
                size = (int(width), int(height))
        except (OSError, subprocess.SubprocessError):
            pass
    if len(_probed) > 256:
        _probed.clear()
    _probed[key] = size
    return size


# --- the recording --------------------------------------------------------------------


def finish_recording(video_dir, session_id, ffmpeg=None):
    """Remux the session's recorded FLV files into recordings/<ID>.mp4 (once, when
    the session has ended and no stream is arriving). Returns the MP4 path or None."""
    session = LiveSession.get_or_none(LiveSession.id == session_id)
    row = video_of(session_id)
    if session is None or session.status != "ended" or row is None or row.publishing:
        return None
    info = paths(video_dir, session_id)
    mp4 = info["mp4"]
    if mp4.exists():
        return mp4
    parts = [p for p in info["rec"] if p.stat().st_size > 0]
    ffmpeg = ffmpeg or shutil.which("ffmpeg")
    if not parts or not ffmpeg:
        return None
    mp4.parent.mkdir(parents=True, exist_ok=True)
    _write_parts(info["parts"], parts)
    work = mp4.with_suffix(f".{os.getpid()}.tmp.mp4")
    listing = mp4.with_suffix(f".{os.getpid()}.txt")
    listing.write_text("".join(f"file '{p.as_posix()}'\n" for p in parts))
    try:
        subprocess.run(  # noqa: S603 - fixed arguments, paths we made
            [
                ffmpeg,
                "-nostdin",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "concat",
                "-safe",
                "0",
                "-i",
                str(listing),
                "-c",
                "copy",
                "-movflags",
                "+faststart",
                str(work),
            ],
            check=True,
            capture_output=True,
            timeout=3600,
        )
        os.replace(work, mp4)
    except (OSError, subprocess.SubprocessError):
        work.unlink(missing_ok=True)
        return None
    finally:
        listing.unlink(missing_ok=True)
    LiveVideo.update(recording="ready", recording_s=_duration(mp4)).where(
        LiveVideo.id == row.id
    ).execute()
    return mp4


def _duration(path):
    ffprobe = shutil.which("ffprobe")
    if not ffprobe:
        return 0.0
    try:
        out = subprocess.run(  # noqa: S603 - fixed arguments
            [
                ffprobe,
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
        return float(out)
    except (OSError, subprocess.SubprocessError, ValueError):
        return 0.0


def _part_start(path):
    """When a recorded part began: nginx's `record_unique` ends its name with the
    Unix time (`live_<ID>-1763880000.flv`)."""
    tail = path.stem.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _write_parts(target, parts):
    """Note when each part began and how long it runs, for chapters after a
    reconnect (the gaps between parts are not in the recording). Nothing is written
    if a part's time or length is unknown: chapters then count from the first frame."""
    listed = [{"at": _part_start(p), "duration_s": _duration(p)} for p in parts]
    if all(part["at"] and part["duration_s"] > 0 for part in listed):
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(listed))
        os.replace(tmp, target)


def recording_parts(video_dir, session_id):
    """[(began, Unix time; duration_s)] of the recording's parts, or None."""
    try:
        listed = json.loads(paths(video_dir, session_id)["parts"].read_text())
        return [(int(p["at"]), float(p["duration_s"])) for p in listed] or None
    except (OSError, ValueError, TypeError, KeyError):
        return None


def recording_position(session, offset_s, parts=None, first_frame_s=0):
    """Where the moment `offset_s` seconds after the session's start is in the
    recording, in whole seconds. With the parts known, the time between them (the
    host's stream dropped and came back) is skipped, and a moment inside such a gap
    plays from the next part; without them, the first frame (`first_frame_s` after
    the start: recording_offset) is the only anchor."""
    if not parts or session.started_at is None:
        return max(0, offset_s - first_frame_s)
    start = session.started_at.replace(tzinfo=datetime.UTC).timestamp()
    position = 0.0
    for began, duration in parts:
        into = offset_s - (began - start)
        if into < duration:
            return int(position + max(0.0, into))
        position += duration
    return int(position)


def recording_offset(session, row):
    """Seconds between the session's start and the recording's first frame: chapter
    offsets (from the start) minus this are positions in the recording."""
    if row is None or row.first_publish_at is None or session.started_at is None:
        return 0
    return max(0, int((row.first_publish_at - session.started_at).total_seconds()))
