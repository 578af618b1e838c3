"""The digital projects of the Contrat de ville et des solidarités (CVS): pure functions.

The default input is the category data the slide publishes; a project-level file (one row per
project) may replace it, and must then add up to those category totals. The city/State split
follows the co-financing rule kept as data (`cvs_cofinancement.csv`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import formats as f
from .erreurs import ErreurDonnees, ErreurParametre, Probleme
from .registre import chiffre
from .rendu import Colonne

CATEGORIES = ("ecrivains_publics", "autres")
LIBELLES = {"ecrivains_publics": "Écrivains publics", "autres": "Autres projets", "total": "Total"}


def _part_entiere(v: float) -> str:
    return f.pourcentage(v, 0)


#: The City's share is a computed split of whole-euro amounts: it is shown to the cent, so that the two
#: bounds (and the shares of the City and the State) add up to the amount attributed; in the prose (its figures)
#: and in the table alike, every amount of it with its cents (53 809,00 € beside 134 522,50 €).
CENTIMES = 2


def _au_centime(v: float) -> str:
    return f.euros(v, CENTIMES)


#: The columns of this report's tables: French title and format, declared once.
COLONNES = {
    "categorie": Colonne("Catégorie", LIBELLES.get),
    "projets": Colonne("Projets", f.entier),
    "montant_attribue": Colonne("Montant attribué", f.euros),
    "part_montant": Colonne("Part du montant", _part_entiere),
    "part_projets": Colonne("Part des projets", _part_entiere),
    "montant_moyen": Colonne("Montant moyen par projet", f.euros),
    "annee": Colonne("Année", str),
    "montant_sollicite": Colonne("Montant sollicité", f.euros),
    "hypothese": Colonne("Hypothèse"),
    "ville": Colonne("Ville", _au_centime),
    "etat": Colonne("État", _au_centime),
}


def _ligne_annee(annees: pd.DataFrame, annee: int) -> pd.Series:
    rows = annees[annees["annee"] == annee]
    if rows.empty:
        raise ErreurDonnees(Probleme(annees.attrs.get("fichier", "cvs_annees"), f"aucune ligne pour l'année {annee}",
                                     colonne="annee"))
    return rows.iloc[0]


def categories_depuis_projets(projets: pd.DataFrame) -> pd.DataFrame:
    """Category totals (projects, amount allocated, amount requested) from a project-level file."""
    out = pd.DataFrame({"categorie": list(CATEGORIES)})
    out["projets"] = [int((projets["categorie"] == c).sum()) for c in CATEGORIES]
    out["montant_attribue"] = [
        int(projets.loc[projets["categorie"] == c, "montant_attribue"].sum()) for c in CATEGORIES
    ]
    return out


def verifier_projets(
    projets: pd.DataFrame, categories: pd.DataFrame, annees: pd.DataFrame, annee: int
) -> list[Probleme]:
    """A project-level file must add up to the published category totals (and requested total)."""
    fichier = projets.attrs.get("fichier", "projets")
    problems = []
    published = categories[categories["annee"] == annee].set_index("categorie")
    computed = categories_depuis_projets(projets).set_index("categorie")
    for cat in CATEGORIES:
        if cat not in published.index:
            continue
        pub, got = published.loc[cat], computed.loc[cat]
        if int(pub["projets"]) != int(got["projets"]) or int(pub["montant_attribue"]) != int(got["montant_attribue"]):
            problems.append(
                Probleme(
                    fichier,
                    f"catégorie « {cat} » : les projets du fichier totalisent {int(got['montant_attribue'])} € pour "
                    f"{f.pluriel(int(got['projets']), 'projet', 'projets')}, "
                    f"la diapositive {int(pub['montant_attribue'])} € pour "
                    f"{f.pluriel(int(pub['projets']), 'projet', 'projets')}",
                    colonne="categorie",
                    conseil="vérifiez les montants attribués et la catégorie de chaque projet",
                )
            )
    row = _ligne_annee(annees, annee)
    if pd.notna(row["montant_sollicite"]) and int(projets["montant_sollicite"].sum()) != int(row["montant_sollicite"]):
        problems.append(
            Probleme(
                fichier,
                f"les montants sollicités totalisent {int(projets['montant_sollicite'].sum())} €, "
                f"la diapositive {int(row['montant_sollicite'])} €",
                colonne="montant_sollicite",
            )
        )
    for ligne, p in projets.iterrows():
        if p["montant_attribue"] > p["montant_sollicite"]:
            problems.append(
                Probleme(
                    fichier,
                    f"montant attribué ({p['montant_attribue']}) supérieur au montant sollicité "
                    f"({p['montant_sollicite']})",
                    ligne=ligne,
                    colonne="montant_attribue",
                )
            )
    return problems


def verifier_cofinancement(cofinancement: pd.DataFrame) -> list[Probleme]:
    """Each row of the co-financing rule splits a project between the city and the State: the two shares make 1."""
    fichier = cofinancement.attrs.get("fichier", "")
    return [
        Probleme(
            fichier,
            f"part de la Ville + part de l'État = {r['part_ville'] + r['part_etat']:g}, pas 1",
            ligne=ligne,
            colonne="part_ville, part_etat",
        )
        for ligne, r in cofinancement.iterrows()
        if abs(r["part_ville"] + r["part_etat"] - 1) > 1e-9
    ]


def exiger_categories(categories: pd.DataFrame, annees: pd.DataFrame) -> None:
    """Raise `ErreurDonnees` when the categories do not add up to the year's totals."""
    problems = verifier_categories(categories, annees)
    if problems:
        raise ErreurDonnees(problems)


