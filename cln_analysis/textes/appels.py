"""The text of the switchboard report: years, the trial's goals, the national reference, months, the load."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import appels, graphiques, rendu
from .. import donnees as dn
from .. import formats as f
from ..rapport import Rapport
from ..rendu import Html

DIAPOSITIVE = ", diapositive « L'activité du standard en chiffres »"
NOTE_ANNEES = ("Taux par un agent = répondus / (répondus + perdus) ; taux global = (reçus − perdus) / reçus ; avant le "
               "callbot les deux sont égaux. — : pas de comparaison (première année ou année partielle).")


@dataclass(frozen=True)
class Contexte:
    """What every section of the page reads: the yearly and monthly tables, the reference year, the working values."""

    annees: pd.DataFrame
    mois: pd.DataFrame
    derniere: pd.Series
    h: appels.Hypotheses
    source: str

    @property
    def annee(self) -> int:
        return int(self.derniere["annee"])


def marque(figure_id: str, texte: str) -> Html:
    """A declared figure shown in a wording of its own (a signed change, a load without its unit)."""
    return rendu.chiffre_marque(figure_id, texte)


def titre(annees: pd.DataFrame) -> str:
    a0, a1 = int(annees["annee"].iloc[0]), int(annees["annee"].iloc[-1])
    return (f"L'activité du standard téléphonique de la Ville, {a0}–{a1}" if a1 > a0
            else f"L'activité du standard téléphonique de la Ville en {a0}")


def introduction(c: Contexte) -> list[Html]:
    annees = c.annees
    essai = annees[annees["mois_essai"] > 0]
    return [rendu.texte(
        "Ce rapport suit les appels reçus par le standard de la Ville de {a0} à {a1}, puis l'expérimentation du "
        "<em>callbot</em> mois par mois. Source des chiffres : {fichier}. {essai}",
        a0=int(annees["annee"].iloc[0]), a1=int(annees["annee"].iloc[-1]), fichier=c.source,
        essai=("Mois de l'expérimentation dans le fichier : " + " ; ".join(essai["periode_essai"]) + ".") if len(essai)
        else "Le fichier ne contient encore aucun mois de l'expérimentation.")]


def essentiel(r: Rapport, c: Contexte) -> list[Html]:
    A, premiere, derniere = c.annee, c.annees.iloc[0], c.derniere
    p = f"appels.{A}"
    a0 = int(premiere["annee"])
    perdus = (Html(f"{r.valeur(f'{p}.perdus')} appels sont restés sans réponse, soit environ 1 sur "
                   f"{r.valeur(f'{p}.recus_par_perdu')}.")
              if derniere["appels_perdus"] else "Aucun appel n'est resté sans réponse.")
    return [rendu.chiffres_cles([
        r.cle(f"{p}.recus", f"appels reçus en {A}"),
        r.cle(f"{p}.taux_decroche", "taux de décroché par un agent"),
        r.cle(f"{p}.perdus", "appels perdus"),
        (f.attente(c.h.duree_moyenne_min * 60), "durée moyenne d'un appel"),
    ]), rendu.texte(
        "En {A}, le standard de la Ville a reçu <strong>{rec}</strong> appels et en a décroché {rep} : un taux de "
        "décroché de <strong>{taux}</strong>. {perdus} "
        "Depuis {a0}, le nombre d'appels reçus par an est passé de {rec0} à {rec} ({evo}).",
        A=A, rec=r.valeur(f"{p}.recus"), rep=r.valeur(f"{p}.repondus"), taux=r.valeur(f"{p}.taux_decroche"),
        perdus=perdus, a0=a0, rec0=r.valeur(f"appels.{a0}.recus"),
        evo=marque(f"{p}.evolution_recus_depuis_{a0}",
                   f.evolution(derniere["appels_recus"] / premiere["appels_recus"] - 1)))] + essai(r, c)


def essai(r: Rapport, c: Contexte) -> list[Html]:
    """The trial in « L'essentiel », when the file has trial months: both rates and the months covered."""
    t = c.annees[c.annees["mois_essai"] > 0]
    if t.empty:
        return []
    y = t.iloc[-1]
    q = f"appels.{int(y['annee'])}"
    cles = [r.cle(f"{q}.taux_decroche_global_essai", "décroché global pendant l'expérimentation")]
    if pd.notna(y["taux_decroche_agent_essai"]):
        cles.insert(0, r.cle(f"{q}.taux_decroche_agent_essai", "décroché par un agent pendant l'expérimentation"))
        agent = Html(f"{r.valeur(f'{q}.taux_decroche_agent_essai')} des appels arrivés aux agents ont été décrochés "
                     "par un agent, et ")
    else:
        agent = Html("aucun appel n'est arrivé aux agents (le <em>callbot</em> a gardé tous les appels) ; ")
    cles.append(r.cle(f"{q}.mois_essai", "mois de l'expérimentation"))
    return [rendu.chiffres_cles(cles), rendu.texte(
        "Pendant l'expérimentation du <em>callbot</em> ({mois}), {agent}{glob} des appels reçus ont eu une réponse, "
        "du <em>callbot</em> ou d'un agent. Ce taux global compte comme décrochés les {ab} usagers qui ont raccroché "
        "pendant le <em>callbot</em>.",
        mois=y["periode_essai"], agent=agent, glob=r.valeur(f"{q}.taux_decroche_global_essai"),
        ab=r.valeur(f"{q}.abandons_callbot"))]


