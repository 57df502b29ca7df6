//! Properties that must hold for any input: no reader panics (GeoJSON, CSV, TOML, OSM), and a
//! random small scenario — its residents spread by area or by a random population raster —
//! plans with its population conserved and repeats byte for byte.
//!
//! `cargo test` runs each property on a fixed number of cases drawn from a fixed seed, so
//! the run is the same every time. With `DEFACTO_FUZZ_SECONDS=N` each property instead runs
//! on fresh random cases for N seconds (`scripts/fuzz.sh`). A panic anywhere in a reader is
//! caught by proptest, shrunk to a small input and reported as a failure.

use defacto::demand::standards::ServiceKind;
use defacto::export::{self, Format};
use defacto::input::geojson::{read_points, read_zones, Datum};
use defacto::input::scenario::Profile;
use defacto::input::{read_problem, read_scenario};
use defacto::pipeline::{self, CityPlan};
use defacto::solve::Terminal;
use defacto::travel::streets::read_streets;
use geo::{Area, BooleanOps, MultiPolygon};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Cases per property and per round of a timed run.
const CASES: u32 = 64;

/// Runs `test` on cases of `strategy`: `cases` of them from a fixed seed, or fresh ones
/// for `DEFACTO_FUZZ_SECONDS` when it is set.
fn check<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let fuzz_seconds = std::env::var("DEFACTO_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let Some(seconds) = fuzz_seconds else {
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        if let Err(failure) = runner.run(&strategy, &test) {
            panic!("{name}: {failure}");
        }
        return;
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tried = 0u64;
    while Instant::now() < deadline {
        let mut runner = TestRunner::new(config.clone());
        if let Err(failure) = runner.run(&strategy, &test) {
            panic!("{name}: {failure}");
        }
        tried += u64::from(cases);
    }
    eprintln!("{name}: {tried} cases in {seconds} s, none failed");
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write a test file");
    path
}

// ---------------------------------------------------------------- GeoJSON

/// Numbers as they turn up in files: coordinates, projected metres, huge, negative, zero.
fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        -200.0..200.0f64,
        -1e7..1e7f64,
        Just(0.0),
        Just(1e308),
        Just(-1e-300),
    ]
}

fn position() -> impl Strategy<Value = Value> {
    prop::collection::vec(any_number(), 0..4).prop_map(|xs| json!(xs))
}

/// A ring of 0 to 8 positions, closed or not.
fn ring() -> impl Strategy<Value = Value> {
    (prop::collection::vec(position(), 0..8), any::<bool>()).prop_map(|(mut ring, close)| {
        if close {
            if let Some(first) = ring.first().cloned() {
                ring.push(first);
            }
        }
        json!(ring)
    })
}

fn rings() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(ring(), 0..3)
}

fn geometry() -> impl Strategy<Value = Value> {
    prop_oneof![
        position().prop_map(|p| json!({"type": "Point", "coordinates": p})),
        rings().prop_map(|r| json!({"type": "Polygon", "coordinates": r})),
        prop::collection::vec(rings(), 0..3)
            .prop_map(|p| json!({"type": "MultiPolygon", "coordinates": p})),
        ring().prop_map(|r| json!({"type": "LineString", "coordinates": r})),
        Just(Value::Null),
        Just(json!({"type": "Circle"})),
    ]
}

/// Property values of every JSON kind.
fn property() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[a-zA-Z0-9 二七区]{0,6}".prop_map(Value::from),
        any_number().prop_map(|n| json!(n)),
        (-5i64..5000).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!([1, 2])),
    ]
}

fn feature() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec!["code", "id", "name", "capacity", "hukou", "other"]);
    (
        prop::collection::btree_map(keys, property(), 0..5),
        geometry(),
    )
        .prop_map(|(properties, geometry)| {
            json!({"type": "Feature", "properties": properties, "geometry": geometry})
        })
}

/// A GeoJSON file: a FeatureCollection of random features, or any text at all.
fn geojson_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(feature(), 0..5)
            .prop_map(|f| json!({"type": "FeatureCollection", "features": f}).to_string()),
        1 => ".{0,200}",
        1 => prop::collection::vec(feature(), 0..3).prop_map(|f| json!(f).to_string()),
    ]
}

