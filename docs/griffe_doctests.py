"""A griffe extension for the API reference: doctest examples as highlighted code blocks.

The package's docstrings hold their runnable examples as bare ``>>>`` paragraphs (pytest
runs them with ``--doctest-modules``). Markdown would render those as plain text, so this
extension fences each such paragraph as a ``pycon`` block when the docs are built.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """``text`` with every paragraph that starts with ``>>>`` at column 0 fenced as pycon.

    Fences already in ``text`` are left alone; an example paragraph ends at a blank line.
    """
    out: list[str] = []
    in_example = in_fence = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        if in_example and not line.strip():
            out.append("```")
            in_example = False
        elif not in_example and not in_fence and line.startswith(">>>"):
            out.append("```pycon")
            in_example = True
        out.append(line)
    if in_example:
        out.append("```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the bare doctest paragraphs of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
