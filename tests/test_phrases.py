"""Every sentence a reader sees starts with an upper-case letter or a digit (issue 22): at the start of a paragraph,
a list item, a caption, a text alternative or a table cell the code writes, and after « . », « ! » or « ? ».
Checked on every page (index, report pages, audit pages) of a default run and on the pages of parameter variants
that show other texts (a trial file with a load above the posts, a below-threshold `retours` and `grille`, a split
panel whose alpha is undefined).

What keeps its own case: a quotation (« … »), an identifier (file, parameter, figure id, SHA-256, the package's
name), code (the audit pages' cells), a value read from an input file or a parameter and shown as read, a one-word
cell (« oui », « accord »), a cell under a column title that it continues (« Part des habitants qui… » | « ont
compris … »)."""

from __future__ import annotations

import ast
import csv
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import cli, copier_depot, dossier_de_session
from filelock import FileLock
from texte_visible import blocs_visibles

from cln_analysis import catalogue
from cln_analysis.parametres import parametres_declares

#: A sentence ends with one of these, then a space; not when a closing mark follows (« … ? » or « (… ?) »).
_FIN = re.compile(r"(?<=[.!?…])\s+(?![»)\]])")
#: The first word is an identifier, not a word: a file or path, a figure id, `nom = valeur`, a fingerprint.
_IDENTIFIANT = re.compile(r"^(?:[\w.-]*[_./=][\w./=…-]*|[0-9a-f]{40,}|cln-analysis\b|[a-z_]+ = )")
_OUVRANTS = "\"'([ \u00a0\u202f–—-•"
#: Table cells, checked when the code wrote them (see `fautes`); code (« pre », the audit pages) keeps its case.
_CELLULES = {"td", "th"}
_CODE = {"pre"}


def debuts(texte: str) -> list[str]:
    """The sentences of a block of text, each from its first character."""
    return [texte, *_FIN.split(texte)[1:]]


def en_minuscule(phrase: str) -> bool:
    """A sentence that starts with a lower-case letter (a quotation or an identifier keeps its case)."""
    if phrase.startswith("«"):
        return False
    s = phrase.lstrip(_OUVRANTS)
    return bool(s) and not _IDENTIFIANT.match(s) and s[0].isalpha() and s[0].islower()


