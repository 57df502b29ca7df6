//! Dasymetric weights: how much of a raster cell or of a building falls in each grid piece.
//!
//! A zone's residents are spread over its grid pieces ([`super::grid`]) in proportion to a
//! weight: the people of population-raster cells, or the floor area of buildings. Each cell
//! or building is shared among the pieces it overlaps by the area of the overlap, so a cell
//! straddling a zone boundary gives each zone the part that lies in it.
//!
//! Raster cells are convex quadrilaterals (a cell of any CRS seen in the local projection), so
//! they are clipped with Sutherland–Hodgman against the piece; a building outline may be
//! concave, so it is clipped against whole cells the same way and against pieces cut by a
//! zone boundary with a general polygon intersection.

use super::grid::{Grid, GridError, Piece};
use crate::input::buildings::{Building, Footprint, Weight};
use crate::input::raster::{CellMeaning, PopulationRaster, Window};
use crate::input::InputError;
use geo::{Area, BooleanOps, BoundingRect, Contains, Coord, MultiPolygon, Point, Polygon, Rect};
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;

/// Raster rows read at a time: a strip of a 10,000-column raster is about 20 MB.
const STRIP_ROWS: usize = 256;

/// A weight for each group of residents.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupWeight {
    /// Weight for registered (hukou) residents.
    pub hukou: f64,
    /// Weight for non-hukou residents.
    pub non_hukou: f64,
}

impl GroupWeight {
    /// The same weight for both groups.
    pub fn both(weight: f64) -> Self {
        Self {
            hukou: weight,
            non_hukou: weight,
        }
    }

    fn scaled(self, factor: f64) -> Self {
        Self {
            hukou: self.hukou * factor,
            non_hukou: self.non_hukou * factor,
        }
    }

    fn add(&mut self, other: Self) {
        self.hukou += other.hukou;
        self.non_hukou += other.non_hukou;
    }
}

/// A piece in the grid's metres: a whole cell, or a cell cut by its zone's boundary.
enum PieceShape {
    Whole(Rect<f64>),
    Part(MultiPolygon<f64>),
}

/// The grid pieces of the planned zones by cell, for finding what a shape overlaps.
pub struct PieceIndex {
    grid: Grid,
    shapes: Vec<PieceShape>,
    by_cell: HashMap<(i64, i64), Vec<usize>>,
}

/// A piece whose area is within this share of its cell's is the whole cell.
const WHOLE_CELL: f64 = 1e-6;

