"""Live video without a media server: stream keys, nginx-rtmp's callbacks (and their
refusal to anyone but nginx), the grace period, external HLS URLs and the CSP they
need, the stream/recording routes and the console's video panel.

The end-to-end run with nginx-rtmp, ffmpeg and Chromium is
tests/journeys/test_journey_video.py.
"""

import datetime
import os
import re
import shutil
import subprocess
import time

import pytest

from blueprints.live.video import seek_positions
from blueprints.maintenance import maintenance_pass
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.errors import Invalid, NotAllowed
from livestall.live import recordings, sessions, video
from livestall.live import video_server as vs
from livestall.live.models import LiveAction, LiveSession, LiveVideo, StreamKey
from tests.plugins.app import read_db, text


@pytest.fixture
def world(live_world):
    """A creator (the host), another creator and a shopper: browsers, no shop."""
    return live_world(merchant=None, browsers=True)


def make_session(username, **data):
    def run():
        host = User.get(User.username == username)
        return sessions.create_session(host, {"title": "A live", **data}).id

    return read_db(run)


def new_key(username):
    return read_db(lambda: video.new_key(User.get(User.username == username)))


def status_of(session_id):
    return read_db(lambda: LiveSession.get_by_id(session_id).status)


def hook(client, app, name, kind="on_publish", secret=None, **environ):
    secret = vs.callback_secret(app.config) if secret is None else secret
    return client.post(
        f"/video/{kind}?secret={secret}",
        data={"app": "live", "name": name, "call": "publish", "addr": "127.0.0.1"},
        environ_base=environ,
    )


# --- keys -----------------------------------------------------------------------------


def test_a_stream_key_is_stored_as_a_hash_and_rotating_replaces_it(app, world):
    first = new_key("lily")
    assert first.startswith("lsk_") and len(first) > 30
    row = read_db(lambda: StreamKey.get(StreamKey.user == world["host"].id))
    assert row.digest == StreamKey.digest_of(first) and first not in row.digest
    assert row.prefix == first[:8]
    assert read_db(lambda: video.masked(row)).startswith(first[:8] + "•")
    assert read_db(lambda: video.user_for_key(first)).username == "lily"

    second = new_key("lily")
    assert second != first
    assert read_db(lambda: video.user_for_key(first)) is None
    assert read_db(lambda: video.user_for_key(second)).username == "lily"
    assert read_db(lambda: StreamKey.select().count()) == 1
    for bad in ("", "lsk_", "x" * 500, None, 42, "lsk_" + "A" * 32):
        assert read_db(lambda b=bad: video.user_for_key(b)) is None


def test_only_creators_get_stream_keys(app, world):
    with pytest.raises(NotAllowed):
        new_key("mei")


# --- callbacks ------------------------------------------------------------------------


def test_a_valid_key_takes_the_next_scheduled_session_live(app, client, world):
    later = make_session("lily", scheduled_at=utcnow() + datetime.timedelta(days=2))
    sooner = make_session("lily", scheduled_at=utcnow() + datetime.timedelta(hours=1))
    make_session("rose")
    key = new_key("lily")

    resp = hook(client, app, key)
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"rtmp://127.0.0.1:1935/hls/s{sooner}"
    assert status_of(sooner) == "live" and status_of(later) == "scheduled"
    row = read_db(lambda: LiveVideo.get(LiveVideo.session == sooner))
    assert row.publishing and row.first_publish_at is not None
    log = read_db(lambda: LiveAction.get(LiveAction.session == sooner))
    assert log.kind == "start" and log.data == {"via": "rtmp"}

    # The stream drops and comes back: the same (live) session, still live.
    assert hook(client, app, key, "on_publish_done").status_code == 200
    assert not read_db(lambda: LiveVideo.get(LiveVideo.session == sooner)).publishing
    assert hook(client, app, key).headers["Location"].endswith(f"/hls/s{sooner}")
    assert read_db(lambda: LiveVideo.get(LiveVideo.session == sooner)).publishing


