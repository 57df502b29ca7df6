//! Every file a scenario names, read once before any service is planned: zones, residents
//! and where they live, the candidate sites given, and each service's existing facilities and
//! age band.

use super::PipelineError;
use crate::demand::population::{read_counts, GroupColumns};
use crate::demand::standards::{ServiceKind, ZoneKind};
use crate::demand::{self, PlaceError, ResidentPoint, Residents};
use crate::input::geojson::{read_points, read_zones, PointFeature, Zone};
use crate::input::scenario::{Scenario, ServiceSettings};
use crate::input::{file_name, InputError};
use crate::model::projection::extent_of;
use crate::travel::geodesic;
use geo::{Intersects, Point, Rect};
use std::path::Path;

/// What the scenario's files hold.
pub(super) struct CityInputs {
    /// All zones of the boundary file.
    pub zones: Vec<Zone>,
    /// Whether each zone is planned.
    pub planned: Vec<bool>,
    /// Whether each zone is planned by urban or rural standards.
    pub kinds: Vec<ZoneKind>,
    /// Residents per zone (whole file), by group.
    pub residents: Vec<Residents>,
    /// Residents spread over the planned zones.
    pub points: Vec<ResidentPoint>,
    /// How residents were placed on the points, in words.
    pub placement: String,
    /// The candidate sites of the scenario's `candidates.file`, when it gives one.
    pub candidates: Option<Vec<PointFeature>>,
    /// Each enabled service's own files, in report order.
    pub services: Vec<ServiceInputs>,
    /// What the files hold that the planner should know of, in words: points outside every
    /// planned zone, zones whose residents had to be spread by area.
    pub warnings: Vec<String>,
}

/// One enabled service's settings and files.
pub(super) struct ServiceInputs {
    /// Which service.
    pub kind: ServiceKind,
    /// Its `[services.…]` table.
    pub settings: ServiceSettings,
    /// Its existing facilities.
    pub existing: Vec<PointFeature>,
    /// Residents of its age band per zone, by group, when the scenario names the columns.
    pub age_band: Option<Vec<Residents>>,
}

/// Reads every file of the scenario at `path` for the `services` enabled in it.
pub(super) fn read(
    path: &Path,
    scenario: &Scenario,
    services: Vec<(ServiceKind, ServiceSettings)>,
) -> Result<CityInputs, PipelineError> {
    let settings = &scenario.zones;
    let zones = read_zones(
        &settings.file,
        &settings.code_field,
        settings.name_field.as_deref(),
        settings.datum,
    )?;
    let planned = planned_zones(scenario, &zones)?;
    let kinds = zone_kinds(scenario, &zones)?;
    let mut warnings = Vec::new();
    let (residents, points, placement) = match &scenario.demand_points {
        Some(given) => {
            let (residents, points) =
                demand::given_points(given, &scenario.population, &zones, &planned)?;
            (
                residents,
                points,
                format!("given in {}", file_name(&given.file)),
            )
        }
        None => {
            let placed =
                demand::place(&zones, &planned, &scenario.population, scenario.grid.cell_m)
                    .map_err(|e| match e {
                        PlaceError::Input(source) => PipelineError::Input(source),
                        PlaceError::Grid(source) => PipelineError::grid(path, source),
                    })?;
            warnings.extend(placed.warnings);
            (placed.residents, placed.points, placed.method)
        }
    };
    let candidates = match &scenario.candidates.file {
        Some(file) => Some(read_points(file, "id", scenario.candidates.datum)?),
        None => None,
    };
    let services: Vec<ServiceInputs> = services
        .into_iter()
        .map(|(kind, settings)| service_files(scenario, &zones, &planned, kind, settings))
        .collect::<Result<_, _>>()?;
    let area = PlannedArea::new(&zones, &planned);
    if let (Some(points), Some(file)) = (&candidates, &scenario.candidates.file) {
        warnings.extend(area.check(file, "candidate sites", points)?);
    }
    for service in &services {
        if let Some(existing) = &service.settings.existing {
            let what = format!("existing {} sites", service.kind);
            warnings.extend(area.check(&existing.file, &what, &service.existing)?);
        }
    }
    Ok(CityInputs {
        zones,
        planned,
        kinds,
        residents,
        points,
        placement,
        candidates,
        services,
        warnings,
    })
}

/// A point file none of whose points lies this close to the planned zones is taken for a
/// mistake (another city, a projected CRS read as degrees, a swapped datum): 10 km is more
/// than any walk or drive a service standard allows.
const NEAR_PLANNED_M: f64 = 10_000.0;

/// The planned zones, for telling which points lie in them.
struct PlannedArea<'z> {
    zones: Vec<&'z Zone>,
    extent: Option<Rect<f64>>,
}

impl<'z> PlannedArea<'z> {
    fn new(zones: &'z [Zone], planned: &[bool]) -> Self {
        let zones: Vec<&Zone> = zones
            .iter()
            .zip(planned)
            .filter(|(_, &p)| p)
            .map(|(z, _)| z)
            .collect();
        let extent = extent_of(zones.iter().map(|z| &z.boundary));
        Self { zones, extent }
    }

