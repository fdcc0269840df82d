#!/usr/bin/env bash
# Install llama.cpp built for a CPU *baseline*, never for the build machine's own CPU: the
# llama-cpp-python wheel and llama.cpp's own `llama-server` (static, into the venv's bin/),
# built from the same source release.
#
# usage: tools/local-runtime.sh PYTHON      (the Makefile calls it; LLAMA_CPU picks the baseline)
#
# llama.cpp's default build detects the build machine's CPU (-march=native): a wheel built on a
# machine with AVX-512/AMX dies with SIGILL on one without. pip's wheel cache is keyed by the
# sdist, not by CMAKE_ARGS, so a native wheel built once would be reused forever. Hence: build
# with --no-cache-dir into a cache of our own keyed by version, flags and platform, then install
# that wheel file.
#
# LLAMA_CPU=portable (default): x86-64 with AVX2/FMA/F16C (every x86 CPU since 2013-2015, every
#   cloud CPU); arm64: the armv8-a baseline; macOS: llama.cpp's defaults (Metal, Accelerate).
# LLAMA_CPU=compat: x86-64 with SSE2 only, for older CPUs (about 10x slower prompts).
# LLAMA_CPU=native: this machine's CPU only; never copy such an install elsewhere.
set -euo pipefail
py=${1:?usage: tools/local-runtime.sh PYTHON}
version=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
level=${LLAMA_CPU:-portable}
args="-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF"
case "$(uname -m)" in x86_64 | amd64) x86=1 ;; *) x86=0 ;; esac
x86_off="-DGGML_SSE42=OFF -DGGML_AVX=OFF -DGGML_AVX2=OFF -DGGML_BMI2=OFF -DGGML_FMA=OFF -DGGML_F16C=OFF"
x86_on="-DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
case "$level" in
  portable) args="$args -DGGML_NATIVE=OFF -DGGML_AVX512=OFF"; [ $x86 = 1 ] && args="$args $x86_on" ;;
  compat) args="$args -DGGML_NATIVE=OFF -DGGML_AVX512=OFF"; [ $x86 = 1 ] && args="$args $x86_off" ;;
  native) args="$args -DGGML_NATIVE=ON" ;;
  *) echo "LLAMA_CPU must be portable, compat or native (got '$level')" >&2; exit 2 ;;
esac
args="$args ${LLAMA_CMAKE_EXTRA:-}"
key=$("$py" - "$version" "$args" <<'PY'
import hashlib, platform, sys
material = "\n".join([*sys.argv[1:], sys.implementation.cache_tag, platform.system(), platform.machine()])
print(hashlib.sha256(material.encode()).hexdigest()[:16])
PY
)
cache=${REPOWRIGHT_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/repowright/wheels}
dir="$cache/llama-cpp-python-$version-$level-$key"
if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $version for the '$level' CPU baseline (once per machine; about 5 minutes on 2 cores)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  CMAKE_ARGS="$args" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} \
    "$py" -m pip wheel --no-cache-dir --no-deps --no-binary llama-cpp-python -w "$tmp" \
    "llama-cpp-python==$version"
  mkdir -p "$dir"
  mv "$tmp"/llama_cpp_python-*.whl "$dir"/
  printf '%s\n' "$args" > "$dir/cmake-args.txt"
fi
"$py" -m pip install --force-reinstall --no-deps "$dir"/llama_cpp_python-*.whl

# llama-server: several requests decoded together, JSON constrained without scanning the whole
# vocabulary per token. Optional: without it repowright serves with llama-cpp-python's server.
cpu_args=${args#"-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF"}
server_dir="$cache/llama-server-$version-$level-$key"
bin_dir=$(dirname "$py")
# Opt-in for now (LLAMA_SERVER=1): with it the local-model tests were seen to hang; see #13.
if [ "${LLAMA_SERVER:-0}" != 1 ]; then
  rm -f "$bin_dir/llama-server"
  exit 0
fi
if [ ! -x "$server_dir/llama-server" ]; then
  echo "building llama.cpp's llama-server $version for the '$level' CPU baseline (once per machine)"
  stmp=$(mktemp -d)
  trap 'rm -rf "$stmp" "${tmp:-}"' EXIT
  command -v cmake >/dev/null || "$py" -m pip install --no-cache-dir -q cmake
  cmake_bin=$(command -v cmake || echo "$bin_dir/cmake")
  if "$py" -m pip download --no-cache-dir --no-deps --no-binary :all: -q -d "$stmp" \
       "llama-cpp-python==$version" \
     && tar xzf "$stmp"/llama_cpp_python-*.tar.gz -C "$stmp" \
     && "$cmake_bin" -S "$stmp"/llama_cpp_python-*/vendor/llama.cpp -B "$stmp/build" \
       -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
       -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON \
       -DLLAMA_BUILD_SERVER=ON $cpu_args >"$stmp/cmake.log" 2>&1 \
     && "$cmake_bin" --build "$stmp/build" --target llama-server \
       -j "${CMAKE_BUILD_PARALLEL_LEVEL:-2}" >>"$stmp/cmake.log" 2>&1; then
    mkdir -p "$server_dir"
    cp "$stmp/build/bin/llama-server" "$server_dir/llama-server"
  else
    tail -20 "$stmp/cmake.log" 2>/dev/null >&2
    echo "warning: llama-server did not build; the local model will use llama-cpp-python's server (slower)" >&2
    rm -f "$bin_dir/llama-server"
    exit 0
  fi
fi
install -m 755 "$server_dir/llama-server" "$bin_dir/llama-server"
