#!/usr/bin/python3
"""Reference values for internal/experiment's tests.

Run: /usr/bin/python3 internal/experiment/testdata/reference.py
Needs Debian's python3-scipy (1.10.1) and python3-statsmodels (0.13.5): apt-get install -y python3-scipy python3-statsmodels

Every figure is computed by scipy/statsmodels, except the relative lift, which neither provides: it is
GrowthBook's delta method (gbstats frequentist/tests.py, TwoSidedTTest) written out here with numpy and
scipy.stats.t, independently of the Go code. The Go tests copy these values; they never run Python.
The second part (issue 17) writes out published formulas (GrowthBook gbstats' sequential tests and CUPED,
the delta method, FNV-1a) with numpy/scipy; see its header.
"""
import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import normal_sample_size_one_tail
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
    samplesize_proportions_2indep_onetail,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, _tconfint_generic


def show(name, value):
    print(f"{name} = {float(value)!r}")


def delta_relative(ma, va, na, mb, vb, nb, alpha):
    """GrowthBook TwoSidedTTest: relative lift, its standard error and CI (t with Welch-Satterthwaite df)."""
    est = (mb - ma) / ma
    var = vb / (ma**2 * nb) + va * mb**2 / (ma**4 * na)
    a, b = va / na, vb / nb
    terms = (a**2 / (na - 1) if a > 0 else 0.0) + (b**2 / (nb - 1) if b > 0 else 0.0)
    df = (a + b) ** 2 / terms
    half = stats.t.ppf(1 - alpha / 2, df) * np.sqrt(var)
    return est, np.sqrt(var), est - half, est + half


def binary_case(name, xa, na, xb, nb, confidence):
    alpha = 1 - confidence
    z, p = proportions_ztest([xb, xa], [nb, na])  # pooled variance, two-sided, treatment first
    low, upp = confint_proportions_2indep(xb, nb, xa, na, compare="diff", method="wald", alpha=alpha)
    print(f"# {name}: control {xa}/{na}, treatment {xb}/{nb}, confidence {confidence}")
    print(f"#   proportions_ztest([{xb}, {xa}], [{nb}, {na}])")
    show(f"{name}.z", z)
    show(f"{name}.p", p)
    print(f"#   confint_proportions_2indep({xb}, {nb}, {xa}, {na}, compare='diff', method='wald', alpha={alpha:.2g})")
    show(f"{name}.diff_low", low)
    show(f"{name}.diff_upp", upp)
    pa, pb = xa / na, xb / nb
    if pa > 0:
        est, se, rlow, rupp = delta_relative(pa, pa * (1 - pa), na, pb, pb * (1 - pb), nb, alpha)
        print("#   delta_relative (GrowthBook TwoSidedTTest, variance p(1-p))")
        show(f"{name}.rel", est)
        show(f"{name}.rel_low", rlow)
        show(f"{name}.rel_upp", rupp)


def continuous_raw_case(name, a, b, confidence):
    alpha = 1 - confidence
    t, p = stats.ttest_ind(b, a, equal_var=False)
    low, upp = CompareMeans(DescrStatsW(b), DescrStatsW(a)).tconfint_diff(alpha=alpha, usevar="unequal")
    df = CompareMeans(DescrStatsW(b), DescrStatsW(a)).ttest_ind(usevar="unequal")[2]
    print(f"# {name}: control {a}, treatment {b}, confidence {confidence}")
    show(f"{name}.control_mean", np.mean(a))
    show(f"{name}.control_var", np.var(a, ddof=1))
    show(f"{name}.treatment_mean", np.mean(b))
    show(f"{name}.treatment_var", np.var(b, ddof=1))
    print("#   scipy.stats.ttest_ind(treatment, control, equal_var=False)")
    show(f"{name}.t", t)
    show(f"{name}.p", p)
    print("#   CompareMeans(DescrStatsW(treatment), DescrStatsW(control)).ttest_ind(usevar='unequal')[2]")
    show(f"{name}.df", df)
    print(f"#   CompareMeans(...).tconfint_diff(alpha={alpha:.2g}, usevar='unequal')")
    show(f"{name}.diff_low", low)
    show(f"{name}.diff_upp", upp)
    est, se, rlow, rupp = delta_relative(np.mean(a), np.var(a, ddof=1), len(a), np.mean(b), np.var(b, ddof=1), len(b), alpha)
    print("#   delta_relative (GrowthBook TwoSidedTTest)")
    show(f"{name}.rel", est)
    show(f"{name}.rel_low", rlow)
    show(f"{name}.rel_upp", rupp)


