//! `defacto plan`: the small city planned by hand (see its scenario.toml), totals kept,
//! planning basis, outputs GDAL can open, and bad scenario input.

use crate::support::Workspace;
use serde_json::Value;

fn service<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["service"] == name)
        .expect("service in summary")
}

#[test]
fn small_city_needs_one_new_school_at_the_centre_of_beta() {
    let run = Workspace::small_city().plan();
    let summary = run.summary();
    let school = service(&summary, "primary_school");
    assert_eq!(school["status"], "optimal");
    assert_eq!(school["new_sites"], 1);
    assert_eq!(school["demand"], 120.0);
    assert_eq!(school["unmet"], 0.0);
    let sites = run.table("sites.csv");
    let ids: Vec<(&str, &str)> = sites[1..]
        .iter()
        .map(|row| (row[3].as_str(), row[4].as_str()))
        .collect();
    assert_eq!(ids, [("school-A", "existing"), ("C2", "new")]);
}

/// The existing school at Alpha's centre serves all of Alpha and the new school C2 all of
/// Beta, so their catchments are the two squares, with 60 pupils each.
#[test]
fn each_school_s_catchment_is_the_cells_it_serves_dissolved() {
    let run = Workspace::small_city().plan();
    let text = std::fs::read_to_string(run.out.join("catchments.geojson")).unwrap();
    let layer: Value = serde_json::from_str(&text).unwrap();
    let zones: Value = serde_json::from_str(
        &std::fs::read_to_string(crate::support::fixtures().join("small_city/zones.geojson"))
            .unwrap(),
    )
    .unwrap();
    let features = layer["features"].as_array().unwrap();
    assert_eq!(features.len(), 2, "one catchment per open school");
    for (feature, zone) in features.iter().zip(zones["features"].as_array().unwrap()) {
        let square = &zone["geometry"]["coordinates"][0];
        let ring = &feature["geometry"]["coordinates"][0][0];
        let corners = |ring: &Value| -> Vec<(i64, i64)> {
            let mut corners: Vec<(i64, i64)> = ring
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let at = |k: usize| (p[k].as_f64().unwrap() * 1e6).round() as i64;
                    (at(0), at(1))
                })
                .collect();
            corners.sort_unstable();
            corners.dedup();
            corners
        };
        assert_eq!(corners(ring), corners(square), "{}", feature["properties"]);
        assert_eq!(feature["properties"]["demand"], 60.0);
        assert_eq!(feature["properties"]["demand_points"], 4);
    }
    let sites: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["site"].as_str().unwrap())
        .collect();
    assert_eq!(sites, ["school-A", "C2"]);
}

#[test]
fn every_resident_of_the_planned_zones_lands_on_a_demand_point() {
    let summary = Workspace::small_city().plan().summary();
    assert_eq!(summary["residents_in_planned_zones"], 1600);
    assert_eq!(summary["residents_on_demand_points"], 1600);
    assert_eq!(summary["demand_points"], 8);
}

#[test]
fn planning_by_hukou_sizes_for_registered_pupils_and_is_judged_against_everyone() {
    let de_facto = Workspace::small_city().plan().summary();
    let workspace = Workspace::small_city();
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &scenario.replace(
            "title = \"Small city\"",
            "title = \"Small city\"\nbasis = \"hukou\"",
        ),
    );
    let hukou = workspace.plan().summary();
    let registered = |s: &Value| service(s, "primary_school")["hukou"]["demand"].clone();
    let everyone = |s: &Value| service(s, "primary_school")["demand"].clone();
    assert_eq!(everyone(&de_facto), 120.0);
    assert_eq!(registered(&de_facto), 80.0);
    // The hukou plan is sized for its 80 registered pupils, then judged against all 120.
    assert_eq!(registered(&hukou), 80.0);
    assert_eq!(everyone(&hukou), 120.0);
}

#[test]
fn a_variant_extends_its_base_and_overrides_one_value() {
    let workspace = Workspace::small_city();
    let base = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write("base.toml", &base);
    workspace.write(
        "scenario.toml",
        "extends = \"base.toml\"\n[services.primary_school]\nper_resident = 0.2\nnew_site_capacity = 200\n",
    );
    let summary = workspace.plan().summary();
    assert_eq!(summary["title"], "Small city");
    assert_eq!(service(&summary, "primary_school")["demand"], 240.0);
}

