"""The budget report given budget lines (`-p lignes=…`), end to end through the real runner (issue 26).

ONE run of the report on the shipped fictitious SCDL example, in a copied root; every expected value is computed
here from the CSV files with the csv module and exact decimals, never by the package. Then the refusals, each a run
that must stop with exit 1 and a French message naming file, row and column, publishing nothing.
"""

from __future__ import annotations

import csv
import random
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, cli, copier_depot
from texte_visible import texte_visible

from cln_analysis import dessins, prelecture, publication

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("budget_lignes")]

EXEMPLE = "data/raw/budget_lignes_exemple.csv"


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run_lignes(tmp_path_factory):
    root = copier_depot(tmp_path_factory.mktemp("budget_lignes"))
    res = cli(root, "run", "budget", "-p", f"lignes={EXEMPLE}")
    assert res.returncode == 0, res.stdout + res.stderr
    return root


def _figures(root: Path) -> dict[str, dict]:
    return {r["figure_id"]: r for r in _csv(root / "data/processed/figures.csv") if r["report"] == "budget"}


def test_the_lines_reproduce_the_slides_three_shares(run_lignes):
    root = run_lignes
    rows = [r for r in _csv(root / EXEMPLE) if r["BGT_ANNEE"] == "2025" and r["BGT_NATDEC"] == "compte administratif"
            and r["BGT_OPBUDG"] == "réel" and r["BGT_CODRD"] == "dépense"]
    totaux = {s: sum(Decimal(r["BGT_MTREAL"] or "0") for r in rows if r["BGT_SECTION"] == s)
              for s in ("investissement", "fonctionnement")}
    slide = {r["section"]: r for r in _csv(root / "data/raw/budget_mandate.csv")}
    fig = _figures(root)
    for s, total in totaux.items():  # the mandated total of each section is the sum of its real spending lines
        assert total == Decimal(slide[s]["budget_total"])
        assert Decimal(fig[f"budget.2025.{s}.total"]["value"]) == total
    for s, attendu in (("investissement", "7,3 %"), ("fonctionnement", "2,8 %"), ("total", "3,7 %")):
        num, tot = ((Decimal(slide[s]["budget_numerique"]), Decimal(slide[s]["budget_total"])) if s != "total" else
                    (sum(Decimal(v["budget_numerique"]) for v in slide.values()), sum(totaux.values())))
        pct = (num * 100 / tot).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert f"{pct}".replace(".", ",") + " %" == attendu
        assert fig[f"budget.2025.{s}.part"]["published"] == attendu and fig[f"budget.2025.{s}.part"]["status"] == \
            "match"
    ordre = [r for r in _csv(root / EXEMPLE) if r["BGT_ANNEE"] == "2025" and r["BGT_OPBUDG"] == "ordre"
             and r["BGT_CODRD"] == "dépense" and r["BGT_NATDEC"] == "compte administratif"]
    assert float(fig["budget.2025.lignes.ordre_exclues"]["value"]) == len(ordre) > 0
    for fid in ("budget.2025.dsi_fonctionnement.part", "budget.2025.categorie.sites_applications.montant",
                "budget.2025.categorie.inclusion_mediation.part", "budget.2025.evolution.total.part"):
        assert fid in fig
    # the change of the share is a difference of two shares: in points, signed, wherever it is shown (not « 0,3 % »)
    ecart = Decimal(fig["budget.2025.evolution.total.part"]["value"]) * 100
    texte = f"{'+' if ecart > 0 else '−'}{abs(ecart).quantize(Decimal('0.1'), ROUND_HALF_UP)}".replace(".", ",")
    assert fig["budget.2025.evolution.total.part"]["unit"] == "points"
    audit = (root / "reports/audit/budget.html").read_text(encoding="utf-8")
    assert re.search(rf'data-label="Valeur calculée">{re.escape(texte)}\u00a0points?</td>', audit)


