//! A fast primal heuristic: a good plan in well under a second for the problems the exact
//! solver handles, used to warm-start HiGHS and as the fallback plan when a time limit stops
//! HiGHS before it finds one of its own.
//!
//! [`local_search::search`] opens sites greedily, then improves by swaps (and openings and
//! closings when `p` is free); [`assign::assign`] serves demand from each trial set of sites.
//! For problems too large to re-serve everyone on every trial, [`SwapSearch`] prices swaps
//! incrementally, steered by capacity prices found by adjustment ([`adjusted_prices`]), and
//! [`transport`] serves demand within capacities by a linear program ([`fill`] at the
//! adjusted prices, where that program would be too slow);
//! [`relocate`] moves each site to the best place for the people it serves, and [`shake`]
//! moves sites together with their neighbours where no single swap pays.

mod add_drop;
mod assign;
mod augment;
mod greedy;
mod local_search;
mod prices;
mod relocate;
mod shake;
mod single_source;
mod spending;
mod swap;
mod transport;

pub use add_drop::add_drop;
pub use assign::nearest_open;
pub use greedy::cheapest_per_unit;
pub use local_search::search;
pub use prices::{adjusted_prices, fill};
pub use relocate::relocate;
pub use shake::{shake, Dice};
pub use swap::SwapSearch;
pub use transport::{transport, Columns};

#[cfg(test)]
mod tests {
    use super::search;
    use crate::model::{Limits, SiteStatus, SitingProblem};
    use crate::solve::test_problems::{grid_town, villages_on_a_line};
    use crate::solve::{ExactSolver, Outcome, SolveOptions, Solver};
    use std::time::{Duration, Instant};

    fn deadline() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    /// Villages a, b, c, d at km 0, 2, 4, 6 with 10, 20, 30, 50 pupils; schools S1 at km 0
    /// (no limit), S2 at km 3 (40 places), S3 at km 6 (60 places).
    fn line_town(single_source: bool) -> SitingProblem {
        villages_on_a_line(
            Limits {
                p: Some(2),
                single_source,
                ..Limits::default()
            },
            &[
                (0.0, None, SiteStatus::Candidate),
                (3.0, Some(40.0), SiteStatus::Candidate),
                (6.0, Some(60.0), SiteStatus::Candidate),
            ],
        )
    }

    /// Worked by hand in `tests/cli/objectives.rs`: {S1, S3} with c split 20/10 costs 140.
    #[test]
    fn finds_the_split_optimum_of_line_town() {
        let found = search(&line_town(false), deadline());
        assert!(found.score.is_feasible());
        assert_eq!(found.assignment.open, [true, false, true]);
        assert!((found.assignment.objective_value(&line_town(false)) - 140.0).abs() < 1e-9);
    }

    /// With single sourcing c goes whole to S1: 160.
    #[test]
    fn finds_the_single_source_optimum_of_line_town() {
        let problem = line_town(true);
        let found = search(&problem, deadline());
        assert!(found.score.is_feasible());
        assert!(found
            .assignment
            .allocations
            .iter()
            .all(|a| a.len() == 1 && a[0].share == 1.0));
        assert!((found.assignment.objective_value(&problem) - 160.0).abs() < 1e-9);
    }

    /// The heuristic's plan is feasible, serves every point in full and is never better than
    /// the optimum HiGHS proves.
    #[test]
    fn never_beats_the_proven_optimum() {
        for (seed, single_source) in [(1, false), (2, true), (3, false), (4, true)] {
            let problem = grid_town(seed, 25, 4, single_source);
            let found = search(&problem, deadline());
            assert!(found.score.is_feasible(), "seed {seed}");
            for shares in &found.assignment.allocations {
                let served: f64 = shares.iter().map(|a| a.share).sum();
                assert!((served - 1.0).abs() < 1e-9, "seed {seed}");
            }
            let Outcome::Solved(exact) = ExactSolver
                .solve(&problem, &SolveOptions::default())
                .unwrap()
            else {
                panic!("seed {seed}: grid town is feasible");
            };
            let heuristic = found.assignment.objective_value(&problem);
            assert!(heuristic >= exact.bound - 1e-6, "seed {seed}");
            assert!(
                heuristic <= 1.2 * exact.objective,
                "seed {seed}: {heuristic}"
            );
        }
    }
}