def continuous_agg_case(name, ma, va, na, mb, vb, nb, confidence):
    alpha = 1 - confidence
    t, p = stats.ttest_ind_from_stats(mb, np.sqrt(vb), nb, ma, np.sqrt(va), na, equal_var=False)
    a, b = va / na, vb / nb
    df = (a + b) ** 2 / (a**2 / (na - 1) + b**2 / (nb - 1))
    low, upp = _tconfint_generic(mb - ma, np.sqrt(a + b), df, alpha, "two-sided")
    print(f"# {name}: control n={na} mean={ma} var={va}, treatment n={nb} mean={mb} var={vb}, confidence {confidence}")
    print(f"#   scipy.stats.ttest_ind_from_stats({mb}, sqrt({vb}), {nb}, {ma}, sqrt({va}), {na}, equal_var=False)")
    show(f"{name}.t", t)
    show(f"{name}.p", p)
    print("#   Welch-Satterthwaite df; statsmodels.stats.weightstats._tconfint_generic(diff, se, df, alpha, 'two-sided')")
    show(f"{name}.df", df)
    show(f"{name}.diff_low", low)
    show(f"{name}.diff_upp", upp)
    est, se, rlow, rupp = delta_relative(ma, va, na, mb, vb, nb, alpha)
    print("#   delta_relative (GrowthBook TwoSidedTTest)")
    show(f"{name}.rel", est)
    show(f"{name}.rel_low", rlow)
    show(f"{name}.rel_upp", rupp)


def srm_case(name, observed, weights):
    w = np.array(weights, dtype=float)
    expected = np.sum(observed) * w / w.sum()
    chi2, p = stats.chisquare(observed, expected)
    print(f"# {name}: scipy.stats.chisquare({observed}, sum*{weights}/sum(weights))")
    show(f"{name}.chi2", chi2)
    show(f"{name}.p", p)


print("## Two proportions")
binary_case("B1", 480, 10000, 560, 10000, 0.95)
binary_case("B2", 12, 85, 25, 90, 0.90)
binary_case("B3", 0, 50, 5, 50, 0.95)
binary_case("B4", 40, 40, 38, 40, 0.95)

print("## Welch")
continuous_raw_case(
    "C1",
    [812.0, 790.5, 845.2, 901.7, 768.3, 833.9, 799.4, 870.1, 822.6, 808.8, 856.0, 781.2],
    [760.4, 802.3, 731.9, 779.5, 745.0, 812.8, 726.1, 768.7, 790.2, 751.6, 737.3, 799.9, 744.8, 770.5, 758.1],
    0.95,
)
continuous_agg_case("C2", 1.20, 0.64, 5000, 1.25, 0.7056, 4800, 0.99)

print("## Welford/Chan aggregate of values near 1e9")
vals = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]
show("M1.mean", np.mean(vals))
show("M1.var", np.var(vals, ddof=1))

print("## SRM")
srm_case("S1", [1200, 1000], [50, 50])
srm_case("S2", [10100, 9900], [50, 50])
srm_case("S3", [5120, 4880, 5400], [1, 1, 1])
srm_case("S4", [820, 180], [0.8, 0.2])

print("## Holm")
rej, adj, _, _ = multipletests([0.01, 0.04, 0.03, 0.005], method="holm")
print("# multipletests([0.01, 0.04, 0.03, 0.005], method='holm')[1]")
print("H1 =", [float(x) for x in adj])

