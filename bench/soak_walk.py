"""A new accident case walked through the investigation, as the employer's specialist does it:
through the HTML forms, or through the JSON API with a bearer token.

The walk hands the steps only the head may take (approving the act, cancelling) to a head's
thread and waits for them, so approvals happen in another person's session. After each trigger
the case page must show the new status: a trigger that silently did nothing is an error."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from soak_http import Client, Form, Unexpected, check_docx

BISHKEK = ZoneInfo("Asia/Bishkek")
_STATUS = re.compile(r'id="case-status" data-status="(\w+)"')
NAMES = ["Бекжан Токтосунов", "Айпери Үсөнова", "Нурбек Өмүрзаков", "Гүлзат Эшимова"]
COMMISSION = [
    ("Бакыт Осмонов", "Директор", "chair", "employer"),
    ("Айгүл Токтосунова", "Специалист по охране труда", "member", "employer"),
    ("Жылдыз Мамытова", "Технический инспектор профсоюза", "member", "trade_union"),
]
EMPLOYER = "ОсОО «Ала-Тоо Курулуш»"


class Stopped(Exception):  # noqa: N818 - the run is ending, not a failure
    """The soak is over: leave the walk where it is."""


def local(minutes_ago: int = 0) -> str:
    """Bishkek wall-clock time as the browser's datetime-local field sends it."""
    now = datetime.now(BISHKEK) - timedelta(minutes=minutes_ago)
    return now.strftime("%Y-%m-%dT%H:%M")


def status_of(html: str) -> str:
    found = _STATUS.search(html)
    return found.group(1) if found else "?"


def form_with(html_page, name: str) -> Form | None:
    """The page's form that has a field called `name` (the language switch is a form too)."""
    return next((f for f in html_page.forms if f.field(name) is not None), None)


def fire(c: Client, case_id: int, trigger: str, expected: str, fields=None) -> str:
    """Press a trigger's button on the case page; the page must then show `expected`.
    One retry after a reload, as the conflict message asks, when someone saved meanwhile."""
    status = "?"
    for _attempt in range(2):
        detail = c.get(f"/cases/{case_id}")
        form = detail.page().form(**{"data-trigger": trigger})
        if form is None or any("disabled" in b for b in form.buttons):
            why = re.findall(r"<li>([^<]+)</li>", detail.text.split(f'id="why-{trigger}"')[-1])
            now = status_of(detail.text)
            raise c.fail("flow", f"case {case_id} ({now}): {trigger} unavailable {why[:3]}")
        after = c.follow(c.submit(form, fields or {}, expect=(303,)))
        status = status_of(after.text)
        if status == expected:
            return after.text
    raise c.fail("flow", f"case {case_id}: {trigger} left it {status}, expected {expected}")


def save_form(c: Client, path: str, overrides) -> str:
    """Open an editing form, change some fields, save; after a 409 (someone saved the case
    meanwhile) save once more, which the conflict page says overwrites. Returns the case page."""
    form = form_with(c.get(path).page(), "version")
    if form is None:
        raise c.fail("flow", f"{path}: no editing form")
    values = overrides(form) if callable(overrides) else overrides
    response = c.submit(form, values, action=path, expect=(302, 303, 409))
    if response.status == 409:
        again = form_with(response.page(), "version")
        response = c.submit(again, values, action=path, expect=(302, 303))
    return c.follow(response).text


def download_documents(c: Client, html: str, most: int = 2) -> None:
    links = sorted(set(re.findall(r'href="(/documents/\d+)"', html)))
    for link in random.sample(links, min(most, len(links))):
        check_docx(c, c.get(link))


