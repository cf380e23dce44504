#!/bin/sh
# cli_layers.sh - lib/runtime's modules call each other without a circle (docs/ARCHITECTURE.md draws the graph): who
# calls whom is read from the built objects (an undefined ortune_* symbol that another module defines), and tsort
# refuses a loop. runner.c and runner_graph.c are one module in two files (runner_impl.h) and count as one.
# lib/tune's modules too: no circle, and the child side of a trial (trial.c, measure.c) calls nothing of the parent
# (tune, tuner, search, launch, final, impact, winner).
. "$(dirname "$0")/lib.sh"
objs=$ORTUNE_BUILD/CMakeFiles/ortune_obj.dir/lib/runtime
ls "$objs"/*.o >/dev/null 2>&1 || { t_fail "no objects under $objs: build first"; t_summary; }
command -v nm >/dev/null 2>&1 && command -v tsort >/dev/null 2>&1 || { echo "skipped: nm or tsort missing"; exit 77; }
mod() { basename "$1" .c.o | sed 's/^runner_graph$/runner/'; }
# edges DIR OUT: "caller callee" for every ortune_* symbol an object of DIR uses that another object of DIR defines
edges() {
  for o in "$1"/*.o; do
    nm --defined-only "$o" | awk -v m="$(mod "$o")" '$2 ~ /^[TDBR]$/ && $3 ~ /^ortune_/ { print $3, m }'
  done | sort >"$2.defs"
  for o in "$1"/*.o; do
    nm -u "$o" | awk -v m="$(mod "$o")" '$2 ~ /^ortune_/ { print $2, m }'
  done | sort >"$2.uses"
  join "$2.uses" "$2.defs" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$2"
}
edges "$objs" "$work/edges"
[ -s "$work/edges" ] || t_fail "no calls between modules found: the object files were not read"
if tsort "$work/edges" >/dev/null 2>"$work/loop"; then
  t_pass "lib/runtime: $(wc -l <"$work/edges") calls between modules, no circle"
else
  t_fail "lib/runtime modules call each other in a circle ($(tr '\n' ' ' <"$work/loop")); edges: $(tr '\n' ';' <"$work/edges")"
fi
if awk '$1 == "error"' "$work/edges" | grep -q .; then
  t_fail "error.c calls other modules ($(awk '$1 == "error" { print $2 }' "$work/edges" | tr '\n' ' ')): it must stay a leaf"
else
  t_pass "error.c is a leaf: every module reports through it"
fi

# lib/tune: the same read of the objects of libortune_tools
tobjs=$ORTUNE_BUILD/CMakeFiles/ortune_tools.dir/lib/tune
if ls "$tobjs"/*.o >/dev/null 2>&1; then
  edges "$tobjs" "$work/tedges"
  grep -q '^tune search$' "$work/tedges" || t_fail "lib/tune: tune.c does not call search.c: the objects were not read"
  if tsort "$work/tedges" >/dev/null 2>"$work/tloop"; then
    t_pass "lib/tune: $(wc -l <"$work/tedges") calls between modules, no circle"
  else
    t_fail "lib/tune modules call each other in a circle ($(tr '\n' ' ' <"$work/tloop")); edges: $(tr '\n' ';' <"$work/tedges")"
  fi
  up=$(awk '($1 == "trial" || $1 == "measure") && $2 ~ /^(tune|tuner|search|launch|final|impact|winner)$/ { print $1 "->" $2 }' "$work/tedges")
  if [ -n "$up" ]; then
    t_fail "the child side of a trial calls into the parent ($(echo $up)): trial.c and measure.c stay below the tuner"
  else
    t_pass "lib/tune: the child (trial.c, measure.c) calls nothing of the parent"
  fi
else
  t_fail "no objects under $tobjs: build first"
fi
t_summary
