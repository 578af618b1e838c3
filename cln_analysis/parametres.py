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
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import catalogue, config
from .erreurs import ErreurCLN, ErreurParametre, ErreurUsage
from .fichiers import ecrire_atomique


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


def valeurs_du_noyau(notebook: Path, valeurs: dict[str, object]) -> dict[str, object]:
    """The value of every parameter as the notebook's kernel will hold it: `valeurs` (those papermill injects: the
    command line's and the recorded ones), else the default the notebook declares (a literal; a default that is
    not one is left out)."""
    out = {}
    for nom, param in parametres_declares(notebook).items():
        try:
            out[nom] = ast.literal_eval(param.defaut)
        except (ValueError, SyntaxError):
            continue
    return out | dict(valeurs)


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


def repartir(ids: list[str], bruts: dict[str, str]) -> dict[str, dict[str, str]]:
    """{report: {name: text}} of command-line `-p` values: `NOM=…` goes to the one selected report that
    declares it, `ID.NOM=…` to report ID. A name no selected report declares, or that several declare, is a
    usage error (the message says to name the report)."""
    declared = {i: parametres_declares(catalogue.par_id(i).notebook) for i in ids}
    out: dict[str, dict[str, str]] = {i: {} for i in ids}
    for cle, valeur in bruts.items():
        rapport, _, name = cle.rpartition(".")
        if rapport:
            if rapport not in declared:
                raise ErreurUsage(f"paramètre « {cle} » : le rapport « {rapport} » n'est pas parmi ceux demandés "
                                  f"({', '.join(ids)})")
            if name not in declared[rapport]:
                raise ErreurUsage(f"paramètre inconnu « {cle} » : le rapport {rapport} ne le déclare pas (paramètres "
                                  f"possibles : {', '.join(sorted(declared[rapport]))})")
            out[rapport][name] = valeur
            continue
        ont = [i for i, d in declared.items() if name in d]
        if not ont:
            known = sorted({n for d in declared.values() for n in d})
            raise ErreurUsage(
                f"paramètre inconnu « {name} » : aucun des rapports {', '.join(ids)} ne le déclare "
                f"(paramètres possibles : {', '.join(known)})"
            )
        if len(ont) > 1:
            raise ErreurUsage(
                f"paramètre « {name} » ambigu : les rapports {', '.join(ont)} le déclarent tous ; nommez le rapport "
                f"(par exemple -p {ont[0]}.{name}=…) ou lancez ce rapport seul (cln-analysis run {ont[0]} -p {name}=…)"
            )
        out[ont[0]][name] = valeur
    return out


def convertir_tous(textes_par_rapport: dict[str, dict[str, str]]) -> dict[str, dict[str, object]]:
    """{report: {name: value}}: each text converted to its parameter's type (and range checked)."""
    out = {}
    for i, valeurs in textes_par_rapport.items():
        declared = parametres_declares(catalogue.par_id(i).notebook)
        out[i] = {n: convertir(i, declared[n], v) for n, v in valeurs.items()}
    return out


def preparer(ids: list[str], bruts: dict[str, str]) -> dict[str, dict[str, object]]:
    """{report: {name: value}} of command-line values (`repartir`, then converted)."""
    return convertir_tous(repartir(ids, bruts))


# ---------------------------------------------------------------------- the inputs the officer publishes with

ENTETE_LOCAL = """\
# Les paramètres avec lesquels vos rapports sont publiés (écrits par « cln-analysis run ID -p NOM=VALEUR »).
# Chaque « cln-analysis run », « run --force » et « make reports » les utilise ; « run --essai » ne les change pas ;
# « run --defauts » les ignore le temps d'une exécution. Liste : « cln-analysis parametres » ; retour aux valeurs
# livrées : « cln-analysis parametres --reinitialiser ID ». Une valeur s'écrit entre guillemets (du texte) ;
# ce fichier n'est jamais enregistré par git (il peut nommer des fichiers personnels).
"""


def _erreur_locale(message: str) -> ErreurCLN:
    return ErreurCLN(f"{config.display_path(config.LOCAL_PARAMETERS)} : {message}")


def _en_texte(valeur: object, ou: str) -> str:
    if isinstance(valeur, str):
        return valeur
    if isinstance(valeur, bool):
        return "vrai" if valeur else "faux"
    if isinstance(valeur, (int, float)):
        return repr(valeur)
    raise _erreur_locale(f"{ou} : écrivez la valeur entre guillemets (un texte)")


