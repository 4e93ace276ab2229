"""Embedding: golden fixtures from tf-keras 2.21 (outputs, table gradients, masks, configs,
refusals, the Keras examples' IMDB text CNN) and a NumPy reference."""

import json

import numpy as np
import pytest
import torch
from fixture_loader import load_fixtures, load_index
from parity import reference_error, relative_l2

import convlayers

L = convlayers.layers
INDEX = load_index("embedding")
CASES = [c for c in load_fixtures("embedding") if c.layer == "Embedding"]
TEXT_CNN = next(c for c in load_fixtures("embedding") if c.id == "text_cnn")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_tf_keras_fixture(case):
    kwargs = INDEX["cases"][case.id]["kwargs"]
    layer = L.Embedding(**kwargs, name=case.config["name"])
    assert json.loads(json.dumps(layer.get_config())) == case.config
    layer = L.Embedding.from_config(case.config)
    layer.build(case.input_shape)
    layer.set_weights(case.weights)
    ids = torch.tensor(case.arrays["x"])
    y = layer(ids)
    assert relative_l2(y.detach(), case.arrays["y"]) <= 1e-7
    (y * torch.tensor(case.arrays["g"])).sum().backward()
    assert relative_l2(layer.embeddings.grad, case.arrays["dw/embeddings"]) <= 1e-6
    if "aux/mask" in case.arrays:
        np.testing.assert_array_equal(y._keras_mask.numpy(), case.arrays["aux/mask"])
    else:
        assert getattr(y, "_keras_mask", None) is None
    assert layer.compute_output_shape(tuple(ids.shape)) == tuple(case.arrays["y"].shape)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_numpy_reference(case):
    table = case.weights[0].astype(np.float64)
    layer = L.Embedding(*table.shape, dtype="float64")
    layer.build(case.input_shape)
    layer.set_weights([table])
    ids = case.arrays["x"]
    expected = table[np.trunc(ids).astype(np.int64)]  # row i for id i; floats truncated
    np.testing.assert_array_equal(layer(torch.tensor(ids)).detach().numpy(), expected)


@pytest.mark.parametrize("probe", INDEX["probes"], ids=[str(p["kwargs"]) for p in INDEX["probes"]])
def test_refuses_what_the_reference_refuses(probe):
    if probe["result"] != "error":  # accepted in a call; the declared shape disagrees
        layer = L.Embedding(**probe["kwargs"])
        assert tuple(layer(torch.zeros(probe["input_shape"], dtype=torch.int64)).shape) == tuple(
            probe["output_shape"]
        )
        with pytest.raises(ValueError, match='"input_length" is 3, but received input'):
            layer.compute_output_shape(tuple(probe["input_shape"]))
        return
    _, message = reference_error(probe["error"])
    with pytest.raises(ValueError, match=f"^{message}$"):
        L.Embedding(**probe["kwargs"])


def test_out_of_range_ids_and_sparse_are_refused():
    layer = L.Embedding(5, 2)
    with pytest.raises(IndexError, match=r"an id of the input is 5, not in \[0, 5\)"):
        layer(torch.tensor([[1, 5]]))
    with pytest.raises(IndexError, match=r"an id of the input is -1, not in \[0, 5\)"):
        layer(torch.tensor([[-1, 2]]))
    with pytest.raises(ValueError, match=r"`sparse=True` is not supported"):
        L.Embedding(5, 2, sparse=True)


def test_text_cnn_of_the_keras_examples_with_only_imports_changed():
    """The IMDB CNN built from the reference's config: same parameter count, and with the
    reference's weights the same predictions; it also trains with fit on integer ids."""
    model = convlayers.Sequential.from_config(TEXT_CNN.config)
    assert model.count_params() == INDEX["cases"]["text_cnn"]["count_params"]
    weights = [TEXT_CNN.arrays[f"w/{i}"] for i in range(len(model.get_weights()))]
    model.set_weights(weights)
    ids = TEXT_CNN.arrays["x"]
    np.testing.assert_allclose(model.predict(ids, verbose=0), TEXT_CNN.arrays["y"], rtol=1e-5)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    labels = (ids[:, :1] % 2).astype("float32")
    history = model.fit(ids, labels, epochs=2, batch_size=3, verbose=0)
    assert len(history.history["loss"]) == 2
    assert all(np.isfinite(history.history["loss"]))


def test_integer_input_and_the_mask_reach_mask_aware_layers():
    """``Input(dtype="int32")`` ids; the padding mask of ``mask_zero`` leaves the padding
    out of a GlobalAveragePooling1D's mean, in a model and after a config round trip."""
    inputs = L.Input((5,), dtype="int32")
    assert inputs.dtype == "int32"
    embedding = L.Embedding(7, 3, mask_zero=True)
    model = convlayers.Model(inputs, L.GlobalAveragePooling1D()(embedding(inputs)))
    model = convlayers.Model.from_config(model.get_config())
    model.set_weights([np.arange(21, dtype="float32").reshape(7, 3)])
    out = model.predict(np.array([[3, 1, 0, 0, 0]], dtype="int32"), verbose=0)
    np.testing.assert_allclose(out[0], (np.arange(9, 12) + np.arange(3, 6)) / 2)