print("## Sample sizes")
print("# samplesize_proportions_2indep_onetail(diff=0.01, prop2=0.05, power=0.8, alpha=0.05)")
show("N1", samplesize_proportions_2indep_onetail(0.01, 0.05, 0.8, alpha=0.05))
print("# samplesize_proportions_2indep_onetail(diff=0.02, prop2=0.2, power=0.9, alpha=0.10)  (10% relative of 0.2)")
show("N2", samplesize_proportions_2indep_onetail(0.02, 0.2, 0.9, alpha=0.10))
print("# samplesize_proportions_2indep_onetail(diff=0.0096, prop2=0.048, power=0.8, alpha=0.05)  (ExampleAnalyze: +20% of 4.8%)")
show("N4", samplesize_proportions_2indep_onetail(0.048 * 0.2, 0.048, 0.8, alpha=0.05))
print("# normal_sample_size_one_tail(diff=0.5, power=0.8, alpha=0.025, std_null=2*sqrt(2), std_alternative=2*sqrt(2))")
show("N3", normal_sample_size_one_tail(0.5, 0.8, 0.025, std_null=2 * np.sqrt(2), std_alternative=2 * np.sqrt(2)))

print("## Analyze: three binary variants, Holm across B and C")
for key, (x, n) in {"B": (1100, 20000), "C": (1180, 20000)}.items():
    z, p = proportions_ztest([x, 1000], [n, 20000])
    print(f"# proportions_ztest([{x}, 1000], [{n}, 20000])")
    show(f"A3.{key}.p", p)
pb = proportions_ztest([1100, 1000], [20000, 20000])[1]
pc = proportions_ztest([1180, 1000], [20000, 20000])[1]
print("# multipletests([pB, pC], method='holm')[1]")
print("A3.adjusted =", [float(x) for x in multipletests([pb, pc], method="holm")[1]])


# ---------------------------------------------------------------------------------------------------------
# Issue 17: consistent p-values, sequential testing, CUPED, ratio sample sizes, SRM over periods, hashing.
# Independent of the Go code: each figure is the published formula written out with numpy/scipy.
# GrowthBook cases (GB*) repeat the inputs of gbstats' own tests (packages/stats/tests/frequentist/
# test_tests.py, growthbook/growthbook@8f1db4456915a8e7b7faf23d5632ca7219d2f469), whose expected values are
# rounded to 5 decimals; here they are computed at full precision.
# ---------------------------------------------------------------------------------------------------------
from scipy.stats import norm, chisquare


def sample_mean_stat(s, ss, n):
    """gbstats SampleMeanStatistic: mean and (n-1) variance from sum and sum of squares."""
    return s / n, (ss - s * s / n) / (n - 1), n


def welch_df(va, na, vb, nb):
    a, b = va / na, vb / nb
    return (a + b) ** 2 / (a**2 / (na - 1) + b**2 / (nb - 1))


def t_test(est, se, df, alpha):
    """Two-sided interval and p-value on one t reference distribution (gbstats TwoSidedTTest)."""
    half = stats.t.ppf(1 - alpha / 2, df) * se
    return est - half, est + half, 2 * stats.t.sf(abs(est / se), df)


def z_test(est, se, alpha):
    half = norm.ppf(1 - alpha / 2) * se
    return est - half, est + half, 2 * norm.sf(abs(est / se))


def rel_moments(ma, va, na, mb, vb, nb):
    """Delta-method relative lift and its standard error (gbstats frequentist_variance, relative)."""
    return (mb - ma) / ma, np.sqrt(vb / (ma**2 * nb) + va * mb**2 / (ma**4 * na))


def seq_rho(alpha, tuning):
    """arXiv 2103.06476v7 eq. 161 (gbstats sequential_rho, two-sided)."""
    l = -2 * np.log(alpha)
    return np.sqrt((l + np.log(l + 1)) / tuning)


