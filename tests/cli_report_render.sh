#!/bin/sh
# cli_report_render.sh - render test_report's sample HTML report in headless Chromium: every plot reaches the DOM, the page paints.
# Env: ORTUNE_BUILD (build dir, holding tests/test_report). Exit 77 (skip) when no Chromium is installed.
set -eu

fail() { echo "fail: $*"; exit 1; }

build=${ORTUNE_BUILD:?set ORTUNE_BUILD to the build directory}
case "$build" in /*) ;; *) build=$(pwd)/$build ;; esac
test_bin=$build/tests/test_report

browser=
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "skipped: chromium not installed (apt-get install chromium)"
  exit 77
fi
[ -x "$test_bin" ] || fail "$test_bin is not built: build the test_report target first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

report=$build/tests/sample_report.html
rm -f "$report"
ORTUNE_SAMPLE_REPORT=$report "$test_bin" >"$work/test.log" 2>&1 || { cat "$work/test.log"; fail "test_report failed"; }
[ -s "$report" ] || fail "test_report wrote no $report"

# run_browser NAME ARGS...: headless, offline, a fresh profile per run; stderr kept for failures.
run_browser() {
  name=$1; shift
  timeout 180 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile-$name" "$@" 2>"$work/$name.log" || { cat "$work/$name.log"; fail "$browser ($name) failed"; }
}

# 1. The DOM after parsing holds every plot's <svg>, as many as the file has.
run_browser dom --dump-dom "file://$report" >"$work/dom.html"
in_file=$(grep -o '<svg class="plot' "$report" | wc -l)
in_dom=$(grep -o '<svg class="plot' "$work/dom.html" | wc -l)
[ "$in_file" -ge 3 ] || fail "only $in_file plots in $report"
[ "$in_dom" -eq "$in_file" ] || fail "$in_dom of the $in_file plot SVGs reached the DOM"
for id in provenance summary latency speedup pareto impact failures trials; do
  grep -q "<section id=\"$id\">" "$work/dom.html" || fail "section #$id missing from the DOM"
done
for id in latency speedup pareto impact; do
  awk -v id="$id" 'index($0, "<section id=\"" id "\">") { on = 1 }
                   on && /<svg/ { found = 1 }
                   on && /<\/section>/ { on = 0 }
                   END { exit !found }' "$work/dom.html" || fail "no <svg> in section #$id of the DOM"
done

# 2. It paints: a screenshot with real content (a blank page compresses to a few KB).
run_browser shot --screenshot="$work/shot.png" --window-size=1200,3000 "file://$report"
size=$(wc -c <"$work/shot.png")
[ "$size" -gt 20480 ] || fail "screenshot is only $size bytes: the report did not render"
cp "$work/shot.png" "$build/tests/sample_report.png"
echo "ok: $in_dom plots in the DOM, screenshot $size bytes ($build/tests/sample_report.png)"
