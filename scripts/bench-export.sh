#!/usr/bin/env bash
# Benchmarks the export against 7-Zip, in the same run: `migrator export --nodes all` of the
# large sample server with a password, and `7zz a -tzip -mem=AES256 -mx=5` of the same image
# folder. Prints wall time, CPU time and peak memory of each, the archive sizes, and the ratios
# recorded in docs/PERFORMANCE.md. A variant of the image whose prompt files are ten times
# larger (the same bytes in a tenth as many files) is exported too, to show whether peak
# memory grows with file size.
#
#   scripts/bench-export.sh [ROUNDS]
#
# The large sample and its variant are made once under BENCH_DIR (default
# /tmp/migrator-bench-export) and reused. Each round runs 7-Zip, the export and the export of
# the variant in turn; the table shows the median of the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/migrator-bench-export}
PASSWORD=${BENCH_PASSWORD:-bench-password}
command -v 7zz >/dev/null || { echo "7zz is needed (apt-get install 7zip)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p migrator-cli
migrator=$PWD/target/release/migrator
mkdir -p "$BENCH_DIR"
source_dir=$BENCH_DIR/source
big_dir=$BENCH_DIR/source-big-prompts
password_file=$BENCH_DIR/password
(umask 077 && printf '%s\n' "$PASSWORD" >"$password_file")

if [ ! -d "$source_dir" ]; then
  echo "== generating the large sample" >&2
  "$migrator" -q sample --kind cic --version "2018 R5" --site Indy --server calliope \
    --size large --out "$source_dir.tmp" >/dev/null
  mv "$source_dir.tmp" "$source_dir"
fi

# The variant: a hard-linked copy of the image in which every ten prompts of a folder are
# joined into one file (written anew, so the originals stay as they are).
make_big_prompts() {
  rm -rf "$big_dir.tmp"
  cp -al "$source_dir" "$big_dir.tmp"
  local folder
  find "$big_dir.tmp/I3/IC/Resources" -name '*.wav' -printf '%h\n' | sort -u |
    while read -r folder; do
      find "$folder" -maxdepth 1 -name '*.wav' | sort | xargs -d '\n' -n 10 \
        bash -c 'cat "$@" >"$1.joined" && rm -f "$@" && mv "$1.joined" "$1"' _
    done
  mv "$big_dir.tmp" "$big_dir"
}
if [ ! -d "$big_dir" ]; then
  echo "== making the variant with ten times larger prompts" >&2
  make_big_prompts
fi

# Runs a command under /usr/bin/time; prints "seconds kilobytes cpu_seconds".
measure() {
  local log code=0
  log=$(mktemp)
  /usr/bin/time -f "%e %M %U %S" -o "$log" "$@" >/dev/null 2>&1 || code=$?
  if [ "$code" -ne 0 ]; then cat "$log" >&2; exit 1; fi
  awk 'NF == 4 && $1 ~ /^[0-9.]+$/ { printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$log" | tail -1
  rm -f "$log"
}

seven() {
  rm -f "$BENCH_DIR/7zz.zip"
  (cd "$source_dir" && measure 7zz a -tzip -mem=AES256 -mx=5 "-p$PASSWORD" \
    "$BENCH_DIR/7zz.zip" .)
}

export_of() { # IMAGE OUT_DIR
  rm -rf "$2"
  measure "$migrator" -q export --server "$1" --nodes all --out "$2" \
    --password-file "$password_file"
}
ours() { export_of "$source_dir" "$BENCH_DIR/out"; }
ours_big() { export_of "$big_dir" "$BENCH_DIR/out-big"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
files() { find "$1" -type f | wc -l; }
largest() { find "$1" -name '*.wav' -printf '%s\n' | sort -n | tail -1; }

echo "== image: $source_dir ($(du -sh "$source_dir" | cut -f1), $(files "$source_dir") files," \
  "largest prompt $(largest "$source_dir") bytes)" >&2
echo "== variant: $(files "$big_dir") files, largest prompt $(largest "$big_dir") bytes" >&2
echo "== cores: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
find "$source_dir" "$big_dir" -type f -exec cat {} + >/dev/null  # warm cache for every tool
results=$(mktemp)
for round in $(seq "$ROUNDS"); do
  for what in seven ours ours_big; do
    read -r seconds kb cpu < <("$what")
    echo "$what $seconds $kb $cpu" >>"$results"
    echo "round $round: $what $seconds s, $kb KiB, CPU $cpu s," \
      "load $(cut -d' ' -f1 /proc/loadavg)" >&2
  done
done

column() { awk -v w="$1" -v c="$2" '$1 == w { print $c }' "$results" | median; }
seven_s=$(column seven 2); seven_kb=$(column seven 3); seven_cpu=$(column seven 4)
ours_s=$(column ours 2); ours_kb=$(column ours 3); ours_cpu=$(column ours 4)
big_s=$(column ours_big 2); big_kb=$(column ours_big 3)
seven_size=$(stat -c %s "$BENCH_DIR/7zz.zip")
ours_size=$(stat -c %s "$BENCH_DIR"/out/*.ininmigr)
echo
echo "| measure | migrator export | 7-Zip | ratio (migrator / 7-Zip) |"
echo "|---|---|---|---|"
echo "| wall time (s) | $ours_s | $seven_s | $(ratio "$ours_s" "$seven_s") |"
echo "| CPU time, user + system (s) | $ours_cpu | $seven_cpu | $(ratio "$ours_cpu" "$seven_cpu") |"
echo "| archive size (bytes) | $ours_size | $seven_size | $(ratio "$ours_size" "$seven_size") |"
echo "| peak memory (KiB) | $ours_kb | $seven_kb | $(ratio "$ours_kb" "$seven_kb") |"
echo
echo "peak memory with prompts ten times larger: $big_kb KiB" \
  "($(ratio "$big_kb" "$ours_kb")x), in $big_s s"
echo "rounds: $ROUNDS (medians); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$results"
