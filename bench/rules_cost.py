#!/usr/bin/env python3
"""What the shipped rules cost `deboil clean`, in instructions (valgrind's
cachegrind, which counts the same on a loaded machine; wall time does not).

    python3 bench/rules_cost.py [--lines 20000] [--old 8761bcd] [--bin target/release/deboil]

Runs one binary with three rule sets given as files (`--no-default-rules
--rules DIR`), on one tiny document (start-up: compiling the rules) and on the
first N lines of bench/work/corpus-512.jsonl (bench/gen_corpus.py), one thread:
  old       the rules/ of git revision OLD (default: before the family rules
            were widened and made case-sensitive);
  no (?-i)  today's rules with the `(?-i)` that starts each regex taken out
            (case-insensitive, as the matcher compiles by default);
  shipped   today's rules/.
It checks that `no (?-i)` and `shipped` write byte-identical output (keys are
lowercase, so case-sensitive matching must change nothing).
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def instructions(cmd):
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                          "--cachegrind-out-file=/dev/null", *cmd],
                         capture_output=True, text=True, check=True).stderr
    return int(re.search(r"I\s+refs:\s+([0-9,]+)", out).group(1).replace(",", ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--old", default="8761bcd")
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "deboil"))
    ap.add_argument("--corpus", default=os.path.join(root, "bench", "work", "corpus-512.jsonl"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = os.path.join(tmp, "old")
        os.makedirs(old)
        tar = subprocess.run(["git", "archive", a.old, "rules"], cwd=root, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", old], input=tar, check=True)
        nocase = os.path.join(tmp, "nocase")
        shutil.copytree(os.path.join(root, "rules"), os.path.join(nocase, "rules"))
        for f in os.listdir(os.path.join(nocase, "rules")):
            p = os.path.join(nocase, "rules", f)
            if f.endswith(".toml"):
                s = open(p, encoding="utf-8").read().replace("'(?-i)", "'")
                open(p, "w", encoding="utf-8").write(s)
        tiny = os.path.join(tmp, "tiny.jsonl")
        open(tiny, "w").write('{"id": "a", "text": "Hello world."}\n')
        sl = os.path.join(tmp, "slice.jsonl")
        with open(a.corpus, encoding="utf-8") as src, open(sl, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= a.lines:
                    break
                dst.write(line)
        mb = os.path.getsize(sl) / 1e6
        print(f"`{a.bin} clean -q -j 1 --no-default-rules --rules DIR`, instructions (cachegrind)\n")
        print(f"| rules | start-up (one tiny document) | first {a.lines} lines of corpus-512 ({mb:.0f} MB) |")
        print("|---|---:|---:|")
        outs = {}
        for name, d in [(f"old ({a.old})", os.path.join(old, "rules")), ("no (?-i)", os.path.join(nocase, "rules")),
                        ("shipped", os.path.join(root, "rules"))]:
            base = [a.bin, "clean", "-q", "-j", "1", "--no-default-rules", "--rules", d]
            t = instructions(base + [tiny, "-o", os.devnull])
            outs[name] = os.path.join(tmp, re.sub(r"\W", "_", name) + ".out")
            s = instructions(base + [sl, "-o", outs[name]])
            print(f"| {name} | {t / 1e9:.3f} G | {s / 1e9:.3f} G |")
        same = open(outs["no (?-i)"], "rb").read() == open(outs["shipped"], "rb").read()
        print(f"\nshipped vs no (?-i): output {'byte-identical' if same else 'DIFFERS'}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
