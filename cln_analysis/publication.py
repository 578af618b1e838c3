"""Publishing: a report's outputs (pages, executed notebook, tables) and the site index.

Pages are one self-contained file each: the stylesheet is inlined, charts are data URIs, nothing
is requested from any other host. Report pages come from nbconvert with the project's own template
(`templates/cln/`), the index from `templates/site/index.html.j2`; both escape through Jinja's
autoescape (markupsafe, like `rendu.e`). The downloadable tables are copied to `reports/donnees/`
so that the `reports/` folder publishes as it is.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import json
import os
import re
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import __version__, balayage, catalogue, config, enfants, exports, figures_csv, formats, remise, typographie
from .fichiers import Lot, ecrire_atomique, sha256
from .sorties import MIME, MIME_REMISE, EtatRapport, FormeInvalide, Publie, Sorties

FIGURES_TELECHARGEMENT = "figures.csv"


@lru_cache(maxsize=1)
def _css() -> str:
    return config.STYLESHEET.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _exporter(audit: bool):
    from nbconvert import HTMLExporter  # slow to import: only once a notebook has run
    from nbconvert.exporters.templateexporter import TemplateExporter  # with nbconvert
    from nbconvert.filters.highlight import Highlight2HTML  # with nbconvert
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter  # with nbconvert

    class Exporteur(HTMLExporter):
        """nbconvert's HTML exporter without its last pass, which parses the whole page again (BeautifulSoup:
        about a second for a large page) to give an English alt text to images without one and a tabindex to
        JupyterLab's cell classes: the house template writes neither those classes nor an image without its
        French alt text (tests/test_navigateur.py checks every image of every page)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return Exporteur(
        template_name="cln", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        exclude_input=not audit, exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True,
        # the notebook is validated once, after every preprocessor, not after each of its eleven (0,1 s a page)
        optimistic_validation=True,
    )


@lru_cache(maxsize=1)
def _site() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(config.SITE_TEMPLATES_DIR),
                              autoescape=True, keep_trailing_newline=True)


def preparer() -> None:
    """Build both exporters now (nbconvert's import is slow), while the kernels run."""
    _exporter(False)
    _exporter(True)


class SortiesAbsentes(Exception):
    """The executed notebook handed no outputs (it did not call `rapport.publier()`, or they are malformed)."""


def extraire_sorties(nb, dossier: remise.Dossier | None = None) -> Sorties:
    """Take the runner's outputs out of the executed notebook (they are not shown in the pages): the text displayed,
    or the file of the run's folder `dossier` it was handed over in (`remise`)."""
    donnees = par_fichier = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if MIME in data or MIME_REMISE in data:
                donnees, par_fichier = (data[MIME], None) if MIME in data else (None, data[MIME_REMISE])
            else:
                kept.append(out)
        cell["outputs"] = kept
    if donnees is None and par_fichier is None:
        raise SortiesAbsentes("le notebook n'a pas appelé rapport.publier() : aucune sortie à écrire")
    try:
        if par_fichier is not None:
            if dossier is None:
                raise remise.RemiseInvalide("remise par fichier sans dossier d'exécution")
            donnees = dossier.reprendre(par_fichier)
        if isinstance(donnees, str):  # as `Rapport.publier` hands them: one JSON text
            donnees = json.loads(donnees)
        sorties = Sorties.depuis_json(donnees)
    except remise.RemiseInvalide as exc:
        raise SortiesAbsentes(f"sorties du notebook illisibles ({exc})") from None
    except json.JSONDecodeError:
        raise SortiesAbsentes("sorties du notebook illisibles (JSON invalide)") from None
    except FormeInvalide as exc:
        raise SortiesAbsentes(str(exc)) from None
    _placer_graphiques(nb, sorties.graphiques)
    return sorties


#: `dessins.marque`, the placeholder of a chart a child of the kernel drew
_MARQUE_GRAPHIQUE = re.compile(r"<!--graphique:g\d+-->")


