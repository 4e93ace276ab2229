"""Every way a file can be wrong gives one clear ValueError (or FileNotFoundError), never a
crash from inside h5py and never a changed or half-built model: damaged copies of the
reference files, files of the wrong kind, refused content, mismatching weights."""

import json
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest
import torch
from saving_files import FOLDER, copy, reference

import convlayers
from convlayers.saving import FileError


def _state(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def _assert_unchanged(model, before):
    after = model.state_dict()
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert torch.equal(after[key], value), key


def _rewrite_zip(path, change):
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members = change(members)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _model_config(path):
    with h5py.File(path) as handle:
        return json.loads(handle.attrs["model_config"])


def _set_model_config(path, config):
    with h5py.File(path, "r+") as handle:
        handle.attrs["model_config"] = json.dumps(config).encode()


# ------------------------------------------------------------------- damaged bytes


@pytest.mark.parametrize("file", ["tfk_conv1d_seq.h5", "tfk_conv1d_seq.keras"])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_a_truncated_file_is_a_clear_value_error(tmp_path, file, keep):
    path = copy(file, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="damaged or is not a Keras model file"):
        convlayers.load_model(path)


def _header(data):
    return range(8, 96)


def _model_config_text(data):
    start = data.index(b'{"class_name": "Sequential"')
    return [start + 1, start + 40]  # no longer UTF-8, no longer JSON


@pytest.mark.parametrize("where", [_header, _model_config_text])
def test_flipped_bytes_in_an_h5_file_are_a_clear_value_error(tmp_path, where):
    path = copy("tfk_local1d_cl.h5", tmp_path)
    data = bytearray(path.read_bytes())
    for i in where(data):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged or is not a Keras model file"):
        convlayers.load_model(path)


def test_flipped_bytes_inside_a_keras_zip_fail_its_checksum(tmp_path):
    path = copy("tfk_conv1d_seq.keras", tmp_path)
    data = bytearray(path.read_bytes())
    start = data.index(b'"class_name": "Sequential"')
    data[start + 3] ^= 0x20
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"damaged .*BadZipFile.*CRC"):
        convlayers.load_model(path)


def test_a_damaged_weights_member_of_a_keras_zip(tmp_path):
    path = copy("k3_nested.keras", tmp_path)
    _rewrite_zip(path, lambda m: {**m, "model.weights.h5": m["model.weights.h5"][: 3 * 1024]})
    with pytest.raises(ValueError, match="damaged or is not a Keras model file"):
        convlayers.load_model(path)


# ------------------------------------------------------------------ the wrong file


@pytest.mark.parametrize(
    ("source", "name", "message"),
    [
        ("saving.json", "model.h5", "neither an HDF5 file"),
        ("saving.npz", "model.keras", "zip file without config.json"),
        ("tfk_nested_weights.h5", "model.h5", "No model config found"),
        ("k3_nested.weights.h5", "model.weights.h5", "No model config found"),
    ],
)
def test_a_file_of_the_wrong_kind(tmp_path, source, name, message):
    path = tmp_path / name
    path.write_bytes((FOLDER / source).read_bytes())
    with pytest.raises(ValueError, match=message):
        convlayers.load_model(path)


