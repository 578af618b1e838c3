"""The notebooks only tell: a parameters cell, then calls into the package and displays (issue 21, point 1).

No function or class definition, no loop, no comprehension, no `if` statement, no string built with `+` or an f-string
in a cell, at most LIGNES lines of code per cell (blank lines and comments aside), every line within 120 characters
outside the parameters cell. A conditional expression choosing a value (`x if projets else None`) is allowed: it
builds no text."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
LIGNES = 10
INTERDITS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.For, ast.AsyncFor, ast.While,
             ast.If, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.JoinedStr, ast.Try, ast.With)


def defauts(source: str) -> list[str]:
    """What a notebook cell must not hold, in words (empty when the cell only calls and displays)."""
    out = []
    arbre = ast.parse(source)
    for noeud in ast.walk(arbre):
        if isinstance(noeud, INTERDITS):
            out.append(f"ligne {noeud.lineno} : {type(noeud).__name__}")
        elif (isinstance(noeud, ast.BinOp) and isinstance(noeud.op, (ast.Add, ast.Mod))
              and any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in (noeud.left, noeud.right))):
            out.append(f"ligne {noeud.lineno} : texte assemblé dans la cellule")
    code = [ligne for ligne in source.splitlines() if ligne.strip() and not ligne.strip().startswith("#")]
    if len(code) > LIGNES:
        out.append(f"{len(code)} lignes de code (au plus {LIGNES})")
    out += [f"ligne {i} : {len(ligne)} caractères"
            for i, ligne in enumerate(source.splitlines(), 1) if len(ligne) > 120]
    return out


@pytest.mark.parametrize("source, attendu", [
    ("display(*textes.essentiel(r, annee))", []),
    ("liste = r.charger('cvs_projets', projets) if projets else None", []),
    ("for c in cvs.chiffres(a):\n    r.chiffre(**c)", ["ligne 1 : For"]),
    ("noms = [cvs.LIBELLES[c] for c in vue]", ["ligne 1 : ListComp"]),
    ("if dem is None:\n    display(x)", ["ligne 1 : If"]),
    ("alt = f'Diagramme : {n}'", ["ligne 1 : JoinedStr"]),
    ("alt = 'Diagramme : ' + n", ["ligne 1 : texte assemblé dans la cellule"]),
    ("def f():\n    pass", ["ligne 1 : FunctionDef"]),
    ("\n".join(f"x{i} = {i}" for i in range(11)), ["11 lignes de code (au plus 10)"]),
])
def test_the_rule_sees_what_it_forbids(source, attendu):
    assert defauts(source) == attendu


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_only_calls_and_displays(chemin):
    nb = nbformat.read(chemin, as_version=4)
    assert nb.metadata.get("kernelspec"), f"{chemin.name} : metadata.kernelspec manque (papermill en a besoin)"
    parametres = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parametres) == 1, f"{chemin.name} : une seule cellule de paramètres"
    problemes = {}
    for i, cellule in enumerate(nb.cells):
        if cellule.cell_type != "code" or cellule is parametres[0]:
            continue
        assert not cellule.get("outputs"), f"{chemin.name}, cellule {i} : sorties enregistrées"
        if d := defauts(cellule.source):
            problemes[i] = d
    assert not problemes, f"{chemin.name} : {problemes}"