def _placer_graphiques(nb, graphiques: dict[str, str]) -> None:
    """Each chart a child of the kernel drew (`dessins`) written in place of its placeholder, in every text of the
    notebook's outputs (its HTML, and the plain text that goes with it), before anything reads them: the notebook and
    its pages as if the kernel had drawn it. A placeholder left without its drawing is refused: the page would lose a
    chart without a word."""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            for mime, texte in out.get("data", {}).items():
                texte = "".join(texte) if isinstance(texte, list) else texte
                if not isinstance(texte, str) or "<!--graphique:" not in texte:
                    continue
                manquants = [m for m in _MARQUE_GRAPHIQUE.findall(texte) if m not in graphiques]
                if manquants:
                    raise SortiesAbsentes(
                        f"le graphique {manquants[0][len('<!--graphique:'):-3]} n'est pas dans les sorties du "
                        "notebook (dessiné après rapport.publier() ?)")
                out["data"][mime] = _en_place(texte, graphiques, mime == "text/plain")


def _en_place(texte: str, graphiques: dict[str, str], repr_texte: bool) -> str:
    """`texte` with each placeholder replaced by its SVG. The plain text of an HTML fragment is the Python repr of
    its string (`'<figure …'`, escapes and all): the SVG goes into the string it shows, and the repr is made again,
    as the kernel would have printed it had it drawn the chart itself."""
    def remplacer(t: str) -> str:
        return _MARQUE_GRAPHIQUE.sub(lambda m: graphiques[m.group()], t)

    if repr_texte:
        try:
            chaine = ast.literal_eval(texte)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            chaine = None
        if isinstance(chaine, str):
            return repr(remplacer(chaine))
    return remplacer(texte)


def _niveau_titre(cell) -> int | None:
    """The level of a markdown cell that is only a heading (`## Selon l'âge` → 2), else None."""
    texte = "".join(cell.source).strip() if isinstance(cell.source, list) else cell.source.strip()
    m = re.fullmatch(r"(#{1,6})\s+[^\n]+", texte)
    return len(m.group(1)) if cell.cell_type == "markdown" and m else None


def _niveau_ouvrant(cell) -> int | None:
    """The level of the heading a markdown cell starts with (`## Méthode` then its text → 2), else None."""
    texte = "".join(cell.source).strip() if isinstance(cell.source, list) else cell.source.strip()
    m = re.match(r"(#{1,6})\s+\S", texte)
    return len(m.group(1)) if cell.cell_type == "markdown" and m else None


def _sans_titres_vides(cells: list) -> list:
    """The cells without the headings that have nothing under them (a section the data left empty, e.g. « Selon
    l'âge » below the secrecy threshold): a heading stays when a cell before the next heading of its level or
    above (alone in its cell or opening a cell of text) is markdown text or a code cell with an output."""
    garder = []
    for i, c in enumerate(cells):
        niveau = _niveau_titre(c)
        if niveau is None:
            garder.append(c)
            continue
        for d in cells[i + 1:]:
            n = _niveau_ouvrant(d)
            if n is not None and n <= niveau:
                break
            if (d.cell_type == "markdown" and n is None and "".join(d.source).strip()) or (
                    d.cell_type == "code" and d.get("outputs")):
                garder.append(c)
                break
    return garder


def taille_fichier(octets: int) -> str:
    """A file's size as a download link gives it, in French, rounded up (`12 Ko`, `1,2 Mo`; never `0 Ko`)."""
    from .arrondi import arrondi_haut  # with formats, already loaded: kept beside its one use

    if octets >= 1_000_000:
        return f"{formats.nombre(arrondi_haut(octets / 1_000_000, 1), 1)}\u00a0Mo"
    return f"{formats.entier(max(1, arrondi_haut(octets / 1000)))}\u00a0Ko"


def fichiers_csv(rapport: catalogue.DefinitionRapport, classeur: bytes) -> dict[str, tuple[str, bytes]]:
    """The CSV files for French Excel of a report, from its workbook (the page's titles, words and precision):
    download name → (the table's caption, content), in the workbook's order."""
    noms = {exports.nom_feuille(f.stem): f.name for f in sorted(rapport.dossier_tableaux.glob("*.csv"))}
    feuilles = exports.feuilles_du_classeur(classeur, noms)  # a sheet without a table (every budget line) unread
    return {rapport.telechargement(noms[n]): (f.legende, exports.csv_feuille(f))
            for n, f in feuilles.items() if n in noms}