/// Age bands from the population table: in each zone 10 % of the 400 registered and 20 % of
/// the 400 non-hukou residents are of primary-school age; with access 1 and 0.5 that is
/// 40 + 40 = 80 pupils per zone, 160 in all (instead of 120 from `per_resident` = 0.1).
#[test]
fn age_bands_from_the_population_table_replace_the_standard_share() {
    let workspace = Workspace::small_city();
    workspace.write(
        "population.csv",
        "code,hukou,non_hukou,hukou_6_11,non_hukou_6_11\nA,400,400,40,80\nB,400,400,40,80\n",
    );
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write("scenario.toml", &with_age_band(&scenario));
    let summary = workspace.plan().summary();
    assert_eq!(service(&summary, "primary_school")["demand"], 160.0);
}

#[test]
fn an_age_band_larger_than_its_group_is_named() {
    let message = plan_error(|w| {
        w.write(
            "population.csv",
            "code,hukou,non_hukou,hukou_6_11,non_hukou_6_11\nA,400,400,40,80\nB,400,400,500,80\n",
        );
        let scenario = std::fs::read_to_string(w.dir.path().join("scenario.toml")).unwrap();
        w.write("scenario.toml", &with_age_band(&scenario));
    });
    assert!(
        message.contains("population.csv, field `hukou_6_11`"),
        "{message}"
    );
    assert!(message.contains("zone `B`"), "{message}");
}

#[test]
fn residents_can_be_zone_properties_instead_of_a_table() {
    let workspace = Workspace::small_city();
    let text = std::fs::read_to_string(workspace.dir.path().join("zones.geojson")).unwrap();
    let mut zones: Value = serde_json::from_str(&text).unwrap();
    for feature in zones["features"].as_array_mut().unwrap() {
        feature["properties"]["hukou"] = 400.into();
        feature["properties"]["non_hukou"] = 400.into();
    }
    workspace.write("zones.geojson", &zones.to_string());
    std::fs::remove_file(workspace.dir.path().join("population.csv")).unwrap();
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &scenario.replace("[population]\nfile = \"population.csv\"\n", ""),
    );
    let summary = workspace.plan().summary();
    assert_eq!(summary["residents_on_demand_points"], 1600);
    assert_eq!(service(&summary, "primary_school")["demand"], 120.0);
}

/// 0.15 pupils per resident: 60 + 30 = 90 pupils in each square. School A (60 seats) needs
/// 30 more: with C1 gone, only a 45-seat module at A reaches them; B still needs C2.
#[test]
fn an_existing_school_is_expanded_by_a_module_when_no_new_site_can_serve() {
    let workspace = Workspace::small_city();
    let text = std::fs::read_to_string(workspace.dir.path().join("candidates.geojson")).unwrap();
    let mut candidates: Value = serde_json::from_str(&text).unwrap();
    candidates["features"].as_array_mut().unwrap().remove(0);
    workspace.write("candidates.geojson", &candidates.to_string());
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &(scenario.replace("per_resident = 0.1\n", "per_resident = 0.15\n")
            + "\n[services.primary_school.expansion]\ncapacity = 45\ncost = 0.5\n"),
    );
    let run = workspace.plan();
    let school = service(&run.summary(), "primary_school").clone();
    assert_eq!(school["demand"], 180.0);
    assert_eq!(school["unmet"], 0.0);
    assert_eq!(school["expanded_sites"], 1);
    assert_eq!(school["new_sites"], 1);
}

/// Homes given as points: 100 + 100 residents at A's centre (next to school A) and at B's
/// centre: 10 + 5 pupils each. A's go to school A, B's need C2.
fn with_homes(workspace: &Workspace, homes: &[(f64, f64)]) {
    let features: Vec<Value> = homes
        .iter()
        .enumerate()
        .map(|(n, &(lon, lat))| {
            serde_json::json!({
                "type": "Feature",
                "properties": { "id": format!("home-{}", n + 1), "hukou": 100, "non_hukou": 100 },
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
            })
        })
        .collect();
    let collection = serde_json::json!({ "type": "FeatureCollection", "features": features });
    workspace.write("homes.geojson", &collection.to_string());
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &scenario.replace(
            "[grid]\n",
            "[demand_points]\nfile = \"homes.geojson\"\n\n[grid]\n",
        ),
    );
}

