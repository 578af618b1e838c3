"""The text of the CVS report (Contrat de ville et des solidarités)."""

from __future__ import annotations

import pandas as pd

from .. import cvs, graphiques, rendu
from .. import formats as f
from ..rapport import Rapport
from ..rendu import Html

QUESTIONS = (
    "Quelles sont les enveloppes budgétaires allouées aux actions financées par le Contrat de ville et des "
    "solidarités en matière de numérique ?",
    "Quel est le budget dédié aux écrivains publics et autres dispositifs d'accompagnement des publics éloignés du "
    "numérique ?",
)
SOURCE_QUESTIONS = "Compte-rendu aux membres du CLN, 2 décembre 2025"
DIAPOSITIVE = ", diapositive « Quel a été le budget alloué en 2025 pour lutter contre la précarité numérique ? »"


def essentiel(r: Rapport, annee: int, liste_projets: pd.DataFrame | None, projets: str | None) -> list[Html]:
    """« L'essentiel »: the cards, the summary sentence, and where the figures come from when a list was given."""
    p = f"cvs.{annee}"
    out = [rendu.chiffres_cles([
        r.cle(f"{p}.attribue", f"attribués en {annee}"),
        r.cle(f"{p}.taux_attribution", "du montant sollicité"),
        r.cle(f"{p}.projets", "projets financés"),
        r.cle(f"{p}.ecrivains_publics.part", "pour les écrivains publics"),
    ]), rendu.texte(
        "En {annee}, le Contrat de ville et des solidarités a attribué <strong>{att}</strong> à {n} projets "
        "numériques, "
        "sur {sol} sollicités par leurs porteurs : {taux} de la demande a été financée. Les {nep} projets d'écrivains "
        "publics reçoivent <strong>{mep}</strong>, soit {pep} du total ; les {nau} autres projets {mau}, soit {pau}.",
        annee=annee, att=r.valeur(f"{p}.attribue"), n=r.valeur(f"{p}.projets"), sol=r.valeur(f"{p}.sollicite"),
        taux=r.valeur(f"{p}.taux_attribution"), nep=r.valeur(f"{p}.ecrivains_publics.projets"),
        mep=r.valeur(f"{p}.ecrivains_publics.montant"), pep=r.valeur(f"{p}.ecrivains_publics.part"),
        nau=r.valeur(f"{p}.autres.projets"), mau=r.valeur(f"{p}.autres.montant"), pau=r.valeur(f"{p}.autres.part"))]
    if liste_projets is not None:
        out.append(rendu.encadre(rendu.texte(
            "Ces chiffres sont calculés à partir de la liste des {n} projets ({fichier}), dont les totaux ont été "
            "vérifiés par catégorie contre la diapositive.", n=r.valeur(f"{p}.projets_liste"), fichier=projets)))
    return out


def alternative_categories(annee: int, noms: list[str], vue: pd.DataFrame) -> str:
    """The text alternative of the chart of amounts by category."""
    return (f"Diagramme en barres horizontales des montants attribués en {annee} : "
            + " ; ".join(f"{n.lower()} {f.euros(m)} pour {f.entier(p)} projets ({f.pourcentage(s, 0)})"
                         for n, m, p, s in zip(noms, vue["montant_attribue"], vue["projets"], vue["part_montant"],
                                               strict=True)) + ".")


def categories(r: Rapport, annee: int, alloc: cvs.Allocation) -> list[Html]:
    """« Écrivains publics et autres projets »: the chart and table by category, the mean amounts."""
    p = f"cvs.{annee}"
    vue = alloc.table[alloc.table["categorie"] != "total"]
    noms = [cvs.LIBELLES[c] for c in vue["categorie"]]
    fig = graphiques.barres_horizontales(noms, vue["montant_attribue"], "euros",
                                         titre_axe=f"Montant attribué en {annee}")
    tab = r.tableau("categories", alloc.table, f"Projets numériques financés par le CVS en {annee}, par catégorie")
    t = alloc.table.set_index("categorie")
    return [r.graphique(fig, alternative_categories(annee, noms, vue), f"Montants attribués par catégorie en {annee}",
                        tab),
            rendu.texte(
                "Un projet d'écrivain public reçoit en moyenne <strong>{mep}</strong>, un autre projet {mau} : les "
                "écrivains publics représentent {pp} des projets mais {pm} des montants.",
                mep=r.valeur(f"{p}.ecrivains_publics.montant_moyen"), mau=r.valeur(f"{p}.autres.montant_moyen"),
                pp=f.pourcentage(t.loc["ecrivains_publics", "part_projets"], 0),
                pm=r.valeur(f"{p}.ecrivains_publics.part"))]


