#!/usr/bin/env python3
"""Bodies of pages of rarely seen sites: `deboil clean --learn` and `deboil clean
--page-body` before and after the single-page body finder (crates/deboil-core/src/page.rs).

usage: bench/page_eval.py [--before REV | --before-bin PATH | --no-before] [--work DIR] [--no-speed]

Reproduces every figure of bench/results/page.md (and writes them there,
between its page_eval.py markers):
- ../shared/data/pages_dev.jsonl split by site (md5 of the site, first hex
  digit: even = tune, odd = report; the split of bench/rules_eval.py); the
  model was fitted on the tune half only (bench/page_fit.py). For each half,
  the pages of sites with 1-4 pages in the whole file (too few to learn from)
  and of sites with 5+ pages, scored with ../shared/eval/score_clean.py
  --min-site-pages 1 on gold files holding only those pages. Every command
  cleans the whole file, as a crawl would be cleaned.
- clean text must stay whole: words removed (../shared/eval/removed_fraction.py)
  from gensim's Lee corpus and fixtures/seeds/expected (bench/learn_corpora.py)
  by `--page-body`, and by `--learn` with every document its own site (so each
  goes through the single-page finder).
- outputs are the same for -j 1 and the default thread count (cmp).
- speed: best of 3 wall-clock runs of `clean --learn` on bench/work/corpus-512.jsonl
  (bench/gen_corpus.py), before and after; a loaded machine makes this noisy.
"Before" is deboil built from REV (default: the commit this work started
from), exported with git archive into target/page-before and built there once.
"""
import argparse, collections, hashlib, json, os, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
shared = os.path.join(root, "..", "shared")
PAGES = os.path.join(shared, "data", "pages_dev.jsonl")
SCORE = os.path.join(shared, "eval", "score_clean.py")
REMOVED = os.path.join(shared, "eval", "removed_fraction.py")
WORK = os.path.join(root, "bench", "work", "page")
BASE = "8761bcd"
MARK_BEGIN, MARK_END = "<!-- page_eval.py: begin -->", "<!-- page_eval.py: end -->"


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def half(site):
    return "tune" if int(hashlib.md5((site or "").encode()).hexdigest()[0], 16) % 2 == 0 else "report"


def build_before(rev):
    src = os.path.join(root, "target", "page-before", "src")
    binary = os.path.join(root, "target", "page-before", "release", "deboil")
    if not os.path.exists(binary):
        os.makedirs(src, exist_ok=True)
        archive = subprocess.run(["git", "-C", root, "archive", rev], check=True, capture_output=True).stdout
        run("tar", "-x", "-C", src, input=archive)
        env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(root, "target", "page-before"))
        run("cargo", "build", "--release", "--quiet", "--bin", "deboil", cwd=src, env=env)
    return binary


