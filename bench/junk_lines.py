"""Shared by mine_junk.py and rules_eval.py: the dev pages, the site split,
line keys, and the labelling of junk lines by family.

The labelling is deliberately broader than the rules and written apart from
them: a line belongs to a family when its key holds one of the family's
keywords below. It decides which lines the recall figure counts, so it must
not be tuned to what the rules already remove.
"""
import collections, hashlib, json, os, re, unicodedata

here = os.path.dirname(os.path.abspath(__file__))
PAGES = os.path.join(here, "..", "..", "shared", "data", "pages_dev.jsonl")

# Lines longer than this are paragraphs, not the short junk lines rules target
# (the rules' default max_words is 40).
MAX_WORDS = 40


def half_of(site):
    """The same split as gen_syndication.py: md5 of the site name."""
    return "tune" if hashlib.md5(site.encode()).digest()[0] % 2 == 0 else "report"


def load(path=PAGES):
    """Pages with a site and a gold text."""
    out = []
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        if d.get("site") and d.get("gold") is not None:
            out.append(d)
    return out


_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00ad": None, "\u200b": None,
})


def key(line):
    """About deboil's key (NFKC, lowercase, quotes and dashes folded, spaces
    collapsed), with digits folded to 0 so dates and counts group."""
    k = unicodedata.normalize("NFKC", line).translate(_QUOTES).lower()
    k = re.sub(r"\s+", " ", k).strip()
    return re.sub(r"\d", "0", k)


# Family -> keywords (regex alternations over the key). Broad on purpose: a
# keyword hit on a recurring non-gold line is counted as junk of that family.
FAMILIES = {
    "share": r"\b(?:share[sd]?|sharing|tweet|facebook|twitter|google ?\+|google plus|linkedin|"
             r"pinterest|pin it|reddit|stumbleupon|digg|del\.icio\.us|delicious|tumblr|"
             r"whatsapp|email this|e-mail this|print|printer|bookmark|addthis|sharethis|like)\b",
    "newsletter": r"\b(?:subscribe[ds]?|subscription|subscriber|newsletters?|rss|feeds?|atom|"
                  r"sign up|sign-up|signup|follow (?:us|me)|email address|e-mail address|"
                  r"inbox|alerts?|mailing list|updates)\b",
    "related": r"\b(?:related|recent|popular|most (?:read|viewed|emailed|shared|commented|recent)|"
               r"you (?:may|might) also|also like|read more|continue reading|see also|"
               r"recommended|trending|top stories|more stories|further reading|don'?t miss|"
               r"previous post|next post|older posts?|newer posts?|around the web|"
               r"more from|more on|in case you missed|latest)\b",
    "comments": r"\b(?:comments?|commented|commenting|reply|replies|responses?|said\.\.\.|"
                r"trackback|pingback|permalink|required|will not be published|html tags|"
                r"discuss|discussion|report abuse|moderat\w+|cancel)\b"
                r"|^(?:name|e-?mail|website|url|mail)\s*(?:\*|\(required\)|:)?$",
    "copyright": r"©|\(c\)|\bcopyright\b|\ball rights reserved\b|\bpowered by\b|\btheme by\b|"
                 r"\bdesigned by\b|\breuters\b|\bassociated press\b|\bafp\b|\bgetty images\b|"
                 r"\bmay not be (?:published|reproduced)\b",
    "privacy": r"\b(?:cookies?|privacy|terms of (?:use|service)|terms (?:&|and) conditions|"
               r"ad ?choices|disclaimer|user agreement|legal)\b",
}
_FAMILY_RE = {f: re.compile(p) for f, p in FAMILIES.items()}


def families(k):
    """The families whose keywords the key holds (empty: not labelled)."""
    if len(k.split()) > MAX_WORDS:
        return []
    return [f for f, r in _FAMILY_RE.items() if r.search(k)]


def recurring(pages, half, min_sites):
    """Non-gold line keys of one half's pages that recur on `min_sites` or
    more of its sites: key -> (sites, instances, in_gold), where in_gold
    counts the half's pages whose gold holds the key (a rule on it would cut
    article text)."""
    sites = collections.defaultdict(set)
    count = collections.Counter()
    gold_hits = collections.Counter()
    for p in pages:
        if half != "all" and half_of(p["site"]) != half:
            continue
        gold = {key(l) for l in p["gold"].split("\n")}
        for k in gold:
            gold_hits[k] += 1
        for line in p["text"].split("\n"):
            k = key(line)
            if k and k not in gold:
                sites[k].add(p["site"])
                count[k] += 1
    return {
        k: (len(s), count[k], gold_hits[k])
        for k, s in sites.items()
        if len(s) >= min_sites
    }
