#!/usr/bin/env python3
"""Turns what bench/run.sh recorded (target/bench/runs/<scenario>-<impl>/) into report.md and report.png.

Run by bench/run.sh; re-run alone after editing it: python3 bench/report.py target/bench
Per run: run.env (key=value facts), lag.log (LagSampler), commits.csv (rows and dead letters per second of commit time,
with latency percentiles), latency.csv (latency scenario), rss.log, jstat.log, reconcile.txt.
Columns: each consumer that ran (Sluice, the baseline, Kafka Connect's series), then Sluice / each of the others.
"""
import csv
import os
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMPLS = ("sluice", "baseline", "connect", "connect-unnest")
LABELS = {"sluice": "Sluice", "baseline": "baseline", "connect": "Kafka Connect",
          "connect-unnest": "Kafka Connect (UNNEST)"}
COLORS = {"sluice": "tab:blue", "baseline": "tab:orange", "connect": "tab:green", "connect-unnest": "tab:red"}
CONNECT = ("connect", "connect-unnest")


class Run:
    def __init__(self, directory):
        self.dir = directory
        self.env = {}
        self.phases = []
        for line in read_lines(os.path.join(directory, "run.env")):
            key, _, value = line.partition("=")
            if key == "phase":
                rate, start, end = value.split(":")
                self.phases.append((int(rate), int(start), int(end)))
            else:
                self.env[key] = value
        self.lag = []  # (ms, lag, end)
        for line in read_lines(os.path.join(directory, "lag.log")):
            parts = dict(p.split("=") for p in line.split()[1:])
            self.lag.append((int(line.split()[0]), int(parts["lag"]), int(parts["end"])))
        self.commits = []  # (second, rows, dlq, p50, p99)
        path = os.path.join(directory, "commits.csv")
        if os.path.exists(path):
            with open(path) as f:
                for row in csv.DictReader(f):
                    self.commits.append((int(row["second"]), int(row["rows"]), int(row["dlq"]),
                                         number(row["p50_ms"]), number(row["p99_ms"])))
        self.latency = {}  # rate -> (count, p50, p95, p99, max)
        for line in read_lines(os.path.join(directory, "latency.csv")):
            fields = line.split(",")
            if len(fields) == 6:
                self.latency[int(fields[0])] = (int(fields[1]), *map(float, fields[2:]))
        self.rss = [(int(ms), int(kb)) for ms, kb in (l.split() for l in read_lines(os.path.join(directory, "rss.log")))]
        self.jstat = read_jstat(os.path.join(directory, "jstat.log"))
        self.reconcile = read_lines(os.path.join(directory, "reconcile.txt"))

    def get(self, key, default=None, kind=int):
        value = self.env.get(key)
        return default if value in (None, "") else kind(value)

    @property
    def ok(self):
        return self.env.get("status") == "RECONCILED"

    @property
    def sent(self):
        return self.get("sent", 0)

    def drain_seconds(self):
        first, last = self.get("first_commit_ms"), self.get("last_commit_ms")
        return None if first is None or last is None else (last - first) / 1000

    def writes_per_second(self):
        """(second, rows + dead letters) for every second from the first commit to the last, gaps as 0."""
        if not self.commits:
            return []
        counts = {c[0]: c[1] + c[2] for c in self.commits}
        return [(s, counts.get(s, 0)) for s in range(self.commits[0][0], self.commits[-1][0] + 1)]

    def throughput(self, window_s):
        """Events consumed per second (the group's lag going down) over the first window_s seconds of consumption."""
        started = next((i for i, (_, lag, end) in enumerate(self.lag) if end and lag < end), None)
        if started is None:
            return None
        t0 = self.lag[started][0]
        window = [s for s in self.lag[started:] if s[0] <= t0 + window_s * 1000]
        drained = next((i for i, s in enumerate(window) if s[1] == 0), None)
        if drained is not None:
            window = window[:drained + 1]
        rates = [(a[1] - b[1]) * 1000 / (b[0] - a[0]) for a, b in zip(window, window[1:]) if b[0] > a[0]]
        if not rates:
            return None
        elapsed = (window[-1][0] - t0) / 1000
        # Whole seconds of commit time inside the window; the first and last second of the drain are partial.
        points = self.writes_per_second()[1:-1] or self.writes_per_second()
        writes = [n for s, n in points if t0 / 1000 - 1 <= s < t0 / 1000 + elapsed] or [n for _, n in points]
        return {
            "median": statistics.median(rates),
            "overall": (window[0][1] - window[-1][1]) / elapsed,
            "seconds": elapsed,
            "drained_early": drained is not None,
            "writes_median": statistics.median(writes) if writes else None,
        }

    def cpu(self, key):
        ticks, per_second = self.get(key + "_cpu_ticks"), self.get("clock_ticks_per_s", 100)
        return None if ticks is None else ticks / per_second

    def peak_rss_mb(self):
        return max((kb for _, kb in self.rss), default=0) / 1024 or None

    def peak_heap_mb(self):
        used = [sum(row.get(c, 0) for c in ("S0U", "S1U", "EU", "OU")) for row in self.jstat]
        return max(used, default=0) / 1024 or None

    def gc(self):
        if not self.jstat:
            return None
        last = self.jstat[-1]
        return last.get("GCT"), int(last.get("YGC", 0)), int(last.get("FGC", 0))


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def read_jstat(path):
    rows, header = [], None
    for line in read_lines(path):
        fields = line.split()
        if fields and fields[0] == "Timestamp":
            header = fields
        elif header and len(fields) == len(header):
            try:
                rows.append(dict(zip(header, map(float, [f.replace("-", "0") if f == "-" else f for f in fields]))))
            except ValueError:
                pass
    return rows


