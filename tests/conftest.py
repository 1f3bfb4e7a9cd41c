"""The test suite's set-up is in plugins (tests/plugins/): the app and its test
databases, the JSON API helper, browsers and servers, the live rooms' state, and the
world factories of tests/factories/ as fixtures."""

import pytest

# Asserts in helpers report their values, as in the test files themselves.
pytest.register_assert_rewrite("tests.plugins", "tests.factories")

pytest_plugins = [
    "tests.plugins.app",
    "tests.plugins.api",
    "tests.plugins.browser",
    "tests.plugins.live",
    "tests.plugins.factories",
    "tests.plugins.parallel",
    "tests.plugins.routing",
]
