"""GLI-2012 FVC age-spline lookup table (Quanjer PH et al. ERJ 2012;40:1324-1343).

The published lookup tables (0.25-year steps, ages 3-95) are read from the data files of the
PyPI package ``pyspiro`` (MIT licence), a dependency, rather than copied into this repository;
they agree with the rspiro ``RLookupTable.csv`` rows quoted in als-measures.md §6.2. Only the
FVC M- and S-splines are kept (the FVC L-spline is 0 at every age). Read once, at import: this
is reference data shipped with an installed package, not user input.
"""

from __future__ import annotations

import csv
from importlib import resources

AGE_START = 3.0
AGE_STEP = 0.25


def _read_splines() -> dict[str, tuple[float, ...]]:
    path = resources.files("pyspiro.data").joinpath("gli_2012_splines.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    ages = [float(row["age"]) for row in rows]
    expected = [AGE_START + AGE_STEP * i for i in range(len(ages))]
    if ages != expected:
        raise RuntimeError("pyspiro's GLI-2012 spline table is not in 0.25-year steps from age 3")
    return {
        column: tuple(float(row[column]) for row in rows)
        for column in (
            "FVC_males_Mspline",
            "FVC_males_Sspline",
            "FVC_females_Mspline",
            "FVC_females_Sspline",
        )
    }


_SPLINES = _read_splines()
M_SPLINE_MALE = _SPLINES["FVC_males_Mspline"]
S_SPLINE_MALE = _SPLINES["FVC_males_Sspline"]
M_SPLINE_FEMALE = _SPLINES["FVC_females_Mspline"]
S_SPLINE_FEMALE = _SPLINES["FVC_females_Sspline"]
