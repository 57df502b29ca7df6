//! Population rasters: people (or a share of them) per cell, in a GeoTIFF or any raster GDAL
//! reads, in any coordinate reference system.
//!
//! Only the window of cells that can meet the planned zones is read, a strip of rows at a
//! time, so memory stays bounded whatever the raster's size. Errors name the file, and for a
//! bad value the cell's row and column (from 1, counted from the raster's top left).

use super::ogr::{from_wgs84, open, to_wgs84};
use super::InputError;
use gdal::spatial_ref::CoordTransform;
use gdal::Dataset;
use geo::{Point, Rect};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What a raster's cells hold, which decides the values they may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellMeaning {
    /// A count of people: 0 or more.
    People,
    /// A share of the residents: 0 to 1.
    Share,
}

/// An open raster of people per cell, band 1.
pub struct PopulationRaster {
    path: PathBuf,
    dataset: Dataset,
    /// GDAL's affine geotransform: x = g0 + col·g1 + row·g2, y = g3 + col·g4 + row·g5.
    geo: [f64; 6],
    columns: usize,
    rows: usize,
    nodata: Option<f64>,
    /// From the raster's CRS to WGS84 lon/lat; `None` when it is WGS84 or has no CRS.
    to_wgs84: Option<CoordTransform>,
    /// The other way, for finding the window that covers the zones.
    from_wgs84: Option<CoordTransform>,
}

/// The cells of a raster that can meet an area: columns and rows from the top left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// Columns of the window.
    pub columns: Range<usize>,
    /// Rows of the window.
    pub rows: Range<usize>,
}

impl Window {
    /// Cells across the window.
    pub fn width(&self) -> usize {
        self.columns.len()
    }
}

impl PopulationRaster {
    /// Opens the raster and reads how its cells lie on the Earth.
    ///
    /// # Errors
    /// [`InputError::Map`] for a missing or unreadable file, a raster without bands or
    /// geotransform, or a CRS that cannot be turned into WGS84.
    pub fn open(path: &Path) -> Result<Self, InputError> {
        let whole_file = |problem: String| InputError::Map {
            path: path.to_path_buf(),
            problem,
        };
        let dataset = open(path)?;
        if dataset.raster_count() == 0 {
            return Err(whole_file("holds no raster band".into()));
        }
        let geo = dataset.geo_transform().map_err(|_| {
            whole_file("has no geotransform: GDAL cannot tell where its cells are".into())
        })?;
        let nodata = dataset
            .rasterband(1)
            .map_err(|e| whole_file(e.to_string()))?
            .no_data_value();
        let (columns, rows) = dataset.raster_size();
        let to_wgs84 = to_wgs84(dataset.spatial_ref().ok()).map_err(whole_file)?;
        let from_wgs84 = from_wgs84(dataset.spatial_ref().ok()).map_err(whole_file)?;
        Ok(Self {
            path: path.to_path_buf(),
            dataset,
            geo,
            columns,
            rows,
            nodata,
            to_wgs84,
            from_wgs84,
        })
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Columns and rows of cells.
    pub fn size(&self) -> (usize, usize) {
        (self.columns, self.rows)
    }

    /// Checks that `other` has the same cells as this raster, which rasters read together
    /// (a share, or the second group) must have.
    ///
    /// # Errors
    /// [`InputError::Map`] naming `other` when its size or geotransform differs.
    pub fn check_same_grid(&self, other: &Self) -> Result<(), InputError> {
        let same_transform = self
            .geo
            .iter()
            .zip(&other.geo)
            .all(|(a, b)| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0));
        if self.size() == other.size() && same_transform {
            return Ok(());
        }
        Err(InputError::Map {
            path: other.path.clone(),
            problem: format!(
                "must have the same cells as {} ({} × {} cells, geotransform {:?}); it has {} × {}, geotransform {:?}",
                super::file_name(&self.path),
                self.columns,
                self.rows,
                self.geo,
                other.columns,
                other.rows,
                other.geo
            ),
        })
    }

