"""Each test makes its own app (tests/plugins/app.py), and each app compiles its
~300 URL rules: Werkzeug writes a small Python function per rule and direction
(`Rule._compile_builder`: an AST, `compile`, `exec`), about 60% of `create_app`'s
time and minutes of a run.

The function depends only on the rule's text, its parsed trace, its defaults and
whether unknown arguments are appended; it takes the rule as its first argument
(bound afterwards), so rules equal in those share it. This plugin keeps one per
such key for the test process. Rules whose defaults fill one of their own
variables (their builder holds a converter's output) are compiled as before.
Nothing else about routing changes; the app under test builds URLs with the same
functions Werkzeug would have written.
"""

import functools

from werkzeug.routing.rules import Rule

_compile = Rule._compile_builder


def _key(rule, append_unknown):
    defaults = rule.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in rule._trace):
        return None
    return (
        rule.rule,
        tuple(rule._trace),
        tuple(defaults),
        append_unknown,
    )


@functools.wraps(_compile)
def _compile_builder(self, append_unknown=True):
    key = _key(self, append_unknown)
    if key is None:
        return _compile(self, append_unknown)
    found = _built.get(key)
    if found is None:
        found = _built[key] = _compile(self, append_unknown)
    return found


_built = {}


def pytest_configure(config):
    Rule._compile_builder = _compile_builder


def pytest_unconfigure(config):
    Rule._compile_builder = _compile
