#!/usr/bin/env python3
"""Markdown tables of Benchmarks/http/run.sh: the interleaved comparison (median of the rounds),
the connection/base sweep, the start-ups, and the targets checked.

Usage: tables.py COMPARISON.tsv RESULTS.tsv STARTUPS.tsv DURATION ROUNDS CONNECTIONS BASE WRK_THREADS
Each line of the .tsv files: target, base (or round), connections, server CPU seconds, peak RSS
(kB), then the RESULT fields printed by requests.lua, wrk's own CPU (wrk_cpu_us, by
child-cpu.py; absent from older files) and, for insi-sim, each event loop's CPU ticks
(loop0_ticks, loop1_ticks...; absent from older files).
"""
import datetime
import os
import platform
import statistics
import sys

comparison_path, results_path, startups_path, duration, rounds, compare_connections, compare_base, threads = sys.argv[1:9]

LABELS = {
    "nginx": ("nginx 1 worker", "`return 200 '…'` (canned answer inline)"),
    "insi-sim": ("insi-sim", "defaults (`--log-level info`: one line per call)"),
    "insi-sim-warning": ("insi-sim", "`--log-level warning`"),
    "insi-sim-loop-more": ("insi-sim", "`--event-loops` = cores + 1 (one loop more than the default)"),
    "hummingbird": ("Hummingbird 2.28.1", "canned answer, defaults"),
    "vapor": ("Vapor 4.122.3", "canned answer, production environment"),
    "flyingfox": ("FlyingFox 0.27.1", "canned answer, TCP_NODELAY"),
}


def read(path):
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path):
        target, base, connections, cpu, peak, fields = line.rstrip("\n").split("\t")
        values = {k: int(v) for k, v in (item.split("=") for item in fields.split())}
        rps = values["requests"] / (values["duration_us"] / 1e6)
        errors = values["connect"] + values["read"] + values["write"] + values["status"] + values["timeout"]
        cpu_us = float(cpu) / values["requests"] * 1e6 if values["requests"] else 0
        wrk_us = values.get("wrk_cpu_us", 0) / values["requests"] if values["requests"] else 0
        rows.append(dict(target=target, base=base, c=int(connections), cpu=float(cpu), cpu_us=cpu_us, wrk_us=wrk_us, peak=int(peak),
                         rps=rps, errors=errors, **values))
    return rows


def number(value):
    return "{:,.0f}".format(value)


comparison = read(comparison_path)
sweep = read(results_path)
print("Measured %s on %s (%d cores), wrk -t%s over loopback, keep-alive, %s s per run.\n"
      % (datetime.date.today().isoformat(), platform.node() or "this machine", os.cpu_count() or 0, threads, duration))

