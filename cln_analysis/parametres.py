"""Report parameters: what a notebook declares, their types, and command-line values converted.

Read with `ast` from the notebook's `parameters` cell (no papermill import, so that deciding that
nothing changed stays fast). A default of None takes its type from the annotation
(`population: int | None = None`, or the older `"Optional[int]"`); the comment beside a parameter is its
help text.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import catalogue
from .erreurs import ErreurParametre, ErreurUsage


@dataclass(frozen=True)
class Parametre:
    nom: str
    type: str  # "int", "float", "bool", "str"
    optionnel: bool
    defaut: str
    aide: str


def parametres_declares(notebook: Path) -> dict[str, Parametre]:
    """The parameters a notebook declares in its `parameters` cell, with their types."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next((c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return {}
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    lines = source.splitlines()
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, ann = node.target.id, node.value, node.annotation
            is_text = isinstance(ann, ast.Constant) and isinstance(ann.value, str)
            annotation = ann.value if is_text else ast.unparse(ann)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, ""
        else:
            continue
        default = ast.unparse(value)
        annotation = annotation.replace(" ", "")
        optional = annotation.startswith("Optional[") or "None" in annotation.split("|") or default == "None"
        base = re.sub(r"^Optional\[(.*)\]$", r"\1", annotation)
        base = re.sub(r"^(.*)\|None$|^None\|(.*)$", r"\1\2", base)  # int | None
        if base in ("", "None"):
            try:
                literal = ast.literal_eval(value)
            except ValueError:
                literal = default
            base = {bool: "bool", int: "int", float: "float"}.get(type(literal), "str")
        line = lines[node.lineno - 1]
        aide = line.split("#", 1)[1].strip() if "#" in line else ""
        out[name] = Parametre(name, base, optional, default, aide)
    return out


_TYPES_FR = {"int": "un nombre entier", "float": "un nombre", "bool": "vrai ou faux", "str": "un texte"}
_BOOLEENS = {"vrai": True, "oui": True, "true": True, "1": True, "faux": False, "non": False, "false": False, "0": False}


def convertir(rapport: str, param: Parametre, texte: str) -> object:
    """A command-line value converted to the parameter's type; strings stay strings (`01053`)."""
    t = texte.strip()
    if param.optionnel and t.lower() in ("", "none", "aucun", "aucune"):
        return None
    try:
        if param.type == "int":
            if not re.fullmatch(r"[+-]?\d+", t):
                raise ValueError
            return int(t)
        if param.type == "float":
            if "/" in t:  # 1/3
                a, b = t.split("/", 1)
                return float(a.replace(",", ".")) / float(b.replace(",", "."))
            return float(t.replace(",", "."))
        if param.type == "bool":
            return _BOOLEENS[t.lower()]
    except (ValueError, KeyError, ZeroDivisionError):
        raise ErreurParametre(
            f"rapport « {rapport} », paramètre « {param.nom} » : « {texte} » n'est pas {_TYPES_FR[param.type]}"
            + (f" ({param.aide})" if param.aide else f" (valeur par défaut : {param.defaut})")) from None
    return texte


def preparer(ids: list[str], bruts: dict[str, str]) -> dict[str, dict[str, object]]:
    """{report: {name: value}}: each `-p` goes to every selected report that declares it;
    a name that none of them declares is a usage error."""
    declared = {i: parametres_declares(catalogue.par_id(i).notebook) for i in ids}
    for name in bruts:
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d})
            raise ErreurUsage(f"paramètre inconnu « {name} » : aucun des rapports {', '.join(ids)} ne le déclare "
                              f"(paramètres possibles : {', '.join(known)})")
    return {i: {n: convertir(i, d[n], v) for n, v in bruts.items() if n in d} for i, d in declared.items()}