#[test]
fn demand_points_can_be_given_as_homes_with_their_residents() {
    let workspace = Workspace::small_city();
    with_homes(&workspace, &[(0.0045, 0.0045), (0.0135, 0.0045)]);
    let summary = workspace.plan().summary();
    assert_eq!(summary["demand_points"], 2);
    assert_eq!(summary["residents_on_demand_points"], 400);
    let school = service(&summary, "primary_school");
    assert_eq!(school["demand"], 30.0);
    assert_eq!(school["new_sites"], 1);
}

#[test]
fn a_given_home_outside_every_zone_is_named() {
    let message = plan_error(|w| with_homes(w, &[(0.0045, 0.0045), (0.5, 0.5)]));
    assert!(
        message.contains("homes.geojson, feature 2 (home-2), field `geometry`"),
        "{message}"
    );
    assert!(message.contains("no zone"), "{message}");
}

/// A street grid every 250 m over both squares (degrees as in the fixture: 1 km =
/// 0.00899321°), walked at 5 km/h, and a scenario that reaches 10 minutes along it. As in
/// OpenStreetMap, crossing streets meet only where they share a vertex, so each street has
/// one at every crossing.
fn with_street_grid(workspace: &Workspace) {
    let degrees = |metres: f64| metres * 0.008_993_210_126_354_602 / 1000.0;
    let street = |vertices: Vec<(f64, f64)>| {
        let coordinates: Vec<[f64; 2]> = vertices
            .iter()
            .map(|&(x, y)| [degrees(x), degrees(y)])
            .collect();
        serde_json::json!({
            "type": "Feature",
            "properties": { "highway": "residential" },
            "geometry": { "type": "LineString", "coordinates": coordinates },
        })
    };
    let at = |k: i32| k as f64 * 250.0;
    let mut streets = Vec::new();
    for column in 0..=8 {
        streets.push(street((0..=4).map(|row| (at(column), at(row))).collect()));
    }
    for row in 0..=4 {
        streets.push(street(
            (0..=8).map(|column| (at(column), at(row))).collect(),
        ));
    }
    let collection = serde_json::json!({ "type": "FeatureCollection", "features": streets });
    workspace.write("streets.geojson", &collection.to_string());
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    workspace.write(
        "scenario.toml",
        &scenario.replace(
            "[grid]\n",
            "[travel]\nnetwork = \"streets.geojson\"\nprofile = \"walk\"\nmax_minutes = 10\n\n[grid]\n",
        ),
    );
}

/// Along the grid, A's homes are 250 m east or west plus 250 m north or south of school A:
/// 500 m, 6 minutes. B's are 1,000 m or more from it, but 6 minutes from C2.
#[test]
fn travel_along_streets_is_measured_in_minutes_within_the_limit() {
    let workspace = Workspace::small_city();
    with_street_grid(&workspace);
    let run = workspace.plan();
    let school = service(&run.summary(), "primary_school").clone();
    assert_eq!(school["new_sites"], 1);
    assert_eq!(school["unmet"], 0.0);
    let rows = run.table("demand_points.csv");
    let minutes = rows[0]
        .iter()
        .position(|c| c == "minutes")
        .expect("a minutes column");
    for row in &rows[1..] {
        let value: f64 = row[minutes].parse().unwrap();
        assert!((value - 6.0).abs() < 0.1, "{row:?}");
    }
}

/// With the streets far away no home can reach a school: the service has no plan (exit 3,
/// status `infeasible`), and each home is reported, by id, as unmet demand out of reach.
#[test]
fn homes_far_from_every_street_leave_no_plan_and_are_reported_out_of_reach() {
    let workspace = Workspace::small_city();
    with_street_grid(&workspace);
    let far = serde_json::json!({ "type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {},
        "geometry": { "type": "LineString", "coordinates": [[1.0, 1.0], [1.01, 1.0]] },
    }]});
    workspace.write("streets.geojson", &far.to_string());
    let run = workspace.plan();
    assert_eq!(run.code(), 3, "a plan that places nobody is no plan");
    let school = service(&run.summary_even_if_failed(), "primary_school").clone();
    assert_eq!(school["status"], "infeasible");
    assert_eq!(school["unmet"], 120.0);
    assert_eq!(school["out_of_reach"]["points"], 8);
    assert_eq!(school["out_of_reach"]["demand"], 120.0);
    let report = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    assert!(report.contains("have no site within 10 min"), "{report}");
    assert_eq!(
        run.table("demand_points.csv").len(),
        9,
        "all 8 homes are listed"
    );
}

