"""Work done by child processes (`enfants`) and the charts they draw (`dessins`): the same value as computed in
place, a placeholder the runner fills, at most the places given, a failed child's work done again where its error
shows, its warnings kept."""

from __future__ import annotations

import gc
import os
import signal
import warnings

import nbformat
import pytest

from cln_analysis import dessins, enfants, graphiques, publication
from cln_analysis.publication import SortiesAbsentes

pytestmark = pytest.mark.skipif(not enfants.possible(), reason="no child on this system: charts drawn in place")


def _figure(n=3):
    return graphiques.barres_groupees([str(2023 + i) for i in range(n)],
                                      {"Répondus": list(range(1, n + 1)), "Perdus": list(range(n, 0, -1))})


def test_a_child_draws_the_svg_the_kernel_would_have_drawn():
    atelier = dessins.Atelier(1, graphiques.en_svg)
    place = atelier.dessin(_figure(), "g1")
    assert place == "<!--graphique:g1-->"
    dessine = atelier.recueillir()
    assert dessine == {place: graphiques.en_svg(_figure(), "g1")}
    assert atelier.recueillir() == {}  # each child gathered once


def test_every_place_taken_the_chart_waits_for_one():
    lu, ecrit = os.pipe()  # a child draws only once told to: its place is taken meanwhile
    parent = os.getpid()

    def dessiner(fig, prefixe):
        if os.getpid() != parent and prefixe in ("g1", "g2"):
            os.read(lu, 1)
        if os.getpid() == parent and prefixe == "g4":  # drawn here because the child is busy: it may now end
            os.write(ecrit, b"x")
        return f"<svg>{fig} {prefixe} {'enfant' if os.getpid() != parent else 'ici'}</svg>"

    atelier = dessins.Atelier(1, dessiner)
    premier, second = atelier.dessin("barres", "g1"), atelier.dessin("radar", "g2")
    assert (premier, second) == ("<!--graphique:g1-->", "<!--graphique:g2-->")
    assert list(atelier._enfants) == [(premier,)]  # the second waits, its figure kept
    os.write(ecrit, b"x")
    atelier._enfants[(premier,)]._attendre()  # the first child has drawn: its place is free
    troisieme = atelier.dessin("parts", "g3")  # the place freed takes every chart waiting, the new one too
    assert list(atelier._enfants) == [(premier,), (second, troisieme)] and atelier._attente == []
    quatrieme = atelier.dessin("carte", "g4")  # its place taken: it waits, then is drawn here at the end
    dessins_faits = atelier.recueillir()
    assert dessins_faits.pop(quatrieme) == "<svg>carte g4 ici</svg>"
    assert dessins_faits.pop(premier) == "<svg>barres g1 enfant</svg>"
    # the second child's charts: by it, or by this process once published if the child had not begun them
    assert dessins_faits in [{second: f"<svg>radar g2 {a}</svg>", troisieme: f"<svg>parts g3 {b}</svg>"}
                             for a in ("enfant", "ici") for b in ("enfant", "ici")]
    assert atelier.dessin("carte", "g5") == "<!--graphique:g5-->"  # every place free again
    assert atelier.recueillir() in ({"<!--graphique:g5-->": f"<svg>carte g5 {a}</svg>"} for a in ("enfant", "ici"))
    assert dessins.Atelier(0, dessiner).dessin("carte", "g6") == "<svg>carte g6 ici</svg>"  # no place: in place
    os.close(lu), os.close(ecrit)


def test_once_published_the_kernel_draws_the_charts_a_child_has_not_begun():
    # a child given three charts: it draws the first (and waits, told by the kernel's last drawing to go on); the
    # kernel, published, takes the other two from the last, and the child leaves them
    debut_l, debut_e = os.pipe()
    suite_l, suite_e = os.pipe()
    parent = os.getpid()

    def dessiner(fig, prefixe):
        ici = os.getpid() == parent
        if not ici and prefixe == "g1":
            os.read(suite_l, 1)  # the first child: until the test lets it end
        if not ici and prefixe == "g2":
            os.write(debut_e, b"x")  # the second child has taken its first chart
            os.read(suite_l, 1)
        if ici and prefixe == "g3":  # the kernel's last: the child may go on
            os.write(suite_e, b"x")
        return f"<svg>{prefixe} {'ici' if ici else 'enfant'}</svg>"

    atelier = dessins.Atelier(1, dessiner)
    marques = [atelier.dessin("f", f"g{i}") for i in range(1, 5)]  # g1 in a child, g2 to g4 waiting
    os.write(suite_e, b"x")
    atelier._enfants[(marques[0],)]._attendre()
    atelier.avancer()  # between two cells: the place freed takes the three
    assert list(atelier._enfants)[1] == tuple(marques[1:])
    os.read(debut_l, 1)
    assert atelier.recueillir() == {marques[0]: "<svg>g1 enfant</svg>", marques[1]: "<svg>g2 enfant</svg>",
                                    marques[2]: "<svg>g3 ici</svg>", marques[3]: "<svg>g4 ici</svg>"}
    for fd in (debut_l, debut_e, suite_l, suite_e):
        os.close(fd)


