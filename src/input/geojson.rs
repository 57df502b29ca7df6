//! Zones (district or township polygons) and point features (facilities, sites) from
//! GeoJSON, or from Shapefiles and GeoPackages through GDAL (see [`super::ogr`]).
//!
//! Geometry is checked before use — rings closed, at least four positions, coordinates that
//! are longitudes and latitudes — and every error names the file, the feature (1-based, in
//! file order) and the field. Coordinates in the GCJ-02 datum of Chinese web maps are turned
//! into WGS84 on reading, so everything downstream is WGS84 (RFC 7946).

use super::InputError;
use geo::{Area, ConvexHull, Coord, LineString, MultiPolygon, Point, Polygon, Validation};
pub use geojson::JsonObject;
use geojson::{GeometryValue, JsonValue, Position};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The datum a file's coordinates are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Datum {
    /// WGS84 longitude/latitude, as GeoJSON (RFC 7946) requires.
    #[default]
    Wgs84,
    /// GCJ-02, the offset datum of maps published in mainland China (Gaode, Tencent, ECharts).
    Gcj02,
}

/// One feature's place in its file and its properties, for reading fields with errors that
/// say where.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The file.
    pub path: PathBuf,
    /// Position in the file's `features`, from 1.
    pub index: usize,
    /// ` (code)` once the feature's code or id is known, else empty; shown after the index.
    pub label: String,
    /// The feature's properties.
    pub properties: JsonObject,
}

impl Feature {
    /// The property as text: a string as it is, a number as written (whole numbers without a
    /// decimal point). `None` when absent, null or of another kind.
    pub fn text(&self, field: &str) -> Option<String> {
        match self.properties.get(field)? {
            JsonValue::String(text) => Some(text.clone()),
            JsonValue::Number(number) => Some(number_text(number)),
            _ => None,
        }
    }

    /// The property as a number (a JSON number or a string holding one); `None` when absent
    /// or null.
    ///
    /// # Errors
    /// [`InputError::Feature`] when the property holds something else.
    pub fn number(&self, field: &str) -> Result<Option<f64>, InputError> {
        let value = match self.properties.get(field) {
            None | Some(JsonValue::Null) => return Ok(None),
            Some(JsonValue::Number(n)) => n.as_f64(),
            Some(JsonValue::String(s)) => s.trim().parse::<f64>().ok(),
            Some(_) => None,
        };
        match value.filter(|v| v.is_finite()) {
            Some(v) => Ok(Some(v)),
            None => Err(self.error(
                field,
                format!("`{}` is not a number", self.properties[field]),
            )),
        }
    }

    /// Like [`Feature::number`], and the number must not be negative.
    ///
    /// # Errors
    /// [`InputError::Feature`] for a value that is not a number or is negative.
    pub fn non_negative(&self, field: &str) -> Result<Option<f64>, InputError> {
        match self.number(field)? {
            Some(v) if v < 0.0 => Err(self.error(field, format!("{v} must not be negative"))),
            value => Ok(value),
        }
    }