def annees(r: Rapport, c: Contexte) -> list[Html]:
    t = c.annees
    noms = [str(a) + (" (partielle)" if p else "") for a, p in zip(t["annee"], t["partielle"], strict=True)]
    fig = graphiques.barres_groupees(noms, {"Appels répondus": list(t["appels_repondus"]),
                                            "Appels perdus": list(t["appels_perdus"])}, "entier", titre_axe="Appels")
    alt = ("Diagramme en barres groupées des appels répondus et perdus par année : " + " ; ".join(
        f"{n} : {f.entier(rp)} répondus, {f.entier(pe)} perdus, taux de décroché par un agent {f.pourcentage(tx, 0)}"
        for n, rp, pe, tx in zip(noms, t["appels_repondus"], t["appels_perdus"], t["taux_decroche_agent"],
                                 strict=True)) + ".")
    tab = r.tableau("appels_par_annee", appels.vue_annees(t), "Activité du standard par année", note=NOTE_ANNEES)
    out = [r.graphique(fig, alt, "Appels répondus et perdus par année", tab, source=c.source)]
    evos = t.dropna(subset=["evolution_recus"])
    if len(evos):
        out.append(rendu.texte("Les appels reçus ont évolué de " + " puis de ".join(
            f"{marque(f'appels.{a}.evolution_recus', f.evolution(v))} entre {a - 1} et {a}"
            for a, v in zip(evos["annee"], evos["evolution_recus"], strict=True)) + "."))
    for _, y in t[t["partielle"]].iterrows():
        a = int(y["annee"])
        if y["evolution_recus_memes_mois"] == y["evolution_recus_memes_mois"]:
            out.append(rendu.texte(
                "En {a}, sur {m}, les appels reçus ont évolué de <strong>{v}</strong> par rapport aux mêmes mois de "
                "{p}.",
                a=a, m=y["periode_couverte"], p=a - 1,
                v=marque(f"appels.{a}.evolution_recus_memes_mois", f.evolution(y["evolution_recus_memes_mois"]))))
        else:
            out.append(rendu.texte(
                "L'année {a} n'est couverte que sur {m} ; elle n'est pas comparée aux mêmes mois de {p}, car {raison}.",
                a=a, m=y["periode_couverte"], p=a - 1, raison=y["raison_memes_mois"]))
    out.append(rendu.citation(
        "La baisse des appels s'explique principalement par le passage à la prise de rendez-vous en ligne (CNI, "
        "passeport). Stabilisation du nombre d'appels reçus autour de 100 000 par an.",
        "Explication donnée par la Ville : " + rendu.SOURCE_PRESENTATION + DIAPOSITIVE))
    return out


