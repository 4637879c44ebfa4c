"""The soak's browser: one cookie jar per simulated person, every request timed and judged, and
the HTML read the way a browser reads it (forms with their hidden CSRF token, links).

A request names the statuses its flow expects. Anything else (a 5xx, a refused or dropped
connection, a 4xx the flow did not ask for) is counted as an error and ends the current action
with `Unexpected`, so one broken step never cascades into a string of follow-on errors."""

from __future__ import annotations

import http.client
import io
import json
import math
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar

TIMEOUT = 60  # seconds; gunicorn's own worker timeout is 30, so a hung worker shows as an error
_ID = re.compile(r"/\d+(?=/|$)")
_UID = re.compile(r"/[0-9a-f]{8}-[0-9a-f-]{27}(?=/|$)")


class Unexpected(Exception):  # noqa: N818 - it is an outcome, not a programming error
    """A response or a page state the flow did not expect; already counted as an error."""


def route_of(method: str, path: str) -> str:
    """`GET /cases/{id}`: the endpoint a path belongs to, for the per-endpoint table."""
    path = urllib.parse.urlsplit(path).path
    path = _UID.sub("/{uid}", _ID.sub("/{id}", path))
    path = re.sub(r"/files/.+$", "/files/{name}", path)
    path = re.sub(r"^/lang/\w+$", "/lang/{code}", path)
    path = re.sub(r"^/admin/mail/.+$", "/admin/mail/{name}", path)
    return f"{method} {path}"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of unsorted values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class Window:
    """What happened between two samples."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0


class Stats:
    """Counts shared by every simulated person; the sampler drains a window at each tick."""

    MAX_EXAMPLES = 25

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = Window()
        self.requests = 0
        self.errors = 0
        self.by_route: dict[str, list[float]] = defaultdict(list)
        self.error_kinds: Counter[str] = Counter()
        self.examples: list[str] = []
        self.expected_4xx: Counter[str] = Counter()  # e.g. an edit conflict the flow handles
        self.flows: Counter[str] = Counter()  # finished flows (walks, logins, ...)
        self.started = time.monotonic()

    def record(self, route: str, seconds: float, status: int, expected: bool) -> None:
        with self._lock:
            self.requests += 1
            self._window.latencies.append(seconds)
            self.by_route[route].append(seconds)
            if expected and 400 <= status < 500:
                self.expected_4xx[f"{route} -> {status}"] += 1

    def error(self, who: str, kind: str, detail: str) -> None:
        with self._lock:
            self.errors += 1
            self._window.errors += 1
            self.error_kinds[kind] += 1
            if len(self.examples) < self.MAX_EXAMPLES:
                at = time.monotonic() - self.started
                self.examples.append(f"{at:7.1f}s {who}: {kind}: {detail}")

    def done(self, flow: str) -> None:
        with self._lock:
            self.flows[flow] += 1

    def drain(self) -> Window:
        with self._lock:
            window, self._window = self._window, Window()
            return window


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by Client itself, so each hop is timed on its own."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Response:
    method: str
    url: str
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def page(self) -> Page:
        return Page.parse(self.text)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Client:
    """One person's browser: a cookie jar, no automatic redirects, every hop recorded."""

    def __init__(self, base: str, stats: Stats, who: str) -> None:
        self.base = base.rstrip("/")
        self.stats = stats
        self.who = who
        self.jar = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict | list | None = None,
        json_body=None,
        headers: dict | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Response:
        url = path if path.startswith("http") else self.base + path
        body, hdrs = None, {"Accept-Language": "ru", **(headers or {})}
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(url, data=body, headers=hdrs, method=method)  # noqa: S310
        route = route_of(method, urllib.parse.urlsplit(url).path)
        started = time.perf_counter()
        try:
            try:
                with self._opener.open(req, timeout=TIMEOUT) as raw:
                    status, rhdrs, rbody = raw.status, raw.headers, raw.read()
            except urllib.error.HTTPError as exc:  # 3xx (not followed here), 4xx, 5xx
                status, rhdrs, rbody = exc.code, exc.headers, exc.read()
        except (OSError, http.client.HTTPException) as exc:
            self.stats.record(route, time.perf_counter() - started, 0, False)
            self.stats.error(self.who, "connection", f"{route}: {exc!r}")
            raise Unexpected(route) from exc
        self.stats.record(route, time.perf_counter() - started, status, status in expect)
        response = Response(method, url, status, rhdrs, rbody)
        if status not in expect:
            kind = "5xx" if status >= 500 else f"unexpected {status}"
            self.stats.error(self.who, kind, f"{route} -> {status} {_gist(response)}")
            raise Unexpected(route)
        return response

    def get(self, path: str, expect=(200,), **kw) -> Response:
        return self.request("GET", path, expect=expect, **kw)

    def follow(self, response: Response, expect=(200,)) -> Response:
        """GET where a redirect points (after a POST, as a browser does)."""
        if response.status not in (301, 302, 303, 307, 308):
            return response
        return self.get(urllib.parse.urljoin(response.url, response.location), expect=expect)

    def submit(self, form: Form, overrides: dict | None = None, expect=(302, 303), **kw):
        """Send a form as a browser would, with the given fields changed."""
        action = kw.pop("action", None) or form.action
        return self.request("POST", action, data=form.values(overrides), expect=expect, **kw)

    def fail(self, kind: str, detail: str) -> Unexpected:
        """Count a page that is wrong although its status was fine; raise the result."""
        self.stats.error(self.who, kind, detail)
        return Unexpected(detail)


