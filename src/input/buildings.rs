//! Buildings that say where inside its zone a zone's residents live (dasymetric mapping):
//! outlines or points, each with a weight — floor area, dwellings, or its footprint's area.

use super::geojson::{boundary, coordinate, read_features, Datum};
use super::osm::read_home_buildings;
use super::{file_name, InputError};
use geo::{MultiPolygon, Point};
use geojson::GeometryValue;
use std::path::Path;

/// Where a building stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Footprint {
    /// Its outline, WGS84 lon/lat: its weight is shared by area among the grid cells it
    /// covers.
    Outline(MultiPolygon<f64>),
    /// A point, WGS84 lon/lat: its weight goes to the grid cell that holds it.
    Point(Point<f64>),
}

/// How much a building weighs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Weight {
    /// The whole building's weight, as given.
    Given(f64),
    /// This many floors: the weight is the footprint's area in square metres times floors.
    Floors(f64),
}

/// One building with its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    /// Where it stands.
    pub footprint: Footprint,
    /// What it weighs.
    pub weight: Weight,
}

/// The buildings of a file, and how they were weighed in words for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Buildings {
    /// The buildings, in file order.
    pub items: Vec<Building>,
    /// How they were read and weighed, e.g. "the 300 buildings of b.gpkg, by `floor_area`".
    pub described: String,
}

/// Reads the buildings of `path`: an OpenStreetMap `.osm.pbf` (its closed ways tagged as
/// homes), or polygons and points in GeoJSON, a Shapefile or a GeoPackage, weighed by `field`
/// when given, else polygons by footprint area and points by 1 each.
///
/// # Errors
/// [`InputError`] naming the file, and for a feature its number and field: an unreadable
/// file, a geometry that is neither polygon nor point, a weight that is missing, negative or
/// not a number, or a file without buildings.
pub fn read_buildings(path: &Path, field: Option<&str>) -> Result<Buildings, InputError> {
    let is_osm = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pbf"));
    let buildings = match is_osm {
        true => from_osm(path)?,
        false => from_features(path, field)?,
    };
    if buildings.items.is_empty() {
        return Err(InputError::Map {
            path: path.to_path_buf(),
            problem: "holds no building to weigh where residents live".into(),
        });
    }
    Ok(buildings)
}

fn from_features(path: &Path, field: Option<&str>) -> Result<Buildings, InputError> {
    let mut items = Vec::new();
    for (feature, geometry) in read_features(path)? {
        let weight = match field {
            Some(field) => Some(Weight::Given(feature.non_negative(field)?.ok_or_else(
                || {
                    feature.error(
                        field,
                        "missing: give each building's weight, or leave `weight_field` out to weigh outlines by their area",
                    )
                },
            )?)),
            None => None,
        };
        let footprint = match geometry {
            GeometryValue::Point { coordinates } => Footprint::Point(
                coordinate(&coordinates, Datum::Wgs84)
                    .map_err(|problem| feature.error("geometry", problem))?
                    .into(),
            ),
            geometry @ (GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. }) => {
                Footprint::Outline(boundary(&feature, geometry, Datum::Wgs84)?)
            }
            other => {
                return Err(feature.error(
                    "geometry",
                    format!(
                        "a building must be a Polygon, MultiPolygon or Point, found {}",
                        other.type_name()
                    ),
                ))
            }
        };
        let weight = weight.unwrap_or(match footprint {
            Footprint::Outline(_) => Weight::Floors(1.0),
            Footprint::Point(_) => Weight::Given(1.0),
        });
        items.push(Building { footprint, weight });
    }
    let by = match field {
        Some(field) => format!("by `{field}`"),
        None => "outlines by their area, points 1 each".into(),
    };
    let described = format!(
        "the {} buildings of {} ({by})",
        items.len(),
        file_name(path)
    );
    Ok(Buildings { items, described })
}

/// OpenStreetMap homes weighed by floor area: footprint × `building:levels`, with the median
/// of the tagged buildings for those without the tag (1 when none is tagged).
fn from_osm(path: &Path) -> Result<Buildings, InputError> {
    let (homes, cut) = read_home_buildings(path)?;
    let mut tagged: Vec<f64> = homes.iter().filter_map(|h| h.levels).collect();
    tagged.sort_by(f64::total_cmp);
    let median = match tagged.len() {
        0 => 1.0,
        n if n % 2 == 1 => tagged[n / 2],
        n => (tagged[n / 2 - 1] + tagged[n / 2]) / 2.0,
    };
    let untagged = homes.len() - tagged.len();
    let items = homes
        .into_iter()
        .map(|home| Building {
            weight: Weight::Floors(home.levels.unwrap_or(median)),
            footprint: Footprint::Outline(MultiPolygon::new(vec![home.outline])),
        })
        .collect::<Vec<_>>();
    let cut_out = match cut {
        0 => String::new(),
        _ => format!("; {cut} cut by the extract's edge left out"),
    };
    let described = format!(
        "the {} residential buildings of {} (OpenStreetMap `building` = {}; footprint area × `building:levels`, {untagged} without levels counted with the median of the others, {median} levels{cut_out})",
        items.len(),
        file_name(path),
        super::osm::HOME_BUILDINGS.join(", ")
    );
    Ok(Buildings { items, described })
}
