#!/bin/sh
# cli_man.sh - the generated man page, bash completion and --help all come from the option tables and cover them;
# docs/config.md covers every option of lib/runtime/options.c; docs/python.md's snippet compiles and maps docs/config.md's example.
# Env: ORTUNE (the built binary), ORTUNE_SRC (source dir).
set -eu

fail() { echo "fail: $*"; exit 1; }

ortune=${ORTUNE:?set ORTUNE to the built ortune binary}
src=${ORTUNE_SRC:?set ORTUNE_SRC to the source directory}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# The names the tables hold, read from the sources (not from the generators under test).
options=$(sed -n 's/^  {"\([^"]*\)",.*/\1/p' "$src/lib/runtime/options.c")
[ "$(echo "$options" | wc -l)" -ge 20 ] || fail "could not read the option names of lib/runtime/options.c"
common=$(awk '/^#define CLI_COMMON_INPUT_OPTS/ { on = 1 } on { print } on && !/\\$/ { exit }' "$src/src/cli.h" |
         sed -n 's/.*OPT_[A-Z]*("\([^"]*\)".*/\1/p')
[ -n "$common" ] || fail "could not read CLI_COMMON_INPUT_OPTS from src/cli.h"
# cmd_opts NAME: the --options of command NAME's table (src/cmd_NAME.c).
cmd_opts() {
  f=$src/src/cmd_$(echo "$1" | sed 's/^_//').c
  [ -f "$f" ] || fail "no $f for command $1"
  sed -n 's/.*OPT_[A-Z]*("\([^"]*\)".*/\1/p' "$f"
  if grep -q 'CLI_COMMON_INPUT_OPTS' "$f"; then echo "$common"; fi
}
# The visible commands, from `ortune --help`.
"$ortune" --help >"$work/usage.txt" || fail "ortune --help failed"
commands=$(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }' "$work/usage.txt")
[ "$(echo "$commands" | wc -l)" -ge 6 ] || fail "ortune --help lists too few commands: $commands"
for c in _man _completion _trial; do
  ! grep -q "^  $c " "$work/usage.txt" || fail "hidden command $c shows in ortune --help"
done

# roff_opt NAME: how the man page writes --NAME (hyphens as \-).
roff_opt() { printf '\\fB\\-\\-%s\\fR' "$(printf '%s' "$1" | sed 's/-/\\-/g')"; }

# 1. ortune _man: a well-formed page with a section per command, every option of every table.
"$ortune" _man >"$work/ortune.1" 2>"$work/man.err" || { cat "$work/man.err"; fail "ortune _man failed"; }
man1=$work/ortune.1
grep -q '^\.TH ORTUNE 1 ' "$man1" || fail "ortune.1: no .TH"
for s in NAME SYNOPSIS DESCRIPTION CONFIGURATION '"EXIT STATUS"' ENVIRONMENT FILES EXAMPLES '"SEE ALSO"'; do
  grep -q "^\.SH $s\$" "$man1" || fail "ortune.1: no .SH $s"
done
for c in $commands; do
  up=$(echo "$c" | tr '[:lower:]' '[:upper:]')
  grep -q "^\.SH \"ORTUNE $up\"\$" "$man1" || fail "ortune.1: no .SH for command $c"
  for o in $(cmd_opts "$c"); do
    grep -qF "$(roff_opt "$o")" "$man1" || fail "ortune.1: option --$o of $c missing"
  done
done
for o in $options; do
  grep -qF "\\fB$o\\fR" "$man1" || fail "ortune.1: config option $o (lib/runtime/options.c) missing from CONFIGURATION"
done
for n in $(sed -n 's/^  X([A-Z]*, \([0-9]*\), .*/\1/p' "$src/include/ortune.h") 143; do
  grep -qx "\.B $n" "$man1" || fail "ortune.1: exit status $n missing"
