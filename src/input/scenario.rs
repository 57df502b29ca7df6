//! Scenario files: the TOML a planner edits to say what to plan, where, for whom, and by
//! which standards.
//!
//! A scenario may name a base with `extends = "base.toml"` and override a few values; tables
//! are merged key by key, so a variant holds only what differs. Paths are read relative to
//! the file that names them, so a variant in another folder still finds the base's maps.

use super::geojson::Datum;
use super::InputError;
use crate::model::{Method, Objective};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bases deeper than this are taken to be a loop of `extends`.
const MAX_EXTENDS_DEPTH: usize = 16;

/// Whose population the plan is sized for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Everyone who lives there: registered (hukou) and non-hukou residents.
    #[default]
    DeFacto,
    /// Registered (hukou) residents only: the old way of planning.
    Hukou,
}

impl Basis {
    /// The name used in scenario files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Basis::DeFacto => "de_facto",
            Basis::Hukou => "hukou",
        }
    }
}

/// A scenario, merged with its bases, with every path resolved.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The scenario's title in reports.
    pub title: String,
    /// The base file, already merged in.
    #[serde(default)]
    pub extends: Option<PathBuf>,
    /// Whose population the plan is sized for.
    #[serde(default)]
    pub basis: Basis,
    /// What the data assumes rather than knows, in words; repeated in `summary.md` and
    /// `summary.json` so that no reader of the plan misses it.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// The zone boundaries.
    pub zones: ZoneSettings,
    /// Population per zone; absent when the zones carry it as properties.
    #[serde(default)]
    pub population: PopulationSettings,
    /// How zone totals become demand points.
    #[serde(default)]
    pub grid: GridSettings,
    /// Demand points given as GeoJSON points with residents by group, in place of spreading
    /// zone totals on the grid.
    pub demand_points: Option<DemandPointSettings>,
    /// Where new sites may go.
    #[serde(default)]
    pub candidates: CandidateSettings,
    /// Travel along streets instead of straight-line walking distance.
    pub travel: Option<TravelSettings>,
    /// The services to plan, by name (`primary_school`, `junior_middle_school`,
    /// `health_centre`, `public_rental_housing`).
    pub services: BTreeMap<String, ServiceSettings>,
    /// Solver limits.
    #[serde(default)]
    pub solve: SolveSettings,
    /// Horizon years of a phased plan: what to build first and what later.
    pub phases: Option<PhaseSettings>,
    /// The files the values were read from, for errors that name them.
    #[serde(skip)]
    pub origins: Origins,
}

/// The zone boundary file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSettings {
    /// One polygon feature per zone: GeoJSON, a Shapefile or a GeoPackage (first layer).
    pub file: PathBuf,
    /// Coordinate datum of the file.
    #[serde(default)]
    pub datum: Datum,
    /// Property holding the zone code (the key of the population table).
    #[serde(default = "default_code_field")]
    pub code_field: String,
    /// Property holding the zone's name.
    #[serde(default)]
    pub name_field: Option<String>,
    /// Codes of the zones to plan; all zones when empty.
    #[serde(default)]
    pub plan_in: Vec<String>,
    /// Codes of the zones planned by rural standards (townships and villages: a longer walk,
    /// smaller schools); every other zone is urban.
    #[serde(default)]
    pub rural: Vec<String>,
}

fn default_code_field() -> String {
    "code".into()
}

