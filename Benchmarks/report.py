#!/usr/bin/env python3
"""Collects the results of Benchmarks/run.sh and prints them as one markdown table.

  report.py record --state FILE --id ID --title TITLE [options]
      Appends one case (a JSON line) to FILE.  run.sh calls it once per case.
  report.py table --state FILE [--out FILE.md] [--header TEXT]
      Reads FILE, the hyperfine JSON of every case and the `/usr/bin/time -v`
      output of sweep's run, prints the markdown table (and writes it to --out).
      Exits 0 whether or not targets are met; exits 1 only if a case errored.

Columns: case, sweep median, peer, peer median, throughput (MB/s = 10^6 bytes/s
of input, for sweep), ratio = peer median / sweep median, target, met,
sweep peak RSS MiB.  Python 3 standard library only.
"""

import argparse
import json
import os
import re
import statistics
import sys

RSS_RE = re.compile(r"Maximum resident set size \(kbytes\):\s*(\d+)")
WALL_RE = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\):\s*(?:(\d+):)?(\d+):([\d.]+)")


def record(argv):
    ap = argparse.ArgumentParser(prog="report.py record")
    ap.add_argument("--state", required=True)
    ap.add_argument("--id", required=True)
    ap.add_argument("--title", required=True)
    ap.add_argument("--kind", choices=("bench", "rss"), default="bench")
    ap.add_argument("--status", choices=("ok", "skipped", "error"), default="ok")
    ap.add_argument("--note", default="")
    ap.add_argument("--json", default="", help="hyperfine --export-json file")
    ap.add_argument("--peer", default="", help="peer's display name")
    ap.add_argument("--peer-missing", action="store_true", help="peer tool not installed")
    ap.add_argument("--target-op", choices=(">=", "<="), default=">=")
    ap.add_argument("--target", type=float, help="ratio target (bench) or MiB limit (rss)")
    ap.add_argument("--target-text", default="")
    ap.add_argument("--input-bytes", type=int, default=0)
    ap.add_argument("--input-files", type=int, default=0)
    ap.add_argument("--per-file", action="store_true", help="report files/s, not MB/s")
    ap.add_argument("--rss-file", default="", help="/usr/bin/time -v output of sweep's run")
    ap.add_argument("--gz-size", type=int, help="bytes of .gz written by sweep")
    ap.add_argument("--gz-ref-size", type=int, help="bytes of .gz written by gzip -6")
    ap.add_argument("--gz-limit-pct", type=float, default=1.0)
    a = ap.parse_args(argv)
    rec = {k: v for k, v in vars(a).items() if k != "state"}
    with open(a.state, "a") as f:
        f.write(json.dumps(rec, sort_keys=True) + "\n")
    return 0


# ---------------------------------------------------------------------------

def fmt_time(s):
    if s is None:
        return "—"
    if s >= 100:
        return "%.0f s" % s
    if s >= 10:
        return "%.1f s" % s
    if s >= 1:
        return "%.2f s" % s
    if s >= 0.01:
        return "%.0f ms" % (s * 1000)
    if s >= 0.001:
        return "%.1f ms" % (s * 1000)
    return "%.2f ms" % (s * 1000)


def fmt_rate(x, unit):
    if x >= 100:
        return "%.0f %s" % (x, unit)
    if x >= 10:
        return "%.1f %s" % (x, unit)
    return "%.2f %s" % (x, unit)


def fmt_mib(b):
    return "%.1f MiB" % (b / 1048576.0)


def median_of(result):
    if result.get("median") is not None:
        return float(result["median"])
    times = result.get("times") or []
    return statistics.median(times) if times else None


def load_medians(path):
    with open(path) as f:
        data = json.load(f)
    return [median_of(r) for r in data.get("results", [])]


def parse_time_v(path):
    """(peak RSS KiB, wall seconds) from `/usr/bin/time -v` output, or (None, None)."""
    if not path or not os.path.exists(path):
        return None, None
    with open(path, errors="replace") as f:
        text = f.read()
    m = RSS_RE.search(text)
    rss = int(m.group(1)) if m else None
    w = WALL_RE.search(text)
    wall = None
    if w:
        wall = int(w.group(1) or 0) * 3600 + int(w.group(2)) * 60 + float(w.group(3))
    return rss, wall


def met_text(ok):
    return "yes" if ok else "no"


def cmp(op, value, target):
    return value >= target if op == ">=" else value <= target


