#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS (default 600).
# usage: fuzz/run.sh [SECONDS] [TARGET...]   (default: every target)
#
# New inputs go to fuzz/work/TARGET (ignored by git), so the committed seeds
# in fuzz/corpus/TARGET stay as they are; crashes go to fuzz/artifacts/TARGET.
# Each run's log is fuzz/work/TARGET.log; its last lines give the figures.
# On a stable toolchain RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rules_parse jsonl_reader clean_text dedup_small index_load)
export RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1}
cargo fuzz build -O
for t in "${targets[@]}"; do
  mkdir -p "fuzz/work/$t"
  extra=()
  # A saved index's files are at most a few KB here: a larger allocation is
  # one sized by what a header claims.
  [ "$t" = index_load ] && extra=(-malloc_limit_mb=64)
  echo "== $t: ${secs}s"
  cargo fuzz run -O "$t" "fuzz/work/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -print_final_stats=1 "${extra[@]}" \
    > "fuzz/work/$t.log" 2>&1 || { echo "$t: failed, see fuzz/work/$t.log" >&2; exit 1; }
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "fuzz/work/$t.log" || true
  echo "corpus: $(ls "fuzz/work/$t" | wc -l) new inputs, $(du -sh "fuzz/work/$t" | cut -f1)"
done
