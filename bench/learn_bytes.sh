#!/usr/bin/env bash
# Byte comparison of two deboil binaries' learning paths, so that a change
# meant to keep `clean --learn` output as it was (a speed-up, a refactor, a
# fix of a case these corpora do not hold) is checked to keep it, byte for
# byte, at one and two threads.
#
# usage: bench/learn_bytes.sh BASE_BIN NEW_BIN
# Reads the first 20 MB of bench/work/corpus-512.jsonl and the first 5,000
# lines of bench/work/peers-100000.jsonl (generated when missing, as
# bench/ab.sh does), ../shared/data/pages_dev.jsonl when it is there, and
# fixtures/learn. Each check runs both binaries in a folder of its own and
# compares stdout, stderr (timings and rates left out), exit status and the
# files written (--explain, --save-learned, -o, --clusters). Prints the
# checks that differ and "checks: N, differing: M"; exits 1 when M > 0.
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(realpath "$1"); new=$(realpath "$2")
root=$PWD; work=$root/bench/work; mkdir -p "$work"
c1=$work/corpus-512.jsonl; c2=$work/peers-100000.jsonl
[ -s "$c1" ] || python3 bench/gen_corpus.py "$c1" 512
[ -s "$c2" ] || python3 bench/gen_dups.py "$c2" --docs 100000 2> "$work/peers-gen.log"
w=$work/learn-bytes; rm -rf "$w"; mkdir -p "$w"; cd "$w"
# The first 20 MB, cut at a line end.
head -c 20000000 "$c1" | head -n -1 > s20.jsonl
head -n 5000 "$c2" > p5k.jsonl
inputs=("$w/s20.jsonl" "$w/p5k.jsonl")
pages=$root/../shared/data/pages_dev.jsonl
[ -s "$pages" ] && inputs+=("$(realpath "$pages")")
n=0; fail=0
check() { # name args...
  local name=$1; shift
  for which in base new; do
    local bin=$base; [ "$which" = new ] && bin=$new
    rm -rf "o.$which"; mkdir "o.$which"
    (cd "o.$which" && { "$bin" "$@" > out 2> err; echo $? > rc; } || true
     sed -i 's/[0-9.]* s\b//g; s/[0-9.]* MB\/s//g' err)
  done
  n=$((n + 1))
  if ! diff -r -q o.base o.new > /dev/null; then
    echo "DIFF: $name"; diff -r o.base o.new | head -5 || true; fail=$((fail + 1))
  fi
}
for j in 1 2; do
  for f in "${inputs[@]}"; do
    b=$(basename "$f")
    check "learn $b -j $j" clean --learn -j "$j" "$f"
    check "learn explain $b -j $j" clean --learn -j "$j" "$f" --explain ex.jsonl --save-learned l.toml -o c.jsonl
    check "no-extract $b -j $j" clean --learn --no-extract -j "$j" "$f"
    check "run learn $b -j $j" run --learn -j "$j" "$f" --clusters c.jsonl
    check "learn-min-site-pages 1 $b -j $j" clean --learn --learn-min-site-pages 1 -j "$j" "$f"
    check "page-body $b -j $j" clean --page-body -j "$j" "$f"
  done
  check "fixtures/learn -j $j" clean --learn -j "$j" "$root/fixtures/learn"
done
last=${inputs[-1]}
for which in base new; do
  bin=$base; [ "$which" = new ] && bin=$new
  "$bin" clean --learn -j 2 - < "$last" > "stdin.$which" 2> /dev/null || true
done
n=$((n + 1)); cmp -s stdin.base stdin.new || { echo "DIFF: stdin $(basename "$last")"; fail=$((fail + 1)); }
echo "checks: $n, differing: $fail"
[ "$fail" -eq 0 ]
