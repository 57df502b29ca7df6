//! The QGIS project of a plan, opened and rendered by QGIS itself through
//! `scripts/check_qgis_project.py` (QGIS's Python bindings, which `scripts/setup.sh`
//! installs): a valid project in Web Mercator, a group per service with its layers stacked
//! points over lines over polygons, and new sites seen on the rendered map.

use crate::support::{repository, Workspace};
use std::process::Command;

/// Plans the small city in `format`, then runs the check script on the plan folder; its
/// output.
fn checked(format: &str) -> String {
    let workspace = Workspace::small_city();
    let scenario = workspace.dir.path().join("scenario.toml");
    let out = workspace.out();
    let run = crate::support::Run::command_with("plan", &scenario, &out, &["--format", format]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let png = workspace.dir.path().join("map.png");
    let check = Command::new("/usr/bin/python3")
        .arg(repository().join("scripts/check_qgis_project.py"))
        .arg(&out)
        .arg(&png)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&check.stdout).into_owned();
    assert!(
        check.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(png.exists(), "no picture rendered");
    said
}

#[test]
fn the_qgis_project_beside_geojson_layers_opens_as_a_finished_map() {
    let said = checked("geojson");
    assert!(
        said.contains("ok project Small city: CRS EPSG:3857"),
        "{said}"
    );
    assert!(
        said.contains(
            "ok group primary_school: sites (2), demand_points (8), allocations (8), \
             catchments (2), districts (2)"
        ),
        "{said}"
    );
    assert!(said.contains("pixels of new sites seen"), "{said}");
}

#[test]
fn the_qgis_project_inside_the_geopackage_opens_as_a_finished_map() {
    let said = checked("gpkg");
    assert!(
        said.contains("ok project Small city: CRS EPSG:3857"),
        "{said}"
    );
    assert!(
        said.contains("ok group primary_school: sites (2)"),
        "{said}"
    );
    assert!(said.contains("pixels of new sites seen"), "{said}");
}