def _telechargements(rapport: catalogue.DefinitionRapport, sorties: Sorties, classeur: bytes, page) -> str:
    """The downloads block of a report page: its workbook and each table's CSV, with their sizes."""
    dossier = config.DOWNLOADS_DIR
    tableaux = [{"lien": _lien(page, dossier / rapport.telechargement(f"{nom}.csv")), "legende": f.legende,
                 "taille": taille_fichier(len(exports.csv_feuille(f)))} for nom, f in sorties.classeur.items()
                if f"{nom}.csv" in sorties.tableaux]  # a sheet of the workbook only (every budget line) has no CSV
    lien = {"lien": _lien(page, dossier / rapport.classeur.name), "taille": taille_fichier(len(classeur))}
    return _site().get_template("telechargements.html.j2").render(
        classeur=lien if sorties.classeur else None, tableaux=tableaux).strip()


def page_rapport(nb, rapport: catalogue.DefinitionRapport, sorties: Sorties, quand: dt.datetime, audit: bool,
                 classeur: bytes | None = None, telechargements: bool = False) -> str:
    """The public (or audit) HTML page of an executed notebook; with its workbook, the links to its downloads
    sit after its tables, before « Traçabilité ». `telechargements` without `classeur`: their placeholder only
    (`placer_telechargements` puts them there once a child has written a large workbook, meanwhile)."""
    from .rendu import AUDIT_SEULEMENT, PUBLIC_SEULEMENT, tableau_long_html  # rendu loads pandas: only once a
    # notebook has run

    debut, fin = PUBLIC_SEULEMENT if audit else AUDIT_SEULEMENT
    autre_version = re.compile(re.escape(debut) + ".*?" + re.escape(fin), flags=re.S)
    nb = copy.deepcopy(nb)
    cachees = {"note-jupyterlab"} if audit else {"note-jupyterlab", "audit-seulement"}  # the note is for JupyterLab
    nb.cells = _sans_titres_vides([c for c in nb.cells if not cachees & set(c.metadata.get("tags", []))])
    for cell in nb.cells:  # the other version's parts left out before nbconvert parses the page (the audit's
        for out in cell.get("outputs", []):  # every digital budget line is no work for the public page)
            html = out.get("data", {}).get("text/html")
            if html is not None:
                html = "".join(html) if isinstance(html, list) else html
                out["data"]["text/html"] = autre_version.sub("", html)
    titre = sorties.titre or rapport.titre  # a report may title itself from its data (years covered)
    titre_page = f"{titre} — {'audit — ' if audit else ''}Conseil local du numérique de Roubaix"
    page = rapport.page_audit if audit else rapport.page
    resources = {"cln": {
        "id": rapport.id, "titre": titre, "titre_page": titre_page, "description": rapport.description,
        "date": formats.date_longue(quand), "date_iso": quand.date().isoformat(), "version": __version__,
        "audit": audit, "css": _css(), "fictif": sorties.fictif, "titre_css": _chaine_css(titre),
        "texte_fictif": sorties.texte_fictif or rapport.banniere,
        "lien_index": _lien(page, config.INDEX_HTML),
        "lien_autre": _lien(page, rapport.page if audit else rapport.page_audit),
    }}
    body, _ = _exporter(audit).from_notebook_node(nb, resources=resources)
    body = autre_version.sub("", body)  # what a template or a markdown cell holds of the other version
    if (classeur is not None or telechargements) and sorties.classeur:
        ancre = re.search(r'<section[^>]*\bclass="tracabilite"', body) or re.search("</main>", body)
        body = body[: ancre.start()] + _MARQUE_TELECHARGEMENTS + body[ancre.start() :]
    # the long tables last, at their placeholders: nbconvert never parses them, nor typographie.html (each of
    # their texts is given French spacing once, with the same result)
    longs = sorties.tableaux_longs
    body = _MARQUE_TABLEAU_LONG.sub(lambda m: tableau_long_html(longs[m.group(1)]) if m.group(1) in longs else "",
                                    typographie.html(body))
    return body if classeur is None else placer_telechargements(body, rapport, sorties, classeur, audit)


#: Where a page's downloads block goes (`page_rapport`, `placer_telechargements`)
_MARQUE_TELECHARGEMENTS = "<!--telechargements-->"


