"""``python -m convlayers convert``: reference files to .pt (loads into the rebuilt model),
.onnx (onnxruntime agrees with predict) and the other Keras format; one clear line and
exit status 2 on a bad path, a wrong file or an unsupported layer."""

import json
import subprocess
import sys

import h5py
import pytest
import torch
from saving_files import FOLDER, RTOL, copy, reference, relative_error

import convlayers
from convlayers.__main__ import main


@pytest.mark.parametrize("file", ["tfk_conv2d_functional.h5", "k3_conv1d_seq.keras"])
def test_to_a_state_dict_that_loads_into_the_rebuilt_model(tmp_path, capsys, file):
    target = tmp_path / "model.pt"
    assert main(["convert", str(FOLDER / file), str(target)]) == 0
    progress, summary = capsys.readouterr().out.strip().splitlines()
    assert progress.startswith(f"Reading {FOLDER / file} and writing {target}")
    assert summary.startswith(f"Converted {FOLDER / file} (")
    assert summary.endswith("(torch state_dict).")
    model = convlayers.load_model(FOLDER / file, compile=False)
    for param in model.parameters():
        param.data.zero_()
    model.load_state_dict(torch.load(target, weights_only=True))
    ref = reference(file.split("_", 1)[1].rsplit(".", 1)[0])
    assert relative_error(model.predict(ref.x), ref.ys) <= RTOL


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("file", ["tfk_local2d_cf.h5", "tfk_conv2d_functional.keras"])
def test_to_onnx_checked_with_onnxruntime(tmp_path, capsys, file):
    import onnxruntime

    target = tmp_path / "model.onnx"
    assert main(["convert", str(FOLDER / file), str(target), "--batch-size", "3"]) == 0
    assert "onnxruntime matches predict" in capsys.readouterr().out
    ref = reference(file.split("_", 1)[1].rsplit(".", 1)[0])
    session = onnxruntime.InferenceSession(target)
    got = session.run(None, {i.name: x for i, x in zip(session.get_inputs(), ref.xs)})
    assert relative_error(got, ref.ys) <= 1e-4


@pytest.mark.parametrize(
    ("file", "suffix"), [("tfk_local1d_cf.h5", "keras"), ("k3_nested.keras", "h5")]
)
def test_to_the_other_keras_format(tmp_path, capsys, file, suffix):
    target = tmp_path / f"model.{suffix}"
    assert main(["convert", str(FOLDER / file), str(target)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"(Keras .{suffix} file).")
    ref = reference(file.split("_", 1)[1].rsplit(".", 1)[0])
    assert relative_error(convlayers.load_model(target).predict(ref.x), ref.ys) <= RTOL


def _error_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    return err


def test_a_bad_path_is_one_line_and_status_2(tmp_path, capsys):
    assert main(["convert", str(tmp_path / "missing.h5"), str(tmp_path / "m.pt")]) == 2
    assert "No such file" in _error_line(capsys)


def test_a_wrong_file_is_one_line_and_status_2(tmp_path, capsys):
    assert main(["convert", str(FOLDER / "saving.json"), str(tmp_path / "m.pt")]) == 2
    assert "neither an HDF5 file" in _error_line(capsys)
    assert main(["convert", str(FOLDER / "k3_nested.weights.h5"), str(tmp_path / "m.pt")]) == 2
    assert "No model config found" in _error_line(capsys)
    assert main(["convert", str(FOLDER / "tfk_nested.h5"), str(tmp_path / "m.txt")]) == 2
    assert "`target` must end in .pt" in _error_line(capsys)
    assert not (tmp_path / "m.pt").exists()


def test_an_unsupported_layer_is_one_line_and_status_2(tmp_path, capsys):
    path = copy("tfk_nested.h5", tmp_path)
    with h5py.File(path, "r+") as handle:
        config = json.loads(handle.attrs["model_config"])
        config["config"]["layers"][2]["class_name"] = "Lambda"
        handle.attrs["model_config"] = json.dumps(config).encode()
    assert main(["convert", str(path), str(tmp_path / "m.pt")]) == 2
    assert "is a Lambda layer" in _error_line(capsys)


def test_the_command_line_runs_as_a_module(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "convlayers", "convert", "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0
    assert "torch state_dict" in run.stdout and ".onnx" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "convlayers", "convert", "nope.h5", str(tmp_path / "x.pt")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr == "error: No such file: nope.h5\n"
    assert "Traceback" not in run.stdout + run.stderr


def test_argparse_errors_exit_with_status_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "only_one_argument.h5"])
    assert exit_info.value.code == 2
    assert main(["convert", "a.h5", "b.pt", "--batch-size", "0"]) == 2
    assert "--batch-size must be >= 1" in capsys.readouterr().err


def test_the_readme_convert_commands_run(tmp_path, monkeypatch, capsys):
    readme = (FOLDER.parents[2] / "README.md").read_text()
    commands = [
        line.split()[4:] for line in readme.splitlines() if line.startswith("python -m convlayers")
    ]
    assert len(commands) == 3
    monkeypatch.chdir(FOLDER.parents[2])
    for source, target in commands:
        assert main(["convert", source, str(tmp_path / target)]) == 0, capsys.readouterr().err
        assert (tmp_path / target).exists()
