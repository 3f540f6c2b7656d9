"""The structure holds: layers point down (import-linter contracts in pyproject.toml), and each
clinical concept is defined once, in the vocabulary modules of the outcomes core."""

from __future__ import annotations

import ast
import io
import os
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

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

EL_ESCORIAL = {"definite", "probable", "probable_laboratory_supported", "possible", "suspected"}
ITEM_KEYS = {f"q{n}" for n in range(1, 13)} | {"q5a", "q5b"}
ITEM_NAMES = {
    "speech", "salivation", "swallowing", "handwriting", "cutting food", "dressing and hygiene",
    "turning in bed", "walking", "climbing stairs", "dyspnoea (r1)", "dyspnea (r1)",
    "orthopnoea (r2)", "orthopnea (r2)", "respiratory insufficiency (r3)",
    "shortness of breath", "breathing lying down", "breathing support",
}  # fmt: skip
PRODUCTS = {
    "msc", "msc_ntf", "neural", "astrocytes", "treg", "muse", "bm_mnc", "iv", "intravenous",
    "intrathecal", "intraspinal", "intramuscular", "intracortical",
}  # fmt: skip
LISTS = {  # what a file may not name this many of: then it lists the concept again
    "El Escorial categories": (EL_ESCORIAL, 4),  # 3 of them also rate causality
    "ALSFRS-R item keys": (ITEM_KEYS, 4),
    "ALSFRS-R item names": (ITEM_NAMES, 4),
    "cell types or routes": (PRODUCTS, 3),
}
LENGTHS = {"30.4375", "365.25"}
VOCABULARY_CLASSES = {"ElEscorial", "OnsetSite", "CellType", "CellSource", "Donor", "Route"}


def _python_sources() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and path not in VOCABULARY
    )


def _strings_and_numbers(path: Path) -> tuple[set[str], set[str]]:
    """The string literals (lower-cased) and number literals of a module's code."""
    strings: set[str] = set()
    numbers: set[str] = set()
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    for token in tokens:
        if token.type == tokenize.NUMBER:
            numbers.add(token.string)
        elif token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):  # an f-string
                continue
            if isinstance(value, str):
                strings.add(value.lower())
    return strings, numbers


def _findings(path: Path) -> list[str]:
    """What a module defines again of the clinical vocabulary."""
    strings, numbers = _strings_and_numbers(path)
    found = [
        f"lists {concept} ({', '.join(sorted(strings & values))})"
        for concept, (values, most) in LISTS.items()
        if len(strings & values) >= most
    ]
    if numbers & LENGTHS:
        found.append(f"writes a month or year length ({', '.join(sorted(numbers & LENGTHS))})")
    tree = ast.parse(path.read_text())
    classes = {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    if classes & VOCABULARY_CLASSES:
        found.append(f"defines {', '.join(sorted(classes & VOCABULARY_CLASSES))}")
    return found


def test_each_clinical_concept_is_defined_once() -> None:
    found = [
        f"{path.relative_to(SOURCE.parent)}: {finding}"
        for path in _python_sources()
        for finding in _findings(path)
    ]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    ("code", "finding"),
    [
        ('EEC = ("definite", "probable", "possible", "suspected")\n', "lists El Escorial"),
        ('ITEMS = ["q1", "q2", "q3", "q4"]\n', "lists ALSFRS-R item keys"),
        ("MONTH = 30.4375\n", "writes a month or year length"),
        ('ROUTES = {"iv": "IV", "intrathecal": "IT", "intramuscular": "IM"}\n', "lists cell types"),
        ("class Route:\n    pass\n", "defines Route"),
        ('"""Months are days / 30.4375; categories definite, probable, possible."""\n', None),
    ],
)
def test_the_check_finds_a_second_definition(tmp_path: Path, code: str, finding: str) -> None:
    module = tmp_path / "second.py"
    module.write_text(code)
    found = _findings(module)
    if finding is None:  # a docstring may name them
        assert found == []
    else:
        assert any(f.startswith(finding) for f in found), found
