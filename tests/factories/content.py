"""Content: a merchant's teas to tag, a creator (lily) and a shopper (mei); the XSS
corpus every page showing a post body must keep inert."""

from tests.factories import accounts, catalog

PEOPLE = (("creator", "lily", "creator"), ("shopper", "mei", "shopper"))

# Post bodies that must never run or load anything, whatever page shows them.
XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[click](javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<a href=x onmouseover=alert(1)>hover</a>",
    '"><script>alert(1)</script>',
    "<!--<script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]


def world(
    app, api, *, title="西湖龙井 {n}", count=3, archive_last=False, browsers=False
):
    """teashop's `count` teas (the last archived if `archive_last`: its id is then
    "archived", not in "products"), then lily and mei: bearer tokens, or signed-in
    browsers (`accounts.Person`)."""
    merchant, products = catalog.shop(api, "teashop", catalog.teas(count, title))
    ids = [p["id"] for p in products]
    world = {"api": api, "merchant": merchant, "products": ids}
    if archive_last:
        api.call("DELETE", f"/api/v1/products/{ids[-1]}", token=merchant)
        world.update(products=ids[:-1], archived=ids[-1])
    world.update(accounts.cast(app, api, PEOPLE, browsers))
    return world
