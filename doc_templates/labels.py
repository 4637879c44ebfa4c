"""Labels of stored enum values in the language of a document (not the user's UI language).

Documents are legal texts, so these labels are worded as the forms word them, and they do not go
through gettext: a Kyrgyz act is Kyrgyz whatever language the person issuing it reads."""

from __future__ import annotations

DASH = "—"

# Shown where an optional value was not recorded.
NOT_GIVEN = {"ru": "не указано", "ky": "көрсөтүлгөн эмес"}

# A line to fill in by hand (dates of approval, receipt, signatures).
BLANK = "«____» ______________ 20____"

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "sex": {
        "ru": {"male": "мужской", "female": "женский"},
        "ky": {"male": "эркек", "female": "аял"},
    },
    # the accident category (of the case)
    "category": {
        "ru": {
            "light": "лёгкий",
            "severe": "тяжёлый",
            "fatal": "со смертельным исходом",
            "group": "групповой",
        },
        "ky": {
            "light": "жеңил",
            "severe": "оор",
            "fatal": "өлүм менен аяктаган",
            "group": "топтук",
        },
    },
    # the medical conclusion on the severity of harm (per victim)
    "severity": {
        "ru": {"light": "лёгкая", "severe": "тяжёлая", "fatal": "смертельная"},
        "ky": {"light": "жеңил", "severe": "оор", "fatal": "өлүм менен аяктаган"},
    },
    "outcome": {
        "ru": {
            "under_treatment": "находится на лечении",
            "recovered": "выздоровление",
            "transferred": "переведён на другую работу",
            "disability": "установлена инвалидность",
            "died": "смерть",
        },
        "ky": {
            "under_treatment": "дарыланууда",
            "recovered": "айыгып кетти",
            "transferred": "башка жумушка которулду",
            "disability": "майыптык белгиленди",
            "died": "каза болду",
        },
    },
    "intoxication": {
        "ru": {
            "none": "не установлено",
            "alcohol": "алкогольное опьянение",
            "narcotic": "наркотическое опьянение",
            "toxic": "токсическое опьянение",
        },
        "ky": {
            "none": "аныкталган жок",
            "alcohol": "алкоголдук мас абалы",
            "narcotic": "баңгизаттык мас абалы",
            "toxic": "уулуу заттык мас абалы",
        },
    },
    "briefing": {
        "ru": {
            "primary": "первичный",
            "repeated": "повторный",
            "unscheduled": "внеплановый",
            "targeted": "целевой",
        },
        "ky": {
            "primary": "баштапкы",
            "repeated": "кайталанма",
            "unscheduled": "пландан тышкаркы",
            "targeted": "максаттуу",
        },
    },
    "role": {
        "ru": {"chair": "председатель комиссии", "member": "член комиссии"},
        "ky": {"chair": "комиссиянын төрагасы", "member": "комиссиянын мүчөсү"},
    },
    "work_related": {
        "ru": {
            "yes": "связан с производством",
            "no": "не связан с производством",
            "unknown": "не определено",
        },
        "ky": {
            "yes": "өндүрүш менен байланыштуу",
            "no": "өндүрүш менен байланыштуу эмес",
            "unknown": "аныктала элек",
        },
    },
    "cause_kind": {
        "ru": {"main": "основная", "contributing": "сопутствующая"},
        "ky": {"main": "негизги", "contributing": "кошумча"},
    },
    # how a notice was delivered (CaseNotice.method)
    "notice_method": {
        "ru": {
            "email": "электронная почта",
            "courier": "курьером",
            "fax": "факс",
            "phone": "по телефону",
            "in_person": "лично",
            "post": "почтой",
        },
        "ky": {
            "email": "электрондук почта",
            "courier": "курьер аркылуу",
            "fax": "факс",
            "phone": "телефон аркылуу",
            "in_person": "жеке өзү",
            "post": "почта аркылуу",
        },
    },
    # a material attached to the acts: an evidence file (Evidence.kind) or a protocol
    "material": {
        "ru": {
            "photo": "Фотография",
            "sketch": "Схема (эскиз)",
            "medical": "Медицинское заключение",
            "other": "Документ",
            "scene_protocol": "Протокол осмотра места несчастного случая",
            "interview_victim": "Протокол опроса пострадавшего",
            "interview_witness": "Протокол опроса свидетеля (очевидца)",
            "interview_official": "Протокол опроса должностного лица",
        },
        "ky": {
            "photo": "Сүрөт",
            "sketch": "Схема (эскиз)",
            "medical": "Медициналык корутунду",
            "other": "Документ",
            "scene_protocol": "Кырсык болгон жерди кароонун протоколу",
            "interview_victim": "Жабыркагандын сурамжылоосунун протоколу",
            "interview_witness": "Күбөнүн сурамжылоосунун протоколу",
            "interview_official": "Кызмат адамынын сурамжылоосунун протоколу",
        },
    },
    "done": {
        "ru": {"yes": "выполнено", "no": "не выполнено"},
        "ky": {"yes": "аткарылды", "no": "аткарылган жок"},
    },
    # an occupational disease (context_disease.py)
    "disease_form": {
        "ru": {"acute": "острое", "chronic": "хроническое"},
        "ky": {"acute": "катуу", "chronic": "өнөкөт"},
    },
    "exam_kind": {
        "ru": {
            "preliminary": "предварительный (при поступлении на работу)",
            "periodic": "периодический",
            "extraordinary": "внеочередной",
        },
        "ky": {
            "preliminary": "алдын ала (ишке кирерде)",
            "periodic": "мезгилдүү",
            "extraordinary": "кезексиз",
        },
    },
    # the commission's conclusion on the connection of the disease to work
    "connected": {
        "ru": {
            "yes": "связано с работой (заболевание профессиональное)",
            "no": "не связано с работой",
            "unknown": "не определено",
        },
        "ky": {
            "yes": "жумуш менен байланыштуу (оору кесиптик)",
            "no": "жумуш менен байланыштуу эмес",
            "unknown": "аныктала элек",
        },
    },
    # the class of working conditions in the sanitary-hygienic description
    "conditions_class": {
        "ru": {
            "1": "1 — оптимальный",
            "2": "2 — допустимый",
            "3.1": "3.1 — вредный (1-й степени)",
            "3.2": "3.2 — вредный (2-й степени)",
            "3.3": "3.3 — вредный (3-й степени)",
            "3.4": "3.4 — вредный (4-й степени)",
            "4": "4 — опасный",
        },
        "ky": {
            "1": "1 — оптималдуу",
            "2": "2 — жол берилген",
            "3.1": "3.1 — зыяндуу (1-даража)",
            "3.2": "3.2 — зыяндуу (2-даража)",
            "3.3": "3.3 — зыяндуу (3-даража)",
            "3.4": "3.4 — зыяндуу (4-даража)",
            "4": "4 — коркунучтуу",
        },
    },
    # the five copies of the occupational-disease act (docs/procedure.md §4.6)
    "distribution": {
        "ru": {
            "worker": "Работник",
            "employer": "Работодатель",
            "sanitary_body": "Орган санитарно-эпидемиологического надзора",
            "pathology_centre": "Центр профессиональной патологии",
            "insurer": "Страховщик",
        },
        "ky": {
            "worker": "Кызматкер",
            "employer": "Иш берүүчү",
            "sanitary_body": "Санитардык-эпидемиологиялык көзөмөл органы",
            "pathology_centre": "Кесиптик патология борбору",
            "insurer": "Камсыздандыруучу",
        },
    },
}

WHICH = tuple(LABELS)


def label(which: str, value, language: str) -> str:
    """The document label of an enum value (a StrEnum member or its string); "—" for None."""
    if value is None:
        return DASH
    key = getattr(value, "value", value)
    if isinstance(key, bool):
        key = "yes" if key else "no"
    return LABELS[which][language].get(str(key), str(key))
