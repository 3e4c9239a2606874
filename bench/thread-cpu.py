#!/usr/bin/env python3
"""Where a consumer's CPU went while it drained, by thread group: bench/thread-cpu.py target/bench/runs/<run>.

Reads threads-ready.txt and threads-drained.txt (run.sh's per-thread CPU ticks when the consumer was ready and when
it had drained), groups threads by name with the digits taken out, and prints CPU seconds per group."""
import collections
import re
import sys


def ticks(path):
    per_thread = collections.Counter()
    with open(path) as lines:
        for index, line in enumerate(lines):
            value, _, name = line.rstrip("\n").partition(" ")
            per_thread[(name, index)] = int(value)
    return per_thread


def group(name):
    return re.sub(r"\d+", "N", name)


run = sys.argv[1]
ready, drained = ticks(f"{run}/threads-ready.txt"), ticks(f"{run}/threads-drained.txt")
# Threads are matched by name; a thread that started after ready counts from 0.
ready_by_name = collections.Counter()
for (name, _), value in ready.items():
    ready_by_name[name] += value
drained_by_name = collections.Counter()
for (name, _), value in drained.items():
    drained_by_name[name] += value
groups = collections.Counter()
for name, value in drained_by_name.items():
    groups[group(name)] += max(0, value - ready_by_name.get(name, 0))
total = sum(groups.values())
print(f"{run}: {total / 100:.1f} CPU s between ready and drained")
for name, value in groups.most_common(12):
    print(f"  {value / 100:7.2f} s  {100 * value / total:5.1f} %  {name}")
