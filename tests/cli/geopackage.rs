//! `--format gpkg` and `--format csv`, and Shapefile and GeoPackage inputs, checked with
//! GDAL's own tools (`ogrinfo`, `ogr2ogr`, installed by scripts/setup.sh).

use crate::support::{fixtures, Run, Workspace};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Runs a GDAL tool and returns its standard output, after checking it succeeded.
fn gdal_tool(tool: &str, args: &[&str], dir: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is installed by scripts/setup.sh: {e}"));
    assert!(
        output.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Each layer's feature count, from `ogrinfo -so -al`.
fn feature_counts(gpkg: &Path) -> BTreeMap<String, u64> {
    let text = gdal_tool(
        "ogrinfo",
        &["-ro", "-so", "-al", path_text(gpkg)],
        Path::new("."),
    );
    let mut counts = BTreeMap::new();
    let mut layer = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layer = Some(name.to_owned());
        }
        if let (Some(count), Some(name)) = (line.strip_prefix("Feature Count: "), &layer) {
            counts.insert(name.clone(), count.parse().expect("a count"));
        }
    }
    counts
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// The values of `column` in the rows `ogrinfo -sql` prints.
fn sql_column(gpkg: &Path, sql: &str, column: &str) -> Vec<String> {
    let text = gdal_tool(
        "ogrinfo",
        &["-ro", path_text(gpkg), "-sql", sql],
        Path::new("."),
    );
    let prefix = format!("  {column} (");
    text.lines()
        .filter_map(|line| line.strip_prefix(&prefix))
        .map(|rest| rest.split_once(") = ").expect("a value").1.to_owned())
        .collect()
}

fn plan_small_city(format: &str) -> Run {
    let workspace = Workspace::small_city();
    let scenario = workspace.dir.path().join("scenario.toml");
    let run = Run::command_with(
        "plan",
        &scenario,
        &workspace.out(),
        &["--format", format, "--quiet"],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    run.keeping(workspace.dir)
}

/// Data rows of a written CSV table.
fn data_rows(run: &Run, table: &str) -> u64 {
    (run.table(table).len() - 1) as u64
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The small city (see its scenario.toml): the existing school and the new one at C2; four
/// demand points per square, each served by one school (8 allocations); two districts with
/// one service each.
#[test]
fn plan_gpkg_holds_every_layer_with_its_features_in_wgs84() {
    let csv = plan_small_city("csv");
    let run = plan_small_city("gpkg");
    assert_eq!(
        file_names(&run.out),
        ["districts.csv", "plan.gpkg", "summary.json", "summary.md"]
    );
    let gpkg = run.out.join("plan.gpkg");
    let counts = feature_counts(&gpkg);
    let expected = BTreeMap::from([
        ("allocations".to_owned(), 8),
        ("catchments".to_owned(), 2),
        ("demand_points".to_owned(), 8),
        ("districts".to_owned(), 2),
        ("layer_styles".to_owned(), 5),
        ("sites".to_owned(), 2),
    ]);
    assert_eq!(counts, expected);
    assert_eq!(counts["sites"], data_rows(&csv, "sites.csv"));
    assert_eq!(
        counts["demand_points"],
        data_rows(&csv, "demand_points.csv")
    );
    assert_eq!(counts["districts"], data_rows(&run, "districts.csv"));
    let info = gdal_tool(
        "ogrinfo",
        &["-ro", "-so", "-al", path_text(&gpkg)],
        Path::new("."),
    );
    assert_eq!(info.matches("ID[\"EPSG\",4326]").count(), 5, "{info}");
    let unmet = sql_column(&gpkg, "SELECT unmet FROM districts", "unmet");
    assert_eq!(unmet, ["0", "0"]);
}

#[test]
fn every_spatial_layer_has_one_default_style() {
    let run = plan_small_city("gpkg");
    let gpkg = run.out.join("plan.gpkg");
    let sql = "SELECT f_table_name, f_geometry_column, useAsDefault, styleQML \
               FROM layer_styles ORDER BY f_table_name";
    let tables = sql_column(&gpkg, sql, "f_table_name");
    assert_eq!(
        tables,
        [
            "allocations",
            "catchments",
            "demand_points",
            "districts",
            "sites"
        ]
    );
    assert_eq!(sql_column(&gpkg, sql, "useAsDefault"), ["1"; 5]);
    assert_eq!(sql_column(&gpkg, sql, "f_geometry_column"), ["geom"; 5]);
    let styled = sql_column(
        &gpkg,
        "SELECT count(*) AS n FROM layer_styles WHERE styleQML LIKE '%<renderer-v2%'",
        "n",
    );
    assert_eq!(styled, ["5"]);
}

#[test]
fn two_gpkg_plans_are_byte_identical() {
    let first = plan_small_city("gpkg");
    let second = plan_small_city("gpkg");
    let read = |run: &Run| std::fs::read(run.out.join("plan.gpkg")).expect("plan.gpkg");
    assert!(
        read(&first) == read(&second),
        "plan.gpkg differs between runs"
    );
}

#[test]
fn csv_format_writes_tables_and_no_layers() {
    let run = plan_small_city("csv");
    assert_eq!(
        file_names(&run.out),
        [
            "catchments.csv",
            "demand_points.csv",
            "districts.csv",
            "sites.csv",
            "summary.json",
            "summary.md"
        ]
    );
}

#[test]
fn geojson_format_adds_a_styled_districts_layer() {
    let run = plan_small_city("geojson");
    let names = file_names(&run.out);
    assert_eq!(names.len(), 16, "{names:?}");
    let text = std::fs::read_to_string(run.out.join("districts.geojson")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = json["features"].as_array().unwrap();
    assert_eq!(features.len(), 2);
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    assert_eq!(features[1]["properties"]["zone_name"], "Beta");
    assert_eq!(features[1]["properties"]["demand"], 60.0);
}

fn solve_pmedcap(format: &str) -> Run {
    let problem = fixtures().join("public/pmedcap1_01/problem.toml");
    let dir = tempfile::tempdir().unwrap();
    let run = Run::command_with(
        "solve",
        &problem,
        &dir.path().join("out"),
        &["--format", format, "--quiet"],
    );
    run.keeping(dir)
}

#[test]
fn solve_gpkg_writes_the_tables_as_attribute_layers() {
    let csv = solve_pmedcap("csv");
    let run = solve_pmedcap("gpkg");
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(file_names(&run.out), ["solution.gpkg", "summary.json"]);
    let counts = feature_counts(&run.out.join("solution.gpkg"));
    let assignments = data_rows(&csv, "assignments.csv");
    let open_sites = data_rows(&csv, "open_sites.csv");
    assert_eq!(open_sites, 5, "pmedcap1_01 opens p = 5 sites");
    assert!(assignments >= 50, "every one of the 50 points is assigned");
    assert_eq!(
        counts,
        BTreeMap::from([
            ("assignments".to_owned(), assignments),
            ("open_sites".to_owned(), open_sites),
        ])
    );
}

#[test]
fn solve_refuses_geojson_because_its_tables_have_no_coordinates() {
    let run = solve_pmedcap("geojson");
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("without coordinates"),
        "{}",
        run.stderr()
    );
    assert!(!run.out.exists());
}

/// The small city with its zones as a Shapefile, its school as a GeoPackage and its
/// candidates as a GeoPackage in Web Mercator (reprojected back on reading).
#[test]
fn shapefile_and_geopackage_inputs_give_the_same_plan() {
    let geojson = plan_small_city("csv");
    let workspace = Workspace::small_city();
    let dir = workspace.dir.path();
    gdal_tool("ogr2ogr", &["zones.shp", "zones.geojson"], dir);
    gdal_tool("ogr2ogr", &["schools.gpkg", "schools.geojson"], dir);
    gdal_tool(
        "ogr2ogr",
        &[
            "-t_srs",
            "EPSG:3857",
            "candidates.gpkg",
            "candidates.geojson",
        ],
        dir,
    );
    for name in ["zones.geojson", "schools.geojson", "candidates.geojson"] {
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    let scenario = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &scenario
            .replace("zones.geojson", "zones.shp")
            .replace("schools.geojson", "schools.gpkg")
            .replace("candidates.geojson", "candidates.gpkg"),
    );
    let scenario = dir.join("scenario.toml");
    let run = Run::command_with("plan", &scenario, &workspace.out(), &["--format", "csv"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let run = run.keeping(workspace.dir);
    for table in ["sites.csv", "districts.csv"] {
        assert_eq!(run.table(table), geojson.table(table), "{table}");
    }
}

#[test]
fn a_bad_geopackage_input_names_file_feature_and_field() {
    let workspace = Workspace::small_city();
    let dir = workspace.dir.path();
    workspace.write(
        "schools.geojson",
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"id": "school-A", "capacity": "sixty"},
            "geometry": {"type": "Point", "coordinates": [0.0045, 0.0045]}}]}"#,
    );
    gdal_tool("ogr2ogr", &["schools.gpkg", "schools.geojson"], dir);
    let scenario = std::fs::read_to_string(dir.join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &scenario.replace("schools.geojson", "schools.gpkg"),
    );
    let run = workspace.plan();
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let message = run.stderr();
    for part in [
        "schools.gpkg",
        "feature 1 (school-A)",
        "field `capacity`",
        "sixty",
    ] {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
    assert!(!run.out.exists(), "nothing may be written");
}

/// A folder named plan.gpkg stands where the GeoPackage goes: the rename fails, and neither
/// the GeoPackage written under its temporary name nor any other output is left behind.
#[test]
fn a_gpkg_that_cannot_be_put_in_place_leaves_nothing_half_written() {
    let workspace = Workspace::small_city();
    let blocker = workspace.out().join("plan.gpkg");
    std::fs::create_dir_all(blocker.join("in_the_way")).unwrap();
    let scenario = workspace.dir.path().join("scenario.toml");
    let run = Run::command_with(
        "plan",
        &scenario,
        &workspace.out(),
        &["--format", "gpkg", "--quiet"],
    );
    assert_eq!(run.code(), 5, "{}", run.stderr());
    assert!(run.stderr().contains("plan.gpkg"), "{}", run.stderr());
    assert_eq!(file_names(&workspace.out()), ["plan.gpkg"]);
    assert!(blocker.join("in_the_way").is_dir());
}