def objectifs(r: Rapport, c: Contexte, buts: pd.DataFrame) -> list[Html]:
    A = c.annee
    vraiment = len(buts) > len(appels.REGLES_VERDICT)
    return [rendu.texte(
        "Les diapositives « Qu'est-ce que le callbot ? » et « Les buts poursuivis » annoncent quatre résultats{plus}. "
        "Chacun est mesuré sur les mois de l'expérimentation présents dans le fichier et comparé à {A}, la dernière "
        "année avant elle. Le taux de décroché global compte toute réponse, du <em>callbot</em> ou d'un agent ; il est "
        "toujours montré à côté du taux de décroché par un agent, car un <em>callbot</em> qui décroche tout le fait "
        "monter vers 100 % sans qu'un usager de plus ait parlé à un agent.", A=A,
        plus=Html(" ; le journal d'appels en ajoute un cinquième, les appels vraiment résolus") if vraiment else ""),
        r.tableau("objectifs", buts, "Les objectifs de l'expérimentation, un par un",
                  libelles={"reference": f"Référence {A}"}),
        rendu.liste(appels.REGLES_VERDICT + ([appels.REGLE_VRAIMENT_RESOLUS] if vraiment else []))]


def reference_nationale(r: Rapport, nat: pd.DataFrame) -> list[Html]:
    return [rendu.texte(
        "L'État mesure l'accueil téléphonique de ses services avec le programme Services Publics+ (engagement n°6). "
        "{definition}. Le « Plan téléphone » fixe l'objectif de <strong>{cible}</strong> des appels décrochés par un "
        "agent ; l'ensemble des services suivis atteignait {t23} en 2023 et {t25} en 2025. Ces chiffres sont un repère "
        "pour lire ceux de Roubaix, pas un objectif fixé à la Ville ni un verdict sur son standard.",
        definition=nat.loc["definition_engagement_6", "libelle"],
        cible=r.valeur("appels.reference.objectif_plan_telephone"),
        t23=r.valeur("appels.reference.taux_national_2023"), t25=r.valeur("appels.reference.taux_national_2025")),
        rendu.citation(nat.loc["objectif_plan_telephone", "texte_source"], source_nationale())]


def source_nationale() -> str:
    return dn.source_texte(dn.ressource("appels_reference"))


def mois(r: Rapport, c: Contexte, nat: pd.DataFrame) -> list[Html]:
    m = c.mois
    if m.empty:
        return [rendu.texte(
            "Le fichier ne contient pas encore de chiffres mensuels. Quand l'expérimentation commencera, donnez un "
            "fichier avec une ligne par mois (2026-04, avr-26 ou 04/2026) et les colonnes du callbot : ce rapport le "
            "complétera des années précédentes et comparera chaque mois au même mois de l'année précédente, s'il est "
            "dans le fichier.")]
    refs = [("Objectif national du Plan téléphone", float(nat.loc["objectif_plan_telephone", "valeur"])),
            ("Résultat national 2025", float(nat.loc["taux_national_2025", "valeur"]))]
    series = {"Taux de décroché par un agent": list(m["taux_decroche_agent"]),
              "Taux de décroché global (callbot ou agent)": list(m["taux_decroche_global"]),
              "Par un agent, même mois de l'année précédente": list(m["taux_decroche_agent_annee_precedente"])}
    fig = graphiques.courbes_reference(list(m["nom_mois"]), series, refs, "pourcentage", "Taux de décroché")
    alt = ("Courbes du taux de décroché par mois, avec deux lignes de référence nationales (objectif "
           f"{f.pourcentage(refs[0][1], 0)}, résultat 2025 {f.pourcentage(refs[1][1], 1)}) : " + " ; ".join(
               f"{n} : par un agent {f.pourcentage(a, 0)}, global {f.pourcentage(g, 0)}"
               + ("" if v != v else f", même mois de l'année précédente {f.pourcentage(v, 0)}")
               for n, a, g, v in zip(m["nom_mois"], m["taux_decroche_agent"], m["taux_decroche_global"],
                                     m["taux_decroche_agent_annee_precedente"], strict=True)) + ".")
    tab = r.tableau("taux_par_mois", m[["nom_mois", "taux_decroche_agent", "taux_decroche_global",
                                        "taux_decroche_agent_annee_precedente"]], "Taux de décroché par mois",
                    note="— : le même mois de l'année précédente n'est pas dans le fichier.")
    out = [r.graphique(fig, alt, "Taux de décroché par un agent et global, mois par mois, avec la référence "
                                 "nationale", tab, source=c.source + " ; référence : " + source_nationale())]
    fig = graphiques.barres_empilees(list(m["nom_mois"]), {
        "Résolus par le callbot": list(m["resolus_callbot"]),
        "Abandonnés pendant le callbot": list(m["abandons_callbot"]),
        "Répondus par un agent": list(m["appels_repondus"]), "Perdus": list(m["appels_perdus"])}, "entier", "Appels")
    alt = ("Barres empilées de ce que sont devenus les appels reçus, par mois : " + " ; ".join(
        f"{n} : {f.entier(rec)} reçus" + ("" if res is None else f", {f.entier(res)} résolus par le callbot, "
                                         f"{f.entier(ab)} abandonnés pendant le callbot")
        + f", {f.entier(rp)} répondus par un agent, {f.entier(pe)} perdus"
        for n, rec, res, ab, rp, pe in zip(m["nom_mois"], m["appels_recus"], m["resolus_callbot"],
                                           m["abandons_callbot"], m["appels_repondus"], m["appels_perdus"],
                                           strict=True)) + ".")
    tab = r.tableau("appels_par_mois", m[["nom_mois", "appels_recus", "resolus_callbot", "abandons_callbot",
                                          "appels_repondus", "appels_perdus", "appels_recus_annee_precedente"]],
                    "Devenir des appels par mois",
                    note="— : pas de callbot ce mois-là, ou mois de l'année précédente absent du fichier.")
    return out + [r.graphique(fig, alt, "Ce que deviennent les appels reçus, mois par mois", tab, source=c.source)]


