#!/usr/bin/env python3
"""Quality of the body finder of `deboil clean --learn`, per half of the sites.

    python3 bench/body_eval.py [--bin target/release/deboil] [--work DIR]
                               [--sites tune|report|none] [--show SITE|ID]
                               [--min-pages N] [--no-run] [--corpora DIR]
                               [--halves tune|report|both] [--pages N]
                               [--folds [--against BASE_FOLDS_TSV]
                                        [--boot N] [--seed S]]

Runs `deboil clean --learn` on ../shared/data/pages_dev.jsonl (learning from
all its pages: learning is unsupervised, it never sees the gold text) and
scores each half of the md5 site split (junk_lines.half_of, the split of
rules_eval.py and gen_syndication.py) with ../shared/eval/score_clean.py
(pages of sites with 5+ pages; also with --min-site-pages 1, since the body
finder runs on pages of smaller sites too). Thresholds and code are tuned looking at
the tune half only; the report half is the figure of generalisation.

--sites prints mean page F1 (and P, R) per site of that half, worst first
(default: tune). --show SITE (or a page id) prints, for each page, every
non-blank line marked '+' kept, '-' removed, 'G' when its words are in the
gold text, and the rule that removed it (only ever use it on tune sites);
--min-pages 1 lets it show pages of sites with fewer than 5 pages.
--no-run scores the last run's output again. --halves tune scores the tune
half only (while designing: the report half stays unseen). --pages N lists the
N worst pages of the --sites half by F1 (with --min-pages 1: all its pages).

--folds (round 6) scores the tune half only, in three parts: fold A and fold
B of its 5+ sites (fold_of: the low bit of md5(site)'s SECOND byte, even = A,
odd = B; the first byte's low bit is the tune/report split) and its sites of
2-4 pages, run a second time with `--learn-min-site-pages 2` so that the body
finder (not page.rs) takes them. It writes each page's F1 to WORK/folds.tsv
(compare two builds' files to list pages that moved). Round 11 adds a fourth
part, tune1: the tune half's sites of one page, run with
`--learn-min-site-pages 1` (the body finder on them too): comment threads
and the like that no 5+ tune site shows are seen there.

--against BASE.tsv (round 9, with --folds) compares this build's folds.tsv
with a base build's: the pages that moved, and a bootstrap of the tune
half's 5+ sites (--boot resamples, default 200, seeded with --seed, default
9): sites drawn with replacement as many times as there are sites, macro F1
over the pages of the drawn sites (a site drawn twice counts twice), for
the base and this build on the same draw. It prints the share of draws
where this build's macro is higher (a change is robust when that share is
80 % or more) and where it is lower, and the same for the 2-4-page sites
and (when both files have it) the 1-page sites.

Then the clean-text check: share of words `clean --learn` removes from
fixtures/seeds.expected.jsonl and, when bench/learn_corpora.py has built
them in --corpora (bench/learn_eval.sh does, in bench/work/learn), the Lee
corpus and manpages-body.
"""
import argparse, collections, hashlib, json, os, random, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from junk_lines import half_of  # noqa: E402

root = os.path.dirname(here)
shared = os.path.join(root, "..", "shared")
PAGES = os.path.join(shared, "data", "pages_dev.jsonl")
SCORE = os.path.join(shared, "eval", "score_clean.py")
REMOVED = os.path.join(shared, "eval", "removed_fraction.py")
W = re.compile(r"\w+", re.U)


def bag(s):
    return collections.Counter(w.lower() for w in W.findall(s or ""))


def f1(gold, pred):
    """Page F1 exactly as score_clean.py computes it."""
    gb, pb = bag(gold), bag(pred)
    inter = sum((gb & pb).values())
    p = inter / sum(pb.values()) if pb else 0.0
    r = inter / sum(gb.values()) if gb else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def scored(docs):
    """The pages score_clean.py scores: gold present, site of 5+ pages, gold covered by text."""
    per_site = collections.Counter(d.get("site") for d in docs)
    out = []
    for d in docs:
        if not d.get("gold") or per_site[d.get("site")] < 5:
            continue
        gb = bag(d["gold"])
        if sum((gb & bag(d["text"])).values()) >= 0.9 * sum(gb.values()):
            out.append(d)
    return out


