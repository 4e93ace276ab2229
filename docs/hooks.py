"""MkDocs hooks: publish the benchmark chart beside the performance page.

``docs/performance.md`` includes ``benchmarks/RESULTS.md`` (a snippet), whose chart is a
PNG next to it, linked by file name. This hook adds every ``benchmarks/*.png`` to the
site's root, where that link resolves from the performance page; with no chart there is
nothing to add and the page builds without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    for chart in sorted(BENCHMARKS.glob("*.png")):
        files.append(
            File(
                chart.name,
                src_dir=str(BENCHMARKS),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files