impl PieceIndex {
    /// Indexes `pieces`, cut from `zones` by [`super::grid::pieces`] with the same cell size;
    /// `None` when the zones have no extent.
    ///
    /// # Errors
    /// [`GridError`] for a cell size the grid refuses.
    pub fn new(
        zones: &[MultiPolygon<f64>],
        cell_m: f64,
        pieces: &[Piece],
    ) -> Result<Option<Self>, GridError> {
        let Some(grid) = Grid::over(zones, cell_m, "grid cell size")? else {
            return Ok(None);
        };
        let cell_area = cell_m * cell_m;
        let mut by_cell: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
        let shapes = pieces
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                by_cell.entry((piece.row, piece.col)).or_default().push(i);
                match piece.area_m2 >= cell_area * (1.0 - WHOLE_CELL) {
                    true => PieceShape::Whole(grid.cell(piece.row, piece.col)),
                    false => PieceShape::Part(grid.to_metres(&piece.shape)),
                }
            })
            .collect();
        Ok(Some(Self {
            grid,
            shapes,
            by_cell,
        }))
    }

    /// A WGS84 lon/lat point in the grid's metres.
    fn to_metres(&self, point: Point<f64>) -> Coord<f64> {
        self.grid.projection.to_metres(point).into()
    }

    /// Each piece a convex ring (in metres) overlaps, with the share of the ring's area in it.
    fn convex_overlaps(&self, ring: &[Coord<f64>]) -> Vec<(usize, f64)> {
        let area = signed_area(ring);
        if area == 0.0 || !area.is_finite() {
            return Vec::new();
        }
        let counter_clockwise: Vec<Coord<f64>> = match area > 0.0 {
            true => ring.to_vec(),
            false => ring.iter().rev().copied().collect(),
        };
        let area = area.abs();
        let extent = bounds(ring);
        let mut overlaps = Vec::new();
        for (cell, pieces) in self.cells_meeting(extent) {
            let within_cell = contains_rect(cell, extent);
            for &i in pieces {
                let overlap = match &self.shapes[i] {
                    PieceShape::Whole(_) if within_cell => area,
                    PieceShape::Whole(rect) => {
                        signed_area(&clip_to_convex(ring, &rect_ring(*rect))).abs()
                    }
                    PieceShape::Part(shape) => shape
                        .0
                        .iter()
                        .map(|polygon| area_inside_convex(polygon, &counter_clockwise))
                        .sum(),
                };
                if overlap > 0.0 {
                    overlaps.push((i, overlap / area));
                }
            }
        }
        overlaps
    }

    /// Each piece an outline (in metres) overlaps, with the share of its area in it.
    fn outline_overlaps(&self, outline: &MultiPolygon<f64>) -> Vec<(usize, f64)> {
        let area = outline.unsigned_area();
        let Some(extent) = outline.bounding_rect().filter(|_| area > 0.0) else {
            return Vec::new();
        };
        let mut overlaps = Vec::new();
        for (_, pieces) in self.cells_meeting(extent) {
            for &i in pieces {
                let overlap = match &self.shapes[i] {
                    PieceShape::Whole(rect) => outline
                        .0
                        .iter()
                        .map(|polygon| area_inside_convex(polygon, &rect_ring(*rect)))
                        .sum(),
                    PieceShape::Part(shape) => shape.intersection(outline).unsigned_area(),
                };
                if overlap > 0.0 {
                    overlaps.push((i, overlap / area));
                }
            }
        }
        overlaps
    }

    /// The piece holding a point (in metres), if any.
    fn piece_at(&self, at: Coord<f64>) -> Option<usize> {
        let index = |v: f64| (v / self.grid.cell_m).floor() as i64;
        let pieces = self.by_cell.get(&(index(at.y), index(at.x)))?;
        pieces.iter().copied().find(|&i| match &self.shapes[i] {
            PieceShape::Whole(_) => true,
            PieceShape::Part(shape) => shape.contains(&Point::from(at)),
        })
    }

    /// The grid cells meeting `extent` that hold pieces, with their pieces, row by row.
    fn cells_meeting(&self, extent: Rect<f64>) -> Vec<(Rect<f64>, &[usize])> {
        let (rows, cols) = self.grid.span(extent);
        let mut cells = Vec::new();
        for row in rows {
            for col in cols.clone() {
                if let Some(pieces) = self.by_cell.get(&(row, col)) {
                    cells.push((self.grid.cell(row, col), pieces.as_slice()));
                }
            }
        }
        cells
    }
}

/// Population rasters read together, cell for cell.
pub enum RasterSet {
    /// Everyone per cell, and the share without local hukou when given. Without a share both
    /// groups are weighted by everyone.
    Everyone {
        /// Residents per cell.
        people: PopulationRaster,
        /// Share without local hukou per cell.
        non_hukou_share: Option<PopulationRaster>,
    },
    /// One raster per group.
    ByGroup {
        /// Registered residents per cell.
        hukou: PopulationRaster,
        /// Non-hukou residents per cell.
        non_hukou: PopulationRaster,
    },
}

impl RasterSet {
    /// The raster whose cells the others share.
    fn first(&self) -> &PopulationRaster {
        match self {
            RasterSet::Everyone { people, .. } => people,
            RasterSet::ByGroup { hukou, .. } => hukou,
        }
    }

    /// The second raster and what its cells mean, if any.
    fn second(&self) -> Option<(&PopulationRaster, CellMeaning)> {
        match self {
            RasterSet::Everyone {
                non_hukou_share, ..
            } => non_hukou_share.as_ref().map(|r| (r, CellMeaning::Share)),
            RasterSet::ByGroup { non_hukou, .. } => Some((non_hukou, CellMeaning::People)),
        }
    }

    /// Checks that every raster has the first one's cells.
    ///
    /// # Errors
    /// [`InputError::Map`] naming the raster that differs.
    pub fn check_grids(&self) -> Result<(), InputError> {
        match self.second() {
            Some((second, _)) => self.first().check_same_grid(second),
            None => Ok(()),
        }
    }

    fn kind(&self) -> SetKind {
        match self {
            RasterSet::Everyone {
                non_hukou_share: None,
                ..
            } => SetKind::Everyone,
            RasterSet::Everyone { .. } => SetKind::EveryoneWithShare,
            RasterSet::ByGroup { .. } => SetKind::ByGroup,
        }
    }
}

