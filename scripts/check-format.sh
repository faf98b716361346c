#!/usr/bin/env bash
# Fails when a C++ source differs from what clang-format (with the project's .clang-format)
# would write. Run `make format` to fix.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(find src tests -name '*.cc' -o -name '*.h' 2>/dev/null)
clang-format --dry-run --Werror $files
echo "format ok: $(echo "$files" | wc -l) files"
