"""Who listens to which domain signal: each domain's `receivers.connect()`, called
once by the app factory (connecting twice is harmless: blinker keeps one)."""


def connect_all():
    """Connect every domain's receivers to the signals they follow."""
