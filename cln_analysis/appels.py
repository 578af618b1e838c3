"""The city switchboard's activity: yearly and monthly calls, pickup rates, the callbot trial, the load behind them.

A period is a year (`2025`) or a month (`2026-03`). A year given by months is the sum of its months,
marked partial below 12; a year given both ways must agree. A row without the trial columns satisfies
received = lost + answered; a row with them (a trial month) satisfies received = resolved by the callbot +
abandoned with the callbot + answered + lost, and calls the callbot took = resolved + abandoned + transferred.

Rates (Services Publics+, commitment n°6): the agent pickup rate is answered / (answered + lost), the calls
that reached the agents' queue; the global rate is (received − lost) / received, any answer, callbot or agent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import formats as f
from .erreurs import ErreurDonnees, Probleme
from .registre import chiffre
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
    "taux_decroche_agent": Colonne("Décroché par un agent", _taux),
    "taux_decroche_global": Colonne("Décroché global (callbot ou agent)", _taux),
    "evolution_recus": Colonne("Évolution des appels reçus", f.evolution),
    "nom_mois": Colonne("Mois"),
    "resolus_callbot": Colonne("Résolus par le callbot", f.entier),
    "abandons_callbot": Colonne("Abandonnés pendant le callbot", f.entier),
    "appels_recus_annee_precedente": Colonne("Reçus, même mois de l'année précédente", f.entier),
    "taux_decroche_agent_annee_precedente": Colonne("Par un agent, même mois de l'année précédente", _taux),
    "objectif": Colonne("Objectif annoncé"),
    "mesure": Colonne("Mesure pendant l'expérimentation"),
    "reference": Colonne("Référence"),
    "verdict": Colonne("Verdict"),
    "agents": Colonne("Agents au téléphone", f.entier),
    "probabilite_attente": Colonne("Part des appels qui attendent", lambda v: f.pourcentage(v, 1)),
    "attente_predite_s": Colonne("Attente moyenne prédite", f.attente),
}

#: The four counts of the callbot's outcome: filled together on a trial month, empty before.
ESSAI = ["appels_callbot", "resolus_callbot", "abandons_callbot", "transferts_agent"]
#: The six optional columns of a trial month.
FACULTATIVES = ESSAI + ["appels_hors_horaires", "attente_moyenne_s"]
COMPTES = ["appels_recus", "appels_perdus", "appels_repondus"] + ESSAI + ["appels_hors_horaires"]


def _complet(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every optional column (empty when the file has not got it)."""
    d = df.copy()
    for c in FACULTATIVES:
        if c not in d.columns:
            d[c] = pd.NA
    return d


def _present(v) -> bool:
    return v is not None and not pd.isna(v)


def verifier(df: pd.DataFrame) -> list[Probleme]:
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
        sums = ms[["appels_recus", "appels_perdus", "appels_repondus"]].sum()
        if len(ms) < 12 or any(int(sums[c]) != int(y[c]) for c in sums.index):
            problems.append(
                Probleme(
                    fichier,
                    f"l'année {y['periode']} est donnée deux fois, en année et par {len(ms)} mois "
                    f"(lignes {', '.join(map(str, ms.index))}), et les deux ne concordent pas "
                    f"({int(y['appels_recus'])} appels reçus contre {int(sums['appels_recus'])} pour la somme des "
                    f"mois)",
                    ligne=ligne,
                    colonne="periode",
                    conseil="gardez soit la ligne de l'année, soit les lignes des mois",
                )
            )
    return problems


def _verifie(df: pd.DataFrame) -> None:
    problems = verifier(df)
    if problems:
        raise ErreurDonnees(problems)


