#!/usr/bin/env python3
"""Round 22: line rows from `deboil clean --learn --explain` runs (see README.md).

Each non-blank line of a page gets page_fit.py's 23 features (its code, by
import) and 21 features of the learning path's decision and context; the
label is page_fit.py's (`y`: a gold line, or with 5+ words part of the gold).
A line is kept when the explain output holds no removal record for it.

load(half) reads ONLY the pages of that half of the sites (body_eval.py's
half_of), filtering before anything else is computed: the cross-site keys and
the site counts come from that half's pages alone.
"""
import collections, json, math, os, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
bench = os.path.dirname(here)
root = os.path.dirname(bench)
sys.path.insert(0, bench)
import numpy as np  # noqa: E402
import page_fit as pf  # noqa: E402
from body_eval import PAGES, bag, f1, fold_of  # noqa: E402
from junk_lines import half_of  # noqa: E402

RUNS = (("5", []), ("2", ["--learn-min-site-pages", "2"]), ("1", ["--learn-min-site-pages", "1"]))

# The decision of a line: 0 kept, then what removed it.
CATS = ["kept", "outside-body", "template", "comments", "duplicate-line", "learned", "default-comments",
        "default-other", "builtin", "cross-site", "none"]
CTX = ["prev_cat", "next_cat", "window_kept", "pos_in_block", "kept_lines_before", "kept_lines_after",
       "kept_words_before", "kept_words_after", "kept_words_after_share", "removed_in_block_before",
       "removed_in_block_after", "page_kept_lines", "page_kept_words", "site_pages_holding",
       "site_pages_share", "finder_acted", "title_case", "short_run", "short_run_kept", "rel_words",
       "edge3"]
FEATURES = pf.FEATURES + CTX
CATEGORICAL = [len(pf.FEATURES), len(pf.FEATURES) + 1]


def cat(rule):
    if rule is None:
        return 0
    head, _, tail = rule.partition(".")
    if tail == "outside-body":
        return 1
    if tail == "template":
        return 2
    if head in ("learn", "page") and tail == "comments":
        return 3
    if tail == "duplicate-line":
        return 4
    if head == "learned":
        return 5
    if head == "builtin":
        return 8
    if tail == "cross-site":
        return 9
    if "comment" in tail:
        return 6
    return 7


def run(bin_, src, work, name, extra):
    out, ex = os.path.join(work, f"out{name}.jsonl"), os.path.join(work, f"ex{name}.jsonl")
    if not os.path.exists(ex):
        subprocess.run([bin_, "clean", "-q", "--learn", *extra, src, "-o", out, "--explain", ex], check=True)
    return ex


def removals(ex, ids):
    """page id -> {char offset of a removed line: rule}, for the pages in ids only."""
    why = collections.defaultdict(dict)
    for line in open(ex, encoding="utf-8"):
        r = json.loads(line)
        if r["id"] in ids:
            why[r["id"]][r["char_start"]] = r["rule"]
    return why


SHORT = 8
END = re.compile(r"[.!?:;][\"')\]]*$")


def context(lines, cats, ks, site_count, site_pages, finder):
    n = len(lines)
    kept = [c == 0 for c in cats]
    ws = [len(l.split()) for l in lines]
    ki = [i for i in range(n) if kept[i]]
    a, b = (ki[0], ki[-1]) if ki else (0, -1)
    kw_total = sum(w for w, k in zip(ws, kept) if k)
    kept_before = np.cumsum([0] + [int(k) for k in kept])  # kept lines before i: kept_before[i]
    kw_before = np.cumsum([0] + [w if k else 0 for w, k in zip(ws, kept)])
    rem_before = np.cumsum([0] + [int(not k) for k in kept])
    longest = max([ws[i] for i in ki] or [1])
    short = [ws[i] <= SHORT and not END.search(lines[i].strip()) for i in range(n)]

    def run_len(i, ok):
        if not ok(i):
            return 0
        j, k = i, i
        while j > 0 and ok(j - 1):
            j -= 1
        while k < n - 1 and ok(k + 1):
            k += 1
        return k - j + 1

    rows = []
    for i in range(n):
        win = [kept[j] for j in range(max(0, i - 3), min(n, i + 4)) if j != i]
        kb, ka = int(kept_before[i]), int(kept_before[n] - kept_before[i + 1])
        wb, wa = float(kw_before[i]), float(kw_before[n] - kw_before[i + 1])
        inside = a < i < b
        rows.append([
            cats[i - 1] if i > 0 else 10, cats[i + 1] if i < n - 1 else 10,
            sum(win) / len(win) if win else 0.0,
            (i - a) / (b - a) if b > a and a <= i <= b else (-1.0 if i < a else 2.0),
            math.log1p(kb), math.log1p(ka), math.log1p(wb), math.log1p(wa),
            wa / kw_total if kw_total else 0.0,
            math.log1p(int(rem_before[i] - rem_before[a + 1])) if inside else 0.0,
            math.log1p(int(rem_before[b] - rem_before[i + 1])) if inside else 0.0,
            len(ki) / n, kw_total / max(1, sum(ws)),
            math.log1p(site_count[ks[i]]), site_count[ks[i]] / site_pages, float(finder),
            pf.title_share(lines[i]),
            math.log1p(run_len(i, lambda j: short[j])),
            math.log1p(run_len(i, lambda j: short[j] and kept[j])) if kept[i] else 0.0,
            ws[i] / longest, float(kb < 3 or ka < 3),
        ])
    return rows


