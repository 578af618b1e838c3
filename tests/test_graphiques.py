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


def _mois(n):
    return [f"{m} {2016 + i // 12}" for i, m in enumerate(["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.",
                                                           "août", "sept.", "oct.", "nov.", "déc."] * 20)][:n]


def test_a_long_series_of_months_names_one_month_in_a_step_that_leaves_twelve_at_most():
    # 24 months or fewer: every one; 30: one in 3 (⌈30/2⌉ = 15 > 12, ⌈30/3⌉ = 10); 120: one in 12, each
    # January; 145: ⌈145/12⌉ = 13 > 12, one in 24
    for n, pas in ((6, 1), (24, 1), (25, 3), (30, 3), (48, 4), (72, 6), (120, 12), (144, 12), (145, 24)):
        noms = _mois(n)
        for fig in (graphiques.barres_empilees(noms, {"Appels": [1.0] * n}),
                    graphiques.courbes_reference(noms, {"Taux": [0.5] * n})):
            vus = [t.get_text() for t in fig.axes[0].get_xticklabels()]
            assert vus == noms[::pas], (n, pas)
    assert [t.get_text() for t in graphiques.barres_empilees(_mois(120), {"Appels": [1.0] * 120}).axes[0]
            .get_xticklabels()] == [f"janv. {a}" for a in range(2016, 2026)]


def test_stacked_bars_are_drawn_where_the_values_put_them():
    fig = graphiques.barres_empilees(["a", "b"], {"Un": [3, 4], "Deux": [None, 2], "Vide": [None, None]})
    ax = fig.axes[0]
    boites = [[tuple(round(v, 3) for v in p.get_extents().bounds) for p in c.get_paths()] for c in ax.collections]
    # (x, y, width, height): bars 0,65 wide centred on 0 and 1, « Deux » stacked on « Un », « Vide » left out
    assert boites == [[(-0.325, 0, 0.65, 3), (0.675, 0, 0.65, 4)], [(-0.325, 3, 0.65, 0), (0.675, 4, 0.65, 2)]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Un", "Deux"]
    assert ax.get_ylim() == (0, 6 * 1.08)


def test_grouped_bars_centre_on_their_label_the_bars_a_category_has():
    fig = graphiques.barres_groupees(["2025", "2026"], {"Sollicité": [335796, 326000], "Attribué": [269045, None]},
                                     format_valeur="euros")
    ax = fig.axes[0]
    centres = [(round(p.get_x() + p.get_width() / 2, 3), p.get_height()) for p in ax.patches]
    # two series: 0,4 wide slots; 2025 has both bars (at −0,2 and +0,2), 2026 only its request, on its label at 1
    assert centres == [(-0.2, 335796), (1.0, 326000), (0.2, 269045)]
    assert [t.get_position()[0] for t in ax.get_xticklabels()] == [0, 1]


def test_a_share_label_stands_clear_of_its_whisker_at_any_width():
    hauts = [0.70, 0.83, 0.94]
    for largeur in (3.3, 7.2):  # a phone's width and a wide screen's, in inches
        fig = graphiques.parts_avec_intervalles(["A", "B", "C"], [0.54, 0.62, 0.86], [0.38, 0.35, 0.70], hauts)
        fig.set_size_inches(largeur, fig.get_size_inches()[1])
        fig.canvas.draw()
        ax = fig.axes[0]
        for texte, h, y in zip(ax.texts, hauts, [2, 1, 0], strict=True):
            fin = ax.transData.transform((h, y))[0]  # the whisker's right end, in pixels
            ecart_points = (texte.get_window_extent().x0 - fin) * 72 / fig.dpi
            assert ecart_points >= 5.9, (largeur, texte.get_text(), ecart_points)


def test_a_diverging_row_names_its_abstentions_as_the_tables_do():
    noms = ["0 Absent", "1 Insuffisant", "2 Acceptable", "3 Satisfaisant", "4 Exemplaire"]
    fig = graphiques.barres_divergentes(["Usage", "Cohérence, stratégie de territoire"],
                                        [[0.2] * 5, [0.2] * 5], [0, 2], noms)
    titres = [t.get_text() for t in fig.axes[0].texts if "·" in t.get_text()]
    # « 0 abstention »: zero takes the singular in French; a long title wraps (42 characters a line), the number
    # never parted from its word
    assert titres == ["Usage · 0\u00a0abstention", "Cohérence, stratégie de territoire ·\n2\u00a0abstentions"]