def number(text):
    return float(text) if text not in ("", None) else None


def fmt(value, digits=0, unit=""):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


def ratio(sluice, baseline):
    return f"{sluice / baseline:.2f} ×" if sluice and baseline else "n/a"


def by_scenario(runs):
    table = {}
    for run in runs:
        table.setdefault(run.env.get("scenario"), {})[run.env.get("impl")] = run
    return table


def columns(runs):
    """The consumers that ran, in IMPLS order, and those Sluice is compared with (none if Sluice did not run)."""
    impls = [impl for impl in IMPLS if impl in runs]
    return impls, [impl for impl in impls if impl != "sluice"] if "sluice" in impls else []


def scenario_table(runs, rows):
    impls, others = columns(runs)
    lines = ["| | " + " | ".join(LABELS[i] for i in impls) + "".join(f" | Sluice / {LABELS[o]}" for o in others) + " |",
             "|---|" + "---:|" * (len(impls) + len(others))]
    for name, metric, digits, unit in rows:
        values = {impl: metric(run) for impl, run in runs.items()}
        lines.append(f"| {name} | " + " | ".join(fmt(values.get(i), digits, unit) for i in impls)
                     + "".join(f" | {ratio(values.get('sluice'), values.get(o))}" for o in others) + " |")
    status = ["RECONCILED" if runs[i].ok else "**FAILED**" for i in impls]
    lines.append("| reconciliation | " + " | ".join(status) + " |" * (len(others) + 1))
    return lines


def cpu_rows():
    return [
        ("consumer CPU s / 1,000 events", lambda r: per_thousand(r.cpu("consumer"), r.sent), 3, ""),
        ("PostgreSQL CPU s / 1,000 events", lambda r: per_thousand(r.cpu("pg"), r.sent), 3, ""),
    ]


def process_rows():
    """Start-up and memory of the consumer process, and what a re-sent event cost it."""
    return [
        ("JVM launch to first commit (s)", launch_to_first, 1, ""),
        ("JVM launch to last commit (s)", launch_to_last, 1, ""),
        ("peak RSS (MB)", lambda r: r.peak_rss_mb(), 0, ""),
        ("rows updated again (re-sent events written twice)", lambda r: r.get("row_updates"), 0, ""),
    ]


def per_thousand(seconds, events):
    return seconds * 1000 / events if seconds is not None and events else None


def target(description, met, reached):
    mark = "n/a" if met is None else ("met" if met else "**missed**")
    return f"| {description} | {reached} | {mark} |"


