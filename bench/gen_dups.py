#!/usr/bin/env python3
"""Build a labelled corpus of syndicated news copies, for dedup quality evaluation.

usage: gen_dups.py OUT.jsonl [--seed N] [--copies-per-story N] [--docs N]

With --docs N, stories are drawn until the corpus holds about N documents: past the
real stories, each new story is 8 to 30 real paragraphs sampled from all of them.

Stories are real article texts: the gold texts of ../shared/data/pages_dev.jsonl when it is
there (evaluation only; nothing of it is committed), else the seed articles in fixtures/.
Every document carries its site's junk (share bar, cookie notice, newsletter prompt,
copyright line), as real dumps do. Copies of a story appear on other sites, as one of:
  exact     the same text
  reflow    other line breaks, typographic quotes and dashes
  abridged  cut from the bottom to 40-80 % of its paragraphs
  edited    about 5 % of words changed, a sentence dropped, a line added
  ocr       about 2 % of characters garbled
Each record: {"id", "site", "text", "story", "kind"}; "story" labels the truth.
"""
import glob, json, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

def stories():
    shared = os.path.join(root, "..", "shared", "data", "pages_dev.jsonl")
    texts = []
    if os.path.exists(shared):
        for line in open(shared, encoding="utf-8"):
            g = (json.loads(line).get("gold") or "").replace("\x00", "")
            paras = [p.strip() for p in g.split("\n") if p.strip()]
            if sum(len(p.split()) for p in paras) >= 120:
                texts.append(paras)
    if not texts:
        for f in sorted(glob.glob(os.path.join(root, "fixtures/seeds/expected/*/*.txt"))):
            texts.append([p for p in open(f, encoding="utf-8").read().split("\n") if p.strip()])
    # The same story can appear twice in the source data: keep one.
    seen, out = set(), []
    for t in texts:
        k = " ".join(t)[:200]
        if k not in seen:
            seen.add(k)
            out.append(t)
    return out

SITES = [f"site{i:02d}.example" for i in range(24)]

def site_junk(site, rng):
    name = site.split(".")[0].title()
    head = rng.choice(["Share this article", "Share", "Facebook Twitter WhatsApp E-Mail"])
    foot = [
        rng.choice([
            "We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies.",
            "This website uses cookies to ensure you get the best experience. Accept all cookies or manage your settings.",
        ]),
        rng.choice([
            f"Sign up for our newsletter to get the best of {name} delivered to your inbox every morning.",
            "Subscribe to our newsletter for daily updates from our newsroom and exclusive offers from our partners.",
        ]),
        f"© 2012 {name} Media Group. All rights reserved.",
    ]
    return head, foot

QUOTES = {'"': ["\u201c", "\u201d"], "'": ["\u2019"], " - ": [" \u2013 "]}

def reflow(paras, rng):
    text = " ".join(paras) if rng.random() < 0.5 else "\n".join(paras)
    for a, bs in QUOTES.items():
        text = text.replace(a, rng.choice(bs))
    return text.split("\n")

def abridged(paras, rng):
    keep = max(1, int(len(paras) * rng.uniform(0.4, 0.8)))
    return paras[:keep]

def edited(paras, rng):
    out = []
    for p in paras:
        words = p.split()
        for i in range(len(words)):
            if rng.random() < 0.05:
                words[i] = rng.choice(["reportedly", "officials", "said", "on Monday", "also", "the"])
        out.append(" ".join(words))
    if len(out) > 3:
        del out[rng.randrange(1, len(out))]
    out.insert(rng.randrange(1, len(out) + 1), "Update: this story has been updated with new information.")
    return out

def ocr(paras, rng):
    def garble(p):
        cs = list(p)
        for i in range(len(cs)):
            if cs[i].isalpha() and rng.random() < 0.02:
                cs[i] = rng.choice("il1rnmcoe")
        return "".join(cs)
    return [garble(p) for p in paras]

KINDS = {"exact": lambda p, r: list(p), "reflow": reflow, "abridged": abridged, "edited": edited, "ocr": ocr}

def main():
    out = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    per = int(sys.argv[sys.argv.index("--copies-per-story") + 1]) if "--copies-per-story" in sys.argv else 3
    rng = random.Random(seed)
    want = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 0
    junk = {s: site_junk(s, rng) for s in SITES}
    docs = []
    real = stories()
    pool = [p for t in real for p in t if len(p.split()) >= 8]

    def all_stories():
        yield from real
        while len(docs) < want:
            yield rng.sample(pool, rng.randint(8, 30))

    for n, paras in enumerate(all_stories()):
        if want and len(docs) >= want:
            break
        home = rng.choice(SITES)
        docs.append((home, paras, n, "original"))
        # Half the stories are syndicated, with 1..per copies on other sites.
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, per)):
                kind = rng.choice(list(KINDS))
                site = rng.choice([s for s in SITES if s != home])
                docs.append((site, KINDS[kind](paras, rng), n, kind))
    rng.shuffle(docs)
    with open(out, "w", encoding="utf-8") as f:
        for i, (site, paras, story, kind) in enumerate(docs):
            head, foot = junk[site]
            text = "\n\n".join([head] + paras + foot)
            f.write(json.dumps({"id": f"d{i:05d}", "site": site, "text": text, "story": story, "kind": kind}, ensure_ascii=False) + "\n")
    kinds = {}
    for d in docs:
        kinds[d[3]] = kinds.get(d[3], 0) + 1
    print(f"{out}: {len(docs)} documents, {len(set(d[2] for d in docs))} stories, kinds {kinds}", file=sys.stderr)

if __name__ == "__main__":
    main()
