#!/usr/bin/env python3
"""tests/linux/check-trace-event.py FILE — validate a Chrome/Perfetto trace-event JSON file
(the format ui.perfetto.dev and chrome://tracing open; "Trace Event Format", Google doc
1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU) without external packages. Checks:
  - JSON; either an array of events or an object whose "traceEvents" is an array;
  - every event is an object with "ph" (a known phase), "name" (string), "pid" (int);
  - "tid" (int) on every thread-scoped event (B, E, X, i/I with scope t, M thread_name);
  - "ts" (number >= 0) on every event except metadata (M); X has "dur" >= 0;
  - instant scope "s" in g/p/t; counter (C) "args" values are numbers;
  - B/E properly nested per (pid, tid) and E never before B; ts non-decreasing per track.
Prints "ok: N events (phase counts)" and exits 0, or the first problems and exits 1."""
import json, sys

PHASES = set("BEXiIbneCMsftPNODRr(),=") | {"R", "c"}

def main(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL: {path}: not valid JSON: {e}")
        return 1
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        print(f"FAIL: {path}: no traceEvents array")
        return 1
    errs, counts, stacks, last_ts = [], {}, {}, {}
    def err(i, msg):
        if len(errs) < 10:
            errs.append(f"event {i}: {msg}: {json.dumps(events[i])[:200]}")
    for i, e in enumerate(events):
        if not isinstance(e, dict):
            err(i, "not an object"); continue
        ph = e.get("ph")
        if not isinstance(ph, str) or ph not in PHASES:
            err(i, f"bad ph {ph!r}"); continue
        counts[ph] = counts.get(ph, 0) + 1
        if not isinstance(e.get("name"), str):
            err(i, "name missing")
        if not isinstance(e.get("pid"), int):
            err(i, "pid missing or not an integer")
        thread = ph in "BEX" or (ph in "iI" and e.get("s", "t") == "t") or (ph == "M" and e.get("name") == "thread_name")
        if thread and not isinstance(e.get("tid"), int):
            err(i, "tid missing or not an integer")
        if ph != "M":
            ts = e.get("ts")
            if not isinstance(ts, (int, float)) or isinstance(ts, bool) or ts < 0:
                err(i, "ts missing or negative"); continue
            track = (e.get("pid"), e.get("tid"))
            if ph in "BEXiI" and ts < last_ts.get(track, 0):
                err(i, "ts goes backwards on its track")
            if ph in "BEXiI":
                last_ts[track] = ts
        if ph == "X" and not (isinstance(e.get("dur"), (int, float)) and e["dur"] >= 0):
            err(i, "X without dur")
        if ph in "iI" and e.get("s", "t") not in ("g", "p", "t"):
            err(i, "bad instant scope")
        if ph == "C":
            a = e.get("args")
            if not isinstance(a, dict) or not a or not all(isinstance(v, (int, float)) for v in a.values()):
                err(i, "counter args must be numbers")
        if ph == "B":
            stacks.setdefault((e.get("pid"), e.get("tid")), []).append(i)
        elif ph == "E":
            st = stacks.get((e.get("pid"), e.get("tid")))
            if not st:
                err(i, "E without a matching B")
            else:
                st.pop()
    if errs:
        print(f"FAIL: {path}: " + "; ".join(errs))
        return 1
    open_slices = sum(len(s) for s in stacks.values())
    print(f"ok: {len(events)} events {dict(sorted(counts.items()))}, {open_slices} slices left open")
    return 0

if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: check-trace-event.py FILE", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
