#!/usr/bin/env bash
# Limits, with peak RSS: one 1 GB JSONL line (refused by default, cleaned
# when allowed), and 10 million tiny documents through clean and dedup.
#
# usage: bench/limits.sh [BIG_BYTES] [TINY_DOCS]   (default 1000000000 10000000)
# Writes bench/results/limits.md; the generated inputs (about 1 GB each, in
# bench/work) and outputs are deleted at the end. Runs under `nice -n 15`.
set -euo pipefail
cd "$(dirname "$0")/.."
big_bytes=${1:-1000000000}
tiny_docs=${2:-10000000}
work=bench/work
mkdir -p "$work" bench/results
big=$work/limits-bigline.jsonl
tiny=$work/limits-tiny.jsonl
out=$work/limits-out.jsonl
trap 'rm -f "$big" "$tiny" "$out" "$work/limits.err" "$work/limits.time"' EXIT
cargo build --release --quiet
bin=target/release/deboil
big_lines=$(nice -n 15 python3 bench/gen_limits.py bigline "$big" "$big_bytes")
nice -n 15 python3 bench/gen_limits.py tiny "$tiny" "$tiny_docs" > /dev/null

row() { # label, args...
  local label=$1 rc=0 secs rss
  shift
  nice -n 15 /usr/bin/time -f "%e %U %S %M" -o "$work/limits.time" "$bin" "$@" -o "$out" 2> "$work/limits.err" || rc=$?
  # On failure time's first line says so; the figures are on the last.
  read -r secs user sys rss < <(tail -n 1 "$work/limits.time")
  local say
  say=$(tail -n 1 "$work/limits.err")
  printf '| %s | `deboil %s` | %s | %s | %.1f | %.0f | %s |\n' "$label" "$*" "$rc" "$secs" "$(echo "$user + $sys" | bc -l)" "$((rss / 1024))" "${say//|/\\|}"
  rm -f "$out"
}

{
  echo "# Limits"
  echo
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB RAM; commit $(git rev-parse --short HEAD); run under \`nice -n 15\` beside other work, so times are upper bounds"
  echo "- one line: \`bench/gen_limits.py bigline\`, $(stat -c %s "$big") bytes (one JSONL record of $big_lines)"
  echo "- tiny: \`bench/gen_limits.py tiny\`, $tiny_docs documents, $(stat -c %s "$tiny") bytes (a tenth exact copies, a tenth near copies)"
  echo "- wall time, CPU time (user + system) and peak RSS from \`/usr/bin/time -f \"%e %U %S %M\"\`; the last column is the last line deboil printed on stderr"
  echo
  echo "| case | command | exit | wall s | CPU s | peak RSS MiB | stderr (last line) |"
  echo "|---|---|---|---|---|---|---|"
  row "one line of $big_bytes bytes, default limit (64M)" clean "$big"
  row "one line of $big_bytes bytes, allowed" clean --max-doc-bytes 2G "$big"
  row "$tiny_docs tiny documents" clean "$tiny"
  row "$tiny_docs tiny documents" dedup "$tiny"
} | tee bench/results/limits.md
