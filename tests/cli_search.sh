#!/bin/sh
# cli_search.sh - the staged search's thread bisection: with 8 (pretended) cores, intra_op_num_threads is
# tried at 1 and 8, then halved toward the faster side: at most log2(8) + 2 thread counts, never a grid.
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
t_summary
