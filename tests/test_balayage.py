"""The last check before publishing (`cln_analysis.balayage`): personal strings, local paths, Python traces.

The fixture holds a fake resident: a name, a phone number, an address, an IP address, an e-mail address and a
user folder in a path. Each output format is built here as its specification writes it: HTML (entities escaped
as an HTML serialiser does), a notebook (nbformat v4, written by nbformat), CSV (RFC 4180, `;` as French Excel
saves it), `.xlsx` (written by openpyxl: strings in xl/sharedStrings.xml, ECMA-376 Part 1 §18.4) and JSON.
"""

from __future__ import annotations

import builtins
import csv
import gc
import io
import json
import os
import pickle
import re
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pytest

from cln_analysis import balayage
from cln_analysis.balayage import AVERTISSEMENT, CHEMIN, PERSONNELLE, TRACE, Collecteur, balayer

NOM = "Jeanne Martin"
TELEPHONE = "06 12 34 56 78"
ADRESSE = "12 rue de Lille"
IP = "192.168.14.27"
IP6 = "2001:db8:85a3::8a2e:370:7334"
COURRIEL = "jeanne.martin@exemple.fr"
DOSSIER = r"C:\Users\marie.dupont\Documents\retours.xlsx"
COMMENTAIRE = f"Je suis {NOM} {TELEPHONE}, {ADRESSE}, le robot ne m'a pas comprise du tout"


@pytest.fixture
def collecteur() -> Collecteur:
    c = Collecteur()
    for texte in (COMMENTAIRE, NOM, TELEPHONE, ADRESSE, IP, IP6, COURRIEL):
        c.ajouter(texte)
    return c


def page(corps: str) -> str:
    return (f'<!DOCTYPE html><html lang="fr"><head><title>Retours</title></head><body><h1>Retours</h1>'
            f'<p data-chiffre="retours.2026.reponses">37 réponses le 5 mars 2026</p>{corps}</body></html>')


def echapper(texte: str) -> str:
    """As an HTML serialiser writes text: every non-ASCII character as a numeric reference."""
    return texte.encode("ascii", "xmlcharrefreplace").decode("ascii").replace("'", "&#39;")


def notebook(tmp: Path, sortie: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell("rapport.affiche()")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=sortie)]
    nb.cells.append(cell)
    path = tmp / "retours.ipynb"
    nbformat.write(nb, path)
    return path


