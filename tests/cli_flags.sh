#!/bin/sh
# cli_flags.sh - numeric flags are parsed strictly (one helper for all): negative, NaN, infinite, overflowing or
# trailing-junk values are one-line usage errors (exit 2) that leave the config alone; A/B sizes are bounded
# (compare --rounds 8388609 --runs 256 used to overflow an int and crash).
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

m=$data/add2.onnx
cfg=$work/c.yaml
write_config "$cfg"
for v in -5 nan inf -inf 1e999 5x "" " 5"; do
  expect_error "tune --budget '$v'" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --budget "$v"
done
for v in -1 4294967297 2147483648 1.5 0x10 ""; do
  expect_error "tune --max-trials '$v'" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --max-trials "$v"
done
grep -q -- "--max-trials: '' is not a whole number from 0 to 2147483647" "$work/.err" && t_pass "the error names the flag and the range" ||
  t_fail "message: $(cat "$work/.err")"
for f in duration trial-timeout min-gain max-gpu-mem max-startup max-slowdown first-run-weight; do
  expect_error "tune --$f nan" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --$f nan
done
expect_error "tune --max-slowdown 0.5" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --max-slowdown 0.5
grep -q -- "--max-slowdown 0.5: a ratio of at least 1" "$work/.err" && t_pass "--max-slowdown below 1: says it is a ratio" ||
  t_fail "message: $(cat "$work/.err")"
expect_error "tune --atol inf" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --atol inf
expect_error "tune --ab-rounds 1" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --ab-rounds 1
expect_error "tune --ab-runs 100000" "$E_USAGE" "$cfg" "$ORTUNE" tune "$m" --config "$cfg" --ab-runs 100000

# compare: the sizes that overflowed; nothing is measured
expect_error "compare --rounds 8388609 --runs 256" "$E_USAGE" "$cfg" "$ORTUNE" compare "$m" --config "$cfg" --rounds 8388609 --runs 256
expect_error "compare --runs 257" "$E_USAGE" "$cfg" "$ORTUNE" compare "$m" --config "$cfg" --runs 257
expect_error "compare --rounds -3" "$E_USAGE" "$cfg" "$ORTUNE" compare "$m" --config "$cfg" --rounds -3
expect_error "compare --min-gain nan" "$E_USAGE" "$cfg" "$ORTUNE" compare "$m" --config "$cfg" --min-gain nan
# the largest accepted sizes still work as numbers (a short model, a few rounds)
run_cmd "$work/o" "$work/e" "$ORTUNE" compare "$m" --config "$cfg" --rounds 3 --runs 256
[ "$rc" -eq 0 ] && t_pass "compare --rounds 3 --runs 256 runs" || t_fail "compare --runs 256: exit $rc $(cat "$work/e")"

# a budget the baselines use up: no verdict from a search that never began (exit 13, config untouched)
cp "$cfg" "$work/before.yaml"
run_cmd "$work/o" "$work/e" "$ORTUNE" tune "$m" --config "$cfg" --budget 0.2 --results "$work/short.json"
[ "$rc" -eq 13 ] && grep -q "ended before any candidate was tried" "$work/e" && cmp -s "$cfg" "$work/before.yaml" &&
  python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["final"]; assert f["verdict"] == "untried", f' "$work/short.json" &&
  t_pass "--budget too short to try a candidate: exit 13, verdict untried, config unchanged" ||
  t_fail "short budget: exit $rc: $(tail -n 1 "$work/e")"

t_summary
