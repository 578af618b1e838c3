"""`cln-analysis check`: every file of data/raw/ against its Table Schema and the business rules,
every problem listed at once."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import config, donnees
from .erreurs import ErreurDonnees, Probleme


def _regles() -> dict[str, Callable[[pd.DataFrame], list[Probleme]]]:
    """Business rules per resource, each a function of the loaded table returning its problems."""
    from . import appels, budget, cvs, feuilles, grille, registre

    def categories(df):
        return cvs.verifier_categories(df, donnees.charger("cvs_annees"))

    def notes_exemple(df):
        try:
            grid = donnees.charger("grille_criteres").sort_values("ordre")
            grille.statistiques(feuilles.lire_notes(config.RAW_DIR / "grille_notes_exemple.csv", grid))
        except ErreurDonnees as exc:
            return exc.problemes
        return []

    def cofinancement(df):
        fichier = df.attrs.get("fichier", "")
        return [Probleme(fichier, f"part de la Ville + part de l'État = {r['part_ville'] + r['part_etat']:g}, pas 1",
                         ligne=ligne, colonne="part_ville, part_etat")
                for ligne, r in df.iterrows() if abs(r["part_ville"] + r["part_etat"] - 1) > 1e-9]

    def niveaux(df):
        missing = sorted(set(grille.NIVEAUX) - set(df["note"]))
        return [Probleme(df.attrs.get("fichier", ""), f"niveau(x) absent(s) : {missing}", colonne="note")] if missing else []

    return {
        "budget_mandate": budget.verifier,
        "cvs_categories": categories,
        "cvs_cofinancement": cofinancement,
        "appels_standard": appels.verifier,
        "grille_niveaux": niveaux,
        "grille_notes_exemple": notes_exemple,
        "chiffres_publies": lambda df: registre.verifier_registre(df, df.attrs.get("fichier", "")),
    }


def verifier_tout() -> list[Probleme]:
    """Every problem of every resource of data/raw/ (none raised)."""
    problems: list[Probleme] = []
    try:
        package = donnees.datapackage()
    except (OSError, ValueError) as exc:
        return [Probleme(config.display_path(config.DATAPACKAGE), f"descripteur illisible : {exc}")]
    described = set()
    rules = _regles()
    for res in package["resources"]:
        described.add(res["path"])
        try:
            df = donnees.charger(res["name"])
        except ErreurDonnees as exc:
            problems.extend(exc.problemes)
            continue
        if res["name"] in rules:
            try:
                problems.extend(rules[res["name"]](df))
            except ErreurDonnees as exc:  # a rule that needs another file which is itself invalid
                problems.extend(p for p in exc.problemes if p not in problems)
    for path in sorted(config.RAW_DIR.iterdir()):
        if path.is_file() and path.name != "datapackage.json" and path.name not in described and not path.name.startswith("."):
            problems.append(Probleme(config.display_path(path), "fichier non décrit dans datapackage.json",
                                     conseil="ajoutez sa ressource (schéma et source) à data/raw/datapackage.json"))
    return problems
