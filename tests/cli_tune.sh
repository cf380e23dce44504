#!/bin/sh
# cli_tune.sh - `ortune tune` end to end on the PP-OCRv4 models: the config it writes (other keys kept, provenance),
# loading it with the example program, results JSON/CSV, the seed14 space, fault injection (crash, hang, wrong
# outputs, slow), --resume, and SIGINT/SIGTERM. Asserts behaviour, never timings. About 2 minutes on 2 cores.
# Env: ORTUNE, ORTUNE_SRC, ORTUNE_EXAMPLE. Exit 77 (skip) when the PP-OCRv4 models cannot be fetched.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

if ! ppocr_models; then
  echo "skipped: the PP-OCRv4 models are not cached and scripts/fetch-models cannot fetch them"
  exit 77
fi
det=$ppocr_det
cls=$ppocr_cls
# the small classifier for the many short runs: a trial is a fraction of a second
fast="--shape x=1x3x48x192 --space cpu --duration 0.15 --min-runs 5 --ab-rounds 3 --ab-runs 3"

statuses='{"ok", "crash", "timeout", "mismatch", "invalid", "oom", "runtime_error", "interrupted"}'

# ---- the main run: PP-OCRv4 det into a config with other keys and comments ----------------------------------------
cfg=$work/c.yaml
cat >"$cfg" <<'EOF'
# service settings, edited by hand
service:
  name: ocr            # trailing comment
  replicas: 3

onnxruntime:
  provider: cpu
  intra_op_num_threads: 1     # pinned by the user: kept as written
  free_dimension_overrides:   # kept: the example program feeds dynamic dims as 1 otherwise
    p2o.DynamicDimension.0: 1
    p2o.DynamicDimension.1: 256
    p2o.DynamicDimension.2: 256

# after the section
logging:
  level: info
  sinks: [stderr, file]
EOF
head -n 5 "$cfg" >"$work/prefix.txt"
tail -n 5 "$cfg" >"$work/suffix.txt"
run_cmd "$work/tune.out" "$work/tune.err" "$ORTUNE" tune "$det" --shape x=1x3x256x256 --space cpu --config "$cfg" \
  --results "$work/r.json" --csv "$work/r.csv" --duration 0.3 --ab-rounds 4 --ab-runs 3
if [ "$rc" -eq 0 ]; then t_pass "tune PP-OCRv4 det: exit 0"; else
  t_fail "tune PP-OCRv4 det: exit $rc"
  tail -n 5 "$work/tune.err" | sed 's/^/    /'
fi
grep -q "^wrote $cfg\$" "$work/tune.out" && t_pass "tune says it wrote the config" || t_fail "no 'wrote $cfg' line"

if head -n 5 "$cfg" | cmp -s - "$work/prefix.txt" && tail -n 5 "$cfg" | cmp -s - "$work/suffix.txt"; then
  t_pass "config: the keys and comments before and after the section are kept byte for byte"
else
  t_fail "config: text outside onnxruntime: changed"
  sed 's/^/    /' "$cfg"
fi
sha=$(sha256sum "$det" | cut -d' ' -f1)
pycheck "config: provider, free dims and provenance (model_sha256 = sha256sum of the model)" "$cfg" "$sha" "$det" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sec = re.search(r"^onnxruntime:\n((?:[ \t].*\n|\n)*)", text, re.M)
assert sec, "no onnxruntime: section"
body = sec.group(1)
assert re.search(r"^  provider: cpu$", body, re.M), "no provider: cpu"
assert re.search(r"^    p2o\.DynamicDimension\.1: 256$", body, re.M), "free_dimension_overrides lost"
assert "\n  intra_op_num_threads: 1     # pinned by the user: kept as written\n" in body, "the user's own line was rewritten"
m = re.search(r'^    model_sha256: "?([0-9a-f]{64})"?$', body, re.M)
assert m, "no provenance model_sha256"
assert m.group(1) == sys.argv[2], "model_sha256 %s != sha256sum %s" % (m.group(1), sys.argv[2])
for key in ("tool", "date", "ort_version", "cpu", "search", "verdict", "speedup"):
    assert re.search(r"^    %s: " % key, body, re.M), "provenance lacks " + key
assert text.count("onnxruntime:") == 1, "two sections"
PY
pycheck "results JSON: every trial has a known status, the baseline first" "$work/r.json" "$statuses" "$sha" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); ok = eval(sys.argv[2])
tr = j["trials"]
assert len(tr) >= 5, "only %d trials" % len(tr)
assert tr[0]["name"] == "defaults" and tr[0]["stage"] == "baseline", tr[0]["name"]
for t in tr:
    assert t.get("status") in ok, "trial %s: status %r" % (t.get("name"), t.get("status"))
    if t["status"] == "ok":
        assert t["p50_ms"] > 0 and t["p99_ms"] >= t["p50_ms"], "trial %s: p50 %s p99 %s" % (t["name"], t["p50_ms"], t["p99_ms"])
