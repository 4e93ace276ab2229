"""Files written by convlayers have the structure of the files tf-keras 2.21 (and Keras 3)
write for the same model: groups, datasets, shapes, dtypes, attributes, weight names and
configs; and they read back to the same predictions."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest
from saving_files import FOLDER, INDEX, MODELS, reference

import convlayers

KERAS3 = [name for name, entry in MODELS.items() if f"k3_{name}.keras" in entry["files"]]


def h5_layout(handle, skip=()):
    """path -> (kind, shape, dtype, sorted attribute names) for everything in a file."""
    layout = {"/": ("group", None, None, sorted(handle.attrs))}

    def visit(path, node):
        if path.split("/")[0] in skip:
            return
        attrs = sorted(node.attrs)
        if isinstance(node, h5py.Dataset):
            layout[path] = ("dataset", node.shape, node.dtype.str, attrs)
        else:
            layout[path] = ("group", None, None, attrs)

    handle.visititems(visit)
    return layout


def name_lists(handle):
    """Every ``layer_names``/``weight_names`` attribute, decoded."""
    found = {}

    def visit(path, node):
        for key in ("layer_names", "weight_names"):
            if key in node.attrs:
                found[f"{path}@{key}"] = [str(v) for v in node.attrs[key]]

    visit("", handle)
    handle.visititems(visit)
    return found


def without(value, keys):
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


@pytest.fixture(params=list(MODELS))
def saved(request, tmp_path):
    """A reference model loaded by convlayers and saved in every format."""
    name = request.param
    model = convlayers.load_model(FOLDER / f"tfk_{name}.h5")
    paths = {
        "h5": tmp_path / f"{name}.h5",
        "keras": tmp_path / f"{name}.keras",
        "weights_h5": tmp_path / f"{name}_weights.h5",
        "store": tmp_path / f"{name}.weights.h5",
    }
    model.save(paths["h5"])
    model.save(paths["keras"])
    model.save_weights(paths["weights_h5"])
    model.save_weights(paths["store"])
    return name, model, paths


def test_h5_model_file_is_laid_out_as_tf_keras_writes_it(saved):
    name, _, paths = saved
    with h5py.File(paths["h5"]) as ours, h5py.File(FOLDER / f"tfk_{name}.h5") as theirs:
        assert h5_layout(ours) == h5_layout(theirs, skip=("optimizer_weights",))
        assert name_lists(ours) == {
            k: v for k, v in name_lists(theirs).items() if not k.startswith("optimizer")
        }
        assert ours.attrs["keras_version"] == theirs.attrs["keras_version"]
        assert json.loads(ours.attrs["model_config"]) == json.loads(theirs.attrs["model_config"])
        assert ("training_config" in ours.attrs) == ("training_config" in theirs.attrs)
        if "training_config" in theirs.attrs:
            mine = json.loads(ours.attrs["training_config"])
            reference_config = json.loads(theirs.attrs["training_config"])
            assert sorted(mine) == sorted(reference_config)
            assert mine["loss"] == reference_config["loss"]
            assert without(mine["optimizer_config"], ["learning_rate"]) == without(
                reference_config["optimizer_config"], ["learning_rate"]
            )
            mine_lr = mine["optimizer_config"]["config"]["learning_rate"]
            assert mine_lr == pytest.approx(
                reference_config["optimizer_config"]["config"]["learning_rate"]
            )
            names = [m["config"]["name"] for m in (reference_config["metrics"] or [[]])[0]]
            assert (mine["metrics"] or []) == names


def test_h5_weights_file_is_laid_out_as_tf_keras_writes_it(saved):
    name, _, paths = saved
    with (
        h5py.File(paths["weights_h5"]) as ours,
        h5py.File(FOLDER / f"tfk_{name}_weights.h5") as theirs,
    ):
        assert h5_layout(ours) == h5_layout(theirs)
        assert name_lists(ours) == name_lists(theirs)


def _zip(path):
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def test_keras_file_is_laid_out_as_tf_keras_writes_it(saved):
    name, _, paths = saved
    ours, theirs = _zip(paths["keras"]), _zip(FOLDER / f"tfk_{name}.keras")
    assert sorted(ours) == sorted(theirs)
    assert json.loads(ours["metadata.json"]).keys() == json.loads(theirs["metadata.json"]).keys()
    # tf-keras writes the layers of a nested Sequential in the legacy form, without these
    extras = ["shared_object_id", "module", "registered_name", "build_config"]
    mine, reference_config = json.loads(ours["config.json"]), json.loads(theirs["config.json"])
    # the model was loaded from the .h5 file, whose compile information holds the optimizer's
    # config, so it was compiled with that object (tf-keras then writes the object too);
    # the reference .keras was compiled with the name
    optimizer = mine.get("compile_config", {}).pop("optimizer", None)
    named = reference_config.get("compile_config", {}).pop("optimizer", None)
    if named is not None:
        assert optimizer["class_name"].lower() == named
    assert without(mine, extras) == without(reference_config, extras)
    assert {k: mine.get(k) for k in ("module", "registered_name", "class_name")} == {
        k: reference_config.get(k) for k in ("module", "registered_name", "class_name")
    }
    with (
        h5py.File(io.BytesIO(ours["model.weights.h5"])) as a,
        h5py.File(io.BytesIO(theirs["model.weights.h5"])) as b,
    ):
        layout = {k: v[:3] for k, v in h5_layout(a).items()}  # we add a name attribute
        assert layout == {k: v[:3] for k, v in h5_layout(b, skip=("optimizer", "metrics")).items()}


@pytest.mark.parametrize("name", KERAS3)
def test_weights_store_is_laid_out_as_keras_3_writes_it(name, tmp_path):
    model = convlayers.load_model(FOLDER / f"k3_{name}.keras")
    model.save_weights(tmp_path / "w.weights.h5")
    with (
        h5py.File(tmp_path / "w.weights.h5") as ours,
        h5py.File(FOLDER / f"k3_{name}.weights.h5") as theirs,
    ):
        assert h5_layout(ours) == h5_layout(theirs, skip=("optimizer",))
        for path, node in theirs.items():
            if path.endswith("vars") and "input" not in node.attrs["name"]:
                assert ours[path].attrs["name"] == node.attrs["name"]


def test_every_format_reads_back_to_the_same_predictions(saved):
    name, model, paths = saved
    ref = reference(name)
    expected = model.predict(ref.x)
    expected = expected if isinstance(expected, list) else [expected]
    for kind in ("h5", "keras"):
        loaded = convlayers.load_model(paths[kind])
        got = loaded.predict(ref.x)
        for g, e in zip(got if isinstance(got, list) else [got], expected):
            np.testing.assert_array_equal(g, e)
        assert loaded.get_config() == model.get_config()
        assert loaded.compiled == model.compiled
    for kind in ("weights_h5", "store"):
        fresh = convlayers.load_model(paths["keras"], compile=False)
        for param in fresh.parameters():
            param.data.zero_()
        fresh.load_weights(paths[kind])
        for a, b in zip(fresh.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b)


def test_the_committed_tf_keras_check_loaded_every_file():
    """tools/check_convlayers_files.py (run once, against the real tf-keras) recorded that
    tf-keras 2.21 loads every file convlayers writes, to identical predictions."""
    check = json.loads((FOLDER / "roundtrip_check.json").read_text())
    results = check["results"]
    assert check["tf_keras"] == INDEX["tf_keras"]
    for name in MODELS:
        for pattern in ("load_model ours_{}.h5", "load_model ours_{}.keras"):
            entry = results[f"tf_keras {pattern.format(name)}"]
            assert entry["loaded"] and entry["max_rel_error"] <= 1e-5
            assert ("compiled" in entry) == MODELS[name]["compiled"]
        for pattern in ("ours_{}_weights.h5", "ours_{}.weights.h5"):
            entry = results[f"tf_keras load_weights {pattern.format(name)}"]
            assert entry["loaded"] and entry["max_rel_error"] <= 1e-5


class Stats(convlayers.Layer):
    """A layer with a non-trainable weight made before its trainable one (as a
    normalization layer's moving statistics may be)."""

    def build(self, input_shape):
        self.add_weight("moving_mean", (input_shape[-1],), initializer="zeros", trainable=False)
        self.add_weight("gamma", (input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return (inputs - self.moving_mean) * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape


def test_trainable_weights_come_before_non_trainable_ones_in_every_file(tmp_path):
    model = convlayers.Sequential([Stats(input_shape=(3,), name="stats")])
    model.set_weights([np.full(3, 2.0, "float32"), np.full(3, 5.0, "float32")])
    model.save_weights(tmp_path / "w.h5")
    model.save_weights(tmp_path / "w.weights.h5")
    with h5py.File(tmp_path / "w.h5") as handle:
        assert [str(n) for n in handle["stats"].attrs["weight_names"]] == [
            "stats/gamma:0",
            "stats/moving_mean:0",
        ]
        np.testing.assert_array_equal(handle["stats/stats/gamma:0"][()], [2.0] * 3)
    with h5py.File(tmp_path / "w.weights.h5") as handle:
        np.testing.assert_array_equal(handle["layers/stats/vars/0"][()], [2.0] * 3)
        np.testing.assert_array_equal(handle["layers/stats/vars/1"][()], [5.0] * 3)
    for file in ("w.h5", "w.weights.h5"):
        fresh = convlayers.Sequential([Stats(input_shape=(3,), name="stats")])
        fresh.load_weights(tmp_path / file)
        assert fresh.layers[0].moving_mean.tolist() == [5.0] * 3
        assert fresh.layers[0].gamma.tolist() == [2.0] * 3
