"""Render deploy/nginx-rtmp.conf.tmpl and run nginx in the foreground (development
and tests): `flask --app app video-server`, `make video`,
tests/journeys/test_journey_video.py.

Everything nginx writes lives under VIDEO_DIR: nginx/ (config, pid, error log),
hls/ (live segments), rec/ (FLV recordings), recordings/ (the replays' MP4).
"""

import hashlib
import hmac
import os
import shutil
import subprocess
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[2]  # the repository (livestall/live/ up two)
TEMPLATE = ROOT / "deploy" / "nginx-rtmp.conf.tmpl"
MODULE_PATHS = (
    "/usr/lib/nginx/modules/ngx_rtmp_module.so",
    "/usr/lib64/nginx/modules/ngx_rtmp_module.so",
)


def video_dir(config):
    return Path(config.get("VIDEO_DIR") or Path(config["DATA_DIR"]) / "video")


def callback_secret(config):
    """VIDEO_CALLBACK_SECRET, or one derived from the app's secret key."""
    if config.get("VIDEO_CALLBACK_SECRET"):
        return config["VIDEO_CALLBACK_SECRET"]
    return hmac.new(
        str(config["SECRET_KEY"]).encode(), b"livestall video callback", hashlib.sha256
    ).hexdigest()[:32]


def rtmp_module():
    return next((p for p in MODULE_PATHS if os.path.exists(p)), None)


def missing_tools(config=None):
    """What the video pipeline needs and this machine lacks (for skips and errors)."""
    nginx = (config or {}).get("VIDEO_NGINX") or "nginx"
    missing = []
    if not shutil.which(nginx) and not os.path.exists("/usr/sbin/nginx"):
        missing.append("nginx")
    if rtmp_module() is None:
        missing.append("libnginx-mod-rtmp")
    if not shutil.which("ffmpeg"):
        missing.append("ffmpeg")
    return missing


def nginx_binary(config):
    nginx = config.get("VIDEO_NGINX") or "nginx"
    return shutil.which(nginx) or shutil.which(nginx, path="/usr/sbin:/sbin") or nginx


def render(config, rtmp_listen=None, callback_url=None):
    """The nginx configuration text for these settings; makes the directories."""
    root = video_dir(config)
    prefix = root / "nginx"
    for sub in (prefix, root / "hls", root / "rec", root / "recordings"):
        sub.mkdir(parents=True, exist_ok=True)
    module = rtmp_module()
    user_line = "user root root;" if os.geteuid() == 0 else ""
    return Template(TEMPLATE.read_text()).substitute(
        user_line=user_line,
        load_module_line=f"load_module {module};" if module else "",
        prefix=prefix,
        video_dir=root,
        rtmp_listen=rtmp_listen or config["VIDEO_RTMP_LISTEN"],
        callback_url=(callback_url or config["VIDEO_APP_URL"]).rstrip("/"),
        secret=callback_secret(config),
    )


def write_config(config, **kw):
    text = render(config, **kw)
    path = video_dir(config) / "nginx" / "nginx.conf"
    path.write_text(text)
    os.chmod(path, 0o600)  # it holds the callback secret
    return path


def command(config, conf_path):
    prefix = video_dir(config) / "nginx"
    return [
        nginx_binary(config),
        "-p",
        str(prefix),
        "-c",
        str(conf_path),
        "-e",
        str(prefix / "error.log"),
        "-g",
        "daemon off;",
    ]


def start(config, **kw):
    """Start nginx in the background (tests): returns the Popen."""
    conf = write_config(config, **kw)
    subprocess.run(command(config, conf) + ["-t", "-q"], check=True)  # noqa: S603
    return subprocess.Popen(command(config, conf))  # noqa: S603
