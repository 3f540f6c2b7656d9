"""What every export of personal data shares. Exports are audited where they are read
(`audit.record_export`, or `audit.record` for a list that is not patient data); this module keeps
the exported cells safe to open."""

from __future__ import annotations

FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})
"""First characters a spreadsheet may read as the start of a formula (OWASP, CSV injection)."""


def csv_cell(value: object) -> str:
    """One cell of an exported CSV file: dates and times in ISO 8601, nothing for None, and text
    that a spreadsheet would run as a formula prefixed with an apostrophe (OWASP CSV injection)."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text