def exiger_un_seul(projets: str | None, part_nouveaux: float | None) -> None:
    """A project list and `part_nouveaux` are two ways to give the same thing: refuse both at once."""
    if projets and part_nouveaux is not None:
        raise ErreurParametre(
            "paramètres « projets » et « part_nouveaux » : donnez l'un ou l'autre, pas les deux "
            "(avec la liste des projets, la part des projets nouveaux se calcule)"
        )


def categories_retenues(
    projets: pd.DataFrame | None, categories: pd.DataFrame, annees: pd.DataFrame, annee: int
) -> pd.DataFrame:
    """The categories the report uses: summed from the project list when one is given (and checked), else as read."""
    return categories if projets is None else categories_verifiees_depuis_projets(projets, categories, annees, annee)


def categories_verifiees_depuis_projets(
    projets: pd.DataFrame, categories: pd.DataFrame, annees: pd.DataFrame, annee: int
) -> pd.DataFrame:
    """The categories of `annee` summed from a project list, once it is checked against the printed
    totals (raises `ErreurDonnees` naming the category otherwise)."""
    problems = verifier_projets(projets, categories, annees, annee)
    if problems:
        raise ErreurDonnees(problems)
    return categories_depuis_projets(projets).assign(annee=annee)


def verifier_categories(categories: pd.DataFrame, annees: pd.DataFrame) -> list[Probleme]:
    """The categories of a year add up to the year's printed totals (projects financed, amount allocated)."""
    problems = []
    fichier = categories.attrs.get("fichier", "cvs_categories")
    for ligne, row in annees.iterrows():
        cats = categories[categories["annee"] == row["annee"]]
        if cats.empty:
            continue
        for col_y, col_c in (("montant_attribue", "montant_attribue"), ("projets_finances", "projets")):
            if pd.notna(row[col_y]) and int(cats[col_c].sum()) != int(row[col_y]):
                problems.append(
                    Probleme(
                        fichier,
                        f"année {row['annee']} : les catégories totalisent {int(cats[col_c].sum())} "
                        f"({col_c}), le total imprimé est {int(row[col_y])} "
                        f"({annees.attrs.get('fichier', 'cvs_annees')}, ligne {ligne})",
                        colonne=col_c,
                    )
                )
    return problems


