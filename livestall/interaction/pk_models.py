"""PK battles (连麦PK) between two live rooms: one row per invitation.

Side "a" is the inviter's room, side "b" the invited one's. While a PK runs its
scores are counted from the orders and hearts (`pk.py`); when it ends they are
frozen here by the one settlement that won the guarded `running -> ended` UPDATE.
"""

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField

from livestall.accounts.models import User
from livestall.db.base import BaseModel, JSONField, utcnow
from livestall.live.models import LiveSession

PK_STATUSES = ("invited", "running", "ended", "refused", "lapsed")
INVITE_TTL_S = 60  # an invitation not answered by then lapses


class LivePK(BaseModel):
    id = AutoField()
    session_a = ForeignKeyField(LiveSession, backref="+", on_delete="CASCADE")
    host_a = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    session_b = ForeignKeyField(LiveSession, backref="+", on_delete="CASCADE")
    host_b = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    status = CharField(max_length=10, default="invited")  # PK_STATUSES
    duration_s = IntegerField()
    invited_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)  # accepted or refused
    starts_at = DateTimeField(null=True)  # set when accepted
    ends_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)  # when the scores stopped counting
    ended_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
    # each room's hearts (LiveSession.likes) when the PK started
    likes_a_start = IntegerField(default=0)
    likes_b_start = IntegerField(default=0)
    # frozen at settlement (zero until then)
    gmv_a_cents = IntegerField(default=0)
    gmv_b_cents = IntegerField(default=0)
    hearts_a = IntegerField(default=0)
    hearts_b = IntegerField(default=0)
    score_a = IntegerField(default=0)
    score_b = IntegerField(default=0)
    supporters_a = JSONField(default=list)  # [{user_id, gmv_cents}], top 3
    supporters_b = JSONField(default=list)
    winner_session = ForeignKeyField(
        LiveSession, backref="+", null=True, on_delete="SET NULL"
    )  # null: a draw (or not ended)

    class Meta:
        indexes = (
            (("status", "ends_at"), False),
            (("status", "invited_at"), False),
            (("session_a", "status"), False),
            (("session_b", "status"), False),
            (("host_a", "status"), False),
            (("host_b", "status"), False),
        )
