#!/usr/bin/env bash
# Clean throughput on a generated corpus, on one core and on two, and
# instruction counts (which a loaded machine does not disturb).
#
# usage: bench/clean.sh [SIZE_MB] [N]   (defaults 512 and 5)
#   BEFORE_REV=REV bench/clean.sh ...   also builds REV (a git worktree under
#                                       bench/work) and measures it beside HEAD,
#                                       runs interleaved and outputs compared
#   BEFORE_BIN=PATH bench/clean.sh ...  the same with a binary already built
# Writes bench/results/clean.md. Reads ../shared/data/pages_dev.jsonl for
# English paragraphs when it is there (see bench/gen_corpus.py). Needs
# valgrind for the instruction counts (skipped without it).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-512}
n=${2:-5}
work=bench/work
mkdir -p "$work" bench/results
corpus=$work/corpus-${size}.jsonl
[ -s "$corpus" ] || python3 bench/gen_corpus.py "$corpus" "$size"
cargo build --release --quiet
bins=("after=$(realpath target/release/deboil)")
if [ -n "${BEFORE_REV:-}" ]; then
  tree=$work/before-$BEFORE_REV
  [ -d "$tree" ] || git worktree add --detach "$tree" "$BEFORE_REV" > /dev/null
  (cd "$tree" && CARGO_TARGET_DIR=target cargo build --release --quiet)
  bins=("before=$(realpath "$tree/target/release/deboil")" "${bins[@]}")
elif [ -n "${BEFORE_BIN:-}" ]; then
  bins=("before=$(realpath "$BEFORE_BIN")" "${bins[@]}")
fi
bytes=$(stat -c %s "$corpus")
cat "$corpus" > /dev/null   # warm the page cache
times=$work/clean-times.tsv
: > "$times"

# Interleaved runs (each binary once per round), so a load change on a
# shared machine hits every binary alike.
for i in $(seq "$n"); do
  for j in 1 2; do
    cpus=0; [ "$j" = 2 ] && cpus=0,1
    for b in "${bins[@]}"; do
      /usr/bin/time -f "%e %M %U %S" -o "$work/clean-time" \
        taskset -c "$cpus" "${b#*=}" clean "$corpus" -o /dev/null -j "$j" -q
      read -r s r u k < "$work/clean-time"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${b%%=*}" "$j" "$s" "$r" "$u" "$k" >> "$times"
    done
  done
done

# Instructions: a 20,000-line slice, one worker, less the start-up (the
# same command on a one-line input), per byte of JSONL.
slice=$work/clean-slice.jsonl
one=$work/clean-one.jsonl
head -n 20000 "$corpus" > "$slice"
head -n 1 "$corpus" > "$one"
instr() { # binary input
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    "$1" clean "$2" -o /dev/null -j 1 -q 2>&1 | awk '/I *refs:/ {gsub(",", "", $NF); print $NF}'
}
counts=$work/clean-instr.tsv
: > "$counts"
if command -v valgrind > /dev/null; then
  for b in "${bins[@]}"; do
    printf '%s\t%s\t%s\n' "${b%%=*}" "$(instr "${b#*=}" "$slice")" "$(instr "${b#*=}" "$one")" >> "$counts"
  done
fi

same=
if [ "${#bins[@]}" = 2 ]; then
  for b in "${bins[@]}"; do
    "${b#*=}" clean "$corpus" -q -o "$work/clean-out-${b%%=*}.jsonl" --explain "$work/clean-explain-${b%%=*}.jsonl"
  done
  if cmp -s "$work/clean-out-before.jsonl" "$work/clean-out-after.jsonl" \
    && cmp -s "$work/clean-explain-before.jsonl" "$work/clean-explain-after.jsonl"; then
    same=yes
  else
    same=NO
  fi
fi

{
  echo "# deboil clean throughput"
  echo
  echo "- date: $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD) (after)${BEFORE_REV:+ against $BEFORE_REV (before)}${BEFORE_BIN:+ against $BEFORE_BIN (before)}"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- corpus: $corpus, $((bytes / 1000000)) MB of JSONL, $(wc -l < "$corpus") documents (bench/gen_corpus.py)"
  echo "- command: \`taskset -c CPUS deboil clean CORPUS -o /dev/null -j N -q\` (default rules and built-ins), $n runs each, interleaved"
  echo "- MB/s = JSONL input bytes / wall time of the fastest run; the reader and writer threads share the pinned cores"
  echo "- CPU s = user + system time of the run with the least (less disturbed by other load than wall time)"
  echo
  python3 - "$times" "$bytes" "$counts" "$(stat -c %s "$slice")" "$same" <<'PY'
import sys, statistics as st
rows = [l.split('\t') for l in open(sys.argv[1]).read().split('\n') if l]
size = int(sys.argv[2]) / 1e6
print('| binary | cores (-j) | best / median / max s | MB/s (best) | MB/s per core | CPU s (least) | peak RSS MiB |')
print('|---|---|---|---|---|---|---|')
best = {}
for b in dict.fromkeys(r[0] for r in rows):
    for j in ('1', '2'):
        t = sorted(float(r[2]) for r in rows if r[0] == b and r[1] == j)
        rss = max(int(r[3]) for r in rows if r[0] == b and r[1] == j) / 1024
        cpu = min(float(r[4]) + float(r[5]) for r in rows if r[0] == b and r[1] == j)
        best[b, j] = t[0]
        print(f'| {b} | {j} | {t[0]:.2f} / {st.median(t):.2f} / {t[-1]:.2f} | {size / t[0]:.0f} | {size / t[0] / int(j):.0f} | {cpu:.2f} | {rss:.1f} |')
print()
for b in dict.fromkeys(r[0] for r in rows):
    print(f'- {b}: 1 → 2 cores {best[b, "1"] / best[b, "2"]:.2f}×')
if ('before', '1') in best:
    print(f'- after/before wall time (best): -j 1 {best["after", "1"] / best["before", "1"]:.3f}, -j 2 {best["after", "2"] / best["before", "2"]:.3f}')
if sys.argv[5]:
    print(f'- outputs and --explain records identical: {sys.argv[5]}')
counts = [l.split('\t') for l in open(sys.argv[3]).read().split('\n') if l]
if counts:
    slice_mb = int(sys.argv[4]) / 1e6
    print()
    print(f'Instructions (valgrind cachegrind, -j 1), 20,000-line slice of {slice_mb:.1f} MB; start-up = the same command on one line:')
    print()
    print('| binary | slice instructions | start-up | per JSONL byte, less start-up |')
    print('|---|---|---|---|')
    per = {}
    for b, total, start in counts:
        per[b] = (int(total) - int(start)) / int(sys.argv[4])
        print(f'| {b} | {int(total) / 1e6:,.0f} M | {int(start) / 1e6:,.0f} M | {per[b]:.1f} |')
    if 'before' in per:
        print(f'\nafter/before instructions per byte: {per["after"] / per["before"]:.3f}')
PY
} | tee bench/results/clean.md
# The slices and full outputs are big; the tables keep what they showed.
rm -f "$slice" "$one" "$work"/clean-out-*.jsonl "$work"/clean-explain-*.jsonl
