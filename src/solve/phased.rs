//! Phased plans: what to build first and what later, solved as one model over every phase.
//!
//! Each phase is a siting problem of its own year — the same sites, sizes and pairs, the
//! demand of that year — and the model ties them together: a site opened in one phase stays
//! open, a plot's size may grow but never shrink, and each phase's demand is placed within
//! that phase's capacities. What a phase builds is paid at its discount (`build_weight`);
//! growing a plot that is already open costs the difference between the sizes plus
//! `growth_premium` of it (building on an occupied school costs more than building at once).
//! Each phase's travel and unplaced prices count with `use_weight`.
//!
//! Sizes of a plot are ranked by capacity; `U[t][k]` = Σ over sizes of rank ≥ k of `y[t][s]`
//! says whether the plot has at least size k in phase t. Growth is `U[t][k] ≥ U[t−1][k]`;
//! the cost of phase t is Σ_k (c_k − c_{k−1}) (U[t][k] − U[t−1][k]).
//!
//! [`solve_in_sequence`] plans phase by phase instead, each phase fixed before the next is
//! planned (the myopic way), so a plan can say what planning all phases at once saves.
//! [`solve_phased`] plans that way first and hands the plan to HiGHS as the first plan of the
//! whole model, so the joint plan is never worse than the phase-by-phase one.

use super::highs::{
    add_column, configure, proven_infeasible, read_shares, set_start, to_open_sizes, Column, Open,
    Plots,
};
use super::{diagnose, relative_gap, tolerance, Diagnosis, Reason, Solution, SolveError};
use super::{ExactSolver, Outcome, SolveOptions, Solver, Status};
use crate::model::{Assignment, Objective, SiteStatus, SitingProblem};
use good_lp::solvers::highs::highs;
use good_lp::{variable, Constraint, Expression, ProblemVariables, SolverModel};
use highs::{HighsModelStatus, HighsSolutionStatus};
use std::time::Instant;

/// Above this many sites to decide over all phases, the whole model is solved as a linear
/// program for its bound only: on Erqi's primary schools, with plots every 750 m (3,288
/// decisions) or every 1 km (1,848), HiGHS's search stayed for minutes in its root node and
/// found nothing better than the phase-by-phase plan.
const JOINT_SEARCH_LIMIT: usize = 1_000;

/// Above this many allocation variables over all phases, the rows `x ≤ y` are left out for
/// plots with a capacity (their capacity row links them); below it they tighten the bound.
const LINKING_LIMIT: usize = 300_000;

/// How the phases of a plan weigh against each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Phasing {
    /// Each phase's weight on what it builds: its discount factor (1 for the first phase).
    pub build_weight: Vec<f64>,
    /// Each phase's weight on its travel and unplaced prices.
    pub use_weight: Vec<f64>,
    /// Extra share of the cost paid when a plot already open grows to a larger size.
    pub growth_premium: f64,
}

/// A phased plan: per phase the sites open and who goes where.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasedSolution {
    /// One solution per phase: its open sites and allocations; its `objective` is the
    /// phase's part of the whole plan's value and its `bound` the same share of the bound.
    pub phases: Vec<Solution>,
    /// The whole plan's value: every phase's construction and use, weighted.
    pub objective: f64,
    /// Proven bound on the best possible value.
    pub bound: f64,
    /// Whether `objective` is proven optimal.
    pub status: Status,
    /// The value of planning one phase at a time (for [`solve_in_sequence`], `objective`);
    /// `None` when that found no plan within its half of the time limit.
    pub in_sequence: Option<f64>,
    /// Whether HiGHS searched the whole model for a better plan; `false` when it was too
    /// large and solved for its bound only (the plan is then the phase-by-phase one).
    pub whole_model_searched: bool,
}

/// What a phased solve ends with.
#[derive(Debug, Clone, PartialEq)]
pub enum PhasedOutcome {
    /// A plan for every phase.
    Solved(PhasedSolution),
    /// No plan, and why.
    Infeasible(Diagnosis),
}

