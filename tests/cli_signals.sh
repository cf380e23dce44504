#!/bin/sh
# cli_signals.sh - the signal and cleanup policy: trial children die with a SIGKILLed tuner (PR_SET_PDEATHSIG); the
# work dir (TMPDIR/ortune.PID.XXXXXX) and the temp files (FILE.tmp.PID.XXXXXX) a killed tune left are swept by the
# next one (only those of dead PIDs); SIGHUP is handled as SIGTERM (children killed, results kept, config untouched,
# exit 129, work dir removed); a stdout whose reader went away is exit 3 with one line, not death by SIGPIPE (141);
# a closed stdout is exit 3 with one line, not a silent 0, and nothing is written into another file.
# A hanging trial (ORTUNE_TEST_FAULT=hang@repeat: the second baseline) and a signal raised while a temp file exists
# (ORTUNE_TEST_WRITE_SIGNAL=N, test-only) make each case deterministic.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

cd "$work" || exit 1
cp "$data/add2.onnx" m.onnx
mkdir tmp
quick="--max-trials 1 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet"

# the child processes of pid (the running trial)
children() { cat /proc/"$1"/task/*/children 2>/dev/null | awk '{ print $1; exit }'; }
# is pid gone (or a zombie waiting for its reaper)?
gone() { [ -n "$1" ] && ! [ -e /proc/"$1" ] || grep -q '^State:.*Z' /proc/"$1"/status 2>/dev/null; }
# wait_gone PID: up to 20 s (a hang guard, not a timing check)
wait_gone() {
  _i=0
  while ! gone "$1" && [ $_i -lt 200 ]; do sleep 0.1; _i=$((_i + 1)); done
  gone "$1"
}
# a PID that runs nothing now
dead_pid() { python3 -c 'import os
for p in range(4000000, 3000000, -1):
    try: os.kill(p, 0)
    except ProcessLookupError: print(p); break
    except PermissionError: pass'; }

# ---- SIGKILL of the tuner: its trial child dies too; the next tune sweeps what it left --------------------------------
write_config c.yaml
start_bg bg.out bg.err env TMPDIR="$work/tmp" ORTUNE_TEST_FAULT=hang@repeat "$ORTUNE" tune m.onnx --config c.yaml \
  --results r.json --trial-timeout 600 $quick
if wait_trials r.json 1 60; then
  child=
  for _ in 1 2 3 4 5 6 7 8 9 10; do child=$(children "$bg_pid"); [ -n "$child" ] && break; sleep 0.2; done
  kill -KILL "$bg_pid"
  wait "$bg_pid" 2>/dev/null
  if [ -z "$child" ]; then t_fail "SIGKILL: no trial child found"
  elif wait_gone "$child"; then t_pass "SIGKILL of the tuner: the trial child ($child) died with it"
  else t_fail "SIGKILL of the tuner: trial child $child still runs"; kill -KILL "$child" 2>/dev/null
  fi
  ls tmp | grep -q "^ortune\.$bg_pid\." && t_pass "the killed tune left its work dir (as SIGKILL must)" ||
    t_skip "no work dir left by the killed tune"
else
  kill -KILL "$bg_pid" 2>/dev/null
  t_fail "SIGKILL case: the tune wrote no trial within 60 s: $(tail -n 2 bg.err)"
fi
dead=$(dead_pid)
mkdir tmp/ortune."$dead".abcdef tmp/ortune.$$.ghijkl tmp/ortune.nopid1
: >tmp/ortune."$dead".abcdef/spec_0.json
: >r.json.tmp."$dead".AbCdEf
: >r.json.tmp.$$.AbCdEf
: >r.json.tmp.keepme
if TMPDIR="$work/tmp" "$ORTUNE" tune m.onnx --config c.yaml --results r.json --force $quick >/dev/null 2>bg.err; then
  why=
  ls tmp | grep -q "^ortune\.$bg_pid\." && why="the killed tune's work dir is still there"
  [ -e tmp/ortune."$dead".abcdef ] && why="${why:+$why; }a dead pid's work dir is still there"
  [ -e tmp/ortune.$$.ghijkl ] || why="${why:+$why; }a live pid's work dir was removed"
  [ -e tmp/ortune.nopid1 ] || why="${why:+$why; }a dir without a pid was removed"
  [ -e r.json.tmp."$dead".AbCdEf ] && why="${why:+$why; }a dead writer's temp file is still there"
  [ -e r.json.tmp.$$.AbCdEf ] || why="${why:+$why; }a live writer's temp file was removed"
  [ -e r.json.tmp.keepme ] || why="${why:+$why; }a file not named by a writer was removed"
  [ "$(ls tmp | grep -c '^ortune\.')" -eq 2 ] || why="${why:+$why; }the new tune left its own work dir: $(ls tmp)"
  [ -z "$why" ] && t_pass "the next tune sweeps dead tunes' work dirs and temp files, and only those" || t_fail "sweep: $why"
else
  t_fail "tune after a SIGKILL: $(cat bg.err)"
fi
rm -rf tmp/ortune.* r.json.tmp.*

# ---- SIGHUP: as SIGTERM --------------------------------------------------------------------------------------------------
write_config c.yaml
cp c.yaml c.orig
rm -f r.json
start_bg bg.out bg.err env TMPDIR="$work/tmp" ORTUNE_TEST_FAULT=hang@repeat "$ORTUNE" tune m.onnx --config c.yaml \
  --results r.json --trial-timeout 600 $quick
if wait_trials r.json 1 60; then
  child=
  for _ in 1 2 3 4 5 6 7 8 9 10; do child=$(children "$bg_pid"); [ -n "$child" ] && break; sleep 0.2; done
  kill -HUP "$bg_pid"
  wait "$bg_pid"
  rc=$?
  why=
  [ "$rc" -eq 129 ] || why="exit $rc, want 129"
  cmp -s c.yaml c.orig || why="${why:+$why; }config.yaml changed"
  ls | grep -q '\.tmp\.' && why="${why:+$why; }temp file left: $(ls | grep '\.tmp\.')"
  json_get r.json 'len(j["trials"])' >/dev/null 2>&1 || why="${why:+$why; }results lost"
  grep -q '^ortune: interrupted by signal 1' bg.err || why="${why:+$why; }no 'interrupted by signal 1' line: $(tail -n 1 bg.err)"
  [ -n "$child" ] && ! wait_gone "$child" && why="${why:+$why; }trial child $child still runs"
  ls tmp | grep -q '^ortune\.' && why="${why:+$why; }work dir left"
  [ -z "$why" ] && t_pass "SIGHUP during tune: exit 129, trial killed, results kept, config unchanged, work dir removed" ||
    t_fail "SIGHUP: $why"
else
  kill -KILL "$bg_pid" 2>/dev/null
  t_fail "SIGHUP case: the tune wrote no trial within 60 s: $(tail -n 2 bg.err)"
fi

# ---- a signal while a writer's temp file exists (ORTUNE_TEST_WRITE_SIGNAL raises it there): the temp file goes -------
json_get r.json '1' >/dev/null && cp r.json in.json
echo '<!DOCTYPE html><title>ortune report</title> old' >old.html
cp old.html old.orig
for sig in TERM:15 INT:2 HUP:1; do
  name=${sig%%:*} num=${sig#*:}
  ORTUNE_TEST_WRITE_SIGNAL=$num "$ORTUNE" report in.json --output old.html >/dev/null 2>&1
  rc=$?
  why=
  [ "$rc" -eq $((128 + num)) ] || why="exit $rc, want $((128 + num))"
  ls | grep -q '\.tmp\.' && why="${why:+$why; }temp file left: $(ls | grep '\.tmp\.')"
  cmp -s old.html old.orig || why="${why:+$why; }the old report changed"
  [ -z "$why" ] && t_pass "SIG$name during report's write: temp file removed, old file kept, exit $rc" || t_fail "SIG$name during a write: $why"
done

# ---- stdout: a reader that went away, a closed fd, a full disk ---------------------------------------------------------
# run CMD with stdout on a pipe whose read end is already closed: every write is EPIPE (SIGPIPE if not ignored)
closed_pipe() {
  python3 -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=open("pipe.err", "w"))
sys.exit(128 + -p.returncode if p.returncode < 0 else p.returncode)' "$@"
}
closed_pipe "$ORTUNE" info m.onnx
rc=$?
[ "$rc" -eq $E_IO ] && [ "$(wc -l <pipe.err)" -eq 1 ] && grep -q 'broken pipe' pipe.err &&
  t_pass "info | (reader gone): exit 3, one line" || t_fail "info | (reader gone): exit $rc, stderr: $(cat pipe.err)"
write_config c.yaml
closed_pipe "$ORTUNE" tune m.onnx --config c.yaml --max-trials 1 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2
rc=$?
[ "$rc" -eq $E_IO ] && grep -q 'broken pipe' pipe.err && [ "$(grep -v '^ortune: \(note\|warning\):' pipe.err | grep -c '^ortune:')" -eq 1 ] &&
  t_pass "tune | (reader gone): exit 3 (not 141), one line" || t_fail "tune | (reader gone): exit $rc, stderr: $(tail -n 2 pipe.err)"
# `tune --json | head -n 2`: the JSON may fit the pipe before head leaves (then 0), else 3; never 141
{ "$ORTUNE" tune m.onnx --config c.yaml --max-trials 1 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --json 2>head.err
  echo $? >head.rc; } | head -n 2 >/dev/null
rc=$(cat head.rc)
{ [ "$rc" -eq 0 ] || [ "$rc" -eq $E_IO ]; } && t_pass "tune --json | head -n 2: exit $rc (0 or 3, not 141)" ||
  t_fail "tune --json | head -n 2: exit $rc: $(tail -n 1 head.err)"
cksum m.onnx >m.sum
expect_error "info >&- (stdout closed): not a silent 0" $E_IO - sh -c '"$1" info "$2" >&-' sh "$ORTUNE" m.onnx
expect_error "tune >&- (stdout closed): refused before anything" $E_IO c.yaml sh -c '"$1" tune "$2" --config "$3" --max-trials 1 >&-' \
  sh "$ORTUNE" m.onnx c.yaml
cksum m.onnx | cmp -s - m.sum && t_pass "stdout closed: the model is untouched" || t_fail "stdout closed: the model changed"
if [ -w /dev/full ]; then
  expect_error "info >/dev/full: the lost output is an error" $E_IO - sh -c '"$1" info "$2" >/dev/full' sh "$ORTUNE" m.onnx
fi
t_summary
