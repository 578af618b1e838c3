"""Benchmark of the report runner against the floor F (issue 17: speed as the project grows). Not part of
`make test`: the benchmark measures, the tests check behaviour.

F is one bare notebook (a parameters cell, `import pandas, matplotlib.pyplot, seaborn`, one bar chart and
one table) executed by the papermill command line in this environment. On a scratch copy of the repository
the script then measures, in the same run, every row of the issue's table:

- the full run, `cln-analysis run --force`, of every report of the catalogue, ÷ F;
- the no-change rerun, `cln-analysis run`, ÷ F;
- a change of the calls file (issue 24): after a full run, `cln-analysis run appels -p donnees=<the trial example>`
  (recorded, as an officer would), ÷ F, with the reports it redid — `appels` and the `bilan` that reads it, no
  other (the recorded value is then forgotten, unmeasured, so that every other row runs on the shipped inputs);
- the `grille` report with 100 000 members ÷ with 7 (random scores);
- the `retours` report with 100 000 answers ÷ with its example file (rows drawn from it), when the
  catalogue has that report (otherwise one line says it is skipped);
- the budget lines (issue 26): 200 000 lines drawn from the fictitious SCDL example, read, checked against the
  schema and matched against the perimeter (`cln_analysis.budget_lignes`), ÷ the default `budget` run (≤ 1,3), with
  the peak memory of that run (< 1 GB): the numerator is the report itself, `run budget -p lignes=…` (pages,
  workbook, figures). Some 25 000 of the drawn lines are digital: every one is a row of the workbook's
  « lignes_numeriques » sheet and of the audit page's table (written by the runner after nbconvert,
  `Rapport.tableau_long`, from the same texts as the sheet, coded as it is: `exports.feuille_codee`). The run of one
  report uses the core it would leave idle: the lines read by a child of the runner while the kernel starts
  (`cln_analysis/prelecture.py`, at a lower priority; the kernel then loads what the child read, its text
  columns as codes, and builds only the rows it keeps; it records the file by the hash the reader made), the charts
  drawn by children of the kernel while it goes on (`cln_analysis/dessins.py`; while they draw, the kernel encodes
  the heavy part of its hand-over, then draws those a child has not begun), the hand-over through a file of the
  run's private folder (`cln_analysis/remise.py`), the workbook written and scanned by a child of the runner while
  the audit page is rendered, the scan of the audit page by a child from the moment its downloads block is placed.
  The reader codes each text column once (in the read-ahead child), from the reading layer's codes: the kernel's
  matching and sums test a column's distinct values, not its 200 000 cells. A warmed kernel and every child leave
  the libraries' objects out of the garbage collector's rounds (`gc.freeze`: a full collection walked them, a
  tenth of a second once or twice a run). The reader parses a UTF-8 file from its bytes (no decoding of the whole
  file first), the run's private files are in memory (`/dev/shm`, `fichiers.dossier_temporaire`) and a long
  table's codes cross the hand-over as 32-bit arrays checked by numpy. Where the extra time goes now (wall clock,
  against the few-hundred-line example, traced): the read-ahead child takes 0,8 to 0,9 s of CPU (pandas' parser
  0,45 s of it, its categories 0,1 s) and ends before the kernel asks for the lines, but the kernel's start, beside
  it, takes about 0,1 s longer (1,0 to 1,2 s, not 0,95 to 1,1); in the kernel, the matching and sums (0,07 to
  0,11 s), the long table's texts and sheet (0,03 s) and their hand-over (0,02 s); in the runner, the hand-over
  read back (0,005 to 0,01 s), the long table's HTML (0,06 to 0,08 s), the audit page's 9 Mo scanned by a child
  (0,1 s), beside it the workbook written and scanned by another (0,2 s). Against the default run, the example's
  four more charts and their tables (each chart 0,05 to 0,09 s, two thirds of it matplotlib's constrained layout):
  once the last of them is made, the kernel and the child drawing them share what is left about equally. Both
  cores are busy through most of the run: only less work shortens it. The machine moves the ratio more than the
  code does: the default run took 2,45 to 3,3 s within one session, and the same code read 1,26 to 1,37 (9
  rounds: 1,30 and 1,26; round by round 1,32 to 1,34); interleaved with the code before the reader's bytes and
  the files in memory, 1,28 against 1,36 on a fast hour (the 200 000 lines in 3,11 s, not 3,33) and no difference
  on a slow one (both 1,32, the default run faster too: its charts' children write in memory). A saving in what
  every run does raises the ratio: the 0,3 s the runner's interpreter takes to exit, or the 0,1 s jupyter_client
  sleeps (its poll) after killing a kernel, with every core idle. It was 1,29 to 1,57 before the reader's bytes,
  1,30 to 1,39 before the wrapped columns (5,9 to 6,1 s ÷ 4,3 to 4,5 s on a slower day), 1,33
  to 1,60 before the file hand-over, the early scans and the lazy table, 1,50 to 1,57 before the frozen collector,
  the charts taken back and the lean sheet, 1,65 to 1,76 before the coded columns, 1,8 before the read ahead and the
  charts queued, 2,2 before the children and the coded sheet. The lines are drawn with replacement from a few
  hundred, so that every column holds few distinct values: a real city's amounts are all distinct (the checks run
  once per distinct value). `--seulement budget_lignes` measures this row alone, with, for information, the same
  report on the example's few hundred lines: the example ÷ the default run is what the lines add to the page
  whatever their number (about 1,1 to 1,24), the 200 000 lines ÷ the example what their number costs (about 1,16 to
  1,34 today);
- the peak memory of a full run, the runner and its kernels together (the resident memory of every process summed:
  the pages a forked kernel or child shares with its parent are counted in each, so the figure is an upper bound);
- the last privacy scan (`balayage.balayer`) over every output of a full run (`reports/`, `data/processed/`,
  `build/`), in process, with the example inputs' names and comments collected, ÷ the full run.

The measures are interleaved (one of each, then again) so that a machine whose load changes affects numerator
and denominator alike; each time printed is the median of `--repetitions` runs. The one-report rows give their
inputs with `--essai` (used once, not recorded): a recorded 100 000-member sheet would otherwise be what the next
full run measures. `--execution` measures only F, the full run, the no-change rerun and the calls-file change.
The CPU column is the user + system time of the command and every process it waited for: on a shared machine it
moves less than the clock. `make test` takes minutes, so it is measured only with `--make-test`: a fresh
`git clone` of this repository's HEAD, `.venv/` created by `make` (timed apart), then `make test` (CI=true).

    .venv/bin/python benchmarks/bench.py [--repetitions N] [--execution] [--make-test]
    .venv/bin/python benchmarks/bench.py --seulement budget_lignes   # only the budget lines' row, and the example
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil

from cln_analysis import balayage, catalogue, parametres

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GRANDE_TAILLE = 100_000
GRANDE = "100 000"  # GRANDE_TAILLE as printed
LIGNES_BUDGET = 200_000
LIGNES_BUDGET_TEXTE = "200 000"  # LIGNES_BUDGET as printed
MEMOIRE_MAX_MO = 1024
#: The call log's case (issue 25): a million calls, ten years of the switchboard, read and aggregated.
JOURNAL_TAILLE = 1_000_000
JOURNAL_MEMOIRE_MAX_MO = 1536
#: What the `appels` report will do with a log (read, then every table and figure of analyses_journal).
JOURNAL_CODE = (
    "import sys\n"
    "from cln_analysis import analyses_journal as aj, journal_appels as ja\n"
    "j = ja.lire_journal(sys.argv[1], collecte=set().update)\n"
    "h = aj.lire_horaires(aj.HORAIRES_DEFAUT)\n"
    "aj.mensuel(j.appels, h); aj.attentes(j.appels, 30); aj.distribution_attentes(j.appels)\n"
    "aj.charge(j.appels); aj.chiffres(j.appels, h)\n"
)

BARE = [
    ("x = 1", ["parameters"]),
    ("import pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns", []),
    ("df = pd.DataFrame({'a': ['x', 'y', 'z'], 'b': [1, 2, 3]})\nfig, ax = plt.subplots()\n"
     "ax.bar(df['a'], df['b'])\nplt.show()", []),
    ("df", []),
]


def bare_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for src, tags in BARE:
        cell = nbformat.v4.new_code_cell(src)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)


@dataclass
class Mesure:
    """One command measured `repetitions` times: wall-clock seconds, CPU seconds, peak memory (MB)."""

    libelle: str
    commande: list[str]
    secondes: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    memoire: float = 0.0
    sorties: list[str] = field(default_factory=list)  # the command's standard output, one text a run

    @property
    def t(self) -> float:
        return statistics.median(self.secondes)

    @property
    def c(self) -> float:
        return statistics.median(self.cpu)


def mesurer(m: Mesure, env: dict) -> None:
    """Run `m.commande` once; add its time, its CPU time (children included) and its peak memory."""
    peak = 0.0
    stop = threading.Event()
    avant = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(m.commande, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def sample():
        nonlocal peak
        p = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = [p] + p.children(recursive=True)
                peak = max(peak, sum(c.memory_info().rss for c in procs if c.is_running()) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    stop.set()
    th.join()
    apres = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"échec de {' '.join(m.commande)} :\n{err}")
    m.secondes.append(elapsed)
    m.cpu.append((apres.ru_utime - avant.ru_utime) + (apres.ru_stime - avant.ru_stime))
    m.memoire = max(m.memoire, peak)
    m.sorties.append(out)


def refaits(sortie: str) -> list[str]:
    """The reports a run redid, from the lines the runner prints (« <id> : fait en … »), in run order."""
    return re.findall(r"^\s+(\S+) : fait en ", sortie, flags=re.MULTILINE)


def notes_aleatoires(path: Path, members: int) -> Path:
    """A scoring sheet of `members` members with random scores (one in ten an abstention)."""
    rng = random.Random(2026)
    crit = colonne_par_defaut("grille", "criteres", "critere")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["repondant"] + crit)
        for i in range(members):
            w.writerow([f"Membre {i}"] + [rng.choice("01234") if rng.random() > 0.1 else "NSPP" for _ in crit])
    return path


def colonne_par_defaut(rapport: str, parametre: str, colonne: str) -> list[str]:
    """The column `colonne` of the CSV file a report's parameter points at by default."""
    with open(fichier_par_defaut(rapport, parametre), encoding="utf-8") as fh:
        return [row[colonne] for row in csv.DictReader(fh)]


