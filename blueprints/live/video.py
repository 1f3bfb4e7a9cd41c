"""Live video routes (on the live blueprint): nginx-rtmp's callbacks, the HLS stream
and the recording, the console's stream key, external URL and stream health.

The callbacks are for nginx only: they need the shared secret of the rendered
nginx config (livestall/live/video_server.py) and a caller on VIDEO_CALLBACK_NETWORKS
(loopback by default). Video files are served by the app, so the player stays
same-origin under the site's CSP (production may let nginx serve them instead:
docs/DEPLOY-video.md).
"""

import hmac
import ipaddress
import threading

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    send_file,
    url_for,
)
from flask import (
    session as flask_session,
)
from flask_babel import gettext

from blueprints.common import CSP, translate
from blueprints.live import access, events
from blueprints.live.access import bp
from extensions import csrf, db, socketio
from livestall.errors import DomainError, NotAllowed
from livestall.live import recordings, video
from livestall.live import video_server as vs

_finishing = set()
_finishing_lock = threading.Lock()


def _dir():
    return vs.video_dir(current_app.config)


# --- nginx-rtmp's callbacks -----------------------------------------------------------


def _from_nginx():
    """The shared secret in the URL, from an allowed network; else 403."""
    given = request.args.get("secret", "")
    secret = vs.callback_secret(current_app.config)
    if not hmac.compare_digest(given.encode(), secret.encode()):
        abort(403)
    try:
        addr = ipaddress.ip_address((request.remote_addr or "").split("%")[0])
    except ValueError:
        abort(403)
    networks = current_app.config.get("VIDEO_CALLBACK_NETWORKS") or ""
    for net in networks.split(","):
        net = net.strip()
        if net and addr in ipaddress.ip_network(net, strict=False):
            return
    abort(403)


def _relay_target(session):
    """Where nginx relays an accepted stream: its own `hls` app, on loopback."""
    listen = current_app.config["VIDEO_RTMP_LISTEN"]
    port = listen.rsplit(":", 1)[-1] if ":" in listen else listen
    return f"rtmp://127.0.0.1:{port}/hls/{video.stream_name(session.id)}"


@bp.route("/video/on_publish", methods=["POST"])
@csrf.exempt
def on_publish():
    _from_nginx()
    if request.form.get("app", "live") != "live":
        return "", 403
    try:
        session, went_live = video.publish(request.form.get("name", ""))
    except DomainError:
        return "", 403
    if went_live:
        events.broadcast_session(session)
    # 3xx: nginx-rtmp relays the stream under its new name (the key stays private)
    return "", 302, {"Location": _relay_target(session)}


@bp.route("/video/on_publish_done", methods=["POST"])
@csrf.exempt
def on_publish_done():
    _from_nginx()
    session = video.publish_done(request.form.get("name", ""))
    if session is not None and session.status == "live":
        grace = current_app.config["VIDEO_END_GRACE_S"]
        app = current_app._get_current_object()
        socketio.start_background_task(_end_later, app, session.id, grace)
    return "", 200


def _end_later(app, session_id, grace_s):
    """After the grace period: end the live unless its stream came back."""
    socketio.sleep(grace_s + 1)
    with app.app_context(), db.connection_context():
        session = video.end_if_gone(session_id, grace_s)
        if session is not None:
            events.broadcast_session(session)
            _finish_soon(app, session_id)


def end_gone_streams(app):
    """The maintenance loop's part: lives whose stream stayed away past the grace
    period end, even when the process that ran their grace timer is gone."""
    ended = video.end_gone_streams(app.config["VIDEO_END_GRACE_S"])
    for session in ended:
        events.broadcast_session(session)
        _finish_soon(app, session.id)
    return ended


def _finish_soon(app, session_id):
    """Remux the recording in the background (once at a time per session)."""
    with _finishing_lock:
        if session_id in _finishing:
            return
        _finishing.add(session_id)

    def run():
        try:
            with app.app_context(), db.connection_context():
                recordings.finish_recording(vs.video_dir(app.config), session_id)
        finally:
            with _finishing_lock:
                _finishing.discard(session_id)

    threading.Thread(target=run, daemon=True).start()


# --- what the pages need --------------------------------------------------------------


def seek_positions(session, chapters, first_frame_s):
    """Each chapter's place in the replay's recording (`seek_s`); `first_frame_s`
    is page_video's `offset_s`, the anchor when the parts are not known."""
    parts = recordings.recording_parts(_dir(), session.id)
    for chapter in chapters:
        chapter["seek_s"] = recordings.recording_position(
            session, chapter["offset_s"], parts, first_frame_s
        )


