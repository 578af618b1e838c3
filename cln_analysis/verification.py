"""`cln-analysis check`: every file of data/raw/ against its Table Schema and the business rules,
every problem listed at once. The rules live in their analysis modules; each report declares which rule checks
which resource (`[rapport.verification]` in rapports.toml); this module resolves them."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pandas as pd

from . import catalogue, config, cvs, donnees, feuilles, grille, questionnaire, registre
from .erreurs import ErreurDonnees, Probleme


def categories_cvs(df: pd.DataFrame) -> list[Probleme]:
    return cvs.verifier_categories(df, donnees.charger("cvs_annees"))


def notes_exemple(df: pd.DataFrame) -> list[Probleme]:
    try:
        grid = donnees.charger("grille_criteres").sort_values("ordre")
        chemin = config.raw_file(donnees.ressource("grille_notes_exemple")["path"])
        grille.statistiques(feuilles.lire_notes(chemin, grid))
    except ErreurDonnees as exc:
        return exc.problemes
    return []


def retours_exemple(df: pd.DataFrame) -> list[Probleme]:
    try:
        questionnaire.lire(config.raw_file(donnees.ressource("retours_exemple")["path"]))
    except ErreurDonnees as exc:
        return exc.problemes
    return []


Regle = Callable[[pd.DataFrame], list[Probleme]]


def _regle(chemin: str) -> Regle:
    """The function `module.fonction` of the package that a report's declaration names."""
    module, _, fonction = chemin.rpartition(".")
    try:
        return getattr(importlib.import_module(f"{__package__}.{module}"), fonction)
    except (ImportError, AttributeError):
        raise catalogue.ErreurDeclaration(f"rapports.toml : la règle « {chemin} » n'existe pas") from None


def regles() -> dict[str, Regle]:
    """Business rules per resource, each a function of the loaded table returning its problems: those the
    reports declare, and the register's (shared by every report)."""
    out: dict[str, Regle] = {res: _regle(chemin) for r in catalogue.rapports() for res, chemin in r.verification}
    out["chiffres_publies"] = lambda df: registre.verifier_registre(df, df.attrs.get("fichier", ""))
    return out


def verifier_tout() -> list[Probleme]:
    """Every problem of every resource of data/raw/ (none raised)."""
    problems: list[Probleme] = []
    try:
        package = donnees.datapackage()
    except (OSError, ValueError) as exc:
        return [Probleme(config.display_path(config.DATAPACKAGE), f"descripteur illisible : {exc}")]
    described = set()
    par_ressource = regles()
    for res in package["resources"]:
        described.add(res["path"])
        try:
            df = donnees.charger(res["name"])
        except ErreurDonnees as exc:
            problems.extend(exc.problemes)
            continue
        if res["name"] in par_ressource:
            try:
                problems.extend(par_ressource[res["name"]](df))
            except ErreurDonnees as exc:  # a rule that needs another file which is itself invalid
                problems.extend(p for p in exc.problemes if p not in problems)
    for path in sorted(config.RAW_DIR.iterdir()):
        if (path.is_file() and path.name != config.DATAPACKAGE.name and path.name not in described
                and not path.name.startswith(".")):
            problems.append(Probleme(config.display_path(path), "fichier non décrit dans datapackage.json",
                                     conseil="décrivez-le dans tools/datapackage/ (un fichier .json par ressource), "
                                             "puis régénérez data/raw/datapackage.json"))
    return problems
