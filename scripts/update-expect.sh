#!/bin/bash
# Regenerate the expected output of the CLI cases from the current build.
# Review the result with "git diff tests/cli" before committing: the
# expected files are the contract, never edited by hand.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory all
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
IMGTOOL="$PWD/imgtool" WORK="$work" bash tests/cli/run.sh --update
git status --short tests/cli
