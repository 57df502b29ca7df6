//! Solving siting problems: checks that explain infeasibility, and the solvers.
//!
//! [`solve`] first runs [`diagnose`], which finds the plain reasons a problem has no plan
//! (demand with no site in reach, too little capacity) before any solver is started, then
//! hands the problem to a solver by [`Method`]: the exact HiGHS model ([`ExactSolver`]) for
//! problems it proves in reasonable time, the heuristic with a Lagrangian bound
//! ([`LargeSolver`]) for city-sized ones. Every [`Solution`] carries a proven `bound`, and its
//! status is `Optimal` only when the plan's value meets that bound.

mod branch;
mod diagnose;
mod form;
mod heuristic;
mod highs;
mod lagrange;
mod large;
mod lbfgs;
pub mod phased;
mod progress;
mod regions;
mod smoothed;
#[cfg(test)]
pub(crate) mod test_problems;
pub(crate) mod tolerance;

pub use diagnose::{diagnose, Diagnosis, Reason};
pub use highs::ExactSolver;
pub use large::{LargeSolution, LargeSolver};

/// Under `auto` the heuristic gets this share of the time limit first.
const HEURISTIC_FIRST_SHARE: f64 = 0.25;

/// Above this many cost pairs an uncapacitated problem goes to the heuristic under `auto`.
const EXACT_MAX_PAIRS: usize = 1_000_000;

/// Above this many cost pairs a capacitated problem goes to the heuristic under `auto`:
/// HiGHS found no plan in 60 s for a city of 10,000 cells and 1,000 sites (200,000 pairs).
const EXACT_MAX_CAPACITATED_PAIRS: usize = 100_000;

/// The solver `method` stands for on `problem`: under `auto`, the exact model unless the
/// problem has more cost pairs than it proves in reasonable time; always the exact model for
/// a problem with rules only it keeps ([`SitingProblem::needs_exact`]: sizes on a plot,
/// minimum loads, priced unplaced demand with `p` fixed or without capacities). Problems
/// with planner-grade rules go to the heuristic only when asked: on the Erqi primary-school
/// model its plan stands 11.6 % above its bound, HiGHS's within 1 %
/// (`docs/bureau-model.md`). ([`solve`] tries the heuristic first for problems without such
/// rules, and keeps its plan when it is proven or HiGHS does no better.)
pub fn method_for(problem: &SitingProblem, method: Method) -> Method {
    let limit = match problem.is_capacitated() {
        true => EXACT_MAX_CAPACITATED_PAIRS,
        false => EXACT_MAX_PAIRS,
    };
    match method {
        _ if problem.needs_exact() => Method::Exact,
        Method::Auto if problem.has_planner_rules() => Method::Exact,
        Method::Auto if problem.costs().pair_count() > limit => Method::Heuristic,
        Method::Auto => Method::Exact,
        chosen => chosen,
    }
}

use crate::model::{Assignment, Method, SitingProblem};
use std::time::{Duration, Instant};
use tolerance::OPTIMALITY;

/// Limits on a solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Stop after this many seconds and return the best plan found with its bound.
    pub time_limit: Option<f64>,
    /// Stop once (objective − bound) / objective is at most this (0 = prove optimal).
    pub gap: f64,
    /// Stop after this many branch-and-bound nodes: unlike a time limit, it ends the search
    /// at the same point on every run, so the plan is reproduced byte for byte.
    pub node_limit: Option<u64>,
    /// What to show on the terminal while solving.
    pub terminal: Terminal,
    /// Which solver to use.
    pub method: Method,
}

/// How long a solve may run without a time limit.
const NO_LIMIT: Duration = Duration::from_secs(365 * 24 * 3600);

impl SolveOptions {
    /// When a solve started at `started` must stop.
    pub fn deadline_from(&self, started: Instant) -> Instant {
        started + self.time_limit.map_or(NO_LIMIT, seconds)
    }
}

/// `limit` seconds as a duration: none for a limit that is not above 0, at most
/// [`NO_LIMIT`], so that no limit a user types can overflow a deadline.
pub(crate) fn seconds(limit: f64) -> Duration {
    match limit > 0.0 {
        true => Duration::try_from_secs_f64(limit).map_or(NO_LIMIT, |d| d.min(NO_LIMIT)),
        false => Duration::ZERO,
    }
}