assert [t["id"] for t in tr] == list(range(len(tr))), "ids not 0..n-1"
assert j["model"]["sha256"] == sys.argv[3], "results sha256"
assert j["space"] == "cpu" and j["provider"] == "cpu"
assert j["final"]["verdict"] in ("faster", "defaults"), j["final"]
print("%d trials, verdict %s" % (len(tr), j["final"]["verdict"]))
PY
pycheck "results CSV: a header and one row per trial" "$work/r.csv" "$work/r.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
tr = json.load(open(sys.argv[2]))["trials"]
assert len(rows) == len(tr), "%d rows, %d trials" % (len(rows), len(tr))
for r, t in zip(rows, tr):
    assert r["name"] == t["name"] and r["status"] == t["status"], (r["name"], t["name"])
PY

# the example program: the production side loads config.yaml in one call and runs
if [ -x "$ORTUNE_EXAMPLE" ]; then
  run_cmd "$work/ex.out" "$work/ex.err" "$ORTUNE_EXAMPLE" "$det" "$cfg"
  if [ "$rc" -eq 0 ] && grep -q "has 65536 elements" "$work/ex.out" && ! grep -q stale "$work/ex.err"; then
    t_pass "example program loads the tuned config and runs (1x1x256x256 output, no stale warning)"
  else
    t_fail "example program: exit $rc: $(cat "$work/ex.out" "$work/ex.err" | head -n 3)"
  fi
  sed "s/$sha/0000000000000000000000000000000000000000000000000000000000000000/" "$cfg" >"$work/stale.yaml"
  run_cmd "$work/ex.out" "$work/ex.err" "$ORTUNE_EXAMPLE" "$det" "$work/stale.yaml"
  if [ "$rc" -eq 0 ] && grep -q "^ortune: warning: .*stale.*another model" "$work/ex.err"; then
    t_pass "example program warns about a config tuned for another model"
  else
    t_fail "stale config: exit $rc, stderr: $(head -n 2 "$work/ex.err")"
  fi
else
  t_skip "example program not built ($ORTUNE_EXAMPLE)"
fi

# ---- the seed's 14 combinations ------------------------------------------------------------------------------------
run_cmd "$work/seed.out" "$work/seed.err" "$ORTUNE" tune --list-space seed14
[ "$rc" -eq 0 ] || t_fail "--list-space seed14: exit $rc"
pycheck "--list-space seed14: exactly the seed's 14 combinations, names and values" "$work/seed.out" <<'PY'
import re, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
assert len(lines) == 14, "%d lines, want 14" % len(lines)
G = 1 << 30
base = {"HEURISTIC_OPTIMIZED": dict(cudnn_conv_algo_search="HEURISTIC", do_copy_in_default_stream="0", cudnn_conv_use_max_workspace="1", tunable_op_enable="1"),
        "EXHAUSTIVE_BASELINE": dict(cudnn_conv_algo_search="EXHAUSTIVE", do_copy_in_default_stream="0", cudnn_conv_use_max_workspace="1", tunable_op_enable="0"),
        "DEFAULT_CONSERVATIVE": dict(cudnn_conv_algo_search="DEFAULT", do_copy_in_default_stream="1", cudnn_conv_use_max_workspace="0", tunable_op_enable="0")}
want = []
for b, kv in base.items():
    for gb in (4, 8, 16, 21):
        want.append(("%s_%dGB" % (b, gb), dict(kv, execution_mode="ORT_SEQUENTIAL", gpu_mem_limit=str(gb * G))))
want.append(("EXPERIMENT_13_PARALLEL", dict(cudnn_conv_algo_search="HEURISTIC", execution_mode="ORT_PARALLEL", gpu_mem_limit=str(21 * G), enable_cpu_mem_arena="0")))
want.append(("EXPERIMENT_14_MEMORY_SAVING", dict(cudnn_conv_algo_search="HEURISTIC", gpu_mem_limit=str(4 * G), do_copy_in_default_stream="1", cudnn_conv_use_max_workspace="0")))
# ORT's defaults: a value equal to them may be left out of the listing
defaults = dict(cudnn_conv_algo_search="EXHAUSTIVE", do_copy_in_default_stream="1", cudnn_conv_use_max_workspace="1", tunable_op_enable="0",
                execution_mode="ORT_SEQUENTIAL", enable_cpu_mem_arena="1", gpu_mem_limit="max")
