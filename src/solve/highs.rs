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
//! - for capacitated `min_sites`, the covering rows plus allocation with capacity rows, and
//!   linking rows only for sites without a capacity: on city grids the linking rows make the
//!   root LP several times slower, and the covering rows give most of their strength. The
//!   uncapacitated covering model is solved first; when its plan fits the capacities it is
//!   optimal as it stands.
//!
//! good_lp drops constant terms of the objective and keeps no MIP bound, so constants
//! (existing sites' fixed costs, points already covered by existing sites) are kept here as an
//! offset, and status and bound are read from the HiGHS model directly.

use super::heuristic;
use super::tolerance;
use super::{
    relative_gap, Diagnosis, Outcome, Reason, Solution, SolveError, SolveOptions, Solver, Status,
};
use crate::model::{Allocation, Assignment, Objective, SiteStatus, SitingProblem};
use good_lp::solvers::highs::highs;
use good_lp::{
    variable, Constraint, Expression, ProblemVariables, SolverModel, Variable, VariableDefinition,
};
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::time::Instant;

/// Capacitated problems are first solved with each point's pairs cut to this many nearest
/// sites: a much smaller MIP whose plan is a strong start for the full one.
const RESTRICTED_ARCS: usize = 10;

/// Sized plans first search the plots their linear relaxation opens by at least these
/// shares, a narrow kernel then a wider one. On evenly spread residents the relaxation opens
/// a little of every plot, so the kernels must be cut: on Erqi (`docs/bureau-model.md`) the
/// narrow kernel finds the junior middle schools' plan, the wide one the primary schools'.
const KERNEL_CUTS: [f64; 2] = [0.3, 0.1];

/// A kernel is searched at its root only (cuts and HiGHS's heuristics): on Erqi's junior
/// middle schools further nodes of the wide kernel took most of a minute and found nothing
/// better.
const KERNEL_NODES: u64 = 1;

/// Each kernel's search ends by this share of the time limit, times its rank (the first by
/// a quarter, the second by half); the full model has the rest.
const KERNEL_SHARE: f64 = 0.25;

/// Below this many pairs the full model solves about as fast as a restricted one.
const RESTRICTED_MIN_PAIRS: usize = 20_000;

/// The restricted solve gets at most this share of the time limit …
const RESTRICTED_SHARE: f64 = 0.25;

/// … and at most this many seconds.
const RESTRICTED_SECONDS: f64 = 60.0;

/// The uncapacitated relaxation of `min_sites` gets at most this share of the time limit.
const RELAXATION_SHARE: f64 = 0.5;

/// The allocation by shortest travel after a `min_sites` solve gets this share of the time
/// limit, and at least the seconds below.
const ALLOCATION_SHARE: f64 = 0.1;
const ALLOCATION_MIN_SECONDS: f64 = 1.0;

/// The heuristic gets at most this share of the time limit …
const HEURISTIC_SHARE: f64 = 0.1;

/// … and at most this many seconds.
const HEURISTIC_SECONDS: f64 = 10.0;

/// Solves the siting model exactly with HiGHS.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactSolver;

/// A model variable with its column in the HiGHS model, where its value is read back.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    pub(super) var: Variable,
    pub(super) index: usize,
}

/// `y[j]`: a variable for a candidate site, a constant 1 for an existing one.
#[derive(Debug, Clone, Copy)]
pub(super) enum Open {
    /// An existing site.
    Always,
    /// A site the plan opens or not.
    Decide(Column),
}

impl Open {
    pub(super) fn into_expression(self) -> Expression {
        match self {
            Open::Always => Expression::from(1.0),
            Open::Decide(y) => Expression::from(y.var),
        }
    }
}

/// Adds a variable; good_lp numbers columns in the order variables are added.
pub(super) fn add_column(vars: &mut ProblemVariables, definition: VariableDefinition) -> Column {
    let index = vars.len();
    Column {
        var: vars.add(definition),
        index,
    }
}

/// The MIP being built for HiGHS.
struct Formulation {
    vars: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    columns: Columns,
}

