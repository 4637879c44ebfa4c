"""Guards shared by the accident and the occupational-disease workflows: the insurer stage
needs the employer's policy in force on the day of the accident (or of the diagnosis)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from incidents.models.timeutil import to_local

from .guards import Guard


def _day(value) -> str:
    return value.strftime("%d.%m.%Y")


def _policy_reason(case):
    """No policy of the employer covers the accident date: which is missing, or why not."""
    return LazyString(_policy_reason_now, case)  # read in the locale of whoever shows it


def _policy_reason_now(case) -> str:
    day = _day(to_local(case.occurred_at))
    policies = case.policies
    if not policies:
        return _(
            "The employer has no insurance policy (Law No. 194). Add it on the organisation "
            "profile."
        )
    return _(
        "No policy of the employer covers the accident date %(day)s: policy No. %(number)s "
        "is valid %(start)s to %(end)s. Add the policy in force on that day on the "
        "organisation profile.",
        day=day,
        number=policies[0].number,
        start=_day(policies[0].valid_from),
        end=_day(policies[0].valid_to),
    )


HAS_POLICY = Guard("has_policy", lambda c: c.policy is not None, _policy_reason)
