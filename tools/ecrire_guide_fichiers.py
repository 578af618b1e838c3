"""Write section 11 of docs/guide.md (« Les fichiers d'entrée ») from data/raw/datapackage.json.

Each raw file gets its heading, the table of its columns (name, French title, description, « facultative » when not
required, allowed values) and the first lines of the shipped file. The section's introduction stays as written; the
rest is replaced. tests/test_docs.py fails when the guide differs from what this script writes: after a change to
tools/datapackage/, run tools/write_datapackage.py, then this script.
"""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "guide.md"
#: A shipped line longer than this is cut in the example (the table above says what every column holds).
COUPE = 197
TITRE = "## 11. Les fichiers d'entrée : colonnes, formats, exemples"


def _contenu(champ: dict) -> str:
    c = champ.get("constraints", {})
    texte = champ.get("description", "")
    if not c.get("required"):
        texte += " (facultative)"
    if "enum" in c:
        texte += " Valeurs : " + ", ".join(f"`{v}`" for v in c["enum"]) + "."
    return texte.replace("|", "\\|")


def bloc(ressource: dict) -> str:
    fichier = Path(ressource["path"]).name
    lignes = [f"### `{fichier}` — {ressource['title']}", "", "| colonne | titre | contenu |", "|---|---|---|"]
    lignes += [f"| `{c['name']}` | {c.get('title', '')} | {_contenu(c)} |" for c in ressource["schema"]["fields"]]
    debut = [ligne if len(ligne) <= COUPE else ligne[:COUPE] + "…"
             for ligne in (REPO / "data" / "raw" / fichier).read_text(encoding="utf-8").splitlines()[:3]]
    lignes += ["", "Exemple (début du fichier livré) :", "", "```text", *debut, "```"]
    return "\n".join(lignes) + "\n"


def guide(texte: str) -> str:
    """The guide with section 11 written anew (it is the last section)."""
    paquet = json.loads((REPO / "data" / "raw" / "datapackage.json").read_text(encoding="utf-8"))
    debut = texte.index(TITRE)
    intro_fin = texte.index("\n### ", debut) + 1
    return texte[:intro_fin] + "\n".join(bloc(r) for r in paquet["resources"])


if __name__ == "__main__":
    GUIDE.write_text(guide(GUIDE.read_text(encoding="utf-8")), encoding="utf-8")
    print("docs/guide.md : section 11 écrite")
