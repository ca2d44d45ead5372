"""Where the shipped data lives.

The project is installed editable (``make demo``/``make test``), so the repository's
``data/`` and ``prompts/`` folders are found relative to this file. Every function that
reads them also accepts an explicit path, so nothing is tied to this default.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
PROMPTS_DIR = REPO_ROOT / "prompts"

DEMO_CATALOG = DATA_DIR / "products.json"
DEMO_ORACLE = DATA_DIR / "oracle.json"
DEMO_MODEL_DIR = DATA_DIR / "model"
BRANDS = DATA_DIR / "brands.json"
PERSONAS = DATA_DIR / "personas.json"
CRM_EXAMPLES = DATA_DIR / "crm_examples.json"
DEFAULT_TONE = DATA_DIR / "default_tone.json"


def resolve_catalog_path(recorded: str | None) -> Path:
    """A path as written in model.json back to a file path (the demo catalog when absent)."""
    if not recorded:
        return DEMO_CATALOG
    path = Path(recorded)
    return path if path.is_absolute() else REPO_ROOT / path


def record_catalog_path(path: Path) -> str:
    """How a catalog path is written into model.json: repo-relative when inside the repo."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(REPO_ROOT))
    except ValueError:
        return str(resolved)
