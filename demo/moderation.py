"""The demo's reports, so the admin's queue (`/admin/reports`) has work in it: two
shoppers flag one comment as spam, one flags a live chat message. Through the
domain functions (`livestall.moderation`), as the report sheet does."""

from livestall.content.models import Comment
from livestall.live import chat
from livestall.moderation import rules

SPAM = "加微信 领优惠券 add me on WeChat for coupons"


def seed_reports(users, on_air):
    """Open reports on a shopper's comment and, with a live on air, a chat line."""
    made = []
    comment = Comment.select().order_by(Comment.id).first()
    if comment is not None:
        for name in ("emma_w", "chen_jing"):
            reporter = users.get(name)
            if reporter is not None and reporter.id != comment.author_id:
                made.append(rules.report(reporter, "comment", comment.id, "spam"))
    spammer, reporter = users.get("oliver_t"), users.get("xiaoyu_88")
    if on_air is not None and spammer is not None and reporter is not None:
        message = chat.post_chat(on_air, spammer, SPAM)
        made.append(
            rules.report(reporter, "chat", message.id, "spam", "刷屏广告 spam ads")
        )
    return made