def rows_for(rec):
    """Returns (rows, errored) for one recorded case."""
    title = rec["title"]
    target_text = rec.get("target_text") or (
        "%s %g" % (rec["target_op"], rec["target"]) if rec.get("target") is not None else "")
    rss_kib, wall = parse_time_v(rec.get("rss_file"))
    rss_cell = "%.1f" % (rss_kib / 1024.0) if rss_kib is not None else "—"

    if rec["status"] == "skipped":
        return [[title, rec["note"] or "skipped", rec.get("peer") or "—", "—", "—", "—",
                 target_text, "skipped", "—"]], False
    if rec["status"] == "error":
        return [[title, "ERROR: " + (rec["note"] or "failed"), rec.get("peer") or "—", "—", "—",
                 "—", target_text, "error", rss_cell]], True

    if rec["kind"] == "rss":
        if rss_kib is None:
            return [[title, "ERROR: no RSS measured", "—", "—", "—", "—", target_text, "error",
                     "—"]], True
        met = cmp(rec["target_op"], rss_kib / 1024.0, rec["target"])
        if wall is None:
            sweep_cell = "—"
        else:  # GNU time has 10 ms resolution
            sweep_cell = (fmt_time(wall) if wall >= 0.01 else "< 10 ms") + " (1 run)"
        return [[title, sweep_cell, "—", "—", "—", "—", target_text, met_text(met), rss_cell]], False

    medians = load_medians(rec["json"]) if rec.get("json") else []
    sweep_med = medians[0] if medians else None
    peer_med = medians[1] if len(medians) > 1 else None
    if sweep_med is None:
        return [[title, "ERROR: no timing", rec.get("peer") or "—", "—", "—", "—", target_text,
                 "error", rss_cell]], True

    if rec.get("per_file"):
        thr = fmt_rate(rec["input_files"] / sweep_med, "files/s") if sweep_med > 0 else "—"
    elif rec.get("input_bytes"):
        thr = fmt_rate(rec["input_bytes"] / sweep_med / 1e6, "MB/s") if sweep_med > 0 else "—"
    else:
        thr = "—"

    peer = rec.get("peer") or "—"
    if rec.get("peer_missing"):
        peer_cell, ratio_cell, met = "%s (not installed)" % peer, "—", "n/a"
        peer_med_cell = "—"
    else:
        peer_cell = peer
        peer_med_cell = fmt_time(peer_med)
        if peer_med is not None and sweep_med > 0:
            ratio = peer_med / sweep_med
            ratio_cell = "%.2f" % ratio
            met = met_text(cmp(rec["target_op"], ratio, rec["target"])) \
                if rec.get("target") is not None else "—"
        else:
            ratio_cell, met = "—", "n/a"
    rows = [[title, fmt_time(sweep_med), peer_cell, peer_med_cell, thr, ratio_cell, target_text,
             met, rss_cell]]

    if rec.get("gz_size") is not None and rec.get("gz_ref_size"):
        gz, ref = rec["gz_size"], rec["gz_ref_size"]
        pct = (gz - ref) * 100.0 / ref
        lim = rec.get("gz_limit_pct", 1.0)
        rows.append([title + ": total .gz size", fmt_mib(gz), "gzip -6", fmt_mib(ref), "—",
                     "%+.2f%%" % pct, "<= +%g%%" % lim, met_text(pct <= lim), "—"])
    return rows, False


def table(argv):
    ap = argparse.ArgumentParser(prog="report.py table")
    ap.add_argument("--state", required=True)
    ap.add_argument("--out", help="also write the table here")
    ap.add_argument("--header", default="", help="a line printed above the table")
    a = ap.parse_args(argv)

    recs = []
    if os.path.exists(a.state):
        with open(a.state) as f:
            recs = [json.loads(line) for line in f if line.strip()]
    head = ["case", "sweep median", "peer", "peer median", "throughput", "ratio", "target",
            "met", "sweep peak RSS MiB"]
    rows, errors = [], 0
    for rec in recs:
        try:
            r, err = rows_for(rec)
        except (OSError, ValueError, KeyError, IndexError) as e:
            r, err = [[rec.get("title", rec.get("id", "?")), "ERROR: unreadable result (%s)" % e,
                       "—", "—", "—", "—", "", "error", "—"]], True
        rows.extend(r)
        errors += int(err)

    lines = []
    if a.header:
        lines += [a.header, ""]
    lines.append("| " + " | ".join(head) + " |")
    align = ["---", "---:", "---", "---:", "---:", "---:", "---", "---", "---:"]
    lines.append("|" + "|".join(align) + "|")
    for r in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 1 if errors else 0


def main(argv):
    if not argv or argv[0] not in ("record", "table"):
        print(__doc__, file=sys.stderr)
        return 2
    return record(argv[1:]) if argv[0] == "record" else table(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