def classeur(tmp: Path, cellule: str) -> Path:
    """A workbook as Excel saves it: openpyxl writes the cells (as inline strings), then every string moves to
    the shared-strings part, as Excel keeps them (ECMA-376 Part 1, §18.4 `sst`, §18.3.1.4 `c t="s"`; the part
    declared in [Content_Types].xml and related from the workbook, Part 2 §9-10)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Question", "Réponse"])
    ws.append(["commentaire", cellule])
    path = tmp / "retours.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        membres = {i.filename: z.read(i).decode("utf-8") for i in z.infolist()}
    chaines: list[str] = []

    def partager(m: re.Match) -> str:
        chaines.append(m.group(2))
        return f'<c r="{m.group(1)}" t="s"><v>{len(chaines) - 1}</v></c>'

    feuille = "xl/worksheets/sheet1.xml"
    membres[feuille] = re.sub(r'<c r="(\w+)" t="inlineStr"><is><t>(.*?)</t></is></c>', partager, membres[feuille])
    sst = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    membres["xl/sharedStrings.xml"] = (f'<sst xmlns="{sst}" count="{len(chaines)}" uniqueCount="{len(chaines)}">'
                                      + "".join(f"<si><t>{t}</t></si>" for t in chaines) + "</sst>")
    membres["[Content_Types].xml"] = membres["[Content_Types].xml"].replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'))
    membres["xl/_rels/workbook.xml.rels"] = membres["xl/_rels/workbook.xml.rels"].replace("</Relationships>", (
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
        'Target="sharedStrings.xml" Id="rIdSst"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    assert openpyxl.load_workbook(path).active["B2"].value == cellule.replace("&", "&")  # a valid package
    return path


def tableau(tmp: Path, cellule: str) -> Path:
    path = tmp / "retours.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([["question", "réponse"], ["commentaire", cellule]])
    return path


def etat(tmp: Path, cellule: str) -> Path:
    path = tmp / "etat.json"
    path.write_text(json.dumps({"rapports": {"retours": {"message": cellule}}}, ensure_ascii=True), "utf-8")
    return path


def html(tmp: Path, cellule: str) -> Path:
    path = tmp / "retours.html"
    path.write_text(page(f"<p>{echapper(cellule)}</p>"), "utf-8")
    return path


FORMATS = {"html": html, "ipynb": notebook, "xlsx": classeur, "csv": tableau, "json": etat}


def natures_de(path: Path, c: Collecteur | None = None, racines=()) -> set[str]:
    fuites = balayer([path], c, racines, racine=path.parent)
    assert all(f.fichier == path.name for f in fuites)
    trouvees = {f.nature for f in fuites}
    # the same scan of its bytes, not yet written (a large audit page scanned by a child while it is staged)
    assert balayage.natures_du_contenu(path.read_bytes(), path.suffix, c, racines) == trouvees
    return trouvees


# --- personal strings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fuite", [
    NOM, "JEANNE  MARTIN", "jeanne martin", TELEPHONE, "+33 6 12 34 56 78", "0612345678", "06.12.34.56.78",
    "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", ADRESSE, "12, Rue de Lille", IP, COURRIEL,
    IP6, "2001:0DB8:85A3:0000:0000:8A2E:0370:7334",
    "le robot ne m'a pas", "Je suis Jeanne Martin 06 12",
])
def test_chaque_donnee_personnelle_est_trouvee_dans_chaque_format(tmp_path, collecteur, fmt, fuite):
    path = FORMATS[fmt](tmp_path, f"Avis : {fuite}.")
    assert natures_de(path, collecteur) == {PERSONNELLE}


@pytest.mark.parametrize("fmt", FORMATS)
def test_rien_de_personnel_rien_de_trouve(tmp_path, collecteur, fmt):
    path = FORMATS[fmt](tmp_path, "Le robot a compris 62 % des demandes ; Membre 3 ; Lille ; Jeanne ; 06 ; 12 rue ; "
                                  "192.168.14.28 ; 2001:db8::1 ; 06 12 34 56 79 ; 10:30:00")
    assert natures_de(path, collecteur) == set()


def test_la_fuite_ne_nomme_que_le_fichier_et_sa_nature(tmp_path, collecteur):
    path = html(tmp_path, COMMENTAIRE)
    (fuite,) = balayer([path], collecteur, [], racine=tmp_path)
    assert (fuite.fichier, fuite.nature) == ("retours.html", PERSONNELLE)
    assert fuite.message() == ("retours.html n'est pas publié : il contient une donnée personnelle lue dans les "
                               "entrées.")
    texte = fuite.message() + repr(fuite)
    for mot in ("Jeanne", "Martin", "06", "Lille"):
        assert mot not in texte


def test_mots_courts_chiffres_et_pseudonymes_ne_sont_jamais_cherches(tmp_path):
    c = Collecteur()
    for texte in ("Membre 3", "12", "Jo", "Oui", "très bien", "2026", "7,3 %", "  "):
        c.ajouter(texte)
    assert len(c) == 0 and not c
    path = html(tmp_path, "Membre 3 : Jo a dit oui, très bien ; 12 réponses en 2026, 7,3 %")
    assert natures_de(path, c) == set()


def test_un_long_commentaire_est_cherche_par_suites_de_mots(tmp_path):
    c = Collecteur()
    c.ajouter("La voix du robot parle beaucoup trop vite pour ma mère")
    assert natures_de(html(tmp_path, "… parle beaucoup trop vite …"), c) == {PERSONNELLE}
    assert natures_de(html(tmp_path, "Le robot parle."), c) == set()  # three words of it are no proof


def test_un_nom_coupe_par_une_balise_est_trouve(tmp_path, collecteur):
    path = tmp_path / "p.html"
    path.write_text(page("<p><strong>Jeanne</strong> Martin</p>"), "utf-8")
    assert natures_de(path, collecteur) == {PERSONNELLE}


def test_les_chaines_partagees_d_un_classeur_sont_lues(tmp_path, collecteur):
    path = classeur(tmp_path, NOM)
    with zipfile.ZipFile(path) as z:  # where ECMA-376 puts the text of a cell: not in the sheet itself
        assert "Jeanne" in z.read("xl/sharedStrings.xml").decode() and "Jeanne" not in z.read(
            "xl/worksheets/sheet1.xml").decode()
    assert natures_de(path, collecteur) == {PERSONNELLE}


def test_le_collecteur_ne_garde_ni_n_ecrit_les_chaines(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("le collecteur a voulu écrire")

    for module, nom in ((builtins, "open"), (os, "open"), (io, "open"), (Path, "write_text"), (Path, "write_bytes"),
                        (Path, "open"), (tempfile, "mkstemp"), (tempfile, "NamedTemporaryFile")):
        monkeypatch.setattr(module, nom, refuse)
    avant = sorted(os.listdir(tmp_path)), sorted(os.listdir(Path.cwd()))
    c = Collecteur()
    c.ajouter_tout([COMMENTAIRE, IP, COURRIEL])
    assert c.trouve(f"x suis {NOM} 06 y") and c.trouve("+33612345678") and not c.trouve("rien")
    monkeypatch.undo()
    assert (sorted(os.listdir(tmp_path)), sorted(os.listdir(Path.cwd()))) == avant
    assert "Jeanne" not in repr(c) and "Jeanne" not in str(c)
    with pytest.raises(TypeError):
        pickle.dumps(c)
    # nothing the collector holds, however deep, is one of the strings
    vus, pile, chaines = set(), [c], []
    while pile:
        o = pile.pop()
        if id(o) in vus:
            continue
        vus.add(id(o))
        if isinstance(o, str):
            chaines.append(o)
        elif isinstance(o, (set, dict, list, tuple, Collecteur)) or o is c:
            pile.extend(gc.get_referents(o))
    assert chaines == [] or not any(re.search(r"jeanne|martin|lille|0612|192\.168|exemple\.fr", s, re.I)
                                    for s in chaines)


def test_deux_collecteurs_ont_des_empreintes_differentes():
    a, b = Collecteur(), Collecteur()
    a.ajouter(NOM)
    b.ajouter(NOM)
    assert a._suites and a._suites.isdisjoint(b._suites)  # salted per collector


# --- local paths, tracebacks, warnings -----------------------------------------------------------------------

@pytest.mark.parametrize("chemin", [
    "/home/jmartin/cln/data/retours.csv", "/root/retours.csv", "/tmp/tmpab12cd/retours.csv", "/Users/marie/x.xlsx",
    r"C:\Users\marie.dupont\Documents\x.xlsx", "C:/Users/marie.dupont/x.xlsx", r"D:\partage\x.csv",
    r"\\serveur-mairie\partage\x.csv", "/opt/venv/lib/python3.11/site-packages/openpyxl/reader.py",
    "/var/folders/zz/abc/T/x.csv", "/private/var/tmp/x",
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_chaque_chemin_local_est_trouve(tmp_path, fmt, chemin):
    path = FORMATS[fmt](tmp_path, f"Source : {chemin}")
    assert natures_de(path) == {CHEMIN}


@pytest.mark.parametrize("fmt", FORMATS)
def test_les_racines_locales_sont_trouvees(tmp_path, fmt):
    racine = "/srv/cln/roubaix-analyses"  # no user folder in it: only the roots name it as local
    path = FORMATS[fmt](tmp_path, f"Source : {racine}/data/raw/x.csv")
    assert natures_de(path) == set()
    assert natures_de(path, racines=[racine]) == {CHEMIN}
    assert sys.prefix in balayage.racines_par_defaut() and tempfile.gettempdir() in balayage.racines_par_defaut()


@pytest.mark.parametrize("texte", [
    "Voir https://www.roubaix.fr/home/participation et http://localhost/tmp", "data/raw/retours_exemple.csv",
    "le 01/12/2026, 1/2 des réponses, 3 058 244 €", "notebooks/retours.ipynb ; reports/audit/retours.html",
    'url("data:image/png;base64,iVBORw0KGgo/home/root+/tmp/AAAA==")', "Rapport : 62 %, soit 23 sur 37",
    "<svg><path d='M 0 0 L 10 10 Z'/><text>Satisfaction</text></svg>", "Réponse : oui/non", "Sources: C:",
])
def test_pas_de_faux_chemin(tmp_path, texte):
    path = tmp_path / "p.html"
    path.write_text(page(texte), "utf-8")
    assert natures_de(path, racines=["/work/cln"]) == set()


@pytest.mark.parametrize(("texte", "nature"), [
    ("Traceback (most recent call last):\n  boom", TRACE),
    ('  File "retours.py", line 12, in lire', TRACE),
    ("Cell In[3], line 5", TRACE),
    ("reader.py:329: UserWarning: Data Validation extension is not supported", AVERTISSEMENT),
    ("DeprecationWarning: datetime.utcnow() is deprecated", AVERTISSEMENT),
    ("FutureWarning: Downcasting", AVERTISSEMENT),
    ("  warnings.warn(msg)", AVERTISSEMENT),
])
@pytest.mark.parametrize("fmt", FORMATS)
def test_traces_et_avertissements(tmp_path, fmt, texte, nature):
    path = FORMATS[fmt](tmp_path, texte)
    assert natures_de(path) == {nature}


def test_une_sortie_d_erreur_d_un_notebook_est_une_trace(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1/0")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                           traceback=["ZeroDivisionError: division by zero"])]
    nb.cells.append(cell)
    nbformat.write(nb, tmp_path / "x.ipynb")
    assert natures_de(tmp_path / "x.ipynb") == {TRACE}


def test_plusieurs_fuites_d_un_fichier_et_fichiers_absents(tmp_path, collecteur):
    path = html(tmp_path, f"{NOM} — /home/jm/x.csv — Traceback (most recent call last)")
    fuites = balayer([path, tmp_path / "absent.html"], collecteur, [], racine=tmp_path)
    assert [(f.fichier, f.nature) for f in fuites] == sorted(
        ("retours.html", n) for n in (PERSONNELLE, CHEMIN, TRACE))


# --- the shipped reports: no false positive, and cheap -------------------------------------------------------

def sorties(root: Path) -> list[Path]:
    return sorted(p for d in ("reports", "data/processed", "build") for p in (root / d).rglob("*") if p.is_file())


def test_aucune_fausse_alerte_sur_les_rapports_produits(depot_produit):
    """Every output of a full run, scanned with the example inputs' names and comments collected (the grid's
    members are named in its example file; the reports must publish none of them) and the copy's folders."""
    c = Collecteur()
    with open(depot_produit / "data/raw/grille_notes_exemple.csv", encoding="utf-8") as fh:
        membres = [row["repondant"] for row in csv.DictReader(fh)]
    with open(depot_produit / "data/raw/retours_exemple.csv", encoding="utf-8") as fh:
        commentaires = [row["commentaire"] for row in csv.DictReader(fh) if row["commentaire"]]
    assert len(membres) >= 5 and len(commentaires) >= 5
    c.ajouter_tout(membres + commentaires + [COMMENTAIRE, IP, COURRIEL])
    fichiers = sorties(depot_produit)
    assert {p.suffix for p in fichiers} >= {".html", ".ipynb", ".csv", ".xlsx", ".json"}
    racines = balayage.racines_par_defaut() + [str(depot_produit)]
    assert balayer(fichiers, c, racines, racine=depot_produit) == []  # its cost is measured by benchmarks/bench.py
    # the same outputs do show a leak once one is planted (the scan looks where it should)
    page_ = depot_produit / "reports" / "retours.html"
    texte = page_.read_text("utf-8")
    for planque in (membres[0], commentaires[0]):
        assert c.trouve(texte.replace("</body>", f"<p>{echapper(planque)}</p></body>"))


