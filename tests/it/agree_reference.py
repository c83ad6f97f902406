"""Reference figures for tests/it/agree.rs, computed without Ripple's code.

Reads a fixture store written by that test (RIPPLE_AGREE_FIXTURE=<dir>), rebuilds every unit's
ratings from the files by the definitions in docs/agreement.md, and computes the figures with
scikit-learn (Cohen's kappa), krippendorff (alpha, nominal) and irrCAC (percent agreement and
Brennan-Prediger, categories [0, 1]). Prints Rust constants for tests/it/agree_reference.rs.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install scikit-learn krippendorff irrcac
    /tmp/v/bin/python tests/it/agree_reference.py <store>
"""
import json, os, sys, warnings
import numpy as np, pandas as pd, krippendorff
from sklearn.metrics import cohen_kappa_score
from irrCAC.raw import CAC

warnings.simplefilter("ignore")
store = sys.argv[1]
ANA, LUIS, MEI = "ana-pena", "luis-ortiz", "mei-李"
PARENT = {"trust": "collaboration", "communication": "collaboration", "roles": "collaboration",
          "engaging-perpetrators": "practice"}
ORDER = ["collaboration", "trust", "communication", "roles", "flexibility", "effectiveness",
         "shared-purpose", "commitment", "practice", "engaging-perpetrators"]


def note(sid):
    text = open(os.path.join(store, "sessions", sid + ".md"), encoding="utf-8").read()
    return text.split("+++\n", 2)[2]


def done(slug):
    lines = open(os.path.join(store, "codings", slug, "done.toml"), encoding="utf-8").read()
    return {l.split(" = ")[0] for l in lines.splitlines() if l.startswith("01")}


def codings(slug, sid, roll_up):
    p = os.path.join(store, "codings", slug, sid + ".json")
    if not os.path.exists(p):
        return []
    out = []
    for c in json.load(open(p, encoding="utf-8"))["codings"]:
        t = PARENT.get(c["theme"], c["theme"]) if roll_up else c["theme"]
        out.append((t, c["start"], c["end"]))
    return out


def paragraphs(text):
    out, pos, start, end = [], 0, None, 0
    for line in text.split("\n"):
        if line.strip() == "":  # empty or whitespace only
            if start is not None:
                out.append((start, end))
                start = None
        else:
            if start is None:
                start = pos
            end = pos + len(line)
        pos += len(line) + 1
    if start is not None:
        out.append((start, end))
    return out


def ratings(coders, unit, roll_up=False, overlap=0.9):
    """{theme: [[rating of coder c for unit u] for c]} over the sessions all coders marked done."""
    sessions = sorted(set.intersection(*[done(c) for c in coders]))
    themes = sorted({t for s in sessions for c in coders for (t, _, _) in codings(c, s, roll_up)},
                    key=ORDER.index)
    per = {t: [[] for _ in coders] for t in themes}
    for s in sessions:
        text = note(s)
        cs = [codings(c, s, roll_up) for c in coders]
        for t in themes:
            if unit == "char":
                units = [(p, p + 1) for p in range(len(text))]
                for i, mine in enumerate(cs):
                    per[t][i] += [int(any(th == t and a <= p < b for th, a, b in mine)) for p, _ in units]
            elif unit == "paragraph":
                for i, mine in enumerate(cs):
                    per[t][i] += [int(any(th == t and a < pe and ps < b for th, a, b in mine))
                                  for ps, pe in paragraphs(text)]
            else:  # segment: every coding of any coder is a unit
                for owner, mine in enumerate(cs):
                    for th, a, b in mine:
                        if th != t:
                            continue
                        for i, other in enumerate(cs):
                            hit = i == owner or any(
                                th2 == t and min(b, b2) - max(a, a2) > 0
                                and (min(b, b2) - max(a, a2)) >= overlap * max(b - a, b2 - a2) - 1e-12
                                for th2, a2, b2 in other)
                            per[t][i].append(int(hit))
    return per


def figures(rows):
    n = len(rows[0])
    kappa = cohen_kappa_score(rows[0], rows[1]) if len(rows) == 2 else None
    alpha = krippendorff.alpha(reliability_data=rows, level_of_measurement="nominal")
    est = CAC(pd.DataFrame(np.array(rows).T), categories=[0, 1], digits=17).bp()["est"]
    return n, float(est["pa"]), kappa, float(alpha), float(est["coefficient_value"])


def emit(name, coders, unit, **kw):
    per = ratings(coders, unit, **kw)
    rows = []
    for t, r in per.items():
        rows.append((t,) + figures(r))
    pooled = [sum((per[t][i] for t in per), []) for i in range(len(coders))]
    allrow = ("all",) + figures(pooled)
    fmt = lambda r: '("%s", %d, %r, %s, %r, %r)' % (r[0], r[1], r[2], "None" if r[3] is None else "Some(%r)" % r[3], r[4], r[5])
    print("const %s: &[Row] = &[\n%s\n];" % (name, "\n".join("    " + fmt(r) + "," for r in rows)))
    print("const %s_ALL: Row = %s;" % (name, fmt(allrow)))


emit("CHAR_TWO", [ANA, LUIS], "char")
emit("PARAGRAPH_TWO", [ANA, LUIS], "paragraph")
emit("SEGMENT_TWO", [ANA, LUIS], "segment")
emit("SEGMENT_HALF_TWO", [ANA, LUIS], "segment", overlap=0.5)
emit("ROLLUP_TWO", [ANA, LUIS], "char", roll_up=True)
emit("CHAR_THREE", [ANA, LUIS, MEI], "char")
