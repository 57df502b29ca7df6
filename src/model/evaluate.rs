//! A decision for a siting problem, and its value under the model.

use super::problem::{Objective, SitingProblem};

/// A share of one demand point's demand sent to one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allocation {
    /// Index of the serving site.
    pub site: usize,
    /// Share of the point's demand served there, in (0, 1].
    pub share: f64,
}

/// Which sites are open and who each demand point is sent to: the variables `y` and `x`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// `open[j]`: whether site `j` is open.
    pub open: Vec<bool>,
    /// `allocations[i]`: where demand point `i` is served, sorted by site index.
    /// Shares sum to 1 for a fully served point, less when part of it is unserved.
    pub allocations: Vec<Vec<Allocation>>,
}

impl Assignment {
    /// The objective of the model for this decision.
    ///
    /// Pairs missing from the cost table count as zero cost; solvers never produce them.
    pub fn objective_value(&self, problem: &SitingProblem) -> f64 {
        match problem.objective() {
            Objective::PMedian => self.travel_cost(problem),
            Objective::MinCost => {
                self.fixed_cost(problem) + self.travel_cost(problem) + self.unplaced_cost(problem)
            }
            Objective::MaxCoverage => self.covered_weight(problem),
            Objective::MinSites => self.open.iter().filter(|&&open| open).count() as f64,
        }
    }

    /// Σ weight × cost × share over all allocations.
    pub fn travel_cost(&self, problem: &SitingProblem) -> f64 {
        let costs = problem.costs();
        self.allocations
            .iter()
            .enumerate()
            .map(|(i, allocs)| {
                let weight = problem.demand()[i].weight;
                allocs
                    .iter()
                    .map(|a| weight * costs.cost(i, a.site).unwrap_or(0.0) * a.share)
                    .sum::<f64>()
            })
            .sum()
    }

    /// Σ unplaced price × demand left unplaced, when the problem prices unplaced demand.
    pub fn unplaced_cost(&self, problem: &SitingProblem) -> f64 {
        let Some(price) = problem.limits().unplaced_price else {
            return 0.0;
        };
        problem
            .demand()
            .iter()
            .enumerate()
            .map(|(i, point)| price * point.demand * (1.0 - self.served_share(i)).max(0.0))
            .sum()
    }

    /// Σ fixed cost of open sites.
    pub fn fixed_cost(&self, problem: &SitingProblem) -> f64 {
        problem
            .sites()
            .iter()
            .zip(&self.open)
            .filter(|(_, &open)| open)
            .map(|(site, _)| site.fixed_cost)
            .sum()
    }

    /// Σ weight × share: weighted demand that is served.
    pub fn covered_weight(&self, problem: &SitingProblem) -> f64 {
        self.allocations
            .iter()
            .zip(problem.demand())
            .map(|(allocs, point)| point.weight * allocs.iter().map(|a| a.share).sum::<f64>())
            .sum()
    }

    /// Demand served by each site.
    pub fn loads(&self, problem: &SitingProblem) -> Vec<f64> {
        let mut loads = vec![0.0; problem.sites().len()];
        for (allocs, point) in self.allocations.iter().zip(problem.demand()) {
            for a in allocs {
                loads[a.site] += point.demand * a.share;
            }
        }
        loads
    }

    /// Share of demand point `i` that is served, in [0, 1].
    pub fn served_share(&self, i: usize) -> f64 {
        self.allocations[i].iter().map(|a| a.share).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DemandPoint, Limits, Site, SiteStatus};

    fn two_by_two(objective: Objective) -> SitingProblem {
        let demand = vec![
            DemandPoint {
                id: "a".into(),
                demand: 10.0,
                weight: 10.0,
            },
            DemandPoint {
                id: "b".into(),
                demand: 4.0,
                weight: 2.0,
            },
        ];
        let site = |id: &str, fixed_cost| Site {
            id: id.into(),
            capacity: None,
            fixed_cost,
            status: SiteStatus::Candidate,
            min_load: 0.0,
            plot: None,
        };
        let limits = Limits {
            radius: Some(100.0),
            ..Limits::default()
        };
        let costs = vec![(0, 0, 1.0), (0, 1, 5.0), (1, 1, 3.0)];
        SitingProblem::new(
            objective,
            limits,
            demand,
            vec![site("s", 7.0), site("t", 11.0)],
            costs,
        )
        .unwrap()
    }

    fn half_split() -> Assignment {
        Assignment {
            open: vec![true, true],
            allocations: vec![
                vec![
                    Allocation {
                        site: 0,
                        share: 0.5,
                    },
                    Allocation {
                        site: 1,
                        share: 0.5,
                    },
                ],
                vec![Allocation {
                    site: 1,
                    share: 1.0,
                }],
            ],
        }
    }

    #[test]
    fn each_objective_is_valued_as_worked_by_hand() {
        let plan = half_split();
        // a: 10 × (1 × 0.5 + 5 × 0.5) = 30; b: 2 × 3 = 6.
        assert_eq!(plan.objective_value(&two_by_two(Objective::PMedian)), 36.0);
        assert_eq!(plan.objective_value(&two_by_two(Objective::MinCost)), 54.0);
        assert_eq!(
            plan.objective_value(&two_by_two(Objective::MaxCoverage)),
            12.0
        );
        assert_eq!(plan.objective_value(&two_by_two(Objective::MinSites)), 2.0);
    }

    #[test]
    fn loads_conserve_the_demand_served() {
        let problem = two_by_two(Objective::PMedian);
        let loads = half_split().loads(&problem);
        assert_eq!(loads, vec![5.0, 9.0]);
        assert_eq!(loads.iter().sum::<f64>(), problem.total_demand());
    }
}