    /// Metres from `point` to the nearest corner or side of the planned zones' extent (0
    /// inside it).
    fn metres_to_extent(&self, point: Point<f64>) -> f64 {
        let Some(extent) = self.extent else {
            return f64::INFINITY;
        };
        let nearest = Point::new(
            point.x().clamp(extent.min().x, extent.max().x),
            point.y().clamp(extent.min().y, extent.max().y),
        );
        geodesic::distance_m(point, nearest)
    }

    /// A warning counting the `points` of `file` outside every planned zone (they serve
    /// only people within reach across the boundary), if any are.
    ///
    /// # Errors
    /// [`InputError::Map`] when the file has points and none lies within
    /// [`NEAR_PLANNED_M`] of the planned zones.
    fn check(
        &self,
        file: &Path,
        what: &str,
        points: &[PointFeature],
    ) -> Result<Option<String>, InputError> {
        let outside: Vec<&PointFeature> = points
            .iter()
            .filter(|p| {
                !self
                    .zones
                    .iter()
                    .any(|z| z.boundary.intersects(&p.location))
            })
            .collect();
        if outside.is_empty() {
            return Ok(None);
        }
        let nearest = outside
            .iter()
            .map(|p| self.metres_to_extent(p.location))
            .fold(f64::INFINITY, f64::min);
        if outside.len() == points.len() && nearest > NEAR_PLANNED_M {
            return Err(InputError::Map {
                path: file.to_path_buf(),
                problem: format!(
                    "none of its {} {what} lies within {} km of the planned zones (the \
                     nearest is {:.0} km away): another place, or coordinates in another \
                     datum or CRS?",
                    points.len(),
                    NEAR_PLANNED_M / 1000.0,
                    nearest / 1000.0
                ),
            });
        }
        let ids: Vec<&str> = outside.iter().take(5).map(|p| p.id.as_str()).collect();
        let more = match outside.len() > ids.len() {
            true => format!(" and {} more", outside.len() - ids.len()),
            false => String::new(),
        };
        let verb = match outside.len() {
            1 => "lies",
            _ => "lie",
        };
        Ok(Some(format!(
            "{} of the {} {what} in {} {verb} outside every planned zone ({}{more}); they \
             serve only people within reach across the boundary",
            outside.len(),
            points.len(),
            file_name(file),
            ids.join(", ")
        )))
    }
}

/// A service's existing facilities and age band counts.
fn service_files(
    scenario: &Scenario,
    zones: &[Zone],
    planned: &[bool],
    kind: ServiceKind,
    settings: ServiceSettings,
) -> Result<ServiceInputs, InputError> {
    let existing = match &settings.existing {
        Some(f) => read_points(&f.file, &f.id_field, f.datum)?,
        None => Vec::new(),
    };
    let age_band = match &settings.age_band {
        Some(band) => {
            let columns = GroupColumns {
                hukou: &band.hukou,
                non_hukou: &band.non_hukou,
            };
            Some(read_counts(&scenario.population, columns, zones, planned)?)
        }
        None => None,
    };
    Ok(ServiceInputs {
        kind,
        settings,
        existing,
        age_band,
    })
}

/// Whether each zone is planned: those `zones.plan_in` lists, or all when it is empty.
fn planned_zones(scenario: &Scenario, zones: &[Zone]) -> Result<Vec<bool>, InputError> {
    let wanted = &scenario.zones.plan_in;
    if wanted.is_empty() {
        return Ok(vec![true; zones.len()]);
    }
    known_codes(scenario, zones, "zones.plan_in", wanted)?;
    Ok(zones.iter().map(|z| wanted.contains(&z.code)).collect())
}

/// An error naming `field` when one of its `codes` is no zone's.
fn known_codes(
    scenario: &Scenario,
    zones: &[Zone],
    field: &str,
    codes: &[String],
) -> Result<(), InputError> {
    match codes
        .iter()
        .find(|code| !zones.iter().any(|z| &z.code == *code))
    {
        Some(unknown) => Err(InputError::BadField {
            path: scenario.origins.file_of(field),
            field: field.into(),
            problem: format!(
                "no zone has the code `{unknown}` (codes come from the `{}` property)",
                scenario.zones.code_field
            ),
        }),
        None => Ok(()),
    }
}

/// Each zone's kind: rural when `zones.rural` lists its code.
fn zone_kinds(scenario: &Scenario, zones: &[Zone]) -> Result<Vec<ZoneKind>, InputError> {
    let rural = &scenario.zones.rural;
    known_codes(scenario, zones, "zones.rural", rural)?;
    Ok(zones
        .iter()
        .map(|z| match rural.contains(&z.code) {
            true => ZoneKind::Rural,
            false => ZoneKind::Urban,
        })
        .collect())
}