def write_report(out, environment, scenarios, runs):
    quick = environment.get("quick") == "1"
    failed = [f"{r.env.get('scenario')}-{r.env.get('impl')}" for r in runs if not r.ok]
    md = ["# Sluice benchmark (issue 6)", ""]
    md.append(f"{environment.get('date', '?')} · commit `{environment.get('commit', '?')}` · "
              f"{environment.get('cpus', '?')} CPUs, {environment.get('memory', '?')} · {environment.get('java', '?')} · "
              f"PostgreSQL {environment.get('postgresql', '?')} · wall time {fmt(number(environment.get('wall_s')))} s")
    md.append("")
    md.append(f"Command: `{'BENCH_QUICK=1 ' if quick else ''}bash bench/run.sh` with "
              f"`{environment.get('knobs', '')}`")
    if environment.get("sluice_jvm"):
        md.append("")
        md.append(f"Sluice's JVM options after the run's `-Xmx`: `{environment.get('sluice_jvm')}`; the baseline's are the JVM's "
                  "defaults")
    md.append("")
    if quick:
        md.append("> **Quick (smoke) run**: tiny counts and low rates; the figures show the harness works, "
                  "they measure nothing. Targets are not evaluated.")
        md.append("")
    md.append(f"**{'FAILED: ' + ', '.join(failed) if failed else f'All {len(runs)} runs reconciled'}** "
              "(rows = unique valid events, dead letters = invalid events, 0 duplicate rows, lag 0).")
    md.append("")
    md.append("![throughput and latency over time](report.png)")
    md.append("")
    targets = ["| target (issue 6) | reached | |", "|---|---|---|"]

    if "throughput" in scenarios:
        runs_ = scenarios["throughput"]
        window = next(iter(runs_.values())).get("window_s", 60)
        tp = {impl: run.throughput(window) for impl, run in runs_.items()}
        md += [f"## 1. Max sustained throughput", "",
               f"A backlog of {fmt(next(iter(runs_.values())).sent)} events ({environment_percentages(environment)}) "
               f"produced first; the consumer then starts on it. Events/s = the group's committed offsets advancing "
               f"(LagSampler, once a second) over the first {window} s of consumption; writes/s = rows + dead letters "
               f"per second of PostgreSQL commit time (a row counts once, at its last write; Kafka Connect's dead "
               f"letters are on a topic, not counted). Then the whole backlog drains and is reconciled.", ""]
        md += scenario_table(runs_, [
            ("events/s, median of 1-s rates", lambda r: (tp[r.env["impl"]] or {}).get("median"), 0, ""),
            ("events/s, overall in the window", lambda r: (tp[r.env["impl"]] or {}).get("overall"), 0, ""),
            ("writes/s, median of 1-s counts", lambda r: (tp[r.env["impl"]] or {}).get("writes_median"), 0, ""),
            ("whole backlog: first to last commit (s)", lambda r: r.drain_seconds(), 1, ""),
            ("whole backlog: events/s", lambda r: r.sent / r.drain_seconds() if r.drain_seconds() else None, 0, ""),
        ] + cpu_rows() + process_rows())
        if any(t and t["drained_early"] for t in tp.values()):
            md += ["", "_The backlog drained before the window ended for at least one run: the window is shorter._"]
        md.append("")
        s, b = (tp.get("sluice") or {}).get("median"), (tp.get("baseline") or {}).get("median")
        if not quick:
            targets.append(target("throughput ≥ 1.0 × baseline (never below 0.7 ×)",
                                  None if not (s and b) else s >= b, ratio(s, b)))
            targets.append(target("throughput ≥ 10,000 events/s (stretch 25,000)",
                                  None if s is None else s >= 10_000, fmt(s, 0, " events/s")))

    if "latency" in scenarios:
        runs_ = scenarios["latency"]
        rates = sorted({rate for run in runs_.values() for rate in run.latency} |
                       {p[0] for run in runs_.values() for p in run.phases})
        md += ["## 2. End-to-end latency at fixed rates", "",
               "One consumer, one phase per rate (a fresh load generator each), the backlog drained between phases. "
               "Latency of a row = commit time of its transaction (`pg_xact_commit_timestamp(xmin)`, "
               "`track_commit_timestamp=on`) − the event's `ts` (set when the load generator built it, i.e. produce "
               "time). The warm-up at the start of each phase is left out.", ""]
        metrics = []
        for rate in rates:
            for i, name in ((1, "p50"), (2, "p95"), (3, "p99")):
                metrics.append((f"{rate:,}/s: {name} (ms)",
                                lambda r, rate=rate, i=i: r.latency.get(rate, (None,) * 5)[i], 1, ""))
            metrics.append((f"{rate:,}/s: events measured", lambda r, rate=rate: r.latency.get(rate, (None,))[0], 0, ""))
        md += scenario_table(runs_, metrics + cpu_rows())
        md.append("")
        if not quick and 2000 in rates:
            p99 = runs_.get("sluice").latency.get(2000, (None,) * 5)[3] if "sluice" in runs_ else None
            targets.append(target("p99 < 50 ms at 2,000 events/s", None if p99 is None else p99 < 50, fmt(p99, 1, " ms")))

    if "spike" in scenarios:
        runs_ = scenarios["spike"]
        md += ["## 3. Spike", "",
               "A base rate, then a spike on top of it for a few seconds (both load generators stop together). "
               "Peak lag from the once-a-second lag timeline; drain time = last commit − the spike's end "
               "(the spike's load generator returned: everything sent and acknowledged).", ""]
        md += scenario_table(runs_, [
            ("spike rate reached by the load generator (events/s)", lambda r: spike_rate(r), 0, ""),
            ("peak lag (events)", lambda r: max((l for _, l, _ in r.lag), default=None), 0, ""),
            ("drained after the spike's end (s)", spike_drain, 1, ""),
        ] + cpu_rows())
        md.append("")
        if not quick:
            drain = spike_drain(runs_["sluice"]) if "sluice" in runs_ else None
            targets.append(target("spike drained within 30 s after it ends", None if drain is None else drain <= 30,
                                  fmt(drain, 1, " s")))

    if "backlog" in scenarios:
        runs_ = scenarios["backlog"]
        heap = next(iter(runs_.values())).env.get("heap", "?")
        md += ["## 4. Backlog drain at -Xmx" + heap, "",
               f"{fmt(next(iter(runs_.values())).sent)} events produced first, then the consumer JVM is launched "
               f"with -Xmx{heap}. Heap = used young + old generation (jstat, once a second); RSS from /proc once a "
               "second; GC = jstat's totals at the end (a GC log is in the run's directory).", ""]
        md += scenario_table(runs_, [
            ("drain: first to last commit (s)", lambda r: r.drain_seconds(), 1, ""),
            ("drain: JVM launch to last commit (s)", launch_to_last, 1, ""),
            ("JVM launch to first commit (s)", launch_to_first, 1, ""),
            ("events/s (first to last commit)", lambda r: r.sent / r.drain_seconds() if r.drain_seconds() else None, 0, ""),
            ("peak heap used (MB)", lambda r: r.peak_heap_mb(), 0, ""),
            ("peak RSS (MB)", lambda r: r.peak_rss_mb(), 0, ""),
            ("GC time (s)", lambda r: (r.gc() or (None,))[0], 2, ""),
            ("GC count (young + full)", lambda r: sum(r.gc()[1:]) if r.gc() else None, 0, ""),
            ("full GCs", lambda r: r.gc()[2] if r.gc() else None, 0, ""),
            ("rows updated again (re-sent events written twice)", lambda r: r.get("row_updates"), 0, ""),
        ] + cpu_rows())
        md.append("")
        if not quick:
            run = runs_.get("sluice")
            drain = run.drain_seconds() if run else None
            targets.append(target(f"{fmt(run.sent if run else None)} backlog in < 60 s at -Xmx256m, no OOM",
                                  None if drain is None else (drain < 60 and run.ok), fmt(drain, 1, " s")))

    if "upserts" in scenarios:
        runs_ = scenarios["upserts"]
        window = next(iter(runs_.values())).get("window_s", 60)
        tp = {impl: run.throughput(window) for impl, run in runs_.items()}
        insert_only = scenarios.get("throughput", {}).get("sluice")
        whole = lambda r: r.sent / r.drain_seconds() if r.drain_seconds() else None
        md += ["## 5. Upsert-heavy backlog", "",
               f"A backlog of {fmt(next(iter(runs_.values())).sent)} events ({environment_percentages(environment)}): "
               "half the valid events are `review_updated` of recent reviews, a tenth of those stamped older than "
               "their review's last change (each recorded as stale), a tenth for the review updated just before. "
               "Sluice only. Reconciled as the others, plus the superseded events the load generator says.", ""]
        md += scenario_table(runs_, [
            ("events/s, median of 1-s rates", lambda r: (tp[r.env["impl"]] or {}).get("median"), 0, ""),
            ("whole backlog: first to last commit (s)", lambda r: r.drain_seconds(), 1, ""),
            ("whole backlog: events/s", whole, 0, ""),
            ("whole backlog: × the insert-only backlog's events/s (section 1)",
             lambda r: whole(r) / whole(insert_only) if insert_only and whole(insert_only) and whole(r) else None, 2,
             ""),
        ] + cpu_rows())
        md.append("")

    if any(run.env.get("impl") in CONNECT for run in runs):
        md += connect_section(runs)
    if len(targets) > 2:
        md += ["## Targets", ""] + targets + [""]
    md += ["## Runs", "", "Each run: a fresh database (Flyway applies the schema; for Kafka Connect, Sluice's migrations "
           "applied with psql), its own topic (or the scenario's backlog topic) and its own consumer group. The "
           "reconciliation is `DrillMonitor reconcile`, as in the drills; for Kafka Connect with "
           "`--dead-letter-topic` (see above).", ""]
    for run in runs:
        name = f"{run.env.get('scenario')}-{run.env.get('impl')}"
        md.append(f"- `{name}` ({'RECONCILED' if run.ok else 'FAILED'}): `{' '.join(run.reconcile) or 'no reconciliation'}`")
    md += ["", "Evidence per run (logs, timelines, GC log): `target/bench/runs/<scenario>-<impl>/`.", ""]
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(md))


