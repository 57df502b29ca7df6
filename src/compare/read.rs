//! A finished plan folder read back: `summary.json`, `sites.csv` and `demand_points.csv` as
//! `defacto plan` writes them, and `districts.geojson` and `catchments.geojson` when the
//! folder has them; a phased plan's folder is read as one plan per year.

use crate::input::geojson::{boundary, read_features, Datum};
use crate::input::{Column, InputError, Row, Table};
use crate::model::SiteStatus;
use geo::MultiPolygon;
use std::path::{Path, PathBuf};

/// One service of a plan as its summary lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceEntry {
    /// Service name, e.g. `primary_school`.
    pub name: String,
    /// What a unit of demand is.
    pub unit: String,
    /// `optimal`, `feasible` or `infeasible`.
    pub status: String,
}

/// A demand point of one service, with what the plan gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRow {
    /// Service name.
    pub service: String,
    /// The district's name.
    pub district: String,
    /// WGS84 longitude and latitude.
    pub location: [f64; 2],
    /// Demand of registered and of non-hukou residents.
    pub demand: [f64; 2],
    /// Share of the point's demand served within the standard's radius.
    pub served_share: f64,
    /// Demand of registered and of non-hukou residents placed at a site.
    pub placed: [f64; 2],
    /// Demand of registered and of non-hukou residents placed within the standard's radius.
    pub within: [f64; 2],
    /// Travel to the site serving most of it (metres or minutes), when served.
    pub travel: Option<f64>,
}

/// An open site of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    /// Service name.
    pub service: String,
    /// WGS84 longitude and latitude.
    pub location: [f64; 2],
    /// Existing, expanded or new.
    pub status: SiteStatus,
    /// Places, when limited.
    pub capacity: Option<f64>,
    /// Demand served there.
    pub load: f64,
    /// Cost of opening it (0 for existing facilities).
    pub fixed_cost: f64,
}

/// A district outline.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictShape {
    /// The district's name.
    pub name: String,
    /// Its boundary, WGS84 lon/lat.
    pub boundary: MultiPolygon<f64>,
}

/// A site's catchment: the cells it serves, dissolved.
#[derive(Debug, Clone, PartialEq)]
pub struct CatchmentShape {
    /// Service name.
    pub service: String,
    /// The site's id.
    pub site: String,
    /// Its outline, WGS84 lon/lat.
    pub boundary: MultiPolygon<f64>,
}

/// What a comparison needs from one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTables {
    /// The scenario's title.
    pub title: String,
    /// `de_facto` or `hukou`.
    pub basis: String,
    /// Travel unit of the plan: `m` or `min`.
    pub travel_unit: &'static str,
    /// Services in report order.
    pub services: Vec<ServiceEntry>,
    /// Every demand point of every service.
    pub points: Vec<PointRow>,
    /// Every open site of every service.
    pub sites: Vec<SiteRow>,
    /// District outlines, when the folder has them.
    pub districts: Vec<DistrictShape>,
    /// Catchments of every service, when the folder has them.
    pub catchments: Vec<CatchmentShape>,
}

