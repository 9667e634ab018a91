#!/usr/bin/env bash
# Runs every check and test of the project. Installs what the tests need on a fresh Debian
# machine that has only the Rust toolchain, Python 3 and git.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v 7zz >/dev/null 2>&1 || need_apt+=(7zip)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "== installing ${need_apt[*]} (interop peers of the tests)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

echo "== format"
cargo fmt --all -- --check

echo "== clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== API docs (broken links denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

echo "== windows portability"
if rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu \
  || rustup target add x86_64-pc-windows-gnu >/dev/null 2>&1; then
  cargo check --workspace --locked --target x86_64-pc-windows-gnu
else
  echo "skipped: the x86_64-pc-windows-gnu target is not installed and cannot be added here"
fi

if [ -x scripts/fuzz-smoke.sh ]; then
  echo "== fuzz smoke"
  scripts/fuzz-smoke.sh
fi

echo "== tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
cargo test --workspace --locked 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i;
  if ($(i+1) ~ /^failed/) f += $i } } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
