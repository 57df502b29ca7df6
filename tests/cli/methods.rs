//! `--method`: the heuristic with its Lagrangian bound against published optima.

use crate::support::{assert_optimal, fixtures, Run, Workspace};
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
/// between its bound and its value. (An unproven plan searches until the limit: 5 s here.)
#[test]
fn the_heuristic_bound_never_passes_the_published_optimum() {
    for (name, optimum) in [
        ("cap41", 1040444.375),
        ("pmedcap1_01", 713.0),
        ("holmberg_p1", 8848.0),
    ] {
        let summary = solve_with(name, &["--method", "heuristic", "--time-limit", "5"]).summary();
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
    let options = ["--method", "heuristic", "--time-limit", "5"];
    let summary = solve_with("swain_S5_p2", &options).summary();
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

/// A capacitated grid town of `columns` × `rows` blocks (1–9 pupils each) and a school site
/// on every fifth block of every other row, each block linked to its 20 nearest sites, `p`
/// one site in ten, room for 1.2 times the pupils.
fn grid_town(columns: usize, rows: usize) -> Workspace {
    let blocks: Vec<(f64, f64)> = (0..rows)
        .flat_map(|r| (0..columns).map(move |c| (c as f64, r as f64)))
        .collect();
    let sites: Vec<(f64, f64)> = blocks
        .iter()
        .copied()
        .filter(|&(c, r)| c as usize % 5 == 2 && r as usize % 2 == 1)
        .collect();
    let pupils = |b: usize| 1 + (b * 7 + b / columns * 3) % 9;
    let total: usize = (0..blocks.len()).map(pupils).sum();
    let p = sites.len() / 10;
    let capacity = (1.2 * total as f64 / p as f64).ceil();
    let mut demand = String::from("id,demand\n");
    let mut costs = String::from("demand_id,site_id,cost\n");
    for (b, &(x, y)) in blocks.iter().enumerate() {
        demand += &format!("b{b},{}\n", pupils(b));
        let mut near: Vec<(f64, usize)> = sites
            .iter()
            .enumerate()
            .map(|(s, &(sx, sy))| ((sx - x).hypot(sy - y) * 100.0, s))
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (metres, s) in near.into_iter().take(20) {
            costs += &format!("b{b},s{s},{}\n", metres.round());
        }
    }
    let sites_table: String = (0..sites.len())
        .map(|s| format!("s{s},{capacity},0,candidate\n"))
        .collect();
    let town = Workspace::empty();
    town.write("demand.csv", &demand);
    town.write("costs.csv", &costs);
    town.write(
        "sites.csv",
        &format!("id,capacity,fixed_cost,status\n{sites_table}"),
    );
    town.write_problem(&format!("objective = \"p_median\"\np = {p}"));
    town
}

/// On a capacitated town of 5,000 blocks (100,000 pairs, still the exact model's under
/// `auto`) HiGHS finds no plan in 20 s; `auto` keeps the plan the heuristic found first,
/// with its proven bound.
#[test]
fn auto_keeps_the_heuristic_plan_where_highs_finds_none_in_time() {
    let town = grid_town(100, 50);
    let run = Run::command_with(
        "solve",
        &town.problem(),
        &town.out(),
        &["--time-limit", "20"],
    );
    let summary = run.summary();
    let (objective, bound) = (number(&summary, "objective"), number(&summary, "bound"));
    assert_eq!(summary["demand_served"], summary["demand_total"]);
    assert!(
        bound > 0.0 && bound <= objective && objective < 1.05 * bound,
        "{bound} … {objective}"
    );
}

/// A time limit too long for any clock (10^300 s) means no limit: pmed1 is solved to its
/// optimum, under each method, without a panic on the deadline's arithmetic.
#[test]
fn a_time_limit_beyond_any_deadline_means_no_limit() {
    for method in ["auto", "exact", "heuristic"] {
        let options = ["--time-limit", "1e300", "--method", method];
        assert_optimal(&solve_with("pmed1", &options).summary(), 5819.0);
    }
}
