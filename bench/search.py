"""Search benchmark: the Whoosh index (livestall/search) against SQLite FTS5.

Both engines get the same generated bilingual products in the same run. FTS5 is the
baseline: its text is pre-segmented with the same jieba tokenizer (words joined by
spaces, unicode61 tokenizer), filters are SQL WHERE clauses and facets GROUP BY.
Printed: build docs/s, time to add one product (a commit each), p50/p95 latency
over a fixed query mix (16 queries, English, Chinese and mixed): a query with its
total, top 20 by relevance and category + brand facet counts; then the same with a
category, a price range, in-stock-only and a price sort; and the ratios whoosh /
FTS5 (DESIGN.md asks for whoosh within 2x). The whoosh side is the app's own
`search_products` (highlights and "did you mean" included). Last, the MRR@10 of
tests/search/relevance.json's generated-catalogue queries on this index
(bench/relevance.py).

    .venv/bin/python bench/search.py             # 100,000 products
    .venv/bin/python bench/search.py --quick     # 5,000 products, a smoke run
    .venv/bin/python bench/search.py --products 20000
    .venv/bin/python bench/search.py --procs 2  # build as `flask reindex` does
"""

import argparse
import contextlib
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh import writing  # noqa: E402

from bench import relevance  # noqa: E402
from livestall.catalog.models import CATEGORIES  # noqa: E402
from livestall.search import analysis as search_analysis  # noqa: E402
from livestall.search import documents as search_documents  # noqa: E402
from livestall.search import query as search_query  # noqa: E402
from livestall.search import ranking as search_ranking  # noqa: E402
from livestall.search import store as search_store  # noqa: E402
from livestall.search import writer as search_writer  # noqa: E402

ITEMS = [
    ("手持料理棒", "Hand Blender", "kitchen"),
    ("破壁机", "Countertop Blender", "kitchen"),
    ("不粘锅", "Nonstick Frying Pan", "kitchen"),
    ("手机壳", "Phone Case", "electronics"),
    ("蓝牙耳机", "Wireless Earbuds", "electronics"),
    ("充电宝", "Power Bank", "electronics"),
    ("绿茶", "Green Tea", "tea-drinks"),
    ("冷泡红茶", "Cold Brew Black Tea", "tea-drinks"),
    ("口红", "Matte Lipstick", "beauty"),
    ("面霜", "Moisturising Cream", "beauty"),
    ("跑步鞋", "Running Shoes", "sports"),
    ("瑜伽垫", "Yoga Mat", "sports"),
    ("连衣裙", "Summer Dress", "fashion"),
    ("双肩包", "Backpack", "shoes-bags"),
    ("猫砂", "Cat Litter", "pets"),
    ("笔记本", "Notebook", "books"),
]
BRANDS = ["Lumi", "Nova", "Peak", "Clearskin", "Xihu", "Chef", "Whisker", "Paper Co"]
ADJ = [
    ("轻薄", "Slim"), ("升级款", "Upgraded"), ("便携", "Portable"), ("大容量", "Large"),
    ("防水", "Waterproof"), ("静音", "Quiet"), ("新品", "New"), ("经典", "Classic"),
]  # fmt: skip
COLOURS = [
    ("黑色", "Black"),
    ("白色", "White"),
    ("雾蓝", "Mist Blue"),
    ("粉色", "Pink"),
]
SENTENCES = [
    "顺丰包邮，大件送货上门。",
    "Two-year nationwide warranty.",
    "官方正品，假一赔十。",
    "Ships from Hangzhou within 48 hours.",
    "适合送礼，也适合自用。",
    "Easy to clean and dishwasher safe.",
]
QUERIES = [
    "blender", "blenders", "料理", "手机壳", "iPhone 手机壳", "蓝牙耳机", "tea",
    "绿茶 green tea", "running shoes", "portable power bank", "口红", "waterproof",
    "黑色 backpack", "cat litter", "yoga", "warranty",
]  # fmt: skip