    /// An error about one field of this feature.
    pub fn error(&self, field: &str, problem: impl Into<String>) -> InputError {
        InputError::Feature {
            path: self.path.clone(),
            feature: self.index,
            label: self.label.clone(),
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// A number as a code is written: whole numbers without a decimal point, also when the file
/// wrote them as `101.0` (as spreadsheets and some GIS exports do), so that they match the
/// `101` of a population table.
fn number_text(number: &serde_json::Number) -> String {
    /// Beyond this a float no longer holds every whole number exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match number.as_f64() {
        Some(value) if number.is_f64() && value.fract() == 0.0 && value.abs() < EXACT => {
            format!("{value:.0}")
        }
        _ => number.to_string(),
    }
}

/// A zone (district, township, block) with its boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// Its code, unique in the file (the value of the code property).
    pub code: String,
    /// Its name for reports (the name property, or the code).
    pub name: String,
    /// Its boundary, WGS84 lon/lat.
    pub boundary: MultiPolygon<f64>,
    /// The feature it came from, for reading further properties.
    pub feature: Feature,
}

/// A point feature: an existing facility or a given candidate site.
#[derive(Debug, Clone, PartialEq)]
pub struct PointFeature {
    /// Its id, unique in the file.
    pub id: String,
    /// Where it is, WGS84 lon/lat.
    pub location: Point<f64>,
    /// The feature it came from, for reading further properties.
    pub feature: Feature,
}

/// Reads the zones of a GeoJSON FeatureCollection of Polygons and MultiPolygons (or of the
/// first layer of a Shapefile or GeoPackage).
///
/// # Errors
/// [`InputError`] naming the file, feature and field: a file that is not GeoJSON, a geometry
/// that is not a polygon or has an unclosed or too-short ring, a missing or repeated code.
pub fn read_zones(
    path: &Path,
    code_field: &str,
    name_field: Option<&str>,
    datum: Datum,
) -> Result<Vec<Zone>, InputError> {
    let features = read_features(path)?;
    let mut zones = Vec::with_capacity(features.len());
    let mut seen = BTreeMap::new();
    for (mut feature, geometry) in features {
        let code = unique_key(&mut feature, code_field, &mut seen)?;
        let boundary = boundary(&feature, geometry, datum)?;
        let name = name_field
            .and_then(|field| feature.text(field))
            .unwrap_or_else(|| code.clone());
        zones.push(Zone {
            code,
            name,
            boundary,
            feature,
        });
    }
    Ok(zones)
}

/// Reads the points of a GeoJSON FeatureCollection of Points (or of the first layer of a
/// Shapefile or GeoPackage), each with an id property.
///
/// # Errors
/// [`InputError`] naming the file, feature and field: a file that is not GeoJSON, a geometry
/// that is not a Point or not a longitude/latitude, a missing or repeated id.
pub fn read_points(
    path: &Path,
    id_field: &str,
    datum: Datum,
) -> Result<Vec<PointFeature>, InputError> {
    let features = read_features(path)?;
    let mut points = Vec::with_capacity(features.len());
    let mut seen = BTreeMap::new();
    for (mut feature, geometry) in features {
        let id = unique_key(&mut feature, id_field, &mut seen)?;
        let GeometryValue::Point { coordinates } = geometry else {
            return Err(feature.error(
                "geometry",
                format!("a site must be a Point, found {}", geometry.type_name()),
            ));
        };
        let location = coordinate(&coordinates, datum)
            .map_err(|problem| feature.error("geometry", problem))?;
        points.push(PointFeature {
            id,
            location: location.into(),
            feature,
        });
    }
    Ok(points)
}

/// Every feature of a FeatureCollection with its geometry; for a Shapefile or GeoPackage,
/// of its first layer, in WGS84.
pub(crate) fn read_features(path: &Path) -> Result<Vec<(Feature, GeometryValue)>, InputError> {
    if super::ogr::reads(path) {
        return super::ogr::read_features(path);
    }
    let text = super::read_text(path)?;
    let not_geojson = |message: String| InputError::Json {
        path: path.to_path_buf(),
        message,
    };
    // Windows tools write a byte-order mark before the JSON; it is not part of the data.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let json: JsonValue = serde_json::from_str(text).map_err(|e| not_geojson(e.to_string()))?;
    let Some(items) = json.get("features").and_then(JsonValue::as_array) else {
        return Err(not_geojson(
            "expected a FeatureCollection with a `features` list".into(),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let place = Feature {
                path: path.to_path_buf(),
                index: i + 1,
                label: String::new(),
                properties: JsonObject::new(),
            };
            let parsed = geojson::Feature::deserialize(item)
                .map_err(|e| place.error("geometry", e.to_string()))?;
            let Some(geometry) = parsed.geometry else {
                return Err(place.error("geometry", "missing: every feature needs a geometry"));
            };
            let feature = Feature {
                properties: parsed.properties.unwrap_or_default(),
                ..place
            };
            Ok((feature, geometry.value))
        })
        .collect()
}

/// The feature's code or id from `field`, which must be present and not used before in the
/// file. Sets the feature's label to it.
fn unique_key(
    feature: &mut Feature,
    field: &str,
    seen: &mut BTreeMap<String, usize>,
) -> Result<String, InputError> {
    let key = feature
        .text(field)
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| feature.error(field, "missing: each feature needs a text or number here"))?;
    if let Some(first) = seen.insert(key.clone(), feature.index) {
        return Err(feature.error(field, format!("`{key}` is already used by feature {first}")));
    }
    feature.label = format!(" ({key})");
    Ok(key)
}

/// A zone's boundary from a feature's geometry, which must be a Polygon or MultiPolygon
/// with every ring closed and long enough.
///
/// # Errors
/// [`InputError::Feature`] naming the feature and its `geometry`.
pub(crate) fn boundary(
    feature: &Feature,
    geometry: GeometryValue,
    datum: Datum,
) -> Result<MultiPolygon<f64>, InputError> {
    let polygons = match geometry {
        GeometryValue::Polygon { coordinates } => vec![polygon(feature, &coordinates, datum)?],
        GeometryValue::MultiPolygon { coordinates } => coordinates
            .iter()
            .map(|rings| polygon(feature, rings, datum))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(feature.error(
                "geometry",
                format!(
                    "a zone must be a Polygon or MultiPolygon, found {}",
                    other.type_name()
                ),
            ))
        }
    };
    for (k, polygon) in polygons.iter().enumerate() {
        check_shape(polygon).map_err(|problem| {
            let which = match polygons.len() {
                1 => "the polygon".to_string(),
                _ => format!("polygon {} of the MultiPolygon", k + 1),
            };
            feature.error("geometry", format!("{which} {problem}"))
        })?;
    }
    Ok(MultiPolygon::new(polygons))
}

