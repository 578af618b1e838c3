"""Kernels started ahead and warmed: the warming imports what the notebook imports, silently."""

import json
import sys

from cln_analysis import catalogue, noyaux


def test_the_warming_imports_what_each_notebook_imports(tmp_path):
    imports = noyaux.imports_du_notebook(catalogue.par_id("grille").notebook)
    assert ("cln_analysis.rapport", ("Rapport",)) in imports
    assert ("cln_analysis", ("feuilles", "graphiques", "grille", "rendu")) in imports
    nb = {"cells": [{"cell_type": "code", "source": "%matplotlib inline"},
                    {"cell_type": "code", "source": ["import json, csv\n", "from os import path as p\n", "x = 1"]},
                    {"cell_type": "markdown", "source": "import faux"}]}
    (tmp_path / "n.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert noyaux.imports_du_notebook(tmp_path / "n.ipynb") == [("json", ()), ("csv", ()), ("os", ("path",))]


def test_the_warming_binds_no_name_and_survives_a_missing_module():
    code = noyaux.code_prechauffage([("colorsys", ()), ("module_qui_n_existe_pas", ()), ("colorsys", ())])
    assert code.count("colorsys") == 1
    namespace: dict = {}
    exec(code, namespace)
    assert set(namespace) == {"__builtins__"} and "colorsys" in sys.modules


def test_executed_notebooks_count_from_one(depot_produit):
    """The warming runs outside the history: the executed notebook's cells are numbered from 1."""
    for rid in catalogue.ids():
        nb = json.loads((depot_produit / "reports/notebooks" / f"{rid}.ipynb").read_text(encoding="utf-8"))
        counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
        assert counts == list(range(1, len(counts) + 1)), rid
