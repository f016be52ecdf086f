#!/usr/bin/env bash
# What a report adds to the run that writes it, on a generated corpus of
# about 1 GB: `run` (and `clean`) without and with `--report r.html`, and
# `deboil report`, each the best of 3 runs, interleaved so that a busy
# moment of this shared machine hits both sides alike.
#
# usage: bench/report.sh [SIZE_MB]   (default 1024)
# Writes bench/results/report.md (and the reports under bench/work/).
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

one() { # "wall cpu" seconds of one run of "$@" (cpu: user + system)
  nice -n 10 /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > /dev/null
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/time"
}
min() { printf '%s\n' "$@" | sort -g | head -1; }

declare -A wall cpu
measure() { # label, command...
  local label=$1 w c
  shift
  read -r w c < <(one "$@")
  wall[$label]=$(min ${wall[$label]:-} "$w")
  cpu[$label]=$(min ${cpu[$label]:-} "$c")
}

for _ in 1 2 3; do
  measure run "$bin" run "$corpus" -o /dev/null -q
  measure run_report "$bin" run "$corpus" -o /dev/null -q --report "$work/report-run.html"
  measure clean "$bin" clean "$corpus" -o /dev/null -q
  measure clean_report "$bin" clean "$corpus" -o /dev/null -q --report "$work/report-clean.html"
  measure report "$bin" report "$corpus" -o "$work/report.html" -q
done

pct() { echo "($2 - $1) / $1 * 100" | bc -l; }
row() { # label, base key, key
  printf '| %s | %.2f | %.2f | %+.1f %% | %.2f | %.2f | %+.1f %% |\n' "$1" \
    "${wall[$2]}" "${wall[$3]}" "$(pct "${wall[$2]}" "${wall[$3]}")" \
    "${cpu[$2]}" "${cpu[$3]}" "$(pct "${cpu[$2]}" "${cpu[$3]}")"
}

{
  echo "- date: $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), shared (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
  echo "- corpus: $corpus, $((bytes / 1000000)) MB of JSONL, $(wc -l < "$corpus") documents (bench/gen_corpus.py)"
  echo "- best of 3 interleaved runs, \`nice -n 10\`, all cores, output to /dev/null, \`-q\`; wall seconds, and CPU seconds (user + system, steadier on a shared machine)"
  echo
  echo "| job | wall without | wall with \`--report r.html\` | wall overhead | CPU without | CPU with | CPU overhead |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  row "\`run\`" run run_report
  row "\`clean\`" clean clean_report
  row "\`report -o r.html\` against \`run\`" run report
} | tee bench/results/report.md
