"""The share of the municipal budget spent on digital: pure functions, tables in, tables out.

Two sources of the same totals: the four totals typed from the slide (`budget_mandate.csv`), or the city's budget
lines in the SCDL « Budget » format with a perimeter that says which are digital (`budget_lignes`, through `sources`).

`parts` gives, for one year, each section's digital and total budget, the digital share of the
section, and each section's weight in the digital budget and in the total budget, plus the total row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import budget_lignes, config
from . import formats as f
from .budget_lignes import montant  # every amount of the report, with lines or without
from .erreurs import ErreurDonnees, Probleme
from .registre import chiffre
from .rendu import Colonne

SECTIONS = ("investissement", "fonctionnement")
LIBELLES = {"investissement": "Investissement", "fonctionnement": "Fonctionnement", "total": "Total"}

#: The columns of this report's tables: French title and format, declared once.
COLONNES = {
    "section": Colonne("Section", LIBELLES.get),
    "budget_numerique": Colonne("Budget numérique", f.euros),
    "budget_total": Colonne("Budget total", f.euros),
    "part_numerique": Colonne("Part du numérique", f.pourcentage),
    "poids_dans_numerique": Colonne("Poids dans le budget numérique", f.pourcentage),
    "poids_dans_total": Colonne("Poids dans le budget total", f.pourcentage),
    "reference": Colonne("Total de référence"),
    # the lines' tables (`budget_lignes`)
    "categorie_id": Colonne("Identifiant de catégorie"),
    "categorie": Colonne("Catégorie"),
    "montant": Colonne("Montant compté", f.euros_auto),  # a line has cents: every euro traced
    "montant_ligne": Colonne("Montant de la ligne", f.euros_auto),
    "BGT_SECTION": Colonne("Section", lambda v: LIBELLES.get(v, v)),
    "BGT_FONCTION": Colonne("Fonction"),
    "BGT_FONCTION_LABEL": Colonne("Libellé de la fonction"),
    "direction": Colonne("Direction"),
    "intitule": Colonne("Intitulé"),
    "regle": Colonne("Règle"),
    "justification": Colonne("Justification"),
    "lignes": Colonne("Lignes prises", f.entier),
    "ligne": Colonne("Ligne du fichier", f.entier),
    "BGT_CONTNAT": Colonne("Compte"),
    "BGT_CONTNAT_LABEL": Colonne("Libellé du compte"),
    "BGT_OPERATION": Colonne("Opération"),
    "service": Colonne("Service"),
    "libelle_ligne": Colonne("Libellé de la ligne"),
    "precedente": Colonne("Année précédente"),
    "annee_courante": Colonne("Année"),
    "ecart": Colonne("Écart"),
    "numerique": Colonne("Budget numérique mandaté", f.euros),
    "total": Colonne("Total", f.euros),
    "part": Colonne("Part du numérique", f.pourcentage),
}


def verifier(mandate: pd.DataFrame) -> list[Probleme]:
    """Business rules of the mandated budget: a part never exceeds its total; both sections each year."""
    fichier = mandate.attrs.get("fichier", "budget")
    problems = []
    for ligne, row in mandate.iterrows():
        if row["budget_total"] <= 0:
            problems.append(Probleme(fichier, f"budget total nul de la section {row['section']} : la part du numérique "
                                     "ne peut pas être calculée", ligne=ligne, colonne="budget_total",
                                     conseil="le budget total d'une section est un montant positif"))
        elif row["budget_numerique"] > row["budget_total"]:
            problems.append(
                Probleme(
                    fichier,
                    f"le budget numérique ({row['budget_numerique']}) dépasse le budget total ({row['budget_total']}) "
                    f"de la section {row['section']}",
                    ligne=ligne,
                    colonne="budget_numerique",
                    conseil="le budget numérique est une partie du budget total : vérifiez les deux montants",
                )
            )
    for annee, group in mandate.groupby("annee"):
        missing = sorted(set(SECTIONS) - set(group["section"]))
        for section in missing:
            problems.append(
                Probleme(
                    fichier,
                    f"la section « {section} » manque pour l'année {annee}",
                    colonne="section",
                    conseil="une ligne par section et par année : investissement et fonctionnement",
                )
            )
    return problems


def selectionner(df: pd.DataFrame, annee: int, colonne: str = "annee") -> pd.DataFrame:
    """The rows of one year, or an error that names the file and the years present."""
    rows = df[df[colonne] == annee]
    if rows.empty:
        years = ", ".join(str(a) for a in sorted(df[colonne].unique()))
        raise ErreurDonnees(
            Probleme(
                df.attrs.get("fichier", "?"),
                f"aucune ligne pour l'année {annee}",
                colonne=colonne,
                conseil=f"années présentes : {years}",
            )
        )
    return rows


def parts(mandate: pd.DataFrame, annee: int) -> pd.DataFrame:
    """One row per section and a total row: amounts, digital share and weights, full precision."""
    problems = verifier(mandate)
    if problems:
        raise ErreurDonnees(problems)
    rows = selectionner(mandate, annee).set_index("section").loc[list(SECTIONS)]
    table = pd.DataFrame(
        {
            "section": list(SECTIONS),
            "budget_numerique": [montant(x) for x in rows["budget_numerique"]],
            "budget_total": [montant(x) for x in rows["budget_total"]],
        }
    )
    total = pd.DataFrame(
        {
            "section": ["total"],
            "budget_numerique": [table["budget_numerique"].sum()],
            "budget_total": [table["budget_total"].sum()],
        }
    )
    table = pd.concat([table, total], ignore_index=True)
    total_num = table.loc[2, "budget_numerique"]
    total_tot = table.loc[2, "budget_total"]
    table["part_numerique"] = table["budget_numerique"] / table["budget_total"]
    table["poids_dans_numerique"] = table["budget_numerique"] / total_num
    table["poids_dans_total"] = table["budget_total"] / total_tot
    return table


@dataclass(frozen=True)
class Comparaison:
    """The digital total against the two possible denominators."""

    numerique: int | float
    total_mandate: int | float
    budget_primitif: int | float
    part_mandate: float
    part_primitif: float
    ecart_denominateurs: int | float


def comparer_primitif(table: pd.DataFrame, primitif: pd.DataFrame, annee: int) -> Comparaison:
    """The total digital share against the mandated total and against the voted *budget primitif*."""
    voted = montant(selectionner(primitif, annee)["montant_vote"].iloc[0])
    total = table.set_index("section").loc["total"]
    num, tot = montant(total["budget_numerique"]), montant(total["budget_total"])
    return Comparaison(num, tot, voted, num / tot, num / voted, montant(voted - tot))


def par_habitant(montant: float, population: float) -> float:
    """An amount per inhabitant."""
    if population <= 0:
        raise ValueError("la population doit être positive")
    return montant / population


def population(territoire: pd.DataFrame, parametre: int | None = None) -> tuple[int, str]:
    """(population, vintage): the parameter when given, else the territory context file's figure."""
    if parametre is not None:
        return int(parametre), "valeur donnée en paramètre"
    row = territoire.set_index("indicateur").loc["population"]
    return int(row["valeur"]), str(row["millesime"])


