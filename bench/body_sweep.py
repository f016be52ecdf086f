#!/usr/bin/env python3
"""Round 20 (SCAFFOLDING, reverted): coordinate search of the body finder's knobs
(DEBOIL_X_<NAME>, read by this commit's extract.rs) on pages_dev's TUNE half only.

    python3 bench/body_sweep.py BIN WORK CORPUS18 PASSES [NAME=V ...]

BIN: a deboil built from this commit; WORK: an empty folder (table.tsv is written
there); CORPUS18: bench/corpus18_build.py's pages_moz.jsonl (its tune rows only are
scored, by bench/c18_tune.py); NAME=V: the start point (default: the defaults).
A move is taken when it raises fold A and fold B, lowers neither the 2-4-page nor
the 1-page tune sites by more than 0.002, the bootstrap of the tune 5+ sites has it
up in >= 80 % of 1000 draws and down in < 5 %, corpus18's tune macros (learn and
learn1, all and English) drop by no more than 0.002 and the clean-text guards stay
(seeds 0 %, Lee 0 %, manpages-body within 0.05 points)."""
import json, os, subprocess, sys, collections
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import body_eval as be

BIN = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(here)
C18 = os.path.abspath(sys.argv[3])
GRID = [
 ("MIN_GOOD_WORDS", 10, [6,7,8,9,11,12,14,16]),
 ("MIN_FUNCTION_SHARE", 0.25, [0.15,0.18,0.2,0.22,0.28,0.3,0.33,0.36]),
 ("PENALTY", 8, [4,5,6,7,9,10,12,14]),
 ("MIN_OUTSIDE_LINES", 8, [4,5,6,7,9,10,12]),
 ("MIN_TEMPLATE_LINES", 5, [2,3,4,6,7,8,10]),
 ("MIN_BODY_SCORE", 30, [15,20,25,35,40,50,60]),
 ("TITLE_GAP", 6, [3,4,5,7,8,10]),
 ("TEMPLATE_FACTOR", 1.0, [0.5,0.75,1.25,1.5,2]),
 ("TEMPLATE_WORD", 0.5, [0,0.25,0.75,1]),
 ("LONGPLAIN_SHARE", 0.3, [0,0.1,0.2,0.4,0.5,0.7,1.0]),
 ("SENTENCE_SHARE", 0.0, [-0.1,0.1,0.2,0.3,0.5]),
 ("SHORT_FACTOR", 0.5, [0.25,0.375,0.625,0.75,1]),
 ("HEADLINE_FACTOR", 0.5, [0.25,0.375,0.625,0.75,1]),
 ("META_FACTOR", 1.0, [0.5,0.75,1.25,1.5,2]),
 ("ITEM_SHARE", 0.3, [0,0.1,0.2,0.4,0.5,0.7,1]),
 ("ITEM_LINES", 3, [1,2,4,5]),
 ("ITEM_GAP", 3, [1,2,4,5]),
 ("ITEM_CHAIN", 3, [2,4,5]),
 ("NEUTRAL_WORDS", 4, [2,3,5,6]),
 ("RUN_LINES", 4, [2,3,5,6]),
 ("RUN_RATIO", 2.0, [1,1.5,2.5,3]),
 ("RUN_GAP", 4, [2,3,6,8]),
 ("GOES_ON", 0.7, [0.4,0.5,0.6,0.8,0.9,1.0]),
 ("META_WORDS", 15, [10,12,20]),
 ("SECTION_WORDS", 40, [20,30,60]),
 ("TEASER_WORDS", 8, [5,6,10,12]),
 ("TEASER_MAX", 40, [25,30,60]),
 ("HEADLINE_MAX", 15, [10,12,20,25]),
 ("LIST_LINES", 15, [8,10,20,30]),
 ("BIO_TAIL", 2, [1,3,4]),
 ("BIO_WORDS", 80, [50,120]),
 ("TITLE_PCT", 33, [20,25,40,50]),
 ("TITLE_SITE_PCT", 50, [33,40,60,75]),
 ("THREAD_LOOK", 12, [6,8,16,20]),
 ("THREAD_SIGNS", 2, [1,3]),
 ("PROSE_LOOK", 30, [15,20,40]),
 ("MARKER_WORDS", 25, [15,20,35]),
 ("BARE_WORDS", 2, [1,3]),
 ("HEAD_PROSE", 2, [0,1,3,4]),
 ("HEAD_SHARE", 2, [1,3,4]),
 ("TAG_WORDS", 6, [4,8]),
 ("TAG_COMMAS", 3, [2,4,5]),
 ("TAG_FUNCTION", 0.25, [0.15,0.35]),
 ("LINK_WORDS_MIN", 5, [3,4,6,7]),
 ("LINK_WORDS_MAX", 15, [10,12,20]),
 ("BOX_LINES", 3, [2,4,5]),
 ("PARAGRAPH_WORDS", 20, [10,15,25,30]),
 ("POST_LINK_WORDS_MIN", 2, [1,3,4]),
 ("POST_LINK_WORDS_MAX", 20, [12,15,30]),
 ("POST_LINK_EDGE", 3, [1,2,4,5]),
]
NOISE = 0.002
OUT = os.path.abspath(sys.argv[2])
cache = {}

def key(point):
    return ",".join(f"{k}={v}" for k, v in sorted(point.items()))

