#!/usr/bin/env bash
# Create .venv, install convlayers with its docs tools, then build the docs site into
# site/ with warnings as errors (`bash scripts/docs.sh serve` serves it instead).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh" docs
cd "$root"
export NO_MKDOCS_2_WARNING=1  # Material's notice about MkDocs 2, printed on every build
if [ "${1:-}" = "serve" ]; then
    shift
    exec "$venv/bin/mkdocs" serve "$@"
fi
"$venv/bin/mkdocs" build --strict "$@"
echo "docs built: $root/site/index.html"
