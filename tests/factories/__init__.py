"""World factories, one module per domain: the people, shops, posts, live rooms and
orders a test starts from. Plain functions taking the `app` and `api` fixtures (and
parameters where tests need other titles, prices or stock); tests/plugins/factories.py
exposes each `world` as a `<domain>_world` fixture.

- accounts: `Person` (a signed-in browser), admins, a cast of tokens or browsers.
- catalog: a merchant and their products.
- content: teas to tag, a creator and a shopper; XSS_CORPUS.
- live: products, a host and guests, moderators, a session on air; the live API's
  calls (`create`, `created`, `act`, `new_session`).
- flash: a live on air for flash sales; the same over HTTP against a server process
  (`live_room`, `call`, `user`).
- orders: two merchants' tea, cup and teapot, a buyer; the shopper's `Browser`, the
  order API's calls (`place`, `move`, `notes`) and SHIP.
- attribution: the scripted journey of touchpoints, and `buy`.
- search: a bilingual catalogue, indexed, and a creator's post.
- journeys: browser journeys' sign-up, sign-in and API calls against a server.
"""