def page_video(session, console=False):
    """The player's sources and state for the room (and the console)."""
    row = video.video_of(session.id)
    external = row.external_url if row else None
    out = {
        "external_url": external,
        "publishing": bool(row and row.publishing),
        "src": external or url_for("live.hls_playlist", session_id=session.id),
        "recording_url": None,
        "preparing": False,
        "offset_s": recordings.recording_offset(session, row),
    }
    if session.status == "ended" and not external:
        info = recordings.paths(_dir(), session.id)
        if info["mp4"].exists():
            out["recording_url"] = url_for("live.recording", session_id=session.id)
        elif info["rec"] and not (row and row.publishing):
            out["preparing"] = True
            _finish_soon(current_app._get_current_object(), session.id)
    if console:
        key = video.key_of(session.host)
        out["rtmp_url"] = current_app.config["VIDEO_RTMP_URL"]
        out["masked_key"] = video.masked(key)
        out["key_created_at"] = key.created_at if key else None
        out["grace_s"] = current_app.config["VIDEO_END_GRACE_S"]
    return out


def csp_for(page):
    """The site's CSP, plus the external stream's origin for media and XHR."""
    if not page.get("external_url"):
        return CSP
    origin = video.origin_of(page["external_url"])
    return CSP.replace(
        "media-src 'self' blob:", f"media-src 'self' blob: {origin}"
    ).replace("connect-src 'self'", f"connect-src 'self' {origin}")


# --- the stream and the recording -----------------------------------------------------


@bp.route("/live/<int:session_id>/hls/index.m3u8")
def hls_playlist(session_id):
    session = access.session_or_404(session_id)
    path = recordings.paths(_dir(), session.id)["playlist"]
    # Still served just after the end: players poll it until the room tells them
    # the live is over, and a 404 in between would only be noise.
    if session.status == "scheduled" or not path.is_file():
        abort(404)
    # the playlist names its segments relative to itself: s<ID>-<N>.ts
    response = send_file(
        path, mimetype="application/vnd.apple.mpegurl", conditional=False, max_age=0
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/live/<int:session_id>/video-state")
def video_state(session_id):
    """Whether the room's player can load the stream now (polled while waiting)."""
    session = access.session_or_404(session_id)
    path = recordings.paths(_dir(), session.id)["playlist"]
    ready = session.status == "live" and path.is_file() and path.stat().st_size > 0
    response = jsonify(status=session.status, ready=ready)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/live/<int:session_id>/hls/<name>")
def hls_segment(session_id, name):
    session = access.session_or_404(session_id)
    path = recordings.segment_path(_dir(), session.id, name)
    if session.status == "scheduled" or path is None:
        abort(404)
    response = send_file(path, mimetype="video/mp2t", conditional=True, max_age=60)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.route("/live/<int:session_id>/recording.mp4")
def recording(session_id):
    session = access.session_or_404(session_id)
    path = recordings.paths(_dir(), session.id)["mp4"]
    if session.status != "ended" or not path.is_file():
        abort(404)
    return send_file(path, mimetype="video/mp4", conditional=True, max_age=3600)


# --- the console ----------------------------------------------------------------------


@bp.route("/live/<int:session_id>/video-health")
def video_health(session_id):
    session, answer = access.moderator_or_refused(session_id)
    if answer:
        return answer
    row = video.video_of(session.id)
    health = recordings.health(_dir(), session.id)
    health["publishing"] = bool(row and row.publishing)
    health["external_url"] = bool(row and row.external_url)
    return jsonify(health=health)


@bp.route("/live/<int:session_id>/stream-key", methods=["POST"])
def rotate_stream_key(session_id):
    """Create or rotate the host's key; the answer shows it this once."""
    session, answer = access.host_or_refused(session_id)
    if answer:
        return answer
    try:
        secret = video.new_key(session.host)
    except NotAllowed:
        abort(403)
    flash(
        gettext("Your new stream key is below. Copy it now: it is shown only once."),
        "success",
    )
    # Post/redirect/get (a reload must not rotate it again): the next console page
    # shows it once, from the signed session cookie, which drops it right away.
    flask_session["new_stream_key"] = secret
    return redirect(url_for("live.console", session_id=session.id) + "#video")


def take_new_key():
    return flask_session.pop("new_stream_key", None)


@bp.route("/live/<int:session_id>/video-url", methods=["POST"])
def set_video_url(session_id):
    session, answer = access.host_or_refused(session_id)
    if answer:
        return answer
    try:
        url = video.set_external_url(
            session, access.signed_in(), request.form.get("video_url")
        )
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(
            gettext("Viewers will watch this stream.")
            if url
            else gettext("Viewers will watch your RTMP stream."),
            "success",
        )
    return redirect(url_for("live.console", session_id=session.id) + "#video")
