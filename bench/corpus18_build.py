#!/usr/bin/env python3
"""Build a second body-finder corpus (round 18) from Mozilla Readability's test pages.

    python3 bench/corpus18_build.py [--src DIR] [--out bench/work/corpus18/pages_moz.jsonl]

Source: Mozilla's Readability.js test suite (test/test-pages/NAME/{source.html,
expected.html,expected-metadata.json}), as shipped inside the crates.io package
`readabilityrs` 0.1.4 (Apache-2.0 code; it carries all 130 pages of Mozilla's
suite in tests/test-pages/). Without --src the script fetches the crate with
cargo (an empty throw-away project that depends on readabilityrs =0.1.4, then
`cargo fetch`) and reads it from cargo's registry source cache. The pages are
copies of third-party web pages with no stated licence: evaluation only, never
commit them (the output goes under bench/work, i.e. /work/benchdata).

Annotation: expected.html is the article Readability.js extracts from the page,
kept by Mozilla's maintainers as the test's expected output (reviewed, not
human-marked from scratch). The gold here is the metadata title (when the body
does not start with it) followed by the text of expected.html. The byline (in
expected-metadata.json, not in expected.html) is left out of the gold and kept in
the row's `byline` field, so that a scorer can tell bylines apart.

Pages: only real pages are kept: source.html of 10,000 bytes or more (the
smaller ones are hand-made unit cases: `ol`, `replace-brs`, `rtl-1`, ...; the
threshold keeps daringfireball-1 at 10 KB and drops dev418 at 3.8 KB). The site
is the host of the page's canonical / og:url link, else the folder name without
its trailing -N (joined to a host of another page when it is one of that
host's labels: wikipedia-4 -> en.wikipedia.org). `lang` is the <html lang> (or the metadata's lang), `en` when
it starts with en.

Text: the same naive HTML-to-text as pages_dev's `text` (the dragnet pages): the
<title> first, then every block (p, div, li, h1-h6, td, ...) on its own line(s)
with a blank line between blocks, <br> a line break, script/style/noscript/
template/svg dropped, HTML comments dropped; menus, footers, comments, share bars
and hidden elements all kept. expected.html goes through the same converter, so
that the gold's words are the page's words.

`english` is true when 10 % or more of the gold's words are among 25 English
function words (English pages have 17-32 %, the others 0-6.4 %; the <html lang> is
wrong on some pages: liberation-1 says en and
is French). `half` is pages_dev's tune/report split of sites (md5 of the site,
bench/junk_lines.half_of), so that a later round can tune on one half of this
corpus and report on the other.

Each output row: {"id": "moz/NAME", "site", "lang", "english", "half", "text",
"gold", "byline", "title"}.
"""
import argparse, glob, hashlib, html.parser, json, os, re, subprocess, sys, tempfile
from urllib.parse import urlparse

CRATE, VERSION = "readabilityrs", "0.1.4"
EN_STOP = set("the of and to a in is that for it on with as was be by this are at from or an have not but".split())


def english(text):
    """English by its function words: 10 % or more of the gold's words are among the 25 commonest."""
    w = [x.lower() for x in re.findall(r"\w+", text or "")]
    return bool(w) and sum(1 for x in w if x in EN_STOP) >= 0.1 * len(w)


def half_of(site):
    """pages_dev's split (bench/junk_lines.py): md5 of the site name, even first byte = tune."""
    return "tune" if hashlib.md5(site.encode()).digest()[0] % 2 == 0 else "report"
MIN_SOURCE_BYTES = 10000

BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "noframes",
    "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "title", "button", "select", "textarea", "iframe", "video", "audio", "picture", "label",
}
SKIP = {"script", "style", "noscript", "template", "svg", "math"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


class Text(html.parser.HTMLParser):
    """Naive HTML to text: one block a line (blank line between), <br> a line break."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.cur, self.skip, self.in_head, self.in_title = [], [], 0, False, False
        self.title = []

    def flush(self):
        s = "".join(self.cur)
        lines = [re.sub(r"[ \t\r\f\v\u00a0]+", " ", l).strip() for l in s.split("\n")]
        lines = [l for l in lines if l]
        if lines:
            self.blocks.append("\n".join(lines))
        self.cur = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            if tag not in VOID:
                self.skip += 1
            return
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "title":
            self.in_title = True
        if self.skip:
            return
        if tag == "br":
            self.cur.append("\n")
        elif tag in BLOCK:
            self.flush()

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self.skip:
            self.cur.append("\n")
        elif tag in BLOCK and not self.skip:
            self.flush()

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False
            if self.title:
                self.blocks.append(re.sub(r"\s+", " ", "".join(self.title)).strip())
                self.title = []
            return
        if not self.skip and tag in BLOCK:
            self.flush()

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
            return
        if self.skip or self.in_head:
            return
        # whitespace inside a block is a space (pre keeps nothing special: naive)
        self.cur.append(re.sub(r"[ \t\r\n\f\v]+", " ", data))

    def text(self):
        self.flush()
        return "\n\n".join(b for b in self.blocks if b.strip())


def to_text(html_src):
    p = Text()
    p.feed(html_src)
    p.close()
    return p.text()


def host_of(src, name):
    for pat in (r'<link[^>]+rel=["\']?canonical["\']?[^>]*href=["\']([^"\']+)',
                r'<link[^>]+href=["\']([^"\']+)["\'][^>]*rel=["\']?canonical',
                r'<meta[^>]+property=["\']og:url["\'][^>]*content=["\']([^"\']+)',
                r'<meta[^>]+content=["\']([^"\']+)["\'][^>]*property=["\']og:url'):
        m = re.search(pat, src, re.I)
        if m:
            h = urlparse(m.group(1).strip()).hostname
            if h and "." in h:
                return h.lower()
    return re.sub(r"-\d+$", "", name)


def lang_of(src, meta):
    m = re.search(r'<html[^>]*\slang=["\']?([A-Za-z-]+)', src, re.I)
    lang = (m.group(1) if m else None) or meta.get("lang") or ""
    return lang.lower()


def fetch_crate():
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    found = glob.glob(os.path.join(home, "registry", "src", "*", f"{CRATE}-{VERSION}", "tests", "test-pages"))
    if found:
        return found[0]
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "src"))
        open(os.path.join(d, "src", "lib.rs"), "w").close()
        with open(os.path.join(d, "Cargo.toml"), "w") as f:
            f.write(f'[package]\nname = "fetch18"\nversion = "0.0.0"\nedition = "2021"\n\n'
                    f'[dependencies]\n{CRATE} = "={VERSION}"\n')
        subprocess.run(["cargo", "fetch", "-q"], cwd=d, check=True)
    found = glob.glob(os.path.join(home, "registry", "src", "*", f"{CRATE}-{VERSION}", "tests", "test-pages"))
    if not found:
        sys.exit(f"{CRATE} {VERSION} fetched but tests/test-pages not found under {home}/registry/src")
    return found[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", help="a test-pages folder (default: the readabilityrs crate's, fetched with cargo)")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "work", "corpus18", "pages_moz.jsonl"))
    a = ap.parse_args()
    src = a.src or fetch_crate()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    rows, small = [], []
    for name in sorted(os.listdir(src)):
        d = os.path.join(src, name)
        sp, ep = os.path.join(d, "source.html"), os.path.join(d, "expected.html")
        if not (os.path.isfile(sp) and os.path.isfile(ep)):
            continue
        if os.path.getsize(sp) < MIN_SOURCE_BYTES:
            small.append(name)
            continue
        s = open(sp, encoding="utf-8", errors="replace").read()
        e = open(ep, encoding="utf-8", errors="replace").read()
        mp = os.path.join(d, "expected-metadata.json")
        meta = json.load(open(mp, encoding="utf-8")) if os.path.isfile(mp) else {}
        body = to_text(e)
        title = (meta.get("title") or "").strip()
        gold = body
        if title and not body.lstrip().lower().startswith(title.lower()[:40]):
            gold = title + "\n\n" + body
        rows.append({"id": f"moz/{name}", "site": host_of(s, name), "lang": lang_of(s, meta),
                     "text": to_text(s), "gold": gold, "byline": meta.get("byline"), "title": title or None})
    # a folder-name site whose name is a label of one host found on another page joins that host
    # (wikipedia-4 -> en.wikipedia.org)
    hosts = {r["site"] for r in rows if "." in r["site"]}
    for r in rows:
        if "." not in r["site"]:
            m = [h for h in hosts if r["site"] in h.split(".")]
            if len(m) == 1:
                r["site"] = m[0]
    for r in rows:
        r["english"] = english(r["gold"])
        r["half"] = half_of(r["site"])
    with open(a.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    sites = {}
    for r in rows:
        sites[r["site"]] = sites.get(r["site"], 0) + 1
    en = sum(1 for r in rows if r["english"])
    print(f"{a.out}: {len(rows)} pages ({en} English by function words), {len(sites)} sites; "
          f"pages per site: {sorted(sites.values(), reverse=True)}; left out {len(small)} hand-made cases under "
          f"{MIN_SOURCE_BYTES} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
