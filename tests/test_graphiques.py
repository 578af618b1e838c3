"""The charts: drawn in the house style without changing matplotlib's process-wide settings."""

import matplotlib

from cln_analysis import graphiques


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
    assert "<text" in attendu[0]  # real text (svg.fonttype none), not paths


def test_the_bars_carry_their_french_labels():
    large, _ = graphiques.en_svg(_dessin())
    assert ">7,3\u00a0%<" in large and ">2,2\u00a0%<" in large
