#!/bin/sh
# The quick-start demo: rewrite an example program, run it until it suspends
# itself, resume it in a new process, and compare with an uninterrupted run.
set -e
here=$(cd "$(dirname "$0")" && pwd)
tool=${SLEEPY_REWRITE:-$here/../build/bin/sleepy-rewrite}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== sleepy-rewrite examples/pipeline.py -o out   ($($python --version))"
"$tool" --python="$python" "$here/pipeline.py" -o out
echo "== PYTHONPATH=out python -m sleepy run out/pipeline.pyc --stop"
status=0
PYTHONPATH=out $python -m sleepy run --snapshot job.snapshot out/pipeline.pyc --stop || status=$?
echo "   (exit status $status: suspended)"
echo "== python -m sleepy info job.snapshot"
PYTHONPATH=out $python -m sleepy info job.snapshot
echo "== python -m sleepy resume job.snapshot   (a new process)"
PYTHONPATH=out $python -m sleepy resume job.snapshot
echo "== uninterrupted run, for comparison"
PYTHONPATH=out $python out/pipeline.pyc
