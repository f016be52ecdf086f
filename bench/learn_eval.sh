#!/usr/bin/env bash
# Quality of `deboil clean --learn` (no per-site rules are written for these sites).
#
# usage: bench/learn_eval.sh
# Needs ../shared/data/pages_dev.jsonl and ../shared/eval/*.py (evaluation data,
# never committed); downloads gensim's Lee corpus (PyPI) and manpages-de (Debian)
# into bench/work/learn (see bench/learn_corpora.py). Writes bench/results/learn.md.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
work=bench/work/learn
mkdir -p "$work" bench/results
cargo build --release --quiet
bin=target/release/deboil
python3 bench/learn_corpora.py "$work"
pages=$shared/data/pages_dev.jsonl
score() { python3 "$shared/eval/score_clean.py" "$pages" "$1"; }
removed() { python3 "$shared/eval/removed_fraction.py" "$1" "$2" | sed 's/.*removed=//'; }

# Scores for one half of the sites (odd or even in sorted order): how stable the figure is.
half() { # cleaned.jsonl, 0|1
  python3 - "$pages" "$1" "$2" "$work/half" <<'PY'
import json, sys
gold, pred, want, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
docs = [json.loads(l) for l in open(gold, encoding="utf-8")]
sites = sorted({d["site"] or "" for d in docs})
keep = {s for i, s in enumerate(sites) if i % 2 == want}
with open(out + ".gold.jsonl", "w", encoding="utf-8") as f:
    for d in docs:
        if (d["site"] or "") in keep:
            f.write(json.dumps(d) + "\n")
PY
  python3 "$shared/eval/score_clean.py" "$work/half.gold.jsonl" "$1"
}

corpus=bench/work/corpus-1024.jsonl
[ -s "$corpus" ] || python3 bench/gen_corpus.py "$corpus" 1024
timed() { # label, deboil arguments...
  local label=$1 t0 t1 secs rss bytes
  shift
  bytes=$(stat -c %s "$corpus")
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" "$@"
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc -l)
  rss=$(cat "$work/rss")
  printf '| `%s` | %.2f | %.0f | %.0f |\n' "$label" "$secs" "$(echo "$bytes / $secs / 1000000" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

"$bin" clean -q --learn "$pages" -o "$work/pages.learn.jsonl"
"$bin" clean -q --learn --no-default-rules "$pages" -o "$work/pages.learn-norules.jsonl"
"$bin" clean -q --learn --no-extract "$pages" -o "$work/pages.no-extract.jsonl"
"$bin" clean -q "$pages" -o "$work/pages.rules-only.jsonl"
for c in lee seeds manpages-body; do
  "$bin" clean -q --learn "$work/$c.jsonl" -o "$work/$c.out.jsonl"
  "$bin" clean -q --learn --no-extract "$work/$c.jsonl" -o "$work/$c.no-extract.jsonl"
done
"$bin" clean -q --learn --no-extract --no-default-rules "$work/manpages.jsonl" -o "$work/manpages.out.jsonl"
footer_left=$(grep -c 'ÜBERSETZUNG\|Die deutsche Übersetzung dieser\|Diese Übersetzung ist Freie\|Wenn Sie Fehler in der Übersetzung' "$work/manpages.out.jsonl" || true)
footer_total=$(wc -l < "$work/manpages.jsonl")

{
  echo "# deboil clean --learn: quality"
  echo
  echo "- date: $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD); reproduce: \`bench/learn_eval.sh\`"
  echo "- no rule file names any of these sites; the embedded defaults are on unless stated"
  echo
  echo "## Whole pages: ../shared/data/pages_dev.jsonl, scored with ../shared/eval/score_clean.py"
  echo
  echo "Word-level precision, recall and F1 against the gold article text (pages of sites with 5+ pages)."
  echo
  echo "| command | result |"
  echo "|---|---|"
  echo "| \`deboil clean --learn\` | $(score "$work/pages.learn.jsonl") |"
  echo "| \`deboil clean --learn --no-default-rules\` | $(score "$work/pages.learn-norules.jsonl") |"
  echo "| \`deboil clean --learn --no-extract\` (learned rules only) | $(score "$work/pages.no-extract.jsonl") |"
  echo "| \`deboil clean\` (default rules only) | $(score "$work/pages.rules-only.jsonl") |"
  echo "| \`deboil clean --learn\`, even-numbered sites only | $(half "$work/pages.learn.jsonl" 0) |"
  echo "| \`deboil clean --learn\`, odd-numbered sites only | $(half "$work/pages.learn.jsonl" 1) |"
  echo
  echo "For reference (../shared/data/README.md): keeping everything 0.53 macro F1, dropping every line"
  echo "recurring on 2+ pages 0.81, trafilatura on the original HTML 0.89."
  echo
  echo "## Clean text: share of words removed (../shared/eval/removed_fraction.py)"
  echo
  echo "| corpus | \`clean --learn\` | \`clean --learn --no-extract\` |"
  echo "|---|---|---|"
  echo "| English news, gensim Lee corpus (300 articles, one site) | $(removed "$work/lee.jsonl" "$work/lee.out.jsonl") | $(removed "$work/lee.jsonl" "$work/lee.no-extract.jsonl") |"
  echo "| German news, fixtures/seeds/expected (5 articles, one site) | $(removed "$work/seeds.jsonl" "$work/seeds.out.jsonl") | $(removed "$work/seeds.jsonl" "$work/seeds.no-extract.jsonl") |"
  echo "| German man pages cut before the translators' footer (300 pages; a manual, not articles) | $(removed "$work/manpages-body.jsonl" "$work/manpages-body.out.jsonl") | $(removed "$work/manpages-body.jsonl" "$work/manpages-body.no-extract.jsonl") |"
  echo
  echo "## manpages-de translators' footer, learning alone"
  echo
  echo "\`deboil clean --learn --no-extract --no-default-rules\` on $footer_total German man pages"
  echo "(manpages-de, rendered with man): pages still holding a footer line: $footer_left."
  echo
  echo "The rule it learned:"
  echo
  echo '```toml'
  "$bin" learn -q "$work/manpages.jsonl" | awk '/^\[\[rule\]\]/{n++} n==1' | grep -v '^$'
  echo '```'
  echo
  echo "## Speed"
  echo
  echo "On bench/clean.sh's generated corpus ($(( $(stat -c %s "$corpus") / 1000000 )) MB of JSONL, $(wc -l < "$corpus") documents), $(nproc) cores:"
  echo
  echo "| command | seconds | MB/s | peak RSS MiB |"
  echo "|---|---|---|---|"
  timed "deboil clean" clean -q "$corpus" -o /dev/null
  timed "deboil learn" learn -q "$corpus" -o /dev/null
  timed "deboil clean --learn --no-extract" clean -q --learn --no-extract "$corpus" -o /dev/null
  timed "deboil clean --learn" clean -q --learn "$corpus" -o /dev/null
} > bench/results/learn.md
cat bench/results/learn.md