def fold_of(site):
    """Fold of a tune site (round 6): the low bit of md5's second byte."""
    return "A" if hashlib.md5(site.encode()).digest()[1] % 2 == 0 else "B"


def folds(a, docs):
    """Macro F1 of fold A and B (tune, 5+ sites) and of tune sites of 2-4 pages."""
    runs = {}
    for name, extra in (("5", []), ("2", ["--learn-min-site-pages", "2"]),
                        ("1", ["--learn-min-site-pages", "1"])):
        out = os.path.join(a.work, f"pages.learn{name}.jsonl")
        if not a.no_run:
            subprocess.run([a.bin, "clean", "-q", "--learn", *extra, PAGES, "-o", out], check=True)
        runs[name] = {str(d["id"]): d.get("text", "") for d in map(json.loads, open(out, encoding="utf-8"))}
    per_site = collections.Counter(d.get("site") for d in docs)
    parts = collections.defaultdict(list)
    for d in docs:
        site = d.get("site") or ""
        if half_of(site) != "tune" or not d.get("gold"):
            continue
        gb = bag(d["gold"])
        if sum((gb & bag(d["text"])).values()) < 0.9 * sum(gb.values()):
            continue
        n = per_site[d.get("site")]
        if n >= 5:
            part, run = "fold" + fold_of(site), "5"
        elif n >= 2:
            part, run = "tune2-4", "2"
        else:
            part, run = "tune1", "1"
        parts[part].append((str(d["id"]), site, f1(d["gold"], runs[run].get(str(d["id"]), ""))[2]))
    print("| part | pages | sites | macro F1 |\n|---|---|---|---|")
    with open(os.path.join(a.work, "folds.tsv"), "w") as tsv:
        for part in ("foldA", "foldB", "tune2-4", "tune1"):
            rows = parts[part]
            print(f"| {part} | {len(rows)} | {len({r[1] for r in rows})} | {sum(r[2] for r in rows) / len(rows):.4f} |")
            for i, site, f in rows:
                tsv.write(f"{part}\t{i}\t{site}\t{f:.6f}\n")
    if a.against:
        compare(a, os.path.join(a.work, "folds.tsv"))


def read_folds(path):
    """folds.tsv as {part: {site: {page id: F1}}}."""
    out = collections.defaultdict(lambda: collections.defaultdict(dict))
    for line in open(path, encoding="utf-8"):
        part, i, site, f = line.rstrip("\n").split("\t")
        out[part][site][i] = float(f)
    return out


def bootstrap(base, new, boot, seed):
    """Share of site resamples where `new`'s macro F1 is above / below `base`'s.

    Both map site -> {page id: F1} over the same pages. Each resample draws
    len(sites) sites with replacement; the macro is the mean page F1 over
    the pages of the drawn sites, so a site's weight is its page count times
    the times it was drawn, as in score_clean.py's macro over pages."""
    sites = sorted(base)
    rng = random.Random(seed)
    sums = {s: (sum(base[s].values()), sum(new[s].get(i, 0.0) for i in base[s]), len(base[s])) for s in sites}
    up = down = 0
    for _ in range(boot):
        draw = [rng.choice(sites) for _ in sites]
        b = sum(sums[s][0] for s in draw)
        n = sum(sums[s][1] for s in draw)
        pages = sum(sums[s][2] for s in draw)
        # Sums of the same pages in the same order: equal when no drawn page moved.
        if abs(n - b) > 1e-9 * pages:
            up += n > b
            down += n < b
    return up / boot, down / boot


