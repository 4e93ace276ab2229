"""fit/evaluate/predict on data that comes in batches: Keras Sequences, generators and
iterables (torch DataLoader), against the same batches given as arrays."""

import numpy as np
import pytest
import torch

import convlayers

L = convlayers.layers

X = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
Y = np.linspace(0, 1, 16, dtype=np.float32).reshape(8, 2)
W = np.linspace(0.5, 2, 8, dtype=np.float32)
CLASSES = np.array([[1, 0], [0, 1], [0, 1], [1, 0], [0, 1], [1, 0], [1, 0], [0, 1]], np.float32)


def pair(loss="mse"):
    """Two compiled models with the same initial weights."""
    first = convlayers.Sequential([L.Dense(2, input_shape=(3,))])
    second = convlayers.Sequential([L.Dense(2, input_shape=(3,))])
    second.set_weights(first.get_weights())
    for model in (first, second):
        model.compile(convlayers.optimizers.SGD(0.1), loss)
    return first, second


class Batches(convlayers.utils.Sequence):
    """Batches of ``size`` rows of the given arrays, recording what is asked of it."""

    def __init__(self, *arrays, size=2):
        self.arrays, self.size = arrays, size
        self.asked, self.epochs_ended = [], 0

    def __len__(self):
        return len(self.arrays[0]) // self.size

    def __getitem__(self, index):
        self.asked.append(index)
        part = slice(index * self.size, (index + 1) * self.size)
        batch = tuple(a[part] for a in self.arrays)
        return batch[0] if len(batch) == 1 else batch

    def on_epoch_end(self):
        self.epochs_ended += 1


def assert_same_weights(a, b):
    for u, v in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)


def test_sequence_trains_as_the_same_batches_of_arrays():
    by_arrays, by_sequence = pair()
    expected = by_arrays.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0)
    sequence = Batches(X, Y)
    history = by_sequence.fit(sequence, epochs=3, shuffle=False, verbose=0)
    assert_same_weights(by_arrays, by_sequence)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    assert sequence.asked == [0, 1, 2, 3] * 3 and sequence.epochs_ended == 3


def test_sequence_shuffle_is_a_new_order_of_its_batches_each_epoch():
    convlayers.utils.set_random_seed(3)
    sequence = Batches(X, Y)
    pair()[0].fit(sequence, epochs=4, verbose=0)  # shuffle=True by default
    epochs = [sequence.asked[i : i + 4] for i in range(0, 16, 4)]
    assert all(sorted(order) == [0, 1, 2, 3] for order in epochs)
    assert any(order != [0, 1, 2, 3] for order in epochs)


def test_sample_weights_and_class_weights_in_batches():
    by_arrays, by_sequence = pair()
    by_arrays.fit(X, Y, sample_weight=W, batch_size=4, shuffle=False, verbose=0)
    by_sequence.fit(Batches(X, Y, W, size=4), shuffle=False, verbose=0)
    assert_same_weights(by_arrays, by_sequence)
    by_arrays, by_sequence = pair("categorical_crossentropy")
    weights = {0: 1.0, 1: 3.0}
    by_arrays.fit(X, CLASSES, class_weight=weights, batch_size=4, shuffle=False, verbose=0)
    by_sequence.fit(Batches(X, CLASSES, size=4), class_weight=weights, shuffle=False, verbose=0)
    assert_same_weights(by_arrays, by_sequence)


def test_dataloader_fits_evaluates_and_predicts_as_arrays():
    by_arrays, by_loader = pair()
    data = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    loader = torch.utils.data.DataLoader(data, batch_size=2, shuffle=False)
    expected = by_arrays.fit(X, Y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    history = by_loader.fit(loader, epochs=2, verbose=0)
    assert_same_weights(by_arrays, by_loader)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    assert by_loader.evaluate(loader, verbose=0) == pytest.approx(
        by_arrays.evaluate(X, Y, batch_size=2, verbose=0), rel=1e-6
    )
    np.testing.assert_allclose(by_loader.predict(loader, verbose=0), by_arrays.predict(X))
    assert by_loader.evaluate(loader, steps=1, verbose=0) == pytest.approx(
        by_arrays.evaluate(X[:2], Y[:2], verbose=0), rel=1e-6
    )


def test_generator_is_one_stream_over_the_epochs():
    by_arrays, by_generator = pair()
    taken = []

    def batches():
        for index in range(4):
            taken.append(index)
            yield X[2 * index : 2 * index + 2], Y[2 * index : 2 * index + 2]

    history = by_generator.fit(batches(), steps_per_epoch=2, epochs=2, verbose=0)
    assert taken == [0, 1, 2, 3] and len(history.history["loss"]) == 2
    by_arrays.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    assert_same_weights(by_arrays, by_generator)  # the four batches, once each, in order


def test_finite_generator_without_steps_runs_once_then_warns():
    model = pair()[0]
    stream = ((X[i : i + 2], Y[i : i + 2]) for i in range(0, 8, 2))
    with pytest.warns(UserWarning, match="Your input ran out of data; interrupting training"):
        history = model.fit(stream, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_generator_shorter_than_its_steps_warns_and_stops():
    model = pair()[0]
    stream = ((X[i : i + 2], Y[i : i + 2]) for i in range(0, 8, 2))
    with pytest.warns(UserWarning, match=r"in this case, 10 batches"):
        history = model.fit(stream, steps_per_epoch=5, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 1


def test_validation_data_in_batches():
    model = pair()[0]
    validation = Batches(X, Y)
    history = model.fit(X, Y, validation_data=validation, validation_steps=2, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(X[:4], Y[:4], verbose=0), rel=1e-6
    )
    assert validation.asked == [0, 1]


def test_predict_takes_x_of_each_batch():
    model = pair()[0]
    expected = model.predict(X, verbose=0)
    np.testing.assert_allclose(model.predict(Batches(X, Y), verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(model.predict(iter([X[:5], X[5:]]), verbose=0), expected)


def test_unknown_steps_show_in_the_progress_bar(capsys):
    model = pair()[0]
    model.fit(((X[i : i + 2], Y[i : i + 2]) for i in range(0, 8, 2)), verbose=1)
    assert "4/Unknown" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        (dict(y=Y), "y"),
        (dict(sample_weight=W), "sample_weight"),
        (dict(batch_size=2), "batch_size"),
        (dict(validation_split=0.25), "validation_split"),
    ],
)
def test_arguments_batched_data_carries_are_refused(arguments, name):
    model = pair()[0]
    with pytest.raises(ValueError, match=f"^`{name}` must not be given when the data comes in"):
        model.fit(Batches(X, Y), verbose=0, **arguments)


def test_refusals_name_what_is_wrong():
    model = pair()[0]
    data = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    with pytest.raises(TypeError, match=r"wrap it in a torch.utils.data.DataLoader"):
        model.fit(data, verbose=0)
    with pytest.raises(ValueError, match=r"`steps` must be a positive integer or None"):
        model.fit(Batches(X, Y), steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match=r"no batch was given"):
        model.predict(iter([]), verbose=0)
    with pytest.raises(ValueError, match=r"^`batch_size` must not be given"):
        model.predict(Batches(X), batch_size=4, verbose=0)


def test_prefetching_workers_are_not_used_and_say_so():
    model = pair()[0]
    with pytest.warns(UserWarning, match=r"workers=4 and use_multiprocessing=False are not used"):
        model.fit(Batches(X, Y), workers=4, verbose=0)
    with pytest.warns(UserWarning, match=r"use_multiprocessing=True are not used"):
        model.predict(Batches(X), use_multiprocessing=True, verbose=0)
