#!/usr/bin/env python3
"""Fits the weights of the single-page body finder (crates/deboil-core/src/page.rs).

usage: page_fit.py [--cv] [--synth] [PAGES.jsonl]   (default ../shared/data/pages_dev.jsonl)

Each non-blank line of a page gets the features page.rs computes (FEATURES
below, same order, same definitions) and the label "in the gold text" (its key
is a gold line's key, or, with 5+ words, part of the gold text). A logistic
regression (Newton steps, L2 = 1, each line weighted by ln(1 + words): the
score is on words; each page's weights scaled down by the square root of its
total over PAGE_NORM, so that a few huge pages do not set the model) is fitted on the pages of the TUNE half of the sites only
(md5 of the site, first hex digit, even; the split of bench/rules_eval.py);
the report half is never looked at. It prints the weights as the Rust constant
page.rs embeds. --cv also prints a two-fold estimate on the tune half (sites
split by the second md5 digit), decoding as page.rs does, on pages of sites
with 1-4 pages: the figure the threshold was picked on. --synth adds the same
estimate on long pages made from tune pages (`synthetic`): precision on pages
longer and junkier than most of the tune half, which the report half has.

Only the standard library: the lead re-runs this on a bare machine.
"""
import collections, hashlib, json, math, os, re, sys, unicodedata

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

# The function-word list of extract/words.rs, read from the source so the two agree.
_src = open(os.path.join(root, "crates/deboil-core/src/extract/words.rs"), encoding="utf-8").read()
FUNC = set(re.findall(r'"([^"]+)"', _src.split("const FUNCTION_WORDS")[1].split("];")[0]))

MARKER = re.compile(
    r"(?i)^\W*\d*\s*(comments?|responses?|replies|reactions|trackbacks?|pingbacks?|discussion|kommentare?|commentaires?|comentarios?|комментари\w*)\s*(\(\d+\))?\W*$|^\W*\d+\s+(comments?|responses?|replies|kommentare?|commentaires?|comentarios?)\b|\b(leave|post|add|write|submit)\s+(a|your)\s+(comment|reply|response)\b|\bkommentar\s+(schreiben|verfassen)\b"
)
# Comment-thread furniture: "NAME said:", "Reply", a clock time (page.rs: COMMENTISH).
COMMENTISH = re.compile(
    r"(?i)(\b(said|says|writes|wrote|schrieb|sagt|a écrit|escribió|dice|написал|пишет)\s*:?\s*$)|^\W*(reply|antworten|répondre|responder|ответить)\b|\b\d{1,2}:\d{2}\s*([ap]\.?m\.?)?\b"
)
SEPARATORS = {"|", "»", "›", "·", "•", "←", "→", "/", "::", ">>", "<<"}
CLOSERS = "\"')]"

FEATURES = [
    "bias", "log_words", "short", "long", "function_share", "function_share_long",
    "sentence_end", "ellipsis", "separator", "digits", "position", "cross_site",
    "comment_marker", "after_comments", "repeated", "ctx_log_words", "ctx_prose",
    "ctx_sentence_end", "first_line", "ctx_commentish", "ctx_title_case", "ctx_cross_site",
    "after_core",
]
# Window half-widths of the context features (page.rs: CONTEXT, COMMENT_CONTEXT).
CONTEXT, COMMENT_CONTEXT = 2, 3
PROSE_WORDS, PROSE_SHARE = 10, 0.25
AFTER_PROSE_WORDS = 100
# Past that, THREAD_FURNITURE furniture lines among THREAD_WINDOW lines start the comments too.
THREAD_FURNITURE, THREAD_WINDOW = 3, 20
# The page's core: the line whose window of +-CORE_CONTEXT lines holds the most prose words.
CORE_CONTEXT = 3
# A run after the comments' start loses to the best run before them that scores this share of it.
BEFORE_COMMENTS = 0.25
# Each page's line weights are divided by (its total weight / PAGE_NORM) ** PAGE_POWER: a page of
# 1,600 lines (a blog with its thread as gold) teaches as much as a few ordinary pages, not as 20.
PAGE_NORM, PAGE_POWER = 300.0, 0.5
CROSS_MAX_WORDS = 12
COMMENTISH_MAX_WORDS = 25
THRESHOLD = 0.4
TITLE_GAP = 6
MIN_OUTSIDE_LINES = 8
FALLBACK = 0.75


