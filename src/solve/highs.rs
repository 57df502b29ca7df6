//! The exact solver: the siting model as a mixed-integer program, built with good_lp and
//! solved by HiGHS, with the proven bound read back from HiGHS itself.
//!
//! Two formulations:
//! - *allocation*: `x[i][j]` per reachable pair, with the strong linking rows
//!   `x[i][j] <= y[j]` (much tighter than one aggregated row per site) and capacity rows
//!   `sum_i demand[i] x[i][j] <= capacity[j] y[j]`;
//! - *covering*, for `max_coverage` and `min_sites` when no site has a capacity: only `y`
//!   (and a covered flag per point for `max_coverage`), because with unlimited sites each
//!   covered point simply goes to its nearest open site. It is far smaller and just as exact.
//!
//! good_lp drops constant terms of the objective and keeps no MIP bound, so constants
//! (existing sites' fixed costs, points already covered by existing sites) are kept here as an
//! offset, and status and bound are read from the HiGHS model directly.

use super::{
    relative_gap, Diagnosis, Outcome, Reason, Solution, SolveError, SolveOptions, Solver, Status,
};
use crate::model::{Allocation, Assignment, Objective, SitingProblem};
use good_lp::solvers::highs::highs;
use good_lp::{
    variable, Constraint, Expression, ProblemVariables, SolverModel, Variable, VariableDefinition,
};
use highs::{HighsModelStatus, HighsSolutionStatus};

/// Values below this are solver noise, not shares of demand.
const SHARE_EPSILON: f64 = 1e-7;

/// A plan whose value is within this relative distance of the bound is proven optimal.
const OPTIMALITY_TOLERANCE: f64 = 1e-6;

/// Solves the siting model exactly with HiGHS.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactSolver;

/// A model variable with its column in the HiGHS model, where its value is read back.
#[derive(Debug, Clone, Copy)]
struct Column {
    var: Variable,
    index: usize,
}

/// `y[j]`: a variable for a candidate site, a constant 1 for an existing one.
#[derive(Debug, Clone, Copy)]
enum Open {
    Always,
    Decide(Column),
}

impl Open {
    fn into_expression(self) -> Expression {
        match self {
            Open::Always => Expression::from(1.0),
            Open::Decide(y) => Expression::from(y.var),
        }
    }
}

/// Adds a variable; good_lp numbers columns in the order variables are added.
fn add_column(vars: &mut ProblemVariables, definition: VariableDefinition) -> Column {
    let index = vars.len();
    Column {
        var: vars.add(definition),
        index,
    }
}

/// The MIP handed to HiGHS, with what is needed to read a plan back.
struct Formulation {
    vars: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    open: Vec<Open>,
    /// Allocation variables per demand point and arc; empty for the covering formulation.
    allocation: Vec<Vec<(usize, Column)>>,
    /// Constant part of the objective, which good_lp would drop.
    offset: f64,
    has_integers: bool,
}

impl Formulation {
    fn new(problem: &SitingProblem) -> Self {
        let mut vars = ProblemVariables::new();
        let open: Vec<Open> = problem
            .sites()
            .iter()
            .map(|site| match site.is_existing() {
                true => Open::Always,
                false => Open::Decide(add_column(&mut vars, variable().binary())),
            })
            .collect();
        let has_integers = open.iter().any(|o| matches!(o, Open::Decide(_)));
        let mut formulation = Self {
            vars,
            objective: Expression::default(),
            constraints: Vec::new(),
            open,
            allocation: Vec::new(),
            offset: 0.0,
            has_integers,
        };
        formulation.add_site_count(problem);
        let covering = !problem.is_capacitated()
            && matches!(
                problem.objective(),
                Objective::MaxCoverage | Objective::MinSites
            );
        if covering {
            formulation.add_covering(problem);
        } else {
            formulation.add_allocation(problem);
        }
        formulation
    }

    fn add_site_count(&mut self, problem: &SitingProblem) {
        if let Some(p) = problem.limits().p {
            let opened = self.candidate_sum(|_| 1.0);
            let to_open = p.saturating_sub(problem.existing_count()) as f64;
            self.constraints.push(opened.eq(to_open));
        }
        match problem.objective() {
            Objective::MinSites => {
                self.objective += self.candidate_sum(|_| 1.0);
                self.offset += problem.existing_count() as f64;
            }
            Objective::MinCost => {
                let sites = problem.sites();
                self.objective += self.candidate_sum(|j| sites[j].fixed_cost);
                self.offset += sites
                    .iter()
                    .filter(|s| s.is_existing())
                    .map(|s| s.fixed_cost)
                    .sum::<f64>();
            }
            Objective::PMedian | Objective::MaxCoverage => {}
        }
    }

