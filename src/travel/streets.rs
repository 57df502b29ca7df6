//! Reading streets for a travel profile from an OpenStreetMap `.osm.pbf` extract or from
//! GeoJSON LineStrings with OSM-style properties (`highway`, `oneway`, `maxspeed`, `access`,
//! `foot`).
//!
//! Which ways a profile may use and at what speed follows common OSM routing practice:
//! pedestrians use every way but motorways and trunk roads, both ways; cars use roads at a
//! speed by road class (or the way's `maxspeed`), respecting one-way streets.

use super::network::{Direction, Street, WALK_KMH};
use crate::input::geojson::{Feature, JsonObject};
use crate::input::osm::{node_locations, osm_error};
use crate::input::scenario::Profile;
use crate::input::InputError;
use geo::Point;
use geojson::GeometryValue;
use osmpbf::{Element, ElementReader};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Reads the streets of `path` — `.pbf` as OpenStreetMap, anything else as GeoJSON.
///
/// # Errors
/// [`InputError`] naming the file (and for GeoJSON the feature and field) when it cannot be
/// read.
pub fn read_streets(path: &Path, profile: Profile) -> Result<Vec<Street>, InputError> {
    let is_pbf = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pbf"));
    let streets = match is_pbf {
        true => read_osm(path, profile)?,
        false => read_lines(path, profile)?,
    };
    if streets.is_empty() {
        return Err(InputError::Map {
            path: path.to_path_buf(),
            problem: format!("holds no street the {} profile may use", profile.name()),
        });
    }
    Ok(streets)
}

/// How a way with these tags is travelled, or `None` when the profile may not use it.
fn travel(profile: Profile, tag: &dyn Fn(&str) -> Option<String>) -> Option<(f64, Direction)> {
    let highway = tag("highway")?;
    let refused = |key: &str| matches!(tag(key).as_deref(), Some("no" | "private"));
    match profile {
        Profile::Walk => {
            let walkable = !matches!(
                highway.as_str(),
                "motorway"
                    | "motorway_link"
                    | "trunk"
                    | "trunk_link"
                    | "construction"
                    | "proposed"
                    | "raceway"
                    | "bus_guideway"
                    | "platform"
            );
            let allowed = match tag("foot").as_deref() {
                Some("yes" | "designated" | "permissive") => true,
                Some("no" | "private") => false,
                _ => !refused("access"),
            };
            (walkable && allowed).then_some((WALK_KMH, Direction::Both))
        }
        Profile::Drive => {
            let class_kmh = road_kmh(&highway)?;
            if refused("access") || refused("motor_vehicle") || refused("motorcar") {
                return None;
            }
            let kmh = tag("maxspeed")
                .and_then(|m| m.trim_end_matches("km/h").trim().parse::<f64>().ok())
                .filter(|v| *v > 0.0)
                .unwrap_or(class_kmh);
            Some((kmh, one_way(&highway, tag)))
        }
    }
}

/// Typical urban speed of a road class, km/h; `None` for ways cars may not use.
fn road_kmh(highway: &str) -> Option<f64> {
    Some(match highway {
        "motorway" => 100.0,
        "trunk" => 80.0,
        "motorway_link" | "primary" => 60.0,
        "trunk_link" | "secondary" => 50.0,
        "primary_link" | "secondary_link" | "tertiary" => 40.0,
        "tertiary_link" | "unclassified" | "residential" | "road" => 30.0,
        "service" => 15.0,
        "living_street" => 10.0,
        _ => return None,
    })
}

fn one_way(highway: &str, tag: &dyn Fn(&str) -> Option<String>) -> Direction {
    match tag("oneway").as_deref() {
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1" | "reverse") => Direction::Backward,
        Some("no" | "false" | "0") => Direction::Both,
        _ if highway == "motorway" || tag("junction").as_deref() == Some("roundabout") => {
            Direction::Forward
        }
        _ => Direction::Both,
    }
}

/// A way the profile uses: its node ids, speed and direction.
struct Way {
    refs: Vec<i64>,
    kmh: f64,
    direction: Direction,
}