/// Which rasters a [`RasterSet`] holds, which decides how a cell's values become weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetKind {
    Everyone,
    EveryoneWithShare,
    ByGroup,
}

impl SetKind {
    /// The weight of one cell from its two values, or `None` when it holds nobody.
    ///
    /// # Errors
    /// The problem in words when people live in a cell whose share is missing.
    fn cell_weight(
        self,
        first: Option<f64>,
        second: Option<f64>,
    ) -> Result<Option<GroupWeight>, &'static str> {
        let people = first.filter(|v| *v > 0.0);
        Ok(match self {
            SetKind::Everyone => people.map(GroupWeight::both),
            SetKind::EveryoneWithShare => match (people, second) {
                (None, _) => None,
                (Some(_), None) => {
                    return Err("has no share for a cell where the population raster puts people")
                }
                (Some(people), Some(share)) => Some(GroupWeight {
                    hukou: people * (1.0 - share),
                    non_hukou: people * share,
                }),
            },
            SetKind::ByGroup => {
                let weight = GroupWeight {
                    hukou: first.unwrap_or(0.0),
                    non_hukou: second.unwrap_or(0.0),
                };
                (weight.hukou > 0.0 || weight.non_hukou > 0.0).then_some(weight)
            }
        })
    }
}

/// What a raster tally read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RasterRead {
    /// Cells read (the window over the planned zones).
    pub cells: usize,
    /// Columns and rows of the whole raster.
    pub size: (usize, usize),
}

/// The people of the rasters in each piece of `index`, reading the cells over `extent`
/// (WGS84) a strip of rows at a time.
///
/// # Errors
/// [`InputError::Map`] naming the raster: a raster that does not reach the planned zones, a
/// read that fails, a value out of range (with its row and column), or people in a cell
/// without a share.
pub fn tally_rasters(
    index: &PieceIndex,
    rasters: &RasterSet,
    extent: Rect<f64>,
) -> Result<(Vec<GroupWeight>, RasterRead), InputError> {
    let first = rasters.first();
    let Some(window) = first.window(extent)? else {
        return Err(InputError::Map {
            path: first.path().to_path_buf(),
            problem:
                "does not reach the planned zones: is its CRS declared, and is it the right city?"
                    .into(),
        });
    };
    let mut weights = vec![GroupWeight::default(); index.shapes.len()];
    let mut start = window.rows.start;
    while start < window.rows.end {
        let rows = start..(start + STRIP_ROWS).min(window.rows.end);
        for (piece, weight) in strip_weights(index, rasters, &window, rows.clone())? {
            weights[piece].add(weight);
        }
        start = rows.end;
    }
    let read = RasterRead {
        cells: window.width() * window.rows.len(),
        size: first.size(),
    };
    Ok((weights, read))
}

/// The weights one strip of rows adds to the pieces, in row and column order (so that sums
/// come out the same on every run, however the rows are shared among threads).
fn strip_weights(
    index: &PieceIndex,
    rasters: &RasterSet,
    window: &Window,
    rows: Range<usize>,
) -> Result<Vec<(usize, GroupWeight)>, InputError> {
    let first = rasters
        .first()
        .read(window, rows.clone(), CellMeaning::People)?;
    let second = match rasters.second() {
        Some((raster, meaning)) => Some(raster.read(window, rows.clone(), meaning)?),
        None => None,
    };
    let corners: Vec<Coord<f64>> = rasters
        .first()
        .corners(window, rows.clone())?
        .into_par_iter()
        .map(|p| index.to_metres(p))
        .collect();
    let width = window.width();
    // Rasters hold GDAL handles, which threads may not share: the rows only need the rule
    // for a cell's weight and the file to blame.
    let blamed = rasters.second().map_or(rasters.first(), |s| s.0).path();
    let kind = rasters.kind();
    let per_row: Vec<Result<Vec<(usize, GroupWeight)>, InputError>> = (0..rows.len())
        .into_par_iter()
        .map(|r| {
            let mut found = Vec::new();
            for c in 0..width {
                let k = r * width + c;
                let weight = kind
                    .cell_weight(first[k], second.as_ref().and_then(|s| s[k]))
                    .map_err(|problem| InputError::Map {
                        path: blamed.to_path_buf(),
                        problem: format!(
                            "{problem} (row {}, column {})",
                            rows.start + r + 1,
                            window.columns.start + c + 1
                        ),
                    })?;
                let Some(weight) = weight else {
                    continue;
                };
                let top = r * (width + 1) + c;
                let bottom = top + width + 1;
                let quad = [
                    corners[top],
                    corners[top + 1],
                    corners[bottom + 1],
                    corners[bottom],
                ];
                for (piece, share) in index.convex_overlaps(&quad) {
                    found.push((piece, weight.scaled(share)));
                }
            }
            Ok(found)
        })
        .collect();
    let mut all = Vec::new();
    for row in per_row {
        all.extend(row?);
    }
    Ok(all)
}

