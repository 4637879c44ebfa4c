"""`flask rules …`: inspect and validate the jurisdiction rule packs.

flask rules check [PACK] [--dir DIR] [--lang en]   validate and print; exit 1 on any error
flask rules list  [PACK] [--dir DIR] [--lang en]   print only"""

from __future__ import annotations

import textwrap
from pathlib import Path

import click
from flask import Flask

from .rules import CATEGORIES, FORMS, RulePack, load, pack_names
from .rules.check import validate

INDENT = " " * 4


def _text(value: dict, lang: str) -> str:
    return value.get(lang) or value.get("ru") or "—"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _section(header: list[str], items: list[tuple[list[str], list[str]]]) -> list[str]:
    """A table with one header; each row is followed by its wrapped basis lines."""
    rows = [header, *(row for row, _ in items)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]

    def line(r):
        return INDENT + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()

    out = [line(header)]
    for row, notes in items:
        out += [line(row), *notes]
    return out


def _basis(text: str, label: str = "basis") -> list[str]:
    return textwrap.wrap(
        f"{label}: {text}", width=100, initial_indent=INDENT * 2, subsequent_indent=INDENT * 3
    )


def _durations(rule, keys=CATEGORIES) -> list[str]:
    return [str(rule.duration.get(c, "—")) for c in keys]


def describe(pack: RulePack, lang: str = "en") -> list[str]:
    """The pack as readable lines: every rule with its duration and basis."""
    out = [
        f"Pack {pack.name}: {_text(pack.title, lang)} "
        f"(jurisdiction {pack.jurisdiction}, time zone {pack.timezone or '—'})",
        f"{INDENT}max extension {pack.max_extension_days} d · commission of at least "
        f"{pack.min_commission_members} · late report after {pack.late_report_after or '—'} · "
        f"victim fault % {_yes(pack.victim_fault_percent)}",
        "",
        "Deadlines",
    ]
    items = []
    for rule in pack.deadlines:
        items.append(
            (
                [
                    rule.key,
                    _text(rule.title, lang),
                    f"{rule.starts} -> {rule.stops}",
                    *_durations(rule),
                    _yes(rule.pausable),
                    _yes(rule.verified),
                ],
                _basis(_text(rule.basis, lang)),
            )
        )
        if rule.late:
            late = rule.late
            items.append(
                (
                    [
                        f"{rule.key} (late)",
                        "late-reported track",
                        f"{late.starts} -> {late.stops}",
                        *_durations(late),
                        _yes(late.pausable),
                        _yes(late.verified),
                    ],
                    _basis(_text(late.basis, lang)),
                )
            )
    out += _section(
        ["KEY", "TITLE", "FROM -> TO", *(c.upper() for c in CATEGORIES), "PAUSABLE", "VERIFIED"],
        items,
    )
    out += ["", "Notices (deadline key notice:<addressee>)"]
    out += _section(
        ["ADDRESSEE", "TITLE", "WHEN", "DUE", "VERIFIED"],
        [
            (
                [
                    n.addressee,
                    _text(n.title, lang),
                    n.when if isinstance(n.when, str) else ", ".join(n.when),
                    str(n.due),
                    _yes(n.verified),
                ],
                _basis(_text(n.basis, lang)),
            )
            for n in pack.notices
        ],
    )
    out += ["", "Commission"]
    out += _section(
        ["CATEGORY", "CHAIR", "MUST INCLUDE", "VERIFIED"],
        [
            (
                [category, c.chair, ", ".join(c.must_include) or "—", _yes(c.verified)],
                _basis(_text(c.basis, lang)),
            )
            for category, c in (pack.commission or {}).items()
        ],
    )
    out += _disease(pack, lang)
    out += [
        "",
        "Code lists: "
        + ", ".join(
            f"{which} {len(pack.code_list(which))}"
            for which in ("person_categories", "event_types", "causes", "regions", "icd10")
        ),
    ]
    return out


def _disease(pack: RulePack, lang: str) -> list[str]:
    """The occupational-disease part: its deadlines by form, and its commission."""
    out = ["", "Occupational disease: deadlines"]
    out += _section(
        ["KEY", "TITLE", "FROM -> TO", *(f.upper() for f in FORMS), "VERIFIED"],
        [
            (
                [
                    rule.key,
                    _text(rule.title, lang),
                    f"{rule.starts} -> {rule.stops}",
                    *_durations(rule, FORMS),
                    _yes(rule.verified),
                ],
                _basis(_text(rule.basis, lang)),
            )
            for rule in pack.disease_deadlines
        ],
    )
    c = pack.disease_commission
    if c is not None:
        out += ["", "Occupational disease: commission"]
        out += _section(
            ["CHAIR", "MUST INCLUDE", "VERIFIED"],
            [
                (
                    [c.chair, ", ".join(c.must_include) or "—", _yes(c.verified)],
                    _basis(_text(c.basis, lang)),
                )
            ],
        )
    return out


def _run(pack: str | None, directory: str | None, lang: str, check: bool) -> None:
    names = [pack] if pack else pack_names(directory)
    if not names:
        raise click.ClickException(f"no rule packs in {directory or 'the rules directory'}")
    failed = []
    for i, name in enumerate(names):
        if i:
            click.echo("")
        errors = validate(name, directory)
        if not errors:
            try:
                loaded = load(name, str(Path(directory)) if directory else None)
            except (KeyError, TypeError, ValueError) as exc:  # validation missed something
                errors = [f"cannot load the pack: {exc!r}"]
            else:
                for line in describe(loaded, lang):
                    click.echo(line)
        if errors:
            failed.append(name)
            click.echo(f"Pack {name}: {len(errors)} error(s)", err=check)
            for e in errors:
                click.echo(f"{INDENT}- {e}", err=check)
        elif check:
            click.echo(f"Pack {name}: OK")
    if check and failed:
        raise click.exceptions.Exit(1)


def register(app: Flask) -> None:
    """Registers the `rules` command group."""

    @app.cli.group("rules")
    def rules_group():
        """Inspect and validate the jurisdiction rule packs (kr, rf, kz)."""

    options = [
        click.argument("pack", required=False),
        click.option(
            "--dir",
            "directory",
            type=click.Path(file_okay=False, exists=True),
            help="Read the packs from this directory instead of incidents/rules.",
        ),
        click.option(
            "--lang",
            default="en",
            type=click.Choice(["ru", "ky", "en"]),
            show_default=True,
            help="Language of titles and bases.",
        ),
    ]

    def with_options(f):
        for option in reversed(options):
            f = option(f)
        return f

    @rules_group.command("check")
    @with_options
    def check(pack, directory, lang):
        """Validate PACK (or every pack) and print its rules; exit code 1 on any error."""
        _run(pack, directory, lang, check=True)

    @rules_group.command("list")
    @with_options
    def list_(pack, directory, lang):
        """Print the rules of PACK (or every pack) with their durations and bases."""
        _run(pack, directory, lang, check=False)