/// The year folders of a phased plan, `(year, folder)` in order, when `dir` holds one (its
/// `summary.json` lists the `years`); `None` when `dir` holds a plan of one year.
///
/// # Errors
/// [`InputError`] when `summary.json` is missing, is not JSON, or lists something other
/// than whole years.
pub fn phase_folders(dir: &Path) -> Result<Option<Vec<(i32, PathBuf)>>, InputError> {
    let path = dir.join("summary.json");
    let summary = read_json(&path)?;
    let Some(years) = summary.get("years") else {
        return Ok(None);
    };
    let not_years = || field_error(&path, "years", "is not a list of whole years");
    let years = years.as_array().ok_or_else(not_years)?;
    years
        .iter()
        .map(|year| {
            let year = year
                .as_i64()
                .and_then(|y| i32::try_from(y).ok())
                .ok_or_else(not_years)?;
            Ok((year, dir.join(year.to_string())))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Reads the plan written to `dir` by `defacto plan`.
///
/// # Errors
/// [`InputError`] naming the file, row and column of anything missing or malformed.
pub fn read_plan_folder(dir: &Path) -> Result<PlanTables, InputError> {
    let (title, basis, services) = read_summary(&dir.join("summary.json"))?;
    let (points, travel_unit) = read_points(&dir.join("demand_points.csv"))?;
    let sites = read_sites(&dir.join("sites.csv"))?;
    let districts_path = dir.join("districts.geojson");
    let districts = match districts_path.exists() {
        true => read_districts(&districts_path)?,
        false => Vec::new(),
    };
    let catchments_path = dir.join("catchments.geojson");
    let catchments = match catchments_path.exists() {
        true => read_catchments(&catchments_path)?,
        false => Vec::new(),
    };
    Ok(PlanTables {
        title,
        basis,
        travel_unit,
        services,
        points,
        sites,
        districts,
        catchments,
    })
}

fn read_json(path: &Path) -> Result<serde_json::Value, InputError> {
    let text = crate::input::read_text(path)?;
    serde_json::from_str(&text).map_err(|e| InputError::Json {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn field_error(path: &Path, field: &str, problem: &str) -> InputError {
    InputError::BadField {
        path: path.to_path_buf(),
        field: field.into(),
        problem: problem.into(),
    }
}

fn text_field(path: &Path, value: &serde_json::Value, field: &str) -> Result<String, InputError> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| field_error(path, field, "missing, or not text"))
}

type Summary = (String, String, Vec<ServiceEntry>);

fn read_summary(path: &Path) -> Result<Summary, InputError> {
    let summary = read_json(path)?;
    let title = text_field(path, &summary, "title")?;
    let basis = text_field(path, &summary, "basis")?;
    let listed = summary["services"]
        .as_array()
        .ok_or_else(|| field_error(path, "services", "missing, or not a list"))?;
    let mut services = Vec::with_capacity(listed.len());
    for (n, entry) in listed.iter().enumerate() {
        let field = |name: &str| {
            text_field(path, entry, name).map_err(|_| {
                field_error(
                    path,
                    &format!("services[{n}].{name}"),
                    "missing, or not text",
                )
            })
        };
        services.push(ServiceEntry {
            name: field("service")?,
            unit: field("unit")?,
            status: field("status")?,
        });
    }
    Ok((title, basis, services))
}

fn location(row: &Row, lon: &Column, lat: &Column) -> Result<[f64; 2], InputError> {
    let coordinate = |column: &Column| {
        row.text(column)
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| row.bad(column, "must be a number of degrees"))
    };
    Ok([coordinate(lon)?, coordinate(lat)?])
}

fn read_points(path: &Path) -> Result<(Vec<PointRow>, &'static str), InputError> {
    let mut table = Table::open(path)?;
    let (travel, unit) = match table.optional_column("minutes") {
        Some(column) => (column, "min"),
        None => (table.column("distance_m")?, "m"),
    };
    let [lon, lat, service, district, hukou, non_hukou, served] = [
        "lon",
        "lat",
        "service",
        "zone_name",
        "demand_hukou",
        "demand_non_hukou",
        "served_share",
    ]
    .map(|name| table.column(name));
    let (lon, lat, service, district) = (lon?, lat?, service?, district?);
    let (hukou, non_hukou, served) = (hukou?, non_hukou?, served?);
    let [placed_hukou, placed_non_hukou, within_hukou, within_non_hukou] = [
        "placed_hukou",
        "placed_non_hukou",
        "within_standard_hukou",
        "within_standard_non_hukou",
    ]
    .map(|name| table.optional_column(name));
    let mut points = Vec::new();
    table.for_each_row(|row| {
        let served_share = row.non_negative(&served)?;
        if served_share > 1.0 + 1e-9 {
            return Err(row.bad(&served, "a share must be from 0 to 1"));
        }
        let demand = [row.non_negative(&hukou)?, row.non_negative(&non_hukou)?];
        // Plans written before groups were placed apart share one served share: every unit
        // served counts as placed within the standard.
        let by_group = |columns: [&Option<Column>; 2]| -> Result<[f64; 2], InputError> {
            let mut values = demand.map(|d| d * served_share);
            for (value, column) in values.iter_mut().zip(columns) {
                if let Some(read) = row.optional_non_negative(column.as_ref())? {
                    *value = read;
                }
            }
            Ok(values)
        };
        points.push(PointRow {
            service: row.required_text(&service)?.to_owned(),
            district: row.text(&district).to_owned(),
            location: location(row, &lon, &lat)?,
            demand,
            served_share,
            placed: by_group([&placed_hukou, &placed_non_hukou])?,
            within: by_group([&within_hukou, &within_non_hukou])?,
            travel: row.optional_non_negative(Some(&travel))?,
        });
        Ok(())
    })?;
    Ok((points, unit))
}

fn read_sites(path: &Path) -> Result<Vec<SiteRow>, InputError> {
    let mut table = Table::open(path)?;
    let [lon, lat, service, status, capacity, load, fixed_cost] = [
        "lon",
        "lat",
        "service",
        "status",
        "capacity",
        "load",
        "fixed_cost",
    ]
    .map(|name| table.column(name));
    let (lon, lat, service, status) = (lon?, lat?, service?, status?);
    let (capacity, load, fixed_cost) = (capacity?, load?, fixed_cost?);
    let mut sites = Vec::new();
    table.for_each_row(|row| {
        let Some(kind) = SiteStatus::from_name(row.required_text(&status)?) else {
            return Err(row.bad(&status, "must be existing, expanded or new"));
        };
        sites.push(SiteRow {
            service: row.required_text(&service)?.to_owned(),
            location: location(row, &lon, &lat)?,
            status: kind,
            capacity: row.optional_non_negative(Some(&capacity))?,
            load: row.optional_non_negative(Some(&load))?.unwrap_or(0.0),
            fixed_cost: row.optional_non_negative(Some(&fixed_cost))?.unwrap_or(0.0),
        });
        Ok(())
    })?;
    Ok(sites)
}

/// Catchments from a GeoJSON layer of multipolygons with `service` and `site` properties.
/// They are the tool's own output, drawn as they are: a boundary file's checks are for the
/// user's input.
fn read_catchments(path: &Path) -> Result<Vec<CatchmentShape>, InputError> {
    read_features(path)?
        .into_iter()
        .map(|(feature, geometry)| {
            let text = |field: &str| {
                feature
                    .text(field)
                    .ok_or_else(|| feature.error(field, "missing, or not text"))
            };
            let boundary = MultiPolygon::try_from(geometry)
                .map_err(|_| feature.error("geometry", "not a MultiPolygon"))?;
            Ok(CatchmentShape {
                service: text("service")?,
                site: text("site")?,
                boundary,
            })
        })
        .collect()
}

/// District outlines from a GeoJSON layer of (multi)polygons with a `zone_name` property
/// (one feature per district and service: the first of each name is kept).
fn read_districts(path: &Path) -> Result<Vec<DistrictShape>, InputError> {
    let mut shapes: Vec<DistrictShape> = Vec::new();
    for (feature, geometry) in read_features(path)? {
        let name = feature
            .text("zone_name")
            .ok_or_else(|| feature.error("zone_name", "missing, or not text"))?;
        if shapes.iter().any(|s| s.name == name) {
            continue;
        }
        let boundary = boundary(&feature, geometry, Datum::Wgs84)?;
        shapes.push(DistrictShape { name, boundary });
    }
    Ok(shapes)
}
