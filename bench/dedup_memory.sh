#!/usr/bin/env bash
# Peak RSS and memory per document of deboil dedup/run at one million documents.
# usage: bench/dedup_memory.sh [DOCS]   (default 1000000; the corpus is about 4.9 GB)
# Writes bench/results/dedup-memory.md.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-1000000}
corpus=bench/work/peers-$docs.jsonl
[ -s "$corpus" ] || python3 bench/gen_dups.py "$corpus" --docs "$docs"
cargo build --release --quiet
row() { # label, args...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o bench/work/mem.time target/release/deboil "$@" "$corpus" -o /dev/null -v 2> bench/work/mem.err
  read -r secs rss < bench/work/mem.time
  local per
  per=$(grep -o 'memory per document: .*' bench/work/mem.err | sed 's/memory per document: //')
  printf '| %s | %.1f | %.0f | %.0f | %s |\n' "$label" "$secs" "$((rss / 1024))" "$(echo "$rss * 1024 / $docs" | bc)" "$per"
}
{
  echo "# Dedup memory at $docs documents"
  echo
  echo "- corpus: \`bench/gen_dups.py --docs $docs\`, $(( $(stat -c %s "$corpus") / 1000000 )) MB; $(nproc) cores; commit $(git rev-parse --short HEAD)"
  echo "- peak RSS from /usr/bin/time; the breakdown is deboil's own count at the end of pass one (-v)"
  echo
  echo "| command | wall s | peak RSS MiB | RSS per doc (B) | breakdown per document |"
  echo "|---|---|---|---|---|"
  row "dedup, word:5, Jaccard 0.8 (9 x 13 bands)" dedup --shingle word:5 --threshold 0.8
  row "run, defaults (32 x 4 bands)" run
} | tee bench/results/dedup-memory.md