def connect_section(runs):
    """What the Kafka Connect series is, what its reconciliation checks, and what it does not do that Sluice does."""
    return ["## Kafka Connect: what it is and what it does not do", "",
            "**Kafka Connect** is Apache Kafka's own Connect worker (standalone mode) running the Debezium JDBC sink, "
            "both from Maven Central (`bench/connect/`): `insert.mode=upsert` on `review_id`, the tables and the "
            "per-minute statistics triggers of Sluice's migrations, `errors.tolerance=all` with a dead-letter topic, "
            "and one transform (`ReviewRow`) that applies Sluice's validation rules and shapes the row. It reads the "
            "same backlog re-encoded as JsonConverter envelopes (schema + payload) on a topic of its own, written "
            "before it starts; only its drain is measured. **Kafka Connect (UNNEST)** is the same with "
            "`dialect.postgres.unnest.insert.enabled=true` and `use.reduction.buffer=true` (one `UNNEST` statement "
            "per batch cannot upsert a review twice, so each batch keeps the last record per `review_id`).", "",
            "**Its reconciliation** checks what it does, as exactly as Sluice's: rows = unique valid events, the "
            "records of its dead-letter topic = invalid events, none of them an event Sluice's `EventValidator` "
            "accepts, no source record dead-lettered twice (Connect's context headers), no duplicate `event_id`, the "
            "per-minute statistics equal to a recount, and lag 0 on its topic.", "",
            "**What it does not do that Sluice does**, so the figures compare unequal work:",
            "- no event-id dedupe: a re-sent event is written again, an UPDATE of its row and a statistics increment "
            "(\"rows updated again\" above, from PostgreSQL's own counters; Sluice's idempotency claim skips it);",
            "- no dead-letter table: a refused event is a record on a topic, with the reason in its headers, not a row "
            "to query and replay next to the data;",
            "- no isolation of a row the database refuses: such a row fails the batch and stops its task for good "
            "(Sluice dead-letters that one row and goes on), which is why `ReviewRow` must refuse every invalid event "
            "before the sink sees it;",
            "- no ordering guard: an upsert is applied in arrival order, so an older event read later overwrites a "
            "newer row (Sluice compares the event's position, and records what it superseded);",
            "- no record of superseded events (`superseded_events`).", ""]


