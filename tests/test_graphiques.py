"""The charts: the house style without process-wide settings, and labels that follow the one rounding rule."""

import matplotlib

from cln_analysis import graphiques

NBSP = "\u00a0"


def test_percentage_ticks_get_the_decimals_they_need():
    fmt = graphiques.formateur_axe("pourcentage")
    # ticks every 2,5 %: rounded to whole percents they would read « 0 %, 3 %, 5 %, 8 % »
    assert fmt.format_ticks([0, 0.025, 0.05, 0.075]) == [f"{t}{NBSP}%" for t in ("0,0", "2,5", "5,0", "7,5")]
    assert fmt.format_ticks([0, 0.25, 0.5, 0.75, 1]) == [f"{t}{NBSP}%" for t in ("0", "25", "50", "75", "100")]
    assert fmt.format_ticks([0.1 + 0.2, 0.6]) == [f"30{NBSP}%", f"60{NBSP}%"]  # float noise is no decimal


def test_count_and_score_ticks():
    assert graphiques.formateur_axe("entier").format_ticks([0, 20000, 40000]) == ["0", "20\u202f000", "40\u202f000"]
    assert graphiques.formateur_axe("entier").format_ticks([0, 0.5, 1]) == ["0,0", "0,5", "1,0"]
    assert graphiques.formateur_axe("note").format_ticks([1, 2, 3]) == ["1,0", "2,0", "3,0"]


def test_interval_labels_are_rounded_outward():
    # 8/13 → Wilson [0,3552; 0,8229] (statsmodels), printed 35 % – 83 %; the share 61,5 % → 62 %
    fig = graphiques.parts_avec_intervalles(["agent joint"], [8 / 13], [0.355228915126657], [0.8229029220223743])
    textes = [t.get_text() for t in fig.axes[0].texts]
    assert textes == [f"62{NBSP}% (35{NBSP}% – 83{NBSP}%)"]


def _dessin():
    return graphiques.barres_horizontales(["Investissement", "Fonctionnement"], [0.073, 0.022], "pourcentage1")


def test_importing_and_drawing_leave_the_process_settings_alone():
    avant = dict(matplotlib.rcParams)
    graphiques.en_svg(_dessin())
    assert dict(matplotlib.rcParams) == avant


def test_a_chart_looks_the_same_whatever_the_caller_set():
    attendu = graphiques.en_svg(_dessin())
    with matplotlib.rc_context({"font.size": 30, "axes.grid": False, "svg.fonttype": "path"}):
        vu = graphiques.en_svg(_dessin())
    assert vu == attendu
    assert "<text" in attendu  # real text (svg.fonttype none), not paths


def test_the_bars_carry_their_french_labels():
    dessin = graphiques.en_svg(_dessin())
    assert ">7,3\u00a0%<" in dessin and ">2,2\u00a0%<" in dessin