def lire_locaux() -> dict[str, dict[str, str]]:
    """{report: {name: text}} recorded in the local parameters file; {} when it is absent (a fresh clone).
    An unreadable file, or a section that is not a report, is an error naming the file."""
    chemin = config.LOCAL_PARAMETERS
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise _erreur_locale(f"illisible ({exc})") from None
    try:
        data = tomllib.loads(texte)
    except tomllib.TOMLDecodeError as exc:
        raise _erreur_locale(f"mal écrit : {exc} ; corrigez-le, ou supprimez-le pour revenir aux valeurs livrées") \
            from None
    out: dict[str, dict[str, str]] = {}
    for rapport, valeurs in data.items():
        if rapport not in catalogue.ids() or not isinstance(valeurs, dict):
            raise _erreur_locale(f"[{rapport}] n'est pas un rapport (rapports : {', '.join(catalogue.ids())})")
        out[rapport] = {n: _en_texte(v, f"[{rapport}] {n}") for n, v in valeurs.items()}
    return out


def _chaine_toml(texte: str) -> str:
    """A TOML basic string holding `texte` exactly (`C:\\Users\\…`, `01053`, quotes and line breaks)."""
    echappe = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return '"' + "".join(echappe.get(c, f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                         for c in texte) + '"'


def texte_locaux(valeurs: dict[str, dict[str, str]]) -> str:
    """The local parameters file's text: the header, then one `[report]` table per report, in the index's order."""
    blocs = [ENTETE_LOCAL]
    for rapport in [i for i in catalogue.ids() if valeurs.get(i)]:
        lignes = [f"[{rapport}]"] + [f"{n} = {_chaine_toml(v)}" for n, v in sorted(valeurs[rapport].items())]
        blocs.append("\n".join(lignes) + "\n")
    return "\n".join(blocs)


def ecrire_locaux(valeurs: dict[str, dict[str, str]]) -> None:
    """Write the local parameters file (removed when nothing is recorded: the shipped defaults apply)."""
    if not any(valeurs.values()):
        config.LOCAL_PARAMETERS.unlink(missing_ok=True)
        return
    ecrire_atomique(config.LOCAL_PARAMETERS, texte_locaux(valeurs))


def enregistrer(rapport: str, valeurs: dict[str, str]) -> None:
    """Record `valeurs` for `rapport` (beside what is recorded for its other parameters)."""
    if not valeurs:
        return
    tout = lire_locaux()
    tout[rapport] = tout.get(rapport, {}) | valeurs
    ecrire_locaux(tout)


def reinitialiser(ids: list[str]) -> list[str]:
    """Forget what is recorded for `ids` (they go back to the shipped defaults); returns those that had some."""
    tout = lire_locaux()
    avaient = [i for i in ids if tout.get(i)]
    for i in ids:
        tout.pop(i, None)
    ecrire_locaux(tout)
    return avaient


def verifier_fichiers_enregistres(enregistres: dict[str, dict[str, str]]) -> None:
    """A recorded input file that has disappeared is an error (never a silent return to the example)."""
    for rapport, valeurs in enregistres.items():
        for nom, texte in valeurs.items():
            if nom in catalogue.par_id(rapport).entrees and texte.strip() and texte.strip().lower() not in (
                    "none", "aucun", "aucune") and not config.resolve(texte.strip()).is_file():
                raise _erreur_locale(
                    f"le fichier « {texte.strip()} », enregistré pour le paramètre « {nom} » du rapport {rapport}, "
                    f"n'existe plus. Remettez-le à cet endroit, donnez le nouveau chemin (cln-analysis run {rapport} "
                    f"-p {nom}=…), ou revenez aux données livrées : cln-analysis parametres --reinitialiser {rapport}")


def convertir_enregistres(enregistres: dict[str, dict[str, str]]) -> None:
    """Check that every recorded value is declared and of its parameter's type (an error names the file)."""
    for rapport, valeurs in enregistres.items():
        declared = parametres_declares(catalogue.par_id(rapport).notebook)
        for nom, texte in valeurs.items():
            if nom not in declared:
                raise _erreur_locale(f"[{rapport}] {nom} : le rapport {rapport} ne déclare pas ce paramètre "
                                     f"(paramètres possibles : {', '.join(sorted(declared))})")
            try:
                convertir(rapport, declared[nom], texte)
            except ErreurParametre as exc:
                raise _erreur_locale(str(exc)) from None
