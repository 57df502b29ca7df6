//! `[zones] datum = "gcj02"`: a boundary in the offset datum of Chinese web maps is put back
//! where its WGS84 source has it. The fixture (`tests/fixtures/gcj02`) is 二七区 of the
//! bundled Tianditu districts moved into GCJ-02 by `scripts/make_gcj02_fixture.py`.

use crate::support::{repository, Workspace};
use defacto::travel::geodesic::distance_m;
use geo::Point;
use serde_json::Value;

const SOURCE: &str = "maps/zhengzhou/districts_tianditu_cgcs2000.geojson";

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).expect("GeoJSON file");
    serde_json::from_str(&text).expect("GeoJSON is JSON")
}

/// Every position of a MultiPolygon feature, in file order.
fn positions(feature: &Value) -> Vec<Point<f64>> {
    let polygons = feature["geometry"]["coordinates"]
        .as_array()
        .expect("MultiPolygon coordinates");
    polygons
        .iter()
        .flat_map(|polygon| polygon.as_array().expect("rings"))
        .flat_map(|ring| ring.as_array().expect("positions"))
        .map(|p| Point::new(p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect()
}

/// 二七区 as the fixture was made from it, in WGS84.
fn erqi_source() -> Vec<Point<f64>> {
    let json = read_json(&repository().join(SOURCE));
    let erqi = json["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["name"] == "二七区")
        .expect("二七区 in the bundled districts");
    positions(erqi)
}

/// Plans the workspace's scenario and measures how far each position of the planned
/// district's boundary (the districts layer) lies from the WGS84 source, in metres.
fn metres_from_source(workspace: Workspace) -> Vec<f64> {
    let run = workspace.plan();
    assert_eq!(run.code(), 0, "the run failed: {}", run.stderr());
    let districts = read_json(&run.out.join("districts.geojson"));
    let planned = positions(&districts["features"][0]);
    let source = erqi_source();
    // Equal counts pair each vertex with the one it was made from; an empty pair of lists
    // would let every bound below pass unchecked.
    assert!(!source.is_empty());
    assert_eq!(
        planned.len(),
        source.len(),
        "the fixture no longer matches {SOURCE}: run python3 scripts/make_gcj02_fixture.py"
    );
    planned
        .iter()
        .zip(&source)
        .map(|(&a, &b)| distance_m(a, b))
        .collect()
}

#[test]
fn a_gcj02_boundary_comes_back_within_2_m_of_its_wgs84_source() {
    let metres = metres_from_source(Workspace::copy_of("gcj02"));
    let farthest = metres.iter().copied().fold(0.0, f64::max);
    assert!(
        farthest < 2.0,
        "a vertex lies {farthest:.2} m from its source"
    );
}

/// The check above means something only if reading the datum matters: without it the
/// boundary stays where GCJ-02 put it, 568–588 m east-south-east of the source.
#[test]
fn the_gcj02_boundary_read_as_wgs84_is_hundreds_of_metres_off() {
    let workspace = Workspace::copy_of("gcj02");
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    assert!(scenario.contains("datum = \"gcj02\"\n"));
    workspace.write(
        "scenario.toml",
        &scenario.replace("datum = \"gcj02\"\n", ""),
    );
    let metres = metres_from_source(workspace);
    let nearest = metres.iter().copied().fold(f64::INFINITY, f64::min);
    assert!(
        nearest > 500.0,
        "a vertex lies only {nearest:.0} m from its source"
    );
}
