"""The live rooms keep per-process state in their modules (presence, chat buckets,
cached sale rooms, grabs in flight): every test starts and ends without any, since
ids repeat from one test database to the next."""

import pytest

from blueprints.live import (
    events,
    flash_events,
    interaction_events,
    pk_events,
    promo_events,
)


def reset():
    events.reset()
    flash_events.reset()
    promo_events.reset()
    interaction_events.reset()
    pk_events.reset()


@pytest.fixture(autouse=True)
def _fresh_live_state():
    reset()
    yield
    reset()
