//! Bad input: a one-line error naming file, row and column, exit code 1, nothing written.

use crate::support::{Run, Workspace};

const P_MEDIAN: &str = "objective = \"p_median\"\np = 2";

/// Runs the problem and checks the common promises; returns the error line.
fn rejected(workspace: Workspace) -> String {
    let run = workspace.solve();
    assert_eq!(
        run.code(),
        1,
        "bad input must exit with 1: {}",
        run.stderr()
    );
    assert!(!run.out.exists(), "nothing may be written to --out");
    let stderr = run.stderr();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Asserts the message names every one of `parts`.
fn assert_names(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
}

#[test]
fn a_missing_problem_file_is_named() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    let missing = workspace.dir.path().join("nowhere.toml");
    let run = Run::solve(&missing, &workspace.out());
    assert_eq!(run.code(), 1);
    assert_names(&run.stderr(), &["nowhere.toml", "cannot read"]);
    assert!(!run.out.exists());
}

#[test]
fn a_missing_table_is_named() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    std::fs::remove_file(workspace.dir.path().join("costs.csv")).unwrap();
    assert_names(&rejected(workspace), &["costs.csv", "cannot read"]);
}

#[test]
fn a_missing_column_is_named_with_the_header_found() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    workspace.write("costs.csv", "demand_id,site_id,km\na,S1,0\n");
    assert_names(
        &rejected(workspace),
        &[
            "costs.csv",
            "missing column `cost`",
            "demand_id, site_id, km",
        ],
    );
}

#[test]
fn a_non_numeric_value_is_named_by_row_and_column() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    workspace.write("demand.csv", "id,demand\na,10\nb,twenty\nc,30\nd,50\n");
    assert_names(
        &rejected(workspace),
        &["demand.csv", "row 3", "column `demand`", "`twenty`"],
    );
}

#[test]
fn a_negative_value_is_named_by_row_and_column() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    workspace.write(
        "sites.csv",
        "id,capacity,fixed_cost,status\nS1,,100,candidate\nS2,-40,50,candidate\nS3,,70,candidate\n",
    );
    assert_names(
        &rejected(workspace),
        &["sites.csv", "row 3", "column `capacity`", "`-40`"],
    );
}

#[test]
fn a_value_that_is_not_finite_is_rejected() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    let costs = std::fs::read_to_string(workspace.dir.path().join("costs.csv")).unwrap();
    workspace.write("costs.csv", &costs.replace("c,S2,1", "c,S2,inf"));
    assert_names(
        &rejected(workspace),
        &["costs.csv", "row 9", "column `cost`", "`inf`"],
    );
}

#[test]
fn a_duplicate_id_names_both_rows() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    workspace.write(
        "sites.csv",
        "id,capacity,fixed_cost,status\nS1,,100,candidate\nS2,,50,candidate\nS2,,70,candidate\n",
    );
    assert_names(
        &rejected(workspace),
        &["sites.csv", "row 4", "column `id`", "`S2`", "row 3"],
    );
}

#[test]
fn a_cost_row_naming_an_unknown_site_is_named() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    let costs = std::fs::read_to_string(workspace.dir.path().join("costs.csv")).unwrap();
    workspace.write("costs.csv", &format!("{costs}b,S9,5\n"));
    assert_names(
        &rejected(workspace),
        &["costs.csv", "row 14", "column `site_id`", "`S9`"],
    );
}

#[test]
fn a_cost_row_naming_an_unknown_demand_point_is_named() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    let costs = std::fs::read_to_string(workspace.dir.path().join("costs.csv")).unwrap();
    workspace.write("costs.csv", &costs.replacen("a,S1,0", "z,S1,0", 1));
    assert_names(
        &rejected(workspace),
        &["costs.csv", "row 2", "column `demand_id`", "`z`"],
    );
}

#[test]
fn a_repeated_cost_pair_is_rejected() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    let costs = std::fs::read_to_string(workspace.dir.path().join("costs.csv")).unwrap();
    workspace.write("costs.csv", &format!("{costs}a,S2,7\n"));
    assert_names(&rejected(workspace), &["costs.csv", "row 14", "`S2`"]);
}

#[test]
fn max_coverage_without_a_radius_says_what_is_missing() {
    let workspace = Workspace::line_town("objective = \"max_coverage\"\np = 1", "sites.csv");
    assert_names(&rejected(workspace), &["problem.toml", "`radius`"]);
}

#[test]
fn p_outside_the_number_of_sites_is_rejected() {
    for p in ["0", "4", "-1"] {
        let settings = format!("objective = \"p_median\"\np = {p}");
        let workspace = Workspace::line_town(&settings, "sites.csv");
        assert_names(&rejected(workspace), &["problem.toml", "`p`"]);
    }
}

#[test]
fn an_unknown_objective_or_setting_is_rejected() {
    let workspace = Workspace::line_town("objective = \"p_centre\"\np = 1", "sites.csv");
    assert_names(&rejected(workspace), &["problem.toml", "p_centre"]);
    let workspace = Workspace::line_town("objective = \"p_median\"\npp = 1", "sites.csv");
    assert_names(&rejected(workspace), &["problem.toml", "pp"]);
}

#[test]
fn an_unknown_site_status_is_rejected() {
    let workspace = Workspace::line_town(P_MEDIAN, "sites.csv");
    workspace.write(
        "sites.csv",
        "id,capacity,fixed_cost,status\nS1,,100,candidate\nS2,,50,planned\nS3,,70,candidate\n",
    );
    assert_names(
        &rejected(workspace),
        &["sites.csv", "row 3", "column `status`", "`planned`"],
    );
}