def test_a_failed_childs_charts_are_drawn_again_but_none_the_kernel_drew_already():
    # the child takes its first chart, waits until the kernel has taken the two others, then fails: the kernel
    # draws the child's one again, and not its own two a second time (drawing changes a figure)
    debut_l, debut_e = os.pipe()
    suite_l, suite_e = os.pipe()
    parent = os.getpid()
    ici = []

    def dessiner(fig, prefixe):
        if os.getpid() != parent:
            if prefixe == "g1":
                return "<svg>g1</svg>"
            os.write(debut_e, b"x")
            os.read(suite_l, 1)
            raise RuntimeError("le dessin échoue dans l'enfant seulement")
        ici.append(prefixe)
        if prefixe == "g3":
            os.write(suite_e, b"x")
        return f"<svg>{prefixe} ici</svg>"

    atelier = dessins.Atelier(1, dessiner)
    marques = [atelier.dessin("f", f"g{i}") for i in range(1, 5)]
    atelier._enfants[(marques[0],)]._attendre()
    atelier.avancer()
    os.read(debut_l, 1)
    faits = atelier.recueillir()
    assert sorted(ici) == ["g2", "g3", "g4"] and ici.count("g3") == ici.count("g4") == 1
    assert faits == {marques[0]: "<svg>g1</svg>", **{m: f"<svg>g{i} ici</svg>" for i, m in enumerate(marques[1:], 2)}}
    for fd in (debut_l, debut_e, suite_l, suite_e):
        os.close(fd)


def test_the_charts_waiting_take_the_places_freed_between_two_cells():
    from IPython.core.interactiveshell import InteractiveShell

    lu, ecrit = os.pipe()
    parent = os.getpid()

    def dessiner(fig, prefixe):
        if os.getpid() != parent and prefixe == "g1":
            os.read(lu, 1)
        return f"<svg>{prefixe} {'enfant' if os.getpid() != parent else 'ici'}</svg>"

    shell = InteractiveShell.instance()
    try:
        atelier = dessins.Atelier(1, dessiner)
        premier, second = atelier.dessin("a", "g1"), atelier.dessin("b", "g2")
        os.write(ecrit, b"x")
        atelier._enfants[(premier,)]._attendre()
        shell.run_cell("1 + 1")  # the next cell: the place freed takes the chart waiting
        assert list(atelier._enfants) == [(premier,), (second,)] and atelier._attente == []
        # its child ended first: else the kernel, gathering, may take that chart before the child begins (both
        # would be right; the test says which)
        atelier._enfants[(second,)]._attendre()
        assert atelier.recueillir() == {premier: "<svg>g1 enfant</svg>", second: "<svg>g2 enfant</svg>"}
        shell.run_cell("2 + 2")  # gathered: no longer called
    finally:
        InteractiveShell.clear_instance()
        os.close(lu), os.close(ecrit)


def test_a_failed_child_leaves_its_chart_to_the_kernel_with_its_error():
    appels = []

    def fragile(fig, prefixe):
        appels.append(os.getpid())
        if len(appels) == 1 and os.getpid() != parent:  # the child fails (as a killed child would)
            os._exit(3)
        if fig == "erreur":
            raise ValueError("dessin impossible")
        return f"<svg>{prefixe}</svg>"

    parent = os.getpid()
    atelier = dessins.Atelier(2, fragile)
    assert atelier.dessin("bonne", "g1") == "<!--graphique:g1-->"
    assert atelier.recueillir() == {"<!--graphique:g1-->": "<svg>g1</svg>"}  # drawn again here
    assert appels == [parent]  # the child's call is not this process's
    atelier.dessin("erreur", "g2")
    with pytest.raises(ValueError, match="dessin impossible"):  # the error raised here, as without children
        atelier.recueillir()


