#!/usr/bin/env python3
"""Summarises bench/results/capacity-*.json (written by bench/CollectorBench.java) as Markdown.

Usage: python3 bench/summarize.py [bench/results]

A family that ran in some databases but ran out of cycle budget for others is reported by performance-service with
status "ran" and a detail "N database(s) skipped [...]: cycle budget of ... spent"; this script counts those too.
"""
import glob
import json
import os
import re
import statistics
import sys

results = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")
runs = []
for path in glob.glob(os.path.join(results, "capacity-*.json")):
    if re.search(r"capacity-\d+\.json$", path):
        runs.append(json.load(open(path)))
runs.sort(key=lambda r: r["databases"])

print("| databases (+ postgres, state db) | setup (CREATE DATABASE … TEMPLATE) | cycles seen | median cycle | "
      "max cycle | median / max of cycles running `tables` | cycles over the 10 s budget | "
      "families cut short by the budget (cycles) | max RSS | service CPU (avg cores) |")
print("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
details = []
for r in runs:
    cycles = r["cycles"]
    durations = [c["collection_duration_ms"] for c in cycles]
    heavy = [c["collection_duration_ms"] for c in cycles if "tables" in c["families"]]
    over = sum(1 for d in durations if d >= 10000)
    cut = {}
    skipped_dbs = {}
    for c in cycles:
        for fam, val in c["families"].items():
            fam = re.sub(r"#\d+$", "", fam)
            m = re.search(r"(\d+) database\(s\) skipped \[([^\]]*)\]", val)
            if val.startswith("skipped") or m:
                cut[fam] = cut.get(fam, 0) + 1
            if m:
                skipped_dbs.setdefault(fam, []).append((c["collected_at"][11:19], int(m.group(1)), m.group(2)))
    cut_text = ", ".join(f"{k} ({v})" for k, v in sorted(cut.items())) or "none"
    print(f"| {r['databases']} | {r['setup_seconds_for_new_databases']:.0f} s for {r['databases'] - (runs[runs.index(r) - 1]['databases'] if runs.index(r) else 0)} new | "
          f"{len(cycles)} | {statistics.median(durations):.0f} ms | {max(durations):,} ms | "
          f"{(statistics.median(heavy) if heavy else 0):,.0f} / {(max(heavy) if heavy else 0):,} ms | {over} | {cut_text} | "
          f"{r['rss_max_mib']:.0f} MiB | {r['service_cpu_cores_avg']:.2f} |")
    for fam, rows in sorted(skipped_dbs.items()):
        for at, n, names in rows:
            details.append(f"N={r['databases']} {at} {fam}: {n} database(s) skipped, first: {names}")
    failed = [(c["collected_at"][11:19], f, v) for c in cycles for f, v in c["families"].items() if v.startswith("failed")]
    for at, f, v in failed:
        details.append(f"N={r['databases']} {at} {f}: {v}")
if details:
    print()
    print("Budget cuts and failures per cycle:")
    print()
    for d in details:
        print("    " + d)