def chiffres(table: pd.DataFrame, comp: Comparaison, habitants: int, annee: int) -> list[dict]:
    """The report's headline figures, with their French label and formula (for figures.csv)."""
    t = table.set_index("section")
    p = f"budget.{annee}"
    out = []
    for s in ("investissement", "fonctionnement", "total"):
        nom = {"total": "tous budgets confondus"}.get(s, f"en {s}")
        out += [
            chiffre(f"{p}.{s}.numerique", f"Budget numérique mandaté en {annee}, {nom}", t.loc[s, "budget_numerique"],
                    "EUR",
                    "donnée brute"
                    if s != "total"
                    else f"{p}.investissement.numerique + {p}.fonctionnement.numerique"),
            chiffre(f"{p}.{s}.total", f"Budget total mandaté en {annee}, {nom}", t.loc[s, "budget_total"], "EUR",
                    "donnée brute" if s != "total" else f"{p}.investissement.total + {p}.fonctionnement.total"),
            chiffre(f"{p}.{s}.part", f"Part du numérique dans le budget mandaté {annee}, {nom}",
                    t.loc[s, "part_numerique"], "ratio", f"{p}.{s}.numerique / {p}.{s}.total"),
        ]
    for s, de in (("investissement", "de l'investissement"), ("fonctionnement", "du fonctionnement")):
        out += [
            chiffre(f"{p}.{s}.poids_numerique", f"Part {de} dans le budget numérique {annee}",
                    t.loc[s, "poids_dans_numerique"], "ratio", f"{p}.{s}.numerique / {p}.total.numerique"),
            chiffre(f"{p}.{s}.poids_total", f"Part {de} dans le budget total {annee}", t.loc[s, "poids_dans_total"],
                    "ratio", f"{p}.{s}.total / {p}.total.total"),
        ]
    out += [
        chiffre(f"{p}.budget_primitif", f"Budget primitif {annee} voté", comp.budget_primitif, "EUR", "donnée brute"),
        chiffre(f"{p}.total.part_budget_primitif",
                f"Part du budget numérique mandaté dans le budget primitif voté {annee}", comp.part_primitif, "ratio",
                f"{p}.total.numerique / {p}.budget_primitif"),
        chiffre(f"{p}.numerique_par_habitant", f"Budget numérique mandaté {annee} par habitant",
                comp.numerique / habitants, "EUR_par_habitant", f"{p}.total.numerique / population"),
        chiffre(f"{p}.ecart_denominateurs", f"Écart entre le budget primitif voté {annee} et le total mandaté",
                comp.ecart_denominateurs, "EUR", f"{p}.budget_primitif − {p}.total.total"),
        chiffre(f"{p}.population", "Population de Roubaix (dénominateur du montant par habitant)", habitants, "count",
                "paramètre « population », ou donnée brute (territoire)"),
    ]
    return out


