"""Dependencies point one way: bot → crm → recsys. recsys and crm never import Slack."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "recsys": {"bot", "crm", "slack_bolt", "slack_sdk", "apscheduler"},
    "crm": {"bot", "slack_bolt", "slack_sdk", "apscheduler"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upwards(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(_imported_roots(path) & FORBIDDEN[package])
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
    }
    offenders = {name: bad for name, bad in offenders.items() if bad}
    assert offenders == {}


# Inside bot/, rooms are stacked: each may import only the rooms after it in this order (and
# itself). bot.cli assembles the process; the digests post through Slack; Slack and the
# digests both receive the process's one wiring (model parts, personas, approvals store),
# which holds the stores; the top-level modules (settings, errors, components…) import no
# room at all.
BOT_LAYERS = ["cli", "digests", "slack", "wiring", "store", "core"]
BOT_ROOT = REPO_ROOT / "bot"


def _bot_room(module: str) -> str:
    """``bot.slack.flows`` → ``slack``; a top-level module such as ``bot.settings`` → ``core``."""
    parts = module.split(".")
    if len(parts) > 1 and (BOT_ROOT / parts[1]).is_dir():
        return parts[1]
    return "core"


def _package_imports(path: Path, package: str) -> set[str]:
    """Every ``package.*`` module ``path`` imports, lazy (function-level) imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    prefix = f"{package}."
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith(prefix))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package:
                found.update(f"{prefix}{a.name}" for a in node.names)
            elif node.module.startswith(prefix):
                found.add(node.module)
                # ``from bot.slack import blocks`` imports the module bot.slack.blocks.
                base = REPO_ROOT.joinpath(*node.module.split("."))
                found.update(f"{node.module}.{a.name}" for a in node.names
                             if (base / f"{a.name}.py").is_file())
    return found


def _bot_imports(path: Path) -> set[str]:
    """Every ``bot.*`` module ``path`` imports, lazy imports included."""
    return _package_imports(path, "bot")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_bot_rooms_exist_as_packages() -> None:
    rooms = {p.name for p in BOT_ROOT.iterdir() if (p / "__init__.py").is_file()}
    assert rooms == set(BOT_LAYERS) - {"core"}


def test_bot_rooms_import_only_downwards() -> None:
    offenders: dict[str, list[str]] = {}
    for path in sorted(BOT_ROOT.rglob("*.py")):
        room = _bot_room(_module_name(path))
        allowed = set(BOT_LAYERS[BOT_LAYERS.index(room):])
        bad = sorted(m for m in _bot_imports(path) if _bot_room(m) not in allowed)
        if bad:
            offenders[str(path.relative_to(REPO_ROOT))] = bad
    assert offenders == {}


def _circles(package: str) -> list[list[str]]:
    """Each import circle among ``package``'s modules (as a path round it), found depth first."""
    root = REPO_ROOT / package
    graph = {_module_name(p): _package_imports(p, package) for p in sorted(root.rglob("*.py"))}
    graph = {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}
    # A package's __init__ re-exporting its own modules is not a circle.
    graph = {m: {d for d in deps if not m == d.rpartition(".")[0]} for m, deps in graph.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return cycles


def test_bot_modules_import_without_circles() -> None:
    assert _circles("bot") == []


def test_recsys_modules_import_without_circles() -> None:
    assert _circles("recsys") == []


def test_crm_modules_import_without_circles() -> None:
    assert _circles("crm") == []


def test_circle_finder_sees_lazy_imports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above would pass vacuously if a function-level import went unseen."""
    pkg = tmp_path / "loop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from loop.b import g\n")
    (pkg / "b.py").write_text("def g():\n    from loop import a\n    return a\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO_ROOT", tmp_path)
    assert _circles("loop") == [["loop.a", "loop.b", "loop.a"]]


def test_recsys_serving_code_never_imports_the_demo_generator() -> None:
    """Only ``recsys.demo`` itself knows the demo's tables and oracle; callers pass the oracle in."""
    offenders = {
        _module_name(path): sorted(m for m in _package_imports(path, "recsys") if m.startswith("recsys.demo"))
        for path in sorted((REPO_ROOT / "recsys").rglob("*.py"))
        if "demo" not in path.relative_to(REPO_ROOT / "recsys").parts
    }
    assert {m: bad for m, bad in offenders.items() if bad} == {}
