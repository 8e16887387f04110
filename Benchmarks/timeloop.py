#!/usr/bin/env python3
"""Stand-ins for hyperfine and GNU time, for machines that have neither.

  timeloop.py bench [hyperfine options] COMMAND...
      A plain timing loop that understands the subset of hyperfine's options
      that run.sh uses (--runs, --warmup, --prepare, -N/--shell=none,
      -n/--command-name, --export-json; --style and --output are accepted and
      ignored: output always goes to /dev/null).  It writes the same JSON shape
      as hyperfine (results[].command/median/mean/times/exit_codes...), so
      report.py reads either.  Exits 1 if a command or a prepare step fails.

  timeloop.py maxrss OUTFILE COMMAND [ARG...]
      Runs COMMAND (no shell), then writes its peak RSS to OUTFILE in the
      format of `/usr/bin/time -v` ("Maximum resident set size (kbytes): N")
      and exits with the command's status.  Caveat: Linux carries the forking
      parent's high-water RSS into the child's ru_maxrss, so this reading
      never drops below this Python process's own RSS (~10-15 MiB); GNU
      time's floor is ~2 MiB.  Prefer /usr/bin/time -v.

Python 3 standard library only.
"""

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time


def _argv(cmd, shell_none):
    return shlex.split(cmd) if shell_none else ["sh", "-c", cmd]


def _run(cmd, shell_none, quiet=True):
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(_argv(cmd, shell_none), stdin=subprocess.DEVNULL, stdout=out,
                          stderr=subprocess.DEVNULL if quiet else None).returncode


def bench(argv):
    ap = argparse.ArgumentParser(prog="timeloop.py bench")
    ap.add_argument("--runs", "-r", type=int, default=10)
    ap.add_argument("--warmup", "-w", type=int, default=0)
    ap.add_argument("--prepare", "-p", action="append", default=[])
    ap.add_argument("-N", dest="shell_none", action="store_true")
    ap.add_argument("--shell", "-S", default="sh")
    ap.add_argument("--command-name", "-n", action="append", default=[])
    ap.add_argument("--export-json")
    ap.add_argument("--style")
    ap.add_argument("--output")
    ap.add_argument("commands", nargs="+")
    a = ap.parse_intermixed_args(argv)  # hyperfine style: -n NAME CMD -n NAME CMD
    shell_none = a.shell_none or a.shell == "none"
    if a.command_name and len(a.command_name) != len(a.commands):
        ap.error("need one --command-name per command")
    if len(a.prepare) > 1 and len(a.prepare) != len(a.commands):
        ap.error("need one --prepare, or one per command")

    results = []
    for i, cmd in enumerate(a.commands):
        name = a.command_name[i] if a.command_name else cmd
        prep = a.prepare[i] if len(a.prepare) > 1 else (a.prepare[0] if a.prepare else None)
        print("Benchmark %d: %s" % (i + 1, name), flush=True)
        times, users, systems = [], [], []
        for n in range(a.warmup + a.runs):
            if prep is not None and _run(prep, shell_none) != 0:
                print("Error: the preparation command terminated with a non-zero exit code: %s"
                      % prep, file=sys.stderr)
                return 1
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            rc = _run(cmd, shell_none)
            dt = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            if rc != 0:
                print("Error: command terminated with non-zero exit code %d: %s" % (rc, cmd),
                      file=sys.stderr)
                return 1
            if n >= a.warmup:
                times.append(dt)
                users.append(r1.ru_utime - r0.ru_utime)
                systems.append(r1.ru_stime - r0.ru_stime)
        res = {
            "command": name,
            "mean": statistics.fmean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else None,
            "median": statistics.median(times),
            "user": statistics.fmean(users),
            "system": statistics.fmean(systems),
            "min": min(times),
            "max": max(times),
            "times": times,
            "exit_codes": [0] * len(times),
        }
        print("  Time (median): %.4f s  [%d runs]" % (res["median"], len(times)), flush=True)
        results.append(res)
    if a.export_json:
        with open(a.export_json, "w") as f:
            json.dump({"results": results, "tool": "timeloop.py"}, f, indent=2)
    return 0


def maxrss(argv):
    if len(argv) < 2:
        print("usage: timeloop.py maxrss OUTFILE COMMAND [ARG...]", file=sys.stderr)
        return 2
    out, cmd = argv[0], argv[1:]
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd)
    _, status, ru = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    with open(out, "w") as f:
        if rc != 0:
            f.write("Command exited with non-zero status %d\n" % rc)
        f.write("\tCommand being timed: \"%s\"\n" % " ".join(cmd))
        f.write("\tElapsed (wall clock) time (h:mm:ss or m:ss): %d:%06.3f\n"
                % (elapsed // 60, elapsed % 60))
        f.write("\tMaximum resident set size (kbytes): %d\n" % ru.ru_maxrss)
        f.write("\tExit status: %d\n" % rc)
    return rc if rc >= 0 else 128 - rc


def main(argv):
    if not argv or argv[0] not in ("bench", "maxrss"):
        print(__doc__, file=sys.stderr)
        return 2
    return bench(argv[1:]) if argv[0] == "bench" else maxrss(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
