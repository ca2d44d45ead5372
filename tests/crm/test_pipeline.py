"""run_recommend: recommendations, persona, and drafts for the top product."""

from __future__ import annotations

import json
from dataclasses import dataclass

from crm.drafting import Drafter
from crm.pipeline import run_recommend
from recsys.profile import Profile
from tests.crm._crm_helpers import make_index


@dataclass(frozen=True)
class Rec:
    rank: int
    product_id: str
    name: str
    score: float


class FakeRecommender:
    """Returns the products it was built with, in order; records what it was asked."""

    def __init__(self, product_ids: list[str]) -> None:
        self.product_ids = product_ids
        self.asked: list[tuple[Profile, int]] = []

    def recommend(self, profile: Profile, k: int = 3, exclude=()) -> list[Rec]:
        self.asked.append((profile, k))
        return [Rec(i + 1, pid, pid, 1.0 - i / 10) for i, pid in enumerate(self.product_ids[:k])]


def test_drafts_are_for_the_top_product() -> None:
    recommender = FakeRecommender(["P002", "P001", "P003"])
    result = run_recommend(Profile(skin_type="dry", concerns=("moisture",)), recommender, Drafter(make_index()), k=2)
    assert [r.product_id for r in result.recommendations] == ["P002", "P001"]
    assert result.product.product_id == "P002"
    assert len(result.drafts) == 3
    assert all("루마" in d.text for d in result.drafts)
    assert recommender.asked[0][1] == 2


def test_the_persona_is_filled_in_before_recommending() -> None:
    recommender = FakeRecommender(["P001"])
    result = run_recommend(Profile(age_min=30, age_max=39, skin_type="dry", concerns=("moisture",)),
                           recommender, Drafter(make_index()))
    assert result.profile.persona
    assert recommender.asked[0][0].persona == result.profile.persona


def test_channel_is_passed_to_the_drafter() -> None:
    result = run_recommend(Profile(concerns=("calming",)), FakeRecommender(["P003"]), Drafter(make_index()),
                           channel="sms")
    assert all(d.text.startswith("(광고)라온뷰티") for d in result.drafts)


def test_no_recommendations_means_no_drafts() -> None:
    result = run_recommend(Profile(concerns=("gift",)), FakeRecommender([]), Drafter(make_index()))
    assert (result.recommendations, result.product, result.drafts) == ([], None, [])


def test_to_dict_is_stable_json() -> None:
    result = run_recommend(Profile(skin_type="dry"), FakeRecommender(["P001"]), Drafter(make_index()))
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert list(data) == ["profile", "recommendations", "product_id", "drafts", "shortfall"]
    assert data["shortfall"] is None  # a plain list from the recommender: nothing to report
    assert data["product_id"] == "P001"
    assert data["recommendations"][0] == {"rank": 1, "product_id": "P001", "name": "P001", "score": 1.0}
