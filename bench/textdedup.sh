#!/usr/bin/env bash
# text-dedup's Spark MinHash script (text-dedup 0.4.0 from PyPI,
# minhash_spark.py) against deboil's Spark job (python -m deboil.spark) and
# `deboil dedup`, on the same corpus with the same settings (word 5-grams,
# 128 permutations, Jaccard 0.8, deboil's bands x rows), in Spark's local
# mode on this machine. Scores each one's clusters against the generator's
# story labels (bench/peers/score_clusters.py).
#
#   bench/textdedup.sh [CORPUS.jsonl] [N_DOCS]
#
# Default corpus: bench/work/peers-100000.jsonl (bench/peers.sh makes it),
# all of it. Needs Java 17 and PyPI. Everything goes under
# bench/work/textdedup (a venv with pyspark, pyarrow, scipy, xxhash and the
# release wheel). GraphFrames' jar cannot be fetched here (no Maven):
# bench/textdedup/graphframes.py stands in for its connectedComponents.
# Writes bench/results/textdedup.md.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-bench/work/peers-100000.jsonl}
n=${2:-0}
work=bench/work/textdedup
out=$work/run
mkdir -p "$work" bench/results
rm -rf "$out" && mkdir -p "$out/input"

cargo build --release --quiet
bin=target/release/deboil
venv=$work/venv
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --quiet maturin 'pyspark>=3.5,<5' pyarrow scipy xxhash numpy
"$venv/bin/maturin" build --quiet --release --out "$work/wheels" --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$(ls -t "$work"/wheels/deboil-*.whl | head -1)"
if [[ ! -f $work/text_dedup/minhash_spark.py ]]; then
  "$venv/bin/python" -m pip download --quiet --no-deps text-dedup==0.4.0 -d "$work/dl"
  (cd "$work" && python3 -m zipfile -e dl/text_dedup-0.4.0-py3-none-any.whl .)
fi

if [[ $n -gt 0 ]]; then head -n "$n" "$corpus" > "$out/corpus.jsonl"; else cp "$corpus" "$out/corpus.jsonl"; fi
docs=$(wc -l < "$out/corpus.jsonl")
"$venv/bin/python" bench/textdedup/prepare.py "$out/corpus.jsonl" "$out"
read -r bands rows < <($bin dedup --shingle word:5 --threshold 0.8 --similarity jaccard -v -q < /dev/null 2>&1 | sed -n 's/.* \([0-9]*\) bands x \([0-9]*\) rows.*/\1 \2/p')
cores=$(nproc)
export PYSPARK_SUBMIT_ARGS="--master local[$cores] --driver-memory 8g pyspark-shell" SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON=$venv/bin/python PYSPARK_DRIVER_PYTHON=$venv/bin/python
timed() { # name, command...: wall seconds and peak RSS of the driver's process tree is not tracked (JVM)
  local name=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  "$@" > "$out/$name.log" 2>&1 || { echo "$name failed:"; tail -30 "$out/$name.log"; exit 1; }
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)" >> "$out/times"
}

timed textdedup env PYTHONPATH=bench/textdedup "$venv/bin/python" "$work/text_dedup/minhash_spark.py" \
  --input "$out/input" --output "$out/kept" --index idx --column text --threshold 0.8 \
  --ngram_size 5 --num_perm 128 --b "$bands" --r "$rows" --min_length 0 --debug \
  --checkpoint_dir "$out/checkpoints"
"$venv/bin/python" bench/textdedup/clusters.py "$out"
timed deboil-spark "$venv/bin/python" -m deboil.spark "$out/corpus.jsonl" "$out/deboil-kept" \
  --shingle word:5 --num-perm 128 --similarity jaccard --threshold 0.8 --bands "$bands" --rows "$rows" \
  --clusters "$out/deboil-clusters"
cat "$out"/deboil-clusters/part-*.json | "$venv/bin/python" -c '
import json, sys
for line in sys.stdin:
    print(json.dumps(json.loads(line)["members"]))' > "$out/clusters-deboil-spark.jsonl"
timed deboil-cli "$bin" dedup "$out/corpus.jsonl" -q -o /dev/null --shingle word:5 --similarity jaccard \
  --threshold 0.8 --clusters "$out/clusters-cli.jsonl"
# As the Spark job signs: whole texts, site template lines kept in.
timed deboil-cli-kt "$bin" dedup "$out/corpus.jsonl" -q -o /dev/null --shingle word:5 --similarity jaccard \
  --threshold 0.8 --keep-template-lines --clusters "$out/clusters-cli-kt.jsonl"

# Precision and recall of a clusters file, as "P R".
score() {
  python3 bench/peers/score_clusters.py "$out/corpus.jsonl" "$1" |
    python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["precision"], s["recall"])'
}
# Documents `deboil dedup` kept: all but the non-representative members of its clusters.
cli_kept() {
  echo $((docs - $(python3 -c 'import json,sys; print(sum(len(json.loads(l)["members"])-1 for l in open(sys.argv[1])))' "$1")))
}
secs() { awk -v n="$1" '$1 == n {printf "%.1f", $2}' "$out/times"; }
# pyarrow skips names starting with "_" unless told: text-dedup's parts are in __pid__=N/.
kept_td=$("$venv/bin/python" -c "import pyarrow.dataset as ds, sys; print(ds.dataset(sys.argv[1], format='parquet', ignore_prefixes=['.', '_SUCCESS']).count_rows())" "$out/kept")
{
  echo "# text-dedup's Spark MinHash against deboil"
  echo
  echo "- date: $(date -u +%F), commit $(git rev-parse --short HEAD); reproduce: \`bench/textdedup.sh $*\`"
  echo "- corpus: \`$corpus\`, $docs documents; word 5-grams, 128 permutations, Jaccard 0.8, $bands bands x $rows rows for all three"
  echo "- Spark $("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)') in local mode, local[$cores], driver memory 8g; $(nproc) cores; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- text-dedup 0.4.0's \`minhash_spark.py\` as published, but for GraphFrames' connected components (its jar is"
  echo "  on Maven, out of reach here): \`bench/textdedup/graphframes.py\` computes them with deboil.spark's"
  echo "  large-star/small-star. text-dedup does not verify candidates: every pair sharing a band is an edge."
  echo
  echo "| job | wall s | pair precision | pair recall | kept |"
  echo "|---|---:|---:|---:|---:|"
  for job in textdedup deboil-spark deboil-cli-kt deboil-cli; do
    case $job in
      textdedup) c=$out/clusters-textdedup.jsonl; k=$kept_td; label="text-dedup minhash_spark.py" ;;
      deboil-spark) c=$out/clusters-deboil-spark.jsonl; k=$(cat "$out"/deboil-kept/part-* | wc -l); label="\`python -m deboil.spark\`" ;;
      deboil-cli-kt) c=$out/clusters-cli-kt.jsonl; k=$(cli_kept "$c"); label="\`deboil dedup --keep-template-lines\` (-j $cores)" ;;
      deboil-cli) c=$out/clusters-cli.jsonl; k=$(cli_kept "$c"); label="\`deboil dedup\` (-j $cores)" ;;
    esac
    read -r p r < <(score "$c")
    echo "| $label | $(secs $job) | $p | $r | $k |"
  done
} > bench/results/textdedup.md
cat bench/results/textdedup.md