/// Where resident population by group is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PopulationSettings {
    /// CSV keyed by zone code; when absent the zone features' properties are read.
    pub file: Option<PathBuf>,
    /// Column (or property) of the zone code in the CSV.
    pub code_column: String,
    /// Column (or property) of registered (hukou) residents.
    pub hukou_column: String,
    /// Column (or property) of non-hukou residents (migrants).
    pub non_hukou_column: String,
    /// Residents per cell of a raster (GeoTIFF or any raster GDAL reads, any CRS), everyone
    /// together: WorldPop, GHS-POP. Spreads each zone's residents over its grid cells; with
    /// `non_hukou_share_raster` and no table it also gives the zone totals.
    pub raster: Option<PathBuf>,
    /// Share of residents without local hukou per cell of `raster` (0 to 1, the same grid).
    pub non_hukou_share_raster: Option<PathBuf>,
    /// Registered (hukou) residents per cell, with `non_hukou_raster`: one raster per group in
    /// place of `raster`.
    pub hukou_raster: Option<PathBuf>,
    /// Non-hukou residents per cell, with `hukou_raster` (the same grid).
    pub non_hukou_raster: Option<PathBuf>,
    /// Buildings (polygons or points in GeoJSON, a Shapefile or a GeoPackage; or an
    /// OpenStreetMap `.osm.pbf`, its residential buildings) that spread each zone's residents
    /// in proportion to their weight: dasymetric mapping.
    pub weights: Option<PathBuf>,
    /// Property holding each building's weight (floor area, dwellings, residents); by default
    /// a polygon weighs its footprint area and a point weighs 1.
    pub weight_field: Option<String>,
}

/// The horizon years of a phased plan and how they weigh.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseSettings {
    /// The years, in order; each year's residents are read with `{year}` replaced in
    /// `[population]`'s file, columns and rasters.
    pub years: Vec<i32>,
    /// Yearly discount rate: what a later phase builds counts (1 + rate)^−(years after the
    /// first), so building later is cheaper today.
    #[serde(default)]
    pub discount_rate: f64,
    /// Extra share of the cost when a site already open grows to a larger size (building on
    /// an occupied school costs more than building that size at once).
    #[serde(default)]
    pub growth_premium: f64,
}

/// What `{year}` in a `[population]` setting is replaced with.
pub const YEAR_PLACEHOLDER: &str = "{year}";

impl Scenario {
    /// The scenario of one phase: `{year}` replaced by `year` in the population file, its
    /// columns and rasters.
    pub fn for_year(&self, year: i32) -> Scenario {
        let mut phase = self.clone();
        let text = year.to_string();
        let population = &mut phase.population;
        let in_path = |path: &mut Option<PathBuf>| {
            if let Some(path) = path {
                *path = PathBuf::from(path.to_string_lossy().replace(YEAR_PLACEHOLDER, &text));
            }
        };
        for path in [
            &mut population.file,
            &mut population.raster,
            &mut population.non_hukou_share_raster,
            &mut population.hukou_raster,
            &mut population.non_hukou_raster,
        ] {
            in_path(path);
        }
        for column in [
            &mut population.hukou_column,
            &mut population.non_hukou_column,
        ] {
            *column = column.replace(YEAR_PLACEHOLDER, &text);
        }
        phase
    }
}

impl PopulationSettings {
    /// Whether some setting names its file or column by `{year}`, as a phased plan needs.
    pub fn varies_by_year(&self) -> bool {
        let paths = [
            &self.file,
            &self.raster,
            &self.non_hukou_share_raster,
            &self.hukou_raster,
            &self.non_hukou_raster,
        ];
        paths
            .iter()
            .filter_map(|p| p.as_ref())
            .any(|p| p.to_string_lossy().contains(YEAR_PLACEHOLDER))
            || self.hukou_column.contains(YEAR_PLACEHOLDER)
            || self.non_hukou_column.contains(YEAR_PLACEHOLDER)
    }
}

/// Which files place the residents of a zone inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'s> {
    /// Evenly over the zone's area.
    ByArea,
    /// In proportion to population rasters.
    ByRaster(RasterFiles<'s>),
    /// In proportion to the weight of buildings.
    ByBuildings {
        /// The buildings.
        file: &'s Path,
        /// The property with each building's weight, if any.
        field: Option<&'s str>,
    },
}

