"""The text of the budget report (the share of the municipal budget spent on digital services)."""

from __future__ import annotations

import pandas as pd

from .. import budget, budget_lignes, graphiques, rendu
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


def _source(src: budget.Sources | None) -> str:
    """The source line of a chart of the totals: the slide's, or the lines' when the totals are summed from them."""
    return SOURCE_LIGNES if src is not None and src.resultats is not None else rendu.SOURCE_PRESENTATION


def parts(r: Rapport, annee: int, table: pd.DataFrame, src: budget.Sources | None = None) -> list[Html]:
    """« Le numérique dans chaque section du budget »: the chart of shares and its table."""
    libelles = [budget.LIBELLES[s] for s in table["section"]]
    fig = graphiques.barres_horizontales(libelles, table["part_numerique"], "pourcentage1",
                                         titre_axe=f"Part du numérique dans le budget mandaté {annee}")
    alt = (f"Diagramme en barres horizontales de la part du numérique dans le budget mandaté {annee} : "
           + ", ".join(f"{lib.lower()} {f.pourcentage(v)}"
                       for lib, v in zip(libelles, table["part_numerique"], strict=True)) + ".")
    tab = r.tableau("parts_par_section", table, f"Budget numérique et budget total mandatés en {annee}, par section")
    return [r.graphique(fig, alt, f"Part du numérique dans chaque section du budget mandaté {annee}", tab,
                        source=_source(src))]


def poids(r: Rapport, annee: int, table: pd.DataFrame, src: budget.Sources | None = None) -> list[Html]:
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
                               tab, source=_source(src))]


