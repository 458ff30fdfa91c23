#!/usr/bin/env bash
# npm run lint:workflows: actionlint (pinned, built by scripts/install-tools.sh) over every GitHub
# Actions workflow: the project's own (.github/workflows) and those the tests run under act
# (__tests__/workflows). actionlint checks the shell of their run: steps with shellcheck; its
# configuration is .github/actionlint.yaml.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(bash "$root/scripts/install-tools.sh" actionlint shellcheck | tail -n1)
cd "$root"
# actionlint skips the shell checks, silently, when it cannot run shellcheck.
[ -x "$bin/shellcheck" ] || { echo "lint-workflows: no shellcheck at $bin/shellcheck" >&2; exit 1; }
shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml __tests__/workflows/*.yml __tests__/workflows/*.yaml)
# -pyflakes= : no workflow runs Python, and a pyflakes found on one machine only must not change
# the result.
"$bin/actionlint" -shellcheck "$bin/shellcheck" -pyflakes= "${files[@]}"
echo "actionlint $("$bin/actionlint" -version | head -n1): ${#files[@]} workflows pass"
