"""Publishing: a report's outputs (pages, executed notebook, tables) and the site index.

Pages are one self-contained file each: the stylesheet is inlined, charts are data URIs, nothing
is requested from any other host. Report pages come from nbconvert with the project's own template
(`templates/cln/`), the index from `templates/site/index.html.j2`; both escape through Jinja's
autoescape (markupsafe, like `rendu.e`). The downloadable tables are copied to `reports/donnees/`
so that the `reports/` folder publishes as it is.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
from functools import lru_cache

import jinja2

from . import __version__, catalogue, config, exports, figures_csv, formats, typographie
from .fichiers import Lot, ecrire_atomique, remplacer_dossier
from .sorties import MIME, EtatRapport, FormeInvalide, Sorties

FIGURES_TELECHARGEMENT = "figures.csv"


@lru_cache(maxsize=1)
def _css() -> str:
    return config.STYLESHEET.read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _exporter(audit: bool):
    from nbconvert import HTMLExporter  # slow to import: only once a notebook has run

    return HTMLExporter(
        template_name="cln", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        exclude_input=not audit, exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True,
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


def extraire_sorties(nb) -> Sorties:
    """Take the runner's outputs out of the executed notebook (they are not shown in the pages)."""
    donnees = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if MIME in out.get("data", {}):
                donnees = out["data"][MIME]
            else:
                kept.append(out)
        cell["outputs"] = kept
    if donnees is None:
        raise SortiesAbsentes("le notebook n'a pas appelé rapport.publier() : aucune sortie à écrire")
    try:
        return Sorties.depuis_json(donnees)
    except FormeInvalide as exc:
        raise SortiesAbsentes(str(exc)) from None


def taille_fichier(octets: int) -> str:
    """A file's size as a download link gives it, in French, rounded up (`12 Ko`, `1,2 Mo`; never `0 Ko`)."""
    from .arrondi import arrondi_haut  # with formats, already loaded: kept beside its one use

    if octets >= 1_000_000:
        return f"{formats.nombre(arrondi_haut(octets / 1_000_000, 1), 1)}\u00a0Mo"
    return f"{formats.entier(max(1, arrondi_haut(octets / 1000)))}\u00a0Ko"


def fichiers_csv(rapport: catalogue.DefinitionRapport, classeur: bytes) -> dict[str, tuple[str, bytes]]:
    """The CSV files for French Excel of a report, from its workbook (the page's titles, words and precision):
    download name → (the table's caption, content), in the workbook's order."""
    feuilles = exports.feuilles_du_classeur(classeur)
    noms = {exports.nom_feuille(f.stem): f.name for f in sorted(rapport.dossier_tableaux.glob("*.csv"))}
    return {rapport.telechargement(noms[n]): (f.legende, exports.csv_feuille(f))
            for n, f in feuilles.items() if n in noms}


def _telechargements(rapport: catalogue.DefinitionRapport, sorties: Sorties, classeur: bytes, page) -> str:
    """The downloads block of a report page: its workbook and each table's CSV, with their sizes."""
    dossier = config.DOWNLOADS_DIR
    tableaux = [{"lien": _lien(page, dossier / rapport.telechargement(f"{nom}.csv")), "legende": f.legende,
                 "taille": taille_fichier(len(exports.csv_feuille(f)))} for nom, f in sorties.classeur.items()]
    lien = {"lien": _lien(page, dossier / rapport.classeur.name), "taille": taille_fichier(len(classeur))}
    return _site().get_template("telechargements.html.j2").render(
        classeur=lien if sorties.classeur else None, tableaux=tableaux).strip()


def page_rapport(nb, rapport: catalogue.DefinitionRapport, sorties: Sorties, quand: dt.datetime, audit: bool,
                 classeur: bytes | None = None) -> str:
    """The public (or audit) HTML page of an executed notebook; with its workbook, the links to its downloads
    sit after its tables, before « Traçabilité »."""
    nb = copy.deepcopy(nb)
    cachees = {"note-jupyterlab"} if audit else {"note-jupyterlab", "audit-seulement"}  # the note is for JupyterLab
    nb.cells = [c for c in nb.cells if not cachees & set(c.metadata.get("tags", []))]
    titre = sorties.titre or rapport.titre  # a report may title itself from its data (years covered)
    titre_page = f"{titre} — {'audit — ' if audit else ''}Conseil local du numérique de Roubaix"
    page = rapport.page_audit if audit else rapport.page
    resources = {"cln": {
        "titre": titre, "titre_page": titre_page, "description": rapport.description,
        "date": formats.date_longue(quand), "date_iso": quand.date().isoformat(), "version": __version__,
        "audit": audit, "css": _css(), "fictif": sorties.fictif, "titre_css": _chaine_css(titre),
        "texte_fictif": sorties.texte_fictif or rapport.banniere,
        "lien_index": _lien(page, config.INDEX_HTML),
        "lien_autre": _lien(page, rapport.page if audit else rapport.page_audit),
    }}
    body, _ = _exporter(audit).from_notebook_node(nb, resources=resources)
    from .rendu import AUDIT_SEULEMENT, PUBLIC_SEULEMENT  # rendu loads pandas: only once a notebook has run

    debut, fin = PUBLIC_SEULEMENT if audit else AUDIT_SEULEMENT
    body = re.sub(re.escape(debut) + ".*?" + re.escape(fin), "", body, flags=re.S)
    if classeur is not None and sorties.classeur:
        bloc = _telechargements(rapport, sorties, classeur, page)
        ancre = re.search(r'<section[^>]*\bclass="tracabilite"', body) or re.search("</main>", body)
        body = body[: ancre.start()] + bloc + body[ancre.start() :]
    return typographie.html(body)