def run(point):
    k = key(point)
    if k in cache:
        return cache[k]
    work = os.path.join(OUT, "w")
    env = dict(os.environ)
    env = {e: v for e, v in env.items() if not e.startswith("DEBOIL_X_")}
    env.update({"DEBOIL_X_" + n: str(v) for n, v in point.items()})
    subprocess.run(["python3", "bench/body_eval.py", "--bin", BIN, "--corpora", "/work/benchdata/learn",
                    "--halves", "tune", "--sites", "none", "--folds", "--work", work],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    f = be.read_folds(os.path.join(work, "folds.tsv"))
    tsv = os.path.join(OUT, f"folds-{len(cache)}.tsv")
    os.replace(os.path.join(work, "folds.tsv"), tsv)
    cache[k] = (f, tsv)
    return cache[k]

def macro(f, parts):
    v = [x for p in parts for s in f[p].values() for x in s.values()]
    return sum(v) / len(v)

def figs(f):
    return {"A": macro(f, ["foldA"]), "B": macro(f, ["foldB"]), "T5": macro(f, ["foldA", "foldB"]),
            "T24": macro(f, ["tune2-4"]), "T1": macro(f, ["tune1"])}

def boot(fb, fn, parts, n=1000):
    b = {s: p for part in parts for s, p in fb[part].items()}
    m = {s: p for part in parts for s, p in fn[part].items()}
    return be.bootstrap(b, m, n, 9)

import re
second = {}
def secondary(point):
    """corpus18 tune-half macros (c18tune.py) and the clean-text guards, for a point."""
    k = key(point)
    if k in second:
        return second[k]
    env = {e: v for e, v in os.environ.items() if not e.startswith("DEBOIL_X_")}
    env.update({"DEBOIL_X_" + n: str(v) for n, v in point.items()})
    r = {}
    out = subprocess.run(["python3", os.path.join(here, "c18_tune.py"), BIN, os.path.join(OUT, "c18"), C18], env=env,
                         check=True, capture_output=True, text=True).stdout
    for m in re.finditer(r"^(learn1?)\s+(tune-\w+)\s+n=\d+ macro ([0-9.]+)", out, re.M):
        r[m.group(1) + ":" + m.group(2)] = float(m.group(3))
    out = subprocess.run(["python3", "bench/body_eval.py", "--bin", BIN, "--corpora", "/work/benchdata/learn",
                          "--halves", "tune", "--sites", "none", "--work", os.path.join(OUT, "g")],
                         cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    for m in re.finditer(r"^- (\S+): .*removed=([0-9.]+)%", out, re.M):
        r[m.group(1)] = float(m.group(2))
    second[k] = r
    return r

CUR = {}
def judge(fb, fn, cur_point, trial):
    gb, gn = figs(fb), figs(fn)
    up, down = boot(fb, fn, ["foldA", "foldB"])
    ok = (gn["A"] > gb["A"] + 1e-9 and gn["B"] > gb["B"] + 1e-9 and gn["T24"] >= gb["T24"] - NOISE
          and gn["T1"] >= gb["T1"] - NOISE and up >= 0.8 and down < 0.05)
    sec = ""
    if ok:
        sb, sn = secondary(cur_point), secondary(trial)
        c18 = all(sn[x] >= sb[x] - NOISE for x in sb if x.startswith("learn"))
        guards = sn["seeds"] == 0 and sn["lee"] == 0 and abs(sn["manpages-body"] - sb["manpages-body"]) < 0.05
        sec = " ".join(f"{x}={sn[x]:.4f}" for x in sorted(sn))
        ok = c18 and guards
    return gn, up, down, ok, sec

def main():
    os.makedirs(OUT, exist_ok=True)
    passes = int(sys.argv[4])
    point = dict(a.split("=") for a in sys.argv[5:])
    point = {k: float(v) for k, v in point.items()}
    log = open(os.path.join(OUT, "table.tsv"), "a")
    fcur, _ = run(point)
    g = figs(fcur)
    print("start", key(point), {k: round(v, 4) for k, v in g.items()}, flush=True)
    for p in range(1, passes + 1):
        moved = False
        for name, default, grid in GRID:
            cur = point.get(name, default)
            vals = sorted(set([default] + grid) - {cur})
            best = None
            for v in vals:
                trial = dict(point); trial[name] = v
                if v == default:
                    trial.pop(name)
                fn, tsv = run(trial)
                gn, up, down, ok, sec = judge(fcur, fn, point, trial)
                row = [p, name, cur, v] + [f"{gn[x]:.4f}" for x in ("A", "B", "T5", "T24", "T1")] + [f"{up:.3f}", f"{down:.3f}", int(ok), tsv, sec]
                log.write("\t".join(map(str, row)) + "\n"); log.flush()
                print("\t".join(map(str, row)), flush=True)
                if ok and (best is None or gn["T5"] > best[1]["T5"]):
                    best = (v, gn, fn)
            if best:
                v, gn, fn = best
                point[name] = v
                if v == default:
                    point.pop(name)
                fcur = fn
                moved = True
                print(f"ACCEPT pass {p}: {name}={v} -> {key(point)} {gn}", flush=True)
        if not moved:
            break
    print("FINAL", key(point), figs(fcur), flush=True)

main()
