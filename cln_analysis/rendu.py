"""HTML fragments for the reports: prose, key figures, accessible tables, charts and « Traçabilité ».

Everything that comes from data is escaped (`e`, markupsafe, the escaping Jinja uses for the page
templates): a name, a label or a comment shows as text, never as markup. Templates of prose are the
notebook author's, values are the data's.
"""

from __future__ import annotations

import numbers
import re
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

import markupsafe
import numpy as np
import pandas as pd

from . import typographie
from .formats import entier, entiers, est_manquant, phrase
from .sorties import TableauLong

SOURCE_PRESENTATION = "Ville de Roubaix, présentation au CLN du 31 janvier 2026"

#: Markers around what only one version of a report shows; publishing removes the other version's part.
AUDIT_SEULEMENT = ("<!--audit-seulement-->", "<!--/audit-seulement-->")
PUBLIC_SEULEMENT = ("<!--public-seulement-->", "<!--/public-seulement-->")


def audit_seulement(contenu: str) -> Html:
    """Shown on the audit page only (e.g. the full reconciliation table)."""
    return Html(AUDIT_SEULEMENT[0] + contenu + AUDIT_SEULEMENT[1])


def public_seulement(contenu: str) -> Html:
    """Shown on the public page only (e.g. the link to the audit page's reconciliation table)."""
    return Html(PUBLIC_SEULEMENT[0] + contenu + PUBLIC_SEULEMENT[1])


@dataclass(frozen=True)
class Colonne:
    """How a table column is shown: its French title and its formatter (raw value → French text).

    Each analysis module declares its columns once (`COLONNES = {"critere": Colonne("Critère")}`);
    the notebook's table call names the table and its caption, not every column again."""

    libelle: str
    format: Callable[[object], str] | None = None


