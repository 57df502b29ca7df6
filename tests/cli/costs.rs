//! `defacto costs`: a hand-made street layout, costs a solver can read, the cache, bad input.
//!
//! Streets: an L of two 300 m streets, west–east along the equator from (0 m, 0 m) to
//! (300 m, 0 m), then north to (300 m, 300 m). Homes h1 at the corner's start (0, 0) and h2
//! 1 km north of it, far from any street; sites s1 at (300, 300) — 600 m along the streets,
//! 424 m as the crow flies — and s2 at (300, 0).

use std::path::Path;
use std::process::{Command, Output};

/// Metres east and north of (0°, 0°) as WGS84 degrees.
fn at(x: f64, y: f64) -> [f64; 2] {
    [x / 111_319.490_793, y / 110_574.389]
}

fn points(dir: &Path, name: &str, items: &[(&str, [f64; 2])]) {
    let features: Vec<serde_json::Value> = items
        .iter()
        .map(|(id, coordinates)| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "id": id },
                "geometry": { "type": "Point", "coordinates": coordinates },
            })
        })
        .collect();
    let collection = serde_json::json!({ "type": "FeatureCollection", "features": features });
    std::fs::write(dir.join(name), collection.to_string()).unwrap();
}

fn l_shaped_town(dir: &Path) {
    let street = serde_json::json!({ "type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": { "highway": "residential" },
        "geometry": { "type": "LineString", "coordinates": [
            at(0.0, 0.0), at(150.0, 0.0), at(300.0, 0.0), at(300.0, 150.0), at(300.0, 300.0)
        ] },
    }]});
    std::fs::write(dir.join("streets.geojson"), street.to_string()).unwrap();
    points(
        dir,
        "homes.geojson",
        &[("h1", at(0.0, 0.0)), ("h2", at(0.0, 1000.0))],
    );
    points(
        dir,
        "sites.geojson",
        &[("s1", at(300.0, 300.0)), ("s2", at(300.0, 0.0))],
    );
}

fn costs(dir: &Path, limit: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_defacto"))
        .arg("costs")
        .args(["--network", "streets.geojson", "--from", "homes.geojson"])
        .args(["--to", "sites.geojson", "--out", "out"])
        .args(limit)
        .current_dir(dir)
        .env("DEFACTO_CACHE", dir.join("cache"))
        .output()
        .expect("the binary runs")
}

fn table(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn costs_follow_the_streets_and_far_points_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    l_shaped_town(dir.path());
    let run = costs(dir.path(), &["--max-metres", "1000"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows = table(&dir.path().join("out/costs.csv"));
    assert_eq!(rows[0], ["demand_id", "site_id", "cost"]);
    let cost = |site: &str| -> f64 {
        let row = rows.iter().find(|r| r[0] == "h1" && r[1] == site).unwrap();
        row[2].parse().unwrap()
    };
    assert!((cost("s1") - 600.0).abs() < 2.0, "{rows:?}");
    assert!((cost("s2") - 300.0).abs() < 1.0, "{rows:?}");
    assert_eq!(rows.len(), 3, "h2 has no pairs: {rows:?}");
    let unplaced = table(&dir.path().join("out/unplaced.csv"));
    assert_eq!(unplaced, [vec!["side", "id"], vec!["from", "h2"]]);
}

#[test]
fn the_limit_cuts_pairs_and_a_rerun_reads_the_same_costs_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    l_shaped_town(dir.path());
    let first = costs(dir.path(), &["--max-metres", "400"]);
    assert!(String::from_utf8_lossy(&first.stdout).contains("nodes"));
    let computed = std::fs::read(dir.path().join("out/costs.csv")).unwrap();
    let second = costs(dir.path(), &["--max-metres", "400"]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("from the cache"));
    assert_eq!(
        std::fs::read(dir.path().join("out/costs.csv")).unwrap(),
        computed
    );
    let rows = table(&dir.path().join("out/costs.csv"));
    assert_eq!(rows.len(), 2, "only h1 → s2 within 400 m: {rows:?}");
}

#[test]
fn a_map_without_streets_for_the_profile_is_named() {
    let dir = tempfile::tempdir().unwrap();
    l_shaped_town(dir.path());
    let footway = std::fs::read_to_string(dir.path().join("streets.geojson"))
        .unwrap()
        .replace("residential", "footway");
    std::fs::write(dir.path().join("streets.geojson"), footway).unwrap();
    let run = costs(dir.path(), &["--max-minutes", "10", "--profile", "drive"]);
    assert_eq!(run.status.code(), Some(1));
    let message = String::from_utf8_lossy(&run.stderr);
    let expected = "streets.geojson: holds no street the drive profile may use";
    assert!(message.contains(expected), "{message}");
}

#[test]
fn a_street_file_that_is_not_geojson_is_named() {
    let dir = tempfile::tempdir().unwrap();
    l_shaped_town(dir.path());
    std::fs::write(dir.path().join("streets.geojson"), "not json").unwrap();
    let run = costs(dir.path(), &["--max-minutes", "10"]);
    assert_eq!(run.status.code(), Some(1));
    let message = String::from_utf8_lossy(&run.stderr);
    assert!(message.contains("streets.geojson"), "{message}");
    assert!(!dir.path().join("out").exists());
}
