//! Problems without a plan: exit code 3, a summary that says why, no half-written tables.

use crate::support::Workspace;

/// Runs an infeasible problem and returns its diagnosis lines.
fn diagnosis(workspace: Workspace) -> Vec<String> {
    let run = workspace.solve();
    assert_eq!(
        run.code(),
        3,
        "infeasible must exit with 3: {}",
        run.stderr()
    );
    let summary = run.summary_even_if_failed();
    assert_eq!(summary["status"], "infeasible");
    assert_eq!(run.table("assignments.csv").len(), 1, "header only");
    summary["diagnosis"]
        .as_array()
        .expect("diagnosis is a list")
        .iter()
        .map(|reason| reason.as_str().unwrap().to_owned())
        .collect()
}

/// Radius 0.5 km: only a (S1 at 0) and d (S3 at 0) have a site that close.
#[test]
fn demand_beyond_the_radius_is_listed_by_id() {
    let settings = "objective = \"p_median\"\np = 2\nradius = 0.5";
    let reasons = diagnosis(Workspace::line_town(settings, "sites.csv"));
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].contains("b, c"), "{}", reasons[0]);
    assert!(!reasons[0].contains("a,"), "{}", reasons[0]);
}

/// 110 pupils, and the two largest sites hold 60 + 40 = 100 when S1 is small.
#[test]
fn total_demand_above_total_capacity_gives_both_figures() {
    let workspace = Workspace::line_town("objective = \"p_median\"\np = 2", "sites.csv");
    workspace.write(
        "sites.csv",
        "id,capacity,fixed_cost,status\nS1,30,100,candidate\nS2,40,50,candidate\nS3,60,70,candidate\n",
    );
    let reasons = diagnosis(workspace);
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("110") && r.contains("100")),
        "{reasons:?}"
    );
}

#[test]
fn min_sites_with_unreachable_demand_is_infeasible() {
    let settings = "objective = \"min_sites\"\nradius = 0.5";
    let reasons = diagnosis(Workspace::line_town(settings, "sites.csv"));
    assert!(reasons[0].contains("b, c"), "{reasons:?}");
}