/// Plans every phase at once.
///
/// `problems` are the phases in order: the same sites and pairs, each with its year's demand;
/// the objective must be `min_cost`. The phases are first planned one at a time (with at most
/// half the time limit): the plan to compare with, and HiGHS's first plan of the whole model.
/// Above [`JOINT_SEARCH_LIMIT`] decisions, HiGHS's search of the whole model does not end in
/// minutes and finds no better plan (docs/phased.md), so the plan is the phase-by-phase one
/// and the bound is the whole model's linear relaxation.
///
/// # Errors
/// [`SolveError`] when HiGHS fails or finds no plan in time.
pub fn solve_phased(
    problems: &[SitingProblem],
    phasing: &Phasing,
    options: &SolveOptions,
) -> Result<PhasedOutcome, SolveError> {
    if let Some(diagnosis) = problems.iter().find_map(diagnose) {
        return Ok(PhasedOutcome::Infeasible(diagnosis));
    }
    let started = Instant::now();
    let first_half = SolveOptions {
        time_limit: options.time_limit.map(|seconds| seconds / 2.0),
        ..*options
    };
    let sequence = match plan_in_sequence(problems, phasing, &first_half, started) {
        Ok(None) => return Ok(no_plan()),
        found => within_limit(found)?.flatten(),
    };
    let relaxed = sequence.is_some() && decisions(problems) > JOINT_SEARCH_LIMIT;
    let whole = Stage {
        start: sequence.as_deref().filter(|_| !relaxed),
        relaxed,
        ..Stage::default()
    };
    let joint = match within_limit(run_model(problems, phasing, options, started, &whole))? {
        Some(None) => return Ok(no_plan()),
        other => other.flatten(),
    };
    let in_sequence = sequence
        .as_ref()
        .map(|plans| value_of(problems, phasing, plans));
    let found = match (joint, sequence) {
        (Some(relaxation), Some(plans)) if relaxed => Found {
            plans,
            bound: relaxation.bound,
            optimal: false,
        },
        (Some(joint), Some(plans))
            if in_sequence
                .is_some_and(|alone| value_of(problems, phasing, &joint.plans) > alone) =>
        {
            Found { plans, ..joint }
        }
        (Some(joint), _) => joint,
        (None, Some(plans)) => Found {
            plans,
            bound: None,
            optimal: false,
        },
        (None, None) => {
            return Err(SolveError::NoPlanWithinLimit {
                seconds: options.time_limit.unwrap_or(f64::INFINITY),
            })
        }
    };
    Ok(PhasedOutcome::Solved(solution(
        problems,
        phasing,
        found,
        in_sequence,
        !relaxed,
    )))
}

/// How many sites the whole model decides: every candidate site in every phase.
fn decisions(problems: &[SitingProblem]) -> usize {
    problems
        .iter()
        .map(|p| p.sites().iter().filter(|s| !s.is_existing()).count())
        .sum()
}

/// `options` with the time limit less what has passed since `started`, for a solver that
/// counts from its own start.
fn remaining(options: &SolveOptions, started: Instant) -> SolveOptions {
    let spent = started.elapsed().as_secs_f64();
    SolveOptions {
        time_limit: options.time_limit.map(|seconds| (seconds - spent).max(0.0)),
        ..*options
    }
}

