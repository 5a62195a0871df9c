"""mrsim export --perfetto: the Chrome trace-event JSON has the fields the format requires, slices nest on every
track, every role change and verdict of the trace is a slice, and bad traces are refused with exit code 2.
usage: perfetto.py MRSIM SOURCE_DIR WORK_DIR"""
import json
import os
import subprocess
import sys

mrsim, source, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
failures = []


def check(what, ok):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


trace_path, out_path = os.path.join(work, "trace.json"), os.path.join(work, "perfetto.json")
for name, duration in (("partition-split-brain", "40m"), ("active-active-lww-skew", "40m"),
                       ("alerts-replication-stall", "1h")):
    subprocess.run([mrsim, "run", os.path.join(source, "scenarios", name + ".json"), "--set", "duration=" + duration,
                    "--trace", trace_path], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([mrsim, "export", "--perfetto", trace_path, "-o", out_path], check=True)
    trace, out = json.load(open(trace_path)), json.load(open(out_path))
    events = out["traceEvents"]
    required = {"X": ("name", "pid", "tid", "ts", "dur"), "i": ("name", "pid", "tid", "ts", "s"),
                "C": ("name", "pid", "tid", "ts", "args"), "M": ("name", "pid", "tid", "args")}
    check(name + ": every event has the fields its phase requires",
          all(e.get("ph") in required and all(k in e for k in required[e["ph"]]) for e in events))
    check(name + ": times are non-negative integers of microseconds, durations too",
          all(float(e.get("ts", 0)).is_integer() and e.get("ts", 0) >= 0 and e.get("dur", 0) >= 0 for e in events))
    check(name + ": counters carry a number",
          all(isinstance(e["args"].get("value"), (int, float)) for e in events if e["ph"] == "C"))
    tracks = {}
    for e in events:
        if e["ph"] == "X":
            tracks.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    nested = True
    for slices in tracks.values():
        stack = []
        for begin, end in sorted(slices, key=lambda s: (s[0], -s[1])):
            while stack and stack[-1] <= begin:
                stack.pop()
            if stack and end > stack[-1]:
                nested = False
            stack.append(end)
    check(name + ": slices on every track are disjoint or nested", nested)
    roles = sum(1 for e in trace["events"] if e["type"] == "role_change")
    verdicts = sum(1 for e in trace["events"] if e["type"] == "health")
    faults = sum(1 for e in trace["events"] if e["type"] == "fault_start")
    alerts = len(trace.get("alerts", []))
    slices = sum(1 for e in events if e["ph"] == "X")
    check(name + ": every role, verdict, fault and alert firing is a slice (%d + %d + %d + %d)"
          % (roles, verdicts, faults, alerts), slices == roles + verdicts + faults + alerts)
    alert_slices = [e for e in events if e["ph"] == "X" and e["pid"] == 7]
    check(name + ": each alert firing is a slice on the alerts process, from its start to its end",
          sorted((e["ts"], e["ts"] + e["dur"]) for e in alert_slices)
          == sorted((round(a["start_s"] * 1e6), round((a["end_s"] if a["end_s"] is not None else trace["duration_s"]) * 1e6))
                    for a in trace.get("alerts", [])))
    if name == "alerts-replication-stall":
        check(name + ": its one alert is exported", len(alert_slices) == 1)
    stale = [e for e in events if e["ph"] == "C" and e["name"] == "stale reads"]
    check(name + ": the stale-read counter sums to the trace's stale reads",
          sum(e["args"]["value"] for e in stale) == sum(trace["samples"]["stale_reads"]))
    if "clock_offset_s" in trace["samples"]:
        check(name + ": clock offsets are counters", any(e["ph"] == "C" and "offset" in e["name"] for e in events))


def refused(what, path, needle):
    r = subprocess.run([mrsim, "export", "--perfetto", path, "-o", os.path.join(work, "bad.json")],
                       capture_output=True, text=True)
    check(what + " is refused with exit 2 and one message",
          r.returncode == 2 and needle in r.stderr and r.stderr.count("\n") == 1
          and not os.path.exists(os.path.join(work, "bad.json")))


refused("a missing trace", os.path.join(work, "nope.json"), "cannot read the trace")
text = open(trace_path).read()
open(os.path.join(work, "truncated.json"), "w").write(text[: len(text) // 2])
refused("a truncated trace", os.path.join(work, "truncated.json"), "does not parse")
other = json.loads(text)
other["format_version"] = 99
json.dump(other, open(os.path.join(work, "v99.json"), "w"))
refused("a trace of another format version", os.path.join(work, "v99.json"), "found version 99")
sys.exit(1 if failures else 0)
