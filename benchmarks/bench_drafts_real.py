"""Drafts on the real export: do they tell the truth about real products, in correct Korean?

Reads ``../shared/real/amoremall/amoremall_reviews.json`` (and its brand stories) at run time
and drafts every tone for each product of each request in ``drafts_real_requests.json``
(written before any output was seen) with the offline drafter. Then it measures:

* ``unsupported_claims`` — CLAIM-UNSUPPORTED findings (crm.claims) over all drafts;
* ``particle_errors`` — particles that do not fit the word before them (crm.korean checker);
* ``promo_tag_drafts`` — drafts whose copy carries a promo tag, price note or origin note;
* ``quote_share`` — requests with at least one draft quoting a sentence that occurs verbatim
  in that product's reviews in the export (read straight from the file, not from the index);
* ``unapprovable`` — drafts with an error-level finding;
* ``kind_mismatch`` — drafts for a product whose hand-labelled kind differs from the mined one;
* per kind: drafts and how many speak of the kind's own topic.

Then the same requests go once through the OpenAI provider path against the loopback fake
LLM server (tests/fakes/fake_llm.py), whose canned reply invents claims for every product,
and the JSON shows the claim check catching them.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_drafts_real.py [--show]`` →
benchmarks/results/drafts_real.json (numbers, ids and rule names only; ``--show`` prints two
drafts per kind and every failing draft, which quote the export, to stdout).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm.context import ContextIndex, load_brands  # noqa: E402
from crm.drafting import Drafter  # noqa: E402
from crm.korean import particle_errors  # noqa: E402
from crm.llm import LLMConfig, make_provider  # noqa: E402
from recsys.catalog import load_catalog  # noqa: E402
from recsys.parsing import ProfileParseError, parse_profile  # noqa: E402
from recsys.profile import Profile  # noqa: E402

REAL = ROOT.parent / "shared" / "real" / "amoremall"
if not REAL.exists():
    REAL = Path("/work/shared/real/amoremall")
REQUESTS = ROOT / "benchmarks" / "drafts_real_requests.json"
OUT = ROOT / "benchmarks" / "results" / "drafts_real.json"
PROMO = re.compile(r"\[[^\]]*\]|정가|원산지|%\s?OFF|상세설명참조|택1|단독|ONLY|한정수량", re.IGNORECASE)
QUOTE = re.compile(r"“([^”\n]{6,})”")
KIND_TOPIC = {
    "fragrance": re.compile(r"향|잔향|레이어링|선물|무드|분위기"),
    "home": re.compile(r"향|공간|집|선물|휴식"),
    "tool": re.compile(r"루틴|메이크업|쓰기|사용|도구|준비|마무리|필수템"),
    "lifestyle": re.compile(r"여행|선물|외출|일상|아이템|필수템"),
}
# What the canned LLM reply claims for every product: moisture, firmness, calming, brightening.
INVENTED = {
    "friendly": "#{이름}님, 이 제품 하나로 촉촉한 보습과 탄력 케어를 동시에 챙겨 보세요 :)\n지금 보기",
    "professional": "#{이름} 고객님, 예민한 피부 진정과 맑은 피부 톤 케어를 제안드립니다.\n자세히 보기",
    "trendy": "#{이름}님 “이거 바르고 모공이 싹 사라졌어요” 찐후기 ✨\n구경 가기",
}


def _profile(text: str, unparsed: list[str]) -> Profile:
    """The request's profile; one the parser cannot read drafts for an unknown customer."""
    try:
        return parse_profile(text)
    except ProfileParseError:
        unparsed.append(text)
        return Profile()


def _flat(text: str) -> str:
    return " ".join(text.split())


def _body(text: str, brand: str = "") -> str:
    """The copy without the (광고) label line, the opt-out/contact lines and the brand's own
    name (a brand called 「… 단독」 is a name, not a promo tag)."""
    lines = text.split("\n")
    body = "\n".join(l for l in lines if not l.startswith("(광고)") and "수신거부" not in l and not l.startswith("문의 "))
    return body.replace(brand, "") if brand else body