def products_of(n, seed=7):
    rng = random.Random(seed)
    for i in range(1, n + 1):
        zh, en, cat = rng.choice(ITEMS)
        brand = rng.choice(BRANDS)
        azh, aen = rng.choice(ADJ)
        czh, cen = rng.choice(COLOURS)
        code = f"{rng.choice('ABCDEFGHJK')}{rng.randrange(100, 999)}"  # model
        if rng.random() < 0.5:
            title = f"{brand} {azh}{zh} {en} {czh} {code}"
        else:
            title = f"{brand} {aen} {en} {code}, {cen} {zh}"
        if cat == "electronics" and rng.random() < 0.3:
            title = "iPhone " + title
        yield {
            "id": i,
            "title": title,
            "description": " ".join(rng.sample(SENTENCES, 3))
            + f" 型号 {code}，第 {rng.randrange(1, 99)} 批。",
            "brand": brand,
            "category": cat,
            "tags": [zh, en.lower()],
            "merchant": f"shop{i % 50}",
            "price_cents": rng.randrange(500, 100000),
            "stock": rng.choice([0, 1, 5, 20]),
            "sales": rng.randrange(0, 1000),
            "created": 1_700_000_000_000_000 + i * 1_000_000,
        }


def whoosh_doc(p):
    return search_documents.make_product_doc(
        id=p["id"],
        title=p["title"],
        description=p["description"],
        brand=p["brand"],
        category=p["category"],
        tags=p["tags"],
        merchant=p["merchant"],
        price_cents=p["price_cents"],
        sales_count=p["sales"],
        created=p["created"],
        in_stock=p["stock"] > 0,
    )


def segmented(text):
    return " ".join(t.text for t in search_analysis.ANALYZER(text))


def fts_row(p):
    labels = " ".join(CATEGORIES[p["category"]])
    return (
        p["id"],
        segmented(p["title"]),
        segmented(p["brand"]),
        segmented(" ".join(p["tags"]) + " " + labels + " " + p["merchant"]),
        segmented(p["description"]),
        p["category"],
        p["brand"],
        p["price_cents"],
        int(p["stock"] > 0),
        p["sales"],
        p["created"],
    )


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def build_whoosh(path, docs, procs=1):
    search_analysis.segment_cached.cache_clear()  # both engines pay for jieba from cold
    search_store.configure(path)
    ix = search_store.open_index("products")
    started = time.perf_counter()
    writer = ix.writer(limitmb=128, procs=procs, multisegment=procs > 1)
    for p in docs:
        writer.add_document(**whoosh_doc(p))
    writer.commit(mergetype=writing.CLEAR)
    return time.perf_counter() - started


def build_fts(path, docs):
    con = sqlite3.connect(path)
    con.executescript(
        """
        PRAGMA journal_mode=WAL;
        CREATE TABLE product (id INTEGER PRIMARY KEY, category TEXT, brand TEXT,
          price_cents INTEGER, in_stock INTEGER, sales INTEGER, created INTEGER);
        CREATE INDEX product_cat ON product (category);
        CREATE VIRTUAL TABLE product_fts USING fts5(title, brand, tags, description,
          tokenize = 'unicode61');
        """
    )
    search_analysis.segment_cached.cache_clear()
    started = time.perf_counter()
    rows = [fts_row(p) for p in docs]
    with con:
        con.executemany(
            "INSERT INTO product VALUES (?,?,?,?,?,?,?)", [r[:1] + r[5:] for r in rows]
        )
        con.executemany(
            "INSERT INTO product_fts (rowid, title, brand, tags, description) "
            "VALUES (?,?,?,?,?)",
            [r[:5] for r in rows],
        )
    return con, time.perf_counter() - started


def add_one_whoosh(p):
    started = time.perf_counter()
    search_writer.write({"products": ({str(p["id"])}, [whoosh_doc(p)])})
    return time.perf_counter() - started


