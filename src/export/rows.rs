//! The rows every output format is written from: a geometry (rounded WGS84 lon/lat, or none
//! for a plain table) and typed, named attribute values in a fixed column order.
//!
//! The GeoJSON, CSV and GeoPackage writers all read these rows, so a column is defined once.

use serde_json::{json, Value};

/// One feature or table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Where it is; `None` for a row of a table without coordinates.
    pub geometry: Option<Shape>,
    /// Column name and value, in column order.
    pub properties: Vec<(&'static str, Cell)>,
}

/// The geometries the layers use, as lon/lat.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A site or a demand point.
    Point([f64; 2]),
    /// An allocation: from a demand point to its site.
    Line([f64; 2], [f64; 2]),
    /// A district: polygons, each a list of closed rings (exterior first).
    Area(Vec<Vec<Vec<[f64; 2]>>>),
}

impl Shape {
    /// The shape as a GeoJSON geometry.
    pub fn to_geojson(&self) -> geojson::Geometry {
        match self {
            Shape::Point(p) => geojson::Geometry::new_point(*p),
            Shape::Line(a, b) => geojson::Geometry::new_line_string([*a, *b]),
            Shape::Area(polygons) => geojson::Geometry::new_multi_polygon(polygons.clone()),
        }
    }
}

/// One attribute value, typed so that each format stores it as the right kind (a GeoPackage
/// column of reals stays real even when every value in it is missing).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, or missing.
    Text(Option<String>),
    /// A whole number (residents), or missing.
    Integer(Option<i64>),
    /// A real number, or missing.
    Real(Option<f64>),
}

impl Cell {
    /// Text from anything that reads as text.
    pub fn text(value: impl Into<String>) -> Self {
        Cell::Text(Some(value.into()))
    }

    /// A count of people; a count beyond `i64` (impossible in practice) is stored as missing
    /// rather than wrapped.
    pub fn count(value: u64) -> Self {
        Cell::Integer(i64::try_from(value).ok())
    }

    /// A real number that is always present.
    pub fn real(value: f64) -> Self {
        Cell::Real(Some(value))
    }

    /// The value as JSON: missing values are `null`.
    pub fn to_json(&self) -> Value {
        match self {
            Cell::Text(text) => json!(text),
            Cell::Integer(value) => json!(value),
            Cell::Real(value) => json!(value),
        }
    }

    /// The value as a CSV cell in the GeoJSON's spelling (`60.0` for a real): the plan's
    /// tables repeat the layers' values exactly.
    pub fn json_text(&self) -> String {
        match self.to_json() {
            Value::Null => String::new(),
            Value::String(text) => text,
            other => other.to_string(),
        }
    }

    /// The value as a CSV cell in Rust's shortest spelling (`60` for a real), as `defacto
    /// solve`'s tables have always been written.
    pub fn plain_text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone().unwrap_or_default(),
            Cell::Integer(value) => value.map(|v| v.to_string()).unwrap_or_default(),
            Cell::Real(value) => value.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

/// The kind of geometry every row of a layer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    /// [`Shape::Point`].
    Point,
    /// [`Shape::Line`].
    Line,
    /// [`Shape::Area`].
    Area,
}

/// A named set of rows written as one GeoJSON file, CSV table or GeoPackage layer.
#[derive(Debug, Clone)]
pub struct Layer {
    /// File stem and GeoPackage table name.
    pub name: &'static str,
    /// The geometry of its rows; `None` for a table without coordinates.
    pub geometry: Option<GeometryKind>,
    /// Its rows.
    pub rows: Vec<Row>,
    /// The QGIS style (QML) QGIS applies on opening; `None` for a table without geometry.
    pub style: Option<&'static str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_keep_their_spelling_in_each_format() {
        let cell = Cell::real(60.0);
        assert_eq!(cell.json_text(), "60.0");
        assert_eq!(cell.plain_text(), "60");
        assert_eq!(Cell::Real(None).json_text(), "");
        assert_eq!(Cell::count(400).to_json(), json!(400));
        assert_eq!(Cell::Text(None).to_json(), Value::Null);
    }
}
