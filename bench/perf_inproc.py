"""The in-process measurements of bench/run.py, each in a subprocess of its own:

    python bench/perf_inproc.py picks   URL DIR               who and what to measure
    python bench/perf_inproc.py lists   URL DIR URL DIR ...   list pages and statistics
    python bench/perf_inproc.py profile URL DIR IDS...        what a case page costs

The pages go through the Flask test client (the whole view: login session, query, template),
with a session opened through the real login form; no HTTP server. `lists` builds one app per
data set in the same process and alternates between them request by request, so a burst of
load on the shared machine hits every size alike. The result is one JSON object on stdout."""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from perf_profile import interrupted, python_profile, sql_profile

# the list pages measured per role; the insurer never sees a case under investigation
ROLES = ("employer", "inspector", "insurer")
STATUS = {"employer": "investigating", "inspector": "investigating", "insurer": "insurer_notified"}
LIST_PAGES = ("first", "deep", "status", "overdue")


class TimedOut(Exception):
    """A call ran past its deadline (its statement was interrupted)."""


_deadline = [float("inf")]  # time.monotonic() past which a SQLite statement is stopped


def _stop_sqlite() -> int:
    return 1 if time.monotonic() > _deadline[0] else 0


def _app(url: str, folder: str, limit: float = 60):
    """The app on one data set; a statement running past `limit` seconds is stopped
    (PostgreSQL: statement_timeout; SQLite: a progress handler that checks the deadline of
    the call `timed` runs)."""
    from sqlalchemy import event

    from incidents import create_app
    from incidents.extensions import db

    options = {}
    if url.startswith("postgresql"):
        options = {"connect_args": {"options": f"-c statement_timeout={int(limit * 1000)}"}}
    app = create_app(
        instance_path=str(Path(folder, "instance")),
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=options,
        DOCUMENT_STORE=str(Path(folder, "documents")),
        INTEGRITY_CHECK_ON_START=False,
    )
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _interruptible(dbapi_connection, _record):
            dbapi_connection.set_progress_handler(_stop_sqlite, 200_000)

    app.extensions["bench_engine"] = engine
    return app


def timed(call, limit: float) -> float:
    """Milliseconds `call()` took; TimedOut when it ran past `limit` seconds."""
    started = time.perf_counter()
    _deadline[0] = time.monotonic() + limit
    try:
        call()
    except Exception as exc:
        if time.monotonic() >= _deadline[0]:
            raise TimedOut from exc
        raise
    finally:
        _deadline[0] = float("inf")
    return (time.perf_counter() - started) * 1000


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def picks(app) -> dict:
    """The people measured in a data set: the specialist of the employer with the most cases,
    an inspector of the region with the most serious cases, the insurer with the most cases
    handed to it; the year of the statistics (the last whole year) and a sample of the
    employer's case ids (the case pages)."""
    from sqlalchemy import func, select

    from incidents.extensions import db
    from incidents.models import Case, Category, InsurerPackage, Organisation, Role, User

    def user(role, *where):
        query = select(User).join(Organisation, User.organisation_id == Organisation.id)
        return db.session.scalars(query.where(User.role == role, *where).order_by(User.id)).first()

    n = func.count()
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Case))
        org_id, org_cases = db.session.execute(
            select(Case.organisation_id, n)
            .group_by(Case.organisation_id)
            .order_by(n.desc(), Case.organisation_id)
            .limit(1)
        ).one()
        region = db.session.execute(
            select(Organisation.region, n)
            .join(Case, Case.organisation_id == Organisation.id)
            .where(Case.category.is_not(None), Case.category != Category.light)
            .group_by(Organisation.region)
            .order_by(n.desc())
            .limit(1)
        ).first()[0]
        insurer_id = db.session.execute(
            select(InsurerPackage.insurer_id, n)
            .group_by(InsurerPackage.insurer_id)
            .order_by(n.desc())
            .limit(1)
        ).first()[0]
        people = {
            "employer": user(Role.specialist, Organisation.id == org_id),
            "inspector": user(Role.inspector, Organisation.region == region),
            "insurer": user(Role.insurer, Organisation.id == insurer_id),
        }
        ids = db.session.scalars(
            select(Case.id).where(Case.organisation_id == org_id).order_by(func.random()).limit(200)
        ).all()
        number = db.session.get(Case, ids[0]).number
        return {
            "cases": total,
            "employer_cases": org_cases,
            "region": region,
            "year": date.today().year - 1,
            "users": {role: {"id": u.id, "email": u.email} for role, u in people.items()},
            "case_ids": sorted(ids),
            "first_case_number": number,
        }


