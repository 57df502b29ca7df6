//! The outputs of a planned scenario: its layers (sites, demand points, allocations,
//! districts) as GeoJSON with QGIS styles (WGS84, RFC 7946), as one styled GeoPackage, or
//! as CSV tables only; `districts.csv`, `summary.json` and a readable `summary.md` always.

use super::qgis_project::{project_xml, Source};
use super::rows::{Cell, GeometryKind, Layer, Row, Shape};
use super::{ExportError, Format, OutputSet};
use crate::csv_text::csv_bytes;
use crate::pipeline::{CityPlan, PointAccess, Service, ServicePlan};
use crate::report;
use crate::solve::Outcome;
use crate::travel::routes::Unit;
use geo::{unary_union, Coord, LineString, MapCoords, MultiPolygon, Point};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The column of the travel cost: `distance_m` for metres, `minutes` for street minutes.
fn travel_column(service: &Service) -> &'static str {
    match service.travel_unit {
        Unit::Metres => "distance_m",
        Unit::Minutes => "minutes",
    }
}

/// Decimal places kept in coordinates: 1e-7 degrees is about 1 cm.
const COORDINATE_SCALE: f64 = 1e7;

/// Writes the outputs of `plan` in `format` into `dir`, all or nothing; returns the paths
/// written: per layer its GeoJSON and QGIS style (`geojson`), or `plan.gpkg` (`gpkg`); the
/// point layers as CSV (`geojson`, `csv`); then `districts.csv`, `summary.json` and
/// `summary.md`.
///
/// # Errors
/// [`ExportError`] when a file cannot be formatted or written.
pub fn write_city(
    dir: &Path,
    plan: &CityPlan,
    format: Format,
) -> Result<Vec<PathBuf>, ExportError> {
    city_outputs(dir, plan, format)?.commit()
}

/// `layer` as `<name>.geojson`, with its QGIS style beside it as `<name>.qml`, which QGIS
/// applies when it opens the layer.
pub(super) fn add_geojson_layer(outputs: &mut OutputSet, layer: &Layer) {
    outputs.add(
        &format!("{}.geojson", layer.name),
        geojson_bytes(&layer.rows),
    );
    if let Some(style) = layer.style {
        outputs.add(&format!("{}.qml", layer.name), style.as_bytes().to_vec());
    }
}

/// The outputs [`write_city`] writes, formatted and ready to commit.
pub(super) fn city_outputs(
    dir: &Path,
    plan: &CityPlan,
    format: Format,
) -> Result<OutputSet, ExportError> {
    let districts = report::district_rows(plan);
    let layers = plan_layers(plan, &districts);
    let mut outputs = OutputSet::new(dir);
    match format {
        Format::Geojson => {
            for layer in &layers {
                add_geojson_layer(&mut outputs, layer);
            }
            add_point_tables(&mut outputs, &layers)?;
            let project = project_xml(plan, &layers, Source::GeojsonFiles);
            outputs.add("plan.qgs", project.into_bytes());
        }
        Format::Csv => {
            add_point_tables(&mut outputs, &layers)?;
            if let Some(catchments) = layers.iter().find(|l| l.name == "catchments") {
                outputs.add(
                    "catchments.csv",
                    table_of(&catchments.rows, "catchments.csv", false)?,
                );
            }
        }
        Format::Gpkg => {
            let path = outputs.staging_path("plan.gpkg")?;
            let project = project_xml(plan, &layers, Source::Geopackage);
            super::gpkg::write_layers_and_project(&path, &layers, Some(&project))?;
            outputs.add_written("plan.gpkg", path);
        }
    }
    outputs.add("districts.csv", report::districts_csv(&districts)?);
    outputs.add(
        "summary.json",
        json_bytes(&report::summary_json(plan, &districts), "summary.json")?,
    );
    outputs.add(
        "summary.md",
        report::summary_markdown(plan, &districts).into_bytes(),
    );
    Ok(outputs)
}

