"""`cln-analysis check`: every file of data/raw/ against its Table Schema and the business rules,
every problem listed at once. The rules live in their analysis modules; this module only maps each
resource to its rule."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import appels, budget, config, cvs, donnees, feuilles, grille, questionnaire, registre
from .erreurs import ErreurDonnees, Probleme


def _categories(df: pd.DataFrame) -> list[Probleme]:
    return cvs.verifier_categories(df, donnees.charger("cvs_annees"))


def _notes_exemple(df: pd.DataFrame) -> list[Probleme]:
    try:
        grid = donnees.charger("grille_criteres").sort_values("ordre")
        chemin = config.raw_file(donnees.ressource("grille_notes_exemple")["path"])
        grille.statistiques(feuilles.lire_notes(chemin, grid))
    except ErreurDonnees as exc:
        return exc.problemes
    return []


def _retours_exemple(df: pd.DataFrame) -> list[Probleme]:
    try:
        questionnaire.lire(config.raw_file(donnees.ressource("retours_exemple")["path"]))
    except ErreurDonnees as exc:
        return exc.problemes
    return []


#: Business rules per resource, each a function of the loaded table returning its problems.
REGLES: dict[str, Callable[[pd.DataFrame], list[Probleme]]] = {
    "budget_mandate": budget.verifier,
    "cvs_categories": _categories,
    "cvs_cofinancement": cvs.verifier_cofinancement,
    "appels_standard": appels.verifier,
    "appels_essai_exemple": appels.verifier,
    "grille_niveaux": grille.verifier_niveaux,
    "grille_notes_exemple": _notes_exemple,
    "retours_exemple": _retours_exemple,
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
    for res in package["resources"]:
        described.add(res["path"])
        try:
            df = donnees.charger(res["name"])
        except ErreurDonnees as exc:
            problems.extend(exc.problemes)
            continue
        if res["name"] in REGLES:
            try:
                problems.extend(REGLES[res["name"]](df))
            except ErreurDonnees as exc:  # a rule that needs another file which is itself invalid
                problems.extend(p for p in exc.problemes if p not in problems)
    for path in sorted(config.RAW_DIR.iterdir()):
        if (path.is_file() and path.name != config.DATAPACKAGE.name and path.name not in described
                and not path.name.startswith(".")):
            problems.append(Probleme(config.display_path(path), "fichier non décrit dans datapackage.json",
                                     conseil="décrivez-le dans tools/datapackage/ (un fichier .json par ressource), "
                                             "puis régénérez data/raw/datapackage.json"))
    return problems
