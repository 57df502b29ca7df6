//! Walking distance as the shortest line on the WGS84 ellipsoid, with an R-tree radius search
//! so that only pairs within the service radius are ever measured or kept.

use crate::model::projection::LocalProjection;
use geo::{BoundingRect, Distance, Geodesic, MultiPoint, Point};
use rayon::prelude::*;
use rstar::{primitives::GeomWithData, RTree};

/// How far the flat projection may bend a length at city scale, as a share. The R-tree search
/// is widened by it so that no pair within the radius is missed; each pair found is then
/// measured on the ellipsoid and kept only if truly within the radius.
const PROJECTION_SLACK: f64 = 0.02;

/// Geodesic distance in metres between two WGS84 longitude/latitude points.
pub fn distance_m(a: Point<f64>, b: Point<f64>) -> f64 {
    Geodesic.distance(a, b)
}

/// Every (demand, site, metres) with the site within `radius_m` of the demand point, sorted
/// by demand then site. Memory grows with the pairs kept, not with demand × sites.
pub fn pairs_within(
    demand: &[Point<f64>],
    sites: &[Point<f64>],
    radius_m: f64,
) -> Vec<(usize, usize, f64)> {
    let Some(extent) = MultiPoint::from(sites.to_vec()).bounding_rect() else {
        return Vec::new();
    };
    let projection = LocalProjection::centred_on(extent.center().into());
    let tree = RTree::bulk_load(
        sites
            .iter()
            .enumerate()
            .map(|(j, &site)| GeomWithData::new(projection.to_metres(site).into(), j))
            .collect::<Vec<GeomWithData<[f64; 2], usize>>>(),
    );
    let search = radius_m * (1.0 + PROJECTION_SLACK) + 1.0;
    demand
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, &home)| {
            let mut near: Vec<(usize, usize, f64)> = tree
                .locate_within_distance(projection.to_metres(home).into(), search * search)
                .map(|site| (i, site.data, distance_m(home, sites[site.data])))
                .filter(|&(_, _, metres)| metres <= radius_m)
                .collect();
            near.sort_by_key(|&(_, j, _)| j);
            near
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres per degree along the equator on the WGS84 ellipsoid (equatorial radius × π/180).
    const EQUATOR_METRES_PER_DEGREE: f64 = 6_378_137.0 * std::f64::consts::PI / 180.0;

    #[test]
    fn a_degree_along_the_equator_is_its_arc_on_the_ellipsoid() {
        let metres = distance_m(Point::new(0.0, 0.0), Point::new(1.0, 0.0));
        assert!(
            (metres - EQUATOR_METRES_PER_DEGREE).abs() < 0.01,
            "{metres}"
        );
    }

    #[test]
    fn only_sites_within_the_radius_are_paired_and_measured() {
        let east = |metres: f64| Point::new(metres / EQUATOR_METRES_PER_DEGREE, 0.0);
        let homes = [east(0.0), east(1000.0)];
        let sites = [east(400.0), east(499.0), east(1600.0), east(501.0)];
        let pairs = pairs_within(&homes, &sites, 500.0);
        let kept: Vec<(usize, usize)> = pairs.iter().map(|&(i, j, _)| (i, j)).collect();
        assert_eq!(kept, [(0, 0), (0, 1), (1, 3)]);
        let expected = [400.0, 499.0, 499.0];
        for (&(_, _, metres), want) in pairs.iter().zip(expected) {
            assert!((metres - want).abs() < 0.01, "{metres} vs {want}");
        }
    }

    #[test]
    fn no_sites_means_no_pairs() {
        assert!(pairs_within(&[Point::new(0.0, 0.0)], &[], 500.0).is_empty());
    }

    #[test]
    fn the_search_misses_nothing_far_from_the_projection_centre() {
        // Sites spread over Zhengzhou's latitude range; a home 40 km north of their centre.
        let sites: Vec<Point<f64>> = (0..50)
            .map(|k| Point::new(113.3 + 0.01 * k as f64, 34.4 + 0.01 * k as f64))
            .collect();
        let home = Point::new(113.79, 34.89);
        let brute: Vec<usize> = (0..sites.len())
            .filter(|&j| distance_m(home, sites[j]) <= 3000.0)
            .collect();
        let found: Vec<usize> = pairs_within(&[home], &sites, 3000.0)
            .into_iter()
            .map(|(_, j, _)| j)
            .collect();
        assert!(!brute.is_empty());
        assert_eq!(found, brute);
    }
}