def key(line):
    """normalize::push_key, near enough: NFKC, lowercase, quotes/dashes folded, spaces collapsed."""
    s = unicodedata.normalize("NFKC", line).lower()
    s = re.sub("[\u2018\u2019\u201a\u201b\u2032]", "'", s)
    s = re.sub("[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]", '"', s)
    s = re.sub("[\u2010-\u2015\u2212]", "-", s).replace("\u2026", "...")
    s = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", s)
    return " ".join(s.split())


def function_share(k):
    n = f = 0
    for w in k.split(" "):
        idx = [i for i, c in enumerate(w) if (c.isascii() and c.isalnum()) or ord(c) >= 128 or c == "'"]
        if not idx:
            continue
        n += 1
        f += w[idx[0]:idx[-1] + 1] in FUNC
    return f / n if n else 0.0


def title_share(line):
    alpha = [t for t in line.split() if any(c.isalpha() for c in t)]
    return sum(t[0].isupper() for t in alpha) / len(alpha) if len(alpha) >= 2 else 0.0


def fold_digits(k):
    return re.sub("[0-9]", "0", k)


def cross_site_keys(pages):
    """Digit-folded keys of lines of <= CROSS_MAX_WORDS words seen on pages of 2+ sites."""
    sites = collections.defaultdict(set)
    for p in pages:
        if not p.get("site"):
            continue
        for line in p["text"].splitlines():
            k = key(line)
            if k and len(k.split(" ")) <= CROSS_MAX_WORDS:
                sites[fold_digits(k)].add(p["site"])
    return {k for k, s in sites.items() if len(s) >= 2}


def window_mean(v, i, r):
    nb = [j for j in range(i - r, i + r + 1) if j != i and 0 <= j < len(v)]
    return sum(float(v[j]) for j in nb) / len(nb) if nb else 0.0


def features(lines, cross):
    """lines: the page's non-blank lines. One feature row per line."""
    n = len(lines)
    ks = [key(l) for l in lines]
    ws = [len(l.split()) for l in lines]
    fs = [function_share(k) for k in ks]
    count = collections.Counter(ks)
    prose = [ws[i] >= PROSE_WORDS and fs[i] >= PROSE_SHARE for i in range(n)]
    ellipsis = [k.endswith("...") for k in ks]
    end = [not ellipsis[i] and ks[i].rstrip(CLOSERS)[-1:] in (".", "!", "?", ":", ";") and ks[i].rstrip(CLOSERS) != "" for i in range(n)]
    marker = [ws[i] <= 25 and bool(MARKER.search(lines[i])) for i in range(n)]
    cm = [ws[i] <= COMMENTISH_MAX_WORDS and bool(COMMENTISH.search(lines[i])) for i in range(n)]
    after, seen, acc = [False] * n, False, 0
    for i in range(n):
        after[i] = seen
        acc += ws[i] if prose[i] else 0
        if acc < AFTER_PROSE_WORDS or seen:
            continue
        if marker[i]:
            seen = True
        elif cm[i] and sum(cm[i:i + THREAD_WINDOW]) >= THREAD_FURNITURE:
            # A thread with no marker the regex knows: furniture that recurs.
            seen = marker[i] = True
    pw = [ws[i] if prose[i] else 0 for i in range(n)]
    win = [sum(pw[max(0, i - CORE_CONTEXT):i + CORE_CONTEXT + 1]) for i in range(n)]
    core = win.index(max(win))
    tt = [title_share(l) for l in lines]
    cr = [ws[i] <= CROSS_MAX_WORDS and fold_digits(ks[i]) in cross for i in range(n)]
    rows = []
    for i, l in enumerate(lines):
        w = ws[i]
        t = l.strip()
        rows.append([
            1.0, math.log1p(w), float(w <= 3), float(w >= 15), fs[i], fs[i] * min(w, 20) / 20,
            float(end[i]), float(ellipsis[i]), float(any(x in SEPARATORS for x in l.split())),
            sum(c in "0123456789" for c in t) / max(1, len(t)), i / (n - 1) if n > 1 else 0.0,
            float(cr[i]), float(marker[i]), float(after[i]), float(count[ks[i]] > 1),
            window_mean([math.log1p(x) for x in ws], i, CONTEXT), window_mean(prose, i, CONTEXT),
            window_mean(end, i, CONTEXT), float(i == 0), window_mean(cm, i, COMMENT_CONTEXT),
            window_mean(tt, i, CONTEXT), window_mean(cr, i, CONTEXT),
            max(0, i - core) / (n - 1) if n > 1 else 0.0,
        ])
    return rows, ws, ks, marker, after


