//! Extracts the schools of an OpenStreetMap `.osm.pbf` file as GeoJSON points that
//! `defacto plan` reads as existing facilities. (Homes need no extraction: a scenario reads
//! the extract's residential buildings directly with `[population] weights`.)
//!
//! The data is © OpenStreetMap contributors, ODbL 1.0: keep the attribution with the output.
//! OpenStreetMap has no school capacities, so the capacity is given on the command line and
//! must be labelled as an assumption wherever the output is used.
//!
//! ```sh
//! cargo run --release --example osm_points -- maps/helsinki/helsinki.osm.pbf \
//!   --schools examples/helsinki/schools.geojson --school-capacity 500
//! ```

use defacto::input::osm::node_locations;
use geo::Point;
use osmpbf::{Element, ElementReader};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::ExitCode;

/// What the command line asks for.
struct Options {
    input: String,
    schools: String,
    school_capacity: u64,
}

/// A school, at a node or as the outline of a way.
struct School {
    id: String,
    tags: BTreeMap<String, String>,
    nodes: Vec<i64>,
}

/// Locations of OSM nodes by id.
type Located = HashMap<i64, Point<f64>>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let options = parse(std::env::args().skip(1).collect())?;
    let (schools, mut located) = first_pass(&options.input)?;
    let needed: HashSet<i64> = schools
        .iter()
        .flat_map(|s| s.nodes.iter().copied())
        .collect();
    let path = std::path::Path::new(&options.input);
    located.extend(node_locations(path, &needed).map_err(|e| e.to_string())?);
    let mut features = Vec::new();
    let mut skipped = 0;
    for school in &schools {
        match centre(&school.nodes, &located) {
            Some(at) => features.push(feature(school, at, options.school_capacity)),
            None => skipped += 1,
        }
    }
    write(&options.schools, features)?;
    eprintln!("skipped {skipped} school(s) whose nodes are outside the extract");
    Ok(())
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let usage = "usage: osm_points INPUT.osm.pbf --schools OUT.geojson --school-capacity N";
    let input = args.first().cloned().ok_or(usage)?;
    let value = |flag: &str| -> Result<String, String> {
        let at = args
            .iter()
            .position(|a| a == flag)
            .ok_or(format!("{flag} missing; {usage}"))?;
        args.get(at + 1)
            .cloned()
            .ok_or(format!("{flag} needs a value"))
    };
    let capacity = value("--school-capacity")?;
    Ok(Options {
        input,
        schools: value("--schools")?,
        school_capacity: capacity
            .parse()
            .map_err(|_| format!("--school-capacity: `{capacity}` is not a whole number"))?,
    })
}

/// Schools (nodes and ways), with the coordinates of the nodes that are schools themselves.
fn first_pass(path: &str) -> Result<(Vec<School>, Located), String> {
    let mut schools = Vec::new();
    let mut located = HashMap::new();
    let reader = ElementReader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    reader
        .for_each(|element| {
            let (prefix, id, tags, nodes, at) = match &element {
                Element::Node(n) => {
                    let at = Point::new(n.lon(), n.lat());
                    ("node", n.id(), collect(n.tags()), vec![n.id()], Some(at))
                }
                Element::DenseNode(n) => {
                    let at = Point::new(n.lon(), n.lat());
                    ("node", n.id(), collect(n.tags()), vec![n.id()], Some(at))
                }
                Element::Way(w) => ("way", w.id(), collect(w.tags()), w.refs().collect(), None),
                Element::Relation(_) => return,
            };
            if tags.get("amenity").map(String::as_str) != Some("school") {
                return;
            }
            if let Some(at) = at {
                located.insert(id, at);
            }
            schools.push(School {
                id: format!("osm-{prefix}-{id}"),
                tags,
                nodes,
            });
        })
        .map_err(|e| format!("{path}: {e}"))?;
    schools.sort_by_key(|s| sort_key(&s.id));
    Ok((schools, located))
}

/// Nodes before ways, each in numeric id order.
fn sort_key(id: &str) -> (bool, i64) {
    let number = id
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (id.starts_with("osm-way"), number)
}

fn collect<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, String> {
    tags.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The mean of an element's distinct vertices (a closed outline's last vertex repeats its
/// first), or `None` when one is missing from the extract.
fn centre(nodes: &[i64], located: &Located) -> Option<(f64, f64)> {
    let distinct = match nodes.len() > 1 && nodes.first() == nodes.last() {
        true => &nodes[..nodes.len() - 1],
        false => nodes,
    };
    let points: Option<Vec<Point<f64>>> =
        distinct.iter().map(|id| located.get(id).copied()).collect();
    let points = points?;
    let count = points.len() as f64;
    let (lon, lat) = points
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.x(), y + p.y()));
    Some((round7(lon / count), round7(lat / count)))
}

fn round7(value: f64) -> f64 {
    (value * 1e7).round() / 1e7
}

fn feature(school: &School, at: (f64, f64), capacity: u64) -> Value {
    json!({
        "type": "Feature",
        "properties": { "id": school.id, "name": school.tags.get("name"), "capacity": capacity },
        "geometry": { "type": "Point", "coordinates": [at.0, at.1] },
    })
}

fn write(path: &str, features: Vec<Value>) -> Result<(), String> {
    let count = features.len();
    let collection = json!({ "type": "FeatureCollection", "features": features });
    let text = serde_json::to_string_pretty(&collection).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{path}: cannot write: {e}"))?;
    eprintln!("wrote {count} school(s) to {path}");
    Ok(())
}
