#!/usr/bin/env python3
"""deboil on the round-18 corpus (Mozilla Readability's test pages; bench/corpus18_build.py).

    python3 bench/corpus18_build.py            # once: bench/work/corpus18/pages_moz.jsonl
    python3 bench/corpus18_eval.py [--bin target/release/deboil] [--work bench/work/corpus18]
                                   [--no-run] [--variant learn] [--examples 3] [--pages]

Runs four ways of cleaning on the corpus, each with --explain:
  plain     `deboil clean`                                   (no learning, no body finder)
  learn     `deboil clean --learn`                           (the default: sites of 5+ pages learn and
                                                              go through the body finder, smaller
                                                              sites through page.rs)
  learn1    `deboil clean --learn --learn-min-site-pages 1`  (every site learns; the body finder on
                                                              every page)
  pagebody  `deboil clean --page-body`                       (page.rs on every page)
plus `keep` (the input as it is).

Scores: word-bag precision, recall, F1 and macro F1 exactly as ../shared/eval/score_clean.py
(same bag, same skip of pages whose gold the text does not cover at 90 %), for: all pages,
pages of sites with 5+ pages, of sites with 1-4 pages, English pages (the row's `english`:
by function words), the English pages of the tune and of the report half of the sites
(pages_dev's md5 split), other languages; and all pages again with the byline put into the gold ("+byline": Readability keeps
the byline out of its article, pages_dev's gold often keeps it). Then, per site, mean page F1.

Then, for --variant (default learn), each non-blank input line is marked kept or removed
(removed: covered by an --explain span; its rule is the span's) and gold or not: its word
sequence is found, in order, among the gold's words not yet taken (lines of 1-3 words only right
after the last gold line found, so that nav words do not match words of the article; a line of
8+ words whose words are 80 % in the bag of the gold's words not yet taken counts as gold too). Lines kept but not gold cost
precision, gold lines removed cost recall. Each such line gets a kind (the first that matches,
in the order of KINDS below), and the table gives lines, words, pages and the macro F1 that
would be gained if that kind alone were right (its kept non-gold lines removed, or its removed
gold lines kept), with short examples.
"""
import argparse, collections, json, os, re, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
W = re.compile(r"\w+", re.U)
VARIANTS = {
    "plain": ["clean", "-q"],
    "learn": ["clean", "-q", "--learn"],
    "learn1": ["clean", "-q", "--learn", "--learn-min-site-pages", "1"],
    "pagebody": ["clean", "-q", "--page-body"],
}


def toks(s):
    return [w.lower() for w in W.findall(s or "")]


def bag(s):
    return collections.Counter(toks(s))


def prf(gb, pb):
    inter = sum((gb & pb).values())
    p = inter / sum(pb.values()) if pb else 0.0
    r = inter / sum(gb.values()) if gb else 0.0
    return inter, sum(pb.values()), sum(gb.values()), p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(rows, pred, extra_gold=False):
    tp = np_ = ng = 0
    fs = []
    for g in rows:
        gold = g["gold"] + ("\n" + g["byline"] if extra_gold and g.get("byline") else "")
        i, n_p, n_g, p, r, f = prf(bag(gold), bag(pred.get(g["id"], "")))
        tp += i; np_ += n_p; ng += n_g; fs.append(f)
    P = tp / np_ if np_ else 0.0
    R = tp / ng if ng else 0.0
    F = 2 * P * R / (P + R) if P + R else 0.0
    return len(rows), P, R, F, (sum(fs) / len(fs) if fs else 0.0)


MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
KINDS = [
    ("title", None),
    ("byline", re.compile(r"^\s*(by|written by|posted by|von|par|por)\b|\bby [A-Z][a-z]+ [A-Z]", re.I)),
    ("date/time", re.compile(r"\b" + MONTH + r"\s+\d{1,2}\b|\b\d{1,2}\s+" + MONTH + r"|\b(19|20)\d\d[-/.]\d\d?[-/.]\d\d?\b|\b\d{1,2}:\d\d\s*(am|pm)?\b|\b(updated|published|posted)\b|\b\d+ (minutes?|hours?|days?) ago\b", re.I)),
    ("caption/credit", re.compile(r"\b(photo|photograph|image|credit|getty|reuters|associated press|ap photo|afp|illustration|caption|courtesy|shutterstock)\b|©", re.I)),
    ("share/social", re.compile(r"\b(share|shares|tweet|facebook|twitter|e-?mail|pinterest|linkedin|whatsapp|print|reddit|flipboard|copy link)\b", re.I)),
    ("comments", re.compile(r"\b(comments?|reply|replies|repl(y|ied)|discussion|discuss|responses?|disqus|upvote|permalink)\b", re.I)),
    ("legal/footer", re.compile(r"\b(copyright|all rights reserved|privacy|terms of (use|service)|cookies?|ad ?choices|advertis\w*|contact us|about us|careers|sitemap)\b", re.I)),
    ("subscribe/account", re.compile(r"\b(subscribe|subscription|sign ?up|sign ?in|log ?in|newsletter|register|follow us|download the app)\b", re.I)),
    ("short label (1-3 words)", None),
    ("headline-like (4-20 words, no end stop)", None),
    ("prose (10+ words, sentence)", None),
    ("other", None),
]


MAXLEN = {"byline": 12, "date/time": 15}


def kind_of(line, row, idx):
    s = line.strip()
    t = toks(s)
    if idx == 0 or (row.get("title") and toks(row["title"]) == t):
        return "title"
    if row.get("byline") and t and t == toks(row["byline"]):
        return "byline"
    for name, rx in KINDS[1:8]:
        if rx.search(s) and len(t) <= MAXLEN.get(name, 25):
            return name
    if len(t) <= 3:
        return "short label (1-3 words)"
    if len(t) <= 20 and not re.search(r"[.!?:;\"”’)]\s*$", s):
        return "headline-like (4-20 words, no end stop)"
    if len(t) >= 10:
        return "prose (10+ words, sentence)"
    return "other"


def find(seq, hay, taken, start, stop):
    n = len(seq)
    first = seq[0]
    for i in range(start, min(stop, len(hay) - n + 1)):
        if hay[i] == first and hay[i:i + n] == seq and not any(taken[i:i + n]):
            return i
    return -1