/// `sites.csv` and `demand_points.csv`: the point layers with `lon` and `lat` columns.
fn add_point_tables(outputs: &mut OutputSet, layers: &[Layer]) -> Result<(), ExportError> {
    for (layer_name, file) in POINT_TABLES {
        if let Some(layer) = layers.iter().find(|l| l.name == layer_name) {
            outputs.add(file, table_of(&layer.rows, file, true)?);
        }
    }
    Ok(())
}

/// The layers that are also written as CSV tables (lines and polygons are not), and their
/// files.
const POINT_TABLES: [(&str, &str); 2] = [
    ("sites", "sites.csv"),
    ("demand_points", "demand_points.csv"),
];

/// Every layer of a plan, with its QGIS style; `districts` are its district figures.
fn plan_layers(plan: &CityPlan, districts: &[report::DistrictRow]) -> Vec<Layer> {
    vec![
        Layer {
            name: "sites",
            geometry: Some(GeometryKind::Point),
            rows: site_rows(plan),
            style: Some(include_str!("styles/sites.qml")),
        },
        Layer {
            name: "demand_points",
            geometry: Some(GeometryKind::Point),
            rows: point_rows(plan),
            style: Some(include_str!("styles/demand_points.qml")),
        },
        Layer {
            name: "allocations",
            geometry: Some(GeometryKind::Line),
            rows: allocation_rows(plan),
            style: Some(include_str!("styles/allocations.qml")),
        },
        Layer {
            name: "districts",
            geometry: Some(GeometryKind::Area),
            rows: district_layer_rows(plan, districts),
            style: Some(include_str!("styles/districts.qml")),
        },
        Layer {
            name: "catchments",
            geometry: Some(GeometryKind::Area),
            rows: catchment_rows(plan),
            style: Some(include_str!("styles/catchments.qml")),
        },
    ]
}

/// Each open site's catchment (学区), service by service: the grid pieces of the demand
/// points it serves most of, dissolved into one shape, with the site's load and capacity
/// and the travel of the demand it holds. A point split between sites belongs to its main
/// site, so a service's catchments never overlap. Homes given as points have no pieces and
/// give no catchments.
fn catchment_rows(plan: &CityPlan) -> Vec<Row> {
    let mut rows = Vec::new();
    for service in &plan.services {
        let Some(assignment) = solved(service) else {
            continue;
        };
        let loads = assignment.loads(&service.problem);
        let mut by_site: BTreeMap<usize, Vec<&PointAccess>> = BTreeMap::new();
        for access in &service.access {
            if let Some((j, _)) = access.site {
                by_site.entry(j).or_default().push(access);
            }
        }
        for (j, served) in by_site {
            let cells: Vec<MultiPolygon<f64>> = served
                .iter()
                .filter_map(|a| plan.points[a.point].cell.as_ref())
                .map(snapped)
                .collect();
            if cells.is_empty() {
                continue;
            }
            let site = &service.problem.sites()[j];
            let travel = Travel::of(&served);
            let unit = match service.service.travel_unit {
                Unit::Metres => ("mean_distance_m", "max_distance_m"),
                Unit::Minutes => ("mean_minutes", "max_minutes"),
            };
            rows.push(Row {
                geometry: Some(area(&unary_union(&cells))),
                properties: vec![
                    ("service", Cell::text(service.service.kind.name())),
                    ("site", Cell::text(&site.id)),
                    ("status", Cell::text(site.status.name())),
                    ("size", Cell::Text(service.sites[j].size.clone())),
                    ("capacity", Cell::Real(site.capacity)),
                    ("load", Cell::real(loads[j])),
                    ("demand_points", Cell::count(served.len() as u64)),
                    ("demand", Cell::real(travel.demand)),
                    (unit.0, Cell::Real(travel.mean)),
                    (unit.1, Cell::Real(travel.max)),
                ],
            });
        }
    }
    rows
}

