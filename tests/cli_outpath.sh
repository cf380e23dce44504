#!/bin/sh
# cli_outpath.sh - the output-path guard (lib/runtime/outpath.c) through every writer of the CLI: tune --config,
# --results, --csv, --report; report --output; run --save-outputs. An output that is the same file as the model,
# the config, an input or another output (also through a symlink or a hard link) is refused with exit 2
# (EUSAGE), one line on stderr, and every file byte for byte as it was; an output that is not a regular file
# (/dev/null, a directory) with exit 3 (EIO); an existing file that ortune did not write is replaced only with
# --force; ortune's own earlier outputs are replaced; an unwritable --results fails before the first trial.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

cd "$work" || exit 1
cp "$data/add2.onnx" m.onnx
cp -r "$data/add2_data" refs
write_config c.yaml
quick="--max-trials 1 --duration 0.05 --min-runs 3 --ab-rounds 2 --ab-runs 2 --quiet"
sums() { cksum m.onnx c.yaml refs/*.pb 2>/dev/null; }

# refuse NAME CMD...: exit 2, one stderr line naming the problem, the model, config and refs unchanged, and none of
# the files listed in $absent created
refuse() {
  _n=$1
  shift
  sums >"$work/.sums"
  expect_error "$_n" $E_USAGE c.yaml "$@"
  sums | cmp -s - "$work/.sums" || t_fail "$_n: the model, config or a reference file changed"
  for f in $absent; do [ ! -e "$f" ] || t_fail "$_n: $f was created"; done
}
absent="r.json r.csv r.html"

# ---- same file as an input or another output -------------------------------------------------------------------------
refuse "tune --results model.onnx" "$ORTUNE" tune m.onnx --config c.yaml --results m.onnx $quick
grep -q 'same file as the model' .err && t_pass "... the message names the model" || t_fail "message: $(cat .err)"
refuse "tune --results model.onnx --force (force never allows an input)" "$ORTUNE" tune m.onnx --config c.yaml --results m.onnx --force $quick
refuse "tune --results config.yaml" "$ORTUNE" tune m.onnx --config c.yaml --results c.yaml $quick
refuse "tune --csv config.yaml" "$ORTUNE" tune m.onnx --config c.yaml --csv c.yaml $quick
refuse "tune --report config.yaml" "$ORTUNE" tune m.onnx --config c.yaml --report c.yaml $quick
refuse "tune --config model.onnx" "$ORTUNE" tune m.onnx --config m.onnx $quick
refuse "tune --csv = --results" "$ORTUNE" tune m.onnx --config c.yaml --results r.json --csv r.json $quick
refuse "tune --report = --csv, via ./" "$ORTUNE" tune m.onnx --config c.yaml --csv r.csv --report ./r.csv $quick
ln -s m.onnx link.json
refuse "tune --results symlink-to-model" "$ORTUNE" tune m.onnx --config c.yaml --results link.json $quick
ln m.onnx hard.json
refuse "tune --results hard-link-of-model" "$ORTUNE" tune m.onnx --config c.yaml --results hard.json $quick
refuse "tune --results = --input file" "$ORTUNE" tune m.onnx --config c.yaml --input refs/input_0.pb --input refs/input_1.pb \
  --results refs/input_1.pb $quick
expect_error "tune --results /dev/null (not a regular file: EIO)" $E_IO c.yaml "$ORTUNE" tune m.onnx --config c.yaml --results /dev/null $quick
mkdir adir
expect_error "tune --results DIR (EIO)" $E_IO c.yaml "$ORTUNE" tune m.onnx --config c.yaml --results adir $quick

# ---- existing files that are not ortune's ----------------------------------------------------------------------------
echo "my notes" >notes.txt
cp notes.txt notes.orig
refuse "tune --results over someone's file" "$ORTUNE" tune m.onnx --config c.yaml --results notes.txt $quick
refuse "tune --csv over someone's file" "$ORTUNE" tune m.onnx --config c.yaml --csv notes.txt $quick
refuse "tune --report over someone's file" "$ORTUNE" tune m.onnx --config c.yaml --report notes.txt $quick
cmp -s notes.txt notes.orig && t_pass "someone's file kept" || t_fail "notes.txt changed"

# ---- tune --resume reads --results first: a damaged one is the results reader's to name, not "not ortune's" ------------
echo '[1, 2]' >damaged.json
run_cmd .out .err "$ORTUNE" tune m.onnx --config c.yaml --results damaged.json --resume $quick
[ "$rc" -ne $E_USAGE ] && ! grep -q 'is not an ortune results file' .err && t_pass "--resume: a damaged --results reaches the reader (exit $rc)" ||
  t_fail "--resume with a damaged --results: exit $rc: $(cat .err)"
refuse "--resume --results = model still refused" "$ORTUNE" tune m.onnx --config c.yaml --results m.onnx --resume $quick

# ---- unwritable --results: up front, before any trial ----------------------------------------------------------------
mkdir tmpx
expect_error "tune --results in a missing directory" $E_IO c.yaml env TMPDIR="$work/tmpx" "$ORTUNE" tune m.onnx --config c.yaml \
  --results nodir/r.json $quick
grep -q 'nodir/r.json' .err && t_pass "... names the path" || t_fail "message: $(cat .err)"
[ -z "$(ls tmpx)" ] && t_pass "... before any trial (no work dir made)" || t_fail "a tune started: $(ls tmpx)"
expect_error "tune --csv in a missing directory" $E_IO c.yaml "$ORTUNE" tune m.onnx --config c.yaml --csv nodir/r.csv $quick
if no_dac_ok; then
  echo '{"ortune_version": "0"}' >ro.json
  chmod 444 ro.json
  expect_error "tune --results read-only file" $E_IO c.yaml no_dac "$ORTUNE" tune m.onnx --config c.yaml --results ro.json $quick
  chmod 644 ro.json
fi

# ---- a tune writes all outputs; a second tune may replace ortune's own outputs ----------------------------------------
if "$ORTUNE" tune m.onnx --config c.yaml --results r.json --csv r.csv --report r.html $quick >/dev/null 2>.err &&
   [ -s r.json ] && [ -s r.csv ] && [ -s r.html ]; then
  t_pass "tune writes --results, --csv, --report"
else
  t_fail "tune with all outputs: $(cat .err)"
fi
cp r.json r1.json
if "$ORTUNE" tune m.onnx --config c.yaml --results r.json --csv r.csv --report r.html $quick >/dev/null 2>.err; then
  t_pass "a second tune replaces ortune's own results, CSV and report"
else
  t_fail "second tune: $(cat .err)"
fi
if "$ORTUNE" tune m.onnx --config c.yaml --results notes.txt --force $quick >/dev/null 2>.err && grep -q ortune_version notes.txt; then
  t_pass "--force replaces someone's file"
else
  t_fail "--force: $(cat .err)"
fi

# ---- a symlinked config.yaml: its target is updated, the link stays (also when the link's directory is read-only) ------
mkdir real lnk
write_config real/c.yaml
ln -s ../real/c.yaml lnk/c.yaml
if "$ORTUNE" tune m.onnx --config lnk/c.yaml $quick >/dev/null 2>.err && [ -L lnk/c.yaml ] && grep -q provenance real/c.yaml &&
   grep -q 'replicas: 3' real/c.yaml && [ -z "$(ls real lnk | grep '\.tmp\.')" ]; then
  t_pass "tune --config SYMLINK: the target is rewritten (user keys kept), the link stays, no temp file"
else
  t_fail "tune --config SYMLINK: $(cat .err); $(ls -l lnk)"
fi
if ro_dir_ok; then
  in_ro_dir "$work/lnk" "$ORTUNE" tune m.onnx --config lnk/c.yaml $quick >/dev/null 2>.err
  rc=$?
  [ "$rc" -eq 0 ] && [ -L lnk/c.yaml ] && t_pass "tune --config SYMLINK in a read-only dir: written where the link points" ||
    t_fail "tune --config SYMLINK in a read-only dir: exit $rc: $(cat .err)"
else
  t_skip "read-only directory: cannot make one here"
fi

# ---- report --output --------------------------------------------------------------------------------------------------
cp r1.json in.json
absent=""
refuse "report --output its own input" "$ORTUNE" report in.json --output in.json
cmp -s in.json r1.json && t_pass "report input kept" || t_fail "report input changed"
echo "<html>mine</html>" >page.html
refuse "report --output over someone's html" "$ORTUNE" report in.json --output page.html
"$ORTUNE" report in.json --output r.html >/dev/null 2>.err && t_pass "report replaces ortune's own report" ||
  t_fail "report over its own report: $(cat .err)"
"$ORTUNE" report in.json --output page.html --force >/dev/null 2>.err && grep -q '<title>ortune report' page.html &&
  t_pass "report --force replaces someone's html" || t_fail "report --force: $(cat .err)"

# ---- run --save-outputs -----------------------------------------------------------------------------------------------
refuse "run --save-outputs into the --check dir (the references)" "$ORTUNE" run m.onnx --check refs --save-outputs refs
mkdir other
cp refs/output_0.pb other/output_0.pb
refuse "run --save-outputs over a .pb ortune did not write" "$ORTUNE" run m.onnx --input refs/input_0.pb --input refs/input_1.pb \
  --save-outputs other
if "$ORTUNE" run m.onnx --input refs/input_0.pb --input refs/input_1.pb --save-outputs out >/dev/null 2>.err &&
   "$ORTUNE" run m.onnx --input refs/input_0.pb --input refs/input_1.pb --save-outputs out >/dev/null 2>>.err; then
  t_pass "run --save-outputs replaces its own earlier outputs"
else
  t_fail "run --save-outputs twice: $(cat .err)"
fi
cp refs/input_*.pb out/
"$ORTUNE" run m.onnx --check out >/dev/null 2>.err && t_pass "saved outputs (with ortune's marker) read back as references" ||
  t_fail "run --check on saved outputs: $(cat .err)"
"$ORTUNE" run m.onnx --input refs/input_0.pb --input refs/input_1.pb --save-outputs other --force >/dev/null 2>.err &&
  t_pass "run --save-outputs --force" || t_fail "run --save-outputs --force: $(cat .err)"
mkdir npy
echo "my array" >npy/output_0.npy
refuse "run --save-outputs over a .npy ortune did not write" "$ORTUNE" run m.onnx --input refs/input_0.pb --input refs/input_1.pb \
  --save-outputs npy
[ "$(cat npy/output_0.npy)" = "my array" ] && [ ! -e npy/output_0.pb ] && t_pass "... the .npy kept, nothing written" ||
  t_fail "the foreign .npy changed or a .pb was written"
[ -e out/output_0.npy ] && t_pass "ortune's own .npy (beside its .pb) was replaced above" || t_skip "this build writes no .npy"
t_summary
