"""`make run-cluster N=2`: N `python app.py` processes on consecutive ports, on
PostgreSQL and Redis, behind nginx (ip_hash sticky sessions, WebSocket upgrade),
started and stopped together: Ctrl-C (or `make stop-cluster`) stops them all.

    python deploy/cluster.py [--nodes 2] [--port 8080] [--base-port 5001]
    python deploy/cluster.py --stop

It creates the database if it is missing, seeds the demo world once on an empty
database, gives every process the same secret key and media directory (one site),
and its own data directory (its own search index, built from the database).
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message):
    print(f"[cluster] {message}", flush=True)


def ensure_database(url):
    """CREATE DATABASE if the one named in `url` does not exist yet."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin_url, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}"')
                log(f"created database {name}")
    finally:
        conn.close()


def find_nginx():
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if os.path.exists(path):
        return path
    if os.geteuid() == 0:
        log("installing Debian's nginx")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "nginx"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        return "/usr/sbin/nginx"
    sys.exit("nginx is missing: apt-get install nginx")


def render_nginx(state_dir, listen, ports, max_body):
    tmp = state_dir / "tmp"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    user = ""
    if os.geteuid() == 0:  # workers drop to www-data: they write the temp dirs
        user = "user www-data;"
        shutil.chown(tmp, "www-data")
        for sub in tmp.iterdir():
            shutil.chown(sub, "www-data")
    text = (ROOT / "deploy" / "nginx.conf.in").read_text()
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports
    )
    for name, value in {
        "@USER@": user,
        "@DIR@": str(state_dir),
        "@ACCESS_LOG@": "off",
        "@MAX_BODY@": max_body,
        "@SERVERS@": servers,
        "@LISTEN@": listen,
        "@ROOT@": str(ROOT),
    }.items():
        text = text.replace(name, value)
    path = state_dir / "nginx.conf"
    path.write_text(text)
    return path


def wait_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(procs):
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    deadline = time.monotonic() + 10
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_running(state_dir):
    pid_file = state_dir / "cluster.pid"
    if not pid_file.exists():
        log("no cluster is running")
        return
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        log("the cluster had already stopped")
        pid_file.unlink(missing_ok=True)
        return
    for _ in range(150):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            log("stopped")
            return
        time.sleep(0.1)
    log(f"process {pid} is still stopping")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--host", default="127.0.0.1", help="nginx listens here")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    parser.add_argument("--base-port", type=int, default=5001)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LIVESTALL_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/livestall"
        ),
    )
    parser.add_argument(
        "--message-queue",
        default=os.environ.get("LIVESTALL_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0"),
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=ROOT / "instance" / "cluster",
        help="data dirs, shared media, logs, nginx state",
    )
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--stop", action="store_true", help="stop a running cluster")
    args = parser.parse_args(argv)
    state = args.dir.resolve()
    if args.stop:
        stop_running(state)
        return
    state.mkdir(parents=True, exist_ok=True)
    pid_file = state / "cluster.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), 0)
            sys.exit(f"a cluster is running already (make stop-cluster; {pid_file})")
        except (ProcessLookupError, ValueError):
            pass
    nginx = find_nginx()
    ensure_database(args.database_url)
    key_file = state / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    media = state / "media"
    media.mkdir(exist_ok=True)
    base_env = {
        **os.environ,
        "LIVESTALL_DATABASE_URL": args.database_url,
        "LIVESTALL_MESSAGE_QUEUE": args.message_queue,
        "LIVESTALL_SECRET_KEY": key_file.read_text().strip(),
        "LIVESTALL_MEDIA_DIR": str(media),
        "LIVESTALL_TRUSTED_PROXIES": "1",  # nginx sets X-Forwarded-*
        # plain http on this machine; behind TLS set LIVESTALL_SECURE_COOKIES=1
        "LIVESTALL_SECURE_COOKIES": os.environ.get("LIVESTALL_SECURE_COOKIES", "0"),
        "LIVESTALL_ENV": os.environ.get("LIVESTALL_ENV", "production"),
    }

    def node_env(i):
        return {**base_env, "LIVESTALL_DATA_DIR": str(state / f"node{i}")}

    if not args.no_seed:
        subprocess.run(
            [PYTHON, "-m", "flask", "--app", "app", "seed-demo", "--if-empty"],
            cwd=ROOT,
            env=node_env(0),
            check=True,
        )
    pid_file.write_text(str(os.getpid()))
    procs = []
    stopping = {"now": False}

    def on_signal(_signum, _frame):
        stopping["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        ports = [args.base_port + i for i in range(args.nodes)]
        for i, port in enumerate(ports):
            out = open(state / f"node{i}.log", "ab")  # noqa: SIM115
            procs.append(
                subprocess.Popen(
                    [PYTHON, "app.py", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=ROOT,
                    env=node_env(i),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
            # one at a time: the first start migrates, the others find it done
            if not wait_port(port, procs[-1]):
                raise RuntimeError(f"node {i} did not start: see {state}/node{i}.log")
            log(f"node {i} on 127.0.0.1:{port} (log: {state}/node{i}.log)")
        conf = render_nginx(
            state, f"{args.host}:{args.port}", ports, os.environ.get("MAX_BODY", "20m")
        )
        procs.append(
            subprocess.Popen(
                [nginx, "-c", str(conf), "-p", str(state), "-g", "daemon off;"],
                cwd=state,
            )
        )
        if not wait_port(args.port, procs[-1], timeout=10):
            raise RuntimeError(f"nginx did not start: see {state}/nginx-error.log")
        log(
            f"Livestall on http://{args.host}:{args.port} ({args.nodes} processes, "
            "PostgreSQL + Redis); Ctrl-C or `make stop-cluster` stops it"
        )
        while not stopping["now"]:
            for i, proc in enumerate(procs):
                if proc.poll() is not None:
                    log(f"process {i} exited ({proc.returncode}); stopping all")
                    stopping["now"] = True
            time.sleep(0.5)
    finally:
        log("stopping")
        stop(procs)
        pid_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
