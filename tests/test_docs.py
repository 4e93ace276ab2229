"""The docs site: every page's code runs, every public name is in the API reference, and
the site builds with warnings as errors.

Each page's Python blocks run in order in one namespace (a page reads as one session);
a ``text`` block right after a Python block that prints is that block's output and must
match it. ``python -m convlayers`` lines of ``bash`` blocks run too.
"""

import contextlib
import importlib
import importlib.util
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import convlayers.__main__ as cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```\n", flags=re.S | re.M)

# The public namespaces the API reference documents, and the page of each.
NAMESPACES = {
    "convlayers": "api/convlayers.md",
    "convlayers.layers": "api/layers.md",
    "convlayers.models": "api/models.md",
    "convlayers.saving": "api/saving.md",
    "convlayers.optimizers": "api/optimizers.md",
    "convlayers.optimizers.schedules": "api/optimizers.md",
    "convlayers.losses": "api/losses.md",
    "convlayers.metrics": "api/metrics.md",
    "convlayers.callbacks": "api/callbacks.md",
    "convlayers.activations": "api/activations.md",
    "convlayers.initializers": "api/initializers.md",
    "convlayers.regularizers": "api/regularizers.md",
    "convlayers.constraints": "api/constraints.md",
    "convlayers.backend": "api/backend.md",
    "convlayers.config": "api/config.md",
    "convlayers.utils": "api/utils.md",
    "convlayers.compat.v1": "api/compat_v1.md",
    "convlayers.compat.v1.layers": "api/compat_v1.md",
}


def blocks(page: Path) -> list[tuple[str, str]]:
    """The fenced code blocks of ``page`` as (language, code), in order."""
    return BLOCK.findall(page.read_text())


def run_python_blocks(page: Path) -> None:
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    found = blocks(page)
    for index, (language, code) in enumerate(found):
        if language != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"{page.relative_to(ROOT)} block {index}", "exec"), namespace)
        following = found[index + 1] if index + 1 < len(found) else None
        if following and following[0] == "text" and printed.getvalue():
            assert printed.getvalue().split() == following[1].split(), (
                f"{page.name} block {index} printed:\n{printed.getvalue()}"
            )


# torch.compile's inductor and the ONNX exporter warn about torch's own deprecated internals.
TORCH_INTERNALS = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


@pytest.mark.parametrize(
    "page",
    [pytest.param(p, marks=TORCH_INTERNALS if p.name == "pytorch.md" else []) for p in PAGES],
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_python_blocks_of_the_page_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # pages name files as paths from the repository root
    monkeypatch.setenv("CONVLAYERS_DOCS_TMP", str(tmp_path))
    run_python_blocks(page)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the ONNX exporter's own
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_convlayers_commands_of_the_page_run(page, tmp_path, monkeypatch):
    """``python -m convlayers ...`` lines run (in this process: ``convlayers.__main__``)."""
    commands = [
        line
        for language, code in blocks(page)
        if language == "bash"
        for line in code.splitlines()
        if line.startswith("python -m convlayers ")
    ]
    (tmp_path / "tests").symlink_to(ROOT / "tests")  # the commands name tests/fixtures/...
    monkeypatch.chdir(tmp_path)
    for line in commands:
        args = shlex.split(line.split("#")[0])[3:]
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            status = cli.main(args)
        assert status == 0, f"{line}\n{printed.getvalue()}"
        assert (tmp_path / args[-1]).exists(), line


def documented_objects() -> set[int]:
    """The ids of the objects the API pages render: ``::: module.name`` entries, and the
    ``__all__`` members of ``::: module`` entries less those the page's filters drop."""
    ids = set()
    for page in set(NAMESPACES.values()):
        text = (DOCS / page).read_text()
        dropped = re.findall(r'"!(\^[^"]*)"', text)
        for path in re.findall(r"^::: ([\w.]+)", text, flags=re.M):
            if path in NAMESPACES:
                module = importlib.import_module(path)
                ids.update(
                    id(getattr(module, name))
                    for name in module.__all__
                    if not any(re.search(pattern, name) for pattern in dropped)
                )
            else:
                module_name, _, attr = path.rpartition(".")
                ids.add(id(getattr(importlib.import_module(module_name), attr)))
    return ids


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_public_name_is_in_the_api_reference(namespace):
    module = importlib.import_module(namespace)
    documented = documented_objects()
    missing = [
        name
        for name in module.__all__
        if callable(obj := getattr(module, name)) and id(obj) not in documented
    ]
    assert not missing, f"{namespace}: not in docs/api/: {missing}"


def test_the_site_builds_with_warnings_as_errors(tmp_path):
    """``mkdocs build --strict`` (what ``scripts/docs.sh`` runs), into a scratch folder."""
    assert importlib.util.find_spec("mkdocs"), "install the docs extra: pip install -e '.[docs]'"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "api" / "layers" / "index.html").exists()
