//! Plain reasons why a siting problem has no plan, found before any solver runs.

use super::tolerance;
use crate::model::{SiteStatus, SitingProblem};
use std::fmt;

/// How many ids a message lists before it says "and N more".
const IDS_SHOWN: usize = 20;

/// Why a problem has no plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    /// Every reason found, most basic first.
    pub reasons: Vec<Reason>,
}

/// One reason a problem has no plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// More sites exist already than `p` allows open.
    TooManyExisting {
        /// Existing (always open) sites.
        existing: usize,
        /// Sites allowed open.
        p: usize,
    },
    /// Demand points with no site within reach (the radius, or no cost pair at all).
    Unreachable {
        /// Their ids, in input order.
        demand_ids: Vec<String>,
    },
    /// Demand points that need more than the sites in their reach can give.
    PointOverCapacity {
        /// Their ids with demand and the capacity in reach, in input order.
        points: Vec<(String, f64, f64)>,
        /// Whether one site must serve the whole point.
        single_source: bool,
    },
    /// All demand together exceeds the most capacity that can be open.
    TotalOverCapacity {
        /// Total demand.
        demand: f64,
        /// Most capacity open at once (the largest `p` sites when `p` is set).
        capacity: f64,
        /// The most new sites allowed, when limited.
        max_new: Option<usize>,
    },
    /// The solver proved that no plan exists, though no simpler reason was found.
    NoPlanExists,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::TooManyExisting { existing, p } => write!(
                f,
                "{existing} sites exist already but p = {p}: raise p to at least {existing}"
            ),
            Reason::Unreachable { demand_ids } => write!(
                f,
                "{} demand point(s) have no site within reach: {}",
                demand_ids.len(),
                list(demand_ids.iter().map(String::as_str))
            ),
            Reason::PointOverCapacity {
                points,
                single_source,
            } => {
                let what = if *single_source {
                    "more than any single site in reach can take"
                } else {
                    "more than all sites in reach can take together"
                };
                let items = points
                    .iter()
                    .map(|(id, demand, capacity)| format!("{id} ({demand} > {capacity})"));
                write!(
                    f,
                    "{} demand point(s) need {what}: {}",
                    points.len(),
                    list(items)
                )
            }
            Reason::TotalOverCapacity {
                demand,
                capacity,
                max_new,
            } => {
                write!(
                    f,
                    "total demand {demand} exceeds the most capacity that can be open, {capacity}"
                )?;
                match max_new {
                    Some(n) => write!(f, " (existing sites and at most {n} new ones)"),
                    None => Ok(()),
                }
            }
            Reason::NoPlanExists => write!(
                f,
                "no plan can serve all demand: each point has capacity in reach, but points \
                 compete for the same sites; add capacity or candidate sites, or raise p"
            ),
        }
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reasons: Vec<String> = self.reasons.iter().map(Reason::to_string).collect();
        write!(f, "{}", reasons.join("; "))
    }
}

