"""The report runner: decide what to redo, execute the notebooks, hand the results to publishing.

For each report: convert its parameters (`parametres`), skip it when nothing it depends on changed
(`etat`), execute the notebook with papermill (kernels side by side, `jobs` at a time), then let
`publication` render and write its outputs — all of a report's outputs or none — and record its
state right after. A report that fails leaves its previous outputs untouched; the index shows the
failure. A kernel that dies or outlives the time limit fails its report, the others go on; Ctrl-C
stops every kernel at once. A lock keeps two runs in one folder from losing each other's state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import os
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    balayage,
    catalogue,
    config,
    dessins,
    erreurs,
    etat,
    formats,
    fourche,
    noyaux,
    parametres,
    prelecture,
    publication,
    remise,
)
from .erreurs import ErreurCLN, ErreurUsage
from .fichiers import nettoyer_preparation, verifier_ecriture
from .sorties import EtatRapport

KERNEL = "python3"

#: Default time limit of one notebook, in seconds (generous: the reports take seconds to a minute).
LIMITE_DEFAUT = 1800

#: Kernel options: its own log (English notices about its local transport) is not for the officer,
#: and no history database is written (kernels run side by side).
ARGUMENTS_NOYAU = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:"]

#: Seconds nbclient waits for a cell's output once the kernel said the cell ran (its default, 4 s, is short for
#: `rapport.publier()`'s one display of every output, megabytes with a large city's budget lines, on a loaded
#: machine: papermill then fails the cell with « Timeout waiting for IOPub output »). The run's own limit
#: (`--limite`) still stops a kernel that hangs.
ATTENTE_SORTIES = 120

@dataclass
class Resultat:
    id: str
    statut: str  # "ok", "inchange", "echec"
    message: str = ""
    duree: float = 0.0
    avertissements: list[str] = field(default_factory=list)


class NoyauArrete(Exception):
    """The notebook's kernel died or was stopped (time limit, Ctrl-C); the message is French."""


def _message_echec(exc: BaseException, collecteur: balayage.Collecteur | None = None) -> str:
    """The French message of a failed report, as the terminal, build/etat.json and the audit page show it: a
    library's message (pandas, openpyxl, zipfile… in the kernel, or the runner's own) reduced by
    `balayage.reduire_message` — paths by file name, quoted values left out, nothing this run collected."""
    # papermill is imported only once a notebook runs (the no-change path stays fast)
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        erreur = erreurs.depuis_noyau(exc.ename, exc.evalue)
        if erreur is None:
            debut = f"erreur inattendue dans la cellule {exc.exec_count} du notebook : "
            return debut + balayage.reduire_message(f"{exc.ename} : {exc.evalue}", True, collecteur,
                                                    repli=f"{exc.ename} (détail non reproduit : il citait un "
                                                          "chemin local ou une donnée lue)")
        exc = erreur  # the package's own error: its message is already French and complete
    if isinstance(exc, (NoyauArrete, ErreurCLN, publication.SortiesAbsentes, publication.FuitesTrouvees)):
        return balayage.reduire_message(str(exc), False, collecteur)
    return balayage.reduire_message(f"{type(exc).__name__} : {exc}", True, collecteur,
                                    repli=f"{type(exc).__name__} (détail non reproduit : il citait un chemin local "
                                          "ou une donnée lue)")


def _sorties(rapports: Iterable[catalogue.DefinitionRapport]) -> list[Path]:
    """Every existing file a run of `rapports` rewrites (the index and figures.csv included)."""
    out = [config.FIGURES_CSV, config.INDEX_HTML, config.STATE_FILE, config.DOWNLOADS_MANIFEST,
           *sorted(p for p in config.DOWNLOADS_DIR.rglob("*") if p.is_file())]
    for r in rapports:
        out += [r.page, r.page_audit, r.notebook_execute, *sorted(r.dossier_tableaux.glob("*"))]
    return out