/// The demand of a catchment's points and how far it travels to the main site.
struct Travel {
    demand: f64,
    mean: Option<f64>,
    max: Option<f64>,
}

impl Travel {
    fn of(served: &[&PointAccess]) -> Self {
        let demand: f64 = served.iter().map(|a| a.demand.total()).sum();
        let trips = served.iter().filter_map(|a| a.site.map(|(_, t)| (a, t)));
        let weighted: f64 = trips.clone().map(|(a, t)| a.demand.total() * t).sum();
        Self {
            demand,
            mean: (demand > 0.0).then(|| weighted / demand),
            max: trips.map(|(_, t)| t).reduce(f64::max),
        }
    }
}

pub(super) fn position(point: Point<f64>) -> [f64; 2] {
    [on_lattice(point.x()), on_lattice(point.y())]
}

/// A coordinate rounded to the decimals kept in the outputs.
fn on_lattice(degrees: f64) -> f64 {
    (degrees * COORDINATE_SCALE).round() / COORDINATE_SCALE
}

/// The shape with its coordinates rounded as the outputs write them. Neighbouring grid pieces
/// are cut in separate computations, so their common edge can differ in the last bits; once
/// rounded it is the same line, and their union merges them instead of leaving two polygons
/// that share an edge (an invalid MultiPolygon).
fn snapped(shape: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    shape.map_coords(|c| Coord {
        x: on_lattice(c.x),
        y: on_lattice(c.y),
    })
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
            let status = site.status.name();
            let utilisation = match (load, site.capacity) {
                (Some(load), Some(capacity)) if capacity > 0.0 => Cell::real(load / capacity),
                _ => Cell::Real(None),
            };
            rows.push(Row {
                geometry: Some(Shape::Point(position(service.sites[j].location))),
                properties: vec![
                    ("service", Cell::text(service.service.kind.name())),
                    ("id", Cell::text(&site.id)),
                    ("status", Cell::text(status)),
                    ("capacity", Cell::Real(site.capacity)),
                    ("load", Cell::Real(load)),
                    ("utilisation", utilisation),
                    ("unit", Cell::text(service.service.unit)),
                    ("size", Cell::Text(service.sites[j].size.clone())),
                    ("fixed_cost", Cell::real(site.fixed_cost)),
                ],
            });
        }
    }
    rows
}

/// Each resident point of each service with its demand, how much of it is placed, within
/// the standard or beyond, and by the site serving most of it, how far.
fn point_rows(plan: &CityPlan) -> Vec<Row> {
    let mut rows = Vec::new();
    for service in &plan.services {
        for access in &service.access {
            rows.push(point_row(plan, service, access));
        }
    }
    rows
}

/// One demand point's row.
fn point_row(plan: &CityPlan, service: &ServicePlan, access: &PointAccess) -> Row {
    let point = &plan.points[access.point];
    let zone = &plan.zones[point.zone];
    let demand = access.demand.total();
    let share = match demand > 0.0 {
        true => access.within.total() / demand,
        false => 0.0,
    };
    let site = access
        .site
        .map(|(j, _)| service.problem.sites()[j].id.clone());
    Row {
        geometry: Some(Shape::Point(position(point.location))),
        properties: vec![
            ("service", Cell::text(service.service.kind.name())),
            ("id", Cell::text(&point.id)),
            ("zone", Cell::text(&zone.code)),
            ("zone_name", Cell::text(&zone.name)),
            ("hukou", Cell::count(point.residents.hukou)),
            ("non_hukou", Cell::count(point.residents.non_hukou)),
            ("demand", Cell::real(demand)),
            ("demand_hukou", Cell::real(access.demand.hukou)),
            ("demand_non_hukou", Cell::real(access.demand.non_hukou)),
            ("placed_hukou", Cell::real(access.placed.hukou)),
            ("placed_non_hukou", Cell::real(access.placed.non_hukou)),
            ("within_standard_hukou", Cell::real(access.within.hukou)),
            (
                "within_standard_non_hukou",
                Cell::real(access.within.non_hukou),
            ),
            ("served_share", Cell::real(share)),
            ("unplaced", Cell::real(access.unplaced())),
            ("unmet", Cell::real(demand - access.within.total())),
            ("site", Cell::Text(site)),
            (
                travel_column(&service.service),
                Cell::Real(access.site.map(|(_, t)| t)),
            ),
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
                let distance = problem.distance(i, allocation.site);
                rows.push(Row {
                    geometry: Some(Shape::Line(position(from), position(to))),
                    properties: vec![
                        ("service", Cell::text(service.service.kind.name())),
                        ("demand_id", Cell::text(&plan.points[point_index].id)),
                        ("site_id", Cell::text(&problem.sites()[allocation.site].id)),
                        ("amount", Cell::real(demand.total() * allocation.share)),
                        (travel_column(&service.service), Cell::Real(distance)),
                    ],
                });
            }
        }
    }
    rows
}