def placer_telechargements(page_html: str, rapport: catalogue.DefinitionRapport, sorties: Sorties, classeur: bytes,
                           audit: bool) -> str:
    """The page with its downloads block (links and sizes: the workbook's is known once written) in place of its
    placeholder; French spacing given to the block as to the rest of the page (it sits between two sections)."""
    if _MARQUE_TELECHARGEMENTS not in page_html:
        return page_html
    page = rapport.page_audit if audit else rapport.page
    bloc = typographie.html(_telechargements(rapport, sorties, classeur, page))
    return page_html.replace(_MARQUE_TELECHARGEMENTS, bloc, 1)


#: A workbook of this many rows or more is written by a child while the pages are rendered (a report's usual tables,
#: a few hundred rows, are written faster than a child starts)
CLASSEUR_A_COTE = 5_000

#: `sorties.TableauLong.marque`, the placeholder of a long table
_MARQUE_TABLEAU_LONG = re.compile(r"<!--tableau-long:(\w+)-->")


def _chaine_css(texte: str) -> str:
    """`texte` as a quoted CSS string (the report's title in the printed page's margin): quotes, backslashes
    and line ends escaped, and `<` too, so that the string can never close the page's `<style>`."""
    echappe = re.sub(r'["\\<\n\r]', lambda m: "\\%x " % ord(m.group()), texte)
    return f'"{echappe}"'


def _lien(depuis, vers) -> str:
    """The relative link from one published file to another."""
    return os.path.relpath(vers, depuis.parent).replace("\\", "/")


class FuitesTrouvees(Exception):
    """The last scan found, in a report's staged outputs, what must not be published: nothing of it is swapped in.
    The message names each output file and the kind of leak, never what leaked."""

    def __init__(self, fuites: list[balayage.Fuite]):
        self.fuites = fuites
        super().__init__("publication arrêtée par la dernière vérification : "
                         + " ".join(f.message() for f in fuites))


def _racines() -> tuple[str, ...]:
    return _racines_de(config.ROOT)


@lru_cache(maxsize=4)
def _racines_de(_root: object) -> tuple[str, ...]:
    return tuple(balayage.racines_par_defaut())


def balayer_a_cote(octets: bytes, suffixe: str, collecteur) -> enfants.Enfant | None:
    """The bytes of a file about to be staged, when large (`BALAYAGE_A_COTE`: the audit page of a large city's every
    budget line, 9 Mo), given now to a child that scans them as `verifier_avant_publication` would scan the staged
    file (`balayage.natures_du_contenu`), while this process stages it and the others: the child, whose kinds of
    leak `verifier_avant_publication` waits for; None when they are small or no child can be had (scanned there)."""
    if len(octets) < BALAYAGE_A_COTE:
        return None
    return enfants.lancer(balayage.natures_du_contenu, octets, suffixe, collecteur, _racines())


def _classeur_balaye(classeur: dict, collecteur, racines) -> tuple[bytes, set[str]]:
    """A workbook's bytes (`exports.classeur_excel`) and the kinds of leak the last scan finds in them."""
    octets = exports.classeur_excel(classeur)
    return octets, balayage.natures_du_contenu(octets, ".xlsx", collecteur, racines)


def _natures_du_fichier(path: Path, collecteur, racines) -> set[str]:
    return balayage.natures_du_contenu(path.read_bytes(), path.suffix, collecteur, racines)


def verifier_avant_publication(lot: Lot, textes_etat: dict[str, str], collecteur,
                               a_cote: tuple[tuple, enfants.Enfant] | None = None,
                               balayes: dict[Path, set[str]] | None = None) -> list[balayage.Fuite]:
    """The last scan: every staged output of `lot` (HTML, notebook, CSV, workbook unzipped) and the state's
    texts (`textes_etat`: name → text) searched for the personal strings of this run, local paths, Python
    tracebacks and warnings. Each finding names the output it would have replaced. `a_cote`: (a staged file, the
    child that scans its bytes already, `balayer_a_cote`), its findings waited for here (the child is closed).
    `balayes`: {target: kinds of leak} of outputs whose bytes, those staged, were scanned already (a large
    workbook, by the child that wrote it)."""
    balayes = balayes or {}
    fuites = set()
    prepares = lot.prepares()
    if a_cote is None:
        # the largest file, when large, scanned by a child on the core the run leaves idle by then, while this
        # process scans the others (`enfants`: scanned here if the child fails)
        grand = max((p for p in prepares if p[1] not in balayes), key=lambda p: p[0].stat().st_size, default=None)
        if grand is not None and grand[0].stat().st_size >= BALAYAGE_A_COTE:
            enfant = enfants.lancer(_natures_du_fichier, grand[0], collecteur, _racines())
            a_cote = None if enfant is None else (grand, enfant)
    grand, enfant = a_cote if a_cote is not None else (None, None)
    try:
        for prepare, cible in prepares:
            if cible in balayes:
                fuites.update(balayage.Fuite(config.display_path(cible), n) for n in balayes[cible])
            elif (prepare, cible) != grand:
                fuites.update(balayage.Fuite(config.display_path(cible), f.nature)
                              for f in balayage.balayer([prepare], collecteur, _racines()))
        for nom, texte in textes_etat.items():
            fuites.update(balayage.Fuite(nom, n) for n in balayage.natures([texte], collecteur, _racines()))
        if enfant is not None:
            fuites.update(balayage.Fuite(config.display_path(grand[1]), n) for n in enfant.resultat())
    finally:
        if enfant is not None:
            enfant.fermer()
    return sorted(fuites)


