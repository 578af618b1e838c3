"""Report parameters: what a notebook declares, their types, and command-line values converted.

Read with `ast` from the notebook's `parameters` cell (no papermill import, so that deciding that
nothing changed stays fast). A default of None takes its type from the annotation
(`population: int | None = None`, or the older `"Optional[int]"`); the comment beside a parameter is its
help text, and a bracket at the end of that comment declares its domain, checked here before any
kernel starts and again by `Rapport` inside the notebook:

    population: int | None = None  # habitants [min > 0]
    part_nouveaux: float | None = None  # part du montant (0 à 1) [min 0 ; max 1]
    denominateur = "mandate"  # budget de référence [choix : mandate, primitif]
"""

from __future__ import annotations

import ast
import json
import math
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
    minimum: float | None = None
    min_strict: bool = False
    maximum: float | None = None
    choix: tuple[str, ...] = ()


_DOMAINE = re.compile(r"\s*\[([^\[\]]*)\]\s*$")


def _domaine(aide: str, nom: str) -> tuple[str, dict]:
    """(help text without its bracket, the domain it declares)."""
    m = _DOMAINE.search(aide)
    if not m:
        return aide, {}
    out: dict = {}
    for item in (i.strip() for i in m.group(1).split(";")):
        if mm := re.fullmatch(r"min\s*(>)?\s*([-+0-9.eE]+)", item):
            out["minimum"], out["min_strict"] = float(mm.group(2)), bool(mm.group(1))
        elif mm := re.fullmatch(r"max\s*([-+0-9.eE]+)", item):
            out["maximum"] = float(mm.group(1))
        elif mm := re.fullmatch(r"choix\s*:\s*(.+)", item):
            out["choix"] = tuple(c.strip() for c in mm.group(1).split(","))
        else:
            raise ValueError(f"paramètre {nom} : domaine mal écrit « {item} »")
    return aide[:m.start()].strip(), out


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
        aide, domaine = _domaine(line.split("#", 1)[1].strip() if "#" in line else "", name)
        out[name] = Parametre(name, base, optional, default, aide, **domaine)
    return out


_TYPES_FR = {"int": "un nombre entier", "float": "un nombre", "bool": "vrai ou faux", "str": "un texte"}
_BOOLEENS = {
    "vrai": True,
    "oui": True,
    "true": True,
    "1": True,
    "faux": False,
    "non": False,
    "false": False,
    "0": False,
}


def convertir(rapport: str, param: Parametre, texte: str) -> object:
    """A command-line value converted to the parameter's type; strings stay strings (`01053`)."""
    t = texte.strip()
    if param.optionnel and t.lower() in ("", "none", "aucun", "aucune"):
        return None
    try:
        if param.type == "int":
            if not re.fullmatch(r"[+-]?\d{1,15}", t):
                raise ValueError
            valeur: object = int(t)
        elif param.type == "float":
            if "/" in t:  # 1/3
                a, b = t.split("/", 1)
                valeur = float(a.replace(",", ".")) / float(b.replace(",", "."))
            else:
                valeur = float(t.replace(",", "."))
            if not math.isfinite(valeur):  # nan, inf, 1e400
                raise ValueError
        elif param.type == "bool":
            valeur = _BOOLEENS[t.lower()]
        else:
            valeur = texte
    except (ValueError, KeyError, ZeroDivisionError, OverflowError):
        raise ErreurParametre(
            f"rapport « {rapport} », paramètre « {param.nom} » : « {texte} » n'est pas {_TYPES_FR[param.type]}"
            + (f" ({param.aide})" if param.aide else f" (valeur par défaut : {param.defaut})")
        ) from None
    verifier_domaine(rapport, param, valeur)
    return valeur


def _nombre_fr(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def verifier_domaine(rapport: str, param: Parametre, valeur: object) -> None:
    """Refuse a value outside the parameter's declared range or choices (a usage error, exit 2)."""
    if valeur is None:
        return
    where = f"rapport « {rapport} », paramètre « {param.nom} »"
    if param.choix and str(valeur) not in param.choix:
        raise ErreurParametre(f"{where} : « {valeur} » n'est pas permis (valeurs possibles : {', '.join(param.choix)})")
    if isinstance(valeur, bool) or not isinstance(valeur, (int, float)):
        return
    if isinstance(valeur, float) and not math.isfinite(valeur):
        raise ErreurParametre(f"{where} : « {valeur} » n'est pas un nombre fini")
    v = _nombre_fr(valeur)
    if param.minimum is not None:
        if param.min_strict and valeur <= param.minimum:
            raise ErreurParametre(f"{where} : {v} doit être supérieur à {_nombre_fr(param.minimum)}")
        if valeur < param.minimum:
            raise ErreurParametre(f"{where} : {v} doit être au moins {_nombre_fr(param.minimum)}")
    if param.maximum is not None and valeur > param.maximum:
        raise ErreurParametre(f"{where} : {v} doit être au plus {_nombre_fr(param.maximum)}")


def verifier(rapport: str, valeurs: dict[str, object]) -> None:
    """Check values already typed (inside the notebook) against the declared domains."""
    declared = parametres_declares(catalogue.par_id(rapport).notebook)
    for nom, valeur in valeurs.items():
        if nom in declared:
            verifier_domaine(rapport, declared[nom], valeur)


def preparer(ids: list[str], bruts: dict[str, str]) -> dict[str, dict[str, object]]:
    """{report: {name: value}}: each `-p` goes to every selected report that declares it;
    a name that none of them declares is a usage error."""
    declared = {i: parametres_declares(catalogue.par_id(i).notebook) for i in ids}
    for name in bruts:
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d})
            raise ErreurUsage(
                f"paramètre inconnu « {name} » : aucun des rapports {', '.join(ids)} ne le déclare "
                f"(paramètres possibles : {', '.join(known)})"
            )
    return {i: {n: convertir(i, d[n], v) for n, v in bruts.items() if n in d} for i, d in declared.items()}
