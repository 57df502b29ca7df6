//! Spreading zone totals onto a grid clipped to the zone polygons, and laying out candidate
//! sites on a grid.
//!
//! The grid is square in a local projection centred on the zones' bounding box, with lines at
//! whole multiples of the cell size from that centre, so one grid serves every zone of a
//! scenario and neighbouring zones' pieces meet cell edge to cell edge.

use crate::model::projection::{extent_of, LocalProjection};
use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Contains, InteriorPoint, MapCoords, MultiPolygon,
    Point, Rect,
};
use rayon::prelude::*;
use rstar::RTree;

/// More cells than this in the bounding box is almost surely a cell size in the wrong unit.
const MAX_CELLS: f64 = 20_000_000.0;

/// Pieces smaller than this share of a cell are slivers along a zone edge that runs on a grid
/// line: the clipping snaps coordinates to an integer lattice, which leaves strips about a
/// millimetre wide. They are dropped; the zone's residents go to its other pieces.
const SLIVER_SHARE: f64 = 1e-4;

/// A grid that cannot be laid out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GridError {
    /// A cell size or spacing that is zero, negative or not a number.
    #[error("the {what} must be a number of metres greater than 0 (found {value})")]
    NotPositive {
        /// Which setting.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// So many cells that the size is surely in the wrong unit.
    #[error("a {what} of {value} m makes {cells:.0} cells over the zones, more than {MAX_CELLS:.0}; use a larger one")]
    TooFine {
        /// Which setting.
        what: &'static str,
        /// The value given.
        value: f64,
        /// Cells in the zones' bounding box.
        cells: f64,
    },
    /// A zone whose polygons enclose no area, so its residents have nowhere to go.
    #[error("zone `{code}` encloses no area to spread its residents over")]
    NoArea {
        /// The zone's code.
        code: String,
    },
}

/// The part of one zone inside one grid cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Index of the zone in the slice given to [`pieces`].
    pub zone: usize,
    /// Grid row (northwards from the grid's centre).
    pub row: i64,
    /// Grid column (eastwards from the grid's centre).
    pub col: i64,
    /// A point inside the piece (its centroid when that lies inside), WGS84 lon/lat.
    pub centre: Point<f64>,
    /// Its area in square metres.
    pub area_m2: f64,
    /// The piece itself, WGS84 lon/lat: the cell clipped to the zone.
    pub shape: MultiPolygon<f64>,
}

/// Cuts every zone into grid pieces of `cell_m` metres, zone by zone, row by row from the
/// south, column by column from the west. A zone too small to leave any piece gets one piece
/// at a point inside it, so no zone's residents are lost.
///
/// # Errors
/// [`GridError`] for a cell size that is not positive or far too small for the area.
pub fn pieces(zones: &[MultiPolygon<f64>], cell_m: f64) -> Result<Vec<Piece>, GridError> {
    let Some(grid) = Grid::over(zones, cell_m, "grid cell size")? else {
        return Ok(Vec::new());
    };
    let mut all = Vec::new();
    for (zone, boundary) in zones.iter().enumerate() {
        let local = grid.to_metres(boundary);
        let mut own = grid.pieces_of(zone, &local);
        if own.is_empty() {
            own.extend(grid.single_piece(zone, &local));
        }
        all.extend(own);
    }
    Ok(all)
}

