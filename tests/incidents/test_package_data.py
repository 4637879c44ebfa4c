"""The package.json an insurer receives: built from real cases, checked against the published
JSON Schema with format checking on, and read back the way an insurer's system would."""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator

from incidents.models import (
    CaseKind,
    CaseStatus,
    Category,
    CommissionRole,
    DiseaseForm,
    DocumentKind,
    ExamKind,
    Exposure,
    HarmfulFactor,
    InsurerPackage,
    Intoxication,
    MedicalExam,
    Outcome,
    PackageStatus,
    Represents,
    Severity,
    Sex,
)
from incidents.models.timeutil import utcnow
from incidents.rules import icd10
from incidents.services import cases, evidence, package_data
from tests import disease_factories, factories

BASE_URL = "https://incidents.mehnat.kg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VICTIM = "Жаңыл Өмүрбекова"  # ң, ө, ү: the Kyrgyz letters beyond Russian
# a group case is chaired by the state labour inspector, with the trade union on it
GROUP_COMMISSION = [
    ("Эрмек Сыдыков", "Государственный инспектор труда", Represents.state_inspector),
    ("Жылдыз Мамытова", "Технический инспектор профсоюза", Represents.trade_union),
    ("Айгүл Токтосунова", "Специалист по охране труда", Represents.employer),
]