def environment_percentages(environment):
    knobs = dict(k.split("=", 1) for k in environment.get("knobs", "").split() if "=" in k)
    return f"{knobs.get('DUPLICATE_PERCENT', '?')} % duplicates, {knobs.get('INVALID_PERCENT', '?')} % invalid"


def spike_rate(run):
    parts = dict(p.split("=", 1) for p in run.env.get("spike_load", "").split() if "=" in p)
    return number(parts.get("rate", "").rstrip("/s"))


def spike_drain(run):
    end, last = run.get("spike_ended_ms"), run.get("last_commit_ms")
    return None if end is None or last is None else max(0, last - end) / 1000


def launch_to_first(run):
    launched, first = run.get("launched_ms"), run.get("first_commit_ms")
    return None if launched is None or first is None else (first - launched) / 1000


def launch_to_last(run):
    launched, last = run.get("launched_ms"), run.get("last_commit_ms")
    return None if launched is None or last is None else (last - launched) / 1000


def plot(out, scenarios):
    fig, axes = plt.subplots(3, 2, figsize=(14, 13))
    fig.suptitle("Sluice and its peers: throughput and latency over time")

    def lines(ax, scenario, series, title, xlabel, ylabel, log=False):
        runs = scenarios.get(scenario, {})
        for impl in IMPLS:
            if impl in runs:
                for label, (xs, ys), style in series(runs[impl]):
                    if xs:
                        ax.plot(xs, ys, style, color=COLORS[impl], label=f"{LABELS[impl]} {label}".strip(), linewidth=1.2,
                                marker=".", markersize=4)
        ax.set_title(title if runs else title + " (not run)")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if log:
            ax.set_yscale("log")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
        ax.grid(alpha=0.3)

    def writes_since(run, origin_ms):
        points = run.writes_per_second()
        return [s + 0.5 - origin_ms / 1000 for s, _ in points], [n for _, n in points]

    lines(axes[0][0], "throughput", lambda r: [("", writes_since(r, r.get("first_commit_ms", 0)), "-")],
          "1. Throughput: backlog drain", "s since first commit", "writes/s (rows + DLQ)")
    lines(axes[0][1], "backlog", lambda r: [("", writes_since(r, r.get("launched_ms", 0)), "-")],
          "4. Backlog drain at -Xmx" + next(iter(scenarios.get("backlog", {"": None}).values()), None).env.get("heap", "")
          if scenarios.get("backlog") else "4. Backlog drain", "s since JVM launch", "writes/s (rows + DLQ)")

    def latency_series(run):
        origin = run.commits[0][0] if run.commits else 0
        p50 = [(c[0] - origin, c[3]) for c in run.commits if c[3] is not None]
        p99 = [(c[0] - origin, c[4]) for c in run.commits if c[4] is not None]
        return [("p50", tuple(map(list, zip(*p50))) or ([], []), ":"),
                ("p99", tuple(map(list, zip(*p99))) or ([], []), "-")]

    lines(axes[1][0], "latency", latency_series, "2. Latency per second of commit (phases: "
          + ", ".join(f"{p[0]:,}/s" for p in next(iter(scenarios.get("latency", {"": None}).values())).phases)
          + ")" if scenarios.get("latency") else "2. Latency", "s since first commit", "ms (log)", log=True)

    def spike_lag(run):
        end = run.get("spike_ended_ms", 0)
        return [("lag", ([(ms - end) / 1000 for ms, _, _ in run.lag], [l for _, l, _ in run.lag]), "-")]

    lines(axes[1][1], "spike", spike_lag, "3. Spike: consumer lag", "s since the spike's end", "events behind")
    lines(axes[2][1], "spike", lambda r: [("", writes_since(r, r.get("spike_ended_ms", 0)), "-")],
          "3. Spike: writes per second", "s since the spike's end", "writes/s (rows + DLQ)")

    def memory(run):
        launched = run.get("launched_ms", 0)
        rss = ([(ms - launched) / 1000 for ms, _ in run.rss], [kb / 1024 for _, kb in run.rss])
        heap = ([row.get("Timestamp", 0) for row in run.jstat],
                [sum(row.get(c, 0) for c in ("S0U", "S1U", "EU", "OU")) / 1024 for row in run.jstat])
        return [("RSS", rss, "-"), ("heap used", heap, ":")]

    lines(axes[2][0], "backlog", memory, "4. Backlog: memory", "s since JVM launch", "MB")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "report.png"), dpi=90)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/bench"
    runs_dir = os.path.join(out, "runs")
    environment = dict(line.split("=", 1) for line in read_lines(os.path.join(runs_dir, "environment.env")))
    runs = [Run(os.path.join(runs_dir, d)) for d in sorted(os.listdir(runs_dir))
            if os.path.isdir(os.path.join(runs_dir, d))]
    scenarios = by_scenario(runs)
    write_report(out, environment, scenarios, runs)
    plot(out, scenarios)
    print(f"wrote {os.path.join(out, 'report.md')} and report.png")


if __name__ == "__main__":
    main()
