#!/usr/bin/env bash
# Duplicate-finding quality on the labelled corpus of bench/gen_dups.py:
# pair precision/recall/F1, adjusted Rand index, recall per kind of copy.
# usage: [BIN=path/to/deboil] [WORK=dir] [OUT=file.md] bench/dedup_quality.sh
#   writes bench/results/dedup-quality.md (or OUT); BIN and WORK let two
#   builds be compared on the same corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-bench/work}
out=${OUT:-bench/results/dedup-quality.md}
mkdir -p "$work" bench/results
corpus=$work/dups.jsonl
python3 bench/gen_dups.py "$corpus" 2> "$work/gen.log"
[ -n "${BIN:-}" ] || cargo build --release --quiet
bin=${BIN:-target/release/deboil}
row() { # label, command...
  local label=$1; shift
  "$bin" "$@" "$corpus" --mark -q > "$work/marked.jsonl"
  python3 - "$label" "$(python3 bench/eval_dedup.py "$corpus" "$work/marked.jsonl")" <<'PY'
import json, sys
label, s = sys.argv[1], json.loads(sys.argv[2])
k = s["recall_by_kind"]
print(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['ari']:.3f} | "
      + " | ".join(f"{k[x]:.2f}" for x in ["exact", "reflow", "abridged", "edited", "ocr"]) + " |")
PY
}
{
  echo "# Duplicate-finding quality"
  echo
  echo "- corpus: \`bench/gen_dups.py\` ($(cut -d: -f2- "$work/gen.log"))"
  echo "- stories: gold article texts of ../shared/data/pages_dev.jsonl (seed articles when absent); every document carries its site's junk"
  echo "- scored by \`bench/eval_dedup.py\` on \`--mark\` output; 128 permutations throughout"
  echo
  echo "| setting | pair P | pair R | F1 | ARI | exact | reflow | abridged | edited | ocr |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  row "run, defaults (char:7, containment 0.7, min Jaccard 0.4)" run
  row "run, defaults, --verify exact (shingle sets of the texts)" run --verify exact
  row "run, char:7, containment 0.7, no Jaccard floor" run --min-jaccard 0.01
  row "dedup, defaults (char:7, jaccard 0.5)" dedup
  row "dedup, stock datasketch setup (word:5, jaccard 0.8)" dedup --shingle word:5 --threshold 0.8
  row "dedup, word:5, jaccard 0.5" dedup --shingle word:5 --threshold 0.5
  row "dedup, char:7, containment 0.7, min Jaccard 0.4" dedup --similarity containment --threshold 0.7
  row "dedup, char:7, containment 0.7, no Jaccard floor (site junk glues)" dedup --similarity containment --threshold 0.7 --min-jaccard 0.01
  row "run, word:5, jaccard 0.8" run --shingle word:5 --similarity jaccard --threshold 0.8
  row "run, word:3, containment 0.7, min Jaccard 0.4" run --shingle word:3 --threshold 0.7
  row "run, char:5, containment 0.7, min Jaccard 0.4" run --shingle char:5
  row "run, char:7, containment 0.8, min Jaccard 0.4" run --threshold 0.8
  row "run, char:7, jaccard 0.5" run --similarity jaccard --threshold 0.5
} | tee "$out"
