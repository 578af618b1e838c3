"""The four documents, one reader each (issue 21, point 7): the README stays short, the guide lists every input
file's columns as data/raw/datapackage.json declares them, and no section is said twice."""

import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = {nom: (REPO / nom).read_text(encoding="utf-8")
        for nom in ("README.md", "docs/guide.md", "docs/methode.md", "docs/contribuer.md")}


def test_the_readme_is_for_the_newcomer():
    readme = DOCS["README.md"]
    assert len(readme.encode("utf-8")) <= 10_000
    for lien in ("docs/guide.md", "docs/methode.md", "docs/contribuer.md", "make reports", "make test"):
        assert lien in readme
    assert not re.search(r"\d+,\d+ s\b|\d+ min \d+ s", readme), "des mesures de temps datées dans le README"


def test_the_guide_gives_every_input_files_columns_with_their_french_titles():
    paquet = json.loads((REPO / "data/raw/datapackage.json").read_text(encoding="utf-8"))
    guide = DOCS["docs/guide.md"]
    section = guide[guide.index("## 11. Les fichiers d'entrée"):]
    for ressource in paquet["resources"]:
        fichier = Path(ressource["path"]).name
        assert f"### `{fichier}`" in section, fichier
        bloc = section[section.index(f"### `{fichier}`"):]
        bloc = bloc[: bloc.find("\n### ", 5) if "\n### " in bloc[5:] else len(bloc)]
        for champ in ressource["schema"]["fields"]:
            assert f"| `{champ['name']}` | {champ.get('title', '')} |" in bloc, (fichier, champ["name"])
        entete = (REPO / "data/raw" / fichier).read_text(encoding="utf-8").splitlines()[0]
        assert entete[:150] in bloc, f"{fichier} : l'exemple n'est pas le début du fichier livré"


def test_no_section_is_said_twice():
    vus = {}
    for nom, texte in DOCS.items():
        for titre in re.findall(r"^#{2,3} (.+)$", texte, re.M):
            cle = re.sub(r"^\d+\. ", "", titre).strip().lower()
            if cle.startswith("`"):  # the guide's per-file headings
                continue
            assert cle not in vus, f"« {titre} » dans {nom} et dans {vus.get(cle)}"
            vus[cle] = nom


def test_the_developers_guide_explains_the_reading_layer():
    texte = DOCS["docs/contribuer.md"]
    section = texte[texte.index("\n## Reading a file: the reading layer\n"):]
    assert "ouvrir(" in section and "personnel" in section


def test_the_guides_input_files_section_is_what_the_tool_writes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("ecrire_guide_fichiers", REPO / "tools/ecrire_guide_fichiers.py")
    outil = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(outil)
    guide = DOCS["docs/guide.md"]
    assert outil.guide(guide) == guide, "lancez .venv/bin/python tools/ecrire_guide_fichiers.py"
