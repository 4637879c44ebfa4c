"""The register screen (журнал регистрации несчастных случаев) of one employer and year, and its
exports: CSV and XLSX streamed in constant memory, the .docx register in Russian or Kyrgyz.

The employer's specialist and head see their own register whole. The state labour inspector
picks an employer of the inspectorate's region and sees in its register only the cases
permissions.visible_cases gives them (the severe, fatal and group accidents, and those they
sit on the commission of): the register never shows a row whose case the user could not open.
"""

from __future__ import annotations

import tempfile
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import labels, permissions
from ..extensions import db
from ..models import CaseKind, Category, Organisation, Outcome, Role
from ..rules import load as load_rules
from ..services import register
from ..services import register_export as export_
from ..services.register import Filters
from .urlargs import number_arg

bp = Blueprint("register", __name__)

FORMATS = ("csv", "xlsx", "docx")
EXPORT_LANGUAGES = ("ru", "ky")  # the register is a legal record: the state languages
OLDEST_YEAR = 1990


@bp.before_request
@login_required
def _require_login():
    """The register needs a logged-in user."""


def _organisation() -> Organisation | None:
    """The employer of ?org=, else the user's own; None when an inspector has not picked one.
    403 when the user may not open that employer's register."""
    org_id = number_arg("org")
    if org_id is None:
        own = current_user.organisation
        if current_user.role in permissions.EMPLOYER_STAFF and own is not None:
            org_id = own.id
        elif current_user.role == Role.inspector:
            return None
        else:
            abort(403)
    organisation = db.session.get(Organisation, org_id)
    if organisation is None:
        abort(404)
    if not permissions.can_view_register(current_user, organisation):
        abort(403)
    return organisation


def _scope(organisation: Organisation):
    """None (the whole register) for the employer's own staff, else the user's visible cases."""
    if (
        current_user.role in permissions.EMPLOYER_STAFF
        and current_user.organisation_id == organisation.id
    ):
        return None
    return permissions.visible_cases(current_user)


def _year() -> int:
    this_year = register.default_year()
    year = request.args.get("year", type=int)
    return year if year is not None and OLDEST_YEAR <= year <= this_year + 1 else this_year


def _export_lang() -> str:
    """?lang=ru|ky, else the UI language when it is one of them, else Russian."""
    lang = request.args.get("lang")
    if lang in EXPORT_LANGUAGES:
        return lang
    return labels.lang() if labels.lang() in EXPORT_LANGUAGES else "ru"


def _employers():
    """The employers whose register the user may open (the inspector's choice)."""
    return db.session.scalars(
        db.select(Organisation)
        .where(permissions.visible_registers(current_user))
        .order_by(Organisation.name)
        .limit(1000)
    ).all()


@bp.get("/register")
def index():
    organisation = _organisation()
    if organisation is None:  # an inspector: pick an employer of the region first
        return render_template("register/index.html", organisation=None, employers=_employers())
    year, filters = _year(), Filters.from_args(request.args)
    scope = _scope(organisation)
    result = register.page(
        organisation.id,
        year,
        filters,
        scope,
        size=current_app.config.get("REGISTER_PER_PAGE", 50),
        after=number_arg("after"),
        before=number_arg("before"),
    )
    pack = load_rules(organisation.rule_pack or "kr")
    this_year = register.default_year()
    years = sorted({*range(this_year, this_year - 11, -1), year}, reverse=True)
    return render_template(
        "register/index.html",
        organisation=organisation,
        employers=_employers() if current_user.role == Role.inspector else [],
        year=year,
        years=years,
        filters=filters,
        rows=result.rows,
        next_cursor=result.next,
        prev_cursor=result.prev,
        total=register.count(organisation.id, year, filters, scope),
        units=register.units(organisation.id, year, filters.kind, scope),
        event_types=[
            (c.code, f"{c.code} — {c.label_in(labels.lang())}")
            for c in pack.code_list("event_types")
        ],
        event_label=lambda code: pack.label("event_types", code, labels.lang()),
        categories=list(Category),
        outcomes=list(Outcome),
        kinds=list(CaseKind),
        export_lang=_export_lang(),
        query={"org": organisation.id, "year": year, **filters.as_args()},
    )


def _attachment(name: str) -> str:
    return f'attachment; filename="{name}"'  # our names are plain ASCII


def _sent_and_closed(file, chunk: int = 1 << 16):
    """The file in chunks, closed (and so deleted, for a temporary file) as soon as it is all
    sent, not when the garbage collector gets to it."""
    try:
        while data := file.read(chunk):
            yield data
    finally:
        file.close()


def _filename(filters: Filters, year: int, organisation: Organisation, lang: str, fmt: str):
    kind = "disease-register" if filters.kind == CaseKind.occupational_disease else "register"
    return f"{kind}-{year}-{organisation.id}-{lang}.{fmt}"


@bp.get("/register/export.<fmt>")
def export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    organisation = _organisation()
    if organisation is None:
        abort(404)
    year, filters, lang = _year(), Filters.from_args(request.args), _export_lang()
    scope = _scope(organisation)
    name = _filename(filters, year, organisation, lang, fmt)
    columns = export_.register_columns(filters.kind, lang)
    lines = register.lines(organisation.id, organisation.rule_pack, year, lang, filters, scope)
    if fmt == "csv":
        body = stream_with_context(export_.iter_csv(lines, columns))
        return Response(
            body,
            content_type=export_.CSV_MIMETYPE,
            headers={"Content-Disposition": _attachment(name)},
        )
    if fmt == "xlsx":
        # XlsxWriter needs to finish the zip before the first byte goes out: a temporary file
        # (deleted when closed, after the response is sent) instead of memory
        out = tempfile.TemporaryFile()  # noqa: SIM115  (closed once sent, see _sent_and_closed)
        try:
            export_.write_xlsx(lines, out, columns, sheet=f"{year}")
        except BaseException:
            out.close()
            raise
        size = out.tell()
        out.seek(0)
        response = Response(
            _sent_and_closed(out),
            mimetype=export_.XLSX_MIMETYPE,
            headers={"Content-Disposition": _attachment(name), "Content-Length": str(size)},
        )
        response.call_on_close(out.close)
        return response
    out = BytesIO()
    limit = current_app.config.get("REGISTER_DOCX_MAX_ROWS", export_.DOCX_MAX_ROWS)
    try:
        export_.write_docx(
            register.rows(organisation.id, year, filters, scope),
            out,
            organisation=organisation,
            year=year,
            kind=filters.kind,
            lang=lang,
            rules=load_rules(organisation.rule_pack or "kr"),
            limit=limit,
        )
    except export_.TooManyRows:
        flash(
            _(
                "The register has more than %(limit)s entries: too many for a Word document. "
                "Download it as XLSX, or narrow it with the filters.",
                limit=limit,
            ),
            "warning",
        )
        return redirect(
            url_for("register.index", org=organisation.id, year=year, **filters.as_args())
        )
    out.seek(0)
    return send_file(out, mimetype=export_.DOCX_MIMETYPE, as_attachment=True, download_name=name)
