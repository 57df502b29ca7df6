//! Serving demand from a fixed set of open sites at least cost within their capacities,
//! for large problems: a transportation linear program solved by HiGHS.
//!
//! Each point may use the few nearest open sites it can reach (rarely does the optimum send
//! anyone farther) and may stay unserved at a cost, so the program always has a solution;
//! for objectives that must serve everyone that cost is a penalty far above any plan, and a
//! plan that leaves someone out tells the caller to open more sites. Single-source plans
//! take each point to the site serving most of it, then repair and improve; the plans a
//! search settles on are served anew by the same program with whole columns.

use super::single_source::Placement;
use crate::model::{Allocation, Assignment};
use crate::solve::form::MinForm;
use crate::solve::tolerance::LP_SHARE;
use highs::{ColProblem, HighsModelStatus, Row, Sense};
use std::time::Instant;

/// Each point may use this many of its nearest open sites.
const NEAREST_OPEN: usize = 6;

/// Branch-and-bound nodes for a single-source allocation: a count, not seconds, so that
/// runs repeat.
const WHOLE_NODES: i32 = 50;

/// A single-source allocation within this share of its program's bound is not searched on.
const WHOLE_GAP: f64 = 1e-4;

/// An allocation with what it is worth.
#[derive(Debug, Clone)]
pub struct Transport {
    /// The plan.
    pub assignment: Assignment,
    /// Points left (partly) unserved.
    pub unserved: Vec<usize>,
}

/// The least-cost allocation from `open`, with `unserved[i]` the cost of leaving point `i`
/// out, by the program with `columns` of shares or of whole points. `None` when HiGHS
/// fails or runs out of time, or, with whole columns, stops before it serves every point
/// wholly. Single-source plans from shares round them ([`single_sites`]); with whole
/// columns (a generalised assignment problem) HiGHS searches at most [`WHOLE_NODES`]
/// branch-and-bound nodes: too slow to price every move of a search (about a second for 402
/// points and 30 sites), that serves the plans a search settles on.
pub fn transport(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    deadline: Instant,
    columns: Columns,
) -> Option<Transport> {
    let program = solve_program(form, open, unserved, deadline, columns)?;
    Some(read_allocation(form, open, &program))
}

/// The plan in the program's solution.
fn read_allocation(form: &MinForm, open: &[bool], program: &Program) -> Transport {
    let Program { columns, values } = program;
    let problem = form.problem;
    let demand = problem.demand();
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
    Transport {
        assignment,
        unserved: unserved_points,
    }
}

/// Whether the program's columns take shares of points or whole points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// A linear program: points may be split between sites.
    Shares,
    /// Each point served wholly by one site.
    Whole,
}

/// The transportation program solved.
struct Program {
    /// (point, site) for each arc, in point order; each point's unserved column follows its
    /// arcs and is not listed.
    columns: Vec<(usize, usize)>,
    /// The value of every column, unserved ones included.
    values: Vec<f64>,
}

/// Solves the transportation program. `None` when HiGHS fails, runs out of time, or, with
/// whole columns, stops before it serves every point wholly.
fn solve_program(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    deadline: Instant,
    kind: Columns,
) -> Option<Program> {
    let problem = form.problem;
    let demand = problem.demand();
    let whole = kind == Columns::Whole;
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
            lp.add_column_with_integrality(form.arc_cost[arc], 0.0..=1.0, rows, whole);
            columns.push((i, j));
        }
        lp.add_column_with_integrality(unserved[i], 0.0..=1.0, [(served[i], 1.0)], whole);
    }
    let mut model = lp.optimise(Sense::Minimise);
    model.make_quiet();
    let seconds = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    model.set_option("time_limit", seconds.max(1.0));
    if whole {
        model.set_option("mip_max_nodes", WHOLE_NODES);
        model.set_option("mip_rel_gap", WHOLE_GAP);
    }
    let solved = model.try_solve().ok()?;
    let values = solved.get_solution().columns().to_vec();
    let stopped_early = matches!(
        solved.status(),
        HighsModelStatus::ReachedIterationLimit
            | HighsModelStatus::ReachedSolutionLimit
            | HighsModelStatus::ReachedTimeLimit
    );
    match solved.status() {
        HighsModelStatus::Optimal => Some(Program { columns, values }),
        _ if whole && stopped_early && serves_wholly(&values, columns.len()) => {
            Some(Program { columns, values })
        }
        _ => None,
    }
}

/// Whether every column's value is whole and every point has one column at 1: a plan,
/// where HiGHS stopped with one.
fn serves_wholly(values: &[f64], arcs: usize) -> bool {
    let whole = values
        .iter()
        .all(|&v| v.abs() <= LP_SHARE || (v - 1.0).abs() <= LP_SHARE);
    let ones = values.iter().filter(|&&v| v > 0.5).count();
    let points = values.len() - arcs;
    whole && ones == points
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
    placement.improve(true);
    placement.into_allocations()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{far_off, grid_town};

    /// The least cost of serving every point of `problem` wholly from the `open` sites
    /// within their capacities, by trying every assignment.
    fn least_whole_cost(problem: &crate::model::SitingProblem, open: &[usize]) -> f64 {
        let points = problem.demand().len();
        let mut best = f64::INFINITY;
        for code in 0..open.len().pow(points as u32) {
            let mut load = vec![0.0; open.len()];
            let mut cost = 0.0;
            let mut rest = code;
            for (i, point) in problem.demand().iter().enumerate() {
                let k = rest % open.len();
                rest /= open.len();
                load[k] += point.demand;
                cost += point.weight * problem.costs().cost(i, open[k]).unwrap_or(f64::INFINITY);
            }
            let fits = (0..open.len())
                .all(|k| load[k] <= problem.sites()[open[k]].capacity.unwrap_or(f64::INFINITY));
            if fits {
                best = best.min(cost);
            }
        }
        best
    }

    /// Eight blocks of a grid town, three of them open: the whole program serves them at
    /// the least cost found by trying all 3^8 single-source assignments.
    #[test]
    fn the_whole_program_finds_the_least_single_source_allocation() {
        let problem = grid_town(7, 8, 3, true);
        let form = MinForm::new(&problem);
        let chosen = [0, 3, 5];
        let open: Vec<bool> = (0..8).map(|j| chosen.contains(&j)).collect();
        let penalty = vec![1e6; 8];
        let found = transport(&form, &open, &penalty, far_off(), Columns::Whole).expect("a plan");
        assert!(found.unserved.is_empty());
        assert!(found.assignment.allocations.iter().all(|a| a.len() == 1));
        let least = least_whole_cost(&problem, &chosen);
        assert_eq!(found.assignment.objective_value(&problem), least);
    }
}
