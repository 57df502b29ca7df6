//! The default `min_cost` model of `defacto plan` on the small city (two 1 km squares, A and
//! B, 15 pupils on each of the four 500 m pieces of a square, 354 m from its centre; see
//! `tests/fixtures/small_city/scenario.toml`): sizes and prices, rural zones, and a plan by
//! hukou judged against everyone who lives there.

use crate::support::Workspace;
use serde_json::Value;

/// The small city's primary schools under the `min_cost` model: one size of 45 places at
/// 1,000; a trip costs 1 per km, 1 more beyond 500 m; nobody farther than 1,000 m (2,000 m in
/// rural zones, whose standard is 1,500 m); a pupil without a place costs 100,000.
fn priced_city(basis: &str, rural: &str, school_capacity: u32) -> Workspace {
    let workspace = Workspace::small_city();
    let schools = std::fs::read_to_string(workspace.dir.path().join("schools.geojson"))
        .expect("schools fixture");
    workspace.write(
        "schools.geojson",
        &schools.replace(
            "\"capacity\": 60",
            &format!("\"capacity\": {school_capacity}"),
        ),
    );
    workspace.write(
        "scenario.toml",
        &format!(
            r#"title = "Small city, priced"
basis = "{basis}"

[zones]
file = "zones.geojson"
code_field = "code"
name_field = "name"
rural = [{rural}]

[population]
file = "population.csv"

[grid]
cell_m = 500

[candidates]
file = "candidates.geojson"

[services.primary_school]
per_resident = 0.1
access = {{ hukou = 1.0, non_hukou = 0.5 }}
radius_m = 500
max_travel_m = 1000
sizes = [{{ name = "small", capacity = 45, cost = 1000 }}]
min_load_share = 0
travel_price_per_km = 1
beyond_standard_price = 1
unplaced_price = 100000
rural = {{ radius_m = 1500, max_travel_m = 2000 }}

[services.primary_school.existing]
file = "schools.geojson"
"#
        ),
    );
    workspace
}

fn school(summary: &Value) -> &Value {
    &summary["services"][0]
}

/// School A (200 places) lies 791 m from B's near pieces and 1,275 m from its far ones. With
/// B urban (1,000 m at most) the far pieces need a school of their own: C2 at B's centre
/// (354 m) takes 45 of B's 60 pupils and 15 walk 791 m to A, beyond the standard. With B
/// rural (2,000 m) everyone walks to A: no new school, and all 120 pupils are within their
/// standard (500 m in A, 1,500 m in B).
#[test]
fn a_rural_zone_reaches_farther_and_needs_no_school_of_its_own() {
    let urban = priced_city("de_facto", "", 200).plan().summary();
    assert_eq!(school(&urban)["new_sites"], 1);
    assert_eq!(school(&urban)["served_within_standard"], 105.0);
    assert_eq!(school(&urban)["beyond_standard"], 15.0);
    let rural = priced_city("de_facto", "\"B\"", 200).plan().summary();
    assert_eq!(school(&rural)["new_sites"], 0);
    assert_eq!(school(&rural)["served_within_standard"], 120.0);
    assert_eq!(school(&rural)["unplaced"], 0.0);
}

/// By hukou: 40 registered pupils in A fill school A's 60 places to 40; B's 40 need C2 (45
/// places). Judged against everyone: 20 non-hukou pupils in each square. A's take A's 20
/// places left (354 m), C2's 5 places left go to B's nearest (354 m), and 15 of B's are left
/// without a place: the shortfall of planning by hukou, all in B.
#[test]
fn a_hukou_plan_judged_against_everyone_leaves_migrant_pupils_without_a_place() {
    let run = priced_city("hukou", "", 60).plan();
    let summary = run.summary();
    let service = school(&summary);
    assert_eq!(service["judged_against_de_facto"], true);
    assert_eq!(service["new_sites"], 1);
    assert_eq!(service["hukou"]["demand"], 80.0);
    assert_eq!(service["hukou"]["unplaced"], 0.0);
    let migrants = &service["non_hukou"];
    assert_eq!(migrants["demand"], 40.0);
    assert_eq!(migrants["served_within_standard"], 25.0);
    assert_eq!(migrants["unplaced"], 15.0);
    let districts = run.table("districts.csv");
    let header = &districts[0];
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let unplaced: Vec<(&str, &str)> = districts[1..]
        .iter()
        .map(|row| {
            (
                row[column("zone")].as_str(),
                row[column("unplaced_non_hukou")].as_str(),
            )
        })
        .collect();
    assert_eq!(unplaced, [("A", "0"), ("B", "15")]);
    let brief = std::fs::read_to_string(run.out.join("summary.md")).expect("summary.md");
    assert!(
        brief.contains("leaves **15 of 40 non-hukou pupils without a place within the standard**"),
        "{brief}"
    );
}

/// Plans `workspace` expecting bad input: exit 1, one line, nothing written.
fn refused(workspace: Workspace) -> String {
    let run = workspace.plan();
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(!run.out.exists(), "nothing may be written");
    let message = run.stderr();
    assert_eq!(message.lines().count(), 1, "{message}");
    message
}

/// The scenario of [`priced_city`] with `from` replaced by `to`.
fn edited(from: &str, to: &str) -> Workspace {
    let workspace = priced_city("de_facto", "", 200);
    let path = workspace.dir.path().join("scenario.toml");
    let text = std::fs::read_to_string(&path).expect("scenario");
    assert!(text.contains(from), "{from}");
    workspace.write("scenario.toml", &text.replace(from, to));
    workspace
}

#[test]
fn bad_service_levels_name_their_field() {
    let shorter = refused(edited("max_travel_m = 1000", "max_travel_m = 400"));
    assert!(
        shorter.contains("services.primary_school.max_travel_m")
            && shorter.contains("shorter than the radius"),
        "{shorter}"
    );
    let no_sizes = refused(edited(
        "sizes = [{ name = \"small\", capacity = 45, cost = 1000 }]",
        "sizes = []",
    ));
    assert!(
        no_sizes.contains("services.primary_school.sizes"),
        "{no_sizes}"
    );
    let bad_size = refused(edited("capacity = 45", "capacity = 0"));
    assert!(
        bad_size.contains("services.primary_school.sizes[0].capacity"),
        "{bad_size}"
    );
    let rural = refused(edited("rural = []", "rural = [\"Z\"]"));
    assert!(
        rural.contains("zones.rural") && rural.contains("`Z`"),
        "{rural}"
    );
    let share = refused(edited("min_load_share = 0", "min_load_share = 1.5"));
    assert!(
        share.contains("services.primary_school.min_load_share"),
        "{share}"
    );
}
