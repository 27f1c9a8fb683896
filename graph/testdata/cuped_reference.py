"""Reference figures for TestExperimentCUPED (graph/experiment_cuped_test.go).

Run: /usr/bin/python3 graph/testdata/cuped_reference.py  (numpy, scipy). Written from the formulas of
docs/engines/experiment.md (CUPED), independently of internal/experiment. Prints the sums the test sends and the
figures it expects.
"""
import numpy as np
from scipy import stats

# control: 8 units with a covariate (sent as sums) and 2 without (sent as a plain continuous recording)
cx = np.array([10, 12, 9, 15, 11, 14, 8, 13], float)
cy = np.array([11.5, 13.0, 9.8, 16.2, 11.9, 15.1, 8.7, 14.4])
c0 = np.array([12.0, 10.5])
# treatment: 8 units with a covariate and 2 without, sent per unit
tx = np.array([11, 9, 14, 10, 13, 12, 15, 9], float)
ty = np.array([12.9, 10.6, 15.8, 11.4, 14.7, 13.5, 16.9, 9.6])
t0 = np.array([13.1, 11.8])

print("control sums: n=%d sumY=%r sumY2=%r sumX=%r sumX2=%r sumXY=%r" % (
    len(cx), float(sum(cy)), float(sum(cy * cy)), float(sum(cx)), float(sum(cx * cx)), float(sum(cx * cy))))
print("control without covariate: count=2 mean=%r variance=%r" % (c0.mean(), c0.var(ddof=1)))

alpha = 0.05
# raw: Welch over all units
ca, ta = np.concatenate([cy, c0]), np.concatenate([ty, t0])
raw = stats.ttest_ind(ta, ca, equal_var=False)
raw_var = ca.var(ddof=1) / len(ca) + ta.var(ddof=1) / len(ta)
print("raw: diff=%.12g se=%.12g p=%.12g" % (ta.mean() - ca.mean(), np.sqrt(raw_var), raw.pvalue))

# theta pooled over the units with a covariate of both arms
px, py = np.concatenate([cx, tx]), np.concatenate([cy, ty])
theta = np.cov(py, px, ddof=1)[0, 1] / px.var(ddof=1)
n1 = len(cx) + len(tx)
n_all = len(ca) + len(ta)
w = n1 / n_all
xbar = px.mean()


def arm(x, y, y0):
    m1 = y.mean() - theta * (x.mean() - xbar)
    v1 = (y.var(ddof=1) + theta ** 2 * x.var(ddof=1) - 2 * theta * np.cov(y, x, ddof=1)[0, 1]) / len(y)
    return w * m1 + (1 - w) * y0.mean(), w * w * v1 + (1 - w) ** 2 * y0.var(ddof=1) / len(y0)


mc, vc = arm(cx, cy, c0)
mt, vt = arm(tx, ty, t0)
diff, se = mt - mc, np.sqrt(vc + vt)
nc, nt = len(ca), len(ta)
df = (vc + vt) ** 2 / (vc ** 2 / (nc - 1) + vt ** 2 / (nt - 1))
q = stats.t.ppf(1 - alpha / 2, df)
p = 2 * stats.t.sf(abs(diff / se), df)
print("theta=%.12g w=%.12g" % (theta, w))
print("adjusted means: control=%.12g (se %.12g) treatment=%.12g (se %.12g)" % (mc, np.sqrt(vc), mt, np.sqrt(vt)))
print("adjusted: diff=%.12g se=%.12g df=%.12g lower=%.12g upper=%.12g p=%.12g" % (diff, se, df, diff - q * se, diff + q * se, p))
print("variance reduction=%.12g" % (1 - (vc + vt) / raw_var))

# relative: diff / raw control mean, delta method over the four strata (gradient at the raw means)
rc = ca.mean()
rawdiff = ta.mean() - rc


def stratum(x, y, gy, gx):
    if x is None:
        return gy * gy * y.var(ddof=1) / len(y)
    c = np.cov(y, x, ddof=1)
    return (gy * gy * c[0, 0] + 2 * gy * gx * c[0, 1] + gx * gx * c[1, 1]) / len(y)


var = (stratum(tx, ty, w / rc, -w * theta / rc) + stratum(None, t0, (1 - w) / rc, 0)
       + stratum(cx, cy, -w / rc - rawdiff * (len(cy) / nc) / rc ** 2, w * theta / rc)
       + stratum(None, c0, -(1 - w) / rc - rawdiff * (len(c0) / nc) / rc ** 2, 0))
rel, rse = diff / rc, np.sqrt(var)
print("relative: est=%.12g se=%.12g lower=%.12g upper=%.12g p=%.12g" % (
    rel, rse, rel - q * rse, rel + q * rse, 2 * stats.t.sf(abs(rel / rse), df)))