def fusionner(fichier: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """A file holding only some periods, completed by the shipped file: each year the file covers is taken
    from it alone (its months or its year row), every other year from `reference`. The same file twice: itself."""
    if fichier.attrs.get("fichier") == reference.attrs.get("fichier"):
        return fichier
    _verifie(fichier)
    _verifie(reference)
    years = set(fichier["periode"].str[:4])
    kept = reference[~reference["periode"].str[:4].isin(years)]
    out = pd.concat([_complet(kept), _complet(fichier)]).sort_values("periode", kind="stable")
    out.attrs["fichier"] = " et ".join(
        dict.fromkeys([fichier.attrs.get("fichier", "fichier"), reference.attrs.get("fichier", "référence")])
    )
    out.attrs["annees_fichier"] = sorted(int(y) for y in years)
    return out


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def _memes_mois(d: pd.DataFrame, annee: int) -> tuple[float, str]:
    """Change of received calls over the months present in `annee` against the same months of the year
    before; NaN and the reason when the year before lacks one of them."""

    def months(a):
        m = d[(d["annee"] == a) & d["mensuel"]]
        return dict(zip(m["periode"].str[5:], m["appels_recus"], strict=False))

    def total(a):
        y = d[(d["annee"] == a) & ~d["mensuel"]]
        return None if y.empty else int(y["appels_recus"].iloc[0])

    cur, prev = months(annee), months(annee - 1)
    cur_total, prev_total = total(annee), total(annee - 1)
    if cur_total is not None or len(cur) == 12:
        now = cur_total if cur_total is not None else sum(cur.values())
        before = prev_total if prev_total is not None else (sum(prev.values()) if len(prev) == 12 else None)
        if before is None:
            return math.nan, (
                f"{annee - 1} n'est pas entière dans le fichier" if prev else f"le fichier ne contient pas {annee - 1}"
            )
        return now / before - 1, ""
    missing = sorted(set(cur) - set(prev))
    if not missing:
        return sum(cur.values()) / sum(prev[m] for m in cur) - 1, ""
    if prev_total is not None:
        return math.nan, f"{annee - 1} n'est connue que par son total annuel, pas mois par mois"
    if not prev:
        return math.nan, f"le fichier ne contient pas {annee - 1}"
    return math.nan, "il manque " + f.liste_mois([f"{annee - 1}-{m}" for m in missing])


def annuel(df: pd.DataFrame) -> pd.DataFrame:
    """One row per year: volumes, months counted, rates, trial shares (over the trial months), changes."""
    _verifie(df)
    d = _complet(df)
    d["annee"] = d["periode"].str[:4].astype(int)
    d["mensuel"] = d["periode"].str.len() == 7
    rows = []
    for annee, g in d.groupby("annee", sort=True):
        has_year = (~g["mensuel"]).any()
        source = g[~g["mensuel"]] if has_year else g
        n_months = 12 if has_year else int(g["mensuel"].sum())
        trial = source[source["appels_callbot"].notna()]
        hors = source[source["appels_hors_horaires"].notna()]
        wait = source[source["attente_moyenne_s"].notna()]
        row = {
            "annee": int(annee),
            "appels_recus": int(source["appels_recus"].sum()),
            "appels_perdus": int(source["appels_perdus"].sum()),
            "appels_repondus": int(source["appels_repondus"].sum()),
            "mois": n_months,
            "partielle": n_months < 12,
            "periode_couverte": "" if has_year or n_months == 12 else f.liste_mois(list(source["periode"])),
            "mois_essai": len(trial),
            "periode_essai": f.liste_mois(list(trial["periode"]))
            if len(trial) and trial["mensuel"].all()
            else (str(annee) if len(trial) else ""),
        }
        for c in ESSAI:
            row[c] = int(trial[c].sum()) if len(trial) else math.nan
        row["recus_essai"] = int(trial["appels_recus"].sum()) if len(trial) else math.nan
        lost, answered = trial["appels_perdus"].sum(), trial["appels_repondus"].sum()
        row["taux_decroche_agent_essai"] = _ratio(answered, answered + lost) if len(trial) else math.nan
        row["taux_decroche_global_essai"] = (
            _ratio(row["recus_essai"] - lost, row["recus_essai"]) if len(trial) else math.nan
        )
        row["appels_hors_horaires"] = int(hors["appels_hors_horaires"].sum()) if len(hors) else math.nan
        row["recus_hors_horaires"] = int(hors["appels_recus"].sum()) if len(hors) else math.nan
        weights = wait["appels_repondus"].astype(float)
        row["attente_moyenne_min"] = (
            float((wait["attente_moyenne_s"] * weights).sum() / weights.sum()) / 60
            if len(wait) and weights.sum()
            else math.nan
        )
        row["periode_attente"] = f.liste_mois(list(wait["periode"])) if len(wait) and wait["mensuel"].all() else ""
        rows.append(row)
    t = pd.DataFrame(rows)
    t["taux_decroche"] = t["appels_repondus"] / (t["appels_repondus"] + t["appels_perdus"])
    t["taux_decroche_agent"] = t["taux_decroche"]
    t["taux_decroche_global"] = (t["appels_recus"] - t["appels_perdus"]) / t["appels_recus"]
    t["part_resolue_sans_agent"] = [_ratio(a, b) for a, b in zip(t["resolus_callbot"], t["recus_essai"], strict=False)]
    t["part_transferts_callbot"] = [
        _ratio(a, b) for a, b in zip(t["transferts_agent"], t["appels_callbot"], strict=False)
    ]
    t["part_abandons_callbot"] = [
        _ratio(a, b) for a, b in zip(t["abandons_callbot"], t["appels_callbot"], strict=False)
    ]
    t["part_hors_horaires"] = [
        _ratio(a, b) for a, b in zip(t["appels_hors_horaires"], t["recus_hors_horaires"], strict=False)
    ]
    prev = t["appels_recus"].shift(1)
    comparable = (t["annee"].diff() == 1) & ~t["partielle"] & ~t["partielle"].shift(1, fill_value=True)
    t["evolution_recus"] = (t["appels_recus"] / prev - 1).where(comparable)
    memes = [_memes_mois(d, int(a)) for a in t["annee"]]
    t["evolution_recus_memes_mois"] = [v for v, _ in memes]
    t["raison_memes_mois"] = [r for _, r in memes]
    return t


def mensuel(df: pd.DataFrame) -> pd.DataFrame:
    """The monthly rows with their rates and where the calls went, each with the same month of the
    previous year when the file has it."""
    d = _complet(df)
    m = d[d["periode"].str.len() == 7].copy().sort_values("periode")
    cols = [
        "periode",
        "nom_mois",
        "appels_recus",
        "resolus_callbot",
        "abandons_callbot",
        "appels_repondus",
        "appels_perdus",
        "taux_decroche_agent",
        "taux_decroche_global",
        "appels_recus_annee_precedente",
        "taux_decroche_agent_annee_precedente",
    ]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m["nom_mois"] = [f.mois(p) for p in m["periode"]]
    m["taux_decroche_agent"] = m["appels_repondus"] / (m["appels_repondus"] + m["appels_perdus"])
    m["taux_decroche_global"] = (m["appels_recus"] - m["appels_perdus"]) / m["appels_recus"]
    by_period = m.set_index("periode")
    prev = [f"{int(p[:4]) - 1}{p[4:]}" for p in m["periode"]]
    m["appels_recus_annee_precedente"] = [by_period["appels_recus"].get(p) for p in prev]
    m["taux_decroche_agent_annee_precedente"] = [by_period["taux_decroche_agent"].get(p) for p in prev]
    for c in ("resolus_callbot", "abandons_callbot", "appels_recus_annee_precedente"):
        m[c] = pd.Series([None if not _present(v) else int(v) for v in m[c]], index=m.index, dtype=object)
    m["taux_decroche_agent_annee_precedente"] = m["taux_decroche_agent_annee_precedente"].astype(float)
    return m[cols].reset_index(drop=True)


def source_donnees(fichier: pd.DataFrame, reference: pd.DataFrame, source_reference: str) -> str:
    """The chart's source line: the slide for the shipped file, else the file actually read (and the shipped
    file for the years it does not cover)."""
    if fichier.attrs.get("fichier") == reference.attrs.get("fichier"):
        return source_reference
    years = sorted(set(fichier["periode"].str[:4]))
    others = sorted(set(reference["periode"].str[:4]) - set(years))
    text = f"fichier {fichier.attrs.get('fichier')} ({', '.join(years)})"
    if others:
        text += f" ; {', '.join(others)} : {reference.attrs.get('fichier')} ({source_reference})"
    return text


def vue_annees(t: pd.DataFrame) -> pd.DataFrame:
    """The yearly table as the report shows it."""
    return t[
        [
            "annee",
            "appels_recus",
            "appels_perdus",
            "appels_repondus",
            "mois",
            "partielle",
            "taux_decroche_agent",
            "taux_decroche_global",
            "evolution_recus",
        ]
    ]


def derniere_annee_avant_essai(t: pd.DataFrame) -> pd.Series:
    """The reference year: the last complete year without any trial month."""
    return derniere_annee_complete(t[t["mois_essai"] == 0])


def derniere_annee_complete(t: pd.DataFrame) -> pd.Series:
    complete = t[~t["partielle"]]
    if complete.empty:
        raise ErreurDonnees(
            Probleme(
                "appels", "aucune année complète (12 mois ou une ligne d'année) dans le fichier", colonne="periode"
            )
        )
    return complete.iloc[-1]


@dataclass(frozen=True)
class Objectif:
    annee: int
    objectif: float
    ecart: float  # calls more to answer to reach the target
    par_jour_ouvre: float
    heures_conversation: float
    transferts_estimes: float


def objectif(
    annee: pd.Series, objectif_decroche: float, jours_ouvres: int, duree_min: float, part_transferts: float
) -> Objectif:
    """Gap to the pickup target, per working day, conversation hours and transfers, for one year."""
    ecart = objectif_decroche * annee["appels_recus"] - annee["appels_repondus"]
    return Objectif(
        int(annee["annee"]),
        objectif_decroche,
        float(ecart),
        float(ecart) / jours_ouvres,
        float(annee["appels_repondus"]) * duree_min / 60,
        float(annee["appels_repondus"]) * part_transferts,
    )


def chiffres(t: pd.DataFrame, obj: Objectif) -> list[dict]:
    """Every headline figure of every year of the file, then the reference year's gap to the target."""
    out = []
    for _, y in t.iterrows():
        a = int(y["annee"])
        p = f"appels.{a}"
        partial = (
            f" ({y['periode_couverte']})"
            if y["partielle"] and y["periode_couverte"]
            else (f" ({int(y['mois'])} mois)" if y["partielle"] else "")
        )
        out += [
            chiffre(f"{p}.recus", f"Appels reçus par le standard en {a}{partial}", y["appels_recus"], "count",
                    "donnée brute" + (" (somme des mois)" if y["mois"] and partial else "")),
            chiffre(f"{p}.perdus", f"Appels perdus en {a}{partial}", y["appels_perdus"], "count", "donnée brute"),
            chiffre(f"{p}.repondus", f"Appels répondus en {a}{partial}", y["appels_repondus"], "count", "donnée brute"),
            chiffre(f"{p}.taux_decroche", f"Taux de décroché en {a}{partial}", y["taux_decroche"], "ratio",
                    f"{p}.repondus / ({p}.repondus + {p}.perdus)"),
            chiffre(f"{p}.taux_decroche_agent", f"Taux de décroché par un agent en {a}{partial}",
                    y["taux_decroche_agent"], "ratio", f"{p}.repondus / ({p}.repondus + {p}.perdus)", 0),
            chiffre(f"{p}.taux_decroche_global", f"Taux de décroché global (callbot ou agent) en {a}{partial}",
                    y["taux_decroche_global"], "ratio", f"({p}.recus − {p}.perdus) / {p}.recus", 0),
        ]
        if pd.notna(y["evolution_recus"]):
            out.append(chiffre(f"{p}.evolution_recus", f"Évolution des appels reçus entre {a - 1} et {a}",
                               y["evolution_recus"], "ratio", f"{p}.recus / appels.{a - 1}.recus - 1"))
        if pd.notna(y["evolution_recus_memes_mois"]):
            months = y["periode_couverte"] or "année entière"
            out.append(chiffre(f"{p}.evolution_recus_memes_mois",
                               f"Évolution des appels reçus en {a} par rapport aux mêmes mois de {a - 1} ({months})",
                               y["evolution_recus_memes_mois"], "ratio",
                               f"appels reçus des mois présents en {a} / appels reçus des mêmes mois de {a - 1} - 1"))
        if y["mois_essai"]:
            essai = f" ({y['periode_essai']})"
            out += [
                chiffre(f"{p}.part_resolue_sans_agent", f"Part des appels résolus par le callbot sans agent{essai}",
                        y["part_resolue_sans_agent"], "ratio",
                        "somme des resolus_callbot / somme des appels_recus, mois de l'expérimentation"),
                chiffre(f"{p}.part_transferts_callbot",
                        f"Part des appels pris par le callbot transférés à un agent{essai}",
                        y["part_transferts_callbot"], "ratio", "somme des transferts_agent / somme des appels_callbot"),
                chiffre(f"{p}.part_abandons_callbot",
                        f"Part des appels pris par le callbot abandonnés pendant l'échange{essai}",
                        y["part_abandons_callbot"], "ratio", "somme des abandons_callbot / somme des appels_callbot"),
            ]
        if pd.notna(y["part_hors_horaires"]):
            out.append(chiffre(f"{p}.part_hors_horaires", f"Part des appels reçus hors horaires en {a}{partial}",
                               y["part_hors_horaires"], "ratio",
                               "somme des appels_hors_horaires / somme des appels_recus des mêmes mois"))
        if pd.notna(y["attente_moyenne_min"]):
            when = f" ({y['periode_attente']})" if y["periode_attente"] else f" en {a}"
            out.append(chiffre(f"{p}.attente_moyenne_min",
                               f"Attente moyenne avant la réponse d'un agent, en minutes{when}",
                               y["attente_moyenne_min"], "minutes",
                               "moyenne des attente_moyenne_s pondérée par appels_repondus / 60"))
    p = f"appels.{obj.annee}"
    out += [
        chiffre(f"{p}.ecart_objectif", f"Appels de plus à décrocher en {obj.annee} pour atteindre l'objectif",
                obj.ecart, "count", f"objectif_decroche × {p}.recus − {p}.repondus"),
        chiffre(f"{p}.perdus_par_jour_ouvre", f"Écart à l'objectif par jour ouvré en {obj.annee}", obj.par_jour_ouvre,
                "count", f"{p}.ecart_objectif / jours_ouvres"),
        chiffre(f"{p}.heures_conversation", f"Heures de conversation des appels répondus en {obj.annee}",
                obj.heures_conversation, "heures", f"{p}.repondus × duree_moyenne_min / 60"),
        chiffre(f"{p}.transferts_estimes", f"Transferts estimés parmi les appels répondus en {obj.annee}",
                obj.transferts_estimes, "count", f"{p}.repondus × part_transferts"),
    ]
    return out


# --------------------------------------------------------------------------- the load behind the slide's figures


def erlang_c(agents: int, charge: float) -> float:
    """Probability that a call waits (Erlang C) with `agents` servers and an offered load of `charge` erlangs;
    1 when the agents cannot absorb the load. Computed by the Erlang B recursion, stable for any size."""
    if charge <= 0:
        return 0.0
    if agents <= charge:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = charge * b / (k + charge * b)
    return agents * b / (agents - charge * (1 - b))


def attente_erlang(agents: int, charge: float, duree: float) -> float:
    """Mean wait of all calls (M/M/c, no abandonment), in the unit of `duree`; infinite when agents ≤ load."""
    if agents <= charge:
        return math.inf
    return erlang_c(agents, charge) * duree / (agents - charge)


@dataclass(frozen=True)
class Coherence:
    annee: int
    occupation_postes: float  # share of the posts' opening time spent in conversation
    charge_erlangs: float  # calls reaching the agents × mean duration / opening time
    attente_predite_s: float  # Erlang C mean wait with every post on the phone
    par_agents: pd.DataFrame  # agents on the phone → probability of waiting, mean wait


def coherence(
    annee: pd.Series, postes: int, jours_ouvres: float, heures_ouverture_jour: float, duree_min: float
) -> Coherence:
    """The load behind a year's figures and what an Erlang C model predicts for the wait, evenly spread
    over the opening hours."""
    minutes = jours_ouvres * heures_ouverture_jour * 60
    occupation = float(annee["appels_repondus"]) * duree_min / (postes * minutes)
    charge = float(annee["appels_repondus"] + annee["appels_perdus"]) * duree_min / minutes
    rows = [
        {
            "agents": n,
            "probabilite_attente": erlang_c(n, charge),
            "attente_predite_s": attente_erlang(n, charge, duree_min * 60),
        }
        for n in range(1, int(postes) + 1)
    ]
    table = pd.DataFrame(rows)
    return Coherence(
        int(annee["annee"]), occupation, charge, attente_erlang(int(postes), charge, duree_min * 60), table
    )


def chiffres_coherence(c: Coherence) -> list[dict]:
    """The load figures; the predicted wait only when the posts can absorb the load (else it has no limit)."""
    p = f"appels.{c.annee}"
    out = [
        chiffre(f"{p}.occupation_postes", f"Part du temps d'ouverture des postes passée au téléphone en {c.annee}",
                c.occupation_postes, "ratio",
                f"{p}.repondus × duree_moyenne_min / (postes × jours_ouvres × heures_ouverture_jour × 60)"),
        chiffre(f"{p}.charge_erlangs",
                f"Charge d'appels en {c.annee}, en agents occupés en moyenne pendant l'ouverture (erlangs)",
                c.charge_erlangs, "erlangs",
                f"({p}.repondus + {p}.perdus) × duree_moyenne_min / (jours_ouvres × heures_ouverture_jour × 60)"),
        chiffre(f"{p}.attente_predite_erlang_s",
                f"Attente moyenne prédite par le modèle d'Erlang C en {c.annee}, tous les postes au téléphone, en "
                f"secondes", c.attente_predite_s, "secondes",
                f"erlang_c(postes, {p}.charge_erlangs) × duree_moyenne_min × 60 / (postes − {p}.charge_erlangs)"),
    ]
    return out if math.isfinite(c.attente_predite_s) else out[:2]


# --------------------------------------------------------------------------- the trial's goals, one by one

ATTEINT, PAS_ATTEINT = "atteint", "pas atteint"


def _manque(colonne: str) -> str:
    return f"non mesurable : la colonne « {colonne} » manque"


def objectifs(
    t: pd.DataFrame,
    reference: pd.Series,
    objectif_decroche: float,
    attente_max_min: float,
    attente_min_min: float,
    part_transferts: float,
) -> pd.DataFrame:
    """One row per goal printed on the slides: measured value (last year with trial months), the reference
    year's value, and the verdict (« atteint », « pas atteint », « non mesurable : la colonne … manque »)."""
    trial = t[t["mois_essai"] > 0]
    y = trial.iloc[-1] if len(trial) else None
    ref_year = int(reference["annee"])
    pct = lambda v: f.pourcentage(v, 1)  # noqa: E731
    rows = []
    # 1. 100 % des appels décrochés: both rates must reach it.
    ref1 = f"{pct(reference['taux_decroche_agent'])} par un agent (seul taux mesuré en {ref_year})"
    if y is None:
        rows.append(("100 % des appels décrochés", "—", ref1, _manque("appels_callbot")))
    else:
        ok = (
            y["taux_decroche_global_essai"] >= objectif_decroche and y["taux_decroche_agent_essai"] >= objectif_decroche
        )
        rows.append(
            (
                "100 % des appels décrochés",
                f"global (callbot ou agent) : {pct(y['taux_decroche_global_essai'])} ; par un agent : "
                f"{pct(y['taux_decroche_agent_essai'])} ({y['periode_essai']})",
                ref1,
                ATTEINT if ok else PAS_ATTEINT,
            )
        )
    # 2. Waiting time
    ref2 = f"{f.entier(attente_min_min)} à {f.entier(attente_max_min)} minutes (diapositive, non mesuré)"
    if y is None or pd.isna(y["attente_moyenne_min"]):
        rows.append(("Attente réduite (10 à 15 minutes aujourd'hui)", "—", ref2, _manque("attente_moyenne_s")))
    else:
        rows.append(
            (
                "Attente réduite (10 à 15 minutes aujourd'hui)",
                f"{f.nombre(y['attente_moyenne_min'], 1)} min en moyenne ({y['periode_attente'] or y['annee']})",
                ref2,
                ATTEINT if y["attente_moyenne_min"] < attente_min_min else PAS_ATTEINT,
            )
        )
    # 3. Transfers automated: the share resolved without an agent reaches the slide's share of transfers
    ref3 = f"plus d'un tiers des appels sont des transferts, tous faits par un agent en {ref_year}"
    if y is None:
        rows.append(
            ("Plus d'un tiers des appels sont des transferts : les automatiser", "—", ref3, _manque("resolus_callbot"))
        )
    else:
        rows.append(
            (
                "Plus d'un tiers des appels sont des transferts : les automatiser",
                f"résolus sans agent : {pct(y['part_resolue_sans_agent'])} des appels reçus ; transférés à un agent : "
                f"{pct(y['part_transferts_callbot'])} des appels pris par le callbot",
                ref3,
                ATTEINT if y["part_resolue_sans_agent"] >= part_transferts else PAS_ATTEINT,
            )
        )
    # 4. 24 h/24: out-of-hours calls counted and all of them could be taken by the callbot
    ref4 = f"aucune réponse hors des heures d'ouverture en {ref_year}"
    if y is None or pd.isna(y["appels_hors_horaires"]):
        rows.append(("Réponse 24 h/24", "—", ref4, _manque("appels_hors_horaires")))
    else:
        ok = y["appels_hors_horaires"] > 0 and y["appels_callbot"] >= y["appels_hors_horaires"]
        rows.append(
            (
                "Réponse 24 h/24",
                f"{f.entier(y['appels_hors_horaires'])} appels hors horaires "
                f"({pct(y['part_hors_horaires'])} des appels reçus), {f.entier(y['appels_callbot'])} appels "
                "pris par le callbot",
                ref4,
                ATTEINT if ok else PAS_ATTEINT,
            )
        )
    return pd.DataFrame(rows, columns=["objectif", "mesure", "reference", "verdict"])


#: How each verdict is decided, said in the report.
REGLES_VERDICT = [
    "100 % des appels décrochés : atteint seulement si le taux global et le taux par un agent atteignent tous deux "
    "l'objectif ; un taux global proche de 100 % ne suffit pas.",
    "Attente : atteint si l'attente moyenne mesurée est inférieure au bas de la fourchette de la diapositive.",
    "Transferts : atteint si la part des appels résolus sans agent atteint la part des transferts de la diapositive "
    "(un tiers).",
    "Réponse 24 h/24 : atteint si le fichier compte des appels hors horaires et que le callbot a pris au moins "
    "autant d'appels (le fichier ne dit pas lesquels ont reçu une réponse).",
]


@dataclass(frozen=True)
class Hypotheses:
    """The report's working values: a parameter when given, else the slides' figure."""

    objectif_decroche: float
    duree_moyenne_min: float
    part_transferts: float


def hypotheses(
    contexte: pd.DataFrame,
    objectif_decroche: float | None = None,
    duree_moyenne_min: float | None = None,
    part_transferts: float | None = None,
) -> Hypotheses:
    """Each value from its parameter, or from `appels_contexte.csv` when the parameter is empty."""
    ctx = contexte.set_index("indicateur")["valeur"]
    return Hypotheses(
        float(ctx["objectif_decroche"] if objectif_decroche is None else objectif_decroche),
        float(ctx["duree_moyenne_appel"] if duree_moyenne_min is None else duree_moyenne_min),
        float(ctx["part_transferts_min"] if part_transferts is None else part_transferts),
    )
