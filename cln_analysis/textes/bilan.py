"""The text of the trial's dossier: every figure it shows is its source page's text, under the source's id."""

from __future__ import annotations

import os

import pandas as pd

from .. import bilan, catalogue, grille, rendu
from .. import formats as f
from ..bilan import Bilan, Indicateur
from ..publies import Sources
from ..rapport import Rapport
from ..rendu import Html

NOMS = {"appels": "Activité du standard", "retours": "Retours des habitants", "grille": "Avis du Conseil (grille)"}
#: the section of each source page an indicator links to
SECTIONS = {"appels": "", "retours": "", "grille": ""}
BANNIERE = ("Une partie des rapports que ce bilan rassemble est calculée sur des exemples inventés : {sources}. Il "
            "montre la forme du dossier, pas l'état réel de l'expérimentation.")


def marquer_fictif(r: Rapport, s: Sources) -> None:
    """The « Données fictives » banner whenever a source used fictitious data, naming them."""
    if s.fictives:
        r.fictif = True
        r.texte_fictif = BANNIERE.format(sources=", ".join(f"« {NOMS[x.id]} »" for x in s.fictives))


def _lien(r: Rapport, source: str) -> str:
    page = catalogue.par_id(source).page
    return os.path.relpath(page, r.definition.page.parent).replace("\\", "/")


def _marque(s: Sources, fid: str) -> Html:
    """A source's figure as its page shows it, under its own id."""
    return rendu.chiffre_marque(fid, s.texte(fid) or "—")


def echecs(r: Rapport, s: Sources) -> list[Html]:
    """Which source failed or never ran: nothing of it is shown."""
    if not s.en_echec:
        return []
    items = [f"{NOMS[x.id]} ({x.id}) : "
             + ("n'a pas encore été exécuté" if x.publie is None else f"a échoué le {x.publie.date}")
             for x in s.en_echec]
    return [rendu.encadre(rendu.liste(items).__str__() + rendu.texte(
        "Rien de ces rapports n'est repris ici : ce bilan ne montre aucun chiffre ancien. Corrigez-les puis relancez "
        "<code>cln-analysis run bilan</code>."), "alerte", "Rapports sources indisponibles")]


def _incertitude(i: Indicateur, b: Bilan, s: Sources) -> str:
    if i.valeur is None:
        return "non mesurable : " + _manque(i, s)
    if i.reponses is not None:
        bas, haut = f.intervalle(i.bas, i.haut)
        return f"entre {bas} et {haut} ({f.entier(i.favorables)} sur {f.pluriel(i.reponses, 'réponse', 'réponses')})"
    if i.rapport == "appels" and b.appels is not None:
        mois, recus = b.appels
        return f"{f.pluriel(mois, 'mois', 'mois')}, {f.pluriel(recus, 'appel reçu', 'appels reçus')}"
    return ""


def _manque(i: Indicateur, s: Sources) -> str:
    src = s.par_id.get(i.rapport)
    if src is not None and not src.ok:
        return f"le rapport « {i.rapport} » n'a rien publié dans cette exécution"
    if i.necessite:
        return f"il faut {i.necessite}"
    if i.rapport == "appels":
        return "le fichier des appels n'a pas de mois d'expérimentation avec les colonnes du callbot"
    if i.rapport == "retours":
        return "part non publiée (trop peu de réponses à cette question)"
    return "chiffre absent de cette exécution"


def _objectif(i: Indicateur) -> str:
    if i.objectif is None:
        return "—"
    return f"{i.sens} {f.pourcentage(i.objectif, 0)}"


