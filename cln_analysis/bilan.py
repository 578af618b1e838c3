"""The trial's evidence side by side: what `appels`, `retours` and `grille` published, set against the goals, the
council's grid and its open questions. Pure functions: tables in, tables out; nothing is computed again from raw
calls or answers.

The state word of an indicator with an objective is one of `ETATS`: « atteint », « pas atteint », « incertain » (a
share whose confidence interval straddles its objective) or « non mesurable » (the figure is absent in this run).
An indicator without objective shows its value and uncertainty and no state word. There is no overall verdict:
the software gives evidence, not the council's opinion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from . import catalogue
from .erreurs import ErreurDonnees, Probleme
from .registre import chiffre

ATTEINT, PAS_ATTEINT, INCERTAIN, NON_MESURABLE = "atteint", "pas atteint", "incertain", "non mesurable"
ETATS = (ATTEINT, PAS_ATTEINT, INCERTAIN, NON_MESURABLE)
STATUTS_QUESTIONS = ("répondue", "partielle", "sans réponse")
SENS = ("au moins", "au plus")

#: z of a two-sided 95 % interval, as the issue and the method write it (1,96), and the half-width aimed at.
Z_95 = Fraction(196, 100)
DEMI_LARGEUR = Fraction(10, 100)
#: the trial year (the notebook's default `annee`)
ANNEE_ESSAI = 2026


def etat(valeur: float | None, objectif: float | None, sens: str = "au moins",
         bas: float | None = None, haut: float | None = None) -> str | None:
    """The state word of one indicator: None without objective; « non mesurable » without value; « incertain »
    when the interval [bas, haut] holds the objective strictly inside (or on its edge); else « atteint » or
    « pas atteint », comparing the full-precision value with the objective."""
    if objectif is None or (isinstance(objectif, float) and math.isnan(objectif)):
        return None
    if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)):
        return NON_MESURABLE
    if sens not in SENS:
        raise ValueError(f"sens inconnu : {sens!r}")
    if bas is not None and haut is not None and bas <= objectif <= haut:
        return INCERTAIN
    ok = valeur >= objectif if sens == "au moins" else valeur <= objectif
    return ATTEINT if ok else PAS_ATTEINT


def reponses_pour_precision(favorables: int, reponses: int, demi_largeur: Fraction = DEMI_LARGEUR) -> int:
    """How many answers give a 95 % interval of ± `demi_largeur` at the observed share p = favorables / reponses:
    n = 1,96² · p (1 − p) / demi_largeur², rounded up — computed in exact fractions, so that a product that is a
    whole number is not pushed one above by float noise."""
    if reponses <= 0:
        raise ValueError("aucune réponse : la taille d'échantillon n'est pas définie")
    p = Fraction(favorables, reponses)
    return math.ceil(Z_95 ** 2 * p * (1 - p) / Fraction(demi_largeur) ** 2)


# ---------------------------------------------------------------- the correspondences file
def expand(identifiant: str, annee: int) -> str:
    """A correspondence's figure id with its `{annee}` filled in (the trial year)."""
    return identifiant.replace("{annee}", str(annee))


def correspond_motif(identifiant: str, motifs: list[str]) -> bool:
    """True when `identifiant` is one a source report can produce (its declared figure-id patterns, as
    `catalogue.motif_figure` reads them: `*` one word, `{annee}` a year)."""
    return any(catalogue.motif_figure(m).fullmatch(identifiant) for m in motifs)


SOURCES = ("appels", "retours", "grille")


def motifs_sources() -> list[str]:
    """Every figure-id pattern of the bilan's source reports (rapports.toml)."""
    return [m for i in catalogue.par_id("bilan").depend_de for m in catalogue.par_id(i).figures]


def _criteres() -> set[str]:
    from . import donnees  # the check's loader; not needed by the pure functions

    return set(donnees.charger("grille_criteres")["critere"])


def verifier_correspondances_fichier(corr: pd.DataFrame) -> list[Probleme]:
    """`cln-analysis check`: the shipped correspondences against the grid's criteria and the sources' patterns
    (the trial year of the notebook's default, 2026, fills `{annee}`)."""
    return verifier_correspondances(_texte_df(corr), _criteres(), motifs_sources(), ANNEE_ESSAI,
                                    corr.attrs.get("fichier", "bilan_correspondances.csv"))


def verifier_questions_fichier(questions: pd.DataFrame) -> list[Probleme]:
    """`cln-analysis check`: the questions register against its rules."""
    fichier = questions.attrs.get("fichier", "callbot_questions.csv")
    return verifier_questions(_texte_df(questions), _criteres(), fichier)