def add_one_fts(con, p):
    started = time.perf_counter()
    r = fts_row(p)
    with con:
        con.execute("INSERT INTO product VALUES (?,?,?,?,?,?,?)", r[:1] + r[5:])
        con.execute(
            "INSERT INTO product_fts (rowid, title, brand, tags, description) "
            "VALUES (?,?,?,?,?)",
            r[:5],
        )
    return time.perf_counter() - started


FILTERS = {"category": "electronics", "min_price": 1000, "max_price": 60000}


def query_whoosh(q, filtered):
    if filtered:
        r = search_query.search_products(q, in_stock=True, sort="price_asc", **FILTERS)
    else:
        r = search_query.search_products(q)
    return r["total"]


def fts_match(q):
    terms = [t for t in segmented(q).split() if t]
    if not terms:
        return None
    cols = "{title brand tags description}"
    return " AND ".join(f'{cols} : "{t}"' for t in terms)


def query_fts(con, q, filtered):
    """Total, top 20 and category + brand facet counts, as search_products gives."""
    match = fts_match(q)
    if match is None:
        return 0
    matches = (
        "WITH m AS MATERIALIZED (SELECT rowid AS id, "
        "bm25(product_fts, 4.0, 3.0, 2.0, 1.0) AS rank "
        "FROM product_fts WHERE product_fts MATCH ?) "
    )
    where, args = "", [match]
    if filtered:
        where = "WHERE p.category = ? AND p.price_cents BETWEEN ? AND ? AND p.in_stock"
        args += [FILTERS["category"], FILTERS["min_price"], FILTERS["max_price"]]
    base = f"FROM m JOIN product p ON p.id = m.id {where}"
    order = "p.price_cents, p.id" if filtered else "m.rank"
    sql = f"{matches}SELECT p.id {base} ORDER BY {order} LIMIT 20"
    con.execute(sql, args).fetchall()
    total = con.execute(f"{matches}SELECT count(*) {base}", args).fetchone()[0]
    con.execute(
        f"{matches}SELECT p.category, count(*) {base} GROUP BY 1", args
    ).fetchall()
    con.execute(f"{matches}SELECT p.brand, count(*) {base} GROUP BY 1", args).fetchall()
    return total


@contextlib.contextmanager
def expansions(on):
    """Pinyin and synonyms at query time on or off (livestall.search.query)."""
    before, search_query.EXPAND = search_query.EXPAND, on
    try:
        yield
    finally:
        search_query.EXPAND = before


def latency(fn, rounds, before=None, cpu=None):
    """Every query's latency (ms) over `rounds` of the mix; with a list as `cpu`,
    each query's CPU time (ms, this thread) is appended to it."""
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            if before is not None:
                before()
            started, started_cpu = time.perf_counter(), time.thread_time()
            fn(q)
            times.append((time.perf_counter() - started) * 1000)
            if cpu is not None:
                cpu.append((time.thread_time() - started_cpu) * 1000)
    return times


def paired(fn, rounds, cpu):
    """(latencies with pinyin and synonyms, latencies without), in ms: each
    query of each round timed both ways, one after the other, the first way
    alternating from round to round, after a round untimed (the uncached
    figures are measured apart); the CPU times with are appended to `cpu`."""
    for q in QUERIES:  # warm: the first search of a term reads it from disk
        for on in (True, False):
            with expansions(on):
                fn(q)
    with_, without = [], []
    for r in range(rounds):
        for q in QUERIES:
            for on in (True, False) if r % 2 == 0 else (False, True):
                with expansions(on):
                    started, started_cpu = time.perf_counter(), time.thread_time()
                    fn(q)
                    elapsed = (time.perf_counter() - started) * 1000
                (with_ if on else without).append(elapsed)
                if on:
                    cpu.append((time.thread_time() - started_cpu) * 1000)
    return with_, without


