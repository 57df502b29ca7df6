#!/usr/bin/env python3
"""Benchmark street-network travel costs: time and peak memory of `defacto costs`.

    python3 scripts/bench_network.py [--out docs/network-benchmarks.md]

Two networks:
- the real OpenStreetMap extract of central Helsinki (maps/helsinki/helsinki.osm.pbf);
- a synthetic grid city of about 10^6 directed edges (500 x 500 junctions 100 m apart,
  streets as GeoJSON LineStrings).
On each, `defacto costs` runs twice with a fresh cache: with one demand point and one site
(reading the map and building the graph), then with 10^4 demand points and 10^3 sites at
random (fixed seed) within 15 minutes' walk. Wall time and the peak memory of the process
(from the kernel's rusage) are recorded; the page and a JSON of the raw figures are written.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench import binary  # noqa: E402

HELSINKI = os.path.join(REPO, "maps", "helsinki", "helsinki.osm.pbf")
HELSINKI_BOX = (24.935, 60.164, 24.953, 60.179)  # lon/lat extent of the extract (ogrinfo)
GRID_SIDE = 500
GRID_STEP_M = 100.0
METRES_PER_DEGREE = 111_319.49
SEED = 20261122

# Figures read from what `defacto costs` prints.
REPORTED = {
    "nodes": r"(\d+) nodes",
    "edges": r"(\d+) edges",
    "dropped_pieces": r"dropped (\d+) detached",
    "pairs": r"(\d+) pairs within",
}


def point_file(path, box, count, prefix, rng):
    """`count` points at random in the lon/lat `box`, as a GeoJSON FeatureCollection."""
    west, south, east, north = box
    features = [
        {
            "type": "Feature",
            "properties": {"id": f"{prefix}{k}"},
            "geometry": {
                "type": "Point",
                "coordinates": [rng.uniform(west, east), rng.uniform(south, north)],
            },
        }
        for k in range(count)
    ]
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)


def grid_city(path):
    """GRID_SIDE streets each way, crossing at shared vertices; returns its lon/lat box."""
    step = GRID_STEP_M / METRES_PER_DEGREE
    coordinate = [round(k * step, 7) for k in range(GRID_SIDE)]
    features = []
    for fixed in coordinate:
        for line in ([[fixed, c] for c in coordinate], [[c, fixed] for c in coordinate]):
            features.append(
                {
                    "type": "Feature",
                    "properties": {"highway": "residential"},
                    "geometry": {"type": "LineString", "coordinates": line},
                }
            )
    with open(path, "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    edge = coordinate[-1]
    return (0.0, 0.0, edge, edge)


def measure(network, homes, sites, folder):
    """Runs `defacto costs` with an empty cache; returns seconds, peak MB and its report."""
    command = [
        binary(), "costs", "--network", network, "--from", homes, "--to", sites,
        "--max-minutes", "15", "--out", os.path.join(folder, "out"),
    ]
    environment = dict(os.environ, DEFACTO_CACHE=tempfile.mkdtemp(dir=folder))
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=environment)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    report = process.stdout.read().decode()
    if status != 0:
        sys.exit(f"defacto costs failed: {process.stderr.read().decode()}")
    figures = {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}
    for name, pattern in REPORTED.items():
        figures[name] = int(re.search(pattern, report).group(1))
    return figures


def bench(name, network, box, folder, rng):
    rows = []
    for homes, sites in ((1, 1), (10_000, 1_000)):
        homes_path = os.path.join(folder, f"{name}_homes_{homes}.geojson")
        sites_path = os.path.join(folder, f"{name}_sites_{sites}.geojson")
        point_file(homes_path, box, homes, "h", rng)
        point_file(sites_path, box, sites, "s", rng)
        result = measure(network, homes_path, sites_path, folder)
        result.update(network=name, demand_points=homes, sites=sites)
        rows.append(result)
        print(f"{name}: {homes} x {sites}: {result['seconds']} s, {result['peak_mb']} MB",
              file=sys.stderr)
    return rows


def page(rows):
    lines = [
        "# Street-network costs: benchmarks",
        "",
        "Made by `python3 scripts/bench_network.py` on 2 cores; raw figures in "
        "`network-benchmarks.json`. Each row is one run of `defacto costs --max-minutes 15` "
        "(walking, 5 km/h) with an empty cache: reading the map, building the graph (largest "
        "connected piece), placing the points and the bounded searches. The 1 x 1 rows are "
        "almost only the map and the graph. Points are at random (seed "
        f"{SEED}) in the network's box.",
        "",
        "| network | graph nodes | directed edges | pieces dropped | demand points | sites "
        "| pairs within 15 min | seconds | peak memory MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['network']} | {r['nodes']:,} | {r['edges']:,} | {r['dropped_pieces']} "
                     f"| {r['demand_points']:,} | {r['sites']:,} | {r['pairs']:,} "
                     f"| {r['seconds']} | {r['peak_mb']} |")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(REPO, "docs", "network-benchmarks.md"))
    args = parser.parse_args()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as folder:
        rows = bench("Helsinki (OSM)", HELSINKI, HELSINKI_BOX, folder, rng)
        grid = os.path.join(folder, "grid_city.geojson")
        box = grid_city(grid)
        rows += bench(f"grid city {GRID_SIDE}x{GRID_SIDE}", grid, box, folder, rng)
    with open(args.out, "w") as f:
        f.write(page(rows))
    with open(os.path.splitext(args.out)[0] + ".json", "w") as f:
        json.dump(rows, f, indent=1)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
