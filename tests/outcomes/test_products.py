"""The cell-product vocabulary, `cellpath.outcomes.products`: one code and one label per value,
and no Django (that no other module lists it again: tests/test_structure.py)."""

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