def test_wrong_keys_and_hosts_without_a_session_are_refused(app, client, world):
    make_session("lily")
    key = new_key("lily")
    assert hook(client, app, "lsk_not-a-key-at-all-123").status_code == 403
    assert (
        hook(client, app, key[:-1] + ("A" if key[-1] != "A" else "B")).status_code
        == 403
    )
    assert hook(client, app, "").status_code == 403
    rose_key = new_key("rose")  # a creator with nothing scheduled
    assert hook(client, app, rose_key).status_code == 403
    rotated = new_key("lily")
    assert hook(client, app, key).status_code == 403  # the old key, after rotating
    assert hook(client, app, rotated).status_code == 302


def test_an_ended_session_is_not_published_to(app, client, world):
    session_id = make_session("lily")
    key = new_key("lily")
    read_db(
        lambda: sessions.end(
            sessions.get_session(session_id), User.get_by_id(world["host"].id)
        )
    )
    assert hook(client, app, key).status_code == 403


def test_the_callbacks_answer_only_nginx(app, client, world):
    session_id = make_session("lily")
    key = new_key("lily")
    assert hook(client, app, key, secret="wrong").status_code == 403
    assert hook(client, app, key, secret="").status_code == 403
    resp = hook(client, app, key, REMOTE_ADDR="203.0.113.9")  # right secret, not local
    assert resp.status_code == 403
    resp = hook(client, app, key, "on_publish_done", secret="wrong")
    assert resp.status_code == 403
    assert client.get("/video/on_publish").status_code == 405
    assert status_of(session_id) == "scheduled"
    # No CSRF token needed from nginx, but the shared secret is.
    assert hook(client, app, key).status_code == 302


def test_a_stream_that_stays_away_ends_the_live_after_the_grace_period(app, world):
    session_id = make_session("lily")
    key = new_key("lily")
    read_db(lambda: video.publish(key))
    gone = utcnow()
    read_db(lambda: video.publish_done(key, now=gone))
    assert read_db(lambda: video.end_if_gone(session_id, 60, gone)) is None
    soon = gone + datetime.timedelta(seconds=30)
    assert read_db(lambda: video.end_if_gone(session_id, 60, soon)) is None
    later = gone + datetime.timedelta(seconds=61)
    ended = read_db(lambda: video.end_if_gone(session_id, 60, later))
    assert ended.status == "ended"
    kinds = read_db(
        lambda: [a.kind for a in LiveAction.select().order_by(LiveAction.id)]
    )
    assert kinds == ["start", "end"]


def test_a_stream_that_comes_back_keeps_the_live_on(app, world):
    session_id = make_session("lily")
    key = new_key("lily")
    read_db(lambda: video.publish(key))
    gone = utcnow()
    read_db(lambda: video.publish_done(key, now=gone))
    read_db(lambda: video.publish(key))  # back within the grace period
    later = gone + datetime.timedelta(seconds=600)
    assert read_db(lambda: video.end_if_gone(session_id, 60, later)) is None
    assert status_of(session_id) == "live"


def test_the_maintenance_pass_ends_a_live_whose_grace_timer_died(app, world):
    """The grace timer runs in the process nginx told; if that process restarts in
    the grace period, any process's maintenance pass still ends the live, once."""
    gone_id, back_id, fresh_id = (make_session(u) for u in ("lily", "rose", "lily"))
    keys = {"lily": new_key("lily"), "rose": new_key("rose")}
    grace = app.config["VIDEO_END_GRACE_S"]
    long_ago = utcnow() - datetime.timedelta(seconds=grace + 5)
    for user in ("lily", "rose"):
        read_db(lambda user=user: video.publish(keys[user]))
        read_db(lambda user=user: video.publish_done(keys[user], now=long_ago))
    read_db(lambda: video.publish(keys["rose"]))  # rose's stream came back
    assert status_of(fresh_id) == "scheduled"  # lily's next live, not on air

    first = maintenance_pass(app)["lives_ended"]
    again = maintenance_pass(app)["lives_ended"]  # another process: nothing left
    assert [s.id for s in first] == [gone_id] and again == []
    assert [status_of(i) for i in (gone_id, back_id, fresh_id)] == [
        "ended",
        "live",
        "scheduled",
    ]
    ends = read_db(
        lambda: [a.data for a in LiveAction.select().where(LiveAction.kind == "end")]
    )
    assert ends == [{"via": "stream_stopped"}]