def _chaine_css(texte: str) -> str:
    """`texte` as a quoted CSS string (the report's title in the printed page's margin): quotes, backslashes
    and line ends escaped, and `<` too, so that the string can never close the page's `<style>`."""
    echappe = re.sub(r'["\\<\n\r]', lambda m: "\\%x " % ord(m.group()), texte)
    return f'"{echappe}"'


def _lien(depuis, vers) -> str:
    """The relative link from one published file to another."""
    return os.path.relpath(vers, depuis.parent).replace("\\", "/")


def publier_rapport(rapport: catalogue.DefinitionRapport, nb, quand: dt.datetime) -> Sorties:
    """Render and write every output of one executed report — tables, workbook, executed notebook, pages and
    its rows of figures.csv — as one commit; returns what the notebook handed over. Everything is rendered and staged
    beside its target before anything is swapped in, so a failure (full disk, Ctrl-C) writes nothing."""
    import nbformat  # with nbconvert, already imported by then

    sorties = extraire_sorties(nb)
    classeur = exports.classeur_excel(sorties.classeur)
    public = page_rapport(nb, rapport, sorties, quand, audit=False, classeur=classeur)
    audit = page_rapport(nb, rapport, sorties, quand, audit=True, classeur=classeur)
    papermill = nb.metadata.get("papermill", {})
    for cle in ("input_path", "output_path"):  # the published notebook names no local folder
        if papermill.get(cle):
            papermill[cle] = config.display_path(papermill[cle])
    existing = config.FIGURES_CSV.read_text(encoding="utf-8") if config.FIGURES_CSV.exists() else ""
    with Lot() as lot:
        lot.dossier(rapport.dossier_tableaux, sorties.tableaux)
        lot.fichier(rapport.classeur, classeur)
        lot.fichier(rapport.notebook_execute, nbformat.writes(nb))
        lot.fichier(rapport.page_audit, audit)
        lot.fichier(rapport.page, public)
        lignes = [f.ligne() for f in sorties.figures]
        lot.fichier(config.FIGURES_CSV, figures_csv.fusionner(existing, {rapport.id: lignes}))
        lot.valider()
    return sorties


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
    remplacer_dossier(config.DOWNLOADS_DIR, downloads)
    figures = figures_csv.lire(downloads.get(FIGURES_TELECHARGEMENT, ""))
    ecrire_atomique(config.INDEX_HTML, page_index(etat, figures, tables, quand, classeurs))


def _sans_chemin_local(message: str) -> str:
    """A message with the repository's own folder removed from the paths it names."""
    racine = re.escape(str(config.ROOT))
    return re.sub(racine, ".", re.sub(racine + r"[\\/]", "", message))  # either separator (Windows or POSIX)


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


_ECHEC = ("<!--echec-->", "<!--/echec-->")


def _statut(st: EtatRapport | None, has_page: bool) -> str:
    if st is None:
        return "Statut : pas encore produit."
    if st.ok:
        return f"Statut : à jour, produit le {st.date}."
    # a failure: no detail here, it is on the terminal and the audit page
    return (f"Statut : ce rapport n'a pas pu être mis à jour le {st.date}. "
            + ("La version précédente reste en ligne." if has_page else "Il n'a encore jamais été produit."))


def page_index(etat: dict[str, EtatRapport], figures, tables: dict[str, list[str]], quand: dt.datetime,
               classeurs: dict[str, str] | None = None) -> str:
    """One card per report: title, headline figures (those of its last run, in its declared order), run date,
    status, links, downloads."""
    by_id = {row["figure_id"]: row for row in figures}
    dossier = _lien(config.INDEX_HTML, config.DOWNLOADS_DIR)
    cartes = []
    for r in catalogue.rapports():
        st = etat.get(r.id)
        has_page = r.page.exists()
        chiffres = [(fid, texte, by_id[fid]["label"]) for fid, texte in (st.cartes if st else []) if fid in by_id]
        cartes.append({
            "titre": r.titre, "description": r.description, "fictif": bool(st and st.fictif),
            "echec": bool(st and not st.ok), "chiffres": chiffres, "statut": _statut(st, has_page),
            "page": _lien(config.INDEX_HTML, r.page) if has_page else None,
            "audit": _lien(config.INDEX_HTML, r.page_audit),
            "telechargements": [(f"{dossier}/{r.telechargement(n)}", n) for n in tables.get(r.id, [])],
            "classeur": f"{dossier}/{classeurs[r.id]}" if r.id in (classeurs or {}) else None,
        })
    return typographie.html(_site().get_template("index.html.j2").render(
        css=_css(), date=formats.date_longue(quand), date_iso=quand.date().isoformat(), cartes=cartes,
        lien_figures=f"{dossier}/{FIGURES_TELECHARGEMENT}", version=__version__))
