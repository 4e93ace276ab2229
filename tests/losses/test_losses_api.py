"""convlayers.losses as a Keras namespace: get/serialize/deserialize, errors, NumPy inputs,
the logits a softmax/sigmoid keeps, masks."""

import numpy as np
import pytest
import torch

from convlayers import activations, losses


def test_get_resolves_names_configs_and_callables():
    assert losses.get(None) is None
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("kld") is losses.kl_divergence
    assert losses.get("bce") is losses.binary_crossentropy  # known to get, as in tf-keras
    huber = losses.get("Huber")
    assert isinstance(huber, losses.Huber) and huber.name == "huber_loss"
    config = {"class_name": "Huber", "config": {"delta": 2.0, "reduction": "sum", "name": "h"}}
    assert losses.get(config).get_config()["delta"] == 2.0

    def my_loss(y_true, y_pred):
        return (y_pred - y_true).abs().sum(-1)

    assert losses.get(my_loss) is my_loss


def test_get_refusals_begin_with_the_reference_wording():
    with pytest.raises(ValueError, match=r"^Unknown loss function: 'cce'\. .*loss='cce'"):
        losses.get("cce")  # not a tf-keras name
    with pytest.raises(ValueError, match=r"^Could not interpret loss function identifier: 3\."):
        losses.get(3)
    with pytest.raises(ValueError, match=r'^Invalid Reduction Key: mean\. Expected keys are "'):
        losses.MeanSquaredError(reduction="mean")
    with pytest.raises(ValueError, match=r"^`axis` must be of type `int`. Received: axis=True"):
        losses.categorical_crossentropy(torch.ones(1, 2), torch.ones(1, 2), axis=True)
    with pytest.raises(ValueError, match=r"^Received a label value of 5 which is outside"):
        losses.sparse_categorical_crossentropy(torch.tensor([5]), torch.ones(1, 3))


def test_functions_serialize_by_name():
    config = losses.serialize(losses.mse)
    assert config == {"module": "builtins", "class_name": "function",
                      "config": "mean_squared_error", "registered_name": "function"}  # fmt: skip
    assert losses.deserialize(config) is losses.mean_squared_error
    wrapper = losses.LossFunctionWrapper(losses.huber, name="h", delta=0.5)
    assert wrapper.get_config() == {"reduction": "auto", "name": "h", "delta": 0.5, "fn": "huber"}
    again = losses.LossFunctionWrapper.from_config(wrapper.get_config())
    assert again.fn is losses.huber and again._fn_kwargs == {"delta": 0.5}


def test_numpy_and_python_inputs():
    value = losses.MeanAbsoluteError()([[0.0, 1.0]], np.array([[1.0, 1.0]], np.float32))
    assert value.dtype == torch.float32 and float(value) == 0.5
    doubles = losses.mean_squared_error(np.zeros((2, 2)), np.ones((2, 2)))
    assert doubles.dtype == torch.float64  # NumPy float64 stays float64, as in tf-keras


def test_crossentropy_of_a_softmax_output_uses_its_logits():
    logits = torch.tensor([[30.0, 0.0, -30.0]])
    probabilities = activations.softmax(logits)  # 1e-13 for the last class: below epsilon
    target = torch.tensor([[0.0, 0.0, 1.0]])
    from_logits = losses.categorical_crossentropy(target, logits, from_logits=True)
    assert float(losses.categorical_crossentropy(target, probabilities)) == float(from_logits)
    assert float(from_logits) == pytest.approx(60.0, rel=1e-6)  # clipping would give 16.1
    clipped = losses.categorical_crossentropy(target, probabilities.detach().clone())
    assert float(clipped) == pytest.approx(-np.log(1e-7), rel=1e-5)
    with pytest.warns(UserWarning, match="received `from_logits=True`, but the `output`"):
        losses.categorical_crossentropy(target, probabilities, from_logits=True)
    logit = torch.tensor([[-40.0]])
    assert float(losses.binary_crossentropy([[1.0]], activations.sigmoid(logit))) == 40.0


def test_one_class_categorical_crossentropy_warns_as_the_reference():
    with pytest.warns(
        SyntaxWarning, match="expected y_pred.shape to be \\(batch_size, num_classes"
    ):
        losses.categorical_crossentropy(torch.ones(2, 1), torch.ones(2, 1))


def test_a_keras_mask_on_predictions_leaves_masked_values_out():
    y_true, y_pred = torch.zeros(2, 3, 1), torch.ones(2, 3, 1)
    y_pred[0, 0] = 4.0
    y_pred._keras_mask = torch.tensor([[False, True, True], [True, True, True]])
    assert float(losses.MeanSquaredError()(y_true, y_pred)) == 1.0  # the 16 is masked out
    assert float(losses.MeanSquaredError(reduction="sum")(y_true, y_pred)) == 5.0


def test_sample_weights_of_the_wrong_shape_are_refused():
    loss = losses.MeanSquaredError()
    with pytest.raises(ValueError, match="`sample_weight` must be broadcastable"):
        loss(torch.zeros(4, 2), torch.zeros(4, 2), sample_weight=torch.ones(3))