def ecart(r: Rapport, c: Contexte, obj: appels.EcartObjectif, jours_ouvres: int) -> list[Html]:
    duree = f.attente(c.h.duree_moyenne_min * 60)
    q = f"appels.{obj.annee}"
    return [rendu.texte(
        "Le projet de <em>callbot</em> vise {obj} des appels décrochés. En {A}, il aurait fallu répondre à "
        "<strong>{ecart}</strong> appels de plus, soit <strong>{jour}</strong> par jour ouvré (sur {jours} jours "
        "ouvrés "
        "par an, une hypothèse).",
        obj=f.pourcentage(obj.objectif, 0), A=c.annee, ecart=r.valeur(f"{q}.ecart_objectif"),
        jour=r.valeur(f"{q}.perdus_par_jour_ouvre"), jours=f.entier(jours_ouvres)),
        rendu.texte(
        "Avec une durée moyenne d'appel de {duree}, les {rep} appels répondus représentent environ "
        "<strong>{h}</strong> "
        "de conversation dans l'année. La diapositive indique que plus d'un tiers des appels sont des transferts vers "
        "d'autres services : au moins <strong>{tr}</strong> appels répondus en {A}, que le <em>callbot</em> pourrait "
        "orienter.", duree=duree, rep=r.valeur(f"{q}.repondus"), h=r.valeur(f"{q}.heures_conversation"),
        tr=r.valeur(f"{q}.transferts_estimes"), A=c.annee)]


def _erlangs(charge: float) -> str:
    """The unit after a load: singular below 2, as French writes « 0,82 erlang »."""
    return "erlang" if abs(charge) < 2 else "erlangs"