/// Two passes: the ways the profile uses, then the coordinates of their nodes. A way cut by
/// the extract's edge is split where its nodes are missing rather than bridged.
fn read_osm(path: &Path, profile: Profile) -> Result<Vec<Street>, InputError> {
    let osm_error = |e| osm_error(path, e);
    let mut ways = Vec::new();
    ElementReader::from_path(path)
        .map_err(osm_error)?
        .for_each(|element| {
            if let Element::Way(way) = element {
                let tags: HashMap<&str, &str> = way.tags().collect();
                let tag = |key: &str| tags.get(key).map(|v| v.to_string());
                if let Some((kmh, direction)) = travel(profile, &tag) {
                    ways.push(Way {
                        refs: way.refs().collect(),
                        kmh,
                        direction,
                    });
                }
            }
        })
        .map_err(osm_error)?;
    let needed: HashSet<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    let located = node_locations(path, &needed)?;
    let mut streets = Vec::new();
    for way in ways {
        for run in way.refs.split(|id| !located.contains_key(id)) {
            if run.len() >= 2 {
                streets.push(Street {
                    line: run.iter().map(|id| located[id]).collect(),
                    kmh: way.kmh,
                    direction: way.direction,
                });
            }
        }
    }
    Ok(streets)
}

/// GeoJSON LineStrings and MultiLineStrings; a feature without `highway` is taken as a
/// residential street.
fn read_lines(path: &Path, profile: Profile) -> Result<Vec<Street>, InputError> {
    let mut streets = Vec::new();
    for (feature, geometry) in crate::input::geojson::read_features(path)? {
        let tag = |key: &str| property_text(&feature.properties, key);
        let tag_or_street = |key: &str| match key {
            "highway" => Some(tag(key).unwrap_or_else(|| "residential".into())),
            _ => tag(key),
        };
        let Some((kmh, direction)) = travel(profile, &tag_or_street) else {
            continue;
        };
        for line in lines_of(&feature, geometry)? {
            streets.push(Street {
                line,
                kmh,
                direction,
            });
        }
    }
    Ok(streets)
}

fn property_text(properties: &JsonObject, key: &str) -> Option<String> {
    match properties.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "yes" } else { "no" }.into()),
        _ => None,
    }
}

fn lines_of(
    feature: &Feature,
    geometry: GeometryValue,
) -> Result<Vec<Vec<Point<f64>>>, InputError> {
    let lines = match geometry {
        GeometryValue::LineString { coordinates } => vec![coordinates],
        GeometryValue::MultiLineString { coordinates } => coordinates,
        other => {
            return Err(feature.error(
                "geometry",
                format!("a street must be a LineString, found {}", other.type_name()),
            ))
        }
    };
    lines
        .into_iter()
        .map(|line| {
            line.iter()
                .map(|position| match position.as_slice() {
                    &[lon, lat, ..]
                        if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
                    {
                        Ok(Point::new(lon, lat))
                    }
                    other => Err(feature.error(
                        "geometry",
                        format!("position {other:?} is not a longitude and latitude"),
                    )),
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn pedestrians_walk_both_ways_but_not_on_motorways_or_where_foot_is_refused() {
        let oneway = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(
            travel(Profile::Walk, &tags(&oneway)),
            Some((WALK_KMH, Direction::Both))
        );
        assert_eq!(
            travel(Profile::Walk, &tags(&[("highway", "motorway")])),
            None
        );
        let no_foot = [("highway", "footway"), ("foot", "no")];
        assert_eq!(travel(Profile::Walk, &tags(&no_foot)), None);
        let private_but_foot = [
            ("highway", "service"),
            ("access", "private"),
            ("foot", "yes"),
        ];
        assert!(travel(Profile::Walk, &tags(&private_but_foot)).is_some());
    }

    #[test]
    fn cars_keep_to_one_way_streets_and_road_speeds() {
        let oneway = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(
            travel(Profile::Drive, &tags(&oneway)),
            Some((30.0, Direction::Forward))
        );
        let reverse = [("highway", "primary"), ("oneway", "-1"), ("maxspeed", "70")];
        assert_eq!(
            travel(Profile::Drive, &tags(&reverse)),
            Some((70.0, Direction::Backward))
        );
        let roundabout = [("highway", "tertiary"), ("junction", "roundabout")];
        assert_eq!(
            travel(Profile::Drive, &tags(&roundabout)),
            Some((40.0, Direction::Forward))
        );
        assert_eq!(
            travel(Profile::Drive, &tags(&[("highway", "footway")])),
            None
        );
    }
}