def _lignes(b: Bilan, s: Sources) -> pd.DataFrame:
    rows = []
    for i in b.indicateurs:
        rows.append(dict(question=i.question, indicateur=s.libelle(i.figure_id) or i.libelle or i.figure_id,
                         valeur=s.texte(i.figure_id) or "—",
                         incertitude=_incertitude(i, b, s), objectif=_objectif(i),
                         source=NOMS.get(i.rapport, i.rapport), etat=i.etat or ""))
    score = s.texte("grille.score_global")
    rows.append(dict(question="Que dit la grille du Conseil ?",
                     indicateur=s.libelle("grille.score_global") or "grille.score_global", valeur=score or "—",
                     incertitude="" if score else "non mesurable : " + _manque(
                         Indicateur("", "grille.score_global", "", None, None, "", "", "grille"), s),
                     objectif="—", source=NOMS["grille"], etat=""))
    rows.append(dict(question="Quelles questions restent ouvertes ?", indicateur="Questions sans réponse ou partielles",
                     valeur=f.entier(b.compte.sans_reponse + b.compte.partielles),
                     incertitude=(f"{f.pluriel(b.compte.sans_reponse, 'sans réponse', 'sans réponse')}, "
                                  f"{f.pluriel(b.compte.partielles, 'partielle', 'partielles')}"),
                     objectif="—", source="Questions du Conseil", etat=""))
    return pd.DataFrame(rows)


def en_bref(r: Rapport, b: Bilan, s: Sources) -> list[Html]:
    d = b.decompte
    # « chiffrés »: the targets of the correspondences (a rate, a share), not the slide's goals that the section
    # « Les objectifs de l'expérimentation » lists (four, each with appels' verdict)
    cartes = [r.cle("bilan.objectifs.atteints",
                    f.accord(d.atteints, "objectif chiffré atteint", "objectifs chiffrés atteints")),
              r.cle("bilan.objectifs.pas_atteints",
                    f.accord(d.pas_atteints, "objectif chiffré pas atteint", "objectifs chiffrés pas atteints")),
              r.cle("bilan.objectifs.incertains",
                    f.accord(d.incertains, "objectif chiffré incertain", "objectifs chiffrés incertains")),
              r.cle("bilan.objectifs.non_mesurables",
                    f.accord(d.non_mesurables, "objectif chiffré non mesurable", "objectifs chiffrés non mesurables")),
              r.cle("bilan.questions.sans_reponse",
                    f.accord(b.compte.sans_reponse, "question sans réponse", "questions sans réponse"))]
    tab = r.tableau("en_bref", _lignes(b, s), "Les questions du Conseil, indicateur par indicateur",
                    formats={c: f.phrase for c in ("incertitude", "objectif", "etat")},
                    libelles={"question": "Question", "indicateur": "Indicateur", "valeur": "Valeur mesurée",
                              "incertitude": "Incertitude",
                              "objectif": "Objectif", "source": "Rapport source", "etat": "État"},
                    note="État : atteint, pas atteint, incertain (l'intervalle de confiance contient l'objectif) ou "
                         "non mesurable ; vide quand l'indicateur n'a pas d'objectif. Les valeurs sont celles des "
                         "rapports sources, dans cette exécution.")
    liens = rendu.liste([f'<a href="{_lien(r, x)}">{rendu.e(NOMS[x])}</a>' for x in bilan.SOURCES], trusted=True)
    return [rendu.chiffres_cles(cartes), *echecs(r, s), rendu.texte(
        "Sur les indicateurs qui ont un objectif chiffré : {a} {ma}, {p} {mp}, {i} {mi}, {n} {mn}. "
        "Ce bilan rassemble des éléments de preuve ; il ne dit pas s'il faut généraliser le callbot : c'est "
        "l'avis du Conseil.", a=r.valeur("bilan.objectifs.atteints"), ma=f.accord(d.atteints, "atteint", "atteints"),
        p=r.valeur("bilan.objectifs.pas_atteints"), mp=f.accord(d.pas_atteints, "pas atteint", "pas atteints"),
        i=r.valeur("bilan.objectifs.incertains"), mi=f.accord(d.incertains, "incertain", "incertains"),
        n=r.valeur("bilan.objectifs.non_mesurables"),
        mn=f.accord(d.non_mesurables, "non mesurable", "non mesurables")),
        tab, rendu.texte("Les rapports sources :"), liens]