#[test]
fn the_geojson_readers_never_panic() {
    let dir = tempfile::tempdir().expect("temporary directory");
    check("GeoJSON", CASES, geojson_text(), |text| {
        let path = write(dir.path(), "layer.geojson", text);
        let _ = read_zones(&path, "code", Some("name"), Datum::Wgs84);
        let _ = read_zones(&path, "code", None, Datum::Gcj02);
        let _ = read_points(&path, "id", Datum::Wgs84);
        Ok(())
    });
}

// ---------------------------------------------------------------- CSV

/// A cell as spreadsheets write them, and as they should not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..100).prop_map(|n| n.to_string()),
        any_number().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "a",
            "b",
            "c",
            "S1",
            "S2",
            "",
            "-1",
            "inf",
            "NaN",
            "1e400",
            "\"",
            "\"a,b\"",
            " 7 ",
            "18446744073709551616",
            "candidate",
            "existing",
            "expansion",
        ])
        .prop_map(str::to_owned),
    ]
}

/// A table: a header of known and unknown columns, then rows of random length.
fn table(columns: &'static [&'static str]) -> impl Strategy<Value = String> {
    let header = prop::sample::subsequence(columns.to_vec(), 0..=columns.len());
    let rows = prop::collection::vec(prop::collection::vec(cell(), 0..5), 0..6);
    (header, rows, any::<bool>()).prop_map(|(header, rows, crlf)| {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = header.join(",") + end;
        for row in rows {
            text += &(row.join(",") + end);
        }
        text
    })
}

#[test]
fn the_table_reader_never_panics() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let tables = (
        table(&["id", "demand", "weight"]),
        table(&["id", "capacity", "fixed_cost", "status", "min_load", "plot"]),
        table(&["demand_id", "site_id", "cost"]),
        prop::sample::select(vec![
            "p_median\"\np = 1",
            "min_cost",
            "min_sites\"\nradius = 5",
        ]),
    );
    check("CSV", CASES, tables, |(demand, sites, costs, objective)| {
        write(dir.path(), "demand.csv", demand);
        write(dir.path(), "sites.csv", sites);
        write(dir.path(), "costs.csv", costs);
        let problem = format!(
            "objective = \"{objective}\ndemand = \"demand.csv\"\nsites = \"sites.csv\"\ncosts = \"costs.csv\"\n"
        );
        let path = write(dir.path(), "problem.toml", problem);
        let _ = read_problem(&path);
        Ok(())
    });
}

// ---------------------------------------------------------------- TOML

/// TOML values of every kind, including ones no field accepts.
fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any_number().prop_map(|n| format!("{n:?}")),
        (-3i64..3000).prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            "nan",
            "inf",
            "-inf",
            "true",
            "\"x\"",
            "\"\"",
            "[]",
            "{}",
            "[1, \"a\"]",
            "{ hukou = 1.0 }",
            "-9223372036854775808",
            "\"min_cost\"",
            "\"hukou\"",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Keys a scenario may set, with the table they belong to.
const SCENARIO_KEYS: &[(&str, &str)] = &[
    ("", "basis"),
    ("", "extends"),
    ("grid", "cell_m"),
    ("candidates", "spacing_m"),
    ("candidates", "min_distance_m"),
    ("solve", "time_limit_s"),
    ("solve", "gap"),
    ("solve", "node_limit"),
    ("solve", "method"),
    ("services.primary_school", "radius_m"),
    ("services.primary_school", "per_resident"),
    ("services.primary_school", "access"),
    ("services.primary_school", "sizes"),
    ("services.primary_school", "max_new_sites"),
    ("services.primary_school", "budget"),
    ("services.primary_school", "objective"),
    ("services.primary_school", "min_load_share"),
    ("services.primary_school", "unplaced_price"),
    ("services.primary_school", "rural"),
    ("services.primary_school", "enabled"),
    ("services.health_centre", "radius_m"),
    ("zones", "plan_in"),
    ("zones", "code_field"),
];

