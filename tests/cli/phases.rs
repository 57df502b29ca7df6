//! Phased plans on the small city (`tests/fixtures/small_city`): Alpha (A) has 400 registered
//! and 400 non-hukou residents in 2025 and 2035; Beta (B) is empty in 2025 and has as many as
//! A by 2035. A's 60 pupils fit its existing school; B's 60 pupils of 2035 live 750 m or more
//! from it, beyond the 500 m standard, so a school at B's centre (C2) pays for itself then,
//! and not before: built in 2035, at a discount of 3 % a year.

use crate::support::{Run, Workspace};

/// The small city planned in phases, with sizes and prices a hand can follow.
fn phased_small_city(phases: &str) -> Workspace {
    let workspace = Workspace::small_city();
    let path = workspace.dir.path().join("scenario.toml");
    let scenario = std::fs::read_to_string(&path).unwrap();
    let edited = scenario
        .replace(
            "objective = \"min_sites\"   # the fewest new sites that serve everyone within the radius",
            "objective = \"min_cost\"",
        )
        .replace(
            "new_site_capacity = 100\n",
            "sizes = [{ name = \"small\", capacity = 60, cost = 100 }, { name = \"large\", capacity = 120, cost = 150 }]\nunplaced_price = 1000\ntravel_price_per_km = 1\nbeyond_standard_price = 10\n",
        )
        .replace(
            "file = \"population.csv\"",
            "file = \"population.csv\"\nhukou_column = \"hukou_{year}\"\nnon_hukou_column = \"non_hukou_{year}\"",
        );
    workspace.write("scenario.toml", &format!("{edited}\n{phases}"));
    workspace.write(
        "population.csv",
        "code,hukou_2025,non_hukou_2025,hukou_2035,non_hukou_2035\nA,400,400,400,400\nB,0,0,400,400\n",
    );
    workspace
}

fn summary_of(run: &Run) -> serde_json::Value {
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = std::fs::read_to_string(run.out.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_school_is_built_in_the_phase_that_needs_it_and_each_phase_has_its_plan() {
    let workspace = phased_small_city(
        "[phases]\nyears = [2025, 2035]\ndiscount_rate = 0.03\ngrowth_premium = 0.25\n",
    );
    let run = workspace.plan();
    let summary = summary_of(&run);
    assert_eq!(summary["years"], serde_json::json!([2025, 2035]));
    let school = &summary["services"][0];
    assert_eq!(school["whole_model_searched"], true);
    let phases = school["phases"].as_array().unwrap();
    assert_eq!(phases[0]["residents"], 800);
    assert_eq!(phases[1]["residents"], 1600);
    assert_eq!(phases[0]["demand"], 60.0);
    assert_eq!(phases[1]["demand"], 120.0);
    assert_eq!(phases[0]["sites_opened"], 0);
    assert_eq!(phases[1]["sites_opened"], 1);
    assert_eq!(phases[1]["served_within_standard"], 120.0);
    let value = school["objective_value"].as_f64().unwrap();
    let alone = school["planned_one_phase_at_a_time"].as_f64().unwrap();
    assert!(value <= alone + 1e-6, "{value} > {alone}");
    // The small school at 3 % over ten years: 100 / 1.03^10.
    let construction = 100.0 / 1.03f64.powi(10);
    assert!(value >= construction - 1e-6, "{value}");
    let style = std::fs::read_to_string(run.out.join("sites_by_phase.qml")).unwrap();
    assert!(style.contains(r#"attr="change""#), "{style}");
    let sites = run.table("sites_by_phase.csv");
    let opened: Vec<&Vec<String>> = sites.iter().filter(|r| r[5] == "opens").collect();
    assert_eq!(opened.len(), 1, "{sites:?}");
    assert_eq!(
        (opened[0][3].as_str(), opened[0][4].as_str()),
        ("C2 (small)", "2035")
    );
    for year in ["2025", "2035"] {
        let phase = run.out.join(year);
        for file in [
            "summary.md",
            "sites.geojson",
            "catchments.geojson",
            "plan.qgs",
        ] {
            assert!(phase.join(file).exists(), "{year}/{file}");
        }
    }
    let report = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    assert!(
        report.contains("- **primary_school, 2035**: C2 (small) opens, 60 places."),
        "{report}"
    );
}

#[test]
fn a_phased_plan_repeats_byte_for_byte() {
    let phases = "[phases]\nyears = [2025, 2035]\ndiscount_rate = 0.03\n";
    let first = phased_small_city(phases).plan();
    let second = phased_small_city(phases).plan();
    for file in [
        "summary.md",
        "summary.json",
        "phases.csv",
        "sites_by_phase.geojson",
        "2035/sites.geojson",
    ] {
        let read = |run: &Run| std::fs::read(run.out.join(file)).unwrap();
        assert_eq!(read(&first), read(&second), "{file}");
    }
}

#[test]
fn compare_reads_a_phased_plan_as_one_plan_per_year() {
    let workspace = phased_small_city("[phases]\nyears = [2025, 2035]\ndiscount_rate = 0.03\n");
    let dir = workspace.dir.path();
    let phased = dir.join("scenario.toml");
    let text = std::fs::read_to_string(&phased).unwrap();
    let at_once_text = text
        .replace("{year}", "2035")
        .replace("[phases]\nyears = [2025, 2035]\ndiscount_rate = 0.03\n", "");
    let at_once = dir.join("at_once.toml");
    std::fs::write(&at_once, at_once_text).unwrap();
    let options = [at_once.to_str().unwrap(), "--quiet"];
    let run = Run::command_with("compare", &phased, &dir.join("out"), &options);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run
        .out
        .join("scenario")
        .join("2035")
        .join("sites.csv")
        .is_file());
    let table = run.table("comparison.csv");
    assert_eq!(
        table[0][5..8],
        ["scenario 2025", "scenario 2035", "at_once"].map(String::from)
    );
    let figures = |group: &str, indicator: &str| -> Vec<f64> {
        let found = table
            .iter()
            .find(|r| r[1] == group && r[2].is_empty() && r[3] == indicator)
            .unwrap_or_else(|| panic!("no row {indicator}"));
        found[5..8].iter().map(|v| v.parse().unwrap()).collect()
    };
    // 60 pupils in 2025, 120 in 2035; the plan built at once for 2035 meets the same 120.
    assert_eq!(figures("all", "demand"), [60.0, 120.0, 120.0]);
    assert_eq!(
        figures("all", "served_within_standard"),
        [60.0, 120.0, 120.0]
    );
    // C2 is new in 2035 in both plans of that year, and not yet built in 2025.
    assert_eq!(figures("", "new_sites"), [0.0, 1.0, 1.0]);
}