class _Continuations(HTMLParser):
    """The text of each cell under a column title that ends with « … » (a title the cell continues)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.continuations: set[str] = set()
        self._titres: list[str] = []
        self._col = -1
        self._texte: list[str] | None = None
        self._dans_entete = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._titres = []
        elif tag == "thead":
            self._dans_entete = True
        elif tag == "tr":
            self._col = -1
        elif tag in ("td", "th"):
            self._col += 1
            self._texte = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._dans_entete = False
        elif tag in ("td", "th") and self._texte is not None:
            texte = re.sub(r"[\s\u00a0\u202f]+", " ", "".join(self._texte)).strip()
            if self._dans_entete:
                self._titres.append(texte)
            elif self._col < len(self._titres) and self._titres[self._col].endswith("…"):
                self.continuations.add(texte)
            self._texte = None

    def handle_data(self, data):
        if self._texte is not None:
            self._texte.append(data)


def valeurs_lues(racine: Path) -> set[str]:
    """Every cell of every input file of data/raw/ and every default parameter value: shown as read."""
    lues: set[str] = set()
    for fichier in (racine / "data/raw").rglob("*.csv"):
        with fichier.open(encoding="utf-8", newline="") as fh:
            lues |= {c.strip() for ligne in csv.reader(fh) for c in ligne}
    for r in catalogue.RAPPORTS:
        lues |= {str(ast.literal_eval(p.defaut)) for p in parametres_declares(r.notebook).values()}
    return lues


def fautes(html: str, lues: set[str]) -> list[str]:
    """The sentences of a page that start in lower case, with the element they are read in."""
    p = _Continuations()
    p.feed(html)
    out = []
    for element, texte in blocs_visibles(html):
        if element in _CODE:
            continue
        if element in _CELLULES and (" " not in texte.strip(_OUVRANTS) or texte in lues or texte in p.continuations):
            continue
        out += [f"{element} : {phrase[:120]}" for phrase in debuts(texte) if en_minuscule(phrase)]
    return out


def titres_vides(html: str) -> list[str]:
    """The headings followed by a heading of the same or a higher level, with nothing read in between."""
    blocs = blocs_visibles(html)
    niveau = {f"h{k}": k for k in range(1, 7)}
    return [texte for (element, texte), (suivant, _) in zip(blocs, blocs[1:], strict=False)
            if element in niveau and suivant in niveau and niveau[suivant] <= niveau[element]]


def test_the_rule_by_hand():
    assert debuts("Un. Deux ? trois ! Quatre") == ["Un. Deux ? trois ! Quatre", "Deux ?", "trois !", "Quatre"]
    assert debuts("« Le service décroche-t-il mieux ? » non mesurable") == [
        "« Le service décroche-t-il mieux ? » non mesurable"]  # the question is quoted: no new sentence
    assert [en_minuscule(s) for s in ("non mesurable", "Non mesurable", "12 %", "« non communiqué » : …",
                                      "(vide)", "— la part", "appels_standard.csv", "donnees = data/raw/a.csv",
                                      "cln-analysis 0.1.0", "é", "É", "a4118d7d2d1fe9505497f93a3459deca5f186089")] == [
        True, False, False, False, True, True, False, False, False, True, False, False]
    html = ('<table><thead><tr><th>Indicateur</th><th>Part des habitants qui…</th><th>Verdict</th></tr></thead>'
            '<tbody><tr><th>a</th><td>ont compris la question</td><td>non mesurable : rien</td></tr></tbody></table>'
            '<p>Un mot. puis la suite.</p><ul><li>le budget primitif</li></ul><p>Deux lignes : oui</p>')
    assert fautes(html, {"rien lu"}) == ["td : non mesurable : rien", "p : puis la suite.", "li : le budget primitif"]


def test_an_empty_heading_by_hand():
    html = ("<h1>Page</h1><h2>Vide</h2><h2>Plein</h2><h3>Sous-titre</h3><p>a</p><h2>Parent</h2><h3>Vide aussi</h3>"
            "<h2>Fin</h2><p>b</p>")
    assert titres_vides(html) == ["Vide", "Vide aussi"]


@pytest.fixture(scope="session")
def variantes(tmp_path_factory) -> dict[str, str]:
    """The pages of runs with parameters that show other texts than the default run (built once per session,
    under a lock every worker shares, and kept on disk: a worker that tears its fixtures down between two
    tests reads them again instead of running the variants a second time)."""
    partage = dossier_de_session(tmp_path_factory)
    pages_dir, fait = partage / "variantes-pages", partage / "variantes.fait"
    with FileLock(str(partage / "variantes.lock")):
        if not fait.exists():
            _construire_variantes(partage / "variantes", pages_dir)
            fait.touch()
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(pages_dir.glob("*.html"))}


def _construire_variantes(racine: Path, pages_dir: Path) -> None:
    shutil.rmtree(racine, ignore_errors=True)
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    racine = copier_depot(racine)
    crit = "usage,coherence,impact_metiers,vie_privee,transparence,fiabilite,environnement,gouvernance"
    partage = "repondant," + crit + "\n" + "".join(f"M{i}," + ",".join(["0" if i < 3 else "4"] * 8) + "\n"
                                                   for i in range(6))
    (racine / "data/raw/notes_partagees.csv").write_text(partage, encoding="utf-8")
    for nom, args in {
        # one run for two variants (a report each): the trial at an unstable load, the others below threshold
        "essai et seuil": ["appels", "retours", "grille", "-p", "appels.donnees=data/raw/appels_essai_exemple.csv",
                           "-p", "appels.duree_moyenne_min=15", "-p", "retours.seuil_publication=50",
                           "-p", "grille.seuil_publication=50"],
        "partage": ["grille", "-p", "notes=data/raw/notes_partagees.csv"],
    }.items():
        res = cli(racine, "run", "--essai", *args)
        assert res.returncode == 0, res.stdout + res.stderr
        for p in (racine / "reports").glob("*.html"):
            (pages_dir / f"{nom} {p.stem}.html").write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (racine / "data/raw/notes_partagees.csv").unlink()


@pytest.mark.e2e
def test_every_sentence_of_every_default_page_starts_upper_case(depot_produit):
    lues = valeurs_lues(depot_produit)
    pages = [*(depot_produit / "reports").glob("*.html"), *(depot_produit / "reports/audit").glob("*.html")]
    trouvees = {str(p.relative_to(depot_produit)): fautes(p.read_text(encoding="utf-8"), lues) for p in pages}
    assert len(trouvees) == 2 * len(catalogue.RAPPORTS) + 1  # the index, each report's page and audit page
    assert {k: v for k, v in trouvees.items() if v} == {}


@pytest.mark.e2e
@pytest.mark.xdist_group("variantes")  # one worker: it does not wait for the other
def test_no_heading_is_left_with_nothing_under_it(variantes, depot_produit):
    """« Le profil de la grille » above the threshold, « Question par question » below it, bilan's sections: every
    heading of every page of the default run and of the variants has something under it."""
    pages = variantes | {p.stem: p.read_text(encoding="utf-8") for p in (depot_produit / "reports").glob("*.html")}
    assert {"essai et seuil appels", "essai et seuil retours", "essai et seuil grille", "essai et seuil bilan",
            "partage grille", "bilan"} <= set(pages)
    assert {nom: v for nom, html in pages.items() if (v := titres_vides(html))} == {}


@pytest.mark.e2e
@pytest.mark.xdist_group("variantes")  # one worker: it does not wait for the other
def test_every_sentence_of_the_variants_starts_upper_case(variantes, depot_produit):
    lues = valeurs_lues(depot_produit)
    trouvees = {nom: fautes(html, lues) for nom, html in variantes.items()}
    assert {k: v for k, v in trouvees.items() if v} == {}


@pytest.mark.xdist_group("variantes")
def test_the_variants_group_reaches_the_scheduler(request):
    """`--dist loadgroup` (make test) sends a group to one worker only when xdist has tagged its tests; with
    pytest 9.2 and pytest-xdist 3.8 it silently stopped doing so (pytest-xdist #1386): the variants then ran
    twice and the browser tests launched two Chromiums."""
    if not getattr(request.config.option, "loadgroup", False):  # set by xdist in its workers for loadgroup
        pytest.skip("sans --dist loadgroup")
    assert request.node.nodeid.endswith("@variantes")