for i, (line, (name, kv)) in enumerate(zip(lines, want)):
    f = line.split()
    assert f[0] == str(i + 1), "line %d numbered %s" % (i + 1, f[0])
    assert f[1] == name, "line %d is %s, want %s" % (i + 1, f[1], name)
    shown = dict(x.split("=", 1) for x in f[2:] if "=" in x)
    for k, v in kv.items():
        if k in shown:
            assert shown[k] == v, "%s: %s=%s, want %s" % (name, k, shown[k], v)
        else:
            assert defaults.get(k) == v, "%s: %s=%s not shown" % (name, k, v)
    for k in shown:
        assert k in kv, "%s: unexpected %s" % (name, k)
PY

# ---- fault injection: the search survives crashing, hanging and wrong candidates ---------------------------------------
# fault NAME KIND EXTRA-ARGS: tune the classifier with ORTUNE_TEST_FAULT=KIND@enable_mem_pattern=0
fault() {
  _kind=$1
  shift
  write_config "$work/f.yaml"
  run_cmd "$work/f.out" "$work/f.err" env ORTUNE_TEST_FAULT="$_kind@enable_mem_pattern=0" \
    "$ORTUNE" tune "$cls" $fast --max-trials 6 --config "$work/f.yaml" --results "$work/f.json" "$@"
}
for kind in crash:crash hang:timeout wrong:mismatch; do
  k=${kind%%:*} want=${kind#*:}
  if [ "$k" = hang ]; then fault "$k" --trial-timeout 3; else fault "$k"; fi
  if [ "$rc" -ne 0 ]; then
    t_fail "fault $k: exit $rc"
    tail -n 3 "$work/f.err" | sed 's/^/    /'
    continue
  fi
  pycheck "fault $k@enable_mem_pattern=0: that trial is '$want', the others go on, exit 0" "$work/f.json" "$want" "$statuses" "$work/f.yaml" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); want = sys.argv[2]; ok = eval(sys.argv[3])
tr = j["trials"]
hit = [t for t in tr if "enable_mem_pattern=0" in t["name"]]
assert hit, "no enable_mem_pattern=0 trial ran: %s" % [t["name"] for t in tr]
for t in hit:
    assert t["status"] == want, "%s: status %s, want %s" % (t["name"], t["status"], want)
    assert t.get("reason"), "%s: no reason given" % t["name"]
after = [t for t in tr if t["id"] > hit[0]["id"]]
assert after and any(t["status"] == "ok" for t in after), "no ok trial after the fault"
assert all(t["status"] in ok for t in tr)
w = j["final"]["winner"]
assert "enable_mem_pattern=0" not in tr[w]["name"] or w == 0, "the faulty candidate won"
assert "onnxruntime:" in open(sys.argv[4]).read(), "config not written"
print(hit[0]["reason"][:80])
PY
done

# ---- slow: a candidate made twice as slow loses, and the impact table says so ------------------------------------------
write_config "$work/s.yaml"
run_cmd "$work/s.out" "$work/s.err" env ORTUNE_TEST_FAULT="slow@enable_cpu_mem_arena=0" \
  "$ORTUNE" tune "$cls" $fast --config "$work/s.yaml" --results "$work/s.json"
[ "$rc" -eq 0 ] || t_fail "fault slow: exit $rc"
pycheck "slow@enable_cpu_mem_arena=0: dropped by racing, speedup < 1, not the winner, ranked below arena=1 in the impact table" "$work/s.json" "$work/s.yaml" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
tr = j["trials"]
slow = [t for t in tr if t["name"] == "enable_cpu_mem_arena=0"]
assert slow, "no enable_cpu_mem_arena=0 trial"
assert slow[0]["status"] == "ok", slow[0]["status"]
assert slow[0]["speedup"] < 1, "speedup %.3f" % slow[0]["speedup"]
assert slow[0].get("dropped") is True, "racing did not drop the slowed candidate after warm-up"
w = j["final"]["winner"]
assert "enable_cpu_mem_arena=0" not in tr[w]["name"], "the slowed candidate won: " + tr[w]["name"]
for c in j["final"]["candidates"]:
    assert "enable_cpu_mem_arena=0" not in c["name"], "the slowed candidate reached the final: " + c["name"]
imp = {(x["option"], x["value"]): x for x in j["impact"]}
assert ("enable_cpu_mem_arena", "0") in imp, "impact has no enable_cpu_mem_arena=0 entry: %s" % sorted(imp)
zero, one = imp[("enable_cpu_mem_arena", "0")], imp[("enable_cpu_mem_arena", "1")]
assert zero["speedup"] < 1 < one["speedup"], "impact: arena=0 %.3f, arena=1 %.3f" % (zero["speedup"], one["speedup"])
assert zero["ci_high"] < 1, "impact: arena=0 CI reaches %.3f" % zero["ci_high"]
text = open(sys.argv[2]).read()
assert "enable_cpu_mem_arena: 0" not in text and "enable_cpu_mem_arena: \"0\"" not in text, "the slowed value was written"
print("speedup %.3f, impact %.3f vs %.3f" % (slow[0]["speedup"], zero["speedup"], one["speedup"]))
PY

