"""Author the first version of every .docx template with python-docx.

    python -m doc_templates.build            # writes doc_templates/{ru,ky}/<kind>.docx
    python -m doc_templates.build --out DIR  # somewhere else, e.g. to compare with the edited ones

Run it only for a fresh start: once committed, the .docx files are the source of truth and a
lawyer edits them in Word; running this again overwrites their edits. Each builder keeps the
Russian and Kyrgyz wording side by side (``t("ru", "ky")``) so a reviewer can compare them.

Each document's builder is in authoring/<kind>.py, the page layout (fonts, margins, loop tables)
in layout.py; the rules for people editing the
templates are in README.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import KINDS, LANGUAGES, TEMPLATE_DIR
from .authoring.act_n1 import build_act_n1
from .authoring.closure_summary import build_closure_summary
from .authoring.commission_order import build_commission_order
from .authoring.common import footer_text
from .authoring.disease_act import build_disease_act
from .authoring.disease_common import disease_footer_text
from .authoring.disease_insurer_notice import build_disease_insurer_notice
from .authoring.disease_notice import build_disease_notice
from .authoring.dissent import build_dissent
from .authoring.insurer_notice import build_insurer_notice
from .authoring.interview_protocol import build_interview_protocol
from .authoring.investigation_act import build_investigation_act
from .authoring.notice import build_notice
from .authoring.register import build_register, register_footer_text
from .authoring.scene_protocol import build_scene_protocol
from .authoring.working_conditions import build_working_conditions
from .formatting import DISEASE_KINDS
from .layout import new_document

BUILDERS = {
    "notice": build_notice,
    "commission_order": build_commission_order,
    "act_n1": build_act_n1,
    "investigation_act": build_investigation_act,
    "insurer_notice": build_insurer_notice,
    "closure_summary": build_closure_summary,
    "dissent": build_dissent,
    "scene_protocol": build_scene_protocol,
    "interview_protocol": build_interview_protocol,
    "disease_notice": build_disease_notice,
    "working_conditions": build_working_conditions,
    "disease_act": build_disease_act,
    "disease_insurer_notice": build_disease_insurer_notice,
    "register": build_register,
}
assert tuple(BUILDERS) == KINDS


def build(kind: str, language: str):
    def t(ru: str, ky: str) -> str:
        return ru if language == "ru" else ky

    footer = disease_footer_text(t) if kind in DISEASE_KINDS else footer_text(t)
    if kind == "dissent":  # a member's opinion on either kind of act
        footer = f"{{% if disease %}}{disease_footer_text(t)}{{% else %}}{footer}{{% endif %}}"
    if kind == "register":  # an employer's year, not one case
        footer = register_footer_text(t)
    doc = new_document(language, footer)
    BUILDERS[kind](doc, t)
    return doc


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=TEMPLATE_DIR,
        help="folder to write <lang>/<kind>.docx into (default: the package)",
    )
    parser.add_argument("kinds", nargs="*", metavar="KIND", help=f"default: all of {KINDS}")
    args = parser.parse_args(argv)
    unknown = set(args.kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {sorted(unknown)}")
    for language in LANGUAGES:
        (args.out / language).mkdir(parents=True, exist_ok=True)
        for kind in args.kinds or KINDS:
            path = args.out / language / f"{kind}.docx"
            build(kind, language).save(path)
            print(path)


if __name__ == "__main__":
    main()