#: A staged file this large is scanned by a child while the runner scans the others (a page's usual 100 Ko are
#: scanned faster than a child starts)
BALAYAGE_A_COTE = 2**20


def publier_rapport(rapport: catalogue.DefinitionRapport, nb, quand: dt.datetime, collecteur=None,
                    dossier: remise.Dossier | None = None) -> Sorties:
    """Render and write every output of one executed report — tables, workbook, executed notebook, pages and
    its rows of figures.csv — as one commit; returns what the notebook handed over (through the run's folder
    `dossier` when large: `remise`). Everything is rendered and staged
    beside its target before anything is swapped in, so a failure (full disk, Ctrl-C) writes nothing."""
    import nbformat  # with nbconvert, already imported by then

    sorties = extraire_sorties(nb, dossier)
    if collecteur is not None:
        collecteur.fusionner(sorties.empreintes)  # the kernel's hashes (already out of the notebook)
    # no cell metadata, attachment or widget state beyond papermill's, no local folder in its record nor in its
    # injected parameters: the notebook as published, and the one the pages are rendered from
    nb = nbformat.reads(json.dumps(balayage.nettoyer_notebook(json.loads(nbformat.writes(nb)))), as_version=4)
    # a large workbook (every budget line of a large city) is written by a child on the idle core while this
    # process renders the audit page, which needs only its size (`enfants`: the same bytes, computed here if it
    # fails); that child scans it too, as the last scan would once it is staged (its bytes are those staged)
    grand = sum(f.nombre_de_lignes for f in sorties.classeur.values()) >= CLASSEUR_A_COTE
    calcul = enfants.lancer(_classeur_balaye, sorties.classeur, collecteur, _racines()) if grand else None
    balayes: dict[Path, set[str]] = {}  # the outputs whose bytes were scanned already, by target
    cote = None  # the child that scans the audit page, when large
    try:
        try:
            # the audit page rendered while the child writes, then given its downloads block (the workbook's size)
            # and, when large (a large city's every budget line), to a child that scans its bytes (those staged
            # below) while this process renders the public page and stages and scans the other outputs
            audit = page_rapport(nb, rapport, sorties, quand, audit=True, telechargements=True)
            if calcul is not None:
                classeur, balayes[rapport.classeur] = calcul.resultat()
            else:
                classeur = exports.classeur_excel(sorties.classeur)
        finally:
            if calcul is not None:
                calcul.fermer()
        audit = placer_telechargements(audit, rapport, sorties, classeur, audit=True).encode("utf-8")
        cote = balayer_a_cote(audit, rapport.page_audit.suffix, collecteur)
        public = page_rapport(nb, rapport, sorties, quand, audit=False, telechargements=True)
        public = placer_telechargements(public, rapport, sorties, classeur, audit=False)
        notebook = nbformat.writes(nb)
        existing = config.FIGURES_CSV.read_text(encoding="utf-8") if config.FIGURES_CSV.exists() else ""
        with Lot() as lot:
            lot.fichier(rapport.page_audit, audit)
            a_cote = None if cote is None else (lot.prepares()[-1], cote)
            lot.dossier(rapport.dossier_tableaux, sorties.tableaux)
            lot.fichier(rapport.classeur, classeur)
            lot.fichier(rapport.notebook_execute, notebook)
            lot.fichier(rapport.page, public)
            lignes = [f.ligne() for f in sorties.figures]
            lot.fichier(config.FIGURES_CSV, figures_csv.fusionner(existing, {rapport.id: lignes}))
            lot.fichier(rapport.publie, publie_json(rapport, quand, sorties))
            etat_texte = json.dumps([e.__dict__ for e in sorties.entrees], ensure_ascii=False)
            fuites = verifier_avant_publication(lot, {config.display_path(config.STATE_FILE): etat_texte}, collecteur,
                                                a_cote, balayes)
            if fuites:
                raise FuitesTrouvees(fuites)
            lot.valider()
    finally:  # waited for, whatever stopped the rendering or the staging (its findings read above when it got there)
        if cote is not None:
            cote.fermer()
    return sorties


