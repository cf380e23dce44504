#!/bin/sh
# cli_guide_docs.sh - the committed pages docs/parameters.md and docs/parameters.ko.md are what tools/guidegen.c makes
# of docs/parameters/{en,ko}/ (the build generates them into build/generated/), and the generator refuses data that
# would let the two languages drift or break the file convention.
. "$(dirname "$0")/lib.sh"
gen=$ORTUNE_BUILD/generated
for page in parameters.md parameters.ko.md; do
  if [ ! -f "$gen/$page" ]; then
    t_fail "$gen/$page was not generated: build first (cmake --build build)"
  elif cmp -s "$gen/$page" "$ORTUNE_SRC/docs/$page"; then
    t_pass "docs/$page is what docs/parameters/ generates"
  else
    t_fail "docs/$page differs from what docs/parameters/ generates: run 'cmake --build build --target parameters-docs' and commit docs/$page ($(diff "$ORTUNE_SRC/docs/$page" "$gen/$page" | grep -c '^[<>]') lines differ)"
  fi
done
# the generator's refusals, on a copy of the data
guidegen=$ORTUNE_BUILD/guidegen
[ -x "$guidegen" ] || { t_fail "$guidegen not built"; t_summary; }
refuses() { # WHAT PATTERN: guidegen on $work/data fails naming PATTERN, and leaves no output
  rm -f "$work/out.c" "$work/en.md" "$work/ko.md"
  if "$guidegen" "$work/data" "$work/out.c" "$work/en.md" "$work/ko.md" 2>"$work/err"; then
    t_fail "$1: guidegen accepted it"
  elif ! grep -q "$2" "$work/err" || [ "$(wc -l <"$work/err")" -ne 1 ]; then
    t_fail "$1: not a one-line error naming '$2': $(cat "$work/err")"
  elif [ -e "$work/out.c" ] || [ -e "$work/en.md" ]; then
    t_fail "$1: output written anyway"
  else
    t_pass "$1 refused: $(cat "$work/err")"
  fi
  rm -rf "$work/data"
  cp -R "$ORTUNE_SRC/docs/parameters" "$work/data"
}
cp -R "$ORTUNE_SRC/docs/parameters" "$work/data"
"$guidegen" "$work/data" "$work/out.c" "$work/en.md" "$work/ko.md" 2>"$work/err" && t_pass "the committed data generates" ||
  t_fail "the committed data does not generate: $(cat "$work/err")"
rm "$work/data/ko/io.md"
refuses "an option with no Korean file" "ko/io.md"
cp "$work/data/en/io.md" "$work/data/en/io2.md"; cp "$work/data/ko/io.md" "$work/data/ko/io2.md"
refuses "a file whose heading is not its name" 'must be "# io2"'
printf '# io\n\nno summary\n' >"$work/data/en/io.md"
refuses "a file without its summary line" "one-line summary"
printf '# io\nWhere inputs live.\n\nno header here\n' >"$work/data/en/io.md"
refuses "a body without its Scope/Values/Default header" "three"
rm "$work/data/en/_intro.md"
refuses "a language without its intro" "_intro.md"
t_summary