@dataclass(frozen=True)
class Allocation:
    """One year's allocation, by category, with the year's requested amounts."""

    annee: int
    table: pd.DataFrame  # categorie, projets, montant_attribue, part_montant, part_projets, montant_moyen (+ total row)
    attribue: int
    projets: int
    sollicite: int
    taux_attribution: float


def allocation(categories: pd.DataFrame, annees: pd.DataFrame, annee: int) -> Allocation:
    """The allocation of `annee` from category totals (as published, or computed from projects)."""
    cats = categories[categories["annee"] == annee] if "annee" in categories else categories
    if cats.empty:
        raise ErreurDonnees(
            Probleme(
                categories.attrs.get("fichier", "cvs_categories"), f"aucune ligne pour l'année {annee}", colonne="annee"
            )
        )
    cats = cats.set_index("categorie").reindex(list(CATEGORIES)).fillna(0)
    t = pd.DataFrame(
        {
            "categorie": list(CATEGORIES),
            "projets": cats["projets"].astype("int64").to_numpy(),
            "montant_attribue": cats["montant_attribue"].astype("int64").to_numpy(),
        }
    )
    t = pd.concat(
        [
            t,
            pd.DataFrame(
                {
                    "categorie": ["total"],
                    "projets": [t["projets"].sum()],
                    "montant_attribue": [t["montant_attribue"].sum()],
                }
            ),
        ],
        ignore_index=True,
    )
    total_m, total_p = int(t.iloc[-1]["montant_attribue"]), int(t.iloc[-1]["projets"])
    t["part_montant"] = t["montant_attribue"] / total_m
    t["part_projets"] = t["projets"] / total_p
    t["montant_moyen"] = t["montant_attribue"] / t["projets"].where(t["projets"] > 0)
    row = _ligne_annee(annees, annee)
    sollicite = int(row["montant_sollicite"])
    return Allocation(annee, t, total_m, total_p, sollicite, total_m / sollicite)


@dataclass(frozen=True)
class Demandes:
    annee: int
    projets_deposes: int
    sollicite: int
    evolution_sollicite: float


def demandes_suivantes(annees: pd.DataFrame, alloc: Allocation) -> Demandes | None:
    """The next year's requests against this year's, when the next year is in the file."""
    nxt = annees[annees["annee"] == alloc.annee + 1]
    if nxt.empty or f.est_manquant(nxt.iloc[0]["montant_sollicite"]):
        return None
    r = nxt.iloc[0]
    return Demandes(
        int(r["annee"]),
        int(r["projets_deposes"]) if not f.est_manquant(r["projets_deposes"]) else 0,
        int(r["montant_sollicite"]),
        int(r["montant_sollicite"]) / alloc.sollicite - 1,
    )


@dataclass(frozen=True)
class PartageVilleEtat:
    part_ville_min: float  # share of the city when every project is new
    part_ville_max: float  # … when every project is renewed
    ville_min: float
    ville_max: float
    part_nouveaux: float | None
    ville: float | None


def partage(
    attribue: float,
    cofinancement: pd.DataFrame,
    part_nouveaux: float | None = None,
    projets: pd.DataFrame | None = None,
) -> PartageVilleEtat:
    """City/State split of the allocation: bounds always; a point value when the share of new
    projects is known (parameter) or the projects' status is (project file)."""
    rule = cofinancement.set_index("statut")["part_ville"]
    new, renewed = float(rule["nouveau"]), float(rule["reconduit"])
    lo, hi = sorted((new, renewed))
    point = None
    if projets is not None:
        by = projets.groupby("statut")["montant_attribue"].sum()
        part_nouveaux = float(by.get("nouveau", 0)) / attribue if attribue else 0.0
    if part_nouveaux is not None:
        if not 0 <= part_nouveaux <= 1:
            raise ErreurParametre(f"paramètre « part_nouveaux » : {part_nouveaux} doit être compris entre 0 et 1")
        point = attribue * (part_nouveaux * new + (1 - part_nouveaux) * renewed)
    return PartageVilleEtat(lo, hi, attribue * lo, attribue * hi, part_nouveaux, point)