class Html(str):
    """A trusted HTML fragment that Jupyter displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)

    def __add__(self, other: str) -> "Html":
        return Html(str(self) + (other if isinstance(other, Html) else e(other)))

    def __html__(self) -> str:  # trusted in Jinja templates too
        return str(self)


def e(value: object) -> str:
    """Escape one value for HTML (the one escaping helper of the package); an `Html` fragment is trusted."""
    if isinstance(value, Html):
        return str(value)
    return str(markupsafe.escape("" if value is None else str(value)))


def texte(modele: str, **valeurs: object) -> Html:
    """A paragraph: `modele` is trusted HTML with `{nom}` slots; the values are escaped."""
    return Html("<p>" + modele.format(**{k: e(v) for k, v in valeurs.items()}) + "</p>")


def titre(niveau: int, contenu: str) -> Html:
    """A heading (h2–h4) whose text is escaped."""
    return Html(f"<h{niveau}>{e(contenu)}</h{niveau}>")


def liste(elements: Iterable[str], trusted: bool = False) -> Html:
    items = "".join(f"<li>{x if trusted else e(x)}</li>" for x in elements)
    return Html(f"<ul>{items}</ul>")


def encadre(contenu: str, classe: str = "note", titre_encadre: str | None = None) -> Html:
    """A boxed note (`note`, `alerte`, `citation`); `contenu` is trusted HTML."""
    head = f"<p class=\"encadre-titre\"><strong>{e(titre_encadre)}</strong></p>" if titre_encadre else ""
    role = ' role="note"' if classe != "alerte" else ' role="alert"'
    return Html(f'<div class="encadre {e(classe)}"{role}>{head}{contenu}</div>')


def citation(texte_source: str, source: str) -> Html:
    """A quotation from a source document, attributed."""
    return Html(f'<figure class="citation"><blockquote><p>{e(texte_source)}</p></blockquote>'
                f"<figcaption>{e(source)}</figcaption></figure>")


def chiffres_cles(items: Sequence[tuple[str, str]]) -> Html:
    """The key-figures strip: [(formatted value, French label), …] (`Rapport.cle` gives a marked value)."""
    cells = "".join(
        f'<li><span class="valeur">{e(v)}</span> <span class="libelle">{e(l)}</span></li>' for v, l in items
    )
    return Html(f'<ul class="chiffres-cles" aria-label="Chiffres clés">{cells}</ul>')


def chiffre_marque(figure_id: str, texte: str) -> Html:
    """A declared figure as shown, marked with its id (`data-chiffre`) so that every place showing it
    (card, prose, index) can be compared."""
    return Html(f'<span data-chiffre="{e(figure_id)}">{e(texte)}</span>')


def tableau(
    df: pd.DataFrame,
    legende: str,
    formats: Mapping[str, Callable[[object], str]] | None = None,
    libelles: Mapping[str, str] | None = None,
    entete_ligne: bool = True,
    note: str | None = None,
    colonnes: Mapping[str, Colonne] | None = None,
) -> Html:
    """An accessible table: `<caption>`, `<th scope="col">`, first column `<th scope="row">`.

    `df` holds raw values; each column is titled and formatted by its `Colonne` in `colonnes`,
    unless `libelles` / `formats` say otherwise for this table (data-dependent titles or formats).
    Every cell carries its column title (`data-label`): a table too wide for a phone (`_trop_large`) is
    marked `empilable` and the stylesheet shows it there as one block per row, each cell under its title,
    still a `<table>` with explicit roles for screen readers. Otherwise wide tables scroll inside their box.
    """
    colonnes = colonnes or {}
    formats = {c: k.format for c, k in colonnes.items() if k.format is not None} | dict(formats or {})
    libelles = {c: k.libelle for c, k in colonnes.items()} | dict(libelles or {})
    cols = list(df.columns)
    titres = [str(libelles.get(c, c)) for c in cols]
    head = "".join(f'<th scope="col" role="columnheader">{e(t)}</th>' for t in titres)
    body, textes = [], []
    columns = [df[c].tolist() for c in cols]  # per column: a row of mixed types is never upcast
    for r in range(len(df)):
        cells, ligne = [], []
        for i, c in enumerate(cols):
            v = columns[i][r]
            text = "—" if est_manquant(v) else (formats[c](v) if c in formats else str(v))
            ligne.append(text)
            # a number (formatted or not) is right-aligned on one line; a text column, even formatted, wraps
            numeric = _est_nombre(v)
            long = coupable(text)
            label = f' data-label="{e(titres[i])}"'
            if i == 0 and entete_ligne:
                cls = ' class="long"' if long else ""
                cells.append(f'<th scope="row" role="rowheader"{cls}{label}>{e(text)}</th>')
            else:
                cls = ' class="long"' if long else (' class="num"' if numeric else "")
                cells.append(f'<td role="cell"{cls}{label}>{e(text)}</td>')
        body.append('<tr role="row">' + "".join(cells) + "</tr>")
        textes.append(ligne)
    foot = f'<p class="table-note">{e(note)}</p>' if note else ""
    empilable = ' class="empilable"' if _trop_large(titres, textes) else ""
    return Html(
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{e(legende)}">'
        f'<table role="table"{empilable}><caption>{e(legende)}</caption>'
        f'<thead role="rowgroup"><tr role="row">{head}</tr></thead>'
        f"<tbody role=\"rowgroup\">{''.join(body)}</tbody></table></div>{foot}"
    )


#: A word that may break anywhere in a cell: a hash or an id (over 24 characters), or a file name or a path
#: (over 16 with « / », « _ » or a dot followed by a letter or digit in it: `cvs_cofinancement.csv` pushed a
#: phone's column aside), never a long French word that ends a sentence (« environnementale. »).
_COUPABLE = re.compile(r"\S{25,}|(?=\S*(?:[/_]|\.\w))\S{17,}")


def coupable(texte: str) -> bool:
    """The cell holds a word no line break may wait for (`class="long"`: it breaks anywhere)."""
    return bool(_COUPABLE.search(texte))


def _est_nombre(v: object) -> bool:
    """A number (formatted or not), right-aligned in a table; True/False are words."""
    return isinstance(v, numbers.Number) and not isinstance(v, bool)


def factoriser(df: pd.DataFrame) -> list[tuple[object, pd.Index]]:
    """Each column of `df` as (one code per row, -1 for a missing value; its distinct values), by
    `pandas.factorize`: what `tableau_long` and the workbook's coded sheet (`exports.feuille_codee`) both read, so
    that a long table is split once for both."""
    return [pd.factorize(df[c], use_na_sentinel=True) for c in df.columns]


def tableau_long(
    df: pd.DataFrame,
    legende: str,
    formats: Mapping[str, Callable[[object], str]] | None = None,
    libelles: Mapping[str, str] | None = None,
    entete_ligne: bool = True,
    colonnes: Mapping[str, Colonne] | None = None,
    factorisees: list[tuple[object, pd.Index]] | None = None,
) -> TableauLong:
    """The French texts of a table too long for the notebook's output, as `tableau` would print them (titles,
    formats, « — » for a missing value), each column as its distinct texts and one code per row: each distinct
    value is formatted once. The runner writes it into the page (`tableau_long_html`). `factorisees`:
    `factoriser(df)`, when the caller has it."""
    colonnes = colonnes or {}
    formats = {c: k.format for c, k in colonnes.items() if k.format is not None} | dict(formats or {})
    libelles = {c: k.libelle for c, k in colonnes.items()} | dict(libelles or {})
    textes, codes, numeriques = [], [], []
    for c, (code, uniques) in zip(df.columns, factorisees or factoriser(df), strict=True):
        fmt = formats.get(c)
        valeurs = uniques.tolist()
        if fmt is entier and uniques.dtype.kind in "iu":  # line numbers: each a count, 25 000 of them
            vus = entiers(valeurs)
        else:
            vus = [str(fmt(v)) if fmt is not None else str(v) for v in valeurs]
        if (code < 0).any():
            code = code.copy()
            code[code < 0] = len(vus)
            vus.append("—")
        textes.append(vus)
        codes.append(array("i", code.astype(np.intc).tobytes()))  # as `TableauLong` keeps them, with no loop
        # as `tableau` aligns them: a number (formatted or not) to the right; a text column, even formatted (a
        # section's label), is left as text
        numeriques.append(_est_nombre(next((v for v in valeurs if not est_manquant(v)), None)))
    return TableauLong(legende, [str(libelles.get(c, c)) for c in df.columns], numeriques, textes, codes,
                       entete_ligne)


_LONG, _NUM = ' class="long"', ' class="num"'
#: The spaces a formatted count holds (Babel's narrow no-break space, a no-break space)
_SANS_ESPACES_NOMBRE = str.maketrans("", "", "\u202f\u00a0")


def _chiffres_seuls(texte: str) -> bool:
    """ASCII digits and the no-break spaces of their groups only, shorter than a word that may break anywhere
    (`coupable`): nothing to escape, no French spacing to give, no `class="long"`."""
    chiffres = texte.translate(_SANS_ESPACES_NOMBRE)
    return len(texte) < 25 and chiffres.isascii() and chiffres.isdigit()


#: A run of `_chiffres_seuls` texts, each ended by a line break: a column of counts checked by one match
_COLONNE_DE_CHIFFRES = re.compile(r"(?:[\u202f\u00a0]*[0-9][0-9\u202f\u00a0]*\n)*")


def _tous_chiffres_seuls(textes: list[str]) -> bool:
    """Whether every text is `_chiffres_seuls` (a column of line numbers: 25 000 of them, one match)."""
    return max(map(len, textes), default=0) < 25 and _COLONNE_DE_CHIFFRES.fullmatch(
        "".join(t + "\n" for t in textes)) is not None


def tableau_long_html(t: TableauLong) -> str:
    """A `TableauLong` as the page shows it: a lean accessible table (`<caption>`, `<th scope="col">`, the first
    column `<th scope="row">`, plain `<td>`), in a box that scrolls and takes the keyboard's focus; each distinct
    text escaped and given French spacing once (`typographie.texte`, as `typographie.html` does to every text node
    of a page), so that the table is written after the page's typography with the same result."""
    def fr(texte: str) -> str:
        return typographie.texte(e(texte))

    n = len(t.codes[0]) if t.codes else 0
    dernier = len(t.textes) - 1
    # every cell of the body in a grid, a row a line: each distinct text made a cell once, the first column's
    # opening its row and the last one's closing it, then put in its rows by their codes (numpy's take); the body is
    # the grid read row by row (25 000 budget lines: a tenth of the time a join per row takes)
    grille = np.empty((n, len(t.textes)), dtype=object)
    for j, (textes, codes) in enumerate(zip(t.textes, t.codes, strict=True)):
        ouvre, ferme = ("<tr>" if j == 0 else ""), ("</tr>" if j == dernier else "")
        rang = j == 0 and t.entete_ligne  # the row's header
        debut, fin = (f'{ouvre}<th scope="row"', f"</th>{ferme}") if rang else (f"{ouvre}<td", f"</td>{ferme}")
        classe = _NUM if t.numeriques[j] and not rang else ""
        if _tous_chiffres_seuls(textes):  # counts or line numbers, as escaping and `fr` leave them
            cellules = [f"{debut}{classe}>{x}{fin}" for x in textes]
        else:
            cellules = []
            for x in textes:
                simple = _chiffres_seuls(x)  # a count (« 12 345 »), as `fr` leaves it
                long = not simple and coupable(x)
                # a cell is a text node: its quotes need no entity (« Systèmes d'information » on 13 000 lines,
                # which the last privacy scan would otherwise decode one by one); an attribute (the caption's
                # aria-label) does
                contenu = x if simple else typographie.texte(escape(x, quote=False))
                cellules.append(f"{debut}{_LONG if long else classe}>{contenu}{fin}")
        if n:
            grille[:, j] = np.array(cellules, dtype=object)[np.asarray(codes, dtype=np.intp)]
    corps = "".join(grille.ravel().tolist())
    entete = "".join(f'<th scope="col">{fr(c)}</th>' for c in t.colonnes)
    legende = fr(t.legende)
    return (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{legende}"><table>'
            f"<caption>{legende}</caption><thead><tr>{entete}</tr></thead><tbody>{corps}</tbody></table></div>")