def test_every_digital_euro_is_traced_to_a_line_in_the_workbook_only(run_lignes):
    root = run_lignes
    wb = openpyxl.load_workbook(root / "reports/donnees/budget.xlsx", read_only=True)
    ws = wb["lignes_numeriques"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    entete = next(r for r in rows if "Ligne du fichier" in r)
    corps = [dict(zip(entete, r, strict=True)) for r in rows[rows.index(entete) + 1:] if r[0] is not None]
    par_ligne = dict(enumerate(_csv(root / EXEMPLE), start=2))  # the CSV's line 2 is its first record
    for r in corps:  # each workbook row points at its line of the file, with that line's amount
        assert Decimal(str(r["Montant de la ligne"])) == Decimal(par_ligne[r["Ligne du fichier"]]["BGT_MTREAL"])
    numerique = sum(Decimal(v["budget_numerique"]) for v in _csv(root / "data/raw/budget_mandate.csv"))
    compte = sum(Decimal(str(r["Montant de la ligne"])) * Decimal(str(r["Part comptée"])) for r in corps)
    assert compte.quantize(Decimal("0.01")) == numerique  # 7 567 003 €, line by line
    audit = texte_visible((root / "reports/audit/budget.html").read_text(encoding="utf-8"))
    public = texte_visible((root / "reports/budget.html").read_text(encoding="utf-8"))
    assert "Les lignes du budget numérique" in audit and "Les lignes du budget numérique" not in public
    assert not (root / "data/processed/budget/lignes_numeriques.csv").exists()


def test_the_pages_carry_the_banner_answer_the_questions_and_list_the_rules(run_lignes):
    root = run_lignes
    for page in ("reports/budget.html", "reports/audit/budget.html"):
        texte = texte_visible((root / page).read_text(encoding="utf-8"))
        assert "Données fictives" in texte and "seuls les totaux" in texte
        for titre in ("Ce que contient le budget numérique", "Les règles du périmètre", "Évolution de 2024 à 2025",
                      "« Comment se répartit ce budget entre les différentes directions et services ? »",
                      "« Quel est le budget consacré à l'inclusion numérique et à la médiation numérique ? »"):
            assert titre in texte, (page, titre)
    perimetre = _csv(root / "data/raw/budget_perimetre.csv")
    public = texte_visible((root / "reports/budget.html").read_text(encoding="utf-8"))
    for regle in perimetre:  # every rule and its justification, on the public page
        assert regle["justification"] in public
    assert "Site roubaix.fr" in public
    index = (root / "reports/index.html").read_text(encoding="utf-8")
    assert "Données fictives" in index or "fictiv" in index


def _refus(root: Path, *params: str):
    avant = (root / "data/processed/figures.csv").read_bytes()
    res = cli(root, "run", "budget", "--essai", *params)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    assert (root / "data/processed/figures.csv").read_bytes() == avant  # nothing published half-way
    assert not (root / "reports/budget.html").exists()
    return res.stderr


def test_a_bad_cell_of_the_lines_is_refused_naming_file_row_and_column(tmp_path):
    root = copier_depot(tmp_path)
    lignes = (root / EXEMPLE).read_text(encoding="utf-8").splitlines(True)
    lignes[3] = lignes[3].replace(",réel,", ",mixte,", 1)
    (root / "data/raw/mauvaises.csv").write_text("".join(lignes), encoding="utf-8")
    err = _refus(root, "-p", "lignes=data/raw/mauvaises.csv")
    assert "mauvaises.csv, ligne 4, colonne « BGT_OPBUDG »" in err and "non prévue par le schéma SCDL" in err


def test_a_double_count_in_the_perimeter_is_refused_naming_both_rules(tmp_path):
    root = copier_depot(tmp_path)
    perimetre = (root / "data/raw/budget_perimetre.csv").read_text(encoding="utf-8")
    doublon = perimetre.splitlines()[1].replace("R01,", "R99,", 1)  # R01 again under another id
    (root / "data/raw/perimetre_double.csv").write_text(perimetre + doublon + "\n", encoding="utf-8")
    err = _refus(root, "-p", f"lignes={EXEMPLE}", "-p", "perimetre=data/raw/perimetre_double.csv")
    assert "perimetre_double.csv, colonne « part » : double compte" in err
    assert "« R01 »" in err and "« R99 »" in err and "budget_lignes_exemple.csv" in err


class _Tableau(HTMLParser):
    """The rows of the table captioned `legende` of a page: each row its cells' texts."""

    def __init__(self, legende: str):
        super().__init__(convert_charrefs=True)
        self.legende, self.lignes, self._dans, self._cellule, self._legende = legende, [], False, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._legende = ""
        elif tag == "tr" and self._dans:
            self.lignes.append([])
        elif tag in ("td", "th") and self._dans:
            self._cellule = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._dans, self._legende = " ".join(self._legende.split()) == self.legende, None  # any space
        elif tag == "table":
            self._dans = False
        elif tag in ("td", "th") and self._cellule is not None:
            self.lignes[-1].append(self._cellule)
            self._cellule = None

    def handle_data(self, data):
        if self._legende is not None:
            self._legende += data
        elif self._cellule is not None:
            self._cellule += data


def _regles_a_la_main(r: dict) -> list[str]:
    """The rules of data/raw/budget_perimetre.csv that catch a line, written out by hand from that file."""
    out = []
    if r["direction"] == "DSI" and r["BGT_SECTION"] == "fonctionnement":
        out.append("R01")
    if r["direction"] == "DSI" and r["BGT_SECTION"] == "investissement":
        out.append("R02")
    if r["BGT_OPERATION"].startswith("NUM-WEB"):
        out.append("R03")
    if r["service"] == "Médiation numérique":
        out.append("R04")
    if r["BGT_SECTION"] == "investissement" and r["BGT_CONTNAT"] == "2183" and r["BGT_FONCTION"].startswith("21"):
        out.append("R05")
    if r["direction"] == "Bâtiments" and r["BGT_CONTNAT"] == "6262":
        out.append("R06")
    return out


def test_every_digital_line_of_a_large_file_is_on_the_audit_page(tmp_path, monkeypatch):
    monkeypatch.setenv(dessins.VARIABLE, "1")  # as a report run alone: its charts drawn by the kernel's children
    monkeypatch.setattr(publication, "CLASSEUR_A_COTE", 1)  # and its workbook by a child of the runner
    root = copier_depot(tmp_path)
    with open(root / EXEMPLE, encoding="utf-8", newline="") as fh:
        entete, *rows = list(csv.reader(fh))
    tirees = random.Random(26).choices(rows, k=12_000)  # every digital line many times over: above 1 000
    with open(root / "data/raw/grand.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([entete, *tirees])
    restes = []  # what the run's reads ahead left when it ended: the kernel took the lines a child read
    fermer = prelecture.Prelectures.fermer
    monkeypatch.setattr(prelecture.Prelectures, "fermer", lambda self: (
        restes.append(sorted(p.suffix for p in self.dossier.iterdir()) if self.dossier else None), fermer(self)))
    res = cli(root, "run", "budget", "--essai", "-p", "lignes=data/raw/grand.csv")
    assert res.returncode == 0, res.stdout + res.stderr
    assert restes == [[".pid"]]  # one child read the file, and its value was taken (removed once taken)
    lignes = dict(enumerate((dict(zip(entete, r, strict=True)) for r in tirees), start=2))
    attendu = sorted((n, regle) for n, r in lignes.items() if r["BGT_ANNEE"] == "2025" and r["BGT_OPBUDG"] == "réel"
                     and r["BGT_NATDEC"] == "compte administratif" and r["BGT_CODRD"] == "dépense"
                     for regle in _regles_a_la_main(r))
    assert len(attendu) > 1_000
    lu = _Tableau("Chaque ligne du budget numérique 2025 et la règle qui la prend")
    page_audit = (root / "reports/audit/budget.html").read_text(encoding="utf-8")
    assert "<!--tableau-long" not in page_audit  # the table written at its placeholder
    lu.feed(page_audit)
    entete_page, *corps = lu.lignes
    numero = {int(c[0].replace("\u202f", "")): c for c in corps}  # « 1 014 », as the page groups digits
    assert [(int(c[0].replace("\u202f", "")), c[1]) for c in corps] == attendu  # every line and rule, in order
    # one line by hand: the first NUM-WEB operation of 2025's account, caught by R03, its amount as printed
    n, r = next((n, r) for n, r in lignes.items() if _regles_a_la_main(r) == ["R03"] and r["BGT_ANNEE"] == "2025"
                and r["BGT_NATDEC"] == "compte administratif" and r["BGT_OPBUDG"] == "réel"
                and r["BGT_CODRD"] == "dépense")
    ligne = dict(zip(entete_page, numero[n], strict=True))
    euros, cents = f"{Decimal(r['BGT_MTREAL']):.2f}".split(".")
    groupes = re.sub(r"(?<=\d)(?=(\d{3})+$)", "\u202f", euros)
    assert ligne["Règle"] == "R03" and ligne["Catégorie"] == "Sites web et applications"
    montant = groupes + ("" if cents == "00" else f",{cents}") + "\u00a0€"  # a whole amount without cents
    assert ligne["Montant de la ligne"] == ligne["Montant compté"] == montant
    wb = openpyxl.load_workbook(root / "reports/donnees/budget.xlsx", read_only=True)
    try:
        lignes_classeur = [(int(r[0]), r[1]) for r in wb["lignes_numeriques"].iter_rows(min_row=2, values_only=True)]
    finally:
        wb.close()
    assert lignes_classeur == attendu  # every line in the workbook too
    public = (root / "reports/budget.html").read_text(encoding="utf-8")
    assert "Les lignes du budget numérique" not in public
    # the six charts, drawn by children, each in its place: one drawing a figure, no placeholder left
    assert public.count('<div class="graphique-image"') == public.count("<svg ") == 6 and "<!--graphique" not in public
    assert "<!--graphique" not in (root / "reports/notebooks/budget.ipynb").read_text(encoding="utf-8")


def _en_classeur(source: Path, cible: Path, siret: str | None = None, siret_nombre: bool = False) -> Path:
    """The lines as Excel saves them: a workbook, amounts as numbers; `siret` in place of the example's;
    `siret_nombre`: the SIRET typed as a number too (Excel then keeps 0 for 00000000000000)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    with open(source, encoding="utf-8") as fh:
        for i, ligne in enumerate(csv.reader(fh)):
            if i and siret:
                ligne = [siret if v == "00000000000000" else v for v in ligne]
            ws.append([float(v) if i and re.fullmatch(r"-?\d+(\.\d+)?", v) and len(v) < 14 else
                       int(v) if i and siret_nombre and j == 2 else v for j, v in enumerate(ligne)])
    wb.save(cible)
    return cible


def test_the_example_saved_by_excel_elsewhere_is_still_said_to_be_invented(tmp_path):
    """The shipped example, saved as .xlsx outside data/raw/, is still the invented example (its SIRET, which no
    establishment has): the report is marked fictitious, with the example's own banner; the same lines under a
    real-looking SIRET are not (read in this process, as the kernel does: `budget.sources`)."""
    from cln_analysis import budget
    from cln_analysis.rapport import Rapport

    for siret, nombre, fictif in ((None, False, True), (None, True, True), ("21590512000017", True, False)):
        classeur = _en_classeur(REPO / EXEMPLE, tmp_path / f"lignes-{fictif}-{nombre}.xlsx", siret, nombre)
        r = Rapport("budget", lignes=str(classeur))
        budget.sources(r, 2025, "data/raw/budget_mandate.csv", "data/raw/budget_primitif.csv", str(classeur))
        assert r.fictif is fictif, siret
        assert ("seuls les totaux" in (r.texte_fictif or "")) is fictif  # the example's banner, not the report's


def test_a_text_amount_in_a_workbook_is_refused_with_advice_for_excel(tmp_path):
    from cln_analysis import budget_lignes
    from cln_analysis.erreurs import ErreurDonnees

    classeur = _en_classeur(REPO / EXEMPLE, tmp_path / "lignes.xlsx")
    wb = openpyxl.load_workbook(classeur)
    ws = wb.active
    col = [c.value for c in ws[1]].index("BGT_MTREAL") + 1
    ws.cell(row=7, column=col, value="12,3.4")  # typed as text
    wb.save(classeur)
    with pytest.raises(ErreurDonnees) as refus:
        budget_lignes.lire_lignes(classeur)
    message = str(refus.value)
    assert "lignes.xlsx, ligne 7, colonne « BGT_MTREAL »" in message
    assert "saisissez le montant comme un nombre dans la cellule (3,5 dans un Excel en français)" in message
    assert "(3.5)" not in message  # the advice for a CSV file, which a French Excel would not take


def test_rules_that_catch_no_line_are_said_so_a_lost_zero_named_the_dsi_never_at_zero(tmp_path):
    # the lines as Excel saves a code column stored as numbers (function 020 → 20); the DSI's operating rules on a
    # function no line has (999), its investment rule on 020: the report is produced; its DSI question answered « la
    # donnée ne le distingue pas » (never « 0 % »); the lost zero said on the terminal and beside R02 on the audit
    # page, among the rules that catch nothing
    root = copier_depot(tmp_path)
    with open(root / EXEMPLE, encoding="utf-8", newline="") as fh:
        lignes = list(csv.DictReader(fh))
    assert any(l["BGT_FONCTION"] == "020" for l in lignes)
    for l in lignes:
        l["BGT_FONCTION"] = l["BGT_FONCTION"].lstrip("0") or "0"
    with open(root / "data/raw/budget_perimetre.csv", encoding="utf-8", newline="") as fh:
        regles = list(csv.DictReader(fh))
    dsi = [r for r in regles if r["categorie_id"] == "dsi_fonctionnement"]
    assert dsi and "R02" not in {r["id"] for r in dsi}
    for r in regles:
        r["BGT_FONCTION"] = "999" if r in dsi else "020" if r["id"] == "R02" else r["BGT_FONCTION"]
    for nom, rangs in (("lignes_excel.csv", lignes), ("perimetre_vide.csv", regles)):
        with open(root / "data/raw" / nom, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rangs[0]))
            w.writeheader()
            w.writerows(rangs)
    res = cli(root, "run", "budget", "--essai", "-p", "lignes=data/raw/lignes_excel.csv",
              "-p", "perimetre=data/raw/perimetre_vide.csv")
    assert res.returncode == 0, res.stdout + res.stderr
    public = texte_visible((root / "reports/budget.html").read_text(encoding="utf-8"))
    question = ("« Quelle part est spécifiquement dédiée au fonctionnement de la Direction des systèmes "
                "d'information ? »")
    apres = public[public.index(question) + len(question):]
    assert apres.lstrip().startswith("Réponse : La donnée ne le distingue pas."), apres[:200]
    assert "budget.2025.dsi_fonctionnement.part" not in _figures(root)
    attendu = ("attention, budget : La règle R02 ne prend aucune ligne : aucune valeur de BGT_FONCTION ne vaut "
               "« 020 », mais le fichier des lignes a « 20 »")
    assert attendu in res.stdout, res.stdout
    assert "règle R01" not in res.stdout  # 999: nothing near, only listed
    audit = texte_visible((root / "reports/audit/budget.html").read_text(encoding="utf-8"))
    vides = audit[audit.index("Règles qui ne prennent aucune ligne"):][:1500].replace("\u00a0", " ").replace(
        "\u202f", " ")
    assert all(r["id"] in vides for r in dsi), vides
    assert "La règle R02 ne prend aucune ligne : aucune valeur de BGT_FONCTION" in vides, vides


def test_a_year_whose_voted_budget_neither_source_has_is_refused_naming_both_and_what_to_add(tmp_path):
    # the example holds the compte administratif 2024, not its budget primitif; budget_primitif.csv has 2025 only
    root = copier_depot(tmp_path)
    assert not [l for l in _csv(root / EXEMPLE) if l["BGT_NATDEC"] == "budget primitif" and l["BGT_ANNEE"] == "2024"]
    assert "2024" not in {r["annee"] for r in _csv(root / "data/raw/budget_primitif.csv")}
    err = _refus(root, "-p", f"lignes={EXEMPLE}", "-p", "annee=2024")
    assert (f"{EXEMPLE}, colonne « BGT_NATDEC » : le budget primitif 2024, que le rapport compare au budget mandaté, "
            "manque : aucune ligne « budget primitif » 2024 dans ce fichier, ni de ligne 2024 dans "
            "data/raw/budget_primitif.csv") in err, err
    assert "ajoutez au fichier des lignes celles du budget primitif 2024" in err
