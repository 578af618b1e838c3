"""Yearly and monthly totals of the switchboard: volumes, pickup rates, trial shares, changes, and their figures.

Rates (Services Publics+, commitment n°6): the agent pickup rate is answered / (answered + lost), the calls
that reached the agents' queue; the global rate is (received − lost) / received, any answer, callbot or agent.
A year given by months is the sum of its months, marked partial below 12.
"""

from __future__ import annotations

import math

import pandas as pd

from .. import formats as f
from ..erreurs import ErreurDonnees, Probleme
from ..registre import chiffre
from .objectifs import EcartObjectif
from .regles import ESSAI, _complet, _present, exiger_valide


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
    exiger_valide(df)
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
        # the trial's wait: its months only (a wait typed for a month before the trial is no trial measure)
        wait_trial = trial[trial["attente_moyenne_s"].notna()]
        w_trial = wait_trial["appels_repondus"].astype(float)
        row["attente_moyenne_essai_min"] = (
            float((wait_trial["attente_moyenne_s"] * w_trial).sum() / w_trial.sum()) / 60
            if len(wait_trial) and w_trial.sum()
            else math.nan
        )
        row["periode_attente_essai"] = (
            f.liste_mois(list(wait_trial["periode"])) if len(wait_trial) and wait_trial["mensuel"].all() else ""
        )
        # out-of-hours answers: the same trial months for the numerator and the denominator, and only months
        # that count both (a call log does; a typed file does not say which out-of-hours calls were answered)
        both = trial[trial["appels_hors_horaires"].notna() & trial["hors_horaires_callbot"].notna()]
        row["hors_horaires_essai"] = int(both["appels_hors_horaires"].sum()) if len(both) else math.nan
        row["hors_horaires_callbot"] = int(both["hors_horaires_callbot"].sum()) if len(both) else math.nan
        row["periode_hors_horaires"] = f.liste_mois(list(both["periode"])) if len(both) and both["mensuel"].all() \
            else (str(annee) if len(both) else "")
        rows.append(row)
    t = pd.DataFrame(rows)
    t["taux_decroche"] = t["appels_repondus"] / (t["appels_repondus"] + t["appels_perdus"])
    t["taux_decroche_agent"] = t["taux_decroche"]
    t["taux_decroche_global"] = (t["appels_recus"] - t["appels_perdus"]) / t["appels_recus"]
    t["part_resolue_sans_agent"] = [_ratio(a, b) for a, b in zip(t["resolus_callbot"], t["recus_essai"], strict=False)]
    t["part_resolue_callbot"] = [_ratio(a, b) for a, b in zip(t["resolus_callbot"], t["appels_callbot"], strict=False)]
    t["part_hors_horaires_callbot"] = [
        _ratio(a, b) for a, b in zip(t["hors_horaires_callbot"], t["hors_horaires_essai"], strict=False)
    ]
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


def chiffres(t: pd.DataFrame, obj: EcartObjectif) -> list[dict]:
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
        annee_figs = [
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
        # a year where every call stayed with the callbot has no agent rate (no call reached the agents)
        out += [c for c in annee_figs if not pd.isna(c["value"])]
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
                chiffre(f"{p}.mois_essai", f"Mois de l'expérimentation dans le fichier en {a}{essai}",
                        int(y["mois_essai"]), "count", "mois dont les colonnes du callbot sont remplies"),
                chiffre(f"{p}.taux_decroche_global_essai",
                        f"Taux de décroché global (callbot ou agent) pendant l'expérimentation{essai}",
                        y["taux_decroche_global_essai"], "ratio",
                        "(somme des appels_recus − somme des appels_perdus) / somme des appels_recus, mois de "
                        "l'expérimentation", 0),
                chiffre(f"{p}.abandons_callbot", f"Usagers qui ont raccroché pendant le callbot{essai}",
                        int(y["abandons_callbot"]), "count", "somme des abandons_callbot, mois de l'expérimentation"),
            ]
            if pd.notna(y["taux_decroche_agent_essai"]):  # every call stayed with the callbot: no agent rate
                out.append(chiffre(f"{p}.taux_decroche_agent_essai",
                                   f"Taux de décroché par un agent pendant l'expérimentation{essai}",
                                   y["taux_decroche_agent_essai"], "ratio",
                                   "somme des appels_repondus / (somme des appels_repondus + somme des appels_perdus), "
                                   "mois de l'expérimentation", 0))
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


def chiffres_prose(t: pd.DataFrame, derniere: pd.Series) -> list[dict]:
    """The figures the page's prose prints beyond `chiffres`: one call lost in how many in the reference year, and
    the change of received calls since the file's first year."""
    premiere = t.iloc[0]
    a, a0 = int(derniere["annee"]), int(premiere["annee"])
    un_sur = [] if not derniere["appels_perdus"] else [  # no call lost: no « 1 sur … » to print
        chiffre(f"appels.{a}.recus_par_perdu", f"Appels reçus pour un appel perdu en {a} (« 1 sur … »)",
                derniere["appels_recus"] / derniere["appels_perdus"], "count", f"appels.{a}.recus / appels.{a}.perdus",
                0)]
    return un_sur + [
        chiffre(f"appels.{a}.evolution_recus_depuis_{a0}", f"Évolution des appels reçus entre {a0} et {a}",
                derniere["appels_recus"] / premiere["appels_recus"] - 1, "ratio",
                f"appels.{a}.recus / appels.{a0}.recus − 1"),
    ]


def chiffres_reference(nat: pd.DataFrame) -> list[dict]:
    """The national reference the page prints (Services Publics+, Plan téléphone), declared as read."""
    source = "donnée brute (référence nationale)"
    return [
        chiffre("appels.reference.objectif_plan_telephone", "Objectif national du Plan téléphone (appels décrochés)",
                float(nat.loc["objectif_plan_telephone", "valeur"]), "ratio", source, 0),
        chiffre("appels.reference.taux_national_2023", "Taux de décroché national des services suivis en 2023",
                float(nat.loc["taux_national_2023", "valeur"]), "ratio", source, 1),
        chiffre("appels.reference.taux_national_2025", "Taux de décroché national des services suivis en 2025",
                float(nat.loc["taux_national_2025", "valeur"]), "ratio", source, 1),
    ]