def tableau_denominateurs(comp: Comparaison) -> pd.DataFrame:
    """The digital total against the mandated total and against the voted budget primitif."""
    return pd.DataFrame(
        {
            "reference": ["Total des dépenses mandatées", "Budget primitif voté"],
            "numerique": [comp.numerique, comp.numerique],
            "total": [comp.total_mandate, comp.budget_primitif],
            "part": [comp.part_mandate, comp.part_primitif],
        }
    )


@dataclass
class Sources:
    """What the report computes from: the totals by section (the slide's file, or the lines summed by the
    perimeter), the voted budget, and, when the report is given lines, what `budget_lignes` made of them."""

    mandate: pd.DataFrame
    primitif: pd.DataFrame
    lignes: budget_lignes.Lignes | None = None
    perimetre: budget_lignes.Perimetre | None = None
    resultats: budget_lignes.Resultats | None = None


def sources(r, annee: int, donnees: str, budget_primitif: str, lignes: str | None = None,
            perimetre: str | Path | None = None) -> Sources:
    """The report's inputs, recorded on `r` (a `Rapport`): without `lignes`, the slide's totals as always; with
    them, the totals summed from the lines and the perimeter, and the voted budget from the lines' budget primitif
    (from `budget_primitif` when the lines have none)."""
    if not lignes:
        return Sources(r.charger("budget_mandate", donnees), r.charger("budget_primitif", budget_primitif))
    chemin_l, chemin_p = config.resolve(lignes), config.resolve(perimetre or budget_lignes.PERIMETRE)
    lues, regles, res = budget_lignes.charger(chemin_l, chemin_p, annee)  # read ahead by a child when large
    r.entree(chemin_l, "Lignes budgétaires (format SCDL « Budget »)", lues.description,
             ressource="budget_lignes_exemple", sha256_lu=lues.sha256)
    if budget_lignes.est_exemple(lues):  # the example under another name or saved by Excel: fictitious still
        r.marquer_fictif("budget_lignes_exemple")
    r.entree(chemin_p, "Périmètre du budget numérique (une règle par ligne)", regles.lecture)
    vote = res.primitif if len(res.primitif) else r.charger("budget_primitif", budget_primitif)
    if annee not in set(vote["annee"]):  # neither source has the year's voted budget: say both, and what to add
        autre = config.display_path(config.resolve(budget_primitif))
        raise ErreurDonnees(Probleme(lues.fichier, f"le budget primitif {annee}, que le rapport compare au budget "
                                     f"mandaté, manque : aucune ligne « budget primitif » {annee} dans ce fichier, "
                                     f"ni de ligne {annee} dans {autre}", colonne="BGT_NATDEC",
                                     conseil=f"ajoutez au fichier des lignes celles du budget primitif {annee} "
                                             f"(BGT_NATDEC « budget primitif », montants dans BGT_MTPREV), ou une "
                                             f"ligne {annee} (annee, montant_vote) à {autre}"))
    return Sources(res.mandate, vote, lues, regles, res)


def chiffres_lignes(src: Sources) -> list[dict]:
    """The figures the lines add (none without lines)."""
    return [] if src.resultats is None else budget_lignes.chiffres(src.resultats)
