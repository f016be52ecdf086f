#!/usr/bin/env bash
# Interleaved A/B timing of two deboil binaries on bench/clean.sh's and
# bench/peers.sh's corpora (generated when missing), so a change can be
# checked for a slowdown on a shared, noisy machine: runs alternate in ABBA
# order and the report gives best, median and max of each.
#
# usage: bench/ab.sh BEFORE_BIN AFTER_BIN [N]    (N runs each, default 5)
# Writes bench/work/ab-times.tsv (label, binary, iter, wall s, peak RSS KiB)
# and prints a Markdown table. Outputs are compared byte for byte too.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "$1"); after=$(realpath "$2"); n=${3:-5}
work=bench/work
mkdir -p "$work"
c1=$work/corpus-512.jsonl
c2=$work/peers-100000.jsonl
[ -s "$c1" ] || python3 bench/gen_corpus.py "$c1" 512
[ -s "$c2" ] || python3 bench/gen_dups.py "$c2" --docs 100000 2> "$work/peers-gen.log"
cat "$c1" "$c2" > /dev/null
out=$work/ab-times.tsv
: > "$out"
one() { # label which iter cmd...
  local label=$1 which=$2 i=$3; shift 3
  /usr/bin/time -f "%e %M" -o "$work/ab-time" "$@"
  read -r s r < "$work/ab-time"
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$which" "$i" "$s" "$r" >> "$out"
}
ab() { # label cmd-with-BIN...
  local label=$1; shift
  for i in $(seq "$n"); do
    if (( i % 2 )); then order="before after"; else order="after before"; fi
    for which in $order; do
      local bin=$before; [ "$which" = after ] && bin=$after
      one "$label" "$which" "$i" "${@//BIN/$bin}"
    done
  done
}
ab clean-j1 taskset -c 0 BIN clean "$c1" -o /dev/null -j 1 -q
ab clean-j2 taskset -c 0,1 BIN clean "$c1" -o /dev/null -j 2 -q
ab dedup BIN dedup "$c2" --shingle word:5 --threshold 0.8 --similarity jaccard -o /dev/null -q
ab run BIN run "$c2" -o /dev/null -q
ab run-learn BIN run --learn "$c2" -o /dev/null -q
for which in before after; do
  bin=$before; [ "$which" = after ] && bin=$after
  "$bin" clean "$c1" -q -o "$work/ab-clean-$which.jsonl"
  "$bin" run "$c2" -q -o "$work/ab-run-$which.jsonl" --clusters "$work/ab-runc-$which.jsonl"
done
same() { cmp -s "$work/ab-$1-before.jsonl" "$work/ab-$1-after.jsonl" && echo yes || echo NO; }
python3 - "$out" "$(stat -c %s "$c1")" "$(stat -c %s "$c2")" "$(same clean)" "$(same run)" "$(same runc)" <<'PY'
import sys, statistics as st
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
size = {'clean-j1': int(sys.argv[2]), 'clean-j2': int(sys.argv[2])}
print('| command | before best / median / max s | after best / median / max s | MB/s best before / after | after/before (best) |')
print('|---|---|---|---|---|')
for label in dict.fromkeys(r[0] for r in rows):
    t = {w: sorted(float(r[3]) for r in rows if r[0] == label and r[1] == w) for w in ('before', 'after')}
    mb = size.get(label, int(sys.argv[3])) / 1e6
    f = lambda v: f'{v[0]:.2f} / {st.median(v):.2f} / {v[-1]:.2f}'
    print(f"| {label} | {f(t['before'])} | {f(t['after'])} | {mb / t['before'][0]:.0f} / {mb / t['after'][0]:.0f} | {t['after'][0] / t['before'][0]:.3f} |")
print(f'\noutputs identical: clean {sys.argv[4]}, run {sys.argv[5]}, run clusters {sys.argv[6]}')
PY
