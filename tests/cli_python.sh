#!/bin/sh
# cli_python.sh - the Python package (python/ortune, ctypes over libortune.so) on the CPU: its unit tests, and
# examples/runner.py run on PP-OCRv4 detection.
. "$(dirname "$0")/lib.sh"
py=${ORTUNE_PYTHON:-}
if [ -z "$py" ]; then # Debian's python3 has python3-numpy (install-deps --test); another python3 on PATH may not
  for p in /usr/bin/python3 python3; do
    if "$p" -c 'import numpy' 2>/dev/null; then py=$p; break; fi
  done
fi
[ -n "$py" ] || { echo "skipped: no python3 with numpy (apt-get install python3-numpy)"; exit 77; }
ppocr_models || { echo "skipped: the PP-OCRv4 models cannot be fetched (scripts/fetch-models)"; exit 77; }
# a sanitizer build of libortune.so: the runtime must come first in Python's process; Python's own allocations are
# not ours to report
asan=$(ldd "$ORTUNE_BUILD/libortune.so" 2>/dev/null | sed -n 's/.*\(libasan\.so[^ ]*\) => \([^ ]*\).*/\2/p')
if [ -n "$asan" ]; then
  export LD_PRELOAD="$asan" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fi
export PYTHONPATH="$ORTUNE_SRC/python" ORTUNE_LIBRARY="$ORTUNE_BUILD/libortune.so" ORTUNE_MODELS="$(dirname "$ppocr_det")" ORTUNE
if "$py" -m unittest discover -s "$ORTUNE_SRC/python/tests" -v >"$work/py.out" 2>&1; then
  t_pass "python unit tests: $(grep -c '\.\.\. ok$' "$work/py.out") passed, $(grep -c 'skipped' "$work/py.out") skipped"
else
  t_fail "python unit tests: $(tail -n 25 "$work/py.out")"
fi
printf 'onnxruntime:\n  intra_op_num_threads: 1\n' >"$work/c.yaml"
run_cmd "$work/ex.out" "$work/ex.err" "$py" "$ORTUNE_SRC/examples/runner.py" "$ppocr_det" "$work/c.yaml"
if [ "$rc" -eq 0 ] && grep -q "^ran .*: output .* shape (1, 1, 640, 640)" "$work/ex.out"; then
  t_pass "examples/runner.py runs one 640x640 frame: $(cat "$work/ex.out")"
else
  t_fail "examples/runner.py: exit $rc: $(cat "$work/ex.out" "$work/ex.err" | head -n 5)"
fi
t_summary
