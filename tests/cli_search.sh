#!/bin/sh
# cli_search.sh - the staged search's thread bisection: with 8 (pretended) cores, intra_op_num_threads is
# tried at 1 and 8, then halved toward the faster side: at most log2(8) + 2 thread counts, never a grid. And a short
# --budget on which many single changes win stops the screen in time to combine them.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

r=$work/r.json
ORTUNE_TEST_CPUS=8 "$ORTUNE" tune "$data/add2.onnx" --dry-run --space cpu --duration 0.05 --min-runs 5 \
  --ab-rounds 3 --ab-runs 3 --results "$r" --quiet >"$work/out" 2>&1
rc=$?
[ $rc -eq 0 ] && t_pass "tune --space cpu with 8 cores exits 0" || { t_fail "tune exit $rc"; cat "$work/out"; }
python3 - "$r" <<'PY' && t_pass "threads bisected: 1 and 8 first, then halving; <= 5 thread counts" || t_fail "thread bisection"
import json, sys
r = json.load(open(sys.argv[1]))
th = [t["config"].get("intra_op_num_threads") for t in r["trials"]
      if set(t["config"]) == {"intra_op_num_threads"}]
th = [int(x) for x in th]
assert th[:2] == [1, 8], th
assert len(set(th)) <= 5 and set(th) <= {1, 2, 3, 4, 5, 6, 7, 8}, th
bis = [t for t in r["trials"] if t["stage"] == "bisect"]
assert bis, "no bisection step"
m = int(bis[0]["config"]["intra_op_num_threads"])
assert m == 4, "first midpoint of 1..8 is 4, got %d" % m
PY

# every change beats the (slowed) defaults: the screen must leave time for combining them; a combination starts
# from the best single change (measured in the screen), so no combine trial is a single change again
run_cmd "$work/c.out" "$work/c.err" env ORTUNE_TEST_FAULT=slow@defaults "$ORTUNE" tune "$data/add2.onnx" --dry-run --space cpu \
  --budget 20 --results "$work/c.json" --quiet
[ "$rc" -eq 0 ] && t_pass "tune --budget 20 with slowed defaults exits 0" || t_fail "exit $rc: $(tail -n 2 "$work/c.err")"
pycheck "a short budget still combines the winners of the screen" "$work/c.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
st = [t["stage"] for t in r["trials"]]
rep = [t for t in r["trials"] if t["stage"] == "noise"]
comb = [t for t in r["trials"] if t["stage"] == "combine"]
assert st.count("screen") >= 2, st
assert comb, "no combine trial: %s" % st
assert all(len(t["config"]) >= 2 for t in comb), [t["config"] for t in comb]
print("%d screen, %d combine trials" % (st.count("screen"), len(comb)))
# the best single change measured once more, before the combinations: the noise they are judged by is its own,
# 1.5 x the difference of its two scores (p50 here), between 2% and 25%
assert len(rep) == 1, [t["name"] for t in rep]
ok = [t for t in r["trials"] if t["stage"] in ("screen", "bisect") and t["status"] == "ok" and not t.get("dropped")]
best = min(t["p50_ms"] for t in ok)  # the best single change (a thread count may be measured by screen and bisect)
first = [t for t in ok if t["config"] == rep[0]["config"] and t["p50_ms"] == best]
assert first, (rep[0]["config"], [(t["name"], t["p50_ms"]) for t in ok])
assert rep[0]["name"] == first[0]["name"] + " (repeat)", (rep[0]["name"], first[0]["name"])
want = min(max(1.5 * abs(rep[0]["p50_ms"] - first[0]["p50_ms"]) / first[0]["p50_ms"], 0.02), 0.25)
assert abs(r["search_noise"] - want) < 1e-9, (r["search_noise"], want)
assert r["trials"].index(rep[0]) < r["trials"].index(comb[0]), "the repeat comes before the combinations"
print("search noise %.3f (the defaults' %.3f)" % (r["search_noise"], r["noise"]))
assert not any(c["name"].endswith(" (repeat)") for c in r["final"]["candidates"]), "a repeat is no finalist of its own"
# the finalists: none is another finalist's config plus more options (each costs every A/B session its opening)
fin = [r["trials"][c["id"]]["config"] for c in r["final"]["candidates"]]
assert fin, r["final"]
for i, a in enumerate(fin):
    for b in fin[:i]:
        assert not all(a.get(k) == v for k, v in b.items()), ("finalist extends an earlier one", a, b)
print("finalists:", fin)
PY
# the winner's confirmation: with --budget and two or more finalists, what is left of the budget goes to more fresh
# sessions of the defaults and the winner alone, and the winner's numbers are taken over all of them. The A/B's
# reference is slowed (test-only) so that there is a winner without depending on timing; runs of ~0.1 ms (a Relu
# over 900k floats) keep the candidates within racing's 1.5x of each other, so there are several finalists.
run_cmd "$work/w.out" "$work/w.err" env ORTUNE_TEST_FAULT=slow@defaults ORTUNE_TEST_AB_SLOW_REF=3 "$ORTUNE" tune "$data/dyn_relu.onnx" \
  --shape x=300000x3 --dry-run --space cpu --budget 40 --duration 0.2 --max-trials 8 --ab-rounds 4 --results "$work/w.json" --quiet
[ "$rc" -eq 0 ] && t_pass "tune with a winner and --budget exits 0" || t_fail "exit $rc: $(tail -n 2 "$work/w.err")"
pycheck "the winner confirmed in more sessions of the defaults and the winner alone, within the budget" "$work/w.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["final"]
assert f["verdict"] == "faster" and len(f["candidates"]) >= 2, (f["verdict"], f["message"], f["candidates"])
first, c = f["measurement"], f["confirm"]
assert c["winner"] == f["winner"] and c["added_sessions"] >= 1, c
assert c["sessions"] == first["sessions"] + c["added_sessions"] <= 16, (first["sessions"], c["sessions"])
assert len(c["blocks_ms"]) == c["sessions"] and all(len(b) == 2 for s in c["blocks_ms"] for b in s), c["blocks_ms"]
# the first sessions' blocks are the A/B's, the defaults' and the winner's
k = 1 + [x["id"] for x in f["candidates"]].index(f["winner"])
assert [[b[0], b[k]] for s in first["blocks_ms"] for b in s] == [b for s in c["blocks_ms"][:first["sessions"]] for b in s]
w = [x for x in f["candidates"] if x["id"] == f["winner"]][0]
assert w["sessions"] == c["sessions"] and w["verdict"] == "faster" and w["ci_low"] > 1, w
assert r["wall_s"] < 40 * 1.5, r["wall_s"]  # the budget kept (loosely: a loaded machine runs late)
print("%d + %d sessions, %.3gx [%.3g, %.3g], %.1f s" % (first["sessions"], c["added_sessions"], w["speedup"], w["ci_low"], w["ci_high"], r["wall_s"]))
PY
t_summary
