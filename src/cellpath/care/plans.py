"""The standard follow-up plan: baseline, 2 weeks, 1, 2, 3, 6, 9 and 12 months, then every
6 months to 5 years (the schedule in issue 4; programmes add their own plans in the admin).
Windows widen as visits get further apart."""

from cellpath.outcomes.vocabulary import DAYS_PER_MONTH as MONTH

STANDARD_NAME = "Standard follow-up"
STANDARD_TIMEPOINTS: list[tuple[str, int, int]] = [
    ("Baseline", 0, 7),
    ("2 weeks", 14, 3),
    ("1 month", round(1 * MONTH), 7),
    ("2 months", round(2 * MONTH), 7),
    ("3 months", round(3 * MONTH), 14),
    ("6 months", round(6 * MONTH), 14),
    ("9 months", round(9 * MONTH), 14),
    ("12 months", round(12 * MONTH), 21),
    *[(f"{m} months", round(m * MONTH), 30) for m in range(18, 61, 6)],
]
"""(label, days after the course starts, days allowed either side)."""
