//! Where residents live inside their zones: population rasters (GeoTIFFs the tests write with
//! GDAL) and building weights, on the small city of two 1 km squares, Alpha (A, west) and
//! Beta (B, east), each with 400 registered and 400 non-hukou residents in population.csv.
//!
//! On 500 m cells the grid's rows and columns count from the town's centre (lon `D`, lat
//! `D / 2`): A's pieces are columns −2 and −1, B's 0 and 1; row 0 is the north half, row −1
//! the south half. Piece ids are `zone:row:col`.

use crate::support::{Run, Workspace};
use gdal::raster::Buffer;
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;
use std::collections::BTreeMap;
use std::path::Path;

/// One kilometre in degrees at the equator: the side of each zone.
const D: f64 = 0.008993210126354602;

/// A GeoTIFF of `rows` (north first) in the CRS `epsg`, its top-left corner at (`x0`, `y0`)
/// and cells `dx` wide and `dy` high.
fn write_raster(
    path: &Path,
    epsg: u32,
    (x0, y0, dx, dy): (f64, f64, f64, f64),
    rows: &[&[f64]],
    nodata: Option<f64>,
) {
    let (width, height) = (rows[0].len(), rows.len());
    let driver = DriverManager::get_driver_by_name("GTiff").expect("GDAL has GTiff");
    let mut dataset = driver
        .create_with_band_type::<f64, _>(path, width, height, 1)
        .expect("a GeoTIFF is created");
    dataset
        .set_geo_transform(&[x0, dx, 0.0, y0, 0.0, -dy])
        .expect("geotransform");
    dataset
        .set_spatial_ref(&SpatialRef::from_epsg(epsg).expect("a known EPSG code"))
        .expect("CRS");
    let mut band = dataset.rasterband(1).expect("band 1");
    band.set_no_data_value(nodata).expect("nodata");
    let mut buffer = Buffer::new((width, height), rows.concat());
    band.write((0, 0), (width, height), &mut buffer)
        .expect("cells written");
}

/// The small city with `[population]` set to `population` (a TOML table body).
fn small_city_with(population: &str) -> Workspace {
    let workspace = Workspace::small_city();
    let path = workspace.dir.path().join("scenario.toml");
    let scenario = std::fs::read_to_string(&path).expect("scenario");
    let edited = scenario.replace(
        "[population]\nfile = \"population.csv\"\n",
        &format!("[population]\n{population}\n"),
    );
    assert_ne!(edited, scenario, "the fixture has a [population] table");
    workspace.write("scenario.toml", &edited);
    workspace
}

/// Residents by group of every demand point with residents, by id.
fn residents(run: &Run) -> BTreeMap<String, (u64, u64)> {
    let table = run.table("demand_points.csv");
    let column = |name: &str| table[0].iter().position(|h| h == name).expect(name);
    let (id, hukou, non_hukou) = (column("id"), column("hukou"), column("non_hukou"));
    table[1..]
        .iter()
        .map(|row| {
            (
                row[id].clone(),
                (row[hukou].parse().unwrap(), row[non_hukou].parse().unwrap()),
            )
        })
        .collect()
}

/// Residents by group of each zone, summed over its points.
fn zone_totals(points: &BTreeMap<String, (u64, u64)>) -> BTreeMap<String, (u64, u64)> {
    let mut totals = BTreeMap::new();
    for (id, (hukou, non_hukou)) in points {
        let zone = id.split(':').next().unwrap().to_string();
        let total: &mut (u64, u64) = totals.entry(zone).or_default();
        total.0 += hukou;
        total.1 += non_hukou;
    }
    totals
}

