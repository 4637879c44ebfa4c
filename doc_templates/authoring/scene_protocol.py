"""Template builder: scene_protocol (the protocol of the inspection of the accident scene)."""

from __future__ import annotations

from ..layout import field, heading, para, text, title
from .common import accident_and_victims


def build_scene_protocol(doc, t):
    title(doc, "{{ employer.name }}", after=6)
    title(doc, t("ПРОТОКОЛ", "КЫРСЫК БОЛГОН ЖЕРДИ"), size=14)
    title(
        doc,
        t("осмотра места несчастного случая", "КАРООНУН ПРОТОКОЛУ"),
        after=8,
    )
    field(doc, t("Дата осмотра", "Кароонун датасы"), "{{ scene.date }}")
    field(doc, t("Осмотр начат", "Кароо башталды"), "{{ scene.start }}")
    field(doc, t("Осмотр окончен", "Кароо аяктады"), "{{ scene.end }}")
    field(doc, t("Место осмотра", "Кароо жүргүзүлгөн жер"), "{{ scene.place }}")
    accident_and_victims(doc, t)
    field(doc, t("Осмотр провели", "Кароону жүргүзгөндөр"), "{{ scene.inspected_by }}")
    field(doc, t("При осмотре присутствовали", "Кароого катышкандар"), "{{ scene.present }}")
    heading(
        doc,
        t(
            "1. Обстановка и состояние места происшествия на момент осмотра",
            "1. Кароо учурунда окуя болгон жердин жагдайы жана абалы",
        ),
    )
    text(doc, "{{ scene.conditions }}")
    heading(
        doc,
        t(
            "2. Описание рабочего места, оборудования, машин, механизмов",
            "2. Жумушчу орундун, жабдуулардын, машиналардын, механизмдердин сыпаттамасы",
        ),
    )
    text(doc, "{{ scene.workplace }}")
    heading(
        doc,
        t(
            "3. Деталь, инструмент, материал, которыми была причинена травма",
            "3. Жаракат келтирген тетик, шайман же материал",
        ),
    )
    text(doc, "{{ scene.harmful_object }}")
    heading(
        doc,
        t(
            "4. Ограждения и предохранительные устройства, их состояние",
            "4. Тосмолор жана сактоочу түзүлүштөр, алардын абалы",
        ),
    )
    text(doc, "{{ scene.guards }}")
    heading(
        doc,
        t(
            "5. Средства индивидуальной защиты, применявшиеся пострадавшим",
            "5. Жабыркаган колдонгон жекече коргонуу каражаттары",
        ),
    )
    text(doc, "{{ scene.ppe }}")
    heading(
        doc,
        t(
            "6. Вентиляция, освещение, температура",
            "6. Желдетүү, жарыктандыруу, температура",
        ),
    )
    text(doc, "{{ scene.environment }}")
    heading(doc, t("7. Приложения (фотоснимки)", "7. Тиркемелер (сүрөттөр)"))
    para(doc, "{%p for photo in photos %}")
    para(doc, "{{ photo_images[loop.index0] }}", before=4)
    para(
        doc,
        t(
            "Фото {{ photo.number }}. {{ photo.caption }}",
            "Сүрөт {{ photo.number }}. {{ photo.caption }}",
        ),
        after=4,
    )
    para(doc, "{%p endfor %}")
    para(doc, "{%p if not photos %}")
    para(doc, "—")
    para(doc, "{%p endif %}")
    heading(doc, t("8. Замечания", "8. Эскертүүлөр"))
    text(doc, "{{ scene.remarks }}")
    heading(
        doc,
        t("Подписи лиц, проводивших осмотр", "Кароону жүргүзгөн адамдардын колдору"),
    )
    para(doc, "________________   ________________   ________________", before=12)
    para(doc, "________________   ________________   ________________", before=12)
    field(doc, t("Дата составления протокола", "Протоколдун түзүлгөн датасы"), "{{ doc_date }}")
