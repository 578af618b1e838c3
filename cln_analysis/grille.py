"""The collective opinion of the CLN on the callbot grid: statistics of a panel's 0–4 scores.

Input: a members × criteria matrix (NaN = abstention, never a 0). Every statistic is vectorised
over members, so its cost hardly grows with the panel. An abstention is left out of every
statistic but the abstention count. Nothing here identifies a member.
"""

from __future__ import annotations

from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd

from . import formats as f
from .erreurs import Probleme
from .registre import chiffre
from .rendu import Colonne

NIVEAUX = (0, 1, 2, 3, 4)
LARGEUR = 4  # width of the scale, for the Tastle–Wierman consensus

# Flags, decided before any score was read (printed in the report's method note), in this order.
SEUIL_ABSTENTION = 0.25
SEUIL_CONSENSUS = 0.70
SEUIL_OPPOSITION = 0.15
SEUIL_POLARISATION = 0.25
ECART_INTERQUARTILE_ACCORD = 1.0
SEUIL_POURCENTAGES = 10  # fewer answers than this: favourable/unfavourable said as counts
MEMBRES_ALPHA = 5

DRAPEAUX = {
    "information_insuffisante": "information insuffisante",
    "consensus_favorable": "consensus favorable",
    "consensus_defavorable": "consensus défavorable",
    "polarise": "polarisé",
    "accord": "accord",
    "avis_partages": "avis partagés",
}


#: The columns of this report's tables (titles that depend on the grid — criterion titles, level
#: names — are given by the notebook).
COLONNES = {
    "critere": Colonne("Critère"),
    "n": Colonne("Notes données", f.entier),
    "abstentions": Colonne("Abstentions", f.entier),
    "mediane": Colonne("Note médiane"),
    "quartiles": Colonne("1er – 3e quartile"),
    "favorables": Colonne("Notes 3 ou 4"),
    "defavorables": Colonne("Notes 0 ou 1"),
    "moyenne": Colonne("Moyenne (indicative)"),
    "consensus": Colonne("Consensus (0 à 1)"),
    "lecture": Colonne("Lecture"),
    "poids": Colonne("Poids", f.pourcentage),
    # the full statistics table, downloaded only: French titles in the workbook and the CSV too
    "membres": Colonne("Membres", f.entier),
    "q1": Colonne("1er quartile"),
    "q3": Colonne("3e quartile"),
    "part_favorable": Colonne("Part des notes 3 ou 4", lambda v: f.pourcentage(v, 0)),
    "part_defavorable": Colonne("Part des notes 0 ou 1", lambda v: f.pourcentage(v, 0)),
    "part_abstention": Colonne("Part des abstentions", lambda v: f.pourcentage(v, 0)),
    "drapeau": Colonne("Règle de lecture"),
} | {f"note_{k}": Colonne(f"Note {k}", f.entier) for k in NIVEAUX}


def note_sur_4(valeur: float) -> str:
    """A score or a median on the 0–4 scale, one decimal (`2,5`)."""
    return f.nombre(valeur, 1)


def verifier_niveaux(niveaux: pd.DataFrame) -> list[Probleme]:
    """The levels file names every level of the 0–4 scale."""
    missing = sorted(set(NIVEAUX) - set(niveaux["note"]))
    if not missing:
        return []
    return [Probleme(niveaux.attrs.get("fichier", ""), f"niveaux absents : {', '.join(map(str, missing))}",
                     colonne="note")]


def libelle_mediane(mediane: float, libelles: dict[int, str], comptes: dict[int, int] | None = None) -> str:
    """`Satisfaisant`, or `entre Acceptable et Satisfaisant` for a median between two levels; with the counts per
    level (`comptes`), a median at a level nobody chose (3 × 0 and 3 × 4 give 2) is « avis partagés » with the two
    groups, never a level nobody gave."""
    if mediane != mediane:  # NaN
        return "—"
    lo, hi = int(np.floor(mediane)), int(np.ceil(mediane))
    if comptes is not None and not any(comptes.get(k, 0) for k in range(lo, hi + 1)):
        return avis_partages(mediane, libelles, comptes)
    if lo == hi:
        return libelles[lo]
    return f"entre {_court(libelles[lo])} et {_court(libelles[hi])}"


