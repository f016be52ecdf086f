#!/usr/bin/env python3
"""Tune-half-only scoring of corpus18: runs learn and learn1 with a given bin, scores tune rows only.
(round 19's script; round 20 scaffolding, reverted) usage: c18_tune.py BIN OUTDIR CORPUS18 [--pages]"""
import sys, os, json, re, collections, subprocess
W = re.compile(r"\w+", re.U)
def bag(s): return collections.Counter(w.lower() for w in W.findall(s or ""))
def prf(g, p):
    i = sum((g & p).values()); P = i/sum(p.values()) if p else 0; R = i/sum(g.values()) if g else 0
    return P, R, (2*P*R/(P+R) if P+R else 0)
binp, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
corpus = sys.argv[3]
rows = [json.loads(l) for l in open(corpus)]
V = {"learn": ["clean", "--learn"], "learn1": ["clean", "--learn", "--learn-min-site-pages", "1"]}
if "--no-run" not in sys.argv:
    for v, a in V.items():
        subprocess.run([binp, *a, corpus, "-o", f"{out}/out_{v}.jsonl", "--explain", f"{out}/explain_{v}.jsonl"], check=True)
def covered(r):
    gb = bag(r["gold"]); return sum((gb & bag(r["text"])).values()) >= 0.9*sum(gb.values())
tune = [r for r in rows if r.get("gold") and covered(r) and r["half"] == "tune"]
preds = {}
for v in V:
    preds[v] = {str(json.loads(l)["id"]): json.loads(l).get("text", "") for l in open(f"{out}/out_{v}.jsonl") if l.strip()}
res = {}
for v in V:
    for name, rs in (("tune-all", tune), ("tune-en", [r for r in tune if r["english"]])):
        fs = [prf(bag(r["gold"]), bag(preds[v].get(r["id"], ""))) for r in rs]
        res[(v, name)] = sum(f[2] for f in fs)/len(fs)
        print(f"{v:7s} {name:9s} n={len(rs)} macro {res[(v,name)]:.4f}")
with open(f"{out}/pages.tsv", "w") as f:
    for r in tune:
        f.write("\t".join([r["id"], r["site"], str(r["english"])] + [f"{prf(bag(r['gold']), bag(preds[v].get(r['id'],'')))[2]:.4f}" for v in V]) + "\n")
if "--pages" in sys.argv:
    for l in sorted(open(f"{out}/pages.tsv"), key=lambda x: float(x.split()[3])):
        print(l.rstrip())