# --- warnings captured in the kernel -------------------------------------------------------------------------

X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"


def classeur_liste_deroulante(path: Path, lignes: list[list] | None = None, plage: str = "A2:A100") -> Path:
    """A sheet with a drop-down list fed from another sheet, as Excel saves it: in the worksheet's `extLst`,
    an `ext` of URI {CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF} holding `x14:dataValidations` ([MS-XLSX] §2.6.x,
    CT_DataValidations in the x14 namespace; the URI openpyxl's `openpyxl.xml.constants.EXT_TYPES` names
    « Data Validation », and on which its reader `openpyxl/worksheet/_reader.py` `parse_extensions` warns
    « Data Validation extension is not supported and will be removed » — read in openpyxl 3.1.5's source:
    openpyxl cannot write that extension, so it is injected into the saved zip). `lignes`: the first sheet's
    rows (header first; by default one column, « satisfaction »); `plage`: the cells the list feeds."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Réponses"
    for ligne in lignes or [["satisfaction"], ["satisfait"]]:
        ws.append(ligne)
    listes = wb.create_sheet("Listes")
    for v in ("satisfait", "neutre", "déçu"):
        listes.append([v])
    wb.save(path)
    ext = (f'<extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
           f'<x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" allowBlank="1" '
           f'showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>Listes!$A$1:$A$3</xm:f></x14:formula1>'
           f'<xm:sqref>{plage}</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')
    with zipfile.ZipFile(path) as z:
        membres = {i.filename: z.read(i) for i in z.infolist()}
    feuille = "xl/worksheets/sheet1.xml"
    membres[feuille] = membres[feuille].replace(b"</worksheet>", ext.encode() + b"</worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for nom, contenu in membres.items():
            z.writestr(nom, contenu)
    return path


def test_l_avertissement_d_openpyxl_est_dit_en_francais_sans_chemin(tmp_path, capfd):
    path = classeur_liste_deroulante(tmp_path / "retours.xlsx")
    with balayage.capturer_avertissements() as capture:
        wb = openpyxl.load_workbook(path)
    assert wb["Réponses"]["A2"].value == "satisfait"
    (w,) = capture.enregistres
    assert w.category is UserWarning and "Data Validation extension" in str(w.message)
    assert "site-packages" in w.filename or "openpyxl" in w.filename  # what must not reach a published file
    phrases = capture.phrases()
    assert phrases == ["le classeur contient des listes déroulantes (validation des données) : elles ne sont "
                       "pas lues, les valeurs des cellules sont lues telles qu'elles sont."]
    sortie = capfd.readouterr()
    tout = "\n".join(phrases) + sortie.out + sortie.err
    assert "Warning" not in tout and "openpyxl" not in tout
    for chemin in (sys.prefix, tempfile.gettempdir(), str(tmp_path), str(Path.home()), "site-packages"):
        assert chemin not in tout
    assert balayage.natures(phrases, None, balayage.racines_par_defaut()) == set()


def test_un_avertissement_inconnu_ne_dit_que_sa_categorie_et_sa_bibliotheque():
    with balayage.capturer_avertissements() as capture:
        warnings.warn_explicit("/home/jm/secret.csv: colonne bizarre", RuntimeWarning,
                               "/home/jm/.venv/lib/python3.11/site-packages/pandas/core/frame.py", 12)
        warnings.warn("encore", DeprecationWarning, stacklevel=1)
        warnings.warn("encore", DeprecationWarning, stacklevel=1)
    assert capture.phrases() == [
        "la bibliothèque pandas a émis un avertissement (RuntimeWarning) : relancez avec --debug pour le voir.",
        "la bibliothèque Python a émis un avertissement (DeprecationWarning) : relancez avec --debug pour le voir."]
    # with --debug (the terminal only), each warning's own text follows
    assert capture.phrases(brut=True)[2:] == [
        "(--debug) /home/jm/.venv/lib/python3.11/site-packages/pandas/core/frame.py:12: RuntimeWarning: "
        "/home/jm/secret.csv: colonne bizarre"] + [
        f"(--debug) {__file__}:{w.lineno}: DeprecationWarning: encore" for w in capture.enregistres[1:]]



def test_les_avertissements_du_processus_sont_enregistres_puis_rendus(capfd):
    """The runner's side: shown warnings of any thread recorded instead of printed, the filters left as they
    are (an ignored one stays ignored), `showwarning` given back afterwards."""
    import threading

    avant = warnings.showwarning
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.filterwarnings("ignore", "cache", DeprecationWarning)
        with balayage.avertissements_du_processus() as vus:
            fil = threading.Thread(target=warnings.warn_explicit, args=(
                "Cell is missing an id field", UserWarning, "/opt/venv/lib/site-packages/nbformat/validator.py", 3))
            fil.start()
            fil.join()
            warnings.warn("cache", DeprecationWarning, stacklevel=1)
        assert warnings.showwarning is avant
    (w,) = vus.enregistres
    assert w.filename.endswith("nbformat/validator.py")
    assert vus.phrases() == [balayage.PHRASES[-1][1]]
    sortie = capfd.readouterr()
    assert sortie.out + sortie.err == ""


# --- an error message, before it is shown or written ---------------------------------------------------------

@pytest.mark.parametrize(("message", "etranger", "attendu"), [
    ("[Errno 2] No such file or directory: '/tmp/Users/marie.dupont/Documents/x.csv'", True,
     "[Errno 2] No such file or directory: « x.csv »"),
    ("could not convert string to float: 'Jeanne Martin'", True, "could not convert string to float: « … »"),
    ('time data "06 12 34 56 78" doesn\'t match format "%d/%m/%Y", at position 0.', True,
     "time data « … » doesn't match format « … », at position 0."),
    (r"lu dans C:\Users\marie.dupont\Documents\retours.xlsx, ligne 3", True, "lu dans retours.xlsx, ligne 3"),
    (r"\\serveur\partage\marie\appels.csv absent", True, "appels.csv absent"),
    ("lu dans ~/Documents/retours.csv et /home/marie/Mes_documents/grille.xlsx", True,
     "lu dans retours.csv et grille.xlsx"),
    ("Error tokenizing data. C error: Expected 3 fields in line 5, saw 4\n", True,
     "Error tokenizing data. C error: Expected 3 fields in line 5, saw 4"),
    ("24/7, et/ou 1/2 : https://www.roubaix.fr/a/b", True, "24/7, et/ou 1/2 : https://www.roubaix.fr/a/b"),
    # the package's own message (French, its « quotations » of a file that holds no personal data) is kept
    ("budget.csv, ligne 3, colonne « annee » : valeur « deux mille » illisible", False,
     "budget.csv, ligne 3, colonne « annee » : valeur « deux mille » illisible"),
    ("valeur 'x' de /tmp/Users/marie.dupont/budget.csv", False, "valeur 'x' de budget.csv"),
])
def test_reduire_message(message, etranger, attendu):
    assert balayage.reduire_message(message, etranger) == attendu


def test_reduire_message_relatif_au_depot_et_repli():
    from cln_analysis import config

    assert balayage.reduire_message(f"'{config.ROOT / 'data/raw/territoire.csv'}' absent", True) == \
        "« data/raw/territoire.csv » absent"
    assert balayage.reduire_message(f"écrit dans {config.ROOT}/reports/x.html", False) == \
        "écrit dans reports/x.html"
    c = Collecteur()
    c.ajouter("Jeanne Martin")
    repli = balayage.reduire_message("KeyError : Jeanne Martin", True, c, repli="KeyError")
    assert repli == "KeyError"
    assert "Jeanne" not in balayage.reduire_message("colonne Jeanne Martin", False, c)
    # a warning's location or a trace left after the paths are named: never the text
    for texte in ("x.py:12: UserWarning: y", 'Traceback (most recent call last):\n  File "<x>", line 3'):
        assert balayage.reduire_message(texte, True, repli="R") == "R"
    long = "could not parse " + "a" * 400
    assert len(balayage.reduire_message(long, True)) == balayage.MESSAGE_MAX + 1


# --- files of reports/ no run made ---------------------------------------------------------------------------

def test_fichiers_etrangers(tmp_path):
    reports = tmp_path / "reports"
    attendus = [reports / "index.html", reports / "retours.html", reports / "notebooks" / "retours.ipynb"]
    for p in attendus + [reports / "README.md", reports / "notebooks" / ".budget.ipynb.k3j2.tmp",
                         reports / "questionnaire rempli.xlsx", reports / "audit" / "copie de retours.html"]:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", "utf-8")
    (reports / "vide").mkdir()
    assert balayage.fichiers_etrangers(reports, attendus) == [
        reports / "audit" / "copie de retours.html", reports / "notebooks" / ".budget.ipynb.k3j2.tmp",
        reports / "questionnaire rempli.xlsx"]
    assert balayage.fichiers_etrangers(reports, [str(p) for p in attendus]) == balayage.fichiers_etrangers(
        reports, attendus)


# --- naming inputs, cleaning an executed notebook ------------------------------------------------------------

@pytest.mark.parametrize(("chemin", "public", "attendu"), [
    (r"C:\Users\marie.dupont\Documents\x.xlsx", False, "x.xlsx"),
    (r"C:\Users\marie.dupont\Documents\x.xlsx", True, "x.xlsx"),
    ("C:/Users/marie.dupont/x.xlsx", False, "x.xlsx"),
    (r"\\serveur\partage\retours.csv", False, "retours.csv"),
    ("/home/jm/Téléchargements/retours.csv", False, "retours.csv"),
    ("data/raw/retours_exemple.csv", False, "data/raw/retours_exemple.csv"),
    ("data/raw/retours_exemple.csv", True, "retours_exemple.csv"),
    (r"donnees_personnelles\retours.xlsx", False, "donnees_personnelles/retours.xlsx"),
    ("../ailleurs/retours.csv", False, "retours.csv"),
])
def test_nommer_entree(tmp_path, chemin, public, attendu):
    assert balayage.nommer_entree(chemin, tmp_path, public=public) == attendu


def test_nommer_entree_absolue_dans_le_depot(tmp_path):
    dedans = tmp_path / "donnees_personnelles" / "retours.xlsx"
    assert balayage.nommer_entree(dedans, tmp_path) == "donnees_personnelles/retours.xlsx"
    assert balayage.nommer_entree(str(dedans), tmp_path, public=True) == "retours.xlsx"


def test_nettoyer_un_notebook_execute(depot_produit, tmp_path):
    """The executed notebook of a real run (papermill's own metadata), with what JupyterLab and an officer's
    run add: it keeps what papermill needs, loses the rest, and names no absolute path."""
    nb = json.loads((depot_produit / "reports/notebooks/retours.ipynb").read_text("utf-8"))
    assert {"kernelspec", "papermill"} <= nb["metadata"].keys()
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"x": 1}}}
    nb["metadata"]["toc"] = {"base_numbering": 1}
    pm = nb["metadata"]["papermill"]
    pm.update(input_path=str(depot_produit / "notebooks/retours.ipynb"),
              output_path=r"C:\Users\marie.dupont\AppData\Local\Temp\tmpx\retours.ipynb",
              parameters={"donnees": DOSSIER, "annee": 2026, "seuil": "0,5"},
              environment_variables={"HOME": "/home/marie"})
    injected = nbformat.v4.new_code_cell('# Parameters\ndonnees = "C:\\\\Users\\\\marie.dupont\\\\Documents\\\\'
                                         'retours.xlsx"\nannee = 2026\n')
    injected["metadata"] = {"tags": ["injected-parameters"], "papermill": {"status": "completed"}}
    nb["cells"].insert(3, dict(injected))
    premier = nb["cells"][0]
    premier["metadata"].update(collapsed=True, jupyter={"source_hidden": True}, editable=False)
    premier["attachments"] = {"image.png": {"image/png": "iVBORw0KGgo="}}
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and c.get("outputs"))
    code["outputs"].append({"output_type": "display_data", "metadata": {},
                            "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
                                     "text/plain": "Slider"}})
    tags = [c["metadata"].get("tags") for c in nb["cells"]]

    propre = balayage.nettoyer_notebook(nb, depot_produit)
    assert set(propre["metadata"]) == {"kernelspec", "language_info", "papermill"}
    pm = propre["metadata"]["papermill"]
    assert pm["input_path"] == "notebooks/retours.ipynb" and pm["output_path"] == "retours.ipynb"
    assert pm["parameters"] == {"donnees": "retours.xlsx", "annee": 2026, "seuil": "0,5"}
    assert "environment_variables" not in pm and pm["version"] and pm["duration"] > 0
    assert [c["metadata"].get("tags") for c in propre["cells"]] == tags
    assert all(set(c["metadata"]) <= {"tags", "papermill"} for c in propre["cells"])
    assert all("attachments" not in c for c in propre["cells"])
    assert propre["cells"][3]["source"] == '# Parameters\ndonnees = "retours.xlsx"\nannee = 2026\n'
    assert "application/vnd.jupyter.widget-view+json" not in json.dumps(propre)
    path = tmp_path / "retours.ipynb"
    path.write_text(json.dumps(propre), "utf-8")
    nbformat.validate(nbformat.read(path, as_version=4))
    assert balayer([path], None, balayage.racines_par_defaut() + [str(depot_produit)], racine=tmp_path) == []


def test_the_attributes_that_hold_words_are_read_whatever_their_case_and_only_as_whole_names():
    balise = '<p dataalt="non1" data-alt="oui1" ALT="oui2" Aria-Label = \'oui3\' d="non2" xtitle="non3">texte</p>'
    assert sorted(balayage._lisible(balise).split()) == ["oui1", "oui2", "oui3", "texte"]
    # the long s matches « s » case-insensitively (re's documented exception): still read
    assert sorted(balayage._lisible(balise.replace("d=", "\u017fummary=")).split()) == \
        ["non2", "oui1", "oui2", "oui3", "texte"]


def test_with_nothing_collected_a_large_page_is_still_scanned_for_paths_and_traces(tmp_path):
    # an empty collector finds no personal string: the page's readable text is then not built, the rest is checked
    page = tmp_path / "p.html"
    page.write_text("<table>" + "<tr><td>ligne</td></tr>" * 50_000 + "<td title=\"/home/agent/x\">"
                    + "Traceback (most recent call last)</td></table>", encoding="utf-8")
    natures = {f.nature for f in balayer([page], Collecteur(), [], racine=tmp_path)}
    assert natures == {CHEMIN, TRACE}
    collecteur = Collecteur()
    collecteur.ajouter("Mme Dupont")
    page.write_text('<p aria-label="Mme Dupont">x</p>', encoding="utf-8")
    assert {f.nature for f in balayer([page], collecteur, [], racine=tmp_path)} == {PERSONNELLE}


def test_every_attribute_name_of_the_search_starts_with_a_literal_it_is_skipped_without():
    # `_valeurs_attributs` skips its search in a text holding none of `_NOMS_ATTRIBUTS`: each alternative of
    # the pattern must start with one of them, or a match would be missed
    noms = re.match(r"\\b\(\?:([^)]*)\)", balayage._ATTRIBUT.pattern).group(1).split("|")
    assert noms and all(any(n.startswith(lit) for lit in balayage._NOMS_ATTRIBUTS) for n in noms)
    assert list(balayage._valeurs_attributs('<svg><path d="M0"/></svg>')) == []
    assert list(balayage._valeurs_attributs('<p DATA-x="Mme Dupont">')) == ["Mme Dupont"]


def test_the_runs_folder_in_memory_is_a_local_root(monkeypatch):
    # a page naming a run's temporary folder in memory (`fichiers.dossier_temporaire`) names a local folder
    from cln_analysis import fichiers

    monkeypatch.setattr(fichiers, "dossier_temporaire", lambda: "/run/cln-memoire")
    assert "/run/cln-memoire" in balayage.racines_par_defaut()
    page = ["<p>lu dans /run/cln-memoire/cln-prelecture-12-ab/lignes.pickle</p>"]
    assert balayage.natures(page) == set()  # not a path any page would show: only the roots name it as local
    assert balayage.natures(page, racines_locales=balayage.racines_par_defaut()) == {CHEMIN}
