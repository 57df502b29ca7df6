//! A local flat projection in metres, for grids and radius searches at city scale.
//!
//! Equirectangular on the sphere of mean Earth radius, centred on the area planned: at city
//! scale (tens of kilometres) it bends lengths by well under one per cent, which the grid and
//! the radius search tolerate; distances that decide feasibility are measured on the
//! ellipsoid instead ([`crate::travel::geodesic::distance_m`]).

use geo::{BoundingRect, MultiPolygon, Point, Rect};

/// Mean Earth radius in metres (IUGG), the sphere the projection is drawn on.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The smallest rectangle holding every one of `shapes` (in their own coordinates); `None`
/// when there are none.
pub fn extent_of<'a>(shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Option<Rect<f64>> {
    shapes
        .into_iter()
        .filter_map(BoundingRect::bounding_rect)
        .reduce(|a, b| {
            Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        })
}

/// Longitude/latitude (degrees) to metres east and north of a centre, and back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalProjection {
    centre: Point<f64>,
    metres_per_degree_lon: f64,
    metres_per_degree_lat: f64,
}

impl LocalProjection {
    /// A projection true to scale along the parallel and meridian through `centre`.
    pub fn centred_on(centre: Point<f64>) -> Self {
        let metres_per_degree_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Self {
            centre,
            metres_per_degree_lon: metres_per_degree_lat * centre.y().to_radians().cos(),
            metres_per_degree_lat,
        }
    }

    /// Metres east (x) and north (y) of the centre.
    pub fn to_metres(&self, lon_lat: Point<f64>) -> Point<f64> {
        Point::new(
            (lon_lat.x() - self.centre.x()) * self.metres_per_degree_lon,
            (lon_lat.y() - self.centre.y()) * self.metres_per_degree_lat,
        )
    }

    /// Longitude and latitude of a point given in metres from the centre.
    pub fn to_degrees(&self, metres: Point<f64>) -> Point<f64> {
        Point::new(
            self.centre.x() + metres.x() / self.metres_per_degree_lon,
            self.centre.y() + metres.y() / self.metres_per_degree_lat,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_kilometre_east_on_the_equator_is_its_arc_in_degrees() {
        let projection = LocalProjection::centred_on(Point::new(0.0, 0.0));
        let east = projection.to_metres(Point::new(1000.0 / 111_195.08, 0.0));
        assert!((east.x() - 1000.0).abs() < 0.01, "{east:?}");
        assert_eq!(east.y(), 0.0);
    }

    #[test]
    fn a_degree_of_longitude_shrinks_with_latitude() {
        let zhengzhou = LocalProjection::centred_on(Point::new(113.6, 34.75));
        let one_degree_east = zhengzhou.to_metres(Point::new(114.6, 34.75)).x();
        let expected = 111_195.08 * 34.75_f64.to_radians().cos();
        assert!(
            (one_degree_east - expected).abs() < 1.0,
            "{one_degree_east}"
        );
    }

    #[test]
    fn degrees_to_metres_and_back_is_the_identity() {
        let projection = LocalProjection::centred_on(Point::new(113.6, 34.75));
        let place = Point::new(113.71, 34.69);
        let back = projection.to_degrees(projection.to_metres(place));
        assert!((back.x() - place.x()).abs() < 1e-12 && (back.y() - place.y()).abs() < 1e-12);
    }
}
