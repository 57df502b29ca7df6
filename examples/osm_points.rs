//! Extracts schools and residential buildings from an OpenStreetMap `.osm.pbf` file as
//! GeoJSON points that `defacto plan` reads: schools as existing facilities, buildings as
//! homes (`[demand_points]`).
//!
//! The data is © OpenStreetMap contributors, ODbL 1.0: keep the attribution with the output.
//! OpenStreetMap has neither school capacities nor residents, so both are given on the
//! command line and must be labelled as assumptions wherever the output is used.
//!
//! ```sh
//! cargo run --release --example osm_points -- maps/helsinki/helsinki.osm.pbf \
//!   --schools examples/helsinki/schools.geojson --homes examples/helsinki/homes.geojson \
//!   --school-capacity 500 --residents-per-building 40 --non-hukou-share 0.15
//! ```

use defacto::travel::streets::node_locations;
use geo::Point;
use osmpbf::{Element, ElementReader};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::ExitCode;

/// Building types people may live in. Most buildings in OpenStreetMap are tagged only
/// `building=yes`; they are counted as homes too (an assumption the output must state),
/// while buildings tagged with another use (office, retail, church…) are not.
const HOME_BUILDINGS: [&str; 7] = [
    "yes",
    "residential",
    "apartments",
    "house",
    "detached",
    "terrace",
    "semidetached_house",
];

/// What the command line asks for.
struct Options {
    input: String,
    schools: String,
    homes: String,
    school_capacity: u64,
    residents: u64,
    non_hukou_share: f64,
}

/// A wanted OSM element: a school or a home, at a node or as the outline of a way.
struct Wanted {
    kind: Kind,
    id: String,
    tags: BTreeMap<String, String>,
    nodes: Vec<i64>,
}

/// Locations of OSM nodes by id.
type Located = HashMap<i64, Point<f64>>;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    School,
    Home,
}

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
    let (wanted, mut located) = first_pass(&options.input)?;
    let needed: HashSet<i64> = wanted
        .iter()
        .flat_map(|w| w.nodes.iter().copied())
        .collect();
    let path = std::path::Path::new(&options.input);
    located.extend(node_locations(path, &needed).map_err(|e| e.to_string())?);
    let mut schools = Vec::new();
    let mut homes = Vec::new();
    let mut skipped = 0;
    for item in &wanted {
        let Some(at) = centre(&item.nodes, &located) else {
            skipped += 1;
            continue;
        };
        match item.kind {
            Kind::School => schools.push(school(item, at, options.school_capacity)),
            Kind::Home => homes.push(home(item, at, &options)),
        }
    }
    write(&options.schools, schools.len(), schools)?;
    write(&options.homes, homes.len(), homes)?;
    eprintln!("skipped {skipped} element(s) whose nodes are outside the extract");
    Ok(())
}

fn parse(args: Vec<String>) -> Result<Options, String> {
    let usage = "usage: osm_points INPUT.osm.pbf --schools OUT.geojson --homes OUT.geojson \
                 --school-capacity N --residents-per-building R --non-hukou-share S";
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
    let number = |flag: &str| -> Result<f64, String> {
        let text = value(flag)?;
        text.parse()
            .map_err(|_| format!("{flag}: `{text}` is not a number"))
    };
    let share = number("--non-hukou-share")?;
    if !(0.0..=1.0).contains(&share) {
        return Err(format!(
            "--non-hukou-share: {share} is not a share from 0 to 1"
        ));
    }
    Ok(Options {
        input,
        schools: value("--schools")?,
        homes: value("--homes")?,
        school_capacity: number("--school-capacity")? as u64,
        residents: number("--residents-per-building")? as u64,
        non_hukou_share: share,
    })
}

/// Schools (nodes and ways) and homes (ways), with the coordinates of the nodes that are
/// schools themselves.
fn first_pass(path: &str) -> Result<(Vec<Wanted>, Located), String> {
    let mut wanted = Vec::new();
    let mut located = HashMap::new();
    let reader = ElementReader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    reader
        .for_each(|element| {
            let (prefix, id, tags, nodes) = match &element {
                Element::Node(n) => ("node", n.id(), collect(n.tags()), vec![n.id()]),
                Element::DenseNode(n) => ("node", n.id(), collect(n.tags()), vec![n.id()]),
                Element::Way(w) => ("way", w.id(), collect(w.tags()), w.refs().collect()),
                Element::Relation(_) => return,
            };
            let kind = match (prefix, tags.get("amenity"), tags.get("building")) {
                (_, Some(a), _) if a == "school" => Kind::School,
                ("way", _, Some(b)) if HOME_BUILDINGS.contains(&b.as_str()) => Kind::Home,
                _ => return,
            };
            if let Element::Node(n) = &element {
                located.insert(n.id(), Point::new(n.lon(), n.lat()));
            }
            if let Element::DenseNode(n) = &element {
                located.insert(n.id(), Point::new(n.lon(), n.lat()));
            }
            wanted.push(Wanted {
                kind,
                id: format!("osm-{prefix}-{id}"),
                tags,
                nodes,
            });
        })
        .map_err(|e| format!("{path}: {e}"))?;
    wanted.sort_by_key(|w| sort_key(&w.id));
    Ok((wanted, located))
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

fn school(item: &Wanted, at: (f64, f64), capacity: u64) -> Value {
    feature(
        at,
        json!({ "id": item.id, "name": item.tags.get("name"), "capacity": capacity }),
    )
}

fn home(item: &Wanted, at: (f64, f64), options: &Options) -> Value {
    let hukou = (options.residents as f64 * (1.0 - options.non_hukou_share)).round() as u64;
    feature(
        at,
        json!({
            "id": item.id,
            "building": item.tags.get("building"),
            "hukou": hukou,
            "non_hukou": options.residents - hukou,
        }),
    )
}

fn feature(at: (f64, f64), properties: Value) -> Value {
    json!({
        "type": "Feature",
        "properties": properties,
        "geometry": { "type": "Point", "coordinates": [at.0, at.1] },
    })
}

fn write(path: &str, count: usize, features: Vec<Value>) -> Result<(), String> {
    let collection = json!({ "type": "FeatureCollection", "features": features });
    let text = serde_json::to_string_pretty(&collection).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{path}: cannot write: {e}"))?;
    eprintln!("wrote {count} point(s) to {path}");
    Ok(())
}