fn list<S: AsRef<str>>(items: impl Iterator<Item = S>) -> String {
    let items: Vec<S> = items.collect();
    let shown: Vec<&str> = items.iter().take(IDS_SHOWN).map(AsRef::as_ref).collect();
    match items.len().saturating_sub(IDS_SHOWN) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Finds the plain reasons why `problem` has no plan, or `None` when none is found.
///
/// `None` does not prove a plan exists: points may still compete for the same capacity.
pub fn diagnose(problem: &SitingProblem) -> Option<Diagnosis> {
    let mut reasons = Vec::new();
    let existing = problem.existing_count();
    if let Some(p) = problem.limits().p.filter(|&p| p < existing) {
        reasons.push(Reason::TooManyExisting { existing, p });
    }
    if problem.serves_all() {
        reasons.extend(unreachable_points(problem));
        reasons.extend(points_over_capacity(problem));
        reasons.extend(total_over_capacity(problem));
    }
    (!reasons.is_empty()).then_some(Diagnosis { reasons })
}

fn unreachable_points(problem: &SitingProblem) -> Option<Reason> {
    let demand_ids: Vec<String> = problem
        .demand()
        .iter()
        .enumerate()
        .filter(|&(i, _)| {
            !problem
                .costs()
                .arcs(i)
                .any(|arc| may_open(problem, arc.site))
        })
        .map(|(_, point)| point.id.clone())
        .collect();
    (!demand_ids.is_empty()).then_some(Reason::Unreachable { demand_ids })
}

fn exceeds(demand: f64, capacity: f64) -> bool {
    demand > capacity * (1.0 + tolerance::CAPACITY) + tolerance::CAPACITY
}

fn points_over_capacity(problem: &SitingProblem) -> Option<Reason> {
    let single_source = problem.limits().single_source;
    let mut points = Vec::new();
    for (i, point) in problem.demand().iter().enumerate() {
        let capacities = problem
            .costs()
            .arcs(i)
            .filter(|arc| may_open(problem, arc.site))
            .map(|arc| problem.sites()[arc.site].capacity);
        // An unlimited site in reach (`None`) makes the point servable.
        let in_reach: Option<Vec<f64>> = capacities.collect();
        let Some(in_reach) = in_reach.filter(|caps| !caps.is_empty()) else {
            continue;
        };
        let capacity = if single_source {
            in_reach.iter().copied().fold(0.0, f64::max)
        } else {
            in_reach.iter().sum()
        };
        if exceeds(point.demand, capacity) {
            points.push((point.id.clone(), point.demand, capacity));
        }
    }
    (!points.is_empty()).then_some(Reason::PointOverCapacity {
        points,
        single_source,
    })
}

fn total_over_capacity(problem: &SitingProblem) -> Option<Reason> {
    let sites = problem.sites();
    let capacities: Option<Vec<f64>> = sites.iter().map(|s| s.capacity).collect();
    let capacities = capacities?;
    let existing: f64 = sites
        .iter()
        .filter(|s| s.is_existing())
        .filter_map(|s| s.capacity)
        .sum();
    let largest = |status: SiteStatus| {
        let mut found: Vec<f64> = sites
            .iter()
            .zip(&capacities)
            .filter(|(s, _)| s.status == status)
            .map(|(_, &c)| c)
            .collect();
        found.sort_by(|a, b| b.total_cmp(a));
        found
    };
    let mut new_sites = largest(SiteStatus::Candidate);
    new_sites.truncate(problem.limits().max_new.unwrap_or(usize::MAX));
    let mut others = largest(SiteStatus::Expansion);
    others.extend(new_sites);
    others.sort_by(|a, b| b.total_cmp(a));
    let openable = problem
        .limits()
        .p
        .map_or(others.len(), |p| p.saturating_sub(problem.existing_count()));
    let capacity = existing + others.iter().take(openable).sum::<f64>();
    let demand = problem.total_demand();
    exceeds(demand, capacity).then_some(Reason::TotalOverCapacity {
        demand,
        capacity,
        max_new: problem.limits().max_new,
    })
}

/// Whether site `j` can be open at all under `p` and `max_new`: a site that exists, or one
/// the limits leave room for.
fn may_open(problem: &SitingProblem, j: usize) -> bool {
    let limits = problem.limits();
    let room_in_p = limits.p.is_none_or(|p| p > problem.existing_count());
    match problem.sites()[j].status {
        SiteStatus::Existing => true,
        SiteStatus::Expansion => room_in_p,
        SiteStatus::Candidate => room_in_p && limits.max_new != Some(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DemandPoint, Limits, Objective, Site};

    fn point(id: &str, demand: f64) -> DemandPoint {
        DemandPoint {
            id: id.into(),
            demand,
            weight: demand,
        }
    }

    fn site(id: &str, capacity: Option<f64>, status: SiteStatus) -> Site {
        Site {
            id: id.into(),
            capacity,
            fixed_cost: 0.0,
            status,
            min_load: 0.0,
            plot: None,
        }
    }

    fn problem(objective: Objective, limits: Limits, sites: Vec<Site>) -> SitingProblem {
        let demand = vec![point("near", 6.0), point("far", 3.0)];
        let costs = vec![(0, 0, 100.0), (0, 1, 200.0), (1, 1, 900.0)];
        SitingProblem::new(objective, limits, demand, sites, costs).unwrap()
    }

    #[test]
    fn lists_demand_beyond_the_radius_by_id() {
        let limits = Limits {
            radius: Some(500.0),
            ..Limits::default()
        };
        let sites = vec![
            site("a", None, SiteStatus::Candidate),
            site("b", None, SiteStatus::Candidate),
        ];
        let diagnosis = diagnose(&problem(Objective::MinSites, limits, sites)).unwrap();
        assert_eq!(
            diagnosis.reasons,
            vec![Reason::Unreachable {
                demand_ids: vec!["far".into()]
            }]
        );
        assert!(diagnosis
            .to_string()
            .contains("1 demand point(s) have no site within reach: far"));
    }

    #[test]
    fn coverage_leaves_unreachable_demand_unserved_instead() {
        let limits = Limits {
            radius: Some(500.0),
            p: Some(1),
            ..Limits::default()
        };
        let sites = vec![
            site("a", None, SiteStatus::Candidate),
            site("b", None, SiteStatus::Candidate),
        ];
        assert_eq!(
            diagnose(&problem(Objective::MaxCoverage, limits, sites)),
            None
        );
    }

    #[test]
    fn total_capacity_counts_only_the_largest_p_sites() {
        let limits = Limits {
            p: Some(2),
            ..Limits::default()
        };
        let sites = vec![
            site("a", Some(5.0), SiteStatus::Existing),
            site("b", Some(3.0), SiteStatus::Candidate),
            site("c", Some(1.0), SiteStatus::Candidate),
        ];
        let reasons = diagnose(&problem(Objective::PMedian, limits, sites))
            .unwrap()
            .reasons;
        assert_eq!(
            reasons,
            vec![Reason::TotalOverCapacity {
                demand: 9.0,
                capacity: 8.0,
                max_new: None,
            }]
        );
    }

    #[test]
    fn single_source_needs_one_site_big_enough() {
        let limits = Limits {
            single_source: true,
            ..Limits::default()
        };
        let sites = vec![
            site("a", Some(4.0), SiteStatus::Candidate),
            site("b", Some(5.0), SiteStatus::Candidate),
        ];
        let reasons = diagnose(&problem(Objective::PMedian, limits, sites))
            .unwrap()
            .reasons;
        assert_eq!(
            reasons,
            vec![Reason::PointOverCapacity {
                points: vec![("near".into(), 6.0, 5.0)],
                single_source: true
            }]
        );
    }

    #[test]
    fn existing_sites_above_p_are_reported() {
        let limits = Limits {
            p: Some(1),
            ..Limits::default()
        };
        let sites = vec![
            site("a", None, SiteStatus::Existing),
            site("b", None, SiteStatus::Existing),
        ];
        let reasons = diagnose(&problem(Objective::PMedian, limits, sites))
            .unwrap()
            .reasons;
        assert_eq!(reasons, vec![Reason::TooManyExisting { existing: 2, p: 1 }]);
    }
}
