"""Browser journey: live interaction (issue 22) on 390x844 phones. Lily runs her
live from her host console on a phone: a poll that Mei and Lan vote in from their
phones (each sees the bars, the counts and their own choice); an announcement a
late viewer finds pinned above the chat; a lucky bag (福袋) of a tea with a keyword:
Mei taps "Send 「我要福袋」 to enter", Lan types the keyword in the chat, Lily draws
it now, the winner sees "You won!" and checks the ¥0 prize out in the buy sheet,
and the seed revealed in the room hashes to the one published at the start; a
lottery flash sale (抽签) that viewers register for instead of grabbing. Then
Lily challenges Rose (also live) to a PK from her console, Rose accepts in hers,
Mei's hearts in Lily's room move the bar in both rooms, Lily ends it and both
rooms show the winner. The replay lists the poll, the lucky bag and the PK. axe
runs on the room with each card showing."""

import hashlib
import re

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import (
    api_token,
    api_user,
    call_api,
    live_on_air,
    login,
    merchant_with_two_products,
)
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
QUESTION = "下一款先上哪个？Which tea next?"
ANNOUNCEMENT = "今晚全场包邮！Free shipping on everything tonight, 满99再送茶杯一只"
KEYWORD = "我要福袋"


def _signed_in(new_page, base, username, url):
    page = new_page(viewport=PHONE)
    login(page, base, username)
    page.wait_for_url(lambda u: "/login" not in u)
    page.goto(url)
    return page


