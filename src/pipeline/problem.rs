//! A service's siting problem, built by pure functions from settled figures: demand points
//! from resident points, the pairs within each point's maximum travel, and their prices.

use super::Service;
use crate::demand::standards::ZoneKind;
use crate::demand::{GroupDemand, ResidentPoint};
use crate::input::scenario::{Basis, ServiceSettings};
use crate::model::{DemandPoint, Limits, ModelError, Site, SitingProblem};
use crate::travel::routes::Unit;

/// Demand points with demand, and for each its resident point and demand by group.
pub(super) fn demand_points(
    points: &[ResidentPoint],
    service: &Service,
    basis: Basis,
) -> (Vec<DemandPoint>, Vec<(usize, GroupDemand)>) {
    let demand = demand_at(points, service, basis);
    let with_demand: Vec<bool> = demand.iter().map(|d| d.total() > 0.0).collect();
    points_kept(points, &demand, &with_demand)
}

/// The service's demand at every resident point, by group.
pub(super) fn demand_at(
    points: &[ResidentPoint],
    service: &Service,
    basis: Basis,
) -> Vec<GroupDemand> {
    points
        .iter()
        .map(|point| match &service.age_shares {
            Some(shares) => service
                .rates
                .demand_with(point.residents.counted(basis), shares[point.zone]),
            None => service.rates.demand(point.residents.counted(basis)),
        })
        .collect()
}

/// The resident points `kept` as demand points, each with its index and demand by group.
pub(super) fn points_kept(
    points: &[ResidentPoint],
    demand: &[GroupDemand],
    kept: &[bool],
) -> (Vec<DemandPoint>, Vec<(usize, GroupDemand)>) {
    points
        .iter()
        .zip(demand)
        .enumerate()
        .filter(|(i, _)| kept[*i])
        .map(|(i, (point, &demand))| {
            let demand_point = DemandPoint {
                id: point.id.clone(),
                demand: demand.total(),
                weight: demand.total(),
            };
            (demand_point, (i, demand))
        })
        .unzip()
}

/// The standard's radius and the longest travel at one place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PointLevel {
    /// The standard's radius, in the service's travel unit.
    pub standard: f64,
    /// Nobody there is placed farther, in the service's travel unit.
    pub max_travel: f64,
}

/// The standard's radius and the longest travel in a zone of `kind`, in the service's travel
/// unit. Travel in minutes has one reach, both standard and limit.
pub(super) fn level_at(service: &Service, kind: ZoneKind) -> PointLevel {
    match (&service.levels, service.travel_unit) {
        (Some(levels), Unit::Metres) => {
            let level = levels.of(kind);
            PointLevel {
                standard: level.radius,
                max_travel: level.max_travel,
            }
        }
        _ => PointLevel {
            standard: service.reach,
            max_travel: service.reach,
        },
    }
}

/// The siting problem of a service: under `min_cost` each pair costs its price
/// ([`super::Levels::price`]) and keeps its travel for the report; otherwise pairs cost
/// their travel.
pub(super) fn siting_problem(
    service: &Service,
    settings: &ServiceSettings,
    points: Vec<DemandPoint>,
    sites: Vec<Site>,
    pairs: &Pairs,
    standard: &[f64],
) -> Result<SitingProblem, ModelError> {
    let limits = Limits {
        p: None,
        single_source: settings.single_source.unwrap_or(false),
        radius: Some(service.reach),
        max_new: settings.max_new_sites,
        budget: settings.budget,
        unplaced_price: service.levels.as_ref().map(|l| l.unplaced_price),
    };
    let priced = pairs
        .iter()
        .map(|&(i, j, travel)| (i, j, service.price(travel, standard[i])))
        .collect();
    match service.levels {
        // Prices, not travel: no radius on them, and the travel kept for the report.
        Some(_) => SitingProblem::new(
            service.objective,
            Limits {
                radius: None,
                ..limits
            },
            points,
            sites,
            priced,
        )
        .map(|problem| problem.with_distances(pairs.clone())),
        None => SitingProblem::new(service.objective, limits, points, sites, priced),
    }
}

/// (demand point, site, travel cost) for every pair within reach.
pub(super) type Pairs = Vec<(usize, usize, f64)>;

/// A service's demand points split by whether any site can reach them.
pub(super) struct Reachable {
    /// Demand points some site can reach.
    pub points: Vec<DemandPoint>,
    /// Their resident points and demand by group.
    pub demand: Vec<(usize, GroupDemand)>,
    /// Their standard radii, in the travel unit: the plan reports who is placed within.
    pub standard: Vec<f64>,
    /// Their pairs, numbered as `points`.
    pub pairs: Pairs,
    /// The resident points and demand that no site can reach.
    pub unreachable: Vec<(usize, GroupDemand)>,
}

/// The demand points (with their demand, pairs renumbered, and the standard radius of each
/// resident point) that some site can reach, and apart from them those none can.
pub(super) fn without_unreachable(
    points: Vec<DemandPoint>,
    demand: Vec<(usize, GroupDemand)>,
    pairs: Pairs,
    standard: impl Fn(usize) -> f64,
) -> Reachable {
    let mut reached = vec![false; points.len()];
    for &(i, _, _) in &pairs {
        reached[i] = true;
    }
    let mut renumbered = vec![0; points.len()];
    let (mut kept_points, mut kept_demand, mut unreachable) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (point, group)) in points.into_iter().zip(demand).enumerate() {
        if reached[i] {
            renumbered[i] = kept_points.len();
            kept_points.push(point);
            kept_demand.push(group);
        } else {
            unreachable.push(group);
        }
    }
    let pairs = pairs
        .into_iter()
        .map(|(i, j, cost)| (renumbered[i], j, cost))
        .collect();
    Reachable {
        points: kept_points,
        standard: kept_demand
            .iter()
            .map(|&(point, _)| standard(point))
            .collect(),
        demand: kept_demand,
        pairs,
        unreachable,
    }
}
