"""Kernels started ahead and warmed: the warming imports what the notebook imports, silently."""

import json
import sys

from cln_analysis import catalogue, noyaux


def test_the_warming_imports_what_each_notebook_imports(tmp_path):
    imports = noyaux.imports_du_notebook(catalogue.par_id("grille").notebook)
    assert ("cln_analysis.rapport", ("Rapport",)) in imports
    assert ("cln_analysis", ("feuilles", "grille")) in imports and ("cln_analysis.textes", ("grille",)) in imports
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


class _Processus:
    def __init__(self, code):
        self.code = code

    def poll(self):
        return self.code


class _Noyau:
    """A kernel manager whose process has already ended (`mort`) or runs; it has no channel to talk on."""

    def __init__(self, mort: bool):
        self.provisioner = type("P", (), {"process": _Processus(1 if mort else None)})()

    def get_connection_info(self):
        raise RuntimeError("pas de canal")


def test_a_kernel_dead_before_it_is_ready_is_replaced(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text(json.dumps({"cells": []}), encoding="utf-8")
    demarres, arretes = [], []

    def demarrer():
        demarres.append(_Noyau(mort=not demarres))  # the first one dies (a port taken by another kernel)
        return demarres[-1]

    reserve = noyaux.Reserve([("a", nb), ("b", nb)], 1, demarrer, arretes.append)
    km = reserve.prendre("a")
    assert arretes == [demarres[0]] and km is demarres[-1] and km is not demarres[0]
    reserve.fermer()
    assert len(arretes) == 2  # b's kernel, started ahead and never taken, is stopped too


def test_a_later_wave_is_added_once_and_started_ahead(tmp_path):
    nb = tmp_path / "n.ipynb"
    nb.write_text(json.dumps({"cells": []}), encoding="utf-8")
    demarres, arretes = [], []

    def demarrer():
        demarres.append(_Noyau(mort=False))
        return demarres[-1]

    reserve = noyaux.Reserve([("a", nb)], 1, demarrer, arretes.append)
    assert len(demarres) == 1
    reserve.ajouter([("a", nb), ("b", nb), ("c", nb)])  # a is started already: not added twice
    assert reserve.prendre("a") is demarres[0] and len(demarres) == 2  # b's kernel boots as a takes its own
    assert reserve.prendre("b") is demarres[1] and len(demarres) == 3  # then c's
    reserve.fermer()
    assert arretes == [demarres[2]]  # c turned out up to date: its kernel, never taken, is stopped


def test_the_reports_sure_to_run_in_a_later_wave():
    from cln_analysis import executeur

    # bilan reads appels, retours and grille: redone when one of them is, whatever else runs
    assert executeur._surs([["bilan"]], {"appels"}) == ["bilan"]
    assert executeur._surs([["bilan"]], {"cvs", "budget"}) == []
    assert executeur._surs([["bilan"]], set(), forces={"bilan"}) == ["bilan"]  # run bilan --force