def _texte_df(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).where(df.notna(), "").astype(str).replace({"nan": ""})


def verifier_correspondances(corr: pd.DataFrame, criteres: set[str], motifs: list[str], annee: int,
                             fichier: str) -> list[Probleme]:
    """Problems of `bilan_correspondances.csv`: an unknown criterion, a figure id no source report can produce,
    an objective outside 0–1 for a share, an unknown direction. Rows are numbered as the file's lines
    (header = line 1)."""
    problems = []
    for i, row in enumerate(corr.itertuples(index=False), start=2):
        if row.critere not in criteres:
            problems.append(Probleme(fichier, f"critère inconnu « {row.critere} »", ligne=i, colonne="critere",
                                     conseil="les critères sont ceux de grille_criteres.csv : "
                                     + ", ".join(sorted(criteres))))
        fid = expand(row.identifiant_chiffre, annee)
        if not correspond_motif(fid, motifs):
            problems.append(Probleme(
                fichier, f"aucun rapport source ne peut produire le chiffre « {row.identifiant_chiffre} »", ligne=i,
                colonne="identifiant_chiffre",
                conseil="indiquez un identifiant de data/processed/figures.csv des rapports appels, retours ou grille"))
        if getattr(row, "sens", "") and row.sens not in SENS:
            problems.append(Probleme(fichier, f"sens « {row.sens} » inconnu", ligne=i, colonne="sens",
                                     conseil="écrivez « au moins » ou « au plus » (vide : au moins)"))
    return problems


# ---------------------------------------------------------------- the questions register
def verifier_questions(questions: pd.DataFrame, criteres: set[str], fichier: str) -> list[Probleme]:
    """Problems of `callbot_questions.csv`: an unknown status or criterion, an answer without source, a status
    « répondue » or « partielle » without answer, « sans réponse » with one."""
    problems = []
    for i, row in enumerate(questions.itertuples(index=False), start=2):
        if row.statut not in STATUTS_QUESTIONS:
            problems.append(Probleme(fichier, f"statut « {row.statut} » inconnu", ligne=i, colonne="statut",
                                     conseil="écrivez « répondue », « partielle » ou « sans réponse »"))
        if row.critere not in criteres:
            problems.append(Probleme(fichier, f"critère inconnu « {row.critere} »", ligne=i, colonne="critere",
                                     conseil="les critères sont ceux de grille_criteres.csv"))
        repondu = bool(_texte(row.reponse))
        if repondu and not _texte(row.source_reponse):
            problems.append(Probleme(fichier, "une réponse sans sa source", ligne=i, colonne="source_reponse",
                                     conseil="indiquez le document et la page ou la diapositive de la réponse"))
        if row.statut in ("répondue", "partielle") and not repondu:
            problems.append(Probleme(fichier, f"statut « {row.statut} » sans réponse", ligne=i, colonne="reponse",
                                     conseil="recopiez la réponse mot pour mot, ou mettez le statut « sans réponse »"))
        if row.statut == "sans réponse" and repondu:
            problems.append(Probleme(fichier, "une réponse pour une question « sans réponse »", ligne=i,
                                     colonne="statut", conseil="mettez le statut « répondue » ou « partielle »"))
    return problems