/// Half-kilometre cells over the town in WGS84: A's north-west cell 100, south-west 300,
/// its east half empty; B 50 in three cells and nodata in its north-east one.
#[test]
fn a_raster_shares_each_zone_total_out_and_keeps_it() {
    let workspace = small_city_with("file = \"population.csv\"\nraster = \"pop.tif\"");
    write_raster(
        &workspace.dir.path().join("pop.tif"),
        4326,
        (0.0, D, D / 2.0, D / 2.0),
        &[&[100.0, 0.0, 50.0, -1.0], &[300.0, 0.0, 50.0, 50.0]],
        Some(-1.0),
    );
    let run = workspace.plan();
    let points = residents(&run);
    // The table's totals win; the raster only shares them out: A 1 : 3 down its west half.
    assert_eq!(points["A:0:-2"], (100, 100));
    assert_eq!(points["A:-1:-2"], (300, 300));
    assert!(!points.contains_key("A:0:-1") && !points.contains_key("A:-1:-1"));
    // B's three cells of 50 share 400 as evenly as whole people allow; nodata gets no one.
    for id in ["B:0:0", "B:-1:0", "B:-1:1"] {
        assert!(
            (133..=134).contains(&points[id].0),
            "{id}: {:?}",
            points[id]
        );
    }
    assert!(!points.contains_key("B:0:1"));
    let totals = zone_totals(&points);
    assert_eq!(totals["A"], (400, 400));
    assert_eq!(totals["B"], (400, 400));
    let report = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    assert!(
        report.contains("zone totals from population.csv; spread on 500 m cells in proportion to the population raster pop.tif"),
        "{report}"
    );
}

/// x, y in Web Mercator (EPSG:3857) of a WGS84 lon/lat.
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    const R: f64 = 6_378_137.0;
    let (lon, lat) = (lon.to_radians(), lat.to_radians());
    (
        R * lon,
        R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

/// One raster per group in Web Mercator, a cell exactly over each zone, and no table: the
/// rasters give the zone totals, so the raster was read in its own CRS.
#[test]
fn rasters_by_group_in_a_projected_crs_give_the_zone_totals() {
    let workspace =
        small_city_with("hukou_raster = \"hukou.tif\"\nnon_hukou_raster = \"migrants.tif\"");
    let (side, top) = mercator(D, D);
    let cells = (0.0, top, side, top);
    let dir = workspace.dir.path();
    write_raster(
        &dir.join("hukou.tif"),
        3857,
        cells,
        &[&[1000.0, 3000.0]],
        None,
    );
    write_raster(
        &dir.join("migrants.tif"),
        3857,
        cells,
        &[&[10.0, 7.0]],
        None,
    );
    let run = workspace.plan();
    let totals = zone_totals(&residents(&run));
    assert_eq!(totals["A"], (1000, 10));
    assert_eq!(totals["B"], (3000, 7));
    let report = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    assert!(report.contains("zone totals from the rasters"), "{report}");
}

/// One cell from 0.9 km to 1.3 km east, the whole town's height, across A and B's boundary
/// at 1 km: a quarter of its 1,000 people live in A, three quarters in B.
#[test]
fn a_cell_across_a_zone_boundary_is_split_by_area() {
    let workspace = small_city_with("raster = \"pop.tif\"\nnon_hukou_share_raster = \"share.tif\"");
    let dir = workspace.dir.path();
    let cell = (0.9 * D, D, 0.4 * D, D);
    write_raster(&dir.join("pop.tif"), 4326, cell, &[&[1000.0]], None);
    write_raster(&dir.join("share.tif"), 4326, cell, &[&[0.2]], None);
    let run = workspace.plan();
    let totals = zone_totals(&residents(&run));
    assert_eq!(totals["A"], (200, 50));
    assert_eq!(totals["B"], (600, 150));
    // In A the cell covers only the east column; B's west column gets its part.
    let points = residents(&run);
    assert!(
        points
            .keys()
            .all(|id| id.ends_with(":-1") || id.ends_with(":0")),
        "{points:?}"
    );
}

/// Two buildings in A's west half only (its east half is a park): 3,000 m² of floor in the
/// north, 1,000 m² in the south, as GeoJSON.
fn write_park_buildings(workspace: &Workspace) {
    let square = |x: f64, y: f64| {
        let s = 0.1 * D;
        format!(
            "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
            x + s,
            x + s,
            y + s,
            y + s
        )
    };
    let feature = |coordinates: String, floor_area: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"floor_area":{floor_area}}},"geometry":{{"type":"Polygon","coordinates":{coordinates}}}}}"#
        )
    };
    let buildings = [
        feature(square(0.2 * D, 0.7 * D), 3000.0),
        feature(square(0.2 * D, 0.2 * D), 1000.0),
    ];
    workspace.write(
        "buildings.geojson",
        &format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            buildings.join(",")
        ),
    );
}

