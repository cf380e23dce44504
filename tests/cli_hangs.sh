#!/bin/sh
# cli_hangs.sh - inputs that used to hang ortune or be read two ways end at once with one line: a FIFO, a device or a
# directory as model or config (opened with O_NONBLOCK, refused unless a regular file or /dev/null: exit 3, EIO); YAML nested a
# million levels deep (refused past 64 levels, naming the depth and line: exit 5, ECONFIG); two top-level
# onnxruntime: keys, or one option twice in the section (exit 5, naming both lines). No case measures time: a hang
# is caught by this test's ctest TIMEOUT (tests/CMakeLists.txt), kept short.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

cd "$work" || exit 1
cp "$data/add2.onnx" m.onnx
write_config c.yaml
quick="--max-trials 1 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet"
mkfifo f.fifo && mkfifo in.pb || { echo "skip: mkfifo failed"; exit 77; }

# ---- non-regular files -----------------------------------------------------------------------------------------------
expect_error "info: FIFO as model" $E_IO - "$ORTUNE" info f.fifo
grep -q 'FIFO' .err && t_pass "... named a FIFO" || t_fail "message: $(cat .err)"
expect_error "run: FIFO as model" $E_IO c.yaml "$ORTUNE" run f.fifo --config c.yaml
expect_error "tune: FIFO as model" $E_IO c.yaml "$ORTUNE" tune f.fifo --config c.yaml $quick
expect_error "run: FIFO as config" $E_IO - "$ORTUNE" run m.onnx --config f.fifo
grep -q 'read config f.fifo: it is a FIFO' .err && t_pass "... named the config and a FIFO" || t_fail "message: $(cat .err)"
expect_error "tune: FIFO as config" $E_IO - "$ORTUNE" tune m.onnx --config f.fifo $quick
expect_error "tune --dry-run: FIFO as config" $E_IO - "$ORTUNE" tune m.onnx --config f.fifo --dry-run $quick
expect_error "compare: FIFO as config" $E_IO - "$ORTUNE" compare m.onnx --config f.fifo
expect_error "run: FIFO as --input" $E_IO - "$ORTUNE" run m.onnx --input in.pb --input in.pb
expect_error "report: FIFO as results" $E_IO - "$ORTUNE" report f.fifo --output r.html
expect_error "run: /dev/zero as config" $E_IO - "$ORTUNE" run m.onnx --config /dev/zero
expect_error "run: a directory as config" $E_IO - "$ORTUNE" run m.onnx --config "$work"
expect_error "info: /dev/zero as model" $E_IO - "$ORTUNE" info /dev/zero
"$ORTUNE" run m.onnx --config /dev/null >/dev/null 2>.err && t_pass "/dev/null as config: an empty config (ORT defaults)" ||
  t_fail "/dev/null as config: $(cat .err)"
expect_error "info: /dev/null as model: an empty file" $E_MODEL - "$ORTUNE" info /dev/null

# ---- deep nesting ----------------------------------------------------------------------------------------------------
python3 - <<'PY'
n = 1000000
open("deep_flow.yaml", "w").write("app: " + "[" * n + "]" * n + "\nonnxruntime:\n  provider: cpu\n")
open("deep_map.yaml", "w").write("onnxruntime:\n  provider: cpu\napp: " + "{a: " * n + "1" + "}" * n + "\n")
open("ok65.yaml", "w").write("app: " + "[" * 63 + "]" * 63 + "\nonnxruntime:\n  provider: cpu\n")
PY
expect_error "run: 1M nested flow sequences" $E_CONFIG deep_flow.yaml "$ORTUNE" run m.onnx --config deep_flow.yaml
grep -q 'deep_flow.yaml:1: yaml nested deeper than 64 levels' .err && t_pass "... names the line and the depth" ||
  t_fail "message: $(cat .err)"
expect_error "run: 1M nested flow mappings" $E_CONFIG deep_map.yaml "$ORTUNE" run m.onnx --config deep_map.yaml
expect_error "tune: 1M nesting, config untouched" $E_CONFIG deep_flow.yaml "$ORTUNE" tune m.onnx --config deep_flow.yaml $quick
"$ORTUNE" run m.onnx --config ok65.yaml >/dev/null 2>.err && t_pass "64 levels (the root mapping + 63) still load" ||
  t_fail "64 levels: $(cat .err)"

# ---- keys read two ways ----------------------------------------------------------------------------------------------
printf 'onnxruntime:\n  provider: cpu\napp:\n  fps: 30\nonnxruntime:\n  intra_op_num_threads: 2\n' >dup.yaml
expect_error "run: two top-level onnxruntime: keys" $E_CONFIG dup.yaml "$ORTUNE" run m.onnx --config dup.yaml
grep -q 'lines 1 and 5' .err && t_pass "... names both lines" || t_fail "message: $(cat .err)"
expect_error "tune: two top-level onnxruntime: keys, config untouched" $E_CONFIG dup.yaml "$ORTUNE" tune m.onnx --config dup.yaml $quick
printf 'onnxruntime:\n  intra_op_num_threads: 1\n  execution_mode: ORT_SEQUENTIAL\n  intra_op_num_threads: 2\n' >dup2.yaml
expect_error "run: one option twice in the section" $E_CONFIG dup2.yaml "$ORTUNE" run m.onnx --config dup2.yaml
grep -q 'lines 2 and 4' .err && t_pass "... names both lines" || t_fail "message: $(cat .err)"
printf 'app:\n  a: 1\n  a: 2\nonnxruntime:\n  provider: cpu\n' >userdup.yaml
"$ORTUNE" run m.onnx --config userdup.yaml >/dev/null 2>.err && t_pass "duplicate keys in the user's own sections are theirs" ||
  t_fail "user keys: $(cat .err)"
t_summary