def charge(r: Rapport, c: Contexte, coh: appels.Coherence, postes: int, jours_ouvres: int,
           heures_ouverture_jour: float, attente_min_min: float = 10, attente_max_min: float = 15) -> list[Html]:
    A = c.annee
    p = f"appels.{A}"
    duree = f.attente(c.h.duree_moyenne_min * 60)
    charge_txt = marque(f"appels.{coh.annee}.charge_erlangs", f.nombre(coh.charge_erlangs, 2))
    tableau = r.tableau("erlang_par_agents", coh.par_agents,
                        "Attente prédite par le modèle d'Erlang C selon le nombre d'agents au téléphone, charge de "
                        f"{A}",
                        note="Charge répartie également sur les heures d'ouverture, appels arrivant au hasard, durée "
                             "moyenne d'appel de la diapositive, aucun abandon. File instable : la charge atteint ou "
                             "dépasse le nombre d'agents, la file s'allonge sans fin et le modèle ne donne pas "
                             "d'attente.")
    if not math.isfinite(coh.attente_predite_s):
        return [rendu.texte(
            "En {A}, les appels qui arrivent aux agents (répondus et perdus), à {duree} chacun et répartis également "
            "sur les heures d'ouverture ({jours} jours de {heures} h, deux hypothèses), représentent une charge de "
            "<strong>{charge}</strong> {unite}, c'est-à-dire autant d'agents occupés en permanence : autant ou plus "
            "que les {postes} postes. Une file d'attente ainsi chargée est <strong>instable</strong> : les postes ne "
            "suffisent pas à traiter les appels à mesure qu'ils arrivent, la file s'allonge tout au long de la "
            "journée, et le modèle d'Erlang C ne prédit plus aucune attente moyenne, faute de limite.",
            A=A, duree=duree, jours=f.entier(jours_ouvres), heures=f.nombre(heures_ouverture_jour, 0),
            charge=charge_txt, postes=f.entier(postes), unite=_erlangs(coh.charge_erlangs)),
            rendu.texte(
            "Dans la réalité, la file ne grandit pas sans fin : des usagers raccrochent ({perd} appels perdus en {A}) "
            "et les appels ne durent pas tous {duree}. Avec ces hypothèses, de longues attentes comme les « {a0} à "
            "{a1} minutes » de la diapositive sont donc possibles ; mais elles dépendent d'abord de la durée d'appel "
            "retenue, qui reste à mesurer, comme le nombre d'appels reçus par heure et d'agents connectés à chaque "
            "heure, que le logiciel du standard enregistre.",
            perd=r.valeur(f"{p}.perdus"), A=A, duree=duree, a0=f.entier(attente_min_min),
            a1=f.entier(attente_max_min)),
            tableau]
    un_agent = coh.par_agents.iloc[0]
    attente = r.valeur(f"appels.{coh.annee}.attente_predite_erlang_s")
    un_seul = un_agent["attente_predite_s"]
    att1 = (f.attente(un_seul) if math.isfinite(un_seul)
            else "aucune limite avec un seul agent, dont la file serait instable")
    out = [rendu.texte(
        "En {A}, les {rep} appels répondus, à {duree} chacun, occupent <strong>{occ}</strong> du temps d'ouverture des "
        "{postes} postes ({jours} jours de {heures} h, deux hypothèses). Répartis également sur les heures "
        "d'ouverture, les appels qui arrivent aux agents (répondus et perdus) représentent une charge de "
        "<strong>{charge}</strong> {unite} (agents occupés en moyenne). Le modèle d'Erlang C, qui décrit une file "
        "d'attente d'appels arrivant au hasard, prédit alors une attente moyenne de <strong>{att}</strong> avec les "
        "{postes} postes au téléphone, et {att1}.",
        A=A, rep=r.valeur(f"{p}.repondus"), duree=duree,
        occ=r.valeur(f"appels.{coh.annee}.occupation_postes"), postes=f.entier(postes), jours=f.entier(jours_ouvres),
        heures=f.nombre(heures_ouverture_jour, 0), charge=charge_txt, att=attente, unite=_erlangs(coh.charge_erlangs),
        att1=f"de {att1} avec un seul agent" if math.isfinite(un_seul) else att1)]
    if coh.attente_predite_s < attente_min_min * 60:
        out.append(rendu.texte(
            "Les « {a0} à {a1} minutes » d'attente de la diapositive ne s'expliquent donc pas par la charge moyenne : "
            "elles supposent des pics d'appels bien plus forts que la moyenne, beaucoup moins d'agents réellement au "
            "téléphone que de postes, des appels bien plus longs que la durée retenue, ou une attente qui ne concerne "
            "que certains appels. Le modèle ne tient pas compte non plus des {perd} appels perdus, des usagers qui "
            "raccrochent. Pour trancher, il faut le nombre d'appels reçus par heure (ou demi-heure) sur quelques "
            "semaines, le nombre d'agents connectés au téléphone à chaque heure, et la durée réelle des appels et de "
            "l'attente, que le logiciel du standard enregistre.",
            perd=r.valeur(f"{p}.perdus"), a0=f.entier(attente_min_min), a1=f.entier(attente_max_min)))
    else:
        out.append(rendu.texte(
            "Avec ces hypothèses, la charge moyenne suffit à expliquer une attente de l'ordre des « {a0} à {a1} "
            "minutes » de la diapositive. Le modèle ne tient pas compte des {perd} appels perdus, des usagers qui "
            "raccrochent : la durée réelle des appels et de l'attente, que le logiciel du standard enregistre, "
            "permettrait de trancher.",
            perd=r.valeur(f"{p}.perdus"), a0=f.entier(attente_min_min), a1=f.entier(attente_max_min)))
    return out + [tableau]


