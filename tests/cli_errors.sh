#!/bin/sh
# cli_errors.sh - the bad-input matrix through the real binary. Every case checks: the documented exit code
# (docs/exit-codes.md = the ORTUNE_* values of include/ortune.h), exactly one line on stderr starting
# "ortune: ", and an existing config.yaml left byte for byte unchanged.
# Env: ORTUNE (binary), ORTUNE_SRC. PP-OCRv4 cases are skipped when scripts/fetch-models cannot fetch them.
# As root, chmod alone cannot make files unreadable or directories unwritable: the unreadable model is read by
# ortune run with CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH dropped (setpriv; skipped without it), and the read-only
# directory is a read-only bind mount in a private mount namespace (unshare -m; skipped without it).
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

# ---- the codes this test expects are include/ortune.h's, and docs/exit-codes.md documents each -----------------------
hdr=$ORTUNE_SRC/include/ortune.h
sed -n 's/^ *X(\([A-Z]*\), *\([0-9]*\),.*/\1 \2/p' "$hdr" >"$work/codes"
before=$t_nfail
[ "$(wc -l <"$work/codes")" -ge 18 ] || t_fail "cannot read ORTUNE_ERRNO_MAP from $hdr"
while read -r name val; do
  [ "$name" = OK ] && continue
  eval "mine=\${E_${name#E}:-}"
  [ "$mine" = "$val" ] || t_fail "tests/lib.sh has E_${name#E}=$mine, include/ortune.h says $name=$val"
  grep -q "^| $val | \`$name\` |" "$ORTUNE_SRC/docs/exit-codes.md" || t_fail "docs/exit-codes.md has no row '| $val | \`$name\` |'"
done <"$work/codes"
[ "$t_nfail" -eq "$before" ] && t_pass "exit codes: tests/lib.sh and docs/exit-codes.md agree with include/ortune.h ($(wc -l <"$work/codes") codes)"

# the committed fixtures are what tests/data/make_models.py writes
if ! python3 "$ORTUNE_SRC/tests/data/make_models.py" "$work/gen"; then
  t_fail "tests/data/make_models.py failed"
elif diff -r "$work/gen" "$ORTUNE_SRC/tests/data" 2>&1 | grep -v '^Only in .*tests/data' >"$work/gen.diff"; then
  t_fail "tests/data differs from what make_models.py writes: $(head -n 3 "$work/gen.diff")"
else
  t_pass "tests/data fixtures are what make_models.py writes"
fi

cfg=$work/c.yaml
write_config "$cfg"
add2=$data/add2.onnx
# short tune settings: the error cases never get far, the ones that do finish in a second
quick="--max-trials 3 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet"

# ---- the model ----------------------------------------------------------------------------------------------
expect_error "run: missing model" $E_IO "$cfg" "$ORTUNE" run "$work/nope.onnx" --config "$cfg"
expect_error "tune: missing model" $E_IO "$cfg" "$ORTUNE" tune "$work/nope.onnx" --config "$cfg" $quick
expect_error "info: missing model" $E_IO - "$ORTUNE" info "$work/nope.onnx"
expect_error "run: a directory as model" $E_IO "$cfg" "$ORTUNE" run "$work" --config "$cfg"

if no_dac_ok; then
  cp "$add2" "$work/unreadable.onnx"
  chmod 000 "$work/unreadable.onnx"
  expect_error "run: unreadable model" $E_IO "$cfg" no_dac "$ORTUNE" run "$work/unreadable.onnx" --config "$cfg"
  expect_error "tune: unreadable model" $E_IO "$cfg" no_dac "$ORTUNE" tune "$work/unreadable.onnx" --config "$cfg" $quick
  chmod 644 "$work/unreadable.onnx"
else
  t_skip "unreadable model (chmod 000): root without setpriv reads it anyway"
fi

