"""The world factories of tests/factories/, one per domain, as fixtures.

Each `<domain>_world` fixture is the domain's `world` function with the test's `app`
and `api` already given: call it with the parameters a test file needs, from that
file's own `world` fixture, e.g.

    @pytest.fixture
    def world(live_world):
        return live_world(admin=True, moderators=["tom"])

Catalog's factory, `catalog.shop`, is the building block of the others. `journey` is
attribution's scripted journey, built. `search_world` holds a database
connection open for the whole test (the search calls run outside any request).
"""

import functools

import pytest

from extensions import db
from tests.factories import (
    attribution,
    bargain,
    community,
    content,
    flash,
    group_buy,
    groups,
    live,
    membership,
    orders,
    search,
)


@pytest.fixture
def content_world(app, api):
    return functools.partial(content.world, app, api)


@pytest.fixture
def live_world(app, api):
    return functools.partial(live.world, app, api)


@pytest.fixture
def flash_world(app, api):
    return functools.partial(flash.world, app, api)


@pytest.fixture
def orders_world(api):
    return functools.partial(orders.world, api)


@pytest.fixture
def group_buy_world(api):
    return functools.partial(group_buy.world, api)


@pytest.fixture
def bargain_world(api):
    return functools.partial(bargain.world, api)


@pytest.fixture
def community_world(api):
    return functools.partial(community.world, api)


@pytest.fixture
def groups_world(api):
    return functools.partial(groups.world, api)


@pytest.fixture
def membership_world(api):
    return functools.partial(membership.world, api)


@pytest.fixture
def journey(app, api):
    return attribution.journey(app, api)


@pytest.fixture
def search_world(app):
    with db.connection_context():
        yield search.world
