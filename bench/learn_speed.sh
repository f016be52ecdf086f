#!/usr/bin/env bash
# What learning costs: `clean` against `clean --learn` and `run` against
# `run --learn`, on bench/clean.sh's corpus and on bench/peers.sh's 100k
# documents (bench/gen_dups.py: another generator, another shape), on one
# core and on two, best of N runs with the spread; then instruction counts
# (cachegrind, no cache simulation) on a slice of each. With a base commit,
# everything is measured for it too, from a build of that commit.
#
# usage: bench/learn_speed.sh [N]          (default 3 runs of each command)
# env:   SIZE      clean corpus in MB (default 512; bench/gen_corpus.py)
#        BASE      commit to compare with (default 8761bcd, before the fused
#                  learning read; empty for none)
#        BASE_BIN  a deboil binary built from BASE, instead of building one
#        CLEAN_CORPUS, PEERS_CORPUS, LW  other corpora, another work folder
# Replaces the tables of the "Speed" section of bench/results/learn.md
# (the hand-written readings after them stay).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
size=${SIZE:-512}
base=${BASE-8761bcd}
work=bench/work
lw=${LW:-$work/learn-speed}
mkdir -p "$lw" bench/results
clean_corpus=${CLEAN_CORPUS:-$work/corpus-$size.jsonl}
peers_corpus=${PEERS_CORPUS:-$work/peers-100000.jsonl}
[ -s "$clean_corpus" ] || python3 bench/gen_corpus.py "$clean_corpus" "$size"
[ -s "$peers_corpus" ] || python3 bench/gen_dups.py "$peers_corpus" --docs 100000 2> "$work/peers-gen.log"
cargo build --release --quiet
cp target/release/deboil "$lw/deboil-head"
bins=(head)
if [ -n "$base" ]; then
  if [ -n "${BASE_BIN:-}" ]; then
    cp "$BASE_BIN" "$lw/deboil-base-$base"
  elif [ ! -x "$lw/deboil-base-$base" ]; then
    rm -rf "$lw/base-src" && mkdir -p "$lw/base-src"
    git archive "$base" | tar -x -C "$lw/base-src"
    (cd "$lw/base-src" && CARGO_TARGET_DIR=target cargo build --release --quiet)
    cp "$lw/base-src/target/release/deboil" "$lw/deboil-base-$base"
  fi
  cp "$lw/deboil-base-$base" "$lw/deboil-base"
  bins=(base head)
fi

# Slices for instruction counts: ~10 MB of each corpus.
head -c 10000000 "$clean_corpus" | head -n -1 > "$lw/slice-clean.jsonl"
head -n 2000 "$peers_corpus" > "$lw/slice-peers.jsonl"
cat "$clean_corpus" "$peers_corpus" > /dev/null # warm the page cache

cmds=("clean" "clean --learn" "run" "run --learn")
# One timed run: prints "seconds peak_kib", or "failed 0".
once() { # bin, cpus, threads, corpus, command...
  local bin=$1 cpus=$2 j=$3 corpus=$4 t0 t1
  shift 4
  t0=$(date +%s.%N)
  if ! /usr/bin/time -f "%M" -o "$lw/rss" taskset -c "$cpus" "$lw/deboil-$bin" "$@" "$corpus" \
    -o /dev/null -j "$j" -q 2> "$lw/stderr"; then
    echo "failed 0"
    return
  fi
  t1=$(date +%s.%N)
  echo "$(echo "$t1 - $t0" | bc -l) $(tail -n 1 "$lw/rss")"
}

: > "$lw/times"
for corpus in "$clean_corpus" "$peers_corpus"; do
  for j in 1 2; do
    cpus=$([ "$j" = 1 ] && echo 0 || echo 0,1)
    # Rounds of every command in turn, so that drift in the machine's load
    # touches all of them alike.
    for ((r = 1; r <= runs; r++)); do
      for bin in "${bins[@]}"; do
        for c in "${cmds[@]}"; do
          # shellcheck disable=SC2086
          echo "$corpus|$j|$bin|$c|$(once "$bin" "$cpus" "$j" "$corpus" $c)" >> "$lw/times"
        done
      done
    done
  done
done

: > "$lw/instr"
for slice in clean peers; do
  for bin in "${bins[@]}"; do
    for c in "${cmds[@]}" "learn"; do
      # shellcheck disable=SC2086
      if ! "$lw/deboil-$bin" $c "$lw/slice-$slice.jsonl" -o /dev/null -j 1 -q 2> /dev/null; then
        n=""
      else
        n=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
          "$lw/deboil-$bin" $c "$lw/slice-$slice.jsonl" -o /dev/null -j 1 -q 2>&1 |
          sed -n 's/.*I *refs: *//p' | tr -d ,)
      fi
      echo "$slice|$bin|$c|$n" >> "$lw/instr"
    done
  done
done

