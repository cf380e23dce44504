#!/bin/sh
# cli_fresh.sh - the build of scripts/demo on a machine without the test packages: with cmocka hidden from
# pkg-config (PKG_CONFIG_LIBDIR = a dir holding only yaml-0.1.pc, libcjson.pc, libcrypto.pc, libprotobuf-c.pc), a configure of
# this source tree with -DBUILD_TESTING=OFF and its build succeed and give a working ortune; the same configure
# with the tests on fails with one clear message naming cmocka and the way out. Also checks that scripts/demo
# configures with -DBUILD_TESTING=OFF and that scripts/test turns the tests back on.
# Env: ORTUNE_SRC. Skipped (77) when the build's packages or the cached ONNX Runtime are not there.
. "${ORTUNE_SRC:-$(dirname "$0")/..}/tests/lib.sh"

pc=$work/pc
mkdir -p "$pc"
for m in yaml-0.1 libcjson libcrypto libprotobuf-c; do
  d=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null) || { echo "skip: pkg-config has no $m"; exit 77; }
  cp "$d/$m.pc" "$pc/"
done
ort=$(sh "$ORTUNE_SRC/scripts/fetch-onnxruntime" --print-root 2>/dev/null) || { echo "skip: no cached ONNX Runtime"; exit 77; }

if PKG_CONFIG_LIBDIR=$pc PKG_CONFIG_PATH= pkg-config --exists cmocka; then
  t_fail "cmocka is still visible with PKG_CONFIG_LIBDIR=$pc"
else
  t_pass "cmocka hidden from pkg-config"
fi

# with the tests: fails at configure, naming cmocka, the package and -DBUILD_TESTING=OFF
PKG_CONFIG_LIBDIR=$pc PKG_CONFIG_PATH= cmake -S "$ORTUNE_SRC" -B "$work/with-tests" -DORT_ROOT="$ort" \
  -DBUILD_TESTING=ON >"$work/cfg1.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'the tests need cmocka' "$work/cfg1.out" && grep -q 'libcmocka-dev' "$work/cfg1.out" &&
   grep -q -- '-DBUILD_TESTING=OFF' "$work/cfg1.out"; then
  t_pass "configure with tests and no cmocka fails with a clear message (exit $rc)"
else
  t_fail "configure with tests and no cmocka: exit $rc; $(grep -i 'error\|cmocka' "$work/cfg1.out" | head -n 3)"
fi

# without the tests: configure and build succeed, and the binary runs
b=$work/no-tests
if PKG_CONFIG_LIBDIR=$pc PKG_CONFIG_PATH= cmake -S "$ORTUNE_SRC" -B "$b" -DORT_ROOT="$ort" -DBUILD_TESTING=OFF \
     >"$work/cfg2.out" 2>&1; then
  t_pass "configure with -DBUILD_TESTING=OFF and no cmocka"
  if nice cmake --build "$b" -j2 >"$work/build.out" 2>&1; then
    t_pass "build with -DBUILD_TESTING=OFF and no cmocka"
    if "$b/ortune" info "$data/add2.onnx" >"$work/info.out" 2>&1; then
      t_pass "the fresh build's ortune runs (ortune info)"
    else
      t_fail "the fresh build's ortune info failed: $(tail -n 2 "$work/info.out")"
    fi
    [ -z "$(find "$b" -name 'test_*' -type f -perm -u+x)" ] && t_pass "no test executables built" ||
      t_fail "test executables were built with BUILD_TESTING=OFF"
  else
    t_fail "build with -DBUILD_TESTING=OFF: $(grep -i error "$work/build.out" | head -n 3)"
  fi
else
  t_fail "configure with -DBUILD_TESTING=OFF and no cmocka: $(grep -i error "$work/cfg2.out" | head -n 3)"
fi

# the scripts use those settings
grep -q 'cmake -S . -B build -DBUILD_TESTING=OFF' "$ORTUNE_SRC/scripts/demo" && t_pass "scripts/demo builds without the tests" ||
  t_fail "scripts/demo does not configure with -DBUILD_TESTING=OFF"
grep -q 'cmake .*-DBUILD_TESTING=ON' "$ORTUNE_SRC/scripts/test" && t_pass "scripts/test turns the tests on (after a demo build)" ||
  t_fail "scripts/test does not configure with -DBUILD_TESTING=ON"
grep -q 'scripts/demo" --budget' "$ORTUNE_SRC/.ci/run" && t_pass ".ci/run runs the demo with a short budget" ||
  t_fail ".ci/run does not run scripts/demo --budget"
t_summary
