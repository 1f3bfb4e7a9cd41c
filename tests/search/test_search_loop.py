"""Searches never block the loop (issue 24): under gevent, as `python app.py` serves,
a /healthz sent while a slow search is running is answered before that search ends.

The search runs in a thread of the offload pool (`livestall.platform.offload`, kind
"search"). Whoosh is pure Python and shares the GIL, but the loop gets it back
every few milliseconds (sys.getswitchinterval). A search on a catalogue far larger
than a test can build is stood in for by 0.8 s of pure-Python work inside it (the
facet counting of `search_products`, in the worker thread). The control: the same
run with the offload off, where /healthz waits for the whole search.

gevent must patch a process before anything else is imported, so the server runs
in a Python process of its own (gevent's WSGI server, the real app, a real index).
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.serial

ROOT = Path(__file__).resolve().parents[2]
SEARCH_S = 0.8  # the pure-Python work added to the search
SCRIPT = """
from gevent import monkey

monkey.patch_all()

import http.client, json, sys, time
import gevent
from gevent.pywsgi import WSGIServer

from app import create_app
from livestall.search import documents, facets, writer

data_dir, offload_on, search_s = sys.argv[1], sys.argv[2] == "1", float(sys.argv[3])
app = create_app({
    "TESTING": True, "DATA_DIR": data_dir, "SECRET_KEY": "t", "PAGE_CACHE_S": 0,
    "OFFLOAD_CPU": offload_on,
})
writer.write({"products": (set(), [
    documents.make_product_doc(
        id=i, title=f"Lumi Hand Blender {i}", description="Easy to clean.",
        brand="Lumi", category="kitchen", tags=["blender"], merchant="shop",
        price_cents=1000 + i, sales_count=i, created=i, in_stock=True,
    )
    for i in range(1, 301)
])})
slow = [False]
counts = facets.counts

def slow_counts(*args, **kwargs):
    if slow[0]:  # pure Python holding the GIL, as whoosh's own work does
        end, n = time.perf_counter() + search_s, 0
        while time.perf_counter() < end:
            n += 1
    return counts(*args, **kwargs)

facets.counts = slow_counts
server = WSGIServer(("127.0.0.1", 0), app, log=None)
server.start()

def get(path):
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, time.perf_counter()

assert get("/healthz")[0] == 200
status, body, _ = get("/api/v1/search?q=blender")  # warm: jieba, the searcher
assert status == 200 and json.loads(body)["total"] == 300, body[:300]
slow[0] = True
started = time.perf_counter()
search = gevent.spawn(get, "/api/v1/search?q=blender")
gevent.sleep(0.1)  # the search is under way
health_status, _, health_at = get("/healthz")
search_status, body, search_at = search.get()
print(json.dumps({
    "health_status": health_status,
    "search_status": search_status,
    "total": json.loads(body)["total"],
    "health_ms": (health_at - started) * 1000,
    "search_ms": (search_at - started) * 1000,
}))
"""


def run_server(tmp_path, offload):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(SCRIPT),
            str(tmp_path / "data"),
            "1" if offload else "0",
            str(SEARCH_S),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_healthz_answers_while_a_slow_search_runs(tmp_path):
    got = run_server(tmp_path, offload=True)
    assert got["health_status"] == got["search_status"] == 200, got
    assert got["total"] == 300, got
    assert got["search_ms"] >= SEARCH_S * 1000, got
    # sent 100 ms into the search, answered long before the search ends
    assert got["health_ms"] < 100 + 250, got
    assert got["health_ms"] < got["search_ms"] - 300, got


def test_without_the_offload_the_search_holds_healthz_back(tmp_path):
    """The control: the same search on the loop answers /healthz only after it."""
    got = run_server(tmp_path, offload=False)
    assert got["health_status"] == got["search_status"] == 200, got
    assert got["health_ms"] >= got["search_ms"], got
    assert got["health_ms"] >= SEARCH_S * 1000, got
