"""The package's shape: no import circle, imports at the top, every path built in one place."""

import ast
import re
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "cln_analysis"


def _modules() -> dict[str, Path]:
    return {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__main__"}


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported package module, line, at module top) for every import of cln_analysis modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cln_analysis"):
            names = [node.module.split(".")[1]] if "." in node.module else [a.name for a in node.names]
        for n in names:
            found.append((n.split(".")[0], node.lineno, id(node) in top))
    return found


def test_no_import_circle_even_inside_functions():
    mods = _modules()
    graph = {m: {n for n, _, _ in _imports(p) if n in mods and n != m} for m, p in mods.items()}
    graph["__init__"] = set()
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
    bad = [p.name for p in PACKAGE.glob("*.py") if re.search(r"\bhtml\.escape\(|^import html$", p.read_text(
        encoding="utf-8"), re.M)]
    assert not bad, bad


def test_every_module_says_what_it_owns():
    for path in PACKAGE.glob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()[0]) > 10, path.name