def seq_test(est, se, n, tuning, alpha):
    """Asymptotic confidence sequence (eq. 9) and always-valid p-value (eq. 155), as gbstats
    SequentialTwoSidedTTest: s2 = se^2 n, st2 = est^2 n / se^2."""
    rho = seq_rho(alpha, tuning)
    s2 = se**2 * n
    half = np.sqrt(s2) * np.sqrt(2 * (n * rho**2 + 1) * np.log(np.sqrt(n * rho**2 + 1) / alpha) / (n * rho) ** 2)
    st2 = est**2 * n / se**2
    tr2p1 = n * rho**2 + 1
    e = np.exp(rho**2 * st2 / (2 * tr2p1)) / np.sqrt(tr2p1)
    return est - half, est + half, min(1.0, 1 / e)


def show_test(name, low, upp, p):
    show(f"{name}.low", low)
    show(f"{name}.upp", upp)
    show(f"{name}.p", p)


print("## Issue 17: unpooled z (absolute binary) and delta-method relative p-values")
for name, (xa, na, xb, nb, conf) in {
    "B1": (480, 10000, 560, 10000, 0.95),
    "B2": (12, 85, 25, 90, 0.90),
    "B3": (0, 50, 5, 50, 0.95),
    "B4": (40, 40, 38, 40, 0.95),
}.items():
    pa, pb = xa / na, xb / nb
    se = np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    print(f"# {name}: z = (pb - pa)/sqrt(pa(1-pa)/na + pb(1-pb)/nb), p = 2 norm.sf(|z|)")
    show(f"{name}.wald_z", (pb - pa) / se)
    show(f"{name}.wald_p", 2 * norm.sf(abs((pb - pa) / se)))
    if pa > 0:
        est, rse = rel_moments(pa, pa * (1 - pa), na, pb, pb * (1 - pb), nb)
        df = welch_df(pa * (1 - pa), na, pb * (1 - pb), nb)
        print(f"# {name}: relative p = 2 t.sf(|rel/se|, welch df)")
        show(f"{name}.rel_p", t_test(est, rse, df, 1 - conf)[2])
a = np.array([812.0, 790.5, 845.2, 901.7, 768.3, 833.9, 799.4, 870.1, 822.6, 808.8, 856.0, 781.2])
b = np.array([760.4, 802.3, 731.9, 779.5, 745.0, 812.8, 726.1, 768.7, 790.2, 751.6, 737.3, 799.9, 744.8, 770.5, 758.1])
for name, (ma, va, na, mb, vb, nb, conf) in {
    "C1": (a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b), 0.95),
    "C2": (1.20, 0.64, 5000, 1.25, 0.7056, 4800, 0.99),
}.items():
    est, rse = rel_moments(ma, va, na, mb, vb, nb)
    print(f"# {name}: relative p = 2 t.sf(|rel/se|, welch df)")
    show(f"{name}.rel_p", t_test(est, rse, welch_df(va, na, vb, nb), 1 - conf)[2])

print("# GB1: gbstats test_two_sided_ttest (relative) and test_two_sided_ttest_absolute, SampleMeanStatistic")
print("#      (sum=1396.87, sum_squares=52377.9767, n=3407) vs (2422.7, 134698.29, 3461); expected there:")
print("#      relative ci (-0.03526, 1.44989) p 0.06191; absolute ci (0.04538, 0.53462) p 0.02016")
ma, va, na = sample_mean_stat(1396.87, 52377.9767, 3407)
mb, vb, nb = sample_mean_stat(2422.7, 134698.29, 3461)
show("GB1.control_mean", ma)
show("GB1.control_var", va)
show("GB1.treatment_mean", mb)
show("GB1.treatment_var", vb)
est, rse = rel_moments(ma, va, na, mb, vb, nb)
show_test("GB1.rel", *t_test(est, rse, welch_df(va, na, vb, nb), 0.05))
show_test("GB1.abs", *t_test(mb - ma, np.sqrt(va / na + vb / nb), welch_df(va, na, vb, nb), 0.05))
print("# GB2: gbstats test_two_sided_ttest_binom, ProportionStatistic 14/28 vs 16/30, relative;")
print("#      expected there: ci (-0.47767, 0.61101) p 0.80707")
pa, pb = 14 / 28, 16 / 30
est, rse = rel_moments(pa, pa * (1 - pa), 28, pb, pb * (1 - pb), 30)
show_test("GB2.rel", *t_test(est, rse, welch_df(pa * (1 - pa), 28, pb * (1 - pb), 30), 0.05))