/// Where the model's variables are, to start HiGHS from a plan and read its plan back.
struct Columns {
    /// Number of columns in the model.
    count: usize,
    open: Vec<Open>,
    /// Allocation variables per demand point and arc; empty for the covering formulation.
    allocation: Vec<Vec<(usize, Column)>>,
    /// Covering formulation for `max_coverage`: each point's covered flag.
    covered: Vec<(usize, Column)>,
    /// With a price on unplaced demand: each point's unplaced share.
    unplaced: Vec<(usize, Column)>,
    /// Constant part of the objective, which good_lp would drop.
    offset: f64,
    has_integers: bool,
    plots: Plots,
}

/// The sites grouped by plot (a site without one is a plot of its own).
pub(super) struct Plots {
    /// The sites of each plot, in site order.
    pub(super) sites: Vec<Vec<usize>>,
    /// Each site's plot.
    pub(super) of: Vec<usize>,
    /// Each plot's largest capacity, `None` when one of its sites is unlimited.
    pub(super) capacity: Vec<Option<f64>>,
}

impl Plots {
    pub(super) fn new(problem: &SitingProblem) -> Self {
        let sites = problem.plots();
        let of = problem.plot_of_sites(&sites);
        let capacity = sites
            .iter()
            .map(|members| {
                members
                    .iter()
                    .map(|&j| problem.sites()[j].capacity)
                    .try_fold(0.0, |most: f64, capacity| Some(most.max(capacity?)))
            })
            .collect();
        Self {
            sites,
            of,
            capacity,
        }
    }

    /// The first site of `site`'s plot: the sizes of a plot share its allocation variables.
    pub(super) fn lead(&self, site: usize) -> usize {
        self.sites[self.of[site]][0]
    }

    /// Σ y over the plot's sites: 1 when one of them is open.
    fn opened(&self, open: &[Open], plot: usize) -> Expression {
        let mut sum = Expression::default();
        for &j in &self.sites[plot] {
            sum += open[j].into_expression();
        }
        sum
    }

    /// Whether the plot holds an existing site.
    fn always_open(&self, open: &[Open], plot: usize) -> bool {
        self.sites[plot]
            .iter()
            .any(|&j| matches!(open[j], Open::Always))
    }

    /// The plot's site that is open in `opened`, if any.
    fn open_member(&self, opened: &[bool], plot: usize) -> Option<usize> {
        self.sites[plot].iter().copied().find(|&j| opened[j])
    }
}

impl Formulation {
    fn new(problem: &SitingProblem) -> Self {
        Self::with_sites_as(problem, variable().binary())
    }

    /// The linear relaxation: every site may open in part.
    fn relaxed(problem: &SitingProblem) -> Self {
        Self::with_sites_as(problem, variable().min(0.0).max(1.0))
    }

    /// The model with `open` as the definition of each candidate's `y[j]`.
    fn with_sites_as(problem: &SitingProblem, open: VariableDefinition) -> Self {
        let mut vars = ProblemVariables::new();
        let open: Vec<Open> = problem
            .sites()
            .iter()
            .map(|site| match site.is_existing() {
                true => Open::Always,
                false => Open::Decide(add_column(&mut vars, open.clone())),
            })
            .collect();
        let has_integers = open.iter().any(|o| matches!(o, Open::Decide(_)));
        let mut formulation = Self {
            vars,
            objective: Expression::default(),
            constraints: Vec::new(),
            columns: Columns {
                count: 0,
                open,
                allocation: Vec::new(),
                covered: Vec::new(),
                unplaced: Vec::new(),
                offset: 0.0,
                has_integers,
                plots: Plots::new(problem),
            },
        };
        formulation.add_site_count(problem);
        formulation.add_one_size_per_plot();
        let has_min_loads = problem.sites().iter().any(|s| s.min_load > 0.0);
        let covering = !problem.is_capacitated()
            && !has_min_loads
            && matches!(
                problem.objective(),
                Objective::MaxCoverage | Objective::MinSites
            );
        if covering {
            formulation.add_covering(problem);
        } else if problem.objective() == Objective::MinSites {
            formulation.add_covering(problem);
            formulation.add_allocation(problem, false);
        } else {
            formulation.add_allocation(problem, true);
        }
        formulation
    }

