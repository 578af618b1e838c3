"""Residents' feedback on the callbot: shares with 95 % Wilson intervals, under statistical secrecy.

Input: one row per resident, one categorical column per question (NaN = no answer to that question,
which leaves it out of that question's shares); comments reach this module only as a count.
Every computation is vectorised over residents. Below the threshold `seuil_publication` only the
number of respondents is published; the breakdown by age only when every band reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from . import formats as f
from .registre import chiffre
from .rendu import Colonne

NIVEAU_CONFIANCE = 0.95
SEUIL_PUBLICATION = 5  # shared with the grid's default


@dataclass(frozen=True)
class Question:
    """One column of the questionnaire: its French label, its question as asked, its answers."""

    id: str
    libelle: str
    texte: str
    reponses: tuple[str, ...] = ()


SATISFACTION = ("1", "2", "3", "4", "5")
TRANCHES = ("moins de 30 ans", "30 à 59 ans", "60 ans et plus")

#: The questionnaire's columns, in the order of the blank sheet.
QUESTIONS: dict[str, Question] = {q.id: q for q in (
    Question("date", "Date de l'appel", "Date de l'appel (AAAA-MM-JJ)"),
    Question("canal", "Lieu du recueil", "Où la réponse a-t-elle été recueillie ?",
             ("téléphone", "atelier", "permanence", "en ligne", "autre")),
    Question("motif", "Motif de l'appel", "Quel était l'objet de l'appel ?",
             ("état civil", "élections", "urbanisme", "scolarité et enfance", "social et solidarités", "autre")),
    Question("reponse_obtenue", "Réponse obtenue", "Avez-vous obtenu une réponse à votre demande ?",
             ("oui", "en partie", "non")),
    Question("agent_joint", "Agent joint", "Avez-vous pu parler à un agent quand vous l'avez demandé ?",
             ("oui", "non", "pas demandé")),
    Question("ia_comprise", "Assistant automatique compris",
             "Avez-vous compris que vous parliez à un assistant automatique ?", ("oui", "non")),
    Question("satisfaction", "Satisfaction", "Êtes-vous satisfait de cet appel ? De 1 (pas du tout) à 5 (tout à fait)",
             SATISFACTION),
    Question("rappellerait", "Utiliserait de nouveau le service", "Utiliseriez-vous de nouveau ce service ?",
             ("oui", "non", "ne sait pas")),
    Question("tranche_age", "Âge", "Âge", TRANCHES),
    Question("commentaire", "Commentaire", "Commentaire libre (jamais publié)"),
)}
COLONNES_FICHIER = tuple(QUESTIONS)
COLONNE_COMMENTAIRE = "commentaire"
#: Columns whose cells must be one of the question's answers.
CHOIX = tuple(c for c, q in QUESTIONS.items() if q.reponses)


@dataclass(frozen=True)
class Indicateur:
    """A headline share: which answers count (numerator) among which answers (denominator)."""

    id: str  # figure id under `retours.`
    question: str
    favorables: tuple[str, ...]
    parmi: tuple[str, ...]
    libelle: str  # what the share measures, for a resident
    formule: str


INDICATEURS: tuple[Indicateur, ...] = (
    Indicateur("reponse_obtenue.oui", "reponse_obtenue", ("oui",), ("oui", "en partie", "non"),
               "ont obtenu une réponse à leur demande", "réponses « oui » / réponses données (oui, en partie, non)"),
    Indicateur("agent_joint.oui", "agent_joint", ("oui",), ("oui", "non"),
               "ont pu parler à un agent, parmi ceux qui l'ont demandé",
               "réponses « oui » / (oui + non) ; « pas demandé » exclu"),
    Indicateur("ia_comprise.oui", "ia_comprise", ("oui",), ("oui", "non"),
               "ont compris qu'ils parlaient à un assistant automatique", "réponses « oui » / (oui + non)"),
    Indicateur("satisfaction.part_satisfaits", "satisfaction", ("4", "5"), SATISFACTION,
               "sont satisfaits, avec une note de 4 ou 5 sur 5", "notes 4 et 5 / notes données (1 à 5)"),
    Indicateur("rappellerait.oui", "rappellerait", ("oui",), ("oui", "non", "ne sait pas"),
               "utiliseraient de nouveau ce service", "réponses « oui » / (oui + non + ne sait pas)"),
)


def _pourcentage(v) -> str:
    return f.pourcentage(v, 0)


#: How the report's tables show each column (French title, formatter).
def nom_indicateur(indicateur: str) -> str:
    """An indicator as a reader names it (its question's short title); the CSV tables keep its id."""
    return QUESTIONS[next(i.question for i in INDICATEURS if i.id == indicateur)].libelle


COLONNES = {
    "indicateur": Colonne("Indicateur", nom_indicateur),
    "question": Colonne("Question posée"),
    "mesure": Colonne("Part des habitants qui…"),
    "reponse": Colonne("Réponse"),
    "tranche_age": Colonne("Âge"),
    "favorables": Colonne("Réponses comptées", f.entier),
    "effectif": Colonne("Habitants", f.entier),
    "oui": Colonne("Réponses « oui »", f.entier),
    "reponses_donnees": Colonne("Réponses données", f.entier),
    "part": Colonne("Part", _pourcentage),
    "part_oui": Colonne("Part de « oui »", _pourcentage),
    # each bound titled whole: a phone shows a row as a list, where « à » alone said nothing
    "ic_bas": Colonne("Intervalle à 95 %, borne basse", f.borne_basse),  # outward, as the prose prints it
    "ic_haut": Colonne("Intervalle à 95 %, borne haute", f.borne_haute),
}

#: Headline shares whose interval is also a figure of figures.csv.
INTERVALLES_PUBLIES = ("reponse_obtenue.oui", "satisfaction.part_satisfaits")


def cle(reponse: str) -> str:
    """`en partie` → `en_partie`, `moins de 30 ans` → `moins_30`: an answer as a figure-id word."""
    speciaux = {"moins de 30 ans": "moins_30", "30 à 59 ans": "30_59", "60 ans et plus": "60_plus"}
    return speciaux.get(reponse, reponse.replace(" ", "_"))


# ----------------------------------------------------------------------------- statistics

def wilson(succes, essais) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval of succes / essais (arrays or numbers); NaN where essais is 0."""
    k = np.asarray(succes, dtype=float)
    n = np.asarray(essais, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    bas, haut = proportion_confint(k, safe, alpha=1 - NIVEAU_CONFIANCE, method="wilson")
    return np.where(n > 0, bas, np.nan), np.where(n > 0, haut, np.nan)


def effectifs(reponses: pd.DataFrame, question: str) -> pd.Series:
    """Count of each answer of `question`, in the questionnaire's order, zeros included."""
    permis = QUESTIONS[question].reponses
    s = pd.Categorical(reponses[question] if len(reponses) else [], categories=permis)
    return pd.Series(s).value_counts(sort=False).reindex(permis, fill_value=0).astype(int)


def repartition(reponses: pd.DataFrame, question: str) -> pd.DataFrame:
    """Each answer with its count, its share among those who answered, and its Wilson interval."""
    c = effectifs(reponses, question)
    n = int(c.sum())
    bas, haut = wilson(c.to_numpy(), np.full(len(c), n))
    return pd.DataFrame({"question": question, "reponse": c.index, "effectif": c.to_numpy(), "reponses_donnees": n,
                         "part": c.to_numpy() / n if n else np.nan, "ic_bas": bas, "ic_haut": haut})


def indicateurs(reponses: pd.DataFrame) -> pd.DataFrame:
    """One row per headline share: favourable answers, denominator, share and Wilson interval."""
    rows = []
    for ind in INDICATEURS:
        c = effectifs(reponses, ind.question)
        rows.append((ind.id, ind.question, int(c[list(ind.favorables)].sum()), int(c[list(ind.parmi)].sum())))
    df = pd.DataFrame(rows, columns=["indicateur", "question", "favorables", "n"]).set_index("indicateur")
    df["part"] = (df["favorables"] / df["n"].where(df["n"] > 0)).astype(float)
    df["ic_bas"], df["ic_haut"] = wilson(df["favorables"], df["n"])
    return df


def par_age(reponses: pd.DataFrame) -> pd.DataFrame:
    """Share of « oui » to `reponse_obtenue` in each age band, among that band's answers, with its interval."""
    answered = reponses["reponse_obtenue"].notna()
    sub = reponses.loc[answered]
    bands = pd.Categorical(sub["tranche_age"], categories=TRANCHES)
    oui = (sub["reponse_obtenue"] == "oui").to_numpy()
    n = pd.Series(bands).value_counts(sort=False).reindex(TRANCHES, fill_value=0)
    k = pd.Series(bands[oui]).value_counts(sort=False).reindex(TRANCHES, fill_value=0)
    bas, haut = wilson(k.to_numpy(), n.to_numpy())
    return pd.DataFrame({"tranche_age": list(TRANCHES), "reponses_donnees": n.to_numpy().astype(int),
                         "oui": k.to_numpy().astype(int),
                         "part_oui": np.where(n > 0, k / n.where(n > 0), np.nan), "ic_bas": bas, "ic_haut": haut})


@dataclass(frozen=True)
class Retours:
    """What the report may publish, given the secrecy threshold."""

    repondants: int
    commentaires: int
    seuil: int
    publiable: bool  # enough respondents to publish anything but their number
    indicateurs: pd.DataFrame  # every headline share (published or not)
    publies: list[str]  # headline shares with at least `seuil` answers
    masques: list[str]  # headline shares shown as counts only
    repartitions: dict[str, pd.DataFrame]  # the answers of each question with at least `seuil` of them
    reponses_par_question: dict[str, int]  # answers given to every question (in the questionnaire's order)
    mediane_satisfaction: float | None
    age: pd.DataFrame | None  # the breakdown by age, only when every group reaches the threshold
    sans_age: int  # answers to `reponse_obtenue` without an age band
    periode: tuple[pd.Timestamp, pd.Timestamp] | None


def synthese(reponses: pd.DataFrame, commentaires: int, seuil: int = SEUIL_PUBLICATION) -> Retours:
    """Everything the report shows, with the secrecy rules applied.

    - fewer respondents than `seuil`: only their number;
    - a headline share with fewer than `seuil` answers in its denominator: only that count;
    - a question with fewer than `seuil` answers: only their number (`reponses_par_question`), never its breakdown;
    - by age: only if every band has at least `seuil` answers to `reponse_obtenue` (and the residents
      without an age band are none or at least `seuil`, else they could be recomputed from the total).
    """
    repondants = len(reponses)
    publiable = repondants >= seuil
    ind = indicateurs(reponses)
    publies = [i for i in ind.index if publiable and ind.loc[i, "n"] >= seuil]
    masques = [i for i in ind.index if i not in publies]
    toutes = {q: repartition(reponses, q) for q in CHOIX if q != "tranche_age"} if publiable else {}
    donnees = {q: int(t["reponses_donnees"].iloc[0]) for q, t in toutes.items()}
    repart = {q: t for q, t in toutes.items() if donnees[q] >= seuil}  # a smaller breakdown is never handed out
    sat = reponses["satisfaction"].dropna().astype(float)
    mediane = float(sat.median()) if publiable and len(sat) >= seuil else None
    age, sans_age = None, 0
    if publiable and "reponse_obtenue.oui" in publies:
        table = par_age(reponses)
        sans_age = int(ind.loc["reponse_obtenue.oui", "n"] - table["reponses_donnees"].sum())
        if (table["reponses_donnees"] >= seuil).all() and (sans_age == 0 or sans_age >= seuil):
            age = table
    dates = pd.to_datetime(reponses["date"]).dropna() if "date" in reponses else pd.Series(dtype="datetime64[ns]")
    periode = (dates.min(), dates.max()) if publiable and len(dates) else None
    return Retours(repondants, int(commentaires), seuil, publiable, ind, publies, masques, repart, donnees, mediane,
                   age, sans_age, periode)


# ----------------------------------------------------------------------------- figures

#: Shares are shown as whole percentages everywhere (card, prose, index): with a few dozen answers, a
#: decimal would be false precision.
DECIMALES_PARTS = 0


def chiffres(r: Retours) -> list[dict]:
    """figures.csv rows: the number of respondents always, the rest only where the threshold allows."""
    out = [chiffre("retours.repondants", "Habitants ayant répondu au questionnaire sur le callbot", r.repondants,
                   "count", "lignes du questionnaire avec au moins une case remplie")]
    if not r.publiable:
        return out
    out.append(chiffre("retours.commentaires", "Commentaires libres reçus (jamais publiés)", r.commentaires, "count",
                       "cases « commentaire » non vides"))
    by_id = {i.id: i for i in INDICATEURS}
    if "reponse_obtenue.oui" in r.publies:
        rep = r.repartitions["reponse_obtenue"].set_index("reponse")
        for rep_id, texte in (("oui", "ont obtenu une réponse"), ("en partie", "ont obtenu une réponse en partie"),
                              ("non", "n'ont pas obtenu de réponse")):
            out.append(chiffre(f"retours.reponse_obtenue.{cle(rep_id)}",
                               f"Part des habitants qui {texte} à leur demande, parmi ceux qui ont répondu",
                               rep.loc[rep_id, "part"], "ratio",
                               f"réponses « {rep_id} » / réponses données (oui, en partie, non)", DECIMALES_PARTS))
    for i in r.publies:
        row, ind = r.indicateurs.loc[i], by_id[i]
        if i != "reponse_obtenue.oui":
            out.append(chiffre(f"retours.{i}", f"Part des habitants qui {ind.libelle}", row["part"], "ratio",
                               ind.formule, DECIMALES_PARTS))
        if i in INTERVALLES_PUBLIES:
            for bound, word in (("ic_bas", "basse"), ("ic_haut", "haute")):
                out.append(chiffre(f"retours.{i}.{bound}",
                                   f"Borne {word} de l'intervalle de confiance à 95 % de la part des habitants qui "
                                   f"{ind.libelle}", row[bound], "ratio",
                                   f"intervalle de Wilson à 95 % de retours.{i} "
                                   "(proportion_confint, method=wilson)", DECIMALES_PARTS))
    if r.mediane_satisfaction is not None:
        out.append(chiffre("retours.satisfaction.mediane", "Note de satisfaction médiane (de 1 à 5)",
                           r.mediane_satisfaction, "score",
                           "médiane des notes de 1 à 5 (moyenne des deux du milieu pour un nombre pair)", 1))
    if r.age is not None:
        for _, row in r.age.iterrows():  # three bands
            out.append(chiffre(f"retours.reponse_obtenue.oui.{cle(row['tranche_age'])}",
                               f"Part des habitants ayant obtenu une réponse, {row['tranche_age']}", row["part_oui"],
                               "ratio", f"réponses « oui » / réponses données, tranche « {row['tranche_age']} »",
                               DECIMALES_PARTS))
    return sorted(out, key=lambda c: c["figure_id"])


def intervalle_en_mots(bas: float, haut: float) -> str:
    """`entre 35 % et 83 %`: a 95 % interval as a resident reads it, rounded outward (`formats.intervalle`)."""
    texte_bas, texte_haut = f.intervalle(bas, haut, DECIMALES_PARTS)
    return f"entre {texte_bas} et {texte_haut}"


def tableau_indicateurs(r: Retours) -> pd.DataFrame:
    """The table behind the headline chart: each published share with its count and interval."""
    by_id = {i.id: i for i in INDICATEURS}
    ind = r.indicateurs.loc[r.publies]
    return pd.DataFrame({
        "indicateur": list(ind.index),
        "question": [QUESTIONS[by_id[i].question].texte for i in ind.index],
        "mesure": [by_id[i].libelle for i in ind.index],
        "favorables": ind["favorables"].to_numpy(), "reponses_donnees": ind["n"].to_numpy(),
        "part": ind["part"].to_numpy(), "ic_bas": ind["ic_bas"].to_numpy(), "ic_haut": ind["ic_haut"].to_numpy(),
    })
