#!/usr/bin/env python3
"""Builds the corpora bench/learn_eval.sh scores `deboil clean --learn` on.

usage: learn_corpora.py WORKDIR
  lee.jsonl        clean English news: the 300 articles of gensim's Lee corpus
                   (pip download gensim), two sentences a paragraph, one site
  seeds.jsonl      clean German news: fixtures/seeds/expected, one site
  manpages.jsonl   German man pages (apt-get download manpages-de, rendered with man),
                   each ending in the translators' footer, one site
  manpages-body.jsonl  the same pages cut before the footer: clean German text
Nothing here is committed: the bench downloads it.
"""
import glob, json, os, re, subprocess, sys, zipfile

work = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(work, exist_ok=True)

def write(name, docs):
    with open(os.path.join(work, name), "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")

# English: gensim's Lee background corpus (Australian news articles).
whl = glob.glob(os.path.join(work, "gensim-*.whl"))
if not whl:
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "gensim", "-d", work], check=True)
    whl = glob.glob(os.path.join(work, "gensim-*.whl"))
with zipfile.ZipFile(whl[0]) as z:
    lee = z.read("gensim/test/test_data/lee_background.cor").decode("utf-8", "replace").splitlines()
docs = []
for i, art in enumerate(a for a in lee if a.strip()):
    sents = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", art.strip())
    paras = [" ".join(sents[j:j + 2]) for j in range(0, len(sents), 2)]
    docs.append({"id": f"lee/{i}", "site": "lee.example", "text": "\n\n".join(paras) + "\n"})
write("lee.jsonl", docs)

# German: the hand-checked seed outputs.
docs = []
for p in sorted(glob.glob(os.path.join(root, "fixtures/seeds/expected/*/*.txt"))):
    docs.append({"id": os.path.basename(p), "site": "caucasuswatch.de", "text": open(p, encoding="utf-8").read()})
write("seeds.jsonl", docs)

# German man pages with the translators' footer.
deb = glob.glob(os.path.join(work, "manpages-de_*.deb"))
if not deb:
    subprocess.run(["apt-get", "download", "manpages-de"], cwd=work, check=True, stderr=subprocess.DEVNULL)
    deb = glob.glob(os.path.join(work, "manpages-de_*.deb"))
x = os.path.join(work, "manpages-de")
if not os.path.isdir(x):
    subprocess.run(["dpkg-deb", "-x", deb[0], x], check=True)
pages = sorted(glob.glob(os.path.join(x, "usr/share/man/de/man1/*.1.gz")))[:300]
full, body = [], []
env = dict(os.environ, MANWIDTH="100000", LANG="C.UTF-8")
for p in pages:
    r = subprocess.run(["man", "-l", p], capture_output=True, env=env)
    text = subprocess.run(["col", "-b"], input=r.stdout, capture_output=True).stdout.decode("utf-8", "replace")
    text = "\n".join(l.strip() for l in text.splitlines())
    if "ÜBERSETZUNG" not in text:
        continue
    name = os.path.basename(p)
    full.append({"id": name, "site": "manpages-de", "text": text})
    body.append({"id": name, "site": "manpages-de", "text": text.split("\nÜBERSETZUNG")[0] + "\n"})
write("manpages.jsonl", full)
write("manpages-body.jsonl", body)
print(f"lee {len(lee)} articles, manpages {len(full)} pages", file=sys.stderr)
