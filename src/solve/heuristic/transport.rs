//! Serving demand from a fixed set of open sites at least cost within their capacities,
//! for large problems: a transportation linear program solved by HiGHS.
//!
//! Each point may use the few nearest open sites it can reach (rarely does the optimum send
//! anyone farther) and may stay unserved at a cost, so the program always has a solution;
//! for objectives that must serve everyone that cost is a penalty far above any plan, and a
//! plan that leaves someone out tells the caller to open more sites. Single-source plans
//! take each point to the site serving most of it, then repair.

use super::single_source::Placement;
use crate::model::{Allocation, Assignment};
use crate::solve::form::MinForm;
use crate::solve::tolerance::LP_SHARE;
use highs::{ColProblem, HighsModelStatus, Row, Sense};
use std::time::Instant;

/// Each point may use this many of its nearest open sites.
const NEAREST_OPEN: usize = 6;

/// An allocation with what it is worth.
#[derive(Debug, Clone)]
pub struct Transport {
    /// The plan.
    pub assignment: Assignment,
    /// Points left (partly) unserved.
    pub unserved: Vec<usize>,
}

/// The least-cost allocation from `open`, with `unserved[i]` the cost of leaving point `i`
/// out. `None` when HiGHS fails or runs out of time.
pub fn transport(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    deadline: Instant,
) -> Option<Transport> {
    let problem = form.problem;
    let demand = problem.demand();
    let mut lp = ColProblem::default();
    let served: Vec<Row> = (0..demand.len()).map(|_| lp.add_row(1.0..=1.0)).collect();
    let capacity: Vec<Option<Row>> = (0..open.len())
        .map(|j| {
            let room = form.capacity(j);
            (open[j] && room.is_finite()).then(|| lp.add_row(..=room))
        })
        .collect();
    let mut columns: Vec<(usize, usize)> = Vec::new();
    let sites = problem.costs().arc_sites();
    for (i, point) in demand.iter().enumerate() {
        let arcs = problem
            .costs()
            .arc_range(i)
            .filter(|&arc| open[sites[arc] as usize])
            .take(NEAREST_OPEN);
        for arc in arcs {
            let j = sites[arc] as usize;
            let mut rows = vec![(served[i], 1.0)];
            rows.extend(capacity[j].map(|row| (row, point.demand)));
            lp.add_column(form.arc_cost[arc], 0.0..=1.0, rows);
            columns.push((i, j));
        }
        lp.add_column(unserved[i], 0.0..=1.0, [(served[i], 1.0)]);
    }
    let mut model = lp.optimise(Sense::Minimise);
    model.make_quiet();
    let seconds = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    model.set_option("time_limit", seconds.max(1.0));
    let solved = model.try_solve().ok()?;
    if solved.status() != HighsModelStatus::Optimal {
        return None;
    }
    let solution = solved.get_solution();
    let values = solution.columns();
    let mut allocations = vec![Vec::new(); demand.len()];
    let mut column = 0;
    let mut unserved_points = Vec::new();
    for (i, allocs) in allocations.iter_mut().enumerate() {
        while column < columns.len() && columns[column].0 == i {
            let share = values[column + i];
            if share > LP_SHARE {
                allocs.push(Allocation {
                    site: columns[column].1,
                    share,
                });
            }
            column += 1;
        }
        if values[column + i] > LP_SHARE {
            unserved_points.push(i);
        }
    }
    let mut assignment = Assignment {
        open: open.to_vec(),
        allocations,
    };
    if problem.limits().single_source {
        assignment.allocations = single_sites(form, open, &assignment.allocations);
        unserved_points = (0..demand.len())
            .filter(|&i| assignment.allocations[i].is_empty())
            .collect();
    }
    Some(Transport {
        assignment,
        unserved: unserved_points,
    })
}

/// Rounds shares to single sites: each point, largest share first, to the site serving most
/// of it if it has room, else the nearest open one with room; then repairs and shifts.
fn single_sites(
    form: &MinForm,
    open: &[bool],
    allocations: &[Vec<Allocation>],
) -> Vec<Vec<Allocation>> {
    let problem = form.problem;
    let demand = problem.demand();
    let mut room: Vec<f64> = (0..open.len()).map(|j| form.capacity(j)).collect();
    let mut order: Vec<usize> = (0..demand.len()).collect();
    let largest = |i: usize| allocations[i].iter().map(|a| a.share).fold(0.0, f64::max);
    order.sort_by(|&a, &b| largest(b).total_cmp(&largest(a)).then(a.cmp(&b)));
    let mut single = vec![Vec::new(); demand.len()];
    for i in order {
        let need = demand[i].demand;
        let mut preferred: Vec<Allocation> = allocations[i].clone();
        preferred.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.site.cmp(&b.site)));
        let fits = |j: usize, room: &[f64]| room[j] >= need;
        let site = preferred
            .iter()
            .map(|a| a.site)
            .find(|&j| fits(j, &room))
            .or_else(|| {
                problem
                    .costs()
                    .arcs(i)
                    .map(|a| a.site)
                    .find(|&j| open[j] && fits(j, &room))
            });
        if let Some(j) = site {
            room[j] -= need;
            single[i] = vec![Allocation {
                site: j,
                share: 1.0,
            }];
        }
    }
    let mut placement = Placement::new(problem, open, &single, room);
    placement.repair();
    placement.improve(false);
    placement.into_allocations()
}
