"""Benchmark of the report runner against the floor F (issue: fast reruns). Not part of `make test`.

F is one bare notebook (a parameters cell, `import pandas, matplotlib.pyplot, seaborn`, one bar
chart and one table) executed by the papermill command line in this environment. The script then
measures, on a scratch copy of the repository, the full run (`cln-analysis run --force`), the
no-change rerun, the grid report with 7 and with 100 000 members, and the peak memory of a full
run (runner and kernels together). Each time is the median of several runs; each is printed with
its ratio and its target.

    .venv/bin/python benchmarks/bench.py [--repetitions N]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BARE = [
    ("code", "x = 1", ["parameters"]),
    ("code", "import pandas as pd\nimport matplotlib.pyplot as plt\nimport seaborn as sns", []),
    ("code", "df = pd.DataFrame({'a': ['x', 'y', 'z'], 'b': [1, 2, 3]})\nfig, ax = plt.subplots()\nax.bar(df['a'], df['b'])\nplt.show()", []),
    ("code", "df", []),
]


def bare_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for _, src, tags in BARE:
        cell = nbformat.v4.new_code_cell(src)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, path)


def timed(cmd: list[str], env: dict | None = None, sample_memory: bool = False) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the command and all its children)."""
    peak = 0.0
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

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
    if sample_memory:
        th.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - t0
    stop.set()
    if proc.returncode != 0:
        raise SystemExit(f"échec de {' '.join(cmd)} :\n{err}")
    return elapsed, peak


def median(fn, n: int) -> float:
    return statistics.median(fn() for _ in range(n))


def notes(path: Path, members: int) -> Path:
    rng = random.Random(2026)
    crit = ["usage", "coherence", "impact_metiers", "vie_privee", "transparence", "fiabilite", "environnement", "gouvernance"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("repondant," + ",".join(crit) + "\n")
        for i in range(members):
            fh.write(f"Membre {i}," + ",".join(rng.choice("01234") if rng.random() > 0.1 else "NSPP" for _ in crit) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repetitions", type=int, default=3)
    n = ap.parse_args().repetitions
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for d in ("notebooks", "data"):
            shutil.copytree(REPO / d, tmp / d)
        env = dict(os.environ, CLN_ANALYSIS_ROOT=str(tmp))
        run = [str(BIN / "cln-analysis"), "run"]
        bare = tmp / "bare.ipynb"
        bare_notebook(bare)
        F = median(lambda: timed([str(BIN / "papermill"), "-p", "x", "2", str(bare), str(tmp / "bare_out.ipynb")], env)[0], n)
        timed(run + ["--force"], env)  # warm the file cache once
        full = median(lambda: timed(run + ["--force"], env)[0], n)
        same = median(lambda: timed(run, env)[0], n)
        _, peak = timed(run + ["--force"], env, sample_memory=True)
        small, big = notes(tmp / "n7.csv", 7), notes(tmp / "n100k.csv", 100_000)
        g7 = median(lambda: timed(run + ["grille", "--force", "-p", f"notes={small}"], env)[0], n)
        g100k = median(lambda: timed(run + ["grille", "--force", "-p", f"notes={big}"], env)[0], n)

    print(f"Machine : {platform.node()}, {os.cpu_count()} cœurs, Python {platform.python_version()}, "
          f"médiane de {n} exécutions")
    rows = [
        ("F (notebook nu, papermill en ligne de commande)", F, F, None),
        ("cln-analysis run --force (4 rapports, HTML, index)", full, full / F, "≤ 2,0 × F"),
        ("cln-analysis run sans changement", same, same / F, "≤ 0,3 × F"),
        ("grille, 7 membres", g7, g7 / F, None),
        ("grille, 100 000 membres", g100k, g100k / g7, "≤ 1,5 × la grille à 7 membres"),
    ]
    for label, secs, ratio, target in rows:
        print(f"{label:55s} {secs:6.2f} s   ratio {ratio:5.2f}" + (f"   objectif {target}" if target else ""))
    print(f"{'mémoire maximale d’une exécution complète':55s} {peak:6.0f} Mo                objectif < 1 024 Mo")
    ok = full / F <= 2.0 and same / F <= 0.3 and g100k / g7 <= 1.5 and peak < 1024
    print("Objectifs atteints." if ok else "ATTENTION : un objectif n'est pas atteint.")


if __name__ == "__main__":
    main()
