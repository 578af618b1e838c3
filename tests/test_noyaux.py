"""Kernels started ahead and warmed: the warming imports what the notebook imports, silently."""

import gc
import json
import queue
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from jupyter_client.utils import run_sync  # as jupyter_client's blocking client runs it

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
    try:
        exec(code, namespace)
        # and leaves what the kernel holds then out of the collector's rounds
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this test's process: collected as before
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


@pytest.mark.parametrize("ou", ["apres_le_premier", "avant_son_enregistrement"])
def test_a_ctrl_c_while_the_reserve_starts_its_kernels_stops_them_and_their_warming(tmp_path, monkeypatch, ou):
    # Ctrl-C lands while the reserve's first kernels start (its constructor has not returned: the run has no reserve
    # to close): every kernel started is stopped and no warming thread is left waiting (it kept the process from
    # exiting after « Interrompu » for up to two minutes)
    nb = tmp_path / "n.ipynb"
    nb.write_text(json.dumps({"cells": []}), encoding="utf-8")
    demarres, arretes, soumis = [], [], []

    def demarrer():
        demarres.append(_Noyau(mort=False))
        if ou == "apres_le_premier" and len(demarres) == 2:
            raise KeyboardInterrupt
        return demarres[-1]

    if ou == "avant_son_enregistrement":
        monkeypatch.setattr(noyaux, "code_prechauffage", lambda imports: (_ for _ in ()).throw(KeyboardInterrupt))
    reel = ThreadPoolExecutor.submit

    def soumettre(self, *args, **kwargs):
        soumis.append(reel(self, *args, **kwargs))
        return soumis[-1]

    monkeypatch.setattr(ThreadPoolExecutor, "submit", soumettre)
    with pytest.raises(KeyboardInterrupt):
        noyaux.Reserve([("a", nb), ("b", nb)], 2, demarrer, arretes.append)
    attendus = demarres[:1]  # the kernel its start was cut short in never was one (`demarrer` raised)
    assert arretes == attendus
    assert all(f.done() for f in soumis)  # every warming ended with the reserve (`fermer` waits for them)


def test_the_reports_sure_to_run_in_a_later_wave():
    from cln_analysis import executeur

    # bilan reads appels, retours and grille: redone when one of them is, whatever else runs
    assert executeur._surs([["bilan"]], {"appels"}) == ["bilan"]
    assert executeur._surs([["bilan"]], {"cvs", "budget"}) == []
    assert executeur._surs([["bilan"]], set(), forces={"bilan"}) == ["bilan"]  # run bilan --force


# --- the ready check without its idle fifth of a second ----------------------------------------------------------

class _Canal:
    """A channel holding `messages` (None: one poll that finds nothing); it notes each wait it is asked for."""

    def __init__(self, messages):
        self.messages, self.attentes = list(messages), []

    def get_msg(self, timeout=None):
        self.attentes.append(timeout)
        if self.messages and self.messages[0] is not None:
            return self.messages.pop(0)
        if self.messages:
            self.messages.pop(0)
        raise queue.Empty


class _Client:
    """What `wait_for_ready` uses of a kernel client: its shell and IOPub channels, `kernel_info`, `is_alive`."""

    def __init__(self, shell, iopub, vivant=True):
        self.shell_channel, self.iopub_channel = _Canal(shell), _Canal(iopub)
        self.vivant, self.demandes, self.info, self.parent = vivant, 0, None, None
        self._hb_channel = None

    def kernel_info(self):
        self.demandes += 1

    async def _async_is_alive(self):
        return self.vivant

    def _handle_kernel_info_reply(self, msg):
        self.info = msg


def _scenario():
    reponse = {"msg_type": "kernel_info_reply", "content": {"status": "ok"}}
    # an answer to something else first; then the reply with IOPub not yet connected (nothing comes), so all
    # again; then the reply, IOPub's status messages, and one more
    return ([{"msg_type": "execute_reply"}, reponse, reponse],
            [None, {"msg_type": "status"}, {"msg_type": "status"}, {"msg_type": "stream"}])


def test_the_ready_check_is_jupyter_clients_without_its_last_wait():
    """Cross-check with jupyter_client's own `wait_for_ready` on the same kernel: the same requests, the same
    reply taken, every IOPub message drained; only the drain's waits differ (0,2 s each there, none here)."""
    from jupyter_client.client import KernelClient

    leur, notre = _Client(*_scenario()), _Client(*_scenario())
    run_sync(KernelClient._async_wait_for_ready)(leur, timeout=10)
    run_sync(noyaux._pret)(notre, timeout=10)
    assert notre.demandes == leur.demandes == 3 and notre.info == leur.info and notre.info["msg_type"]
    assert notre.iopub_channel.messages == leur.iopub_channel.messages == []
    assert leur.iopub_channel.attentes == [0.2, 0.2, 0.2, 0.2, 0.2]  # its drain ends on a wait that times out
    assert notre.iopub_channel.attentes == [0.2, 0.2, 0, 0, 0]


def test_the_ready_check_says_when_the_kernel_has_died_or_never_answers():
    with pytest.raises(RuntimeError, match="died"):
        run_sync(noyaux._pret)(_Client([None], [], vivant=False), timeout=10)
    with pytest.raises(RuntimeError, match="respond"):
        run_sync(noyaux._pret)(_Client([None], []), timeout=0)


def test_the_runners_clients_use_that_check():
    """The warming's blocking client and the one nbclient gets: the same check, as each calls it."""
    bloquant, asynchrone = noyaux.clients()
    client = _Client(*_scenario())
    bloquant.wait_for_ready(client, timeout=10)
    assert client.iopub_channel.attentes == [0.2, 0.2, 0, 0, 0]
    client = _Client(*_scenario())
    run_sync(asynchrone.wait_for_ready)(client, timeout=10)
    assert client.iopub_channel.attentes == [0.2, 0.2, 0, 0, 0]
