"""The report runner: decide what to redo, execute the notebooks, hand the results to publishing.

For each report: convert its parameters (`parametres`), skip it when nothing it depends on changed
(`etat`), execute the notebook with papermill (kernels side by side, `jobs` at a time), then let
`publication` render and write its outputs — all of a report's outputs or none. A report that fails
leaves its previous outputs untouched; the index shows the failure.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import catalogue, config, etat, figures_csv, formats, noyaux, parametres, publication
from .erreurs import ErreurCLN, ErreurUsage
from .fichiers import ecrire_atomique, verifier_ecriture

KERNEL = "python3"

#: Kernel options: its own log (English notices about its local transport) is not for the officer,
#: and no history database is written (kernels run side by side).
ARGUMENTS_NOYAU = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:"]

#: Errors raised by the package inside a notebook: their message is already French and complete.
ERREURS_CLN = ("ErreurDonnees", "ErreurParametre", "ErreurCLN", "ErreurRapport")


@dataclass
class Resultat:
    id: str
    statut: str  # "ok", "inchange", "echec"
    message: str = ""
    duree: float = 0.0
    avertissements: list[str] = field(default_factory=list)


def _message_echec(exc: BaseException) -> str:
    # papermill is imported only once a notebook runs (the no-change path stays fast)
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        if exc.ename in ERREURS_CLN:
            return exc.evalue
        return f"erreur inattendue dans la cellule {exc.exec_count} du notebook : {exc.ename} : {exc.evalue}"
    if isinstance(exc, ErreurCLN):
        return str(exc)
    return f"{type(exc).__name__} : {exc}"


def _sorties(rapports: Iterable[catalogue.DefinitionRapport]) -> list[Path]:
    """Every existing file a run of `rapports` rewrites (the index and figures.csv included)."""
    out = [config.FIGURES_CSV, config.INDEX_HTML, config.STATE_FILE, *sorted(config.DOWNLOADS_DIR.glob("*"))]
    for r in rapports:
        out += [r.page, r.page_audit, r.notebook_execute, *sorted(r.dossier_tableaux.glob("*"))]
    return out


def demarrer_noyau():
    """Start a kernel now (jupyter_client only): it boots while the runner imports papermill."""
    # imported here so that a run with nothing to do never loads jupyter_client
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=KERNEL)
    km.start_kernel(extra_arguments=ARGUMENTS_NOYAU)
    return km


def _executer_notebook(rapport: catalogue.DefinitionRapport, valeurs: dict, km=None):
    import papermill  # slow to import: only when a notebook runs

    try:
        return papermill.execute_notebook(
            str(rapport.notebook), None, parameters=valeurs, kernel_name=KERNEL, progress_bar=False,
            request_save_on_cell_execute=False, log_output=False, start_timeout=120,
            extra_arguments=ARGUMENTS_NOYAU, km=km,
        )
    finally:
        if km is not None:  # a kernel we started is ours to stop
            km.shutdown_kernel(now=True)


def arreter_noyau(km) -> None:
    """Stop a kernel that no notebook took (one already dead: only its files are left to remove)."""
    try:
        km.shutdown_kernel(now=True)
    except Exception:  # the process is gone
        km.cleanup_resources()


def _executer_chronometre(rap, valeurs, reserve: noyaux.Reserve):
    t0 = time.perf_counter()
    try:
        nb = _executer_notebook(rap, valeurs, reserve.prendre(rap.id))
        return time.perf_counter() - t0, nb, None
    except Exception as exc:  # reported, never raised: the other reports go on
        return time.perf_counter() - t0, None, exc


@contextmanager
def _fermee(reserve: noyaux.Reserve):
    """The kernel reserve, closed on the way out (Ctrl-C included): no kernel outlives the run."""
    try:
        yield reserve
    finally:
        reserve.fermer()


def _a_jour(rap: catalogue.DefinitionRapport, k: str, precedent: dict) -> bool:
    return (precedent.get("statut") == "ok" and precedent.get("cle") == k and rap.page.exists()
            and rap.dossier_tableaux.is_dir() and etat.entrees_inchangees(precedent.get("entrees", [])))


def executer(
    ids: Iterable[str] | None = None,
    valeurs: dict[str, str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    journal: Callable[[str], None] = print,
) -> list[Resultat]:
    """Run the reports `ids` (all by default) and publish what succeeded. Never raises for a
    failed report: its `Resultat` says why. Raises `ErreurUsage`/`ErreurParametre` before running."""
    ids = list(ids) if ids else catalogue.ids()
    unknown = [i for i in ids if i not in catalogue.ids()]
    if unknown:
        raise ErreurUsage(f"rapport inconnu : {', '.join(unknown)} (rapports : {', '.join(catalogue.ids())})")
    params = parametres.preparer(ids, valeurs or {})
    state = etat.lire()
    paquet = etat.empreinte_paquet()
    quand = dt.datetime.now().astimezone()
    resultats: dict[str, Resultat] = {}
    a_faire = []
    for i in ids:
        rap = catalogue.par_id(i)
        k = etat.cle(rap, params[i], paquet)
        prev = state.get(i, {})
        if not force and _a_jour(rap, k, prev):
            resultats[i] = Resultat(i, "inchange")
            journal(f"  {i} : inchangé (rien n'a changé depuis le {prev.get('date', '?')})")
        else:
            a_faire.append((rap, k))

    verifier_ecriture(_sorties(rap for rap, _ in a_faire))  # a file open in Excel: say so before any work
    jobs = max(1, jobs or os.cpu_count() or 1)
    figures_nouvelles: dict[str, object] = {}
    if a_faire:
        # the first kernels boot and import while this process imports papermill and nbconvert; the next
        # ones while the first notebooks run
        reserve = noyaux.Reserve([(rap.id, rap.notebook) for rap, _ in a_faire], jobs, demarrer_noyau,
                                 arreter_noyau)
        with ThreadPoolExecutor(max_workers=min(jobs, len(a_faire))) as pool, _fermee(reserve):
            futures = {pool.submit(_executer_chronometre, rap, params[rap.id], reserve): (rap, k)
                       for rap, k in a_faire}
            publication.preparer()
            for fut in as_completed(futures):
                rap, k = futures[fut]
                t, nb, exc = fut.result()
                date = {"date": formats.date_heure(quand), "date_iso": quand.isoformat(timespec="seconds")}
                if exc is None:
                    try:
                        payload = publication.publier_rapport(rap, nb, quand)
                    except Exception as err:  # rendering failed: nothing of this report is written
                        exc = err
                    else:
                        figures = payload["figures"]
                        figures_nouvelles[rap.id] = figures
                        state[rap.id] = {"statut": "ok", "message": "", **date, "cle": k, "entrees": payload["entrees"],
                                         "duree": round(t, 1), "fictif": payload.get("fictif", False)}
                        n_bad = sum(1 for f in figures if f["status"] == "mismatch")
                        resultats[rap.id] = Resultat(rap.id, "ok", duree=t, avertissements=(
                            [f"{formats.pluriel(n_bad, 'chiffre', 'chiffres')} en écart avec le document publié"] if n_bad else []))
                        journal(f"  {rap.id} : fait en {formats.duree(t)}")
                        continue
                message = _message_echec(exc)
                state[rap.id] = dict(state.get(rap.id, {}), statut="echec", message=message, cle=None, **date)
                resultats[rap.id] = Resultat(rap.id, "echec", message=message, duree=t)
                publication.noter_echec(rap, message, quand)
                journal(f"  {rap.id} : ÉCHEC — {message}")
    if figures_nouvelles:
        existing = config.FIGURES_CSV.read_text(encoding="utf-8") if config.FIGURES_CSV.exists() else ""
        ecrire_atomique(config.FIGURES_CSV, figures_csv.fusionner(existing, figures_nouvelles))
    publication.ecrire_site(state, quand)
    etat.ecrire(state)
    return [resultats[i] for i in ids]
