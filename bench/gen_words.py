#!/usr/bin/env python3
"""A second corpus shape for dedup speed: random dictionary words in news-like layout.

usage: gen_words.py OUT.jsonl [--docs N] [--seed N]   (default 100000 documents)

bench/gen_dups.py builds its stories from real paragraphs; this one draws every word
from a made-up vocabulary of 60,000 words with Zipf-like frequencies, so word
statistics (and shingle counts per byte) differ. Each story is a headline, a
dateline, 8 to 30 paragraphs of 2 to 6 sentences and a site footer (about 4.9 kB,
as gen_dups.py's documents). Half the documents are originals; the rest are copies
of an earlier story: exact, edited (about 5 % of words changed) or abridged (cut to
40-80 % of the paragraphs). Each record: {"id", "site", "text", "story", "kind"}.
Deterministic per seed.
"""
import bisect, itertools, json, random, sys


def main():
    args = sys.argv[1:]
    out = args[0]
    docs = int(args[args.index("--docs") + 1]) if "--docs" in args else 100000
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    rng = random.Random(seed)
    syl = "ba be bi bo bu da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no ra re ri ro sa se si so ta te ti to va ve vi".split()
    vocab = sorted({"".join(rng.choice(syl) for _ in range(rng.randint(1, 4))) for _ in range(90000)})[:60000]
    rng.shuffle(vocab)
    cum = list(itertools.accumulate(1.0 / (r + 1) ** 1.07 for r in range(len(vocab))))

    def words(n):
        return [vocab[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(n)]

    def sentence():
        w = words(rng.randint(8, 24))
        return " ".join(w).capitalize() + rng.choice([".", ".", ".", "?", ","]).replace(",", ".")

    sites = [f"site{i:02d}.example" for i in range(40)]
    footers = {s: [f"Copyright {s} {rng.randint(1990, 2020)}", "Share this article", "Sign up for our newsletter"] for s in sites}
    stories = []
    with open(out, "w", encoding="utf-8") as f:
        for i in range(docs):
            site = rng.choice(sites)
            if not stories or rng.random() < 0.5:
                paras = [" ".join(words(rng.randint(5, 10))).title(), f"{rng.choice(vocab).upper()}, {rng.randint(1, 28)} May"]
                paras += [" ".join(sentence() for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(4, 17))]
                stories.append(paras)
                story, kind, body = len(stories) - 1, "original", paras
            else:
                story = rng.randrange(len(stories))
                body = stories[story]
                kind = rng.choice(["exact", "edited", "abridged"])
                if kind == "edited":
                    body = [" ".join(w if rng.random() > 0.05 else rng.choice(vocab) for w in p.split(" ")) for p in body]
                elif kind == "abridged":
                    body = body[: max(3, int(len(body) * rng.uniform(0.4, 0.8)))]
            text = "\n\n".join(body + footers[site])
            f.write(json.dumps({"id": f"w{i:07d}", "site": site, "text": text, "story": story, "kind": kind}) + "\n")


main()