def test_the_warnings_of_a_childs_drawing_are_shown_in_the_kernel():
    def avertit(fig, prefixe):
        warnings.warn("Glyph 128512 missing from font(s) DejaVu Sans.", UserWarning, stacklevel=1)
        return "<svg></svg>"

    atelier = dessins.Atelier(1, avertit)
    atelier.dessin(None, "g1")
    with warnings.catch_warnings(record=True) as vus:
        warnings.simplefilter("always")
        atelier.recueillir()
    assert [(w.category, str(w.message)) for w in vus] == [(UserWarning, "Glyph 128512 missing from font(s) DejaVu "
                                                                         "Sans.")]


def test_the_places_come_from_the_environment(monkeypatch):
    # only a kernel the runner started (it holds the run's salt) draws on children: the runner alone puts the
    # drawings in place, so a kernel of JupyterLab draws in place whatever its shell exported
    from cln_analysis import balayage

    monkeypatch.delenv(balayage.VARIABLE_SEL, raising=False)
    monkeypatch.setenv(dessins.VARIABLE, "1")
    assert dessins.places_de_l_environnement() == 0
    monkeypatch.setenv(balayage.VARIABLE_SEL, "ab" * 16)
    for valeur, places in (("1", 1), ("0", 0), ("deux", 0), ("-1", 0), ("500", len(os.sched_getaffinity(0)))):
        monkeypatch.setenv(dessins.VARIABLE, valeur)
        assert dessins.places_de_l_environnement() == places
    monkeypatch.delenv(dessins.VARIABLE)
    assert dessins.places_de_l_environnement() == 0
    assert dessins.places_libres() == len(os.sched_getaffinity(0)) - 1


def test_no_child_to_be_had_the_chart_is_drawn_in_place(monkeypatch):
    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    assert enfants.lancer(len, "abc") is None
    assert dessins.Atelier(1, lambda fig, prefixe: f"<svg>{prefixe}</svg>").dessin(None, "g1") == "<svg>g1</svg>"


def test_a_child_leaves_what_it_inherited_out_of_its_collectors_rounds():
    gc.unfreeze()
    avant = gc.get_freeze_count()
    enfant = enfants.lancer(gc.get_freeze_count)
    try:
        geles = enfant.resultat()
    finally:
        enfant.fermer()
    assert geles > 1000 and gc.get_freeze_count() == avant == 0  # the caller's objects, in the child only


def test_what_a_child_writes_to_its_descriptors_reaches_nobody(capfd):
    def bavard():
        os.write(1, b"sortie du fils /tmp/x\n")
        os.write(2, b"erreur du fils\n")
        print("print du fils")
        return 7

    assert enfants.lancer(bavard).resultat() == 7
    sortie, erreur = capfd.readouterr()
    assert (sortie, erreur) == ("", "")


def test_a_chart_made_after_publier_is_drawn_in_place(monkeypatch):
    from cln_analysis import balayage
    from cln_analysis.rapport import Rapport

    monkeypatch.setenv(balayage.VARIABLE_SEL, "ab" * 16)
    monkeypatch.setenv(dessins.VARIABLE, "1")
    monkeypatch.setattr(graphiques, "en_svg", lambda fig, prefixe: f"<svg>{prefixe}</svg>")
    monkeypatch.setattr("cln_analysis.rapport.display", lambda *a, **k: None)
    r = Rapport("budget", annee=2025, donnees="data/raw/budget_mandate.csv", denominateur="mandate",
                population=None, budget_primitif="data/raw/budget_primitif.csv", territoire="data/raw/territoire.csv",
                lignes=None, perimetre="data/raw/budget_perimetre.csv")
    assert "<!--graphique:g1-->" in r.graphique(None, "Un graphique", "Légende")
    r.publier()
    assert r._dessines == {"<!--graphique:g1-->": "<svg>g1</svg>"}
    assert "<svg>g2</svg>" in r.graphique(None, "Un autre", "Légende")  # after publier: in place
    r.publier()  # a second hand-over still carries the first drawing
    assert r._dessines == {"<!--graphique:g1-->": "<svg>g1</svg>"}


def _notebook(html: str):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    nb.cells = [cell]
    return nb