/// Why a polygon cannot hold residents, if it cannot: no area (residents spread on it would
/// land on a line or a point), or rings that cross themselves or each other (its inside is
/// then not defined, and residents would be spread by a wrong area).
fn check_shape(polygon: &Polygon<f64>) -> Result<(), String> {
    // The hull first: a ring whose corners all lie on one line has no area, which says more
    // than the self-intersection its folding back makes.
    if polygon.convex_hull().unsigned_area() <= 0.0 {
        return Err("has zero area: its corners lie on one line or point".into());
    }
    match polygon.validation_errors().into_iter().next() {
        Some(invalid) => Err(format!(
            "is not a valid boundary: {invalid}; redraw it so that no ring crosses itself or \
             another (QGIS: Vector > Geometry Tools > Check Validity, or Fix Geometries)"
        )),
        None => Ok(()),
    }
}

/// A polygon from GeoJSON rings (exterior first), each checked to be closed and long enough.
fn polygon(
    feature: &Feature,
    rings: &[Vec<Position>],
    datum: Datum,
) -> Result<Polygon<f64>, InputError> {
    let mut lines = rings.iter().enumerate().map(|(r, ring)| {
        ring_line(ring, datum).map_err(|problem| {
            feature.error("geometry", format!("ring {} of a polygon {problem}", r + 1))
        })
    });
    let exterior = lines
        .next()
        .ok_or_else(|| feature.error("geometry", "a polygon has no rings"))??;
    Ok(Polygon::new(exterior, lines.collect::<Result<_, _>>()?))
}

