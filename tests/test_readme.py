"""The README's Python examples run as written."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_blocks_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(README), "exec"), {})


def test_readme_tf1_block_prints_its_output():
    text = README.read_text()
    block, output = re.search(
        r"```python\n(import numpy as np\nimport convlayers.compat.v1 as tf.*?)```\n"
        r".*?```text\n(.*?)```",
        text,
        flags=re.S,
    ).groups()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, str(README), "exec"), {})
    expected = [line.split("#")[0].strip() for line in output.strip().splitlines()]
    assert printed.getvalue().split() == expected
