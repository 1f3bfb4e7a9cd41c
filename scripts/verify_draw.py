#!/usr/bin/env python3
"""Verify a Livestall lucky draw (福袋) or lottery sale from its public record.

    python scripts/verify_draw.py https://HOST/api/v1/draws/ID
    python scripts/verify_draw.py record.json        # a saved copy of that answer

Checks, with nothing but the standard library (docs/API.md, `sha256-rank-v1`):
1. SHA-256 of the revealed seed's UTF-8 bytes is the `seed_sha256` published when
   the draw started (so the seed was fixed before anyone entered);
2. ranking every entrant id `u` by SHA-256(seed + ":" + u) as lowercase hex and
   taking the `winners_count` smallest gives exactly the published winners, in
   order.
Exit status 0 when both hold, 1 otherwise (2 for a record it cannot read).
"""

import hashlib
import json
import sys
import urllib.request


def ticket(seed, user_id):
    return hashlib.sha256(f"{seed}:{int(user_id)}".encode()).hexdigest()


def expected_winners(seed, entrant_ids, k):
    return sorted(set(entrant_ids), key=lambda u: ticket(seed, u))[:k]


def verify(record):
    """(ok, lines of explanation) for a record `{draw, entrant_ids}`."""
    draw, entrants = record["draw"], record.get("entrant_ids")
    if draw.get("algorithm") != "sha256-rank-v1":
        return False, [f"unknown algorithm {draw.get('algorithm')!r}"]
    if draw.get("seed") is None or entrants is None:
        return False, ["the draw has not been drawn yet: no seed to check"]
    lines = []
    digest = hashlib.sha256(draw["seed"].encode("utf-8")).hexdigest()
    seed_ok = digest == draw["seed_sha256"]
    lines.append(
        f"seed commitment: {'matches' if seed_ok else 'DOES NOT MATCH'} "
        f"({draw['seed_sha256']})"
    )
    published = [w["id"] for w in draw["winners"]]
    computed = expected_winners(draw["seed"], entrants, draw["winners_count"])
    winners_ok = published == computed
    lines.append(f"entrants: {len(entrants)}, winners drawn: {len(computed)}")
    lines.append(
        f"winners: {'match' if winners_ok else 'DO NOT MATCH'} "
        f"(published {published}, recomputed {computed})"
    )
    return seed_ok and winners_ok, lines


def load(source):
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=20) as resp:  # noqa: S310
            return json.load(resp)
    with open(source, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 2:
        print("usage: verify_draw.py URL-or-FILE", file=sys.stderr)
        return 2
    try:
        record = load(argv[1])
        ok, lines = verify(record)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"cannot read the draw's record: {e}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    print("VERIFIED" if ok else "NOT VERIFIED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
