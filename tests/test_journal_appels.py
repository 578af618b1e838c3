"""The per-call log (issue 25): its reader (`journal_appels`) and its analyses (`analyses_journal`), on a
hand-built log of 30 calls whose every expected value is worked out by hand below.

The numbers are invented in 01 99 00 xx xx, the range the French numbering plan keeps for fiction. The 3CX
case follows the CDR fields 3CX documents (« CDR - Call Data Records », www.3cx.com/blog/docs/cdr-call-data-
records/: historyid, time-start, time-answered, time-end, from-no, to-no, final-dn, reason-terminated, chain,
from-dispname; written here with `_`, as some exports do).
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import pytest

from cln_analysis import analyses_journal as aj
from cln_analysis import appels
from cln_analysis import journal_appels as ja
from cln_analysis.erreurs import ErreurDonnees, ErreurParametre

A, B, C, D = "01 99 00 00 01", "01 99 00 00 02", "01 99 00 00 03", "01 99 00 00 04"
E, F, G, H = "01 99 00 00 05", "01 99 00 00 06", "01 99 00 00 07", "01 99 00 00 08"
G_INTER, G_POINTS = "+33 1 99 00 00 07", "01.99.00.00.07"  # G written otherwise: the same caller
TROIS_CX_APPELE = "0353010000"  # the number called in the 3CX records: zone 03's block kept for fiction

# (debut, appelant, parcours, attente_s, duree_s); the comment says in or out of « lun-ven 08:30-17:30 »
APPELS = [
    # 2025-04, before the trial
    ("2025-04-01 09:00:00", C, "agent", "30", "100"),  # 1 in
    ("2025-04-01 10:00:00", D, "agent", "700", "200"),  # 2 in
    ("2025-04-01 11:00:00", E, "perdu", "400", ""),  # 3 in
    ("2025-04-21 10:00:00", F, "perdu", "50", ""),  # 4 out: Easter Monday 2025
    # 2026-04, trial
    ("2026-04-01 17:29:00", A, "callbot_resolu", "", "60"),  # 5 in (17:29)
    ("2026-04-01 17:31:00", B, "callbot_resolu", "", "50"),  # 6 out (17:31)
    ("2026-04-02 17:28:00", A, "agent", "20", "100"),  # 7 in; A again 23 h 59 after 5
    ("2026-04-02 17:32:00", B, "callbot_transfert_perdu", "15", ""),  # 8 out; B again 24 h 01 after 6
    ("2026-04-03 10:00:00", C, "callbot_resolu", "", "40"),  # 9 in (Friday)
    ("2026-04-04 10:00:00", C, "callbot_abandon", "", "30"),  # 10 out (Saturday); C again exactly 24 h after 9
    ("2026-04-06 10:00:00", D, "callbot_transfert_agent", "10", "120"),  # 11 out: Easter Monday 2026
    ("2026-04-07 08:29:00", "", "callbot_resolu", "", "20"),  # 12 out (08:29), withheld (empty)
    ("2026-04-07 08:30:00", "anonyme", "perdu", "300", ""),  # 13 in (08:30), withheld
    ("2026-04-07 09:00:00", E, "callbot_transfert_agent", "45", "200"),  # 14 in
    ("2026-04-07 09:10:00", F, "perdu", "900", ""),  # 15 in; F again 20 min later
    ("2026-04-07 09:30:00", F, "agent", "120", "150"),  # 16 in
    ("2026-04-08 23:59:30", G, "callbot_resolu", "", "100"),  # 17 out, across midnight
    ("2026-04-30 23:59:00", H, "callbot_abandon", "", "120"),  # 18 out, across midnight into May
    # 2026-05, trial
    ("2026-05-01 10:00:00", H, "callbot_transfert_perdu", "200", ""),  # 19 out: 1 May
    ("2026-05-04 09:00:00", A, "callbot_transfert_agent", "30", "100"),  # 20 in (Monday)
    ("2026-05-04 09:05:00", B, "agent", "5", "60"),  # 21 in
    ("2026-05-04 09:10:00", C, "perdu", "650", ""),  # 22 in
    ("2026-05-04 09:15:00", D, "callbot_resolu", "", "70"),  # 23 in; D again after 48 h
    ("2026-05-04 09:20:00", E, "agent", "1000", "300"),  # 24 in
    ("2026-05-04 09:25:00", G_INTER, "callbot_resolu", "", "30"),  # 25 in; G again 23 h 35 later (27)
    ("2026-05-06 10:00:00", D, "agent", "240", "100"),  # 26 in
    ("2026-05-05 09:00:00", G_POINTS, "agent", "61", "100"),  # 27 in (out of order in the file)
    ("2026-05-06 12:00:00", "anonyme", "callbot_resolu", "", "40"),  # 28 in, withheld
    ("2026-05-07 10:00:00", A, "callbot_resolu", "", "40"),  # 29 in; < 24 h before the last call
    ("2026-05-07 20:00:00", B, "perdu", "100", ""),  # 30 out; the log's last call
]
NUMEROS = [A, B, C, D, E, F, G, H, G_INTER, G_POINTS]


def _ecrire(path, rows, sep=",", encoding="utf-8", entete=("debut", "appelant", "parcours", "attente_s", "duree_s")):
    lines = [sep.join(entete)] + [sep.join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def journal(tmp_path):
    return ja.lire_journal(_ecrire(tmp_path / "journal.csv", APPELS))


@pytest.fixture
def horaires():
    return aj.lire_horaires(aj.HORAIRES_DEFAUT)


def _sans_numero(text: str) -> None:
    compact = text.replace(" ", "").replace(".", "")
    for n in NUMEROS:
        chiffres = "".join(ch for ch in n if ch.isdigit())
        assert n not in text and chiffres not in compact and chiffres[-9:] not in compact, "a number leaked"


# --------------------------------------------------------------------------- reading

@pytest.mark.parametrize("sep,encoding", [(",", "utf-8"), (";", "cp1252"), (";", "utf-8-sig")])
def test_every_csv_form_reads_the_same_calls(tmp_path, sep, encoding):
    j = ja.lire_journal(_ecrire(tmp_path / "j.csv", APPELS, sep, encoding))
    assert len(j.appels) == 30 and j.jeu == "projet"
    assert list(j.appels["parcours"].astype(str)) == [r[2] for r in APPELS]
    assert j.appels["debut"].iloc[16] == pd.Timestamp("2026-04-08 23:59:30")
    assert j.appels["attente_s"].iloc[23] == 1000 and math.isnan(j.appels["attente_s"].iloc[4])


def test_a_workbook_with_date_cells_reads_the_same_calls(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["debut", "appelant", "parcours", "attente_s", "duree_s"])
    for d, n, p, w, s in APPELS:
        ws.append([pd.Timestamp(d).to_pydatetime(), n, p, float(w) if w else None, int(s) if s else None])
    wb.save(tmp_path / "j.xlsx")
    j = ja.lire_journal(tmp_path / "j.xlsx")
    assert list(j.appels["debut"]) == [pd.Timestamp(r[0]) for r in APPELS]
    assert j.appels["attente_s"].sum() == sum(float(r[3]) for r in APPELS if r[3])


def test_callers_become_codes_equal_for_one_number_however_written(journal):
    codes = journal.appels["appelant"]
    assert codes.dtype == np.int64
    assert codes.iloc[16] == codes.iloc[24] == codes.iloc[26]  # G, +33 1 99…, 01.99…
    assert codes.iloc[4] == codes.iloc[6] != codes.iloc[5]  # A, A, B
    assert list(journal.appels["masque"][journal.appels["masque"]].index) == [11, 12, 27]
    assert (codes[journal.appels["masque"]] == ja.MASQUE).all()


def test_the_codes_are_drawn_anew_for_each_reading(tmp_path):
    """The key is random and never kept: the same file gives other codes (no stable pseudonym to leak)."""
    chemin = _ecrire(tmp_path / "j.csv", [(f"2026-04-07 09:{i:02d}:00", f"01 99 00 {i:02d} 00", "agent", "1", "1")
                                          for i in range(40)])
    tirages = {tuple(ja.lire_journal(chemin).appels["appelant"]) for _ in range(3)}
    assert len(tirages) > 1


def test_the_collector_gets_the_personal_strings_and_nothing_keeps_them(tmp_path):
    vus = []
    j = ja.lire_journal(_ecrire(tmp_path / "j.csv", APPELS), collecte=vus.extend)
    assert set(NUMEROS) <= set(vus)
    _sans_numero(repr(j) + str(j) + repr(j.appels) + j.appels.to_csv())


def test_no_number_of_the_file_in_any_result(journal, horaires):
    a = journal.appels
    sorties = [aj.mensuel(a, horaires), aj.attentes(a, 30), aj.distribution_attentes(a), aj.charge(a),
               aj.heure_pointe(a), aj.chiffres(a, horaires), aj.rappels(a, ["callbot_resolu"])]
    for s in sorties:
        _sans_numero(repr(s) + str(s))


# --------------------------------------------------------------------------- the 3CX preset

def test_3cx_records_map_to_our_columns(tmp_path):
    entete = ("historyid", "time_start", "time_answered", "time_end", "from_no", "to_no", "final_dn",
              "reason_terminated", "chain", "from_dispname")
    t = "2026-04-07 "
    rows = [
        ("1", t + "09:00:00", t + "09:00:02", t + "09:02:00", "0199000001", TROIS_CX_APPELE, "800", "TerminatedByDst",
         "Chain: 0199000001;800", "Jeanne Fictive"),
        ("2", t + "09:10:00", t + "09:10:01", t + "09:11:00", "0199000002", TROIS_CX_APPELE, "800", "TerminatedBySrc",
         "Chain: 0199000002;800", ""),
        ("3", t + "09:20:00", t + "09:20:01", t + "09:30:00", "0199000003", TROIS_CX_APPELE, "Ext.101",
         "TerminatedBySrc", "Chain: 0199000003;800;8000;Ext.101", ""),
        ("4", t + "09:40:00", t + "09:40:01", t + "09:50:00", "0199000004", TROIS_CX_APPELE, "8000", "TerminatedBySrc",
         "Chain: 0199000004;800;8000", ""),
        ("5", t + "10:00:00", t + "10:01:30", t + "10:05:00", "0199000005", TROIS_CX_APPELE, "102", "TerminatedByDst",
         "Chain: 0199000005;8000;102", ""),
        ("6", t + "11:00:00", "", t + "11:03:00", "Anonymous", TROIS_CX_APPELE, "8000", "TerminatedBySrc",
         "Chain: Anonymous;8000", ""),
    ]
    vus = []
    j = ja.lire_journal(_ecrire(tmp_path / "cdr.csv", rows, entete=entete), collecte=vus.extend)
    assert j.jeu == "3cx"
    assert list(j.appels["parcours"].astype(str)) == ["callbot_resolu", "callbot_abandon", "callbot_transfert_agent",
                                                      "callbot_transfert_perdu", "agent", "perdu"]
    # waits: 10:01:30 − 10:00:00 for the agent's call, 11:03:00 − 11:00:00 for the lost one; none through the bot
    assert list(j.appels["attente_s"].fillna(-1)) == [-1, -1, -1, -1, 90, 180]
    assert list(j.appels["masque"]) == [False] * 5 + [True]
    assert {"0199000001", "Jeanne Fictive", "Chain: 0199000001;800", TROIS_CX_APPELE} <= set(vus)
    _sans_numero(repr(j.appels))


def test_the_3cx_callbot_and_queue_are_parameters(tmp_path):
    entete = ("time-start", "time-answered", "time-end", "from-no", "final-dn", "reason-terminated", "chain")
    rows = [("2026-04-07 09:00:00", "2026-04-07 09:00:02", "2026-04-07 09:02:00", "0199000001", "55",
             "TerminatedByDst", "0199000001;55")]
    chemin = _ecrire(tmp_path / "cdr.csv", rows, entete=entete)
    assert str(ja.lire_journal(chemin).appels["parcours"][0]) == "agent"  # 55 is no callbot by default
    assert str(ja.lire_journal(chemin, poste_callbot="55").appels["parcours"][0]) == "callbot_resolu"


# --------------------------------------------------------------------------- refusals

def _refus(tmp_path, rows, **kw) -> ErreurDonnees:
    with pytest.raises(ErreurDonnees) as exc:
        ja.lire_journal(_ecrire(tmp_path / "j.csv", rows, **kw))
    _sans_numero(str(exc.value))
    return exc.value


def test_an_unknown_header_is_refused_with_the_expected_ones(tmp_path):
    e = _refus(tmp_path, APPELS[:2], entete=("date", "numero", "issue", "attente", "duree"))
    texte = str(e)
    assert "en-têtes inconnus" in texte and "debut, appelant, parcours, attente_s" in texte
    assert "time-start" in texte and "reason-terminated" in texte


@pytest.mark.parametrize("ligne,champ,colonne,message", [
    (4, 2, "C (parcours)", "parcours inconnu"),
    (5, 0, "A (debut)", "date et heure illisibles"),
    (6, 3, "D (attente_s)", "durée négative"),
    (7, 3, "D (attente_s)", "nombre de secondes illisible"),
])
def test_a_bad_row_is_refused_naming_row_and_column_never_the_number(tmp_path, ligne, champ, colonne, message):
    rows = [list(r) for r in APPELS]
    rows[ligne - 2][champ] = {2: "rappel", 0: "31/02/2026 25:00", 3: "-5" if ligne == 6 else "douze"}[champ]
    e = _refus(tmp_path, [tuple(r) for r in rows])
    assert len(e.problemes) == 1
    p = e.problemes[0]
    assert (p.ligne, p.colonne) == (ligne, colonne) and message in p.message


def test_rows_keep_the_file_s_line_numbers_across_blank_lines_and_quoted_cells(tmp_path):
    texte = ("debut,appelant,parcours,attente_s,duree_s\n"
             f"2026-04-07 09:00:00,{A},agent,10,10\n"
             "\n"
             f'2026-04-07 09:01:00,"{B}",agent,10,10\n'
             f"2026-04-07 09:02:00,{C},rappel,10,10\n")
    (tmp_path / "j.csv").write_text(texte, encoding="utf-8")
    with pytest.raises(ErreurDonnees) as exc:
        ja.lire_journal(tmp_path / "j.csv")
    assert [(p.ligne, p.colonne) for p in exc.value.problemes] == [(5, "C (parcours)")]
    _sans_numero(str(exc.value))


@pytest.mark.parametrize("ferme", [True, False])
def test_a_stray_quote_is_refused_where_it_opens_never_a_call_lost(tmp_path, ferme):
    # a log has one call a line: a quote that opens a caller's cell on line 4 swallows the calls below it, into one
    # cell closed by another stray quote (line 6) or to the end of the file; refused at line 4, column B, with no
    # number of the file in the message
    rows = [list(r) for r in APPELS[:8]]
    rows[2][1] = '"' + rows[2][1]
    if ferme:
        rows[4][1] = rows[4][1] + '"'
    e = _refus(tmp_path, [tuple(r) for r in rows])
    assert [(p.ligne, p.colonne) for p in e.problemes] == [(4, "B (appelant)")]  # its title, as the log says it
    attendu = ("qui ne se referme qu'à la ligne 6 (dans ce fichier, aucune cellule ne s'étend sur plusieurs lignes) : "
               "elle absorberait les 2 lignes suivantes" if ferme else
               "et n'est jamais refermé : elle absorberait les 5 lignes suivantes, jusqu'à la fin du fichier")
    assert attendu in e.problemes[0].message


def test_a_row_wider_than_the_header_is_refused_with_its_line(tmp_path):
    rows = [tuple(r) for r in APPELS[:3]] + [APPELS[3] + ("x",)]
    e = _refus(tmp_path, rows)
    assert e.problemes[0].ligne == 5


def test_a_row_narrower_than_the_header_has_empty_cells(tmp_path):
    rows = [tuple(r) for r in APPELS[:3]] + [APPELS[3][:3]]  # no attente_s, no duree_s
    j = ja.lire_journal(_ecrire(tmp_path / "j.csv", rows))
    assert math.isnan(j.appels["attente_s"].iloc[3]) and j.appels["attente_s"].iloc[2] == 400


def test_withheld_values_are_no_personal_strings(tmp_path):
    vus = []
    ja.lire_journal(_ecrire(tmp_path / "j.csv", APPELS), collecte=vus.extend)
    assert "anonyme" not in vus and "" not in vus


def test_an_oversized_log_is_refused_by_its_own_limit(tmp_path, monkeypatch):
    chemin = _ecrire(tmp_path / "j.csv", APPELS)
    monkeypatch.setattr(ja, "TAILLE_MAX", 100)
    with pytest.raises(ErreurDonnees, match="trop gros"):
        ja.lire_journal(chemin)
    from cln_analysis import lecture

    assert lecture.TAILLE_MAX == 50 * 2**20 < 512 * 2**20  # the others' limit is not ours


# --------------------------------------------------------------------------- opening hours

def test_opening_hours_parse_the_french_syntax():
    h = aj.lire_horaires("lun-ven 08:30-12:00, 13h30-17h30 ; sam 9h-12h")
    assert h.plages[0] == ((510, 720), (810, 1050)) and h.plages[4] == h.plages[0]
    assert h.plages[5] == ((540, 720),) and h.plages[6] == ()
    for mauvais in ("", "lundi", "lun-ven 18:00-08:00", "ven-lun 08:00-12:00", "lun-ven 08:70-12:00"):
        with pytest.raises(ErreurParametre):
            aj.lire_horaires(mauvais)


def test_out_of_hours_calls_by_hand(journal, horaires):
    hors = aj.hors_horaires(journal.appels["debut"], horaires)
    # calls 4, 6, 8, 10, 11, 12, 17, 18, 19, 30 (numbered from 1, see APPELS)
    assert list(np.flatnonzero(hors) + 1) == [4, 6, 8, 10, 11, 12, 17, 18, 19, 30]


# --------------------------------------------------------------------------- monthly columns

def test_the_log_gives_the_monthly_columns_of_a_hand_made_file(journal, horaires):
    nan = pd.NA
    attendu = pd.DataFrame({
        "periode": ["2025-04", "2026-04", "2026-05"],
        "appels_recus": [4, 14, 12],
        "appels_perdus": [2, 3, 3],  # perdu + callbot_transfert_perdu
        "appels_repondus": [2, 4, 5],  # agent + callbot_transfert_agent
        "appels_callbot": [nan, 10, 6],
        "resolus_callbot": [nan, 5, 4],
        "abandons_callbot": [nan, 2, 0],
        "transferts_agent": [nan, 3, 2],
        "appels_hors_horaires": [1, 7, 2],
        "attente_moyenne_s": [(30 + 700) / 2, (20 + 120 + 10 + 45) / 4, (30 + 5 + 1000 + 240 + 61) / 5],
        # out of hours and taken by the callbot: April calls 6, 8, 10, 11, 12, 17, 18; May call 19 (30 is lost)
        "hors_horaires_callbot": [nan, 7, 1],
    })
    obtenu = aj.mensuel(journal.appels, horaires)
    assert list(obtenu.columns) == [f["name"] for f in _schema_appels()] + ["hors_horaires_callbot"]
    pd.testing.assert_frame_equal(obtenu.astype(object).fillna(np.nan), attendu.astype(object).fillna(np.nan),
                                  check_dtype=False)
    # the existing yearly table (figures, rules and verdicts are computed from it) is the same either way
    pd.testing.assert_frame_equal(appels.annuel(obtenu), appels.annuel(attendu), check_dtype=False)


def test_the_log_and_its_monthly_totals_typed_by_hand_give_the_same_figures(journal, horaires, tmp_path):
    """The months of the 30 calls typed as an officer would (the monthly file has no out-of-hours answers):
    every existing figure is the same, to the last digit, read from the log or from the typed file."""
    from cln_analysis import donnees

    tape = tmp_path / "mois.csv"
    tape.write_text("periode,appels_recus,appels_perdus,appels_repondus,appels_callbot,resolus_callbot,"
                    "abandons_callbot,transferts_agent,appels_hors_horaires,attente_moyenne_s\n"
                    "2025-04,4,2,2,,,,,1,365\n"
                    "2026-04,14,3,4,10,5,2,3,7,48.75\n"
                    "2026-05,12,3,5,6,4,0,2,2,267.2\n", encoding="utf-8")
    historique = donnees.charger("appels_standard")
    du_journal = aj.mensuel(journal.appels, horaires)
    du_journal.attrs["fichier"] = journal.fichier
    figures = []
    for mois in (du_journal, donnees.charger("appels_standard", tape)):
        t = appels.annuel(appels.fusionner(mois, historique))
        ref = appels.derniere_annee_avant_essai(t)
        obj = appels.ecart_objectif(ref, 1.0, 250, 1.0, 1 / 3)
        figures.append({c["figure_id"]: c["value"] for c in appels.chiffres(t, obj) + appels.chiffres_prose(t, ref)})
    assert figures[0] == figures[1]
    assert figures[0]["appels.2026.taux_decroche_global_essai"] == (26 - 6) / 26  # (14 + 12 − 3 − 3) / (14 + 12)
    assert figures[0]["appels.2026.part_resolue_sans_agent"] == 9 / 26  # (5 + 4) / 26


def _schema_appels():
    from cln_analysis import donnees

    return donnees.ressource("appels_standard")["schema"]["fields"]


# --------------------------------------------------------------------------- waits

def test_waits_among_agent_answered_calls_by_hand(journal):
    t = aj.attentes(journal.appels, seuil_attente_s=45).set_index(["appels_de", "periode"])
    avant = t.loc[("répondus par un agent", "avant l'essai")]
    # 2025: waits 30 and 700
    assert avant["appels"] == 2 and avant["part_moins_20s"] == 0 and avant["part_moins_1min"] == 0.5
    assert avant["part_plus_10min"] == 0.5 and avant["mediane_s"] == 365
    assert avant["p90_s"] == pytest.approx(30 + 0.9 * 670)
    pendant = t.loc[("répondus par un agent", "pendant l'essai")]
    # 2026, sorted: 5, 10, 20, 30, 45, 61, 120, 240, 1000
    assert pendant["appels"] == 9
    assert pendant["part_moins_20s"] == pytest.approx(3 / 9)  # 20 s counts
    assert pendant["part_moins_1min"] == pytest.approx(5 / 9)  # 61 s does not
    assert pendant["part_moins_5min"] == pytest.approx(8 / 9)
    assert pendant["part_plus_10min"] == pytest.approx(1 / 9)
    assert pendant["part_moins_seuil"] == pytest.approx(5 / 9)
    assert pendant["mediane_s"] == 45
    assert pendant["p90_s"] == pytest.approx(240 + 0.2 * (1000 - 240))  # rank 0,9 × 8 = 7,2
    perdus = t.loc[("perdus (attente avant de raccrocher)", "pendant l'essai")]
    assert perdus["appels"] == 6 and perdus["mediane_s"] == (200 + 300) / 2  # 15, 100, 200, 300, 650, 900


def test_the_wait_distribution_table(journal):
    t = aj.distribution_attentes(journal.appels)
    pendant = t[t["periode"] == "pendant l'essai"].set_index("attente")["appels"]
    # 5 10 20 | 30 45 | 61 120 | 240 | — | — | 1000
    assert list(pendant) == [3, 2, 2, 1, 0, 0, 1]
    assert t[t["periode"] == "pendant l'essai"]["part"].sum() == pytest.approx(1)


# --------------------------------------------------------------------------- calls back

def test_calls_back_after_resolved_calls_by_hand(journal):
    r = aj.rappels(journal.appels, ["callbot_resolu"])
    # resolved: 5 6 9 12 17 23 25 28 29; withheld 12 28; 29 starts < 24 h before the last call (30)
    assert (r.appels, r.masques, r.trop_tard, r.comptes) == (9, 2, 1, 6)
    # called back: 5 (23 h 59), 9 (exactly 24 h), 25 (23 h 35, the same number written otherwise);
    # not: 6 (24 h 01), 17 (weeks later), 23 (48 h 45)
    assert r.rappeles == 3 and r.part_sans_rappel == 0.5


def test_lost_calls_followed_by_a_call_by_hand(journal):
    r = aj.rappels(journal.appels, aj.PERDUS, parmi=(journal.appels["debut"].dt.year == 2026).to_numpy())
    # lost in 2026: 8 13 15 19 22 30; 13 withheld, 30 too late; 15 is followed 20 min later (16)
    assert (r.appels, r.masques, r.trop_tard, r.comptes, r.rappeles) == (6, 1, 1, 4, 1)


def test_the_delay_is_a_parameter(journal):
    # within 48 h, 6 is followed too (24 h 01); 23 still is not (26 comes 48 h 45 later); the log's end
    # (48 h before call 30) hides 29 only among the resolved calls with a number
    r = aj.rappels(journal.appels, ["callbot_resolu"], delai_rappel_h=48)
    assert (r.masques, r.trop_tard, r.comptes, r.rappeles) == (2, 1, 6, 4)


# --------------------------------------------------------------------------- load

def test_the_peak_hour_by_hand(journal):
    a = journal.appels
    en_2026 = a[a["debut"].dt.year == 2026]
    # 1 April (Wednesday) to 7 May 2026 (Thursday): 37 days, five Mondays; six calls on Monday 4 May, 9 h–10 h
    assert aj.heure_pointe(en_2026) == {"jour": "lundi", "heure": "09 h", "appels": 6 / 5}
    t = aj.charge(en_2026).set_index("heure")
    assert t.loc["09 h", "mardi"] == pytest.approx(4 / 5)  # 7 April ×3 and 5 May
    assert t.loc["17 h", "mercredi"] == pytest.approx(2 / 6)  # 1 April; six Wednesdays


# --------------------------------------------------------------------------- figures

def test_the_figures_by_hand(journal, horaires):
    c = {x["figure_id"]: x for x in aj.chiffres(journal.appels, horaires)}
    v = {k: x["value"] for k, x in c.items()}
    assert v["appels.2026.attente.part_moins_20s"] == pytest.approx(3 / 9)
    assert v["appels.2026.attente.part_moins_1min"] == pytest.approx(5 / 9)
    assert v["appels.2026.attente.part_moins_5min"] == pytest.approx(8 / 9)
    assert v["appels.2026.attente.part_plus_10min"] == pytest.approx(1 / 9)
    assert v["appels.2026.attente.mediane_s"] == 45 and v["appels.2026.attente.p90_s"] == pytest.approx(392)
    assert v["appels.2025.attente.mediane_s"] == 365
    assert v["appels.2026.resolus_sans_rappel_24h"] == 0.5
    assert v["appels.2026.perdus_rappeles_24h"] == 0.25
    assert v["appels.2025.perdus_rappeles_24h"] == 0  # 3 and 4: E and F call again only in 2026
    # out of hours in the trial months: 6 8 10 11 12 17 18 19 30; all but 30 (perdu) went to the callbot
    assert v["appels.2026.hors_horaires.repondus_callbot"] == pytest.approx(8 / 9)
    assert "appels.2025.hors_horaires.repondus_callbot" not in v  # no callbot before the trial
    assert "appels.2025.resolus_sans_rappel_24h" not in v
    assert v["appels.2026.heure_pointe.appels"] == pytest.approx(6 / 5)
    assert v["appels.2026.numeros_masques"] == 3 and v["appels.2025.numeros_masques"] == 0
    assert {x["unit"] for x in c.values()} <= {"ratio", "secondes", "count"}


def test_the_ids_keep_their_names_whatever_the_delay(journal, horaires):
    ids = {x["figure_id"] for x in aj.chiffres(journal.appels, horaires)}
    assert ids == {x["figure_id"] for x in aj.chiffres(journal.appels, horaires, delai_rappel_h=2)}


def test_the_example_log_reads_and_keeps_its_shape():
    from cln_analysis import config

    j = ja.lire_journal(config.raw_file("journal_appels_exemple.csv"))
    assert 20_000 < len(j.appels) < 30_000 and j.appels["masque"].any()
    mois = aj.mensuel(j.appels, aj.lire_horaires(aj.HORAIRES_DEFAUT))
    assert list(mois["periode"]) == ["2025-04", "2025-05", "2025-06", "2026-04", "2026-05", "2026-06"]
    assert mois["appels_callbot"].isna().sum() == 3
    appels.verifier(mois)  # the monthly file's own rules hold


def test_the_example_log_is_what_its_tool_writes():
    """The fictitious log comes from a committed script with a fixed seed: rerunning it gives the same bytes."""
    import importlib.util

    from conftest import REPO

    spec = importlib.util.spec_from_file_location("generer", REPO / "tools" / "generer_journal_exemple.py")
    outil = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(outil)
    assert outil.texte().encode("utf-8") == (REPO / "data" / "raw" / "journal_appels_exemple.csv").read_bytes()


#: The blocks ARCEP keeps for works of fiction (décision n° 2018-0881 modifiée, annexe 1, § 2.5.12, as Légifrance
#: prints it: JORFARTI000037263033), each followed by four digits.
FICTION = ("01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49", "06 39 98")


def test_the_example_log_and_this_file_invent_numbers_only_in_the_blocks_kept_for_fiction():
    from conftest import REPO

    exemple = pd.read_csv(REPO / "data" / "raw" / "journal_appels_exemple.csv", dtype=str, keep_default_na=False)
    inventes = exemple["appelant"][~exemple["appelant"].isin(["", "anonyme"])]
    assert len(inventes) > 20_000 and inventes.nunique() > 5_000
    blocs = "|".join(b.replace(" ", r"[ .]?") for b in FICTION)
    assert inventes.str.fullmatch(rf"(?:{blocs}) \d\d \d\d").all()
    # this file's numbers too, however written (spaces, points, +33)
    ecrits = [A, B, C, D, E, F, G, H, G_INTER, G_POINTS, TROIS_CX_APPELE]
    norme = [re.sub(r"[\s.]", "", n).replace("+33", "0") for n in ecrits]
    assert all(re.fullmatch(rf"(?:{'|'.join(b.replace(' ', '') for b in FICTION)})\d{{4}}", n) for n in norme), norme


# --------------------------------------------------------------------------- the report, end to end

@pytest.mark.e2e
def test_a_run_with_the_log_shows_its_sections_and_no_number_of_the_file_in_any_output(depot):
    """One run of `appels` on the 30 calls: the log's sections and figures are there, computed by hand above;
    not one number of the file (nor its digits) is in any output, and the raw log is untouched."""
    from conftest import cli

    (depot / "donnees_personnelles").mkdir(exist_ok=True)
    log = _ecrire(depot / "donnees_personnelles" / "journal.csv", APPELS)
    res = cli(depot, "run", "appels", "--essai", "-p", "journal=donnees_personnelles/journal.csv")
    assert res.returncode == 0, res.stdout + res.stderr
    page = html.unescape((depot / "reports" / "appels.html").read_text(encoding="utf-8"))
    page = page.replace("\u00a0", " ").replace("\u202f", " ")
    for titre in ("Les attentes mesurées par le journal d'appels", "Les appels vraiment résolus",
                  "Les appels hors des heures d'ouverture", "La charge, heure par heure",
                  "Appels vraiment résolus (sans rappel sous 24 h)"):
        assert titre in page, titre
    from test_nombres_declares import nombres_non_declares

    assert nombres_non_declares((depot / "reports" / "appels.html").read_text(encoding="utf-8")) == []
    figures = {r["figure_id"]: float(r["value"]) for r in
               pd.read_csv(depot / "data" / "processed" / "figures.csv", dtype={"value": str}).to_dict("records")}
    # 2026: answered waits 20, 10, 45, 120, 30, 5, 1000, 240, 61 (see test_waits_among_agent_answered_calls_by_hand)
    assert figures["appels.2026.attente.part_moins_20s"] == pytest.approx(3 / 9)  # 20, 10, 5
    assert figures["appels.2026.attente.part_plus_10min"] == pytest.approx(1 / 9)  # 1000
    assert figures["appels.2026.attente.mediane_s"] == 45
    # one text per duration: the 90th percentile of 5 10 20 30 45 61 120 240 1000 s is 240 + 0,2 × 760 = 392 s,
    # « 6 min 32 s » in the prose, the table, the workbook, the goals table and the audit page; before the trial
    # (30 and 700 s) the median is 365 s « 6 min 5 s », the 90th percentile 30 + 0,9 × 670 = 633 s « 10 min 33 s »
    texte = re.sub(r"<[^>]+>", "", page)
    assert "La moitié a attendu moins de 45 s ; neuf sur dix, moins de 6 min 32 s." in texte
    assert "Médiane 45 s, 90 % des appels en 6 min 32 s ou moins" in texte  # a cell of the goals table
    assert "Médiane 6 min 5 s, 90 % des appels en 10 min 33 s ou moins" in texte
    audit = (depot / "reports" / "audit" / "appels.html").read_text(encoding="utf-8")
    assert 'data-chiffre="appels.2026.attente.p90_s">6\u00a0min\u00a032\u00a0s<' in audit
    import openpyxl

    feuille = openpyxl.load_workbook(depot / "reports" / "donnees" / "appels.xlsx")["attentes"]
    entete, *lignes = [[c.value for c in ligne] for ligne in feuille.iter_rows()]
    p90 = {(ligne[0], ligne[1]): ligne[entete.index("Attente que 90 % des appels ne dépassent pas")]
           for ligne in lignes}
    assert p90[("répondus par un agent", "pendant l'essai")] == "6\u00a0min\u00a032\u00a0s"
    assert p90[("répondus par un agent", "avant l'essai")] == "10\u00a0min\u00a033\u00a0s"
    tableau = page[page.index("Attentes mesurées, avant et pendant"):]
    assert "6 min 32 s" in tableau[:tableau.index("</table>")]
    assert figures["appels.2026.numeros_masques"] == 3  # calls 12, 13, 28
    # the trial's global rate from the log's months: (14 + 12 − 3 − 3) / (14 + 12)
    assert figures["appels.2026.taux_decroche_global_essai"] == pytest.approx(20 / 26)
    sorties = [res.stdout, res.stderr] + [p.read_text(encoding="utf-8", errors="replace")
                                           for d in ("reports", "data/processed", "build", "notebooks")
                                           for p in (depot / d).rglob("*") if p.is_file()
                                           and p.suffix in (".html", ".csv", ".json", ".ipynb", ".txt", ".toml", "")]
    sorties += [p.read_bytes().decode("latin-1") for p in (depot / "reports").rglob("*.xlsx")]
    assert len(sorties) > 20
    for texte in sorties:
        _sans_numero(texte)
    assert log.read_bytes() == _ecrire(depot / "copie.csv", APPELS).read_bytes()  # the raw log untouched


def test_a_log_outside_the_personal_folder_is_warned_about_the_example_is_not():
    from cln_analysis import confidentialite

    [message] = confidentialite.avertissements(["appels"], {"journal": "data/raw/mon_journal.csv"})
    assert "mon_journal.csv (paramètre journal)" in message and "donnees_personnelles/" in message
    assert confidentialite.avertissements(["appels"], {"journal": "data/raw/journal_appels_exemple.csv"}) == []
    assert confidentialite.avertissements(["appels"], {"journal": "donnees_personnelles/journal.csv"}) == []