def main() -> dict:
    spec = json.loads(REQUESTS.read_text(encoding="utf-8"))
    raw = json.loads((REAL / "amoremall_reviews.json").read_text(encoding="utf-8"))
    raw_reviews = {p["product_id"]: [_flat(r.get("content") or "") for r in p.get("reviews", [])] for p in raw}
    catalog = load_catalog(REAL / "amoremall_reviews.json")
    index = ContextIndex(catalog, load_brands(REAL / "brand_stories.json"))
    drafter = Drafter(index)
    brand_of = dict(zip(catalog.products["product_id"], catalog.products["brand"]))
    mined_kind = dict(zip(catalog.products["product_id"], catalog.products.get("kind", [""] * len(catalog.products))))

    started = time.perf_counter()
    totals = Counter()
    per_kind: dict[str, Counter] = defaultdict(Counter)
    examples: list[dict] = []
    failures: list[dict] = []
    shown: list[str] = []
    quoting_requests = 0
    unparsed: list[str] = []
    for request in spec["requests"]:
        profile = _profile(request["text"], unparsed)
        quoted_here = False
        for pid in request["product_ids"]:
            label = spec["product_kinds"][pid]
            if mined_kind.get(pid) != label:
                totals["kind_mismatch"] += 1
            drafts = drafter.draft(profile, pid, channel=request["channel"])
            for draft in drafts:
                totals["drafts"] += 1
                per_kind[label]["drafts"] += 1
                rules = [f.rule for f in draft.findings]
                unsupported = rules.count("CLAIM-UNSUPPORTED")
                particles = particle_errors(draft.text)
                promo = bool(PROMO.search(_body(draft.text, brand_of[pid])))
                totals["unsupported_claims"] += unsupported
                totals["particle_errors"] += len(particles)
                totals["promo_tag_drafts"] += promo
                totals["unapprovable"] += not draft.approvable
                quotes = QUOTE.findall(draft.text)
                real_quote = any(any(_flat(q) in r for r in raw_reviews.get(pid, ())) for q in quotes)
                quoted_here |= real_quote
                per_kind[label]["real_quote"] += real_quote
                if label in KIND_TOPIC and KIND_TOPIC[label].search(_body(draft.text)):
                    per_kind[label]["on_topic"] += 1
                if unsupported or particles or promo or not draft.approvable:
                    # ids and rule names only: the export's names and reviews stay out of the repo
                    failures.append({
                        "product_id": pid, "tone": draft.tone, "channel": request["channel"],
                        "request": request["text"], "rules": [f.rule for f in draft.findings],
                        "particle_errors": [f"{e.particle} → {e.expected}" for e in particles],
                        "promo_tag": promo,
                    })
                    shown.append(draft.text)
            if len([e for e in examples if e["kind"] == label]) < 2:
                examples.append({"kind": label, "product_id": pid, "request": request["text"],
                                 "text": drafts[0].text})
        quoting_requests += quoted_here
    elapsed = time.perf_counter() - started

    n_requests = len(spec["requests"])
    offline = {
        "requests": n_requests,
        "products": len({p for r in spec["requests"] for p in r["product_ids"]}),
        "drafts": totals["drafts"],
        "unsupported_claims": totals["unsupported_claims"],
        "particle_errors": totals["particle_errors"],
        "promo_tag_drafts": totals["promo_tag_drafts"],
        "quote_share": round(quoting_requests / n_requests, 3),
        "unapprovable": totals["unapprovable"],
        "kind_mismatch": totals["kind_mismatch"],
        "requests_the_parser_could_not_read": unparsed,
        "per_kind": {k: dict(v) for k, v in sorted(per_kind.items())},
        "seconds": round(elapsed, 2),
    }
    targets = {
        "unsupported_claims": offline["unsupported_claims"] == 0,
        "particle_errors": offline["particle_errors"] == 0,
        "promo_tag_drafts": offline["promo_tag_drafts"] == 0,
        "quote_share>=0.8": offline["quote_share"] >= 0.8,
        "unapprovable": offline["unapprovable"] == 0,
    }
    result = {
        "benchmark": "drafts_real",
        "catalog": "../shared/real/amoremall/amoremall_reviews.json",
        "offline": offline,
        "targets_met": targets,
        "openai_fake_invented_claims": _llm_path(index, spec),
        "failures": failures[:40],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # Texts quote the export's reviews: printed on request, never written into the repo.
    return {**result, "examples": examples, "failed_texts": shown}


def _llm_path(index: ContextIndex, spec: dict) -> dict:
    """Every request through the OpenAI SDK against the loopback fake, whose reply invents claims."""
    from tests.fakes.fake_llm import FakeLLMServer, Reply

    caught = Counter()
    drafts = blocked = 0
    sample = None
    with FakeLLMServer(default=Reply(content=INVENTED)) as server:
        config = LLMConfig(openai_api_key="sk-bench", openai_base_url=server.openai_base_url,
                           openai_model="gpt-fake", max_retries=0)
        drafter = Drafter(index, make_provider("openai", config), timeout_s=5)
        for request in spec["requests"]:
            profile = _profile(request["text"], [])
            for pid in request["product_ids"]:
                for draft in drafter.draft(profile, pid, channel="kakao"):
                    drafts += 1
                    assert draft.provider == "openai", draft.fallback_reason
                    claims = [f for f in draft.findings if f.rule.startswith("CLAIM-")]
                    caught.update(f.rule for f in claims)
                    blocked += not draft.approvable
                    if sample is None and claims:
                        sample = {"product_id": pid, "text": draft.text,
                                  "findings": [{"rule": f.rule, "excerpt": f.excerpt, "message_en": f.message_en,
                                                "fix": f.fix} for f in claims]}
        calls = len(server.requests)
    return {"provider": "openai (loopback fake)", "drafts": drafts, "llm_calls": calls,
            "claim_findings": dict(caught), "unapprovable": blocked,
            "unapprovable_share": round(blocked / drafts, 3) if drafts else None, "sample": sample}


if __name__ == "__main__":
    if not (REAL / "amoremall_reviews.json").exists():
        print(f"bench_drafts_real: skipped, the real export is not at {REAL} (see ../shared/real/README.md)")
        raise SystemExit(0)
    out = main()
    if "--show" in sys.argv[1:]:
        for example in out["examples"]:
            print(f"## {example['kind']} · {example['request']} · {example['product_id']}\n{example['text']}\n")
        for text in out["failed_texts"]:
            print(f"## FAILED\n{text}\n")
    print(json.dumps({"offline": out["offline"], "targets_met": out["targets_met"],
                      "openai_fake_invented_claims": {k: v for k, v in out["openai_fake_invented_claims"].items()
                                                      if k != "sample"}}, ensure_ascii=False, indent=2))
