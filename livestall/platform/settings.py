"""Settings the rules read, without importing Flask: the app factory hands its
config mapping over once (`use(app.config)`), and rules ask `get(NAME, default)`.

The mapping is kept by reference, so a setting changed on the app's config later
(tests do) is what the rules see.
"""

_state = {"config": {}}


def use(config):
    """Read settings from `config` (a mapping) from now on."""
    _state["config"] = config


def get(name, default=None):
    return _state["config"].get(name, default)
