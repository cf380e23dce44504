#!/bin/sh
# cli_safe.sh - what reaches the terminal or a JSON reader is safe: control characters from model, input and output
# names (and from arguments echoed in errors) are escaped; compare --json is valid JSON for paths with quotes.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

# a model whose input and output names carry an ANSI escape, a BEL and a newline
python3 - "$work/esc.onnx" "$data" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import make_models as mm
i, o = "x\x1b[31mred", "y\x07bell\nline"
open(sys.argv[1], "wb").write(mm.model([mm.node([i], [o], "Relu", "relu")], [mm.value_info(i, mm.FLOAT, [1, 2])],
                                       [mm.value_info(o, mm.FLOAT, [1, 2])], "esc", [("", 13)]))
PY
noctl() { # noctl NAME FILE: FILE has no control byte but newline
  if python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); sys.exit(any(c < 32 and c != 10 or c == 127 for c in b))' "$2"; then
    t_pass "$1"
  else t_fail "$1: $(od -c "$2" | head -n 3)"; fi
}
run_cmd "$work/o" "$work/e" "$ORTUNE" info "$work/esc.onnx"
[ "$rc" -eq 0 ] && grep -q 'x\\x1b\[31mred' "$work/o" && t_pass "info: escape shown as \\x1b" || t_fail "info: exit $rc $(cat "$work/e")"
noctl "info: no control characters on the terminal" "$work/o"
grep -q "bell line" "$work/o" && t_pass "info: a newline in a name stays on one line" ||
  t_fail "info newline: $(grep -n bell "$work/o")"
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$work/esc.onnx"
noctl "run: no control characters on the terminal" "$work/o"
run_cmd "$work/o" "$work/e" "$ORTUNE" run "$work/esc.onnx" --shape "$(printf 'z\033]0;title\007')=1x2"
[ "$rc" -eq "$E_USAGE" ] && [ "$(wc -l <"$work/e")" -eq 1 ] && t_pass "an error echoing names is one line" || t_fail "error: exit $rc $(cat "$work/e")"
noctl "error: no control characters on the terminal" "$work/e"
run_cmd "$work/o" "$work/e" "$ORTUNE" info "$work/esc.onnx" --json
pycheck "info --json keeps the names exactly" "$work/o" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["inputs"][0]["name"] == "x\x1b[31mred" and j["outputs"][0]["name"] == "y\x07bell\nline", j
PY

# compare --json: paths with quotes, backslashes and a tab are valid JSON, kept exactly
d=$work/'we"ird\dir	x'
mkdir -p "$d"
printf 'onnxruntime:\n  provider: cpu\n' >"$d/a\"b.yaml"
run_cmd "$work/o" "$work/e" "$ORTUNE" compare "$data/add2.onnx" --config "$d/a\"b.yaml" --rounds 2 --runs 1 --json
pycheck "compare --json: valid JSON with the path exactly" "$work/o" "$d/a\"b.yaml" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["configs"][0]["config"] == sys.argv[2] and j["against"] == "defaults", j
assert j["configs"][0]["outputs_match"] is True, j
PY
t_summary