python3 - "$lw" "$clean_corpus" "$peers_corpus" "$runs" "$base" "$(git rev-parse --short HEAD)" \
  "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" <<'PY'
import os, re, sys, datetime
lw, clean_corpus, peers_corpus, runs, base, head, machine = sys.argv[1:]
times, failed = {}, set()
for line in open(f"{lw}/times"):
    corpus, j, bin_, cmd, res = line.rstrip("\n").split("|")
    secs, rss = res.split()
    if secs != "failed":
        times.setdefault((corpus, j, bin_, cmd), []).append((float(secs), int(rss)))
    else:
        failed.add((corpus, j, bin_, cmd))
instr = {}
for line in open(f"{lw}/instr"):
    s, b, c, n = line.rstrip("\n").split("|")
    instr[(s, b, c)] = int(n) if n else None
bins = ["base", "head"] if base else ["head"]
label = {"base": f"base ({base})", "head": f"this commit ({head})"}
out = []
out.append("## Speed\n")
out.append(f"- date: {datetime.date.today()}, commit {head}; reproduce: `bench/learn_speed.sh {runs}`"
           + (f" (base: `BASE={base}`)" if base else ""))
out.append(f"- machine: {machine}; `taskset -c 0` for -j 1, `-c 0,1` for -j 2; the reader thread shares the cores")
out.append(f"- seconds: fastest of {runs} runs (range in brackets), rounds of all commands in turn;"
           " MB/s = JSONL bytes / fastest time; **learn/plain** = speed with `--learn` as a share of the speed"
           " without it (the target is 60 % or more)")
out.append("- `--learn` finds bodies too (the default); every command writes to /dev/null\n")
for corpus in (clean_corpus, peers_corpus):
    size = os.path.getsize(corpus)
    docs = sum(1 for _ in open(corpus, "rb"))
    what = "bench/clean.sh's corpus (bench/gen_corpus.py)" if corpus == clean_corpus else \
        "bench/peers.sh's corpus (bench/gen_dups.py --docs 100000)"
    out.append(f"### {corpus}: {what}, {size / 1e6:.0f} MB, {docs} documents\n")
    out.append("| binary | -j | command | seconds | MB/s | peak RSS MiB | learn/plain |")
    out.append("|---|---|---|---|---|---|---|")
    for b in bins:
        for j in ("1", "2"):
            best = {}
            for cmd in ("clean", "clean --learn", "run", "run --learn"):
                ts = times.get((corpus, j, b, cmd))
                if not ts:
                    if (corpus, j, b, cmd) in failed:
                        out.append(f"| {label[b]} | {j} | `{cmd}` | failed (crash) | | | |")
                    continue
                secs = [t for t, _ in ts]
                best[cmd] = min(secs)
                rss = max(r for _, r in ts) / 1024
                share = ""
                if cmd.endswith("--learn"):
                    plain = best.get(cmd.split()[0])
                    if plain:
                        share = f"**{100 * plain / best[cmd]:.0f} %**"
                out.append(f"| {label[b]} | {j} | `{cmd}` | {min(secs):.2f} [{min(secs):.2f}–{max(secs):.2f}] |"
                           f" {size / min(secs) / 1e6:.0f} | {rss:.0f} | {share} |")
    out.append("")
out.append("### Instructions (cachegrind --cache-sim=no, -j 1), millions\n")
out.append("Slices: the first 10 MB of the clean corpus, the first 2000 documents of the peers corpus."
           " Start-up (compiling the rules, about 0.45 G) is in every figure.\n")
out.append("| slice | binary | " + " | ".join(f"`{c}`" for c in ("clean", "clean --learn", "run", "run --learn", "learn"))
           + " | clean --learn / clean | run --learn / run |")
out.append("|---|---|---|---|---|---|---|---|---|")
for s in ("clean", "peers"):
    for b in bins:
        row = [instr.get((s, b, c)) for c in ("clean", "clean --learn", "run", "run --learn", "learn")]
        cells = [f"{n / 1e6:.0f}" if n else "failed" for n in row]
        r1 = f"{row[1] / row[0]:.2f}" if row[0] and row[1] else ""
        r2 = f"{row[3] / row[2]:.2f}" if row[2] and row[3] else ""
        out.append(f"| {s} | {label[b]} | " + " | ".join(cells) + f" | {r1} | {r2} |")
out.append("")
path = "bench/results/learn.md"
text = open(path).read()
at = text.find("## Speed")
# The generated tables are replaced; hand-written readings after them (the
# first "### Reading" heading on) and later sections are kept.
rest = ""
if at >= 0:
    ends = [i for i in (text.find("\n### Reading", at), text.find("\n## ", at + 1)) if i >= 0]
    rest = text[min(ends) + 1:] if ends else ""
text = (text[:at] if at >= 0 else text.rstrip("\n") + "\n\n") + "\n".join(out)
if rest:
    text += "\n" + rest
open(path, "w").write(text)
print("\n".join(out))
PY
