//! Every objective on `line_town`, with the optimum worked out by hand.
//!
//! Costs (km) from villages a, b, c, d (demand 10, 20, 30, 50) to sites S1, S2, S3:
//! a: 0 3 6 · b: 2 1 4 · c: 4 1 2 · d: 6 3 0. Weights equal demand.

use crate::support::{assert_optimal, open_sites, Workspace};

/// One site: S1 costs 0+40+120+300 = 460, S2 30+20+30+150 = 230, S3 60+80+60+0 = 200.
#[test]
fn p_median_with_one_site_picks_the_cheapest_single_site() {
    let run = Workspace::line_town("objective = \"p_median\"\np = 1", "sites.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 200.0);
    assert_eq!(open_sites(&summary), ["S3"]);
}

/// Two sites: {S1,S2} 0+20+30+150 = 200, {S1,S3} 0+40+60+0 = 100, {S2,S3} 30+20+30+0 = 80.
#[test]
fn p_median_with_two_sites_picks_the_best_pair() {
    let run = Workspace::line_town("objective = \"p_median\"\np = 2", "sites.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 80.0);
    assert_eq!(open_sites(&summary), ["S2", "S3"]);
    assert_eq!(summary["demand_served"], 110.0);
}

/// A radius of 3 km bars S1 from d and S3 from a, so only S2 reaches everyone: 230.
#[test]
fn a_radius_rules_out_the_unconstrained_optimum() {
    let settings = "objective = \"p_median\"\np = 1\nradius = 3.0";
    let summary = Workspace::line_town(settings, "sites.csv")
        .solve()
        .summary();
    assert_optimal(&summary, 230.0);
    assert_eq!(open_sites(&summary), ["S2"]);
}

/// With S2 already built and p = 2, the one new site is S3 (80) rather than S1 (200).
#[test]
fn existing_sites_stay_open_and_count_toward_p() {
    let settings = "objective = \"p_median\"\np = 2";
    let summary = Workspace::line_town(settings, "sites_s2_existing.csv")
        .solve()
        .summary();
    assert_optimal(&summary, 80.0);
    assert_eq!(open_sites(&summary), ["S2", "S3"]);
    assert_eq!(summary["new_sites"], serde_json::json!(["S3"]));
}

/// Capacities S2 = 40, S3 = 60 (110 pupils): {S2,S3} cannot hold everyone. {S1,S3}: d (50)
/// fills S3 to 50, the last 10 places go to c (saving 2 km each over S1): 10·2 + 20·4 + 40 =
/// 140. {S1,S2}: S2 takes c and 10 of d (saving 3 km each): 460 − 120 = 340.
#[test]
fn split_assignment_shares_a_village_between_two_schools() {
    let settings = "objective = \"p_median\"\np = 2";
    let run = Workspace::line_town(settings, "sites_capacitated.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 140.0);
    assert_eq!(open_sites(&summary), ["S1", "S3"]);
    let c_rows: Vec<Vec<String>> = run
        .table("assignments.csv")
        .into_iter()
        .filter(|row| row[0] == "c")
        .collect();
    assert_eq!(c_rows.len(), 2, "c is split: {c_rows:?}");
    let carried: Vec<f64> = c_rows.iter().map(|row| row[3].parse().unwrap()).collect();
    assert!((carried[0] - 20.0).abs() < 1e-6 && (carried[1] - 10.0).abs() < 1e-6);
}

/// Single source: c (30) no longer fits beside d (50) in S3 (60), so it goes to S1 whole:
/// 0 + 40 + 120 + 0 = 160; {S1,S2} can only move c to S2: 460 − 90 = 370.
#[test]
fn single_source_serves_each_village_from_one_school() {
    let settings = "objective = \"p_median\"\np = 2\nsingle_source = true";
    let run = Workspace::line_town(settings, "sites_capacitated.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 160.0);
    let rows = run.table("assignments.csv");
    assert_eq!(
        rows.len(),
        5,
        "one row per village plus the header: {rows:?}"
    );
    assert!(rows[1..].iter().all(|row| row[2] == "1"));
}

/// Fixed costs S1 100, S2 50, S3 70, no p: {S2,S3} = 120 + 80 = 200 beats {S3} = 270,
/// {S2} = 280, {S1,S3} = 270 and all three = 270.
#[test]
fn min_cost_trades_fixed_costs_against_travel() {
    let summary = Workspace::line_town("objective = \"min_cost\"", "sites.csv")
        .solve()
        .summary();
    assert_optimal(&summary, 200.0);
    assert_eq!(open_sites(&summary), ["S2", "S3"]);
}

/// Radius 2, p = 1: S1 covers a, b (30), S2 covers b, c (50), S3 covers c, d (80).
#[test]
fn max_coverage_with_one_site_covers_the_most_demand() {
    let settings = "objective = \"max_coverage\"\np = 1\nradius = 2.0";
    let run = Workspace::line_town(settings, "sites.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 80.0);
    assert_eq!(open_sites(&summary), ["S3"]);
    assert_eq!(summary["demand_served"], 80.0);
}

/// Radius 2, p = 2: {S1,S3} covers everyone (110); {S2,S3} only b, c, d (100).
#[test]
fn max_coverage_with_two_sites_covers_everyone() {
    let settings = "objective = \"max_coverage\"\np = 2\nradius = 2.0";
    let summary = Workspace::line_town(settings, "sites.csv")
        .solve()
        .summary();
    assert_optimal(&summary, 110.0);
    assert_eq!(open_sites(&summary), ["S1", "S3"]);
}

/// Capacities bind coverage too: S3 holds 60, so with p = 1 it covers d and 10 of c.
#[test]
fn max_coverage_respects_capacities() {
    let settings = "objective = \"max_coverage\"\np = 1\nradius = 2.0";
    let summary = Workspace::line_town(settings, "sites_capacitated.csv")
        .solve()
        .summary();
    assert_optimal(&summary, 60.0);
    assert_eq!(open_sites(&summary), ["S3"]);
}

/// Radius 2: only S1 reaches a and only S3 reaches d, so two sites; radius 3 lets S2 alone
/// reach all four villages.
#[test]
fn min_sites_finds_the_fewest_sites_covering_everyone() {
    let two = Workspace::line_town("objective = \"min_sites\"\nradius = 2.0", "sites.csv")
        .solve()
        .summary();
    assert_optimal(&two, 2.0);
    assert_eq!(open_sites(&two), ["S1", "S3"]);
    let one = Workspace::line_town("objective = \"min_sites\"\nradius = 3.0", "sites.csv")
        .solve()
        .summary();
    assert_optimal(&one, 1.0);
    assert_eq!(open_sites(&one), ["S2"]);
}

/// With capacities (S2 40, S3 60) and radius 3, S2 alone reaches everyone but holds 40 of
/// 110 pupils; no pair fits ({S1,S3}: S3 would need c and d, 80; {S1,S2}: S2 would need 80;
/// {S2,S3}: 100 places). All three are needed.
#[test]
fn min_sites_opens_more_sites_when_capacity_binds() {
    let settings = "objective = \"min_sites\"\nradius = 3.0";
    let summary = Workspace::line_town(settings, "sites_capacitated.csv")
        .solve()
        .summary();
    assert_optimal(&summary, 3.0);
    assert_eq!(open_sites(&summary), ["S1", "S2", "S3"]);
}

/// Radius 4: only {S1,S3} fits in two sites (S2 cannot take d's 50). S3 holds d and 10 more;
/// the shortest walk gives those places to c (2 km instead of 4 at S1), not to b (4 km
/// instead of 2), so c is split 20 at S1 and 10 at S3.
#[test]
fn min_sites_serves_each_pupil_by_the_shortest_walk_the_places_allow() {
    let settings = "objective = \"min_sites\"\nradius = 4.0";
    let run = Workspace::line_town(settings, "sites_capacitated.csv").solve();
    assert_optimal(&run.summary(), 2.0);
    assert_eq!(open_sites(&run.summary()), ["S1", "S3"]);
    let rows = run.table("assignments.csv");
    let carried = |village: &str, site: &str| -> f64 {
        rows.iter()
            .filter(|row| row[0] == village && row[1] == site)
            .map(|row| row[3].parse::<f64>().unwrap())
            .sum()
    };
    assert!((carried("b", "S1") - 20.0).abs() < 1e-6, "{rows:?}");
    assert!((carried("c", "S1") - 20.0).abs() < 1e-6, "{rows:?}");
    assert!((carried("c", "S3") - 10.0).abs() < 1e-6, "{rows:?}");
    assert!((carried("d", "S3") - 50.0).abs() < 1e-6, "{rows:?}");
}

/// Open sites report their load: S3 serves d and 10 of c (60 of 60), S1 the other 50.
#[test]
fn open_sites_table_reports_load_and_utilisation() {
    let settings = "objective = \"p_median\"\np = 2";
    let run = Workspace::line_town(settings, "sites_capacitated.csv").solve();
    let rows = run.table("open_sites.csv");
    assert_eq!(
        rows[0],
        [
            "site_id",
            "status",
            "capacity",
            "load",
            "utilisation",
            "fixed_cost"
        ]
    );
    let load = |row: &Vec<String>| row[3].parse::<f64>().unwrap();
    assert_eq!(rows[1][0], "S1");
    assert!((load(&rows[1]) - 50.0).abs() < 1e-6);
    assert_eq!(rows[2][0], "S3");
    assert!((load(&rows[2]) - 60.0).abs() < 1e-6);
    assert!((rows[2][4].parse::<f64>().unwrap() - 1.0).abs() < 1e-6);
}

/// Without `p` every site may open; `max_new = 1` leaves the best single site, S3 (200).
#[test]
fn max_new_caps_the_number_of_new_sites() {
    let run = Workspace::line_town("objective = \"p_median\"\nmax_new = 1", "sites.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 200.0);
    assert_eq!(open_sites(&summary), ["S3"]);
}

/// Fixed costs S1 100, S2 50, S3 70. A budget of 120 affords {S2, S3} (120) but not
/// {S1, S2} (150) or all three: a→S2 30 + b→S2 20 + c→S2 30 + d→S3 0 = 80.
#[test]
fn a_budget_limits_the_fixed_costs_of_opened_sites() {
    let run = Workspace::line_town("objective = \"p_median\"\nbudget = 120", "sites.csv").solve();
    let summary = run.summary();
    assert_optimal(&summary, 80.0);
    assert_eq!(open_sites(&summary), ["S2", "S3"]);
}