def compare(a, tsv):
    """Pages that moved against --against, and the bootstrap of the tune half."""
    base, new = read_folds(a.against), read_folds(tsv)
    print("\n## against", a.against, "\n\n| part | page | site | base | this | change |\n|---|---|---|---|---|---|")
    for part in ("foldA", "foldB", "tune2-4", "tune1"):
        for site in sorted(base[part]):
            for i, f in base[part][site].items():
                g = new[part][site].get(i, 0.0)
                if abs(g - f) >= 5e-5:
                    print(f"| {part} | {i} | {site} | {f:.4f} | {g:.4f} | {g - f:+.4f} |")
    print(f"\n## bootstrap over sites ({a.boot} resamples, seed {a.seed})\n")
    print("| sites | base macro | this macro | share up | share down |\n|---|---|---|---|---|")
    for name, parts in (("tune 5+ (fold A+B)", ("foldA", "foldB")), ("tune 2-4", ("tune2-4",)),
                        ("tune 1", ("tune1",))):
        b = {s: p for part in parts for s, p in base[part].items()}
        if not b:  # a base folds.tsv from before round 11 has no tune1 part
            continue
        n = {s: p for part in parts for s, p in new[part].items()}
        pages = [i for s in b for i in b[s]]
        mb = sum(f for s in b for f in b[s].values()) / len(pages)
        mn = sum(n[s].get(i, 0.0) for s in b for i in b[s]) / len(pages)
        up, down = bootstrap(b, n, a.boot, a.seed)
        print(f"| {name} | {mb:.4f} | {mn:.4f} | {up:.1%} | {down:.1%} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "deboil"))
    ap.add_argument("--work", default=os.path.join(root, "bench", "work", "body"))
    ap.add_argument("--sites", default="tune", choices=["tune", "report", "none"])
    ap.add_argument("--show", default=None, help="a site or a page id")
    ap.add_argument("--corpora", default=os.path.join(root, "bench", "work", "learn"),
                    help="where bench/learn_corpora.py built lee.jsonl and manpages-body.jsonl")
    ap.add_argument("--no-run", action="store_true", help="score the last run's output again")
    ap.add_argument("--min-pages", dest="min_pages", type=int, default=5)
    ap.add_argument("--halves", default="both", choices=["tune", "report", "both"])
    ap.add_argument("--pages", type=int, default=0, help="list this many worst pages")
    ap.add_argument("--folds", action="store_true",
                    help="tune half only: fold A, fold B, 2-4-page and 1-page sites")
    ap.add_argument("--against", default=None, help="with --folds: a base build's folds.tsv to compare with")
    ap.add_argument("--boot", type=int, default=200, help="bootstrap resamples of the tune sites (--against)")
    ap.add_argument("--seed", type=int, default=9, help="seed of the bootstrap")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    if a.folds:
        folds(a, [json.loads(l) for l in open(PAGES, encoding="utf-8")])
        return
    out = os.path.join(a.work, "pages.learn.jsonl")
    explain = os.path.join(a.work, "pages.explain.jsonl")
    if not a.no_run:
        subprocess.run([a.bin, "clean", "-q", "--learn", PAGES, "-o", out, "--explain", explain], check=True)

    docs = [json.loads(l) for l in open(PAGES, encoding="utf-8")]
    pred = {str(d["id"]): d.get("text", "") for d in map(json.loads, open(out, encoding="utf-8"))}
    print("## pages_dev.jsonl, `deboil clean --learn`, score_clean.py per half of the sites\n")
    print("| half | result |\n|---|---|")
    for half in ("tune", "report") if a.halves == "both" else (a.halves,):
        gold = os.path.join(a.work, f"{half}.gold.jsonl")
        with open(gold, "w", encoding="utf-8") as f:
            for d in docs:
                if half_of(d.get("site") or "") == half:
                    f.write(json.dumps(d, ensure_ascii=False) + "\n")
        res = subprocess.run(["python3", SCORE, gold, out], check=True, capture_output=True, text=True)
        print(f"| {half} | {res.stdout.strip()} |")
        res = subprocess.run(["python3", SCORE, gold, out, "--min-site-pages", "1"],
                             check=True, capture_output=True, text=True)
        print(f"| {half}, all pages (sites of 1+ pages) | {res.stdout.strip()} |")
    if a.halves == "both":
        res = subprocess.run(["python3", SCORE, PAGES, out], check=True, capture_output=True, text=True)
        print(f"| all | {res.stdout.strip()} |")

    if a.sites != "none":
        by_site = collections.defaultdict(list)
        for d in scored(docs):
            if half_of(d.get("site") or "") == a.sites:
                by_site[d["site"]].append(f1(d["gold"], pred.get(str(d["id"]), "")))
        print(f"\n## per site, {a.sites} half (mean of page P, R, F1), worst first\n")
        print("| site | pages | P | R | F1 |\n|---|---|---|---|---|")
        rows = sorted(by_site.items(), key=lambda kv: sum(x[2] for x in kv[1]) / len(kv[1]))
        for site, fs in rows:
            n = len(fs)
            p, r, f = (sum(x[i] for x in fs) / n for i in range(3))
            print(f"| {site} | {n} | {p:.3f} | {r:.3f} | {f:.3f} |")

    if a.pages and a.sites != "none":
        pool = scored(docs) if a.min_pages == 5 else [
            d for d in docs if d.get("gold") and sum((bag(d["gold"]) & bag(d["text"])).values())
            >= 0.9 * sum(bag(d["gold"]).values())]
        rows = []
        for d in pool:
            if half_of(d.get("site") or "") == a.sites:
                p, r, f = f1(d["gold"], pred.get(str(d["id"]), ""))
                rows.append((f, p, r, d["id"], d["site"], len(W.findall(d["gold"]))))
        rows.sort()
        print(f"\n## worst pages, {a.sites} half\n")
        print("| id | site | gold words | P | R | F1 |\n|---|---|---|---|---|---|")
        for f, p, r, i, site, gw in rows[:a.pages]:
            print(f"| {i} | {site} | {gw} | {p:.2f} | {r:.2f} | {f:.2f} |")

    if a.show:
        why = collections.defaultdict(dict)  # id -> char offset of a removed line -> rule
        for r in map(json.loads, open(explain, encoding="utf-8")):
            why[r["id"]][r["char_start"]] = r["rule"]
        for d in (scored(docs) if a.min_pages == 5 else docs):
            if a.show not in (d["site"], str(d["id"])):
                continue
            p, r, f = f1(d["gold"], pred.get(str(d["id"]), ""))
            print(f"\n=== {d['id']} P={p:.2f} R={r:.2f} F1={f:.2f}")
            gold_words = bag(d["gold"])
            kept = collections.Counter(l for l in pred.get(str(d["id"]), "").splitlines() if l.strip())
            at = 0
            for line in d["text"].split("\n"):
                start, at = at, at + len(line) + 1
                if not line.strip():
                    continue
                rule = why[str(d["id"])].get(start, "").replace("learn.", "").replace("learned." + (d["site"] or ""), "L")
                lb = bag(line)
                g = "G" if lb and sum((lb & gold_words).values()) >= 0.8 * sum(lb.values()) else " "
                k = "+" if kept[line] > 0 else "-"
                if kept[line] > 0:
                    kept[line] -= 1
                print(f"{k}{g} {rule[:12]:12} {line[:140]}")

    print("\n## clean text: share of words `clean --learn` removes\n")
    corpora = [("seeds", os.path.join(root, "fixtures", "seeds.expected.jsonl"))]
    for name in ("lee", "manpages-body"):
        p = os.path.join(a.corpora, f"{name}.jsonl")
        if os.path.exists(p):
            corpora.append((name, p))
    for name, src in corpora:
        dst = os.path.join(a.work, f"{name}.out.jsonl")
        subprocess.run([a.bin, "clean", "-q", "--learn", src, "-o", dst], check=True)
        res = subprocess.run(["python3", REMOVED, src, dst], check=True, capture_output=True, text=True)
        print(f"- {name}: {res.stdout.strip()}")


if __name__ == "__main__":
    main()