/// The small city's scenario with random keys set to random values, or any text at all.
fn scenario_text() -> impl Strategy<Value = String> {
    let base =
        std::fs::read_to_string(repository().join("tests/fixtures/small_city/scenario.toml"))
            .expect("the small city scenario");
    let settings = prop::collection::vec((prop::sample::select(SCENARIO_KEYS), toml_value()), 0..4);
    prop_oneof![
        4 => settings.prop_map(move |settings| {
            let mut tables: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for ((table, key), value) in settings {
                tables.entry(table).or_default().push(format!("{key} = {value}"));
            }
            let mut text = String::new();
            let top = tables.remove("").unwrap_or_default();
            // Top-level keys go before the first table header of the base.
            text += &top.join("\n");
            text += "\n";
            text += &base;
            for (table, lines) in tables {
                text += &format!("\n[{table}]\n{}\n", lines.join("\n"));
            }
            text
        }),
        1 => ".{0,200}",
    ]
}

#[test]
fn the_scenario_reader_never_panics() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let fixture = repository().join("tests/fixtures/small_city");
    check("TOML", CASES, scenario_text(), |text| {
        let path = write(dir.path(), "scenario.toml", text);
        // The fixture's files are found from the scenario's folder.
        for name in ["zones.geojson", "population.csv"] {
            let _ = std::fs::copy(fixture.join(name), dir.path().join(name));
        }
        let _ = read_scenario(&path);
        Ok(())
    });
}

// ---------------------------------------------------------------- OpenStreetMap

