"""The report runner: papermill execution, then nbconvert to HTML, in one Python process.

For each report: check and convert its parameters, skip it when nothing it depends on changed,
execute the notebook (kernels side by side, `jobs` at a time), render the public and audit pages,
then write every output through a temporary file moved into place — all of a report's outputs or
none. A report that fails leaves its previous outputs untouched; the index shows the failure.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, catalogue, config, figures_csv, formats
from .erreurs import ErreurParametre, ErreurUsage

ETAT = ".etat.json"
KERNEL = "python3"


# ----------------------------------------------------------------------------- parameters

@dataclass(frozen=True)
class Parametre:
    nom: str
    type: str  # "int", "float", "bool", "str"
    optionnel: bool
    defaut: str
    aide: str


def parametres_declares(notebook: Path) -> dict[str, Parametre]:
    """The parameters a notebook declares in its `parameters` cell, with their types.

    Read with `ast` (no papermill import, so that deciding that nothing changed stays fast): a
    default of None takes its type from the annotation (`population: "Optional[int]" = None`).
    """
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
            annotation = ann.value if isinstance(ann, ast.Constant) and isinstance(ann.value, str) else ast.unparse(ann)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, ""
        else:
            continue
        default = ast.unparse(value)
        annotation = annotation.replace(" ", "")
        optional = annotation.startswith("Optional[") or default == "None"
        base = re.sub(r"^Optional\[(.*)\]$", r"\1", annotation)
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
            return {"vrai": True, "oui": True, "true": True, "1": True,
                    "faux": False, "non": False, "false": False, "0": False}[t.lower()]
    except (ValueError, KeyError, ZeroDivisionError):
        raise ErreurParametre(
            f"rapport « {rapport} », paramètre « {param.nom} » : « {texte} » n'est pas {_TYPES_FR[param.type]}"
            + (f" ({param.aide})" if param.aide else f" (valeur par défaut : {param.defaut})")) from None
    return texte


def preparer_parametres(ids: list[str], bruts: dict[str, str]) -> dict[str, dict[str, object]]:
    """{report: {name: value}}: each `-p` goes to every selected report that declares it;
    a name that none of them declares is a usage error."""
    declared = {i: parametres_declares(catalogue.par_id(i).notebook) for i in ids}
    for name in bruts:
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d})
            raise ErreurUsage(f"paramètre inconnu « {name} » : aucun des rapports {', '.join(ids)} ne le déclare "
                              f"(paramètres possibles : {', '.join(known)})")
    return {i: {n: convertir(i, d[n], v) for n, v in bruts.items() if n in d} for i, d in declared.items()}


# ----------------------------------------------------------------------------- atomic writes

def ecrire_atomique(path: Path, contenu: str | bytes) -> None:
    """Write through a temporary file in the same folder, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = contenu.encode("utf-8") if isinstance(contenu, str) else contenu
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remplacer_dossier(path: Path, fichiers: dict[str, str]) -> None:
    """Replace a folder's content by `fichiers` as a whole (built aside, then swapped in)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    old = path.parent / f".{path.name}.ancien"
    try:
        for name, text in fichiers.items():
            (tmp / name).write_bytes(text.encode("utf-8"))
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not path.exists():
            os.replace(old, path)
        raise


def _garde_raw(path: Path) -> None:
    raw = config.RAW_DIR.resolve()
    if path.resolve() == raw or raw in path.resolve().parents:
        raise RuntimeError(f"refus d'écrire sous data/raw/ : {path}")


# ----------------------------------------------------------------------------- cache keys

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def empreinte_paquet() -> str:
    """Hash of the package's code, templates and version: a change redoes every report."""
    h = hashlib.sha256(__version__.encode())
    for p in sorted(config.PACKAGE_DIR.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(config.PACKAGE_DIR).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def cle(rapport: catalogue.DefinitionRapport, parametres: dict, paquet: str) -> str:
    """What a report's outputs depend on before it runs: notebook, parameters, package."""
    blob = json.dumps({"notebook": _sha(rapport.notebook.read_bytes()), "parametres": parametres, "paquet": paquet},
                      sort_keys=True, default=str)
    return _sha(blob.encode())


def entrees_inchangees(entrees: list[dict]) -> bool:
    """True when every input the last run read still has the same content."""
    for e in entrees:
        path = config.resolve(e["chemin"])
        if not path.is_file() or _sha(path.read_bytes()) != e["sha256"]:
            return False
    return True


# ----------------------------------------------------------------------------- running

@dataclass
class Resultat:
    id: str
    statut: str  # "ok", "inchange", "echec"
    message: str = ""
    duree: float = 0.0
    avertissements: list[str] = field(default_factory=list)


def _lire_etat() -> dict:
    path = config.REPORTS_DIR / ETAT
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _message_echec(exc: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        if exc.ename in ("ErreurDonnees", "ErreurParametre", "ErreurCLN", "ErreurRapport"):
            return exc.evalue
        return f"erreur inattendue dans la cellule {exc.exec_count} du notebook : {exc.ename} : {exc.evalue}"
    return f"{type(exc).__name__} : {exc}"


#: Kernel options: its own log (English notices about its local transport) is not for the officer,
#: and no history database is written (kernels run side by side).
ARGUMENTS_NOYAU = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:"]


def demarrer_noyau():
    """Start a kernel now (jupyter_client only): it boots while the runner imports papermill."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(extra_arguments=ARGUMENTS_NOYAU)
    return km


def _executer_notebook(rapport: catalogue.DefinitionRapport, parametres: dict, km=None):
    import papermill

    try:
        return papermill.execute_notebook(
            str(rapport.notebook), None, parameters=parametres, kernel_name=KERNEL, progress_bar=False,
            request_save_on_cell_execute=False, log_output=False, start_timeout=120,
            extra_arguments=ARGUMENTS_NOYAU, km=km,
        )
    finally:
        if km is not None:  # a kernel we started is ours to stop
            km.shutdown_kernel(now=True)


def _extraire_sorties(nb) -> dict:
    """Take the runner's payload out of the executed notebook (it is not shown in the pages)."""
    payload = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if config.SORTIES_MIME in out.get("data", {}):
                payload = out["data"][config.SORTIES_MIME]
            else:
                kept.append(out)
        cell["outputs"] = kept
    if payload is None:
        raise RuntimeError("le notebook n'a pas appelé rapport.publier() : aucune sortie à écrire")
    return payload


def _pages(nb, rapport: catalogue.DefinitionRapport, payload: dict, quand: dt.datetime) -> tuple[str, str]:
    from . import publication

    return (publication.page_rapport(nb, rapport, payload, quand, audit=False),
            publication.page_rapport(nb, rapport, payload, quand, audit=True))


def executer(
    ids: Iterable[str] | None = None,
    parametres: dict[str, str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    journal: Callable[[str], None] = print,
) -> list[Resultat]:
    """Run the reports `ids` (all by default) and publish what succeeded. Never raises for a
    failed report: its `Resultat` says why. Raises `ErreurUsage`/`ErreurParametre` before running."""
    from . import publication

    ids = list(ids) if ids else catalogue.ids()
    unknown = [i for i in ids if i not in catalogue.ids()]
    if unknown:
        raise ErreurUsage(f"rapport inconnu : {', '.join(unknown)} (rapports : {', '.join(catalogue.ids())})")
    params = preparer_parametres(ids, parametres or {})
    etat = _lire_etat()
    paquet = empreinte_paquet()
    quand = dt.datetime.now().astimezone()
    resultats: dict[str, Resultat] = {}
    a_faire = []
    for i in ids:
        rap = catalogue.par_id(i)
        k = cle(rap, params[i], paquet)
        prev = etat.get(i, {})
        outputs_exist = (config.REPORTS_DIR / f"{i}.html").exists() and (config.PROCESSED_DIR / i).is_dir()
        if (not force and prev.get("statut") == "ok" and prev.get("cle") == k and outputs_exist
                and entrees_inchangees(prev.get("entrees", []))):
            resultats[i] = Resultat(i, "inchange")
            journal(f"  {i} : inchangé (rien n'a changé depuis le {prev.get('date', '?')})")
        else:
            a_faire.append((rap, k))

    jobs = max(1, jobs or os.cpu_count() or 1)
    figures_nouvelles: dict[str, object] = {}
    if a_faire:
        # the first kernels boot while this process imports papermill and nbconvert
        kernels = [demarrer_noyau() if i < jobs else None for i in range(len(a_faire))]
        with ThreadPoolExecutor(max_workers=min(jobs, len(a_faire))) as pool:
            futures = {pool.submit(_executer_timed, rap, params[rap.id], km): (rap, k)
                       for (rap, k), km in zip(a_faire, kernels)}
            publication.preparer()
            for fut in as_completed(futures):
                rap, k = futures[fut]
                t, nb, exc = fut.result()
                if exc is None:
                    try:
                        payload = _extraire_sorties(nb)
                        public, audit = _pages(nb, rap, payload, quand)
                        figures = payload["figures"]
                        _publier(rap, nb, payload, public, audit)
                        figures_nouvelles[rap.id] = figures
                        etat[rap.id] = {"statut": "ok", "message": "", "date": formats.date_heure(quand),
                                        "date_iso": quand.isoformat(timespec="seconds"), "cle": k,
                                        "entrees": payload["entrees"], "duree": round(t, 1), "fictif": payload.get("fictif", False)}
                        n_bad = sum(1 for f in figures if f["status"] == "mismatch")
                        resultats[rap.id] = Resultat(rap.id, "ok", duree=t, avertissements=(
                            [f"{n_bad} chiffre(s) en écart avec le document publié"] if n_bad else []))
                        journal(f"  {rap.id} : fait en {formats.duree(t)}")
                        continue
                    except Exception as err:  # rendering failed: nothing of this report is written
                        exc = err
                message = _message_echec(exc)
                prev = etat.get(rap.id, {})
                etat[rap.id] = dict(prev, statut="echec", message=message, date=formats.date_heure(quand),
                                    date_iso=quand.isoformat(timespec="seconds"), cle=None)
                resultats[rap.id] = Resultat(rap.id, "echec", message=message, duree=t)
                journal(f"  {rap.id} : ÉCHEC — {message}")
    if figures_nouvelles:
        existing = config.FIGURES_CSV.read_text(encoding="utf-8") if config.FIGURES_CSV.exists() else ""
        ecrire_atomique(config.FIGURES_CSV, figures_csv.fusionner(existing, figures_nouvelles))
    publication.ecrire_site(etat, quand)
    ecrire_atomique(config.REPORTS_DIR / ETAT, json.dumps(etat, ensure_ascii=False, indent=1, sort_keys=True))
    return [resultats[i] for i in ids]


def _executer_timed(rap, parametres, km=None):
    t0 = time.perf_counter()
    try:
        nb = _executer_notebook(rap, parametres, km)
        return time.perf_counter() - t0, nb, None
    except Exception as exc:  # reported, never raised: the other reports go on
        return time.perf_counter() - t0, None, exc


def _publier(rap: catalogue.DefinitionRapport, nb, payload: dict, public: str, audit: str) -> None:
    """Write every output of one report: tables, executed notebook, public and audit pages."""
    import nbformat

    tables_dir = config.PROCESSED_DIR / rap.id
    for p in (tables_dir, config.REPORTS_DIR):
        _garde_raw(p)
    remplacer_dossier(tables_dir, payload["tableaux"])
    ecrire_atomique(config.REPORTS_DIR / "notebooks" / f"{rap.id}.ipynb", nbformat.writes(nb))
    ecrire_atomique(config.REPORTS_DIR / "audit" / f"{rap.id}.html", audit)
    ecrire_atomique(config.REPORTS_DIR / f"{rap.id}.html", public)