/// What a solve shows on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Terminal {
    /// HiGHS prints its log.
    pub solver_log: bool,
    /// The heuristic redraws its plan, bound and gap in place (only on a terminal).
    pub progress: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: None,
            gap: 0.0,
            node_limit: None,
            terminal: Terminal::default(),
            method: Method::Auto,
        }
    }
}

/// How good a returned plan is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The plan's value equals the proven bound.
    Optimal,
    /// A valid plan without proof of optimality (a limit stopped the search).
    Feasible,
}

impl Status {
    /// The name used in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Feasible => "feasible",
        }
    }
}

/// A plan with its value and a proven bound on the best possible value.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Open sites and allocations.
    pub assignment: Assignment,
    /// The model's objective for `assignment`.
    pub objective: f64,
    /// Proven bound: no plan is better than this (lower bound when minimising).
    pub bound: f64,
    /// Whether `objective` is proven optimal.
    pub status: Status,
}

impl Solution {
    /// Relative distance between objective and bound: 0 for a proven optimum.
    pub fn gap(&self) -> f64 {
        relative_gap(self.objective, self.bound)
    }
}

/// |objective − bound| relative to |objective| (absolute when the objective is near 0).
pub fn relative_gap(objective: f64, bound: f64) -> f64 {
    (objective - bound).abs() / objective.abs().max(1.0)
}

/// An `f64` ordered by `total_cmp`, for priority queues.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Ordered(f64);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// What a solve ends with when nothing went wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A plan was found.
    Solved(Solution),
    /// No plan can satisfy the model, and why.
    Infeasible(Diagnosis),
}

/// A solve that could not finish.
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    /// HiGHS reported an internal failure.
    #[error("the HiGHS solver failed: {0}")]
    Highs(String),
    /// The time limit ended the search before any plan was found.
    #[error(
        "no plan was found within the time limit of {seconds} s; \
         give more time with --time-limit"
    )]
    NoPlanWithinLimit {
        /// The limit that was hit.
        seconds: f64,
    },
    /// The heuristic found no plan that serves everyone the model must serve.
    #[error(
        "the heuristic found no plan that serves all demand within the capacities; \
         try --method exact"
    )]
    NoCompletePlan,
}

/// Something that turns a siting problem into a plan.
pub trait Solver {
    /// Solves `problem` within `options`.
    ///
    /// # Errors
    /// [`SolveError`] when the solver fails or finds no plan in time.
    fn solve(&self, problem: &SitingProblem, options: &SolveOptions)
        -> Result<Outcome, SolveError>;
}

/// Diagnoses, then solves by the method [`method_for`] picks.
///
/// # Errors
/// [`SolveError`] when the solver fails or finds no plan in time.
pub fn solve(problem: &SitingProblem, options: &SolveOptions) -> Result<Outcome, SolveError> {
    if let Some(diagnosis) = diagnose(problem) {
        return Ok(Outcome::Infeasible(diagnosis));
    }
    if problem.demand().is_empty() {
        return Ok(Outcome::Solved(nothing_to_serve(problem)));
    }
    let method = method_for(problem, options.method);
    if method == Method::Heuristic {
        return LargeSolver.solve(problem, options);
    }
    if options.method != Method::Auto || problem.has_planner_rules() {
        return ExactSolver.solve(problem, options);
    }
    heuristic_then_exact(problem, options)
}

/// The plan when nobody needs the service (a town without residents of the age band): the
/// existing sites and nothing new, proven best since nothing new costs least. The solvers
/// are not asked, for HiGHS refuses an empty model.
fn nothing_to_serve(problem: &SitingProblem) -> Solution {
    let assignment = Assignment {
        open: problem.sites().iter().map(|s| s.is_existing()).collect(),
        allocations: Vec::new(),
    };
    let objective = assignment.objective_value(problem);
    Solution {
        assignment,
        objective,
        bound: objective,
        status: Status::Optimal,
    }
}

