//! The sites a service may use: existing facilities, their expansion modules, and new
//! candidates (given, or a grid inside the planned zones) in each size a plot may take.

use super::inputs::{CityInputs, ServiceInputs};
use super::{PipelineError, Service};
use crate::demand::grid::{candidate_grid, GridError};
use crate::demand::standards::{ServiceKind, ZoneKind};
use crate::demand::ResidentPoint;
use crate::input::geojson::PointFeature;
use crate::input::scenario::CandidateSettings;
use crate::model::{Site, SiteStatus};
use crate::travel::geodesic;
use geo::{Contains, Point};
use std::path::Path;

/// What a site is in the plan's geography.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedSite {
    /// Where it is (WGS84 lon/lat).
    pub location: Point<f64>,
    /// For an expansion, the index of the facility it enlarges.
    pub expands: Option<usize>,
    /// For a new site built in one of several sizes, the size's name.
    pub size: Option<String>,
}

/// A candidate site: its id, the planned zone it lies in (when any), and where it is.
type CandidatePlace = (String, Option<usize>, Point<f64>);

/// Existing facilities, their expansions, then new candidates, with their locations;
/// `homes` are the resident points with demand, which the candidates must reach.
pub(super) fn sites(
    path: &Path,
    inputs: &CityInputs,
    layout: &CandidateSettings,
    service: &Service,
    files: &ServiceInputs,
    homes: &[usize],
) -> Result<(Vec<Site>, Vec<PlacedSite>), PipelineError> {
    let settings = &files.settings;
    let existing = &files.existing;
    let capacity_field = settings
        .existing
        .as_ref()
        .map_or("capacity", |f| f.capacity_field.as_str());
    let mut sites = Vec::new();
    let mut placed = Vec::new();
    for facility in existing {
        sites.push(Site {
            id: facility.id.clone(),
            capacity: facility.feature.non_negative(capacity_field)?,
            fixed_cost: 0.0,
            status: SiteStatus::Existing,
            min_load: 0.0,
            plot: None,
        });
        placed.push(PlacedSite {
            location: facility.location,
            expands: None,
            size: None,
        });
    }
    if let Some(expansion) = settings.expansion {
        for (f, facility) in existing.iter().enumerate() {
            for module in 1..=expansion.max_modules {
                sites.push(Site {
                    id: format!("{}+{module}", facility.id),
                    capacity: Some(expansion.capacity),
                    fixed_cost: expansion.cost,
                    status: SiteStatus::Expansion,
                    min_load: 0.0,
                    plot: None,
                });
                placed.push(PlacedSite {
                    location: facility.location,
                    expands: Some(f),
                    size: None,
                });
            }
        }
    }
    let candidates = candidates(inputs, layout, service, existing, homes)
        .map_err(|source| PipelineError::grid(path, source))?;
    for (plot, (id, zone, location)) in candidates.into_iter().enumerate() {
        let Some(levels) = &service.levels else {
            sites.push(Site {
                id,
                capacity: Some(service.new_site_capacity),
                fixed_cost: settings.new_site_cost.unwrap_or(1.0),
                status: SiteStatus::Candidate,
                min_load: 0.0,
                plot: None,
            });
            placed.push(PlacedSite {
                location,
                expands: None,
                size: None,
            });
            continue;
        };
        let kind = zone.map_or(ZoneKind::Urban, |z| inputs.kinds[z]);
        for size in &levels.of(kind).sizes {
            sites.push(Site {
                id: format!("{id} ({})", size.name),
                capacity: Some(size.capacity),
                fixed_cost: size.cost,
                status: SiteStatus::Candidate,
                min_load: levels.min_load_share * size.capacity,
                plot: Some(plot),
            });
            placed.push(PlacedSite {
                location,
                expands: None,
                size: Some(size.name.clone()),
            });
        }
    }
    Ok((sites, placed))
}

