"""Write the FICTITIOUS per-call log `data/raw/journal_appels_exemple.csv` (fixed seed: the same bytes each run).

About 25 000 invented calls over the trial's first three months (April–June 2026) and the same months a year
before (April–June 2025, no callbot), in the project's documented columns (`debut`, `appelant`, `parcours`,
`attente_s`, `duree_s`). Arrivals follow the opening hours (« lun-ven 08:30-17:30 ») with a peak on Monday
mornings, a few calls out of hours, on weekends and on public holidays; about 4 % of the numbers are withheld
(empty or « anonyme »); some callers call back within hours.

The numbers are invented in the range 01 99 00 00 00 – 01 99 00 99 99. The French numbering plan keeps it out of
service for works of fiction: ARCEP, décision n° 2018-0881 modifiée du 24 juillet 2018 établissant le plan national
de numérotation, annexe 1, § 2.5.12, which allots the blocks 01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49 and
06 39 98 (each followed by four digits) « aux œuvres audiovisuelles » — no one can be reached there
(https://www.legifrance.gouv.fr/jorf/article_jo/JORFARTI000037263033; the State's design system, DSFR, « Numéro de
téléphone », asks for examples in the same blocks). `FICTION` below is that range, and the script refuses to write a
number outside it. Nothing in this file was measured.

    .venv/bin/python tools/generer_journal_exemple.py
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SORTIE = RAW / "journal_appels_exemple.csv"
GRAINE = 20260401
MOIS = ["2025-04", "2025-05", "2025-06", "2026-04", "2026-05", "2026-06"]
APPELS_PAR_JOUR_OUVRE = 185  # ≈ 25 000 calls over the six months
NUMEROS = 10_000  # invented callers: the whole reserved range
#: The block ARCEP reserves for works of fiction in zone 01 (plan national de numérotation, annexe 1, § 2.5.12).
FICTION = "01 99 00"


def _arrivees(rng: np.random.Generator, mois: str) -> pd.DatetimeIndex:
    import holidays

    debut = pd.Timestamp(f"{mois}-01")
    jours = pd.date_range(debut, debut + pd.offsets.MonthEnd(0), freq="D")
    feries = set(holidays.France(years=debut.year).keys())
    out = []
    for jour in jours:
        ouvre = jour.weekday() < 5 and jour.date() not in feries
        n = rng.poisson(APPELS_PAR_JOUR_OUVRE * (1.35 if jour.weekday() == 0 else 1.0)) if ouvre \
            else rng.poisson(12)
        if ouvre:  # within hours mostly, more in the morning (and on Monday mornings), a few in the evening
            heures = np.concatenate([rng.normal(10.2 if jour.weekday() == 0 else 10.8, 1.3, int(n * 0.62)),
                                     rng.normal(14.8, 1.2, int(n * 0.32)), rng.uniform(6.5, 21.5, n - int(n * 0.62)
                                                                                        - int(n * 0.32))])
        else:
            heures = rng.uniform(8.0, 20.0, n)
        heures = np.clip(heures, 0, 23.999)
        out.append(jour + pd.to_timedelta(np.round(heures * 3600), unit="s"))
    return pd.DatetimeIndex(np.sort(np.concatenate([o.to_numpy() for o in out])))


def _journal(rng: np.random.Generator) -> pd.DataFrame:
    from cln_analysis.analyses_journal import HORAIRES_DEFAUT, hors_horaires, lire_horaires

    debut = pd.DatetimeIndex(np.concatenate([_arrivees(rng, m).to_numpy() for m in MOIS]))
    n = len(debut)
    # callers drawn from the whole range; a share of calls are calls back, minutes to hours later, from the
    # number of an earlier call (more often after a lost call or a callbot call)
    appelant = rng.integers(0, NUMEROS, n)
    rappel = rng.random(n) < 0.10
    source = np.flatnonzero(rappel) - 1 - rng.integers(0, 40, rappel.sum())
    appelant[rappel] = appelant[np.clip(source, 0, None)]
    numeros = np.array([f"{FICTION} {k // 100:02d} {k % 100:02d}" for k in range(NUMEROS)])[appelant].astype(object)
    masque = rng.random(n) < 0.04
    numeros[masque] = np.where(rng.random(masque.sum()) < 0.5, "", "anonyme")
    hors = hors_horaires(pd.Series(debut), lire_horaires(HORAIRES_DEFAUT))
    essai = debut.year == 2026
    tirage = rng.random(n)
    patience = rng.exponential(1100, n)
    attente = np.where(essai, rng.lognormal(np.log(90), 1.0, n), rng.lognormal(np.log(200), 1.0, n)).round()
    perdu = attente > patience
    parcours = np.where(perdu, "perdu", "agent").astype(object)
    # in the trial, the callbot answers every call (out of hours too; a transfer out of hours is lost)
    bot = essai
    parcours[bot & (tirage < 0.28)] = "callbot_resolu"
    parcours[bot & (tirage >= 0.28) & (tirage < 0.36)] = "callbot_abandon"
    transfert = bot & (tirage >= 0.36)
    parcours[transfert] = np.where(perdu[transfert] | hors[transfert], "callbot_transfert_perdu",
                                   "callbot_transfert_agent")
    parcours[~essai & hors] = "perdu"
    attente = np.where(np.isin(parcours, ["callbot_resolu", "callbot_abandon"]), np.nan,
                       np.where(perdu | hors, np.minimum(attente, patience.round()), attente))
    attente = np.where(hors & (parcours == "perdu"), rng.integers(5, 60, n), attente)
    attente[hors & (parcours == "callbot_transfert_perdu")] = rng.integers(5, 60, (hors & (parcours ==
                                                                           "callbot_transfert_perdu")).sum())
    duree = np.where(np.isin(parcours, ["agent", "callbot_transfert_agent"]), rng.lognormal(np.log(170), 0.6, n),
                     np.where(np.isin(parcours, ["callbot_resolu", "callbot_abandon"]),
                              rng.lognormal(np.log(80), 0.5, n), np.nan)).round()
    return pd.DataFrame({"debut": debut.strftime("%Y-%m-%d %H:%M:%S"), "appelant": numeros, "parcours": parcours,
                         "attente_s": attente, "duree_s": duree})


def texte() -> str:
    """The file's exact text."""
    df = _journal(np.random.default_rng(GRAINE))
    inventes = df["appelant"][~df["appelant"].isin(["", "anonyme"])]
    if not inventes.str.fullmatch(rf"{FICTION} \d\d \d\d").all():  # never a number someone could answer
        raise SystemExit("un numéro inventé sort de la tranche réservée à la fiction")
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.0f", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


if __name__ == "__main__":
    t = texte()
    SORTIE.write_text(t, encoding="utf-8")
    print(f"{SORTIE.name} écrit : {t.count(chr(10)) - 1} appels fictifs")