def fichier_par_defaut(rapport: str, parametre: str) -> Path:
    """The file a report's parameter points at by default (its example file), as the notebook declares it."""
    declares = parametres.parametres_declares(catalogue.par_id(rapport).notebook)
    return REPO / declares[parametre].defaut.strip("\"'")


def lignes_tirees(source: Path, dest: Path, n: int) -> Path:
    """A file of `n` rows drawn at random (with replacement) from the rows of `source`, same header."""
    rng = random.Random(2026)
    with open(source, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    with open(dest, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rng.choices(rows, k=n))
    return dest


def journal_aleatoire(path: Path, n: int) -> Path:
    """`n` random calls over ten years in the project's columns, numbers in the fiction range 01 99 00 xx xx;
    the callbot from October 2025 on."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(17)
    debut = pd.Timestamp("2016-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 10 * 365 * 86400, n)), unit="s")
    parcours = rng.choice(["agent", "perdu", "callbot_resolu", "callbot_abandon", "callbot_transfert_agent",
                           "callbot_transfert_perdu"], n, p=[0.4, 0.1, 0.2, 0.05, 0.2, 0.05])
    # the callbot only in the last three months (its trial), as the report expects a year before it
    avant = np.asarray(debut < pd.Timestamp("2025-10-01"))
    parcours[avant] = rng.choice(["agent", "perdu"], int(avant.sum()), p=[0.8, 0.2])
    k = rng.integers(0, 10_000, n)
    numeros = np.char.add(np.char.add("01 99 00 ", np.char.zfill((k // 100).astype(str), 2)),
                          np.char.add(" ", np.char.zfill((k % 100).astype(str), 2)))
    numeros[rng.random(n) < 0.04] = "anonyme"
    attente = np.where(np.isin(parcours, ["callbot_resolu", "callbot_abandon"]), np.nan, rng.exponential(150, n))
    pd.DataFrame({"debut": debut.strftime("%Y-%m-%d %H:%M:%S"), "appelant": numeros, "parcours": parcours,
                  "attente_s": attente.round(), "duree_s": rng.exponential(180, n).round()}).to_csv(
        path, index=False, float_format="%.0f")
    return path


def compter_lignes(path: Path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def temps_balayage(root: Path, n: int) -> tuple[float, float, int, float]:
    """Median seconds and CPU seconds of `n` scans of every output of the run at `root`, the number of files
    and their MB."""
    collecteur = balayage.Collecteur()
    with open(fichier_par_defaut("grille", "notes"), encoding="utf-8") as fh:
        collecteur.ajouter_tout(row["repondant"] for row in csv.DictReader(fh))
    if "retours" in catalogue.ids():
        with open(fichier_par_defaut("retours", "donnees"), encoding="utf-8") as fh:
            collecteur.ajouter_tout(row["commentaire"] for row in csv.DictReader(fh))
    fichiers = sorted(p for d in ("reports", "data/processed", "build") for p in (root / d).rglob("*") if p.is_file())
    racines = balayage.racines_par_defaut() + [str(root)]
    temps, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        fuites = balayage.balayer(fichiers, collecteur, racines, racine=root)
        temps.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if fuites:
        raise SystemExit("le balayage trouve des fuites dans les rapports d'exemple :\n"
                         + "\n".join(f.message() for f in fuites))
    return statistics.median(temps), statistics.median(cpu), len(fichiers), \
        sum(p.stat().st_size for p in fichiers) / 2**20


def temps_make_test() -> list[tuple[str, float]]:
    """Time `make test` on a fresh clone of HEAD (CI=true); the creation of .venv/ is timed apart."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        env = dict(os.environ, CI="true")
        env.pop("CLN_ANALYSIS_ROOT", None)
        out = []
        for label, target in (("création de .venv/ (make)", ".venv/.installed"), ("make test", "test")):
            t0 = time.perf_counter()
            res = subprocess.run(["make", "-C", str(clone), target], env=env, capture_output=True, text=True)
            out.append((label, time.perf_counter() - t0))
            if res.returncode != 0:
                raise SystemExit(f"échec de make {target} :\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
        return out


def banc_rapports(tmp: Path, run: list[str], ids: list[str]):
    """The one-report rows: grille and retours, small and large, and the budget lines; inputs given with --essai
    (used once, never recorded: the full run of the next repetition runs on the shipped inputs)."""
    paires: list[tuple[Mesure, Mesure, str]] = []
    absent = []
    small = notes_aleatoires(tmp / "n7.csv", 7)
    big = notes_aleatoires(tmp / "n100k.csv", GRANDE_TAILLE)
    g_small = Mesure("grille, 7 membres", run + ["grille", "--force", "--essai", "-p", f"notes={small}"])
    g_big = Mesure(f"grille, {GRANDE} membres", run + ["grille", "--force", "--essai", "-p", f"notes={big}"])
    paires.append((g_big, g_small, f"grille, {GRANDE} membres ÷ 7"))
    if "retours" in ids:
        exemple = fichier_par_defaut("retours", "donnees")
        k = compter_lignes(exemple)
        r_big = lignes_tirees(exemple, tmp / "r100k.csv", GRANDE_TAILLE)
        r_small_m = Mesure(f"retours, {k} réponses (l'exemple)",
                           run + ["retours", "--force", "--essai", "-p", f"donnees={exemple}"])
        r_big_m = Mesure(f"retours, {GRANDE} réponses",
                         run + ["retours", "--force", "--essai", "-p", f"donnees={r_big}"])
        paires.append((r_big_m, r_small_m, f"retours, {GRANDE} réponses ÷ {k}"))
    else:
        absent.append("retours, 100 000 réponses ÷ 37 : ignoré, le catalogue n'a pas (encore) le rapport retours")
    b_defaut, b_lignes = mesures_budget_lignes(tmp, run)
    return paires, [(b_lignes, b_defaut, f"budget, {LIGNES_BUDGET_TEXTE} lignes ÷ run par défaut")], absent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--make-test", action="store_true", help="also time `make test` on a fresh clone")
    ap.add_argument("--journal", action="store_true", help="only the call log's case (a million calls)")
    ap.add_argument("--seulement", choices=["budget_lignes"],
                    help="only one row: budget_lignes, the 200 000 budget lines ÷ the default budget run")
    ap.add_argument("--execution", action="store_true",
                    help="only F, the full run, the no-change rerun and the change of the calls file")
    args = ap.parse_args()
    if args.journal:
        return banc_journal(args.repetitions)
    if args.seulement == "budget_lignes":
        return banc_budget_lignes(args.repetitions)
    n = args.repetitions
    ids = catalogue.ids()
    charge_avant = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = copie_de_travail(tmp)
        run = [str(BIN / "cln-analysis"), "run"]
        bare = tmp / "bare.ipynb"
        bare_notebook(bare)
        F = Mesure("F : notebook nu, papermill en ligne de commande",
                   [str(BIN / "papermill"), "-p", "x", "2", str(bare), str(tmp / "bare_out.ipynb")])
        full = Mesure(f"cln-analysis run --force ({len(ids)} rapports, pages, index)", run + ["--force"])
        same = Mesure("cln-analysis run sans changement", run)
        # another calls file, recorded as an officer records one (-p without --essai): the trial example
        autre_appels = tmp / "data" / "raw" / "appels_essai_exemple.csv"
        change = Mesure("run appels -p donnees=… (un autre fichier d'appels)",
                        run + ["appels", "-p", f"donnees={autre_appels}"])
        oublier = [str(BIN / "cln-analysis"), "parametres", "--reinitialiser", "appels"]
        mesures = [F, full, same, change]
        paires: list[tuple[Mesure, Mesure, str]] = []
        paires_budget: list[tuple[Mesure, Mesure, str]] = []
        absent = []
        if not args.execution:
            paires, paires_budget, absent = banc_rapports(tmp, run, ids)
        for big_m, small_m, _ in paires + paires_budget:
            mesures += [small_m, big_m]

        mesurer(full, env)  # warms the file cache and leaves outputs for the no-change rerun
        full.secondes.clear(), full.cpu.clear(), full.sorties.clear()
        for _ in range(n):
            for m in mesures:  # the no-change rerun comes right after a default full run, the change after it
                mesurer(m, env)
                if m is change:  # back to the shipped calls file (unmeasured): the next rows run on it
                    subprocess.run(oublier, env=env, check=True, stdout=subprocess.DEVNULL)
                    if paires:  # and appels, bilan redone on it: `run grille` would otherwise redo appels too
                        subprocess.run(run + ["appels"], env=env, check=True, stdout=subprocess.DEVNULL)
        if not args.execution:
            mesurer(full, env)  # the scan reads the outputs of a full run
            full.secondes.pop(), full.cpu.pop()
            scan_t, scan_c, scan_n, scan_mo = temps_balayage(tmp, n)

    print(f"Machine : {platform.node()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
          f"médiane de {n} exécutions entrelacées ; charge moyenne {charge_avant[0]:.1f} au début, "
          f"{os.getloadavg()[0]:.1f} à la fin")
    print(f"{'mesure':58s} {'durée':>8s} {'CPU':>8s}   {'ratio':>6s}   objectif")
    lignes: list[tuple[str, float, float, float | None, str, Callable[[float], bool] | None]] = [
        (F.libelle, F.t, F.c, None, "", None),
        (full.libelle, full.t, full.c, full.t / F.t, "≤ 2,0 × F (visé : 1,5)", lambda r: r <= 2.0),
        (same.libelle, same.t, same.c, same.t / F.t, "≤ 0,3 × F", lambda r: r <= 0.3),
        (change.libelle, change.t, change.c, change.t / F.t, "appels et bilan seulement (ci-dessous)", None),
    ]
    for big_m, small_m, label in paires:
        lignes.append((small_m.libelle, small_m.t, small_m.c, None, "", None))
        lignes.append((big_m.libelle, big_m.t, big_m.c, None, "", None))
        lignes.append((label, big_m.t, big_m.c, big_m.t / small_m.t, "≤ 1,2", lambda r: r <= 1.2))
    for big_m, small_m, label in paires_budget:
        lignes.append((small_m.libelle, small_m.t, small_m.c, None, "", None))
        lignes.append((big_m.libelle, big_m.t, big_m.c, None, "", None))
        lignes.append((label, big_m.t, big_m.c, big_m.t / small_m.t, "≤ 1,3", lambda r: r <= 1.3))
    manques = []
    for label, secs, cpu, ratio, target, ok in lignes:
        text = f"{label:58s} {secs:7.2f}s {cpu:7.2f}s"
        if ratio is not None:
            text += f"   {ratio:6.2f}   {target}"
            if ok is not None and not ok(ratio):
                manques.append(label)
        print(text)
    # a change of the calls file redoes appels and the bilan that reads it, and no other report
    attendus = ("appels", *catalogue.dependants(["appels"]))
    vus = sorted({tuple(refaits(o)) for o in change.sorties})
    print(f"{'  rapports refaits par ce changement':58s} {' ; '.join(', '.join(v) for v in vus)}"
          f"   (attendu : {', '.join(attendus)})")
    if vus != [attendus]:
        manques.append("changement du fichier des appels : " + " ; ".join(", ".join(v) for v in vus))
    if full.sorties and any(len(refaits(o)) != len(ids) for o in full.sorties):
        manques.append("exécution complète : tous les rapports ne sont pas refaits")
    if args.execution:
        print("--execution : les lignes grille, retours, budget, balayage et mémoire ne sont pas mesurées")
        print("Objectifs atteints." if not manques else "ATTENTION, objectif non atteint : " + " ; ".join(manques))
        return
    scan_libelle = f"balayage ({scan_n} fichiers, {scan_mo:.1f} Mo) ÷ exécution complète"
    print(f"{scan_libelle:58s} {scan_t:7.2f}s {scan_c:7.2f}s   {scan_c / full.c:6.2f}   ≤ 0,05 (en CPU)")
    if scan_c / full.c > 0.05:
        manques.append("balayage")
    for line in absent:
        print(line)
    print(f"{'mémoire maximale d’une exécution complète (tous processus)':58s} {full.memoire:6.0f} Mo"
          f"{'':20s}< {MEMOIRE_MAX_MO} Mo")
    if full.memoire >= MEMOIRE_MAX_MO:
        manques.append("mémoire")
    for big_m, _, _ in paires_budget:
        print(f"{'mémoire maximale, ' + LIGNES_BUDGET_TEXTE + ' lignes budgétaires':58s} {big_m.memoire:6.0f} Mo"
              f"{'':20s}< {MEMOIRE_MAX_MO} Mo")
        if big_m.memoire >= MEMOIRE_MAX_MO:
            manques.append("mémoire des lignes budgétaires")
    if args.make_test:
        for label, secs in temps_make_test():
            cible = "   ≤ 180 s" if label == "make test" else ""
            print(f"{label + ' (clone neuf, CI=true)':58s} {secs:7.2f}s{cible}")
            if label == "make test" and secs > 180:
                manques.append("make test")
    else:
        print("make test : mesuré à part (option --make-test : clone neuf, CI=true ; objectif ≤ 3 min)")
    print("Objectifs atteints." if not manques else "ATTENTION, objectif non atteint : " + " ; ".join(manques))


def copie_de_travail(tmp: Path) -> dict:
    """A scratch copy of the repository's notebooks, data and catalogue in `tmp`; the environment that runs on it."""
    for d in ("notebooks", "data"):
        shutil.copytree(REPO / d, tmp / d)
    shutil.copy(REPO / "rapports.toml", tmp / "rapports.toml")  # every report's declaration
    return dict(os.environ, CLN_ANALYSIS_ROOT=str(tmp))


def mesures_budget_lignes(tmp: Path, run: list[str]) -> tuple[Mesure, Mesure]:
    """(default budget run, budget run on 200 000 lines drawn from the fictitious SCDL example)."""
    lignes_csv = lignes_tirees(REPO / "data" / "raw" / "budget_lignes_exemple.csv", tmp / "lignes200k.csv",
                               LIGNES_BUDGET)
    b_defaut = Mesure("budget, run par défaut (totaux de la diapositive)", run + ["budget", "--force"])
    b_lignes = Mesure(f"budget, {LIGNES_BUDGET_TEXTE} lignes SCDL lues, rapprochées, publiées",
                      run + ["budget", "--force", "--essai", "-p", f"lignes={lignes_csv}"])
    return b_defaut, b_lignes


def banc_budget_lignes(n: int) -> None:
    """Only the budget lines' row (`--seulement budget_lignes`): the budget report on 200 000 lines ÷ its default
    run, interleaved, wall clock and CPU, and the peak memory of the 200 000-line run (runner and kernel)."""
    charge_avant = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = copie_de_travail(tmp)
        run = [str(BIN / "cln-analysis"), "run"]
        defaut, lignes = mesures_budget_lignes(tmp, run)
        exemple_csv = REPO / "data" / "raw" / "budget_lignes_exemple.csv"
        # for information: the same page from the example's few hundred lines, so that what the lines add to the
        # page whatever their number (charts, breakdowns, rules) is told apart from what their number costs
        exemple = Mesure(f"budget, l'exemple ({compter_lignes(exemple_csv)} lignes SCDL), même page",
                         run + ["budget", "--force", "--essai", "-p", f"lignes={exemple_csv}"])
        for _ in range(n):
            for m in (defaut, exemple, lignes):
                mesurer(m, env)
    print(f"Machine : {platform.node()}, {os.cpu_count()} cœurs, médiane de {n} exécutions entrelacées ; "
          f"charge moyenne {charge_avant[0]:.1f} au début, {os.getloadavg()[0]:.1f} à la fin")
    print(f"{'mesure':58s} {'durée':>8s} {'CPU':>8s}   mémoire")
    for m in (defaut, exemple, lignes):
        print(f"{m.libelle:58s} {m.t:7.2f}s {m.c:7.2f}s   {m.memoire:6.0f} Mo")
    ratio, ratio_cpu = lignes.t / defaut.t, lignes.c / defaut.c
    print(f"{f'budget, {LIGNES_BUDGET_TEXTE} lignes ÷ run par défaut':58s} {ratio:7.2f}  {ratio_cpu:7.2f}    ≤ 1,3 "
          "(durée ; CPU à côté)")
    # the same ratio taken round by round (each round runs the three one after the other): a machine whose speed
    # drifts from one minute to the next moves it less than the ratio of the medians
    par_tour = statistics.median(b / a for a, b in zip(defaut.secondes, lignes.secondes, strict=True))
    print(f"{'  pour information : le même rapport, tour par tour (médiane)':58s} {par_tour:7.2f}")
    print(f"{'  pour information : l’exemple ÷ run par défaut':58s} {exemple.t / defaut.t:7.2f}  "
          f"{exemple.c / defaut.c:7.2f}    (ce que les lignes ajoutent à la page)")
    print(f"{f'  pour information : {LIGNES_BUDGET_TEXTE} lignes ÷ l’exemple':58s} {lignes.t / exemple.t:7.2f}  "
          f"{lignes.c / exemple.c:7.2f}    (ce que coûte leur nombre)")
    manques = [quoi for quoi, ok in (("durée", ratio <= 1.3), ("mémoire", lignes.memoire < MEMOIRE_MAX_MO)) if not ok]
    print(f"mémoire maximale, {LIGNES_BUDGET_TEXTE} lignes budgétaires : {lignes.memoire:.0f} Mo "
          f"(< {MEMOIRE_MAX_MO} Mo) — " + (f"ATTENTION, objectif non atteint : {', '.join(manques)}." if manques
                                          else "objectifs atteints."))


def banc_journal(n: int) -> None:
    """The call log's case: the `appels` report run on a million calls (`-p journal=`), beside the example log
    (24 513 calls) read and aggregated and the default `appels` run; its time and its peak memory (< 1,5 Go)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = copie_de_travail(tmp)
        grand = journal_aleatoire(tmp / "journal_1M.csv", JOURNAL_TAILLE)
        exemple = REPO / "data" / "raw" / "journal_appels_exemple.csv"
        py = [str(BIN / "python"), "-c", JOURNAL_CODE]
        defaut = Mesure("appels, exécution par défaut (cln-analysis run appels --force)",
                        [str(BIN / "cln-analysis"), "run", "appels", "--force"])
        petit = Mesure(f"journal : l'exemple ({compter_lignes(exemple)} appels) lu et agrégé", py + [str(exemple)])
        million = Mesure("journal : 1 000 000 d'appels, rapport appels complet",
                         [str(BIN / "cln-analysis"), "run", "appels", "--force", "--essai", "-p", f"journal={grand}"])
        for _ in range(n):
            for m in (defaut, petit, million):
                mesurer(m, env)
        taille = grand.stat().st_size / 2**20
    print(f"Machine : {platform.node()}, {os.cpu_count()} cœurs, médiane de {n} exécutions entrelacées ; "
          f"journal d'un million d'appels : {taille:.0f} Mo")
    print(f"{'mesure':58s} {'durée':>8s} {'CPU':>8s}   mémoire")
    for m in (defaut, petit, million):
        print(f"{m.libelle:58s} {m.t:7.2f}s {m.c:7.2f}s   {m.memoire:6.0f} Mo")
    ratio, ratio_cpu = million.t / defaut.t, million.c / defaut.c
    print(f"{'journal, 1 000 000 appels ÷ appels par défaut':58s} {ratio:7.2f}  {ratio_cpu:7.2f}    ≤ 2,0 "
          "(le rapport appels entier, lu, calculé et publié)")
    ok = million.memoire < JOURNAL_MEMOIRE_MAX_MO and ratio <= 2.0
    print(f"mémoire maximale, 1 000 000 d'appels : {million.memoire:.0f} Mo (< {JOURNAL_MEMOIRE_MAX_MO} Mo) — "
          + ("objectifs atteints." if ok else "ATTENTION, objectif non atteint (durée ; voir la colonne CPU sur une "
                                              "machine chargée)."))


if __name__ == "__main__":
    main()