def measure(products: int, procs: int = 1, rounds: int = 5) -> dict:
    """Build both engines on `products` generated products and time them.

    `whoosh_*` / `fts5_*` p50 and p95 (ms) are over both mixes (query + facets,
    then with filters and a sort; `rounds` of each); `ratio_p95` is whoosh / FTS5.
    `*_plain_*` and `*_filtered_*` give each mix alone; `whoosh_uncached_*` the
    whoosh mixes again with its per-segment posting cache emptied before every
    query (the first time a term is searched after a start or a merge).
    `whoosh_unexpanded_*` and `whoosh_uncached_unexpanded_*`: the same without
    pinyin and synonyms (the same index), timed in turn with them (`paired`).
    `*_cpu_*` are the same two mixes in CPU time (the thread's): steadier than
    the wall clock when other work shares the cores.
    `mrr`, `mrr_cases` and `mrr_not_first`: `relevance_report` on the same index.
    """
    tmp = Path(tempfile.mkdtemp(prefix="livestall-search-bench-"))
    try:
        docs = list(products_of(products))
        segmented("预热 warm up")  # jieba's dictionary loads once, outside timings
        tw = build_whoosh(tmp / "index", docs, procs)
        con, tf = build_fts(tmp / "fts.db", docs)
        extra = list(products_of(products + 10, seed=11))[products:]
        for i, p in enumerate(extra):  # the same 10 added to both
            p["id"] = products + 1 + i
        aw = statistics.median(add_one_whoosh(p) for p in extra) * 1000
        af = statistics.median(add_one_fts(con, p) for p in extra) * 1000
        # Same answers: whoosh totals against FTS5 totals on the plain mix (with
        # filters, whoosh relaxes to any word when no product has them all).
        # (FTS5 knows no synonyms: compared with them off)
        with expansions(False):
            mismatched = [
                q for q in QUERIES if query_whoosh(q, False) != query_fts(con, q, False)
            ]
        out = {
            "products": products,
            "queries": len(QUERIES),
            "rounds": rounds,
            "build_whoosh_docs_s": products / tw,
            "build_fts5_docs_s": products / tf,
            "add_one_whoosh_ms": aw,
            "add_one_fts5_ms": af,
            "totals_differ": mismatched,
        }
        every = {
            "whoosh": [],
            "fts5": [],
            "whoosh_uncached": [],
            "whoosh_unexpanded": [],
            "whoosh_uncached_unexpanded": [],
        }
        cpu = {"whoosh_cpu": [], "fts5_cpu": []}
        for mix, filtered in (("plain", False), ("filtered", True)):
            # with and without pinyin and synonyms (the same index) take turns,
            # query by query, so both see the same machine and the same caches
            expanded, plain = paired(
                lambda q, f=filtered: query_whoosh(q, f), rounds, cpu["whoosh_cpu"]
            )
            runs = {
                "whoosh": expanded,
                "whoosh_unexpanded": plain,
                "fts5": latency(
                    lambda q, f=filtered: query_fts(con, q, f),
                    rounds,
                    cpu=cpu["fts5_cpu"],
                ),
                "whoosh_uncached": latency(
                    lambda q, f=filtered: query_whoosh(q, f),
                    1,
                    before=search_ranking.clear_cache,
                ),
            }
            with expansions(False):
                runs["whoosh_uncached_unexpanded"] = latency(
                    lambda q, f=filtered: query_whoosh(q, f),
                    1,
                    before=search_ranking.clear_cache,
                )
            for engine, times in runs.items():
                every[engine] += times
                out[f"{engine}_{mix}_p50_ms"] = pct(times, 0.5)
                out[f"{engine}_{mix}_p95_ms"] = pct(times, 0.95)
        for engine, times in {**every, **cpu}.items():
            out[f"{engine}_p50_ms"] = pct(times, 0.5)
            out[f"{engine}_p95_ms"] = pct(times, 0.95)
        out["ratio_p95"] = out["whoosh_p95_ms"] / out["fts5_p95_ms"]
        out.update(relevance_report(docs + extra))
        con.close()
        return out
    finally:
        search_store.configure(None)
        shutil.rmtree(tmp, ignore_errors=True)


# --- relevance: MRR@10 of tests/search/relevance.json's generated cases ------------