medians = {}
if comparison:
    targets = list(dict.fromkeys(r["target"] for r in comparison))
    by_round = {}
    for r in comparison:
        by_round.setdefault(r["base"], {})[r["target"]] = r
    for target in targets:
        runs = [r for r in comparison if r["target"] == target]
        ratios = [rnd[target]["rps"] / rnd["nginx"]["rps"] for rnd in by_round.values() if target in rnd and "nginx" in rnd]
        medians[target] = dict(
            rps=statistics.median(r["rps"] for r in runs), cpu_us=statistics.median(r["cpu_us"] for r in runs),
            # Rows written before wrk's CPU was measured have none: left out, not counted as 0.
            wrk_us=statistics.median([r["wrk_us"] for r in runs if r["wrk_us"]] or [0]),
            p50=statistics.median(r["p50_us"] for r in runs) / 1000, p99=statistics.median(r["p99_us"] for r in runs) / 1000,
            errors=sum(r["errors"] for r in runs), low=min(r["rps"] for r in runs), high=max(r["rps"] for r in runs),
            ratio=statistics.median(ratios) if ratios else None, peak=max(r["peak"] for r in runs), runs=len(runs))
    logging_ratios = [rnd["insi-sim"]["rps"] / rnd["insi-sim-warning"]["rps"] for rnd in by_round.values()
                      if "insi-sim" in rnd and "insi-sim-warning" in rnd]
    print("### Comparison: %s connections, %s identities, %s interleaved rounds (median)\n"
          % (compare_connections, "{:,}".format(int(compare_base)), rounds))
    print("| server | started with | requests/s | × nginx | p50 (ms) | p99 (ms) | errors | server CPU/request (µs) | wrk CPU/request (µs) | rounds (req/s) | peak RSS (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for target in targets:
        m = medians[target]
        name, started = LABELS.get(target, (target, ""))
        print("| %s | %s | %s | %s | %.2f | %.2f | %d | %.1f | %s | %s–%s | %d |" % (
            name, started, number(m["rps"]), "%.2f" % m["ratio"] if m["ratio"] is not None else "-",
            m["p50"], m["p99"], m["errors"], m["cpu_us"], "%.1f" % m["wrk_us"] if m["wrk_us"] else "-",
            number(m["low"]), number(m["high"]), m["peak"] // 1024))
    print()
    cores = os.cpu_count() or 0
    if "insi-sim" in medians and "nginx" in medians and medians["insi-sim"]["wrk_us"] and cores:
        d, n = medians["insi-sim"], medians["nginx"]
        # Server and wrk share the cores: when both keep them busy, the rate is at most the
        # cores' time over the CPU one request costs the two together.
        busy = d["rps"] * (d["cpu_us"] + d["wrk_us"]) / 1e6
        budget = cores * 1e6 / (0.5 * n["rps"]) - d["wrk_us"]
        print("The server and wrk share the %d cores: a call with defaults cost %.1f µs of server CPU and %.1f µs of "
              "wrk's, and the two kept %.2f cores busy. At half of nginx's rate (%s requests/s) the cores have %.1f µs "
              "of CPU per request; with wrk's share as measured, the server would have to need at most %.1f µs per call.\n"
              % (cores, d["cpu_us"], d["wrk_us"], busy, number(0.5 * n["rps"]), cores * 1e6 / (0.5 * n["rps"]), budget))

    def loop_shares(row):
        ticks = [row[key] for key in sorted((k for k in row if k.startswith("loop") and k.endswith("_ticks")),
                                            key=lambda k: int(k[4:-6]))]
        total = sum(ticks)
        return "/".join("%d" % round(100 * t / total) for t in ticks) if total and len(ticks) > 1 else None
    # How the connections' work fell on the event loops: one loop doing it all caps the rate
    # at one core.
    shares = [(target, [loop_shares(r) for r in comparison if r["target"] == target]) for target in ("insi-sim", "insi-sim-warning", "insi-sim-loop-more")]
    shares = [(target, [s for s in split if s]) for target, split in shares]
    if any(split for _, split in shares):
        print("Each event loop's share of the loops' CPU, round by round (%): "
              + "; ".join("%s %s" % (LABELS[target][1].split(" (")[0], ", ".join(split)) for target, split in shares if split) + ".\n")
    if "insi-sim" in medians and "nginx" in medians:
        print("Targets (issue 14), on the medians:\n")
        d = medians["insi-sim"]

        def line(label, ok, detail):
            print("- %s %s: %s" % ("✅" if ok else "❌", label, detail))
        # The verdicts are on the median of the rounds' ratios (each round's targets ran minutes
        # apart); the ratio of the medians is shown beside them, as the two can differ.
        line("defaults: throughput ≥ 0.50× nginx", d["ratio"] >= 0.5,
             "%.2f (median of the rounds' ratios; ratio of the medians %.2f)" % (d["ratio"], d["rps"] / medians["nginx"]["rps"]))
        line("defaults: server CPU per call < 25 µs", d["cpu_us"] < 25, "%.1f µs" % d["cpu_us"])
        line("defaults: p99 < 5 ms", d["p99"] < 5, "%.2f ms" % d["p99"])
        line("zero errors", d["errors"] == 0, "%d" % d["errors"])
        if logging_ratios:
            ratio = statistics.median(logging_ratios)
            detail = "%.2f (median of the rounds' ratios %s" % (ratio, ", ".join("%.2f" % r for r in logging_ratios))
            if "insi-sim-warning" in medians:
                detail += "; ratio of the medians %.2f" % (d["rps"] / medians["insi-sim-warning"]["rps"])
            line("defaults ≥ 0.90× `--log-level warning`", ratio >= 0.9, detail + ")")
        print()

if sweep:
    nginx = {r["c"]: r for r in sweep if r["target"] == "nginx"}
    print("### Sweep: connections and base size (insi-sim with defaults; one run each)\n")
    print("| server | identities | connections | requests/s | vs nginx | p50 (ms) | p99 (ms) | p99.9 (ms) | errors | server CPU/request (µs) | peak RSS (MB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in sweep:
        ratio = r["rps"] / nginx[r["c"]]["rps"] if r["c"] in nginx and r["target"] != "nginx" else None
        print("| %s | %s | %d | %s | %s | %.2f | %.2f | %.2f | %d | %.1f | %d |" % (
            "nginx (canned answer inline)" if r["target"] == "nginx" else "insi-sim",
            "-" if r["base"] == "-" else "{:,}".format(int(r["base"])), r["c"], number(r["rps"]),
            "1.00" if r["target"] == "nginx" else ("%.2f" % ratio if ratio is not None else "-"),
            r["p50_us"] / 1000, r["p99_us"] / 1000, r["p999_us"] / 1000, r["errors"], r["cpu_us"], r["peak"] // 1024))
    print()
    startups = [line.rstrip("\n").split("\t") for line in open(startups_path)] if os.path.exists(startups_path) else []
    if startups:
        print("| identities | generated in (s) | file (MB) | start-up until /health (s) | RSS after load (MB) | peak RSS at load (MB) | answer codes in a sample |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        for size, gen, file_bytes, startup, rss, hwm, codes in startups:
            print("| {:,} | {} | {} | {} | {} | {} | {} |".format(int(size), gen, int(file_bytes) // 1_000_000, startup, int(rss) // 1024, int(hwm) // 1024, codes))
    sims = {(r["base"], r["c"]): r for r in sweep if r["target"] == "insi-sim"}
    bases = sorted({int(r["base"]) for r in sweep if r["target"] == "insi-sim"})
    if bases:
        big, small = str(bases[-1]), str(bases[0])
        print("\nTargets (issue 6), on the sweep:\n")

        def line(label, ok, detail):
            print("- %s %s: %s" % ("✅" if ok else "❌", label, detail))
        if (big, 64) in sims and (small, 64) in sims and big != small:
            ratio = sims[(big, 64)]["rps"] / sims[(small, 64)]["rps"]
            line("throughput with %s ≥ 90%% of %s (64 connections)" % ("{:,}".format(int(big)), "{:,}".format(int(small))), ratio >= 0.9, "%.2f" % ratio)
        if (big, 256) in sims:
            r = sims[(big, 256)]
            line("256 connections: no errors, p99 < 20 ms", r["errors"] == 0 and r["p99_us"] < 20000,
                 "%d errors, p99 %.2f ms" % (r["errors"], r["p99_us"] / 1000))
        for size, _, _, startup, rss, _, _ in startups:
            if size == big:
                line("%s identities loaded in < 5 s" % "{:,}".format(int(big)), float(startup) < 5, "%s s until /health" % startup)
                line("server RSS < 500 MB", int(rss) < 500 * 1024, "%d MB" % (int(rss) // 1024))
