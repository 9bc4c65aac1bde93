"""No import cycle anywhere in the repository: a cycle means two modules that can only be
understood (and imported) together, usually a long file split in two whose halves still need
each other."""

from __future__ import annotations

from conftest import ROOT
from import_graph import cycles, graph


def test_the_repository_has_no_import_cycle():
    assert cycles(graph(ROOT)) == []


def test_the_check_finds_a_cycle_through_a_function_level_and_a_type_checking_import(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cart.py").write_text("def total():\n    from shop.prices import price\n")
    (package / "prices.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .cart import total\n"
    )
    (package / "alone.py").write_text("import shop.cart\n")
    assert cycles(graph(tmp_path)) == [["shop.cart", "shop.prices"]]
