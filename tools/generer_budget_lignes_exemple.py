"""Write the FICTITIOUS budget-lines example (`data/raw/budget_lignes_exemple.csv`) and its perimeter
(`data/raw/budget_perimetre.csv`). Fixed seed: the same files at every run (`tests/test_budget_lignes.py` checks it).

Only the four totals are real: the digital and total mandated spending of each section in 2025, read from
`data/raw/budget_mandate.csv` (the slide of the CLN plenary of 31 January 2026), and the voted budget primitif 2025
read from `data/raw/budget_primitif.csv`. Every line — accounts, amounts, directions, the 2024 year — is invented.

Format: the SCDL « Budget » schema 0.8.3 (`data/raw/schemas/scdl_budget.json`), plus three city columns
(`direction`, `service`, `libelle_ligne`). Accounts, chapters and functions are plausible codes of the M57
budget and accounting instruction (plan de comptes M57 développé and nomenclature fonctionnelle, published by the
DGCL / DGFiP on collectivites-locales.gouv.fr); labels are shortened. The SIRET is a made-up 14-digit number.

    .venv/bin/python tools/generer_budget_lignes_exemple.py
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from cln_analysis import budget_lignes

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
GRAINE = 20260131
SIRET = budget_lignes.SIRET_EXEMPLE  # fictitious on purpose: no establishment has it (the reports then say so)
NOM = "Ville fictive (exemple de l'outil cln-analysis)"

COLONNES = ["BGT_NATDEC", "BGT_ANNEE", "BGT_SIRET", "BGT_NOM", "BGT_CONTNAT", "BGT_CONTNAT_LABEL", "BGT_NATURE",
            "BGT_NATURE_LABEL", "BGT_FONCTION", "BGT_FONCTION_LABEL", "BGT_OPERATION", "BGT_SECTION", "BGT_OPBUDG",
            "BGT_CODRD", "BGT_MTREAL", "BGT_MTBUDGPREC", "BGT_MTRARPREC", "BGT_MTPROPNOUV", "BGT_MTPREV",
            "BGT_CREDOUV", "BGT_MTRAR3112", "BGT_ARTSPE", "direction", "service", "libelle_ligne"]

CHAPITRES = {"011": "Charges à caractère général", "012": "Charges de personnel et frais assimilés",
             "65": "Autres charges de gestion courante", "20": "Immobilisations incorporelles",
             "21": "Immobilisations corporelles", "23": "Immobilisations en cours",
             "042": "Opérations d'ordre de transfert entre sections", "040": "Opérations d'ordre de transfert entre "
             "sections", "73": "Impôts et taxes", "74": "Dotations et participations", "70": "Produits des services"}
FONCTIONS = {"020": "Administration générale de la collectivité", "212": "Écoles primaires",
             "213": "Classes regroupées", "30": "Services communs (culture)", "321": "Bibliothèques et médiathèques",
             "422": "Autres actions sociales", "61": "Actions économiques", "810": "Services communs (transports)",
             "71": "Services communs (environnement)", "01": "Opérations non ventilables"}

# (section, account, label, chapter, function, direction, service, line label, operation, rule) — rule None: not digital
DIGITAUX = [
    ("fonctionnement", "6156", "Maintenance", "011", "020", "DSI", "Infrastructures", "Maintenance des serveurs", "",
     "R01"),
    ("fonctionnement", "6262", "Frais de télécommunications", "011", "020", "DSI", "Réseaux",
     "Abonnements télécoms", "", "R01"),
    ("fonctionnement", "611", "Contrats de prestations de services", "011", "020", "DSI", "Support",
     "Infogérance du support", "", "R01"),
    ("fonctionnement", "6135", "Locations mobilières", "011", "020", "DSI", "Postes de travail",
     "Location de copieurs et postes", "", "R01"),
    ("fonctionnement", "64111", "Rémunération principale titulaires", "012", "020", "DSI", "Direction",
     "Rémunérations DSI", "", "R01"),
    ("fonctionnement", "6156", "Maintenance", "011", "020", "Communication", "Web", "Site roubaix.fr",
     "NUM-WEB-01", "R03"),
    ("fonctionnement", "6156", "Maintenance", "011", "422", "Communication", "Web", "Application Roubaix dans ma poche",
     "NUM-WEB-02", "R03"),
    ("fonctionnement", "611", "Contrats de prestations de services", "011", "020", "Communication", "Web",
     "Portail des démarches en ligne", "NUM-WEB-03", "R03"),
    ("fonctionnement", "6574", "Subventions aux associations", "65", "422", "Citoyenneté", "Médiation numérique",
     "Subventions aux espaces publics numériques", "", "R04"),
    ("fonctionnement", "611", "Contrats de prestations de services", "011", "422", "Citoyenneté",
     "Médiation numérique", "Conseillers numériques (prestation)", "", "R04"),
    ("investissement", "2183", "Matériel de bureau et matériel informatique", "21", "020", "DSI", "Postes de travail",
     "Renouvellement des postes", "", "R02"),
    ("investissement", "2051", "Concessions et droits similaires", "20", "020", "DSI", "Logiciels",
     "Licences logicielles", "", "R02"),
    ("investissement", "2188", "Autres immobilisations corporelles", "21", "020", "DSI", "Réseaux",
     "Équipements réseau", "", "R02"),
    ("investissement", "2051", "Concessions et droits similaires", "20", "020", "Communication", "Web",
     "Refonte du site roubaix.fr", "NUM-WEB-01", "R03"),
    ("investissement", "2183", "Matériel de bureau et matériel informatique", "21", "212", "Éducation", "Écoles",
     "Tablettes et écrans des écoles", "", "R05"),
    ("investissement", "2183", "Matériel de bureau et matériel informatique", "21", "213", "Éducation", "Écoles",
     "Classes mobiles", "", "R05"),
]
PRORATA = ("fonctionnement", "6262", "Frais de télécommunications", "011", "020", "Bâtiments", "Maintenance",
           "Lignes et réseau des bâtiments (moitié numérique)", "", "R06")
AUTRES = [
    ("fonctionnement", "60612", "Énergie - Électricité", "011", "020", "Bâtiments", "Énergie", "Électricité", ""),
    ("fonctionnement", "6068", "Autres matières et fournitures", "011", "212", "Éducation", "Écoles",
     "Fournitures scolaires", ""),
    ("fonctionnement", "64111", "Rémunération principale titulaires", "012", "020", "Ressources humaines",
     "Paie", "Rémunérations", ""),
    ("fonctionnement", "64111", "Rémunération principale titulaires", "012", "212", "Éducation", "Écoles",
     "Rémunérations des ATSEM", ""),
    ("fonctionnement", "6574", "Subventions aux associations", "65", "30", "Culture", "Vie associative",
     "Subventions culturelles", ""),
    ("fonctionnement", "6574", "Subventions aux associations", "65", "422", "Citoyenneté", "Vie des quartiers",
     "Subventions aux centres sociaux", ""),
    ("fonctionnement", "611", "Contrats de prestations de services", "011", "71", "Propreté", "Collecte",
     "Nettoiement", ""),
    ("fonctionnement", "6156", "Maintenance", "011", "810", "Voirie", "Éclairage", "Maintenance de l'éclairage", ""),
    ("fonctionnement", "6262", "Frais de télécommunications", "011", "321", "Culture", "Médiathèques",
     "Téléphonie des médiathèques", ""),
    ("investissement", "2313", "Constructions", "23", "212", "Éducation", "Bâtiments scolaires",
     "Rénovation d'écoles", ""),
    ("investissement", "2315", "Installations, matériel et outillage techniques", "23", "810", "Voirie", "Travaux",
     "Travaux de voirie", ""),
    ("investissement", "2188", "Autres immobilisations corporelles", "21", "30", "Culture", "Équipements",
     "Équipement des salles", ""),
    ("investissement", "2182", "Matériel de transport", "21", "71", "Propreté", "Parc auto", "Véhicules", ""),
    ("investissement", "2183", "Matériel de bureau et matériel informatique", "21", "020", "Ressources humaines",
     "Paie", "Mobilier de bureau", ""),
]
PERIMETRE = [
    # id, categorie_id, categorie, direction, service, BGT_SECTION, BGT_CONTNAT, BGT_FONCTION, BGT_OPERATION, part,
    # justification
    ("R01", "dsi_fonctionnement", "Systèmes d'information (DSI), fonctionnement", "DSI", "", "fonctionnement", "",
     "", "", "", "Toutes les dépenses de fonctionnement de la direction des systèmes d'information."),
    ("R02", "dsi_investissement", "Systèmes d'information (DSI), investissement", "DSI", "", "investissement", "", "",
     "", "", "Tous les investissements de la direction des systèmes d'information."),
    ("R03", "sites_applications", "Sites web et applications", "", "", "", "", "", "NUM-WEB*", "",
     "Les opérations NUM-WEB identifient chaque site et application de la Ville."),
    ("R04", "inclusion_mediation", "Inclusion et médiation numérique", "", "Médiation numérique", "", "", "", "", "",
     "Le service de médiation numérique porte l'inclusion numérique (subventions et conseillers)."),
    ("R05", "ecoles_numeriques", "Équipements numériques des écoles", "", "", "investissement", "2183", "21*", "", "",
     "Matériel informatique des écoles (fonctions 21x de l'enseignement du premier degré)."),
    ("R06", "reseaux_batiments", "Réseaux et téléphonie des bâtiments", "Bâtiments", "", "", "6262", "", "", "0,5",
     "La moitié des lignes télécoms des bâtiments sert le réseau informatique (estimation de la DSI)."),
]


def repartir(total_centimes: int, n: int, rng: random.Random) -> list[int]:
    """`n` positive amounts in cents summing exactly to `total_centimes` (random weights, largest remainder)."""
    poids = [rng.uniform(0.2, 1.0) ** 2 for _ in range(n)]
    s = sum(poids)
    bruts = [total_centimes * p / s for p in poids]
    ent = [int(b) for b in bruts]
    reste = total_centimes - sum(ent)
    for i in sorted(range(n), key=lambda i: bruts[i] - ent[i], reverse=True)[:reste]:
        ent[i] += 1
    return ent


def euros(centimes: int) -> str:
    return f"{centimes // 100}.{centimes % 100:02d}"


def ligne(etape, annee, section, compte, libelle, chap, fonction, direction, service, libelle_ligne, operation,
          opbudg="réel", codrd="dépense", mtreal="", mtprev=""):
    return {"BGT_NATDEC": etape, "BGT_ANNEE": str(annee), "BGT_SIRET": SIRET, "BGT_NOM": NOM, "BGT_CONTNAT": compte,
            "BGT_CONTNAT_LABEL": libelle, "BGT_NATURE": chap, "BGT_NATURE_LABEL": CHAPITRES[chap],
            "BGT_FONCTION": fonction, "BGT_FONCTION_LABEL": FONCTIONS[fonction], "BGT_OPERATION": operation,
            "BGT_SECTION": section, "BGT_OPBUDG": opbudg, "BGT_CODRD": codrd, "BGT_MTREAL": mtreal,
            "BGT_MTPREV": mtprev, "direction": direction, "service": service, "libelle_ligne": libelle_ligne}


def compte_administratif(annee: int, cibles: dict, rng: random.Random) -> list[dict]:
    """Real spending lines whose digital and total sums per section equal `cibles` ({section: (num, tot)} in
    cents), plus ordre and recette lines."""
    out = []
    for section, (num, tot) in cibles.items():
        dig = [t for t in DIGITAUX if t[0] == section]
        autres = [t for t in AUTRES if t[0] == section]
        prorata = 0
        if section == PRORATA[0]:
            prorata = 2 * rng.randrange(40_000_00, 60_000_00)  # even cents: its half is exact
            out.append(ligne("compte administratif", annee, *PRORATA[:-1], mtreal=euros(prorata)))
        copies_d = [t for t in dig for _ in range(rng.randint(3, 6))]
        for t, m in zip(copies_d, repartir(num - prorata // 2, len(copies_d), rng), strict=True):
            out.append(ligne("compte administratif", annee, *t[:-1], mtreal=euros(m)))
        copies_a = [t for t in autres for _ in range(rng.randint(8, 14))]
        for t, m in zip(copies_a, repartir(tot - num - prorata // 2, len(copies_a), rng), strict=True):
            out.append(ligne("compte administratif", annee, *t, mtreal=euros(m)))
    for _ in range(6):  # ordre: depreciation, counted and shown, never summed (DSI lines among them)
        d = rng.choice(["DSI", "Finances"])
        out.append(ligne("compte administratif", annee, "fonctionnement", "6811", "Dotations aux amortissements",
                         "042", "01", d, "Amortissements", "Dotation aux amortissements", "", opbudg="ordre",
                         mtreal=euros(rng.randrange(100_000_00, 900_000_00))))
        out.append(ligne("compte administratif", annee, "investissement", "2183", "Matériel de bureau et matériel "
                         "informatique", "040", "01", d, "Travaux en régie", "Travaux en régie", "", opbudg="ordre",
                         mtreal=euros(rng.randrange(10_000_00, 90_000_00))))
    for compte, libelle, chap in (("73111", "Impôts directs locaux", "73"), ("7411", "Dotation forfaitaire", "74"),
                                  ("7066", "Redevances des services à caractère social", "70")):
        for _ in range(4):
            out.append(ligne("compte administratif", annee, "fonctionnement", compte, libelle, chap, "01", "Finances",
                             "Recettes", libelle, "", codrd="recette",
                             mtreal=euros(rng.randrange(1_000_000_00, 30_000_000_00))))
    return out


def budget_primitif(annee: int, vote_centimes: int, rng: random.Random) -> list[dict]:
    """Real spending lines of the budget primitif whose `BGT_MTPREV` add up to the voted total."""
    modeles = [t[:9] for t in DIGITAUX] + AUTRES
    copies = [t for t in modeles for _ in range(2)]
    return [ligne("budget primitif", annee, *t, mtprev=euros(m))
            for t, m in zip(copies, repartir(vote_centimes, len(copies), rng), strict=True)]


def _csv(rows: list[dict], colonnes: list[str]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=colonnes, lineterminator="\n", restval="")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def fichiers() -> dict[Path, str]:
    """The two files this script writes, with their exact text."""
    rng = random.Random(GRAINE)
    with open(RAW / "budget_mandate.csv", encoding="utf-8") as fh:
        cibles = {(int(r["annee"]), r["section"]): (int(r["budget_numerique"]) * 100, int(r["budget_total"]) * 100)
                  for r in csv.DictReader(fh)}
    with open(RAW / "budget_primitif.csv", encoding="utf-8") as fh:
        votes = {int(r["annee"]): int(r["montant_vote"]) * 100 for r in csv.DictReader(fh)}
    rows = []
    for annee in sorted({a for a, _ in cibles}):
        c = {s: cibles[(annee, s)] for s in ("investissement", "fonctionnement")}
        # the year before, invented: each amount within a few percent of the year's
        avant = {s: (round(n * rng.uniform(0.85, 0.97)), round(t * rng.uniform(0.95, 1.0))) for s, (n, t) in c.items()}
        rows += compte_administratif(annee - 1, avant, rng)
        rows += compte_administratif(annee, c, rng)
        if annee in votes:
            rows += budget_primitif(annee, votes[annee], rng)
    perimetre_cols = ["id", "categorie_id", "categorie", "direction", "service", "BGT_SECTION", "BGT_CONTNAT",
                      "BGT_FONCTION", "BGT_OPERATION", "part", "justification"]
    perimetre = [dict(zip(perimetre_cols, r, strict=True)) for r in PERIMETRE]
    return {RAW / "budget_lignes_exemple.csv": _csv(rows, COLONNES),
            RAW / "budget_perimetre.csv": _csv(perimetre, perimetre_cols)}


if __name__ == "__main__":
    for path, text in fichiers().items():
        path.write_text(text, encoding="utf-8")
        print(path.name, text.count("\n") - 1, "lignes")
