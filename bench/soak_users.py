"""The simulated people: one thread each, logged in through the login form as a demo user,
doing what that role does (weighted at random, with short random pauses) until the soak ends.

The head's thread also takes the steps a specialist's walk hands over (approve the act, cancel
the case). Every action starts from a page the person has seen, as a browser user would."""

from __future__ import annotations

import hashlib
import json
import queue
import random
import re
import threading
import traceback
import urllib.parse
from dataclasses import dataclass, field

from soak_http import Client, Page, Response, Stats, Unexpected, check_docx
from soak_walk import Stopped, Walk, api_walk, download_documents, fire, form_with, save_form

# The order people are added in: with 8 users every role of the demo is there.
ROLE_ORDER = [
    "specialist",
    "head",
    "insurer",
    "inspector",
    "specialist",
    "member",
    "union_inspector",
    "admin",
]
_EDIT_LINK = r"/cases/\d+/(edit|findings|(witnesses|victims|commission|causes|responsible|measures)/\d+/edit)"  # noqa: E501
# fields an editor may retype without changing what the case means
_TWEAKS = {
    "structural_unit": lambda n: f"Участок № {n}",
    "contact": lambda n: f"+996 555 {n:03d} 111",
    "equipment": lambda n: f"Леса ЛСП-40, настил из досок 50 мм (проверка {n})",
    "workplace_assessment": lambda n: f"Аттестация проведена, класс 3.{n % 4}",
    "owner": lambda n: f"Мастер участка № {n}",
    "first_aid": lambda n: f"Первая помощь оказана, вызвана скорая ({n})",
}


@dataclass
class Task:
    kind: str  # "approve" or "cancel"
    case_id: int
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class Hub:
    """What the threads share: the stats, the stop signal and the head's task queue."""

    def __init__(self, base: str, stats: Stats, roles: list[str]) -> None:
        self.base = base
        self.stats = stats
        self.stop = threading.Event()
        self.tasks: queue.Queue[Task] = queue.Queue()
        self.has_head = "head" in roles
        self._categories: list[str] = []

    def hand_over(self, kind: str, case_id: int, person) -> bool:
        """Give a head-only step to a head; wait for an approval (the walk goes on after it)."""
        task = Task(kind, case_id)
        self.tasks.put(task)
        if kind != "approve":
            return True
        while not task.done.wait(0.5):
            if self.stop.is_set():
                raise Stopped
        return task.ok

    def person_categories(self, c: Client) -> list[str]:
        """The codes the report form offers for the victim's category (the API takes the same)."""
        if not self._categories:
            form = form_with(c.get("/cases/new").page(), "victim-person_category")
            self._categories = form.options("victim-person_category")
        return self._categories