def _groupe(niveaux: list[int], libelles: dict[int, str], comptes: dict[int, int]) -> str:
    """`3 à Absent`, `4 entre Absent et Insuffisant`: one side of a split panel."""
    choisis = [k for k in niveaux if comptes.get(k, 0)]
    n = sum(comptes.get(k, 0) for k in choisis)
    if len(choisis) == 1:
        return f"{f.entier(n)} à {_court(libelles[choisis[0]])}"
    return f"{f.entier(n)} entre {_court(libelles[choisis[0]])} et {_court(libelles[choisis[-1]])}"


def avis_partages(mediane: float, libelles: dict[int, str], comptes: dict[int, int]) -> str:
    """`avis partagés : 3 à Absent, 3 à Exemplaire` — the groups below and above a median nobody chose."""
    bas = [k for k in NIVEAUX if k < mediane]
    haut = [k for k in NIVEAUX if k > mediane]
    return f"avis partagés : {_groupe(bas, libelles, comptes)}, {_groupe(haut, libelles, comptes)}"


def comptes_niveaux(stats: pd.DataFrame, critere: str) -> dict[int, int]:
    """{level: number of members who gave it} of one criterion of `statistiques`."""
    return {k: int(stats.loc[critere, f"note_{k}"]) for k in NIVEAUX}


def _court(libelle: str) -> str:
    """`Acceptable, à améliorer` → `Acceptable` (the level's name before its comma)."""
    return libelle.split(",")[0].split(" ou ")[0]


def niveau_proche(score: float) -> int:
    """The nearest level of a 0–4 score (cut-offs 0,5 / 1,5 / 2,5 / 3,5; a tie goes up)."""
    return int(min(4, max(0, np.floor(score + 0.5))))


def consensus(counts: pd.DataFrame) -> pd.Series:
    """Tastle–Wierman consensus per criterion from counts per level (columns 0…4).

    Cns = 1 + Σ_k p_k · log2(1 − |k − μ| / 4): 1 when everyone agrees, 0 for a panel split
    between 0 and 4.
    """
    levels = np.array(NIVEAUX, dtype=float)
    n = counts.sum(axis=1).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = counts.to_numpy(dtype=float) / n[:, None]
        mu = (p * levels).sum(axis=1)
        dist = 1 - np.abs(levels[None, :] - mu[:, None]) / LARGEUR
        terms = np.where(p > 0, p * np.log2(np.where(p > 0, dist, 1.0)), 0.0)
    out = 1 + terms.sum(axis=1)
    out[n == 0] = np.nan
    return pd.Series(out, index=counts.index)


def statistiques(notes: pd.DataFrame) -> pd.DataFrame:
    """One row per criterion (in the grid's order): answers, abstentions, counts per level,
    median and quartiles (pandas' linear interpolation), shares, mean, consensus, flag."""
    members = len(notes)
    n = notes.notna().sum()
    stats = pd.DataFrame({"critere": notes.columns, "membres": members, "n": n.to_numpy(),
                          "abstentions": (members - n).to_numpy()}).set_index("critere")
    counts = pd.DataFrame({k: (notes == k).sum() for k in NIVEAUX})
    for k in NIVEAUX:
        stats[f"note_{k}"] = counts[k]
    q = notes.quantile([0.25, 0.5, 0.75])  # NaN are skipped, linear interpolation
    stats["q1"], stats["mediane"], stats["q3"] = q.loc[0.25], q.loc[0.5], q.loc[0.75]
    with np.errstate(invalid="ignore", divide="ignore"):
        stats["favorables"] = counts[3] + counts[4]
        stats["defavorables"] = counts[0] + counts[1]
        stats["part_favorable"] = stats["favorables"] / stats["n"].where(stats["n"] > 0)
        stats["part_defavorable"] = stats["defavorables"] / stats["n"].where(stats["n"] > 0)
        stats["part_abstention"] = stats["abstentions"] / members if members else np.nan
    stats["moyenne"] = notes.mean()
    stats["consensus"] = consensus(counts)
    stats["drapeau"] = [drapeau(r) for _, r in stats.iterrows()]
    return stats