def load(half, bin_=None, work=None, src=PAGES, all_sizes_run=None):
    """Rows of the pages of `half` ("tune" or "report"; "all" for a guard corpus).

    Each page takes the run body_eval.py --folds scores it in (5+ sites: the
    default run, 2-4: --learn-min-site-pages 2, 1: --learn-min-site-pages 1),
    or `all_sizes_run` for every page when given."""
    bin_ = bin_ or os.path.join(root, "target", "release", "deboil")
    os.makedirs(work, exist_ok=True)
    pages = []
    for line in open(src, encoding="utf-8"):
        d = json.loads(line)
        if half == "all" or half_of(d.get("site") or "") == half:
            pages.append(d)
    ids = {str(d["id"]) for d in pages}
    per_site = collections.Counter(d.get("site") for d in pages)
    cross = pf.cross_site_keys(pages)
    names = [all_sizes_run] if all_sizes_run else [r[0] for r in RUNS]
    why = {name: removals(run(bin_, src, work, name, dict(RUNS)[name]), ids) for name in names}
    # how many pages of its site hold each line's key
    site_count = collections.defaultdict(collections.Counter)
    for d in pages:
        for k in {pf.key(l) for l in d["text"].split("\n")}:
            site_count[d.get("site")][k] += 1
    out = []
    for d in pages:
        i, site = str(d["id"]), d.get("site") or ""
        n = per_site[d.get("site")]
        name = all_sizes_run or ("5" if n >= 5 else "2" if n >= 2 else "1")
        part = ("fold" + fold_of(site) if n >= 5 else "tune2-4" if n >= 2 else "tune1")
        scored = bool(d.get("gold"))
        if scored:
            gb = bag(d["gold"])
            scored = sum((gb & bag(d["text"])).values()) >= 0.9 * sum(gb.values())
        lines, cats, at = [], [], 0
        for line in d["text"].split("\n"):
            start, at = at, at + len(line) + 1
            if not pf.key(line):
                continue
            lines.append(line)
            cats.append(cat(why[name][i].get(start)))
        if not lines:
            continue
        rows, ws, ks, _, _ = pf.features(lines, cross)
        finder = any(c == 1 for c in cats)
        ctx = context(lines, cats, ks, site_count[d.get("site")], n, finder)
        x = np.array([r + c for r, c in zip(rows, ctx)], dtype=np.float64)
        y = np.array(pf.labels(d, lines) if d.get("gold") else [0] * len(lines))
        kept = np.array([c == 0 for c in cats])
        sw = np.log1p(np.array(ws, dtype=np.float64))
        norm = (sw[kept].sum() / pf.PAGE_NORM) ** pf.PAGE_POWER if kept.any() else 1.0
        out.append(dict(id=i, site=site, part=part, fold=fold_of(site), scored=scored, gold=d.get("gold") or "",
                        lines=lines, x=x, y=y, kept=kept, w=sw / max(norm, 1e-9), run=name))
    return out


def page_f1(p, drop=None):
    keep = p["kept"] if drop is None else p["kept"] & ~drop
    return f1(p["gold"], "\n".join(l for l, k in zip(p["lines"], keep) if k))[2]


if __name__ == "__main__":
    # Sanity: the base figures of body_eval.py --folds from the explain output.
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--work", default="/tmp/study22")
    a = ap.parse_args()
    pages = load("tune", a.bin, a.work)
    parts = collections.defaultdict(list)
    for p in pages:
        if p["scored"]:
            parts[p["part"]].append(page_f1(p))
    for part in ("foldA", "foldB", "tune2-4", "tune1"):
        print(f"{part}\t{len(parts[part])}\t{sum(parts[part]) / len(parts[part]):.4f}")