def porteurs(ep: pd.DataFrame) -> list[Html]:
    """« Qui porte les projets ? »: the bearers the slide names."""
    return [
        rendu.texte(
            "D'après la diapositive, les projets d'écrivains publics sont portés par des centres sociaux et des "
            "associations de quartier, qui accompagnent les habitants dans leurs démarches administratives et leur "
            "accès aux droits :"),
        rendu.liste(f"{p} ({tp})" for p, tp in zip(ep["porteur"], ep["type_porteur"], strict=True)),
        rendu.texte(
            "Les autres projets sont menés par des centres sociaux, des associations de proximité et l'EPCC La "
            "Condition Publique : ils aident les habitants à développer leurs compétences numériques, à bénéficier "
            "d'une médiation adaptée et à s'exprimer de manière créative et citoyenne grâce au numérique. "
            "<em>Source : {src}.</em>", src=rendu.SOURCE_PRESENTATION + DIAPOSITIVE),
    ]


def demandes(r: Rapport, annee: int, alloc: cvs.Allocation, dem: cvs.Demandes | None) -> list[Html]:
    """« Les demandes pour l'année suivante »."""
    if dem is None:
        return [rendu.texte("Le fichier ne donne pas encore les demandes de l'année {a}.", a=annee + 1)]
    p = f"cvs.{annee}"
    texte = rendu.texte(
        "Pour {a2}, {n} projets ont été déposés, pour <strong>{s2}</strong> sollicités : {evo} par rapport aux {s1} "
        "sollicités en {a1}. Le montant qui sera attribué n'est pas encore connu.",
        a2=dem.annee, n=r.valeur(f"cvs.{dem.annee}.projets_deposes"), s2=r.valeur(f"cvs.{dem.annee}.sollicite"),
        evo=rendu.chiffre_marque(f"cvs.{dem.annee}.evolution_sollicite", f.evolution(dem.evolution_sollicite)),
        s1=r.valeur(f"{p}.sollicite"), a1=annee)
    comp = cvs.tableau_demandes(alloc, dem)
    fig = graphiques.barres_groupees(
        [str(annee), str(dem.annee)],
        {"Montant sollicité": [alloc.sollicite, dem.sollicite], "Montant attribué": [alloc.attribue, None]},
        format_valeur="euros", titre_axe="Montant")
    alt = (f"Diagramme en barres : montant sollicité {f.euros(alloc.sollicite)} en {annee}, dont "
           f"{f.euros(alloc.attribue)} attribués ; montant sollicité {f.euros(dem.sollicite)} pour {dem.annee}, "
           "attribution pas encore connue.")
    tab = r.tableau("sollicite_attribue", comp, "Montants sollicités et attribués par année",
                    note="— : pas encore connu.")
    return [texte, r.graphique(fig, alt, "Montants sollicités et attribués", tab)]


def par_personne(r: Rapport, annee: int, contexte: pd.DataFrame) -> list[Html]:
    """« Rapporté aux habitants en situation de précarité numérique »."""
    p = f"cvs.{annee}"
    return [rendu.texte(
        "Roubaix compte {pop} habitants, dont {taux} en situation de précarité numérique ({mil}), soit environ {pers} "
        "personnes. Rapporté à elles, le montant attribué en {annee} représente <strong>{pp}</strong> en situation de "
        "précarité numérique, pour l'année.",
        pop=r.valeur(f"{p}.population"), taux=r.valeur(f"{p}.taux_precarite_numerique"),
        mil=contexte.loc["precarite_numerique", "millesime"], pers=r.valeur(f"{p}.personnes_precaires"),
        annee=annee, pp=r.valeur(f"{p}.montant_par_personne_precaire"))]


