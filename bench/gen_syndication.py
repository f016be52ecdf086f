#!/usr/bin/env python3
"""Build a labelled syndication corpus whose site chrome comes from real pages.

usage: gen_syndication.py OUT.jsonl --half tune|report [--seed N] [--copies-per-story N]
                          [--chrome-lines H,F]   (default 4,6)

Unlike gen_dups.py (whose four junk lines the shipped rules were written
against), every republishing site here carries the chrome of a real site of
../shared/data/pages_dev.jsonl: the lines that recur on two or more of that
site's pages and are in none of its gold texts (menus, "related" headers,
comment-section notes, job adverts, footers), split into a header (lines that
stand before the article on the real pages) and a footer (after it); each
republisher keeps H header and F footer lines of them, chosen once. Stories
are the gold texts of the same pages, short ones included (at least 30 words):
short documents that share a site's footer are what glues clusters.

Sites are split in two halves by a hash of their name: `--half tune` uses one
half's chrome and stories, `--half report` the other's, so a figure measured
on `report` comes from sites no threshold was tuned on. Nothing of
pages_dev is committed; the output goes to bench/work.

Copies (kinds as in gen_dups.py): exact, reflow, abridged, edited, ocr; each
copy goes to another republishing site of the half, with that site's chrome.
Each record: {"id", "site", "text", "story", "kind"}.
"""
import collections, hashlib, json, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from gen_dups import KINDS  # noqa: E402

SHARED = os.path.join(here, "..", "..", "shared", "data", "pages_dev.jsonl")


def half_of(site):
    return "tune" if hashlib.md5(site.encode()).digest()[0] % 2 == 0 else "report"


def load():
    pages = collections.defaultdict(list)
    for line in open(SHARED, encoding="utf-8"):
        d = json.loads(line)
        if d.get("site") and d.get("gold"):
            pages[d["site"]].append(d)
    return pages


def chrome(site_pages):
    """Header and footer lines that recur on 2+ pages of a site, outside gold."""
    gold = set()
    for p in site_pages:
        gold.update(l.strip() for l in p["gold"].split("\n") if l.strip())
    count = collections.Counter()
    where = collections.defaultdict(list)
    for p in site_pages:
        lines = [l.strip() for l in p["text"].split("\n")]
        first_gold = next((i for i, l in enumerate(lines) if l in gold), len(lines) // 2)
        for i, l in enumerate(dict.fromkeys(lines)):
            if l and l not in gold:
                count[l] += 1
        for i, l in enumerate(lines):
            if l and l not in gold:
                where[l].append(i < first_gold)
    rec = [l for l, n in count.items() if n >= 2]
    head = [l for l in rec if sum(where[l]) * 2 > len(where[l])]
    foot = [l for l in rec if l not in head]
    return head, foot


def main():
    out = sys.argv[1]
    arg = lambda k, d: sys.argv[sys.argv.index(k) + 1] if k in sys.argv else d
    half = arg("--half", "tune")
    seed = int(arg("--seed", "11"))
    per = int(arg("--copies-per-story", "3"))
    rng = random.Random(seed)
    if not os.path.exists(SHARED):
        sys.exit(f"{SHARED} is missing: this corpus is built from the evaluation data")
    pages = load()
    sites = sorted(s for s in pages if half_of(s) == half)
    nh, nf = (int(x) for x in arg("--chrome-lines", "4,6").split(","))
    profiles = {}
    for s in sites:
        if len(pages[s]) >= 2:
            head, foot = chrome(pages[s])
            if len(head) + len(foot) >= 3:
                # What an article extractor leaves of a site's chrome: a few
                # of its recurring lines (menus mostly go), fixed per site.
                r = random.Random(f"{seed}:{s}")
                profiles[s] = (r.sample(head, min(nh, len(head))), r.sample(foot, min(nf, len(foot))))
    repub = sorted(profiles)
    stories, seen = [], set()
    for s in sites:
        for p in pages[s]:
            paras = [l.strip() for l in p["gold"].replace("\x00", "").split("\n") if l.strip()]
            key = " ".join(paras)[:200]
            if sum(len(x.split()) for x in paras) >= 30 and key not in seen:
                seen.add(key)
                stories.append(paras)
    docs = []
    for n, paras in enumerate(stories):
        home = rng.choice(repub)
        docs.append((home, paras, n, "original"))
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, per)):
                kind = rng.choice(list(KINDS))
                site = rng.choice([s for s in repub if s != home])
                docs.append((site, KINDS[kind](paras, rng), n, kind))
    rng.shuffle(docs)
    with open(out, "w", encoding="utf-8") as f:
        for i, (site, paras, story, kind) in enumerate(docs):
            head, foot = profiles[site]
            # Chrome varies a little from page to page, as on real sites.
            h = [l for l in head if rng.random() < 0.9]
            t = [l for l in foot if rng.random() < 0.9]
            text = "\n".join(h + paras + t)
            rec = {"id": f"s{i:05d}", "site": f"rep-{site}", "text": text, "story": story, "kind": kind}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    kinds = collections.Counter(d[3] for d in docs)
    print(f"{out}: half {half}, {len(docs)} documents, {len(stories)} stories, "
          f"{len(repub)} republishing sites with real chrome, kinds {dict(kinds)}", file=sys.stderr)


if __name__ == "__main__":
    main()