def sorties_attendues() -> list:
    """Every file of reports/ a run makes (as things stand on disk): the index, each report's pages, executed
    notebook and workbook, the downloads of its tables and figures.csv."""
    out = [config.INDEX_HTML, config.download_file(FIGURES_TELECHARGEMENT)]
    for r in catalogue.rapports():
        out += [r.page, r.page_audit, r.notebook_execute, r.classeur]
        if r.dossier_tableaux.is_dir():
            out += [config.download_file(r.telechargement(f.name)) for f in sorted(r.dossier_tableaux.glob("*.csv"))]
    return out


def fichiers_etrangers() -> list:
    """The files of reports/ no run made (a questionnaire saved there, a stray copy): they would be published
    with the site. The committed reports/README.md belongs."""
    if not config.REPORTS_DIR.is_dir():
        return []
    return balayage.fichiers_etrangers(config.REPORTS_DIR, sorties_attendues())


def messages_etrangers() -> list[str]:
    """One French warning per file of reports/ no run made."""
    return [f"attention : {config.display_path(p)} n'a été produit par aucune exécution et serait publié avec le "
            f"site ; déplacez-le hors de reports/ (un fichier de réponses se range dans donnees_personnelles/)."
            for p in fichiers_etrangers()]


def _nom_libre(p, pris) -> str:
    """`budget-regles (modifié à la main).csv`, numbered when that name is taken too."""
    for n in range(1, 1000):
        nom = f"{p.stem} (modifié à la main{'' if n == 1 else f' {n}'}){p.suffix}"
        if nom not in pris and not (p.parent / nom).exists():
            return nom
    raise ValueError(p.name)