def drapeau(s: pd.Series) -> str:
    """The flag of one criterion, by the rules printed in the method note, first match wins."""
    if s["n"] == 0 or s["part_abstention"] > SEUIL_ABSTENTION:
        return "information_insuffisante"
    if s["part_favorable"] >= SEUIL_CONSENSUS and s["part_defavorable"] <= SEUIL_OPPOSITION:
        return "consensus_favorable"
    if s["part_defavorable"] >= SEUIL_CONSENSUS and s["part_favorable"] <= SEUIL_OPPOSITION:
        return "consensus_defavorable"
    if s["part_defavorable"] >= SEUIL_POLARISATION and s["part_favorable"] >= SEUIL_POLARISATION:
        return "polarise"
    if s["q3"] - s["q1"] <= ECART_INTERQUARTILE_ACCORD:
        return "accord"
    return "avis_partages"


def poids_conseil(ponderations: pd.DataFrame) -> pd.Series:
    """The council's weights: each member's 100 points normalised to 1, then averaged."""
    rows = ponderations.div(ponderations.sum(axis=1), axis=0)
    return rows.mean()


@dataclass(frozen=True)
class ScoreGlobal:
    score: float  # 0–4
    sur_100: float
    niveau: int
    criteres: tuple[str, ...]


def score_global(moyennes: pd.Series, poids: pd.Series | None = None) -> ScoreGlobal | None:
    """Mean of the criterion means (equal weights), or Σ w_c · mean_c with the weights renormalised
    over the criteria kept; on 0–4, × 25 on 0–100, labelled by the nearest level."""
    m = moyennes.dropna()
    if m.empty:
        return None
    if poids is None:
        s = float(m.mean())
    else:
        w = poids.reindex(m.index).fillna(0)
        if w.sum() <= 0:
            return None
        s = float((w * m).sum() / w.sum())
    return ScoreGlobal(s, s * 25, niveau_proche(s), tuple(m.index))


def points_bloquants(stats: pd.DataFrame) -> list[str]:
    """Criteria whose median is at most 1 (Insuffisant or below)."""
    return [c for c, med in stats["mediane"].items() if not f.est_manquant(med) and med <= 1]


#: Why Krippendorff's alpha is not given, as the page says it.
RAISONS_ALPHA = {
    "membres": "trop peu de membres ont noté",
    "paires": "trop peu de critères ont été notés par au moins deux membres pour comparer leurs notes",
    "desaccord": "toutes les notes comparables sont identiques : il n'y a aucun désaccord à mesurer",
}


def raison_sans_alpha(notes: pd.DataFrame) -> str | None:
    """Why `alpha` is undefined (a key of RAISONS_ALPHA), None when it is defined: fewer than MEMBRES_ALPHA members
    who scored; fewer than two pairable scores (a criterion scored by one member pairs with nobody); every pairable
    score the same (no disagreement, so nothing to measure: alpha is 0/0)."""
    answered = notes.dropna(how="all")
    if len(answered) < MEMBRES_ALPHA:
        return "membres"
    par_critere = answered.notna().sum()
    pairables = answered.loc[:, par_critere >= 2]
    if int(pairables.notna().sum().sum()) < 2:
        return "paires"
    if pairables.stack().nunique() <= 1:
        return "desaccord"
    return None


def alpha(notes: pd.DataFrame) -> float | None:
    """Krippendorff's ordinal alpha, members as coders and criteria as units, abstentions missing."""
    answered = notes.dropna(how="all")
    if len(answered) < MEMBRES_ALPHA:
        return None
    data = answered.to_numpy(dtype=float)
    try:  # a panel without disagreement divides 0 by 0: NaN, its reason said by the caller, not a warning
        with np.errstate(invalid="ignore", divide="ignore"):
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                       value_domain=list(NIVEAUX))
    except (ValueError, ZeroDivisionError):
        return None
    return None if value != value else float(value)