    fn add_site_count(&mut self, problem: &SitingProblem) {
        if let Some(p) = problem.limits().p {
            let opened = self.candidate_sum(|_| 1.0);
            let to_open = p.saturating_sub(problem.existing_count()) as f64;
            self.constraints.push(opened.eq(to_open));
        }
        if let Some(max_new) = self.new_site_limit(problem) {
            self.constraints.push(max_new);
        }
        if let Some(budget) = problem.limits().budget {
            let sites = problem.sites();
            let spent = self.candidate_sum(|j| sites[j].fixed_cost);
            self.constraints.push(spent.leq(budget));
        }
        match problem.objective() {
            Objective::MinSites => {
                self.objective += self.candidate_sum(|_| 1.0);
                self.columns.offset += problem.existing_count() as f64;
            }
            Objective::MinCost => {
                let sites = problem.sites();
                self.objective += self.candidate_sum(|j| sites[j].fixed_cost);
                self.columns.offset += sites
                    .iter()
                    .filter(|s| s.is_existing())
                    .map(|s| s.fixed_cost)
                    .sum::<f64>();
            }
            Objective::PMedian | Objective::MaxCoverage => {}
        }
    }

    /// Σ y[j] ≤ 1 over the sizes of each plot.
    fn add_one_size_per_plot(&mut self) {
        for plot in 0..self.columns.plots.sites.len() {
            if self.columns.plots.sites[plot].len() > 1 {
                let opened = self.columns.plots.opened(&self.columns.open, plot);
                self.constraints.push(opened.leq(1.0));
            }
        }
    }

    /// Σ y[j] over new-site candidates ≤ `max_new`.
    fn new_site_limit(&self, problem: &SitingProblem) -> Option<Constraint> {
        let max_new = problem.limits().max_new?;
        let sites = problem.sites();
        let is_new = |j: usize| f64::from(u8::from(sites[j].status == SiteStatus::Candidate));
        Some(self.candidate_sum(is_new).leq(max_new as f64))
    }

