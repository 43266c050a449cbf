# Shared by scripts/demo and scripts/test: install what is missing, configure and build.
# shellcheck shell=bash

LICET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian 12 packages licet builds, tests and benchmarks with.
LICET_PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libsodium-dev rapidjson-dev libcereal-dev libcli11-dev libfmt-dev libsqlite3-dev
  libcpp-httplib-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 nginx sqlite3 openssl ca-certificates faketime
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: need root or sudo to install packages: $*" >&2; return 1; fi
}

install_missing_packages() {
  local missing=()
  for p in "${LICET_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # The nginx package tries to start a system service; tests run their own nginx instead.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# configure_and_build PRESET
configure_and_build() {
  local preset="$1"
  log "configure + build ($preset)"
  cmake --preset "$preset" -S "$LICET_ROOT" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
