"""A configured contact number (CRM_CONTACT_NUMBER) goes above the opt-out line on SMS/LMS."""

from __future__ import annotations

import pytest

from crm import channels
from crm.compliance import check_message
from crm.context import ContextIndex
from crm.drafting import Drafter
from recsys.paths import BRANDS, DEMO_CATALOG
from recsys.profile import Profile
from tests.crm._crm_helpers import make_index

DRY_30S = Profile(age_min=30, age_max=39, gender="F", skin_type="dry", concerns=("moisture",))


def test_footer_adds_contact_only_for_text_channels() -> None:
    assert channels.footer("080-1", "lms", "1588-0000") == "문의 1588-0000\n무료수신거부 080-1"
    assert channels.footer("080-1", "sms", "1588-0000").startswith("문의 1588-0000")
    assert channels.footer("080-1", "kakao", "1588-0000") == "무료수신거부 080-1"
    assert channels.footer("080-1", "lms") == "무료수신거부 080-1"


@pytest.mark.parametrize("channel", ["lms", "sms"])
def test_contact_line_clears_the_contact_warning(channel: str) -> None:
    index = make_index()
    with_contact = Drafter(index, contact_number="1588-0000").draft(DRY_30S, "P001", channel=channel)
    without = Drafter(index).draft(DRY_30S, "P001", channel=channel)
    for draft in with_contact:
        assert draft.text.rstrip().endswith("무료수신거부 080-000-0000")
        assert "문의 1588-0000" in draft.text
        assert "AD-CONTACT" not in {f.rule for f in draft.findings}
        assert draft.approvable
    assert all("AD-CONTACT" in {f.rule for f in d.findings} for d in without)


def test_demo_catalog_sms_drafts_with_contact_still_fit() -> None:
    from recsys.catalog import load_catalog

    catalog = load_catalog(DEMO_CATALOG)
    drafter = Drafter(ContextIndex.from_files(catalog, BRANDS), contact_number="1588-0000")
    for product_id in catalog.products["product_id"].iloc[::40]:
        for draft in drafter.draft(DRY_30S, product_id, channel="sms"):
            errors = [f.rule for f in check_message(draft.text, channel="sms") if f.severity == "error"]
            assert errors == [], (product_id, draft.text)
