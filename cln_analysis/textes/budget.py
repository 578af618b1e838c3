"""The text of the budget report (the share of the municipal budget spent on digital services)."""

from __future__ import annotations

import pandas as pd

from .. import budget, graphiques, rendu
from .. import formats as f
from ..rapport import Rapport
from ..rendu import Html


def essentiel(r: Rapport, annee: int, denominateur: str) -> list[Html]:
    """« L'essentiel »: the cards (the reference total as the parameter chooses), the summary, the reference used."""
    p = f"budget.{annee}"
    primitif = denominateur == "primitif"
    out = [rendu.chiffres_cles([
        r.cle(f"{p}.investissement.part", "du budget d'investissement"),
        r.cle(f"{p}.fonctionnement.part", "du budget de fonctionnement"),
        r.cle(f"{p}.total.part_budget_primitif" if primitif else f"{p}.total.part",
              "du budget primitif voté" if primitif else "du budget total mandaté"),
        r.cle(f"{p}.total.numerique", f"de dépenses numériques en {annee}"),
    ]), rendu.texte(
        "En {annee}, la Ville de Roubaix a mandaté <strong>{num}</strong> de dépenses consacrées au numérique "
        "« directement au service des habitants », sur un budget total mandaté de {tot} : le numérique représente "
        "<strong>{part}</strong> des dépenses de la Ville. Cette part est plus forte en investissement ({pinv}) "
        "qu'en fonctionnement ({pfon}).",
        annee=annee, num=r.valeur(f"{p}.total.numerique"), tot=r.valeur(f"{p}.total.total"),
        part=r.valeur(f"{p}.total.part"), pinv=r.valeur(f"{p}.investissement.part"),
        pfon=r.valeur(f"{p}.fonctionnement.part"))]
    if primitif:
        out.append(rendu.encadre(rendu.texte(
            "Ce rapport est exécuté avec le budget primitif voté comme référence : rapporté aux {bp} votés, "
            "le budget numérique mandaté représente {pp}.", bp=r.valeur(f"{p}.budget_primitif"),
            pp=r.valeur(f"{p}.total.part_budget_primitif"))))
    return out


def parts(r: Rapport, annee: int, table: pd.DataFrame) -> list[Html]:
    """« Le numérique dans chaque section du budget »: the chart of shares and its table."""
    libelles = [budget.LIBELLES[s] for s in table["section"]]
    fig = graphiques.barres_horizontales(libelles, table["part_numerique"], "pourcentage1",
                                         titre_axe=f"Part du numérique dans le budget mandaté {annee}")
    alt = (f"Diagramme en barres horizontales de la part du numérique dans le budget mandaté {annee} : "
           + ", ".join(f"{lib.lower()} {f.pourcentage(v)}"
                       for lib, v in zip(libelles, table["part_numerique"], strict=True)) + ".")
    tab = r.tableau("parts_par_section", table, f"Budget numérique et budget total mandatés en {annee}, par section")
    return [r.graphique(fig, alt, f"Part du numérique dans chaque section du budget mandaté {annee}", tab)]


