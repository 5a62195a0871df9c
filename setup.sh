#!/usr/bin/env bash
# Installs the Debian packages mrsim needs (only those missing), then configures and builds it in ./build.
# Used by both README commands and by CI (.ci/run). Non-interactive; needs root or sudo only to install.
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake g++ make pkg-config libsimgrid-dev nlohmann-json3-dev libboost-program-options-dev libeigen3-dev catch2)
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

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