def relevance_report(products):
    """`mrr` (MRR@10) of relevance.json's generated-catalogue cases on the index
    (those whose item the generator makes: the test adds the others), `mrr_cases`
    and `mrr_not_first` (each case whose product did not rank first)."""
    items = relevance.generated_items(products)
    made = {item.lower() for item, _ in items.values()}
    cases = [
        c
        for c in relevance.catalogue("generated")["cases"]
        if relevance.expected(c) <= made
    ]
    outcomes = relevance.evaluate(cases, items.__getitem__)
    return {
        "mrr": relevance.mrr(outcomes),
        "mrr_cases": len(cases),
        "mrr_not_first": [o.describe() for o in outcomes if not o.first],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="5,000 products")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--procs",
        type=int,
        default=1,
        help="whoosh build processes (`flask reindex` uses 2 from 5,000 products)",
    )
    args = parser.parse_args(argv)
    n = 5000 if args.quick else args.products
    print(
        f"{n:,} generated bilingual products; query mix of {len(QUERIES)}; "
        f"whoosh built by {args.procs} process(es), FTS5 by one"
    )
    m = measure(n, args.procs, args.rounds)
    rows = [
        (
            "build (docs/s)",
            "build_whoosh_docs_s",
            "build_fts5_docs_s",
            "higher is better",
        ),
        (
            "add one product (ms)",
            "add_one_whoosh_ms",
            "add_one_fts5_ms",
            "commit included",
        ),
    ]
    for label, mix in (("query+facets", "plain"), ("+filters+sort", "filtered")):
        for p in ("p50", "p95"):
            rows.append(
                (f"{label} {p} (ms)", f"whoosh_{mix}_{p}_ms", f"fts5_{mix}_{p}_ms", "")
            )
    for p in ("p50", "p95"):
        rows.append((f"both mixes {p} (ms)", f"whoosh_{p}_ms", f"fts5_{p}_ms", ""))
    print(f"{'':28}{'whoosh':>12}{'fts5':>12}{'whoosh/fts5':>14}")
    for label, w, f, note in rows:
        print(f"{label:28}{m[w]:12.1f}{m[f]:12.1f}{m[w] / m[f]:14.2f}  {note}")
    print(
        f"whoosh, posting cache emptied before each query: "
        f"p50 {m['whoosh_uncached_p50_ms']:.1f} ms, "
        f"p95 {m['whoosh_uncached_p95_ms']:.1f} ms (one round)"
    )
    print(
        f"CPU time, both mixes: whoosh p50 {m['whoosh_cpu_p50_ms']:.1f} ms, "
        f"p95 {m['whoosh_cpu_p95_ms']:.1f} ms; FTS5 p50 {m['fts5_cpu_p50_ms']:.1f} ms, "
        f"p95 {m['fts5_cpu_p95_ms']:.1f} ms"
    )
    for label, w in (("", "whoosh"), ("posting cache emptied, ", "whoosh_uncached")):
        print(
            f"pinyin and synonyms at query time, {label}same index: "
            f"p95 {m[w + '_p95_ms']:.1f} ms with, "
            f"{m[w + '_unexpanded_p95_ms']:.1f} ms without "
            f"({m[w + '_p95_ms'] / m[w + '_unexpanded_p95_ms']:.2f}x); "
            f"p50 {m[w + '_p50_ms']:.1f} ms with, {m[w + '_unexpanded_p50_ms']:.1f} ms "
            f"without ({m[w + '_p50_ms'] / m[w + '_unexpanded_p50_ms']:.2f}x)"
        )
    print(
        "totals equal on the plain mix"
        if not m["totals_differ"]
        else f"totals differ for: {m['totals_differ']}"
    )
    print(
        f"MRR@{relevance.TOP} of {m['mrr_cases']} relevance queries "
        f"(tests/search/relevance.json, generated): {m['mrr']:.3f}"
    )
    for line in m["mrr_not_first"]:
        print(f"  not first: {line}")


if __name__ == "__main__":
    main()