done
# Only the macros the generator means to use; text never starts a line with '.' or '\''.
bad=$(grep -E "^[.']" "$man1" | grep -vE '^\.(TH|SH|SS|TP|PP|RS|RE|nf|fi|br|B|I|BR|IR|UR|UE|\\")( |$)' || true)
[ -z "$bad" ] || fail "ortune.1: unexpected control lines: $bad"
! grep -n -- '[^\\]--' "$man1" | grep -v '^[0-9]*:\.' | grep -q . || fail "ortune.1: unescaped -- in text: $(grep -n -- '[^\\]--' "$man1" | head -3)"
if command -v groff >/dev/null 2>&1; then
  groff -man -Tutf8 -ww -z "$man1" 2>"$work/groff.err" || { cat "$work/groff.err"; fail "groff failed on ortune.1"; }
  [ ! -s "$work/groff.err" ] || { cat "$work/groff.err"; fail "groff warnings on ortune.1"; }
  if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 MANPAGER=cat PAGER=cat man --warnings -l "$man1" >"$work/man.txt" 2>"$work/man.err" || { cat "$work/man.err"; fail "man -l ortune.1 failed"; }
    [ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man --warnings: ortune.1 has warnings"; }
    grep -q -- '--provider cpu|cuda' "$work/man.txt" || fail "rendered ortune.1 lacks '--provider cpu|cuda'"
  fi
fi

# 2. ortune COMMAND --help lists every option of that command's table.
for c in $commands; do
  "$ortune" "$c" --help >"$work/help.txt" || fail "ortune $c --help failed"
  for o in $(cmd_opts "$c"); do
    grep -qE -- "^  --$o( |\$)" "$work/help.txt" || fail "ortune $c --help does not list --$o"
  done
done

# 3. ortune _completion bash: parses, knows every command and option, completes values.
"$ortune" _completion bash >"$work/ortune.bash" || fail "ortune _completion bash failed"
bash -n "$work/ortune.bash" || fail "the completion script does not parse (bash -n)"
! "$ortune" _completion zsh >/dev/null 2>&1 || fail "ortune _completion zsh should fail"
for c in $commands; do
  grep -qE "^    $c\)\$" "$work/ortune.bash" || fail "completion: no case for command $c"
  for o in $(cmd_opts "$c"); do
    grep -qF -- "--$o" "$work/ortune.bash" || fail "completion: --$o of $c missing"
  done
done
mkdir -p "$work/files/sub" && : >"$work/files/m.onnx" && : >"$work/files/r.json" && : >"$work/files/x.txt"
cat >"$work/complete.sh" <<'EOS'
. "$1"
cd "$2"
c() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ortune; echo "${COMPREPLY[*]}"; }
check() { want=$1; shift; got=$(c "$@"); [ "$got" = "$want" ] || { echo "fail: completing '$*': got '$got', want '$want'"; exit 1; }; }
check "tune" ortune tu
check "--provider" ortune tune --prov
check "cpu cuda" ortune tune --provider ""
check "cpu cuda" ortune run --provider =
check "cuda" ortune compare --provider = cu
check "host device" ortune tune --io ""
check "p50 p99 throughput startup" ortune tune --objective ""
check "staged grid" ortune tune --strategy ""
check "seed14 cpu cuda cuda-core full" ortune tune --space ""
check "cuda cuda-core" ortune tune --list-space cu
check "en ko" ortune explain --lang ""
check "intra_op_num_threads" ortune explain intra
check "gpu_mem_limit gpu_mem_limit_gb" ortune explain gpu_mem_limit
check "sub m.onnx" ortune tune ""
check "sub r.json" ortune report ""
check "sub" ortune run --save-outputs ""
check "" ortune tune --budget ""
check "tune" ortune help tu
EOS
bash "$work/complete.sh" "$work/ortune.bash" "$work/files" || fail "completion does not complete as expected"

# 4. docs/config.md documents every option of lib/runtime/options.c (and the non-table keys).
for o in $options gpu_mem_limit_gb free_dimension_overrides provenance; do
  grep -qF "\`$o\`" "$src/docs/config.md" || fail "docs/config.md does not document \`$o\`"
done

# 5. docs/python.md: the snippet compiles, and with a stand-in onnxruntime module it maps config.md's example file.
command -v python3 >/dev/null 2>&1 || { echo "ok (python3 not installed: docs/python.md not checked)"; exit 0; }
awk '/^## Plain ONNX Runtime/ { sec = 1 } sec && /^```python$/ { n++; if (n == 1) { on = 1; next } } on && /^```$/ { exit } on { print }' "$src/docs/python.md" >"$work/snippet.py"
[ -s "$work/snippet.py" ] || fail "no python block in docs/python.md"
python3 -m py_compile "$work/snippet.py" || fail "the snippet of docs/python.md does not compile"
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "ok (PyYAML not installed: the snippet of docs/python.md compiled but did not run)"
  exit 0