def demarrer_noyau(sel: bytes | None = None, debug: bool = False, plusieurs: bool = True, seul: bool = False,
                   lus: prelecture.Prelectures | None = None, dossier: remise.Dossier | None = None):
    """Start a kernel now (jupyter_client only): it boots while the runner imports papermill. `sel`, the run's
    salt for the last scan, reaches the kernel through its process's environment only (`balayage.VARIABLE_SEL`);
    so does `debug` (`--debug`: the kernel hands its warnings' own text too, for the terminal only).
    `plusieurs`: the run will start more than one kernel (a server of forked kernels pays only then, unless
    this process already has one). `seul`: no other kernel will run beside this one (its charts may then be drawn
    on the cores it leaves idle, `dessins`). `lus`: the run's reads ahead, whose folder the kernel is given.
    `dossier`: the run's hand-over folder (`remise`), given too."""
    # imported here so that a run with nothing to do never loads jupyter_client
    from jupyter_client.manager import KernelManager

    # on Linux the kernel is forked from a process that has imported its libraries (`fourche`); --debug keeps
    # jupyter_client's own start, so that the kernel's output reaches the terminal; one kernel alone is started
    # the same way (the server would import more than its notebook needs, and only once)
    fourcher = not debug and (plusieurs or fourche.SERVEUR.actif())
    km = (fourche.gestionnaire() if fourcher else KernelManager)(kernel_name=KERNEL)
    # the kernel reads the same repository as the runner, also when its root was set at run time
    env = dict(os.environ, CLN_ANALYSIS_ROOT=str(config.ROOT))
    if sel:
        env[balayage.VARIABLE_SEL] = sel.hex()
    env.pop(balayage.VARIABLE_DEBUG, None)
    # a report run alone leaves the other cores idle: its charts are drawn there (`dessins`); kernels side by side
    # take them all. Set in the runner's own environment, the variable is kept
    env.setdefault(dessins.VARIABLE, str(dessins.places_libres()) if seul else "0")
    env.pop(prelecture.VARIABLE, None)  # only the run's own folder
    env.update(lus.environnement() if lus is not None else {})
    env.pop(remise.VARIABLE, None)
    env.update(dossier.environnement() if dossier is not None else {})
    if dossier is not None and dossier.chemin is not None:
        # its connection file (ports and key) in the run's own folder, not in tempfile's: removed with the kernel
        # as before, and with the folder by the next run when this one was killed (`remise.nettoyer`), where
        # tempfile's stayed; its name is none the runner would take as a hand-over (`remise._NOM`)
        km.connection_file = str(dossier.chemin / f"noyau-{secrets.token_hex(8)}.json")
    if debug:
        env[balayage.VARIABLE_DEBUG] = "1"
    # what the kernel's process itself prints (a port taken by another kernel, its own crash: English and raw) is
    # not for the officer: the notebook's failure is said in French; --debug shows it
    sortie = {} if debug else {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    km.start_kernel(extra_arguments=ARGUMENTS_NOYAU, env=env, **sortie)
    return km


def tuer_noyau(km) -> None:
    """Kill a kernel's process at once, from any thread (its notebook then fails as « noyau arrêté »)."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        try:
            process.kill()
        except OSError:  # already gone
            pass


class _Arret:
    """The kernels notebooks are running; `tout_arreter` (Ctrl-C) kills them, and any taken afterwards."""

    def __init__(self) -> None:
        self._verrou = threading.Lock()
        self._actifs: set = set()
        self.demande = False

    def entrer(self, km) -> None:
        with self._verrou:
            self._actifs.add(km)
            if self.demande:
                tuer_noyau(km)

    def sortir(self, km) -> None:
        with self._verrou:
            self._actifs.discard(km)

    def tout_arreter(self) -> None:
        with self._verrou:
            self.demande = True
            for km in self._actifs:
                tuer_noyau(km)


def _executer_notebook(rapport: catalogue.DefinitionRapport, valeurs: dict, km, limite: float):
    import papermill  # slow to import: only when a notebook runs
    from nbclient.exceptions import DeadKernelError  # with papermill

    # An asynchronous client lets nbclient notice a dead kernel (out of memory) while it waits for output;
    # a blocking one waits forever. The kernel itself was started (and warmed) by the synchronous manager.
    # nbclient leaves the channels of a client open when the kernel is not its own: the runner closes them.
    clients: list = []

    class Client(noyaux.clients()[1]):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            clients.append(self)

    km.client_factory = Client
    # papermill's log repeats in English what the runner says in French (« Kernel died… »)
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    depasse = threading.Event()

    def _limite_atteinte():
        depasse.set()
        tuer_noyau(km)

    minuteur = threading.Timer(limite, _limite_atteinte)
    minuteur.daemon = True
    minuteur.start()
    try:
        return papermill.execute_notebook(
            str(rapport.notebook), None, parameters=valeurs, kernel_name=KERNEL, progress_bar=False,
            request_save_on_cell_execute=False, log_output=False, start_timeout=120,
            extra_arguments=ARGUMENTS_NOYAU, km=km, iopub_timeout=ATTENTE_SORTIES,  # passed on to nbclient
        )
    except DeadKernelError:
        if depasse.is_set():
            raise NoyauArrete(f"le notebook a dépassé la limite de {formats.duree(limite)} et a été arrêté "
                              "(option --limite pour la relever)") from None
        raise NoyauArrete("le noyau Python du notebook s'est arrêté brutalement, probablement faute de mémoire "
                          "(un fichier d'entrée très gros ?)") from None
    finally:
        minuteur.cancel()
        for kc in clients:
            kc.stop_channels()
        arreter_noyau(km)  # a kernel we started is ours to stop


def arreter_noyau(km) -> None:
    """Stop a kernel that no notebook took (one already dead: only its files are left to remove)."""
    try:
        km.shutdown_kernel(now=True)
    except Exception:  # the process is gone
        km.cleanup_resources()


def _executer_chronometre(rap, valeurs, reserve: noyaux.Reserve, arret: _Arret, limite: float,
                          commence: threading.Event | None = None):
    """(seconds, executed notebook, error) of one report. `commence` is set once its kernel is taken (or could not
    be)."""
    t0 = time.perf_counter()
    km = None
    try:
        try:
            import papermill  # noqa: F401 — imported while the kernel starts, not once it is ready
            km = reserve.prendre(rap.id)
        finally:
            if commence is not None:
                commence.set()
        arret.entrer(km)
        nb = _executer_notebook(rap, valeurs, km, limite)
        return time.perf_counter() - t0, nb, None
    except Exception as exc:  # reported, never raised: the other reports go on
        return time.perf_counter() - t0, None, exc
    finally:
        if km is not None:
            arret.sortir(km)
        noyaux.fermer_boucle_du_fil()


@dataclass(frozen=True)
class Plan:
    """What one run does: the reports in run order (waves side by side, each after the reports it depends on),
    their parameter texts (recorded, then the command line's), what the command line asks to record, and the
    reports it names (all when it names none): `--force` redoes those, and the reports that read them; a source
    run only because a dependant reads it is redone only when out of date."""

    vagues: list[list[str]]
    textes: dict[str, dict[str, str]]
    valeurs: dict[str, dict[str, object]]
    a_enregistrer: dict[str, dict[str, str]]
    enregistres: dict[str, dict[str, str]]
    demandes: frozenset[str] = frozenset()


def planifier(ids: Iterable[str] | None, bruts: dict[str, str], enregistrer: bool = False,
              enregistres: bool = True) -> Plan:
    """The plan of a run of `ids` (all by default) with the command line's `-p` values `bruts`. The reports
    they depend on run first; the reports that depend on them are redone in the same run. `enregistres`: use
    the values recorded in the local parameters file (False: the shipped defaults); `enregistrer`: record the
    command line's values once their report has run."""
    ids = list(ids) if ids else catalogue.ids()
    unknown = [i for i in ids if i not in catalogue.ids()]
    if unknown:
        raise ErreurUsage(f"rapport inconnu : {', '.join(unknown)} (rapports : {', '.join(catalogue.ids())})")
    ligne = parametres.repartir(ids, bruts)
    parametres.convertir_tous(ligne)  # a wrong value on the command line: a usage error before anything runs
    tous = catalogue.sources(ids + catalogue.dependants(ids))
    locaux = {i: v for i, v in parametres.lire_locaux().items() if i in tous} if enregistres else {}
    parametres.convertir_enregistres(locaux)
    parametres.verifier_fichiers_enregistres({i: {n: t for n, t in v.items() if n not in ligne.get(i, {})}
                                              for i, v in locaux.items()})
    textes = {i: locaux.get(i, {}) | ligne.get(i, {}) for i in tous}
    refuser_entrees_publiees(textes)
    return Plan(catalogue.niveaux(tous), textes, parametres.convertir_tous(textes),
                {i: v for i, v in ligne.items() if v} if enregistrer else {}, locaux,
                frozenset(ids + catalogue.dependants(ids)))


def refuser_entrees_publiees(textes: dict[str, dict[str, str]]) -> None:
    """A file of names or answers (a report's `personnels` parameter) given from inside reports/ would be published
    with the site: a usage error before anything runs."""
    dossier = config.REPORTS_DIR.resolve()
    for i, valeurs in textes.items():
        for nom in catalogue.par_id(i).personnels:
            texte = str(valeurs.get(nom, "")).strip()
            if texte and dossier in config.resolve(texte).resolve().parents:
                raise ErreurUsage(f"{i} : le paramètre {nom} désigne {config.display_path(config.resolve(texte))}, "
                                  "dans reports/, qui est publié tel quel : rangez ce fichier de réponses dans "
                                  "donnees_personnelles/ (que git ignore) et redonnez-le depuis là")


def annoncer(plan: Plan, journal: Callable[[str], None]) -> None:
    """Say, in French, which reports run on inputs other than the shipped defaults, and why."""
    nom = config.display_path(config.LOCAL_PARAMETERS)
    for i in [i for vague in plan.vagues for i in vague]:
        if not plan.textes.get(i):
            continue
        valeurs = ", ".join(f"{n} = {balayage.nommer_entree(t) if balayage.est_chemin_absolu(t) else t}"
                            for n, t in sorted(plan.textes[i].items()))  # never a local folder
        ligne = {n for n, t in plan.textes[i].items() if plan.enregistres.get(i, {}).get(n) != t}
        if not ligne:
            origine = f"enregistrées dans {nom}"
        elif i in plan.a_enregistrer:
            origine = f"enregistrées dans {nom} si le rapport réussit"
        else:
            origine = "pour cette exécution seulement (non enregistrées)"
        journal(f"  {i} : entrées autres que celles livrées, {origine} : {valeurs}")


def executer(
    ids: Iterable[str] | None = None,
    valeurs: dict[str, str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    journal: Callable[[str], None] = print,
    limite: float = LIMITE_DEFAUT,
    enregistrer: bool = False,
    enregistres: bool = True,
    debug: bool = False,
) -> list[Resultat]:
    """Run the reports `ids` (all by default; see `planifier`) and publish what succeeded. Never raises for a
    failed report: its `Resultat` says why. Raises `ErreurUsage`/`ErreurParametre` before running,
    and KeyboardInterrupt once every kernel is stopped. `debug` (`--debug`): the raw text of the warnings and
    of a library's error is said on the terminal too (never written)."""
    plan = planifier(ids, valeurs or {}, enregistrer=enregistrer, enregistres=enregistres)
    annoncer(plan, journal)
    verrou = etat.verrou(journal)
    try:
        resultats = _executer(plan, jobs, force, journal, limite, debug)
    finally:
        verrou.release()
    _enregistrer(plan, [r.id for r in resultats if r.statut != "echec"])
    return resultats


def _enregistrer(plan: Plan, ids: Iterable[str]) -> None:
    """Record the command line's values of the reports `ids` (those that ran, or were up to date)."""
    for i in ids:
        if i in plan.a_enregistrer:
            parametres.enregistrer(i, plan.a_enregistrer[i])


def _lit_d_avance(plan: Plan) -> bool:
    """A report of the plan is given a file it declares to be read ahead (`[rapport.prelecture]`)."""
    return any(plan.valeurs[i].get(p) not in (None, "")
               for i in plan.valeurs for p, _ in catalogue.par_id(i).prelecture)


def _executer(plan: Plan, jobs, force, journal, limite, debug: bool = False) -> list[Resultat]:
    nettoyer_preparation()  # what a run killed while staging left (build/staging/): before anything is written
    state = etat.lire()
    avant = dict(state)  # what a report published by this run replaces
    # the run's last scan: one collector, its salt handed to each kernel, in memory only
    sel = secrets.token_bytes(16)
    collecteur = balayage.Collecteur(sel)
    paquet = etat.empreinte_paquet()
    quand = dt.datetime.now().astimezone()
    resultats: dict[str, Resultat] = {}
    jobs = max(1, jobs or os.cpu_count() or 1)
    reserve = None  # one kernel reserve for the whole run, made when the first notebook must run
    refaits: set[str] = set()  # the reports this run redoes (or tries to)
    prelecture.nettoyer()  # what a run killed left of its reads ahead, and of its hand-overs
    remise.nettoyer()
    dossier = remise.Dossier()  # the run's hand-over folder: a large report's outputs through a file
    # its large public inputs, read ahead while a kernel starts (a report run alone): a folder only when one is given
    lus = prelecture.Prelectures(_lit_d_avance(plan))
    seul = False
    try:
        for n, vague in enumerate(plan.vagues):
            figures_texte = config.FIGURES_CSV.read_text(encoding="utf-8") if config.FIGURES_CSV.exists() else ""
            a_faire = []
            for i in vague:
                rap = catalogue.par_id(i)
                k = etat.cle(rap, plan.valeurs[i], paquet, {d: state[d] for d in rap.depend_de if d in state})
                prev = state.get(i)
                if not (force and i in plan.demandes) and etat.a_jour(rap, k, prev, figures_texte,
                                                                      plan.valeurs[i]):
                    resultats[i] = Resultat(i, "inchange")
                    journal(f"  {i} : inchangé (rien n'a changé depuis le {prev.date})")
                else:
                    a_faire.append((rap, k))
            if not a_faire:
                continue
            verifier_ecriture(_sorties(rap for rap, _ in a_faire))  # a file open in Excel: say so before any work
            refaits.update(rap.id for rap, _ in a_faire)
            suivants = [(catalogue.par_id(i).id, catalogue.par_id(i).notebook)
                        for i in _surs(plan.vagues[n + 1:], refaits, plan.demandes if force else set())]
            if reserve is None:
                # the first kernels boot and import while this process imports papermill and nbconvert; the
                # next ones while the first notebooks run; a later wave's sure reports while this wave ends
                prevus = [(rap.id, rap.notebook) for rap, _ in a_faire] + suivants
                # one kernel at a time (one report to redo in this wave and at most one planned in each later one, or
                # --jobs 1): none runs beside another
                seul = jobs == 1 or (len(a_faire) <= 1 and all(len(v) <= 1 for v in plan.vagues[n + 1:]))
            if seul:  # the core the kernel leaves idle while it starts reads its report's large inputs
                for rap, _ in a_faire:
                    if rap.prelecture:  # the reader's other parameters as the kernel will hold them, defaults too
                        lus.lancer(rap.prelecture, parametres.valeurs_du_noyau(rap.notebook, plan.valeurs[rap.id]),
                                   rap.entrees, rap.personnels)
            if reserve is None:
                reserve = noyaux.Reserve(prevus, jobs, functools.partial(demarrer_noyau, sel, debug,
                                                                         len(prevus) > 1, seul, lus if seul else None,
                                                                         dossier),
                                         arreter_noyau)
                erreurs.verifier_arret()  # a Ctrl-C cleared while jupyter_client was imported (zmq is compiled)
            else:
                reserve.ajouter([(rap.id, rap.notebook) for rap, _ in a_faire] + suivants)
            _executer_vague(a_faire, plan, jobs, limite, state, quand, journal, resultats, reserve, collecteur,
                            debug, dossier)
        # the home page and the downloads: in the try, so that a stop while they are written (the reports are
        # published by then) is handled as any other
        erreurs.verifier_arret()
        publication.ecrire_site(state, quand)
        etat.ecrire(state)
    except KeyboardInterrupt as exc:  # Ctrl-C, or the end asked by the system (the wave's kernels stopped already)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        # the reports published before it are whole; the index, the downloads and their recorded parameters are
        # made to match them, so that the site never mixes this run's pages with the last run's index
        exc.publies = [i for vague in plan.vagues for i in vague  # by what is written (the stop may come once a
                       if state.get(i) is not avant.get(i) and state[i].statut == "ok"]  # report's state is)
        if exc.publies:
            publication.ecrire_site(state, quand)
            etat.ecrire(state)
            _enregistrer(plan, exc.publies)
        raise
    finally:
        if reserve is not None:
            reserve.fermer()  # Ctrl-C included: no kernel outlives the run
            noyaux.fermer_boucle_du_fil()  # the kernels stopped from this thread
        lus.fermer()  # nor a read ahead
        dossier.fermer()  # nor a hand-over
    return [resultats[i] for vague in plan.vagues for i in vague]


def _surs(vagues: list[list[str]], refaits: set[str], forces: Iterable[str] = ()) -> list[str]:
    """The reports of the later `vagues` sure to be redone in this run: those `forces` (--force), and those that
    read a report redone (its record's date changes, success or failure, so every reader of it is out of date)."""
    out: list[str] = []
    forces = set(forces)
    for vague in vagues:
        for i in vague:
            if i in forces or set(catalogue.par_id(i).depend_de) & (refaits | set(out)):
                out.append(i)
    return out


def _executer_vague(a_faire, plan, jobs, limite, state, quand, journal, resultats, reserve, collecteur=None,
                    debug: bool = False, dossier: remise.Dossier | None = None) -> None:
    """Run side by side the reports of one wave that must be redone, publishing each as it ends; their kernels
    come from the run's `reserve`."""
    arret = _Arret()
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(a_faire)))
    commence = threading.Event()
    try:
        futures = {pool.submit(_executer_chronometre, rap, plan.valeurs[rap.id], reserve, arret, limite,
                               commence): (rap, k) for rap, k in a_faire}
        # nbconvert's exporters are built while a notebook runs, not while its kernel starts: the core the kernel
        # leaves idle then reads the report's large inputs ahead (`prelecture`)
        commence.wait()
        publication.preparer()
        erreurs.verifier_arret()  # a Ctrl-C cleared while nbconvert was imported
        for fut in as_completed(futures):
            rap, k = futures[fut]
            t, nb, exc = fut.result()
            resultats[rap.id] = _publier(rap, k, t, nb, exc, state, quand, journal, collecteur, debug, dossier)
    except KeyboardInterrupt:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        arret.tout_arreter()
        reserve.fermer()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _publier(rap, k, t, nb, exc, state, quand, journal, collecteur=None, debug: bool = False,
             dossier: remise.Dossier | None = None) -> Resultat:
    """Publish one executed report (or record its failure), then write the state: outputs first,
    state last, so that a run cut in between redoes the report. With `debug`, a failure's raw text is said on
    the terminal too (the message written is reduced: `_message_echec`)."""
    erreurs.verifier_arret()  # a Ctrl-C lost while the notebook ran: nothing of this report written
    date, date_iso = formats.date_heure(quand), quand.isoformat(timespec="seconds")
    if exc is None:
        try:
            sorties = publication.publier_rapport(rap, nb, quand, collecteur, dossier)
        except Exception as err:  # rendering or writing failed: nothing of this report is written
            exc = err
        else:
            figures_texte = config.FIGURES_CSV.read_text(encoding="utf-8")
            state[rap.id] = EtatRapport("ok", date, date_iso, "", k, sorties.entrees,
                                        etat.empreinte_sorties(rap, figures_texte), round(t, 1), sorties.fictif,
                                        sorties.cartes)
            etat.ecrire(state)
            n_bad = sum(1 for f in sorties.figures if f.status == "mismatch")
            journal(f"  {rap.id} : fait en {formats.duree(t)}")
            return Resultat(rap.id, "ok", duree=t, avertissements=(
                [f"{formats.pluriel(n_bad, 'chiffre', 'chiffres')} en écart avec le document publié"] if n_bad else [])
                + sorties.avertissements)
    message = _message_echec(exc, collecteur)
    precedent = state.get(rap.id)
    state[rap.id] = (dataclasses.replace(precedent, statut="echec", message=message, cle=None, date=date,
                                         date_iso=date_iso)
                     if precedent else EtatRapport("echec", date, date_iso, message))
    etat.ecrire(state)
    publication.noter_echec(rap, message, quand)
    journal(f"  {rap.id} : ÉCHEC — {message}")
    if debug:
        from papermill.exceptions import PapermillExecutionError  # imported by then: a notebook ran

        journal(f"    (--debug) {exc.ename} : {exc.evalue}" if isinstance(exc, PapermillExecutionError)
                else f"    (--debug) {type(exc).__name__} : {exc}")
    return Resultat(rap.id, "echec", message=message, duree=t)