# ---- resume: finished trials are kept, not run again -------------------------------------------------------------------
write_config "$work/res.yaml"
run_cmd "$work/res1.out" "$work/res1.err" "$ORTUNE" tune "$cls" $fast --max-trials 4 --config "$work/res.yaml" --results "$work/res.json"
[ "$rc" -eq 0 ] || t_fail "resume, first run: exit $rc"
cp "$work/res.json" "$work/res1.json"
# if the resumed run measured them again, they would crash now
done_names=$(python3 -c 'import json,sys; print("\n".join(t["name"] for t in json.load(open(sys.argv[1]))["trials"] if t["stage"] != "baseline"))' "$work/res1.json")
first=$(echo "$done_names" | head -n 1)
# the same starting config as the first run (the first run wrote its winner into res.yaml, and a set option is
# a constraint that is not searched again)
write_config "$work/res.yaml"
run_cmd "$work/res2.out" "$work/res2.err" env ORTUNE_TEST_FAULT="crash@$first" \
  "$ORTUNE" tune "$cls" $fast --resume --config "$work/res.yaml" --results "$work/res.json"
[ "$rc" -eq 0 ] || { t_fail "resume, second run: exit $rc"; tail -n 3 "$work/res2.err" | sed 's/^/    /'; }
pycheck "--resume: the first run's trials are marked resumed and not measured again" "$work/res1.json" "$work/res.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["trials"]; b = json.load(open(sys.argv[2]))["trials"]
done = [t for t in a if t["stage"] != "baseline"]
assert len(done) >= 2, "first run finished only %d non-baseline trials" % len(done)
resumed = [t for t in b if t.get("resumed") is True]
assert sorted(t["name"] for t in resumed) == sorted(t["name"] for t in done), \
    "resumed %s, want %s" % ([t["name"] for t in resumed], [t["name"] for t in done])
for t in resumed:
    old = [x for x in done if x["name"] == t["name"]][0]
    assert t["status"] == old["status"] == "ok", "%s: %s (re-run?)" % (t["name"], t["status"])
    assert t.get("p50_ms") == old.get("p50_ms"), "%s: p50 changed: measured again" % t["name"]
for t in b:
    if t["name"] in [x["name"] for x in done]:
        assert t.get("resumed") is True, "%s ran twice" % t["name"]
assert len(b) > len(resumed) + 2, "the resumed run measured nothing new"
print("%d resumed, %d trials in all" % (len(resumed), len(b)))
PY

# ---- signals: SIGINT -> 130, SIGTERM -> 143; config untouched, results kept ---------------------------------------------
for sig in INT:130 TERM:143; do
  name=${sig%%:*} code=${sig#*:}
  write_config "$work/sig.yaml"
  cp "$work/sig.yaml" "$work/sig.orig"
  rm -f "$work/sig.json"
  start_bg "$work/sig.out" "$work/sig.err" "$ORTUNE" tune "$cls" --shape x=1x3x48x192 --space cpu --duration 1 \
    --config "$work/sig.yaml" --results "$work/sig.json"
  if wait_trials "$work/sig.json" 2 120; then
    kill -"$name" "$bg_pid"
    wait "$bg_pid"
    rc=$?
    why=
    [ "$rc" -eq "$code" ] || why="exit $rc, want $code"
    cmp -s "$work/sig.yaml" "$work/sig.orig" || why="${why:+$why; }config.yaml changed"
    ls "$work" | grep -q '^sig\.yaml\.tmp' && why="${why:+$why; }temp file left"
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["trials"]; assert len(t) >= 2' "$work/sig.json" 2>/dev/null ||
      why="${why:+$why; }results JSON lost or without its trials"
    grep -q "^ortune: interrupted" "$work/sig.err" || why="${why:+$why; }no 'ortune: interrupted' message"
    if [ -z "$why" ]; then t_pass "SIG$name during tune: exit $code, config unchanged, results kept"; else
      t_fail "SIG$name during tune: $why"
      tail -n 2 "$work/sig.err" | sed 's/^/    /'
    fi
  else
    kill -KILL "$bg_pid" 2>/dev/null
    wait "$bg_pid" 2>/dev/null
    t_fail "SIG$name: the tune wrote no 2 trials within 120 s"
  fi
done
# the interrupted results resume
run_cmd "$work/sig2.out" "$work/sig2.err" "$ORTUNE" tune "$cls" $fast --resume --max-trials 3 --config "$work/sig.yaml" --results "$work/sig.json"
[ "$rc" -eq 0 ] && t_pass "an interrupted tune resumes and finishes" || t_fail "resume after SIGTERM: exit $rc: $(tail -n 1 "$work/sig2.err")"

t_summary