def _telechargements_ecrits() -> dict[str, str]:
    """{name: SHA-256} of the downloads the last run wrote in reports/donnees/ (`config.DOWNLOADS_MANIFEST`):
    a report's table that a later run no longer makes (the budget lines' breakdowns once `lignes` is reset) is
    then removed with the folder's rewrite, where a file put there by hand is kept and reported."""
    try:
        lus = json.loads(config.DOWNLOADS_MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested beyond the parser: no record
        return {}
    return {str(k): str(v) for k, v in lus.items()} if isinstance(lus, dict) else {}


def ecrire_site(etat: dict[str, EtatRapport], quand: dt.datetime) -> None:
    """Write reports/index.html and the downloads in reports/donnees/: each report's tables as CSV for
    French Excel and as one workbook, and figures.csv exactly as in data/processed/ (machine-readable)."""
    downloads: dict[str, str | bytes] = {}
    if config.FIGURES_CSV.exists():
        downloads[FIGURES_TELECHARGEMENT] = config.FIGURES_CSV.read_text(encoding="utf-8")
    tables: dict[str, list[str]] = {}
    classeurs: dict[str, str] = {}
    for r in catalogue.rapports():
        if r.classeur.is_file():  # the CSV files come from the workbook: the page's titles, words, precision
            downloads[r.classeur.name] = r.classeur.read_bytes()
            classeurs[r.id] = r.classeur.name
            depuis_classeur = fichiers_csv(r, downloads[r.classeur.name])
        else:
            depuis_classeur = {}
        if r.dossier_tableaux.is_dir():
            for f in sorted(r.dossier_tableaux.glob("*.csv")):
                nom = r.telechargement(f.name)
                downloads[nom] = depuis_classeur[nom][1] if nom in depuis_classeur else exports.csv_excel(
                    f.read_text(encoding="utf-8"))
                tables.setdefault(r.id, []).append(f.name)
    # what this run writes there, as `Lot` writes it (a text in UTF-8)
    ecrits = {nom: sha256(c.encode("utf-8") if isinstance(c, str) else c) for nom, c in downloads.items()}
    avant = _telechargements_ecrits()
    if avant:  # a download edited since the last run wrote it (saved from Excel in place): kept under another name,
        for nom in list(ecrits):  # reported as a file no run made, and the report's table written in its place
            p = config.download_file(nom)
            if p.is_file() and sha256(p) not in (ecrits[nom], avant.get(nom)):
                downloads[_nom_libre(p, downloads)] = p.read_bytes()
    for p in fichiers_etrangers():  # a file no run made is reported, never removed silently with the folder
        nom = p.relative_to(config.DOWNLOADS_DIR).as_posix() if config.DOWNLOADS_DIR in p.parents else None
        if nom is not None and nom not in downloads and p.is_file():  # a subfolder's files too (archives/…)
            contenu = p.read_bytes()
            if avant.get(nom) != sha256(contenu):  # not a table an earlier run wrote, as it wrote it
                downloads[nom] = contenu
    figures = figures_csv.lire(downloads.get(FIGURES_TELECHARGEMENT, ""))
    tailles = {nom: taille_fichier(len(contenu.encode("utf-8") if isinstance(contenu, str) else contenu))
               for nom, contenu in downloads.items()}  # in bytes, as the file on disk
    with Lot() as lot:  # the downloads, what was written there and the index that links them: all or nothing
        lot.dossier(config.DOWNLOADS_DIR, downloads)
        lot.fichier(config.DOWNLOADS_MANIFEST, json.dumps(ecrits, indent=1, sort_keys=True))
        lot.fichier(config.INDEX_HTML, page_index(etat, figures, tables, quand, classeurs, tailles))
        lot.valider()


def _sans_chemin_local(message: str) -> str:
    """A message with the repository's own folder removed from the paths it names."""
    racine = re.escape(str(config.ROOT))
    return re.sub(racine, ".", re.sub(racine + r"[\\/]", "", message))  # either separator (Windows or POSIX)


def publie_json(rapport: catalogue.DefinitionRapport, quand: dt.datetime, sorties: Sorties | None,
                message: str = "") -> str:
    """The record `build/publies/<id>.json` of what a report published (`sorties`), or of its failure (None):
    written only when the report is (re)published or fails, so an unchanged source leaves its dependants
    unchanged."""
    base = dict(rapport=rapport.id, date=formats.date_heure(quand), date_iso=quand.isoformat(timespec="seconds"))
    if sorties is None:
        publie = Publie(statut="echec", message=_sans_chemin_local(message), **base)
    else:
        publie = Publie(statut="ok", parametres=sorties.parametres, entrees=sorties.entrees, textes=sorties.textes,
                        figures=sorties.figures,
                        tableaux=sorted(sorties.tableaux), fictif=sorties.fictif, **base)
    return json.dumps(publie.vers_json(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def noter_echec(rapport: catalogue.DefinitionRapport, message: str, quand: dt.datetime) -> None:
    """A failed run: its details (file, row, column) go on the audit page, above the previous result
    (kept); the public page is left untouched and the index only says the report could not be updated."""
    precedent = rapport.page_audit.is_file()
    encadre = _site().get_template("encadre_echec.html.j2").render(
        date=formats.date_heure(quand), message=_sans_chemin_local(message), precedent=precedent)
    encadre = _ECHEC[0] + encadre.strip() + _ECHEC[1]
    if precedent:
        page = rapport.page_audit.read_text(encoding="utf-8")
        page = re.sub(re.escape(_ECHEC[0]) + ".*?" + re.escape(_ECHEC[1]), "", page, flags=re.S)
        page = page.replace('<main id="contenu">', '<main id="contenu">' + encadre, 1)
    else:
        page = _site().get_template("echec.html.j2").render(
            css=_css(), titre=rapport.titre, encadre=encadre,
            lien_index=_lien(rapport.page_audit, config.INDEX_HTML), version=__version__)
    ecrire_atomique(rapport.page_audit, typographie.html(page))
    ecrire_atomique(rapport.publie, publie_json(rapport, quand, None, message))


_ECHEC = ("<!--echec-->", "<!--/echec-->")


def _statut(st: EtatRapport | None, has_page: bool) -> str:
    if st is None:
        return "Statut : pas encore produit."
    if st.ok:
        return f"Statut : à jour, produit le {st.date}."
    # a failure: no detail here, it is on the terminal and the audit page
    return (f"Statut : ce rapport n'a pas pu être mis à jour le {st.date}. "
            + ("La version précédente reste en ligne." if has_page else "Il n'a encore jamais été produit."))


_CHIFFRE_MARQUE = re.compile(r'<span data-chiffre="([^"]+)">(.*?)</span>', re.S)
#: A card of a page's key-figures strip (`rendu.chiffres_cles`): its figure's id, then the label the page gives it.
_CARTE = re.compile(r'<span data-chiffre="([^"]+)">[^<]*</span></span> <span class="libelle">([^<]*)</span>')


def _chiffres_publies(page) -> tuple[dict[str, list[str]], dict[str, str]]:
    """({figure id: its texts}, {figure id: its card's label}) of the figures a published page shows
    (`rapport.valeur` marks them), in page order: the index shows a key figure as its page prints it, so that a
    figure edited by hand in build/etat.json never reaches it."""
    try:
        texte = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}, {}
    out: dict[str, list[str]] = {}
    for fid, contenu in _CHIFFRE_MARQUE.findall(texte):
        out.setdefault(Markup(fid).unescape(), []).append(Markup(re.sub(r"<[^>]+>", "", contenu)).unescape())
    return out, {Markup(fid).unescape(): Markup(l).unescape() for fid, l in _CARTE.findall(texte)}


def _libelle_carte(row: dict, sur_la_carte: str | None) -> str:
    """An index card's label: its figure's (a plural noun phrase, « Objectifs chiffrés atteints »), except for a
    count of 0 or 1, which takes the singular the page's own card gives it (« 0 objectif chiffré atteint »)."""
    try:
        peu = row.get("unit") == "count" and abs(float(row["value"])) < 2
    except (TypeError, ValueError):
        peu = False
    if peu and sur_la_carte:
        return sur_la_carte[:1].upper() + sur_la_carte[1:]
    return row["label"]


def page_index(etat: dict[str, EtatRapport], figures, tables: dict[str, list[str]], quand: dt.datetime,
               classeurs: dict[str, str] | None = None, tailles: dict[str, str] | None = None) -> str:
    """One card per report: title, headline figures (those of its last run, in its declared order), run date,
    status, links, downloads (with their sizes, `tailles`: download name → « 8 Ko »)."""
    tailles = tailles or {}
    by_id = {row["figure_id"]: row for row in figures}
    dossier = _lien(config.INDEX_HTML, config.DOWNLOADS_DIR)
    cartes = []
    for r in catalogue.rapports():
        st = etat.get(r.id)
        has_page = r.page.exists()
        sur_la_page, cartes_page = _chiffres_publies(r.page) if (st and st.cartes and has_page) else ({}, {})
        chiffres = [(fid, sur_la_page[fid][0], _libelle_carte(by_id[fid], cartes_page.get(fid)))
                    for fid, _texte in (st.cartes if st else [])
                    if fid in by_id and fid in sur_la_page]  # the text its page prints, never the state's
        cartes.append({
            "titre": r.titre, "description": r.description, "fictif": bool(st and st.fictif),
            "echec": bool(st and not st.ok), "chiffres": chiffres, "statut": _statut(st, has_page),
            "page": _lien(config.INDEX_HTML, r.page) if has_page else None,
            "audit": _lien(config.INDEX_HTML, r.page_audit),
            "telechargements": [(f"{dossier}/{r.telechargement(n)}", n, tailles.get(r.telechargement(n), ""))
                                for n in tables.get(r.id, [])],
            "classeur": f"{dossier}/{classeurs[r.id]}" if r.id in (classeurs or {}) else None,
            "taille_classeur": tailles.get((classeurs or {}).get(r.id, ""), ""),
        })
    return typographie.html(_site().get_template("index.html.j2").render(
        css=_css(), date=formats.date_longue(quand), date_iso=quand.date().isoformat(), cartes=cartes,
        lien_figures=f"{dossier}/{FIGURES_TELECHARGEMENT}", taille_figures=tailles.get(FIGURES_TELECHARGEMENT, ""),
        version=__version__))