/// The population rasters of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RasterFiles<'s> {
    /// One raster of everyone, with an optional raster of the non-hukou share.
    Everyone {
        /// Residents per cell.
        raster: &'s Path,
        /// Share without local hukou per cell.
        non_hukou_share: Option<&'s Path>,
    },
    /// One raster per group.
    ByGroup {
        /// Registered residents per cell.
        hukou: &'s Path,
        /// Non-hukou residents per cell.
        non_hukou: &'s Path,
    },
}

impl RasterFiles<'_> {
    /// Whether the rasters tell the groups apart, so that they can give zone totals by group.
    pub fn give_groups(self) -> bool {
        !matches!(
            self,
            RasterFiles::Everyone {
                non_hukou_share: None,
                ..
            }
        )
    }
}

impl PopulationSettings {
    /// How residents are placed inside their zones, from the files given. The checks on
    /// reading ensure that at most one way is given.
    pub fn placement(&self) -> Placement<'_> {
        if let Some(raster) = &self.raster {
            return Placement::ByRaster(RasterFiles::Everyone {
                raster,
                non_hukou_share: self.non_hukou_share_raster.as_deref(),
            });
        }
        if let (Some(hukou), Some(non_hukou)) = (&self.hukou_raster, &self.non_hukou_raster) {
            return Placement::ByRaster(RasterFiles::ByGroup { hukou, non_hukou });
        }
        match &self.weights {
            Some(file) => Placement::ByBuildings {
                file,
                field: self.weight_field.as_deref(),
            },
            None => Placement::ByArea,
        }
    }
}

/// Columns `code`, `hukou` and `non_hukou`, also when the `[population]` table is left out.
impl Default for PopulationSettings {
    fn default() -> Self {
        Self {
            file: None,
            code_column: default_code_field(),
            hukou_column: "hukou".into(),
            non_hukou_column: "non_hukou".into(),
            raster: None,
            non_hukou_share_raster: None,
            hukou_raster: None,
            non_hukou_raster: None,
            weights: None,
            weight_field: None,
        }
    }
}

/// How zone totals are spread onto demand points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridSettings {
    /// Side of a grid cell in metres.
    #[serde(default = "default_cell_m")]
    pub cell_m: f64,
}

fn default_cell_m() -> f64 {
    250.0
}

impl Default for GridSettings {
    fn default() -> Self {
        Self {
            cell_m: default_cell_m(),
        }
    }
}

/// Demand points the user gives: homes, blocks or buildings with their residents.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemandPointSettings {
    /// Points (GeoJSON, Shapefile or GeoPackage); residents by group in the properties named
    /// by `[population]` (`hukou`, `non_hukou` by default). Each point belongs to the zone
    /// that contains it.
    pub file: PathBuf,
    /// Coordinate datum of `file`.
    #[serde(default)]
    pub datum: Datum,
    /// Property with each point's unique id.
    #[serde(default = "default_id_field")]
    pub id_field: String,
}

/// How people travel the streets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// On foot at 5 km/h, both ways along every street open to pedestrians.
    #[default]
    Walk,
    /// By car at each road type's speed, one-way streets respected.
    Drive,
}

impl Profile {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Walk => "walk",
            Profile::Drive => "drive",
        }
    }
}

/// Travel along a street network.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravelSettings {
    /// Streets: an OpenStreetMap extract (`.osm.pbf`) or GeoJSON LineStrings.
    pub network: PathBuf,
    /// `walk` or `drive`.
    #[serde(default)]
    pub profile: Profile,
    /// When set, costs are minutes and every service reaches this far; otherwise costs are
    /// metres along the streets within each service's `radius_m`.
    pub max_minutes: Option<f64>,
    /// Points farther than this from every street node are not placed on the network.
    #[serde(default = "default_max_snap_m")]
    pub max_snap_m: f64,
}

fn default_max_snap_m() -> f64 {
    300.0
}