def partage(r: Rapport, annee: int, alloc: cvs.Allocation, part: cvs.PartageVilleEtat) -> list[Html]:
    """« Ce que paie la Ville, ce que paie l'État »."""
    p = f"cvs.{annee}"
    out = [rendu.texte(
        "Un projet soutenu par la Ville peut être co-financé par l'État : {vn} Ville / {en} État pour un projet "
        "nouveau, {vr} / {er} pour un projet reconduit.",
        vn=r.valeur(f"{p}.cofinancement.ville.min"), en=r.valeur(f"{p}.cofinancement.etat.min"),
        vr=r.valeur(f"{p}.cofinancement.ville.max"), er=r.valeur(f"{p}.cofinancement.etat.max"))]
    if part.ville is None:
        out.append(rendu.texte(
            "La diapositive ne dit pas quelle part des {att} est allée à des projets nouveaux. La part de la Ville est "
            "donc comprise entre <strong>{vmin}</strong> (si tous les projets étaient nouveaux) et <strong>{vmax}"
            "</strong> (si tous étaient reconduits). Le rapport donnera la valeur exacte quand cette part sera "
            "connue.",
            att=r.valeur(f"{p}.attribue"), vmin=r.valeur(f"{p}.part_ville.min"), vmax=r.valeur(f"{p}.part_ville.max")))
        # how the officer gives it: on the audit page, where the run's parameters are
        out.append(rendu.audit_seulement(rendu.texte(
            "Pour la donner : <code>cln-analysis run cvs -p part_nouveaux=0,4</code> (la part du montant attribué "
            "allée à des projets nouveaux, entre 0 et 1).")))
    else:
        out.append(rendu.texte(
            "Avec {pn} du montant attribué à des projets nouveaux, la part de la Ville est de <strong>{v}</strong> et "
            "celle de l'État de {e} (entre {vmin} et {vmax} selon la part de projets nouveaux).",
            pn=r.valeur(f"{p}.part_nouveaux"), v=r.valeur(f"{p}.part_ville"), e=r.valeur(f"{p}.part_etat"),
            vmin=r.valeur(f"{p}.part_ville.min"), vmax=r.valeur(f"{p}.part_ville.max")))
    out.append(r.tableau("partage_ville_etat", cvs.tableau_partage(alloc.attribue, part),
                         f"Part de la Ville et de l'État dans les {r.affiche(p + '.attribue')} attribués"))
    return out


def questions(r: Rapport, annee: int, dem: cvs.Demandes | None) -> list[Html]:
    """« Réponses aux questions du Conseil »."""
    p = f"cvs.{annee}"
    return [
        rendu.citation(QUESTIONS[0], SOURCE_QUESTIONS),
        rendu.texte("En {annee} : {att} pour {n} projets ({taux} des {sol} demandés) ; pour {a2}, {s2} sont demandés.",
                    annee=annee, att=r.valeur(f"{p}.attribue"), n=r.valeur(f"{p}.projets"),
                    taux=r.valeur(f"{p}.taux_attribution"), sol=r.valeur(f"{p}.sollicite"),
                    a2=dem.annee if dem else annee + 1, s2=r.valeur(f"cvs.{dem.annee}.sollicite") if dem else "—"),
        rendu.citation(QUESTIONS[1], SOURCE_QUESTIONS),
        rendu.texte("Écrivains publics : {mep} pour {nep} projets en {annee} ; autres dispositifs financés par le "
                    "CVS : {mau} pour {nau} projets.", mep=r.valeur(f"{p}.ecrivains_publics.montant"),
                    nep=r.valeur(f"{p}.ecrivains_publics.projets"), annee=annee,
                    mau=r.valeur(f"{p}.autres.montant"), nau=r.valeur(f"{p}.autres.projets")),
    ]


def hypotheses(r: Rapport, annee: int, alloc: cvs.Allocation, part: cvs.PartageVilleEtat,
               ep: pd.DataFrame) -> list[str]:
    """« Hypothèses et limites »."""
    p = f"cvs.{annee}"
    return [
        f"Les {r.affiche(p + '.attribue')} sont pris comme l'ensemble de l'attribution CVS numérique {annee}, parts de "
        "la Ville et de l'État réunies : la diapositive ne précise pas s'il s'agit de la seule part de la Ville.",
        "Seuls les projets numériques financés par le CVS sont comptés ; d'autres actions numériques de la Ville "
        "(budget propre, autres dispositifs) n'y figurent pas.",
        "La part de la Ville est donnée par deux bornes tant que la part des projets nouveaux n'est pas connue ; la "
        f"règle de co-financement ({r.affiche(p + '.cofinancement.ville.min')} Ville pour un projet nouveau, "
        f"{r.affiche(p + '.cofinancement.ville.max')} pour un projet reconduit) vient de la diapositive "
        "(data/raw/cvs_cofinancement.csv).",
        "Le nombre de personnes en précarité numérique est estimé en multipliant la population (INSEE 2022) par le "
        "taux de précarité numérique (INSEE 2020, ajusté au contexte local) : les deux chiffres n'ont pas la même "
        "année.",
        "La diapositive nomme les porteurs des projets d'écrivains publics, mais pas tous ceux des autres projets ; "
        f"{r.affiche(p + '.ecrivains_publics.projets')} projets d'écrivains publics pour {f.entier(len(ep))} noms : "
        "un même porteur peut mener plusieurs projets.",
        "Les parts imprimées par la diapositive sont arrondies à l'unité ; elles sont comparées à la valeur calculée "
        "arrondie de même.",
    ]
