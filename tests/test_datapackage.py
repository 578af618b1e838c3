"""data/raw/datapackage.json is assembled by tools/write_datapackage.py from the declarative files of
tools/datapackage/: the two never drift apart, and nothing there retypes what another file defines."""

import importlib.util
import json

import pandas as pd
from conftest import REPO

from cln_analysis.retours import QUESTIONS

DECLARATIONS = REPO / "tools" / "datapackage"


def _outil():
    spec = importlib.util.spec_from_file_location("write_datapackage", REPO / "tools" / "write_datapackage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ressource(nom):
    paquet = json.loads((REPO / "data" / "raw" / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in paquet["resources"] if r["name"] == nom)


def test_the_tool_reproduces_the_committed_descriptors_byte_for_byte():
    written = _outil().fichiers()
    assert REPO / "data" / "raw" / "datapackage.json" in written
    for path, text in written.items():
        assert path.read_bytes() == text.encode("utf-8"), (
            f"{path.relative_to(REPO)} differs from what tools/write_datapackage.py writes: edit "
            "tools/datapackage/*.json, then run `python tools/write_datapackage.py`")


def test_the_descriptor_says_which_files_to_edit():
    text = (REPO / "data" / "raw" / "datapackage.json").read_text(encoding="utf-8")
    assert "tools/write_datapackage.py" in text and "tools/datapackage/" in text


def test_every_declared_resource_is_listed_once_and_every_listed_one_declared():
    ordre = json.loads((DECLARATIONS / "paquet.json").read_text(encoding="utf-8"))["resources"]
    fichiers = sorted(p.stem for p in DECLARATIONS.glob("*.json") if p.name != "paquet.json")
    assert sorted(ordre) == fichiers and len(set(ordre)) == len(ordre)


def test_the_criterion_fields_are_the_criteria_of_the_grid_never_retyped():
    grille = pd.read_csv(REPO / "data" / "raw" / "grille_criteres.csv", dtype=str).sort_values(
        "ordre", key=lambda s: s.astype(int))
    champs = _ressource("grille_notes_exemple")["schema"]["fields"]
    assert [(c["name"], c["title"]) for c in champs[1:]] == list(zip(grille["critere"], grille["titre"], strict=True))
    declarations = "".join(p.read_text(encoding="utf-8") for p in DECLARATIONS.glob("*.json"))
    for titre in grille["titre"]:
        assert json.dumps(titre, ensure_ascii=False) not in declarations, f"« {titre} » is retyped"


def test_the_questionnaire_fields_are_its_questions():
    champs = {c["name"]: c for c in _ressource("retours_exemple")["schema"]["fields"]}
    for qid, q in QUESTIONS.items():
        if qid in ("date", "commentaire"):
            continue
        assert (champs[qid]["title"], champs[qid]["description"]) == (q.libelle, q.texte)
        if q.reponses and qid != "satisfaction":  # a number from 1 to 5, below
            assert champs[qid]["constraints"]["enum"] == list(q.reponses)
    assert champs["satisfaction"]["constraints"] == {"minimum": 1, "maximum": 5}


def test_the_hand_edited_schemas_of_optional_inputs_are_table_schemas():
    types = {"string", "integer", "number", "year", "date", "boolean"}
    schemas = sorted((REPO / "data" / "raw" / "schemas").glob("*.json"))
    assert schemas
    for path in schemas:
        desc = json.loads(path.read_text(encoding="utf-8"))
        if "fields" in desc:  # a national Table Schema shipped as published (SCDL), with its source noted
            assert desc["x-source"] and desc["title"]
            schema = desc
        else:  # a resource of ours: named as its file
            assert desc["name"] == path.stem and desc["title"]
            schema = desc["schema"]
        noms = [f["name"] for f in schema["fields"]]
        assert len(set(noms)) == len(noms) and all(f["type"] in types for f in schema["fields"])
        assert set(schema.get("primaryKey", [])) <= set(noms)
