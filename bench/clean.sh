#!/usr/bin/env bash
# Clean throughput on a generated corpus of at least 1 GB, on one core and on two.
#
# usage: bench/clean.sh [SIZE_MB]   (default 1024)
# Writes bench/results/clean.md. Reads ../shared/data/pages_dev.jsonl for
# English paragraphs when it is there (see bench/gen_corpus.py).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
work=bench/work
mkdir -p "$work" bench/results
corpus=$work/corpus-${size}.jsonl
[ -s "$corpus" ] || python3 bench/gen_corpus.py "$corpus" "$size"
cargo build --release --quiet
bin=target/release/deboil
bytes=$(stat -c %s "$corpus")
cat "$corpus" > /dev/null   # warm the page cache

run() { # label, taskset cpus, threads
  local t0 t1 secs rss
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" taskset -c "$2" "$bin" clean "$corpus" -o /dev/null -j "$3" -q
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc -l)
  rss=$(cat "$work/rss")
  printf '| %s | %s | %.2f | %.0f | %.1f |\n' "$1" "$3" "$secs" "$(echo "$bytes / $secs / 1000000" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

{
  echo "# deboil clean throughput"
  echo
  echo "- date: $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "- corpus: $corpus, $((bytes / 1000000)) MB of JSONL, $(wc -l < "$corpus") documents (bench/gen_corpus.py)"
  echo "- command: \`taskset -c CPUS $bin clean CORPUS -o /dev/null -j N -q\` (default rules and built-ins)"
  echo "- MB/s = JSONL input bytes / wall time; the reader thread shares the pinned cores"
  echo
  echo "| cores | -j | seconds | MB/s | peak RSS MiB |"
  echo "|---|---|---|---|---|"
  run "1 (cpu 0)" 0 1
  run "2 (cpu 0,1)" 0,1 2
} | tee bench/results/clean.md
