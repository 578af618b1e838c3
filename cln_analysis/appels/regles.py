"""Row rules of the switchboard file: which columns a period has, the identities each row satisfies, and the
completion of a partial file by the shipped one.

A period is a year (`2025`) or a month (`2026-03`). A row without the trial columns satisfies received = lost +
answered; a row with them (a trial month) satisfies received = resolved by the callbot + abandoned with the callbot +
answered + lost, and calls the callbot took = resolved + abandoned + transferred.
"""

from __future__ import annotations

import pandas as pd

from .. import formats
from ..erreurs import ErreurDonnees, Probleme

#: The four counts of the callbot's outcome: filled together on a trial month, empty before.
ESSAI = ["appels_callbot", "resolus_callbot", "abandons_callbot", "transferts_agent"]
#: The optional columns of a trial month; `hors_horaires_callbot` (out-of-hours calls the callbot picked up) is
#: only known from a call log (`analyses_journal.mensuel`), never typed.
FACULTATIVES = ESSAI + ["appels_hors_horaires", "attente_moyenne_s", "hors_horaires_callbot"]
COMPTES = ["appels_recus", "appels_perdus", "appels_repondus"] + ESSAI + ["appels_hors_horaires",
                                                                          "hors_horaires_callbot"]


def _complet(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every optional column (empty when the file has not got it)."""
    d = df.copy()
    for c in FACULTATIVES:
        if c not in d.columns:
            d[c] = pd.NA
    return d


def _present(v) -> bool:
    return v is not None and not pd.isna(v)


def problemes(df: pd.DataFrame) -> list[Probleme]:
    """Row rules (with or without the trial columns) and the agreement of years given both ways."""
    fichier = df.attrs.get("fichier", "appels")
    d = _complet(df)
    problems = []
    for ligne, r in d.iterrows():
        if r["appels_recus"] == 0:
            problems.append(Probleme(fichier, f"aucun appel reçu pour la période {r['periode']} : le taux de décroché "
                                     "ne peut pas être calculé", ligne=ligne, colonne="appels_recus",
                                     conseil="retirez la période, ou corrigez le nombre d'appels reçus"))
            continue
        for c in COMPTES:
            if _present(r[c]) and r[c] < 0:
                problems.append(
                    Probleme(
                        fichier, f"{int(r[c])} : un nombre d'appels ne peut pas être négatif", ligne=ligne, colonne=c
                    )
                )
        filled = [c for c in ESSAI if _present(r[c])]
        if filled and len(filled) < len(ESSAI):
            missing = [c for c in ESSAI if c not in filled]
            problems.append(
                Probleme(
                    fichier,
                    "colonnes de l'expérimentation incomplètes : "
                    + ", ".join(filled)
                    + " remplies, "
                    + ", ".join(missing)
                    + " vides",
                    ligne=ligne,
                    colonne=", ".join(missing),
                    conseil="remplissez les quatre colonnes du callbot pour ce mois, ou aucune",
                )
            )
        elif filled:
            total = r["resolus_callbot"] + r["abandons_callbot"] + r["appels_repondus"] + r["appels_perdus"]
            if r["appels_recus"] != total:
                problems.append(
                    Probleme(
                        fichier,
                        f"appels reçus ({r['appels_recus']}) ≠ résolus par le callbot ({r['resolus_callbot']}) + "
                        f"abandons pendant le callbot ({r['abandons_callbot']}) + appels répondus "
                        f"({r['appels_repondus']}) + "
                        f"appels perdus ({r['appels_perdus']}) = {total}",
                        ligne=ligne,
                        colonne="appels_recus, resolus_callbot, abandons_callbot, appels_repondus, appels_perdus",
                        conseil="chaque appel reçu est résolu par le callbot, abandonné pendant le callbot, répondu "
                                "par un "
                        "agent ou perdu : corrigez l'un de ces nombres",
                    )
                )
            if r["appels_callbot"] > r["appels_recus"]:
                problems.append(
                    Probleme(
                        fichier,
                        f"appels pris par le callbot ({r['appels_callbot']}) > appels reçus ({r['appels_recus']})",
                        ligne=ligne,
                        colonne="appels_callbot, appels_recus",
                        conseil="le callbot ne prend que des appels reçus par le standard : corrigez l'un des deux "
                                "nombres",
                    )
                )
            issues = r["resolus_callbot"] + r["abandons_callbot"] + r["transferts_agent"]
            if r["appels_callbot"] != issues:
                problems.append(
                    Probleme(
                        fichier,
                        f"appels pris par le callbot ({r['appels_callbot']}) ≠ résolus ({r['resolus_callbot']}) + "
                        f"abandons ({r['abandons_callbot']}) + transferts vers un agent ({r['transferts_agent']}) = "
                        f"{issues}",
                        ligne=ligne,
                        colonne="appels_callbot, resolus_callbot, abandons_callbot, transferts_agent",
                        conseil="chaque appel pris par le callbot est résolu, abandonné ou transféré : corrigez l'un "
                                "de ces nombres",
                    )
                )
        elif r["appels_recus"] != r["appels_perdus"] + r["appels_repondus"]:
            problems.append(
                Probleme(
                    fichier,
                    f"appels reçus ({r['appels_recus']}) ≠ appels perdus ({r['appels_perdus']}) + appels répondus "
                    f"({r['appels_repondus']}) = {r['appels_perdus'] + r['appels_repondus']}",
                    ligne=ligne,
                    colonne="appels_recus, appels_perdus, appels_repondus",
                    conseil="chaque appel reçu est soit perdu, soit répondu : corrigez l'un des trois nombres",
                )
            )
        if _present(r["appels_hors_horaires"]) and r["appels_hors_horaires"] > r["appels_recus"]:
            problems.append(
                Probleme(
                    fichier,
                    f"appels hors horaires ({r['appels_hors_horaires']}) > appels reçus ({r['appels_recus']})",
                    ligne=ligne,
                    colonne="appels_hors_horaires",
                    conseil="les appels hors horaires font partie des appels reçus",
                )
            )
    years = d[d["periode"].str.len() == 4]
    months = d[d["periode"].str.len() == 7]
    for ligne, y in years.iterrows():
        ms = months[months["periode"].str.startswith(y["periode"] + "-")]
        if ms.empty:
            continue
        ecarts = [c for c in COMPTES if not _concorde(y[c], ms[c])]
        if len(ms) < 12 or ecarts:
            detail = " ; ".join(
                f"{c} : {_texte(y[c])} pour l'année, {_texte(_somme(ms[c]))} pour la somme des mois" for c in ecarts
            ) or f"{len(ms)} mois seulement"
            problems.append(
                Probleme(
                    fichier,
                    f"l'année {y['periode']} est donnée deux fois, en année (ligne {ligne}) et par {len(ms)} mois "
                    f"({'ligne' if len(ms) == 1 else 'lignes'} {', '.join(map(str, ms.index))}), et les deux ne "
                    f"concordent pas ({detail})",
                    ligne=ligne,
                    colonne=", ".join(["periode"] + ecarts),
                    conseil="gardez soit la ligne de l'année, soit les lignes des mois",
                )
            )
    return problems


def _somme(mois: pd.Series):
    """The months' total of a column; None when no month fills it."""
    presents = [v for v in mois if _present(v)]
    return sum(presents) if presents else None


def _concorde(annee, mois: pd.Series) -> bool:
    """A year row's value agrees with its months: both empty, or equal to the sum of the months (every month
    filled when the year is)."""
    presents = [v for v in mois if _present(v)]
    if not _present(annee):
        return not presents
    return len(presents) == len(mois) and sum(presents) == annee


def _texte(v) -> str:
    return "vide" if v is None or not _present(v) else formats.entier(v)  # « 98 953 », as on the page


def exiger_valide(df: pd.DataFrame) -> None:
    problems = problemes(df)
    if problems:
        raise ErreurDonnees(problems)


def fusionner(fichier: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """A file holding only some periods, completed by the shipped file: each year the file covers is taken
    from it alone (its months or its year row), every other year from `reference`. The same file twice: itself."""
    if fichier.attrs.get("fichier") == reference.attrs.get("fichier"):
        return fichier
    exiger_valide(fichier)
    exiger_valide(reference)
    years = set(fichier["periode"].str[:4])
    kept = reference[~reference["periode"].str[:4].isin(years)]
    out = pd.concat([_complet(kept), _complet(fichier)]).sort_values("periode", kind="stable")
    out.attrs["fichier"] = " et ".join(
        dict.fromkeys([fichier.attrs.get("fichier", "fichier"), reference.attrs.get("fichier", "référence")])
    )
    out.attrs["annees_fichier"] = sorted(int(y) for y in years)
    return out


