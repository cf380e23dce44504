#!/bin/sh
# cli_valgrind.sh - `ortune tune` of a small model on the CPU under valgrind memcheck, the tuner and every
# trial child it starts: no invalid read/write, no use of uninitialised memory, no definite leak in ortune's
# code. ONNX Runtime's own leaks are suppressed by tests/valgrind.supp (each entry says why).
# Skips (77) without valgrind or a C compiler, or when the binary is built with ASan (ORTUNE_SANITIZE).
# Takes about a minute on 2 cores. Env: ORTUNE (the built binary), ORTUNE_SRC (source dir).
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

command -v valgrind >/dev/null 2>&1 || { echo "skip: valgrind is not installed (apt-get install valgrind)"; exit 77; }
if grep -q __asan_init "$ORTUNE" 2>/dev/null; then
  echo "skip: $ORTUNE is built with AddressSanitizer, which cannot run under valgrind"
  exit 77
fi
model=$data/add2.onnx
[ -f "$model" ] || model=/usr/share/libonnx-testdata/data/node/test_add/model.onnx
[ -f "$model" ] || { echo "skip: no small model (tests/data/add2.onnx or libonnx-testdata)"; exit 77; }

# tune starts each trial with execl("/proc/self/exe", ...). Under valgrind that path names valgrind's
# own tool binary, so the child fails ("You should use $prefix/bin/valgrind"). This preloaded shim
# resolves it with readlink(), which valgrind answers with the client program, before exec'ing; it
# does nothing for any other path.
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || { echo "skip: no C compiler to build the exec shim"; exit 77; }
cat >"$work/shim.c" <<'EOF'
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
int execl(const char *path, const char *arg, ...) {
  char *argv[64], real[4096];
  int n = 0;
  va_list ap;
  va_start(ap, arg);
  for (const char *a = arg; a && n < 63; a = va_arg(ap, const char *)) argv[n++] = (char *)a;
  va_end(ap);
  argv[n] = NULL;
  if (strcmp(path, "/proc/self/exe") == 0) {
    ssize_t k = readlink(path, real, sizeof real - 1);
    if (k > 0) { real[k] = 0; path = real; }
  }
  return execv(path, argv);
}
EOF
"$cc" -shared -fPIC -O1 -o "$work/shim.so" "$work/shim.c" || { t_fail "cannot build the exec shim"; t_summary; }

# vg NAME ARGS...: run ortune ARGS under memcheck (children too), one log per process in $work/NAME/.
vg() {
  name=$1
  shift
  mkdir -p "$work/$name"
  LD_PRELOAD=$work/shim.so valgrind --leak-check=full --errors-for-leak-kinds=definite,possible \
    --error-exitcode=99 --trace-children=yes --num-callers=40 \
    --suppressions="$ORTUNE_SRC/tests/valgrind.supp" --log-file="$work/$name/vg.%p.log" \
    "$ORTUNE" "$@" >"$work/$name/out.txt" 2>&1
}

# check NAME RC: the run finished, every process it traced is clean, trials really ran under valgrind.
check() {
  name=$1 rc=$2
  if [ "$rc" -ne 0 ]; then
    t_fail "$name: exit $rc (99: memcheck errors in the tuner)"
    tail -20 "$work/$name/out.txt"
  else
    t_pass "$name: exit 0"
  fi
  nproc=$(ls "$work/$name"/vg.*.log 2>/dev/null | wc -l)
  ntrial=$(grep -l 'Command: .* _trial ' "$work/$name"/vg.*.log 2>/dev/null | wc -l)
  if [ "$ntrial" -ge 2 ]; then t_pass "$name: $ntrial trial children ran under memcheck ($nproc processes)"
  else t_fail "$name: only $ntrial trial children under memcheck: $(tail -3 "$work/$name/out.txt")"
  fi
  bad=0
  for log in "$work/$name"/vg.*.log; do
    # leaks of the kinds above count as errors; suppressed ones (tests/valgrind.supp) do not
    grep -q 'ERROR SUMMARY: 0 errors' "$log" && continue
    bad=$((bad + 1))
    echo "---- $log"
    grep -m1 'Command:' "$log"
    grep -v 'Command:\|Parent PID\|Copyright\|Memcheck, a memory\|Using Valgrind' "$log" | grep -v '^==[0-9]*== $' | head -80
  done
  if [ "$bad" -eq 0 ]; then t_pass "$name: memcheck clean in all $nproc processes"
  else t_fail "$name: memcheck errors in $bad of $nproc processes (logs above)"
  fi
}

common="--space cpu --max-trials 2 --duration 0.1 --ab-rounds 2 --ab-runs 2"
# shellcheck disable=SC2086
vg dry tune "$model" $common --dry-run
check dry $?

# the same, writing config.yaml (the splice writer) next to a user key that must survive
printf 'app:\n  keep: me  # a comment\n' >"$work/config.yaml"
# shellcheck disable=SC2086
vg write tune "$model" $common --config "$work/config.yaml"
check write $?
if grep -q '^  keep: me  # a comment$' "$work/config.yaml" && grep -q '^onnxruntime:' "$work/config.yaml"; then
  t_pass "write: config.yaml written, the user's key kept"
else
  t_fail "write: config.yaml not as expected: $(cat "$work/config.yaml")"
fi
t_summary