def lines_of(row, spans):
    """[(idx, text, kept, rule, gold)] for the row's non-blank lines.

    Two passes, so that a line and its copy (the <title> and the headline, a paragraph quoted
    twice) count as the bag scoring counts them: kept lines take the gold's words first, in
    order; then removed lines are gold only for the words the kept lines left untaken."""
    text = row["text"]
    gt = toks(row["gold"])
    taken = [False] * len(gt)
    items = []
    pos = 0
    for ln in text.split("\n"):
        a, b = pos, pos + len(ln)
        pos = b + 1
        if not ln.strip():
            continue
        rule = None
        lead, trail = len(ln) - len(ln.lstrip()), len(ln) - len(ln.rstrip())
        for (s, e, r) in spans:
            if s <= a + lead and e >= b - trail:
                rule = r
                break
        items.append([len(items), ln, rule is None, rule, False, -1, toks(ln)])

    def match(it, ptr):
        t = it[6]
        if not t:
            return ptr
        if len(t) <= 3:
            i = find(t, gt, taken, ptr, ptr + 3)
        else:
            i = find(t, gt, taken, ptr, len(gt))
            if i < 0:
                i = find(t, gt, taken, 0, ptr)
        if i >= 0:
            it[4] = True
            for k in range(i, i + len(t)):
                taken[k] = True
            it[5] = i + len(t)
            if len(t) > 3 or i >= ptr:
                ptr = max(ptr, i + len(t))
        elif len(t) >= 8:
            left = collections.Counter(w for w, tk in zip(gt, taken) if not tk)
            if sum((collections.Counter(t) & left).values()) >= 0.8 * len(t):
                it[4] = True
        return ptr

    ptr = 0
    for it in items:          # pass 1: kept lines
        if it[2]:
            ptr = match(it, ptr)
    ptr = 0
    for it in items:          # pass 2: removed lines, the pointer following every line's match
        if it[2]:
            ptr = max(ptr, it[5])
        else:
            ptr = match(it, ptr)
    return [tuple(it[:5]) for it in items]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "deboil"))
    ap.add_argument("--work", default=os.path.join(here, "work", "corpus18"))
    ap.add_argument("--no-run", action="store_true")
    ap.add_argument("--variant", default="learn,learn1", help="comma-separated variants to analyse line by line")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--all-langs", action="store_true", help="line analysis on every page (default: English pages)")
    ap.add_argument("--pages", action="store_true", help="list every page's F1 for --variant")
    a = ap.parse_args()
    corpus = os.path.join(a.work, "pages_moz.jsonl")
    allrows = [json.loads(l) for l in open(corpus, encoding="utf-8")]
    if not a.no_run:
        for v, args in VARIANTS.items():
            subprocess.run([a.bin, *args, corpus, "-o", os.path.join(a.work, f"out_{v}.jsonl"),
                            "--explain", os.path.join(a.work, f"explain_{v}.jsonl")], check=True)
    per_site = collections.Counter(r["site"] for r in allrows)

    def covered(g):
        gb = bag(g["gold"])
        return sum((gb & bag(g["text"])).values()) >= 0.9 * sum(gb.values())
    rows = [r for r in allrows if r.get("gold") and covered(r)]
    skipped = [r["id"] for r in allrows if r not in rows]
    preds = {"keep": {r["id"]: r["text"] for r in allrows}}
    for v in VARIANTS:
        preds[v] = {}
        for l in open(os.path.join(a.work, f"out_{v}.jsonl"), encoding="utf-8"):
            if l.strip():
                d = json.loads(l)
                preds[v][str(d["id"])] = d.get("text", "")
    groups = [
        ("all pages", rows, False),
        ("sites of 5+ pages", [r for r in rows if per_site[r["site"]] >= 5], False),
        ("sites of 1-4 pages", [r for r in rows if per_site[r["site"]] < 5], False),
        ("English", [r for r in rows if r["english"]], False),
        ("English, sites of 1-4 pages", [r for r in rows if r["english"] and per_site[r["site"]] < 5], False),
        ("English, tune half", [r for r in rows if r["english"] and r["half"] == "tune"], False),
        ("English, report half", [r for r in rows if r["english"] and r["half"] == "report"], False),
        ("not English", [r for r in rows if not r["english"]], False),
        ("all pages, +byline in gold", rows, True),
    ]
    print(f"## {os.path.relpath(corpus, root)}: {len(allrows)} pages, {len(per_site)} sites; pages per site: "
          f"{dict(collections.Counter(sorted(per_site.values())))} (pages: sites)")
    print(f"skipped (gold not 90 % in the text, as score_clean.py): {skipped}\n")
    print("| group | pages | " + " | ".join(list(preds)) + " |")
    print("|---|---|" + "---|" * len(preds))
    for name, rs, extra in groups:
        cells = []
        for v in preds:
            n, P, R, F, M = score(rs, preds[v], extra)
            cells.append(f"P {P:.3f} R {R:.3f} macro **{M:.4f}**")
        print(f"| {name} | {len(rs)} | " + " | ".join(cells) + " |")

    print(f"\n### mean page F1 per site ({', '.join(v for v in ('learn', 'learn1', 'pagebody'))}), worst by learn first\n")
    print("| site | pages | lang | learn | learn1 | pagebody |")
    print("|---|---|---|---|---|---|")
    sites = collections.defaultdict(list)
    for r in rows:
        sites[r["site"]].append(r)
    table = []
    for s, rs in sites.items():
        vals = []
        for v in ("learn", "learn1", "pagebody"):
            vals.append(sum(prf(bag(r["gold"]), bag(preds[v].get(r["id"], "")))[5] for r in rs) / len(rs))
        table.append((vals[0], s, rs, vals))
    for _, s, rs, vals in sorted(table, key=lambda x: x[0]):
        print(f"| {s} | {len(rs)} | {rs[0]['lang'] or '-'}{'' if rs[0]['english'] else ' (not en)'} | " + " | ".join(f"{x:.3f}" for x in vals) + " |")

    # line-level analysis for each --variant
    arows = [r for r in rows if a.all_langs or r["english"]]
    for v in a.variant.split(","):
        spans = collections.defaultdict(list)
        for l in open(os.path.join(a.work, f"explain_{v}.jsonl"), encoding="utf-8"):
            d = json.loads(l)
            spans[d["id"]].append((d["char_start"], d["char_end"], d["rule"]))
        fp = collections.defaultdict(list)   # kind -> [(row, line, words)]
        fn = collections.defaultdict(list)
        fn_rule = collections.Counter()
        fn_rule_words = collections.Counter()
        base = {}
        check = []
        for r in arows:
            ls = lines_of(r, spans.get(r["id"], []))
            gb = bag(r["gold"])
            pb = bag(preds[v].get(r["id"], ""))
            base[r["id"]] = (gb, pb)
            kept_bag = collections.Counter()
            for idx, ln, kept, rule, gold in ls:
                if kept:
                    kept_bag.update(toks(ln))
                k = kind_of(ln, r, idx)
                if kept and not gold:
                    fp[k].append((r, ln, len(toks(ln))))
                elif gold and not kept:
                    fn[k].append((r, ln, len(toks(ln))))
                    rr = re.sub(r"\.\d+$", "", rule or "?")
                    rr = re.sub(r"^learned\..*", "learned (site rule)", rr)
                    fn_rule[rr] += 1
                    fn_rule_words[rr] += len(toks(ln))
            check.append(sum((kept_bag & pb).values()) / sum(pb.values()) if pb else 1.0)
        mac = sum(prf(*base[r["id"]])[5] for r in arows) / len(arows)
        print(f"\n## line analysis of `{v}` ({len(arows)} pages, {'all' if a.all_langs else 'English'}; macro {mac:.4f}; kept lines rebuilt from "
              f"--explain match the output's words at {min(check):.3f}-{max(check):.3f} a page)\n")

        def gain(items, remove):
            by = collections.defaultdict(collections.Counter)
            for r, ln, _ in items:
                by[r["id"]].update(toks(ln))
            tot = 0.0
            for r in arows:
                gb, pb = base[r["id"]]
                if r["id"] in by:
                    pb = pb - by[r["id"]] if remove else pb + by[r["id"]]
                tot += prf(gb, pb)[5]
            return tot / len(arows) - mac

        for title, d, remove in (("kept, not gold (precision)", fp, True), ("gold, removed (recall)", fn, False)):
            print(f"### {title}\n")
            print("| kind | lines | words | pages | macro if right | examples |")
            print("|---|---|---|---|---|---|")
            order = sorted(d.items(), key=lambda kv: -sum(x[2] for x in kv[1]))
            allitems = [x for _, it in order for x in it]
            for k, items in order:
                ex = []
                seen = set()
                for r, ln, _ in sorted(items, key=lambda x: -x[2]):
                    key = r["site"]
                    if key in seen:
                        continue
                    seen.add(key)
                    ex.append(f"{r['id'][4:]}: \"{ln.strip()[:70]}\"")
                    if len(ex) >= a.examples:
                        break
                print(f"| {k} | {len(items)} | {sum(x[2] for x in items)} | {len({x[0]['id'] for x in items})} | "
                      f"{gain(items, remove):+.4f} | " + "; ".join(e.replace('|', '/') for e in ex) + " |")
            print(f"| all | {len(allitems)} | {sum(x[2] for x in allitems)} | {len({x[0]['id'] for x in allitems})} | "
                  f"{gain(allitems, remove):+.4f} | |\n")
        print("### gold lines removed, by the rule that removed them\n")
        print("| rule | lines | words |")
        print("|---|---|---|")
        for rr, n in fn_rule.most_common():
            print(f"| {rr} | {n} | {fn_rule_words[rr]} |")
        if a.pages:
            page_table(v, arows, base)


def page_table(v, rows, base):
    if True:
        print(f"\n### pages by F1 (`{v}`)\n")
        print("| page | site | lang | P | R | F1 |")
        print("|---|---|---|---|---|---|")
        for r in sorted(rows, key=lambda r: prf(*base[r["id"]])[5]):
            _, _, _, p, rr, f = prf(*base[r["id"]])
            print(f"| {r['id']} | {r['site']} | {r['lang'] or '-'} | {p:.3f} | {rr:.3f} | {f:.3f} |")


if __name__ == "__main__":
    main()
