#!/usr/bin/env python3
"""Benchmark defacto on the public instances and time PySAL spopt on the same problems.

    python3 scripts/bench.py [--time-limit 60] [--only REGEX] [--no-peer] [--out docs/benchmarks.md]

Runs ../shared/bench/run.py with the release binary, then ../shared/bench/peer_spopt.py on every
p_median and max_coverage instance of the pmed and mclp families (spopt has no model for the
others), and writes a Markdown page with one row per family. Raw results go next to the page
as JSON so every figure on it can be traced to an instance.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BENCH = os.path.normpath(os.path.join(REPO, "..", "shared", "bench"))
PEER_FAMILIES = ("pmed", "mclp")
SPOPT_VENV = os.environ.get("SPOPT_VENV", "/tmp/spopt")


def binary():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/defacto/target"))
    return os.environ.get("DEFACTO_BIN", os.path.join(target, "release", "defacto"))


def run_defacto(args, raw):
    command = [sys.executable, os.path.join(BENCH, "run.py"), "--time-limit", str(args.time_limit),
               "--bin", binary(), "--json", raw]
    if args.only:
        command += ["--only", args.only]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    sys.stdout.write(finished.stdout)
    return json.load(open(raw)), finished.stdout.strip().splitlines()[-1]


def ensure_spopt():
    python = os.path.join(SPOPT_VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", SPOPT_VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "spopt==0.7.0", "numpy"], check=True)
    return python


def run_peer(python, results, time_limit):
    cache = os.path.join(os.environ.get("TMPDIR", "/tmp"), "defacto-bench-cache")
    timings = {}
    for r in results:
        if r["family"] not in PEER_FAMILIES:
            continue
        folder = os.path.join(cache, f'{r["family"]}-{r["instance"]}')
        started = time.time()
        finished = subprocess.run([python, os.path.join(BENCH, "peer_spopt.py"), folder,
                                   "--time-limit", str(time_limit)], capture_output=True, text=True)
        wall = time.time() - started
        try:
            answer = json.loads(finished.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            answer = {"status": f"rc={finished.returncode}", "objective": None}
        answer["wall"] = round(wall, 3)
        timings[r["instance"]] = answer
        print(f'spopt {r["instance"]:<22}{wall:>9.2f} s  {answer.get("status")}', flush=True)
    return timings


def family_rows(results, peer):
    families = []
    for r in results:
        if r["family"] not in families:
            families.append(r["family"])
    for family in families:
        rows = [r for r in results if r["family"] == family]
        proven = [r for r in rows if r["verdict"] == "opt" and r["status"] == "optimal"]
        seconds = [r["seconds"] for r in rows]
        ratio = "–"
        paired = [(peer[r["instance"]]["wall"], r["seconds"]) for r in rows if r["instance"] in peer]
        if paired:
            ratios = [p / max(d, 1e-3) for p, d in paired]
            spopt_optimal = sum(peer[r["instance"]].get("status") == "Optimal"
                                for r in rows if r["instance"] in peer)
            ratio = (f"{statistics.median(ratios):.1f}× (median), {min(ratios):.1f}–{max(ratios):.1f}×; "
                     f"spopt optimal on {spopt_optimal}/{len(paired)}, median {statistics.median(p for p, _ in paired):.2f} s")
        yield (f"| {family} | {len(proven)}/{len(rows)} | {statistics.median(seconds):.2f} | "
               f"{max(seconds):.2f} | {ratio} |")


def write_page(path, args, results, peer, verdict_line):
    slowest = sorted(results, key=lambda r: -r["seconds"])[:5]
    lines = [
        "# Benchmarks",
        "",
        f"Made by `python3 scripts/bench.py --time-limit {args.time_limit:g}` on "
        f"{os.cpu_count()} cores; raw results in `{os.path.basename(path)[:-3]}.json`.",
        "Each instance is solved by `defacto solve PROBLEM.toml --out DIR --time-limit "
        f"{args.time_limit:g}` (wall time, including reading the tables and writing the plan).",
        "*Proven* counts instances whose `summary.json` says `optimal` with the published optimum.",
        "The spopt column times `../shared/bench/peer_spopt.py` (PySAL spopt 0.7.0 with its default",
        "CBC solver, same time limit) on the same problem folders in the same run, as spopt seconds",
        "divided by defacto seconds.",
        "",
        f"run.py: **{verdict_line}**",
        "",
        "| family | proven optimal | median s | max s | spopt time ÷ defacto time |",
        "|---|---|---|---|---|",
        *family_rows(results, peer),
        "",
        "Slowest instances: " + ", ".join(f'{r["instance"]} {r["seconds"]:.1f} s' for r in slowest) + ".",
        "",
    ]
    with open(path, "w") as page:
        page.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--no-peer", action="store_true", help="skip the spopt timings")
    parser.add_argument("--out", default=os.path.join(REPO, "docs", "benchmarks.md"))
    args = parser.parse_args()
    raw = re.sub(r"\.md$", ".json", args.out)
    subprocess.run(["bash", os.path.join(HERE, "setup.sh")], check=True)
    results, verdict_line = run_defacto(args, raw)
    peer = {} if args.no_peer else run_peer(ensure_spopt(), results, args.time_limit)
    json.dump({"defacto": results, "spopt": peer}, open(raw, "w"), indent=1)
    write_page(args.out, args, results, peer, verdict_line)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
