#!/usr/bin/python3
"""Reference values for internal/evaluation's tests.

Run: /usr/bin/python3 internal/evaluation/testdata/reference.py > internal/evaluation/testdata/reference.json
Needs Debian's python3-scipy (1.10.1) and python3-statsmodels (0.13.5): apt-get install -y python3-scipy python3-statsmodels

The fixtures (inputs) are drawn here from a seeded numpy generator and written together with the expected
figures, so the Go test (reference_test.go) reads both from reference.json and never runs Python. Every
figure comes from scipy/statsmodels except where a comment says otherwise:
  - paired t: scipy.stats.ttest_rel(candidate_means, baseline_means); its interval: statsmodels
    DescrStatsW(diffs).tconfint_mean(alpha)
  - McNemar: statsmodels.stats.contingency_tables.mcnemar(table, exact=True)
  - CR0 clustered SE, interval and p-value: statsmodels OLS(x, 1).fit(cov_type="cluster",
    cov_kwds={"groups": g, "use_correction": False}) (normal reference distribution, use_t=False)
  - Cohen's kappa: statsmodels.stats.inter_rater.cohens_kappa(table)
  - held-out split and cache key: hashlib.sha256 over length-prefixed fields, written out from the doc comments
    of HeldOut and CacheKey, independently of the Go code; TPR, TNR and Rogan-Gladen by their formulas.
"""
import hashlib
import json
import struct

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.weightstats import DescrStatsW

rng = np.random.default_rng(20260211)


def items(ids, scores, clusters=None):
    return [
        {"id": i, "cluster": (clusters[n] if clusters is not None else ""), "scores": [float(x) for x in s]}
        for n, (i, s) in enumerate(zip(ids, scores))
    ]


def paired_case(name, ids, base, cand, alpha, clusters=None):
    bm = np.array([np.mean(s) for s in base])
    cm = np.array([np.mean(s) for s in cand])
    d = cm - bm
    t = stats.ttest_rel(cm, bm)
    exp = {
        "mean_diff": float(np.mean(d)),
        "t": float(t.statistic),
        "t_p": float(t.pvalue),
        "t_df": len(d) - 1,
        "baseline_score": float(np.mean(bm)),
        "baseline_se": float(stats.sem(bm)),
        "candidate_score": float(np.mean(cm)),
        "candidate_se": float(stats.sem(cm)),
    }
    if clusters is None:
        low, high = DescrStatsW(d).tconfint_mean(alpha=alpha)
        exp.update(se=float(stats.sem(d)), low=float(low), high=float(high), p=float(t.pvalue))
        if all(len(s) == 1 for s in base) and all(len(s) == 1 for s in cand):
            bp, cp = bm >= 0.5, cm >= 0.5
            table = [[int(np.sum(bp & cp)), int(np.sum(bp & ~cp))], [int(np.sum(~bp & cp)), int(np.sum(~bp & ~cp))]]
            exp["mcnemar_p"] = float(mcnemar(table, exact=True).pvalue)
            exp["mcnemar_b"], exp["mcnemar_c"] = table[0][1], table[1][0]
    else:
        groups = np.unique(clusters, return_inverse=True)[1]

        def cr0(x):
            return sm.OLS(x, np.ones(len(x))).fit(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})

        fit = cr0(d)
        low, high = fit.conf_int(alpha=alpha)[0]
        exp.update(se=float(fit.bse[0]), low=float(low), high=float(high), p=float(fit.pvalues[0]))
        exp["baseline_clustered_se"] = float(cr0(bm).bse[0])
        exp["candidate_clustered_se"] = float(cr0(cm).bse[0])
    return {
        "name": name,
        "alpha": alpha,
        "baseline": items(ids, base, clusters),
        "candidate": items(ids, cand, clusters),
        "expect": exp,
    }


paired = []

# P1: 30 pass/fail items, one repeat, no clusters: McNemar applies.
ids = [f"p1-{i:02d}" for i in range(30)]
b = rng.random(30) < 0.7
c = np.where(rng.random(30) < 0.25, ~b, b)
paired.append(paired_case("P1", ids, [[int(x)] for x in b], [[int(x)] for x in c], 0.05))

