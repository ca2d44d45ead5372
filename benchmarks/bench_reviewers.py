"""Reviewer understanding on hand-labelled real reviews: precision and coverage per field.

``recsys.reviewers.reviewer_profile`` (age, gender, skin type, own concerns) and
``review_benefits`` run on every review of the real export; their output is compared with
``benchmarks/labels/reviewers.json``, labelled by hand before the functions existed (conventions
in ``benchmarks/labels/README.md``). The label file holds only (product id, review index,
labels); the texts are read from the export at run time and never written anywhere.

Per field:
  precision = right / predicted   (of the values the function gave, how many the label has)
  coverage  = right / labelled    (of the values the label has, how many the function found)
Age is right when its decade (``Profile.age_band``) equals the label's; gender and skin type
when equal; concerns and benefits are counted per (review, concern) pair.

The rules were developed looking only at reviews 0 and 1 of each product (``dev``); review 2
of each product (``held_out``) was not read while tuning, so its numbers are the honest ones.
Target: skin-type and age precision ≥ 0.9.

    .venv/bin/python benchmarks/bench_reviewers.py [--data DIR] [--show-errors]
        # writes benchmarks/results/reviewers.json; --show-errors prints dev-split mistakes
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recsys.profile import Profile  # noqa: E402
from recsys.reviewers import review_benefits, reviewer_profile  # noqa: E402

ROOT = Path(__file__).resolve().parent
LABELS = ROOT / "labels" / "reviewers.json"
RESULTS = ROOT / "results" / "reviewers.json"
DEFAULT_DATA = ROOT.parent.parent / "shared" / "real"
TARGETS = {"skin_type": 0.9, "age": 0.9}
FIELDS = ("age", "gender", "skin_type", "concerns", "benefits")


def _band(lo: int | None, hi: int | None) -> int | None:
    return Profile(age_min=lo, age_max=hi).age_band


def _score(rows: list[dict]) -> dict[str, dict[str, float | int | None]]:
    out: dict[str, dict[str, float | int | None]] = {}
    for field in FIELDS:
        predicted = labelled = right = 0
        for row in rows:
            label, got = row["label"], row["got"]
            if field in {"concerns", "benefits"}:
                want, have = set(label[field]), set(got[field])
                predicted += len(have)
                labelled += len(want)
                right += len(want & have)
                continue
            if field == "age":
                want_v, have_v = _band(label["age_min"], label["age_max"]), _band(got["age_min"], got["age_max"])
            else:
                want_v, have_v = label[field], got[field]
            predicted += have_v is not None
            labelled += want_v is not None
            right += have_v is not None and have_v == want_v
        out[field] = {
            "precision": round(right / predicted, 3) if predicted else None,
            "coverage": round(right / labelled, 3) if labelled else None,
            "predicted": predicted, "labelled": labelled, "right": right,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding amoremall/ (default ../shared/real)")
    parser.add_argument("--show-errors", action="store_true", help="print the dev split's mistakes (never written)")
    args = parser.parse_args()

    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    export_path = args.data / labels["source"]
    if not export_path.is_file():
        sys.exit(f"bench_reviewers: {export_path} not found; pass --data DIR (the folder holding amoremall/)")
    export = {p["product_id"]: p for p in json.loads(export_path.read_text(encoding="utf-8"))}

    rows = []
    start = time.perf_counter()
    for label in labels["labels"]:
        text = export[label["product_id"]]["reviews"][label["review_index"]]["content"]
        profile = reviewer_profile(text) or Profile()
        got = {"age_min": profile.age_min, "age_max": profile.age_max, "gender": profile.gender,
               "skin_type": profile.skin_type, "concerns": list(profile.concerns),
               "benefits": list(review_benefits(text))}
        rows.append({"label": label, "got": got, "text": text})
    elapsed = time.perf_counter() - start

    splits = {
        "all": rows,
        "dev": [r for r in rows if r["label"]["review_index"] < 2],
        "held_out": [r for r in rows if r["label"]["review_index"] >= 2],
    }
    result = {
        "benchmark": "reviewers",
        "what": "reviewer_profile / review_benefits on hand-labelled real reviews",
        "command": ".venv/bin/python benchmarks/bench_reviewers.py --data ../shared/real",
        "labels": "benchmarks/labels/reviewers.json",
        "reviews": {name: len(split) for name, split in splits.items()},
        "by_split": {name: _score(split) for name, split in splits.items()},
        "targets_precision": TARGETS,
        "targets_met": {
            field: (_score(rows)[field]["precision"] or 0) >= target for field, target in TARGETS.items()
        },
        "seconds_total_first_call_included": round(elapsed, 2),
        "machine": platform.platform(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    for name, scores in result["by_split"].items():
        print(f"{name} ({result['reviews'][name]} reviews)")
        for field, s in scores.items():
            print(f"  {field:10s} precision {s['precision']}  coverage {s['coverage']}  "
                  f"({s['right']} right / {s['predicted']} predicted / {s['labelled']} labelled)")
    print(f"targets met: {result['targets_met']}  → {RESULTS}")
    if args.show_errors:
        for row in splits["dev"]:
            label, got = row["label"], row["got"]
            diffs = []
            for field in FIELDS:
                if field == "age":
                    if _band(label["age_min"], label["age_max"]) != _band(got["age_min"], got["age_max"]):
                        diffs.append(f"age {label['age_min']}-{label['age_max']} got {got['age_min']}-{got['age_max']}")
                elif field in {"concerns", "benefits"}:
                    if set(label[field]) != set(got[field]):
                        diffs.append(f"{field} {sorted(label[field])} got {sorted(got[field])}")
                elif label[field] != got[field]:
                    diffs.append(f"{field} {label[field]} got {got[field]}")
            if diffs:
                print(f"\n[{label['product_id'][:8]} #{label['review_index']}] " + "; ".join(diffs))
                print("   " + row["text"].replace("\r", " ").replace("\n", " / ")[:600])


if __name__ == "__main__":
    main()