def half(site):
    return int(hashlib.md5((site or "").encode()).hexdigest()[0], 16) % 2


def fold2(site):
    return int(hashlib.md5((site or "").encode()).hexdigest()[1], 16) % 2


W = re.compile(r"\w+", re.U)


def bag(s):
    return collections.Counter(w.lower() for w in W.findall(s or ""))


def labels(page, lines):
    gold_lines = {key(g) for g in page["gold"].splitlines() if g.strip()}
    gold = key(page["gold"])
    return [1 if key(l) in gold_lines or (len(l.split()) >= 5 and key(l) in gold) else 0 for l in lines]


def solve(a, b):
    n = len(b)
    m = [a[i][:] + [b[i]] for i in range(n)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c] != 0:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def sigmoid(z):
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows, lam=1.0, iters=25):
    d = len(rows[0][0])
    w = [0.0] * d
    for _ in range(iters):
        h = [[lam * (i == j) for j in range(d)] for i in range(d)]
        g = [-lam * w[i] for i in range(d)]
        for x, y, sw in rows:
            p = sigmoid(sum(a * b for a, b in zip(w, x)))
            r, s = sw * (y - p), sw * p * (1 - p)
            for i in range(d):
                if x[i] == 0:
                    continue
                g[i] += r * x[i]
                xi, hi = s * x[i], h[i]
                for j in range(d):
                    hi[j] += xi * x[j]
        step = solve(h, g)
        w = [a + b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def best_run(ws, marker, after, probs, threshold):
    """The maximum-sum run, and the best run starting before the comments."""
    best, found, pre, found_pre, cur, start = 0.0, None, 0.0, None, 0.0, 0
    for k, p in enumerate(probs):
        if marker[k]:
            cur, start = 0.0, k + 1
            continue
        if cur <= 0:
            cur, start = 0.0, k
        cur += (p - threshold) * math.log1p(ws[k])
        if cur > best:
            best, found = cur, (start, k + 1)
        if cur > pre and not after[start]:
            pre, found_pre = cur, (start, k + 1)
    # Comments after an article can outscore it (a short post, a long thread).
    if found is not None and after[found[0]] and found_pre is not None and pre >= BEFORE_COMMENTS * best:
        return found_pre
    return found


def decode(lines, ks, ws, marker, after, probs):
    """page.rs's choice: the maximum-sum run of (p - THRESHOLD) * ln(1 + words),
    markers as walls (the bar at most 3/4 of the best line's p; a run before the
    comments preferred), plus the title's repeat shortly before it; a page with
    fewer than MIN_OUTSIDE_LINES lines outside stays whole."""
    run = best_run(ws, marker, after, probs, min(THRESHOLD, FALLBACK * max(probs)))
    if run is None:
        return [True] * len(lines)
    a, b = run
    first = ks[0]
    for k in range(1, len(lines)):
        t = ks[k]
        if ws[k] >= 2 and len(t) <= len(first) and len(t) * 100 >= len(first) * 33 and t in first:
            if k < a and a - k <= TITLE_GAP:
                a = k
            break
    if len(lines) - (b - a) < MIN_OUTSIDE_LINES:
        return [True] * len(lines)
    return [a <= k < b for k in range(len(lines))]


def pooled(docs):
    """Pooled word P, R, F1 and the macro (per page) F1."""
    tp = fp = fn = 0
    macro = []
    for d in docs:
        kept = [l for l, k in zip(d["lines"], d["keep"]) if k]
        gb, pb = bag(d["page"]["gold"]), bag("\n".join(kept))
        i = sum((gb & pb).values())
        tp, fp, fn = tp + i, fp + sum(pb.values()) - i, fn + sum(gb.values()) - i
        dp, dr = i / max(1, sum(pb.values())), i / max(1, sum(gb.values()))
        macro.append(2 * dp * dr / (dp + dr) if dp + dr else 0.0)
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, sum(macro) / max(1, len(macro))


def synthetic(docs, cross, both):
    """A second check corpus, of long pages: each tune page with the tail (the lines after the
    last gold line: comments, teasers, link lists, footers) of another page of the same fold and
    another site inserted after its article; with `both`, also the first 40 lines of a third such
    tail before the article. The gold stays the page's own. Pages are paired by the md5 of their id."""
    order = sorted(range(len(docs)), key=lambda i: hashlib.md5(str(docs[i]["page"]["id"]).encode()).hexdigest())
    span = {i: (g[0], g[-1]) for i in order for g in [[k for k, y in enumerate(docs[i]["y"]) if y]] if g}
    tails = {i: docs[i]["lines"][span[i][1] + 1:] for i in span}
    tails = {i: t for i, t in tails.items() if sum(len(l.split()) for l in t) >= 150}
    out = []
    for n, i in enumerate(order):
        a = docs[i]
        if i not in span:
            continue
        f, site = fold2(a["page"]["site"]), a["page"]["site"]
        cands = [j for j in order if j in tails and fold2(docs[j]["page"]["site"]) == f and docs[j]["page"]["site"] != site]
        if not cands:
            continue
        first, last = span[i]
        lines = a["lines"][:last + 1] + tails[cands[n % len(cands)]] + a["lines"][last + 1:]
        if both:
            lines = lines[:first] + tails[cands[(n * 7 + 3) % len(cands)]][:40] + lines[first:]
        rows, ws, ks, marker, after = features(lines, cross)
        out.append(dict(page=a["page"], lines=lines, rows=rows, ws=ws, ks=ks, marker=marker, after=after,
                        y=labels(a["page"], lines), small=a["small"]))
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = args[0] if args else os.path.join(root, "..", "shared", "data", "pages_dev.jsonl")
    pages = [json.loads(l) for l in open(path, encoding="utf-8")]
    per_site = collections.Counter(p.get("site") for p in pages)
    cross = cross_site_keys(pages)
    docs = []
    for p in pages:
        if half(p.get("site")) != 0 or not p.get("gold"):
            continue
        gb = bag(p["gold"])
        if sum((gb & bag(p["text"])).values()) < 0.9 * sum(gb.values()):
            continue  # as score_clean.py: the gold is not in the page
        lines = [l for l in p["text"].splitlines() if key(l)]
        if not lines:
            continue
        rows, ws, ks, marker, after = features(lines, cross)
        docs.append(dict(page=p, lines=lines, rows=rows, ws=ws, ks=ks, marker=marker, after=after,
                         y=labels(p, lines), small=per_site[p.get("site")] < 5))

    def train(ds):
        rows = []
        for d in ds:
            sw = [math.log1p(n) for n in d["ws"]]
            norm = (sum(sw) / PAGE_NORM) ** PAGE_POWER
            rows += [(x, y, s / norm) for x, y, s in zip(d["rows"], d["y"], sw)]
        return fit(rows)

    if "--cv" in sys.argv or "--synth" in sys.argv:
        checks = [("", docs)]
        if "--synth" in sys.argv:
            checks += [(" + tails of other pages after the article", synthetic(docs, cross, False)),
                        (" + tails before and after the article", synthetic(docs, cross, True))]
        for f in (0, 1):
            w = train([d for d in docs if fold2(d["page"]["site"]) != f])
            for _, ds in checks:
                for d in ds:
                    if fold2(d["page"]["site"]) == f:
                        probs = [sigmoid(sum(a * b for a, b in zip(w, x))) for x in d["rows"]]
                        d["keep"] = decode(d["lines"], d["ks"], d["ws"], d["marker"], d["after"], probs)
        for label, ds in checks:
            for name, sub in (("sites with 1-4 pages", [d for d in ds if d["small"]]), ("all pages", ds)):
                p, r, f1, m = pooled(sub)
                print(f"two-fold on the tune half{label}, {name}: P={p:.4f} R={r:.4f} F1={f1:.4f} macroF1={m:.4f}",
                      file=sys.stderr)
    w = train(docs)
    print(f"// bench/page_fit.py on {len(docs)} pages of the tune half ({sum(len(d['y']) for d in docs)} lines)")
    print("const WEIGHTS: [f64; %d] = [" % len(FEATURES))
    for name, v in zip(FEATURES, w):
        print(f"    {v:.4f}, // {name}")
    print("];")


if __name__ == "__main__":
    main()