class Person(threading.Thread):
    """One simulated person: a demo user's login, a cookie jar, a role's habits."""

    def __init__(self, hub: Hub, index: int, email: str, password: str, role: str) -> None:
        super().__init__(name=f"{role}-{index}", daemon=True)
        self.hub, self.email, self.password, self.role = hub, email, password, role
        self.c = Client(hub.base, hub.stats, self.name)
        self.cases: set[int] = set()
        self._token: str | None = None
        self.actions = ACTIONS[role]

    # -- the loop ------------------------------------------------------------------------

    def run(self) -> None:
        while not self.hub.stop.is_set():
            try:
                self.login()
                break
            except Unexpected:
                self.hub.stop.wait(2)
        names, weights = zip(*self.actions.items(), strict=True)
        while not self.hub.stop.is_set():
            try:
                if self.role == "head":
                    self.serve_tasks()
                getattr(self, random.choices(names, weights)[0])()
            except (Unexpected, Stopped):
                pass
            except Exception as exc:  # a bug of the soak itself: count it, show it, go on
                self.hub.stats.error(self.name, "soak script", repr(exc))
                traceback.print_exc()
            self.hub.stop.wait(random.uniform(0.1, 1.0))

    def login(self) -> None:
        form = form_with(self.c.get("/login").page(), "email")
        sent = {"email": self.email, "password": self.password}
        response = self.c.submit(form, sent, action="/login", expect=(302,))
        if urllib.parse.urlsplit(response.location).path == "/login":
            raise self.c.fail("flow", f"{self.email} was not logged in")
        self.c.follow(response)
        self.hub.stats.done("login")

    def relogin(self) -> None:
        page = self.c.get("/board").page()
        logout = page.form(action=r"/logout$")
        self.c.follow(self.c.submit(logout, expect=(302,)))
        self.login()

    def token(self) -> str:
        """A bearer token, created once per person with POST /api/v1/tokens."""
        if self._token is None:
            body = {"email": self.email, "password": self.password, "expires_in_days": 1}
            response = self.c.request("POST", "/api/v1/tokens", json_body=body, expect=(201,))
            self._token = response.json()["token"]
        return self._token

    def api(self, path: str, expect=(200,)):
        auth = {"Authorization": f"Bearer {self.token()}"}
        return self.c.get(path, headers=auth, expect=expect)

    def serve_tasks(self) -> None:
        while True:
            try:
                task = self.hub.tasks.get_nowait()
            except queue.Empty:
                return
            try:
                if task.kind == "approve":
                    fire(self.c, task.case_id, "approve_act", "act_approved")
                else:
                    reason = {"comment": "Сообщение внесено повторно (soak)"}
                    fire(self.c, task.case_id, "cancel", "cancelled", reason)
                task.ok = True
                self.hub.stats.done(f"head: {task.kind}")
            finally:
                task.done.set()

    # -- what everybody does -------------------------------------------------------------

    def browse(self) -> None:
        """The case list, with filters and another page."""
        first = self.c.get("/")
        page = first.page()
        params: dict[str, str] = {}
        filters = page.form(method="get")
        for name in ("status", "category"):
            options = filters.options(name) if filters else []
            if options and random.random() < 0.4:
                params[name] = random.choice(options)
        if random.random() < 0.2:
            params["overdue"] = "1"
        listing = self.c.get("/?" + urllib.parse.urlencode(params)) if params else first
        self.cases.update(int(i) for i in re.findall(r'href="/cases/(\d+)"', listing.text))
        pages = [int(n) for n in re.findall(r"[?&;]page=(\d+)", listing.text)]
        if pages:
            self.c.get("/?" + urllib.parse.urlencode({**params, "page": random.choice(pages)}))

    def open_case(self) -> str | None:
        if not self.cases:
            self.browse()
        if not self.cases:
            return None
        case_id = random.choice(sorted(self.cases))
        response = self.c.get(f"/cases/{case_id}", expect=(200, 404))
        if response.status == 404:  # not visible any more is fine; it cannot vanish though
            raise self.c.fail("flow", f"case {case_id} from the list is gone")
        return response.text

    def download(self) -> None:
        html = self.open_case()
        if html:
            download_documents(self.c, html, most=1)

    def board(self) -> None:
        params = {
            k: v
            for k, v in (("overdue", "1"), ("serious", "1"), ("category", "light"))
            if random.random() < 0.3
        }
        self.c.get("/board" + ("?" + urllib.parse.urlencode(params) if params else ""))

    def language(self) -> None:
        page = self.c.get(random.choice(["/", "/board"])).page()
        switch = next((f for f in page.forms if f.buttons and f.field("next")), None)
        target = random.choice([b["formaction"] for b in switch.buttons if "formaction" in b])
        self.c.follow(self.c.submit(switch, action=target, expect=(302,)))

    def comment(self, html: str | None = None) -> None:
        html = html or self.open_case()
        form = Page.parse(html).form(action=r"/cases/\d+/comments$") if html else None
        if form is None:
            return  # this person may not comment here
        body = f"Проверено {self.name}: {random.choice(['фото', 'схема', 'объяснение'])} есть."
        self.c.follow(self.c.submit(form, {"body": body}, expect=(303,)))

    def edit(self) -> None:
        """Open an editing form of the case page and save it with one field retyped."""
        html = self.open_case()
        links = Page.parse(html).matching(_EDIT_LINK) if html else []
        if not links:
            return
        n = random.randint(1, 99)

        def retype(form):
            present = [k for k in _TWEAKS if form.field(k) is not None]
            return {k: _TWEAKS[k](n) for k in random.sample(present, min(1, len(present)))}

        save_form(self.c, random.choice(links), retype)
        self.hub.stats.done("edit")

    def sign(self) -> None:
        html = self.open_case()
        form = Page.parse(html).form(action=r"/cases/\d+/sign$") if html else None
        if form is not None:
            self.c.follow(self.c.submit(form, {"password": self.password}, expect=(303,)))
            self.hub.stats.done("sign")

    def walk(self) -> None:
        Walk(self).run(full=random.random() < 0.5)

    def api_walk(self) -> None:
        api_walk(self)

    def api_cases(self) -> None:
        """The case list, one case, its documents and one download, with a bearer token."""
        status = random.choice(["", "investigating", "act_drafted", "closed"])
        query = {"page": random.randint(1, 2), **({"status": status} if status else {})}
        items = self.api("/api/v1/cases?" + urllib.parse.urlencode(query)).json()["items"]
        if items:
            case = self.api(f"/api/v1/cases/{random.choice(items)['id']}").json()
            documents = self.api(f"/api/v1/cases/{case['id']}/documents?current=1").json()
            if documents["items"]:
                auth = {"Authorization": f"Bearer {self.token()}"}
                doc = random.choice(documents["items"])
                check_docx(self.c, self.c.get(doc["download_url"], headers=auth))
        self.c.get("/api/v1/cases", expect=(401,))  # no token: refused, as it must be

    # -- the insurer ---------------------------------------------------------------------

    def inbox(self) -> list[str]:
        state = random.choice(["open", "answered", "all"])
        html = self.c.get(f"/insurer/packages?state={state}").text
        return sorted(set(re.findall(r'href="/insurer/packages/([0-9a-f-]{36})"', html)))

    def package(self, answer: bool = False) -> None:
        uids = self.inbox()
        if not uids:
            return
        html = self.c.get(f"/insurer/packages/{random.choice(uids)}").text
        page = Page.parse(html)
        files = page.matching(r"/insurer/packages/[0-9a-f-]+/files/.+")
        if files:
            link = random.choice(files)
            _check_file(self.c, self.c.get(link))
        if random.random() < 0.2:
            zipped = page.matching(r"/insurer/packages/[0-9a-f-]+/package\.zip")
            for link in zipped:
                if not self.c.get(link).body.startswith(b"PK\x03\x04"):
                    raise self.c.fail("not a ZIP", link)
        form = page.form(id="answer-form")
        if answer and form is not None:
            self.c.follow(self.c.submit(form, {"answer": "acknowledged"}, expect=(303,)))
            self.hub.stats.done("insurer: acknowledged")

    def answer(self) -> None:
        self.package(answer=True)

    def api_packages(self) -> None:
        """The insurer's packages through the API; one file, checked against its hash."""
        items = self.api("/api/v1/packages").json()["items"]
        if not items:
            return
        package = self.api(f"/api/v1/packages/{random.choice(items)['uid']}").json()
        if package["files"]:
            f = random.choice(package["files"])
            body = self.api(f["url"]).body
            if hashlib.sha256(body).hexdigest() != f["sha256"]:
                raise self.c.fail("hash mismatch", f["url"])

    def settings(self) -> None:
        self.c.get("/insurer/settings")

    # -- the administrator ---------------------------------------------------------------

    def mail(self) -> None:
        page = self.c.get("/admin/mail").page()
        messages = page.matching(r"/admin/mail/[^/]+")
        if messages:
            self.c.get(random.choice(messages[-20:]))

    def jobs(self) -> None:
        self.c.get("/admin/jobs")


