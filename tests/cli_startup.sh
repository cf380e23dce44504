#!/bin/sh
# cli_startup.sh - start-up as an objective (issue 14): `tune --space startup --objective startup` measures a
# restart (session creation + first run) after an unmeasured first start, so optimized_model_cache candidates are
# measured opening the cached optimized graph; the cache of a tune is private (never the user's); its final A/B
# starts the configs afresh; `compare --startup` does the same for a config. Behaviour only, never timing.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

ppocr_models || { t_skip "PP-OCRv4 models not available (scripts/fetch-models)"; t_summary; exit 77; }
home=$work/home
mkdir -p "$home"
run_cmd "$work/o" "$work/e" env HOME="$home" XDG_CACHE_HOME= ORTUNE_CACHE_DIR= "$ORTUNE" tune "$ppocr_det" --shape x=1x3x64x64 \
  --provider cpu --space startup --objective startup --duration 0.05 --min-runs 3 --ab-rounds 4 --dry-run --results "$work/r.json"
[ "$rc" -eq 0 ] && t_pass "tune --space startup --objective startup exits 0" || t_fail "exit $rc: $(tail -n 3 "$work/e")"
grep -q "start ms" "$work/o" && t_pass "the table ranks by start ms" || t_fail "no 'start ms' column: $(grep rank "$work/o")"
pycheck "startup trials: optimized_model_cache candidates measured from the cache, the A/B measured starts" "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["objective"] == "startup", r["objective"]
names = {t["name"]: t for t in r["trials"]}
cached = [t for t in r["trials"] if t["config"].get("optimized_model_cache") == "1" and t["status"] == "ok"]
assert cached, "no optimized_model_cache=1 trial: %s" % sorted(names)
for t in cached:  # 1 = ORTUNE_OPTCACHE_HIT: the measured start opened the cached graph
    assert t.get("optimized_model_cache") == 1, (t["name"], t.get("optimized_model_cache"))
plain = [t for t in r["trials"] if "optimized_model_cache" not in t["config"] and t["status"] == "ok"]
assert all(t.get("optimized_model_cache") == 0 for t in plain), [(t["name"], t.get("optimized_model_cache")) for t in plain]
assert all(t["create_ms"] > 0 and t["first_run_ms"] > 0 for t in cached + plain)
searched = {o for t in r["trials"] for o in t["config"]} - {"provider", "io"}
assert searched <= {"optimized_model_cache", "graph_optimization_level"}, searched  # no CUDA option on the CPU
m = r["final"].get("measurement")  # only when a candidate started faster than the defaults in the search
assert m is None or (m["sessions"] >= 3 and m["rounds_per_session"] >= 2), m
print("%d cached trials, %s" % (len(cached), "A/B %d sessions x %d starts" % (m["sessions"], m["rounds_per_session"]) if m else "no finalist"))
PY
run_cmd "$work/ro" "$work/re" "$ORTUNE" report "$work/r.json" --output "$work/r.html"
[ "$rc" -eq 0 ] && grep -q "median start of the winner" "$work/r.html" && ! grep -q "p50 of the winner" "$work/r.html" &&
  t_pass "the report calls the startup A/B's numbers starts" || t_fail "report (exit $rc): $(grep -o 'p50 of the winner' "$work/r.html" | head -1)"
[ ! -e "$home/.cache/ortune" ] && t_pass "the tune's optimized-model cache stayed in its work dir (none in HOME)" ||
  t_fail "tune wrote into HOME: $(find "$home/.cache/ortune" | head -3)"

# the runtime: optimized_model_cache: 1 in a config fills the user's cache on the first start, reads it later
printf 'onnxruntime:\n  provider: cpu\n  optimized_model_cache: 1\n' >"$work/c.yaml"
run_cmd "$work/o" "$work/e" env HOME="$home" XDG_CACHE_HOME= ORTUNE_CACHE_DIR= "$ORTUNE" compare "$ppocr_det" --shape x=1x3x64x64 \
  --config "$work/c.yaml" --startup --rounds 6 --json
[ "$rc" -eq 0 ] && t_pass "compare --startup exits 0" || t_fail "compare --startup exit $rc: $(tail -n 3 "$work/e")"
pycheck "compare --startup: 3 sessions of starts, one start per block" "$work/o" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
m = j["measurement"]
assert m["sessions"] == 3 and m["rounds_per_session"] == 2, m
b = m["blocks_ms"]  # [session][round][config]: the defaults and the one config, each block one start
assert len(b) == 3 and all(len(s) == 2 and all(len(r) == 2 and min(r) > 0 for r in s) for s in b), b
c = j["configs"][0]
assert c["outputs_match"] and c["p50_ms"] > 0 and j["against_p50_ms"] > 0, c
print("start p50 %.1f ms vs %.1f ms" % (c["p50_ms"], j["against_p50_ms"]))
PY
[ ! -e "$home/.cache/ortune" ] && t_pass "compare --startup kept its cache private" || t_fail "compare wrote into HOME"
run_cmd "$work/o" "$work/e" env HOME="$home" XDG_CACHE_HOME= ORTUNE_CACHE_DIR= "$ORTUNE" run "$ppocr_det" --shape x=1x3x64x64 \
  --config "$work/c.yaml"
n=$(find "$home/.cache/ortune/optimized" -name '*.onnx' 2>/dev/null | wc -l)
[ "$rc" -eq 0 ] && [ "$n" -eq 1 ] && t_pass "a production start with optimized_model_cache: 1 wrote one cached graph" ||
  t_fail "run exit $rc, $n cached files: $(tail -n 2 "$work/e")"
t_summary