print("# A3 (three arms) on the absolute scale: unpooled z p-values, Holm, and the adjusted interval at")
print("#    level 1 - alpha*p/p_adj: est +- norm.ppf(1 - alpha*p/p_adj/2)*se")
ps, ests, ses = [], [], []
for x in (1100, 1180):
    p0, p1 = 1000 / 20000, x / 20000
    se = np.sqrt(p0 * (1 - p0) / 20000 + p1 * (1 - p1) / 20000)
    ests.append(p1 - p0)
    ses.append(se)
    ps.append(2 * norm.sf(abs((p1 - p0) / se)))
adj = multipletests(ps, method="holm")[1]
for key, p, pa_, est, se in zip("BC", ps, adj, ests, ses):
    show(f"A3.{key}.wald_p", p)
    show(f"A3.{key}.wald_adjusted", pa_)
    half = norm.ppf(1 - 0.05 * p / pa_ / 2) * se
    show(f"A3.{key}.adjusted_low", est - half)
    show(f"A3.{key}.adjusted_upp", est + half)

print("## Issue 17: sequential (always-valid) confidence sequences and p-values")
print("# GBS1: gbstats test_sequential_test_runs: SampleMeanStatistic (1396.87, 52377.9767, 3000) vs")
print("#       (2422.7, 134698.29, 3461), relative, tuning 1000; expected there ci (-0.55844, 1.56516), p 1")
ma, va, na = sample_mean_stat(1396.87, 52377.9767, 3000)
mb, vb, nb = sample_mean_stat(2422.7, 134698.29, 3461)
show("GBS1.control_mean", ma)
show("GBS1.control_var", va)
show("GBS1.treatment_mean", mb)
show("GBS1.treatment_var", vb)
est, rse = rel_moments(ma, va, na, mb, vb, nb)
show_test("GBS1.rel", *seq_test(est, rse, na + nb, 1000, 0.05))
show_test("GBS1.abs", *seq_test(mb - ma, np.sqrt(va / na + vb / nb), na + nb, 1000, 0.05))
print("# GBS2: gbstats test_sequential_test_runs_prop: ProportionStatistic 1396/3000 vs 2422/3461, relative,")
print("#       default tuning 5000; expected there ci (0.40098, 0.60675), p 0.0")
pa, pb = 1396 / 3000, 2422 / 3461
est, rse = rel_moments(pa, pa * (1 - pa), 3000, pb, pb * (1 - pb), 3461)
show_test("GBS2.rel", *seq_test(est, rse, 6461, 5000, 0.05))
print("# Q1: B1's data (480/10000 vs 560/10000), sequential, tuning 5000, alpha 0.05")
pa, pb = 0.048, 0.056
show_test("Q1.abs", *seq_test(pb - pa, np.sqrt(pa * (1 - pa) / 10000 + pb * (1 - pb) / 10000), 20000, 5000, 0.05))
est, rse = rel_moments(pa, pa * (1 - pa), 10000, pb, pb * (1 - pb), 10000)
show_test("Q1.rel", *seq_test(est, rse, 20000, 5000, 0.05))
print("# Q2: C2's data (n=5000 mean 1.2 var 0.64 vs n=4800 mean 1.25 var 0.7056), sequential, tuning 20000, alpha 0.01")
show_test("Q2.abs", *seq_test(0.05, np.sqrt(0.64 / 5000 + 0.7056 / 4800), 9800, 20000, 0.01))

