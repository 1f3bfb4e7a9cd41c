import os

# Bench accounts are made by the thousand over the API and never read mail: the
# servers a benchmark starts (with os.environ) do not hold them to verification.
os.environ.setdefault("LIVESTALL_REQUIRE_EMAIL_VERIFICATION", "0")


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process, in seconds, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", "rb") as fh:
        stat = fh.read()
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def wait_ready(proc, port, log=None, tries=600):
    """Wait for a server process the bench started to answer /healthz; kill it and
    raise RuntimeError if it exits or does not answer within `tries` x 0.1 s
    (`log`: where its output went, for the message)."""
    import time
    import urllib.request

    seen = f": see {log}" if log else ""
    for _ in range(tries):
        if proc.poll() is not None:
            raise RuntimeError(f"server on {port} exited ({proc.returncode}){seen}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server on {port} did not start{seen}")
