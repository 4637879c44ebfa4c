"""A stand-in rule pack for the samples: the KR labels and deadlines of the codes the sample
case uses, so the package renders its samples without importing the application."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class _Days:
    amount: int
    unit: str = "d"

    def add_to(self, start, extra_days: int = 0):
        return start + timedelta(days=self.amount + extra_days)


@dataclass(frozen=True)
class _NoticeRule:
    addressee: str
    title: dict
    basis: dict


@dataclass(frozen=True)
class _Deadline:
    key: str
    title: dict
    starts: str
    duration: dict
    basis: dict
    pausable: bool = False


_LABELS = {
    ("event_types", "03"): {
        "ru": "Падение предметов, обрушение",
        "ky": "Буюмдардын кулашы, урап түшүү",
    },
    ("causes", "08"): {
        "ru": "Неудовлетворительная организация производства работ",
        "ky": "Жумуштарды аткарууну канааттандырарлык эмес уюштуруу",
    },
    ("causes", "11"): {
        "ru": "Неприменение средств индивидуальной защиты",
        "ky": "Жекече коргонуу каражаттарын колдонбоо",
    },
    ("person_categories", "employee"): {"ru": "Работник", "ky": "Кызматкер"},
}


class SampleRules:
    """The part of the KR rule pack the documents use (labels, deadlines, notice addressees)."""

    notices = (
        _NoticeRule(
            addressee="insurer",
            title={"ru": "Страховщик (Закон № 194)", "ky": "Камсыздандыруучу (№ 194 Мыйзам)"},
            basis={
                "ru": "Извещение страховщика о страховом случае (Закон КР № 194)",
                "ky": "Камсыздандыруучуга камсыздандыруу окуясы жөнүндө кабарлоо "
                "(КР № 194 Мыйзамы)",
            },
        ),
        _NoticeRule(
            addressee="state_inspector",
            title={
                "ru": "Государственная инспекция труда",
                "ky": "Эмгек боюнча мамлекеттик инспекция",
            },
            basis={
                "ru": "Тяжёлый, групповой, смертельный несчастный случай: извещение в течение "
                "суток (Закон № 167 ст. 17)",
                "ky": "Оор, топтук, өлүм менен аяктаган кырсык: бир сутканын ичинде кабарлоо "
                "(№ 167 Мыйзам, 17-берене)",
            },
        ),
        _NoticeRule(
            addressee="trade_union",
            title={"ru": "Профессиональный союз", "ky": "Кесиптик бирлик"},
            basis={
                "ru": "Профсоюз участвует в расследовании (Закон № 167 ст. 19)",
                "ky": "Кесиптик бирлик териштирүүгө катышат (№ 167 Мыйзам, 19-берене)",
            },
        ),
        _NoticeRule(
            addressee="prosecutor",
            title={"ru": "Прокуратура", "ky": "Прокуратура"},
            basis={
                "ru": "Несчастный случай со смертельным исходом: извещение прокурора (практика КР)",
                "ky": "Өлүм менен аяктаган кырсык: прокурорго кабарлоо (КР тажрыйбасы)",
            },
        ),
        _NoticeRule(
            addressee="industrial_safety",
            title={"ru": "Орган промышленной безопасности", "ky": "Өнөр жай коопсуздугу органы"},
            basis={
                "ru": "Авария на опасном производственном объекте (Закон КР № 160 от 2016 г.)",
                "ky": "Кооптуу өндүрүш объектисиндеги авария (КР 2016-жылдын № 160 Мыйзамы)",
            },
        ),
    )

    deadlines = (
        _Deadline(
            key="investigation",
            title={"ru": "Расследование", "ky": "Териштирүү"},
            starts="investigation_started_at",
            duration={
                "light": _Days(3),
                "severe": _Days(15),
                "fatal": _Days(15),
                "group": _Days(15),
            },
            basis={
                "ru": "Лёгкий случай — 3 дня с даты приказа о комиссии",
                "ky": "Жеңил учур — комиссия жөнүндө буйруктун күнүнөн тартып 3 күн",
            },
            pausable=True,
        ),
        _Deadline(
            key="insurer_notice",
            title={"ru": "Извещение страховщика", "ky": "Камсыздандыруучуга кабарлоо"},
            starts="act_approved_at",
            duration={c: _Days(3) for c in ("light", "severe", "fatal", "group")},
            basis={
                "ru": "3 рабочих дня после утверждения акта (Закон КР № 194)",
                "ky": "Акт бекитилгенден кийин 3 иш күнү (КР № 194 Мыйзамы)",
            },
        ),
    )

    def notice_rule(self, addressee: str) -> _NoticeRule | None:
        return next((n for n in self.notices if n.addressee == addressee), None)

    def label(self, which: str, code: str | None, lang: str) -> str:
        if code is None:
            return ""
        return _LABELS.get((which, code), {}).get(lang, code)