    /// Σ coefficient(j) · y[j] over sites that may open (candidates and expansions).
    fn candidate_sum(&self, coefficient: impl Fn(usize) -> f64) -> Expression {
        let mut sum = Expression::default();
        for (j, open) in self.columns.open.iter().enumerate() {
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
                .map(|arc| self.columns.open[arc.site])
                .collect();
            if reach.iter().any(|o| matches!(o, Open::Always)) {
                if problem.objective() == Objective::MaxCoverage {
                    self.columns.offset += point.weight;
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
                let covered = add_column(&mut self.vars, variable().min(0.0).max(1.0));
                self.objective.add_mul(point.weight, covered.var);
                self.constraints
                    .push(Expression::from(covered.var).leq(cover));
                self.columns.covered.push((i, covered));
            }
        }
    }

    /// Allocation variables, each point served in full (or at most in full when coverage
    /// is maximised or unplaced demand has a price), capacity and minimum-load rows per plot,
    /// and `x <= y` linking rows: for every pair when `linking`, else only for plots without
    /// a capacity (whose capacity row cannot link them).
    ///
    /// The sizes on one plot share their pairs, so a point gets one variable per plot, on the
    /// pair of the plot's first site: rows by size would multiply the model by the sizes.
    fn add_allocation(&mut self, problem: &SitingProblem, linking: bool) {
        let single_source = problem.limits().single_source;
        let objective = problem.objective();
        let plots = &self.columns.plots;
        let mut plot_load: Vec<Expression> = vec![Expression::default(); plots.sites.len()];
        for (i, point) in problem.demand().iter().enumerate() {
            // A point with neither demand nor weight (a phase's cell whose residents come
            // later) asks for nothing: required to be served, it would force a site open.
            if point.demand <= 0.0 && point.weight <= 0.0 {
                self.columns.allocation.push(Vec::new());
                continue;
            }
            let mut served = Expression::default();
            let mut arcs = Vec::with_capacity(problem.costs().arcs(i).len());
            for arc in problem.costs().arcs(i) {
                if plots.lead(arc.site) != arc.site {
                    continue;
                }
                let plot = plots.of[arc.site];
                let definition = match single_source {
                    true => variable().binary(),
                    false => variable().min(0.0).max(1.0),
                };
                let column = add_column(&mut self.vars, definition);
                let x = column.var;
                self.columns.has_integers |= single_source;
                served += x;
                plot_load[plot].add_mul(point.demand, x);
                let uncapacitated = plots.capacity[plot].is_none();
                if (linking || uncapacitated) && !plots.always_open(&self.columns.open, plot) {
                    let opened = plots.opened(&self.columns.open, plot);
                    self.constraints.push(Expression::from(x).leq(opened));
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
            if let Some(price) = problem.limits().unplaced_price {
                // An unplaced share of its own keeps the objective the plan's cost, so that
                // HiGHS's relative gap is the plan's.
                let unplaced = add_column(&mut self.vars, variable().min(0.0).max(1.0));
                self.objective.add_mul(price * point.demand, unplaced.var);
                served += unplaced.var;
                self.columns.unplaced.push((i, unplaced));
                self.constraints.push(served.eq(1.0));
            } else {
                self.constraints.push(match problem.serves_all() {
                    true => served.eq(1.0),
                    false => served.leq(1.0),
                });
            }
            self.columns.allocation.push(arcs);
        }
        for (plot, load) in plot_load.into_iter().enumerate() {
            self.add_plot_rows(problem, plot, load);
        }
    }

    /// A plot's load within the capacity of the size that opens, and at least its minimum.
    fn add_plot_rows(&mut self, problem: &SitingProblem, plot: usize, load: Expression) {
        let members = &self.columns.plots.sites[plot];
        let sites = problem.sites();
        let sized = |value: &dyn Fn(usize) -> f64| {
            let mut sum = Expression::default();
            for &j in members {
                sum += self.columns.open[j].into_expression() * value(j);
            }
            sum
        };
        if self.columns.plots.capacity[plot].is_some() {
            let capacity = sized(&|j| sites[j].capacity.unwrap_or(0.0));
            self.constraints.push(load.clone().leq(capacity));
        }
        if members.iter().any(|&j| sites[j].min_load > 0.0) {
            let least = sized(&|j| sites[j].min_load);
            self.constraints.push(load.geq(least));
        }
    }

    /// Hands the model to HiGHS, keeping the column map.
    fn into_highs(self, problem: &SitingProblem) -> Result<(highs::Model, Columns), SolveError> {
        let Self {
            vars,
            objective,
            constraints,
            mut columns,
        } = self;
        columns.count = vars.len();
        let unsolved = match problem.objective().is_maximised() {
            true => vars.maximise(objective),
            false => vars.minimise(objective),
        };
        let mut lp = unsolved.using(highs);
        for constraint in constraints {
            lp.add_constraint(constraint);
        }
        let model = lp
            .try_into_inner()
            .map_err(|e| SolveError::Highs(e.to_string()))?;
        Ok((model, columns))
    }
}

impl Solver for ExactSolver {
    fn solve(
        &self,
        problem: &SitingProblem,
        options: &SolveOptions,
    ) -> Result<Outcome, SolveError> {
        self.solve_from_plan(problem, options, None)
    }
}

impl ExactSolver {
    /// Solves `problem`, starting HiGHS from `start` when given (a plan of this problem)
    /// instead of the quick heuristic's.
    ///
    /// # Errors
    /// [`SolveError`] when HiGHS fails or finds no plan in time.
    pub fn solve_from_plan(
        &self,
        problem: &SitingProblem,
        options: &SolveOptions,
        start: Option<Assignment>,
    ) -> Result<Outcome, SolveError> {
        let started = Instant::now();
        if problem.objective() == Objective::MinSites && problem.is_capacitated() {
            if let Some(outcome) = uncapacitated_first(problem, options, started) {
                return Ok(outcome);
            }
        }
        let incumbent = match problem.has_planner_rules() {
            // The heuristic knows neither sizes, minimum loads nor unplaced prices.
            true => support_plan(problem, options, started, start),
            false => {
                let incumbent = start.or_else(|| heuristic_plan(problem, options, started));
                match problem.is_capacitated()
                    && problem.costs().pair_count() >= RESTRICTED_MIN_PAIRS
                {
                    true => restricted_plan(problem, options, started, incumbent),
                    false => incumbent,
                }
            }
        };
        let outcome = solve_from(problem, options, started, incumbent)?;
        Ok(match outcome {
            Outcome::Solved(solution) if problem.objective() == Objective::MinSites => {
                Outcome::Solved(with_shortest_allocation(
                    problem, solution, options, started,
                ))
            }
            other => other,
        })
    }
}

/// `min_sites` counts sites only, so any allocation the capacities allow is optimal; planners
/// expect each person at the nearest site with room, so the plan's open sites are kept and
/// its allocation replaced by the one with the shortest travel (given a little time of its
/// own after the limit, as it is a single linear program).
fn with_shortest_allocation(
    problem: &SitingProblem,
    solution: Solution,
    options: &SolveOptions,
    started: Instant,
) -> Solution {
    let spent = started.elapsed().as_secs_f64();
    let own_time = SolveOptions {
        time_limit: options
            .time_limit
            .map(|limit| spent + (limit * ALLOCATION_SHARE).max(ALLOCATION_MIN_SECONDS)),
        ..*options
    };
    match shortest_allocation(problem, &solution.assignment.open, &own_time, started) {
        Some(assignment) => Solution {
            assignment,
            ..solution
        },
        None => solution,
    }
}

/// Solves `min_sites` without capacities first: a much smaller covering model. Its bound
/// holds for the capacitated problem, and when its plan can serve everyone within the
/// capacities (checked by the allocation with the shortest travel), that plan is as good as
/// the bound says. `None` when it does not fit, or no plan came in time: the full model is
/// needed.
fn uncapacitated_first(
    problem: &SitingProblem,
    options: &SolveOptions,
    started: Instant,
) -> Option<Outcome> {
    let share = SolveOptions {
        time_limit: options.time_limit.map(|t| t * RELAXATION_SHARE),
        ..*options
    };
    let relaxed = match solve_from(&problem.without_capacities(), &share, started, None) {
        Ok(Outcome::Solved(relaxed)) => relaxed,
        _ => return None,
    };
    let assignment = shortest_allocation(problem, &relaxed.assignment.open, options, started)?;
    Some(Outcome::Solved(Solution {
        objective: assignment.objective_value(problem),
        assignment,
        ..relaxed
    }))
}

/// The allocation from the sites marked `open` that serves everyone with the least weighted
/// travel within the capacities, or `None` when they cannot serve everyone (or time ran out).
fn shortest_allocation(
    problem: &SitingProblem,
    open: &[bool],
    options: &SolveOptions,
    started: Instant,
) -> Option<Assignment> {
    let fixed = problem.allocation_from(open);
    match solve_from(&fixed, options, started, None) {
        Ok(Outcome::Solved(solution)) => Some(Assignment {
            open: open.to_vec(),
            allocations: solution.assignment.allocations,
        }),
        _ => None,
    }
}

/// Improves `incumbent` by solving the problem on the plots its linear relaxation opens:
/// those it opens by at least [`KERNEL_CUTS`]' first share, then the wider kernel of the
/// next; the best plan is kept. (Each kernel starts afresh: started from the narrow one's
/// plan, the wide one stops as soon as that plan is within the gap of its own bound.) On
/// sized, capacitated plans the relaxation's support holds a good plan, and a kernel is small
/// enough for HiGHS to search where the full model only gets through its root (a kernel
/// search in the sense of Angelelli, Mansini & Speranza).
fn support_plan(
    problem: &SitingProblem,
    options: &SolveOptions,
    started: Instant,
    mut incumbent: Option<Assignment>,
) -> Option<Assignment> {
    let Some(opened) = lp_openings(problem, options, started) else {
        return incumbent;
    };
    for (k, cut) in KERNEL_CUTS.into_iter().enumerate() {
        let dropped: Vec<bool> = opened.iter().map(|&share| share < cut).collect();
        let kernel = problem.without_sites(&dropped);
        let quick = SolveOptions {
            time_limit: options
                .time_limit
                .map(|t| t * KERNEL_SHARE * (k + 1) as f64),
            node_limit: Some(KERNEL_NODES),
            ..*options
        };
        if let Ok(Outcome::Solved(solution)) = solve_from(&kernel, &quick, started, None) {
            incumbent = better_plan(problem, Some(solution.assignment), incumbent);
        }
    }
    incumbent
}

/// For each site, how much the linear relaxation opens its plot (0 to 1), or `None` when
/// the relaxation is not solved in the time limit.
fn lp_openings(
    problem: &SitingProblem,
    options: &SolveOptions,
    started: Instant,
) -> Option<Vec<f64>> {
    let (mut model, columns) = Formulation::relaxed(problem).into_highs(problem).ok()?;
    configure(&mut model, options, started.elapsed().as_secs_f64()).ok()?;
    let solved = model.try_solve().ok()?;
    if solved.status() != HighsModelStatus::Optimal {
        return None;
    }
    let values = solved.get_solution();
    let values = values.columns();
    let opened = |j: usize| match columns.open[j] {
        Open::Always => 1.0,
        Open::Decide(y) => values[y.index],
    };
    let plots = &columns.plots;
    Some(
        (0..problem.sites().len())
            .map(|j| plots.sites[plots.of[j]].iter().map(|&k| opened(k)).sum())
            .collect(),
    )
}

/// Improves `incumbent` by solving the problem with each point's pairs cut to its nearest
/// sites. Too few pairs can leave no feasible plan; then the cut is widened, until it would
/// keep most pairs anyway and the full model is the better use of the time.
fn restricted_plan(
    problem: &SitingProblem,
    options: &SolveOptions,
    started: Instant,
    incumbent: Option<Assignment>,
) -> Option<Assignment> {
    let limit = options
        .time_limit
        .map_or(RESTRICTED_SECONDS, |t| t * RESTRICTED_SHARE)
        .min(RESTRICTED_SECONDS);
    let mut arcs = RESTRICTED_ARCS;
    while 2 * arcs * problem.demand().len() < problem.costs().pair_count() {
        let spent = started.elapsed().as_secs_f64();
        if spent >= limit {
            break;
        }
        let quick = SolveOptions {
            time_limit: Some(limit),
            ..*options
        };
        let restricted = problem.keep_nearest(arcs);
        match solve_from(&restricted, &quick, started, incumbent.clone()) {
            Ok(Outcome::Solved(solution)) => {
                return better_plan(problem, Some(solution.assignment), incumbent)
            }
            Ok(Outcome::Infeasible(_)) => arcs *= 2,
            Err(_) => break,
        }
    }
    incumbent
}

/// Solves with HiGHS, starting from `incumbent` when there is one; the time limit counts
/// from `started`.
fn solve_from(
    problem: &SitingProblem,
    options: &SolveOptions,
    started: Instant,
    incumbent: Option<Assignment>,
) -> Result<Outcome, SolveError> {
    let (mut model, columns) = Formulation::new(problem).into_highs(problem)?;
    configure(&mut model, options, started.elapsed().as_secs_f64())?;
    if let Some(plan) = &incumbent {
        warm_start(&mut model, &columns, plan)?;
    }
    let solved = model
        .try_solve()
        .map_err(|e| SolveError::Highs(format!("{e:?}")))?;
    let status = solved.status();
    if proven_infeasible(status)? {
        return Ok(Outcome::Infeasible(Diagnosis {
            reasons: vec![Reason::NoPlanExists],
        }));
    }
    let from_highs =
        (solved.primal_solution_status() == HighsSolutionStatus::Feasible).then(|| {
            let values = solved.get_solution();
            let values = values.columns();
            read_plan(problem, &columns, |column| values[column.index])
        });
    let assignment =
        better_plan(problem, from_highs, incumbent).ok_or(SolveError::NoPlanWithinLimit {
            seconds: options.time_limit.unwrap_or(f64::INFINITY),
        })?;
    let objective = assignment.objective_value(problem);
    let solver_bound = match columns.has_integers {
        true => solved.double_info_value(c"mip_dual_bound").ok(),
        false => (status == HighsModelStatus::Optimal).then(|| solved.objective_value()),
    };
    let bound = honest_bound(problem, objective, solver_bound.map(|b| b + columns.offset));
    let proven = status == HighsModelStatus::Optimal
        && relative_gap(objective, bound) <= tolerance::OPTIMALITY;
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

/// The heuristic's plan when it is one the model accepts. It gets a small share of the
/// time limit; on the problems the exact solver takes it ends at a local optimum far sooner.
fn heuristic_plan(
    problem: &SitingProblem,
    options: &SolveOptions,
    started: Instant,
) -> Option<Assignment> {
    let budget = options.time_limit.map_or(HEURISTIC_SECONDS, |limit| {
        (limit * HEURISTIC_SHARE).min(HEURISTIC_SECONDS)
    });
    let found = heuristic::search(problem, started + super::seconds(budget));
    let usable = found.score.is_feasible() && problem.within_limits(&found.assignment.open);
    usable.then_some(found.assignment)
}

/// The plan with the better objective; HiGHS's when they tie.
fn better_plan(
    problem: &SitingProblem,
    from_highs: Option<Assignment>,
    incumbent: Option<Assignment>,
) -> Option<Assignment> {
    match (from_highs, incumbent) {
        (Some(a), Some(b)) => {
            let (va, vb) = (a.objective_value(problem), b.objective_value(problem));
            let b_better = match problem.objective().is_maximised() {
                true => vb > va,
                false => vb < va,
            };
            Some(if b_better { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// Whether HiGHS ended by proving that no plan exists (`true`) or with a search to read
/// (`false`: optimal, or stopped by a limit); any other status is an error.
pub(super) fn proven_infeasible(status: HighsModelStatus) -> Result<bool, SolveError> {
    match status {
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => Ok(true),
        HighsModelStatus::Optimal
        | HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedMemoryLimit => Ok(false),
        other => Err(SolveError::Highs(format!(
            "unexpected model status {other:?}"
        ))),
    }
}

/// Hands the heuristic plan to HiGHS as its first incumbent.
fn warm_start(
    model: &mut highs::Model,
    columns: &Columns,
    plan: &Assignment,
) -> Result<(), SolveError> {
    let mut values = vec![0.0; columns.count];
    for (open, &is_open) in columns.open.iter().zip(&plan.open) {
        if let Open::Decide(y) = open {
            values[y.index] = f64::from(u8::from(is_open));
        }
    }
    for (arcs, allocations) in columns.allocation.iter().zip(&plan.allocations) {
        for allocation in allocations {
            let lead = columns.plots.lead(allocation.site);
            if let Some((_, x)) = arcs.iter().find(|(site, _)| *site == lead) {
                values[x.index] = allocation.share;
            }
        }
    }
    for &(i, covered) in &columns.covered {
        values[covered.index] = plan.served_share(i);
    }
    for &(i, unplaced) in &columns.unplaced {
        values[unplaced.index] = (1.0 - plan.served_share(i)).max(0.0);
    }
    set_start(model, &values)
}

/// Hands HiGHS every column's value of a plan as its first incumbent.
pub(super) fn set_start(model: &mut highs::Model, values: &[f64]) -> Result<(), SolveError> {
    model
        .try_set_solution(Some(values), None, None, None)
        .map_err(|e| SolveError::Highs(format!("cannot pass the starting plan: {e:?}")))
}

/// Sets HiGHS's options; `spent` seconds of the time limit are already used.
pub(super) fn configure(
    model: &mut highs::Model,
    options: &SolveOptions,
    spent: f64,
) -> Result<(), SolveError> {
    let failed = |name: &str| SolveError::Highs(format!("HiGHS rejected option {name}"));
    for flag in ["output_flag", "log_to_console"] {
        model
            .try_set_option(flag, options.terminal.solver_log)
            .map_err(|_| failed(flag))?;
    }
    model
        .try_set_option("mip_rel_gap", options.gap)
        .map_err(|_| failed("mip_rel_gap"))?;
    if let Some(nodes) = options.node_limit {
        let nodes = i32::try_from(nodes).unwrap_or(i32::MAX);
        model
            .try_set_option("mip_max_nodes", nodes)
            .map_err(|_| failed("mip_max_nodes"))?;
    }
    if let Some(seconds) = options.time_limit {
        model
            .try_set_option("time_limit", (seconds - spent).max(0.0))
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
    columns: &Columns,
    value: impl Fn(Column) -> f64,
) -> Assignment {
    let mut opened: Vec<bool> = columns
        .open
        .iter()
        .map(|o| match o {
            Open::Always => true,
            Open::Decide(y) => value(*y) > 0.5,
        })
        .collect();
    let allocations = match columns.allocation.is_empty() {
        true => heuristic::nearest_open(problem, &opened),
        false => columns
            .allocation
            .iter()
            .map(|arcs| read_shares(problem, arcs, &value))
            .map(|shares| to_open_sizes(&columns.plots, &opened, shares))
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

pub(super) fn read_shares(
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
        .filter(|a| a.share > tolerance::LP_SHARE)
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
    if total > 0.0 && (problem.serves_all() || total > 1.0) {
        for allocation in &mut shares {
            allocation.share /= total;
        }
    }
    shares.sort_by_key(|a| a.site);
    shares
}

/// Shares read on a plot's first site, moved to the size that opens there.
pub(super) fn to_open_sizes(
    plots: &Plots,
    opened: &[bool],
    shares: Vec<Allocation>,
) -> Vec<Allocation> {
    let mut moved: Vec<Allocation> = shares
        .into_iter()
        .map(|a| Allocation {
            site: plots
                .open_member(opened, plots.of[a.site])
                .unwrap_or(a.site),
            ..a
        })
        .collect();
    moved.sort_by_key(|a| a.site);
    moved
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DemandPoint, Limits, Site};

    /// Pupils per village on a line (name, pupils, km) and school plots (km), each plot
    /// offered small (250 places, cost 100) or large (600 places, cost 150), opening only
    /// for `min_share` of its places. A trip costs 0.1 per pupil and km up to 2 km; a pupil
    /// left without a place costs 10.
    fn sized_line(
        villages: &[(&str, f64, f64)],
        plots_km: &[f64],
        min_share: f64,
    ) -> SitingProblem {
        let demand = villages
            .iter()
            .map(|&(id, pupils, _)| DemandPoint {
                id: id.into(),
                demand: pupils,
                weight: pupils,
            })
            .collect();
        let sizes = [("small", 250.0, 100.0), ("large", 600.0, 150.0)];
        let mut sites = Vec::new();
        let mut costs = Vec::new();
        for (plot, &km) in plots_km.iter().enumerate() {
            for (name, capacity, cost) in sizes {
                for (i, &(_, _, at)) in villages.iter().enumerate() {
                    if (at - km).abs() <= 2.0 {
                        costs.push((i, sites.len(), 0.1 * (at - km).abs()));
                    }
                }
                sites.push(Site {
                    id: format!("P{plot} {name}"),
                    capacity: Some(capacity),
                    fixed_cost: cost,
                    status: SiteStatus::Candidate,
                    min_load: min_share * capacity,
                    plot: Some(plot),
                });
            }
        }
        let limits = Limits {
            unplaced_price: Some(10.0),
            ..Limits::default()
        };
        SitingProblem::new(Objective::MinCost, limits, demand, sites, costs).unwrap()
    }

    fn solved(problem: &SitingProblem) -> Solution {
        match ExactSolver
            .solve(problem, &SolveOptions::default())
            .unwrap()
        {
            Outcome::Solved(solution) => solution,
            Outcome::Infeasible(d) => panic!("no plan: {d}"),
        }
    }

    fn opened(problem: &SitingProblem, solution: &Solution) -> Vec<String> {
        problem
            .sites()
            .iter()
            .zip(&solution.assignment.open)
            .filter(|(_, &open)| open)
            .map(|(site, _)| site.id.clone())
            .collect()
    }

    /// 300 pupils at km 0, 200 at km 1. One large school at km 0: 150 + 200 × 0.1 = 170;
    /// at km 1: 150 + 300 × 0.1 = 180; two small ones: 200 + 50 × 0.1 = 205 (the first holds
    /// only 250 of its village); one small one leaves 250 pupils without a place.
    #[test]
    fn the_plan_builds_the_size_that_serves_everyone_cheapest() {
        let problem = sized_line(&[("A", 300.0, 0.0), ("B", 200.0, 1.0)], &[0.0, 1.0], 0.5);
        let solution = solved(&problem);
        assert_eq!(opened(&problem, &solution), ["P0 large"]);
        assert!((solution.objective - 170.0).abs() < 1e-6);
        assert_eq!(solution.status, Status::Optimal);
        assert_eq!(solution.assignment.loads(&problem)[1], 500.0);
    }

    /// 300 pupils at km 0 and a hamlet of 20 at km 5, beyond 2 km of the first plot. A small
    /// school at the hamlet would cost 100 against 200 for leaving its 20 pupils without a
    /// place; but it may open only for 125 pupils, so the plan leaves them: 150 + 200 = 350.
    /// Without a minimum load it builds there: 150 + 100 = 250.
    #[test]
    fn no_new_school_opens_below_its_minimum_load() {
        let villages = [("A", 300.0, 0.0), ("H", 20.0, 5.0)];
        let problem = sized_line(&villages, &[0.0, 5.0], 0.5);
        let solution = solved(&problem);
        assert_eq!(opened(&problem, &solution), ["P0 large"]);
        assert!((solution.objective - 350.0).abs() < 1e-6);
        assert_eq!(solution.assignment.served_share(1), 0.0);
        let without_minimum = sized_line(&villages, &[0.0, 5.0], 0.0);
        let solution = solved(&without_minimum);
        assert_eq!(
            opened(&without_minimum, &solution),
            ["P0 large", "P1 small"]
        );
        assert!((solution.objective - 250.0).abs() < 1e-6);
    }
}