if ppocr_models; then big=$ppocr_det; else big=$add2; fi
size=$(wc -c <"$big")
head -c $((size / 2)) "$big" >"$work/truncated.onnx"
expect_error "run: truncated model" $E_MODEL "$cfg" "$ORTUNE" run "$work/truncated.onnx" --config "$cfg"
expect_error "tune: truncated model" $E_MODEL "$cfg" "$ORTUNE" tune "$work/truncated.onnx" --config "$cfg" $quick
expect_error "info: truncated model" $E_MODEL - "$ORTUNE" info "$work/truncated.onnx"
printf 'this is a text file, not a model\n' >"$work/text.onnx"
expect_error "run: text file as model" $E_MODEL "$cfg" "$ORTUNE" run "$work/text.onnx" --config "$cfg"
: >"$work/empty.onnx"
expect_error "run: empty model file" $E_MODEL "$cfg" "$ORTUNE" run "$work/empty.onnx" --config "$cfg"

expect_error "run: operator of an unknown domain" $E_UNSUPPORTED "$cfg" "$ORTUNE" run "$data/unknown_op.onnx" --config "$cfg"
expect_error "run: unknown operator type" $E_UNSUPPORTED "$cfg" "$ORTUNE" run "$data/unknown_std_op.onnx" --config "$cfg"
expect_error "tune: unknown operator" $E_UNSUPPORTED "$cfg" "$ORTUNE" tune "$data/unknown_op.onnx" --config "$cfg" $quick

# ---- the config ------------------------------------------------------------------------------------------------
bad=$work/bad.yaml
printf 'service:\n  name: ocr\nonnxruntime:\n  provider: cpu\n    intra_op_num_threads: 2\n  x: [unclosed\n' >"$bad"
expect_error "run: malformed yaml" $E_CONFIG "$bad" "$ORTUNE" run "$add2" --config "$bad"
expect_error "tune: malformed yaml" $E_CONFIG "$bad" "$ORTUNE" tune "$add2" --config "$bad" $quick
grep -q 'bad.yaml:[0-9]' "$work/.err" && t_pass "malformed yaml: the message names the line" || t_fail "malformed yaml: no line number in: $(cat "$work/.err")"

printf -- '- onnxruntime:\n    provider: cpu\n- other\n' >"$bad"
expect_error "run: yaml of the wrong shape (a list)" $E_CONFIG "$bad" "$ORTUNE" run "$add2" --config "$bad"
expect_error "tune: yaml of the wrong shape (a list)" $E_CONFIG "$bad" "$ORTUNE" tune "$add2" --config "$bad" $quick
printf 'onnxruntime: [cpu]\n' >"$bad"
expect_error "run: onnxruntime: is a list" $E_CONFIG "$bad" "$ORTUNE" run "$add2" --config "$bad"

printf '# comment\nonnxruntime:\n  provider: cpu\n  cudnn_conv_algo_serch: HEURISTIC\n' >"$bad"
expect_error "run: unknown key" $E_KEY "$bad" "$ORTUNE" run "$add2" --config "$bad"
grep -q "cudnn_conv_algo_search" "$work/.err" && t_pass "unknown key: names the closest key" || t_fail "unknown key: no hint in: $(cat "$work/.err")"
expect_error "tune: unknown key" $E_KEY "$bad" "$ORTUNE" tune "$add2" --config "$bad" $quick

printf 'onnxruntime:\n  intra_op_num_threads: -3\n' >"$bad"
expect_error "run: out-of-range value" $E_VALUE "$bad" "$ORTUNE" run "$add2" --config "$bad"
expect_error "tune: out-of-range value" $E_VALUE "$bad" "$ORTUNE" tune "$add2" --config "$bad" $quick
printf 'onnxruntime:\n  execution_mode: FAST\n' >"$bad"
expect_error "run: bad enum value" $E_VALUE "$bad" "$ORTUNE" run "$add2" --config "$bad"
grep -q "ORT_PARALLEL" "$work/.err" && t_pass "bad value: lists the allowed values" || t_fail "bad value: no allowed values in: $(cat "$work/.err")"

expect_error "run: config is a directory" $E_IO - "$ORTUNE" run "$add2" --config "$work"
expect_error "tune: config is a directory" $E_IO - "$ORTUNE" tune "$add2" --config "$work" $quick
expect_error "run: config dir missing" $E_IO - "$ORTUNE" run "$add2" --config /nonexistent/dir/c.yaml
expect_error "tune: config dir missing" $E_IO - "$ORTUNE" tune "$add2" --config /nonexistent/dir/c.yaml $quick
[ ! -e /nonexistent/dir ] || t_fail "/nonexistent/dir was created"