/// The weight of the buildings in each piece of `index`: a building's weight is shared among
/// the pieces its outline overlaps by area; a point's goes to the piece holding it. Buildings
/// outside every piece add nothing.
pub fn tally_buildings(index: &PieceIndex, buildings: &[Building]) -> Vec<f64> {
    let per_building: Vec<Vec<(usize, f64)>> = buildings
        .par_iter()
        .map(|building| match &building.footprint {
            Footprint::Outline(outline) => {
                let local = index.grid.to_metres(outline);
                let total = match building.weight {
                    Weight::Given(weight) => weight,
                    Weight::Floors(floors) => floors * local.unsigned_area(),
                };
                index
                    .outline_overlaps(&local)
                    .into_iter()
                    .map(|(piece, share)| (piece, total * share))
                    .collect()
            }
            Footprint::Point(at) => {
                let weight = match building.weight {
                    Weight::Given(weight) | Weight::Floors(weight) => weight,
                };
                index
                    .piece_at(index.to_metres(*at))
                    .map(|piece| vec![(piece, weight)])
                    .unwrap_or_default()
            }
        })
        .collect();
    let mut weights = vec![0.0; index.shapes.len()];
    for (piece, weight) in per_building.into_iter().flatten() {
        weights[piece] += weight;
    }
    weights
}

/// The area of an open ring, positive when counter-clockwise (shoelace).
fn signed_area(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum::<f64>()
        / 2.0
}

/// The part of the open ring `subject` (any simple ring) inside the convex, counter-clockwise
/// open ring `clip` (Sutherland–Hodgman). For a concave subject the result may run along the
/// clip's edges twice; its area is still that of the overlap.
fn clip_to_convex(subject: &[Coord<f64>], clip: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let mut output = subject.to_vec();
    for i in 0..clip.len() {
        let (a, b) = (clip[i], clip[(i + 1) % clip.len()]);
        let input = std::mem::take(&mut output);
        let Some(&last) = input.last() else {
            break;
        };
        let inside = |p: Coord<f64>| cross(b - a, p - a) >= 0.0;
        let mut previous = last;
        for &current in &input {
            match (inside(previous), inside(current)) {
                (true, true) => output.push(current),
                (true, false) => output.push(crossing(previous, current, a, b)),
                (false, true) => {
                    output.push(crossing(previous, current, a, b));
                    output.push(current);
                }
                (false, false) => {}
            }
            previous = current;
        }
    }
    output
}

/// The area of a polygon (holes taken out) inside a convex counter-clockwise open ring.
fn area_inside_convex(polygon: &Polygon<f64>, clip: &[Coord<f64>]) -> f64 {
    let inside = |ring: &geo::LineString<f64>| {
        let open = open_ring(ring);
        signed_area(&clip_to_convex(open, clip)).abs()
    };
    let holes: f64 = polygon.interiors().iter().map(inside).sum();
    (inside(polygon.exterior()) - holes).max(0.0)
}

/// A ring's coordinates without the closing repeat of the first.
fn open_ring(ring: &geo::LineString<f64>) -> &[Coord<f64>] {
    let coords = ring.0.as_slice();
    match coords.len() > 1 && coords.first() == coords.last() {
        true => &coords[..coords.len() - 1],
        false => coords,
    }
}

/// Where segment p→q crosses the line through a and b.
fn crossing(p: Coord<f64>, q: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
    let (d, e) = (q - p, b - a);
    let t = cross(e, a - p) / cross(e, d);
    p + d * t
}

fn cross(u: Coord<f64>, v: Coord<f64>) -> f64 {
    u.x * v.y - u.y * v.x
}

/// A rectangle as a counter-clockwise open ring.
fn rect_ring(rect: Rect<f64>) -> [Coord<f64>; 4] {
    let (min, max) = (rect.min(), rect.max());
    [
        min,
        Coord { x: max.x, y: min.y },
        max,
        Coord { x: min.x, y: max.y },
    ]
}

