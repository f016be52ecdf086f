#!/usr/bin/env python3
"""How well the default rules generalise: recall on junk lines of sites they
were not written from, and the share of clean article text they remove.

    python3 bench/rules_eval.py [--half report|tune] [--fold a|b] [--bin target/release/deboil] [--show N]

English, ../shared/data/pages_dev.jsonl split by site (junk_lines.half_of, the
split of gen_syndication.py; rules are written from the tune half):
  (a) recall: junk lines are the non-gold lines of the half's pages whose key
      (digits folded) recurs on 2+ of its sites and holds a keyword of a
      family (junk_lines.FAMILIES, broader than the rules). A line counts as
      removed when removals by rules (not the built-in cleanups, which are
      switched off here) cover it. Per family: distinct keys (removed when
      every copy is) and line instances.
  (b) words removed from the half's gold texts by a default `deboil clean`
      (../shared/eval/removed_fraction.py), and from clean English news
      (gensim's Lee corpus) and German news (fixtures/seeds.expected.jsonl).
German, Debian's manpages-de (300 pages of man1, rendered with man; see
learn_corpora.py): (a) recall on the translators' footer every page ends in
(the lines from the ÜBERSETZUNG header on), (b) words removed from the pages
cut before the footer. The footer is the same on every page, so it has no
held-out half: the German recall is no figure of generalisation.
--show N prints the N most frequent junk keys left and gold lines removed
(of the half given: look at the tune half only when writing rules).
"""
import argparse, collections, hashlib, json, os, re, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from junk_lines import families, half_of, key, load, recurring  # noqa: E402

root = os.path.dirname(here)
shared = os.path.join(root, "..", "shared")
REMOVED = os.path.join(shared, "eval", "removed_fraction.py")