/// Splits `total` into whole shares proportional to `weights`, summing exactly to `total`,
/// each within one of its exact proportional share.
///
/// Shares are differences of rounded cumulative quotas, which keeps the sum exact whatever the
/// floating-point error. Zero weights everywhere split evenly. `None` for no weights or a
/// weight that is negative or not finite.
///
/// ```
/// use defacto::demand::grid::apportion;
/// assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), Some(vec![3, 4, 3]));
/// assert_eq!(apportion(7, &[0.0, 2.0]), Some(vec![0, 7]));
/// ```
pub fn apportion(total: u64, weights: &[f64]) -> Option<Vec<u64>> {
    if weights.is_empty() || weights.iter().any(|w| !w.is_finite() || *w < 0.0) {
        return None;
    }
    let sum: f64 = weights.iter().sum();
    let even = vec![1.0; weights.len()];
    let (weights, sum) = match sum > 0.0 {
        true => (weights, sum),
        false => (&even[..], weights.len() as f64),
    };
    let mut cumulative = 0.0;
    let mut given = 0;
    let mut shares = Vec::with_capacity(weights.len());
    for (i, weight) in weights.iter().enumerate() {
        cumulative += weight;
        let boundary = match i + 1 == weights.len() {
            true => total,
            false => ((total as f64 * cumulative / sum).round() as u64).clamp(given, total),
        };
        shares.push(boundary - given);
        given = boundary;
    }
    Some(shares)
}

/// Candidate sites on a grid of `spacing_m` inside the zones, at cell centres, leaving out
/// those within `min_distance_m` of an `existing` facility. Each comes with the index of the
/// zone it lies in, zone by zone, south to north, west to east.
///
/// # Errors
/// [`GridError`] for a spacing that is not positive or far too small for the area.
pub fn candidate_grid(
    zones: &[MultiPolygon<f64>],
    spacing_m: f64,
    existing: &[Point<f64>],
    min_distance_m: f64,
) -> Result<Vec<(usize, Point<f64>)>, GridError> {
    let Some(grid) = Grid::over(zones, spacing_m, "candidate spacing")? else {
        return Ok(Vec::new());
    };
    let taken = RTree::bulk_load(
        existing
            .iter()
            .map(|&p| <[f64; 2]>::from(grid.projection.to_metres(p)))
            .collect(),
    );
    let mut sites = Vec::new();
    for (zone, boundary) in zones.iter().enumerate() {
        let local = grid.to_metres(boundary);
        let Some(extent) = local.bounding_rect() else {
            continue;
        };
        let (rows, cols) = grid.span(extent);
        for row in rows {
            for col in cols.clone() {
                let centre = grid.cell(row, col).center();
                let clear = taken
                    .locate_within_distance([centre.x, centre.y], min_distance_m * min_distance_m)
                    .next()
                    .is_none();
                if clear && local.contains(&Point::from(centre)) {
                    sites.push((zone, grid.projection.to_degrees(centre.into())));
                }
            }
        }
    }
    Ok(sites)
}

/// A square grid over some zones, in the local projection.
pub(crate) struct Grid {
    /// The local projection the cells are square in.
    pub(crate) projection: LocalProjection,
    /// Side of a cell in metres.
    pub(crate) cell_m: f64,
}

impl Grid {
    /// The grid for these zones, or `None` when they have no extent at all.
    pub(crate) fn over(
        zones: &[MultiPolygon<f64>],
        cell_m: f64,
        what: &'static str,
    ) -> Result<Option<Self>, GridError> {
        if !(cell_m.is_finite() && cell_m > 0.0) {
            return Err(GridError::NotPositive {
                what,
                value: cell_m,
            });
        }
        let Some(extent) = extent_of(zones) else {
            return Ok(None);
        };
        let projection = LocalProjection::centred_on(extent.center().into());
        let grid = Self { projection, cell_m };
        let span = grid.to_metres(&MultiPolygon::new(vec![extent.to_polygon()]));
        let cells = span.bounding_rect().map_or(0.0, |r| {
            (r.width() / cell_m).ceil().max(1.0) * (r.height() / cell_m).ceil().max(1.0)
        });
        if cells > MAX_CELLS {
            return Err(GridError::TooFine {
                what,
                value: cell_m,
                cells,
            });
        }
        Ok(Some(grid))
    }

    pub(crate) fn to_metres(&self, zone: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        zone.map_coords(|c| self.projection.to_metres(c.into()).into())
    }

    fn to_degrees(&self, local: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        local.map_coords(|c| self.projection.to_degrees(c.into()).into())
    }

