#!/usr/bin/env bash
# Installs the Debian packages mrsim needs (only those missing), then configures and builds it in ./build.
# Used by both README commands and by CI (.ci/run). Non-interactive; needs root or sudo only to install.
#
# ./setup.sh --all (the README's test command, and CI) also installs clang and builds ./build-hardened: the same
# code compiled by clang with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's instrumentation. ./build's
# test suite then also runs every scenario and unit test from that tree and fuzzes the scenario loader
# (docs/hardening.md). Plain ./setup.sh leaves those tests out and needs no clang.
set -euo pipefail
cd "$(dirname "$0")"

all=0
case "${1-}" in
  "") ;;
  --all) all=1 ;;
  *)
    echo "usage: ./setup.sh [--all]" >&2
    exit 2
    ;;
esac

packages=(cmake g++ make pkg-config libsimgrid-dev nlohmann-json3-dev libboost-program-options-dev libeigen3-dev catch2
          qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev libgl-dev fonts-dejavu-core)
# The suite's own tools: clang for the sanitizer and fuzz tree, Python with pandas and jsonschema for the sweep and
# schema tests, Slurm and munge for the cluster test, Jupyter with matplotlib to execute the notebooks, Xvfb for the
# viewer's real-window test. (Qt 6 Charts, for the viewer itself, is in every set-up.)
if ((all)); then
  packages+=(clang-14 libclang-rt-14-dev python3 python3-pandas python3-jsonschema slurm-wlm munge
             python3-matplotlib python3-nbconvert python3-ipykernel jupyter-nbconvert xvfb xauth procps)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

hardened=""
if ((all)); then hardened="$PWD/build-hardened"; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DMRSIM_HARDENED_DIR="$hardened" >/dev/null
cmake --build build -j"$(nproc)"
if ((all)); then
  # -O1 with line tables: about half the compile time of -O2 -g, and sanitizer reports still name file and line.
  CXX=clang++-14 cmake -S . -B build-hardened -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DMRSIM_FUZZ=ON >/dev/null
  cmake --build build-hardened -j"$(nproc)" --target mrsim mrsim_tests mrsim_fuzz_scenario  # what the suite runs
fi
