#!/usr/bin/env bash
# deboil against datasketch, rensa (PyPI) and gaoya (crates.io) on one labelled corpus
# with matched parameters: word 5-grams, 128 permutations, threshold 0.8.
# usage: [RUNS=3] bench/peers.sh [DOCS]   (default 100000)   writes BENCHMARKS.md
# Peers go into a throwaway venv (bench/work/venv) and a driver crate built apart
# from deboil (bench/peers/gaoya-driver); the corpus is bench/gen_dups.py --docs DOCS.
set -euo pipefail
cd "$(dirname "$0")/.."
docs=${1:-100000}
RUNS=${RUNS:-3}
work=bench/work
mkdir -p "$work"
corpus=$work/peers-$docs.jsonl
[ -s "$corpus" ] || python3 bench/gen_dups.py "$corpus" --docs "$docs" 2> "$work/peers-gen.log"
[ -x "$work/venv/bin/python" ] || python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q datasketch rensa
cargo build --release --quiet
CARGO_TARGET_DIR=$work/gaoya-target cargo build --release --quiet --manifest-path bench/peers/gaoya-driver/Cargo.toml
bytes=$(stat -c %s "$corpus")
lines=$(wc -l < "$corpus")
cat "$corpus" > /dev/null
read -r bands rows < <(target/release/deboil dedup --shingle word:5 --threshold 0.8 --similarity jaccard -v -q < /dev/null 2>&1 | sed -n 's/.* \([0-9]*\) bands x \([0-9]*\) rows.*/\1 \2/p')

row() { # runs, name, clusters file, command...   (the fastest of RUNS runs is reported)
  local runs=$1 name=$2 clusters=$3 secs=999999 rss=0 s r
  shift 3
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || { cat "$work/stderr"; exit 1; }
    read -r s r < "$work/time"
    if (( $(echo "$s < $secs" | bc) )); then secs=$s; rss=$r; fi
  done
  local score
  score=$(python3 bench/peers/score_clusters.py "$corpus" "$clusters")
  python3 - "$name" "$secs" "$rss" "$bytes" "$lines" "$score" <<'PY'
import json, sys
name, secs, rss, size, n, score = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), json.loads(sys.argv[6])
print(f"| {name} | {secs:.1f} | {n / secs:,.0f} | {size / secs / 1e6:.1f} | {rss / 1024:.0f} | {score['precision']:.3f} | {score['recall']:.3f} |")
PY
}