class Walk:
    """One new case from the report to cancelled or closed, through the HTML screens."""

    def __init__(self, person) -> None:
        self.p = person
        self.c: Client = person.c
        self.hub = person.hub

    def step(self) -> None:
        """A short pause between two screens; the end of the soak ends the walk."""
        if self.hub.stop.wait(random.uniform(0.05, 0.3)):
            raise Stopped

    def run(self, full: bool) -> None:
        case_id = self.report()
        self.deliver_notices(case_id)
        fire(self.c, case_id, "notify", "notified")
        for name, position, role, represents in COMMISSION:
            self.step()
            save_form(
                self.c,
                f"/cases/{case_id}/commission/new",
                {
                    "full_name": name,
                    "position": position,
                    "organisation_name": EMPLOYER,
                    "role": role,
                    "represents": represents,
                },
            )
        order = {"order_number": f"{random.randint(1, 999)}-к"}
        html = fire(self.c, case_id, "form_commission", "commission_formed", order)
        download_documents(self.c, html)
        self.step()
        html = fire(self.c, case_id, "start_investigation", "investigating")
        self.p.comment(html)
        self.step()
        if random.random() < 0.5:
            reason = {"comment": "Ждём заключение медицинской организации", "days": "5"}
            fire(self.c, case_id, "extend_deadline", "investigating", reason)
        else:
            fire(self.c, case_id, "suspend", "suspended", {"comment": "Ждём экспертизу"})
            self.step()
            fire(self.c, case_id, "resume", "investigating")
        if not full or not self.hub.has_head:
            if self.hub.has_head:
                self.hub.hand_over("cancel", case_id, self.p)
            self.hub.stats.done("walk to investigating")
            return
        self.investigate(case_id)
        self.hub.stats.done("walk to closed")

    def report(self) -> int:
        form = form_with(self.c.get("/cases/new").page(), "case-category")
        n = random.randint(1, 99)
        response = self.c.submit(
            form,
            {
                "case-category": "light",
                "case-occurred_at": local(180),
                "case-reported_at": local(120),
                "case-shift_started_at": local(300),
                "case-place": f"Цех № {n}, soak {self.p.name}",
                "case-structural_unit": f"Участок № {n}",
                "case-work_performed": "Разгрузка арматуры с автомобиля",
                "case-circumstances": "Пачка арматуры сместилась и прижала работнику кисть руки.",
                "case-first_aid": "Наложена повязка, вызвана скорая помощь.",
                "victim-full_name": random.choice(NAMES),
                "victim-sex": random.choice(form.options("victim-sex") or ["male"]),
                "victim-birth_date": "1990-05-17",
                "victim-occupation": "Стропальщик",
                "victim-injury_nature": "Ушиб кисти",
                "victim-body_part": "Правая кисть",
            },
            action="/cases/new",
            expect=(302,),
        )
        found = re.search(r"/cases/(\d+)$", response.location)
        if found is None:
            raise self.c.fail("flow", f"report went to {response.location!r}")
        self.c.follow(response)
        return int(found.group(1))

    def deliver_notices(self, case_id: int) -> None:
        detail = self.c.get(f"/cases/{case_id}").page()
        for link in detail.matching(rf"/cases/{case_id}/notices/\d+"):
            self.step()
            save_form(
                self.c,
                link,
                {"method": "email", "recipient": "inspection@gov.kg (soak)", "sent_at": local(1)},
            )

    def investigate(self, case_id: int) -> None:
        """Findings, causes, the persons responsible, a measure, the act, the head's approval,
        the insurer's notice, the outcome and the closure."""
        c = self.c

        def findings(form: Form) -> dict:
            codes = [o for o in form.options("event_type_code") if o]
            return {
                "event_type_code": random.choice(codes),
                "equipment": "Автомобиль КамАЗ 65117, стропы 4СК-5,0",
                "work_related": "yes",
                "work_related_ground": "Произошло в рабочее время на территории работодателя.",
            }

        save_form(c, f"/cases/{case_id}/findings", findings)
        detail = c.get(f"/cases/{case_id}").page()
        for link in detail.matching(rf"/cases/{case_id}/victims/\d+/edit"):
            self.step()
            save_form(c, link, {"medical_severity": "light"})
        parts = {
            "causes": lambda f: {
                "code": random.choice(f.options("code")),
                "is_main": True,
                "description": "Нарушение схемы строповки груза.",
                "violated_norm": "Инструкция стропальщика, п. 2.4",
            },
            "responsible": {
                "full_name": "Кубат Эсенов",
                "position": "Мастер участка",
                "violated_norms": "Не проконтролировал строповку (п. 2.4 инструкции).",
            },
            "measures": {
                "action": "Внеплановый инструктаж стропальщиков.",
                "due_date": (date.today() + timedelta(days=7)).isoformat(),
                "owner": "Айгүл Токтосунова",
            },
        }
        for part, values in parts.items():
            self.step()
            save_form(c, f"/cases/{case_id}/{part}/new", values)
        download_documents(c, fire(c, case_id, "draft_act", "act_drafted"))
        if not self.hub.hand_over("approve", case_id, self.p):
            raise Unexpected("the head did not approve")  # counted by the head's thread
        self.step()
        fire(c, case_id, "notify_insurer", "insurer_notified")
        detail = c.get(f"/cases/{case_id}").page()
        for link in detail.matching(rf"/cases/{case_id}/victims/\d+/outcome"):
            self.step()
            save_form(c, link, {"outcome": "recovered", "days_lost": "5"})
        download_documents(c, fire(c, case_id, "close", "closed"))


def api_walk(person) -> None:
    """Report a case through the API, send its notices, form the commission, read and download
    its documents; ask for a step that this stage does not allow (a 409 the flow expects); then
    the head cancels it."""
    c, token = person.c, person.token()
    auth = {"Authorization": f"Bearer {token}"}

    def call(method, path, body=None, expect=(200,)):
        return c.request(method, path, json_body=body, headers=auth, expect=expect)

    categories = person.hub.person_categories(c)
    body = {
        "category": "light",
        "occurred_at": local(200),
        "reported_at": local(150),
        "place": f"Склад № {random.randint(1, 9)}, soak API {person.name}",
        "work_performed": "Погрузка мешков с цементом",
        "circumstances": "Работник поскользнулся на рампе и ударился коленом.",
        "victim": {
            "full_name": random.choice(NAMES),
            "sex": "female",
            "birth_date": "1993-08-09",
            "person_category": categories[0],
            "occupation": "Кладовщик",
        },
    }
    case = call("POST", "/api/v1/cases", body, expect=(201,)).json()
    base = f"/api/v1/cases/{case['id']}"
    for notice in case["notices"]:
        delivery = {"method": "email", "recipient": "soak@gov.kg", "sent_at": local(2)}
        call("PUT", f"{base}/notices/{notice['id']}", delivery)
    call("POST", f"{base}/triggers/notify")
    for name, position, role, represents in COMMISSION:
        member = {"full_name": name, "position": position, "organisation_name": EMPLOYER}
        member |= {"role": role, "represents": represents}
        call("POST", f"{base}/commission", member, expect=(201,))
    case = call("POST", f"{base}/triggers/form_commission", {"order_number": "7-к"}).json()
    if case["status"] != "commission_formed":
        raise c.fail("flow", f"API case {case['id']} is {case['status']} after form_commission")
    refused = call("POST", f"{base}/triggers/draft_act", expect=(409,)).json()
    if "error" not in refused:
        raise c.fail("flow", f"API 409 without an error message: {refused}")
    documents = call("GET", f"{base}/documents?current=1").json()["items"]
    if not documents:
        raise c.fail("flow", f"API case {case['id']}: no documents after form_commission")
    check_docx(c, call("GET", random.choice(documents)["download_url"]))
    if person.hub.has_head:
        person.hub.hand_over("cancel", case["id"], person)
    person.hub.stats.done("API walk")
