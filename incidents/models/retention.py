"""Legal holds: a criminal case or a court proceeding keeps a case's records from any disposal,
whatever their retention class says, until the hold is lifted (with a reason)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import HoldKind, db_enum
from .org import User
from .timeutil import utcnow


class LegalHold(db.Model):
    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[HoldKind] = mapped_column(db_enum(HoldKind, length=20))
    reference: Mapped[str] = mapped_column(String(200))  # case number, court, authority
    reason: Mapped[str | None] = mapped_column(Text)
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None]
    lift_reason: Mapped[str | None] = mapped_column(Text)

    placed_by: Mapped[User | None] = relationship(foreign_keys=[placed_by_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])

    @property
    def active(self) -> bool:
        return self.lifted_at is None
