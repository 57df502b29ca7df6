#!/usr/bin/env python3
"""Builds tests/fixtures/gcj02/erqi_gcj02.geojson: the 二七区 polygon of the bundled
Tianditu districts moved from WGS84 into GCJ-02, the offset datum of Chinese web maps.

No bundled map is in GCJ-02, so this fixture is what keeps `datum = "gcj02"` tested: read
with it, defacto must put the vertices back where the WGS84 source has them. The forward
transform below is the published GCJ-02 formula, written out independently of the Rust
reader so that a mistake in one is not repeated in the other.

    python3 scripts/make_gcj02_fixture.py
"""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "maps", "zhengzhou", "districts_tianditu_cgcs2000.geojson")
OUT = os.path.join(HERE, "..", "tests", "fixtures", "gcj02", "erqi_gcj02.geojson")
DISTRICT, CODE = "二七区", "410103"

# The formula works on the Krasovsky 1940 ellipsoid: semi-major axis (m), eccentricity².
AXIS, ECC2 = 6378245.0, 0.00669342162296594323
# 1e-7° is about 1 cm: finer digits would only make the file longer.
DIGITS = 7


def offset_metres(lon, lat):
    """The GCJ-02 shift at a WGS84 point, (east, north) in the formula's metres."""
    x, y = lon - 105.0, lat - 35.0

    def sin_pi(v):
        return math.sin(math.pi * v)

    wave = (20 * sin_pi(6 * x) + 20 * sin_pi(2 * x)) * 2 / 3  # the same in both directions
    north = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + wave
             + (20 * sin_pi(y) + 40 * sin_pi(y / 3)) * 2 / 3
             + (160 * sin_pi(y / 12) + 320 * sin_pi(y / 30)) * 2 / 3)
    east = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + wave
            + (20 * sin_pi(x) + 40 * sin_pi(x / 3)) * 2 / 3
            + (150 * sin_pi(x / 12) + 300 * sin_pi(x / 30)) * 2 / 3)
    return east, north


def to_gcj02(lon, lat):
    """GCJ-02 longitude and latitude of a WGS84 point in mainland China."""
    east, north = offset_metres(lon, lat)
    phi = math.radians(lat)
    w = 1 - ECC2 * math.sin(phi) ** 2
    meridian_radius = AXIS * (1 - ECC2) / (w * math.sqrt(w))
    parallel_radius = AXIS / math.sqrt(w) * math.cos(phi)
    return (round(lon + math.degrees(east / parallel_radius), DIGITS),
            round(lat + math.degrees(north / meridian_radius), DIGITS))


def metres_apart(a, b):
    """Great-circle distance on a sphere of the mean Earth radius; enough to report shifts."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def positions(polygons):
    """Every position of a MultiPolygon's coordinates, in file order."""
    return [p for polygon in polygons for ring in polygon for p in ring]


def main():
    with open(SOURCE, encoding="utf-8") as source:
        features = json.load(source)["features"]
    (district,) = [f for f in features if f["properties"]["name"] == DISTRICT]
    polygons = district["geometry"]["coordinates"]
    moved = [[[list(to_gcj02(*p)) for p in ring] for ring in polygon] for polygon in polygons]
    shifts = [metres_apart(p, q) for p, q in zip(positions(polygons), positions(moved))]
    collection = {"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": {"name": DISTRICT, "code": CODE},
        "geometry": {"type": "MultiPolygon", "coordinates": moved},
    }]}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(collection, out, ensure_ascii=False)
        out.write("\n")
    name = os.path.relpath(OUT, os.path.join(HERE, ".."))
    print(f"wrote {name}: {len(shifts)} positions moved {min(shifts):.0f}–{max(shifts):.0f} m")


if __name__ == "__main__":
    main()