def test_within_the_grace_period_the_maintenance_pass_waits(app, world):
    session_id = make_session("lily")
    key = new_key("lily")
    read_db(lambda: video.publish(key))
    read_db(lambda: video.publish_done(key, now=utcnow()))
    assert maintenance_pass(app)["lives_ended"] == []
    assert status_of(session_id) == "live"


# --- external URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/live/index.m3u8",
        "http://10.0.0.2:8080/hls/stream.m3u8?token=abc",
        "  https://例子.cn/直播.m3u8  ",
    ],
)
def test_clean_url_accepts_http_and_https(url):
    assert video.clean_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:application/vnd.apple.mpegurl;base64,AAAA",
        "ftp://example.com/a.m3u8",
        "https://user:pw@example.com/a.m3u8",
        "https:///nohost.m3u8",
        "https://exa mple.com/a.m3u8",
        "https://example.com/a\nb.m3u8",
        "https://example.com:99999/a.m3u8",
        "https://example.com/" + "a" * 600,
        "//example.com/a.m3u8",
        ["https://example.com"],
    ],
)
def test_clean_url_refuses_anything_else(url):
    with pytest.raises(Invalid):
        video.clean_url(url)


def test_an_external_url_plays_in_the_room_under_its_own_csp(app, client, world):
    session_id = make_session("lily")
    host = world["host"]
    resp = host.post(
        f"/live/{session_id}/video-url", {"video_url": "javascript:alert(1)"}
    )
    assert resp.status_code == 302
    assert "http or https" in text(host.get(f"/live/{session_id}/console"))
    url = "https://cdn.example.com/live/abc.m3u8"
    assert (
        host.post(f"/live/{session_id}/video-url", {"video_url": url}).status_code
        == 302
    )
    # only the host sets it
    assert (
        world["rival"]
        .post(f"/live/{session_id}/video-url", {"video_url": "https://evil.test/x"})
        .status_code
        == 403
    )
    page = client.get(f"/live/{session_id}")
    csp = page.headers["Content-Security-Policy"]
    assert "media-src 'self' blob: https://cdn.example.com" in csp
    assert "connect-src 'self' https://cdn.example.com" in csp
    assert f'data-src="{url}"' in text(page)
    assert 'data-external="yes"' in text(page)
    # other pages keep the strict policy
    assert (
        "cdn.example.com" not in client.get("/live").headers["Content-Security-Policy"]
    )
    # emptied: back to the RTMP stream
    host.post(f"/live/{session_id}/video-url", {"video_url": ""})
    page = client.get(f"/live/{session_id}")
    assert "cdn.example.com" not in page.headers["Content-Security-Policy"]
    assert f'data-src="/live/{session_id}/hls/index.m3u8"' in text(page)


# --- pages and files ------------------------------------------------------------------


def test_the_console_shows_the_key_once_then_masked(app, world):
    session_id = make_session("lily")
    host = world["host"]
    page = text(host.get(f"/live/{session_id}/console"))
    assert "rtmp://127.0.0.1:1935/live" in page
    assert "Create a stream key" in page and 'id="video-health"' in page

    resp = host.post(f"/live/{session_id}/stream-key")
    assert resp.status_code == 302 and resp.location.endswith("/console#video")
    resp = host.get(f"/live/{session_id}/console")
    shown = re.search(
        r'id="stream-key" class="stream-key-new">(lsk_[^<]+)<', text(resp)
    )
    assert shown
    secret = shown.group(1)
    assert read_db(lambda: video.user_for_key(secret)).username == "lily"
    page = text(host.get(f"/live/{session_id}/console"))
    assert secret not in page
    assert secret[:8] + "•" in page and "Rotate the key" in page
    # not the shopper's, not a rival's
    assert world["rival"].post(f"/live/{session_id}/stream-key").status_code == 403
    assert world["shopper"].get(f"/live/{session_id}/video-health").status_code == 403