print("## Issue 17: CUPED")
print("# GBRA: gbstats test_sequential_test_runs_ra: RegressionAdjustedStatistic, post (1396.87, 52377.9767, 3000)")
print("#       pre (16.87, 527.9767) sum of products 1 vs post (2422.7, 134698.29, 3461) pre (22.7, 1348.29) 1,")
print("#       relative, sequential, tuning 5000; expected there ci (-0.50969, 1.51646), p 1")


def ra_moments(n, sy, syy, sx, sxx, sxy):
    return dict(n=n, my=sy / n, mx=sx / n, vy=(syy - sy * sy / n) / (n - 1), vx=(sxx - sx * sx / n) / (n - 1),
                cxy=(sxy - sx * sy / n) / (n - 1))


A = ra_moments(3000, 1396.87, 52377.9767, 16.87, 527.9767, 1)
B = ra_moments(3461, 2422.7, 134698.29, 22.7, 1348.29, 1)
J = ra_moments(6461, 1396.87 + 2422.7, 52377.9767 + 134698.29, 16.87 + 22.7, 527.9767 + 1348.29, 2)
theta = J["cxy"] / J["vx"]
show("GBRA.theta", theta)
diff = (B["my"] - theta * B["mx"]) - (A["my"] - theta * A["mx"])
# gbstats frequentist_variance_relative_cuped, written out
v_trt = (B["vy"] + theta**2 * B["vx"] - 2 * theta * B["cxy"]) / (B["n"] * A["my"] ** 2)
v_ctrl = (A["vy"] * B["my"] ** 2 / A["my"] ** 2 - 2 * theta * A["cxy"] * B["my"] / A["my"] + theta**2 * A["vx"]) / (A["n"] * A["my"] ** 2)
show_test("GBRA.rel", *seq_test(diff / A["my"], np.sqrt(v_trt + v_ctrl), 6461, 5000, 0.05))

print("# K1: CUPED with a stratum of units without a covariate (seeded data below); independent numpy:")
print("#     theta from np.cov of both arms' covariate units, post-stratified with pooled weights, relative")
print("#     gradient in matrix form evaluated at the raw means; fixed horizon, alpha 0.05")
rng = np.random.default_rng(17)


def arm(n1, n0, shift):
    x = np.round(rng.normal(10, 3, n1), 2)
    y = np.round(5 + 0.8 * x + rng.normal(0, 2, n1) + shift, 2)
    y0 = np.round(rng.normal(12 + shift, 3.5, n0), 2)
    return x, y, y0


xc, yc, y0c = arm(300, 40, 0.0)
xt, yt, y0t = arm(280, 55, 0.5)
for name, (x, y, y0) in {"control": (xc, yc, y0c), "treatment": (xt, yt, y0t)}.items():
    print(f"K1.{name}.cov = [{len(x)}, {float(y.sum())!r}, {float((y * y).sum())!r}, {float(x.sum())!r}, {float((x * x).sum())!r}, {float((x * y).sum())!r}]")
    print(f"K1.{name}.nocov = [{len(y0)}, {float(y0.sum())!r}, {float((y0 * y0).sum())!r}]")
xall, yall = np.concatenate([xc, xt]), np.concatenate([yc, yt])
c = np.cov(np.vstack([yall, xall]), ddof=1)
theta = c[0, 1] / c[1, 1]
show("K1.theta", theta)
w1 = (len(xc) + len(xt)) / (len(xc) + len(y0c) + len(xt) + len(y0t))
w0 = 1 - w1
xbar = xall.mean()
adj_means, adj_vars = [], []
for x, y, y0 in ((xc, yc, y0c), (xt, yt, y0t)):
    z = y - theta * (x - xbar)  # adjusted values: their variance is var(Y) + theta^2 var(X) - 2 theta cov
    adj_means.append(w1 * z.mean() + w0 * y0.mean())
    adj_vars.append(w1**2 * z.var(ddof=1) / len(z) + w0**2 * y0.var(ddof=1) / len(y0))