def hypotheses(c: Contexte, ctx: pd.DataFrame, postes: int, jours_ouvres: int,
               heures_ouverture_jour: float, lj=None) -> list[str]:
    h = c.h
    return ([] if lj is None else [
        f"Journal d'appels {lj.fichier} : les colonnes mensuelles (appels reçus, perdus, répondus, du callbot, hors "
        "horaires, attente moyenne) en sont calculées, appel par appel (le nombre d'appels lus est dans la "
        "traçabilité) ; chaque année qu'il couvre est prise de lui seul. Les numéros des appelants ne sont gardés "
        "nulle part : à la lecture, chacun devient un code, tiré au hasard pour cette exécution et jamais écrit.",
        "Journal d'appels : un rappel est un appel du même numéro dans le délai choisi (paramètre « delai_rappel_h »), "
        "d'un début d'appel au suivant, délai compris ; les numéros masqués et les appels trop proches de la fin du "
        "journal sont laissés de côté et comptés. Hors horaires : en dehors du paramètre « horaires », et les jours "
        "fériés (paquet holidays).",
    ]) + [
        "Taux de décroché par un agent = appels répondus / (appels répondus + appels perdus), les appels arrivés dans "
        "la file des agents, directement ou transférés par le callbot (Services Publics+, engagement n°6). Avant le "
        "callbot, il est égal au taux de la diapositive (répondus / reçus), et la série continue sans rupture.",
        "Taux de décroché global = (appels reçus − appels perdus) / appels reçus : toute réponse, du callbot ou d'un "
        "agent.",
        "Parts de l'expérimentation : résolus sans agent / appels reçus ; transferts et abandons / appels pris par le "
        "callbot ; hors horaires / appels reçus ; calculées sur les seuls mois où ces colonnes sont remplies.",
        "Attente moyenne : moyenne des attentes mensuelles pondérée par les appels répondus par un agent.",
        f"Jours ouvrés : {f.entier(jours_ouvres)} par an et {f.nombre(heures_ouverture_jour, 0)} heures d'ouverture "
        "par "
        "jour (hypothèses de ce rapport, paramètres « jours_ouvres » et « heures_ouverture_jour ») ; le standard n'a "
        "pas donné ses horaires exacts.",
        f"Heures de conversation et charge : appels × durée moyenne ({f.attente(h.duree_moyenne_min * 60)}, arrondie "
        "par la diapositive à la minute) : un ordre de grandeur. Le modèle d'Erlang C suppose des appels arrivant au "
        "hasard, également répartis sur l'ouverture, sans abandon : il donne la meilleure attente possible, pas "
        "l'attente réelle.",
        f"Transferts : « plus d'1/3 des appels » selon la diapositive ; la part retenue "
        f"({f.pourcentage(h.part_transferts)}) est appliquée aux appels répondus, et donne un minimum.",
        "Une année donnée par mois est la somme de ses mois ; elle est marquée « partielle » tant qu'elle n'en a pas "
        "12, et n'est comparée qu'aux mêmes mois de l'année précédente, quand le fichier les a tous.",
        "Un fichier qui ne couvre que certaines périodes est complété : chaque année qu'il couvre est prise de lui "
        "seul, les autres de data/raw/appels_standard.csv ; les deux fichiers figurent ci-dessous.",
        "Référence nationale : chiffres de la DITP (2025), un repère de contexte ; leurs services ne sont pas un "
        "standard municipal.",
        f"Effectif : la diapositive écrit « {ctx.loc['postes_equipe', 'texte_source']} » ; l'énumération ne fait pas "
        "le "
        f"même total que le nombre de postes annoncé : le rapport reprend {f.entier(postes)} postes, tel qu'imprimé.",
    ]


# --------------------------------------------------------------------------- the call log's sections

PERIODE = {"periode": "Période"}


def _a(r: Rapport, figure_id: str) -> bool:
    """True when the run declared `figure_id` (a log's figure exists only for the years it covers)."""
    ch = r.chiffres
    return figure_id in ch if isinstance(ch, dict) else any(x.figure_id == figure_id for x in ch)


def journal(r: Rapport, c: Contexte, lj, pt, postes: int) -> list[Html]:
    """Every section a call log adds: waits, calls back, out of hours, load by hour and weekday (nothing
    without a log)."""
    if lj is None:
        return []
    return (attentes(r, c, lj) + rappels(r, lj) + hors_horaires(r, lj) + charge_horaire(r, c, lj, pt, postes))


