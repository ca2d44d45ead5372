"""The two towers: shapes, unit norms, checkpoints that round-trip and fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from recsys.features import Vocab, encode_products, encode_profiles
from recsys.model import META_FILE, WEIGHTS_FILE, ModelConfig, ModelLoadError, ModelShape, TwoTower, load_checkpoint, save_checkpoint
from recsys.profile import Profile
from tests.recsys._model_helpers import make_products


def _model_and_vocab() -> tuple[TwoTower, Vocab]:
    products = make_products(10)
    vocab = Vocab.build(products, products["product_id"][:5], ["A", "B"], name_buckets=64)
    torch.manual_seed(0)
    return TwoTower(ModelConfig.for_vocab(vocab, ModelShape(field_dim=4, hidden=8, dim=6))), vocab


def test_towers_give_unit_vectors_and_full_catalog_logits() -> None:
    model, vocab = _model_and_vocab()
    model.eval()
    products = encode_products(make_products(10), vocab)
    profiles = encode_profiles([Profile(age_min=30, age_max=39, skin_type="dry"), Profile()], vocab)
    items, bias = model.product(products)
    users = model.customer(profiles)
    assert items.shape == (10, 6) and bias.shape == (10,) and users.shape == (2, 6)
    assert torch.allclose(items.norm(dim=1), torch.ones(10), atol=1e-5)
    assert torch.allclose(users.norm(dim=1), torch.ones(2), atol=1e-5)
    logits = model(profiles, products)
    assert logits.shape == (2, 10)
    assert torch.allclose(logits, users @ items.T / model.cfg.temperature + bias)


def test_item_dropout_only_in_training() -> None:
    model, vocab = _model_and_vocab()
    products = encode_products(make_products(10), vocab)
    model.eval()
    a, _ = model.product(products, item_dropout=1.0)
    b, _ = model.product(products, item_dropout=0.0)
    assert torch.equal(a, b)
    model.train()
    model.product.body[2].p = 0.0  # isolate the id dropout from the MLP dropout
    c, _ = model.product(products, item_dropout=1.0)
    cold = products.item.clone()
    products.item.zero_()
    model.eval()
    d, _ = model.product(products)
    products.item.copy_(cold)
    assert torch.allclose(c, d)  # dropping every id = a catalog of unseen products


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    model, vocab = _model_and_vocab()
    save_checkpoint(tmp_path, model, vocab, {"catalog": "x.json"})
    loaded, vocab2, meta = load_checkpoint(tmp_path)
    assert vocab2 == vocab and meta["catalog"] == "x.json"
    for key, value in model.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[key])
    assert json.loads((tmp_path / META_FILE).read_text())["model_config"]["dim"] == 6


def test_missing_checkpoint_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="personabot train"):
        load_checkpoint(tmp_path / "nothing")


@pytest.mark.parametrize("damage", ["garbage_weights", "garbage_json", "wrong_shape", "old_format"])
def test_malformed_checkpoint_gives_clear_error(tmp_path: Path, damage: str) -> None:
    model, vocab = _model_and_vocab()
    save_checkpoint(tmp_path, model, vocab, {})
    meta = json.loads((tmp_path / META_FILE).read_text())
    if damage == "garbage_weights":
        (tmp_path / WEIGHTS_FILE).write_bytes(b"not a torch file")
    elif damage == "garbage_json":
        (tmp_path / META_FILE).write_text("{oops")
    elif damage == "wrong_shape":
        meta["model_config"]["dim"] = 7
        (tmp_path / META_FILE).write_text(json.dumps(meta))
    else:
        meta["format"] = 0
        (tmp_path / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError) as info:
        load_checkpoint(tmp_path)
    assert "unreadable" in str(info.value) and "personabot train" in str(info.value)


def test_pickled_objects_are_refused(tmp_path: Path) -> None:
    """weights_only=True: a checkpoint smuggling arbitrary objects does not load."""
    model, vocab = _model_and_vocab()
    save_checkpoint(tmp_path, model, vocab, {})
    torch.save({"evil": Path("/etc/passwd")}, tmp_path / WEIGHTS_FILE)
    with pytest.raises(ModelLoadError):
        load_checkpoint(tmp_path)