def _fits(page):
    """No horizontal scroll on the phone."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def _tall_enough(locator):
    for i in range(locator.count()):
        assert locator.nth(i).evaluate("b => b.offsetHeight") >= 44, locator.nth(i)


def _world(base):
    tea, cup = merchant_with_two_products(base)
    shop = api_token(base, "xihu_tea")
    for product in (tea, cup):  # ¥0 prizes and lottery sales need the shop's consent
        call_api(
            base,
            "PATCH",
            f"/api/v1/products/{product['id']}",
            shop,
            body={"flash_min_price_cents": 0, "flash_max_units": 10},
        )
    session_a, _ = live_on_air(base, [tea, cup], pinned=tea)
    session_b, _ = live_on_air(
        base, [cup], pinned=cup, host="rose", title="青瓷专场 Celadon night"
    )
    for name in ("mei", "lan"):
        api_user(base, name, "shopper", display_name=name.capitalize())
    return tea, cup, session_a, session_b


def test_phone_viewers_vote_enter_a_lucky_bag_and_watch_a_pk(
    live_server, new_page, shots
):
    base = live_server.url
    tea, cup, session_a, session_b = _world(base)
    room_a = f"{base}/live/{session_a['id']}"
    room_b = f"{base}/live/{session_b['id']}"

    host = _signed_in(new_page, base, "lily", f"{room_a}/console")
    expect(host.locator("#ia-polls")).to_be_visible()
    mei = _signed_in(new_page, base, "mei", room_a)
    lan = _signed_in(new_page, base, "lan", room_a)
    lan_tablet = _signed_in(new_page, base, "lan", room_a)  # her second device
    for viewer in (mei, lan, lan_tablet):
        viewer.wait_for_selector("#live-badge .live-badge-live")
        expect(viewer.locator("#ia-stack")).to_be_hidden()  # nothing running yet

    # --- a poll: two phones vote, each sees the results and their choice ----------
    host.fill("#ia-poll-question", QUESTION)
    host.fill("#ia-poll-option-1", "龙井 Longjing")
    host.fill("#ia-poll-option-2", "碧螺春 Biluochun")
    host.click("#ia-poll-add")
    host.fill("#ia-poll-option-3", "普洱 Pu'er")
    _tall_enough(host.locator("#ia-polls button"))
    _fits(host)
    shots(host, "console-poll-form")
    host.select_option("#ia-poll-duration", "120")
    host.click("#ia-poll-start")
    expect(host.locator("#ia-poll-notice")).to_contain_text("The poll is on")
    expect(host.locator("#ia-poll-form")).to_be_hidden()

    card = mei.locator(".ia-poll")
    expect(card.locator(".ia-question")).to_have_text(QUESTION)
    options = card.locator("button.ia-option")
    expect(options).to_have_count(3)
    _tall_enough(options)
    assert re.fullmatch(r"[12]:\d\d left", card.locator(".ia-clock").inner_text())
    _fits(mei)
    shots(mei, "poll-phone")
    assert_accessible(mei, "live room with a poll, phone")

    options.nth(0).click()
    expect(card.locator(".ia-result.is-mine .ia-result-text")).to_contain_text("龙井")
    expect(card.locator(".ia-result.is-mine .ia-yours")).to_have_text("Your vote")
    expect(mei.locator("#ia-toast")).to_have_text("Thanks for voting!")
    lan.locator(".ia-poll button.ia-option").nth(1).click()
    expect(lan.locator(".ia-poll .ia-result.is-mine .ia-result-text")).to_contain_text(
        "碧螺春"
    )
    expect(card.locator(".ia-total")).to_have_text("2 votes")
    # one vote per person, whatever the device: the refusal comes as a toast
    lan_tablet.locator(".ia-poll button.ia-option").nth(2).click()
    expect(lan_tablet.locator("#ia-toast")).to_have_text(
        "You already voted in this poll."
    )
    expect(lan_tablet.locator(".ia-poll .ia-result")).to_have_count(3)
    expect(card.locator(".ia-result-n").nth(0)).to_have_text("1 · 50%")
    expect(card.locator(".ia-result-n").nth(2)).to_have_text("0 · 0%")
    expect(host.locator("#ia-poll-live .ia-poll-total")).to_have_text("2 votes")
    assert_accessible(host, "host console with a poll running, phone")
    shots(mei, "poll-voted-phone")
    assert_accessible(mei, "live room with a poll's results, phone")
    host.click(".ia-poll-end")
    expect(host.locator("#ia-poll-notice")).to_contain_text("The poll has ended")
    expect(card.locator(".ia-clock")).to_have_text("Ended")
    expect(card).to_have_class(re.compile(r"\bia-poll-ended\b"))
    expect(lan.locator(".ia-poll .ia-clock")).to_have_text("Ended")

    # --- the announcement, for a viewer who comes later ---------------------------
    host.fill("#ia-announce-input", ANNOUNCEMENT)
    host.click("#ia-announce-set")
    expect(host.locator("#ia-announce-current")).to_have_text(ANNOUNCEMENT)
    expect(mei.locator("#ia-announce-text")).to_have_text(ANNOUNCEMENT)
    late = new_page(viewport=PHONE)
    late.goto(room_a)
    # the announcement comes with the room's state, once the socket has joined
    # (under a loaded CI that took longer than expect's 5 s)
    expect(late.locator("#ia-announce")).to_be_visible(timeout=20_000)
    expect(late.locator("#ia-announce-text")).to_have_text(ANNOUNCEMENT)
    more = late.locator("#ia-announce-more")  # two lines, then unfolds
    expect(more).to_be_visible()
    _tall_enough(more)
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    _fits(late)
    shots(late, "announcement-late-viewer-phone")
    assert_accessible(late, "live room with an announcement, signed out, phone")

    # --- a lucky bag (福袋): one tap, or the keyword in the chat ------------------
    host.select_option("#ia-draw-product", str(tea["id"]))
    host.fill("#ia-draw-winners", "1")
    host.fill("#ia-draw-keyword", KEYWORD)
    host.select_option("#ia-draw-duration", "300")
    _tall_enough(host.locator("#ia-draws button"))
    host.click("#ia-draw-start")
    expect(host.locator("#ia-draw-notice")).to_contain_text("The lucky bag is open")
    bag = mei.locator(".ia-draw")
    enter = bag.locator("button.ia-enter")
    expect(enter).to_have_text(f"Send 「{KEYWORD}」 to enter")
    expect(bag.locator(".ia-prize-title")).to_have_text(tea["title"])
    expect(bag.locator(".ia-prize-meta")).to_contain_text("1 winner")
    _tall_enough(enter)
    expect(late.locator(".ia-draw a.ia-enter")).to_have_text("Sign in to enter")
    _fits(mei)
    shots(mei, "lucky-bag-phone")
    assert_accessible(mei, "live room with a lucky bag and the announcement, phone")

    enter.click()
    expect(enter).to_have_text("Entered")
    expect(bag.locator(".ia-entered")).to_contain_text("You're in!")
    lan.fill("#live-chat-input", KEYWORD)
    lan.press("#live-chat-input", "Enter")
    expect(lan.locator(".ia-draw button.ia-enter")).to_have_text("Entered")
    expect(host.locator("#ia-draw-live .ia-draw-entrants")).to_have_text("2 entered")
    expect(bag.locator(".ia-entrants")).to_have_text("2 entered")
    expect(late.locator(".ia-draw .ia-entrants")).to_have_text("2 entered")
    shots(host, "console-lucky-bag-open")
    assert_accessible(
        host, "host console with a lucky bag open and the announcement, phone"
    )

    host.click(".ia-draw-end")
    expect(host.locator("#ia-draw-live .ia-draw-winners li")).to_have_count(1)
    (draw,) = call_api(base, "GET", f"/api/v1/live/{session_a['id']}/draws")["draws"]
    assert draw["status"] == "drawn" and draw["entrants"] == 2
    record = call_api(base, "GET", f"/api/v1/draws/{draw['id']}")
    winner_name = draw["winners"][0]["display_name"]
    winner, loser = (mei, lan) if winner_name == "Mei" else (lan, mei)
    won = winner.locator(".ia-draw")
    expect(won.locator(".ia-won-title")).to_have_text("You won!")
    expect(won.locator(".ia-winners li")).to_have_text([winner_name])
    expect(loser.locator(".ia-draw .ia-muted")).to_have_text(
        "Not this time. Stay for the next one!"
    )
    expect(late.locator(".ia-draw .ia-winners li")).to_have_text([winner_name])
    # the seed revealed in the room is the one whose hash was published at the start
    won.locator(".ia-verify summary").click()
    seed = won.locator(".ia-verify-list dd").nth(1).inner_text()
    published = won.locator(".ia-verify-list dd").nth(0).inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", seed), seed
    assert hashlib.sha256(seed.encode()).hexdigest() == published == draw["seed_sha256"]
    assert (
        sorted(record["entrant_ids"]) == record["entrant_ids"]
        and len(record["entrant_ids"]) == 2
    )
    _fits(winner)
    shots(winner, "lucky-bag-won-phone")
    assert_accessible(winner, "live room, the lucky bag won, phone")

    # the prize is checked out at ¥0 in the buy sheet, without leaving the room
    won.locator("a.ia-checkout").click()
    sheet = winner.locator("#buy-sheet")
    expect(sheet.locator(".buy-price")).to_have_text("¥0.00")
    winner.fill("#buy-name", "王小明")
    winner.fill("#buy-phone", "138 0013 8000")
    winner.fill("#buy-address", "浙江省杭州市西湖区龙井路 1 号")
    sheet.locator(".buy-place").click()
    expect(sheet.locator(".buy-done")).to_be_visible()
    shots(winner, "lucky-bag-prize-ordered-phone")
    sheet.locator("[data-close]").first.click()
    expect(won.locator(".ia-won-note")).to_contain_text("Ordered!")

    # --- a lottery flash sale (抽签): register instead of grabbing ----------------
    host.check("#f-mode")
    expect(host.locator("#f-register_s")).to_be_visible()
    host.select_option("#f-product_id", str(cup["id"]))
    host.fill("#f-price", "1.00")
    host.fill("#f-quantity", "1")
    host.select_option("#f-register_s", "30")
    host.click("#launch-flash")
    host.wait_for_load_state()
    sale = mei.locator('#fsale-stack .fsale[data-mode="lottery"]')
    register = sale.locator("button.ia-lottery-enter")
    expect(register).to_have_text("Enter the lottery")
    expect(sale.locator(".fsale-grab")).to_be_hidden()
    _tall_enough(register)
    shots(mei, "lottery-phone")
    assert_accessible(mei, "live room with a lottery flash sale, phone")
    register.click()
    expect(sale.locator(".ia-lottery .ia-entered")).to_contain_text("You're registered")
    lan.locator(
        '#fsale-stack .fsale[data-mode="lottery"] button.ia-lottery-enter'
    ).click()
    expect(sale.locator(".ia-entrants")).to_have_text("2 registered")
    expect(sale.locator(".ia-lottery-line")).to_have_text("1 unit · 2 registered")

    # --- a PK: Lily invites Rose, Rose accepts, hearts move the bar in both rooms -
    rose = _signed_in(new_page, base, "rose", f"{room_b}/console")
    expect(rose.locator("#ia-pks")).to_be_visible()
    host.click("#ia-pk-refresh")
    expect(
        host.locator(f'#ia-pk-opponent option[value="{session_b["id"]}"]')
    ).to_have_count(1)
    assert (
        host.locator(f'#ia-pk-opponent option[value="{session_a["id"]}"]').count() == 0
    )
    host.select_option("#ia-pk-opponent", str(session_b["id"]))
    host.select_option("#ia-pk-duration", "300")
    host.click("#ia-pk-invite")
    expect(host.locator("#ia-pk-notice")).to_contain_text("Invitation sent to rose")
    invite = rose.locator(".ia-invite")
    expect(invite).to_contain_text("lily invites you to a 5-minute PK.")
    _tall_enough(invite.locator("button"))
    _fits(rose)
    shots(rose, "console-pk-invitation")
    assert_accessible(rose, "host console with a PK invitation, phone")
    invite.locator("button.ia-pk-accept").click()
    expect(rose.locator("#ia-pk-notice")).to_contain_text("The PK is on!")
    expect(rose.locator("#ia-pk-live .ia-pk-side-us .ia-pk-name")).to_have_text("rose")
    expect(rose.locator("#ia-pk-form")).to_be_hidden()

    bar_a = mei.locator("#ia-pk")
    expect(bar_a).to_be_visible()
    expect(bar_a.locator(".ia-pk-side-us .ia-pk-name")).to_have_text("lily")
    expect(bar_a.locator(".ia-pk-side-them .ia-pk-name")).to_have_text("rose")
    late.goto(room_b)
    bar_b = late.locator("#ia-pk")
    expect(bar_b.locator(".ia-pk-side-us .ia-pk-name")).to_have_text("rose")
    expect(bar_b.locator(".ia-pk-side-them .ia-pk-name")).to_have_text("lily")
    for _ in range(5):
        mei.click("#live-like")
    expect(bar_a.locator(".ia-pk-side-us .ia-pk-score")).to_have_text(
        "50", timeout=10000
    )
    expect(bar_b.locator(".ia-pk-side-them .ia-pk-score")).to_have_text(
        "50", timeout=10000
    )
    expect(host.locator("#ia-pk-live .ia-pk-side-us .ia-pk-score")).to_have_text("50")
    # the lucky bag's winner buys the pinned tea in Lily's room: the sale counts
    # for Lily's side and the buyer is her top supporter, in both rooms
    winner.locator("#live-pinned a.live-buy").click()
    sheet.locator(".buy-place").click()
    expect(sheet.locator(".buy-done")).to_be_visible()
    sheet.locator("[data-close]").first.click()
    fan = bar_a.locator(".ia-pk-sup-us .ia-pk-fan-name")
    expect(fan).to_have_text([winner_name], timeout=10000)
    expect(bar_b.locator(".ia-pk-sup-them .ia-pk-fan-name")).to_have_text([winner_name])
    expect(bar_a.locator(".ia-pk-side-us .ia-pk-score")).not_to_have_text("50")
    _fits(mei)
    shots(mei, "pk-room-a-phone")
    shots(late, "pk-room-b-phone")
    assert_accessible(mei, "live room with a PK bar, phone")

    host.click(".ia-pk-end")
    expect(bar_a.locator(".ia-pk-result")).to_have_text("lily wins!")
    expect(bar_b.locator(".ia-pk-result")).to_have_text("lily wins!")
    expect(rose.locator("#ia-pk-live .ia-pk-result")).to_have_text("lily wins!")
    shots(late, "pk-result-room-b-phone")

    # --- the lottery is drawn when its registration closes ------------------------
    expect(sale.locator(".ia-lottery .ia-clock")).to_have_text("Drawn", timeout=40000)
    sale_id = sale.get_attribute("data-sale-id")
    lottery = call_api(base, "GET", f"/api/v1/flash-sales/{sale_id}")["flash_sale"]
    assert lottery["mode"] == "lottery"
    assert lottery["entrants"] == 2 and lottery["seed"]
    lucky = call_api(base, "GET", f"/api/v1/draws/{lottery['draw_id']}")["draw"]
    lottery_winner = mei if lucky["winners"][0]["display_name"] == "Mei" else lan
    expect(lottery_winner.locator(".ia-lottery .ia-won-note")).to_contain_text(
        "You won 1!"
    )
    shots(lottery_winner, "lottery-won-phone")

    # --- the replay lists the poll, the lucky bag and the PK ----------------------
    rose_token = api_token(base, "rose")
    call_api(base, "POST", f"/api/v1/live/{session_b['id']}/end", rose_token)
    lily_token = api_token(base, "lily")
    call_api(base, "POST", f"/api/v1/live/{session_a['id']}/end", lily_token)
    # Rose's room reloads into its replay when her live ends: let that finish
    # before leaving, or the reload would cut the next navigation short
    expect(late.locator("#ia-replay")).to_be_visible(timeout=15000)
    expect(late.locator("#ia-replay .ia-replay-pk")).to_contain_text("lily")
    late.goto(room_a + "#replay")
    replay = late.locator("#ia-replay")
    expect(replay.locator(".ia-replay-poll .ia-replay-q")).to_have_text(QUESTION)
    expect(replay.locator(".ia-replay-draw")).to_contain_text("2 entered")
    expect(replay.locator(".ia-replay-draw")).to_contain_text(winner_name)
    expect(replay.locator(".ia-replay-pk")).to_contain_text("lily")
    expect(replay.locator(".ia-replay-pk li.is-winner")).to_contain_text("Winner")
    replay.scroll_into_view_if_needed()
    _fits(late)
    shots(late, "replay-phone")
    assert_accessible(late, "the replay with polls, lucky bags and PK, phone")

    for page in (host, mei, lan, lan_tablet, late, rose):
        assert page.errors == [], page.errors