def attentes(r: Rapport, c: Contexte, lj) -> list[Html]:
    out = [rendu.titre(2, "Les attentes mesurées par le journal d'appels")]
    d = lj.distribution
    if d.empty:
        return out + [rendu.texte("Le journal ne donne l'attente d'aucun appel répondu par un agent.")]
    Y = lj.annee_essai or int(lj.mensuel["periode"].str[:4].astype(int).max())
    q = f"appels.{Y}.attente"
    if _a(r, f"{q}.mediane_s"):
        out.append(rendu.texte(
            "En {Y}, parmi les appels qu'un agent a décrochés, directement ou après le <em>callbot</em>, "
            "<strong>{p20}</strong> ont attendu vingt secondes ou moins, {p1} une minute ou moins, {p5} cinq minutes "
            "ou moins, et <strong>{p10}</strong> plus de dix minutes. La moitié a attendu moins de {med} ; neuf sur "
            "dix, moins de {p90}. Les « 10 à 15 minutes » de la diapositive se comparent à cette part d'attentes de "
            "plus de dix minutes.",
            Y=Y, p20=r.valeur(f"{q}.part_moins_20s"), p1=r.valeur(f"{q}.part_moins_1min"),
            p5=r.valeur(f"{q}.part_moins_5min"), p10=r.valeur(f"{q}.part_plus_10min"),
            med=r.valeur(f"{q}.mediane_s"), p90=r.valeur(f"{q}.p90_s")))
    periodes = list(dict.fromkeys(d["periode"]))
    classes = list(dict.fromkeys(d["attente"]))
    series = {p: list(d[d["periode"] == p]["part"]) for p in periodes}
    fig = graphiques.barres_horizontales_groupees(classes, series, "pourcentage", "Part des appels répondus")
    alt = ("Barres horizontales de la répartition des attentes des appels répondus par un agent, par durée : "
           + " ; ".join(f"{p} : " + ", ".join(f"{k} {f.pourcentage(v, 1)}" for k, v in zip(classes, series[p],
                                                                                           strict=True))
                        for p in periodes) + ".")
    tab = r.tableau("attentes_repartition", d, "Attente des appels répondus par un agent, par durée",
                    libelles=PERIODE | {"appels": "Appels répondus"})
    out.append(r.graphique(fig, alt, "Combien de temps les usagers ont attendu un agent", tab,
                           source=f"journal d'appels {lj.fichier}"))
    t = lj.attentes.copy()
    if lj.seuil_attente_s is not None and "part_moins_seuil" in t.columns:
        seuil = {"part_moins_seuil": f"Attendu {f.attente(lj.seuil_attente_s)} ou moins"}
    else:
        seuil = {}
    out.append(r.tableau("attentes", t, "Attentes mesurées, avant et pendant l'expérimentation",
                         libelles=PERIODE | seuil,
                         note="Répondus : appels agent et callbot_transfert_agent, attente dans la file des agents. "
                              "Perdus : appels perdu et callbot_transfert_perdu, le temps attendu avant de "
                              "raccrocher, montré à part. Avant ou pendant : mois sans ou avec appels du callbot."))
    return out


def rappels(r: Rapport, lj) -> list[Html]:
    Y = lj.annee_essai
    out = [rendu.titre(2, "Les appels vraiment résolus, et ceux qui rappellent")]
    phrases = []
    if Y is not None and _a(r, f"appels.{Y}.resolus_sans_rappel_24h"):
        phrases.append(Html(
            f"En {Y}, <strong>{r.valeur(f'appels.{Y}.resolus_sans_rappel_24h')}</strong> des appels que le "
            "<em>callbot</em> a résolus n'ont été suivis d'aucun nouvel appel du même numéro dans le délai choisi "
            "(paramètre « delai_rappel_h », d'un début d'appel au suivant) : ceux-là sont sans doute vraiment "
            "résolus."))
    Z = int(lj.mensuel["periode"].str[:4].astype(int).max())
    if _a(r, f"appels.{Z}.perdus_rappeles_24h"):
        phrases.append(Html(
            f"En {Z}, {r.valeur(f'appels.{Z}.perdus_rappeles_24h')} des appels perdus ont été suivis d'un nouvel "
            "appel du même numéro dans ce délai : « Certains raccrochent et rappellent plusieurs fois », disent "
            "les diapositives."))
    if phrases:
        out.append(Html("<p>" + " ".join(phrases) + "</p>"))
    out.append(r.tableau("rappels", appels.journal.table_rappels(lj), "Appels suivis d'un appel du même numéro",
                         note="Laissés de côté : les numéros masqués (vides ou « anonyme »), et les appels commencés "
                              "moins d'un délai avant le dernier appel du journal, dont un rappel ne pouvait pas "
                              "être vu."))
    return out