/// The bounding box of some points.
fn bounds(points: &[Coord<f64>]) -> Rect<f64> {
    let fold = |pick: fn(&Coord<f64>) -> f64, f: fn(f64, f64) -> f64, start: f64| {
        points.iter().map(pick).fold(start, f)
    };
    Rect::new(
        Coord {
            x: fold(|c| c.x, f64::min, f64::INFINITY),
            y: fold(|c| c.y, f64::min, f64::INFINITY),
        },
        Coord {
            x: fold(|c| c.x, f64::max, f64::NEG_INFINITY),
            y: fold(|c| c.y, f64::max, f64::NEG_INFINITY),
        },
    )
}

/// Whether `outer` holds all of `inner`.
fn contains_rect(outer: Rect<f64>, inner: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x
        && outer.min().y <= inner.min().y
        && inner.max().x <= outer.max().x
        && inner.max().y <= outer.max().y
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, LineString};

    fn ring(points: &[(f64, f64)]) -> Vec<Coord<f64>> {
        points.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    #[test]
    fn a_square_clipped_by_a_shifted_square_keeps_the_overlap() {
        let unit = ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]);
        let shifted = ring(&[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 1.5)]);
        assert!((signed_area(&clip_to_convex(&unit, &shifted)) - 0.25).abs() < 1e-12);
        let apart = ring(&[(2.0, 0.0), (3.0, 0.0), (3.0, 1.0), (2.0, 1.0)]);
        assert_eq!(signed_area(&clip_to_convex(&unit, &apart)), 0.0);
    }

    #[test]
    fn a_concave_outline_inside_a_rectangle_keeps_its_own_area() {
        // An L of three unit squares, and a rectangle cutting off the L's top square's half.
        let l_shape = polygon![
            (x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0),
            (x: 1.0, y: 2.0), (x: 0.0, y: 2.0), (x: 0.0, y: 0.0),
        ];
        let cut = rect_ring(Rect::new((0.0, 0.0), (2.0, 1.5)));
        assert!((area_inside_convex(&l_shape, &cut) - 2.5).abs() < 1e-12);
        let holed = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (4.0, 0.0),
                (4.0, 4.0),
                (0.0, 4.0),
                (0.0, 0.0),
            ]),
            vec![LineString::from(vec![
                (1.0, 1.0),
                (3.0, 1.0),
                (3.0, 3.0),
                (1.0, 3.0),
                (1.0, 1.0),
            ])],
        );
        let left = rect_ring(Rect::new((0.0, 0.0), (2.0, 4.0)));
        assert!((area_inside_convex(&holed, &left) - 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_cell_is_shared_between_zones_by_area() {
        let origin = crate::model::projection::LocalProjection::centred_on(Point::new(0.0, 0.0));
        let square = |x0: f64, x1: f64| {
            let at = |x: f64, y: f64| origin.to_degrees(Point::new(x, y));
            MultiPolygon::new(vec![Polygon::new(
                LineString::from(vec![
                    at(x0, 0.0),
                    at(x1, 0.0),
                    at(x1, 1000.0),
                    at(x0, 1000.0),
                    at(x0, 0.0),
                ]),
                vec![],
            )])
        };
        let zones = [square(0.0, 1000.0), square(1000.0, 2000.0)];
        let pieces = super::super::grid::pieces(&zones, 1000.0).unwrap();
        let index = PieceIndex::new(&zones, 1000.0, &pieces).unwrap().unwrap();
        // A quad from 900 m to 1300 m east in the grid's metres (centred on the zones).
        let (x0, x1) = (900.0 - 1000.0, 1300.0 - 1000.0);
        let quad = ring(&[(x0, -500.0), (x1, -500.0), (x1, 500.0), (x0, 500.0)]);
        let mut by_zone = [0.0; 2];
        for (piece, share) in index.convex_overlaps(&quad) {
            by_zone[pieces[piece].zone] += share;
        }
        assert!((by_zone[0] - 0.25).abs() < 1e-9 && (by_zone[1] - 0.75).abs() < 1e-9);
        let building = Building {
            footprint: Footprint::Outline(square(900.0, 1300.0)),
            weight: Weight::Given(8.0),
        };
        let weights = tally_buildings(&index, &[building]);
        let in_zone = |zone: usize| -> f64 {
            (0..pieces.len())
                .filter(|&i| pieces[i].zone == zone)
                .map(|i| weights[i])
                .sum()
        };
        assert!((in_zone(0) - 2.0).abs() < 1e-6 && (in_zone(1) - 6.0).abs() < 1e-6);
    }
}
