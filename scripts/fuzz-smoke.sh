#!/usr/bin/env bash
# Fuzzes the .reg reader for a short while (FUZZ_SECONDS, 60 by default) as a smoke test.
# Installs cargo-fuzz when it is missing. cargo-fuzz passes compiler flags that only nightly
# accepts; RUSTC_BOOTSTRAP=1 lets the stable toolchain take them. The shared .reg corpus, when
# found beside the repository (or named by MIGRATOR_CORPUS), seeds the run; new inputs go to
# fuzz/corpus, crashes to fuzz/artifacts. A crash fails the script: turn its input into a
# regression test of the reader before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
seconds="${FUZZ_SECONDS:-60}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

seeds=()
corpus="${MIGRATOR_CORPUS:-}"
if [ -z "$corpus" ]; then
  for dir in .. ../..; do
    if [ -d "$dir/shared/corpus/reg" ]; then
      corpus="$(cd "$dir/shared/corpus/reg" && pwd)"
      break
    fi
  done
fi
if [ -n "$corpus" ] && [ -d "$corpus" ]; then
  seeds+=("$corpus")
else
  echo "the shared .reg corpus was not found; fuzzing without seed files"
fi

mkdir -p "$root/fuzz/corpus/regfile_reader"
cd "$root/fuzz"
RUSTC_BOOTSTRAP=1 cargo fuzz run regfile_reader \
  "$root/fuzz/corpus/regfile_reader" "${seeds[@]}" \
  -- -max_total_time="$seconds" -max_len=8192 -print_final_stats=1
