"""The cell-product vocabulary is defined once, in `cellpath.outcomes.products`: one code and one
label per value, no Django, and no other module lists cell types, donors, tissues or routes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cellpath.outcomes import products

SRC = Path(__file__).resolve().parents[2] / "src" / "cellpath"
VOCABULARIES = {
    "CELL_TYPES": products.CELL_TYPES,
    "LISTING_CELL_TYPES": products.LISTING_CELL_TYPES,
    "DONORS": products.DONORS,
    "LISTING_DONORS": products.LISTING_DONORS,
    "SOURCE_TISSUES": products.SOURCE_TISSUES,
    "ROUTES": products.ROUTES,
}


@pytest.mark.parametrize("name", VOCABULARIES)
def test_each_value_has_one_code_and_one_label(name) -> None:
    terms = VOCABULARIES[name]
    codes = products.values(terms)
    labels = [t.label for t in terms]
    assert len(set(codes)) == len(codes) and len(set(labels)) == len(labels)
    assert all(
        code and label and len(code) <= 20 for code, label in zip(codes, labels, strict=True)
    )


def test_what_one_product_may_be_is_part_of_what_a_listing_may_say() -> None:
    assert set(products.CELL_TYPES) < set(products.LISTING_CELL_TYPES)
    assert set(products.DONORS) < set(products.LISTING_DONORS)
    assert products.VARIOUS not in products.values(products.CELL_TYPES)
    assert products.values(products.DONORS) == (products.AUTOLOGOUS, products.ALLOGENEIC)


def test_routes_are_named_in_full() -> None:
    assert products.INTRAVENOUS == "intravenous"
    assert "iv" not in products.values(products.ROUTES)
    assert (
        products.label_of(products.ROUTES, "intrathecal") == "Intrathecal (into the spinal fluid)"
    )


def test_unknown_routes_are_named() -> None:
    assert products.unknown_routes("intrathecal  intravenous") == []
    assert products.unknown_routes("iv intrathecal oral") == ["iv", "oral"]


def test_it_imports_no_django() -> None:
    tree = ast.parse((SRC / "outcomes" / "products.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [name for name in imported if name.split(".")[0] == "django"]


NOT_VOCABULARY = {
    ("trials/records.py", "_CELL_RULES"): "words looked for in registry text, not stored codes",
}
"""Collections that happen to hold some of the codes but are something else."""


def _listed(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return node.elts
    if isinstance(node, ast.Dict):
        return [key for key in node.keys if key is not None]
    return []


def test_no_other_module_lists_the_vocabulary() -> None:
    """A list, tuple, set or dict holding two or more codes of one vocabulary, or any of care's
    old codes, outside products.py and the (frozen) migrations, is a second definition."""
    codes = {
        name: set(products.values(terms)) - {products.OTHER, products.VARIOUS}
        for name, terms in VOCABULARIES.items()
    }
    retired = {"iv", "auto_bone_marrow", "auto_adipose", "auto_blood", "allo_cord", "allo_wharton"}
    found = []
    for path in SRC.rglob("*.py"):
        where = path.relative_to(SRC).as_posix()
        if "migrations" in path.parts or where == "outcomes/products.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = {t.id for t in targets if isinstance(t, ast.Name)}
                if any((where, name) in NOT_VOCABULARY for name in names) and node.value:
                    allowed.add(id(node.value))
        for node in ast.walk(tree):
            if id(node) in allowed:
                continue
            strings = {
                e.value
                for e in _listed(node)
                if isinstance(e, ast.Constant) and type(e.value) is str
            }
            for name, vocabulary in codes.items():
                if len(strings & vocabulary) >= 2:
                    found.append(f"{where}:{node.lineno} lists {name}")
            if strings & retired:
                found.append(
                    f"{where}:{node.lineno} uses retired codes {sorted(strings & retired)}"
                )
    assert found == []
