#!/bin/sh
# cli_oom.sh - a trial the kernel's OOM killer ends (SIGKILL while its OOM-kill counter grew) is classified "oom",
# not "crash"; a SIGKILL without an OOM kill stays "crash". The kernel's counters are stood in for by
# ORTUNE_TEST_OOM_EVENTS (the child's "oom" fault counts a kill there, then SIGKILLs itself).
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

echo "oom_kill 0" >"$work/events"
q="--dry-run --space cpu --max-trials 2 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet"
for kind in oom kill; do
  # shellcheck disable=SC2086
  ORTUNE_TEST_OOM_EVENTS=$work/events ORTUNE_TEST_FAULT=$kind@session.set_denormal_as_zero=1 \
    "$ORTUNE" tune "$data/add2.onnx" $q --results "$work/$kind.json" >/dev/null 2>"$work/e"
  [ $? -eq 0 ] || t_fail "tune with a $kind fault: $(tail -n 2 "$work/e")"
done
pycheck "OOM-killed trial: status oom and a reason saying so; plain SIGKILL: crash" "$work/oom.json" "$work/kill.json" <<'PY'
import json, sys
def trial(p):
    return [t for t in json.load(open(p))["trials"] if t["name"] == "session.set_denormal_as_zero=1"][0]
o, k = trial(sys.argv[1]), trial(sys.argv[2])
assert o["status"] == "oom" and "OOM killer" in o["reason"], o
assert k["status"] == "crash" and "OOM" not in k["reason"], k
PY
[ "$(cat "$work/events")" = "oom_kill 1" ] && t_pass "the stand-in counter counted one kill" || t_fail "events: $(cat "$work/events")"

# the baseline killed by the OOM killer: exit 15 (host out of memory), one line
ORTUNE_TEST_OOM_EVENTS=$work/events ORTUNE_TEST_FAULT=oom@defaults expect_error "baseline OOM-killed: exit 15" "$E_NOMEM" - \
  "$ORTUNE" tune "$data/add2.onnx" --dry-run --space cpu --max-trials 1 --quiet
t_summary