def subsets():
    pages = [json.loads(l) for l in open(PAGES, encoding="utf-8")]
    per_site = collections.Counter(p.get("site") for p in pages)
    out = {}
    for h in ("tune", "report"):
        for size in ("1-4", "5+"):
            path = os.path.join(WORK, f"{h}.{size}.gold.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                for p in pages:
                    small = per_site[p.get("site")] < 5
                    if half(p.get("site")) == h and small == (size == "1-4"):
                        f.write(json.dumps(p, ensure_ascii=False) + "\n")
            out[(h, size)] = path
    return out


def score(gold, pred):
    r = subprocess.run(["python3", SCORE, "--min-site-pages", "1", gold, pred], check=True,
                       capture_output=True, text=True)
    return r.stdout.strip()


def removed(original, cleaned):
    r = subprocess.run(["python3", REMOVED, original, cleaned], check=True, capture_output=True, text=True)
    return r.stdout.strip().split("removed=")[-1]


def own_sites(src, dst):
    """Every document its own site: each has too few pages to learn from."""
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as g:
        for l in f:
            d = json.loads(l)
            d["site"] = "doc-" + str(d["id"])
            g.write(json.dumps(d, ensure_ascii=False) + "\n")


def best_of(n, cmd):
    best = None
    for _ in range(n):
        t0 = time.perf_counter()
        run(*cmd, stdout=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    return best


def main():
    global WORK
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default=BASE, help="git revision to compare with")
    ap.add_argument("--before-bin", help="a deboil binary to compare with (instead of building REV)")
    ap.add_argument("--no-before", action="store_true")
    ap.add_argument("--work", help=f"scratch folder (default {WORK})")
    ap.add_argument("--no-speed", action="store_true", help="leave out the corpus-512 timings")
    a = ap.parse_args()
    WORK = a.work or WORK
    os.makedirs(WORK, exist_ok=True)
    run("cargo", "build", "--release", "--quiet", "--bin", "deboil", cwd=root)
    after = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target")), "release", "deboil")
    bins = {"after": after}
    if a.before_bin:
        bins["before"] = a.before_bin
        r = subprocess.run([a.before_bin, "--version"], capture_output=True, text=True).stdout.split()
        a.before = r[3].rstrip(",") if len(r) > 3 else a.before_bin
    elif not a.no_before:
        bins["before"] = build_before(a.before)
    gold = subsets()
    out = {}

    def clean(name, binary, *args, src=PAGES):
        path = os.path.join(WORK, name + ".jsonl")
        run(binary, "clean", "-q", *args, src, "-o", path)
        out[name] = path
        return path

    for b, binary in bins.items():
        clean(f"{b}.learn", binary, "--learn")
        clean(f"{b}.plain", binary)
    clean("after.page-body", after, "--page-body")
    clean("after.learn.j1", after, "--learn", "-j", "1")
    clean("after.page-body.j1", after, "--page-body", "-j", "1")
    same = all(
        subprocess.run(["cmp", "-s", out[x], out[x + ".j1"]]).returncode == 0
        for x in ("after.learn", "after.page-body")
    )

    # Clean text.
    learn_work = os.path.join(WORK, "learn")
    run("python3", os.path.join(here, "learn_corpora.py"), learn_work, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    clean_rows = []
    for corpus, label in (("lee", "English news, gensim Lee corpus (300 articles)"),
                          ("seeds", "German news, fixtures/seeds/expected (5 articles)")):
        src = os.path.join(learn_work, corpus + ".jsonl")
        own = os.path.join(WORK, corpus + ".own-sites.jsonl")
        own_sites(src, own)
        cells = [removed(src, clean(f"{corpus}.page-body", after, "--page-body", src=src)),
                 removed(own, clean(f"{corpus}.learn-own", after, "--learn", src=own)),
                 removed(src, clean(f"{corpus}.learn", after, "--learn", src=src))]
        clean_rows.append(f"| {label} | " + " | ".join(cells) + " |")

    corpus = os.path.join(root, "bench", "work", "corpus-512.jsonl")
    speed = []
    if os.path.exists(corpus) and not a.no_speed:
        mb = os.path.getsize(corpus) / 1e6
        for b, binary in bins.items():
            t = best_of(3, [binary, "clean", "-q", "--learn", corpus, "-o", "/dev/null"])
            speed.append(f"| {b} | `clean --learn` | {t:.2f} | {mb / t:.0f} |")
        t = best_of(3, [after, "clean", "-q", "--page-body", corpus, "-o", "/dev/null"])
        speed.append(f"| after | `clean --page-body` | {t:.2f} | {mb / t:.0f} |")
        t = best_of(3, [after, "clean", "-q", corpus, "-o", "/dev/null"])
        speed.append(f"| after | `clean` | {t:.2f} | {mb / t:.0f} |")

    commit = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = [
        "# Bodies of pages of rarely seen sites (single-page body finder)",
        "",
        f"- date: {time.strftime('%Y-%m-%d', time.gmtime())}, commit {commit}; reproduce: `python3 bench/page_eval.py"
        f"{''.join(' ' + x for x in sys.argv[1:])}`"
        + ("" if a.no_before else f" (before = deboil of commit {a.before})"),
        "- data: ../shared/data/pages_dev.jsonl, split by site (md5 of the site, first hex digit even = tune,"
        " odd = report); the model's weights were fitted on the tune half only (`python3 bench/page_fit.py`)",
        "- scored with `python3 ../shared/eval/score_clean.py --min-site-pages 1 GOLD CLEANED`, GOLD holding only"
        " the pages named (bench/work/page/*.gold.jsonl); every command cleans the whole file",
        "",
        "## Pages of sites with 1-4 pages (too few to learn from)",
        "",
        "| half | command | result |",
        "|---|---|---|",
    ]
    for h in ("report", "tune"):
        g = gold[(h, "1-4")]
        if "before" in bins:
            lines.append(f"| {h} | before: `deboil clean` | {score(g, out['before.plain'])} |")
            lines.append(f"| {h} | before: `deboil clean --learn` | {score(g, out['before.learn'])} |")
        lines.append(f"| {h} | after: `deboil clean --learn` | {score(g, out['after.learn'])} |")
        lines.append(f"| {h} | after: `deboil clean --page-body` (no cross-site lines) | {score(g, out['after.page-body'])} |")
    lines += ["", "## Pages of sites with 5+ pages (learned; must not drop)", "",
              "| half | command | result |", "|---|---|---|"]
    for h in ("report", "tune"):
        g = gold[(h, "5+")]
        if "before" in bins:
            lines.append(f"| {h} | before: `deboil clean --learn` | {score(g, out['before.learn'])} |")
        lines.append(f"| {h} | after: `deboil clean --learn` | {score(g, out['after.learn'])} |")
    if "before" in bins:
        same_plain = subprocess.run(["cmp", "-s", out["before.plain"], out["after.plain"]]).returncode == 0
        lines += ["", f"`deboil clean` (no --learn) output before and after byte-identical: {'yes' if same_plain else 'NO'}."]
    lines += [f"Outputs of `clean --learn` and `clean --page-body` with -j 1 and the default thread count byte-identical: "
              f"{'yes' if same else 'NO'}.", "",
              "## Clean text: share of words removed (../shared/eval/removed_fraction.py)", "",
              "| corpus | `clean --page-body` | `clean --learn`, each document its own site | `clean --learn` (one site, learned) |",
              "|---|---|---|---|"] + clean_rows
    if speed:
        lines += ["", f"## Speed: bench/work/corpus-512.jsonl ({os.path.getsize(corpus) / 1e6:.0f} MB), best of 3, {os.cpu_count()} cores, shared machine", "",
                  "| binary | command | seconds | MB/s |", "|---|---|---|---|"] + speed
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    # The figures go between the markers of bench/results/page.md; the
    # discussion around them is written by hand.
    results = os.path.join(root, "bench", "results", "page.md")
    if os.path.exists(results):
        doc = open(results, encoding="utf-8").read()
        a, b = doc.find(MARK_BEGIN), doc.find(MARK_END)
        if a >= 0 and b > a:
            doc = doc[:a + len(MARK_BEGIN)] + "\n" + text + doc[b:]
            with open(results, "w", encoding="utf-8") as f:
                f.write(doc)
    return text


if __name__ == "__main__":
    main()
