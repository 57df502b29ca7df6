//! Zones and points in Shapefiles (`.shp`) and GeoPackages (`.gpkg`, their first layer),
//! read through GDAL's vector library (OGR); and the GDAL opening and reprojection to WGS84
//! that population rasters share.
//!
//! Each feature becomes the same (properties, GeoJSON geometry) pair a GeoJSON file gives,
//! so the checks and the errors (file, feature from 1 in layer order, field) are the same
//! for every format. A layer in another coordinate reference system is reprojected to WGS84
//! lon/lat; a layer without one is taken to be lon/lat, which the coordinate checks test.

use super::geojson::{Feature, JsonObject};
use super::InputError;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{
    geometry_type_flatten, geometry_type_to_name, FieldValue, Geometry, LayerAccess,
    OGRwkbGeometryType,
};
use gdal::Dataset;
use geojson::{GeometryValue, JsonValue, Position};
use std::path::Path;

/// Whether `path` is read through GDAL: a Shapefile or a GeoPackage, by its extension.
pub fn reads(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("shp") || e.eq_ignore_ascii_case("gpkg"))
}

/// Every feature of the file's first layer with its geometry, in WGS84 lon/lat.
///
/// # Errors
/// [`InputError::Map`] for a file GDAL cannot open, without layers, or in a CRS that cannot
/// be turned into WGS84; [`InputError::Feature`] for a feature without a usable geometry.
pub fn read_features(path: &Path) -> Result<Vec<(Feature, GeometryValue)>, InputError> {
    let whole_file = |problem: String| InputError::Map {
        path: path.to_path_buf(),
        problem,
    };
    let dataset = open(path)?;
    let mut layer = dataset
        .layer(0)
        .map_err(|_| whole_file("has no layer".into()))?;
    let transform = to_wgs84(layer.spatial_ref()).map_err(whole_file)?;
    let mut features = Vec::new();
    for (i, source) in layer.features().enumerate() {
        let feature = Feature {
            path: path.to_path_buf(),
            index: i + 1,
            label: String::new(),
            properties: properties(&source),
        };
        let Some(geometry) = source.geometry() else {
            return Err(feature.error("geometry", "missing: every feature needs a geometry"));
        };
        let value = match &transform {
            Some(transform) => geometry
                .transform(transform)
                .map_err(|e| format!("cannot be reprojected to WGS84: {e}"))
                .and_then(|g| geometry_value(&g)),
            None => geometry_value(geometry),
        }
        .map_err(|problem| feature.error("geometry", problem))?;
        features.push((feature, value));
    }
    Ok(features)
}

/// Opens a file with GDAL (vector or raster).
///
/// # Errors
/// [`InputError::Io`] for a missing file, [`InputError::Map`] for one GDAL cannot open.
pub(super) fn open(path: &Path) -> Result<Dataset, InputError> {
    if !path.exists() {
        return Err(InputError::Io {
            path: path.to_path_buf(),
            source: std::io::ErrorKind::NotFound.into(),
        });
    }
    Dataset::open(path).map_err(|e| InputError::Map {
        path: path.to_path_buf(),
        problem: format!("GDAL cannot open it: {e}"),
    })
}

/// The transformation from a file's CRS to WGS84 lon/lat; `None` when the file is already
/// in WGS84 or declares no CRS.
pub(super) fn to_wgs84(source: Option<SpatialRef>) -> Result<Option<CoordTransform>, String> {
    with_wgs84(source, CoordTransform::new)
}

/// The transformation from WGS84 lon/lat to a file's CRS; `None` as for [`to_wgs84`].
pub(super) fn from_wgs84(source: Option<SpatialRef>) -> Result<Option<CoordTransform>, String> {
    with_wgs84(source, |source, wgs84| CoordTransform::new(wgs84, source))
}

/// `make` applied to the file's CRS and WGS84, both with longitude first whatever the CRS's
/// official axis order (as in GeoJSON); `None` when the CRS is WGS84 or absent.
fn with_wgs84(
    source: Option<SpatialRef>,
    make: impl Fn(&SpatialRef, &SpatialRef) -> gdal::errors::Result<CoordTransform>,
) -> Result<Option<CoordTransform>, String> {
    let Some(mut source) = source else {
        return Ok(None);
    };
    let mut wgs84 = SpatialRef::from_epsg(4326).map_err(|e| e.to_string())?;
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    if source == wgs84 {
        return Ok(None);
    }
    make(&source, &wgs84).map(Some).map_err(|e| {
        let name = source.name().unwrap_or_else(|| "without a name".into());
        format!("its coordinate reference system ({name}) cannot be turned into WGS84: {e}")
    })
}

/// The feature's fields as JSON properties: numbers as numbers, text as text, dates as
/// text, missing values as null.
fn properties(feature: &gdal::vector::Feature<'_>) -> JsonObject {
    feature
        .fields()
        .map(|(name, value)| (name, value.map_or(JsonValue::Null, json_value)))
        .collect()
}

fn json_value(value: FieldValue) -> JsonValue {
    let real = |r: f64| serde_json::Number::from_f64(r).map_or(JsonValue::Null, JsonValue::Number);
    match value {
        FieldValue::IntegerValue(i) => i.into(),
        FieldValue::Integer64Value(i) => i.into(),
        FieldValue::RealValue(r) => real(r),
        FieldValue::StringValue(s) => s.into(),
        FieldValue::IntegerListValue(list) => list.into(),
        FieldValue::Integer64ListValue(list) => list.into(),
        FieldValue::RealListValue(list) => list.into_iter().map(real).collect(),
        FieldValue::StringListValue(list) => list.into(),
        FieldValue::DateValue(date) => date.to_string().into(),
        FieldValue::DateTimeValue(time) => time.to_string().into(),
    }
}

/// The geometry as GeoJSON: points, lines and polygons, single or multiple.
fn geometry_value(geometry: &Geometry) -> Result<GeometryValue, String> {
    use OGRwkbGeometryType as Type;
    if geometry.is_empty() {
        return Err("is empty: every feature needs a geometry".into());
    }
    let kind = geometry_type_flatten(geometry.geometry_type());
    Ok(match kind {
        Type::wkbPoint => GeometryValue::Point {
            coordinates: positions(geometry)
                .into_iter()
                .next()
                .ok_or("is an empty point: every feature needs a geometry")?,
        },
        Type::wkbLineString => GeometryValue::LineString {
            coordinates: positions(geometry),
        },
        Type::wkbPolygon => GeometryValue::Polygon {
            coordinates: rings(geometry),
        },
        Type::wkbMultiLineString => GeometryValue::MultiLineString {
            coordinates: (0..geometry.geometry_count())
                .map(|k| positions(&geometry.get_geometry(k)))
                .collect(),
        },
        Type::wkbMultiPolygon => GeometryValue::MultiPolygon {
            coordinates: (0..geometry.geometry_count())
                .map(|k| rings(&geometry.get_geometry(k)))
                .collect(),
        },
        other => {
            return Err(format!(
                "a {} cannot be used: give points, lines or polygons",
                geometry_type_to_name(other)
            ))
        }
    })
}

/// The rings of a polygon, exterior first.
fn rings(polygon: &Geometry) -> Vec<Vec<Position>> {
    (0..polygon.geometry_count())
        .map(|k| positions(&polygon.get_geometry(k)))
        .collect()
}

/// The positions of a point, line or ring, lon/lat only (a height is dropped).
fn positions(geometry: &Geometry) -> Vec<Position> {
    let mut points = Vec::new();
    geometry.get_points(&mut points);
    points
        .into_iter()
        .map(|(x, y, _)| Position::from([x, y]))
        .collect()
}