def objectifs(r: Rapport, b: Bilan, s: Sources) -> list[Html]:
    """The goals table of appels as appels published it, the agent and global rates, the national reference."""
    buts = s.tableau("appels", "objectifs")
    if buts is None:
        return [rendu.texte("Le rapport sur l'activité du standard n'a rien publié dans cette exécution.")]
    a = b.annee
    out = [r.afficher_tableau(buts, "Les objectifs de l'expérimentation, tels que le rapport appels les publie",
                              formats={c: f.phrase for c in ("objectif", "mesure", "reference", "verdict")},
                              libelles={"objectif": "Objectif", "mesure": "Mesure", "reference": "Référence",
                                        "verdict": "Verdict"})]
    agent, glob = s.texte(f"appels.{a}.taux_decroche_agent"), s.texte(f"appels.{a}.taux_decroche_global")
    if agent and glob:
        out.append(rendu.texte("En {a} : taux de décroché par un agent {ag}, taux global (callbot ou agent) {gl}.",
                               a=str(a), ag=_marque(s, f"appels.{a}.taux_decroche_agent"),
                               gl=_marque(s, f"appels.{a}.taux_decroche_global")))
    else:
        out.append(rendu.texte("Aucun mois de {a} n'est dans le fichier des appels : les taux de l'expérimentation "
                               "ne sont pas encore mesurés.", a=str(a)))
    if s.texte("appels.reference.objectif_plan_telephone"):
        out.append(rendu.texte(
            "Référence nationale : le Plan téléphone de l'État vise {cible} des appels décrochés par un agent ; "
            "le résultat national était de {t25} en 2025.",
            cible=_marque(s, "appels.reference.objectif_plan_telephone"),
            t25=_marque(s, "appels.reference.taux_national_2025")))
    return out


def habitants(r: Rapport, b: Bilan, s: Sources) -> list[Html]:
    """The headline shares retours published, with their intervals; nothing retours did not publish."""
    parts = [i for i in b.indicateurs if i.reponses is not None]
    vus = list({i.figure_id: i for i in parts}.values())  # each share once, in the correspondences' order
    if not vus:
        n = s.texte("retours.repondants")
        return [rendu.texte("Aucune part des retours des habitants n'est publiée dans cette exécution"
                            + (" ({n} répondants : en dessous du seuil, seul ce nombre est publié)." if n else "."),
                            n=_marque(s, "retours.repondants"))]
    items = []
    for i in vus:
        bas, haut = f.intervalle(i.bas, i.haut)
        items.append(f"{rendu.e(i.question)} {_marque(s, i.figure_id)} : la part réelle est probablement entre "
                     f"{bas} et {haut} ({f.entier(i.favorables)} sur {f.pluriel(i.reponses, 'réponse', 'réponses')}).")
    return [rendu.liste(items, trusted=True)]


def criteres(r: Rapport, b: Bilan, s: Sources, niveaux: pd.DataFrame) -> list[Html]:
    """Each criterion: the grid's median in words, consensus, blocking — beside its indicators and open questions."""
    libelles = dict(zip(niveaux["note"], niveaux["libelle"], strict=True))
    out = []
    for c in b.criteres:
        morceaux = []
        if c.mediane is None:
            morceaux.append("médiane non publiée par la grille")
        else:
            morceaux.append(f"médiane {rendu.e(grille.libelle_mediane(c.mediane, libelles))}")
            if s.texte(f"grille.{c.critere}.consensus"):
                morceaux.append(f"consensus {_marque(s, f'grille.{c.critere}.consensus')}")
            if c.bloquant:
                morceaux.append("point bloquant (médiane de 1 ou moins)")
        for i in c.indicateurs:
            if i.valeur is None:
                morceaux.append(f"« {rendu.e(i.question)} » non mesurable")
            else:
                morceaux.append(f"« {rendu.e(i.question)} » {_marque(s, i.figure_id)}"
                                + (f" ({rendu.e(i.etat)})" if i.etat else ""))
        morceaux.append(rendu.e(f.pluriel(c.ouvertes, "question ouverte", "questions ouvertes",
                                          "aucune question ouverte")))
        # a question measured by two indicators, neither measurable (decroché global and by an agent): said once
        out.append(f"<strong>{rendu.e(c.titre)}</strong> : " + " ; ".join(dict.fromkeys(morceaux)))
    return [rendu.liste(out, trusted=True)]