def test_the_room_waits_for_the_stream_and_serves_it(app, client, world):
    session_id = make_session("lily")
    root = vs.video_dir(app.config)
    page = text(client.get(f"/live/{session_id}"))
    assert 'id="live-player"' in page and "Waiting for the host" in page
    assert client.get(f"/live/{session_id}/video-state").get_json() == {
        "status": "scheduled",
        "ready": False,
    }
    assert client.get(f"/live/{session_id}/hls/index.m3u8").status_code == 404

    key = new_key("lily")
    read_db(lambda: video.publish(key))
    hls = root / "hls"
    hls.mkdir(parents=True)
    (hls / f"s{session_id}.m3u8").write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.000,\n"
        f"s{session_id}-0.ts\n#EXTINF:2.000,\ns{session_id}-1.ts\n"
    )
    (hls / f"s{session_id}-0.ts").write_bytes(b"\x47" * 188 * 10)
    (hls / f"s{session_id}-1.ts").write_bytes(b"\x47" * 188 * 1000)
    (hls / "s999-0.ts").write_bytes(b"\x47")
    state = client.get(f"/live/{session_id}/video-state").get_json()
    assert state == {"status": "live", "ready": True}
    resp = client.get(f"/live/{session_id}/hls/index.m3u8")
    assert resp.status_code == 200 and resp.mimetype == "application/vnd.apple.mpegurl"
    assert resp.headers["Cache-Control"] == "no-cache"
    resp = client.get(f"/live/{session_id}/hls/s{session_id}-1.ts")
    assert resp.status_code == 200 and resp.mimetype == "video/mp2t"
    for bad in ("s999-0.ts", "..%2Fsecret_key", f"s{session_id}-0.m3u8", "x.ts"):
        assert client.get(f"/live/{session_id}/hls/{bad}").status_code == 404

    health = world["host"].get(f"/live/{session_id}/video-health").get_json()["health"]
    assert health["publishing"] and health["arriving"]
    assert health["bitrate_kbps"] == round(188 * 1000 * 8 / 2 / 1000)
    old = time.time() - 120
    os.utime(hls / f"s{session_id}.m3u8", (old, old))
    assert not read_db(lambda: recordings.health(root, session_id, probe=False))[
        "arriving"
    ]


def test_the_replay_plays_the_recording_and_chapters_seek_it(app, client, world):
    session_id = make_session("lily")
    key = new_key("lily")
    read_db(lambda: video.publish(key))
    read_db(lambda: video.publish_done(key))
    read_db(
        lambda: sessions.end(
            sessions.get_session(session_id), User.get_by_id(world["host"].id)
        )
    )
    assert client.get(f"/live/{session_id}/recording.mp4").status_code == 404
    page = text(client.get(f"/live/{session_id}"))
    assert 'id="replay-player"' not in page and 'id="live-player"' not in page

    mp4 = vs.video_dir(app.config) / "recordings" / f"{session_id}.mp4"
    mp4.parent.mkdir(parents=True)
    mp4.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000)
    page = text(client.get(f"/live/{session_id}"))
    assert f'src="/live/{session_id}/recording.mp4"' in page
    resp = client.get(
        f"/live/{session_id}/recording.mp4", headers={"Range": "bytes=0-99"}
    )
    assert resp.status_code == 206 and len(resp.data) == 100


def test_chapter_offsets_account_for_a_late_stream(app, world):
    session_id = make_session("lily")

    def run():
        session = sessions.get_session(session_id)
        session = sessions.start(session, User.get_by_id(world["host"].id))
        LiveVideo.create(
            session=session_id,
            first_publish_at=session.started_at + datetime.timedelta(seconds=42),
        )
        return recordings.recording_offset(session, video.video_of(session_id))

    assert read_db(run) == 42


def _started(world, seconds_ago=0):
    """A live started `seconds_ago` (whole seconds, as stored)."""
    session_id = make_session("lily")

    def run():
        session = sessions.start(
            sessions.get_session(session_id), User.get_by_id(world["host"].id)
        )
        at = session.started_at.replace(microsecond=0)
        at -= datetime.timedelta(seconds=seconds_ago)
        LiveSession.update(started_at=at).where(LiveSession.id == session_id).execute()
        return sessions.get_session(session_id)

    return read_db(run)


def _epoch(moment):
    return int(moment.replace(tzinfo=datetime.UTC).timestamp())