#: The width a table may take on a 375 px phone (343 px of content), in characters of its 15 px text
#: (9,5 px each: more than the average, bold row headers included, so that a table near the limit is
#: stacked; the browser test fails on any table that scrolls sideways), and the padding of one cell.
LARGEUR_TELEPHONE_CARACTERES = 36
MARGE_CELLULE = 2.5


def _trop_large(titres: Sequence[str], lignes: Sequence[Sequence[str]]) -> bool:
    """Whether a table would not fit across a phone at the width it asks for: each column as wide as its
    longest title word (titles wrap at spaces) or its longest cell (numbers never wrap; for text, up to 16
    characters before wrapping reads badly)."""
    if len(titres) <= 1:
        return False
    largeur = 0.0
    for j, titre_col in enumerate(titres):
        mots = max((len(m) for m in titre_col.split()), default=0)
        cellules = max((min(len(ligne[j]), 16) if " " in ligne[j] else len(ligne[j]) for ligne in lignes),
                       default=0)
        largeur += max(mots, cellules) + MARGE_CELLULE
    return largeur > LARGEUR_TELEPHONE_CARACTERES


def graphique(dessin: str, alternative: str, legende: str, source: str = SOURCE_PRESENTATION) -> Html:
    """A chart: one inline SVG drawing (sized for a phone, scaled by its viewBox on any screen and in print),
    one French text alternative (`role="img"` + `aria-label`), its caption and its source line. The SVG is
    trusted (drawn by `graphiques.en_svg`)."""
    if not alternative.strip():
        raise ValueError("un graphique doit avoir une alternative textuelle")
    return Html(
        f'<figure class="graphique"><div class="graphique-image" role="img" aria-label="{e(alternative)}">'
        f'{dessin}</div>'
        f'<figcaption>{e(legende)}<br><span class="source">Source : {e(source)}</span></figcaption></figure>'
    )


