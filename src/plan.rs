//! A plan: a solution read back in the user's names, with the figures planners look at.

use crate::model::{SiteStatus, SitingProblem};
use crate::solve::tolerance::UNSERVED;
use crate::solve::Solution;

/// A solved siting problem, ready to report.
#[derive(Debug, Clone)]
pub struct Plan<'p> {
    /// The problem that was solved.
    pub problem: &'p SitingProblem,
    /// The solver's answer.
    pub solution: Solution,
}

/// One open site with the demand it serves.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenSite<'p> {
    /// The site's id.
    pub id: &'p str,
    /// Existing, expanded or new.
    pub status: SiteStatus,
    /// Its capacity, `None` when unlimited.
    pub capacity: Option<f64>,
    /// Demand it serves.
    pub load: f64,
    /// Load / capacity, `None` when unlimited.
    pub utilisation: Option<f64>,
    /// Its fixed cost.
    pub fixed_cost: f64,
}

/// One (demand point, site) allocation, or a demand point's unserved remainder.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentRow<'p> {
    /// The demand point's id.
    pub demand_id: &'p str,
    /// The serving site's id; `None` for the unserved remainder.
    pub site_id: Option<&'p str>,
    /// Share of the point's demand.
    pub share: f64,
    /// Demand carried (share × the point's demand).
    pub demand: f64,
    /// Travel cost of the pair; `None` for the unserved remainder.
    pub cost: Option<f64>,
}

/// Rounds a figure to 1e-6 (and −0 to 0), so that sums in a different order print the same
/// and a written figure does not show the last bits of a float: a share read back from a
/// linear program, 1 − 1/3 of 30 pupils, is 20.000000000000004 pupils before rounding.
pub fn round(value: f64) -> f64 {
    let rounded = (value * 1e6).round() / 1e6;
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

impl<'p> Plan<'p> {
    /// Pairs a problem with its solution.
    pub fn new(problem: &'p SitingProblem, solution: Solution) -> Self {
        Self { problem, solution }
    }

    /// Open sites in input order.
    pub fn open_sites(&self) -> Vec<OpenSite<'p>> {
        let loads = self.solution.assignment.loads(self.problem);
        self.problem
            .sites()
            .iter()
            .zip(&self.solution.assignment.open)
            .zip(loads.into_iter().map(round))
            .filter(|((_, &open), _)| open)
            .map(|((site, _), load)| OpenSite {
                id: &site.id,
                status: site.status,
                capacity: site.capacity,
                load,
                utilisation: site.capacity.filter(|&c| c > 0.0).map(|c| load / c),
                fixed_cost: site.fixed_cost,
            })
            .collect()
    }

    /// Every allocation in demand order, then site order; a point not fully served gets one
    /// more row without a site, so that the shares of every point add up to 1.
    pub fn assignment_rows(&self) -> Vec<AssignmentRow<'p>> {
        let problem = self.problem;
        let mut rows = Vec::new();
        for (i, point) in problem.demand().iter().enumerate() {
            let mut allocations = self.solution.assignment.allocations[i].clone();
            allocations.sort_by_key(|a| a.site);
            for a in allocations {
                rows.push(AssignmentRow {
                    demand_id: &point.id,
                    site_id: Some(&problem.sites()[a.site].id),
                    share: a.share,
                    demand: round(a.share * point.demand),
                    cost: problem.costs().cost(i, a.site),
                });
            }
            let unserved = 1.0 - self.solution.assignment.served_share(i);
            // The solvers' threshold for rounding in the shares, so plan and solver agree on who
            // is unserved.
            if unserved > UNSERVED {
                rows.push(AssignmentRow {
                    demand_id: &point.id,
                    site_id: None,
                    share: unserved,
                    demand: round(unserved * point.demand),
                    cost: None,
                });
            }
        }
        rows
    }

    /// Demand that the plan serves.
    pub fn demand_served(&self) -> f64 {
        self.problem
            .demand()
            .iter()
            .enumerate()
            .map(|(i, point)| point.demand * self.solution.assignment.served_share(i))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Allocation, Assignment, Limits};
    use crate::solve::test_problems::villages_on_a_line;
    use crate::solve::Status;

    /// Village c (30 pupils) split 1 − 1/3 to S1 and 1/3 to S2, the others whole to S1:
    /// c carries 20 and 10 pupils, S1 holds 10 + 20 + 50 + 20 = 100, exactly.
    #[test]
    fn carried_people_show_no_binary_noise() {
        let problem = villages_on_a_line(
            Limits::default(),
            &[
                (0.0, None, SiteStatus::Candidate),
                (6.0, None, SiteStatus::Candidate),
            ],
        );
        let third = 1.0 / 3.0;
        assert_ne!((1.0 - third) * 30.0, 20.0, "the noise this test is about");
        let whole = vec![Allocation {
            site: 0,
            share: 1.0,
        }];
        let split = vec![
            Allocation {
                site: 0,
                share: 1.0 - third,
            },
            Allocation {
                site: 1,
                share: third,
            },
        ];
        let solution = Solution {
            assignment: Assignment {
                open: vec![true, true],
                allocations: vec![whole.clone(), whole.clone(), split, whole],
            },
            objective: 0.0,
            bound: 0.0,
            status: Status::Feasible,
        };
        let plan = Plan::new(&problem, solution);
        let carried: Vec<f64> = plan.assignment_rows().iter().map(|r| r.demand).collect();
        assert_eq!(carried, [10.0, 20.0, 20.0, 10.0, 50.0]);
        let loads: Vec<f64> = plan.open_sites().iter().map(|s| s.load).collect();
        assert_eq!(loads, [100.0, 10.0]);
    }
}