def par_personne_precaire(attribue: float, population: float, taux_precarite: float) -> tuple[float, float]:
    """(people in digital precarity, amount per such person)."""
    personnes = population * taux_precarite
    return personnes, attribue / personnes


def chiffres(alloc: Allocation, dem: Demandes | None, part: PartageVilleEtat, par_personne: float) -> list[dict]:
    """The report's headline figures for figures.csv."""
    a = alloc.annee
    p = f"cvs.{a}"
    t = alloc.table.set_index("categorie")
    out = [
        chiffre(f"{p}.attribue", f"Montant attribué aux projets numériques du CVS en {a}", alloc.attribue, "EUR",
                f"{p}.ecrivains_publics.montant + {p}.autres.montant"),
        chiffre(f"{p}.sollicite", f"Montant sollicité par les porteurs de projets numériques en {a}", alloc.sollicite,
                "EUR", "donnée brute"),
        chiffre(f"{p}.taux_attribution", f"Part du montant sollicité qui a été attribuée en {a}",
                alloc.taux_attribution, "ratio", f"{p}.attribue / {p}.sollicite"),
        chiffre(f"{p}.projets", f"Projets numériques financés par le CVS en {a}", alloc.projets, "count",
                f"{p}.ecrivains_publics.projets + {p}.autres.projets"),
        chiffre(f"{p}.montant_moyen", f"Montant moyen attribué par projet en {a}", alloc.attribue / alloc.projets,
                "EUR", f"{p}.attribue / {p}.projets"),
    ]
    for c in CATEGORIES:
        nom = LIBELLES[c].lower()
        out += [
            chiffre(f"{p}.{c}.projets", f"Projets financés en {a} : {nom}", t.loc[c, "projets"], "count",
                    "donnée brute"),
            chiffre(f"{p}.{c}.montant", f"Montant attribué en {a} : {nom}", t.loc[c, "montant_attribue"], "EUR",
                    "donnée brute"),
            chiffre(f"{p}.{c}.part", f"Part du budget CVS numérique {a} : {nom}", t.loc[c, "part_montant"], "ratio",
                    f"{p}.{c}.montant / {p}.attribue"),
            chiffre(f"{p}.{c}.montant_moyen", f"Montant moyen par projet en {a} : {nom}", t.loc[c, "montant_moyen"],
                    "EUR", f"{p}.{c}.montant / {p}.{c}.projets"),
        ]
    if dem is not None:
        q = f"cvs.{dem.annee}"
        out += [
            chiffre(f"{q}.projets_deposes", f"Projets numériques déposés pour {dem.annee}", dem.projets_deposes,
                    "count", "donnée brute"),
            chiffre(f"{q}.sollicite", f"Montant sollicité pour {dem.annee}", dem.sollicite, "EUR", "donnée brute"),
            chiffre(f"{q}.evolution_sollicite", f"Évolution du montant sollicité entre {a} et {dem.annee}",
                    dem.evolution_sollicite, "ratio", f"{q}.sollicite / {p}.sollicite - 1"),
        ]
    out += [
        chiffre(f"{p}.montant_par_personne_precaire",
                f"Montant attribué en {a} par habitant en situation de précarité numérique", par_personne,
                "EUR_par_habitant", f"{p}.attribue / (population × taux de précarité numérique)"),
        chiffre(f"{p}.part_ville.min",
                f"Part de la Ville dans les montants {a} attribués si tous les projets sont nouveaux", part.ville_min,
                "EUR", f"{p}.attribue × part Ville des projets nouveaux", CENTIMES),
        chiffre(f"{p}.part_ville.max",
                f"Part de la Ville dans les montants {a} attribués si tous les projets sont reconduits", part.ville_max,
                "EUR", f"{p}.attribue × part Ville des projets reconduits", CENTIMES),
    ]
    if part.ville is not None:
        out.append(chiffre(f"{p}.part_ville", f"Part de la Ville dans les montants {a} attribués", part.ville, "EUR",
                           f"{p}.attribue × (part_nouveaux × part Ville nouveaux "
                           "+ (1 − part_nouveaux) × part Ville reconduits)", CENTIMES))
    return out