def write(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


RULE_ARGS = []  # --rules DIR: those files instead of the embedded ones


def clean(bin_, src, out, explain=None, extra=()):
    cmd = [bin_, "clean", src, "-o", out, "-q", *RULE_ARGS, *extra]
    if explain:
        cmd += ["--explain", explain]
    subprocess.run(cmd, check=True)


def removed_by_rules(explain):
    """id -> list of (start, end) byte ranges removed by rules."""
    got = collections.defaultdict(list)
    for line in open(explain, encoding="utf-8"):
        r = json.loads(line)
        if not r["rule"].startswith("builtin."):
            got[r["id"]].append((r["start"], r["end"]))
    return got


def lines_with_offsets(text):
    """(line, start byte, end byte) of each line of text."""
    out, pos = [], 0
    for line in text.split("\n"):
        b = len(line.encode("utf-8"))
        out.append((line, pos, pos + b))
        pos += b + 1
    return out


def covered(ranges, start, end, line):
    """Whether the removals cover every non-space byte of the line."""
    lead = len(line) - len(line.lstrip())
    trail = len(line) - len(line.rstrip())
    s = start + len(line[:lead].encode("utf-8"))
    e = end - len(line[len(line) - trail:].encode("utf-8")) if trail else end
    for a, b in sorted(ranges):
        if a <= s < b:
            s = b
        if s >= e:
            return True
    return s >= e


def drop_section(text, name):
    """The man page text without section NAME (its header line to the next header)."""
    out, skip = [], False
    for line in text.split("\n"):
        if re.fullmatch(r"[A-ZÄÖÜ][A-ZÄÖÜ0-9 -]+", line.strip()):
            skip = line.strip() == name
        if not skip:
            out.append(line)
    return "\n".join(out)


def removed_fraction(orig, cleaned):
    out = subprocess.run([sys.executable, REMOVED, orig, cleaned], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def rule_words(explain, top=8):
    """Words removed per rule, most first."""
    c = collections.Counter()
    for line in open(explain, encoding="utf-8"):
        r = json.loads(line)
        c[r["rule"]] += len(re.findall(r"\w+", r["text"]))
    return ", ".join(f"{k} {v}" for k, v in c.most_common(top)) or "none"


def fold_ok(site, fold):
    """Whether the site is in the fold: the half's sites split by the low bit
    of md5(site)'s second byte (0 = a, 1 = b), to check inside the tune half
    whether a way of writing rules from one fold carries to the other."""
    return fold is None or "ab"[hashlib.md5(site.encode()).digest()[1] % 2] == fold


def english(a, work):
    pages = [p for p in load() if half_of(p["site"]) == a.half and fold_ok(p["site"], a.fold)]
    rec = recurring(pages, a.half, a.min_sites)
    # One site: lines that recur on two or more of its pages.
    rec = {k: v for k, v in rec.items() if v[0] >= 2 or v[1] >= 2}
    labelled = {k: families(k) for k in rec}
    labelled = {k: f for k, f in labelled.items() if f}
    src = os.path.join(work, "pages.jsonl")
    write(src, [{"id": p["id"], "site": p["site"], "text": p["text"]} for p in pages])
    out, ex = os.path.join(work, "pages.out.jsonl"), os.path.join(work, "pages.explain.jsonl")
    clean(a.bin, src, out, ex, ["--no-builtin", "repeated-line"])
    removed = removed_by_rules(ex)
    inst = collections.Counter()  # (family, removed?) -> line instances
    key_all = collections.defaultdict(lambda: [0, 0])  # key -> [instances, removed]
    for p in pages:
        gold = {key(l) for l in p["gold"].split("\n")}
        for line, s, e in lines_with_offsets(p["text"]):
            k = key(line)
            if k not in labelled or k in gold:
                continue
            gone = covered(removed.get(p["id"], []), s, e, line)
            key_all[k][0] += 1
            key_all[k][1] += gone
            for f in labelled[k]:
                inst[(f, gone)] += 1
    print(f"## English, {a.half} half{', fold ' + a.fold if a.fold else ''}: {len(pages)} pages of {len({p['site'] for p in pages})} sites\n")
    print(f"(a) junk lines removed by the rules (recurring on {a.min_sites}+ sites of the half, labelled by family)\n")
    print("| family | keys | keys removed | lines | lines removed |")
    print("|---|---:|---:|---:|---:|")
    fams = sorted({f for fs in labelled.values() for f in fs})
    for f in fams + ["all"]:
        ks = [k for k, fs in labelled.items() if f == "all" or f in fs]
        kr = sum(1 for k in ks if key_all[k][1] == key_all[k][0])
        n = sum(key_all[k][0] for k in ks)
        r = sum(key_all[k][1] for k in ks)
        print(f"| {f} | {len(ks)} | {kr} ({kr / len(ks):.1%}) | {n} | {r} ({r / max(n, 1):.1%}) |")
    if a.show:
        left = sorted((k for k in labelled if key_all[k][1] < key_all[k][0]), key=lambda k: -key_all[k][0])
        print(f"\nkept junk keys (instances, families): top {a.show}")
        for k in left[: a.show]:
            print(f"  {key_all[k][0]:4d} {','.join(labelled[k]):20s} {k[:120]}")
    # (b) gold texts.
    gsrc, gout, gex = (os.path.join(work, f"gold{s}.jsonl") for s in ("", ".out", ".explain"))
    write(gsrc, [{"id": p["id"], "site": p["site"], "text": p["gold"]} for p in pages])
    clean(a.bin, gsrc, gout, gex)
    print(f"\n(b) gold texts of the half: {removed_fraction(gsrc, gout)}")
    print(f"    by rule (words): {rule_words(gex)}")
    if a.show:
        c = collections.Counter()
        for line in open(gex, encoding="utf-8"):
            r = json.loads(line)
            if not r["rule"].startswith("builtin."):
                c[(r["rule"], key(r["text"])[:100])] += 1
        for (rule, t), n in c.most_common(a.show):
            print(f"  {n:4d} {rule:24s} {t}")


def other_corpora(a, work):
    corp = os.path.join(work, "corpora")
    subprocess.run([sys.executable, os.path.join(here, "learn_corpora.py"), corp], check=True,
                   stderr=subprocess.DEVNULL)
    lee = os.path.join(corp, "lee.jsonl")
    out, ex = os.path.join(work, "lee.out.jsonl"), os.path.join(work, "lee.explain.jsonl")
    clean(a.bin, lee, out, ex)
    print(f"    clean English news (Lee corpus): {removed_fraction(lee, out)}; by rule: {rule_words(ex)}")
    # German news: the seed articles as cleaning should leave them.
    seeds = os.path.join(root, "fixtures", "seeds.expected.jsonl")
    out, ex = os.path.join(work, "seeds.out.jsonl"), os.path.join(work, "seeds.explain.jsonl")
    clean(a.bin, seeds, out, ex)
    print(f"    clean German news (fixtures/seeds.expected.jsonl): {removed_fraction(seeds, out)}; by rule: {rule_words(ex)}")

    full = os.path.join(corp, "manpages.jsonl")
    body = os.path.join(corp, "manpages-body.jsonl")
    docs = [json.loads(l) for l in open(full, encoding="utf-8")]
    out, ex = os.path.join(work, "man.out.jsonl"), os.path.join(work, "man.explain.jsonl")
    clean(a.bin, full, out, ex, ["--no-builtin", "repeated-line"])
    removed = removed_by_rules(ex)
    n = r = 0
    left = collections.Counter()
    for d in docs:
        lines = lines_with_offsets(d["text"])
        start = next(i for i, (l, _, _) in enumerate(lines) if l.strip() == "ÜBERSETZUNG")
        last = [s for l, s, _ in lines if l.strip()][-1]
        for line, s, e in lines[start:]:
            if not line.strip() or s >= last:
                continue  # blank, or the page footer "NAME(1)" man prints last
            n += 1
            gone = covered(removed.get(d["id"], []), s, e, line)
            r += gone
            if not gone:
                left[re.sub(r"\s+", " ", line.strip())[:90]] += 1
    print(f"\n## German, manpages-de: {len(docs)} pages\n")
    print(f"(a) translators' footer lines removed: {r} of {n} ({r / max(n, 1):.1%})")
    if a.show:
        for t, c in left.most_common(a.show):
            print(f"  {c:4d} {t}")
    out, ex = os.path.join(work, "manbody.out.jsonl"), os.path.join(work, "manbody.explain.jsonl")
    clean(a.bin, body, out, ex)
    print(f"(b) pages cut before the footer: {removed_fraction(body, out)}")
    print(f"    by rule (words): {rule_words(ex)}")
    # The COPYRIGHT section is copyright notices, junk of a family the rules
    # target: clean text is the rest.
    nocopy = os.path.join(work, "manbody-nocopyright.jsonl")
    write(nocopy, [dict(d, text=drop_section(d["text"], "COPYRIGHT"))
                   for d in map(json.loads, open(body, encoding="utf-8"))])
    out, ex = os.path.join(work, "mannocopy.out.jsonl"), os.path.join(work, "mannocopy.explain.jsonl")
    clean(a.bin, nocopy, out, ex)
    print(f"    the same without their COPYRIGHT section: {removed_fraction(nocopy, out)}")
    print(f"    by rule (words): {rule_words(ex)}")
    if a.show:
        c = collections.Counter()
        for line in open(ex, encoding="utf-8"):
            rr = json.loads(line)
            if not rr["rule"].startswith("builtin."):
                c[(rr["rule"], key(rr["text"])[:100])] += 1
        for (rule, t), k in c.most_common(a.show):
            print(f"  {k:4d} {rule:24s} {t}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--half", choices=["tune", "report"], default="report")
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "deboil"))
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--min-sites", type=int, default=2,
                    help="junk lines recur on this many sites (1: on 2+ pages of one site)")
    ap.add_argument("--english-only", action="store_true")
    ap.add_argument("--fold", choices=["a", "b"], help="only the sites of one fold of the half (see fold_ok)")
    ap.add_argument("--rules", help="rule files or folder to use instead of the embedded rules")
    a = ap.parse_args()
    if a.rules:
        RULE_ARGS.extend(["--no-default-rules", "--rules", a.rules])
    os.makedirs(os.path.join(root, "bench", "work"), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=os.path.join(root, "bench", "work")) as tmp:
        english(a, tmp)
        if not a.english_only:
            work = os.path.join(root, "bench", "work", "rules")
            os.makedirs(work, exist_ok=True)
            other_corpora(a, work)


if __name__ == "__main__":
    main()