# P2: 15 graded items, three repeats, no clusters, alpha 0.1.
ids = [f"p2-{i:02d}" for i in range(15)]
base = np.round(rng.random((15, 3)), 2)
cand = np.round(np.clip(base + rng.normal(0.05, 0.15, (15, 3)), 0, 1), 2)
paired.append(paired_case("P2", ids, base.tolist(), cand.tolist(), 0.1))

# C1: 45 graded items in 9 clusters of unequal size, two repeats.
sizes = [2, 3, 4, 5, 5, 6, 6, 7, 7]
clusters = [f"src-{g}" for g, k in enumerate(sizes) for _ in range(k)]
ids = [f"c1-{i:02d}" for i in range(len(clusters))]
shift = {f"src-{g}": rng.normal(0, 0.12) for g in range(len(sizes))}
base = np.round(rng.random((45, 2)), 3)
cand = np.round(np.clip(base + np.array([[shift[g]] for g in clusters]) + rng.normal(0, 0.05, (45, 2)), 0, 1), 3)
paired.append(paired_case("C1", ids, base.tolist(), cand.tolist(), 0.05, clusters))

# McNemar tables: (b, c) = (pass->fail, fail->pass); the concordant cells do not enter the exact test.
mc = []
for bb, cc in [(0, 0), (1, 0), (3, 8), (10, 2), (5, 5), (40, 61), (0, 13), (250, 301)]:
    mc.append({"b": bb, "c": cc, "p": float(mcnemar([[7, bb], [cc, 4]], exact=True).pvalue)})

# Cohen's kappa, rows person (pass, fail), columns judge (pass, fail).
kappa = []
for tp, fn, fp, tn in [(20, 5, 3, 22), (45, 2, 30, 3), (10, 10, 10, 10), (1, 0, 0, 1), (3, 17, 12, 8), (90, 4, 6, 0)]:
    kappa.append({"tp": tp, "fn": fn, "fp": fp, "tn": tn, "kappa": float(cohens_kappa(np.array([[tp, fn], [fp, tn]])).kappa)})


def field_hash(*fields):
    h = hashlib.sha256()
    for f in fields:
        raw = f.encode("utf-8")
        h.update(struct.pack(">Q", len(raw)))
        h.update(raw)
    return h.digest()


def held_out(item, model):
    return int.from_bytes(field_hash("evaluation.heldout.v1", item, model)[:8], "big") < 2**63


# Calibration: 120 labels over 60 items x 2 models; a judge with TPR ~0.85, TNR ~0.8.
labels = []
for i in range(60):
    for m in ["acme/small", "acme/large"]:
        human = bool(rng.random() < 0.55)
        judge = bool(rng.random() < (0.85 if human else 0.2))
        labels.append({"item": f"q{i:03d}", "model": m, "human": human, "judge": judge})
run = [bool(x) for x in rng.random(400) < 0.47]
held = [l for l in labels if held_out(l["item"], l["model"])]
tp = sum(l["human"] and l["judge"] for l in held)
fn = sum(l["human"] and not l["judge"] for l in held)
fp = sum(not l["human"] and l["judge"] for l in held)
tn = sum(not l["human"] and not l["judge"] for l in held)
tpr, tnr = tp / (tp + fn), tn / (tn + fp)
p_obs = sum(run) / len(run)
calibration = {
    "labels": labels,
    "run": run,
    "expect": {
        "held_out": [l["item"] + "/" + l["model"] for l in held],
        "tp": tp, "fn": fn, "fp": fp, "tn": tn,
        "tpr": tpr, "tnr": tnr,
        "kappa": float(cohens_kappa(np.array([[tp, fn], [fp, tn]])).kappa),
        "p_obs": p_obs,
        "corrected": min(max((p_obs + tnr - 1) / (tpr + tnr - 1), 0.0), 1.0),
    },
}

req = ["org-7", "Is the answer polite? Pass if yes.", "Say hi", "Hello there!", "openai/gpt-4.1-mini"]
cache_key = {"fields": req, "key": field_hash("evaluation.judge.v1", *req).hex()}

print(json.dumps({
    "paired": paired,
    "mcnemar": mc,
    "kappa": kappa,
    "calibration": calibration,
    "cache_key": cache_key,
}, indent=1))
