#!/usr/bin/env python3
"""Generate a JSONL corpus of news-like documents with recurring site junk, for benchmarks.

usage: gen_corpus.py OUT.jsonl SIZE_MB [--seed N]

Article text is sampled from real paragraphs: the seed articles in fixtures/ and, when
../shared/data/pages_dev.jsonl is there, the gold article texts of that file (English).
Each document gets its site's junk: headers, share bars, cookie and newsletter notices,
doubled photo credits, no-break-space lines, a recruitment blurb. Deterministic per seed.
"""
import glob, json, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

def paragraphs():
    paras = []
    for f in sorted(glob.glob(os.path.join(root, "fixtures/seeds/input/*/*.txt"))):
        for p in open(f, encoding="utf-8").read().split("\n"):
            if len(p.split()) > 12 and "Caucasus Watch" not in p and "Cookies" not in p:
                paras.append(p.strip())
    shared = os.path.join(root, "..", "shared", "data", "pages_dev.jsonl")
    if os.path.exists(shared):
        for line in open(shared, encoding="utf-8"):
            g = json.loads(line).get("gold") or ""
            paras.extend(p.strip() for p in g.split("\n") if len(p.split()) > 12)
    return paras

JUNK_TOP = ["Siehe auch", "Share this article", "Teilen", "Facebook Twitter WhatsApp E-Mail", "\u00a0"]
JUNK_BOTTOM = [
    "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern. Mehr Informationen dazu finden Sie in unserer Datenschutzerklärung.",
    "We use cookies to improve your experience. By continuing to browse you agree to our cookie policy.",
    "Sign up for our newsletter to get the top stories delivered to your inbox.",
    "\"Caucasus Watch\" sucht lokale Experten aus Georgien, Armenien, Aserbaidschan und der Nordkaukasus-Region. Wir bieten eine flexible Form der Zusammenarbeit.",
    "© 2021 Example Media. All rights reserved.",
    "Related articles",
    "Читайте также:",
    "À lire aussi",
]
SITES = ["caucasuswatch.de", "example.com", "news.example.org", "zeitung.example.de", "diario.example.es"]

def main():
    out, size_mb = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    paras = paragraphs()
    target = size_mb * 1024 * 1024
    written = 0
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < target:
            site = rng.choice(SITES)
            body = rng.sample(paras, rng.randint(4, 14))
            lines = [body[0], ""]
            if rng.random() < 0.5:
                credit = "Photo: " + rng.choice(["Kremlin.ru", "AFP", "dpa"])
                lines += [credit, credit, ""]
            if rng.random() < 0.3:
                lines += [rng.choice(JUNK_TOP), ""]
            for p in body[1:]:
                lines += [p, ""]
            lines += [rng.choice(JUNK_TOP), ""]
            lines += rng.sample(JUNK_BOTTOM, rng.randint(1, 3))
            text = "\n".join(lines)
            if rng.random() < 0.2:
                text = " date 2021-%02d %s" % (rng.randint(1, 12), text)
            rec = {"id": "doc-%d" % n, "site": site, "url": "https://%s/a/%d" % (site, n), "text": text}
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode("utf-8"))
            n += 1
    print(f"{out}: {n} documents, {written / 1e6:.1f} MB", file=sys.stderr)

if __name__ == "__main__":
    main()
