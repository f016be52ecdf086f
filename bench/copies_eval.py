#!/usr/bin/env python3
"""How `clean --learn` copes with copies of a page on its site (round 22).

    python3 bench/copies_eval.py --bin BIN [--bin BIN2 ...] [--work DIR]
                                 [--kinds exact,stamp,...] [--ks 1,2,4,8]
                                 [--per-site N]

Learning counts a line once per story, not per page: copies of one page are
meant to count once. This injects, into each tune-half site of 5+ pages of
../shared/data/pages_dev.jsonl (junk_lines.half_of, the split of
body_eval.py; the report half is never read), k copies (k = 1, 2, 4, 8) of
N of its pages (--per-site, default 1: the scored pages with the lowest
md5 of their id), of one kind:

- exact: the page again, byte for byte;
- stamp: a re-crawl with a time-stamp line of its own ("Updated 14:07 GMT ...");
- counter: a re-crawl with a view-counter line of its own ("1,234 views");
- teaser: a re-crawl with a "related" teaser line of its own (8+ words: a
  sentence of another tune site's gold text) after the article;
- added: an update with one paragraph of its own added mid-article (a
  sentence of another tune site's gold text; the copy's gold has it too);
- changed: an update with one article paragraph of 8+ words changed (a
  sentence of another site's gold appended to it; different per copy);
- abridged: the last third of the article's lines cut (all k copies the
  same cut; the copy's gold loses those lines too);
- abridged-teaser: abridged, each copy with a teaser line of its own.

It runs `BIN clean -q --learn` on the tune half alone (learning is per site,
so the other half changes nothing of a tune site's) with the copies and,
once per kind, with no copy (the reference: each copied page replaced by
its first copy, so that the copy's reference F1 is that of the same text
alone). It prints, per binary, kind and k, the macro page F1 (score_clean.py's
page F1: word bags against the gold) of (i) the original pages (the copied
pages, and apart the other scored pages of the 5+ sites) and (ii) the copies,
each beside the same pages' F1 in the reference run, and how many copies
lost half of their reference F1 or more.
"""
import argparse, collections, hashlib, json, os, random, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from junk_lines import half_of  # noqa: E402
from body_eval import W, bag, f1 as page_prf  # noqa: E402

root = os.path.dirname(here)
shared = os.path.join(root, "..", "shared")
PAGES = os.path.join(shared, "data", "pages_dev.jsonl")
KINDS = ["exact", "stamp", "counter", "teaser", "added", "changed", "abridged", "abridged-teaser"]


def f1(gold, pred):
    """Page F1 exactly as score_clean.py computes it (body_eval's)."""
    return page_prf(gold, pred)[2]


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def covered(d):
    gb = bag(d["gold"])
    return sum((gb & bag(d["text"])).values()) >= 0.9 * sum(gb.values())


def article_lines(d):
    """Indices of the page's lines that stand in its gold text verbatim."""
    lines = d["text"].split("\n")
    return [i for i, l in enumerate(lines) if len(W.findall(l)) >= 4 and l.strip() in d["gold"]]