/// The Helsinki example on real OpenStreetMap streets, residents placed by the extract's
/// buildings: every home's cost to its school is at least the straight line between them,
/// and homes off the streets are reported.
#[test]
fn helsinki_street_costs_are_never_shorter_than_the_straight_line() {
    let scenario = crate::support::repository().join("examples/helsinki/scenario.toml");
    let out = tempfile::tempdir().unwrap();
    let run = crate::support::Run::command("plan", &scenario, &out.path().join("plan"));
    let summary = run.summary();
    let school = service(&summary, "primary_school");
    assert_eq!(school["out_of_reach"]["points"], 2);
    assert_eq!(summary["residents_on_demand_points"], 12_000);
    assert!(summary["placement"]
        .as_str()
        .unwrap()
        .contains("the 300 residential buildings of helsinki.osm.pbf"));
    let sites: std::collections::HashMap<String, (f64, f64)> = run.table("sites.csv")[1..]
        .iter()
        .map(|r| (r[3].clone(), (r[0].parse().unwrap(), r[1].parse().unwrap())))
        .collect();
    let homes = run.table("demand_points.csv");
    let column = |name: &str| homes[0].iter().position(|h| h == name).expect(name);
    let (site, distance) = (column("site"), column("distance_m"));
    let mut checked = 0;
    for home in &homes[1..] {
        let Some(&(lon, lat)) = sites.get(&home[site]) else {
            continue;
        };
        let straight = defacto::travel::geodesic::distance_m(
            geo::Point::new(home[0].parse().unwrap(), home[1].parse().unwrap()),
            geo::Point::new(lon, lat),
        );
        let along: f64 = home[distance].parse().unwrap();
        // Coordinates in the outputs are rounded to 1e-7 degrees (about a centimetre).
        assert!(along + 0.05 >= straight, "{home:?}: {along} < {straight}");
        checked += 1;
    }
    assert_eq!(checked, 138, "140 points with residents, 2 out of reach");
}

#[test]
fn the_scenario_assumptions_are_repeated_in_the_report() {
    let workspace = Workspace::small_city();
    let scenario = std::fs::read_to_string(workspace.dir.path().join("scenario.toml")).unwrap();
    let assumption = "Half of the migrant children attend public school (assumed).";
    workspace.write(
        "scenario.toml",
        &scenario.replace(
            "title = \"Small city\"",
            &format!("title = \"Small city\"\nassumptions = [\"{assumption}\"]"),
        ),
    );
    let run = workspace.plan();
    assert_eq!(run.summary()["assumptions"][0], assumption);
    let report = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    assert!(report.contains(&format!("- {assumption}")), "{report}");
}

#[test]
fn geojson_layers_are_feature_collections_with_a_qgis_style() {
    let run = Workspace::small_city().plan();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for layer in ["sites", "demand_points", "allocations", "districts"] {
        let text = std::fs::read_to_string(run.out.join(format!("{layer}.geojson"))).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["type"], "FeatureCollection", "{layer}");
        assert!(!json["features"].as_array().unwrap().is_empty(), "{layer}");
        let style = std::fs::read_to_string(run.out.join(format!("{layer}.qml"))).unwrap();
        assert!(
            style.contains("<renderer-v2"),
            "{layer}.qml styles the layer for QGIS"
        );
    }
}

#[test]
fn ogrinfo_opens_every_geojson_layer() {
    let run = Workspace::small_city().plan();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for layer in ["sites", "demand_points", "allocations", "districts"] {
        let path = run.out.join(format!("{layer}.geojson"));
        let output = std::process::Command::new("ogrinfo")
            .args(["-ro", "-so", "-al"])
            .arg(&path)
            .output()
            .expect("ogrinfo is installed by scripts/setup.sh");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{layer}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(text.contains("Feature Count"), "{layer}: {text}");
        assert!(text.contains("WGS 84"), "{layer}: {text}");
    }
}

/// The small city's scenario with the primary school's age band read from the population.
fn with_age_band(scenario: &str) -> String {
    scenario.replace(
        "new_site_capacity = 100\n",
        "new_site_capacity = 100\nage_band = { hukou = \"hukou_6_11\", non_hukou = \"non_hukou_6_11\" }\n",
    )
}

