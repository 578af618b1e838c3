"""Publishing: the report pages (nbconvert with the project's own template) and the index.

Pages are one self-contained file each: the stylesheet is inlined, charts are data URIs, nothing
is requested from any other host. The index links every report, its audit version and the
downloadable tables (copied to `reports/donnees/` so that the `reports/` folder publishes as is).
"""

from __future__ import annotations

import datetime as dt
import html
from functools import lru_cache

from . import __version__, catalogue, config, figures_csv, formats, registre

TEXTE_FICTIF = ("Ce rapport est calculé sur un exemple inventé, pour montrer sa forme avant que les membres "
                "aient rendu leurs grilles. Aucun de ces chiffres ne reflète l'avis du Conseil local du numérique.")


@lru_cache(maxsize=1)
def _css() -> str:
    return (config.STATIC_DIR / "cln.css").read_text(encoding="utf-8")


@lru_cache(maxsize=2)
def _exporter(audit: bool):
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="cln", extra_template_basedirs=[str(config.TEMPLATES_DIR)],
        exclude_input=not audit, exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


def preparer() -> None:
    """Build both exporters now (nbconvert's import is slow), while the kernels run."""
    _exporter(False)
    _exporter(True)


def page_rapport(nb, rapport: catalogue.DefinitionRapport, payload: dict, quand: dt.datetime, audit: bool) -> str:
    """The public (or audit) HTML page of an executed notebook."""
    import copy

    nb = copy.deepcopy(nb)
    if not audit:
        nb.cells = [c for c in nb.cells if "audit-seulement" not in c.metadata.get("tags", [])]
    titre_page = f"{rapport.titre} — {'audit — ' if audit else ''}Conseil local du numérique de Roubaix"
    resources = {"cln": {
        "titre": rapport.titre, "titre_page": titre_page, "description": rapport.description,
        "date": formats.date_longue(quand), "date_iso": quand.date().isoformat(), "version": __version__,
        "audit": audit, "css": _css(), "fictif": bool(payload.get("fictif")), "texte_fictif": TEXTE_FICTIF,
        "lien_index": "../index.html" if audit else "index.html",
        "lien_autre": f"../{rapport.id}.html" if audit else f"audit/{rapport.id}.html",
    }}
    body, _ = _exporter(audit).from_notebook_node(nb, resources=resources)
    return body


def ecrire_site(etat: dict, quand: dt.datetime) -> None:
    """Write reports/index.html and copy the downloadable tables to reports/donnees/."""
    from .executeur import ecrire_atomique, remplacer_dossier

    downloads: dict[str, str] = {}
    if config.FIGURES_CSV.exists():
        downloads["figures.csv"] = config.FIGURES_CSV.read_text(encoding="utf-8")
    tables: dict[str, list[str]] = {}
    for r in catalogue.RAPPORTS:
        d = config.PROCESSED_DIR / r.id
        if d.is_dir():
            for f in sorted(d.glob("*.csv")):
                downloads[f"{r.id}-{f.name}"] = f.read_text(encoding="utf-8")
                tables.setdefault(r.id, []).append(f.name)
    remplacer_dossier(config.REPORTS_DIR / "donnees", downloads)
    figures = figures_csv.lire(downloads.get("figures.csv", ""))
    ecrire_atomique(config.REPORTS_DIR / "index.html", page_index(etat, figures, tables, quand))


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def page_index(etat: dict, figures, tables: dict[str, list[str]], quand: dt.datetime) -> str:
    """One card per report: title, headline figures, run date, status, links, downloads."""
    by_id = {row["figure_id"]: row for row in figures}
    cards = []
    for r in catalogue.RAPPORTS:
        st = etat.get(r.id, {})
        ok = st.get("statut") == "ok"
        has_page = (config.REPORTS_DIR / f"{r.id}.html").exists()
        chiffres = []
        for fid in r.chiffres_cles:
            row = by_id.get(fid)
            if row is not None:
                chiffres.append(f'<li><span class="valeur">{_e(formats.valeur(float(row["value"]), row["unit"], registre.decimales_affichage(row["unit"], row["published"])))}</span> '
                                f'<span class="libelle">{_e(row["label"])}</span></li>')
        if ok:
            status = f'<p class="statut">Statut : à jour, produit le {_e(st.get("date", ""))}.</p>'
        elif st.get("statut") == "echec":
            status = (f'<p class="statut echec">Statut : échec de la dernière exécution ({_e(st.get("date", ""))}) : '
                      f'{_e(st.get("message", ""))}.'
                      + (" La page ci-dessous est celle de l'exécution réussie précédente." if has_page else "") + "</p>")
        else:
            status = '<p class="statut echec">Statut : pas encore produit.</p>'
        links = []
        if has_page:
            links.append(f'<a href="{r.id}.html">Lire le rapport</a>')
            links.append(f'<a href="audit/{r.id}.html">Version d\'audit, avec le code</a>')
        dl = "".join(f'<li><a href="donnees/{_e(r.id)}-{_e(n)}" download>{_e(n)}</a></li>' for n in tables.get(r.id, []))
        fictif = ' <strong>(données fictives)</strong>' if st.get("fictif") else ""
        cards.append(
            f'<li class="carte{"" if ok or not st else " echec"}"><h2>{_e(r.titre)}{fictif}</h2><p>{_e(r.description)}</p>'
            + (f'<ul class="chiffres-cles" aria-label="Chiffres clés">{"".join(chiffres)}</ul>' if chiffres else "")
            + status + (f'<p>{" · ".join(links)}</p>' if links else "")
            + (f"<details><summary>Tableaux derrière les graphiques (CSV)</summary><ul>{dl}</ul></details>" if dl else "")
            + "</li>"
        )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapports d'analyse — Conseil local du numérique de Roubaix</title>
<style>
{_css()}
</style>
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header class="bandeau">
<p class="instance">Conseil local du numérique · Ville de Roubaix</p>
<p class="meta">Rapports mis à jour le <time datetime="{quand.date().isoformat()}">{_e(formats.date_longue(quand))}</time></p>
</header>
<main id="contenu">
<h1>Rapports d'analyse du Conseil local du numérique</h1>
<p>Chaque rapport reproduit un chiffre présenté au Conseil et montre comment il est obtenu à partir des données brutes.
La version d'audit ajoute le code et les paramètres utilisés.</p>
<ul class="cartes">
{"".join(cards)}
</ul>
<h2>Télécharger les chiffres</h2>
<p><a href="donnees/figures.csv" download>figures.csv</a> : chaque chiffre de chaque rapport, avec sa formule, le chiffre publié et le résultat de la comparaison.</p>
</main>
<footer class="pied"><p>cln-analysis {_e(__version__)} · Mission Inclusion numérique et citoyenne, Ville de Roubaix</p></footer>
</body>
</html>
"""