def manques(r: Rapport, b: Bilan, s: Sources, fi: pd.DataFrame) -> list[Html]:
    out = []
    nm = bilan.non_mesurables(b.indicateurs)
    if nm:
        out += [rendu.texte("Indicateurs non mesurables dans cette exécution :"),
                # named by what it measures (a question may have two), not by its figure id (the audit's table has it)
                rendu.liste(f"{i.question} — {i.libelle or i.figure_id} : {_manque(i, s)}" for i in nm)]
    buts = s.tableau("appels", "objectifs")
    if buts is not None:
        manquants = buts[buts["verdict"].str.startswith("non mesurable")]
        if not manquants.empty:
            out += [rendu.texte("Objectifs de l'expérimentation non mesurables, et ce qu'il faudrait :"),
                    rendu.liste(f"{o} — {v}" for o, v in zip(manquants["objectif"], manquants["verdict"],
                                                             strict=True))]
    ouvertes = b.questions[b.questions["statut"] == "sans réponse"]
    out.append(rendu.texte("Questions sans réponse : {n}.", n=r.valeur("bilan.questions.sans_reponse")))
    out.append(rendu.liste(ouvertes["question"]))
    items = []
    for e in b.echantillons:
        items.append(f"{_marque(s, e.figure_id)} : pour connaître cette part à ± 10 points près, il faudrait "
                     f"environ {r.valeur(bilan.id_echantillon(e.figure_id))} réponses ; il y en a "
                     f"{f.entier(e.reponses)}.")
    if items:
        out += [rendu.texte("Échantillons trop petits :"), rendu.liste(items, trusted=True)]
    out.append(duree_essai(b, fi))
    return out


NON_COMMUNIQUE = "non communiqué"


def _champ(fi: pd.DataFrame, champ: str) -> dict[str, str] | None:
    """One row of the transparency record (`callbot_fiche.csv`) as text, None when the field is not in it."""
    ligne = fi[fi["champ"] == champ]
    return None if ligne.empty else {k: "" if pd.isna(v) else str(v).strip() for k, v in ligne.iloc[0].items()}


def duree_essai(b: Bilan, fi: pd.DataFrame) -> Html:
    """The trial months present in the calls file beside the trial's planned length, as the transparency record
    gives it (its field `duree_essai`, quoted with its source), or says it is not communicated (with the dates the
    record gives, `dates_essai`)."""
    duree, dates = _champ(fi, "duree_essai"), _champ(fi, "dates_essai")
    debut = "Mois d'expérimentation présents dans le fichier des appels : {m}. "
    if duree is not None and duree["valeur"] and duree["valeur"] != NON_COMMUNIQUE:
        return rendu.texte(debut + "Durée prévue de l'expérimentation : « {d} » ({src}).", m=f.entier(b.mois_essai),
                           d=duree["valeur"], src=_source_champ(duree))
    if dates is not None and dates["valeur"] and dates["valeur"] != NON_COMMUNIQUE:
        return rendu.texte(debut + "La durée prévue de l'expérimentation n'est pas communiquée ; les dates annoncées "
                           "sont « {d} » ({src}).", m=f.entier(b.mois_essai), d=dates["valeur"],
                           src=_source_champ(dates))
    return rendu.texte(debut + "Ni la durée prévue de l'expérimentation ni ses dates ne sont communiquées.",
                       m=f.entier(b.mois_essai))


