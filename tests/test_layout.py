"""Dependencies point one way: the package import graph, read from the source with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("retrieval", "ingest", "evals", "appdb", "admin", "pages")
OURS = (*PACKAGES, "app")

# package → the packages of ours it may import (itself always allowed). appdb takes only the one
# Settings from retrieval (DATABASE_URL). pages and app.py are the edge: anything.
ALLOWED: dict[str, set[str]] = {
    "retrieval": set(),
    "ingest": {"retrieval"},
    "evals": {"retrieval"},
    "appdb": {"retrieval"},
    "admin": {"ingest", "evals", "retrieval", "appdb"},
    "pages": set(OURS),
    "app": set(OURS),
}
# modules that are command-line edges and may use click at import
CLI_MODULES = {"retrieval/cli.py", "retrieval/__main__.py", "ingest/__main__.py",
               "evals/__main__.py", "evals/cli.py", "appdb/migrations/__main__.py"}
UI_LIBRARIES = {"click", "streamlit"}


def modules() -> list[Path]:
    found = [REPO / "app.py"]
    for pkg in PACKAGES:
        found += sorted((REPO / pkg).rglob("*.py"))
    return found


def package_of(path: Path) -> str:
    rel = path.relative_to(REPO)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported(path: Path, *, top_level_only: bool = False) -> set[str]:
    """First components of every module `path` imports (top_level_only: not inside a def)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = ast.iter_child_nodes(tree) if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.If | ast.Try):  # module-level `if`/`try` blocks still run
            for child in ast.walk(node):
                if isinstance(child, ast.Import):
                    names |= {a.name.split(".")[0] for a in child.names}
                elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                    names.add(child.module.split(".")[0])
    return names


def graph() -> dict[str, set[str]]:
    arrows: dict[str, set[str]] = {p: set() for p in OURS}
    for path in modules():
        pkg = package_of(path)
        arrows[pkg] |= (imported(path) & set(OURS)) - {pkg}
    return arrows


def test_every_arrow_is_allowed() -> None:
    wrong = {(pkg, dep) for pkg, deps in graph().items() for dep in deps
             if dep not in ALLOWED[pkg]}
    assert not wrong, f"imports against the layout (package → package): {sorted(wrong)}"


def test_there_is_no_cycle() -> None:
    arrows = graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(arrows[node]):
            if state.get(nxt) == 1:
                pytest.fail(f"import cycle: {' → '.join([*path, node, nxt])}")
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = 2

    for pkg in OURS:
        if pkg not in state:
            visit(pkg, [])


def test_the_graph_sees_imports_inside_functions(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("import os\ndef f():\n    from ingest.build import ingest\n")
    assert imported(src) == {"os", "ingest"}
    assert imported(src, top_level_only=True) == {"os"}


@pytest.mark.parametrize("pkg", ["retrieval", "ingest", "evals", "appdb", "admin"])
def test_core_modules_do_not_import_ui_libraries(pkg: str) -> None:
    offenders = []
    for path in sorted((REPO / pkg).rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        if rel in CLI_MODULES:
            continue
        if imported(path, top_level_only=True) & UI_LIBRARIES:
            offenders.append(rel)
    assert not offenders, f"click/streamlit imported by core modules: {offenders}"


@pytest.mark.parametrize("pkg", ["retrieval", "ingest", "evals", "appdb", "admin"])
def test_importing_a_package_loads_only_what_it_may(pkg: str) -> None:
    """Every module of the package imported alone, in a fresh interpreter (dynamic imports too)."""
    import subprocess
    import sys

    names = sorted(".".join(p.relative_to(REPO).with_suffix("").parts)
                   for p in (REPO / pkg).rglob("*.py")
                   if p.name != "__main__.py" and "versions" not in p.parts
                   and p.name != "env.py")  # alembic's env.py runs only inside alembic
    names = [n.removesuffix(".__init__") for n in names]
    code = ("import sys\n" + "".join(f"import {n}\n" for n in names)
            + f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(OURS)!r}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout
    loaded = set(ast.literal_eval(out.strip().splitlines()[-1])) - {pkg}
    assert loaded <= ALLOWED[pkg], f"importing {pkg} loaded {sorted(loaded - ALLOWED[pkg])}"