def test_the_runner_writes_each_drawing_at_its_placeholder():
    nb = _notebook('<figure><div role="img"><!--graphique:g1--></div></figure><p>et</p><!--graphique:g2-->')
    publication._placer_graphiques(nb, {"<!--graphique:g1-->": "<svg>un</svg>", "<!--graphique:g2-->": "<svg>2</svg>"})
    assert nb.cells[0].outputs[0]["data"]["text/html"] == ('<figure><div role="img"><svg>un</svg></div></figure>'
                                                           "<p>et</p><svg>2</svg>")
    with pytest.raises(SortiesAbsentes, match="graphique g3 n'est pas dans les sorties"):  # lost without a word
        publication._placer_graphiques(_notebook("<!--graphique:g3-->"), {})
    # the plain text beside the HTML (its repr) and any other text output too: the published notebook holds no
    # placeholder
    nb = _notebook("<p><!--graphique:g1--></p>")
    nb.cells[0].outputs[0]["data"]["text/plain"] = ["Html('<p>", "<!--graphique:g1--></p>')"]
    nb.cells[0].outputs[0]["data"]["text/markdown"] = "<!--graphique:g1-->"
    publication._placer_graphiques(nb, {"<!--graphique:g1-->": "<svg>un</svg>"})
    assert dict(nb.cells[0].outputs[0]["data"]) == {"text/html": "<p><svg>un</svg></p>",
                                                     "text/plain": "Html('<p><svg>un</svg></p>')",
                                                     "text/markdown": "<svg>un</svg>"}
    # the plain text as IPython writes a string's (its Python repr): the drawing's line breaks, quotes and narrow
    # spaces escaped as they would have been had the kernel drawn it
    dessin = '<svg aria-label="l\'axe">\n<text>1\u202f000\xa0€</text>\n</svg>'
    page = '<figure class="graphique">{}</figure>'
    nb = _notebook(page.format("<!--graphique:g1-->"))
    nb.cells[0].outputs[0]["data"]["text/plain"] = repr(page.format("<!--graphique:g1-->"))
    publication._placer_graphiques(nb, {"<!--graphique:g1-->": dessin})
    assert nb.cells[0].outputs[0]["data"]["text/plain"] == repr(page.format(dessin))
    assert "\n" not in nb.cells[0].outputs[0]["data"]["text/plain"]  # one line, as the kernel's


def test_a_child_computes_what_the_caller_would_and_gives_it_once():
    def travail(n, texte):
        return {"n": n * 2, "texte": texte.upper(), "pid": os.getpid()}

    e = enfants.Enfant(travail, 21, "classeur")
    valeur = e.resultat()
    assert (valeur["n"], valeur["texte"]) == (42, "CLASSEUR") and valeur["pid"] != os.getpid()  # by the child
    assert e.fini() and e.resultat() is valeur
    e.fermer()  # after its value: nothing more to wait for


def test_a_child_that_cannot_pickle_its_value_leaves_it_to_the_caller():
    e = enfants.Enfant(lambda: (lambda: os.getpid()))  # a function cannot be pickled: computed here
    assert e.resultat()() == os.getpid()


def test_a_kernel_alone_gets_the_idle_cores_for_its_charts(monkeypatch):
    # the runner's word to each kernel: the cores it leaves idle when no other kernel runs beside it, else none;
    # a value in the runner's own environment is kept (the tests' 0, an officer's choice)
    from jupyter_client.manager import KernelManager

    from cln_analysis import executeur

    vus = []
    monkeypatch.setattr(KernelManager, "start_kernel", lambda km, **kw: vus.append(kw["env"].get(dessins.VARIABLE)))
    monkeypatch.delenv(dessins.VARIABLE)
    executeur.demarrer_noyau(debug=True, seul=True)
    executeur.demarrer_noyau(debug=True, seul=False)
    monkeypatch.setenv(dessins.VARIABLE, "0")
    executeur.demarrer_noyau(debug=True, seul=True)
    assert vus == [str(len(os.sched_getaffinity(0)) - 1), "0", "0"]


def test_a_child_that_never_ends_is_stopped_and_its_value_computed_by_the_caller(monkeypatch):
    # a child that waits forever (as one that met, at the fork, a lock another thread held): stopped once the
    # caller has waited ATTENTE seconds, the value then computed by the caller
    parent = os.getpid()

    def travail():
        if os.getpid() != parent:
            signal.pause()  # the child: never ends by itself
        return "calculé ici"

    monkeypatch.setattr(enfants, "ATTENTE", 0.2)
    e = enfants.Enfant(travail)
    assert e.resultat() == "calculé ici"
    assert os.waitstatus_to_exitcode(e._statut) == -signal.SIGKILL  # stopped, and waited for: no zombie left
    with pytest.raises(ProcessLookupError):
        os.kill(e.pid, 0)