/// Candidate sites: the given points, or a grid inside the planned zones away from the
/// service's existing facilities, plus a site at each group of `homes` (resident points
/// with demand) that the grid and the existing facilities leave out of reach — a zone's
/// narrow edges — so that a generated layout can always serve everyone.
fn candidates(
    inputs: &CityInputs,
    layout: &CandidateSettings,
    service: &Service,
    existing: &[PointFeature],
    homes: &[usize],
) -> Result<Vec<CandidatePlace>, GridError> {
    if let Some(given) = &inputs.candidates {
        return Ok(given
            .iter()
            .map(|p| (p.id.clone(), zone_at(inputs, p.location), p.location))
            .collect());
    }
    let chosen: Vec<usize> = (0..inputs.zones.len())
        .filter(|&z| inputs.planned[z])
        .collect();
    let boundaries: Vec<_> = chosen
        .iter()
        .map(|&z| inputs.zones[z].boundary.clone())
        .collect();
    let taken: Vec<Point<f64>> = existing.iter().map(|f| f.location).collect();
    let grid = candidate_grid(
        &boundaries,
        service.candidate_spacing_m,
        &taken,
        layout.min_distance_m,
    )?;
    let prefix = match service.kind {
        ServiceKind::PrimarySchool => "PS",
        ServiceKind::JuniorMiddleSchool => "JM",
        ServiceKind::HealthCentre => "HC",
        ServiceKind::PublicRentalHousing => "PRH",
    };
    let mut layout: Vec<(usize, Point<f64>)> = grid
        .into_iter()
        .map(|(k, location)| (chosen[k], location))
        .collect();
    let reachable: Vec<Point<f64>> = taken
        .iter()
        .copied()
        .chain(layout.iter().map(|&(_, location)| location))
        .collect();
    let gap_radius = service.levels.as_ref().map_or(service.radius_m, |l| {
        l.urban.max_travel.min(l.rural.max_travel)
    });
    let gaps = out_of_reach(&inputs.points, homes, &reachable, gap_radius);
    layout.extend(
        gaps.into_iter()
            .map(|i| (inputs.points[i].zone, inputs.points[i].location)),
    );
    Ok(layout
        .into_iter()
        .enumerate()
        .map(|(n, (zone, location))| {
            let code = &inputs.zones[zone].code;
            (format!("{prefix}-{code}-{}", n + 1), Some(zone), location)
        })
        .collect())
}

/// The planned zone that contains `location`, if any.
fn zone_at(inputs: &CityInputs, location: Point<f64>) -> Option<usize> {
    (0..inputs.zones.len())
        .find(|&z| inputs.planned[z] && inputs.zones[z].boundary.contains(&location))
}

/// Of the `homes`, those with no site within `radius_m`, thinned so that none is within the
/// radius of another kept before it (in order): one new candidate at each reaches them all.
fn out_of_reach(
    points: &[ResidentPoint],
    homes: &[usize],
    sites: &[Point<f64>],
    radius_m: f64,
) -> Vec<usize> {
    let locations: Vec<Point<f64>> = homes.iter().map(|&i| points[i].location).collect();
    let mut reached = vec![false; homes.len()];
    for (h, _, _) in geodesic::pairs_within(&locations, sites, radius_m) {
        reached[h] = true;
    }
    let mut kept: Vec<usize> = Vec::new();
    for (h, &home) in homes.iter().enumerate() {
        let near_kept = kept
            .iter()
            .any(|&k| geodesic::distance_m(points[k].location, locations[h]) <= radius_m);
        if !reached[h] && !near_kept {
            kept.push(home);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demand::Residents;

    fn home(id: &str, metres_east: f64) -> ResidentPoint {
        ResidentPoint {
            id: id.into(),
            zone: 0,
            location: Point::new(metres_east / 111_319.5, 0.0),
            residents: Residents::default(),
            cell: None,
        }
    }

    #[test]
    fn homes_out_of_reach_get_one_candidate_per_group() {
        let points = [
            home("a", 0.0),
            home("b", 300.0),
            home("c", 2000.0),
            home("d", 5000.0),
        ];
        let site_near_d = [Point::new(5100.0 / 111_319.5, 0.0)];
        let gaps = out_of_reach(&points, &[0, 1, 2, 3], &site_near_d, 500.0);
        assert_eq!(
            gaps,
            [0, 2],
            "b is within reach of a's new site; d of the site"
        );
    }
}