/// Where new sites may be built.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateSettings {
    /// Given candidate points (GeoJSON, Shapefile or GeoPackage, `id` property); when absent
    /// a grid is generated.
    pub file: Option<PathBuf>,
    /// Coordinate datum of `file`.
    #[serde(default)]
    pub datum: Datum,
    /// Spacing of generated candidates in metres.
    #[serde(default = "default_spacing_m")]
    pub spacing_m: f64,
    /// Generated candidates keep at least this distance from existing facilities, in metres.
    #[serde(default = "default_min_distance_m")]
    pub min_distance_m: f64,
}

fn default_spacing_m() -> f64 {
    500.0
}

fn default_min_distance_m() -> f64 {
    250.0
}

impl Default for CandidateSettings {
    fn default() -> Self {
        Self {
            file: None,
            datum: Datum::default(),
            spacing_m: default_spacing_m(),
            min_distance_m: default_min_distance_m(),
        }
    }
}

/// Access rate: the share of each group that the public service must serve.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    /// Share of registered (hukou) residents.
    pub hukou: f64,
    /// Share of non-hukou residents.
    pub non_hukou: f64,
}

/// Population columns (or zone properties) with the residents of a service's age band, by
/// group, e.g. children aged 6–11 for primary school.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// Column of registered (hukou) residents of the age band.
    pub hukou: String,
    /// Column of non-hukou residents of the age band.
    pub non_hukou: String,
}

/// Existing facilities of one service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilitySettings {
    /// Points: GeoJSON, a Shapefile or a GeoPackage (first layer).
    pub file: PathBuf,
    /// Coordinate datum of the file.
    #[serde(default)]
    pub datum: Datum,
    /// Property holding the facility id.
    #[serde(default = "default_id_field")]
    pub id_field: String,
    /// Property holding its capacity (seats, residents, units); absent = unlimited.
    #[serde(default = "default_capacity_field")]
    pub capacity_field: String,
}

fn default_id_field() -> String {
    "id".into()
}

fn default_capacity_field() -> String {
    "capacity".into()
}

/// Extra capacity that may be added to each existing facility, in modules.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpansionSettings {
    /// Capacity one module adds (e.g. 6 classes × 45 pupils = 270 seats).
    pub capacity: f64,
    /// Cost of one module, counted against the budget.
    #[serde(default)]
    pub cost: f64,
    /// Most modules per facility.
    #[serde(default = "default_max_modules")]
    pub max_modules: usize,
}

fn default_max_modules() -> usize {
    1
}

/// One service's settings; every value left out takes the documented default of its kind.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// Set `false` to leave the service out of this scenario.
    pub enabled: Option<bool>,
    /// Units of demand per resident (pupils of school age, housing units per person).
    pub per_resident: Option<f64>,
    /// Residents of the service's age band per zone and group, from the population data:
    /// replaces `per_resident` with each zone's own share of each group.
    pub age_band: Option<AgeBand>,
    /// Shares of each group the public service serves.
    pub access: Option<Access>,
    /// Service radius in metres.
    pub radius_m: Option<f64>,
    /// Capacity of one new site, for `min_sites` and `max_coverage`.
    pub new_site_capacity: Option<f64>,
    /// Cost of one new site, for `min_sites` and `max_coverage`, counted against the budget.
    pub new_site_cost: Option<f64>,
    /// Sizes a new site may be built in, for `min_cost` (the default model); the standard's
    /// sizes when absent.
    pub sizes: Option<Vec<SizeSettings>>,
    /// Nobody is placed farther than this, metres (`min_cost`).
    pub max_travel_m: Option<f64>,
    /// A new site opens only for at least this share of its places (`min_cost`).
    pub min_load_share: Option<f64>,
    /// Price of travel per unit of demand and km (per minute when the scenario travels in
    /// minutes), over the life of a site (`min_cost`).
    pub travel_price_per_km: Option<f64>,
    /// Price of placing a unit of demand farther than `radius_m` (`min_cost`).
    pub beyond_standard_price: Option<f64>,
    /// Price of leaving a unit of demand without a place (`min_cost`).
    pub unplaced_price: Option<f64>,
    /// Radius, maximum travel and sizes in the zones listed in `zones.rural`.
    pub rural: Option<KindSettings>,
    /// Most new sites.
    pub max_new_sites: Option<usize>,
    /// Most money for new sites and expansions.
    pub budget: Option<f64>,
    /// What to optimise; by default the fewest new sites that serve everyone within the
    /// radius, or the most people served when `max_new_sites` or `budget` is set.
    pub objective: Option<Objective>,
    /// Serve each demand point from one site only.
    pub single_source: Option<bool>,
    /// Spacing of generated candidates for this service, metres; the scenario's
    /// `candidates.spacing_m` when absent.
    pub candidate_spacing_m: Option<f64>,
    /// Existing facilities.
    pub existing: Option<FacilitySettings>,
    /// Modules that may be added to existing facilities.
    pub expansion: Option<ExpansionSettings>,
}