/// `None` when a stage found no plan within its time, so the next stage goes on without it.
fn within_limit<T>(result: Result<T, SolveError>) -> Result<Option<T>, SolveError> {
    match result {
        Ok(found) => Ok(Some(found)),
        Err(SolveError::NoPlanWithinLimit { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Plans phase by phase: each phase the cheapest for itself given what earlier phases
/// built, as a planner who looks one phase ahead would. Never better than [`solve_phased`].
///
/// # Errors
/// As [`solve_phased`].
pub fn solve_in_sequence(
    problems: &[SitingProblem],
    phasing: &Phasing,
    options: &SolveOptions,
) -> Result<PhasedOutcome, SolveError> {
    if let Some(diagnosis) = problems.iter().find_map(diagnose) {
        return Ok(PhasedOutcome::Infeasible(diagnosis));
    }
    let Some(plans) = plan_in_sequence(problems, phasing, options, Instant::now())? else {
        return Ok(no_plan());
    };
    let found = Found {
        plans,
        bound: None,
        optimal: false,
    };
    let value = value_of(problems, phasing, &found.plans);
    Ok(PhasedOutcome::Solved(solution(
        problems,
        phasing,
        found,
        Some(value),
        false,
    )))
}

fn no_plan() -> PhasedOutcome {
    PhasedOutcome::Infeasible(Diagnosis {
        reasons: vec![Reason::NoPlanExists],
    })
}

/// Each phase's plan, planned one after the other with what earlier phases built fixed;
/// `None` when a phase has no plan.
///
/// Each phase is planned as a plan of its own year would be, as a bureau re-planning at
/// every census does: its travel and unplaced prices weigh as much as its construction, as
/// if its residents stayed for a site's life. Weighed by its share of the phases instead, the
/// first phase would build for a fraction of the prices and leave its residents unplaced.
fn plan_in_sequence(
    problems: &[SitingProblem],
    phasing: &Phasing,
    options: &SolveOptions,
    started: Instant,
) -> Result<Option<Vec<Assignment>>, SolveError> {
    let mut plans: Vec<Assignment> = Vec::with_capacity(problems.len());
    // The first phase is a plan of one year, which the single-year solver plans best (its
    // kernel search finds plans the phased model's root does not).
    match ExactSolver.solve(&problems[0], &remaining(options, started))? {
        Outcome::Solved(solution) => plans.push(solution.assignment),
        Outcome::Infeasible(_) => return Ok(None),
    }
    let own_year = Phasing {
        use_weight: phasing.build_weight.clone(),
        ..phasing.clone()
    };
    for t in 1..problems.len() {
        let stage = Stage {
            fixed: &plans,
            ..Stage::default()
        };
        let found = run_model(&problems[..=t], &own_year, options, started, &stage)?;
        let Some(mut found) = found else {
            return Ok(None);
        };
        plans.push(found.plans.swap_remove(t));
    }
    Ok(Some(plans))
}

/// The whole plan's value: every phase's part summed.
fn value_of(problems: &[SitingProblem], phasing: &Phasing, plans: &[Assignment]) -> f64 {
    phase_costs(problems, phasing, plans).iter().sum()
}

/// The phased solution of `found`: each phase's value, the bound shared out in proportion.
fn solution(
    problems: &[SitingProblem],
    phasing: &Phasing,
    found: Found,
    in_sequence: Option<f64>,
    whole_model_searched: bool,
) -> PhasedSolution {
    let costs = phase_costs(problems, phasing, &found.plans);
    let objective: f64 = costs.iter().sum();
    let bound = found.bound.unwrap_or(0.0).max(0.0).min(objective);
    let proven = found.optimal && relative_gap(objective, bound) <= tolerance::OPTIMALITY;
    let status = match proven {
        true => Status::Optimal,
        false => Status::Feasible,
    };
    let share = |cost: f64| match objective > 0.0 {
        true => cost * bound / objective,
        false => 0.0,
    };
    let phases = found
        .plans
        .into_iter()
        .zip(&costs)
        .map(|(assignment, &cost)| Solution {
            assignment,
            objective: cost,
            bound: share(cost),
            status,
        })
        .collect();
    PhasedSolution {
        phases,
        objective,
        bound,
        status,
        in_sequence,
        whole_model_searched,
    }
}

/// Each phase's part of a phased plan's value: what it builds (at its discount, with the
/// growth premium) and its travel and unplaced prices (at its use weight).
pub fn phase_costs(
    problems: &[SitingProblem],
    phasing: &Phasing,
    plans: &[Assignment],
) -> Vec<f64> {
    let plots = Plots::new(&problems[0]);
    let ranks = ranks(&problems[0], &plots);
    let mut size_before = vec![None; plots.sites.len()];
    let mut costs = Vec::with_capacity(plans.len());
    for (t, (problem, plan)) in problems.iter().zip(plans).enumerate() {
        let mut building = 0.0;
        for (p, ranked) in ranks.iter().enumerate() {
            if problem.sites()[ranked[0]].is_existing() {
                continue;
            }
            let size = ranked.iter().rposition(|&j| plan.open[j]);
            building += construction(
                problem,
                ranked,
                size_before[p],
                size,
                phasing.growth_premium,
            );
            size_before[p] = size.or(size_before[p]);
        }
        let existing: f64 = match t {
            0 => problem
                .sites()
                .iter()
                .filter(|s| s.is_existing())
                .map(|s| s.fixed_cost)
                .sum(),
            _ => 0.0,
        };
        let using = plan.travel_cost(problem) + plan.unplaced_cost(problem);
        costs.push(phasing.build_weight[t] * (building + existing) + phasing.use_weight[t] * using);
    }
    costs
}

/// What a plot's move from size rank `before` to `after` costs (nothing when it stays).
fn construction(
    problem: &SitingProblem,
    ranked: &[usize],
    before: Option<usize>,
    after: Option<usize>,
    premium: f64,
) -> f64 {
    let cost = |rank: Option<usize>| rank.map_or(0.0, |k| problem.sites()[ranked[k]].fixed_cost);
    match (before, after) {
        (_, None) => 0.0,
        (None, Some(_)) => cost(after),
        (Some(b), Some(a)) if a > b => (cost(after) - cost(before)) * (1.0 + premium),
        _ => 0.0,
    }
}

/// Each plot's sites from the smallest capacity to the largest (unlimited last), ties by cost.
fn ranks(problem: &SitingProblem, plots: &Plots) -> Vec<Vec<usize>> {
    let sites = problem.sites();
    plots
        .sites
        .iter()
        .map(|members| {
            let mut ranked = members.clone();
            ranked.sort_by(|&a, &b| {
                let room = |j: usize| sites[j].capacity.unwrap_or(f64::INFINITY);
                room(a)
                    .total_cmp(&room(b))
                    .then(sites[a].fixed_cost.total_cmp(&sites[b].fixed_cost))
                    .then(a.cmp(&b))
            });
            ranked
        })
        .collect()
}

/// The model over `problems`, the first `fixed.len()` phases fixed to their plans (their
/// sites fixed, their allocations left out: they cost the same whatever later phases do).
struct PhasedModel<'a> {
    problems: &'a [SitingProblem],
    phasing: &'a Phasing,
    plots: Plots,
    ranks: Vec<Vec<usize>>,
    vars: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    /// `y[t][j]` per phase and site.
    open: Vec<Vec<Open>>,
    /// Per phase and point: (the plot's first site, `x`).
    allocation: Vec<Vec<Vec<(usize, Column)>>>,
    /// Per phase and point, the share left unplaced, when unplaced demand is priced.
    unplaced: Vec<(usize, usize, Column)>,
    /// `g`: per phase, plot and size rank, whether an open plot grows to that rank.
    grown: Vec<(usize, usize, usize, Column)>,
    /// Constant part of the objective (existing sites' fixed costs).
    offset: f64,
}

impl<'a> PhasedModel<'a> {
    fn new(problems: &'a [SitingProblem], phasing: &'a Phasing, stage: &Stage) -> Self {
        let fixed = stage.fixed;
        let first = &problems[0];
        let plots = Plots::new(first);
        let ranks = ranks(first, &plots);
        let mut vars = ProblemVariables::new();
        let open = problems
            .iter()
            .enumerate()
            .map(|(t, problem)| {
                problem
                    .sites()
                    .iter()
                    .enumerate()
                    .map(|(j, site)| match site.is_existing() {
                        true => Open::Always,
                        false => {
                            let definition = match fixed.get(t) {
                                Some(plan) => {
                                    let value = f64::from(u8::from(plan.open[j]));
                                    variable().min(value).max(value)
                                }
                                None if stage.relaxed => variable().min(0.0).max(1.0),
                                None => variable().binary(),
                            };
                            Open::Decide(add_column(&mut vars, definition))
                        }
                    })
                    .collect()
            })
            .collect();
        let offset = first
            .sites()
            .iter()
            .filter(|s| s.is_existing())
            .map(|s| s.fixed_cost)
            .sum::<f64>()
            * phasing.build_weight[0];
        let mut model = Self {
            problems,
            phasing,
            plots,
            ranks,
            vars,
            objective: Expression::default(),
            constraints: Vec::new(),
            open,
            allocation: Vec::new(),
            unplaced: Vec::new(),
            grown: Vec::new(),
            offset,
        };
        model.add_sizes_and_growth();
        model.add_limits();
        let pairs: usize = problems.iter().map(|p| p.costs().pair_count()).sum();
        for t in 0..problems.len() {
            match t < fixed.len() {
                true => model.allocation.push(Vec::new()),
                false => model.add_phase_allocation(t, pairs <= LINKING_LIMIT),
            }
        }
        model
    }

    /// `U[t][k]`: Σ of `y[t][s]` over the plot's sizes of rank ≥ k.
    fn at_least(&self, t: usize, plot: usize, rank: usize) -> Expression {
        let mut sum = Expression::default();
        for &j in &self.ranks[plot][rank..] {
            sum += self.open[t][j].into_expression();
        }
        sum
    }

    /// One size per plot and phase; sizes never shrink; what each phase builds is paid.
    fn add_sizes_and_growth(&mut self) {
        let premium = self.phasing.growth_premium;
        for t in 0..self.problems.len() {
            let sites = self.problems[t].sites();
            for plot in 0..self.ranks.len() {
                // An existing site is open throughout; its cost is in the offset.
                if sites[self.ranks[plot][0]].is_existing() {
                    continue;
                }
                if self.ranks[plot].len() > 1 {
                    self.constraints.push(self.at_least(t, plot, 0).leq(1.0));
                }
                let mut cheaper = 0.0;
                for k in 0..self.ranks[plot].len() {
                    let step = sites[self.ranks[plot][k]].fixed_cost - cheaper;
                    cheaper = sites[self.ranks[plot][k]].fixed_cost;
                    let now = self.at_least(t, plot, k);
                    let before = match t {
                        0 => Expression::default(),
                        _ => self.at_least(t - 1, plot, k),
                    };
                    if t > 0 {
                        self.constraints.push(now.clone().geq(before.clone()));
                    }
                    let weight = self.phasing.build_weight[t];
                    self.objective += (now.clone() - before.clone()) * (weight * step);
                    if t > 0 && k > 0 && premium > 0.0 && step > 0.0 {
                        // g ≥ (grows to rank k now) + (was open before) − 1.
                        let grown = add_column(&mut self.vars, variable().min(0.0));
                        let was_open = self.at_least(t - 1, plot, 0);
                        self.constraints
                            .push(Expression::from(grown.var).geq(now - before + was_open - 1.0));
                        self.objective.add_mul(weight * step * premium, grown.var);
                        self.grown.push((t, plot, k, grown));
                    }
                }
            }
        }
    }

    /// New sites by the last phase within `max_new`; everything built within `budget`.
    fn add_limits(&mut self) {
        let last = self.problems.len() - 1;
        let limits = self.problems[last].limits();
        if let Some(max_new) = limits.max_new {
            let mut opened = Expression::default();
            for plot in 0..self.ranks.len() {
                let is_new = self.ranks[plot]
                    .iter()
                    .any(|&j| self.problems[last].sites()[j].status == SiteStatus::Candidate);
                if is_new {
                    opened += self.at_least(last, plot, 0);
                }
            }
            self.constraints.push(opened.leq(max_new as f64));
        }
        if let Some(budget) = limits.budget {
            // Without the premium: the plots' final sizes at their own costs bound what is
            // spent from below, and growth premiums come on top.
            let mut spent = Expression::default();
            let sites = self.problems[last].sites();
            for plot in 0..self.ranks.len() {
                for &j in &self.ranks[plot] {
                    spent += self.open[last][j].into_expression() * sites[j].fixed_cost;
                }
            }
            self.constraints.push(spent.leq(budget));
        }
    }

    /// Phase `t`'s points served in full (or priced when unplaced), plot loads within the
    /// size open in that phase, and `x ≤ y` rows when `linking` (always for plots without a
    /// capacity).
    fn add_phase_allocation(&mut self, t: usize, linking: bool) {
        let problem = &self.problems[t];
        let weight = self.phasing.use_weight[t];
        let mut loads = vec![Expression::default(); self.plots.sites.len()];
        let mut phase = Vec::with_capacity(problem.demand().len());
        for (i, point) in problem.demand().iter().enumerate() {
            let mut arcs = Vec::new();
            if point.demand <= 0.0 {
                phase.push(arcs);
                continue;
            }
            let mut served = Expression::default();
            for arc in problem.costs().arcs(i) {
                if self.plots.lead(arc.site) != arc.site {
                    continue;
                }
                let plot = self.plots.of[arc.site];
                let x = add_column(&mut self.vars, variable().min(0.0).max(1.0));
                served += x.var;
                loads[plot].add_mul(point.demand, x.var);
                self.objective
                    .add_mul(weight * point.weight * arc.cost, x.var);
                let always = self.plots.sites[plot]
                    .iter()
                    .any(|&j| matches!(self.open[t][j], Open::Always));
                if (linking || self.plots.capacity[plot].is_none()) && !always {
                    self.constraints
                        .push(Expression::from(x.var).leq(self.at_least(t, plot, 0)));
                }
                arcs.push((arc.site, x));
            }
            match problem.limits().unplaced_price {
                Some(price) => {
                    let unplaced = add_column(&mut self.vars, variable().min(0.0).max(1.0));
                    self.objective
                        .add_mul(weight * price * point.demand, unplaced.var);
                    self.constraints.push((served + unplaced.var).eq(1.0));
                    self.unplaced.push((t, i, unplaced));
                }
                None => self.constraints.push(served.eq(1.0)),
            }
            phase.push(arcs);
        }
        for (plot, load) in loads.into_iter().enumerate() {
            let sized = |value: &dyn Fn(usize) -> f64| {
                let mut sum = Expression::default();
                for &j in &self.plots.sites[plot] {
                    sum += self.open[t][j].into_expression() * value(j);
                }
                sum
            };
            let sites = problem.sites();
            if self.plots.capacity[plot].is_some() {
                let capacity = sized(&|j| sites[j].capacity.unwrap_or(0.0));
                self.constraints.push(load.clone().leq(capacity));
            }
            if self.plots.sites[plot]
                .iter()
                .any(|&j| sites[j].min_load > 0.0)
            {
                let least = sized(&|j| sites[j].min_load);
                self.constraints.push(load.geq(least));
            }
        }
        self.allocation.push(phase);
    }
}

impl PhasedModel<'_> {
    /// Every column's value in `plans`, to hand HiGHS as its first plan.
    fn start_values(&self, plans: &[Assignment]) -> Vec<f64> {
        let mut values = vec![0.0; self.vars.len()];
        for (open, plan) in self.open.iter().zip(plans) {
            for (column, &is_open) in open.iter().zip(&plan.open) {
                if let Open::Decide(y) = column {
                    values[y.index] = f64::from(u8::from(is_open));
                }
            }
        }
        for (phase, plan) in self.allocation.iter().zip(plans) {
            for (arcs, allocations) in phase.iter().zip(&plan.allocations) {
                for allocation in allocations {
                    let lead = self.plots.lead(allocation.site);
                    if let Some((_, x)) = arcs.iter().find(|(site, _)| *site == lead) {
                        values[x.index] += allocation.share;
                    }
                }
            }
        }
        for &(t, i, column) in &self.unplaced {
            values[column.index] = (1.0 - plans[t].served_share(i)).max(0.0);
        }
        let at_least = |t: usize, plot: usize, rank: usize| {
            self.ranks[plot][rank..]
                .iter()
                .filter(|&&j| plans[t].open[j])
                .count() as f64
        };
        for &(t, plot, k, column) in &self.grown {
            let grows = at_least(t, plot, k) - at_least(t - 1, plot, k);
            values[column.index] = (grows + at_least(t - 1, plot, 0) - 1.0).max(0.0);
        }
        values
    }
}

/// Each phase's plan read from the model's values; the first `fixed.len()` phases are those.
fn read_plans(
    problems: &[SitingProblem],
    model: &PhasedModel,
    fixed: &[Assignment],
    value: impl Fn(Column) -> f64,
) -> Vec<Assignment> {
    problems
        .iter()
        .enumerate()
        .map(|(t, problem)| {
            if let Some(plan) = fixed.get(t) {
                return plan.clone();
            }
            let opened: Vec<bool> = model.open[t]
                .iter()
                .map(|o| match o {
                    Open::Always => true,
                    Open::Decide(y) => value(*y) > 0.5,
                })
                .collect();
            let allocations = model.allocation[t]
                .iter()
                .map(|arcs| read_shares(problem, arcs, &value))
                .map(|shares| to_open_sizes(&model.plots, &opened, shares))
                .collect();
            Assignment {
                open: opened,
                allocations,
            }
        })
        .collect()
}

/// What one HiGHS run of the phased model found.
struct Found {
    /// Each phase's plan (none for a relaxation).
    plans: Vec<Assignment>,
    /// HiGHS's bound on the whole plan's value, when it has one.
    bound: Option<f64>,
    /// Whether HiGHS ended at its gap.
    optimal: bool,
}

/// What one run of the phased model fixes and starts from, and whether it is relaxed.
#[derive(Default)]
struct Stage<'a> {
    /// The first phases' plans, fixed (their allocations left out of the model).
    fixed: &'a [Assignment],
    /// A plan of every phase handed to HiGHS as its first plan.
    start: Option<&'a [Assignment]>,
    /// Whether sites may open in part: the linear relaxation, solved for its bound only.
    relaxed: bool,
}

/// Builds and solves the model of `stage`; `None` when no plan exists. The time limit
/// counts from `started`.
fn run_model(
    problems: &[SitingProblem],
    phasing: &Phasing,
    options: &SolveOptions,
    started: Instant,
    stage: &Stage,
) -> Result<Option<Found>, SolveError> {
    debug_assert!(problems.iter().all(|p| p.objective() == Objective::MinCost));
    let mut model = PhasedModel::new(problems, phasing, stage);
    let start_values = stage.start.map(|plans| model.start_values(plans));
    let vars = std::mem::take(&mut model.vars);
    let objective = std::mem::take(&mut model.objective);
    let mut lp = vars.minimise(objective).using(highs);
    for constraint in std::mem::take(&mut model.constraints) {
        lp.add_constraint(constraint);
    }
    let mut highs_model = lp
        .try_into_inner()
        .map_err(|e| SolveError::Highs(e.to_string()))?;
    configure(&mut highs_model, options, started.elapsed().as_secs_f64())?;
    if let Some(values) = start_values {
        set_start(&mut highs_model, &values)?;
    }
    let solved = highs_model
        .try_solve()
        .map_err(|e| SolveError::Highs(format!("{e:?}")))?;
    let status = solved.status();
    if proven_infeasible(status)? {
        return Ok(None);
    }
    if solved.primal_solution_status() != HighsSolutionStatus::Feasible {
        return Err(SolveError::NoPlanWithinLimit {
            seconds: options.time_limit.unwrap_or(f64::INFINITY),
        });
    }
    let values = solved.get_solution();
    let values = values.columns();
    // A relaxation's sites are open in part: it gives a bound, never a plan.
    let (plans, bound) = match stage.relaxed {
        true => (
            Vec::new(),
            (status == HighsModelStatus::Optimal).then(|| solved.objective_value()),
        ),
        false => (
            read_plans(problems, &model, stage.fixed, |column| values[column.index]),
            solved.double_info_value(c"mip_dual_bound").ok(),
        ),
    };
    let bound = bound.map(|b| b + model.offset).filter(|b| b.is_finite());
    Ok(Some(Found {
        plans,
        bound,
        optimal: status == HighsModelStatus::Optimal,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DemandPoint, Limits, Site};

    /// Villages on a line (km, demand per phase) and plots (km, sizes as capacity and cost);
    /// a trip costs 0.1 per unit of demand and km, up to `reach_km`.
    fn phases_on_a_line(
        villages: &[(f64, &[f64])],
        plots: &[(f64, &[(f64, f64)])],
        reach_km: f64,
    ) -> Vec<SitingProblem> {
        let phases = villages[0].1.len();
        let mut sites = Vec::new();
        let mut costs = Vec::new();
        for (plot, &(km, sizes)) in plots.iter().enumerate() {
            for &(capacity, cost) in sizes {
                for (i, &(at, _)) in villages.iter().enumerate() {
                    if (at - km).abs() <= reach_km {
                        costs.push((i, sites.len(), 0.1 * (at - km).abs()));
                    }
                }
                sites.push(Site {
                    id: format!("P{plot} {capacity}"),
                    capacity: Some(capacity),
                    fixed_cost: cost,
                    status: SiteStatus::Candidate,
                    min_load: 0.0,
                    plot: Some(plot),
                });
            }
        }
        (0..phases)
            .map(|t| {
                let demand = villages
                    .iter()
                    .enumerate()
                    .map(|(i, &(_, per_phase))| DemandPoint {
                        id: format!("v{i}"),
                        demand: per_phase[t],
                        weight: per_phase[t],
                    })
                    .collect();
                let problem = SitingProblem::new(
                    Objective::MinCost,
                    Limits::default(),
                    demand,
                    sites.clone(),
                    costs.clone(),
                );
                problem.unwrap()
            })
            .collect()
    }

    fn even(phases: usize, premium: f64) -> Phasing {
        Phasing {
            build_weight: vec![1.0; phases],
            use_weight: vec![1.0 / phases as f64; phases],
            growth_premium: premium,
        }
    }

    fn solved(outcome: PhasedOutcome) -> PhasedSolution {
        match outcome {
            PhasedOutcome::Solved(solution) => solution,
            PhasedOutcome::Infeasible(d) => panic!("no plan: {d}"),
        }
    }

    fn open_ids(problems: &[SitingProblem], solution: &PhasedSolution, t: usize) -> Vec<String> {
        problems[t]
            .sites()
            .iter()
            .zip(&solution.phases[t].assignment.open)
            .filter(|(_, &open)| open)
            .map(|(site, _)| site.id.clone())
            .collect()
    }

    /// 300 pupils now, 700 later, on one plot: small (400 places, 100) or large (800, 140).
    /// Large at once: 140. Small now, enlarged later: 100 + 40 × 1.25 = 150, which is what
    /// planning one phase at a time does.
    #[test]
    fn building_the_larger_school_early_is_cheaper_than_enlarging_it_later() {
        let problems = phases_on_a_line(
            &[(0.0, &[300.0, 700.0])],
            &[(0.0, &[(400.0, 100.0), (800.0, 140.0)])],
            2.0,
        );
        let phasing = even(2, 0.25);
        let options = SolveOptions::default();
        let joint = solved(solve_phased(&problems, &phasing, &options).unwrap());
        assert_eq!(joint.status, Status::Optimal);
        assert!(joint.whole_model_searched);
        assert!(
            (joint.objective - 140.0).abs() < 1e-6,
            "{}",
            joint.objective
        );
        assert_eq!(open_ids(&problems, &joint, 0), ["P0 800"]);
        assert_eq!(open_ids(&problems, &joint, 1), ["P0 800"]);
        let myopic = solved(solve_in_sequence(&problems, &phasing, &options).unwrap());
        assert!(
            (myopic.objective - 150.0).abs() < 1e-6,
            "{}",
            myopic.objective
        );
        assert_eq!(open_ids(&problems, &myopic, 0), ["P0 400"]);
        assert_eq!(open_ids(&problems, &myopic, 1), ["P0 800"]);
        // Without the premium, enlarging costs the difference only: both plans cost 140.
        let free = even(2, 0.0);
        let myopic = solved(solve_in_sequence(&problems, &free, &options).unwrap());
        assert!(
            (myopic.objective - 140.0).abs() < 1e-6,
            "{}",
            myopic.objective
        );
    }

    /// Village A (km 0) has 100 pupils in both phases, village B (km 4) 100 in the second
    /// only; schools (1,000 places, 100) may go at km 0, 2 or 4, reaching 2 km. One phase at a
    /// time builds at A (100), then at B (100): 200. At once, one school at km 2 serves both:
    /// 100 + travel 100 × 0.2 × ½ in the first phase + 200 × 0.2 × ½ in the second = 130.
    #[test]
    fn planning_one_phase_at_a_time_can_build_in_the_wrong_place() {
        let school: &[(f64, f64)] = &[(1000.0, 100.0)];
        let problems = phases_on_a_line(
            &[(0.0, &[100.0, 100.0]), (4.0, &[0.0, 100.0])],
            &[(0.0, school), (2.0, school), (4.0, school)],
            2.0,
        );
        let phasing = even(2, 0.0);
        let options = SolveOptions::default();
        let joint = solved(solve_phased(&problems, &phasing, &options).unwrap());
        assert!(
            (joint.objective - 130.0).abs() < 1e-6,
            "{}",
            joint.objective
        );
        assert_eq!(open_ids(&problems, &joint, 0), ["P1 1000"]);
        let myopic = solved(solve_in_sequence(&problems, &phasing, &options).unwrap());
        assert!(
            (myopic.objective - 200.0).abs() < 1e-6,
            "{}",
            myopic.objective
        );
        assert_eq!(open_ids(&problems, &myopic, 1), ["P0 1000", "P2 1000"]);
        let costs: f64 = phase_costs(
            &problems,
            &phasing,
            &myopic
                .phases
                .iter()
                .map(|p| p.assignment.clone())
                .collect::<Vec<_>>(),
        )
        .iter()
        .sum();
        assert!((costs - myopic.objective).abs() < 1e-9);
    }

    /// The phase-by-phase plan handed to HiGHS as its first plan is priced by the model as
    /// `phase_costs` prices it: every column's starting value (sites, shares, unplaced
    /// shares, growth) is the plan's.
    #[test]
    fn the_starting_plan_is_priced_by_the_model_as_by_phase_costs() {
        let school: &[(f64, f64)] = &[(60.0, 100.0), (120.0, 150.0)];
        let problems = phases_on_a_line(
            &[(0.0, &[50.0, 100.0, 100.0]), (4.0, &[0.0, 30.0, 90.0])],
            &[(0.0, school), (2.0, school), (4.0, school)],
            2.0,
        );
        let phasing = Phasing {
            build_weight: vec![1.0, 0.9, 0.8],
            use_weight: vec![0.4, 0.3, 0.3],
            growth_premium: 0.25,
        };
        let options = SolveOptions::default();
        let myopic = solved(solve_in_sequence(&problems, &phasing, &options).unwrap());
        let plans: Vec<Assignment> = myopic.phases.iter().map(|p| p.assignment.clone()).collect();
        let model = PhasedModel::new(&problems, &phasing, &Stage::default());
        assert!(!model.grown.is_empty(), "the case grows a plot");
        let values = model.start_values(&plans);
        let mut columns: Vec<Column> = model
            .open
            .iter()
            .flatten()
            .filter_map(|o| match o {
                Open::Decide(y) => Some(*y),
                Open::Always => None,
            })
            .collect();
        columns.extend(model.allocation.iter().flatten().flatten().map(|(_, x)| *x));
        columns.extend(model.unplaced.iter().map(|(_, _, c)| *c));
        columns.extend(model.grown.iter().map(|(_, _, _, g)| *g));
        let at: std::collections::HashMap<good_lp::Variable, f64> =
            columns.iter().map(|c| (c.var, values[c.index])).collect();
        let priced = model.objective.eval_with(&at) + model.offset;
        assert!(
            (priced - myopic.objective).abs() < 1e-6,
            "{priced} against {}",
            myopic.objective
        );
    }

    /// Above the joint search's size the plan is the phase-by-phase one, with the whole
    /// model's linear relaxation as its bound: 40 villages and 700 plots over three phases.
    #[test]
    fn a_large_phased_plan_is_planned_phase_by_phase_under_the_relaxations_bound() {
        let growing: Vec<[f64; 3]> = (0..40)
            .map(|i| {
                let first = 20.0 + (i % 7) as f64 * 10.0;
                [first, first * 1.5, first * 2.0]
            })
            .collect();
        let villages: Vec<(f64, &[f64])> = growing
            .iter()
            .enumerate()
            .map(|(i, d)| (i as f64 * 0.5, d.as_slice()))
            .collect();
        let school: &[(f64, f64)] = &[(400.0, 100.0)];
        let plots: Vec<(f64, &[(f64, f64)])> =
            (0..700).map(|k| (k as f64 * 0.03, school)).collect();
        let problems = phases_on_a_line(&villages, &plots, 1.0);
        assert!(decisions(&problems) > JOINT_SEARCH_LIMIT);
        let phasing = Phasing {
            build_weight: vec![1.0, 0.9, 0.8],
            use_weight: vec![0.4, 0.3, 0.3],
            growth_premium: 0.0,
        };
        let joint = solved(solve_phased(&problems, &phasing, &SolveOptions::default()).unwrap());
        let in_sequence = joint.in_sequence.unwrap();
        assert!((joint.objective - in_sequence).abs() < 1e-6);
        assert_eq!(joint.status, Status::Feasible);
        assert!(!joint.whole_model_searched);
        // The relaxation opens schools in part: a bound below the plan, yet above the
        // construction the first phase's pupils need at the least (5 schools' worth).
        assert!(joint.bound <= joint.objective, "{}", joint.bound);
        let pupils: f64 = growing.iter().map(|d| d[0]).sum();
        assert!(
            joint.bound >= pupils / 400.0 * 100.0 - 1e-6,
            "{}",
            joint.bound
        );
    }

    /// On random villages and plots with growing demand, the joint plan is never worse than
    /// the phase-by-phase one, sites stay open and sizes never shrink.
    #[test]
    fn the_joint_plan_is_never_worse_than_planning_phase_by_phase() {
        let mut dice = crate::solve::heuristic::Dice::new(11);
        let mut compared = 0;
        for case in 0..12 {
            let villages: Vec<(f64, Vec<f64>)> = (0..6)
                .map(|_| {
                    let first = (dice.below(100) + 10) as f64;
                    let growth = (dice.below(150) + 50) as f64 / 100.0;
                    (
                        dice.below(10) as f64,
                        vec![first, first * growth, first * growth * growth],
                    )
                })
                .collect();
            let sizes: Vec<(f64, f64)> = vec![(150.0, 80.0), (300.0, 120.0), (600.0, 170.0)];
            let plots: Vec<(f64, &[(f64, f64)])> = (0..4)
                .map(|_| (dice.below(10) as f64, sizes.as_slice()))
                .collect();
            let villages: Vec<(f64, &[f64])> =
                villages.iter().map(|(km, d)| (*km, d.as_slice())).collect();
            let problems = phases_on_a_line(&villages, &plots, 10.0);
            let phasing = Phasing {
                build_weight: vec![1.0, 0.86, 0.74],
                use_weight: vec![1.0 / 3.0; 3],
                growth_premium: 0.2,
            };
            let options = SolveOptions::default();
            let (Ok(PhasedOutcome::Solved(joint)), Ok(PhasedOutcome::Solved(myopic))) = (
                solve_phased(&problems, &phasing, &options),
                solve_in_sequence(&problems, &phasing, &options),
            ) else {
                continue;
            };
            assert!(joint.objective <= myopic.objective + 1e-6, "case {case}");
            compared += 1;
            for t in 1..3 {
                for (j, site) in problems[t].sites().iter().enumerate() {
                    let plot = site.plot.unwrap();
                    let size = |t: usize| {
                        problems[t]
                            .sites()
                            .iter()
                            .enumerate()
                            .filter(|(k, s)| {
                                s.plot == Some(plot) && joint.phases[t].assignment.open[*k]
                            })
                            .map(|(_, s)| s.capacity.unwrap())
                            .fold(0.0, f64::max)
                    };
                    assert!(size(t) >= size(t - 1), "case {case}: site {j} shrank");
                }
            }
        }
        assert!(compared >= 8, "only {compared} of 12 cases have a plan");
    }
}
