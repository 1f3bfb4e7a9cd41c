"""Bring the Chinese catalogue up to date: extract (make messages), fill empty or
fuzzy entries from translations/pending/*.json ({msgid: msgstr}; plural entries as
{msgid: [singular, plural]}), drop obsolete ones, compile. Run under a lock:

    flock /tmp/livestall-i18n.lock .venv/bin/python translations/fill_pending.py
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def main():
    subprocess.run(
        ["make", "-s", "messages"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    known = {}
    for f in sorted((ROOT / "translations" / "pending").glob("*.json")):
        known.update(json.loads(f.read_text(encoding="utf-8")))
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        empty = (
            not any(message.string)
            if isinstance(message.string, tuple)
            else not message.string
        )
        if key in known and (empty or message.fuzzy or known[key] != message.string):
            value = known[key]
            if isinstance(message.id, tuple):
                value = value if isinstance(value, list) else [value]
                message.string = tuple(value[:1] * 1)
            else:
                message.string = value if isinstance(value, str) else value[0]
            message.flags.discard("fuzzy")
        elif empty or message.fuzzy:
            missing.append(key)
    catalog.obsolete.clear()
    with PO.open("wb") as fh:
        write_po(fh, catalog)
    subprocess.run(
        [
            str(ROOT / ".venv/bin/pybabel"),
            "compile",
            "-d",
            str(ROOT / "translations"),
            "--statistics",
        ],
        check=True,
    )
    if missing:
        print("untranslated or fuzzy:", *missing, sep="\n  ", file=sys.stderr)


if __name__ == "__main__":
    main()