/// A's residents follow its buildings' floor area, nobody goes to its park; B has no
/// building, so its residents are spread by area and the plan says so.
fn check_park(run: &Run) {
    let points = residents(run);
    assert_eq!(points["A:0:-2"], (300, 300));
    assert_eq!(points["A:-1:-2"], (100, 100));
    assert!(!points.contains_key("A:0:-1") && !points.contains_key("A:-1:-1"));
    for id in ["B:0:0", "B:0:1", "B:-1:0", "B:-1:1"] {
        assert_eq!(points[id], (100, 100), "{id}");
    }
    let summary = run.summary();
    let warnings = summary["warnings"].to_string();
    assert!(
        warnings.contains("1 zone(s) have residents but no building inside: their residents are spread by area (B)"),
        "{warnings}"
    );
}

#[test]
fn building_weights_send_nobody_to_an_empty_park() {
    let workspace = small_city_with(
        "file = \"population.csv\"\nweights = \"buildings.geojson\"\nweight_field = \"floor_area\"",
    );
    write_park_buildings(&workspace);
    check_park(&workspace.plan());
}

/// The same buildings in a GeoPackage in Web Mercator (made by GDAL's ogr2ogr) place the same
/// residents.
#[test]
fn buildings_in_a_projected_geopackage_place_the_same_residents() {
    let workspace = small_city_with(
        "file = \"population.csv\"\nweights = \"buildings.gpkg\"\nweight_field = \"floor_area\"",
    );
    write_park_buildings(&workspace);
    let status = std::process::Command::new("ogr2ogr")
        .args(["-t_srs", "EPSG:3857", "buildings.gpkg", "buildings.geojson"])
        .current_dir(workspace.dir.path())
        .status()
        .expect("ogr2ogr is installed by scripts/setup.sh");
    assert!(status.success());
    std::fs::remove_file(workspace.dir.path().join("buildings.geojson")).unwrap();
    check_park(&workspace.plan());
}

/// A raster that cannot be used is refused with the file, the cell and what is wrong, and
/// nothing is written.
#[test]
fn bad_rasters_are_refused_with_the_file_and_the_cell() {
    /// What is wrong, the people raster's one row, and what the error must say.
    struct Case {
        what: &'static str,
        people: [f64; 2],
        expected: &'static [&'static str],
    }
    let cases = [
        Case {
            what: "a negative count",
            people: [100.0, -5.0],
            expected: &["pop.tif", "row 1, column 2", "-5", "0 or more"],
        },
        Case {
            what: "a share above 1",
            people: [100.0, 100.0],
            expected: &["share.tif", "row 1, column 1", "1.5", "from 0 to 1"],
        },
        Case {
            what: "a raster elsewhere",
            people: [100.0, 100.0],
            expected: &["pop.tif", "does not reach the planned zones"],
        },
    ];
    for Case {
        what,
        people,
        expected,
    } in cases
    {
        let workspace =
            small_city_with("raster = \"pop.tif\"\nnon_hukou_share_raster = \"share.tif\"");
        let dir = workspace.dir.path();
        let origin = match what {
            "a raster elsewhere" => (100.0, 30.0 + D, D, D),
            _ => (0.0, D, D, D),
        };
        write_raster(&dir.join("pop.tif"), 4326, origin, &[&people], None);
        let share = match what {
            "a share above 1" => 1.5,
            _ => 0.5,
        };
        write_raster(
            &dir.join("share.tif"),
            4326,
            origin,
            &[&[share, share]],
            None,
        );
        let out = workspace.out();
        let run = workspace.plan();
        assert_eq!(run.code(), 1, "{what}: {}", run.stderr());
        for words in expected {
            assert!(
                run.stderr().contains(words),
                "{what}: `{words}` in {}",
                run.stderr()
            );
        }
        assert!(
            !out.join("summary.json").exists(),
            "{what}: nothing written"
        );
    }
}

/// Rasters read together must share their cells.
#[test]
fn a_share_raster_on_other_cells_is_refused() {
    let workspace = small_city_with("raster = \"pop.tif\"\nnon_hukou_share_raster = \"share.tif\"");
    let dir = workspace.dir.path();
    write_raster(
        &dir.join("pop.tif"),
        4326,
        (0.0, D, D, D),
        &[&[1.0, 1.0]],
        None,
    );
    write_raster(
        &dir.join("share.tif"),
        4326,
        (0.0, D, D / 2.0, D),
        &[&[0.1; 4]],
        None,
    );
    let run = workspace.plan();
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("share.tif")
            && run.stderr().contains("must have the same cells as pop.tif"),
        "{}",
        run.stderr()
    );
}