pyv() { "$work/venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))"; }
{
  echo "# Benchmarks: deboil against its peers"
  echo
  echo "- date: $(date -u +%Y-%m-%d), deboil commit $(git rev-parse --short HEAD)"
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem/ {print $2}') GiB"
  echo "- corpus: \`bench/gen_dups.py --docs $docs\`: $lines documents, $((bytes / 1000000)) MB of JSONL ($(cut -d: -f2- "$work/peers-gen.log" | xargs))"
  echo "- versions: datasketch $(pyv datasketch), rensa $(pyv rensa), gaoya 0.2.2, $(python3 --version), $(rustc --version | cut -d' ' -f1-2)"
  echo "- matched parameters: word 5-grams of lowercase whitespace tokens (deboil: of alphanumeric tokens of its normalised text), 128 permutations, threshold 0.8, LSH $bands bands x $rows rows (gaoya needs bands x rows hashes: $((bands * rows)); rensa: 16 x 8, its own choice), every candidate verified"
  echo "- precision and recall: pairs of documents in one cluster, against the generator's stories (\`bench/peers/score_clusters.py\`); all tools use both cores where they can"
  echo "- wall time: the fastest of $RUNS runs for deboil and gaoya (this shared machine varies by up to 40 % from run to run), one run for the Python peers"
  echo
  echo "| tool | wall s | docs/s | MB/s | peak RSS MiB | pair P | pair R |"
  echo "|---|---|---|---|---|---|---|"
  row "$RUNS" "deboil dedup (word:5, jaccard 0.8)" "$work/c-deboil.jsonl" target/release/deboil dedup "$corpus" -q -o /dev/null --shingle word:5 --similarity jaccard --threshold 0.8 --clusters "$work/c-deboil.jsonl"
  row 1 "deboil dedup (word:5, jaccard 0.8, --verify exact)" "$work/c-deboil-exact.jsonl" target/release/deboil dedup "$corpus" -q -o /dev/null --shingle word:5 --similarity jaccard --threshold 0.8 --verify exact --clusters "$work/c-deboil-exact.jsonl"
  row "$RUNS" "gaoya 0.2.2 (driver)" "$work/c-gaoya.jsonl" "$work/gaoya-target/release/gaoya-driver" "$corpus" "$work/c-gaoya.jsonl" 0.8 128 "$bands" "$rows"
  row 1 "rensa" "$work/c-rensa.jsonl" "$work/venv/bin/python" bench/peers/peer_dedup.py rensa "$corpus" "$work/c-rensa.jsonl"
  row 1 "datasketch" "$work/c-datasketch.jsonl" "$work/venv/bin/python" bench/peers/peer_dedup.py datasketch "$corpus" "$work/c-datasketch.jsonl"
  echo
  echo "deboil with its own defaults on the same corpus:"
  echo
  echo "| tool | wall s | docs/s | MB/s | peak RSS MiB | pair P | pair R |"
  echo "|---|---|---|---|---|---|---|"
  row "$RUNS" "deboil dedup (defaults: char:7, jaccard 0.5)" "$work/c-dd.jsonl" target/release/deboil dedup "$corpus" -q -o /dev/null --clusters "$work/c-dd.jsonl"
  row "$RUNS" "deboil run (defaults: char:7, containment 0.7)" "$work/c-run.jsonl" target/release/deboil run "$corpus" -q -o /dev/null --clusters "$work/c-run.jsonl"
  row 1 "deboil run (defaults, --verify exact)" "$work/c-run-exact.jsonl" target/release/deboil run "$corpus" -q -o /dev/null --verify exact --clusters "$work/c-run-exact.jsonl"
  echo
  echo "Thread scaling, pinned (\`taskset\`), word:5 at 0.8:"
  echo
  echo "| tool | wall s | docs/s | MB/s | peak RSS MiB | pair P | pair R |"
  echo "|---|---|---|---|---|---|---|"
  row "$RUNS" "deboil dedup, 1 core (taskset -c 0, -j 1)" "$work/c-j1.jsonl" taskset -c 0 target/release/deboil dedup "$corpus" -q -j 1 -o /dev/null --shingle word:5 --similarity jaccard --threshold 0.8 --clusters "$work/c-j1.jsonl"
  row "$RUNS" "deboil dedup, 2 cores (taskset -c 0,1, -j 2)" "$work/c-j2.jsonl" taskset -c 0,1 target/release/deboil dedup "$corpus" -q -j 2 -o /dev/null --shingle word:5 --similarity jaccard --threshold 0.8 --clusters "$work/c-j2.jsonl"
  # The machine drifts between the rows above by as much as the effect, so
  # the ratio is also taken from adjacent runs: one core, then two.
  : > "$work/pairs"
  for _ in $(seq "$((2 * RUNS))"); do
    for cpus in 0 0,1; do
      /usr/bin/time -f "%e" -o "$work/time" taskset -c "$cpus" target/release/deboil dedup "$corpus" -q -j "$(( ${#cpus} / 2 + 1 ))" -o /dev/null --shingle word:5 --similarity jaccard --threshold 0.8
      printf '%s ' "$(cat "$work/time")" >> "$work/pairs"
    done
    echo >> "$work/pairs"
  done
  python3 - "$work/pairs" <<'PY'
import statistics, sys
r = sorted(float(a) / float(b) for a, b in (l.split() for l in open(sys.argv[1]) if l.strip()))
print(f"\n1 → 2 cores over {len(r)} adjacent pairs of runs (one core, then two): speedup min {r[0]:.2f}x, median {statistics.median(r):.2f}x, max {r[-1]:.2f}x")
PY
} | tee BENCHMARKS.md