def _gist(response: Response) -> str:
    """A short reason for the error list: the JSON error, flashed or field errors, or a title."""
    text = response.text
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return text[:300]
    found = re.findall(r'class="invalid-feedback[^"]*">([^<]+)<', text)
    found += re.findall(r'class="alert alert-(?:danger|warning)[^"]*"[^>]*>\s*([^<]+)<', text)
    if found:
        return "; ".join(s.strip() for s in found[:5])
    title = re.search(r"<title>([^<]*)</title>", text)
    return title.group(1).strip() if title else text[:200]


def check_docx(client: Client, response: Response) -> None:
    """The downloaded bytes are a Word document: a ZIP holding word/document.xml."""
    try:
        names = zipfile.ZipFile(io.BytesIO(response.body)).namelist()
    except zipfile.BadZipFile:
        names = []
    if not response.body.startswith(b"PK\x03\x04") or "word/document.xml" not in names:
        where = urllib.parse.urlsplit(response.url).path
        raise client.fail("not a DOCX", f"{where}: {response.body[:40]!r}")


# -- HTML ---------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    attrs: dict
    fields: list[Field] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def options(self, name: str) -> list[str]:
        found = self.field(name)
        return found.options if found else []

    def values(self, overrides: dict | None = None) -> list[tuple[str, str]]:
        """What a browser sends: the defaults on the page, with `overrides` typed over them
        (None removes a field, True/False tick or clear a checkbox)."""
        overrides = dict(overrides or {})
        out = []
        for f in self.fields:
            if f.kind in ("submit", "button", "image", "file", "reset"):
                continue
            if f.name in overrides:
                value = overrides.pop(f.name)
                if value is None or value is False:
                    continue
                out.append((f.name, (f.value or "y") if value is True else str(value)))
            elif f.kind in ("checkbox", "radio"):
                if f.checked:
                    out.append((f.name, f.value or "on"))
            else:
                out.append((f.name, f.value))
        out += [(k, str(v)) for k, v in overrides.items() if v is not None and v is not False]
        return out


class Page(HTMLParser):
    """The forms and links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool, list[str]] | None = None
        self._textarea: Field | None = None

    @classmethod
    def parse(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), a)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            self._form.fields.append(Field(a["name"], kind, a.get("value", ""), "checked" in a))
        elif tag == "button":
            self._form.buttons.append(a)
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a, [])
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2].append(data)
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            value = "".join(text).strip() if value is None else value
            self._select.options.append(value)
            if selected or len(self._select.options) == 1:
                self._select.value = value
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # the HTML spec drops one leading newline of a textarea's content
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None

    def form(self, **attrs) -> Form | None:
        """The first form whose attributes contain all of `attrs` (action is matched as a
        regular expression)."""
        for f in self.forms:
            if all(
                re.search(v, f.action) if k == "action" else f.attrs.get(k) == v
                for k, v in attrs.items()
            ):
                return f
        return None

    def matching(self, pattern: str) -> list[str]:
        """The distinct links whose path matches `pattern` (a full match)."""
        rx = re.compile(pattern)
        return sorted({h for h in self.links if rx.fullmatch(urllib.parse.urlsplit(h).path)})