def test_an_h5_file_without_model_config(tmp_path):
    path = copy("tfk_conv1d_seq.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        del handle.attrs["model_config"]
    with pytest.raises(ValueError, match="No model config found in the file at"):
        convlayers.load_model(path)
    model = convlayers.load_model(FOLDER / "k3_conv1d_seq.keras")
    model.load_weights(path)  # the weights are still there
    ref = reference("conv1d_seq")
    np.testing.assert_allclose(model.predict(ref.x), ref.ys[0], rtol=1e-5, atol=1e-6)


def test_a_zip_without_config_json(tmp_path):
    path = copy("tfk_nested.keras", tmp_path)
    _rewrite_zip(path, lambda m: {k: v for k, v in m.items() if k != "config.json"})
    with pytest.raises(ValueError, match=r"without config\.json: not a \.keras file"):
        convlayers.load_model(path)


def test_a_zip_without_weights(tmp_path):
    path = copy("tfk_nested.keras", tmp_path)
    _rewrite_zip(path, lambda m: {k: v for k, v in m.items() if k != "model.weights.h5"})
    with pytest.raises(ValueError, match=r"has no model\.weights\.h5"):
        convlayers.load_model(path)


def test_a_zip_whose_config_is_not_a_model(tmp_path):
    path = copy("tfk_nested.keras", tmp_path)
    _rewrite_zip(path, lambda m: {**m, "config.json": b"[1, 2, 3]"})
    with pytest.raises(ValueError, match="does not hold a model config"):
        convlayers.load_model(path)


def test_missing_paths_and_directories(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file"):
        convlayers.load_model(tmp_path / "missing.h5")
    with pytest.raises(ValueError, match="is a directory"):
        convlayers.load_model(tmp_path)


# -------------------------------------------------------------- refused content


def test_a_lambda_layer_is_refused_naming_it(tmp_path):
    path = copy("tfk_conv1d_seq.h5", tmp_path)
    config = _model_config(path)
    config["config"]["layers"][5] = {
        "class_name": "Lambda",
        "config": {"name": "my_lambda", "function": ["4wEAAAAAAAAA", None, None]},
    }
    _set_model_config(path, config)
    with pytest.raises(ValueError, match="'my_lambda' is a Lambda layer") as error:
        convlayers.load_model(path)
    assert "custom_objects" in str(error.value)
    assert "register_keras_serializable" in str(error.value)


def test_an_unknown_class_is_refused_and_custom_objects_supply_it(tmp_path):
    path = copy("tfk_conv1d_seq.h5", tmp_path)
    config = _model_config(path)
    config["config"]["layers"][6]["class_name"] = "MyFlatten"
    _set_model_config(path, config)
    with pytest.raises(ValueError, match="Unknown layer: 'MyFlatten'") as error:
        convlayers.load_model(path)
    assert "custom_objects" in str(error.value)
    model = convlayers.load_model(path, custom_objects={"MyFlatten": convlayers.Flatten})
    ref = reference("conv1d_seq")
    np.testing.assert_allclose(model.predict(ref.x), ref.ys[0], rtol=1e-5, atol=1e-6)


def test_a_registered_class_is_found_without_custom_objects(tmp_path):
    @convlayers.saving.register_keras_serializable(package="Tests")
    class FlattenTwo(convlayers.Flatten):
        pass

    path = copy("tfk_conv1d_seq.h5", tmp_path)
    config = _model_config(path)
    config["config"]["layers"][6]["class_name"] = "FlattenTwo"
    _set_model_config(path, config)
    model = convlayers.load_model(path)
    assert type(model.get_layer("flatten")) is FlattenTwo


def test_a_serialized_python_function_is_refused(tmp_path):
    path = copy("k3_nested.keras", tmp_path)

    def change(members):
        config = json.loads(members["config.json"])
        dense = config["config"]["layers"][2]["config"]
        dense["activation"] = {"class_name": "__lambda__", "config": {"code": "..."}}
        return {**members, "config.json": json.dumps(config).encode()}

    _rewrite_zip(path, change)
    with pytest.raises(ValueError, match="'dense' holds a serialized Python function"):
        convlayers.load_model(path)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("lora_rank", 4, "`lora_rank=4`, which convlayers does not support"),
        ("dtype", {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}, "mixed"),
    ],
)
def test_keras_3_options_without_counterpart_are_refused(tmp_path, key, value, message):
    path = copy("k3_nested.keras", tmp_path)

    def change(members):
        config = json.loads(members["config.json"])
        config["config"]["layers"][2]["config"][key] = value
        return {**members, "config.json": json.dumps(config).encode()}

    _rewrite_zip(path, change)
    with pytest.raises(ValueError, match=message):
        convlayers.load_model(path)