    /// Rows and columns of the cells that meet `extent` (in metres).
    pub(crate) fn span(
        &self,
        extent: Rect<f64>,
    ) -> (std::ops::RangeInclusive<i64>, std::ops::RangeInclusive<i64>) {
        let index = |v: f64| (v / self.cell_m).floor() as i64;
        (
            index(extent.min().y)..=index(extent.max().y),
            index(extent.min().x)..=index(extent.max().x),
        )
    }

    pub(crate) fn cell(&self, row: i64, col: i64) -> Rect<f64> {
        let (x, y) = (col as f64 * self.cell_m, row as f64 * self.cell_m);
        Rect::new((x, y), (x + self.cell_m, y + self.cell_m))
    }

    /// Clips the zone (in metres) to each row strip first, then each strip to its cells, so
    /// every cell is cut from a small polygon rather than the whole zone. Rows run in parallel.
    fn pieces_of(&self, zone: usize, local: &MultiPolygon<f64>) -> Vec<Piece> {
        let Some(extent) = local.bounding_rect() else {
            return Vec::new();
        };
        let (rows, cols) = self.span(extent);
        let rows: Vec<i64> = rows.collect();
        let sliver = SLIVER_SHARE * self.cell_m * self.cell_m;
        rows.par_iter()
            .flat_map_iter(|&row| {
                let strip_rect = Rect::new(
                    (
                        self.cell(row, *cols.start()).min().x,
                        self.cell(row, 0).min().y,
                    ),
                    (
                        self.cell(row, *cols.end()).max().x,
                        self.cell(row, 0).max().y,
                    ),
                );
                let strip = local.intersection(&strip_rect.to_polygon());
                cols.clone().filter_map(move |col| {
                    let piece = strip.intersection(&self.cell(row, col).to_polygon());
                    let area_m2 = piece.unsigned_area();
                    (area_m2 >= sliver).then(|| Piece {
                        zone,
                        row,
                        col,
                        centre: self.projection.to_degrees(point_inside(&piece)),
                        area_m2,
                        shape: self.to_degrees(&piece),
                    })
                })
            })
            .collect()
    }

    /// One piece for a whole zone too small for the grid, in the cell holding a point inside it.
    fn single_piece(&self, zone: usize, local: &MultiPolygon<f64>) -> Option<Piece> {
        let inside = local.interior_point()?;
        let index = |v: f64| (v / self.cell_m).floor() as i64;
        Some(Piece {
            zone,
            row: index(inside.y()),
            col: index(inside.x()),
            centre: self.projection.to_degrees(inside),
            area_m2: local.unsigned_area(),
            shape: self.to_degrees(local),
        })
    }
}

