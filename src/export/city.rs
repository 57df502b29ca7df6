//! The outputs of a planned scenario: GeoJSON layers for QGIS (WGS84, RFC 7946), the same
//! figures as CSV, `districts.csv`, `summary.json` and a readable `summary.md`.

use super::tables::csv_bytes;
use super::{ExportError, OutputSet};
use crate::demand::GroupDemand;
use crate::pipeline::{CityPlan, Service, ServicePlan};
use crate::report;
use crate::solve::Outcome;
use crate::travel::routes::Unit;
use geo::Point;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// Names of the files `defacto plan` writes.
pub const PLAN_FILES: [&str; 11] = [
    "sites.geojson",
    "sites.qml",
    "demand_points.geojson",
    "demand_points.qml",
    "allocations.geojson",
    "allocations.qml",
    "sites.csv",
    "demand_points.csv",
    "districts.csv",
    "summary.json",
    "summary.md",
];

/// The column of the travel cost: `distance_m` for metres, `minutes` for street minutes.
fn travel_column(service: &Service) -> &'static str {
    match service.travel_unit {
        Unit::Metres => "distance_m",
        Unit::Minutes => "minutes",
    }
}

/// Decimal places kept in coordinates: 1e-7 degrees is about 1 cm.
const COORDINATE_SCALE: f64 = 1e7;

/// Writes every output of `plan` into `dir`, all or nothing; returns the paths written.
///
/// # Errors
/// [`ExportError`] when a file cannot be formatted or written.
pub fn write_city(dir: &Path, plan: &CityPlan) -> Result<Vec<PathBuf>, ExportError> {
    let sites = site_rows(plan);
    let points = point_rows(plan);
    let districts = report::district_rows(plan);
    let contents: [Vec<u8>; 11] = [
        geojson_bytes(&sites)?,
        include_bytes!("styles/sites.qml").to_vec(),
        geojson_bytes(&points)?,
        include_bytes!("styles/demand_points.qml").to_vec(),
        geojson_bytes(&allocation_rows(plan))?,
        include_bytes!("styles/allocations.qml").to_vec(),
        table_of(&sites, "sites.csv")?,
        table_of(&points, "demand_points.csv")?,
        report::districts_csv(&districts)?,
        json_bytes(&report::summary_json(plan, &districts), "summary.json")?,
        report::summary_markdown(plan, &districts).into_bytes(),
    ];
    let mut outputs = OutputSet::new(dir);
    for (name, bytes) in PLAN_FILES.into_iter().zip(contents) {
        outputs.add(name, bytes);
    }
    outputs.commit()
}

