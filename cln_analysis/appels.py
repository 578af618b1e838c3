"""The city switchboard's activity: yearly and monthly calls, pickup rate, gap to the target.

A period is a year (`2025`) or a month (`2026-03`). A year given by months is the sum of its months,
marked partial below 12; a year given both ways must agree. Every row satisfies
received = lost + answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import formats as f
from .erreurs import ErreurDonnees, Probleme
from .rendu import Colonne


def _taux(v: float) -> str:
    return f.pourcentage(v, 0)


#: The columns of this report's tables: French title and format, declared once.
COLONNES = {
    "annee": Colonne("Année", str),
    "periode": Colonne("Mois"),
    "appels_recus": Colonne("Appels reçus", f.entier),
    "appels_perdus": Colonne("Appels perdus", f.entier),
    "appels_repondus": Colonne("Appels répondus", f.entier),
    "mois": Colonne("Mois couverts", f.entier),
    "partielle": Colonne("Année partielle", lambda p: "oui" if p else "non"),
    "taux_decroche": Colonne("Taux de décroché", _taux),
    "evolution_recus": Colonne("Évolution des appels reçus", f.evolution),
    "appels_recus_annee_precedente": Colonne("Reçus, année précédente", f.entier),
    "taux_decroche_annee_precedente": Colonne("Taux, année précédente", _taux),
}


def verifier(df: pd.DataFrame) -> list[Probleme]:
    """Row rule (received = lost + answered) and the agreement of years given both ways."""
    fichier = df.attrs.get("fichier", "appels")
    problems = []
    for ligne, r in df.iterrows():
        if r["appels_recus"] != r["appels_perdus"] + r["appels_repondus"]:
            problems.append(Probleme(
                fichier, f"appels reçus ({r['appels_recus']}) ≠ appels perdus ({r['appels_perdus']}) + appels répondus "
                f"({r['appels_repondus']}) = {r['appels_perdus'] + r['appels_repondus']}", ligne=ligne,
                colonne="appels_recus, appels_perdus, appels_repondus",
                conseil="chaque appel reçu est soit perdu, soit répondu : corrigez l'un des trois nombres"))
    years = df[df["periode"].str.len() == 4]
    months = df[df["periode"].str.len() == 7]
    for ligne, y in years.iterrows():
        ms = months[months["periode"].str.startswith(y["periode"] + "-")]
        if ms.empty:
            continue
        sums = ms[["appels_recus", "appels_perdus", "appels_repondus"]].sum()
        if len(ms) < 12 or any(int(sums[c]) != int(y[c]) for c in sums.index):
            problems.append(Probleme(
                fichier, f"l'année {y['periode']} est donnée deux fois, en année et par {len(ms)} mois "
                f"(lignes {', '.join(map(str, ms.index))}), et les deux ne concordent pas "
                f"({int(y['appels_recus'])} appels reçus contre {int(sums['appels_recus'])} pour la somme des mois)",
                ligne=ligne, colonne="periode", conseil="gardez soit la ligne de l'année, soit les lignes des mois"))
    return problems


def annuel(df: pd.DataFrame) -> pd.DataFrame:
    """One row per year: volumes, months counted, partial flag, pickup rate, change of received calls."""
    problems = verifier(df)
    if problems:
        raise ErreurDonnees(problems)
    d = df.copy()
    d["annee"] = d["periode"].str[:4].astype(int)
    d["mensuel"] = d["periode"].str.len() == 7
    rows = []
    for annee, g in d.groupby("annee", sort=True):
        source = g[~g["mensuel"]] if (~g["mensuel"]).any() else g
        n_months = 12 if (~g["mensuel"]).any() else int(g["mensuel"].sum())
        rows.append({
            "annee": int(annee),
            "appels_recus": int(source["appels_recus"].sum()),
            "appels_perdus": int(source["appels_perdus"].sum()),
            "appels_repondus": int(source["appels_repondus"].sum()),
            "mois": n_months,
            "partielle": n_months < 12,
        })
    t = pd.DataFrame(rows)
    t["taux_decroche"] = t["appels_repondus"] / t["appels_recus"]
    prev = t["appels_recus"].shift(1)
    comparable = (t["annee"].diff() == 1) & ~t["partielle"] & ~t["partielle"].shift(1, fill_value=True)
    t["evolution_recus"] = (t["appels_recus"] / prev - 1).where(comparable)
    return t


def mensuel(df: pd.DataFrame) -> pd.DataFrame:
    """The monthly rows, each with the same month of the previous year when the file has it."""
    m = df[df["periode"].str.len() == 7].copy()
    if m.empty:
        return pd.DataFrame(columns=["periode", "appels_recus", "appels_repondus", "taux_decroche",
                                     "appels_recus_annee_precedente", "taux_decroche_annee_precedente"])
    m["taux_decroche"] = m["appels_repondus"] / m["appels_recus"]
    m = m.sort_values("periode")
    by_period = m.set_index("periode")
    prev = [f"{int(p[:4]) - 1}{p[4:]}" for p in m["periode"]]
    m["appels_recus_annee_precedente"] = [by_period["appels_recus"].get(p) for p in prev]
    m["taux_decroche_annee_precedente"] = [by_period["taux_decroche"].get(p) for p in prev]
    return m[["periode", "appels_recus", "appels_repondus", "taux_decroche",
              "appels_recus_annee_precedente", "taux_decroche_annee_precedente"]].reset_index(drop=True)


def derniere_annee_complete(t: pd.DataFrame) -> pd.Series:
    complete = t[~t["partielle"]]
    if complete.empty:
        raise ErreurDonnees(Probleme("appels", "aucune année complète (12 mois ou une ligne d'année) dans le fichier",
                                     colonne="periode"))
    return complete.iloc[-1]


@dataclass(frozen=True)
class Objectif:
    annee: int
    objectif: float
    ecart: float  # calls more to answer to reach the target
    par_jour_ouvre: float
    heures_conversation: float
    transferts_estimes: float


def objectif(annee: pd.Series, objectif_decroche: float, jours_ouvres: int, duree_min: float,
             part_transferts: float) -> Objectif:
    """Gap to the pickup target, per working day, conversation hours and transfers, for one year."""
    ecart = objectif_decroche * annee["appels_recus"] - annee["appels_repondus"]
    return Objectif(int(annee["annee"]), objectif_decroche, float(ecart), float(ecart) / jours_ouvres,
                    float(annee["appels_repondus"]) * duree_min / 60, float(annee["appels_repondus"]) * part_transferts)


def chiffres(t: pd.DataFrame, obj: Objectif) -> list[dict]:
    out = []
    for _, y in t.iterrows():
        a = int(y["annee"])
        p = f"appels.{a}"
        partial = f" ({int(y['mois'])} mois)" if y["partielle"] else ""
        out += [
            dict(figure_id=f"{p}.recus", label=f"Appels reçus par le standard en {a}{partial}", value=y["appels_recus"],
                 unit="count", formula="donnée brute" + (" (somme des mois)" if y["mois"] and partial else "")),
            dict(figure_id=f"{p}.perdus", label=f"Appels perdus en {a}{partial}", value=y["appels_perdus"], unit="count",
                 formula="donnée brute"),
            dict(figure_id=f"{p}.repondus", label=f"Appels répondus en {a}{partial}", value=y["appels_repondus"],
                 unit="count", formula="donnée brute"),
            dict(figure_id=f"{p}.taux_decroche", label=f"Taux de décroché en {a}{partial}", value=y["taux_decroche"],
                 unit="ratio", formula=f"{p}.repondus / {p}.recus"),
        ]
        if pd.notna(y["evolution_recus"]):
            out.append(dict(figure_id=f"{p}.evolution_recus", label=f"Évolution des appels reçus entre {a - 1} et {a}",
                            value=y["evolution_recus"], unit="ratio", formula=f"{p}.recus / appels.{a - 1}.recus - 1"))
    p = f"appels.{obj.annee}"
    out += [
        dict(figure_id=f"{p}.ecart_objectif", label=f"Appels de plus à décrocher en {obj.annee} pour atteindre l'objectif",
             value=obj.ecart, unit="count", formula=f"objectif_decroche × {p}.recus − {p}.repondus"),
        dict(figure_id=f"{p}.perdus_par_jour_ouvre", label=f"Écart à l'objectif par jour ouvré en {obj.annee}",
             value=obj.par_jour_ouvre, unit="count", formula=f"{p}.ecart_objectif / jours_ouvres"),
        dict(figure_id=f"{p}.heures_conversation", label=f"Heures de conversation des appels répondus en {obj.annee}",
             value=obj.heures_conversation, unit="heures", formula=f"{p}.repondus × duree_moyenne_min / 60"),
        dict(figure_id=f"{p}.transferts_estimes", label=f"Transferts estimés parmi les appels répondus en {obj.annee}",
             value=obj.transferts_estimes, unit="count", formula=f"{p}.repondus × part_transferts"),
    ]
    return out


@dataclass(frozen=True)
class Hypotheses:
    """The report's working values: a parameter when given, else the slides' figure."""

    objectif_decroche: float
    duree_moyenne_min: float
    part_transferts: float


def hypotheses(contexte: pd.DataFrame, objectif_decroche: float | None = None, duree_moyenne_min: float | None = None,
               part_transferts: float | None = None) -> Hypotheses:
    """Each value from its parameter, or from `appels_contexte.csv` when the parameter is empty."""
    ctx = contexte.set_index("indicateur")["valeur"]
    return Hypotheses(
        float(ctx["objectif_decroche"] if objectif_decroche is None else objectif_decroche),
        float(ctx["duree_moyenne_appel"] if duree_moyenne_min is None else duree_moyenne_min),
        float(ctx["part_transferts_min"] if part_transferts is None else part_transferts),
    )
