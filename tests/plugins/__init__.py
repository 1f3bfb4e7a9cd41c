"""Pytest plugins of the test suite, loaded by tests/conftest.py (`pytest_plugins`).

- app: the application per test (fresh data dir), its client, forms and the test
  databases (PostgreSQL templates on the second pass); FAST_HASH, PASSWORD.
- api: the JSON API helper and test images.
- browser: real server processes, Chromium through Playwright, screenshots and the
  report of a failed journey.
- live: the live rooms' per-process state, reset around every test.
- factories: one world factory per domain (tests/factories/) as fixtures.
"""