# read-only config file: refused before any trial (also as root: ortune honours the mode bits)
ro=$work/ro.yaml
write_config "$ro"
chmod 444 "$ro"
expect_error "tune: read-only config.yaml" $E_IO "$ro" "$ORTUNE" tune "$add2" --config "$ro" $quick
[ "$(stat -c %a "$ro")" = 444 ] && t_pass "read-only config.yaml keeps its mode" || t_fail "read-only config.yaml mode now $(stat -c %a "$ro")"
chmod 644 "$ro"

# read-only directory
if ro_dir_ok; then
  mkdir "$work/rodir"
  write_config "$work/rodir/c.yaml"
  expect_error "tune: config in a read-only directory" $E_IO "$work/rodir/c.yaml" in_ro_dir "$work/rodir" "$ORTUNE" tune "$add2" --config "$work/rodir/c.yaml" $quick
  expect_error "tune: new config in a read-only directory" $E_IO "$work/rodir/new.yaml" in_ro_dir "$work/rodir" "$ORTUNE" tune "$add2" --config "$work/rodir/new.yaml" $quick
  [ "$(ls -A "$work/rodir")" = c.yaml ] && t_pass "read-only directory: nothing left behind" || t_fail "read-only directory holds: $(ls -A "$work/rodir")"
else
  t_skip "read-only directory: root without mount namespaces (unshare -m)"
fi

# disk full while writing (simulated): nothing written, no temp file left
ORTUNE_TEST_ENOSPC=1
export ORTUNE_TEST_ENOSPC
expect_error "tune: disk full" $E_NOSPC "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --budget 5 $quick
# the trial files (specs, results) cannot be written either: the search must stop with ENOSPC, not blame the model
expect_error "tune --dry-run: disk full for the trial files" $E_NOSPC "$cfg" "$ORTUNE" tune "$add2" --dry-run $quick
unset ORTUNE_TEST_ENOSPC
left=$(ls -A "$work" | grep -c '\.tmp\.\|ortune-probe' || true)
[ "$left" -eq 0 ] && t_pass "disk full: no temp files left" || t_fail "disk full: $left temp files left: $(ls -A "$work")"

# ---- inputs ------------------------------------------------------------------------------------------------------
dyn=$data/dyn_relu.onnx
if ppocr_models; then dyn=$ppocr_det; fi
expect_error "run: unresolved dynamic dim" $E_SHAPE "$cfg" "$ORTUNE" run "$dyn" --config "$cfg"
grep -q -- '--shape\|--free-dim' "$work/.err" && t_pass "unresolved dim: the message says how to fix it" || t_fail "unresolved dim: no fix in: $(cat "$work/.err")"
expect_error "tune: unresolved dynamic dim" $E_SHAPE "$cfg" "$ORTUNE" tune "$dyn" --config "$cfg" $quick
expect_error "run: unnamed dynamic dim" $E_SHAPE "$cfg" "$ORTUNE" run "$data/dyn_unnamed.onnx" --config "$cfg"
expect_error "run: --shape of the wrong rank" $E_SHAPE "$cfg" "$ORTUNE" run "$data/dyn_relu.onnx" --config "$cfg" --shape x=1x3x3
for s in "" "x=" "=1x2" "1xx2" "1x-2" "x=1x2x" "x=1xax2" "x=99999999999999999999" "x=1x2x3x4x5x6x7x8x9x10x11x12x13x14x15x16x17"; do
  expect_error "run: --shape '$s'" $E_USAGE "$cfg" "$ORTUNE" run "$data/dyn_relu.onnx" --config "$cfg" --shape "$s"
done
expect_error "tune: --shape syntax" $E_USAGE "$cfg" "$ORTUNE" tune "$data/dyn_relu.onnx" --config "$cfg" --shape "x=1xx3" $quick
for s in "batch" "batch=0" "=3" "batch=x"; do
  expect_error "run: --free-dim '$s'" $E_USAGE "$cfg" "$ORTUNE" run "$data/dyn_relu.onnx" --config "$cfg" --free-dim "$s"