def porteurs_ecrivains_publics(porteurs: pd.DataFrame, annee: int) -> pd.DataFrame:
    """The bearers of public-writer projects the slide names for `annee`."""
    return porteurs[(porteurs["annee"] == annee) & (porteurs["categorie"] == "ecrivains_publics")]


def chiffres_contexte(
    alloc: Allocation, part: PartageVilleEtat, population: float, taux_precarite: float, personnes: float,
    projets: pd.DataFrame | None = None,
) -> list[dict]:
    """The figures the page prints beside the headline ones: the territory's context, the co-financing rule, the
    State's share when the City's is known, the number of projects of a project list."""
    a = alloc.annee
    p = f"cvs.{a}"
    out = [
        chiffre(f"{p}.population", "Population de Roubaix (contexte)", population, "count", "donnée brute", 0),
        chiffre(f"{p}.taux_precarite_numerique", "Taux de précarité numérique à Roubaix (contexte)", taux_precarite,
                "ratio", "donnée brute"),
        chiffre(f"{p}.personnes_precaires", "Habitants en situation de précarité numérique (estimation)", personnes,
                "count", f"{p}.population × {p}.taux_precarite_numerique", 0),
        chiffre(f"{p}.cofinancement.ville.min", "Part de la Ville dans un projet, règle de co-financement (basse)",
                part.part_ville_min, "ratio", "donnée brute", 0),
        chiffre(f"{p}.cofinancement.etat.min", "Part de l'État dans un projet quand celle de la Ville est basse",
                1 - part.part_ville_min, "ratio", f"1 − {p}.cofinancement.ville.min", 0),
        chiffre(f"{p}.cofinancement.ville.max", "Part de la Ville dans un projet, règle de co-financement (haute)",
                part.part_ville_max, "ratio", "donnée brute", 0),
        chiffre(f"{p}.cofinancement.etat.max", "Part de l'État dans un projet quand celle de la Ville est haute",
                1 - part.part_ville_max, "ratio", f"1 − {p}.cofinancement.ville.max", 0),
    ]
    if part.ville is not None:
        out += [
            chiffre(f"{p}.part_nouveaux", f"Part du montant {a} attribuée à des projets nouveaux", part.part_nouveaux,
                    "ratio", "paramètre « part_nouveaux », ou liste des projets"),
            chiffre(f"{p}.part_etat", f"Part de l'État dans les montants {a} attribués", alloc.attribue - part.ville,
                    "EUR", f"{p}.attribue − {p}.part_ville", CENTIMES),
        ]
    if projets is not None:
        out.append(chiffre(f"{p}.projets_liste", f"Projets de la liste des projets {a}", len(projets), "count",
                           "lignes du fichier des projets"))
    return out


def tableau_partage(attribue: float, part: PartageVilleEtat) -> pd.DataFrame:
    """City and State amounts under each assumption (and the point value when known)."""
    rows = [("Tous les projets nouveaux", part.ville_min), ("Tous les projets reconduits", part.ville_max)]
    if part.ville is not None:
        rows.append((f"Part des projets nouveaux connue ({part.part_nouveaux:.4g})", part.ville))
    return pd.DataFrame(
        {"hypothese": [h for h, _ in rows], "ville": [v for _, v in rows], "etat": [attribue - v for _, v in rows]}
    )


def tableau_demandes(alloc: Allocation, dem: Demandes) -> pd.DataFrame:
    """Requested and allocated amounts of this year and the next (allocation not yet known: empty)."""
    return pd.DataFrame(
        {
            "annee": [alloc.annee, dem.annee],
            "montant_sollicite": [alloc.sollicite, dem.sollicite],
            "montant_attribue": [alloc.attribue, None],
        }
    )
