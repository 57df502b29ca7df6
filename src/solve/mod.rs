//! Solving siting problems: checks that explain infeasibility, and the solvers.
//!
//! [`solve`] first runs [`diagnose`], which finds the plain reasons a problem has no plan
//! (demand with no site in reach, too little capacity) before any solver is started, then
//! hands the problem to the exact HiGHS solver. Every [`Solution`] carries a proven `bound`,
//! and its status is `Optimal` only when the plan's value meets that bound.

mod diagnose;
mod heuristic;
mod highs;

pub use diagnose::{diagnose, Diagnosis, Reason};
pub use highs::ExactSolver;

use crate::model::{Assignment, SitingProblem};

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
    /// Let the solver print its log on the terminal.
    pub verbose: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit: None,
            gap: 0.0,
            node_limit: None,
            verbose: false,
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

/// Diagnoses, then solves exactly.
///
/// # Errors
/// [`SolveError`] when the solver fails or finds no plan in time.
pub fn solve(problem: &SitingProblem, options: &SolveOptions) -> Result<Outcome, SolveError> {
    if let Some(diagnosis) = diagnose(problem) {
        return Ok(Outcome::Infeasible(diagnosis));
    }
    ExactSolver.solve(problem, options)
}