@dataclass(frozen=True)
class Avis:
    """What the report may publish, given the privacy threshold."""

    membres: int
    repondants: int
    publiable: bool
    stats: pd.DataFrame  # every criterion
    publies: list[str]  # criteria whose statistics are shown
    masques: list[str]  # criteria shown as counts only
    global_: ScoreGlobal | None
    global_pondere: ScoreGlobal | None
    poids: pd.Series | None  # None below the threshold too: one member's split would be published
    bloquants: list[str]
    alpha: float | None
    ponderateurs: int = 0  # members who shared their points (the count is always publishable)
    raison_sans_alpha: str | None = None  # a key of RAISONS_ALPHA when alpha is None and the panel is publishable


def avis(notes: pd.DataFrame, seuil_publication: int, ponderations: pd.DataFrame | None = None) -> Avis:
    """The panel's opinion, with what the threshold allows to show."""
    stats = statistiques(notes)
    repondants = int(notes.notna().any(axis=1).sum())
    publiable = repondants >= seuil_publication
    publies = [c for c in stats.index if publiable and stats.loc[c, "n"] >= seuil_publication]
    masques = [c for c in stats.index if c not in publies]
    ponderateurs = 0 if ponderations is None else len(ponderations)
    poids = poids_conseil(ponderations) if ponderateurs and ponderateurs >= seuil_publication else None
    moy = stats.loc[publies, "moyenne"]
    return Avis(
        membres=len(notes), repondants=repondants, publiable=publiable, stats=stats, publies=publies, masques=masques,
        global_=score_global(moy) if publies else None,
        global_pondere=score_global(moy, poids) if publies and poids is not None else None,
        poids=poids,
        bloquants=[c for c in points_bloquants(stats.loc[publies])] if publies else [],
        alpha=alpha(notes) if publiable else None,
        ponderateurs=ponderateurs,
        raison_sans_alpha=raison_sans_alpha(notes) if publiable else None,
    )


def avis_global(score: ScoreGlobal | None, bloquants: list[str], libelles: dict[int, str]) -> str:
    """The overall opinion in words: never favourable while a blocking point exists."""
    if score is None:
        return "—"
    label = libelles[score.niveau]
    if bloquants and score.niveau >= 3:
        return f"{label} en moyenne, mais réservé : {f.pluriel(len(bloquants), 'point bloquant', 'points bloquants')}"
    return label


def chiffres(a: Avis, titres: dict[str, str] | None = None) -> list[dict]:
    """figures.csv rows: counts always, statistics only where the threshold allows."""
    titres = titres or {}
    out = [chiffre("grille.repondants", "Membres ayant rendu une grille notée", a.repondants, "count",
                   "membres avec au moins une note")]
    for c, s in a.stats.iterrows():
        t = titres.get(c, c)
        out += [
            chiffre(f"grille.{c}.n", f"Membres ayant noté le critère « {t} »", s["n"], "count",
                    "notes de 0 à 4 données"),
            chiffre(f"grille.{c}.abstentions", f"Abstentions sur le critère « {t} »", s["abstentions"], "count",
                    "cases vides ou NSPP"),
        ]
        if c in a.publies:
            out += [
                chiffre(f"grille.{c}.mediane", f"Note médiane du critère « {t} »", s["mediane"], "score",
                        "médiane des notes (interpolation linéaire)", 1),
                chiffre(f"grille.{c}.moyenne", f"Note moyenne (indicative) du critère « {t} »", s["moyenne"], "score",
                        "moyenne des notes"),
                chiffre(f"grille.{c}.part_favorable", f"Part de notes favorables (3 ou 4), critère « {t} »",
                        s["part_favorable"], "ratio", "notes 3 et 4 / notes données", 0),
                chiffre(f"grille.{c}.consensus", f"Consensus de Tastle et Wierman, critère « {t} »", s["consensus"],
                        "score", "1 + Σ p_k log2(1 − |k − μ| / 4)"),
            ]
    if a.publiable:
        out.append(chiffre("grille.points_bloquants", "Critères bloquants (note médiane de 1 ou moins)",
                           len(a.bloquants), "count", "critères publiés de médiane ≤ 1"))
    if a.global_ is not None:
        out += [
            chiffre("grille.score_global", "Note globale (moyenne des critères, sur 4)", a.global_.score,
                    "score", "moyenne des moyennes des critères publiés"),
            chiffre("grille.score_global_sur_100", "Note globale ramenée sur 100", a.global_.sur_100, "score",
                    "grille.score_global × 25", 0),
            chiffre("grille.criteres_publies", "Critères comptés dans la note globale", len(a.global_.criteres),
                    "count", "critères publiés"),
        ]
    if a.global_pondere is not None:
        out += [
            chiffre("grille.score_global_pondere", "Note globale pondérée par le Conseil (sur 4)",
                    a.global_pondere.score, "score", "Σ poids_c × moyenne_c / Σ poids_c"),
            chiffre("grille.score_global_pondere_sur_100", "Note globale pondérée ramenée sur 100",
                    a.global_pondere.sur_100, "score", "grille.score_global_pondere × 25", 0),
        ]
    if a.alpha is not None:
        out.append(chiffre("grille.alpha_krippendorff", "Alpha de Krippendorff (ordinal) entre les membres", a.alpha,
                           "score", "krippendorff.alpha(ordinal, valeurs 0 à 4)"))
    return out


