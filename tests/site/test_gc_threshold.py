"""The server's garbage-collector thresholds (`LIVESTALL_GC_THRESHOLD`, app.py
`main`, issue 24): a young collection every 50,000 allocations unless told
otherwise; a wrong value stops the start with a message saying what is wanted."""

import gc
import subprocess
import sys
from pathlib import Path

import pytest

import config

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_and_a_chosen_threshold(monkeypatch):
    monkeypatch.delenv("LIVESTALL_GC_THRESHOLD", raising=False)
    assert config.load_config()["GC_THRESHOLD"] == (50_000, 20, 20)
    monkeypatch.setenv("LIVESTALL_GC_THRESHOLD", "2000, 10, 10")
    assert config.load_config()["GC_THRESHOLD"] == (2000, 10, 10)


@pytest.mark.parametrize("value", ["1,2", "a,b,c", "0,10,10", "1,2,3,4", ","])
def test_a_wrong_threshold_is_refused_with_a_message(monkeypatch, value):
    monkeypatch.setenv("LIVESTALL_GC_THRESHOLD", value)
    with pytest.raises(ValueError, match="three whole numbers, like 50000,20,20"):
        config.load_config()


def test_the_server_sets_it(tmp_path):
    """`main` applies it before serving (run in a child: it changes the process)."""
    script = (
        "import gc, os, app\n"
        "def serve(*_):\n"
        "    print('threshold', gc.get_threshold(), flush=True)\n"
        "    os._exit(0)\n"
        "app.serve_gevent = serve\n"
        "app.main(['--port', '0'])\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "LIVESTALL_DATA_DIR": str(tmp_path / "data"),
        "LIVESTALL_GC_THRESHOLD": "4000,15,12",
        "LIVESTALL_ASYNC_MODE": "gevent",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "threshold (4000, 15, 12)" in out.stdout, out.stderr[-2000:]
    assert gc.get_threshold() != (4000, 15, 12)  # this process is untouched