/// The centroid when it lies inside the shape (always for convex pieces), else a point inside.
fn point_inside(shape: &MultiPolygon<f64>) -> Point<f64> {
    shape
        .centroid()
        .filter(|c| shape.contains(c))
        .or_else(|| shape.interior_point())
        .unwrap_or_else(|| Point::new(0.0, 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Polygon};

    /// A square of `side` metres with its south-west corner `east`, `north` metres from
    /// (0°, 0°), in degrees.
    fn square(east: f64, north: f64, side: f64) -> MultiPolygon<f64> {
        let origin = LocalProjection::centred_on(Point::new(0.0, 0.0));
        let at = |x: f64, y: f64| origin.to_degrees(Point::new(x, y));
        let corners = [
            at(east, north),
            at(east + side, north),
            at(east + side, north + side),
            at(east, north + side),
        ];
        MultiPolygon::new(vec![Polygon::new(corners.to_vec().into(), vec![])])
    }

    #[test]
    fn two_squares_on_a_cell_aligned_grid_give_four_whole_cells_each() {
        let zones = [square(0.0, 0.0, 1000.0), square(1000.0, 0.0, 1000.0)];
        let pieces = pieces(&zones, 500.0).unwrap();
        assert_eq!(pieces.len(), 8);
        for piece in &pieces {
            assert!((piece.area_m2 - 250_000.0).abs() < 1.0, "{piece:?}");
        }
        assert_eq!(pieces.iter().filter(|p| p.zone == 0).count(), 4);
    }

    #[test]
    fn pieces_cover_each_zone_exactly_once() {
        let triangle = MultiPolygon::new(vec![polygon![
            (x: 113.60, y: 34.70), (x: 113.65, y: 34.71), (x: 113.62, y: 34.76),
        ]]);
        let slanted = MultiPolygon::new(vec![polygon![
            (x: 113.66, y: 34.70), (x: 113.70, y: 34.69), (x: 113.71, y: 34.73), (x: 113.67, y: 34.72),
        ]]);
        let zones = [triangle, slanted];
        for cell_m in [100.0, 250.0, 333.0] {
            let pieces = pieces(&zones, cell_m).unwrap();
            let grid = Grid::over(&zones, cell_m, "test").unwrap().unwrap();
            for (z, zone) in zones.iter().enumerate() {
                let area = grid.to_metres(zone).unsigned_area();
                let covered: f64 = pieces
                    .iter()
                    .filter(|p| p.zone == z)
                    .map(|p| p.area_m2)
                    .sum();
                assert!(
                    (covered - area).abs() < 1e-6 * area,
                    "zone {z} at {cell_m} m"
                );
            }
        }
    }

    #[test]
    fn a_zone_smaller_than_a_sliver_still_gets_one_piece() {
        let zones = [square(0.0, 0.0, 0.1)];
        let pieces = pieces(&zones, 1000.0).unwrap();
        assert_eq!(pieces.len(), 1);
        assert!(zones[0].contains(&pieces[0].centre));
    }

    #[test]
    fn every_piece_centre_is_inside_its_zone() {
        let ring = MultiPolygon::new(vec![Polygon::new(
            square(0.0, 0.0, 3000.0).0[0].exterior().clone(),
            vec![square(500.0, 500.0, 2000.0).0[0].exterior().clone()],
        )]);
        for piece in pieces(std::slice::from_ref(&ring), 700.0).unwrap() {
            assert!(ring.contains(&piece.centre), "{piece:?}");
        }
    }

    #[test]
    fn bad_cell_sizes_are_refused() {
        let zones = [square(0.0, 0.0, 1000.0)];
        assert!(matches!(
            pieces(&zones, 0.0),
            Err(GridError::NotPositive { .. })
        ));
        assert!(matches!(
            pieces(&zones, f64::NAN),
            Err(GridError::NotPositive { .. })
        ));
        assert!(matches!(
            pieces(&zones, 0.1),
            Err(GridError::TooFine { .. })
        ));
    }

    #[test]
    fn apportioning_keeps_the_total_and_stays_within_one_of_the_quota() {
        let weights = [0.31, 1.7, 0.0, 2.2, 5.0e-7, 9.9];
        for total in [0, 1, 7, 999, 1_234_567] {
            let shares = apportion(total, &weights).unwrap();
            assert_eq!(shares.iter().sum::<u64>(), total);
            let sum: f64 = weights.iter().sum();
            for (share, w) in shares.iter().zip(weights) {
                assert!((*share as f64 - total as f64 * w / sum).abs() <= 1.0);
            }
        }
        assert_eq!(apportion(5, &[]), None);
        assert_eq!(apportion(5, &[1.0, -1.0]), None);
        assert_eq!(apportion(4, &[0.0, 0.0]), Some(vec![2, 2]));
    }

    #[test]
    fn candidates_sit_inside_the_zones_and_away_from_existing_facilities() {
        let zones = [square(0.0, 0.0, 2000.0)];
        let all = candidate_grid(&zones, 500.0, &[], 250.0).unwrap();
        assert_eq!(all.len(), 16);
        let school = all[5].1;
        let fewer = candidate_grid(&zones, 500.0, &[school], 250.0).unwrap();
        assert_eq!(fewer.len(), 15);
        assert!(!fewer.iter().any(|&(_, p)| p == school));
        assert!(all.iter().all(|(z, p)| *z == 0 && zones[0].contains(p)));
    }
}