    /// The cells that can meet `extent` (WGS84 lon/lat), or `None` when the raster does not
    /// reach it.
    ///
    /// # Errors
    /// [`InputError::Map`] when the extent cannot be expressed in the raster's CRS.
    pub fn window(&self, extent: Rect<f64>) -> Result<Option<Window>, InputError> {
        let bounds = [
            extent.min().x,
            extent.min().y,
            extent.max().x,
            extent.max().y,
        ];
        let [x0, y0, x1, y1] = match &self.from_wgs84 {
            Some(transform) => transform.transform_bounds(&bounds, 21).map_err(|e| {
                self.error(format!(
                    "the planned zones cannot be located in its CRS: {e}"
                ))
            })?,
            None => bounds,
        };
        let Some(inverse) = invert(self.geo) else {
            return Err(self.error("has a geotransform that cannot be inverted".into()));
        };
        let corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)].map(|(x, y)| apply(inverse, x, y));
        let span = |pick: fn(&(f64, f64)) -> f64, limit: usize| {
            let low = corners.iter().map(pick).fold(f64::INFINITY, f64::min);
            let high = corners.iter().map(pick).fold(f64::NEG_INFINITY, f64::max);
            let start = low.floor().max(0.0).min(limit as f64) as usize;
            let end = high.ceil().max(0.0).min(limit as f64) as usize;
            start..end
        };
        let window = Window {
            columns: span(|c| c.0, self.columns),
            rows: span(|c| c.1, self.rows),
        };
        Ok((!window.columns.is_empty() && !window.rows.is_empty()).then_some(window))
    }

    /// The values of `rows` of the window, row by row, with `None` for cells without data
    /// (the band's nodata value, or not a number).
    ///
    /// # Errors
    /// [`InputError::Map`] for a read that fails, or a value that `meaning` does not allow,
    /// naming its row and column.
    pub fn read(
        &self,
        window: &Window,
        rows: Range<usize>,
        meaning: CellMeaning,
    ) -> Result<Vec<Option<f64>>, InputError> {
        let band = self
            .dataset
            .rasterband(1)
            .map_err(|e| self.error(e.to_string()))?;
        let shape = (window.width(), rows.len());
        let buffer = band
            .read_as::<f64>(
                (window.columns.start as isize, rows.start as isize),
                shape,
                shape,
                None,
            )
            .map_err(|e| self.error(format!("cannot read rows {rows:?}: {e}")))?;
        let values = buffer.data();
        let mut cells = Vec::with_capacity(values.len());
        for (k, &value) in values.iter().enumerate() {
            let empty = value.is_nan() || self.nodata.is_some_and(|nodata| value == nodata);
            if empty {
                cells.push(None);
                continue;
            }
            let allowed = match meaning {
                CellMeaning::People => value.is_finite() && value >= 0.0,
                CellMeaning::Share => (0.0..=1.0).contains(&value),
            };
            if !allowed {
                let (row, column) = (
                    rows.start + k / window.width(),
                    window.columns.start + k % window.width(),
                );
                let must = match meaning {
                    CellMeaning::People => "a count of people must be 0 or more",
                    CellMeaning::Share => "a share must be from 0 to 1",
                };
                return Err(self.error(format!(
                    "the cell at row {}, column {} holds {value}: {must} (or the band's nodata value)",
                    row + 1,
                    column + 1
                )));
            }
            cells.push(Some(value));
        }
        Ok(cells)
    }

    /// WGS84 lon/lat of the cell corners of `rows` of the window: `rows.len() + 1` lines of
    /// `width + 1` corners, from the top left.
    ///
    /// # Errors
    /// [`InputError::Map`] when the corners cannot be turned into WGS84.
    pub fn corners(
        &self,
        window: &Window,
        rows: Range<usize>,
    ) -> Result<Vec<Point<f64>>, InputError> {
        let mut xs = Vec::with_capacity((rows.len() + 1) * (window.width() + 1));
        let mut ys = Vec::with_capacity(xs.capacity());
        for row in rows.start..=rows.end {
            for column in window.columns.start..=window.columns.end {
                let (x, y) = apply(self.geo, column as f64, row as f64);
                xs.push(x);
                ys.push(y);
            }
        }
        if let Some(transform) = &self.to_wgs84 {
            transform
                .transform_coords(&mut xs, &mut ys, &mut [])
                .map_err(|e| self.error(format!("its cells cannot be turned into WGS84: {e}")))?;
        }
        Ok(xs
            .into_iter()
            .zip(ys)
            .map(|(x, y)| Point::new(x, y))
            .collect())
    }

    fn error(&self, problem: String) -> InputError {
        InputError::Map {
            path: self.path.clone(),
            problem,
        }
    }
}

/// The affine map `geo` applied to (column, row), or to (x, y) for an inverse.
fn apply(geo: [f64; 6], a: f64, b: f64) -> (f64, f64) {
    (
        geo[0] + a * geo[1] + b * geo[2],
        geo[3] + a * geo[4] + b * geo[5],
    )
}

/// The inverse of an affine geotransform, `None` when it is singular.
fn invert(geo: [f64; 6]) -> Option<[f64; 6]> {
    let det = geo[1] * geo[5] - geo[2] * geo[4];
    if det == 0.0 || !det.is_finite() {
        return None;
    }
    let (a, b, c, d) = (geo[5] / det, -geo[2] / det, -geo[4] / det, geo[1] / det);
    Some([
        -(a * geo[0] + b * geo[3]),
        a,
        b,
        -(c * geo[0] + d * geo[3]),
        c,
        d,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inverse_undoes_a_rotated_geotransform() {
        let geo = [500_000.0, 100.0, 3.0, 4_000_000.0, -2.0, -100.0];
        let inverse = invert(geo).unwrap();
        for (column, row) in [(0.0, 0.0), (12.5, 7.0), (-3.0, 1000.0)] {
            let (x, y) = apply(geo, column, row);
            let (c, r) = apply(inverse, x, y);
            assert!((c - column).abs() < 1e-6 && (r - row).abs() < 1e-6);
        }
        assert_eq!(invert([0.0, 1.0, 2.0, 0.0, 2.0, 4.0]), None);
    }
}
