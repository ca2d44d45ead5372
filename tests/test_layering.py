"""Dependencies point one way: bot → crm → recsys. recsys and crm never import Slack."""

from __future__ import annotations

import ast
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


def _bot_imports(path: Path) -> set[str]:
    """Every ``bot.*`` module ``path`` imports, lazy imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("bot."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "bot":
                found.update(f"bot.{a.name}" for a in node.names)
            elif node.module.startswith("bot."):
                found.add(node.module)
                # ``from bot.slack import blocks`` imports the module bot.slack.blocks.
                base = REPO_ROOT.joinpath(*node.module.split("."))
                found.update(f"{node.module}.{a.name}" for a in node.names
                             if (base / f"{a.name}.py").is_file())
    return found


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


def test_bot_modules_import_without_circles() -> None:
    graph = {_module_name(p): _bot_imports(p) for p in sorted(BOT_ROOT.rglob("*.py"))}
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
    assert cycles == []
