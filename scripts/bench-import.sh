#!/usr/bin/env bash
# Benchmarks the import against 7-Zip, in the same run: the large sample server's archive is
# imported (Migration mode) into an empty target of a newer release, and `7zz x` extracts the
# same archive; the plan alone (`--plan`) is timed too. Prints wall time and peak memory of
# each, and the ratios recorded in docs/PERFORMANCE.md.
#
#   scripts/bench-import.sh [ROUNDS]
#
# The large sample and its archive are made once under BENCH_DIR (default
# /tmp/migrator-bench-import) and reused. Each round runs 7-Zip, the plan and the import in
# turn on a fresh copy of the empty target; the table shows the median of the rounds.
#
# Before each measured command, the output of the one before is deleted, everything is
# written out, and the kernel's caches are dropped (as root; otherwise a warning), then the
# archive is read back into the cache: every tool starts from the same state, with a warm
# archive, no dirty pages left by another, and no recently deleted inodes in memory. (This
# disk's ext4 has no journal; it skips inodes freed in the last minutes while they are still
# cached, so deleting one run's thousands of files made every file the next run created cost a
# search: a quarter of the import's CPU time under `perf record`.)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
BENCH_DIR=${BENCH_DIR:-/tmp/migrator-bench-import}
command -v 7zz >/dev/null || { echo "7zz is needed (apt-get install 7zip)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is needed (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p migrator-cli
migrator=$PWD/target/release/migrator
mkdir -p "$BENCH_DIR"
if [ -w /proc/sys/vm/drop_caches ]; then
  can_drop=yes
else
  can_drop=no
  echo "warning: cannot drop the kernel's caches (not root): figures will vary more" >&2
fi
source_dir=$BENCH_DIR/source
if [ ! -d "$source_dir" ]; then
  echo "== generating the large sample" >&2
  "$migrator" -q sample --kind cic --version "2018 R5" --site Indy --server calliope \
    --size large --out "$source_dir" >/dev/null
fi
if ! ls "$BENCH_DIR"/archive/*.ininmigr >/dev/null 2>&1; then
  echo "== exporting it" >&2
  "$migrator" -q export --server "$source_dir" --out "$BENCH_DIR/archive" >/dev/null
fi
archive=$(ls "$BENCH_DIR"/archive/*.ininmigr | head -1)

# A variant whose prompts are ten times larger (every ten prompts of a folder joined into one
# file, in a hard-linked copy), imported once to show whether peak memory grows with file size.
big_dir=$BENCH_DIR/source-big
if [ ! -d "$big_dir" ]; then
  echo "== making the variant with ten times larger prompts" >&2
  rm -rf "$big_dir.tmp"
  cp -al "$source_dir" "$big_dir.tmp"
  find "$big_dir.tmp/I3/IC/Resources" -name '*.wav' -printf '%h\n' | sort -u |
    while read -r folder; do
      find "$folder" -maxdepth 1 -name '*.wav' | sort | xargs -d '\n' -n 10 \
        bash -c 'cat "$@" >"$1.joined" && rm -f "$@" && mv "$1.joined" "$1"' _
    done
  mv "$big_dir.tmp" "$big_dir"
fi
if ! ls "$BENCH_DIR"/archive-big/*.ininmigr >/dev/null 2>&1; then
  echo "== exporting the variant" >&2
  "$migrator" -q export --server "$big_dir" --out "$BENCH_DIR/archive-big" >/dev/null
fi
archive_big=$(ls "$BENCH_DIR"/archive-big/*.ininmigr | head -1)

# An empty CIC 2023 R3 server "helios" (site Chicago): its identity and nothing else.
empty_target() { # DIR
  rm -rf "$1" && mkdir -p "$1/I3/IC"
  python3 - "$1/registry.reg" <<'EOF'
import sys
ii = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Interactive Intelligence"
text = "\r\n".join([
    "Windows Registry Editor Version 5.00", "",
    f"[{ii}]", '"Target"="C:\\\\I3\\\\IC\\\\Server\\\\"', "",
    f"[{ii}\\EIC\\Directory Services\\Root]",
    '"SITE"="\\\\Chicago"', '"SERVER"="\\\\Chicago\\\\Production\\\\helios"', "",
    f"[{ii}\\Setup Assistant]", '"ICServerVersionInstalled"="2023 R3"', "", ""])
open(sys.argv[1], "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))
EOF
}

# The same starting state for every measured command (see the top). The archive read back is
# the one the command names, or the main one.
settle() {
  sync
  if [ "$can_drop" = yes ]; then echo 3 >/proc/sys/vm/drop_caches; fi
  cat "${reading:-$archive}" >/dev/null
}

# Runs a command under /usr/bin/time, its output into $BENCH_DIR/stdout; prints "seconds
# kilobytes". Exit code 1 (completed with warnings) counts as success.
measure() {
  local log code=0
  log=$(mktemp)
  settle
  /usr/bin/time -f "%e %M" -o "$log" "$@" >"$BENCH_DIR/stdout" 2>/dev/null || code=$?
  if [ "$code" -gt 1 ]; then cat "$log" >&2; exit 1; fi
  grep -E '^[0-9.]+ [0-9]+$' "$log" | tail -1
  rm -f "$log"
}

# The seconds of one stage, from the JSON the last run printed.
stage_seconds() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(next(s["seconds"] for s in d["stages"] if s["stage"] == sys.argv[2]))' \
    "$BENCH_DIR/stdout" "$1"
}

seven() {
  rm -rf "$BENCH_DIR/7z"
  measure 7zz x -y "-o$BENCH_DIR/7z" "$archive"
}

# 7-Zip extracting everything: the outer archive, then each component's inner ZIP.
seven_all() {
  rm -rf "$BENCH_DIR/7z-all"
  measure bash -c 'set -e; 7zz x -y "-o$1" "$2" >/dev/null
    for inner in "$1"/components/*.zip; do 7zz x -y "-o${inner%.zip}" "$inner" >/dev/null; done' \
    _ "$BENCH_DIR/7z-all" "$archive"
}

# The least file work an import does: 7-Zip extracting everything, as above, then every
# extracted folder copied once more, as the import copies extracted files onto the server
# (no registry work, no restore point, nothing synced).
seven_floor() {
  rm -rf "$BENCH_DIR/7z-floor" "$BENCH_DIR/7z-floor-copy"
  measure bash -c 'set -e; 7zz x -y "-o$1" "$2" >/dev/null
    for inner in "$1"/components/*.zip; do 7zz x -y "-o${inner%.zip}" "$inner" >/dev/null; done
    mkdir -p "$3"; for folder in "$1"/components/*/; do cp -r "$folder" "$3/"; done' \
    _ "$BENCH_DIR/7z-floor" "$archive" "$BENCH_DIR/7z-floor-copy"
}