def validator() -> Draft202012Validator:
    return Draft202012Validator(
        package_data.schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def problems(document: dict) -> list[str]:
    return [e.message for e in validator().iter_errors(document)]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def files_of(case) -> list[dict]:
    """What the package builder lists: each current DOCX, its PDF, and one photo."""
    docs = [
        {
            "name": f"documents/{d.filename}",
            "role": "document",
            "kind": d.kind,
            "language": d.language,
            "media_type": DOCX,
            "sha256": d.sha256,
            "size": d.size,
        }
        for d in case.current_documents()
    ]
    pdfs = [
        {
            **f,
            "name": f["name"].replace("documents/", "pdf/").replace(".docx", ".pdf"),
            "role": "pdf",
            "media_type": "application/pdf",
            "sha256": _sha(f["name"]),
            "size": 1000,
        }
        for f in docs
    ]
    photo = {
        "name": "attachments/1-scene.jpg",
        "role": "attachment",
        "kind": "photo",
        "language": None,
        "media_type": "image/jpeg",
        "sha256": _sha("scene"),
        "size": 20480,
    }
    return [*docs, *pdfs, photo]


def make_package(db, world, case) -> InsurerPackage:
    package = InsurerPackage(
        uid=str(uuid.uuid4()),
        case=case,
        insurer_id=world.insurer_org.id,
        policy=world.policy,
        version=1,
        status=PackageStatus.ready,
    )
    db.session.add(package)
    db.session.flush()
    return package


def round_trip(document: dict) -> tuple[str, dict]:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    return text, json.loads(text)


@pytest.fixture
def light_case(db, world):
    case = factories.make_case(world, victim=factories.victim_data(full_name=VICTIM, sex="female"))
    factories.advance_to(case, world, "act_approved")
    db.session.commit()
    return case


@pytest.fixture
def group_case(db, world):
    """Two victims hurt at once; one of them dies after the act is approved."""
    case = factories.make_case(
        world, victim=factories.victim_data(full_name="Айбек Үсөнов", medical_severity="severe")
    )
    second = cases.add_child(
        case,
        world.specialist,
        "victims",
        factories.victim_data(full_name="Нурлан Ыдырысов", medical_severity="light"),
        None,
    )
    assert case.category == Category.group
    factories.send_notices(case, world.specialist)
    cases.advance(case, world.specialist, "notify")
    for i, (name, position, represents) in enumerate(GROUP_COMMISSION):
        cases.add_child(
            case,
            world.specialist,
            "commission",
            {
                "full_name": name,
                "position": position,
                "organisation_name": "—",
                "role": CommissionRole.chair if i == 0 else CommissionRole.member,
                "represents": represents,
                "responsible_for_site_safety": False,
            },
            None,
        )
    cases.advance(case, world.inspector, "form_commission")
    cases.advance(case, world.inspector, "start_investigation")
    factories.add_findings(case, world.specialist)  # every victim "light": put the truth back
    first = case.victims[0]
    cases.update_child(
        case, world.specialist, "victims", first.id, {"medical_severity": "severe"}, None
    )
    cases.add_child(
        case,
        world.specialist,
        "causes",
        {
            "code": "11",
            "is_main": False,
            "description": "Страховочная привязь не применялась",
            "violated_norm": None,
        },
        None,
    )
    cases.advance(case, world.inspector, "draft_act")
    cases.advance(case, world.head, "approve_act")
    cases.record_outcome(
        case, world.specialist, first.id, {"outcome": Outcome.died, "days_lost": 4}, None
    )
    cases.record_outcome(
        case, world.specialist, second.id, {"outcome": Outcome.recovered, "days_lost": 21}, None
    )
    db.session.commit()
    return case


# -- the schema -----------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema_read_once():
    schema = package_data.schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "insurer-package-v1.json" == package_data.SCHEMA_NAME
    assert package_data.schema() is schema  # cached


def test_format_checking_is_really_on():
    """date-time is only checked when its optional checker is installed; the patterns in the
    schema pin our "Z" convention either way, and an impossible date is caught by "date"."""
    checker = Draft202012Validator.FORMAT_CHECKER
    assert {"date", "uuid"} <= set(checker.checkers)
    assert not checker.conforms("2026-02-30", "date")
    assert not checker.conforms("not-a-uuid", "uuid")


@pytest.mark.parametrize(
    ("definition", "enum"),
    [
        ("caseKind", CaseKind),
        ("category", Category),
        ("caseStatus", CaseStatus),
        ("sex", Sex),
        ("severityOrNull", Severity),
        ("outcomeOrNull", Outcome),
        ("intoxication", Intoxication),
        ("documentKind", DocumentKind),
        ("diseaseForm", DiseaseForm),
        ("examKind", ExamKind),
    ],
)
def test_the_schema_enums_are_the_stored_values(definition, enum):
    """A new enum member must reach the published schema (as a new schema version)."""
    values = package_data.schema()["$defs"][definition]["enum"]
    assert [v for v in values if v is not None] == [m.value for m in enum]


def test_the_schema_knows_every_evidence_kind():
    assert package_data.schema()["$defs"]["evidenceKind"]["enum"] == list(evidence.KINDS)


# -- the document ---------------------------------------------------------------------------


def test_a_light_case_with_its_act_approved(app, db, world, light_case):
    package = make_package(db, world, light_case)
    files = files_of(light_case)
    document = package_data.package_document(package, files, base_url=BASE_URL + "/")

    assert problems(document) == []
    package_data.validate(document)  # what the builder calls: no exception
    text, data = round_trip(document)
    assert data == document  # plain JSON types only: no tuples, Decimals or datetimes
    assert VICTIM in text  # not escaped: a Kyrgyz reader sees the name

    assert data["schema"] == f"{BASE_URL}/api/v1/schemas/insurer-package-v1.json"
    assert data["schema_version"] == "1"
    assert data["package"]["uid"] == package.uid and data["package"]["version"] == 1
    assert data["package"]["created_at"].endswith("Z")

    case = data["case"]
    assert case["number"] == light_case.number and case["rule_pack"] == "kr"
    assert (case["kind"], case["category"], case["status"]) == ("accident", "light", "act_approved")
    assert case["occurred_at"] == light_case.occurred_at.replace(microsecond=0).isoformat() + "Z"
    assert case["event_type"] == {
        "code": "02",
        "label": {
            "ru": "Падение с высоты или на одном уровне",
            "ky": "Бийиктиктен же бир деңгээлде жыгылуу",
        },
    }
    assert case["work_related"] is True and case["act_approved_at"].endswith("Z")

    assert data["employer"] == {
        "name": "ОсОО «Ак & Көк» <тест>",
        "tax_id": "02512201810045",
        "activity_code": "41.20.0",
        "address": "г. Бишкек, ул. Токтогула, 125",
        "phone": None,
        "region": {"code": "bishkek", "label": {"ru": "г. Бишкек", "ky": "Бишкек ш."}},
    }
    assert data["policy"]["number"] == "ГО-2026-00417"
    assert data["policy"]["valid_from"] == "2020-01-01"
    assert data["policy"]["insurer"] == {"name": "ОАО «Ак-Суу Камсыздандыруу»", "tax_id": None}

    (victim,) = data["victims"]
    assert victim["full_name"] == VICTIM and victim["sex"] == "female"
    assert victim["birth_date"] == "1990-05-17"
    assert victim["service_total_years"] == 5.5  # Decimal -> number, as the API gives it
    assert victim["medical_severity"] == "light" and victim["outcome"] is None
    assert victim["person_category"] == {
        "code": "employee",
        "label": {"ru": "Работник", "ky": "Кызматкер"},
    }

    classification = data["classification"]
    (cause,) = classification["causes"]
    assert cause["code"] == "09" and cause["is_main"] is True
    assert cause["label"] == {
        "ru": "Неудовлетворительное содержание рабочих мест",
        "ky": "Жумуш орундарын канааттандырарлык эмес кармоо",
    }
    assert cause["violated_norm"] == "Правила ОТ в строительстве, п. 6.2.18"
    assert classification["responsible"][0]["full_name"] == "Кубат Эсенов"
    assert classification["measures"][0]["done_at"] is None

    assert data["outcome"] == {
        "all_known": False,
        "outcome_known_at": None,
        "deaths": 0,
        "days_lost_total": 0,
        "victims": [
            {"victim_id": victim["id"], "full_name": VICTIM, "outcome": None, "days_lost": None}
        ],
    }
    assert data["documents"] == files
    kinds = {(f["role"], f["kind"]) for f in data["documents"]}
    assert {("document", "act_n1"), ("pdf", "act_n1"), ("attachment", "photo")} <= kinds


def test_a_group_case_with_a_death(app, db, world, group_case):
    package = make_package(db, world, group_case)
    document = package_data.package_document(package, files_of(group_case), base_url=BASE_URL)

    assert problems(document) == []
    _text, data = round_trip(document)
    assert data["case"]["category"] == data["classification"]["category"] == "group"
    assert [v["full_name"] for v in data["victims"]] == ["Айбек Үсөнов", "Нурлан Ыдырысов"]
    assert [v["outcome"] for v in data["victims"]] == ["died", "recovered"]

    outcome = data["outcome"]
    assert outcome["all_known"] is True and outcome["outcome_known_at"].endswith("Z")
    assert outcome["deaths"] == 1
    assert outcome["days_lost_total"] == 25
    assert [(v["outcome"], v["days_lost"]) for v in outcome["victims"]] == [
        ("died", 4),
        ("recovered", 21),
    ]

    causes = {c["code"]: c for c in data["classification"]["causes"]}
    assert causes["11"]["is_main"] is False and causes["11"]["violated_norm"] is None
    assert causes["11"]["label"]["ky"] == "Жекече коргонуу каражаттарын колдонбоо"
    # one act per victim in each language, and the investigation act
    acts = [f for f in data["documents"] if f["role"] == "document" and f["kind"] == "act_n1"]
    assert len(acts) == 4
    assert any(f["kind"] == "investigation_act" for f in data["documents"])


def test_a_victim_removed_in_error_is_left_out(app, db, world):
    removed = factories.make_case(world, victim=factories.victim_data(full_name="Ошибка Ввода"))
    cases.add_child(removed, world.specialist, "victims", factories.victim_data(), None)
    cases.remove_child(removed, world.specialist, "victims", removed.victims[0].id, None)
    document = package_data.package_document(
        make_package(db, world, removed), [], base_url=BASE_URL
    )
    assert [v["full_name"] for v in document["victims"]] == ["Талант Асанов"]
    assert [v["full_name"] for v in document["outcome"]["victims"]] == ["Талант Асанов"]
    assert problems(document) == []


# -- an occupational-disease case ---------------------------------------------------------


@pytest.fixture
def disease_case(db, world):
    """A chronic noise-induced hearing loss, with its act approved."""
    case = disease_factories.make_disease_case(world)
    disease_factories.advance_disease_to(case, world, "act_approved")
    db.session.commit()
    return case


def test_an_occupational_disease_case_is_first_class(app, db, world, disease_case):
    package = make_package(db, world, disease_case)
    files = files_of(disease_case)
    document = package_data.package_document(package, files, base_url=BASE_URL)

    assert problems(document) == []
    package_data.validate(document)
    text, data = round_trip(document)
    assert data == document
    assert disease_factories.WEAVER in text

    case = data["case"]
    assert (case["kind"], case["category"], case["status"]) == (
        "occupational_disease",
        None,
        "act_approved",
    )
    assert data["classification"]["category"] is None
    assert data["classification"]["measures"][0]["action"] == "Установить шумопоглощающие кожухи"
    (worker,) = data["victims"]
    assert worker["full_name"] == disease_factories.WEAVER and worker["occupation"] == "Ткачиха"

    disease = data["disease"]
    today = date.today()
    noise = {
        "code": "H83.3",
        "label": {"ru": "Шумовые эффекты внутреннего уха", "ky": "Ызы-чуунун ички кулакка таасири"},
    }
    assert disease["form"] == "chronic"
    assert disease["health_organisation"] == "ЦСМ № 7 г. Бишкек"
    assert disease["preliminary"] == {
        "diagnosis": "Двусторонняя нейросенсорная тугоухость",
        "icd10": noise,
        "date": disease_case.disease.preliminary_at.isoformat(),
    }
    assert disease["sanitary_body"] == "Департамент профилактики заболеваний и ГСЭН, г. Бишкек"
    assert disease["conditions_class"] == "3.2"
    assert disease["ppe"] == "Противошумные вкладыши выдавались нерегулярно"
    assert disease["harmful_service_years"] == 14.0  # Decimal -> number
    assert disease["final"] == {
        "diagnosis": "Двусторонняя нейросенсорная тугоухость II степени от воздействия шума",
        "icd10": noise,
        "date": today.isoformat(),
        "pathology_centre": "Республиканский центр профпатологии",
    }
    assert disease["connected_to_work"] is True
    assert disease["causes"] == "Несовершенство технологии, отсутствие средств защиты"
    assert disease["exposures"] == [
        {
            "employer_name": world.employer.name,
            "job_title": "Ткачиха",
            "year_from": today.year - 14,
            "year_to": None,
            "harmful_factors": "Шум, Локальная вибрация",
        }
    ]
    assert disease["factors"] == [
        {
            "name": "Шум",
            "measured": 92.0,
            "limit": 80.0,
            "unit": "дБА",
            "exposure_hours": 8.0,
            "over_limit": True,
        },
        {
            "name": "Локальная вибрация",
            "measured": 110.0,
            "limit": 126.0,
            "unit": "дБ",
            "exposure_hours": 2.0,
            "over_limit": False,
        },
    ]
    assert disease["exams"] == [
        {
            "kind": "periodic",
            "examined_on": (today - timedelta(days=2)).isoformat(),
            "organisation": "ЦСМ № 7 г. Бишкек",
            "result": "Выявлены признаки профессионального заболевания",
        }
    ]
    kinds = {f["kind"] for f in data["documents"] if f["role"] == "document"}
    assert "disease_act" in kinds


def test_a_suspected_acute_case_carries_what_is_known(app, db, world):
    """Just registered: the preliminary diagnosis only. Its code is not on the pack's list,
    so the code stands for its label; rows removed in error are left out."""
    case = disease_factories.make_disease_case(world, disease_factories.ACUTE)
    db.session.add_all(
        [
            HarmfulFactor(
                case_id=case.id,
                name="Ксилол",
                measured=Decimal("10"),
                limit=Decimal("50"),
                unit="мг/м³",
                removed_at=utcnow(),
            ),
            Exposure(
                case_id=case.id,
                employer_name="ОсОО «Башка»",
                job_title="Маляр",
                year_from=2019,
                year_to=2021,
                removed_at=utcnow(),
            ),
            MedicalExam(
                case_id=case.id,
                kind=ExamKind.extraordinary,
                examined_on=date.today(),
                organisation="Городская клиническая больница № 1",
                result="Острое отравление",
            ),
        ]
    )
    db.session.commit()
    db.session.expire_all()
    document = package_data.package_document(make_package(db, world, case), [], base_url=BASE_URL)

    assert problems(document) == []
    disease = document["disease"]
    assert document["case"]["kind"] == "occupational_disease"
    assert document["case"]["category"] is None and document["case"]["status"] == "suspected"
    assert disease["form"] == "acute"
    assert disease["preliminary"]["icd10"] == {
        "code": "T52.8",
        "label": {"ru": "T52.8", "ky": "T52.8"},
    }
    assert disease["final"] == {
        "diagnosis": None,
        "icd10": None,
        "date": None,
        "pathology_centre": None,
    }
    assert (disease["sanitary_body"], disease["conditions_class"]) == (None, None)
    assert (disease["connected_to_work"], disease["causes"]) == (None, None)
    assert disease["exposures"] == [] and disease["factors"] == []
    assert [x["kind"] for x in disease["exams"]] == ["extraordinary"]


def test_an_accident_has_no_disease_member(good):
    assert good["disease"] is None
    assert good["case"]["kind"] == "accident"


def test_the_schema_takes_the_icd10_codes_the_service_takes():
    code = package_data.schema()["$defs"]["icd10"]["properties"]["code"]
    for sample in ("H83.3", "J62.8", "T56", "S72.01", "h83.3", "Н83.3", "U07.1", "H83.333", "H8"):
        ok = not list(Draft202012Validator(code).iter_errors(sample))
        assert ok is icd10.valid(sample), sample


# -- what the schema refuses ----------------------------------------------------------------


@pytest.fixture
def good(app, db, world, light_case) -> dict:
    package = make_package(db, world, light_case)
    document = package_data.package_document(package, files_of(light_case), base_url=BASE_URL)
    assert problems(document) == []
    return document


def _without_policy(d):
    del d["policy"]


def _unknown_category(d):
    d["case"]["category"] = "catastrophic"


def _extra_top_level_key(d):
    d["comment"] = "drift"


def _extra_victim_key(d):
    d["victims"][0]["age"] = 36


def _bishkek_offset(d):
    d["case"]["occurred_at"] = d["case"]["occurred_at"].replace("Z", "+06:00")


def _impossible_date(d):
    d["victims"][0]["birth_date"] = "1990-02-30"


def _unknown_outcome(d):
    d["outcome"]["victims"][0]["outcome"] = "lost"


def _cause_label_without_kyrgyz(d):
    del d["classification"]["causes"][0]["label"]["ky"]


def _relative_schema_url(d):
    d["schema"] = "/api/v1/schemas/insurer-package-v1.json"


def _attachment_with_a_language(d):
    d["documents"][-1]["language"] = "ru"


def _short_hash(d):
    d["documents"][0]["sha256"] = "abc"


def _package_json_listed(d):
    d["documents"].append({**d["documents"][0], "name": "package.json"})


@pytest.mark.parametrize(
    "spoil",
    [
        _without_policy,
        _unknown_category,
        _extra_top_level_key,
        _extra_victim_key,
        _bishkek_offset,
        _impossible_date,
        _unknown_outcome,
        _cause_label_without_kyrgyz,
        _relative_schema_url,
        _attachment_with_a_language,
        _short_hash,
        _package_json_listed,
    ],
)
def test_the_schema_refuses(good, spoil):
    bad = copy.deepcopy(good)
    spoil(bad)
    assert problems(bad), spoil.__name__


@pytest.fixture
def good_disease(app, db, world, disease_case) -> dict:
    package = make_package(db, world, disease_case)
    document = package_data.package_document(package, files_of(disease_case), base_url=BASE_URL)
    assert problems(document) == []
    return document


def _accident_with_a_disease_file(d):
    d["disease"] = {"form": "chronic"}


def _accident_without_a_category(d):
    d["case"]["category"] = None


def _kind_unknown(d):
    d["case"]["kind"] = "poisoning"


@pytest.mark.parametrize(
    "spoil", [_accident_with_a_disease_file, _accident_without_a_category, _kind_unknown]
)
def test_the_schema_refuses_an_accident_dressed_as_a_disease(good, spoil):
    bad = copy.deepcopy(good)
    spoil(bad)
    assert problems(bad), spoil.__name__


def _disease_with_a_category(d):
    d["case"]["category"] = "light"


def _classified_as_an_accident(d):
    d["classification"]["category"] = "severe"


def _without_the_disease_file(d):
    d["disease"] = None


def _two_workers(d):
    d["victims"].append({**d["victims"][0], "id": d["victims"][0]["id"] + 1})


def _unknown_form(d):
    d["disease"]["form"] = "subacute"


def _lower_case_icd10(d):
    d["disease"]["preliminary"]["icd10"]["code"] = "h83.3"


def _icd10_label_without_kyrgyz(d):
    del d["disease"]["final"]["icd10"]["label"]["ky"]


def _unknown_conditions_class(d):
    d["disease"]["conditions_class"] = "5"


def _factor_without_over_limit(d):
    del d["disease"]["factors"][0]["over_limit"]


def _measured_as_text(d):
    d["disease"]["factors"][0]["measured"] = "92 дБА"


def _unknown_exam_kind(d):
    d["disease"]["exams"][0]["kind"] = "annual"


def _extra_disease_key(d):
    d["disease"]["icd10"] = "H83.3"


@pytest.mark.parametrize(
    "spoil",
    [
        _disease_with_a_category,
        _classified_as_an_accident,
        _without_the_disease_file,
        _two_workers,
        _unknown_form,
        _lower_case_icd10,
        _icd10_label_without_kyrgyz,
        _unknown_conditions_class,
        _factor_without_over_limit,
        _measured_as_text,
        _unknown_exam_kind,
        _extra_disease_key,
    ],
)
def test_the_schema_refuses_a_disease_case_dressed_as_an_accident(good_disease, spoil):
    bad = copy.deepcopy(good_disease)
    spoil(bad)
    assert problems(bad), spoil.__name__


def test_validate_names_every_problem(good):
    bad = copy.deepcopy(good)
    del bad["policy"]
    bad["case"]["category"] = "catastrophic"
    with pytest.raises(package_data.PackageDataError) as err:
        package_data.validate(bad)
    assert len(err.value.errors) == 2
    assert any(e.startswith("/case/category: ") for e in err.value.errors)
    assert any("'policy' is a required property" in e for e in err.value.errors)
