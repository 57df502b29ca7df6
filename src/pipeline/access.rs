//! How each resident point fares under a plan, by group: demand, demand placed at a site,
//! demand placed within the standard's radius, and the site serving most of it.
//!
//! A plan sized for registered (hukou) residents only is also judged against everyone who
//! lives there ([`judged_problem`]): its sites stay as they are, registered residents keep
//! their places, and the non-hukou residents take what room is left within reach. What they
//! do not get is what planning by hukou leaves out.

use super::problem::Reachable;
use super::Service;
use crate::demand::GroupDemand;
use crate::model::{Assignment, Limits, ModelError, Objective, Site, SiteStatus, SitingProblem};
use crate::solve::Outcome;
use std::collections::BTreeMap;

/// Without a price list, leaving a unit unplaced costs this many times the reach: more than
/// any placement within reach, so everyone who can be placed is.
const UNPLACED_REACHES: f64 = 10.0;

/// One resident point's demand for a service and what the plan gives it, by group.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PointAccess {
    /// Index of the resident point.
    pub point: usize,
    /// Its demand.
    pub demand: GroupDemand,
    /// Demand placed at a site within the maximum travel.
    pub placed: GroupDemand,
    /// Demand placed within the standard's radius.
    pub within: GroupDemand,
    /// The site serving most of it (an index of the plan's sites), with the travel to it.
    pub site: Option<(usize, f64)>,
}

impl PointAccess {
    /// Demand left without a place.
    pub fn unplaced(&self) -> f64 {
        (self.demand.total() - self.placed.total()).max(0.0)
    }
}

/// Scales both groups of `demand` by `share`.
fn scaled(demand: GroupDemand, share: f64) -> GroupDemand {
    GroupDemand {
        hukou: demand.hukou * share,
        non_hukou: demand.non_hukou * share,
    }
}

/// Each point of a service as its own plan serves it: `demand` holds each problem point's
/// resident point and demand, `standard` its radius; `unreachable` points get nothing.
pub(super) fn from_plan(
    problem: &SitingProblem,
    demand: &[(usize, GroupDemand)],
    standard: &[f64],
    unreachable: &[(usize, GroupDemand)],
    outcome: &Outcome,
) -> Vec<PointAccess> {
    let assignment = match outcome {
        Outcome::Solved(solution) => Some(&solution.assignment),
        Outcome::Infeasible(_) => None,
    };
    let mut access: Vec<PointAccess> = demand
        .iter()
        .enumerate()
        .map(|(i, &(point, group))| match assignment {
            Some(assignment) => served(problem, assignment, i, standard[i], point, group),
            None => unserved(point, group),
        })
        .collect();
    access.extend(
        unreachable
            .iter()
            .map(|&(point, group)| unserved(point, group)),
    );
    access.sort_by_key(|a| a.point);
    access
}

fn unserved(point: usize, demand: GroupDemand) -> PointAccess {
    PointAccess {
        point,
        demand,
        ..PointAccess::default()
    }
}

/// How `assignment` serves problem point `i`.
fn served(
    problem: &SitingProblem,
    assignment: &Assignment,
    i: usize,
    standard: f64,
    point: usize,
    demand: GroupDemand,
) -> PointAccess {
    let allocations = &assignment.allocations[i];
    let travel = |site: usize| problem.distance(i, site).unwrap_or(f64::INFINITY);
    let placed: f64 = allocations.iter().map(|a| a.share).sum();
    let within: f64 = allocations
        .iter()
        .filter(|a| travel(a.site) <= standard)
        .map(|a| a.share)
        .sum();
    let main = allocations
        .iter()
        .max_by(|x, y| x.share.total_cmp(&y.share).then(y.site.cmp(&x.site)))
        .map(|a| (a.site, travel(a.site)));
    PointAccess {
        point,
        demand,
        placed: scaled(demand, placed.min(1.0)),
        within: scaled(demand, within.min(1.0)),
        site: main,
    }
}

/// The non-hukou demand of a hukou plan, to be placed in the room its open sites have left.
pub(super) struct Judged {
    /// The allocation problem: the plan's open sites with the room left, as existing sites.
    pub problem: SitingProblem,
    /// For each site of `problem`, its index among the plan's sites.
    pub plan_sites: Vec<usize>,
    /// For each demand point of `problem`, its resident point and non-hukou demand.
    pub demand: Vec<(usize, GroupDemand)>,
    /// For each demand point of `problem`, its standard's radius.
    pub standard: Vec<f64>,
    /// Non-hukou demand no open site can reach.
    pub unreachable: Vec<(usize, GroupDemand)>,
}

/// The plan's open sites, as indices of its sites.
pub(super) fn open_sites(assignment: &Assignment) -> Vec<usize> {
    (0..assignment.open.len())
        .filter(|&j| assignment.open[j])
        .collect()
}

/// Builds the allocation problem that places the non-hukou demand in the room left at the
/// plan's open sites (`reachable`: that demand split by whether an open site is within its
/// reach, its pairs numbered by the open sites), at the service's prices.
///
/// # Errors
/// [`ModelError`] when the price of unplaced demand is not a positive number.
pub(super) fn judged_problem(
    plan: &SitingProblem,
    assignment: &Assignment,
    service: &Service,
    reachable: Reachable,
) -> Result<Judged, ModelError> {
    let plan_sites = open_sites(assignment);
    let loads = assignment.loads(plan);
    let sites: Vec<Site> = plan_sites
        .iter()
        .map(|&j| {
            let site = &plan.sites()[j];
            Site {
                id: site.id.clone(),
                capacity: site.capacity.map(|c| (c - loads[j]).max(0.0)),
                fixed_cost: 0.0,
                status: SiteStatus::Existing,
                min_load: 0.0,
                plot: None,
            }
        })
        .collect();
    let standard = &reachable.standard;
    let priced = reachable
        .pairs
        .iter()
        .map(|&(i, j, travel)| (i, j, service.price(travel, standard[i])))
        .collect();
    let unplaced_price = match &service.levels {
        Some(levels) => levels.unplaced_price,
        None => UNPLACED_REACHES * service.reach.max(1.0),
    };
    let limits = Limits {
        unplaced_price: Some(unplaced_price),
        ..Limits::default()
    };
    let problem = SitingProblem::new(Objective::MinCost, limits, reachable.points, sites, priced)?
        .with_distances(reachable.pairs);
    Ok(Judged {
        problem,
        plan_sites,
        demand: reachable.demand,
        standard: reachable.standard,
        unreachable: reachable.unreachable,
    })
}

/// The hukou plan's access with the non-hukou demand placed as `judged` and `outcome` say.
pub(super) fn with_judged(
    access: Vec<PointAccess>,
    judged: &Judged,
    outcome: &Outcome,
) -> Vec<PointAccess> {
    let mut non_hukou = from_plan(
        &judged.problem,
        &judged.demand,
        &judged.standard,
        &judged.unreachable,
        outcome,
    );
    for entry in &mut non_hukou {
        entry.site = entry.site.map(|(j, travel)| (judged.plan_sites[j], travel));
    }
    let mut merged: BTreeMap<usize, PointAccess> =
        access.into_iter().map(|a| (a.point, a)).collect();
    for extra in non_hukou {
        let entry = merged.entry(extra.point).or_insert(PointAccess {
            point: extra.point,
            ..PointAccess::default()
        });
        entry.demand.non_hukou += extra.demand.non_hukou;
        entry.placed.non_hukou += extra.placed.non_hukou;
        entry.within.non_hukou += extra.within.non_hukou;
        entry.site = entry.site.or(extra.site);
    }
    merged.into_values().collect()
}