#: Columns of the « Traçabilité » tables.
COLONNES_TRACABILITE = {
    "parametre": Colonne("Paramètre"),
    "valeur": Colonne("Valeur"),
    "chemin": Colonne("Fichier"),
    "role": Colonne("Contenu"),
    "lecture": Colonne("Lu comme"),
    "sha256": Colonne("SHA-256"),
    "figure_id": Colonne("Identifiant"),
    "label": Colonne("Chiffre"),
    "valeur_calculee": Colonne("Valeur calculée", phrase),  # « Moins d'une seconde » starts its cell
    "published": Colonne("Chiffre publié"),
    "status": Colonne("Statut"),
}


def tracabilite(
    parametres: pd.DataFrame,
    entrees: pd.DataFrame,
    execution: Sequence[str],
    hypotheses: Sequence[str],
    rapprochement: pd.DataFrame,
    note_rapprochement: str,
    lien_audit: str | None = None,
    publics: tuple | None = None,
) -> Html:
    """The « Traçabilité » section that ends every report: parameters, input files with their
    SHA-256, the run, « Hypothèses et limites », and the reconciliation with the published figures
    (its one-line summary on both pages, the full table on the audit page only, linked from the public one)."""
    voir = (
        texte('Le détail, chiffre par chiffre, est dans la <a href="{lien}">version d\'audit</a>.', lien=lien_audit)
        if lien_audit
        else Html("")
    )
    cols = COLONNES_TRACABILITE

    def deux(df, df_public, legende) -> Html:  # the public page names inputs by file name only (issue 23)
        if df_public is None:
            return tableau(df, legende, colonnes=cols)
        return Html(public_seulement(tableau(df_public, legende, colonnes=cols))
                    + audit_seulement(tableau(df, legende, colonnes=cols)))

    parametres_publics, entrees_publiques = publics or (None, None)
    parts = [
        Html('<section class="tracabilite" aria-labelledby="tracabilite">'),
        Html('<h2 id="tracabilite">Traçabilité</h2>'),
        texte(
            "Cette section permet de refaire le calcul : les paramètres utilisés, chaque fichier lu "
            "avec son empreinte SHA-256, la version du code, et la comparaison de chaque chiffre avec le "
            "document qui l'a publié."
        ),
        titre(3, "Paramètres utilisés"),
        deux(parametres, parametres_publics, "Paramètres de cette exécution"),
        titre(3, "Fichiers d'entrée"),
        deux(entrees, entrees_publiques, "Fichiers lus, avec leur empreinte SHA-256"),
        titre(3, "Exécution"),
        liste(execution),
        titre(3, "Hypothèses et limites"),
        liste(hypotheses),
        Html('<h3 id="rapprochement">Rapprochement avec les chiffres publiés</h3>'),
        texte("{note}", note=note_rapprochement),
        public_seulement(voir),
        audit_seulement(tableau(rapprochement, "Chiffres calculés et chiffres publiés", colonnes=cols)),
        Html("</section>"),
    ]
    return Html("".join(parts))