def make_copy(d, kind, c, pool, rng):
    """Copy number c (1-based) of page d of this kind: (text, gold)."""
    text, gold = d["text"], d["gold"]
    lines = text.split("\n")
    art = article_lines(d)
    long_art = [i for i in art if len(W.findall(lines[i])) >= 8]
    after = (art[-1] + 1) if art else len(lines)
    sentence = pool[rng.randrange(len(pool))]
    if kind == "exact":
        return text, gold
    if kind == "stamp":
        stamp = f"Updated {rng.randrange(24):02d}:{rng.randrange(60):02d} GMT, {c} May 2012"
        return "\n".join(lines[:1] + ["", stamp] + lines[1:]), gold
    if kind == "counter":
        at = art[0] if art else 1
        return "\n".join(lines[:at] + [f"{rng.randrange(1000, 99999):,} views", ""] + lines[at:]), gold
    if kind in ("teaser", "abridged-teaser"):
        if kind == "abridged-teaser":
            text, gold = make_copy(d, "abridged", c, pool, rng)
            lines = text.split("\n")
            art = [i for i, l in enumerate(lines) if len(W.findall(l)) >= 4 and l.strip() in gold]
            after = (art[-1] + 1) if art else len(lines)
        return "\n".join(lines[:after] + ["", "Related: " + sentence, ""] + lines[after:]), gold
    if kind == "added":
        at = art[len(art) // 2] if art else len(lines)
        out = "\n".join(lines[:at] + [sentence, ""] + lines[at:])
        # The new paragraph stands in the gold where it stands on the page.
        g = gold.replace(lines[at].strip(), sentence + "\n" + lines[at].strip(), 1) if art else gold + "\n" + sentence
        return out, g
    if kind == "changed":
        if not long_art:
            return make_copy(d, "added", c, pool, rng)
        i = long_art[(c - 1) % len(long_art)]
        old = lines[i].strip()
        new = old + " " + sentence
        lines = lines[:i] + [new] + lines[i + 1:]
        return "\n".join(lines), gold.replace(old, new, 1)
    if kind == "abridged":
        cut = art[-(len(art) // 3):] if len(art) >= 3 else []
        g = gold
        for i in cut:
            g = g.replace(lines[i].strip(), "", 1)
        drop = set(cut)
        return "\n".join(l for i, l in enumerate(lines) if i not in drop), g
    raise ValueError(kind)


def run(binary, docs, path):
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "site": d["site"], "text": d["text"]}, ensure_ascii=False) + "\n")
    out = path + ".out"
    subprocess.run([binary, "clean", "-q", "--learn", path, "-o", out], check=True)
    return {str(r["id"]): r.get("text") or "" for r in map(json.loads, open(out, encoding="utf-8"))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--work", default=os.path.join(root, "bench", "work", "copies"))
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--ks", default="1,2,4,8")
    ap.add_argument("--per-site", type=int, default=1)
    a = ap.parse_args()
    if not os.path.exists(PAGES):
        sys.exit(f"copies_eval: {PAGES} not found (../shared/data holds the evaluation pages)")
    os.makedirs(a.work, exist_ok=True)
    docs = [json.loads(l) for l in open(PAGES, encoding="utf-8")]
    tune = [d for d in docs if half_of(d.get("site") or "") == "tune"]
    del docs
    per_site = collections.Counter(d["site"] for d in tune)
    scored = [d for d in tune if d.get("gold") and per_site[d["site"]] >= 5 and covered(d)]
    by_site = collections.defaultdict(list)
    for d in scored:
        by_site[d["site"]].append(d)
    chosen = []
    for site in sorted(by_site):
        chosen += sorted(by_site[site], key=lambda d: md5(str(d["id"])))[:a.per_site]
    # Sentences of 10-20 words from the gold of the tune pages: teasers and new paragraphs.
    pool = sorted({s.strip() for d in scored for s in re.split(r"(?<=[.!?])\s+|\n", d["gold"])
                   if 10 <= len(W.findall(s)) <= 20})
    print(f"{len(by_site)} tune sites of 5+ pages, {len(scored)} scored pages, "
          f"{len(chosen)} copied, {len(pool)} sentences in the pool\n")
    ks = [int(k) for k in a.ks.split(",")]
    print("| bin | kind | k | other pages F1 (ref) | copied pages' originals F1 (ref) "
          "| copies F1 (ref) | copies losing half |")
    print("|---|---|---|---|---|---|---|")
    for binary in a.bin:
        tag = md5(os.path.abspath(binary))[:6]
        for kind in a.kinds.split(","):
            # The copies of each chosen page, made once per kind (the same for every k up to max).
            copies = {}
            for d in chosen:
                rng = random.Random(f"{d['id']}/{kind}")
                copies[str(d["id"])] = [make_copy(d, kind, c, pool, rng) for c in range(1, max(ks) + 1)]
            # Reference: no copy; each chosen page's first copy alone in its place, and the originals.
            ref_docs = [dict(d) for d in tune]
            ref = run(binary, ref_docs, os.path.join(a.work, f"{tag}.{kind}.ref.jsonl"))
            alone_docs = []
            for d in tune:
                e = dict(d)
                if str(d["id"]) in copies:
                    e["text"], e["gold"] = copies[str(d["id"])][0]
                alone_docs.append(e)
            alone = run(binary, alone_docs, os.path.join(a.work, f"{tag}.{kind}.alone.jsonl"))
            others = [d for d in scored if str(d["id"]) not in copies]
            ref_orig = [f1(d["gold"], ref.get(str(d["id"]), "")) for d in others]
            ref_src = [f1(d["gold"], ref.get(str(d["id"]), "")) for d in chosen]
            for k in ks:
                inp = list(tune)
                gold_of = {}
                for d in chosen:
                    for c in range(k):
                        t, g = copies[str(d["id"])][c]
                        cid = f"{d['id']}~copy{c + 1}"
                        gold_of[cid] = (g, str(d["id"]))
                        inp.append({"id": cid, "site": d["site"], "text": t})
                got = run(binary, inp, os.path.join(a.work, f"{tag}.{kind}.k{k}.jsonl"))
                orig = [f1(d["gold"], got.get(str(d["id"]), "")) for d in others]
                src = [f1(d["gold"], got.get(str(d["id"]), "")) for d in chosen]
                cf, cref, lost = [], [], 0
                for cid, (g, src_id) in gold_of.items():
                    f = f1(g, got.get(cid, ""))
                    # The reference: the first copy alone in its page's place, against its own gold.
                    r = f1(copies[src_id][0][1], alone.get(src_id, ""))
                    cf.append(f)
                    cref.append(r)
                    lost += f < 0.5 * r
                m = lambda xs: sum(xs) / len(xs)
                print(f"| {os.path.basename(binary)} | {kind} | {k} | {m(orig):.4f} ({m(ref_orig):.4f}) "
                      f"| {m(src):.4f} ({m(ref_src):.4f}) | {m(cf):.4f} ({m(cref):.4f}) | {lost}/{len(cf)} |",
                      flush=True)


if __name__ == "__main__":
    main()