/// The Helsinki extract with a few bytes changed, cut short, or random bytes.
fn pbf_bytes() -> impl Strategy<Value = Vec<u8>> {
    let real = std::fs::read(repository().join("maps/helsinki/helsinki.osm.pbf"))
        .expect("the Helsinki extract");
    let length = real.len();
    let flips = prop::collection::vec((0..length, any::<u8>()), 1..8);
    prop_oneof![
        3 => flips.prop_map({
            let real = real.clone();
            move |flips| {
                let mut bytes = real.clone();
                for (at, byte) in flips {
                    bytes[at] = byte;
                }
                bytes
            }
        }),
        1 => (0..length).prop_map(move |cut| real[..cut].to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

#[test]
fn the_openstreetmap_reader_never_panics() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Each case reads a whole 0.7 MB extract.
    check("OSM", CASES / 8, pbf_bytes(), |bytes| {
        let path = write(dir.path(), "streets.osm.pbf", bytes);
        let _ = read_streets(&path, Profile::Walk);
        let _ = read_streets(&path, Profile::Drive);
        Ok(())
    });
}

// ---------------------------------------------------------------- whole scenarios

/// A random small town: a row of 1–3 square zones with random residents, and a service
/// with a random model and radius.
#[derive(Debug, Clone)]
struct Town {
    residents: Vec<(u64, u64)>,
    side_m: f64,
    cell_m: f64,
    radius_m: f64,
    spacing_m: f64,
    objective: &'static str,
    /// A population raster over the town that shares each zone's residents out, if any.
    raster: Option<RandomRaster>,
}

/// A WGS84 raster of people per cell, its grid shifted against the zones, with empty cells
/// and nodata among them.
#[derive(Debug, Clone)]
struct RandomRaster {
    cell_m: f64,
    /// How far west and north of the town's north-west corner the raster starts, metres.
    shift_m: (f64, f64),
    /// Cell values, repeated over the cells; −1 is nodata.
    values: Vec<f64>,
}

fn random_raster() -> impl Strategy<Value = Option<RandomRaster>> {
    let value = prop_oneof![Just(-1.0), Just(0.0), 0.0..500.0f64];
    prop::option::of(
        (
            50.0..700.0f64,
            (0.0..600.0f64, 0.0..600.0f64),
            prop::collection::vec(value, 1..40),
        )
            .prop_map(|(cell_m, shift_m, values)| RandomRaster {
                cell_m,
                shift_m,
                values,
            }),
    )
}

impl RandomRaster {
    /// Writes `pop.tif` over a town `width_m` by `height_m` with its south-west corner at
    /// (0°, 0°).
    fn write(&self, path: &Path, width_m: f64, height_m: f64) {
        let degrees = |metres: f64| metres / 111_195.0;
        let columns = ((width_m + self.shift_m.0) / self.cell_m).ceil() as usize + 1;
        let rows = ((height_m + self.shift_m.1) / self.cell_m).ceil() as usize + 1;
        let cells: Vec<f64> = (0..columns * rows)
            .map(|k| self.values[k % self.values.len()])
            .collect();
        let driver = gdal::DriverManager::get_driver_by_name("GTiff").expect("GTiff");
        let mut dataset = driver
            .create_with_band_type::<f64, _>(path, columns, rows, 1)
            .expect("a GeoTIFF");
        let step = degrees(self.cell_m);
        dataset
            .set_geo_transform(&[
                -degrees(self.shift_m.0),
                step,
                0.0,
                degrees(height_m + self.shift_m.1),
                0.0,
                -step,
            ])
            .expect("geotransform");
        let mut band = dataset.rasterband(1).expect("band 1");
        band.set_no_data_value(Some(-1.0)).expect("nodata");
        let mut buffer = gdal::raster::Buffer::new((columns, rows), cells);
        band.write((0, 0), (columns, rows), &mut buffer)
            .expect("cells");
    }
}

fn town() -> impl Strategy<Value = Town> {
    (
        prop::collection::vec((0u64..3000, 0u64..3000), 1..4),
        500.0..2000.0f64,
        150.0..600.0f64,
        300.0..1500.0f64,
        300.0..900.0f64,
        prop::sample::select(vec!["min_cost", "min_sites", "max_coverage"]),
        random_raster(),
    )
        .prop_map(
            |(residents, side_m, cell_m, radius_m, spacing_m, objective, raster)| Town {
                residents,
                side_m,
                cell_m,
                radius_m,
                spacing_m,
                objective,
                raster,
            },
        )
}

impl Town {
    /// Writes the town's zones, population and scenario into `dir`; the scenario's path.
    fn write(&self, dir: &Path) -> PathBuf {
        let degrees = self.side_m / 111_195.0;
        let features: Vec<Value> = (0..self.residents.len())
            .map(|k| {
                let x0 = k as f64 * degrees;
                let x1 = x0 + degrees;
                json!({"type": "Feature", "properties": {"code": format!("Z{k}")},
                    "geometry": {"type": "Polygon", "coordinates":
                        [[[x0, 0.0], [x1, 0.0], [x1, degrees], [x0, degrees], [x0, 0.0]]]}})
            })
            .collect();
        let zones = json!({"type": "FeatureCollection", "features": features});
        write(dir, "zones.geojson", zones.to_string());
        let mut population = "code,hukou,non_hukou\n".to_string();
        for (k, (hukou, non_hukou)) in self.residents.iter().enumerate() {
            population += &format!("Z{k},{hukou},{non_hukou}\n");
        }
        write(dir, "population.csv", population);
        let limit = match self.objective {
            "max_coverage" => "max_new_sites = 2\n",
            _ => "",
        };
        let objective = self.objective;
        let raster = match &self.raster {
            Some(raster) => {
                let width_m = self.side_m * self.residents.len() as f64;
                raster.write(&dir.join("pop.tif"), width_m, self.side_m);
                "raster = \"pop.tif\"\n"
            }
            None => "",
        };
        let scenario = format!(
            "title = \"Random town\"\n\
             [zones]\nfile = \"zones.geojson\"\n\
             [population]\nfile = \"population.csv\"\n{raster}\
             [grid]\ncell_m = {}\n\
             [candidates]\nspacing_m = {}\n\
             [solve]\nnode_limit = 200\n\
             [services.primary_school]\nobjective = \"{objective}\"\nradius_m = {}\n{limit}",
            self.cell_m, self.spacing_m, self.radius_m
        );
        write(dir, "scenario.toml", scenario)
    }

    fn people(&self) -> u64 {
        self.residents.iter().map(|(h, n)| h + n).sum()
    }
}

/// Every file of a plan folder with its bytes, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("plan folder")
        .map(|entry| {
            let path = entry.expect("plan file").path();
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into();
            (name, std::fs::read(&path).expect("plan file"))
        })
        .collect()
}

fn plan(path: &Path) -> Result<CityPlan, TestCaseError> {
    let scenario = read_scenario(path).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut quiet = |_: ServiceKind| {};
    pipeline::plan_scenario(path, scenario, Terminal::default(), &mut quiet)
        .map_err(|e| TestCaseError::fail(e.to_string()))
}

#[test]
fn random_towns_plan_with_everyone_counted_and_repeat_byte_for_byte() {
    check("plan", CASES / 4, town(), |town| {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = town.write(dir.path());
        let first = plan(&path)?;
        let spread: u64 = first.points.iter().map(|p| p.residents.total()).sum();
        prop_assert_eq!(spread, town.people(), "residents lost or made on the grid");
        for (k, &(hukou, non_hukou)) in town.residents.iter().enumerate() {
            let in_zone = first.points.iter().filter(|p| p.zone == k);
            let placed = in_zone.fold((0, 0), |(h, n), p| {
                (h + p.residents.hukou, n + p.residents.non_hukou)
            });
            prop_assert_eq!(placed, (hukou, non_hukou), "zone {} not kept", k);
        }
        for service in &first.services {
            let demand: f64 = service.access.iter().map(|a| a.demand.total()).sum();
            let placed: f64 = service.access.iter().map(|a| a.placed.total()).sum();
            let unplaced: f64 = service.access.iter().map(|a| a.unplaced()).sum();
            prop_assert!(
                (demand - placed - unplaced).abs() <= 1e-6 * demand.max(1.0),
                "demand {} is not placed {} plus unplaced {}",
                demand,
                placed,
                unplaced
            );
        }
        let outputs: Vec<BTreeMap<String, Vec<u8>>> = ["first", "second"]
            .iter()
            .map(|name| {
                let out = dir.path().join(name);
                let city = plan(&path)?;
                export::write_city(&out, &city, Format::Geojson)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                Ok(files(&out))
            })
            .collect::<Result<_, TestCaseError>>()?;
        prop_assert!(outputs[0] == outputs[1], "two runs wrote different files");
        check_catchments(&first, &outputs[0])
    });
}

/// Each site serving some point mainly has one catchment, and a service's catchments
/// cover the pieces of the points served exactly once: their areas add up to the pieces'
/// and to the area of their union.
fn check_catchments(
    city: &CityPlan,
    outputs: &BTreeMap<String, Vec<u8>>,
) -> Result<(), TestCaseError> {
    let layer: geojson::FeatureCollection = String::from_utf8_lossy(&outputs["catchments.geojson"])
        .parse::<geojson::GeoJson>()
        .map_err(|e| TestCaseError::fail(e.to_string()))?
        .try_into()
        .map_err(|e: geojson::Error| TestCaseError::fail(e.to_string()))?;
    for service in &city.services {
        let name = service.service.kind.name();
        let shapes: Vec<MultiPolygon<f64>> = layer
            .features
            .iter()
            .filter(|f| f.property("service").and_then(|s| s.as_str()) == Some(name))
            .filter_map(|f| f.geometry.as_ref())
            .filter_map(|g| MultiPolygon::<f64>::try_from(g.value.clone()).ok())
            .collect();
        let served: Vec<_> = service.access.iter().filter(|a| a.site.is_some()).collect();
        let sites: std::collections::BTreeSet<usize> = served
            .iter()
            .filter_map(|a| a.site.map(|(j, _)| j))
            .collect();
        prop_assert_eq!(shapes.len(), sites.len(), "one catchment per main site");
        let pieces: f64 = served
            .iter()
            .filter_map(|a| city.points[a.point].cell.as_ref())
            .map(|c| c.unsigned_area())
            .sum();
        let catchments: f64 = shapes.iter().map(|s| s.unsigned_area()).sum();
        // Catchment by catchment: geo's `unary_union` drops a hole that touches its shell at a
        // corner (a valid polygon, common among scattered cells), which would report overlap.
        let union = shapes
            .iter()
            .fold(MultiPolygon::new(Vec::new()), |all, shape| all.union(shape))
            .unsigned_area();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-4 * a.max(b).max(1e-12);
        prop_assert!(
            close(catchments, pieces),
            "{} vs pieces {}",
            catchments,
            pieces
        );
        prop_assert!(
            close(union, catchments),
            "overlap: union {} of {}",
            union,
            catchments
        );
    }
    Ok(())
}