def _source_champ(ligne: dict[str, str]) -> str:
    return ", ".join(x for x in (ligne.get("document", ""), ligne.get("emplacement", "")) if x) or "sans source"


def questions(r: Rapport, b: Bilan) -> list[Html]:
    out = [rendu.texte("{t} questions et points ouverts : {rep} répondues, {p} partielles, {n} sans réponse.",
                       t=r.valeur("bilan.questions.total"), rep=r.valeur("bilan.questions.repondues"),
                       p=r.valeur("bilan.questions.partielles"), n=r.valeur("bilan.questions.sans_reponse"))]
    titres = {"répondue": "Répondues", "partielle": "Réponses partielles", "sans réponse": "Sans réponse"}
    for statut, groupe in bilan.questions_par_statut(b.questions).items():
        out.append(rendu.titre(3, titres[statut]))
        vue = pd.DataFrame({"question": groupe["question"],
                            "posee": groupe["auteur"] + " — " + groupe["document"] + ", " + groupe["emplacement"],
                            "reponse": groupe["reponse"].where(groupe["reponse"] != "", "—"),
                            "source": groupe["source_reponse"].where(groupe["source_reponse"] != "", "—")})
        out.append(r.afficher_tableau(vue, f"Questions : {titres[statut].lower()}",
                                      libelles={"question": "Question", "posee": "Posée par, où",
                                                "reponse": "Réponse apportée (mot pour mot)",
                                                "source": "Source de la réponse"}))
    return out


def fiche(r: Rapport, fi: pd.DataFrame) -> list[Html]:
    vue = pd.DataFrame({"libelle": fi["libelle"], "valeur": fi["valeur"],
                        "source": [(f"{d}, {e}" if d else "—") for d, e in
                                   zip(fi["document"].fillna(""), fi["emplacement"].fillna(""), strict=True)]})
    return [r.tableau("fiche_transparence", vue, "Fiche de transparence du callbot",
                      libelles={"libelle": "Champ", "valeur": "Valeur", "source": "Source"},
                      note="Sur le modèle des registres publics d'algorithmes (norme britannique ATRS, registres "
                           "d'Amsterdam et d'Helsinki). « non communiqué » : la Ville ne l'a pas encore dit.")]


def sources_tracabilite(r: Rapport, s: Sources) -> list[Html]:
    """Each source report with its parameters, date and the SHA-256 of what it read."""
    rows = []
    for x in s:
        if not x.ok:
            rows.append(dict(rapport=x.id, date=x.publie.date if x.publie else "—", statut="échec ou non exécuté",
                             parametres="—", fichier="—", sha256="—"))
            continue
        params = ", ".join(f"{n} = {v}" for n, v in sorted(x.publie.parametres.items())) or "—"
        for e in x.publie.entrees:
            rows.append(dict(rapport=x.id, date=x.publie.date, statut="publié", parametres=params, fichier=e.chemin,
                             sha256=e.sha256))
    return [rendu.titre(2, "Les rapports sources de ce bilan"), r.afficher_tableau(
        pd.DataFrame(rows), "Les rapports sources de ce bilan : paramètres, date, fichiers lus",
        libelles={"rapport": "Rapport", "date": "Date", "statut": "Statut", "parametres": "Paramètres",
                  "fichier": "Fichier lu", "sha256": "SHA-256"})]


def hypotheses(fictif: bool) -> list[str]:
    out = ["Ce bilan ne calcule rien à partir des fichiers bruts : il reprend ce que les rapports appels, retours et "
           "grille ont publié dans la même exécution, avec leur texte.",
           "Un objectif est « incertain » quand l'intervalle de confiance à 95 % de la part contient l'objectif.",
           "Taille d'échantillon pour ± 10 points : n = 1,96² · p(1 − p) / 0,10², arrondi au-dessus, p la part "
           "observée."]
    if fictif:
        out.append("Une partie des rapports sources est calculée sur des exemples inventés.")
    return out
