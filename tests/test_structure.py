"""The structure holds: layers point down (import-linter contracts in pyproject.toml), and each
clinical concept is defined once, in the vocabulary modules of the outcomes core."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cellpath.outcomes import products
from cellpath.outcomes.vocabulary import (
    ALSFRS_R_ITEMS,
    ALSFRS_R_KEYS,
    EL_ESCORIAL_VALUES,
    values,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "cellpath"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

VOCABULARY = {
    SOURCE / "outcomes" / "vocabulary.py",  # El Escorial, onset sites, sexes, ALSFRS-R, month, year
    SOURCE / "outcomes" / "products.py",  # cell types, sources, donors, routes
    SOURCE / "outcomes" / "alsfrs_questions.py",  # the ALSFRS-R questionnaire, item by item
}


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True
    )


def test_the_import_contracts_hold() -> None:
    run = _lint_imports(ROOT, ROOT / "src")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    shutil.copytree(SOURCE, tmp_path / "cellpath", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "cellpath" / "outcomes" / "upward.py").write_text(
        "from cellpath.care.models import Patient\n"
    )
    run = _lint_imports(tmp_path, tmp_path)
    assert run.returncode != 0
    assert "cellpath.outcomes is not allowed to import cellpath.care" in run.stdout
    assert "cellpath.outcomes.upward -> cellpath.care.models" in run.stdout


# --- One definition per clinical concept ---------------------------------------------------------


def _values(*vocabularies: tuple[Any, ...]) -> set[str]:
    return {value for terms in vocabularies for value in values(terms)}


CONCEPTS = {
    "El Escorial categories": set(EL_ESCORIAL_VALUES),
    "ALSFRS-R item keys": set(ALSFRS_R_KEYS),
    "ALSFRS-R item names": {i.title.lower() for i in ALSFRS_R_ITEMS}
    | {i.plain for i in ALSFRS_R_ITEMS},
    "cell types": _values(products.LISTING_CELL_TYPES) - {products.OTHER, products.VARIOUS},
    "donors": _values(products.LISTING_DONORS) - {products.VARIOUS},
    "source tissues": _values(products.SOURCE_TISSUES) - {products.OTHER},
    "routes": _values(products.ROUTES) - {products.OTHER},
}
RETIRED = {"iv", "auto_bone_marrow", "auto_adipose", "auto_blood", "allo_cord", "allo_wharton"}
"""Care's cell-source and route codes before the one product vocabulary (migrated)."""
LENGTHS = {30.4375, 365.25}
VOCABULARY_CLASSES = {"ElEscorial", "OnsetSite", "CellType", "CellSource", "Donor", "Route"}
NOT_VOCABULARY = {
    ("trials/ctgov/records.py", "_CELL_RULES"): "words looked for in registry text, not codes",
    ("care/safety.py", "REASONABLE_POSSIBILITY"): "causality codes, not El Escorial categories",
}
"""Collections that happen to hold some of the values but are something else."""


def _listed(node: ast.AST) -> set[str]:
    """The strings a list, tuple or set literal holds, or a dict literal's keys."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        elements = node.elts
    elif isinstance(node, ast.Dict):
        elements = [key for key in node.keys if key is not None]
    else:
        return set()
    return {e.value for e in elements if isinstance(e, ast.Constant) and type(e.value) is str}


def _findings(tree: ast.AST, where: str = "") -> list[str]:
    """Where a module defines again what the vocabulary modules define: a collection naming two
    values of one concept (or a retired code), a month or year length, a vocabulary class."""
    excused = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and (where, target.id) in NOT_VOCABULARY
    }
    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if id(node) not in excused:
            strings = _listed(node)
            found += [
                f"{line}: lists {concept} ({', '.join(sorted(strings & named))})"
                for concept, named in CONCEPTS.items()
                if len(strings & named) >= 2
            ]
            if strings & RETIRED:
                found.append(f"{line}: uses retired codes ({', '.join(sorted(strings & RETIRED))})")
        if isinstance(node, ast.Constant) and type(node.value) is float and node.value in LENGTHS:
            found.append(f"{line}: writes a month or year length ({node.value})")
        if isinstance(node, ast.ClassDef) and node.name in VOCABULARY_CLASSES:
            found.append(f"{line}: defines {node.name}")
    return found


def test_each_clinical_concept_is_defined_once() -> None:
    found = [
        f"{where}:{finding}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts and path not in VOCABULARY
        for where in [path.relative_to(SOURCE).as_posix()]
        for finding in _findings(ast.parse(path.read_text(encoding="utf-8")), where)
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    ("code", "finding"),
    [
        ('CATEGORIES = ("definite", "probable")', "lists El Escorial categories"),
        ('if key in ("q5a", "q5b"): pass', "lists ALSFRS-R item keys"),
        ('NAMES = {1: "speech", 2: "salivation"}', None),  # dict values are not keys
        ('NAMES = {"speech": 1, "salivation": 2}', "lists ALSFRS-R item names"),
        ("MONTH = 30.4375", "writes a month or year length"),
        ("DAYS = 7 / 365.25", "writes a month or year length"),
        ('ROUTES = ["intravenous", "intrathecal"]', "lists routes"),
        ('OLD = ["iv"]', "uses retired codes"),
        ("class Route:\n    pass", "defines Route"),
        ('"""Months are days / 30.4375: definite, probable, possible."""', None),
        ('cell_type = "msc"; route = "intrathecal"', None),  # a value, not a list of them
    ],
)
def test_the_check_finds_a_second_definition(code: str, finding: str | None) -> None:
    found = _findings(ast.parse(code))
    if finding is None:
        assert found == []
    else:
        assert any(f.split(": ", 1)[1].startswith(finding) for f in found), found
