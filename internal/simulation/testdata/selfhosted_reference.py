#!/usr/bin/env python3
"""Independent reference for a self-hosted candidate of internal/simulation (selfhosted.go).

A measured model server: S = TTFT + TPOT x (out - 1) per request on each of `slots` slots per replica.
The workload's peak is lambda = requests per day x peak factor / 86,400. The fewest replicas n are those with
utilisation lambda*S/(n*slots) <= 0.85 and S + t_q <= SLA, where t_q is the q-quantile of the M/M/c wait,
t_q = max(0, ln(C/(1-q)) / (c*mu - lambda)) (DOMAIN.md 1.3; Kleinrock 1975, the M/M/m queue), and C is Erlang
C. Here C comes from scipy's Poisson distribution rather than the Erlang B recurrence the Go code uses:
C = P(N = c) * c/(c-a) / (P(N < c) + P(N = c) * c/(c-a)), N ~ Poisson(a) (the e^-a factors cancel). The SLA
fails above the lambda where S + t_q = SLA (scipy.optimize.brentq). Monthly cost = replicas x hourly x 24 x
30.4375. Run: python3 internal/simulation/testdata/selfhosted_reference.py
"""
import math

from scipy.optimize import brentq
from scipy.stats import poisson


def erlang_c(c, a):
    top = poisson.pmf(c, a) * c / (c - a)
    return top / (poisson.cdf(c - 1, a) + top)


def wait_q(c, lam, mu, q):
    pw = erlang_c(c, lam / mu)
    return max(0.0, math.log(pw / (1 - q)) / (c * mu - lam)) if pw > 1 - q else 0.0


def size(slots, s, lam, sla, q):
    mu = 1 / s
    n = max(1, math.ceil(lam * s / (slots * 0.85)))
    while True:
        c = n * slots
        if lam < c * mu:
            lat = s + wait_q(c, lam, mu, q)
            if lam / (c * mu) <= 0.85 and lat <= sla:
                return n, c
        n += 1


def fail_rate(c, s, q, sla):
    mu = 1 / s
    return brentq(lambda lam: s + wait_q(c, lam, mu, q) - sla, 1e-9, c * mu * (1 - 1e-12), xtol=1e-12)


# TestSelfHostedCandidate: 4 slots, 200 ms to the first token, 10 ms a token, 101 output tokens; 285,120
# requests a day at peak factor 1 (3.3 /s); an SLA of 1,300 ms at p95; priced like a $1.50/h instance.
slots, s, per_day, sla, q, hourly = 4, (200 + 100 * 10) / 1000, 285_120, 1.3, 0.95, 1.5
lam = per_day / 86_400
n, c = size(slots, s, lam, sla, q)
mu = 1 / s
pw = erlang_c(c, lam / mu)
print(f"lambda {lam:.6f} /s, replicas {n}, servers {c}, utilisation {lam / (c * mu):.6f}, P(wait) {pw:.6f}")
print(f"wait p50 {wait_q(c, lam, mu, 0.5) * 1000:.6f} ms, p95 {wait_q(c, lam, mu, 0.95) * 1000:.6f} ms, "
      f"latency p95 {(s + wait_q(c, lam, mu, 0.95)) * 1000:.6f} ms")
print(f"SLA fails above {fail_rate(c, s, q, sla):.6f} /s")
print(f"monthly ${n * hourly * 24 * 30.4375:.2f}, per request ${n * hourly * 24 / per_day:.10f}")