    /// Σ coefficient(j) · y[j] over candidate sites.
    fn candidate_sum(&self, coefficient: impl Fn(usize) -> f64) -> Expression {
        let mut sum = Expression::default();
        for (j, open) in self.open.iter().enumerate() {
            if let Open::Decide(y) = open {
                sum.add_mul(coefficient(j), y.var);
            }
        }
        sum
    }

    fn add_covering(&mut self, problem: &SitingProblem) {
        for (i, point) in problem.demand().iter().enumerate() {
            let reach: Vec<Open> = problem
                .costs()
                .arcs(i)
                .map(|arc| self.open[arc.site])
                .collect();
            if reach.iter().any(|o| matches!(o, Open::Always)) {
                if problem.objective() == Objective::MaxCoverage {
                    self.offset += point.weight;
                }
                continue;
            }
            let mut cover = Expression::default();
            for open in reach {
                cover += open.into_expression();
            }
            if problem.objective() == Objective::MinSites {
                self.constraints.push(cover.geq(1.0));
            } else if point.weight > 0.0 {
                let covered = self.vars.add(variable().min(0.0).max(1.0));
                self.objective.add_mul(point.weight, covered);
                self.constraints.push(Expression::from(covered).leq(cover));
            }
        }
    }

    fn add_allocation(&mut self, problem: &SitingProblem) {
        let single_source = problem.limits().single_source;
        let objective = problem.objective();
        let mut site_load: Vec<Expression> = vec![Expression::default(); problem.sites().len()];
        for (i, point) in problem.demand().iter().enumerate() {
            let mut served = Expression::default();
            let mut arcs = Vec::with_capacity(problem.costs().arcs(i).len());
            for arc in problem.costs().arcs(i) {
                let definition = match single_source {
                    true => variable().binary(),
                    false => variable().min(0.0).max(1.0),
                };
                let column = add_column(&mut self.vars, definition);
                let x = column.var;
                self.has_integers |= single_source;
                served += x;
                site_load[arc.site].add_mul(point.demand, x);
                if let Open::Decide(y) = self.open[arc.site] {
                    self.constraints.push(Expression::from(x).leq(y.var));
                }
                match objective {
                    Objective::PMedian | Objective::MinCost => {
                        self.objective.add_mul(point.weight * arc.cost, x)
                    }
                    Objective::MaxCoverage => self.objective.add_mul(point.weight, x),
                    Objective::MinSites => {}
                }
                arcs.push((arc.site, column));
            }
            self.constraints.push(match objective.serves_all() {
                true => served.eq(1.0),
                false => served.leq(1.0),
            });
            self.allocation.push(arcs);
        }
        for ((site, load), open) in problem.sites().iter().zip(site_load).zip(&self.open) {
            if let Some(capacity) = site.capacity {
                self.constraints
                    .push(load.leq(open.into_expression() * capacity));
            }
        }
    }
}

impl Solver for ExactSolver {
    fn solve(
        &self,
        problem: &SitingProblem,
        options: &SolveOptions,
    ) -> Result<Outcome, SolveError> {
        let formulation = Formulation::new(problem);
        let Formulation {
            vars,
            objective,
            constraints,
            open,
            allocation,
            offset,
            has_integers,
        } = formulation;
        let unsolved = match problem.objective().is_maximised() {
            true => vars.maximise(objective),
            false => vars.minimise(objective),
        };
        let mut lp = unsolved.using(highs);
        for constraint in constraints {
            lp.add_constraint(constraint);
        }
        let mut model = lp
            .try_into_inner()
            .map_err(|e| SolveError::Highs(e.to_string()))?;
        configure(&mut model, options)?;
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Highs(format!("{e:?}")))?;
        let status = solved.status();
        match status {
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                return Ok(Outcome::Infeasible(Diagnosis {
                    reasons: vec![Reason::NoPlanExists],
                }))
            }
            HighsModelStatus::Optimal
            | HighsModelStatus::ReachedTimeLimit
            | HighsModelStatus::ReachedIterationLimit
            | HighsModelStatus::ReachedSolutionLimit
            | HighsModelStatus::ReachedInterrupt
            | HighsModelStatus::ReachedMemoryLimit => {}
            other => {
                return Err(SolveError::Highs(format!(
                    "unexpected model status {other:?}"
                )))
            }
        }
        if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
            return Err(SolveError::NoPlanWithinLimit {
                seconds: options.time_limit.unwrap_or(f64::INFINITY),
            });
        }
        let values = solved.get_solution();
        let values = values.columns();
        let value = |column: Column| values[column.index];
        let assignment = read_plan(problem, &open, &allocation, value);
        let objective = assignment.objective_value(problem);
        let solver_bound = match has_integers {
            true => solved.double_info_value(c"mip_dual_bound").ok(),
            false => (status == HighsModelStatus::Optimal).then(|| solved.objective_value()),
        };
        let bound = honest_bound(problem, objective, solver_bound.map(|b| b + offset));
        let proven = status == HighsModelStatus::Optimal
            && relative_gap(objective, bound) <= OPTIMALITY_TOLERANCE;
        Ok(Outcome::Solved(Solution {
            assignment,
            objective,
            bound,
            status: if proven {
                Status::Optimal
            } else {
                Status::Feasible
            },
        }))
    }
}

