"""The interaction domain's receivers: lottery sales' draw keys on `flash_sale`."""

from livestall.interaction import lottery


def connect():
    lottery.connect()
