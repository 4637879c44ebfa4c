"""The sample occupational-disease case: the disease documents rendered without a database.

A weaver of a textile mill, 14 years at the looms, with a chronic noise-induced hearing loss
(ICD-10 H83.3): noise 92 dBA against a limit of 80 dBA for 8 h a shift (over the limit), local
vibration within its limit. SimpleNamespace rows shaped like the ORM rows (Case, DiseaseFile,
Exposure, HarmfulFactor, MedicalExam); the commission's chair, the sanitary body's
representative, is listed second on purpose: the act must put the chair first. As in the
accident sample, the employer's name carries ``&`` and ``<тест>`` to catch unescaped output."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from .context import build_context
from .sample_rules import SampleRules

DISEASE_EMPLOYER_NAME = "ОсОО «Жибек & Пахта» <тест>"
WORKER_NAME = "Токтосунова Гүлзат Асановна"
DISEASE_CASE_NUMBER = "3/2025"
ICD10 = "H83.3"
ICD10_NAME = "Шумовые эффекты внутреннего уха"
SANITARY_BODY = "Департамент профилактики заболеваний и госсанэпиднадзора МЗ КР"
PATHOLOGY_CENTRE = "Республиканский центр профессиональной патологии"
HEALTH_ORGANISATION = "Центр семейной медицины № 5 г. Бишкек"
INSURER_NAME = "ЗАО «Страховая компания „Жаңы Ордо“»"
NOISE, VIBRATION = "Шум", "Вибрация локальная"
CHAIR_NAME = "Мамытов Алмаз Кенешович"

# Naive UTC, as stored: 05:30 UTC is 11:30 in Bishkek.
DIAGNOSED_AT = datetime(2025, 2, 10, 5, 30)
DISEASE_NOW = datetime(2025, 3, 28, 6, 0)


def _row(**fields) -> SimpleNamespace:
    return SimpleNamespace(removed_at=None, **fields)


def _member(name, position, organisation, role, represents) -> SimpleNamespace:
    return _row(
        full_name=name,
        position=position,
        organisation_name=organisation,
        role=role,
        represents=represents,
    )


def sample_disease_case() -> SimpleNamespace:
    """The occupational-disease case at the stage of the insurer notice."""
    organisation = SimpleNamespace(
        name=DISEASE_EMPLOYER_NAME,
        tax_id="02345678901234",
        activity_code="13.20",
        address="Кыргыз Республикасы, Бишкек ш., Ибраимов көч., 29",
        phone="+996 312 650 400",
    )
    policy = SimpleNamespace(number="ГПО-2025/00582", insurer=SimpleNamespace(name=INSURER_NAME))
    worker = _row(
        id=11,
        full_name=WORKER_NAME,
        sex="female",
        birth_date=date(1979, 4, 12),
        person_category="employee",
        occupation="Ткач 4-го разряда",
        service_total_years=Decimal("17.0"),
        service_employer_years=Decimal("14.0"),
    )
    disease = SimpleNamespace(
        form="chronic",
        health_organisation=HEALTH_ORGANISATION,
        preliminary_diagnosis=ICD10_NAME,
        preliminary_icd10=ICD10,
        preliminary_at=date(2025, 2, 10),
        sanitary_body=SANITARY_BODY,
        conditions_class="3.2",
        ppe="Противошумные вкладыши «Беруши» (выдавались нерегулярно), хлопчатобумажный халат",
        conditions_summary=(
            "Условия труда ткача ткацкого цеха № 2 не соответствуют гигиеническим "
            "нормативам по шуму: эквивалентный уровень 92 дБА при нормативе 80 дБА "
            "в течение всей смены. Локальная вибрация — в пределах норматива."
        ),
        described_on=date(2025, 2, 21),
        harmful_service_years=Decimal("14.0"),
        pathology_centre=PATHOLOGY_CENTRE,
        final_diagnosis=ICD10_NAME,
        final_icd10=ICD10,
        final_on=date(2025, 3, 20),
        connected_to_work=True,
        conclusion_causes=(
            "Длительное (14 лет) воздействие производственного шума, превышающего норматив "
            "на 12 дБА; ткацкие станки без шумопоглощающих кожухов; средства индивидуальной "
            "защиты органа слуха выдавались нерегулярно."
        ),
        conditions_described_at=datetime(2025, 2, 21, 9, 0),
        diagnosis_confirmed_at=datetime(2025, 3, 20, 8, 0),
    )
    commission = [
        _member(
            "Орозбаева Жылдыз Маратовна",
            "Директор по производству",
            DISEASE_EMPLOYER_NAME,
            "member",
            "employer",
        ),
        _member(CHAIR_NAME, "Главный специалист", SANITARY_BODY, "chair", "sanitary_body"),
        _member(
            "Беков Улан Асанович",
            "Специалист по охране труда",
            DISEASE_EMPLOYER_NAME,
            "member",
            "employer",
        ),
        _member(
            "Касымова Айнура Токтоматовна",
            "Врач-профпатолог",
            HEALTH_ORGANISATION,
            "member",
            "health_organisation",
        ),
        _member(
            "Сатыбалдиев Мирлан Эсенович",
            "Председатель профкома",
            "Первичная профсоюзная организация",
            "member",
            "trade_union",
        ),
        _member(
            "Алиева Динара Руслановна",
            "Специалист по урегулированию убытков",
            INSURER_NAME,
            "member",
            "insurer",
        ),
    ]
    return SimpleNamespace(
        kind="occupational_disease",
        category=None,
        number=DISEASE_CASE_NUMBER,
        organisation=organisation,
        policy=policy,
        disease=disease,
        occurred_at=DIAGNOSED_AT,
        reported_at=datetime(2025, 2, 11, 3, 15),
        place="Ткацкий цех № 2, участок станков АТПР-100, рабочее место ткача",
        structural_unit="Ткацкий цех № 2",
        work_performed="Обслуживание 8 пневморапирных ткацких станков АТПР-100 в течение смены",
        circumstances=(
            "С 2011 года работница работает ткачом в цехе № 2 при уровне шума 92 дБА; "
            "с 2023 года на периодических медосмотрах выявлялось снижение слуха; в 2025 году "
            "направлена в центр профессиональной патологии."
        ),
        investigation_ended_at=datetime(2025, 3, 25, 9, 0),
        act_approved_at=datetime(2025, 3, 26, 5, 0),
        insurer_notified_at=datetime(2025, 3, 27, 4, 0),
        victims=[worker],
        commission=commission,
        chair=commission[1],
        exposures=[
            _row(
                employer_name="Швейная фабрика «Айчүрөк»",
                job_title="Швея",
                year_from=2008,
                year_to=2011,
                harmful_factors=None,
            ),
            _row(
                employer_name=DISEASE_EMPLOYER_NAME,
                job_title="Ткач",
                year_from=2011,
                year_to=None,
                harmful_factors="шум, локальная вибрация",
            ),
        ],
        factors=[
            _row(
                name=NOISE,
                measured=Decimal("92.000"),
                limit=Decimal("80.000"),
                unit="дБА",
                exposure_hours=Decimal("8.0"),
            ),
            _row(
                name=VIBRATION,
                measured=Decimal("1.400"),
                limit=Decimal("2.000"),
                unit="м/с²",
                exposure_hours=Decimal("4.0"),
            ),
        ],
        exams=[
            _row(
                kind="preliminary",
                examined_on=date(2011, 3, 1),
                organisation=HEALTH_ORGANISATION,
                result="Годна к работе ткачом",
            ),
            _row(
                kind="periodic",
                examined_on=date(2023, 11, 15),
                organisation=HEALTH_ORGANISATION,
                result="Снижение слуха на высоких частотах; наблюдение у сурдолога",
            ),
            _row(
                kind="extraordinary",
                examined_on=date(2025, 2, 10),
                organisation=HEALTH_ORGANISATION,
                result=(
                    "Подозрение на профессиональную тугоухость; направлена в центр профпатологии"
                ),
            ),
        ],
        responsible=[
            _row(
                full_name="Абдыкадыров Нурбек Сагынбекович",
                position="Начальник ткацкого цеха № 2",
                violated_norms=(
                    "Не обеспечил применение средств индивидуальной защиты органа слуха "
                    "(Закон КР «Об охране труда», ст. 11, 14)"
                ),
            ),
        ],
        measures=[
            _row(
                action="Установить шумопоглощающие кожухи на ткацкие станки АТПР-100 цеха № 2",
                due_date=date(2025, 6, 30),
                owner="Главный механик",
                done_at=None,
            ),
            _row(
                action="Перевести Токтосунову Г. А. на работу вне воздействия шума",
                due_date=date(2025, 4, 1),
                owner="Начальник отдела кадров",
                done_at=None,
            ),
        ],
    )


def sample_disease_context(kind: str, language: str, *, rules=None) -> dict:
    """The context of disease document `kind` in `language` for the sample case."""
    case = sample_disease_case()
    return build_context(
        case, kind, language, rules=rules or SampleRules(), victim=case.victims[0], now=DISEASE_NOW
    )