fn plan_error(edit: impl FnOnce(&Workspace)) -> String {
    let workspace = Workspace::small_city();
    edit(&workspace);
    let out = workspace.out();
    let run = workspace.plan();
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(!out.exists(), "nothing is written on bad input");
    run.stderr()
}

#[test]
fn a_polygon_that_is_not_closed_is_named() {
    let message = plan_error(|w| {
        let text = std::fs::read_to_string(w.dir.path().join("zones.geojson")).unwrap();
        let mut json: Value = serde_json::from_str(&text).unwrap();
        json["features"][1]["geometry"]["coordinates"][0]
            .as_array_mut()
            .unwrap()
            .pop();
        w.write("zones.geojson", &json.to_string());
    });
    assert!(message.contains("zones.geojson"), "{message}");
    assert!(message.contains("feature 2"), "{message}");
    assert!(message.contains("geometry"), "{message}");
}

#[test]
fn broken_geojson_is_named() {
    let message = plan_error(|w| w.write("zones.geojson", "{\"type\": \"FeatureCollection\","));
    assert!(message.contains("zones.geojson"), "{message}");
}

#[test]
fn a_population_row_for_an_unknown_zone_is_named() {
    let message = plan_error(|w| {
        w.write(
            "population.csv",
            "code,hukou,non_hukou\nA,1,1\nB,1,1\nZ,5,5\n",
        )
    });
    assert!(
        message.contains("population.csv, row 4, column `code`"),
        "{message}"
    );
    assert!(message.contains("no zone"), "{message}");
}

#[test]
fn negative_population_is_named() {
    let message =
        plan_error(|w| w.write("population.csv", "code,hukou,non_hukou\nA,1,-1\nB,1,1\n"));
    assert!(
        message.contains("population.csv, row 2, column `non_hukou`"),
        "{message}"
    );
}

#[test]
fn an_unknown_service_is_named_with_the_known_ones() {
    let message = plan_error(|w| {
        let text = std::fs::read_to_string(w.dir.path().join("scenario.toml")).unwrap();
        w.write("scenario.toml", &format!("{text}\n[services.hospital]\n"));
    });
    assert!(message.contains("services.hospital"), "{message}");
    assert!(message.contains("primary_school"), "{message}");
}

/// `defacto plan … | head -0`: the reader is gone before the summary is printed; the plan is
/// written and the run ends without a panic (ripgrep treats a broken pipe the same way).
#[test]
fn a_closed_standard_output_is_not_a_panic() {
    let workspace = Workspace::small_city();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_defacto"))
        .arg("plan")
        .arg(workspace.dir.path().join("scenario.toml"))
        .arg("--out")
        .arg(workspace.out())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("defacto starts");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("defacto ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(workspace.out().join("summary.json").is_file());
}

/// A city of fourteen zones opens its summary with their count, not fourteen names; every
/// zone still has its row in districts.csv.
#[test]
fn a_summary_of_many_zones_counts_them_in_its_opening_line() {
    let workspace = Workspace::small_city();
    let side = 0.0089932;
    let features: Vec<Value> = (0..14)
        .map(|k| {
            let (x0, x1) = (k as f64 * side, (k + 1) as f64 * side);
            serde_json::json!({"type": "Feature", "properties": {"code": format!("Z{k}")},
                "geometry": {"type": "Polygon", "coordinates":
                    [[[x0, 0.0], [x1, 0.0], [x1, side], [x0, side], [x0, 0.0]]]}})
        })
        .collect();
    let zones = serde_json::json!({"type": "FeatureCollection", "features": features});
    workspace.write("zones.geojson", &zones.to_string());
    let rows: String = (0..14).map(|k| format!("Z{k},400,400\n")).collect();
    workspace.write("population.csv", &format!("code,hukou,non_hukou\n{rows}"));
    let run = workspace.plan();
    assert!(run.code() == 0 || run.code() == 3, "{}", run.stderr());
    let report = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    let opening = report.lines().nth(2).unwrap();
    assert!(
        opening.contains("Zones planned: 14 (each in the district table below"),
        "{opening}"
    );
    assert!(
        opening.contains("Residents: 11,200 (5,600 without local hukou)"),
        "{opening}"
    );
    assert_eq!(run.table("districts.csv").len(), 15, "a row per zone");
}
