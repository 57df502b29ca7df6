//! `summary.json`: the figures of the solve contract, plus what a planner checks first.

use crate::model::SiteStatus;
use crate::plan::Plan;
use crate::solve::Diagnosis;
use serde::Serialize;

/// The contents of `summary.json`. Field order is fixed, so equal runs give equal files
/// (apart from `seconds`, the wall-clock time the contract asks for).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// The model's objective for the plan; `null` when there is no plan.
    pub objective: Option<f64>,
    /// Proven bound on the best possible objective; `null` when there is no plan.
    pub bound: Option<f64>,
    /// Relative gap between objective and bound.
    pub gap: Option<f64>,
    /// `optimal`, `feasible` or `infeasible`.
    pub status: &'static str,
    /// Ids of the open sites, existing ones included, in input order.
    pub open_sites: Vec<String>,
    /// Wall-clock seconds of the whole command.
    pub seconds: f64,
    /// Ids of the candidate sites the plan opens.
    pub new_sites: Vec<String>,
    /// Total demand of all points.
    pub demand_total: Option<f64>,
    /// Demand the plan serves.
    pub demand_served: Option<f64>,
    /// Why no plan exists, one reason per entry; empty when there is a plan.
    pub diagnosis: Vec<String>,
}

/// Seconds are kept to the millisecond: finer digits are noise.
fn round_seconds(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// The summary of a solved problem.
pub fn solved_summary(plan: &Plan, seconds: f64) -> Summary {
    let open = plan.open_sites();
    let solution = &plan.solution;
    Summary {
        objective: Some(solution.objective),
        bound: Some(solution.bound),
        gap: Some(solution.gap()),
        status: solution.status.name(),
        open_sites: open.iter().map(|s| s.id.to_owned()).collect(),
        seconds: round_seconds(seconds),
        new_sites: open
            .iter()
            .filter(|s| s.status == SiteStatus::Candidate)
            .map(|s| s.id.to_owned())
            .collect(),
        demand_total: Some(plan.problem.total_demand()),
        demand_served: Some(plan.demand_served()),
        diagnosis: Vec::new(),
    }
}

/// The summary of a problem that has no plan.
pub fn infeasible_summary(diagnosis: &Diagnosis, seconds: f64) -> Summary {
    Summary {
        objective: None,
        bound: None,
        gap: None,
        status: "infeasible",
        open_sites: Vec::new(),
        seconds: round_seconds(seconds),
        new_sites: Vec::new(),
        demand_total: None,
        demand_served: None,
        diagnosis: diagnosis.reasons.iter().map(ToString::to_string).collect(),
    }
}
