#!/bin/sh
# cli_profiles.sh - one config for a fleet: `ortune tune` on several (simulated) machines, `ortune merge`, profiles
# added, replaced and kept byte for byte, chosen by the documented rule (info --config, run), conflicting merges
# refused, the no-match error, explain --class. Machines are simulated with the test-only ORTUNE_TEST_GPU,
# ORTUNE_TEST_CPU and ORTUNE_TEST_CPUS; every tune is the tiny tests/data/add2.onnx on the CPU (about a second).
# Env: ORTUNE, ORTUNE_SRC.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

model=$data/add2.onnx
fast="--space cpu --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --max-trials 3 --quiet"
unset ORTUNE_TEST_GPU
# as CPU MODEL CORES CMD...: run CMD on a simulated CPU-only machine
as() { _cpu=$1 _cores=$2; shift 2; ORTUNE_TEST_GPU=none ORTUNE_TEST_CPU=$_cpu ORTUNE_TEST_CPUS=$_cores "$@"; }
cd "$work" || exit 1

# ---- a tune on each machine: single-profile files, as before ----------------------------------------------------------
printf 'app:\n  fps: 30\n' >a.yaml
run_cmd a.out a.err as "Xeon A" 4 "$ORTUNE" tune "$model" --config a.yaml $fast
[ "$rc" -eq 0 ] && ! grep -q 'profiles:' a.yaml && t_pass "tune without --profile on a file without profiles: one section, as before" ||
  { t_fail "single-profile tune: exit $rc"; cat a.err; }
run_cmd b.out b.err as "Epyc B" 16 "$ORTUNE" tune "$model" --config b.yaml $fast
[ "$rc" -eq 0 ] || { t_fail "tune b.yaml: exit $rc"; cat b.err; }

# ---- merge ------------------------------------------------------------------------------------------------------------
run_cmd m.out m.err "$ORTUNE" merge a.yaml b.yaml -o fleet.yaml
if [ "$rc" -eq 0 ] && grep -q '^wrote fleet.yaml: 2 profiles: cpu-xeon-a-4c (a.yaml), cpu-epyc-b-16c (b.yaml)$' m.out; then
  t_pass "merge a.yaml b.yaml -o fleet.yaml: two profiles, named after their machines"
else
  t_fail "merge: exit $rc: $(cat m.out m.err)"
fi
grep -q '^app:$' fleet.yaml && t_pass "merge keeps the first input's other keys" || t_fail "merge lost app:"

choice() { # choice NAME WANT CMD...: `info --config` says profile WANT is used
  _n=$1 _want=$2
  shift 2
  run_cmd i.out i.err "$@"
  if [ "$rc" -eq 0 ] && grep -q "^uses: *$_want: " i.out; then t_pass "$_n: $(grep '^uses:' i.out | cut -c1-140)"; else
    t_fail "$_n: exit $rc, want profile $_want: $(grep '^uses:' i.out) $(cat i.err)"
  fi
}
choice "Xeon A, 4 cores uses its profile" cpu-xeon-a-4c as "Xeon A" 4 "$ORTUNE" info --config fleet.yaml
choice "Epyc B, 16 cores uses its profile" cpu-epyc-b-16c as "Epyc B" 16 "$ORTUNE" info --config fleet.yaml
choice "Xeon A with 8 cores: the same model first" cpu-xeon-a-4c as "Xeon A" 8 "$ORTUNE" info --config fleet.yaml
choice "an unknown CPU: some cpu profile rather than nothing" cpu-xeon-a-4c as "Core C" 8 "$ORTUNE" info --config fleet.yaml