def synthese(pub: pd.DataFrame, libelles: dict[int, str]) -> pd.DataFrame:
    """The criterion-by-criterion table as French text: shares as counts below 10 answers."""

    def share(p, k, n):
        return f.pourcentage(p, 0) if n >= SEUIL_POURCENTAGES else f"{f.entier(k)} sur {f.entier(n)}"

    return pd.DataFrame(
        {
            "critere": list(pub.index),
            "mediane": [f"{f.phrase(libelle_mediane(m, libelles, comptes_niveaux(pub, c)))} ({f.nombre(m, 1)})"
                        for c, m in pub["mediane"].items()],
            "quartiles": [f"{f.nombre(a, 2)} – {f.nombre(b, 2)}" for a, b in zip(pub["q1"], pub["q3"], strict=False)],
            "favorables": [
                share(p, k, n) for p, k, n in zip(pub["part_favorable"], pub["favorables"], pub["n"], strict=False)
            ],
            "defavorables": [
                share(p, k, n) for p, k, n in zip(pub["part_defavorable"], pub["defavorables"], pub["n"], strict=False)
            ],
            "moyenne": [f.nombre(m, 2) for m in pub["moyenne"]],
            "consensus": [f.nombre(c, 2) for c in pub["consensus"]],
            "lecture": [f.phrase(DRAPEAUX[d]) for d in pub["drapeau"]],
        }
    )


def regles_lecture() -> list[str]:
    """The flag rules in French, from the constants above (the report prints them as its method)."""
    d = {k: f.phrase(v) for k, v in DRAPEAUX.items()}
    return [
        f"{d['information_insuffisante']} : plus de {f.pourcentage(SEUIL_ABSTENTION, 0)} d'abstentions ;",
        f"{d['consensus_favorable']} : au moins {f.pourcentage(SEUIL_CONSENSUS, 0)} de notes 3 ou 4 et au plus "
        f"{f.pourcentage(SEUIL_OPPOSITION, 0)} de notes 0 ou 1 ;",
        f"{d['consensus_defavorable']} : au moins {f.pourcentage(SEUIL_CONSENSUS, 0)} de notes 0 ou 1 et au plus "
        f"{f.pourcentage(SEUIL_OPPOSITION, 0)} de notes 3 ou 4 ;",
        f"{d['polarise']} : au moins {f.pourcentage(SEUIL_POLARISATION, 0)} de notes 0 ou 1 et au moins "
        f"{f.pourcentage(SEUIL_POLARISATION, 0)} de notes 3 ou 4 ;",
        f"{d['accord']} : écart entre le 1er et le 3e quartile d'au plus {f.nombre(ECART_INTERQUARTILE_ACCORD, 0)} ;",
        f"Sinon, {DRAPEAUX['avis_partages']}.",
    ]