/// One size a new site may be built in.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeSettings {
    /// How planners call it, e.g. "24 classes".
    pub name: String,
    /// Places, in units of demand.
    pub capacity: f64,
    /// Construction cost.
    pub cost: f64,
}

/// A service's figures for one kind of zone; each one left out takes the standard's.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSettings {
    /// The standard's walk, metres.
    pub radius_m: Option<f64>,
    /// Nobody is placed farther than this, metres.
    pub max_travel_m: Option<f64>,
    /// Sizes a new site may be built in.
    pub sizes: Option<Vec<SizeSettings>>,
}

/// Solver limits for each service.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SolveSettings {
    /// Seconds per service before the best plan found is kept.
    pub time_limit_s: Option<f64>,
    /// Relative gap at which a plan is good enough.
    pub gap: Option<f64>,
    /// Branch-and-bound nodes per service before the best plan found is kept; unlike the
    /// time limit it stops at the same point on every run and machine.
    pub node_limit: Option<u64>,
    /// `exact`, `heuristic` or `auto` (the default: exact unless the problem is large).
    pub method: Option<Method>,
}

/// Reads a scenario and the bases it extends, merged, with paths resolved and every value
/// checked.
///
/// # Errors
/// [`InputError`] naming the file that holds the value (the base file when it comes from
/// there) and the field path (`services.primary_school.radius_m`): unreadable file,
/// invalid TOML, unknown field, a value of the wrong type or out of range, a loop of
/// `extends`.
pub fn read_scenario(path: &Path) -> Result<Scenario, InputError> {
    let origins = Origins {
        layers: read_layers(path, 0)?,
    };
    let mut merged = toml::Table::new();
    for (_, table) in origins.layers.iter().rev() {
        merge(&mut merged, table.clone());
    }
    let mut scenario: Scenario = serde_path_to_error::deserialize(toml::Value::Table(merged))
        .map_err(|e| {
            let field = e.path().to_string();
            let problem = plain_type_names(&e.inner().message().replace('\n', " "));
            match field.as_str() {
                "." => InputError::Toml {
                    path: path.to_path_buf(),
                    message: problem,
                },
                _ => InputError::BadField {
                    path: origins.file_of(&field),
                    field,
                    problem,
                },
            }
        })?;
    scenario.origins = origins;
    super::scenario_checks::check(&scenario)?;
    Ok(scenario)
}

/// Serde's names of Rust types, in the words of a scenario file.
fn plain_type_names(message: &str) -> String {
    message
        .replace("expected f64", "expected a number")
        .replace("expected u64", "expected a whole number of 0 or more")
        .replace("expected usize", "expected a whole number of 0 or more")
        .replace("expected a boolean", "expected true or false")
}

/// The files a scenario was merged from, each with its own table (paths resolved): the
/// scenario first, then its base, the base's base and so on.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    layers: Vec<(PathBuf, toml::Table)>,
}