def _check_file(c: Client, response: Response) -> None:
    """A package file is what its name says."""
    link = urllib.parse.urlsplit(response.url).path
    if link.endswith(".docx"):
        check_docx(c, response)
    elif link.endswith(".pdf") and not response.body.startswith(b"%PDF"):
        raise c.fail("not a PDF", link)
    elif link.endswith(".json"):
        try:
            json.loads(response.body)
        except ValueError as exc:
            raise c.fail("not JSON", link) from exc


_STAFF = {
    "browse": 4,
    "open_case": 4,
    "download": 2,
    "board": 2,
    "comment": 1,
    "edit": 1,
    "language": 1,
    "api_cases": 2,
    "relogin": 0.2,
}
ACTIONS = {
    "specialist": {**_STAFF, "walk": 1.5, "api_walk": 0.5},
    "head": _STAFF,
    "inspector": _STAFF,
    "union_inspector": {**_STAFF, "sign": 0.5},
    "member": _STAFF,
    "insurer": {
        "inbox": 3,
        "package": 3,
        "answer": 1,
        "api_packages": 2,
        "board": 1,
        "language": 1,
        "settings": 0.5,
        "relogin": 0.2,
    },
    "admin": {"mail": 3, "jobs": 2, "board": 1, "browse": 1, "language": 1, "relogin": 0.2},
}
