#!/usr/bin/env python3
"""Independent reference for the queue-aware sizing of internal/deployment (sizing.go).

It re-implements, without looking at the Go code's arithmetic, the roofline service time of one replica at batch
B (docs/engines/deployment.md), Erlang C from the textbook sum (not the Erlang B recurrence the Go code uses):

    C(c, a) = (a^c / c!) · c/(c − a)  /  ( Σ_{k=0}^{c−1} a^k/k!  +  (a^c / c!) · c/(c − a) )

summed in log space, and the wait quantile t_q = max(0, ln(C/(1−q)) / (cμ − λ)) (DOMAIN.md §1.3; Gross &
Harris, Fundamentals of Queueing Theory, M/M/c). It then searches batch sizes (powers of two and the largest
batch within the SLA) and replica counts for the fewest replicas meeting the SLA at percentile q with
utilisation ≤ 0.85, exactly as the issue states the rule, and prints the table TestSizingAgainstReference
holds. Run: python3 internal/deployment/testdata/sizing_reference.py
"""
import math

MFU, HBM_EFF, MEM_FRACTION, MAX_BATCH, MAX_UTIL = 0.4, 0.56, 0.9, 256, 0.85


def erlang_c(c, a):
    if a >= c:
        return None
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)] if a > 0 else [0.0] + [-math.inf] * (c - 1)
    last = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a)) if a > 0 else -math.inf
    m = max(max(logs), last)
    s = sum(math.exp(x - m) for x in logs)
    top = math.exp(last - m)
    return top / (s + top)


def replica(params, active, kv_per_token, tokens_in, tokens_out, gpus, mem_gb, tflops, hbm):
    weights = params * 2
    usable = MEM_FRACTION * gpus * mem_gb * 1e9
    kv_req = kv_per_token * (tokens_in + tokens_out)
    max_batch = min(int((usable - weights) // kv_req), MAX_BATCH)
    flops = gpus * tflops * 1e12 * MFU
    bw = gpus * hbm * 1e12 * HBM_EFF
    prefill = 2 * active * tokens_in / flops

    def step(b):
        return max((min(params, active * b) * 2 + b * kv_req) / bw, 2 * active * b / flops)

    def latency(b):
        return b * prefill + tokens_out * step(b)

    return max_batch, latency


def size(max_batch, latency, lam, sla_ms, q):
    limit = max_batch
    if sla_ms:
        limit = max([b for b in range(1, max_batch + 1) if latency(b) * 1000 <= sla_ms], default=0)
    cands = []
    b = 1
    while b < limit:
        cands.append(b)
        b *= 2
    cands.append(limit)
    best = None
    for b in cands:
        mu = 1 / latency(b)
        n = max(1, math.ceil(lam / (b * mu * MAX_UTIL)))
        while True:
            c = n * b
            pw = erlang_c(c, lam / mu)
            if pw is not None:
                wait = max(0.0, math.log(pw / (1 - q)) / (c * mu - lam)) if pw > 1 - q else 0.0
                lat = (latency(b) + wait) * 1000
                if lam / (c * mu) <= MAX_UTIL and (not sla_ms or lat <= sla_ms):
                    if best is None or (n, lat) < (best[1], best[2]):
                        best = (b, n, lat)
                    break
            n += 1
    return best


# meta/m10 of estimate_test.go's catalogue on big.1x (1 × X80: 80 GB, 1000 TFLOPS, 2 TB/s), 1,000 tokens in
# and out, 100,000 KV bytes per token, SLAs of 30 s and 40 s.
mb, lat = replica(10e9, 10e9, 1e5, 1000, 1000, 1, 80, 1000, 2)
print("# m10 on big.1x: SLA ms, load, percentile -> batch, replicas, latency ms (the loads just below and above each replica step)")
for sla, q in ((30000, 0.95), (30000, 0.99), (40000, 0.95), (40000, 0.99)):
    steps, prev = [], None
    lam = 0.05
    while lam <= 12:
        b, n, l = size(mb, lat, lam, sla, q)
        if prev is not None and n != prev[1]:
            steps.append((round(lam - 0.05, 2), prev, round(lam, 2), (b, n, l)))
        prev = (b, n, l)
        lam = round(lam + 0.05, 2)
    for below, pb, above, pa in steps:
        print(f"{sla}\t{below}\t{q}\t{pb[0]}\t{pb[1]}\t{pb[2]:.6f}")
        print(f"{sla}\t{above}\t{q}\t{pa[0]}\t{pa[1]}\t{pa[2]:.6f}")