def _texte(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()


@dataclass(frozen=True)
class Questions:
    """Counts of the register by status."""

    total: int
    repondues: int
    partielles: int
    sans_reponse: int


def compter_questions(questions: pd.DataFrame) -> Questions:
    s = questions["statut"]
    return Questions(len(questions), int((s == "répondue").sum()), int((s == "partielle").sum()),
                     int((s == "sans réponse").sum()))


def questions_par_statut(questions: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The register grouped by status, in the order répondue, partielle, sans réponse (empty groups left out)."""
    return {s: questions[questions["statut"] == s].reset_index(drop=True)
            for s in STATUTS_QUESTIONS if (questions["statut"] == s).any()}


def questions_ouvertes_par_critere(questions: pd.DataFrame) -> dict[str, int]:
    """Questions not fully answered (« partielle » or « sans réponse »), counted by criterion."""
    ouvertes = questions[questions["statut"] != "répondue"]
    return {str(k): int(v) for k, v in ouvertes.groupby("critere").size().items()}


# ---------------------------------------------------------------- indicators
@dataclass(frozen=True)
class Indicateur:
    """One measured indicator as the bilan shows it."""

    critere: str
    figure_id: str
    question: str
    valeur: float | None  # None: not produced in this run
    objectif: float | None
    sens: str
    source_objectif: str
    rapport: str
    bas: float | None = None
    haut: float | None = None
    favorables: int | None = None
    reponses: int | None = None
    libelle: str = ""  # what it measures, from the correspondences file (shown when the figure is absent)
    necessite: str = ""  # what must be given to measure it, from the correspondences file

    @property
    def etat(self) -> str | None:
        return etat(self.valeur, self.objectif, self.sens, self.bas, self.haut)


def _nombre(v) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    f = float(v)
    return None if math.isnan(f) else f


def indicateurs(corr: pd.DataFrame, figures: pd.DataFrame, parts: pd.DataFrame | None, annee: int) -> list[Indicateur]:
    """Each correspondence row with the value its source report published in this run (None when absent), and for
    a residents' share its Wilson interval and counts (`parts`: the `retours` table `parts_principales`, whose
    `indicateur` is the figure id without the `retours.` prefix)."""
    valeurs = dict(zip(figures["figure_id"], figures["value"], strict=True))
    rapports = dict(zip(figures["figure_id"], figures["report"], strict=True))
    par_part = {} if parts is None else {f"retours.{r.indicateur}": r for r in parts.itertuples(index=False)}
    out = []
    for row in corr.itertuples(index=False):
        fid = expand(row.identifiant_chiffre, annee)
        p = par_part.get(fid)
        out.append(Indicateur(
            critere=row.critere, figure_id=fid, question=_texte(getattr(row, "question", "")),
            libelle=_texte(getattr(row, "indicateur", "")), necessite=_texte(getattr(row, "necessite", "")),
            valeur=_nombre(valeurs.get(fid)), objectif=_nombre(row.objectif),
            sens=_texte(getattr(row, "sens", "")) or "au moins", source_objectif=_texte(row.source_objectif),
            rapport=rapports.get(fid, fid.split(".", 1)[0]),
            bas=None if p is None else float(p.ic_bas), haut=None if p is None else float(p.ic_haut),
            favorables=None if p is None else int(p.favorables),
            reponses=None if p is None else int(p.reponses_donnees),
        ))
    return out


@dataclass(frozen=True)
class Decompte:
    """The state words of the indicators that have an objective."""

    atteints: int
    pas_atteints: int
    incertains: int
    non_mesurables: int


def decompter(inds: list[Indicateur]) -> Decompte:
    etats = [i.etat for i in inds if i.objectif is not None]
    return Decompte(etats.count(ATTEINT), etats.count(PAS_ATTEINT), etats.count(INCERTAIN), etats.count(NON_MESURABLE))


@dataclass(frozen=True)
class Echantillon:
    """For one residents' share: the answers it rests on and the answers that would give ± 10 points."""

    figure_id: str
    reponses: int
    necessaires: int


def echantillons(parts: pd.DataFrame | None) -> list[Echantillon]:
    """For each headline share of `retours` (its table `parts_principales`), the sample size for ± 10 points."""
    if parts is None or parts.empty:
        return []
    return [Echantillon(f"retours.{r.indicateur}", int(r.reponses_donnees),
                        reponses_pour_precision(int(r.favorables), int(r.reponses_donnees)))
            for r in parts.itertuples(index=False) if int(r.reponses_donnees) > 0]


# ---------------------------------------------------------------- the « En bref » rows
@dataclass(frozen=True)
class Ligne:
    """One row of « En bref »: an indicator with its source's text, its uncertainty and its state word."""

    question: str
    figure_id: str
    libelle: str
    valeur: str  # the source page's text, « — » when absent
    incertitude: str
    rapport: str
    etat: str | None


def appels_annee(tableau: pd.DataFrame | None, annee: int) -> tuple[int, int] | None:
    """(months, calls received) of `annee` in the `appels` table `appels_par_annee`, None when absent."""
    if tableau is None or "annee" not in tableau:
        return None
    ligne = tableau[tableau["annee"] == annee]
    if ligne.empty:
        return None
    return int(ligne["mois"].iloc[0]), int(ligne["appels_recus"].iloc[0])


def mesurables(inds: list[Indicateur]) -> list[Indicateur]:
    return [i for i in inds if i.valeur is not None]


def non_mesurables(inds: list[Indicateur]) -> list[Indicateur]:
    return [i for i in inds if i.valeur is None]


def figures_bilan(d: Decompte, q: Questions, ech: list[Echantillon]) -> list[dict]:
    """The bilan's own figures (`Rapport.chiffre` keyword arguments): state words, questions, sample sizes."""
    out = [
        chiffre("bilan.objectifs.atteints", "Objectifs chiffrés atteints", d.atteints, "count",
                "indicateurs à objectif dont la valeur atteint l'objectif"),
        chiffre("bilan.objectifs.pas_atteints", "Objectifs chiffrés pas atteints", d.pas_atteints, "count",
                "indicateurs à objectif dont la valeur n'atteint pas l'objectif"),
        chiffre("bilan.objectifs.incertains", "Objectifs chiffrés incertains", d.incertains, "count",
                "indicateurs à objectif dont l'intervalle de confiance contient l'objectif"),
        chiffre("bilan.objectifs.non_mesurables", "Objectifs chiffrés non mesurables", d.non_mesurables, "count",
                "indicateurs à objectif absents de cette exécution"),
        chiffre("bilan.questions.total", "Questions du Conseil et points ouverts", q.total, "count",
                "lignes de callbot_questions.csv"),
        chiffre("bilan.questions.repondues", "Questions répondues", q.repondues, "count",
                "questions de statut « répondue »"),
        chiffre("bilan.questions.partielles", "Questions partiellement répondues", q.partielles, "count",
                "questions de statut « partielle »"),
        chiffre("bilan.questions.sans_reponse", "Questions sans réponse", q.sans_reponse, "count",
                "questions de statut « sans réponse »"),
    ]
    out += [chiffre(id_echantillon(e.figure_id), f"Réponses nécessaires pour ± 10 points ({e.figure_id})",
                    e.necessaires, "count", f"arrondi supérieur de 1,96² · p(1 − p) / 0,10², p = {e.figure_id}")
            for e in ech]
    return out


def id_echantillon(figure_id: str) -> str:
    """The bilan figure id of the sample size of a residents' share."""
    ind = figure_id.removeprefix("retours.")
    return ("bilan.retours.reponses_pour_10_points" if ind == "reponse_obtenue.oui"
            else f"bilan.retours.{ind}.reponses_pour_10_points")


# ---------------------------------------------------------------- the whole dossier
@dataclass(frozen=True)
class Critere:
    """One grid criterion as the bilan cross-reads it: the grid's published median and consensus (None when the
    grid did not publish it), its indicators, its questions not fully answered."""

    critere: str
    titre: str
    mediane: float | None
    bloquant: bool
    indicateurs: list[Indicateur]
    ouvertes: int


@dataclass(frozen=True)
class Bilan:
    """Everything the bilan shows, from what its sources published in this run."""

    annee: int
    indicateurs: list[Indicateur]
    decompte: Decompte
    questions: pd.DataFrame
    compte: Questions
    echantillons: list[Echantillon]
    criteres: list[Critere]
    mois_essai: int  # trial months (callbot columns filled) published by appels for `annee`
    appels: tuple[int, int] | None  # (months, calls received) of `annee`, as appels published them


def assembler(sources, corr: pd.DataFrame, questions: pd.DataFrame, criteres: pd.DataFrame, annee: int) -> Bilan:
    """The dossier from `sources` (`publies.Sources`: what appels, retours and grille published in this run),
    the correspondences and the questions register (both checked: `ErreurDonnees` naming file, row and column),
    and the grid's criteria (`grille_criteres.csv`, for their order and titles)."""
    f_corr = corr.attrs.get("fichier", "bilan_correspondances.csv")
    f_questions = questions.attrs.get("fichier", "callbot_questions.csv")
    corr, questions = _texte_df(corr), _texte_df(questions)
    noms = set(criteres["critere"])
    problemes = (verifier_correspondances(corr, noms, motifs_sources(), annee, f_corr)
                 + verifier_questions(questions, noms, f_questions))
    if problemes:
        raise ErreurDonnees(problemes)
    parts = sources.tableau("retours", "parts_principales")
    inds = indicateurs(corr, sources.figures(), parts, annee)
    stats = sources.tableau("grille", "statistiques")
    par_critere = {} if stats is None else {str(s.critere): s for s in stats.itertuples(index=False)}
    ouvertes = questions_ouvertes_par_critere(questions)
    crits = []
    for c in criteres.sort_values("ordre").itertuples(index=False):
        s = par_critere.get(c.critere)
        med = None if s is None or pd.isna(s.mediane) else float(s.mediane)
        crits.append(Critere(c.critere, c.titre, med, med is not None and med <= 1,
                             [i for i in inds if i.critere == c.critere], ouvertes.get(c.critere, 0)))
    mois = sources.tableau("appels", "appels_par_mois")
    essai = 0 if mois is None or "resolus_callbot" not in mois else int(mois["resolus_callbot"].notna().sum())
    return Bilan(annee, inds, decompter(inds), questions, compter_questions(questions), echantillons(parts), crits,
                 essai, appels_annee(sources.tableau("appels", "appels_par_annee"), annee))