/// Without capacities the Lagrangian bound often proves the heuristic's plan optimal in a
/// fraction of the time the exact model takes. An unproven plan goes on, with the rest of
/// the time limit, on the problem without the sites the bound ruled out (often most of
/// them): to branch and bound on sites for an uncapacitated p-median, else to HiGHS, which
/// starts from it; the better plan and bound are kept. With capacities the heuristic's plan
/// is what stands when HiGHS finds none in time, as on a generated city of 5,000 cells and
/// 500 sites (100,000 pairs) in 600 s.
fn heuristic_then_exact(
    problem: &SitingProblem,
    options: &SolveOptions,
) -> Result<Outcome, SolveError> {
    let started = Instant::now();
    let share = SolveOptions {
        time_limit: options.time_limit.map(|t| t * HEURISTIC_FIRST_SHARE),
        ..*options
    };
    let first = LargeSolver.solve_as(problem, &share, large::Role::Start);
    let rest = SolveOptions {
        time_limit: options
            .time_limit
            .map(|t| (t - started.elapsed().as_secs_f64()).max(0.0)),
        ..*options
    };
    let first = match first {
        Ok(found) if found.solution.status == Status::Optimal => {
            return Ok(Outcome::Solved(found.solution))
        }
        Ok(found) => found,
        Err(_) => return ExactSolver.solve(problem, &rest),
    };
    let reduced = problem.without_sites(&first.ruled_out);
    if branch::applies_to(problem) {
        return Ok(Outcome::Solved(branched(problem, &reduced, first, &rest)));
    }
    let heuristic = first.solution;
    if diagnose(&reduced).is_some() {
        // Every plan opens a ruled-out site, so none beats the heuristic's.
        return Ok(Outcome::Solved(tightened(problem, heuristic, first.cutoff)));
    }
    let start = uses_only_kept_sites(&heuristic.assignment, &first.ruled_out)
        .then(|| heuristic.assignment.clone());
    Ok(Outcome::Solved(
        match ExactSolver.solve_from_plan(&reduced, &rest, start) {
            Ok(Outcome::Solved(mut exact)) => {
                // The reduced problem's bound holds for plans of the kept sites only.
                exact.bound = match problem.objective().is_maximised() {
                    true => exact.bound.max(first.cutoff),
                    false => exact.bound.min(first.cutoff),
                };
                better_of(problem, heuristic, exact)
            }
            Ok(Outcome::Infeasible(_)) => tightened(problem, heuristic, first.cutoff),
            Err(_) => heuristic,
        },
    ))
}

/// The heuristic's plan improved and proven by branch and bound on the sites it did not
/// rule out ([`branch::search`]), until the tree is exhausted or the time or node limit
/// is reached.
fn branched(
    problem: &SitingProblem,
    reduced: &SitingProblem,
    first: LargeSolution,
    options: &SolveOptions,
) -> Solution {
    let root = branch::Root {
        plan: first.solution.assignment.clone(),
        value: first.solution.objective,
        multipliers: first.multipliers,
        bound: first.solution.bound,
        closed: &first.ruled_out,
    };
    let until = branch::Until {
        deadline: options.deadline_from(Instant::now()),
        nodes: options.node_limit,
    };
    let progress = progress::Progress::new(options.terminal.progress, options.terminal.solver_log);
    let searched = branch::search(reduced, root, until, &progress);
    progress.finish();
    let objective = searched.plan.objective_value(problem);
    let solution = Solution {
        assignment: searched.plan,
        objective,
        bound: searched.bound.min(first.cutoff),
        status: Status::Feasible,
    };
    better_of(problem, first.solution, solution)
}

/// Whether `assignment` serves nobody from a site marked in `ruled_out`.
fn uses_only_kept_sites(assignment: &Assignment, ruled_out: &[bool]) -> bool {
    assignment
        .allocations
        .iter()
        .flatten()
        .all(|allocation| !ruled_out[allocation.site])
}

/// The better plan of two solutions of `problem`, with the tighter of their proven bounds.
fn better_of(problem: &SitingProblem, a: Solution, b: Solution) -> Solution {
    let a_better = match problem.objective().is_maximised() {
        true => a.objective > b.objective,
        false => a.objective < b.objective,
    };
    let other_bound = if a_better { b.bound } else { a.bound };
    let best = if a_better { a } else { b };
    tightened(problem, best, other_bound)
}

/// `solution` with the tighter of its bound and `bound` (both proven), optimal when that
/// closes the gap.
fn tightened(problem: &SitingProblem, mut solution: Solution, bound: f64) -> Solution {
    solution.bound = match problem.objective().is_maximised() {
        true => solution.bound.min(bound),
        false => solution.bound.max(bound),
    };
    if relative_gap(solution.objective, solution.bound) <= OPTIMALITY {
        solution.status = Status::Optimal;
    }
    solution
}
