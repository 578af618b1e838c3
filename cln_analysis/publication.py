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
from functools import lru_cache

import jinja2

from . import __version__, catalogue, config, figures_csv, formats, registre
from .fichiers import ecrire_atomique, remplacer_dossier

TEXTE_FICTIF = ("Ce rapport est calculé sur un exemple inventé, pour montrer sa forme avant que les membres "
                "aient rendu leurs grilles. Aucun de ces chiffres ne reflète l'avis du Conseil local du numérique.")

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


def extraire_sorties(nb) -> dict:
    """Take the runner's payload out of the executed notebook (it is not shown in the pages)."""
    payload = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if config.SORTIES_MIME in out.get("data", {}):
                payload = out["data"][config.SORTIES_MIME]
            else:
                kept.append(out)
        cell["outputs"] = kept
    if payload is None:
        raise RuntimeError("le notebook n'a pas appelé rapport.publier() : aucune sortie à écrire")
    return payload


def page_rapport(nb, rapport: catalogue.DefinitionRapport, payload: dict, quand: dt.datetime, audit: bool) -> str:
    """The public (or audit) HTML page of an executed notebook."""
    nb = copy.deepcopy(nb)
    cachees = {"note-jupyterlab"} if audit else {"note-jupyterlab", "audit-seulement"}  # the note is for JupyterLab
    nb.cells = [c for c in nb.cells if not cachees & set(c.metadata.get("tags", []))]
    titre_page = f"{rapport.titre} — {'audit — ' if audit else ''}Conseil local du numérique de Roubaix"
    page = rapport.page_audit if audit else rapport.page
    resources = {"cln": {
        "titre": rapport.titre, "titre_page": titre_page, "description": rapport.description,
        "date": formats.date_longue(quand), "date_iso": quand.date().isoformat(), "version": __version__,
        "audit": audit, "css": _css(), "fictif": bool(payload.get("fictif")), "texte_fictif": TEXTE_FICTIF,
        "lien_index": _lien(page, config.INDEX_HTML),
        "lien_autre": _lien(page, rapport.page if audit else rapport.page_audit),
    }}
    body, _ = _exporter(audit).from_notebook_node(nb, resources=resources)
    return body


def _lien(depuis, vers) -> str:
    """The relative link from one published file to another."""
    return os.path.relpath(vers, depuis.parent).replace("\\", "/")


def publier_rapport(rapport: catalogue.DefinitionRapport, nb, quand: dt.datetime) -> dict:
    """Render and write every output of one executed report; returns its payload. Pages are rendered
    before anything is written, so a rendering failure writes nothing."""
    import nbformat  # with nbconvert, already imported by then

    payload = extraire_sorties(nb)
    public = page_rapport(nb, rapport, payload, quand, audit=False)
    audit = page_rapport(nb, rapport, payload, quand, audit=True)
    remplacer_dossier(rapport.dossier_tableaux, payload["tableaux"])
    ecrire_atomique(rapport.notebook_execute, nbformat.writes(nb))
    ecrire_atomique(rapport.page_audit, audit)
    ecrire_atomique(rapport.page, public)
    return payload


def ecrire_site(etat: dict, quand: dt.datetime) -> None:
    """Write reports/index.html and copy the downloadable tables to reports/donnees/."""
    downloads: dict[str, str] = {}
    if config.FIGURES_CSV.exists():
        downloads[FIGURES_TELECHARGEMENT] = config.FIGURES_CSV.read_text(encoding="utf-8")
    tables: dict[str, list[str]] = {}
    for r in catalogue.RAPPORTS:
        if r.dossier_tableaux.is_dir():
            for f in sorted(r.dossier_tableaux.glob("*.csv")):
                downloads[r.telechargement(f.name)] = f.read_text(encoding="utf-8")
                tables.setdefault(r.id, []).append(f.name)
    remplacer_dossier(config.DOWNLOADS_DIR, downloads)
    figures = figures_csv.lire(downloads.get(FIGURES_TELECHARGEMENT, ""))
    ecrire_atomique(config.INDEX_HTML, page_index(etat, figures, tables, quand))


def _statut(st: dict, has_page: bool) -> str:
    if st.get("statut") == "ok":
        return f"Statut : à jour, produit le {st.get('date', '')}."
    if st.get("statut") == "echec":
        return (f"Statut : échec de la dernière exécution ({st.get('date', '')}) : {st.get('message', '')}."
                + (" La page ci-dessous est celle de l'exécution réussie précédente." if has_page else ""))
    return "Statut : pas encore produit."


def page_index(etat: dict, figures, tables: dict[str, list[str]], quand: dt.datetime) -> str:
    """One card per report: title, headline figures, run date, status, links, downloads."""
    by_id = {row["figure_id"]: row for row in figures}
    dossier = _lien(config.INDEX_HTML, config.DOWNLOADS_DIR)
    cartes = []
    for r in catalogue.RAPPORTS:
        st = etat.get(r.id, {})
        has_page = r.page.exists()
        chiffres = []
        for fid in r.chiffres_cles:
            row = by_id.get(fid)
            if row is not None:
                dec = registre.decimales_affichage(row["unit"], row["published"])
                chiffres.append((formats.valeur(float(row["value"]), row["unit"], dec), row["label"]))
        cartes.append({
            "titre": r.titre, "description": r.description, "fictif": bool(st.get("fictif")),
            "echec": bool(st) and st.get("statut") != "ok", "chiffres": chiffres, "statut": _statut(st, has_page),
            "page": _lien(config.INDEX_HTML, r.page) if has_page else None,
            "audit": _lien(config.INDEX_HTML, r.page_audit),
            "telechargements": [(f"{dossier}/{r.telechargement(n)}", n) for n in tables.get(r.id, [])],
        })
    return _site().get_template("index.html.j2").render(
        css=_css(), date=formats.date_longue(quand), date_iso=quand.date().isoformat(), cartes=cartes,
        lien_figures=f"{dossier}/{FIGURES_TELECHARGEMENT}", version=__version__)
