"""Sample contexts: render any template without a database.

The contexts come from `build_context` over a small fake case (the investigation act: the same
case turned into a group accident with a second, fatal victim) (SimpleNamespace objects shaped
like the ORM rows), so they are exactly what the service would produce. They serve the tests,
a "preview template" button and the people who edit the templates in Word. The employer's name
carries ``&`` and ``<тест>`` on purpose: a template rendered without escaping would lose them.

The rule pack is passed in like in the service; without one a tiny stand-in with the KR labels
of the codes used here is used, since this package imports nothing of the application."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from .context import build_context
from .formatting import DISEASE_KINDS
from .sample_rules import SampleRules
from .samples_disease import sample_disease_context

EMPLOYER_NAME = "ОсОО «Ак & Көк» <тест>"
VICTIM_NAME = "Асанов Бакыт Төлөгөнович"
SECOND_VICTIM_NAME = "Исаева Нургүл Бакытовна"
# The addressee of the sample notice: the only one a light case has in the KR pack.
NOTICE_ADDRESSEE = "insurer"
# The sample dissenting opinion: two paragraphs, with characters that must survive the XML.
DISSENT_TEXT = (
    "Не согласен с п. 9: главной причиной считаю неисправность бадьи & отсутствие <сигнальщика>.\n"
    "\n"
    "Обоснование: акт осмотра крана от 03.03.2025 фиксирует износ замка бадьи."
)
# The sample interview's statement: two paragraphs, with characters that must survive the XML.
INTERVIEW_STATEMENT = (
    "Я работал на третьем этаже, подавал бетон & принимал бадью <без сигнальщика>.\n"
    "\n"
    "Бадья раскрылась, и бетон упал на меня."
)
SCENE_CONDITIONS = "Опалубка третьего этажа, бадья опущена на перекрытие, бетон рассыпан."

# Naive UTC, as stored: 04:10 UTC is 10:10 in Bishkek (UTC+6).
OCCURRED_AT = datetime(2025, 3, 4, 4, 10)
NOW = datetime(2025, 3, 12, 9, 0)


def _row(**fields) -> SimpleNamespace:
    return SimpleNamespace(removed_at=None, **fields)


def sample_case() -> SimpleNamespace:
    """A light accident at a Bishkek construction company, at the closed stage."""
    insurer = SimpleNamespace(name="ЗАО «Страховая компания „Жаңы Ордо“»")
    organisation = SimpleNamespace(
        name=EMPLOYER_NAME,
        tax_id="01234567890123",
        activity_code="41.20",
        address="Кыргыз Республикасы, Бишкек ш., Чүй пр., 155",
        phone="+996 312 555 123",
    )
    policy = SimpleNamespace(number="ГПО-2025/00417", insurer=insurer)
    victim = _row(
        id=1,
        full_name=VICTIM_NAME,
        sex="male",
        birth_date=date(1990, 6, 15),
        person_category="employee",
        occupation="Бетонщик 4-го разряда",
        service_total_years=Decimal("7.5"),
        service_employer_years=Decimal("2.0"),
        induction_briefing_date=date(2023, 2, 1),
        workplace_briefing_type="repeated",
        workplace_briefing_date=date(2025, 1, 10),
        internship="10 смен, 2023",
        training_date=date(2023, 2, 3),
        knowledge_test_date=date(2023, 2, 14),
        knowledge_test_protocol="17",
        injury_nature="Ушиб и рваная рана",
        body_part="Левое плечо",
        medical_severity="light",
        intoxication="none",
        intoxication_degree=None,
        outcome="recovered",
        days_lost=12,
    )
    commission = [
        _row(
            full_name="Жумабеков Нурлан Алмазович",
            position="Главный инженер",
            organisation_name=EMPLOYER_NAME,
            role="chair",
        ),
        _row(
            full_name="Сыдыкова Айгүл Бакировна",
            position="Специалист по охране труда",
            organisation_name=EMPLOYER_NAME,
            role="member",
        ),
        _row(
            full_name="Токтогулов Эрлан Маратович",
            position="Председатель профкома",
            organisation_name="Первичная профсоюзная организация",
            role="member",
        ),
    ]
    specialist = SimpleNamespace(
        name="Асанова Айгүл Бакытовна",
        position="Специалист по охране труда",
        phone="+996 555 010 203",
    )
    head = SimpleNamespace(name="Осмонов Бакыт Жумабекович", position="Директор", phone=None)
    transitions = [
        SimpleNamespace(trigger="notify", actor=specialist),
        SimpleNamespace(trigger="approve_act", actor=head),
    ]
    return SimpleNamespace(
        transitions=transitions,
        number="7/2025",
        category="light",
        organisation=organisation,
        policy=policy,
        occurred_at=OCCURRED_AT,
        reported_at=OCCURRED_AT + timedelta(minutes=35),
        shift_started_at=datetime(2025, 3, 4, 2, 0),
        place="Строительная площадка, ул. Ахунбаева 120, секция Б, 3-й этаж",
        work_performed="Приёмка бетона из бадьи башенного крана",
        circumstances=(
            "При подаче бадьи с бетоном стропальщик подал сигнал без проверки зоны; бадья "
            "качнулась и ударила бетонщика по левому плечу. Каска была, защитные перчатки "
            "не использовались."
        ),
        first_aid="Наложена повязка, доставлен в травмпункт № 2 г. Бишкек",
        structural_unit="Участок № 3 (монолитные работы)",
        event_type_code="03",
        equipment="Башенный кран КБ-403, бадья БП-1,0",
        workplace_assessment="Класс условий труда 3.1 (аттестация 2023 г.)",
        work_related=True,
        work_related_ground="Во время выполнения трудовых обязанностей на территории работодателя",
        notified_at=OCCURRED_AT + timedelta(hours=2),
        commission_formed_at=datetime(2025, 3, 4, 9, 0),
        commission_order_number="14-к",
        investigation_started_at=datetime(2025, 3, 4, 9, 0),
        investigation_ended_at=datetime(2025, 3, 6, 11, 0),
        act_approved_at=datetime(2025, 3, 7, 5, 0),
        insurer_notified_at=datetime(2025, 3, 7, 8, 30),
        closed_at=NOW,
        extension_days=0,
        notices=[
            SimpleNamespace(
                addressee="insurer",
                due_at=OCCURRED_AT + timedelta(minutes=35, hours=24),
                sent_at=OCCURRED_AT + timedelta(hours=2),
                method="email",
                recipient="ЗАО «Страховая компания „Жаңы Ордо“», info@example.kg",
            ),
        ],
        victims=[victim],
        witnesses=[
            _row(
                full_name="Бекмурзаев Талант Усенович",
                position="Стропальщик",
                contact="+996 700 111 222",
            ),
        ],
        commission=commission,
        chair=commission[0],
        causes=[
            _row(
                code="11",
                is_main=False,
                description="Пострадавший не использовал выданные защитные перчатки",
                violated_norm="Инструкция по охране труда для бетонщика, п. 2.4",
            ),
            _row(
                code="08",
                is_main=True,
                description="Подача груза без проверки отсутствия людей в опасной зоне",
                violated_norm="Закон КР «Об охране труда» ст. 11; ППР, раздел 5",
            ),
        ],
        responsible=[
            _row(
                full_name="Иманалиев Руслан Кубанычбекович",
                position="Мастер участка № 3",
                violated_norms="Не организовал безопасную подачу бетона (ППР, раздел 5)",
            ),
        ],
        measures=[
            _row(
                action="Внеплановый инструктаж стропальщиков и бетонщиков участка № 3",
                due_date=date(2025, 3, 10),
                owner="Мастер участка № 3",
                done_at=date(2025, 3, 10),
            ),
            _row(
                action="Оградить и обозначить опасную зону подачи бетона",
                due_date=date(2025, 3, 14),
                owner="Главный инженер",
                done_at=None,
            ),
        ],
    )


def sample_group_case() -> SimpleNamespace:
    """The sample accident as a group case: a second victim who died, and the notices a group
    case with a death has (inspectorate, trade union, prosecutor; the prosecutor not yet told)."""
    case = sample_case()
    case.category = "group"
    first = case.victims[0]
    first.medical_severity, first.outcome, first.days_lost = "severe", "under_treatment", None
    second = SimpleNamespace(
        **{
            **vars(first),
            "id": 2,
            "full_name": SECOND_VICTIM_NAME,
            "sex": "female",
            "birth_date": date(1995, 11, 2),
            "occupation": "Бетонщица 3-го разряда",
            "service_total_years": Decimal("3.0"),
            "service_employer_years": Decimal("1.5"),
            "workplace_briefing_type": "primary",
            "injury_nature": "Открытая черепно-мозговая травма",
            "body_part": "Голова",
            "medical_severity": "fatal",
            "outcome": "died",
            "days_lost": None,
        }
    )
    case.victims = [first, second]
    reported = case.reported_at
    case.notices = [
        case.notices[0],
        *(
            SimpleNamespace(
                addressee=code,
                due_at=reported + timedelta(hours=24),
                sent_at=None if code == "prosecutor" else reported + timedelta(hours=3),
                method=None if code == "prosecutor" else "courier",
                recipient=None,
            )
            for code in ("state_inspector", "trade_union", "prosecutor")
        ),
    ]
    return case


def sample_scene_protocol() -> SimpleNamespace:
    """An inspection of the sample scene, 12:00–13:30 in Bishkek on the day of the accident."""
    return _row(
        id=1,
        inspected_on=datetime(2025, 3, 4, 6, 0),
        ended_at=datetime(2025, 3, 4, 7, 30),
        place="г. Бишкек, ул. Ахунбаева, 1, строящийся объект, 3-й этаж",
        inspected_by="Жумабеков Нурлан Алмазович, главный инженер",
        present="Токтогулов Эрлан Маратович",
        conditions=SCENE_CONDITIONS,
        workplace="Рабочее место бетонщика на перекрытии, кран КБ-403",
        harmful_object="Бадья для бетона БН-1,0 с неисправным замком",
        guards="Ограждение опасной зоны отсутствует",
        ppe="Каска, перчатки",
        environment="Открытый воздух, дневной свет, +4 °C",
        remarks=None,
        photo_ids=None,
    )


def sample_interview_protocol() -> SimpleNamespace:
    """The victim's interview, 14:00–15:00 in Bishkek on the day after the accident."""
    return _row(
        id=1,
        interviewee_kind="victim",
        place="г. Бишкек, ул. Токтогула, 125, каб. 4",
        started_at=datetime(2025, 3, 5, 8, 0),
        ended_at=datetime(2025, 3, 5, 9, 0),
        interviewer="Жумабеков Нурлан Алмазович, главный инженер",
        full_name=VICTIM_NAME,
        birth_date=date(1990, 6, 15),
        birth_place="с. Кой-Таш, Аламединский район",
        address="г. Бишкек, мкр. Джал, 12-34",
        citizenship="Кыргызская Республика",
        occupation="Бетонщик 4-го разряда",
        service="7,5 лет",
        others_present=None,
        rights_explained=True,
        statement=INTERVIEW_STATEMENT,
        questions_answers="Вопрос: Был ли сигнальщик?\nОтвет: Нет.",
        confirmed_at=None,
    )