/// The rows of the districts layer: per planned zone and service, the figures of
/// `districts.csv` on the zone's boundary.
fn district_layer_rows(plan: &CityPlan, districts: &[report::DistrictRow]) -> Vec<Row> {
    let boundaries: BTreeMap<&str, &MultiPolygon<f64>> = plan
        .zones
        .iter()
        .map(|zone| (zone.code.as_str(), &zone.boundary))
        .collect();
    districts
        .iter()
        .map(|row| {
            let mut properties = vec![
                ("zone", Cell::text(&row.zone)),
                ("zone_name", Cell::text(&row.zone_name)),
                ("service", Cell::text(row.service)),
            ];
            properties.extend(
                report::district_figures(row)
                    .into_iter()
                    .map(|(name, value)| (name, Cell::real(value))),
            );
            Row {
                geometry: boundaries.get(row.zone.as_str()).map(|b| area(b)),
                properties,
            }
        })
        .collect()
}

/// A zone's boundary with rounded coordinates.
fn area(boundary: &MultiPolygon<f64>) -> Shape {
    let ring = |line: &LineString<f64>| line.points().map(position).collect::<Vec<_>>();
    Shape::Area(
        boundary
            .iter()
            .map(|polygon| {
                std::iter::once(polygon.exterior())
                    .chain(polygon.interiors())
                    .map(ring)
                    .collect()
            })
            .collect(),
    )
}

pub(super) fn geojson_bytes(rows: &[Row]) -> Vec<u8> {
    let features: Vec<geojson::Feature> = rows
        .iter()
        .map(|row| {
            let properties: Map<String, Value> = row
                .properties
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.to_json()))
                .collect();
            geojson::Feature {
                bbox: None,
                geometry: row.geometry.as_ref().map(Shape::to_geojson),
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
    bytes
}

/// The rows as CSV: `lon` and `lat` first when `with_lon_lat` (the point layers), then the
/// attributes; a polygon layer's table holds its figures alone.
pub(super) fn table_of(
    rows: &[Row],
    what: &'static str,
    with_lon_lat: bool,
) -> Result<Vec<u8>, ExportError> {
    let mut header: Vec<String> = match with_lon_lat {
        true => vec!["lon".into(), "lat".into()],
        false => Vec::new(),
    };
    if let Some(first) = rows.first() {
        header.extend(first.properties.iter().map(|(k, _)| (*k).to_string()));
    }
    let lines = rows.iter().map(|row| {
        let mut cells = match (with_lon_lat, &row.geometry) {
            (false, _) => Vec::new(),
            (true, Some(Shape::Point(p))) => vec![p[0].to_string(), p[1].to_string()],
            (true, _) => vec![String::new(), String::new()],
        };
        cells.extend(row.properties.iter().map(|(_, v)| v.json_text()));
        cells
    });
    Ok(csv_bytes(what, header, lines)?)
}

pub(super) fn json_bytes(value: &Value, what: &'static str) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| ExportError::Format {
        what,
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
