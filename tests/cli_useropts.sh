#!/bin/sh
# cli_useropts.sh - options the user set in config.yaml are constraints for tune: kept in every candidate and in
# the written config; one the space searches stays at the user's value (one-line note) unless --search-set-options.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

cfg=$work/c.yaml
cat >"$cfg" <<'YAML'
app:
  fps: 30
onnxruntime:
  provider: cpu
  gpu_mem_limit: 4GiB  # shared GPU
  inter_op_num_threads: 2
  tunable_op_max_tuning_duration_ms: 50
  execution_mode: ORT_PARALLEL
YAML
tune() {
  "$ORTUNE" tune "$data/add2.onnx" --space cpu --max-trials 4 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 \
    --results "$work/r.json" "$@" >"$work/o" 2>"$work/e"
}
tune --config "$cfg"
rc=$?
[ $rc -eq 0 ] && t_pass "tune with user-set options exits 0" || t_fail "tune exit $rc: $(tail -n 3 "$work/e")"
grep -q "^ortune: note: keeping execution_mode=ORT_PARALLEL as set in .*--search-set-options" "$work/e" &&
  [ "$(grep -c '^ortune: note: keeping' "$work/e")" -eq 1 ] && t_pass "one-line note names the pinned option" ||
  t_fail "note: $(grep '^ortune' "$work/e")"
pycheck "every user option is in the written config, as the user wrote it (4GiB and its comment)" "$cfg" <<'PY'
import sys
t = open(sys.argv[1]).read()
for line in ["  gpu_mem_limit: 4GiB  # shared GPU\n", "  inter_op_num_threads: 2", "  tunable_op_max_tuning_duration_ms: 50",
             "  execution_mode: ORT_PARALLEL", "app:\n  fps: 30"]:
    assert line in t, (line, t)
PY
grep -q '^    tuned: ' "$cfg" && t_pass "tune records what it changed (provenance: tuned)" || t_fail "no provenance tuned in $cfg"
pycheck "every candidate keeps them (base of the tune), none changes execution_mode" "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r["base"]["options"]
assert b["gpu_mem_limit"] == "4294967296" and b["inter_op_num_threads"] == "2", b
assert b["tunable_op_max_tuning_duration_ms"] == "50" and b["execution_mode"] == "ORT_PARALLEL", b
assert len(r["trials"]) >= 5, len(r["trials"])
assert not any("execution_mode" in t["config"] for t in r["trials"]), [t["name"] for t in r["trials"]]
PY

# --search-set-options: the searched option is searched (from ORT's default); the others stay
cat >"$cfg" <<'YAML'
onnxruntime:
  provider: cpu
  inter_op_num_threads: 2
  execution_mode: ORT_PARALLEL
YAML
tune --config "$cfg" --search-set-options --dry-run
rc=$?
[ $rc -eq 0 ] && ! grep -q "note: keeping" "$work/e" && t_pass "--search-set-options: exits 0, no note" ||
  t_fail "--search-set-options: exit $rc $(tail -n 2 "$work/e")"
pycheck "--search-set-options: execution_mode searched, inter_op_num_threads kept" "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert "execution_mode" not in r["base"]["options"] and r["base"]["options"]["inter_op_num_threads"] == "2", r["base"]
assert any(t["config"].get("execution_mode") == "ORT_PARALLEL" for t in r["trials"]), [t["name"] for t in r["trials"]]
PY

# every option the guide explains is a config key (session.inter_op.allow_spinning was documented but rejected)
n=0
for opt in $("$ORTUNE" explain | awk '/^  [a-z_.0-9]+ / {print $1}'); do
  "$ORTUNE" explain "$opt" --json >"$work/x.json" 2>/dev/null || continue # a word of the intro's example
  n=$((n + 1))
  case $opt in provider|io|free_dimension_overrides|model_override) continue ;; esac # model_override: a file, none by default
  v=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("default", ""))' "$work/x.json")
  [ "$v" = max ] && v=1GiB
  printf 'onnxruntime:\n  %s: %s\n' "$opt" "$v" >"$work/g.yaml"
  if [ -z "$v" ] || ! "$ORTUNE" run "$data/add2.onnx" --config "$work/g.yaml" >/dev/null 2>"$work/e"; then
    t_fail "explained option '$opt' is not a config key: $(cat "$work/e")"
  fi
done
[ "$n" -gt 20 ] && t_pass "all $n options the guide explains are config keys" || t_fail "only $n explained options found"
printf 'onnxruntime:\n  execution_mode: ORT_PARALLEL\n  session.inter_op.allow_spinning: 0\n' >"$work/g.yaml"
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$data/add2.onnx" --config "$work/g.yaml"
[ "$rc" -eq 0 ] && t_pass "session.inter_op.allow_spinning: 0 is accepted and applied" || t_fail "inter_op spinning: $(cat "$work/e")"

# compare --against before: the config less what the tune changed (provenance: tuned), the user's settings kept
printf 'onnxruntime:\n  provider: cpu\n  intra_op_num_threads: 1\n  enable_mem_pattern: 0\n  provenance:\n    tuned: "enable_mem_pattern"\n' >"$work/tuned.yaml"
run_cmd "$work/o" "$work/e" "$ORTUNE" compare "$data/add2.onnx" --config "$work/tuned.yaml" --against before --rounds 2 --runs 2 --json
pycheck "compare --against before: the user's intra_op_num_threads kept, the tuned enable_mem_pattern dropped" "$work/o" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["against"] == "before", j["against"]
o = j["against_config"]["options"]
assert o.get("intra_op_num_threads") == "1" and "enable_mem_pattern" not in o, o
PY
printf 'onnxruntime:\n  provider: cpu\n  intra_op_num_threads: 1\n' >"$work/hand.yaml"
expect_error "compare --against before on a config no tune wrote" "$E_USAGE" "$work/hand.yaml" "$ORTUNE" compare "$data/add2.onnx" \
  --config "$work/hand.yaml" --against before
grep -q "does not say what a tune changed" "$work/.err" && t_pass "--against before without provenance: says why and the way out" ||
  t_fail "message: $(cat "$work/.err")"
t_summary
