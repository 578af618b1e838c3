"""`cln-analysis check`: every file of data/raw/ against its Table Schema and the business rules."""

from __future__ import annotations

from . import config, donnees
from .erreurs import ErreurDonnees, Probleme

#: Business rules per resource: a function of the loaded table returning its problems.
REGLES = {}


def regle(nom_ressource: str):
    """Register a business rule for a resource (used by the analysis modules' `verifier`)."""
    def deco(fn):
        REGLES.setdefault(nom_ressource, []).append(fn)
        return fn
    return deco


def _regles():
    from . import budget, registre

    return {
        "budget_mandate": [budget.verifier],
        "chiffres_publies": [lambda df: registre.verifier_registre(df, df.attrs.get("fichier", ""))],
    } | {k: v for k, v in REGLES.items()}


def verifier_tout() -> list[Probleme]:
    """Every problem of every resource of data/raw/ (all listed at once, none raised)."""
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
        for rule in rules.get(res["name"], []):
            problems.extend(rule(df))
    for path in sorted(config.RAW_DIR.iterdir()):
        if path.is_file() and path.name != "datapackage.json" and path.name not in described and not path.name.startswith("."):
            problems.append(Probleme(config.display_path(path), "fichier non décrit dans datapackage.json",
                                     conseil="ajoutez sa ressource (schéma et source) à data/raw/datapackage.json"))
    return problems