def test_an_external_link_is_not_followed(tmp_path):
    path = copy("tfk_local1d_cl_weights.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        del handle["dense/dense/bias:0"]
        handle["dense/dense/bias:0"] = h5py.ExternalLink("/etc/passwd", "/x")
    model = convlayers.load_model(FOLDER / "tfk_local1d_cl.h5")
    before = _state(model)
    with pytest.raises(ValueError, match="is a ExternalLink; only entries stored in the file"):
        model.load_weights(path)
    _assert_unchanged(model, before)


# ------------------------------------------------- weights that do not fit: all or nothing


def _reshape_dataset(path, dataset, shape):
    with h5py.File(path, "r+") as handle:
        del handle[dataset]
        handle.create_dataset(dataset, data=np.zeros(shape, np.float32))


def test_a_shape_mismatch_names_layer_weight_and_shapes_and_changes_nothing(tmp_path):
    path = copy("tfk_conv1d_seq_weights.h5", tmp_path)
    _reshape_dataset(path, "dense/dense/bias:0", (4,))  # the last weight of the file
    model = convlayers.load_model(FOLDER / "tfk_local1d_cl.h5")
    model = convlayers.load_model(FOLDER / "tfk_conv1d_seq.h5")
    with torch.no_grad():
        for param in model.parameters():
            param.normal_()
    before = _state(model)
    with pytest.raises(
        ValueError,
        match=r"\(named dense\) for weight dense/bias:0\. Weight expects shape \(3,\)\. "
        r"Received saved weight with shape \(4,\)",
    ):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_a_non_numeric_weight_changes_nothing(tmp_path):
    path = copy("k3_conv2d_functional.weights.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        last = sorted(k for k in handle["layers"])[-1]
        dataset = f"layers/{last}/vars/1"
        del handle[dataset]
        handle[dataset] = np.array([b"ab", b"cd"])
    model = convlayers.load_model(FOLDER / "k3_conv2d_functional.keras")
    with torch.no_grad():
        for param in model.parameters():
            param.normal_()
    before = _state(model)
    with pytest.raises(ValueError, match="is not numeric"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_a_keras_3_store_with_a_wrong_count_changes_nothing(tmp_path):
    path = copy("k3_conv1d_seq.weights.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        del handle["layers/dense/vars/1"]
    model = convlayers.load_model(FOLDER / "k3_conv1d_seq.keras")
    before = _state(model)
    with pytest.raises(ValueError, match="Layer 'dense' expected 2 variables, but received 1"):
        model.load_weights(path)
    _assert_unchanged(model, before)


def test_weights_of_another_model(tmp_path):
    model = convlayers.load_model(FOLDER / "tfk_local1d_cl.h5")
    before = _state(model)
    with pytest.raises(ValueError, match="Layer count mismatch when loading weights"):
        model.load_weights(FOLDER / "tfk_conv1d_seq_weights.h5")
    with pytest.raises(ValueError, match="expected 2 variables, but received 0"):
        model.load_weights(FOLDER / "k3_nested.weights.h5")
    _assert_unchanged(model, before)


def test_by_name_loads_the_namesakes_and_skip_mismatch_skips_with_a_warning(tmp_path):
    source = convlayers.load_model(FOLDER / "tfk_conv1d_seq.h5")
    target = convlayers.Sequential(
        [
            convlayers.Conv1D(4, 3, padding="causal", input_shape=(12, 4), name="conv1d"),
            convlayers.Conv1D(5, 3, name="conv1d_1"),  # same name, other shapes
            convlayers.Flatten(name="other"),
        ]
    )
    before = _state(target)
    with pytest.raises(ValueError, match=r"Shape mismatch in layer #1 \(named conv1d_1\)"):
        target.load_weights(FOLDER / "tfk_conv1d_seq_weights.h5", by_name=True)
    _assert_unchanged(target, before)
    with pytest.warns(UserWarning, match="Skipping loading of weights: Shape mismatch"):
        target.load_weights(FOLDER / "tfk_conv1d_seq_weights.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(
        target.layers[0].get_weights()[0], source.layers[0].get_weights()[0]
    )
    assert torch.equal(target.layers[1].kernel, before["1.kernel"])
    with pytest.raises(ValueError, match="skip_mismatch can only be set to True when by_name"):
        target.load_weights(FOLDER / "tfk_conv1d_seq_weights.h5", skip_mismatch=True)
    with pytest.raises(ValueError, match="`by_name=True` is only supported"):
        target.load_weights(FOLDER / "k3_conv1d_seq.weights.h5", by_name=True)


def test_an_unbuilt_model_cannot_take_weights():
    model = convlayers.Sequential([convlayers.Dense(2)])
    with pytest.raises(ValueError, match="has no weights yet"):
        model.load_weights(FOLDER / "tfk_nested_weights.h5")


# ---------------------------------------------------------------------- writing


def test_saving_refuses_unknown_suffixes_and_existing_files(tmp_path):
    model = convlayers.load_model(FOLDER / "tfk_nested.h5")
    with pytest.raises(ValueError, match=r"`filepath` must end in '.keras', '.h5'"):
        model.save(tmp_path / "model.tf")
    with pytest.raises(ValueError, match=r"must end in '.weights.h5', '.h5', '.hdf5' to save"):
        model.save_weights(tmp_path / "model.ckpt")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="pass overwrite=True"):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_a_model_without_a_graph_saves_weights_but_not_itself(tmp_path):
    class Twice(convlayers.Model):
        def __init__(self):
            super().__init__(name="twice")
            self.dense = convlayers.Dense(2)

        def call(self, inputs):
            return self.dense(self.dense(inputs))

    model = Twice()
    model(torch.ones(1, 2))
    with pytest.raises(ValueError, match="Saving a whole model needs a functional or Sequential"):
        model.save(tmp_path / "twice.keras")
    model.save_weights(tmp_path / "twice.weights.h5")
    again = Twice()
    again(torch.ones(1, 2))
    again.load_weights(tmp_path / "twice.weights.h5")
    torch.testing.assert_close(again(torch.ones(1, 2)), model(torch.ones(1, 2)))
    assert list(tmp_path.iterdir()) == [tmp_path / "twice.weights.h5"]


def test_a_failed_save_leaves_no_file_behind(tmp_path, monkeypatch):
    model = convlayers.load_model(FOLDER / "tfk_nested.h5")

    def fail(group, model):
        group.create_group("half")
        raise RuntimeError("disk full")

    monkeypatch.setattr("convlayers.saving.writing.write_legacy_weights", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        model.save(tmp_path / "model.h5")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- h5py is optional


def test_without_h5py_files_need_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install convlayers\[h5\]"):
        convlayers.load_model(FOLDER / "tfk_nested.h5")
    model = convlayers.Sequential([convlayers.Dense(2, input_shape=(3,))])
    with pytest.raises(ImportError, match=r"pip install convlayers\[h5\]"):
        model.save_weights("never_written.h5")


def test_importing_convlayers_does_not_need_h5py():
    code = (
        "import sys; sys.modules['h5py'] = None; import convlayers, torch; "
        "print(convlayers.Conv1D(2, 3)(torch.ones(1, 5, 1)).shape)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "torch.Size([1, 3, 2])" in run.stdout


def test_reading_errors_are_file_errors():
    assert issubclass(FileError, ValueError)
    with pytest.raises(FileError), convlayers.saving.h5_io.reading("x"):
        raise OSError("Unable to open file (truncated file: eof = 96)")
