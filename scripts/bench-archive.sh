#!/usr/bin/env bash
# Benchmarks the archive writer against 7-Zip on the same folder, in the same run, and prints
# the ratios recorded in docs/PERFORMANCE.md: wall time, archive size and peak memory.
#
#   scripts/bench-archive.sh [DATA_DIR]
#
# DATA_DIR defaults to a generated folder (BENCH_MB megabytes of WAV-like prompts of
# BENCH_FILE_MB each, plus 3,000 small handler files) under BENCH_DIR. A second folder with
# the same total in files ten times larger shows whether memory grows with file size.
# Both tools encrypt with AES-256; 7-Zip runs `7zz a -tzip -mem=AES256 -mx=5`.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DIR=${BENCH_DIR:-/tmp/migrator-bench}
BENCH_MB=${BENCH_MB:-400}
BENCH_FILE_MB=${BENCH_FILE_MB:-5}
PASSWORD=${BENCH_PASSWORD:-bench-password}
command -v 7zz >/dev/null || { echo "7zz is needed (apt-get install 7zip)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p migrator-core --example bench_archive
tool=$PWD/target/release/examples/bench_archive

generate() { # DIR FILE_MB
  if [ ! -d "$1" ]; then
    echo "== generating $1 ($BENCH_MB MB in files of $2 MB)" >&2
    "$tool" generate "$1" "$BENCH_MB" "$2"
  fi
}

# Runs a command under /usr/bin/time; prints "seconds kilobytes".
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null
  cat "$log"
  rm -f "$log"
}

ours() { # DATA OUT_DIR
  rm -rf "$2" && mkdir -p "$2"
  MIGRATOR_PASSWORD=$PASSWORD measure "$tool" write "$1" "$2"
}

seven() { # DATA OUT_FILE
  rm -f "$2"
  (cd "$1" && measure 7zz a -tzip -mem=AES256 -mx=5 "-p$PASSWORD" "$2" .)
}

data=${1:-$BENCH_DIR/data-${BENCH_MB}mb-${BENCH_FILE_MB}mb}
large=$BENCH_DIR/data-${BENCH_MB}mb-$((BENCH_FILE_MB * 10))mb
generate "$data" "$BENCH_FILE_MB"
generate "$large" $((BENCH_FILE_MB * 10))
out=$BENCH_DIR/out
mkdir -p "$out"

echo "== folder: $data ($(du -sh "$data" | cut -f1), $(find "$data" -type f | wc -l) files)" >&2
echo "== cores: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
find "$data" -type f -exec cat {} + >/dev/null  # same warm cache for both tools

read -r seven_s seven_kb < <(seven "$data" "$out/7zz.zip")
read -r ours_s ours_kb < <(ours "$data" "$out/ours")
read -r large_s large_kb < <(ours "$large" "$out/ours-large")
seven_size=$(stat -c %s "$out/7zz.zip")
ours_size=$(stat -c %s "$out"/ours/*.ininmigr)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "| measure | migrator | 7-Zip | ratio (migrator / 7-Zip) |"
echo "|---|---|---|---|"
echo "| wall time (s) | $ours_s | $seven_s | $(ratio "$ours_s" "$seven_s") |"
echo "| archive size (bytes) | $ours_size | $seven_size | $(ratio "$ours_size" "$seven_size") |"
echo "| peak memory (KiB) | $ours_kb | $seven_kb | $(ratio "$ours_kb" "$seven_kb") |"
echo
echo "peak memory with files of $((BENCH_FILE_MB * 10)) MB instead of $BENCH_FILE_MB MB:" \
  "$large_kb KiB ($(ratio "$large_kb" "$ours_kb")x), in $large_s s"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
