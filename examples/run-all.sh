#!/usr/bin/env bash
# Runs every example with the built cpl and checks its exit status (CI calls this).
# Usage: examples/run-all.sh [path/to/cpl]   (default: .build/debug/cpl)
set -u
cd "$(dirname "$0")/.."
cpl=${1:-${CPL:-.build/debug/cpl}}
if [[ ! -x $cpl ]]; then
  echo "run-all.sh: $cpl not found; run swift build first" >&2
  exit 2
fi
failed=0
for example in examples/*.cpl; do
  expected=0
  if header=$(grep -m1 '^# expect-status: ' "$example"); then expected=${header##*: }; fi
  output=$("$cpl" "$example" 2>&1 </dev/null)
  status=$?
  if [[ $status -eq $expected ]]; then
    echo "ok   $example"
  else
    echo "FAIL $example: status $status, expected $expected"
    printf '%s\n' "$output" | sed 's/^/     | /'
    failed=1
  fi
done
exit $failed
