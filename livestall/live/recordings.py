"""Live video files: a session's HLS playlist and segments, the stream's health, and
the recording (FLV parts remuxed into one MP4 with ffmpeg, no re-encoding) with the
positions of moments in it. Free of Flask: `blueprints/live/video.py` passes the
video directory in. The layout is nginx-rtmp's (see `video` and
deploy/nginx-rtmp.conf.tmpl): DIR/hls/s<ID>.m3u8 and its segments,
DIR/rec/s<ID>-<time>.flv, DIR/recordings/<ID>.mp4.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from livestall.live.models import LiveSession, LiveVideo
from livestall.live.video import stream_name, video_of

SEGMENT = re.compile(r"^s(\d{1,15})-(\d{1,10})\.ts$")


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