SAMPLE_PHOTO_DESCRIPTION = "Бадья БН-1,0 с открытым замком, вид сверху"


def sample_materials() -> list[tuple]:
    """The sample case's materials as the service prepares them for the acts, in time order:
    a photo of the scene, the scene inspection protocol, the victim's interview."""
    scene, interview = sample_scene_protocol(), sample_interview_protocol()
    return [
        ("photo", SAMPLE_PHOTO_DESCRIPTION, datetime(2025, 3, 4, 5, 30)),
        ("scene_protocol", scene.place, scene.inspected_on),
        (f"interview_{interview.interviewee_kind}", interview.full_name, interview.started_at),
    ]


def sample_context(kind: str, language: str, *, rules=None, addressee=None) -> dict:
    """The context of `kind` in `language` for the sample case (Act N-1: its only victim; the
    notice: to `addressee`, by default NOTICE_ADDRESSEE; the investigation act: the group
    case; the dissenting opinion: the third member's, DISSENT_TEXT; the protocols:
    `sample_scene_protocol()` without photos, `sample_interview_protocol()` of the victim; the
    acts list `sample_materials()`; an occupational-disease document: the disease sample of
    samples_disease.py; the register: samples_register.py, the sample cases as its rows)."""
    if kind in DISEASE_KINDS:
        return sample_disease_context(kind, language, rules=rules)
    if kind == "register":
        from .samples_register import sample_register_context  # it builds on this module

        return sample_register_context(language, rules=rules)
    case = sample_group_case() if kind == "investigation_act" else sample_case()
    return build_context(
        case,
        kind,
        language,
        rules=rules or SampleRules(),
        victim=case.victims[0],
        addressee=(addressee or NOTICE_ADDRESSEE) if kind == "notice" else None,
        now=NOW,
        member=case.commission[-1] if kind == "dissent" else None,
        dissent=DISSENT_TEXT if kind == "dissent" else None,
        protocol=sample_scene_protocol()
        if kind == "scene_protocol"
        else sample_interview_protocol()
        if kind == "interview_protocol"
        else None,
        materials=sample_materials() if kind in ("act_n1", "investigation_act") else None,
    )
