//! OpenStreetMap `.osm.pbf` extracts: node locations, and the buildings people live in.
//!
//! Streets are read by `travel::streets`; both use the node locations read here.

use super::InputError;
use geo::{LineString, Point, Polygon};
use osmpbf::{Element, ElementReader};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Building types people may live in. Most buildings in OpenStreetMap are tagged only
/// `building=yes`; they are counted as homes too (an assumption a plan must state), while
/// buildings tagged with another use (office, retail, church…) are not.
pub const HOME_BUILDINGS: [&str; 7] = [
    "yes",
    "residential",
    "apartments",
    "house",
    "detached",
    "terrace",
    "semidetached_house",
];

/// The location of each `needed` node of an OpenStreetMap `.osm.pbf` file that has it.
///
/// # Errors
/// [`InputError::Map`] when the file cannot be read as OpenStreetMap PBF.
pub fn node_locations(
    path: &Path,
    needed: &HashSet<i64>,
) -> Result<HashMap<i64, Point<f64>>, InputError> {
    let mut located = HashMap::with_capacity(needed.len());
    ElementReader::from_path(path)
        .and_then(|reader| {
            reader.for_each(|element| {
                let (id, lon, lat) = match element {
                    Element::Node(n) => (n.id(), n.lon(), n.lat()),
                    Element::DenseNode(n) => (n.id(), n.lon(), n.lat()),
                    _ => return,
                };
                if needed.contains(&id) {
                    located.insert(id, Point::new(lon, lat));
                }
            })
        })
        .map_err(|e| osm_error(path, e))?;
    Ok(located)
}

/// The error for a file the PBF reader refuses.
pub(crate) fn osm_error(path: &Path, e: osmpbf::Error) -> InputError {
    InputError::Map {
        path: path.to_path_buf(),
        problem: format!("not a readable OpenStreetMap PBF file: {e}"),
    }
}

/// A residential building of an OpenStreetMap extract: its outline and its levels when
/// tagged (`building:levels`).
#[derive(Debug, Clone, PartialEq)]
pub struct OsmBuilding {
    /// The closed way's outline, WGS84 lon/lat.
    pub outline: Polygon<f64>,
    /// Floors above ground, when tagged with a number above 0.
    pub levels: Option<f64>,
}

/// A closed way tagged as a home, before its nodes are located.
struct HomeWay {
    id: i64,
    refs: Vec<i64>,
    levels: Option<f64>,
}

/// The closed ways tagged with a [`HOME_BUILDINGS`] type, in id order. Ways with a node
/// missing from the extract (cut by its edge) and buildings mapped as relations are left out;
/// returns how many ways were left out for a missing node.
///
/// # Errors
/// [`InputError::Map`] when the file cannot be read as OpenStreetMap PBF.
pub fn read_home_buildings(path: &Path) -> Result<(Vec<OsmBuilding>, usize), InputError> {
    let mut ways = Vec::new();
    ElementReader::from_path(path)
        .and_then(|reader| {
            reader.for_each(|element| {
                let Element::Way(way) = element else {
                    return;
                };
                let tags: HashMap<&str, &str> = way.tags().collect();
                let is_home = tags
                    .get("building")
                    .is_some_and(|b| HOME_BUILDINGS.contains(b));
                let refs: Vec<i64> = way.refs().collect();
                let closed = refs.len() >= 4 && refs.first() == refs.last();
                if is_home && closed {
                    let levels = tags
                        .get("building:levels")
                        .and_then(|l| l.trim().parse::<f64>().ok())
                        .filter(|l| l.is_finite() && *l > 0.0);
                    ways.push(HomeWay {
                        id: way.id(),
                        refs,
                        levels,
                    });
                }
            })
        })
        .map_err(|e| osm_error(path, e))?;
    ways.sort_by_key(|w| w.id);
    let needed: HashSet<i64> = ways.iter().flat_map(|w| w.refs.iter().copied()).collect();
    let located = node_locations(path, &needed)?;
    let mut buildings = Vec::with_capacity(ways.len());
    let mut cut = 0;
    for way in ways {
        let ring: Option<Vec<Point<f64>>> =
            way.refs.iter().map(|id| located.get(id).copied()).collect();
        match ring {
            Some(ring) => buildings.push(OsmBuilding {
                outline: Polygon::new(LineString::from(ring), vec![]),
                levels: way.levels,
            }),
            None => cut += 1,
        }
    }
    Ok((buildings, cut))
}
