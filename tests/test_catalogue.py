"""rapports.toml read into typed declarations: fields, figure patterns, key-figure templates, run order."""

import csv
import re
import tomllib
from pathlib import Path

import pytest

from cln_analysis import catalogue, config
from cln_analysis.catalogue import ErreurDeclaration, lire_declarations

REPO = Path(__file__).resolve().parents[1]


def _toml(*blocs: str, ordre: str = "") -> str:
    return (ordre + "\n" if ordre else "") + "\n".join(
        f'[[rapport]]\nid = "{b}"\ntitre = "T {b}"\ndescription = "D"\nfigures = ["{b}.*"]\n' + extra
        for b, extra in (x.split("|", 1) if "|" in x else (x, "") for x in blocs))


def test_the_repository_declares_every_report_once_in_index_order():
    brut = tomllib.loads((REPO / "rapports.toml").read_text(encoding="utf-8"))
    assert catalogue.ids() == [b["id"] for b in brut["rapport"]]
    assert [r.titre for r in catalogue.rapports()] == [b["titre"] for b in brut["rapport"]]
    for r in catalogue.rapports():
        assert r.notebook.is_file(), r.id
        assert set(r.personnels) <= set(r.entrees)


def test_no_year_is_written_in_a_key_figure():
    for r in catalogue.rapports():
        for modele in r.chiffres_cles:
            assert not re.search(r"\d{4}", modele), modele


def test_every_figure_of_figures_csv_matches_its_reports_patterns():
    with (REPO / "data/processed/figures.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 100
    for row in rows:
        assert catalogue.par_id(row["report"]).produit(row["figure_id"]), row["figure_id"]
        autres = [r.id for r in catalogue.rapports() if r.id != row["report"] and r.produit(row["figure_id"])]
        assert autres == [], (row["figure_id"], autres)


def test_patterns_tell_an_unknown_id_from_one_absent():
    appels = catalogue.par_id("appels")
    assert appels.produit("appels.2031.taux_decroche_agent")  # absent from this run, but possible
    assert not appels.produit("appels.2025")  # not a figure
    assert not appels.produit("appels.25.recus")  # not a year
    assert not appels.produit("appels.2025.recus.total")  # one word only after the year
    assert not catalogue.par_id("grille").produit("grille.usage.variance")


def test_a_key_figure_takes_the_latest_year_and_a_missing_one_gives_no_card():
    appels = catalogue.par_id("appels")
    ids = ["appels.2023.recus", "appels.2025.recus", "appels.2024.recus", "appels.2024.taux_decroche"]
    assert appels.chiffres_cles_de(ids) == ["appels.2025.recus", "appels.2024.taux_decroche"]
    assert appels.chiffres_cles_de([]) == []


def test_run_order_follows_dependencies_then_the_declared_order():
    texte = _toml("a", 'b|depend_de = ["c"]\n', "c", 'd|depend_de = ["b", "a"]\n',
                  ordre='ordre_execution = ["d", "b", "a", "c"]')
    decl = lire_declarations(texte)
    assert [r.id for r in decl.rapports] == ["a", "b", "c", "d"]  # index order: the file's
    assert catalogue.ordre_topologique(decl, ["a", "b", "c", "d"]) == ["a", "c", "b", "d"]
    assert catalogue.ordre_topologique(decl, ["b", "a"]) == ["b", "a"]  # c not selected: b waits for nothing


def test_a_dependency_cycle_or_an_unknown_report_is_a_clear_error():
    with pytest.raises(ErreurDeclaration, match="dépendances en cercle : (a → b → a|b → a → b)"):
        lire_declarations(_toml('a|depend_de = ["b"]\n', 'b|depend_de = ["a"]\n'))
    with pytest.raises(ErreurDeclaration, match="rapport « a » : depend_de nomme un rapport inconnu « z »"):
        lire_declarations(_toml('a|depend_de = ["z"]\n'))
    with pytest.raises(ErreurDeclaration, match="le rapport « a » est déclaré deux fois"):
        lire_declarations(_toml("a", "a"))
    with pytest.raises(ErreurDeclaration, match="ordre_execution doit nommer chaque rapport une fois"):
        lire_declarations(_toml("a", "b", ordre='ordre_execution = ["a"]'))
    with pytest.raises(ErreurDeclaration, match="champ inconnu « depends_on »"):
        lire_declarations(_toml('a|depends_on = ["b"]\n'))
    with pytest.raises(ErreurDeclaration, match="chiffre clé « a.x.y » n'est couvert par aucun motif"):
        lire_declarations(_toml('a|chiffres_cles = ["a.x.y"]\n'))
    with pytest.raises(ErreurDeclaration, match="rapports.toml illisible"):
        lire_declarations("[[rapport]\n")


def test_waves_sources_and_dependants(tmp_path):
    (tmp_path / "rapports.toml").write_text(
        _toml("a", 'b|depend_de = ["a"]\n', 'c|depend_de = ["b"]\n', "d"), encoding="utf-8")
    with config.racine(tmp_path):
        assert catalogue.niveaux(["a", "b", "c", "d"]) == [["a", "d"], ["b"], ["c"]]
        assert sorted(catalogue.sources(["c"])) == ["a", "b", "c"]
        assert catalogue.dependants(["a"]) == ["b", "c"]
        assert catalogue.dependants(["d"]) == []
    assert catalogue.ids()[0] == "bilan"  # back on the repository's declarations (bilan first on the index)


def test_required_context_rows_are_declared():
    assert catalogue.lignes_requises("territoire")["precarite_numerique"] == catalogue.Bornes(0, 1)
    assert catalogue.lignes_requises("budget_mandate") == {}


def test_fictitious_inputs_are_the_data_packages_invented_examples():
    import json

    ressources = json.loads((REPO / "data/raw/datapackage.json").read_text(encoding="utf-8"))["resources"]
    inventees = sorted(r["name"] for r in ressources if r.get("fictif"))
    declarees = sorted(n for r in catalogue.rapports() for n in r.fictifs)
    assert declarees == inventees
    assert catalogue.par_id("grille").banniere.startswith("Ce rapport est calculé sur un exemple inventé")


def test_every_declared_check_rule_exists_and_names_a_described_resource():
    import json

    from cln_analysis import verification

    paquet = json.loads((REPO / "data/raw/datapackage.json").read_text(encoding="utf-8"))
    noms = {r["name"] for r in paquet["resources"]}
    regles = verification.regles()
    declarees = {res for r in catalogue.rapports() for res, _ in r.verification}
    assert declarees <= noms and declarees | {"chiffres_publies"} == set(regles)
    assert all(callable(f) for f in regles.values())
