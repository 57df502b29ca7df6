//! Serving demand from a fixed set of open sites: the inner step of every heuristic move.
//!
//! Without capacities each point goes to its nearest open site, which is optimal for that set.
//! With capacities the points are served in order of *regret* (how much more the second
//! choice costs than the first), so those with most to lose choose first; single-source
//! plans are then repaired and improved by [`Placement`] moves.

use super::single_source::Placement;
use crate::model::{Allocation, Arc, Assignment, SitingProblem};
use crate::solve::tolerance;
use std::cmp::Ordering;

/// A point's regret when it has a single open site in reach: it must be served first.
const ONLY_CHOICE: f64 = f64::INFINITY;

/// How good an assignment is, comparable across open sets: what the model requires served
/// but is left unserved counts first, then the objective (negated when maximised).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Unserved demand the model requires served, plus one per such point (so that points
    /// without demand count too); 0 for a feasible plan.
    pub shortfall: f64,
    /// The objective, as a quantity to minimise.
    pub cost: f64,
}

impl Score {
    /// A total order: less is better.
    pub fn compare(&self, other: &Score) -> Ordering {
        self.shortfall
            .total_cmp(&other.shortfall)
            .then(self.cost.total_cmp(&other.cost))
    }

    /// Whether this assignment is a plan the model accepts.
    pub fn is_feasible(&self) -> bool {
        self.shortfall <= 0.0
    }
}

/// Serves the demand from the sites marked open and scores the result.
pub fn assign(problem: &SitingProblem, open: &[bool]) -> (Assignment, Score) {
    let allocations = match problem.is_capacitated() {
        false => nearest_open(problem, open),
        true => by_regret(problem, open),
    };
    let assignment = Assignment {
        open: open.to_vec(),
        allocations,
    };
    let score = score(problem, &assignment);
    (assignment, score)
}

fn score(problem: &SitingProblem, assignment: &Assignment) -> Score {
    let shortfall = match problem.serves_all() {
        true => problem
            .demand()
            .iter()
            .enumerate()
            .map(|(i, point)| (point.demand + 1.0) * (1.0 - assignment.served_share(i)))
            .filter(|unserved| *unserved > tolerance::UNSERVED)
            .sum(),
        false => 0.0,
    };
    let value = assignment.objective_value(problem);
    Score {
        shortfall,
        cost: match problem.objective().is_maximised() {
            true => -value,
            false => value,
        },
    }
}

/// Each point wholly at its nearest open site, or unserved when none is in reach; optimal
/// for a fixed set of sites without capacities.
pub fn nearest_open(problem: &SitingProblem, open: &[bool]) -> Vec<Vec<Allocation>> {
    (0..problem.demand().len())
        .map(|i| {
            problem
                .costs()
                .arcs(i)
                .find(|arc| open[arc.site])
                .map(|arc| Allocation {
                    site: arc.site,
                    share: 1.0,
                })
                .into_iter()
                .collect()
        })
        .collect()
}

/// A point's first and second open choice with room for it, if any.
fn two_choices(
    problem: &SitingProblem,
    open: &[bool],
    room: &[f64],
    i: usize,
) -> (Option<Arc>, Option<Arc>) {
    let needed = match problem.limits().single_source {
        true => problem.demand()[i].demand,
        false => f64::MIN_POSITIVE,
    };
    let mut fits = problem
        .costs()
        .arcs(i)
        .filter(|a| open[a.site] && room[a.site] >= needed);
    (fits.next(), fits.next())
}

/// Serves points one at a time, always the one with the largest regret given the room left
/// (a point with one choice left goes first): the rule of Martello and Toth's heuristic for
/// the generalised assignment problem.
fn by_regret(problem: &SitingProblem, open: &[bool]) -> Vec<Vec<Allocation>> {
    let mut room: Vec<f64> = problem
        .sites()
        .iter()
        .map(|s| s.capacity.unwrap_or(f64::INFINITY))
        .collect();
    let count = problem.demand().len();
    let mut allocations = vec![Vec::new(); count];
    let mut waiting: Vec<usize> = (0..count).collect();
    let single_source = problem.limits().single_source;
    while !waiting.is_empty() {
        let mut chosen: Option<(usize, f64)> = None;
        waiting.retain(|&i| {
            let (first, second) = two_choices(problem, open, &room, i);
            let Some(first) = first else { return false };
            let regret = second.map_or(ONLY_CHOICE, |s| {
                problem.demand()[i].weight * (s.cost - first.cost)
            });
            if chosen.is_none_or(|(_, best)| regret > best) {
                chosen = Some((i, regret));
            }
            true
        });
        let Some((i, _)) = chosen else { break };
        waiting.retain(|&w| w != i);
        let demand = problem.demand()[i].demand;
        let reachable = problem.costs().arcs(i).filter(|a| open[a.site]);
        allocations[i] = match single_source || demand <= 0.0 {
            true => {
                let site = two_choices(problem, open, &room, i).0.map(|a| a.site);
                site.map(|site| {
                    room[site] -= demand;
                    Allocation { site, share: 1.0 }
                })
                .into_iter()
                .collect()
            }
            false => fill(reachable.map(|a| a.site), demand, &mut room),
        };
    }
    if single_source {
        let mut placement = Placement::new(problem, open, &allocations, room);
        placement.repair();
        placement.improve(false);
        allocations = placement.into_allocations();
    }
    for allocs in &mut allocations {
        allocs.sort_by_key(|a| a.site);
    }
    allocations
}

/// Improves a single-source plan further with exchanges of points between sites: too slow
/// to run on every trial set of sites, worth it on the final one.
pub fn polish(problem: &SitingProblem, assignment: Assignment) -> (Assignment, Score) {
    if !(problem.is_capacitated() && problem.limits().single_source) {
        let score = score(problem, &assignment);
        return (assignment, score);
    }
    let loads = assignment.loads(problem);
    let room = problem
        .sites()
        .iter()
        .zip(loads)
        .map(|(site, load)| site.capacity.unwrap_or(f64::INFINITY) - load)
        .collect();
    let mut placement = Placement::new(problem, &assignment.open, &assignment.allocations, room);
    placement.improve(true);
    let polished = Assignment {
        allocations: placement.into_allocations(),
        open: assignment.open.clone(),
    };
    let score = score(problem, &polished);
    (polished, score)
}

/// Splits `demand` over `sites` in order, as far as their room allows.
fn fill(sites: impl Iterator<Item = usize>, demand: f64, room: &mut [f64]) -> Vec<Allocation> {
    let mut allocations = Vec::new();
    let mut left = demand;
    for site in sites {
        if left <= 0.0 {
            break;
        }
        let taken = left.min(room[site]);
        if taken > 0.0 {
            room[site] -= taken;
            left -= taken;
            allocations.push(Allocation {
                site,
                share: taken / demand,
            });
        }
    }
    allocations
}
