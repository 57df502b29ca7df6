//! `--method`: the heuristic with its Lagrangian bound against published optima.

use crate::support::{assert_optimal, fixtures, Run};
use serde_json::Value;

fn solve_with(name: &str, options: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let problem = fixtures().join("public").join(name).join("problem.toml");
    let out = dir.path().join("out");
    Run::command_with("solve", &problem, &out, options).keeping(dir)
}

fn number(summary: &Value, field: &str) -> f64 {
    summary[field].as_f64().expect("a number")
}

/// pmed1 (optimum 5819): the bound meets the heuristic's plan, so it is proven optimal
/// without the exact model.
#[test]
fn the_heuristic_proves_the_p_median_optimum_of_pmed1() {
    let summary = solve_with("pmed1", &["--method", "heuristic"]).summary();
    assert_optimal(&summary, 5819.0);
    assert_eq!(number(&summary, "bound"), 5819.0);
    assert_eq!(summary["status"], "optimal");
}

/// pmed6 (optimum 7824) needs the branch and bound on sites: one node leaves the bound where
/// the root's relaxation put it, below the optimum, and says the plan is not proven; with no
/// limit the tree proves it.
#[test]
fn a_node_limit_stops_the_site_branch_and_bound_with_an_honest_bound() {
    let limited = solve_with("pmed6", &["--node-limit", "1"]).summary();
    let (objective, bound) = (number(&limited, "objective"), number(&limited, "bound"));
    assert_eq!(limited["status"], "feasible");
    assert!(
        bound < 7824.0 && objective >= 7824.0,
        "{bound} … {objective}"
    );
    assert_optimal(&solve_with("pmed6", &[]).summary(), 7824.0);
}

/// Whatever plan the heuristic finds on the capacitated instances, the optimum lies
/// between its bound and its value.
#[test]
fn the_heuristic_bound_never_passes_the_published_optimum() {
    for (name, optimum) in [
        ("cap41", 1040444.375),
        ("pmedcap1_01", 713.0),
        ("holmberg_p1", 8848.0),
    ] {
        let summary = solve_with(name, &["--method", "heuristic"]).summary();
        let (objective, bound) = (number(&summary, "objective"), number(&summary, "bound"));
        assert!(
            bound <= optimum + 1e-6,
            "{name}: bound {bound} above {optimum}"
        );
        assert!(
            objective >= optimum - 1e-6,
            "{name}: plan {objective} below {optimum}"
        );
    }
}

/// Maximal covering maximises: the bound is an upper one.
#[test]
fn the_heuristic_bound_on_coverage_is_an_upper_bound() {
    let summary = solve_with("swain_S5_p2", &["--method", "heuristic"]).summary();
    assert!(number(&summary, "bound") >= 366.0 - 1e-6);
    assert!(number(&summary, "objective") <= 366.0 + 1e-6);
}

#[test]
fn an_unknown_method_is_named_with_the_known_ones() {
    let run = solve_with("pmed1", &["--method", "fastest"]);
    assert_eq!(run.code(), 2);
    assert!(run
        .stderr()
        .contains("`fastest` is not a method: use auto, exact or heuristic"));
}
