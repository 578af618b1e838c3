"""The package's shape: no import circle, imports at the top, every path built in one place."""

import ast
import re
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "cln_analysis"


def _modules() -> dict[str, Path]:
    """Every file of the package by its dotted name under cln_analysis (`budget`, `appels.erlang`, `textes`…)."""
    out = {}
    for p in sorted(PACKAGE.rglob("*.py")):
        rel = p.relative_to(PACKAGE).with_suffix("")
        if rel.name == "__main__" or (rel.name == "__init__" and len(rel.parts) == 1):
            continue
        out[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = p
    return out


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported top-level package module, line, at module top) for every import of cln_analysis modules; a
    subpackage's own modules (`from .regles import …` inside appels/) are not imports of another module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    niveau = len(path.relative_to(PACKAGE).parts)  # 1 for a top-level module, 2 inside a subpackage
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == niveau:
            names = [node.module] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cln_analysis"):
            names = [node.module.split(".")[1]] if "." in node.module else [a.name for a in node.names]
        for n in names:
            found.append((n.split(".")[0], node.lineno, id(node) in top))
    return found


def test_no_import_circle_even_inside_functions():
    graph: dict[str, set[str]] = {}
    for m, p in _modules().items():  # a subpackage is one node: the union of its files' imports
        racine = m.split(".")[0]
        graph.setdefault(racine, set()).update(n for n, _, _ in _imports(p) if n != racine)
    graph = {m: {n for n in deps if n in graph} for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(m, chemin):
        state[m] = 1
        for n in graph[m]:
            assert state.get(n) != 1, " → ".join(chemin + [n])
            if n not in state:
                visit(n, chemin + [n])
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])


def test_imports_inside_functions_say_why():
    """An import inside a function is allowed only with a comment saying why (start-up speed…)."""
    bad = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
                here, above = lines[node.lineno - 1], lines[node.lineno - 2]
                if "#" not in here and not above.strip().startswith("#"):
                    bad.append(f"{name}.py:{node.lineno}")
    assert not bad, bad


def test_output_paths_are_built_in_config_and_catalogue_only():
    pattern = re.compile(r"(_DIR|ROOT)\s*/")
    bad = [f"{p.name}:{i}" for name, p in _modules().items() if name not in ("config", "catalogue")
           for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert not bad, bad


def test_html_is_escaped_by_one_helper():
    """No module escapes HTML by itself: `rendu.e` (markupsafe, as Jinja) is the only helper."""
    bad = [p.name for p in PACKAGE.rglob("*.py") if re.search(r"\bhtml\.escape\(|^import html$", p.read_text(
        encoding="utf-8"), re.M)]
    assert not bad, bad


def test_every_module_says_what_it_owns():
    for path in PACKAGE.rglob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()[0]) > 10, path.name
