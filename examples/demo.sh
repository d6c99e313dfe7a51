#!/bin/sh
# The quick-start demo: compile an example program, rewrite it, run the
# rewritten bytecode, and show one function as the rewriter sees it.
set -e
here=$(cd "$(dirname "$0")" && pwd)
tool=${SLEEPY_REWRITE:-$here/../build/bin/sleepy-rewrite}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== compile examples/primes.py with $($python --version)"
$python "$here/../utils/compile-pyc.py" "$here/primes.py" "$work/primes.pyc"
echo "== sleepy-rewrite primes.pyc -o out --passes=none"
"$tool" --passes=none "$work/primes.pyc" -o "$work/out"
echo "== python out/primes.pyc 50000"
$python "$work/out/primes.pyc" 50000
echo "== sleepy-rewrite --emit=cfg --function=main (first lines)"
"$tool" --passes=none --emit=cfg --function=main "$work/primes.pyc" -o "$work/out" | head -24