/// One feature: its geometry and its properties in a fixed column order.
struct Row {
    geometry: Shape,
    properties: Vec<(&'static str, Value)>,
}

/// The geometries the layers use, as rounded lon/lat.
#[derive(Clone, Copy)]
enum Shape {
    Point([f64; 2]),
    Line([f64; 2], [f64; 2]),
}

impl Shape {
    fn to_geojson(self) -> geojson::Geometry {
        match self {
            Shape::Point(p) => geojson::Geometry::new_point(p),
            Shape::Line(a, b) => geojson::Geometry::new_line_string([a, b]),
        }
    }
}

fn position(point: Point<f64>) -> [f64; 2] {
    [
        (point.x() * COORDINATE_SCALE).round() / COORDINATE_SCALE,
        (point.y() * COORDINATE_SCALE).round() / COORDINATE_SCALE,
    ]
}

fn solved(plan: &ServicePlan) -> Option<&crate::model::Assignment> {
    match &plan.outcome {
        Outcome::Solved(solution) => Some(&solution.assignment),
        Outcome::Infeasible(_) => None,
    }
}

/// Existing facilities, and the expansions and new sites the plans open.
fn site_rows(plan: &CityPlan) -> Vec<Row> {
    let mut rows = Vec::new();
    for service in &plan.services {
        let problem = &service.problem;
        let assignment = solved(service);
        let loads = assignment.map(|a| a.loads(problem));
        for (j, site) in problem.sites().iter().enumerate() {
            let open = assignment.map_or(site.is_existing(), |a| a.open[j]);
            if !open {
                continue;
            }
            let load = loads.as_ref().map(|l| l[j]);
            let status = match site.status {
                crate::model::SiteStatus::Existing => "existing",
                crate::model::SiteStatus::Expansion => "expanded",
                crate::model::SiteStatus::Candidate => "new",
            };
            let utilisation = match (load, site.capacity) {
                (Some(load), Some(capacity)) if capacity > 0.0 => json!(load / capacity),
                _ => Value::Null,
            };
            rows.push(Row {
                geometry: Shape::Point(position(service.sites[j].location)),
                properties: vec![
                    ("service", json!(service.service.kind.name())),
                    ("id", json!(site.id)),
                    ("status", json!(status)),
                    ("capacity", json!(site.capacity)),
                    ("load", json!(load)),
                    ("utilisation", utilisation),
                    ("unit", json!(service.service.unit)),
                    ("fixed_cost", json!(site.fixed_cost)),
                ],
            });
        }
    }
    rows
}

/// Each demand point of each service with how much of it is served, where, how far; points
/// no site can reach are listed too, unserved.
fn point_rows(plan: &CityPlan) -> Vec<Row> {
    let mut rows = Vec::new();
    for service in &plan.services {
        let problem = &service.problem;
        let assignment = solved(service);
        for (i, &(point_index, demand)) in service.demand.iter().enumerate() {
            let main = assignment.and_then(|a| {
                a.allocations[i]
                    .iter()
                    .max_by(|x, y| x.share.total_cmp(&y.share).then(y.site.cmp(&x.site)))
                    .copied()
            });
            let reached = main.map(|m| {
                let cost = problem.costs().cost(i, m.site);
                (problem.sites()[m.site].id.clone(), cost)
            });
            let served = assignment.map_or(0.0, |a| a.served_share(i));
            rows.push(point_row(
                plan,
                service,
                point_index,
                demand,
                served,
                reached,
            ));
        }
        for &(point_index, demand) in &service.unreachable {
            rows.push(point_row(plan, service, point_index, demand, 0.0, None));
        }
    }
    rows
}

/// One demand point's row: `reached` is the site serving most of it and the travel cost.
fn point_row(
    plan: &CityPlan,
    service: &ServicePlan,
    point_index: usize,
    demand: GroupDemand,
    served: f64,
    reached: Option<(String, Option<f64>)>,
) -> Row {
    let point = &plan.points[point_index];
    let zone = &plan.zones[point.zone];
    let (site, cost) = match reached {
        Some((site, cost)) => (Some(site), cost),
        None => (None, None),
    };
    Row {
        geometry: Shape::Point(position(point.location)),
        properties: vec![
            ("service", json!(service.service.kind.name())),
            ("id", json!(point.id)),
            ("zone", json!(zone.code)),
            ("zone_name", json!(zone.name)),
            ("hukou", json!(point.residents.hukou)),
            ("non_hukou", json!(point.residents.non_hukou)),
            ("demand", json!(demand.total())),
            ("demand_hukou", json!(demand.hukou)),
            ("demand_non_hukou", json!(demand.non_hukou)),
            ("served_share", json!(served)),
            ("unmet", json!(demand.total() * (1.0 - served))),
            ("site", json!(site)),
            (travel_column(&service.service), json!(cost)),
        ],
    }
}

/// A line from each demand point to each site serving it.
fn allocation_rows(plan: &CityPlan) -> Vec<Row> {
    let mut rows = Vec::new();
    for service in &plan.services {
        let Some(assignment) = solved(service) else {
            continue;
        };
        let problem = &service.problem;
        for (i, allocations) in assignment.allocations.iter().enumerate() {
            let (point_index, demand) = service.demand[i];
            let from = plan.points[point_index].location;
            for allocation in allocations {
                let to = service.sites[allocation.site].location;
                let distance = problem
                    .costs()
                    .arcs(i)
                    .find(|arc| arc.site == allocation.site)
                    .map(|arc| arc.cost);
                rows.push(Row {
                    geometry: Shape::Line(position(from), position(to)),
                    properties: vec![
                        ("service", json!(service.service.kind.name())),
                        ("demand_id", json!(plan.points[point_index].id)),
                        ("site_id", json!(problem.sites()[allocation.site].id)),
                        ("amount", json!(demand.total() * allocation.share)),
                        (travel_column(&service.service), json!(distance)),
                    ],
                });
            }
        }
    }
    rows
}

fn geojson_bytes(rows: &[Row]) -> Result<Vec<u8>, ExportError> {
    let features: Vec<geojson::Feature> = rows
        .iter()
        .map(|row| {
            let properties: Map<String, Value> = row
                .properties
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.clone()))
                .collect();
            geojson::Feature {
                bbox: None,
                geometry: Some(row.geometry.to_geojson()),
                id: None,
                properties: Some(properties),
                foreign_members: None,
            }
        })
        .collect();
    let collection = geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    let mut bytes = collection.to_string().into_bytes();
    bytes.push(b'\n');
    Ok(bytes)
}

/// The rows as CSV, with `lon` and `lat` for point layers.
fn table_of(rows: &[Row], what: &'static str) -> Result<Vec<u8>, ExportError> {
    let Some(first) = rows.first() else {
        return csv_bytes(
            what,
            vec!["lon".to_string(), "lat".to_string()],
            std::iter::empty::<Vec<String>>(),
        );
    };
    let mut header = vec!["lon".to_string(), "lat".to_string()];
    header.extend(first.properties.iter().map(|(k, _)| (*k).to_string()));
    let lines = rows.iter().map(|row| {
        let mut cells = match row.geometry {
            Shape::Point(p) => vec![p[0].to_string(), p[1].to_string()],
            Shape::Line(..) => vec![String::new(), String::new()],
        };
        cells.extend(row.properties.iter().map(|(_, v)| cell(v)));
        cells
    });
    csv_bytes(what, header, lines)
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn json_bytes(value: &Value, what: &'static str) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| ExportError::Format {
        what,
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