fn configure(model: &mut highs::Model, options: &SolveOptions) -> Result<(), SolveError> {
    let failed = |name: &str| SolveError::Highs(format!("HiGHS rejected option {name}"));
    model
        .try_set_option("output_flag", options.verbose)
        .map_err(|_| failed("output_flag"))?;
    model
        .try_set_option("mip_rel_gap", options.gap)
        .map_err(|_| failed("mip_rel_gap"))?;
    if let Some(seconds) = options.time_limit {
        model
            .try_set_option("time_limit", seconds)
            .map_err(|_| failed("time_limit"))?;
    }
    Ok(())
}

/// A bound that is valid and never better than the plan itself.
///
/// Without a finite bound from HiGHS, the trivial one is used: costs are ≥ 0, so 0 bounds any
/// minimisation, and covering every point bounds `max_coverage`.
fn honest_bound(problem: &SitingProblem, objective: f64, solver: Option<f64>) -> f64 {
    let solver = solver.filter(|b| b.is_finite());
    if problem.objective().is_maximised() {
        let trivial: f64 = problem.demand().iter().map(|d| d.weight).sum();
        solver.unwrap_or(trivial).min(trivial).max(objective)
    } else {
        solver.unwrap_or(0.0).max(0.0).min(objective)
    }
}

fn read_plan(
    problem: &SitingProblem,
    open: &[Open],
    allocation: &[Vec<(usize, Column)>],
    value: impl Fn(Column) -> f64,
) -> Assignment {
    let mut opened: Vec<bool> = open
        .iter()
        .map(|o| match o {
            Open::Always => true,
            Open::Decide(y) => value(*y) > 0.5,
        })
        .collect();
    let allocations = match allocation.is_empty() {
        true => nearest_open(problem, &opened),
        false => allocation
            .iter()
            .map(|arcs| read_shares(problem, arcs, &value))
            .collect(),
    };
    if problem.limits().p.is_none() {
        close_unused(problem, &mut opened, &allocations);
    }
    Assignment {
        open: opened,
        allocations,
    }
}

fn read_shares(
    problem: &SitingProblem,
    arcs: &[(usize, Column)],
    value: impl Fn(Column) -> f64,
) -> Vec<Allocation> {
    let mut shares: Vec<Allocation> = arcs
        .iter()
        .map(|&(site, x)| Allocation {
            site,
            share: value(x).clamp(0.0, 1.0),
        })
        .filter(|a| a.share > SHARE_EPSILON)
        .collect();
    if problem.limits().single_source {
        let best = shares
            .iter()
            .copied()
            .max_by(|a, b| a.share.total_cmp(&b.share).then(b.site.cmp(&a.site)));
        shares = best
            .map(|a| Allocation { share: 1.0, ..a })
            .into_iter()
            .collect();
    }
    let total: f64 = shares.iter().map(|a| a.share).sum();
    if total > 0.0 && (problem.objective().serves_all() || total > 1.0) {
        for allocation in &mut shares {
            allocation.share /= total;
        }
    }
    shares.sort_by_key(|a| a.site);
    shares
}

/// With unlimited sites, a covered point goes wholly to its nearest open site.
fn nearest_open(problem: &SitingProblem, opened: &[bool]) -> Vec<Vec<Allocation>> {
    (0..problem.demand().len())
        .map(|i| {
            problem
                .costs()
                .arcs(i)
                .find(|arc| opened[arc.site])
                .map(|arc| Allocation {
                    site: arc.site,
                    share: 1.0,
                })
                .into_iter()
                .collect()
        })
        .collect()
}

/// Without `p`, an open candidate that serves nobody only adds cost: close it.
fn close_unused(problem: &SitingProblem, opened: &mut [bool], allocations: &[Vec<Allocation>]) {
    let mut used = vec![false; opened.len()];
    for allocation in allocations.iter().flatten() {
        used[allocation.site] = true;
    }
    for ((open, used), site) in opened.iter_mut().zip(used).zip(problem.sites()) {
        if !site.is_existing() && !used {
            *open = false;
        }
    }
}
