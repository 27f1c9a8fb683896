#!/usr/bin/env python3
"""Regenerates percentile.json, the expected values of stats.Percentile, with numpy's default method "linear".

Run from this directory with a python that has numpy (Debian: apt-get install python3-numpy):
    python3 percentile.py > percentile.json
"""
import json

import numpy as np

SAMPLES = {
    "one to ten": list(range(1, 11)),
    "four": [1, 2, 3, 4],
    "five": [15, 20, 35, 40, 50],
    "one value": [7],
    "three": [1, 2, 3],
    "two values": [10, 20],
    "skewed": [1.5, 2.5, 3, 7, 10, 100, 1000],
    "latencies ms": [812.4, 95.1, 130.7, 101.2, 99.9, 250.0, 120.3, 97.6, 4000.5, 110.0, 105.5],
    "ties": [5, 5, 5, 6, 6, 9],
}
PERCENTILES = [0, 1, 10, 25, 50, 90, 95, 99, 99.9, 100]

cases = []
for name, xs in SAMPLES.items():
    for p in PERCENTILES:
        cases.append({"name": name, "values": sorted(float(x) for x in xs), "percentile": p,
                      "want": float(np.percentile(xs, p))})
lines = ",\n  ".join(json.dumps(c) for c in cases)
print('{"numpy": "%s", "cases": [\n  %s\n]}' % (np.__version__, lines))