def hors_horaires(r: Rapport, lj) -> list[Html]:
    t = appels.journal.table_hors_horaires(lj)
    if t.empty:
        return []
    Y = lj.annee_essai
    out = [rendu.titre(2, "Les appels hors des heures d'ouverture")]
    if Y is not None and _a(r, f"appels.{Y}.hors_horaires.repondus_callbot"):
        out.append(rendu.texte(
            "Pendant l'expérimentation, en {Y}, le <em>callbot</em> a pris <strong>{part}</strong> des appels arrivés "
            "hors des heures d'ouverture (« {h} », fermé les jours fériés, paramètre « horaires »).",
            Y=Y, part=r.valeur(f"appels.{Y}.hors_horaires.repondus_callbot"), h=lj.horaires.texte))
    out.append(r.tableau("hors_horaires", t, "Appels hors horaires des mois de l'expérimentation"))
    return out


def charge_horaire(r: Rapport, c: Contexte, lj, pt, postes: int) -> list[Html]:
    t = lj.charge
    heures = t[t.drop(columns="heure").fillna(0).sum(axis=1) > 0]
    if heures.empty:
        return []
    jours = [j for j in t.columns if j != "heure"]
    out = [rendu.titre(2, "La charge, heure par heure")]
    fig = graphiques.carte_chaleur(list(heures["heure"]), [j[:3] for j in jours],
                                   heures[jours].to_numpy().tolist(), "note", "Appels par heure")
    alt = ("Carte de chaleur des appels reçus par heure, en moyenne, selon l'heure et le jour de la semaine : "
           + " ; ".join(f"{h} : " + ", ".join(f"{j} {f.nombre(v, 1)}" for j, v in zip(jours, row, strict=True)
                                               if v == v and v > 0)
                        for h, row in zip(heures["heure"], heures[jours].to_numpy().tolist(), strict=True)) + ".")
    tab = r.tableau("charge_horaire", heures.reset_index(drop=True), "Appels reçus par heure, en moyenne, par jour "
                    "de la semaine", note="Moyenne sur les jours de la semaine compris entre le premier et le dernier "
                                          "appel du journal.")
    out.append(r.graphique(fig, alt, "Quand le standard est appelé : appels par heure et jour de la semaine", tab,
                           source=f"journal d'appels {lj.fichier}"))
    q = f"appels.{pt.annee}.heure_pointe_agents"
    avant = "avant l'expérimentation" if lj.pointe_avant_essai else "dans le journal"
    texte = (f"À l'heure la plus chargée {avant} (le {lj.pointe['jour']}, à partir de "
             f"{r.valeur(f'{q}.heure')} h), "
             f"{r.valeur(f'{q}.appels')} appels arrivent aux agents en moyenne : une charge de "
             f"<strong>{r.valeur(f'{q}.charge_erlangs')}</strong> pour les {f.entier(postes)} postes. ")
    if math.isfinite(pt.attente_predite_s):
        texte += (f"Le modèle d'Erlang C y prédit une attente moyenne de <strong>"
                  f"{r.valeur(f'{q}.attente_predite_erlang_s')}</strong>, tous les postes au téléphone : c'est à "
                  "la pointe, pas sur la moyenne de l'année, qu'il faut comparer les « 10 à 15 minutes ».")
    else:
        texte += ("La file est alors instable : les postes ne suffisent pas à traiter les appels à mesure qu'ils "
                  "arrivent, la file s'allonge jusqu'à ce que des usagers raccrochent, et de longues attentes comme "
                  "les « 10 à 15 minutes » de la diapositive s'expliquent à cette heure-là.")
    out.append(Html(f"<p>{texte}</p>"))
    return out