fi
mkdir -p "$work/py/onnxruntime"
cat >"$work/py/onnxruntime/__init__.py" <<'EOS'
"""A stand-in for onnxruntime that records what the snippet does."""
import enum
GraphOptimizationLevel = enum.Enum("GraphOptimizationLevel", "ORT_DISABLE_ALL ORT_ENABLE_BASIC ORT_ENABLE_EXTENDED ORT_ENABLE_LAYOUT ORT_ENABLE_ALL")
ExecutionMode = enum.Enum("ExecutionMode", "ORT_SEQUENTIAL ORT_PARALLEL")
class SessionOptions:
    def __init__(self):
        self.entries, self.free_dims = {}, {}
    def add_session_config_entry(self, k, v):
        assert isinstance(v, str), (k, v)
        self.entries[k] = v
    def add_free_dimension_override_by_name(self, k, v):
        assert isinstance(v, int), (k, v)
        self.free_dims[k] = v
sessions = []
class InferenceSession:
    def __init__(self, path, sess_options=None, providers=None):
        sessions.append((path, sess_options, providers))
EOS
awk '/^```yaml$/ { n++; if (n == 1) { on = 1; next } } on && /^```$/ { exit } on { print }' "$src/docs/config.md" >"$work/py/config.yaml"
sed -i 's/^  gpu_mem_limit: .*/  gpu_mem_limit_gb: 8/' "$work/py/config.yaml"
[ -s "$work/py/config.yaml" ] || fail "no yaml block in docs/config.md"
cat >"$work/py/check.py" <<'EOS'
import runpy
import onnxruntime as ort
runpy.run_path("snippet.py")
path, so, providers = ort.sessions[-1]
assert path == "model.onnx", path
assert so.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_ALL
assert so.intra_op_num_threads == 4
assert so.entries == {"session.intra_op.allow_spinning": "0"}, so.entries
assert so.free_dims == {"p2o.DynamicDimension.0": 1, "p2o.DynamicDimension.1": 640, "p2o.DynamicDimension.2": 640}, so.free_dims
assert providers[1:] == ["CPUExecutionProvider"], providers
name, cuda = providers[0]
assert name == "CUDAExecutionProvider"
assert cuda == {"cudnn_conv_algo_search": "HEURISTIC", "device_id": "0", "enable_cuda_graph": "1",
                "gpu_mem_limit": "8589934592", "prefer_nhwc": "1"}, cuda
# the other spellings ortune accepts
import yaml
snippet = runpy.run_path("snippet.py")
for text, want in (("8GiB", "8589934592"), ("512MiB", "536870912"), ("1.5G", "1610612736"), ("4096", "4096")):
    with open("config.yaml", "w") as f:
        yaml.safe_dump({"onnxruntime": {"provider": "cuda", "gpu_mem_limit": text, "use_tf32": True,
                                        "execution_mode": "ORT_PARALLEL", "enable_mem_pattern": "off"}}, f)
    so, providers = snippet["session_args"]("config.yaml")
    assert providers[0][1] == {"gpu_mem_limit": want, "use_tf32": "1"}, providers
    assert so.execution_mode == ort.ExecutionMode.ORT_PARALLEL and so.enable_mem_pattern is False
with open("config.yaml", "w") as f:
    f.write("onnxruntime:\n  provider: cpu\n  gpu_mem_limit: max\n  io: host\n  provenance:\n    tool: x\n")
so, providers = snippet["session_args"]("config.yaml")
assert providers == ["CPUExecutionProvider"], providers
# a file with profiles: the default by itself, a profile by name (it stands alone)
with open("config.yaml", "w") as f:
    f.write("onnxruntime:\n  provider: cpu\n  profiles:\n    h100:\n      match: {gpu: x, compute_capability: '9.0'}\n"
            "      provider: cuda\n      prefer_nhwc: 1\n")
so, providers = snippet["session_args"]("config.yaml")
assert providers == ["CPUExecutionProvider"], providers
so, providers = snippet["session_args"]("config.yaml", profile="h100")
assert providers[0] == ("CUDAExecutionProvider", {"prefer_nhwc": "1"}), providers
EOS
cp "$work/snippet.py" "$work/py/snippet.py"
(cd "$work/py" && PYTHONPATH="$work/py" python3 check.py) || fail "the snippet of docs/python.md does not map docs/config.md's example as documented"

echo "ok: ortune.1 ($(grep -c '^\.SH' "$man1") sections), completion and --help cover $(echo "$commands" | wc -l) commands; docs checked"
