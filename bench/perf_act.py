"""Act N-1 through the service against a bare docxtpl render (bench/run.py), in a subprocess:

    python bench/perf_act.py URL DIR --reps=20

Prepares reps + 3 light cases of the demo employer in the investigating stage with every
finding the act needs (through the services, as the demo does; untimed), then alternates:
fire `draft_act` on the next case (cases.advance + commit: rules, guards, the state change,
the Act N-1 of the victim in each document language rendered and stored, the signing round),
and render the same template with the same context with docxtpl directly (the contexts built
untimed from a case that has just been through the transition, exactly as
services/documents.issue builds them). The bare render's text is compared with the stored
document's, which shows the context is the same. One JSON object on stdout."""

from __future__ import annotations

import json
import statistics
import sys
import time
from io import BytesIO

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from perf_inproc import _app, _log
from perf_profile import python_profile, sql_profile


def _prepare(app, n: int) -> list[int]:
    from incidents import demo
    from incidents.demo_data import DOMAIN, victim
    from incidents.extensions import db
    from incidents.models import User

    ids = []
    with app.app_context():
        spec = db.session.scalars(db.select(User).where(User.email == f"specialist@{DOMAIN}")).one()
        for i in range(n):
            case = demo._report(spec, 1, f"Бенчмарк, объект № {i + 1}", victim(f"Работник {i + 1}"))
            demo._send_notices(case, spec, 1)
            demo._fire(case, spec, "notify", hours_after_report=1)
            demo._commission(case, spec)
            demo._fire(case, spec, "form_commission", "start_investigation", hours_after_report=3)
            demo._findings(case, spec)
            db.session.commit()
            ids.append(case.id)
    return ids


def _transition(app, case_id: int) -> float:
    """Seconds of cases.advance(case, chair, "draft_act") and the commit."""
    from incidents.demo_data import DOMAIN
    from incidents.extensions import db
    from incidents.models import Case, User
    from incidents.services import cases

    with app.app_context():
        spec = db.session.scalars(db.select(User).where(User.email == f"specialist@{DOMAIN}")).one()
        case = db.session.get(Case, case_id)
        started = time.perf_counter()
        cases.advance(case, spec, "draft_act")
        db.session.commit()
        return time.perf_counter() - started


def _contexts(app, case_id: int) -> list[tuple[str, dict, bytes]]:
    """(template path, context, the stored document) of each Act N-1 the transition issued,
    the context built as services/documents.issue builds it."""
    from doc_templates import template_path
    from doc_templates.context import build_context
    from incidents.extensions import db
    from incidents.models import Case, DocumentKind
    from incidents.models.timeutil import utcnow
    from incidents.rules import for_case
    from incidents.services import deadlines, documents

    with app.app_context():
        case = db.session.get(Case, case_id)
        rules = for_case(case)
        now = utcnow()
        clock = {d.key: d.due_at for d in deadlines.compute(case, rules, now)}
        materials = documents._materials(case)
        out = []
        for victim in case.victims:
            for language in app.config["DOCUMENT_LANGUAGES"]:
                context = build_context(
                    case,
                    DocumentKind.act_n1.value,
                    language,
                    rules=rules,
                    victim=victim,
                    now=now,
                    clock=clock,
                    materials=materials,
                )
                (stored,) = [
                    d
                    for d in case.documents
                    if d.kind == DocumentKind.act_n1.value
                    and d.language == language
                    and d.victim_id == victim.id
                    and d.superseded_at is None
                ]
                path = str(template_path(DocumentKind.act_n1.value, language))
                out.append((path, context, documents.read(stored)))
        return out


def _bare(contexts: list[tuple[str, dict, bytes]]) -> tuple[float, list[bytes]]:
    """Seconds of rendering every act with docxtpl alone: a new DocxTemplate, render with a
    strict, autoescaping Jinja environment (as doc_templates.render does), save."""
    started = time.perf_counter()
    outputs = []
    for path, context, _stored in contexts:
        tpl = DocxTemplate(path)
        tpl.render(context, jinja_env=Environment(undefined=StrictUndefined, autoescape=True))
        buffer = BytesIO()
        tpl.save(buffer)
        outputs.append(buffer.getvalue())
    return time.perf_counter() - started, outputs


def main(argv: list[str]) -> None:
    url, folder, *options = argv
    reps = int(dict(o.split("=", 1) for o in options).get("--reps", "20"))
    from doc_templates import docx_text

    app = _app(url, folder)
    _log(f"  preparing {reps + 3} cases in the investigating stage…")
    ids = _prepare(app, reps + 3)  # a warm-up, the repetitions, a profiled one, one for SQL
    # warm-up: a first transition and render load templates, rule packs, fonts of the code
    _transition(app, ids[0])
    contexts = _contexts(app, ids[0])
    _bare(contexts)
    same = [
        docx_text(out) == docx_text(stored)
        for out, (_p, _c, stored) in zip(_bare(contexts)[1], contexts, strict=True)
    ]
    service, bare = [], []
    for i in range(reps):
        service.append(_transition(app, ids[i + 1]))
        bare.append(_bare(_contexts(app, ids[i + 1]))[0])
    _log(f"  {reps} transitions and bare renders done; profiling one more transition…")
    profile = python_profile(lambda: _transition(app, ids[reps + 1]), 1)
    sql = sql_profile(app.extensions["bench_engine"], lambda: _transition(app, ids[reps + 2]))
    print(
        json.dumps(
            {
                "reps": reps,
                "renders_per_transition": len(contexts),
                "service_s": service,
                "bare_s": bare,
                "service_median_s": statistics.median(service),
                "bare_median_s": statistics.median(bare),
                "same_text": all(same),
                "profile": profile,
                "sql": sql,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
