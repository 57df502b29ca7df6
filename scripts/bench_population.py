#!/usr/bin/env python3
"""Population-raster benchmark: a generated 10^7-cell raster (100 m cells in UTM zone 49N,
320 x 320 km around Zhengzhou) apportioned to lon/lat zones and grid pieces, timed phase by
phase by `cargo run --release --example place_residents`, which calls the same functions
`defacto plan` does. Writes docs/population-benchmarks.md.

    python3 scripts/bench_population.py            # generate (once, cached) and run
    python3 scripts/bench_population.py --cells 500  # fewer cells, for a quick look

The raster and zones are generated with a fixed seed by GDAL's Python bindings (installed
with QGIS by scripts/setup.sh) into $DEFACTO_BENCH_DIR (default /tmp/defacto-population).
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
EXAMPLE = os.path.join(TARGET, "release", "examples", "place_residents")
DATA = os.environ.get("DEFACTO_BENCH_DIR", "/tmp/defacto-population")
CENTRE = (113.65, 34.75)  # Zhengzhou, lon/lat
CELL_M = 100.0
ZONE_DEGREES = 0.25
GRID_CELLS_M = [1000, 500]


def generate(cells):
    """The raster (people per cell, with nodata over a 'lake'), the zones and their table."""
    import numpy as np
    from osgeo import gdal, osr

    folder = os.path.join(DATA, f"cells{cells}")
    raster = os.path.join(folder, "pop.tif")
    if os.path.exists(os.path.join(folder, "scenario_1000.toml")):
        return folder
    os.makedirs(folder, exist_ok=True)
    utm = osr.SpatialReference()
    utm.ImportFromEPSG(32649)
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_utm = osr.CoordinateTransformation(wgs84, utm)
    to_wgs84 = osr.CoordinateTransformation(utm, wgs84)
    cx, cy, _ = to_utm.TransformPoint(*CENTRE)
    half = cells * CELL_M / 2
    x0, y0 = cx - half, cy + half
    rng = np.random.default_rng(7)
    driver = gdal.GetDriverByName("GTiff")
    ds = driver.Create(raster, cells, cells, 1, gdal.GDT_Float32, ["TILED=NO"])
    ds.SetGeoTransform([x0, CELL_M, 0, y0, 0, -CELL_M])
    ds.SetProjection(utm.ExportToWkt())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(-99999)
    centres = rng.uniform(0, cells, size=(40, 2))
    # People per 100 m cell at each centre: 2,000 to 20,000 per km², as in Chinese cities.
    weights = rng.uniform(20, 200, size=40)
    spreads = rng.uniform(cells / 400, cells / 60, size=40)
    cols = np.arange(cells)
    for start in range(0, cells, 256):
        rows = np.arange(start, min(start + 256, cells))[:, None]
        density = np.full((len(rows), cells), 0.5)
        for (r, c), w, s in zip(centres, weights, spreads):
            density += w * np.exp(-((rows - r) ** 2 + (cols[None, :] - c) ** 2) / (2 * s * s))
        values = rng.poisson(density).astype(np.float32)
        lake = (rows - cells * 0.3) ** 2 + (cols[None, :] - cells * 0.6) ** 2 < (cells * 0.04) ** 2
        values[lake] = -99999
        band.WriteArray(values, 0, int(start))
    ds = None
    # Zones: lon/lat squares of ZONE_DEGREES over the raster but a 1 % margin.
    corners = [to_wgs84.TransformPoint(x, y) for x, y in
               [(x0 + 0.01 * 2 * half, y0 - 0.01 * 2 * half), (x0 + 0.99 * 2 * half, y0 - 0.99 * 2 * half)]]
    lon0, lat1 = corners[0][0], corners[0][1]
    lon1, lat0 = corners[1][0], corners[1][1]
    features, rows = [], ["code,hukou,non_hukou"]
    lat = lat0
    k = 0
    while lat + ZONE_DEGREES <= lat1:
        lon = lon0
        while lon + ZONE_DEGREES <= lon1:
            k += 1
            ring = [[lon, lat], [lon + ZONE_DEGREES, lat], [lon + ZONE_DEGREES, lat + ZONE_DEGREES],
                    [lon, lat + ZONE_DEGREES], [lon, lat]]
            features.append({"type": "Feature", "properties": {"code": f"Z{k}"},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
            people = int(rng.integers(50_000, 500_000))
            rows.append(f"Z{k},{people - people // 4},{people // 4}")
            lon += ZONE_DEGREES
        lat += ZONE_DEGREES
    with open(os.path.join(folder, "zones.geojson"), "w") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    with open(os.path.join(folder, "population.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    for cell_m in GRID_CELLS_M:
        with open(os.path.join(folder, f"scenario_{cell_m}.toml"), "w") as f:
            f.write(f'title = "raster benchmark"\n[zones]\nfile = "zones.geojson"\n'
                    f'[population]\nfile = "population.csv"\nraster = "pop.tif"\n'
                    f'[grid]\ncell_m = {cell_m}\n[services.primary_school]\n')
    return folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=3200, help="raster side in cells")
    args = parser.parse_args()
    folder = generate(args.cells)
    subprocess.run(["cargo", "build", "--release", "--locked", "--example", "place_residents"],
                   cwd=ROOT, check=True)
    results = []
    for cell_m in GRID_CELLS_M:
        out = subprocess.run([EXAMPLE, os.path.join(folder, f"scenario_{cell_m}.toml")],
                             check=True, capture_output=True, text=True)
        result = json.loads(out.stdout)
        print(json.dumps(result), file=sys.stderr)
        results.append(result)
    if args.cells == 3200:
        write_table(results)


def write_table(results):
    lines = [
        "# Population raster benchmark",
        "",
        "`python3 scripts/bench_population.py` on 2 cores: a generated raster of 3,200 × 3,200",
        "cells (10,240,000; 100 m in UTM zone 49N, float32, nodata over a lake) over 320 km around",
        "Zhengzhou, shared out to lon/lat zones of 0.25° (each zone's total from a table) and their",
        "grid pieces. *Raster to pieces* reads the window over the zones a strip of 256 rows at a",
        "time, turns each strip's cell corners into WGS84 with GDAL and shares every cell among the",
        "pieces it overlaps; *place, whole* is `defacto plan`'s whole placing step (pieces, raster,",
        "whole residents per piece). Peak memory is the process's (VmHWM).",
        "",
        "| grid cell | zones | cells read | pieces | grid pieces s | raster to pieces s | place, whole s | peak memory MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['grid_cell_m']:.0f} m | {r['zones']} | {r['cells_read']:,} | {r['demand_points']:,} | "
            f"{r['seconds_grid_pieces']:.1f} | {r['seconds_raster_to_pieces']:.1f} | "
            f"{r['seconds_place_whole']:.1f} | {r['peak_memory_mb']:.0f} |")
    r = results[0]
    lines += [
        "",
        f"The raster puts {r['raster_people_in_zones']:,.0f} people in the zones; the table's "
        f"{r['residents_placed']:,} residents are shared out in proportion to them, every zone's "
        "total kept exactly.",
        "",
    ]
    with open(os.path.join(ROOT, "docs", "population-benchmarks.md"), "w") as f:
        f.write("\n".join(lines))
    print("wrote docs/population-benchmarks.md", file=sys.stderr)


if __name__ == "__main__":
    main()
