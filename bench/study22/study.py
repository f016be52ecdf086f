#!/usr/bin/env python3
"""Round 22, steps 1-3: cross-fold, site-disjoint figures of the drop-only stage on the tune half.

The model trained on fold A's tune sites (every size) scores fold B's pages
of every part, and vice versa; a kept line is dropped when p(gold) < the
threshold. Prints, per threshold, each part's macro F1 against the base, the
site bootstrap (body_eval.py's, 1000 draws, seed 9) and the acceptance
verdict decided in advance (README.md).
"""
import argparse, collections, os, sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import numpy as np  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
import data  # noqa: E402
from body_eval import bootstrap  # noqa: E402

THRESHOLDS = (0.05, 0.1, 0.2)
PARTS = ("foldA", "foldB", "tune2-4", "tune1")


def model():
    return HistGradientBoostingClassifier(max_depth=3, max_iter=200, learning_rate=0.05, min_samples_leaf=30,
                                          categorical_features=data.CATEGORICAL, early_stopping=False,
                                          random_state=0)


def fit(pages):
    """Trained on the kept lines of the scored pages."""
    ps = [p for p in pages if p["scored"] and p["kept"].any()]
    x = np.vstack([p["x"][p["kept"]] for p in ps])
    y = np.concatenate([p["y"][p["kept"]] for p in ps])
    w = np.concatenate([p["w"][p["kept"]] for p in ps])
    return model().fit(x, y, sample_weight=w)


def predict(m, p):
    """p(gold) of every line of the page (only kept lines are ever used)."""
    return m.predict_proba(p["x"])[:, 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--work", default="/tmp/study22")
    a = ap.parse_args()
    pages = [p for p in data.load("tune", a.bin, a.work) if p["scored"]]
    prob = {}
    for f, other in (("A", "B"), ("B", "A")):
        m = fit([p for p in pages if p["fold"] == f])
        print(f"trained on fold {f}: {sum(p['kept'].sum() for p in pages if p['fold'] == f)} kept lines", file=sys.stderr)
        for p in pages:
            if p["fold"] == other:
                prob[p["id"]] = predict(m, p)
    base = {part: collections.defaultdict(dict) for part in PARTS}
    for p in pages:
        base[p["part"]][p["site"]][p["id"]] = data.page_f1(p)

    def macro(t):
        return sum(f for s in t.values() for f in s.values()) / sum(len(s) for s in t.values())

    print("| threshold | " + " | ".join(PARTS) + " | tune 5+ boot | tune 2-4 boot | tune 1 boot | passes |")
    print("|---" * (len(PARTS) + 5) + "|")
    print("| base | " + " | ".join(f"{macro(base[part]):.4f}" for part in PARTS) + " | | | | |")
    for t in THRESHOLDS:
        new = {part: collections.defaultdict(dict) for part in PARTS}
        dropped = collections.Counter()
        bad = collections.Counter()
        for p in pages:
            d = p["kept"] & (prob[p["id"]] < t)
            dropped[p["part"]] += int(d.sum())
            bad[p["part"]] += int((d & (p["y"] == 1)).sum())
            new[p["part"]][p["site"]][p["id"]] = data.page_f1(p, d)
        ch = {part: macro(new[part]) - macro(base[part]) for part in PARTS}
        five_b = {**base["foldA"], **base["foldB"]}
        five_n = {**new["foldA"], **new["foldB"]}
        boots = [bootstrap(five_b, five_n, 1000, 9), bootstrap(base["tune2-4"], new["tune2-4"], 1000, 9),
                 bootstrap(base["tune1"], new["tune1"], 1000, 9)]
        # The acceptance rule, decided before any figure (README.md).
        ok5 = ch["foldA"] >= -0.0005 and ch["foldB"] >= -0.0005
        small = [(ch["tune2-4"], boots[1]), (ch["tune1"], boots[2])]
        ok_small = all(c >= -5e-9 for c, _ in small) and any(
            c > 5e-9 and b[0] >= 0.9 and b[1] < 0.05 for c, b in small)
        print(f"| p < {t} | " + " | ".join(f"{ch[part]:+.4f} ({dropped[part]} / {bad[part]} gold)" for part in PARTS)
              + " | " + " | ".join(f"{u:.0%} / {dn:.0%}" for u, dn in boots)
              + f" | {'yes' if ok5 and ok_small else 'no'} |")


if __name__ == "__main__":
    main()