# ---- tune on a new machine adds its profile, on a known one replaces it; the others are kept byte for byte ----------
cp fleet.yaml before.yaml
run_cmd t.out t.err as "Core C" 8 "$ORTUNE" tune "$model" --config fleet.yaml $fast
[ "$rc" -eq 0 ] || { t_fail "tune on Core C: exit $rc"; cat t.err; }
pycheck "tune on a new machine appends its profile; every byte before it is kept" before.yaml fleet.yaml <<'PY'
import sys
old, new = open(sys.argv[1]).read(), open(sys.argv[2]).read()
assert new.startswith(old), "the old text is not a prefix of the new one"
assert new[len(old):].startswith("    cpu-core-c-8c:\n"), new[len(old):][:60]
PY
cp fleet.yaml before.yaml
run_cmd t.out t.err as "Xeon A" 4 "$ORTUNE" tune "$model" --config fleet.yaml $fast
[ "$rc" -eq 0 ] || { t_fail "tune on Xeon A again: exit $rc"; cat t.err; }
pycheck "tune on a known machine replaces its profile in place; the other profiles are kept byte for byte" before.yaml fleet.yaml <<'PY'
import re, sys
old, new = open(sys.argv[1]).read(), open(sys.argv[2]).read()
def split(t):
    i = t.index("    cpu-xeon-a-4c:\n"); j = t.index("    cpu-epyc-b-16c:\n")
    return t[:i], t[i:j], t[j:]
(a0, x0, b0), (a1, x1, b1) = split(old), split(new)
assert a0 == a1 and b0 == b1, "text around the replaced profile changed"
assert x0 != x1, "the profile was not rewritten"
assert len(re.findall(r"^    cpu-", new, re.M)) == 3, "not three profiles"
PY

# --profile: NAME, default, bad names
cp fleet.yaml before.yaml
expect_error "tune --profile with a bad name is refused before any trial" "$E_USAGE" fleet.yaml \
  as "Xeon A" 4 "$ORTUNE" tune "$model" --config fleet.yaml --profile "no good" $fast
printf 'onnxruntime:\n  profiles: {x: {match: {cpu: any}}}\n' >flow.yaml
expect_error "tune into a flow-style profiles: is refused before any trial, file unchanged" "$E_CONFIG" flow.yaml \
  as "Xeon A" 4 "$ORTUNE" tune "$model" --config flow.yaml $fast
grep -q "nothing was tuned" "$work/.err" && t_pass "... and says nothing was tuned" || t_fail "$(cat "$work/.err")"
run_cmd t.out t.err as "Xeon A" 4 "$ORTUNE" tune "$model" --config fleet.yaml --profile default $fast
choice "tune --profile default writes the top-level keys: an unknown GPU uses them" default \
  env ORTUNE_TEST_GPU="NVIDIA A10;8.6;24;72" "$ORTUNE" info --config fleet.yaml
pycheck "tune --profile default keeps the profiles: block byte for byte" before.yaml fleet.yaml <<'PY'
import sys
old, new = open(sys.argv[1]).read(), open(sys.argv[2]).read()
block = old[old.index("  profiles:\n"):]
assert new.endswith(block), "profiles: block changed"
PY

# ---- GPU profiles chosen by the rule; the chosen profile is what `run` builds -----------------------------------------
cat >gpu.yaml <<'EOF'
onnxruntime:
  profiles:
    h100:
      match:
        gpu: "NVIDIA H100 80GB HBM3"
        compute_capability: "9.0"
        class: high
      provider: cuda
      enable_cuda_graph: 1
    cpu:
      match:
        cpu: any
      provider: cpu
      intra_op_num_threads: 1
EOF
choice "simulated H100: the h100 profile (exact name)" h100 env ORTUNE_TEST_GPU="NVIDIA H100 80GB HBM3;9.0;80;132" "$ORTUNE" info --config gpu.yaml
choice "simulated H200: the h100 profile (same compute capability and class)" h100 env ORTUNE_TEST_GPU="NVIDIA H200;9.0;141;132" "$ORTUNE" info --config gpu.yaml
choice "no CUDA EP: the cpu profile" cpu as "Any" 2 "$ORTUNE" info --config gpu.yaml
if ! cuda_loadable; then # the real probe, no simulation: this machine has no CUDA EP
  choice "this machine (no CUDA EP, not simulated): the cpu profile" cpu env -u ORTUNE_TEST_GPU -u ORTUNE_TEST_CPU "$ORTUNE" info --config gpu.yaml
  grep -q "the CUDA EP is unavailable" i.out && t_pass "info --config says the CUDA EP is unavailable" || t_fail "$(cat i.out)"
