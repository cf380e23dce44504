#!/bin/sh
# cli_install.sh - `cmake --install` into a temp prefix, then build examples/runner.c against the installed library
# (pkg-config, and a CMake project with find_package(ortune): shared and static) and run it on a real model.
# Env: ORTUNE_SRC (source dir), ORTUNE_BUILD (build dir). Exit 77 (skip) when no model can be fetched.
set -eu

fail() { echo "fail: $*"; exit 1; }

src=${ORTUNE_SRC:?set ORTUNE_SRC to the source directory}
build=${ORTUNE_BUILD:?set ORTUNE_BUILD to the build directory}
case "$build" in /*) ;; *) build=$(pwd)/$build ;; esac
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || fail "no C compiler ($cc)"
command -v pkg-config >/dev/null 2>&1 || fail "pkg-config not installed"

# A sanitizer build's libortune needs the sanitizer runtime in the programs linked against it too.
san=
if grep -q '^ORTUNE_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  san="-fsanitize=address,undefined"
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
prefix=$work/prefix
unset LD_LIBRARY_PATH || true

# 1. Install.
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "cmake --install failed"; }
libdir=$(dirname "$(find "$prefix" -name libortune.a | head -n 1)")
[ -d "$libdir" ] && [ "$libdir" != . ] || fail "no libortune.a under $prefix"
for f in bin/ortune include/ortune.h include/ortune/onnxruntime/onnxruntime_c_api.h share/man/man1/ortune.1 \
         share/bash-completion/completions/ortune; do
  [ -s "$prefix/$f" ] || fail "$f not installed"
done
for f in libortune.a libortune.so libortune.so.0 pkgconfig/ortune.pc cmake/ortune/ortuneConfig.cmake \
         cmake/ortune/ortuneConfigVersion.cmake cmake/ortune/ortuneTargets.cmake; do
  [ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
# Every "..." include of the installed ORT headers is installed too.
for h in "$prefix"/include/ortune/onnxruntime/*.h; do
  for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$h"); do
    [ -f "$prefix/include/ortune/onnxruntime/$inc" ] || fail "$(basename "$h") includes $inc, which is not installed"
  done
done

# 2. The installed binary and library find libonnxruntime.so.1 by themselves (RUNPATH).
"$prefix/bin/ortune" --version >"$work/version.txt" 2>&1 || { cat "$work/version.txt"; fail "installed ortune does not run"; }
grep -q '^ortune .*(ONNX Runtime ' "$work/version.txt" || fail "installed ortune --version: $(cat "$work/version.txt")"
if command -v ldd >/dev/null 2>&1; then
  for f in "$prefix/bin/ortune" "$libdir/libortune.so"; do
    ! ldd "$f" | grep 'not found' || fail "$f: unresolved libraries"
  done
fi
"$prefix/bin/ortune" _man | cmp -s - "$prefix/share/man/man1/ortune.1" || fail "installed ortune.1 differs from \`ortune _man\`"

# 3. The installed man page is well-formed.
man1=$prefix/share/man/man1/ortune.1
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
  MANWIDTH=80 MANPAGER=cat PAGER=cat man --warnings -l "$man1" >"$work/man.txt" 2>"$work/man.err" || { cat "$work/man.err"; fail "man -l ortune.1 failed"; }
  [ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man --warnings: ortune.1 has warnings"; }
  grep -q 'EXIT STATUS' "$work/man.txt" || fail "rendered man page lacks EXIT STATUS"
else
  echo "note: man/groff not installed, checking the roff source only"
fi
grep -q '^\.TH ORTUNE 1 ' "$man1" || fail "ortune.1: no .TH"
for s in NAME SYNOPSIS DESCRIPTION CONFIGURATION '"EXIT STATUS"' FILES EXAMPLES '"SEE ALSO"'; do
  grep -q "^\.SH $s\$" "$man1" || fail "ortune.1: no .SH $s"
done
bash -n "$prefix/share/bash-completion/completions/ortune" || fail "installed bash completion does not parse"

# 4. Build examples/runner.c against the installed library: pkg-config ...
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pkg-config --exists ortune || fail "pkg-config does not find ortune.pc"
[ "$(pkg-config --modversion ortune)" = "$(sed -n 's/^project(ortune VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")" ] ||
  fail "ortune.pc version $(pkg-config --modversion ortune) is not the project's"
cflags=$(pkg-config --cflags ortune)
libs=$(pkg-config --libs ortune)
case "$cflags $libs" in *"$src"* | *"$build"*) fail "pkg-config flags point into the source or build tree: $cflags $libs" ;; esac
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra $san -o "$work/example_pc" "$src/examples/runner.c" $cflags $libs -Wl,-rpath,"$libdir" \
  >"$work/cc.log" 2>&1 || { cat "$work/cc.log"; fail "cc \$(pkg-config --cflags --libs ortune) failed"; }
# ... statically (libortune.a with pkg-config --static for its dependencies) ...
# shellcheck disable=SC2086
"$cc" -std=c11 $san -o "$work/example_pc_static" "$src/examples/runner.c" $cflags "$libdir/libortune.a" \
  $(pkg-config --static --libs ortune | sed 's/-lortune//') >"$work/cc.log" 2>&1 ||
  { cat "$work/cc.log"; fail "static link against libortune.a failed"; }
# ... and CMake's find_package(ortune).
mkdir -p "$work/consumer"
cat >"$work/consumer/CMakeLists.txt" <<EOC
cmake_minimum_required(VERSION 3.20)
project(ortune_consumer C)
find_package(ortune 0.1 REQUIRED)
if(NOT ortune_DIR STREQUAL "$libdir/cmake/ortune")
  message(FATAL_ERROR "found ortune in \${ortune_DIR}, not in the test prefix")
endif()
add_executable(example_shared "$src/examples/runner.c")
target_link_libraries(example_shared PRIVATE ortune::ortune)
add_executable(example_static "$src/examples/runner.c")
target_link_libraries(example_static PRIVATE ortune::ortune_static)
EOC
cmake -S "$work/consumer" -B "$work/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" \
  >"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; fail "find_package(ortune) project does not configure"; }
cmake --build "$work/consumer/build" >>"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; fail "find_package(ortune) project does not build"; }
if command -v readelf >/dev/null 2>&1; then
  readelf -d "$work/consumer/build/example_shared" | grep -q 'libortune\.so\.0' || fail "example_shared does not link libortune.so.0"
  ! readelf -d "$work/consumer/build/example_static" | grep -q 'libortune\.so' || fail "example_static links libortune.so"
fi

# 5. Run every build on a real model, with the dynamic dims fixed by the config instead of the example's 1s.
models=$(sh "$src/scripts/fetch-models" 2>"$work/fetch.log") || models=
model=$models/ch_PP-OCRv4_det_infer.onnx
if [ -z "$models" ] || [ ! -f "$model" ]; then
  cat "$work/fetch.log"
  echo "skipped: install and builds ok, but no model to run (scripts/fetch-models failed)"
  exit 77
fi
cat >"$work/config.yaml" <<'EOC'
# the PP-OCRv4 detector at a 64x64 input: x is [p2o.DynamicDimension.0, 3, .1, .2]
onnxruntime:
  provider: cpu
  intra_op_num_threads: 2
  free_dimension_overrides:
    p2o.DynamicDimension.0: 1
    p2o.DynamicDimension.1: 64
    p2o.DynamicDimension.2: 64
EOC
# The output is 1x1x64x64: 4096 elements (with the example's 1s for the dynamic dims it is 1024).
want="ran $model: output 'sigmoid_0.tmp_0' has 4096 elements"
for ex in "$work/example_pc" "$work/example_pc_static" "$work/consumer/build/example_shared" "$work/consumer/build/example_static"; do
  "$ex" "$model" "$work/config.yaml" >"$work/run.out" 2>"$work/run.err" || { cat "$work/run.err"; fail "$(basename "$ex") exited $?"; }
  [ "$(cat "$work/run.out")" = "$want" ] || { cat "$work/run.out" "$work/run.err"; fail "$(basename "$ex"): unexpected output"; }
  [ ! -s "$work/run.err" ] || { cat "$work/run.err"; fail "$(basename "$ex") wrote to stderr"; }
done
echo "ok: installed into a temp prefix; example built with pkg-config (shared, static) and find_package(ortune) (shared, static); all four ran: $want"