def poids(r: Rapport, annee: int, table: pd.DataFrame) -> list[Html]:
    """« Où va le budget numérique ? »: the weight of each section in the digital and in the whole budget."""
    p = f"budget.{annee}"
    texte = rendu.texte(
        "L'investissement représente <strong>{pn}</strong> du budget numérique, mais seulement {pt} du budget total de "
        "la Ville (le fonctionnement : {fn} du budget numérique, {ft} du budget total). Le numérique est donc, en "
        "proportion, davantage une dépense d'investissement (équipements, logiciels, projets) que l'ensemble du budget "
        "municipal.",
        pn=r.valeur(f"{p}.investissement.poids_numerique"), pt=r.valeur(f"{p}.investissement.poids_total"),
        fn=r.valeur(f"{p}.fonctionnement.poids_numerique"), ft=r.valeur(f"{p}.fonctionnement.poids_total"))
    vue = table[table["section"] != "total"]
    fig = graphiques.barres_groupees(
        [budget.LIBELLES[s] for s in vue["section"]],
        {"Dans le budget numérique": list(vue["poids_dans_numerique"]),
         "Dans le budget total": list(vue["poids_dans_total"])},
        format_valeur="pourcentage1", titre_axe="Poids de la section")
    t = table.set_index("section")
    alt = ("Diagramme en barres groupées : l'investissement pèse "
           f"{f.pourcentage(t.loc['investissement', 'poids_dans_numerique'])} "
           f"du budget numérique et {f.pourcentage(t.loc['investissement', 'poids_dans_total'])} du budget total ; le "
           f"fonctionnement {f.pourcentage(t.loc['fonctionnement', 'poids_dans_numerique'])} du budget numérique et "
           f"{f.pourcentage(t.loc['fonctionnement', 'poids_dans_total'])} du budget total.")
    tab = r.tableau("poids_des_sections", vue[["section", "poids_dans_numerique", "poids_dans_total"]],
                    f"Poids de l'investissement et du fonctionnement, budget mandaté {annee}")
    return [texte, r.graphique(fig, alt, "Poids de chaque section dans le budget numérique et dans le budget total",
                               tab)]


def par_habitant(r: Rapport, annee: int, millesime: str) -> list[Html]:
    """« Par habitant »."""
    p = f"budget.{annee}"
    return [rendu.texte(
        "Rapporté à la population de Roubaix ({hab} habitants, {mil}), le budget numérique mandaté en {annee} "
        "représente <strong>{ph}</strong> par habitant.",
        hab=r.valeur(f"{p}.population"), mil=millesime, annee=annee, ph=r.valeur(f"{p}.numerique_par_habitant"))]


def denominateurs(r: Rapport, annee: int, comp: budget.Comparaison) -> list[Html]:
    """« Budget mandaté ou budget primitif voté ? »: the two totals and the share against each."""
    p = f"budget.{annee}"
    return [rendu.texte(
        "Budget primitif {annee} voté : <strong>{bp}</strong> ; total des dépenses mandatées : {tm}, soit {ecart} de "
        "moins. Rapporté au budget primitif voté, le budget numérique mandaté représente <strong>{pp}</strong>, "
        "contre {pm} rapporté au total mandaté.",
        annee=annee, bp=r.valeur(f"{p}.budget_primitif"), tm=r.valeur(f"{p}.total.total"),
        ecart=r.valeur(f"{p}.ecart_denominateurs"), pp=r.valeur(f"{p}.total.part_budget_primitif"),
        pm=r.valeur(f"{p}.total.part")),
        r.tableau("denominateurs", budget.tableau_denominateurs(comp), "Le budget numérique rapporté aux deux totaux")]


def hypotheses(r: Rapport, annee: int, millesime: str) -> list[str]:
    """« Hypothèses et limites »."""
    p = f"budget.{annee}"
    return [
        "Périmètre : le « budget numérique » est celui du numérique directement au service des habitants, tel que "
        "la Ville l'a défini avec le service Contrôle de gestion ; la dimension transversale du numérique (postes de "
        "travail, logiciels internes de chaque direction) n'y est pas entièrement mesurable.",
        f"Les montants sont des dépenses mandatées {annee} (réalisées), transcrites de la diapositive ; le total "
        "général "
        "est recalculé comme la somme de l'investissement et du fonctionnement, puis comparé au total imprimé.",
        "Les parts sont calculées en pleine précision puis arrondies comme la diapositive (une décimale, arrondi au "
        "plus "
        "proche) pour la comparaison.",
        f"Le budget primitif voté ({r.affiche(p + '.budget_primitif')}) est connu arrondi à 10 000 € près "
        "(compte-rendu, note 1) : la part correspondante est exacte à 0,01 point près.",
        f"Population : {r.affiche(p + '.population')} habitants ({millesime}) ; elle ne correspond pas à l'année des "
        "dépenses.",
    ]