def login(app, email: str, password: str):
    """A test client with a session opened through the login form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": email, "password": password})
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise SystemExit(f"login as {email} failed ({answer.status_code})")
    return client


def _deep_cursor(app, user_id: int) -> tuple[int, int | None]:
    """(how many cases the user sees, the `after` cursor of the page halfway down them)."""
    from sqlalchemy import func, select

    from incidents import permissions
    from incidents.extensions import db
    from incidents.models import Case, User
    from incidents.models.timeutil import utcnow
    from incidents.services import case_list

    with app.app_context():
        user = db.session.get(User, user_id)
        ids = case_list.select(permissions.visible_cases(user), case_list.Filters(), utcnow())
        ids = ids.with_only_columns(Case.id).order_by(Case.id.desc())
        seen = db.session.scalar(select(func.count()).select_from(ids.order_by(None).subquery()))
        return seen, db.session.scalar(ids.offset(seen // 2).limit(1))


class DataSet:
    """One size: its app, the people logged in, the paths and calls to time."""

    def __init__(self, label: str, url: str, folder: str, password: str, limit: float) -> None:
        self.label = label
        self.app = _app(url, folder, limit)
        self.picks = picks(self.app)
        self.clients = {
            role: login(self.app, u["email"], password) for role, u in self.picks["users"].items()
        }
        self.visible = {}
        self.paths = {}
        for role in ROLES:
            try:
                seen, deep = _deep_cursor(self.app, self.picks["users"][role]["id"])
            except Exception as exc:  # noqa: BLE001 - stopped by the time limit: no deep page
                _log(f"  {label}: no deep cursor for the {role} ({type(exc).__name__})")
                seen, deep = None, None
            self.visible[role] = seen
            self.paths[f"list/{role}/first"] = (role, "/")
            self.paths[f"list/{role}/deep"] = (role, f"/?after={deep}" if deep else "/")
            self.paths[f"list/{role}/status"] = (role, f"/?status={STATUS[role]}")
            self.paths[f"list/{role}/overdue"] = (role, "/?overdue=1")
        self.paths["statistics page/inspector"] = ("inspector", "/statistics")
        self.rows: dict[str, int] = {}

    def get(self, key: str) -> None:
        role, path = self.paths[key]
        answer = self.clients[role].get(path)
        if answer.status_code == 500 and time.monotonic() >= _deadline[0]:
            raise TimedOut(key)
        if answer.status_code != 200:
            raise SystemExit(f"{self.label} {key}: GET {path} answered {answer.status_code}")
        if key not in self.rows:
            found = set(re.findall(r'href="/cases/(\d+)"', answer.get_data(as_text=True)))
            self.rows[key] = len(found)

    def dashboard(self) -> None:
        """The inspector's dashboard as a browser loads it: the page, then every chart."""
        from incidents.views import charts

        client = self.clients["inspector"]
        for path in ["/dashboard", *(f"/dashboard/{name}.svg" for name in charts.CHARTS)]:
            answer = client.get(path)
            if answer.status_code == 500 and time.monotonic() >= _deadline[0]:
                raise TimedOut(path)
            if answer.status_code != 200:
                raise SystemExit(f"{self.label} dashboard: GET {path} -> {answer.status_code}")

    def statistics(self, role: str):
        """The statistics service for the role's scope over the last whole year, as the
        statistics page calls it (scope, then the figures)."""
        from incidents.extensions import db
        from incidents.models import User
        from incidents.services import statistics

        year = self.picks["year"]
        period = statistics.Period(date(year, 1, 1), date(year, 12, 31))
        with self.app.app_context():
            user = db.session.get(User, self.picks["users"][role]["id"])
            return statistics.compute(statistics.scope_for(user, period), period)

    def calls(self) -> dict:
        calls = {key: (lambda k=key: self.get(k)) for key in self.paths}
        calls["statistics/employer"] = lambda: self.statistics("employer")
        calls["statistics/inspector"] = lambda: self.statistics("inspector")
        calls["statistics/insurer"] = lambda: self.statistics("insurer")
        calls["dashboard/inspector"] = self.dashboard
        return calls


