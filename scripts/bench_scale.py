#!/usr/bin/env python3
"""Scale benchmarks: generated p-median graphs of OR-Library's largest size, clustered
capacitated cities of 10^4 to 10^6 demand points, and fixed-charge cities (opening costs,
capacities, everyone served; split or single-source), solved by the defacto binary, with
HiGHS on the exact model beside the 10^4 fixed-charge cities as the reference.

For each case it records wall time and peak memory (GNU time) and the objective, proven
bound and gap from summary.json, and writes docs/scale-benchmarks.md and .json.

    python3 scripts/bench_scale.py                 # every case
    python3 scripts/bench_scale.py --only city     # cases whose name contains "city"
    python3 scripts/bench_scale.py --peer          # also PySAL spopt on the same folders
    python3 scripts/bench_scale.py --table         # only rewrite the table from the results

Results of earlier runs of other cases are kept, so a partial run updates its rows only.

Instances come from `cargo run --release --example generate` with fixed seeds, so every
run solves the same problems.
"""
import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys

from bench import BENCH, ensure_spopt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BIN = os.environ.get("DEFACTO_BIN", os.path.join(TARGET, "release", "defacto"))
GENERATE = os.path.join(TARGET, "release", "examples", "generate")

# spopt builds a dense matrix and one PuLP variable per pair; past this much memory it is
# stopped (MemoryError) rather than left to take the machine down.
PEER_MEMORY_BYTES = 12 * 1024**3
# Building the model is not covered by spopt's own time limit.
PEER_BUILD_SECONDS = 300

GRAPH_P = [5, 10, 20, 50, 100, 200]
GRAPH_LIMIT = 120
CITIES = [(10_000, 1_000, 600), (100_000, 5_000, 57), (1_000_000, 10_000, 300)]
# points, sites, radius in metres, method, time limit, single source
FIXED = [
    (10_000, 1_000, 2_500, "auto", 60, False),
    (10_000, 1_000, 2_500, "exact", 60, False),
    (100_000, 5_000, 2_500, "auto", 55, False),
    (1_000_000, 10_000, 800, "auto", 275, False),
    (10_000, 1_000, 2_500, "auto", 60, True),
    (10_000, 1_000, 2_500, "exact", 60, True),
]


def cases():
    for p in GRAPH_P:
        yield (f"graph900_p{p}", ["graph", "--vertices", "900", "--p", str(p)], "auto", GRAPH_LIMIT)
    for points, sites, limit in CITIES:
        name = f"city_{points}x{sites}"
        args = ["city", "--points", str(points), "--sites", str(sites)]
        yield (name, args, "heuristic", limit)
    for points, sites, radius, method, limit, single in FIXED:
        kind = "fixed_ss" if single else "fixed"
        name = f"{kind}_{points}x{sites}" + ("_exact" if method == "exact" else "")
        args = ["fixed", "--points", str(points), "--sites", str(sites), "--radius-m", str(radius)]
        yield (name, args + (["--single-source"] if single else []), method, limit)


def generate(folder, args):
    if not os.path.exists(os.path.join(folder, "problem.toml")):
        subprocess.run([GENERATE, *args, "--out", folder], check=True)


def solve(folder, method, limit):
    out = folder + ".out"
    command = ["/usr/bin/time", "-f", "%e %M", BIN, "solve", os.path.join(folder, "problem.toml"),
               "--out", out, "--quiet", "--method", method, "--time-limit", str(limit)]
    run = subprocess.run(command, capture_output=True, text=True)
    seconds, kilobytes = run.stderr.strip().splitlines()[-1].split()
    if run.returncode != 0:
        return {"error": run.stderr.strip().splitlines()[0], "seconds": float(seconds),
                "peak_mb": int(kilobytes) / 1024}
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    objective, bound = summary["objective"], summary["bound"]
    return {
        "objective": objective,
        "bound": bound,
        "gap_percent": 100 * abs(objective - bound) / max(abs(objective), 1.0),
        "status": summary["status"],
        "seconds": float(seconds),
        "peak_mb": int(kilobytes) / 1024,
        "pairs": pair_count(folder),
    }


def peer(folder, limit):
    """PySAL spopt on the same folder, with the same solver time limit, under GNU time."""
    command = ["/usr/bin/time", "-f", "%e %M", ensure_spopt(),
               os.path.join(BENCH, "peer_spopt.py"), folder, "--time-limit", str(limit)]
    def cap():
        os.setsid()  # a group of its own, so a timeout stops spopt's solver too
        resource.setrlimit(resource.RLIMIT_AS, (PEER_MEMORY_BYTES, PEER_MEMORY_BYTES))

    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=cap)
    try:
        stdout, stderr = process.communicate(timeout=limit + PEER_BUILD_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"error": f"no answer in {limit + PEER_BUILD_SECONDS} s"}
    run = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    seconds, kilobytes = run.stderr.strip().splitlines()[-1].split()
    result = {"seconds": float(seconds), "peak_mb": int(kilobytes) / 1024}
    try:
        answer = json.loads(run.stdout.strip().splitlines()[-1])
        result.update(objective=answer.get("objective"), status=answer.get("status"))
    except (IndexError, json.JSONDecodeError):
        last = [line for line in run.stderr.strip().splitlines()[:-1]
                if line.strip() and not line.startswith("Command exited")]
        result["error"] = (last[-1] if last else f"exit {run.returncode}")[:80]
    return result


def pair_count(folder):
    with open(os.path.join(folder, "costs.csv"), "rb") as f:
        return sum(1 for _ in f) - 1


