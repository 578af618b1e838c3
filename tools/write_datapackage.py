"""Write data/raw/datapackage.json from the declarative files of tools/datapackage/.

`tools/datapackage/paquet.json` holds the package's own fields, the fields every resource shares
(`x-defauts-ressource`) and the order of the resources; each `tools/datapackage/<resource>.json` is one resource,
its Table Schema and its sources, as JSON. Two kinds of schema field are not typed there but read from what
defines them, so that the schema and the readers cannot drift apart:

- `{"x-un-champ-par-critere": {...}}` is one field per criterion of data/raw/grille_criteres.csv (in its `ordre`),
  `{critere}` and `{titre}` replaced by the criterion's id and title;
- `{"x-question": "canal", ...}` is the questionnaire's question of that id (`cln_analysis.retours.QUESTIONS`):
  its label as title, its text as description, its answers as `enum` (unless the field gives its constraints);
- `{"x-champs-du-schema": "scdl_budget"}` is every field of the shipped schema data/raw/schemas/<name>.json (the
  national SCDL « Budget » schema for the budget lines), in its order.

data/raw/datapackage.json is never edited by hand (tests/test_datapackage.py fails when it differs from what
this script writes); run `.venv/bin/python tools/write_datapackage.py` after editing a declarative file. The
schemas of inputs accepted but not shipped, data/raw/schemas/*.json, are edited by hand (a test checks them).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cln_analysis.retours import QUESTIONS

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
DECLARATIONS = Path(__file__).resolve().parent / "datapackage"


def _lire(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def criteres() -> list[dict[str, str]]:
    """The grid's criteria as data/raw/grille_criteres.csv lists them, in their `ordre`."""
    with open(RAW / "grille_criteres.csv", encoding="utf-8", newline="") as fh:
        return sorted(csv.DictReader(fh), key=lambda c: int(c["ordre"]))


def _champs(champ: dict) -> list[dict]:
    """A declared field, or the fields a template stands for."""
    if "x-un-champ-par-critere" in champ:
        modele = champ["x-un-champ-par-critere"]
        return [{k: (v.format(critere=c["critere"], titre=c["titre"]) if isinstance(v, str) else v)
                 for k, v in modele.items()} for c in criteres()]
    if "x-champs-du-schema" in champ:
        return _lire(RAW / "schemas" / f"{champ['x-champs-du-schema']}.json")["fields"]
    if "x-question" in champ:
        q = QUESTIONS[champ["x-question"]]
        contraintes = champ.get("constraints", {"enum": list(q.reponses)})
        return [{"name": q.id, "type": champ["type"], "title": q.libelle, "description": q.texte,
                 "constraints": contraintes}]
    return [champ]


def paquet() -> dict:
    """The data package descriptor, assembled."""
    decl = _lire(DECLARATIONS / "paquet.json")
    defauts = decl.pop("x-defauts-ressource")
    ressources = []
    for nom in decl["resources"]:
        r = _lire(DECLARATIONS / f"{nom}.json")
        r["schema"]["fields"] = [c for champ in r["schema"]["fields"] for c in _champs(champ)]
        ressources.append(r | defauts)
    return decl | {"resources": ressources}


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def fichiers() -> dict[Path, str]:
    """Every file this script writes, with its exact text."""
    return {RAW / "datapackage.json": _json(paquet())}


if __name__ == "__main__":
    for path, text in fichiers().items():
        path.write_text(text, encoding="utf-8")
    print("datapackage.json écrit :", len(paquet()["resources"]), "ressources")
