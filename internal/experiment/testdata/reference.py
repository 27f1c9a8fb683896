#!/usr/bin/python3
"""Reference values for internal/experiment's tests.

Run: /usr/bin/python3 internal/experiment/testdata/reference.py
Needs Debian's python3-scipy (1.10.1) and python3-statsmodels (0.13.5): apt-get install -y python3-scipy python3-statsmodels

Every figure is computed by scipy/statsmodels, except the relative lift, which neither provides: it is
GrowthBook's delta method (gbstats frequentist/tests.py, TwoSidedTTest) written out here with numpy and
scipy.stats.t, independently of the Go code. The Go tests copy these values; they never run Python.
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