plan() {
  empty_target "$BENCH_DIR/target"
  rm -rf "$BENCH_DIR/extract"
  measure "$migrator" -q import "$archive" --server "$BENCH_DIR/target" \
    --extract-to "$BENCH_DIR/extract" --mode migration --plan --json
}

import() { # [ARCHIVE]
  empty_target "$BENCH_DIR/target"
  rm -rf "$BENCH_DIR/extract"
  measure "$migrator" -q import "${1:-$archive}" --server "$BENCH_DIR/target" \
    --extract-to "$BENCH_DIR/extract" --mode migration
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "== archive: $archive ($(du -h "$archive" | cut -f1))" >&2
echo "== cores: $(nproc), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
results=$(mktemp)
for round in $(seq "$ROUNDS"); do
  for what in seven seven_all seven_floor plan import; do
    read -r seconds kb < <("$what")
    echo "$what $seconds $kb" >>"$results"
    echo "round $round: $what $seconds s, $kb KiB" >&2
    if [ "$what" = plan ]; then
      echo "stage $(stage_seconds plan) 0" >>"$results"
    fi
  done
done

read -r big_s big_kb < <(reading=$archive_big import "$archive_big")
echo "variant: import $big_s s, $big_kb KiB" >&2

column() { awk -v w="$1" -v c="$2" '$1 == w { print $c }' "$results" | median; }
seven_s=$(column seven 2); seven_kb=$(column seven 3)
plan_s=$(column plan 2); plan_kb=$(column plan 3)
import_s=$(column import 2); import_kb=$(column import 3)
stage_s=$(column stage 2)
all_s=$(column seven_all 2)
floor_s=$(column seven_floor 2)
echo
echo "| measure | migrator import | 7zz x | ratio (import / 7-Zip) |"
echo "|---|---|---|---|"
echo "| wall time (s) | $import_s | $seven_s | $(ratio "$import_s" "$seven_s") |"
echo "| peak memory (KiB) | $import_kb | $seven_kb | $(ratio "$import_kb" "$seven_kb") |"
echo
echo "7-Zip extracting the inner ZIPs too: $all_s s; import / that: $(ratio "$import_s" "$all_s")"
echo "7-Zip extracting everything, then the extracted folders copied: $floor_s s;" \
  "import / that: $(ratio "$import_s" "$floor_s")"
echo "--plan run (verify, extract, rules and plan): $plan_s s," \
  "$(ratio "$plan_s" "$seven_s")x 7-Zip's time, $plan_kb KiB"
echo "plan stage alone: $stage_s s, $(ratio "$stage_s" "$seven_s")x 7-Zip's time"
echo "peak memory importing the variant with ten times larger prompts: $big_kb KiB," \
  "$(ratio "$big_kb" "$import_kb")x the import's"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$results"