done
expect_error "run: --input file missing" $E_IO "$cfg" "$ORTUNE" run "$add2" --config "$cfg" --input "a=$work/none.npy"
expect_error "run: --check dir missing" $E_IO "$cfg" "$ORTUNE" run "$add2" --config "$cfg" --check "$work/none"

# ---- CUDA asked for on a machine without the CUDA EP -----------------------------------------------------------------
if cuda_loadable; then
  t_skip "CUDA EP not loadable: it is loadable here"
else
  expect_error "run --provider cuda without the CUDA EP" $E_NOCUDA "$cfg" "$ORTUNE" run "$add2" --config "$cfg" --provider cuda
  grep -q '\.so' "$work/.err" && t_pass "no CUDA: the message names the missing library" || t_fail "no CUDA: no library named in: $(cat "$work/.err")"
  printf 'onnxruntime:\n  provider: cuda\n' >"$bad"
  expect_error "run with provider: cuda in the config" $E_NOCUDA "$bad" "$ORTUNE" run "$add2" --config "$bad"
  # tune warns and tunes the cpu space instead
  write_config "$work/cuda.yaml"
  run_cmd "$work/tune.out" "$work/tune.err" "$ORTUNE" tune "$add2" --provider cuda --config "$work/cuda.yaml" --results "$work/cuda.json" $quick
  if [ "$rc" -eq 0 ] && grep -q '^ortune: warning: cuda execution provider: .*\.so.*cpu space' "$work/tune.err" &&
     [ "$(json_get "$work/cuda.json" 'j["space"], j["provider"]')" = "('cpu', 'cpu')" ] &&
     grep -q '^  provider: cpu$' "$work/cuda.yaml" && grep -q '^  level: info$' "$work/cuda.yaml"; then
    t_pass "tune --provider cuda without the CUDA EP: warns, tunes the cpu space, writes provider: cpu"
  else
    t_fail "tune --provider cuda without the CUDA EP (exit $rc)"
    sed 's/^/    /' "$work/tune.err" | head -n 5
  fi
fi

# ---- the command line ---------------------------------------------------------------------------------------------
expect_error "unknown command" $E_USAGE - "$ORTUNE" frobnicate
expect_error "unknown option" $E_USAGE "$cfg" "$ORTUNE" run "$add2" --config "$cfg" --frobnicate
expect_error "unknown option of tune" $E_USAGE "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --budgte 3
expect_error "option without its value" $E_USAGE "$cfg" "$ORTUNE" run "$add2" --config
expect_error "flag given a value" $E_USAGE "$cfg" "$ORTUNE" run "$add2" --config "$cfg" --json=yes
expect_error "not a number" $E_USAGE "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --duration abc
expect_error "run without a model" $E_USAGE - "$ORTUNE" run
expect_error "run with two models" $E_USAGE "$cfg" "$ORTUNE" run "$add2" "$add2" --config "$cfg"
expect_error "tune without --config" $E_USAGE - "$ORTUNE" tune "$add2"
expect_error "tune: unknown space" $E_USAGE "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --space gpu
expect_error "tune: unknown strategy" $E_USAGE "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --strategy random $quick
expect_error "tune: unknown objective" $E_USAGE "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --objective p42 $quick
expect_error "tune: --list-space unknown" $E_USAGE - "$ORTUNE" tune --list-space gpu
expect_error "tune --resume without --results" $E_USAGE "$cfg" "$ORTUNE" tune "$add2" --config "$cfg" --resume $quick
expect_error "--provider tpu" $E_VALUE "$cfg" "$ORTUNE" run "$add2" --config "$cfg" --provider tpu
expect_error "report: not JSON" $E_CONFIG - "$ORTUNE" report "$cfg" --output "$work/r.html"

# the config survived every case above
write_config "$work/fresh.yaml"
cmp -s "$cfg" "$work/fresh.yaml" && t_pass "config.yaml unchanged after all cases" || t_fail "config.yaml changed"
t_summary
