#!/usr/bin/env bash
# Dedup on junk no rule knows (issue 11): pair precision and recall of `run`
# and `dedup` on bench/gen_syndication.py's corpora (real sites' chrome; the
# `tune` half chose the defaults, the `report` half is reported) and on
# bench/gen_dups.py's corpus, then the time on bench/peers.sh's 100k corpus.
#
# usage: [BASE=path/to/older/deboil] bench/dedup_robust.sh
#   BASE adds the same rows for an older binary (union-find clusters, whole
#   texts signed) so the change is measured in one run.
# Writes bench/results/dedup-robust.md. Needs ../shared/data/pages_dev.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
work=bench/work
mkdir -p "$work" bench/results
for h in tune report; do
  [ -s "$work/synd-$h.jsonl" ] || python3 bench/gen_syndication.py "$work/synd-$h.jsonl" --half "$h" 2> "$work/synd-$h.log"
done
[ -s "$work/dups.jsonl" ] || python3 bench/gen_dups.py "$work/dups.jsonl" 2> "$work/gen.log"
[ -s "$work/peers-100000.jsonl" ] || python3 bench/gen_dups.py "$work/peers-100000.jsonl" --docs 100000 2> "$work/peers-gen.log"
cargo build --release --quiet
bin=target/release/deboil
score() { # corpus marked
  python3 bench/eval_dedup.py "$1" "$2" | python3 -c 'import json,sys; s=json.load(sys.stdin); print("%.3f | %.3f | %.2f" % (s["precision"], s["recall"], s["recall_by_kind"]["abridged"]))'
}
row() { # label binary args...
  local label=$1 b=$2; shift 2
  local cells=""
  for c in synd-tune synd-report dups; do
    "$b" "$@" "$work/$c.jsonl" --mark -q > "$work/robust-marked.jsonl"
    cells="$cells | $(score "$work/$c.jsonl" "$work/robust-marked.jsonl")"
  done
  echo "| $label$cells |"
}
timed() { # label binary args...   fastest of 3 on the 100k corpus
  local label=$1 b=$2 best=999999 s; shift 2
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/robust-time" "$b" "$@" "$work/peers-100000.jsonl" -q -o /dev/null
    read -r s rss < "$work/robust-time"
    if (( $(echo "$s < $best" | bc) )); then best=$s; peak=$rss; fi
  done
  echo "| $label | $best | $((peak / 1024)) |"
}
{
  echo "# Dedup on junk no rule knows"
  echo
  echo "- date: $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD); $(nproc) cores"
  for h in tune report; do echo "- synd-$h: $(cut -d: -f2- "$work/synd-$h.log" 2>/dev/null || echo generated earlier)"; done
  echo "- dups: bench/gen_dups.py (its own chrome, which the shipped rules know)"
  echo "- pair precision / recall / recall of abridged copies, by bench/eval_dedup.py on \`--mark\` output"
  echo
  echo "| setting | tune P | tune R | tune abr. | report P | report R | report abr. | dups P | dups R | dups abr. |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  row "run (defaults: stars, template lines left out, Jaccard floor 0.3)" "$bin" run
  row "run --verify exact" "$bin" run --verify exact
  row "run --keep-template-lines (stars only)" "$bin" run --keep-template-lines
  row "run --min-jaccard 0.4 (the old floor)" "$bin" run --min-jaccard 0.4
  row "run --learn" "$bin" run --learn
  row "dedup (defaults)" "$bin" dedup
  row "dedup --keep-template-lines" "$bin" dedup --keep-template-lines
  if [ -n "${BASE:-}" ]; then
    row "BASE run (union-find, whole texts, floor 0.4)" "$BASE" run
    row "BASE run --learn" "$BASE" run --learn
    row "BASE dedup" "$BASE" dedup
  fi
  echo
  echo "Time on bench/gen_dups.py --docs 100000 (490 MB), fastest of 3:"
  echo
  echo "| command | seconds | peak RSS MiB |"
  echo "|---|---|---|"
  timed "run (defaults)" "$bin" run
  timed "run --keep-template-lines" "$bin" run --keep-template-lines
  timed "dedup (defaults)" "$bin" dedup
  timed "dedup --keep-template-lines" "$bin" dedup --keep-template-lines
  if [ -n "${BASE:-}" ]; then
    timed "BASE run" "$BASE" run
    timed "BASE dedup" "$BASE" dedup
  fi
} | tee bench/results/dedup-robust.md