def lists(args: list[str], password: str, rounds: int, warmup: int, budget: float, limit: float):
    """Every call of every data set once per round, the sets alternating call by call. A call
    stops being sampled once it has taken `budget` seconds in all (at least 3 samples), and
    after a call that ran past `limit` seconds (interrupted: a lower bound)."""
    sets = []
    for i in range(0, len(args), 2):
        _log(f"  preparing data set {i // 2 + 1} (picks, logins, cursors)…")
        sets.append(DataSet(f"set{i // 2}", args[i], args[i + 1], password, limit))
    calls = [ds.calls() for ds in sets]
    keys = list(calls[0])
    samples = [{key: [] for key in keys} for _ in sets]
    spent = [{key: 0.0 for key in keys} for _ in sets]
    stopped: list[dict[str, float]] = [{} for _ in sets]  # key -> seconds before the stop
    for r in range(warmup + rounds):
        for key in keys:
            for i in range(len(sets)):
                if key in stopped[i]:
                    continue
                if r >= warmup and spent[i][key] > budget and len(samples[i][key]) >= 3:
                    continue
                try:
                    ms = timed(calls[i][key], limit)
                except TimedOut:
                    stopped[i][key] = limit
                    _log(f"  {sets[i].label} {key}: stopped after {limit:.0f} s")
                    continue
                if r >= warmup:
                    samples[i][key].append(ms)
                    spent[i][key] += ms / 1000
        _log(f"  round {r + 1}/{warmup + rounds}")
    result = []
    for ds, c, s, stop in zip(sets, calls, samples, stopped, strict=True):
        engine = ds.app.extensions["bench_engine"]
        profiles = {key: sql_profile(engine, call) for key, call in c.items() if key not in stop}
        for key in stop:  # where it was stopped, and that statement's plan
            profiles[key] = interrupted(engine, lambda call=c[key]: timed(call, limit))
        result.append(
            {
                "picks": ds.picks,
                "visible": ds.visible,
                "paths": {k: p for k, (_r, p) in ds.paths.items()},
                "rows": ds.rows,
                "samples": s,
                "timed_out": stop,
                "sql": profiles,
            }
        )
    return {"sets": result, "limit_s": limit}


def profile(url: str, folder: str, password: str, repeat: int) -> dict:
    """cProfile and SQL of the case page and the first list page, for the page's employer."""
    app = _app(url, folder)
    chosen = picks(app)
    client = login(app, chosen["users"]["employer"]["email"], password)
    ids = chosen["case_ids"]
    turn = iter(range(10**9))

    def case_page():
        assert client.get(f"/cases/{ids[next(turn) % len(ids)]}").status_code == 200

    def case_list():
        assert client.get("/").status_code == 200

    for _ in range(5):  # templates compiled, caches warm
        case_page()
        case_list()
    import hello

    greeter = hello.app.test_client()

    def hello_world():
        assert greeter.get("/").status_code == 200

    plain = {}
    for name, call in (
        ("hello-world", hello_world),
        ("case page", case_page),
        ("case list", case_list),
    ):
        call()
        plain[name] = statistics.median(timed(call, 600) for _ in range(repeat))
    engine = app.extensions["bench_engine"]
    return {
        "repeat": repeat,
        "plain_ms": plain,
        "python": {
            "case page": python_profile(case_page, repeat),
            "case list": python_profile(case_list, repeat),
        },
        "sql": {
            "case page": sql_profile(engine, case_page),
            "case list": sql_profile(engine, case_list),
        },
    }


def main(argv: list[str]) -> None:
    command, *rest = argv
    options = dict(a.split("=", 1) for a in rest if a.startswith("--"))
    positional = [a for a in rest if not a.startswith("--")]
    password = options.get("--password", "")
    if command == "picks":
        out = picks(_app(*positional[:2]))
    elif command == "lists":
        out = lists(
            positional,
            password,
            rounds=int(options.get("--rounds", "30")),
            warmup=int(options.get("--warmup", "2")),
            budget=float(options.get("--budget", "60")),
            limit=float(options.get("--limit", "30")),
        )
    elif command == "profile":
        out = profile(*positional[:2], password, int(options.get("--repeat", "30")))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