fn ring_line(ring: &[Position], datum: Datum) -> Result<LineString<f64>, String> {
    if ring.len() < 4 {
        return Err(format!(
            "has {} positions; a closed ring needs at least 4",
            ring.len()
        ));
    }
    let (first, last) = (&ring[0], &ring[ring.len() - 1]);
    if first.as_slice() != last.as_slice() {
        return Err(format!(
            "is not closed: it starts at {:?} and ends at {:?}",
            first.as_slice(),
            last.as_slice()
        ));
    }
    let coords = ring
        .iter()
        .map(|position| {
            coordinate(position, datum).map_err(|problem| format!("has a bad position: {problem}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(LineString::new(coords))
}

/// A WGS84 coordinate from a GeoJSON position in `datum`.
pub(crate) fn coordinate(position: &Position, datum: Datum) -> Result<Coord<f64>, String> {
    let &[lon, lat, ..] = position.as_slice() else {
        return Err(format!(
            "{:?} needs a longitude and a latitude",
            position.as_slice()
        ));
    };
    if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
        return Err(format!(
            "[{lon}, {lat}] is not a longitude and latitude in degrees (projected coordinates? GeoJSON must be WGS84)"
        ));
    }
    let point = match datum {
        Datum::Wgs84 => Point::new(lon, lat),
        Datum::Gcj02 => gcj02_to_wgs84(Point::new(lon, lat)),
    };
    Ok(point.into())
}

/// Semi-major axis and eccentricity squared of the Krasovsky 1940 ellipsoid, which the
/// published GCJ-02 offset formula uses.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// WGS84 from GCJ-02 coordinates, by inverting the public forward formula with fixed-point
/// iteration (converges to well under a centimetre). Points outside mainland China's
/// bounding box carry no offset and are returned as they are.
pub fn gcj02_to_wgs84(gcj: Point<f64>) -> Point<f64> {
    if outside_china(gcj) {
        return gcj;
    }
    let mut wgs = gcj;
    for _ in 0..30 {
        let step = gcj - wgs84_to_gcj02(wgs);
        wgs += step;
        if step.x().abs() < 1e-12 && step.y().abs() < 1e-12 {
            break;
        }
    }
    wgs
}

/// GCJ-02 from WGS84 coordinates: the public forward formula.
pub fn wgs84_to_gcj02(wgs: Point<f64>) -> Point<f64> {
    use std::f64::consts::PI;
    if outside_china(wgs) {
        return wgs;
    }
    let (x, y) = (wgs.x() - 105.0, wgs.y() - 35.0);
    let ripple = |a: f64, b: f64| (a * (6.0 * x * PI).sin() + b * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    let lat_shift = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + ripple(20.0, 20.0)
        + (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let lon_shift = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + ripple(20.0, 20.0)
        + (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    let lat_rad = wgs.y().to_radians();
    let magic = 1.0 - KRASOVSKY_EE * lat_rad.sin().powi(2);
    let d_lat =
        lat_shift * 180.0 / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * magic.sqrt()) * PI);
    let d_lon = lon_shift * 180.0 / (KRASOVSKY_A / magic.sqrt() * lat_rad.cos() * PI);
    Point::new(wgs.x() + d_lon, wgs.y() + d_lat)
}

fn outside_china(p: Point<f64>) -> bool {
    !((72.004..=137.8347).contains(&p.x()) && (0.8293..=55.8271).contains(&p.y()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::projection::LocalProjection;

    /// Metres between two nearby points, on a projection true to scale around the first.
    fn metres_apart(a: Point<f64>, b: Point<f64>) -> f64 {
        let shift = LocalProjection::centred_on(a).to_metres(b);
        shift.x().hypot(shift.y())
    }

    #[test]
    fn gcj02_offsets_zhengzhou_by_a_few_hundred_metres_and_inverts_exactly() {
        let wgs = Point::new(113.625, 34.747);
        let gcj = wgs84_to_gcj02(wgs);
        let offset = metres_apart(wgs, gcj);
        assert!((100.0..700.0).contains(&offset), "{offset} m");
        let back = gcj02_to_wgs84(gcj);
        assert!(metres_apart(wgs, back) < 0.01);
    }

    #[test]
    fn places_outside_china_are_not_shifted() {
        let helsinki = Point::new(24.94, 60.17);
        assert_eq!(gcj02_to_wgs84(helsinki), helsinki);
    }

    #[test]
    fn whole_number_properties_read_as_text_without_a_decimal_point() {
        let mut properties = JsonObject::new();
        properties.insert("adcode".into(), 410103.into());
        properties.insert("capacity".into(), "1080".into());
        properties.insert("note".into(), true.into());
        let feature = Feature {
            path: "zones.geojson".into(),
            index: 3,
            label: String::new(),
            properties,
        };
        assert_eq!(feature.text("adcode").as_deref(), Some("410103"));
        assert_eq!(feature.number("capacity").unwrap(), Some(1080.0));
        assert_eq!(feature.number("missing").unwrap(), None);
        let message = feature.number("note").unwrap_err().to_string();
        assert_eq!(
            message,
            "zones.geojson, feature 3, field `note`: `true` is not a number"
        );
    }
}