def par_habitant(r: Rapport, annee: int, millesime: str) -> list[Html]:
    """« Par habitant »."""
    p = f"budget.{annee}"
    return [rendu.texte(
        "Rapporté à la population de Roubaix ({hab} habitants, {mil}), le budget numérique mandaté en {annee} "
        "représente <strong>{ph}</strong>.",
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


def hypotheses(r: Rapport, annee: int, millesime: str, src: budget.Sources | None = None) -> list[str]:
    """« Hypothèses et limites » (with budget lines, what they add in place of the slide's transcription)."""
    p = f"budget.{annee}"
    lignes = src is not None and src.resultats is not None
    return [
        "Périmètre : le « budget numérique » est celui du numérique directement au service des habitants, tel que "
        "la Ville l'a défini avec le service Contrôle de gestion ; la dimension transversale du numérique (postes de "
        "travail, logiciels internes de chaque direction) n'y est pas entièrement mesurable.",
        *(hypotheses_lignes(src) if lignes else [
            f"Les montants sont des dépenses mandatées {annee} (réalisées), transcrites de la diapositive ; le total "
            "général est recalculé comme la somme de l'investissement et du fonctionnement, puis comparé au total "
            "imprimé."]),
        "Les parts sont calculées en pleine précision puis arrondies comme la diapositive (une décimale, arrondi au "
        "plus "
        "proche) pour la comparaison.",
        # the voted budget of the minutes (budget_primitif.csv), unless the lines' budget primitif gave it
        *([] if lignes and len(src.resultats.primitif) else [
            f"Le budget primitif voté ({r.affiche(p + '.budget_primitif')}) est connu arrondi à 10 000 € près "
            "(compte-rendu, note 1) : la part correspondante est exacte à 0,01 point près."]),
        f"Population : {r.affiche(p + '.population')} habitants ({millesime}) ; elle ne correspond pas à l'année des "
        "dépenses.",
    ]


# --------------------------------------------------------------------------- with budget lines (`-p lignes=…`)

#: The council's questions (minutes of 28 November 2025), each answered by name.
QUESTIONS = {
    "perimetre": "Qu'englobe exactement le numérique municipal au-delà de la simple dénomination systèmes "
                 "d'information ?",
    "directions": "Comment se répartit ce budget entre les différentes directions et services ?",
    "sites": "Quels sont les sites web et applications numériques financés par la Ville et à quelles hauteurs ?",
    "dsi": "Quelle part est spécifiquement dédiée au fonctionnement de la Direction des systèmes d'information ?",
    "inclusion": "Quel est le budget consacré à l'inclusion numérique et à la médiation numérique ?",
}

_PART = {"part": "Part du budget numérique"}
_PART_CATEGORIE = {"part": "Part de la catégorie"}


def _question(cle: str) -> Html:
    return rendu.titre(3, f"« {QUESTIONS[cle]} »")


def _non_distingue() -> Html:
    return rendu.texte("Réponse : {r}.", r=budget_lignes.NON_DISTINGUE[0].upper() + budget_lignes.NON_DISTINGUE[1:])


def _repartition(r: Rapport, nom: str, table: pd.DataFrame, libelles: list[str], quoi: str, annee: int,
                 formats: dict | None = None) -> Html:
    """A breakdown of the digital budget: a chart of euros and the table behind it (`formats`: its columns')."""
    fig = graphiques.barres_horizontales(libelles, list(table["montant"]), "euros",
                                         titre_axe=f"Budget numérique mandaté {annee}")
    alt = (f"Diagramme en barres horizontales du budget numérique mandaté {annee} par {quoi} : "
           + ", ".join(f"{lib} {f.euros(v)}" for lib, v in zip(libelles, table["montant"], strict=True)) + ".")
    tab = r.tableau(nom, table, f"Budget numérique mandaté {annee} par {quoi}", formats=formats, libelles=_PART)
    return r.graphique(fig, alt, f"Le budget numérique mandaté {annee} par {quoi}", tab, source=SOURCE_LIGNES)


def _direction(d: str) -> str:
    """A direction as the chart and its table name it: the lines whose `direction` is empty, « (sans direction) »."""
    return d or "(sans direction)"


#: The source line of the charts drawn from the lines.
SOURCE_LIGNES = "lignes budgétaires du compte administratif (format SCDL « Budget ») et périmètre du budget numérique"


def contenu(r: Rapport, annee: int, src: budget.Sources) -> list[Html]:
    """« Ce que contient le budget numérique » (only when the report reads budget lines): each of the council's
    questions answered by name from the lines, or « la donnée ne le distingue pas »."""
    res = src.resultats
    if res is None:
        return []
    p = f"budget.{annee}"
    out = [rendu.titre(2, "Ce que contient le budget numérique")]
    if r.fictif:
        out.append(rendu.encadre(rendu.texte(
            "Ces lignes budgétaires sont <strong>fictives</strong> : seuls les totaux (budget numérique et budget "
            "total, en investissement et en fonctionnement, et le budget primitif voté) sont ceux de la "
            "diapositive. La répartition ci-dessous montre la forme du rapport, pas le budget de la Ville.")))
    out.append(rendu.texte(
        "Le budget numérique {annee} est la somme de <strong>{n}</strong> lignes de dépense réelle du compte "
        "administratif, chacune prise par une règle du périmètre (section « Les règles du périmètre »). Les "
        "{ordre} lignes d'ordre (écritures internes, sans paiement) sont comptées mais jamais additionnées.",
        annee=annee, n=r.valeur(f"{p}.lignes.numeriques"), ordre=r.valeur(f"{p}.lignes.ordre_exclues")))
    cat = budget_lignes.par_categorie(res)
    out += [_question("perimetre"), rendu.texte("Par catégorie du périmètre :"),
            _repartition(r, "par_categorie", cat[["categorie", "montant", "part"]], list(cat["categorie"]),
                         "catégorie", annee)]
    sec = budget_lignes.par_section(res)
    out.append(_repartition(r, "par_section", sec, [budget.LIBELLES.get(s, s) for s in sec["BGT_SECTION"]],
                            "section", annee))
    fon = budget_lignes.par_fonction(res)
    out.append(_repartition(r, "par_fonction", fon,
                            [f"{c} {lib}".strip() for c, lib in zip(fon["BGT_FONCTION"], fon["BGT_FONCTION_LABEL"],
                                                                   strict=True)], "fonction", annee))
    out.append(_question("directions"))
    dirs = budget_lignes.par_direction(res)
    out.append(_non_distingue() if dirs is None else
               _repartition(r, "par_direction", dirs, [_direction(d) for d in dirs["direction"]], "direction", annee,
                            formats={"direction": _direction}))
    out.append(_question("sites"))
    sites = budget_lignes.detail_categorie(res, budget_lignes.SITES_APPLICATIONS)
    out.append(_non_distingue() if isinstance(sites, str) else
               r.tableau("sites_applications", sites, f"Sites web et applications : budget mandaté {annee}",
                         libelles=_PART_CATEGORIE))
    out.append(_question("dsi"))
    out.append(_non_distingue() if budget_lignes.part_dsi_fonctionnement(res) is None else rendu.texte(
        "Le fonctionnement de la Direction des systèmes d'information représente <strong>{d}</strong> du budget "
        "numérique {annee} ({m}).", d=r.valeur(f"{p}.dsi_fonctionnement.part"), annee=annee,
        m=r.valeur(f"{p}.categorie.{budget_lignes.DSI_FONCTIONNEMENT}.montant")))
    out.append(_question("inclusion"))
    inclusion = budget_lignes.detail_categorie(res, budget_lignes.INCLUSION_MEDIATION)
    out.append(_non_distingue() if isinstance(inclusion, str) else rendu.texte(
        "L'inclusion et la médiation numériques comptent pour <strong>{m}</strong>, soit {part} du budget "
        "numérique {annee}.", m=r.valeur(f"{p}.categorie.{budget_lignes.INCLUSION_MEDIATION}.montant"),
        part=r.valeur(f"{p}.categorie.{budget_lignes.INCLUSION_MEDIATION}.part"), annee=annee))
    if not isinstance(inclusion, str):
        out.append(r.tableau("inclusion_mediation", inclusion,
                             f"Inclusion et médiation numériques : budget mandaté {annee}",
                             libelles=_PART_CATEGORIE))
    return out


def regles(r: Rapport, annee: int, src: budget.Sources) -> list[Html]:
    """« Les règles du périmètre »: every rule, its justification, the lines and euros it caught; on the audit page
    the rules that catch nothing and every digital line with its rule (in the workbook too)."""
    res = src.resultats
    if res is None:
        return []
    vue = res.regles[["regle", "categorie", "justification", "part", "lignes", "montant"]]
    out = [rendu.titre(2, "Les règles du périmètre"), rendu.texte(
        "Une ligne du compte administratif est du numérique quand une règle du périmètre la prend : chaque filtre "
        "rempli de la règle (compte, fonction, opération, section, direction…) correspond à la ligne. La part "
        "comptée vaut 1 pour toute la ligne, moins pour une ligne partagée."),
        r.tableau("regles", vue, f"Les règles du périmètre et ce qu'elles prennent en {annee}",
                  formats={"part": lambda v: f.nombre(v, 2)}, libelles={"part": "Part comptée"})]
    sans = budget_lignes.regles_sans_ligne(res)
    zeros = {i: p[0].upper() + p[1:] + "." for i, p in budget_lignes.zeros_perdus(src.lignes, src.perimetre,
                                                                                    sans).items()}
    r.attention(*zeros.values())
    audit = [rendu.titre(3, "Règles qui ne prennent aucune ligne"),
             rendu.liste([zeros.get(i, i) for i in sans]) if sans
             else rendu.texte("Chaque règle prend au moins une ligne.")]
    detail = budget_lignes.lignes_numeriques(res, src.lignes.colonnes_ville)
    legende = f"Chaque ligne du budget numérique {annee} et la règle qui la prend"
    # every line (a large city's file: tens of thousands), written into the audit page by the runner, and the
    # workbook's sheet from the same texts
    audit += [rendu.titre(3, "Les lignes du budget numérique"),
              r.tableau_long("lignes_numeriques", detail, legende, formats={"part": lambda v: f.nombre(v, 2)},
                             libelles={"part": "Part comptée"}, classeur=True)]
    return out + [rendu.audit_seulement("".join(audit))]


def evolution(r: Rapport, annee: int, src: budget.Sources) -> list[Html]:
    """« Évolution depuis Y−1 », when the lines hold the compte administratif of the year before."""
    res = src.resultats
    evo = None if res is None else budget_lignes.evolution(res)
    if evo is None:
        if res is not None and annee - 1 in res.incompletes:
            sections = " ni ".join(budget_lignes.DE_SECTION[s] for s in res.incompletes[annee - 1])
            return [rendu.titre(2, f"Évolution de {annee - 1} à {annee}"), rendu.texte(
                "Le fichier des lignes a le compte administratif {prec}, mais aucune dépense réelle {sections} : "
                "la part du numérique de {prec} ne peut pas être calculée, ni donc son évolution.",
                prec=annee - 1, sections=sections)]
        return []
    points = {"ecart": f.points}  # signed, with a true minus sign, as every change the pages show
    parts_evo = evo.assign(quoi=[q.split(".")[1] for q in evo["quoi"]]).rename(
        columns={"quoi": "section", "annee": "annee_courante"})
    cats = budget_lignes.evolution_categories(res, src.lignes, src.perimetre)
    cats = cats[["categorie", "precedente", "annee"]].rename(columns={"annee": "annee_courante"}).assign(
        ecart=cats["ecart"])
    return [rendu.titre(2, f"Évolution de {annee - 1} à {annee}"), rendu.texte(
        "Le même périmètre appliqué aux deux comptes administratifs : la part du numérique de chaque section, "
        "l'écart en points de pourcentage, puis le montant de chaque catégorie."),
        r.tableau("evolution_parts", parts_evo, f"Part du numérique dans le budget mandaté, {annee - 1} et {annee}",
                  formats={"precedente": f.pourcentage, "annee_courante": f.pourcentage} | points,
                  libelles={"precedente": str(annee - 1), "annee_courante": str(annee), "ecart": "Écart"}),
        r.tableau("evolution_categories", cats, f"Budget numérique mandaté par catégorie, {annee - 1} et {annee}",
                  formats={"precedente": f.euros, "annee_courante": f.euros, "ecart": f.ecart_euros},
                  libelles={"precedente": str(annee - 1), "annee_courante": str(annee), "ecart": "Écart"},
                  note="Montants arrondis à l'euro ; l'écart est celui des montants au centime, arrondi à son tour "
                       "(il peut différer d'un euro de l'écart des deux montants affichés).")]


def hypotheses_lignes(src: budget.Sources) -> list[str]:
    """What the lines add to « Hypothèses et limites » (nothing without lines)."""
    if src.resultats is None:
        return []
    return [
        "Avec les lignes budgétaires : le budget mandaté est la somme des montants réalisés (BGT_MTREAL) des "
        "dépenses réelles du compte administratif ; les recettes et les opérations d'ordre ne sont jamais "
        "additionnées ; le budget primitif voté est la somme des montants prévus (BGT_MTPREV) de ses dépenses "
        "réelles.",
        "Une ligne est du numérique quand une règle du périmètre la prend ; la part comptée d'une ligne partagée "
        "est une estimation, justifiée dans la règle. Ce qui n'est pas dans une règle n'est pas compté.",
    ]
