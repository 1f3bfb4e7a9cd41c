"""What groups do when others act: following a creator joins their fan group."""

from livestall.content import signals as content_signals
from livestall.groups import rules


def _followed(sender, follower_id, creator_id, **_):
    rules.join_by_follow(follower_id, creator_id)


def connect():
    content_signals.followed.connect(_followed)
