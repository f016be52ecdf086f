#!/usr/bin/env bash
# Dedup speed against gaoya 0.2.2, in the same run, on two corpus shapes, and
# 10 million tiny documents through `deboil run` with peak memory.
#
# usage: [RUNS=5] [WORK=bench/work] [TINY=10000000] bench/speed_dedup.sh [DOCS]
#   DOCS (default 100000) documents per corpus: bench/gen_dups.py --docs (real
#   paragraphs, bench/peers.sh's corpus) and bench/gen_words.py --docs (random
#   dictionary words in news-like layout). TINY=0 skips the 10M run.
# Each row: deboil and gaoya run alternately RUNS times (so that drift of a
# shared machine hits both alike); the fastest, the median and the slowest
# are reported, and the speed-up from the fastest of each. -j 1 rows are
# pinned to one core (taskset; gaoya with RAYON_NUM_THREADS=1).
# Writes bench/results/speed-dedup.md.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-100000}
RUNS=${RUNS:-5}
TINY=${TINY:-10000000}
work=${WORK:-bench/work}
mkdir -p "$work" bench/results
peers=$work/peers-$docs.jsonl
words=$work/words-$docs.jsonl
[ -s "$peers" ] || python3 bench/gen_dups.py "$peers" --docs "$docs" 2> "$work/peers-gen.log"
[ -s "$words" ] || python3 bench/gen_words.py "$words" --docs "$docs"
cargo build --release --quiet
CARGO_TARGET_DIR=$work/gaoya-target cargo build --release --quiet --manifest-path bench/peers/gaoya-driver/Cargo.toml
bin=target/release/deboil
gaoya=$work/gaoya-target/release/gaoya-driver
read -r bands rows < <($bin dedup --shingle word:5 --threshold 0.8 --similarity jaccard -v -q < /dev/null 2>&1 | sed -n 's/.* \([0-9]*\) bands x \([0-9]*\) rows.*/\1 \2/p')

secs() { # command...   prints wall seconds
  /usr/bin/time -f "%e" -o "$work/speed.time" "$@" > /dev/null 2> "$work/speed.err" || { cat "$work/speed.err" >&2; exit 1; }
  cat "$work/speed.time"
}

# row LABEL CORPUS CPUS THREADS DEBOIL-ARGS...: deboil against gaoya, alternately.
row() {
  local label=$1 corpus=$2 cpus=$3 j=$4
  shift 4
  cat "$corpus" > /dev/null
  : > "$work/speed.pairs"
  for _ in $(seq "$RUNS"); do
    d=$(secs taskset -c "$cpus" $bin "$@" "$corpus" -q -j "$j" -o /dev/null)
    g=$(secs env RAYON_NUM_THREADS="$j" taskset -c "$cpus" "$gaoya" "$corpus" "$work/c-gaoya.jsonl" 0.8 128 "$bands" "$rows")
    echo "$d $g" >> "$work/speed.pairs"
  done
  python3 - "$label" "$work/speed.pairs" "$(stat -L -c %s "$corpus")" <<'PY'
import statistics, sys
label, pairs, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
d, g = zip(*[map(float, l.split()) for l in open(pairs) if l.strip()])
fmt = lambda x: f"{min(x):.2f} / {statistics.median(x):.2f} / {max(x):.2f}"
per = sorted(b / a for a, b in zip(d, g))
print(f"| {label} | {fmt(d)} | {size / min(d) / 1e6:.0f} | {fmt(g)} | **{min(g) / min(d):.1f}x** | {per[0]:.1f}x / {statistics.median(per):.1f}x / {per[-1]:.1f}x |")
PY
}

{
  echo "# Dedup speed: deboil against gaoya 0.2.2"
  echo
  echo "- date: $(date -u +%Y-%m-%d), deboil commit $(git rev-parse --short HEAD); machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- corpora: \`bench/gen_dups.py --docs $docs\` (real paragraphs; $(stat -L -c %s "$peers") bytes) and \`bench/gen_words.py --docs $docs\` (random dictionary words in news-like layout; $(stat -L -c %s "$words") bytes)"
  echo "- gaoya: \`bench/peers/gaoya-driver\` (lowercase whitespace tokens, word 5-grams, MinHasher32, $bands x $rows bands, candidates checked against 0.8, union-find); deboil dedup at matched settings: \`--shingle word:5 --similarity jaccard --threshold 0.8\` ($bands x $rows bands); deboil run with its defaults (cleaning, char:7, containment 0.7)"
  echo "- wall seconds: fastest / median / slowest of $RUNS runs, deboil and gaoya alternately; speed-up = gaoya's fastest over deboil's fastest; the last column is gaoya over deboil per pair of adjacent runs (min / median / max)"
  echo
  echo "| command, corpus, cores | deboil s | deboil MB/s | gaoya s | speed-up | per pair |"
  echo "|---|---|---|---|---|---|"
  for c in peers words; do
    corpus=$peers; [ $c = words ] && corpus=$words
    row "dedup word:5 0.8, $c, 2 cores (-j 2)" "$corpus" 0,1 2 dedup --shingle word:5 --similarity jaccard --threshold 0.8
    row "dedup word:5 0.8, $c, 1 core (-j 1)" "$corpus" 0 1 dedup --shingle word:5 --similarity jaccard --threshold 0.8
    row "run (defaults), $c, 2 cores (-j 2)" "$corpus" 0,1 2 run
  done
  if [ "$TINY" -gt 0 ]; then
    tiny=$work/limits-tiny-$TINY.jsonl
    [ -s "$tiny" ] || python3 bench/gen_limits.py tiny "$tiny" "$TINY" > /dev/null
    /usr/bin/time -v $bin run "$tiny" -v -o /dev/null 2> "$work/speed-tiny.log"
    python3 - "$work/speed-tiny.log" "$TINY" "$(stat -L -c %s "$tiny")" <<'PY'
import re, sys
log, n, size = open(sys.argv[1]).read(), int(sys.argv[2]), int(sys.argv[3])
get = lambda k: re.search(re.escape(k) + r"\s*(.*)", log).group(1).strip()
rss = int(get("Maximum resident set size (kbytes):")) * 1024
summary = [l for l in log.splitlines() if l.startswith("deboil run:")][-1]
print(f"\n`deboil run -v` on {n:,} tiny documents (`bench/gen_limits.py tiny`, {size:,} bytes; a tenth exact and a tenth near copies), `/usr/bin/time -v`:\n")
print(f"- peak RSS {rss / 2**20:,.0f} MiB = **{rss / n:.0f} bytes per document**; wall {get('Elapsed (wall clock) time (h:mm:ss or m:ss):')}, CPU {float(get('User time (seconds):')) + float(get('System time (seconds):')):.0f} s")
print(f"- {summary}")
PY
  fi
} | tee bench/results/speed-dedup.md