def table(results):
    lines = [
        "# Scale benchmarks",
        "",
        "Made by `python3 scripts/bench_scale.py` on the project machine (2 cores, 24 GB).",
        "Graphs: the size of OR-Library's largest p-median instances (900 vertices, 16,200",
        "edges, costs 1–100, all-pairs shortest paths). Cities: clustered population on a",
        "40 km square, each cell linked to its 20 nearest candidate sites, p = sites / 10,",
        "capacity 1.2 × demand / p (split service allowed). Seconds and peak memory are of",
        "the whole `defacto solve` command, reading the tables included (GNU time). Time",
        "limits: graphs 120 s, the 10^4 city 600 s, the 10^5 city 57 s (the limit counts from",
        "when the tables have been read: so that reading and writing fit in the minute it",
        "should be solved in), the 10^6 city 300 s; a plan stopped by the limit is `feasible`",
        "with the bound proven so far.",
        "",
        "Fixed-charge cities (`fixed_*`, `generate fixed`): the same clustered cities, each",
        "cell linked to every site within 2.5 km (800 m at 10^6 cells) and to its nearest",
        "site, room for 1.6 × demand over a tenth of the sites, opening costs of a site's",
        "capacity carried 1 km, varied ±50 %; `min_cost`, everyone served; `fixed_ss_*`",
        "serve each cell from one site. Limits: 60 s at 10^4 (`auto`, and `exact` = HiGHS on",
        "the whole model as the reference), 55 s at 10^5 and 275 s at 10^6 (reading and",
        "writing come on top).",
        "",
        "| case | method | pairs | status | objective | proven bound | gap % | seconds | peak MB |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, method, r in results:
        if "error" in r:
            lines.append(f"| {name} | {method} | | error: {r['error']} | | | | "
                         f"{r['seconds']:.1f} | {r['peak_mb']:.0f} |")
            continue
        lines.append(
            f"| {name} | {method} | {r['pairs']:,} | {r['status']} | {r['objective']:,.0f} | "
            f"{r['bound']:,.0f} | {r['gap_percent']:.2f} | {r['seconds']:.1f} | {r['peak_mb']:.0f} |")
    return "\n".join(lines + peer_table(results)) + "\n"


def peer_table(results):
    """PySAL spopt on the cases it was run on (`--peer`), with its time as a multiple of ours."""
    rows = [(name, r, r["peer"]) for name, _, r in results if r.get("peer")]
    if not rows:
        return []
    lines = [
        "",
        "## PySAL spopt on the same folders",
        "",
        "`python3 scripts/bench_scale.py --peer` runs `../shared/bench/peer_spopt.py` (spopt 0.7.0,",
        "CBC, the same time limit for the solver) under GNU time, with its memory capped at",
        f"{PEER_MEMORY_BYTES // 1024**3} GB and {PEER_BUILD_SECONDS} s more for building the model. spopt's capacitated",
        "p-median is single-source, a different (harder) model than the cities' split service,",
        "so on cities only whether and how fast it runs compares, not the objective. \"Model is",
        "not solved\" is spopt's error when CBC reaches the time limit without a plan; the ratio",
        "is then at least the seconds spopt ran, over ours.",
        "",
        "| case | spopt status | spopt objective | spopt seconds | spopt peak MB | spopt time ÷ defacto time |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, ours, theirs in rows:
        if "error" in theirs:
            waited = re.fullmatch(r"no answer in (\d+) s", theirs["error"])
            seconds = theirs.get("seconds") or (waited and float(waited.group(1)))
            # No plan after this long: the ratio is at least this.
            ratio = f"> {seconds / ours['seconds']:.0f}" if seconds else ""
            peak = theirs.get("peak_mb")
            lines.append(f"| {name} | no plan: {theirs['error'].split('. ')[0]} | | "
                         f"{'' if seconds is None else f'{seconds:.1f}'} | "
                         f"{'' if peak is None else f'{peak:.0f}'} | {ratio} |")
            continue
        objective = theirs.get("objective")
        lines.append(
            f"| {name} | {theirs['status']} | {'' if objective is None else f'{objective:,.0f}'} | "
            f"{theirs['seconds']:.1f} | {theirs['peak_mb']:.0f} | "
            f"{theirs['seconds'] / ours['seconds']:.1f} |")
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--peer", action="store_true", help="also time PySAL spopt")
    parser.add_argument("--work", default=os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                                       "defacto-scale"))
    parser.add_argument("--table", action="store_true",
                        help="only rewrite docs/scale-benchmarks.md from the stored results")
    args = parser.parse_args()
    if args.table:
        return write_docs([])
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "generate",
                    "--bin", "defacto"], cwd=ROOT, check=True)
    os.makedirs(args.work, exist_ok=True)
    results = []
    for name, generator, method, limit in cases():
        if args.only not in name:
            continue
        folder = os.path.join(args.work, name.removesuffix("_exact"))
        generate(folder, generator)
        result = solve(folder, method, limit)
        if args.peer:
            result["peer"] = peer(folder, limit)
        print(name, json.dumps(result), flush=True)
        results.append((name, method, result))
    write_docs(results)


def write_docs(results):
    """Merges `results` into docs/scale-benchmarks.json and rewrites the table from it."""
    docs = os.path.join(ROOT, "docs")
    stored = os.path.join(docs, "scale-benchmarks.json")
    merged = {}
    if os.path.exists(stored):
        with open(stored) as f:
            merged = json.load(f)
    for name, _, r in results:
        # A run without --peer keeps the spopt result measured before on the same folder.
        r.setdefault("peer", merged.get(name, {}).get("peer"))
        merged[name] = r
    with open(stored, "w") as f:
        json.dump(merged, f, indent=1)
    ordered = [(name, method, merged[name]) for name, _, method, _ in cases() if name in merged]
    with open(os.path.join(docs, "scale-benchmarks.md"), "w") as f:
        f.write(table(ordered))


if __name__ == "__main__":
    sys.exit(main())