def test_chapters_after_a_reconnect_skip_the_gap(app, world):
    session = _started(world)
    t0 = _epoch(session.started_at)
    # on air 10 s after the start for 100 s; the stream dropped; back at 150 s for 50 s
    parts = [(t0 + 10, 100.0), (t0 + 150, 50.0)]

    def at(offset_s, parts=parts):
        return recordings.recording_position(session, offset_s, parts)

    assert at(5) == 0  # before the first frame: the start of the recording
    assert at(60) == 50
    assert at(120) == 100  # inside the gap: where the stream came back
    assert at(160) == 110  # 10 s into the second part
    assert at(500) == 150  # after the end: the end
    # without the parts, only the first frame anchors (the stream came 10 s late)
    row = read_db(
        lambda: LiveVideo.create(
            session=session.id,
            first_publish_at=session.started_at + datetime.timedelta(seconds=10),
        )
    )
    first_frame = recordings.recording_offset(session, row)
    assert recordings.recording_position(session, 160, first_frame_s=first_frame) == 150
    assert at(160, parts=None) == 160  # nothing known: the recording is the live


def _flv(path, seconds):
    ffmpeg = shutil.which("ffmpeg")
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            ffmpeg, "-nostdin", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc=size=160x90:rate=10:duration={seconds}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "flv", str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip


def test_a_recording_in_two_parts_seeks_its_chapters_across_the_gap(app, world):
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        message = "needs ffmpeg and ffprobe (apt-get install -y ffmpeg)"
        if os.environ.get("CI") or os.environ.get("LIVESTALL_REQUIRE_VIDEO"):
            pytest.fail(message + "; required here")
        pytest.skip(message)
    session = _started(world, seconds_ago=60)
    t0 = _epoch(session.started_at)
    root = vs.video_dir(app.config)
    (root / "rec").mkdir(parents=True, exist_ok=True)
    name = video.stream_name(session.id)
    _flv(root / "rec" / f"{name}-{t0 + 5}.flv", 2)  # 5 s after the start, 2 s long
    _flv(root / "rec" / f"{name}-{t0 + 20}.flv", 3)  # back at 20 s, 3 s long

    def finish():
        LiveVideo.create(
            session=session.id,
            first_publish_at=session.started_at + datetime.timedelta(seconds=5),
        )
        sessions.end(sessions.get_session(session.id), User.get_by_id(world["host"].id))
        return recordings.finish_recording(root, session.id)

    mp4 = read_db(finish)
    assert mp4 is not None and mp4.is_file()
    parts = recordings.recording_parts(root, session.id)
    assert [at for at, _ in parts] == [t0 + 5, t0 + 20]
    assert [round(d) for _, d in parts] == [2, 3]
    assert read_db(
        lambda: LiveVideo.get(LiveVideo.session == session.id).recording_s
    ) == (pytest.approx(5, abs=0.3))
    chapters = [{"offset_s": 6}, {"offset_s": 12}, {"offset_s": 21}]
    with app.test_request_context():
        read_db(lambda: seek_positions(sessions.get_session(session.id), chapters, 5))
    # 1 s into the first part; in the gap: where it came back; 1 s into the second
    assert [c["seek_s"] for c in chapters] == [1, 2, 3]


# --- the nginx config -----------------------------------------------------------------


def test_the_nginx_config_is_rendered_with_the_data_dir_ports_and_secret(app):
    text_ = vs.render(app.config, rtmp_listen="127.0.0.1:19350")
    root = vs.video_dir(app.config)
    assert "listen 127.0.0.1:19350;" in text_
    assert f"hls_path {root}/hls;" in text_ and f"record_path {root}/rec;" in text_
    secret = vs.callback_secret(app.config)
    assert len(secret) == 32
    assert (
        f"on_publish http://127.0.0.1:5000/video/on_publish?secret={secret};" in text_
    )
    assert f"pid {root}/nginx/nginx.pid;" in text_
    assert "${" not in text_
    assert (root / "hls").is_dir() and (root / "rec").is_dir()
    other = dict(app.config, VIDEO_CALLBACK_SECRET="from-the-environment")
    assert vs.callback_secret(other) == "from-the-environment"


def test_the_video_server_command_prints_its_config(app):
    result = app.test_cli_runner().invoke(args=["video-server", "--print-config"])
    assert result.exit_code == 0, result.output
    assert "application live" in result.output and "on_publish" in result.output