elif "$ORTUNE" info "$model" 2>/dev/null | grep -q '^gpu 0: .*H[12]00.*compute 9\.0'; then # an H100/H200 (cc 9.0, class high)
  choice "this H100/H200 (not simulated): the h100 profile" h100 env -u ORTUNE_TEST_GPU "$ORTUNE" info --config gpu.yaml
  run_cmd r.out r.err env -u ORTUNE_TEST_GPU "$ORTUNE" run "$model" --config gpu.yaml
  [ "$rc" -eq 0 ] && t_pass "run builds the h100 (cuda) profile on this GPU: exit 0" || t_fail "run h100 profile: exit $rc $(cat r.err)"
else
  t_skip "the CUDA EP loads but GPU 0 is no H100/H200: the real-GPU choice is not checked"
fi
expect_error "no matching profile and no default: one line naming the profiles present" "$E_CONFIG" gpu.yaml \
  env ORTUNE_TEST_GPU="NVIDIA A10;8.6;24;72" "$ORTUNE" info --config gpu.yaml
grep -q "profiles present: h100 (gpu 'NVIDIA H100 80GB HBM3', compute 9.0, class high), cpu (cpu 'any')" "$work/.err" &&
  t_pass "the error names both profiles" || t_fail "the error does not name the profiles: $(cat "$work/.err")"
run_cmd r.out r.err as "Any" 2 "$ORTUNE" run "$model" --config gpu.yaml
[ "$rc" -eq 0 ] && t_pass "run with the cpu profile on a CPU-only machine: exit 0" || t_fail "run cpu profile: exit $rc $(cat r.err)"
expect_error "run on a simulated H100 builds the h100 (cuda) profile: no CUDA EP here" "$E_NOCUDA" gpu.yaml \
  env ORTUNE_TEST_GPU="NVIDIA H100 80GB HBM3;9.0;80;132" "$ORTUNE" run "$model" --config gpu.yaml

# ---- merges that must be refused ---------------------------------------------------------------------------------------
sed 's/model_sha256: "[0-9a-f]*"/model_sha256: "0000000000000000000000000000000000000000000000000000000000000000"/' b.yaml >other.yaml
expect_error "merge of configs for different models is refused, naming both files" "$E_CONFIG" - \
  "$ORTUNE" merge a.yaml other.yaml -o out.yaml
grep -q "a.yaml (cpu-xeon-a-4c).*other.yaml (cpu-epyc-b-16c)" "$work/.err" && [ ! -e out.yaml ] &&
  t_pass "the message names a.yaml and other.yaml; nothing written" || t_fail "merge conflict message: $(cat "$work/.err")"
cp a.yaml a2.yaml
expect_error "merge of two configs of the same machine is refused" "$E_CONFIG" - "$ORTUNE" merge a.yaml a2.yaml -o out.yaml
grep -q "prefer-newer" "$work/.err" && t_pass "the message names --prefer-newer" || t_fail "$(cat "$work/.err")"
run_cmd m.out m.err "$ORTUNE" merge a.yaml a2.yaml -o out.yaml --prefer-newer
[ "$rc" -eq 0 ] && grep -q ': 1 profiles: cpu-xeon-a-4c (a2.yaml)$' m.out && t_pass "--prefer-newer keeps one (the later input on a tie)" ||
  t_fail "--prefer-newer: exit $rc $(cat m.out m.err)"
expect_error "merge without -o is a usage error" "$E_USAGE" - "$ORTUNE" merge a.yaml b.yaml

# ---- explain --class ---------------------------------------------------------------------------------------------------
run_cmd e.out e.err "$ORTUNE" explain --class --config gpu.yaml
[ "$rc" -eq 0 ] && grep -q '^profile h100: ' e.out && grep -q 'guide for class high:' e.out &&
  grep -q '    enable_cuda_graph  *1  *this profile: 1 (agrees)' e.out && t_pass "explain --class: each profile next to the guide's class advice" ||
  t_fail "explain --class: exit $rc $(cat e.out e.err)"
run_cmd e.out e.err "$ORTUNE" explain --class --config fleet.yaml --json
pycheck "explain --class --json: the measured speedup of each tuned profile" e.out <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
names = [r["profile"] for r in rows]
assert names == ["cpu-xeon-a-4c", "cpu-epyc-b-16c", "cpu-core-c-8c", "default"], names
assert all("speedup" in r["measured"] for r in rows), rows
PY

t_summary
