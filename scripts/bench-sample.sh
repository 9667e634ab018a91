#!/usr/bin/env bash
# Measures generating the large sample server, the input of the export and import benchmarks:
# wall time, peak memory, files and bytes written. Usage: scripts/bench-sample.sh [VERSION]
set -euo pipefail
cd "$(dirname "$0")/.."

version="${1:-2018 R5}"
cargo build --release --quiet -p migrator-cli
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run=(target/release/migrator sample --kind cic --version "$version" --site Indy
  --server calliope --size large --out "$work/large")
echo "== ${run[*]}"
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "wall %e s, cpu %U s user + %S s system, peak memory %M KB" "${run[@]}" >"$work/summary.txt"
else
  time "${run[@]}" >"$work/summary.txt"
fi
head -2 "$work/summary.txt"
echo "files: $(find "$work/large" -type f | wc -l), bytes: $(du -sb "$work/large" | cut -f1)"
echo "registry.reg: $(stat -c %s "$work/large/registry.reg") bytes"
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