impl Origins {
    /// The file a field's value was read from: the first file, scenario first, that sets
    /// the field (or the longest part of its path), else the scenario itself.
    pub fn file_of(&self, field: &str) -> PathBuf {
        let keys: Vec<&str> = field
            .split('.')
            .map(|key| key.split('[').next().unwrap_or(key))
            .collect();
        for length in (1..=keys.len()).rev() {
            let found = self
                .layers
                .iter()
                .find(|(_, table)| holds(table, &keys[..length]));
            if let Some((file, _)) = found {
                return file.clone();
            }
        }
        self.layers
            .first()
            .map(|(file, _)| file.clone())
            .unwrap_or_default()
    }
}

/// Whether `table` sets the value at `keys`.
fn holds(table: &toml::Table, keys: &[&str]) -> bool {
    let Some((first, rest)) = keys.split_first() else {
        return true;
    };
    match (table.get(*first), rest.is_empty()) {
        (Some(_), true) => true,
        (Some(toml::Value::Table(inner)), false) => holds(inner, rest),
        _ => false,
    }
}

/// The file's table, then its bases' tables, each with its paths resolved.
fn read_layers(path: &Path, depth: usize) -> Result<Vec<(PathBuf, toml::Table)>, InputError> {
    if depth > MAX_EXTENDS_DEPTH {
        return Err(InputError::BadField {
            path: path.to_path_buf(),
            field: "extends".into(),
            problem: format!(
                "more than {MAX_EXTENDS_DEPTH} bases: do the files extend each other?"
            ),
        });
    }
    let text = super::read_text(path)?;
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| InputError::Toml {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
    let folder = path.parent().unwrap_or(Path::new("."));
    resolve_paths(&mut table, folder);
    let base = match table.get("extends") {
        None => None,
        Some(toml::Value::String(base)) => Some(PathBuf::from(base)),
        Some(other) => {
            return Err(InputError::BadField {
                path: path.to_path_buf(),
                field: "extends".into(),
                problem: format!(
                    "expected the path of a base scenario in quotes, found {}",
                    other.type_str()
                ),
            })
        }
    };
    let mut layers = vec![(path.to_path_buf(), table)];
    if let Some(base) = base {
        layers.extend(read_layers(&base, depth + 1)?);
    }
    Ok(layers)
}

/// The `[population]` fields besides `file` that name files.
const POPULATION_FILES: [&str; 5] = [
    "raster",
    "non_hukou_share_raster",
    "hukou_raster",
    "non_hukou_raster",
    "weights",
];

/// Makes every path field relative to the folder of the file that holds it.
fn resolve_paths(table: &mut toml::Table, folder: &Path) {
    let join = |value: &mut toml::Value| {
        if let Some(text) = value.as_str() {
            *value = toml::Value::String(folder.join(text).display().to_string());
        }
    };
    if let Some(value) = table.get_mut("extends") {
        join(value);
    }
    for section in ["zones", "population", "demand_points", "candidates"] {
        if let Some(value) = nested(table, &[section, "file"]) {
            join(value);
        }
    }
    for key in POPULATION_FILES {
        if let Some(value) = nested(table, &["population", key]) {
            join(value);
        }
    }
    if let Some(value) = nested(table, &["travel", "network"]) {
        join(value);
    }
    if let Some(services) = table.get_mut("services").and_then(|v| v.as_table_mut()) {
        for (_, service) in services.iter_mut() {
            let Some(service) = service.as_table_mut() else {
                continue;
            };
            if let Some(value) = nested(service, &["existing", "file"]) {
                join(value);
            }
        }
    }
}

fn nested<'t>(table: &'t mut toml::Table, keys: &[&str]) -> Option<&'t mut toml::Value> {
    let (last, parents) = keys.split_last()?;
    let mut current = table;
    for key in parents {
        current = current.get_mut(*key)?.as_table_mut()?;
    }
    current.get_mut(*last)
}

/// Overrides `base` with `variant`, table by table.
fn merge(base: &mut toml::Table, variant: toml::Table) {
    for (key, value) in variant {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(over)) => merge(inner, over),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}
