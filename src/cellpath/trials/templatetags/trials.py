"""Words for registry codes on the trial pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from cellpath.trials.finder.matching import describe
from cellpath.trials.models import Status

register = template.Library()

ARM_TYPES = {
    "EXPERIMENTAL": "experimental",
    "ACTIVE_COMPARATOR": "active comparator",
    "PLACEBO_COMPARATOR": "placebo",
    "SHAM_COMPARATOR": "sham procedure",
    "NO_INTERVENTION": "no treatment",
    "OTHER": "other",
}


@register.filter
def requirement(criterion: Mapping[str, Any]) -> str:
    return describe(criterion)


@register.filter
def arm_type(code: str) -> str:
    return ARM_TYPES.get(code, code.replace("_", " ").lower())


@register.filter
def status_label(code: str) -> str:
    try:
        return str(Status(code).label).lower()
    except ValueError:
        return code.replace("_", " ").lower()


@register.filter
def field(form: Any, name: str) -> Any:
    """A form's bound field by name (for a template that lays out sections)."""
    return form[name]


@register.filter
def split(text: str) -> list[str]:
    return text.split()


@register.filter
def outcome_mark(outcome: str) -> str:
    """A sign that repeats the outcome's words (never colour alone)."""
    return {"meets": "✓", "does_not_meet": "✗", "unknown": "?", "to_discuss": "…"}.get(outcome, "")