show("K1.control.adjusted_mean", adj_means[0])
show("K1.treatment.adjusted_mean", adj_means[1])
d = adj_means[1] - adj_means[0]
se = np.sqrt(sum(adj_vars))
nc, nt = len(yc) + len(y0c), len(yt) + len(y0t)
df = welch_df(adj_vars[0] * nc, nc, adj_vars[1] * nt, nt)
show("K1.abs.est", d)
show("K1.abs.se", se)
show_test("K1.abs", *t_test(d, se, df, 0.05))
raw_c, raw_t = np.concatenate([yc, y0c]), np.concatenate([yt, y0t])
raw_var = raw_c.var(ddof=1) / nc + raw_t.var(ddof=1) / nt
show("K1.variance_reduction", 1 - se**2 / raw_var)
rc, rt = raw_c.mean(), raw_t.mean()
# f = d / rc with d linear in the stratum means; gradient at the raw means (gbstats' choice)
g_t1 = np.array([w1, -w1 * theta]) / rc
g_c1 = np.array([-w1 / rc - (rt - rc) * (len(yc) / nc) / rc**2, w1 * theta / rc])
g_t0 = w0 / rc
g_c0 = -w0 / rc - (rt - rc) * (len(y0c) / nc) / rc**2
rvar = (g_t1 @ np.cov(np.vstack([yt, xt]), ddof=1) @ g_t1 / len(yt) + g_t0**2 * y0t.var(ddof=1) / len(y0t)
        + g_c1 @ np.cov(np.vstack([yc, xc]), ddof=1) @ g_c1 / len(yc) + g_c0**2 * y0c.var(ddof=1) / len(y0c))
show("K1.rel.est", d / rc)
show("K1.rel.se", np.sqrt(rvar))
show_test("K1.rel", *t_test(d / rc, np.sqrt(rvar), df, 0.05))

print("## Issue 17: ratio-metric sample size (delta method)")
print("# R1: tokens per request: mu_N 1200, mu_D 3, sd_N 900, sd_D 2, corr 0.8, +5% relative, alpha 0.05, power 0.8")
mn, md, sn, sd, rho_nd = 1200.0, 3.0, 900.0, 2.0, 0.8
r = mn / md
var_r = sn**2 / md**2 - 2 * rho_nd * sn * sd * mn / md**3 + mn**2 * sd**2 / md**4
show("R1.sd", np.sqrt(var_r))
show("R1.n", normal_sample_size_one_tail(0.05 * r, 0.8, 0.025, std_null=np.sqrt(2 * var_r), std_alternative=np.sqrt(2 * var_r)))

print("## Issue 17: SRM over periods: expected_i = sum_p units_p * w_pi / sum(w_p)")
for name, observed, periods in (
    ("P1", [880, 2120], [(1000, [50, 50]), (2000, [20, 80])]),
    ("P2", [5150, 3050, 1800], [(6000, [1, 1, 0]), (4000, [2, 1, 1])]),
):
    expected = np.zeros(len(observed))
    for units, w in periods:
        expected += units * np.array(w, dtype=float) / sum(w)
    chi2, p = chisquare(observed, expected)
    print(f"# {name}: chisquare({observed}, {list(expected)})  periods {periods}")
    show(f"{name}.chi2", chi2)
    show(f"{name}.p", p)

print("## Issue 17: GrowthBook hash v2, FNV-1a 32 over UTF-8 bytes, written out")


def fnv1a32(s):
    h = 0x811C9DC5
    for byte in s.encode("utf-8"):
        h ^= byte
        h = (h * 0x01000193) % 2**32
    return h


def gb_hash_v2(seed, value):
    return (fnv1a32(str(fnv1a32(seed + value))) % 10000) / 10000


for seed, value in (("seed", "a"), ("exp-42:", "user-1"), ("exp-42:", "user-2"), ("exp-42:", "user-3")):
    show(f"H[{seed!r}, {value!r}]", gb_hash_v2(seed, value))
