"""Every error crm raises for bad input is a ``CRMError`` and still the builtin callers caught.

Each case makes a real call fail the way a user or operator would make it fail, so a new
raise site that forgets the root (or drops the builtin base) shows up here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crm import channels
from crm.context import load_brands
from crm.drafting import Drafter
from crm.errors import CRMError
from crm.korean import josa
from crm.llm import LLMConfig, make_provider
from recsys.profile import Profile
from tests.crm._crm_helpers import make_index


def _bad_brands(tmp_path: Path) -> None:
    path = tmp_path / "brands.json"
    path.write_text("{not json", encoding="utf-8")
    load_brands(path)


CASES: dict[str, tuple[Callable[[Path], object], type[BaseException], str]] = {
    "unknown product": (lambda _: make_index().context_for(Profile(), "P999"), KeyError, "P999"),
    "broken brands file": (_bad_brands, ValueError, "brands.json"),
    "missing LLM key": (lambda _: make_provider("openai", LLMConfig()), RuntimeError, "OPENAI_API_KEY"),
    "unknown channel": (lambda _: channels.spec("fax"), ValueError, "unknown channel 'fax'"),
    "unknown tone": (lambda _: Drafter(make_index()).draft(Profile(), "P001", tones=("angry",)),
                     ValueError, "unknown tone 'angry'"),
    "unknown particle": (lambda _: josa("크림", "만_도"), ValueError, "unknown particle"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_crm_errors_share_one_root_and_keep_their_builtin_base(tmp_path: Path, case: str) -> None:
    call, builtin, says = CASES[case]
    with pytest.raises(CRMError, match=says) as caught:
        call(tmp_path)
    assert isinstance(caught.value, builtin)
