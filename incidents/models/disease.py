"""The occupational-disease case (Law No. 167 art. 1; docs/procedure.md §4): what it records
beyond the case itself. The worker is the case's victim; the commission, the persons who
violated norms and the prevention measures are the case's own rows, as for an accident.

Rows here are never hard-deleted: child rows removed in a form are marked ``removed_at``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .enums import CaseKind, DiseaseForm, ExamKind, db_enum


def _live(rows):
    return [r for r in rows if r.removed_at is None]


class DiseaseParts:
    """What a Case knows of its disease (empty for an accident)."""

    @property
    def is_disease(self) -> bool:
        return self.kind == CaseKind.occupational_disease

    @property
    def conditions_described_at(self) -> datetime | None:
        """When the working conditions were described (a disease case's clock)."""
        return self.disease.conditions_described_at if self.disease is not None else None

    @property
    def diagnosis_confirmed_at(self) -> datetime | None:
        return self.disease.diagnosis_confirmed_at if self.disease is not None else None

    @property
    def exposures(self) -> list:
        return _live(self.exposures_all)

    @property
    def factors(self) -> list:
        return _live(self.factors_all)

    @property
    def exams(self) -> list:
        return _live(self.exams_all)


class DiseaseFile(db.Model):
    """The diagnoses, the working conditions and the conclusion of one disease case."""

    __tablename__ = "disease_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), unique=True)
    form: Mapped[DiseaseForm] = mapped_column(db_enum(DiseaseForm))
    # 1. the preliminary diagnosis, notified by the health organisation
    health_organisation: Mapped[str] = mapped_column(String(300))
    preliminary_diagnosis: Mapped[str] = mapped_column(String(500))
    preliminary_icd10: Mapped[str] = mapped_column(String(8))
    preliminary_at: Mapped[date]
    # 2. the description of the working conditions by the sanitary body
    sanitary_body: Mapped[str | None] = mapped_column(String(300))
    conditions_class: Mapped[str | None] = mapped_column(String(4))  # 2, 3.1 … 3.4, 4
    ppe: Mapped[str | None] = mapped_column(Text)
    conditions_summary: Mapped[str | None] = mapped_column(Text)
    described_on: Mapped[date | None]
    harmful_service_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    # 3. the final diagnosis by the occupational-pathology centre
    pathology_centre: Mapped[str | None] = mapped_column(String(300))
    final_diagnosis: Mapped[str | None] = mapped_column(String(500))
    final_icd10: Mapped[str | None] = mapped_column(String(8))
    final_on: Mapped[date | None]
    # 5. the conclusion of the commission
    connected_to_work: Mapped[bool | None]
    conclusion_causes: Mapped[str | None] = mapped_column(Text)
    # the legal clock (stamped by the workflow's transitions)
    conditions_described_at: Mapped[datetime | None]
    diagnosis_confirmed_at: Mapped[datetime | None]


class _Child:
    id: Mapped[int] = mapped_column(primary_key=True)
    removed_at: Mapped[datetime | None]


class Exposure(_Child, db.Model):
    """One stretch of the worker's occupational route: where, as what, how long."""

    __tablename__ = "disease_exposure"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    employer_name: Mapped[str] = mapped_column(String(300))
    job_title: Mapped[str] = mapped_column(String(200))
    year_from: Mapped[int]
    year_to: Mapped[int | None]  # None: to this day
    harmful_factors: Mapped[str | None] = mapped_column(String(500))

    @property
    def years(self) -> int:
        return (self.year_to or date.today().year) - self.year_from


class HarmfulFactor(_Child, db.Model):
    """A harmful production factor measured at the workplace against its limit."""

    __tablename__ = "disease_factor"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    measured: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    limit: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(40))
    exposure_hours: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))  # per shift

    @property
    def over_limit(self) -> bool:
        return self.measured > self.limit

    @property
    def ratio(self) -> Decimal:
        """How many times the limit the measured value is (0 for a zero limit)."""
        return (self.measured / self.limit) if self.limit else Decimal(0)


class MedicalExam(_Child, db.Model):
    """A preliminary, periodic or extraordinary medical examination of the worker."""

    __tablename__ = "disease_exam"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[ExamKind] = mapped_column(db_enum(ExamKind))
    examined_on: Mapped[date]
    organisation: Mapped[str] = mapped_column(String(300))
    result: Mapped[str] = mapped_column(Text)
