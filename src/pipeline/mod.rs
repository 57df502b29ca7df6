//! From a scenario to a plan per service: zones and residents → demand points → sites →
//! reachable pairs → siting problem → solve.
//!
//! Each service is one [`SitingProblem`] of the core engine; its plan, or the reason it has
//! none, is kept in a [`ServicePlan`] with the geography the exports need.

mod access;

pub use access::PointAccess;

use crate::demand::population::{read_counts, GroupColumns};
use crate::demand::standards::{KindStandard, ServiceKind, Sourced, ZoneKind, ALL_SERVICES};
use crate::demand::{self, AgeShares, GroupDemand, Rates, ResidentPoint, Residents};
use crate::input::geojson::{read_points, read_zones, PointFeature, Zone};
use crate::input::scenario::{
    AgeBand, Basis, KindSettings, Scenario, ServiceSettings, SizeSettings,
};
use crate::input::InputError;
use crate::model::{DemandPoint, Limits, ModelError, Objective, Site, SiteStatus, SitingProblem};
use crate::solve::{self, Outcome, SolveError, SolveOptions, Terminal};
use crate::travel::cache::{network_costs, Built};
use crate::travel::geodesic;
use crate::travel::routes::{Reach, Unit};
use geo::{Contains, Point};
use std::path::{Path, PathBuf};

/// A scenario that cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// An input file or setting cannot be used.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The grid or candidate layout cannot be made.
    #[error("{path}: {source}")]
    Grid {
        /// The scenario file.
        path: PathBuf,
        /// What is wrong with the grid settings.
        #[source]
        source: demand::grid::GridError,
    },
    /// A solver failed.
    #[error("{service}: {source}")]
    Solve {
        /// The service being planned.
        service: ServiceKind,
        /// What went wrong.
        #[source]
        source: SolveError,
    },
}

/// One parameter of a service as used, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name in the scenario file.
    pub name: &'static str,
    /// The value used.
    pub value: f64,
    /// The standard or assumption behind a default, or "scenario file" when set there.
    pub source: String,
}

/// A service with every figure resolved.
#[derive(Debug, Clone)]
pub struct Service {
    /// Which service.
    pub kind: ServiceKind,
    /// What a unit of demand is (pupils, residents, housing units).
    pub unit: &'static str,
    /// How residents become demand.
    pub rates: Rates,
    /// Each zone's own age-band shares by group, when the population data gives the band;
    /// they replace `rates.per_resident`.
    pub age_shares: Option<Vec<AgeShares>>,
    /// Service radius, metres.
    pub radius_m: f64,
    /// What travel costs are measured in: metres, or minutes along the streets.
    pub travel_unit: Unit,
    /// Farthest a person may be served from, in `travel_unit`: the radius (the longest
    /// maximum travel under `min_cost`), or the scenario's `travel.max_minutes`.
    pub reach: f64,
    /// Capacity of one new site.
    pub new_site_capacity: f64,
    /// What the plan optimises.
    pub objective: Objective,
    /// Every figure used, with its source, for the report.
    pub parameters: Vec<Parameter>,
    /// For `min_cost`, the default model: service levels, sizes and prices.
    pub levels: Option<Levels>,
}

impl Service {
    /// What placing one unit of demand `travel` away costs the plan, for a point whose
    /// standard radius is `standard`: its price under `min_cost` ([`Levels::price`]), else
    /// the travel itself.
    pub fn price(&self, travel: f64, standard: f64) -> f64 {
        match &self.levels {
            Some(levels) => levels.price(travel, standard, self.travel_unit),
            None => travel,
        }
    }
}

/// What the default `min_cost` model weighs: per kind of zone the standard's radius, the
/// longest travel and the sizes a new site may take, and the prices of travel.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    /// In urban zones.
    pub urban: KindLevel,
    /// In rural zones.
    pub rural: KindLevel,
    /// A new site opens only for at least this share of its places.
    pub min_load_share: f64,
    /// Per unit of demand and km of travel (per minute when travel is in minutes).
    pub travel_price_per_km: f64,
    /// Per unit of demand placed beyond the standard's radius.
    pub beyond_standard_price: f64,
    /// Per unit of demand left without a place.
    pub unplaced_price: f64,
}

impl Levels {
    /// The level of one kind of zone.
    pub fn of(&self, kind: ZoneKind) -> &KindLevel {
        match kind {
            ZoneKind::Urban => &self.urban,
            ZoneKind::Rural => &self.rural,
        }
    }

    /// What placing one unit of demand `travel` away costs, for a point whose standard
    /// radius is `standard`: travel in km (or minutes) at its price, and the price of
    /// falling short of the standard.
    pub fn price(&self, travel: f64, standard: f64, unit: Unit) -> f64 {
        let per_unit = match unit {
            Unit::Metres => travel / 1000.0,
            Unit::Minutes => travel,
        };
        let beyond = match travel > standard {
            true => self.beyond_standard_price,
            false => 0.0,
        };
        self.travel_price_per_km * per_unit + beyond
    }
}

/// The service level of one kind of zone.
#[derive(Debug, Clone, PartialEq)]
pub struct KindLevel {
    /// The standard's radius, in the travel unit.
    pub radius: f64,
    /// Nobody is placed farther than this, in the travel unit.
    pub max_travel: f64,
    /// Sizes a new site may be built in.
    pub sizes: Vec<SiteSize>,
    /// Where the sizes come from.
    pub sizes_source: String,
}

/// One size a new site may be built in.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSize {
    /// How planners call it.
    pub name: String,
    /// Places.
    pub capacity: f64,
    /// Construction cost.
    pub cost: f64,
}

/// What a site is in the plan's geography.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedSite {
    /// Where it is (WGS84 lon/lat).
    pub location: Point<f64>,
    /// For an expansion, the index of the facility it enlarges.
    pub expands: Option<usize>,
    /// For a new site built in one of several sizes, the size's name.
    pub size: Option<String>,
}

/// The outcome for one service.
#[derive(Debug, Clone)]
pub struct ServicePlan {
    /// The service and its figures.
    pub service: Service,
    /// The siting problem solved (demand points with demand > 0 only).
    pub problem: SitingProblem,
    /// For each demand point of `problem`: its index in [`CityPlan::points`] and its demand
    /// by group.
    pub demand: Vec<(usize, GroupDemand)>,
    /// For each site of `problem`, where it is.
    pub sites: Vec<PlacedSite>,
    /// Demand points no site can reach (no site within the reach, or off the streets): left
    /// out of `problem` so that everyone else is planned for, and reported as unmet.
    pub unreachable: Vec<(usize, GroupDemand)>,
    /// How the street network was used, when the scenario travels along streets.
    pub streets: Option<StreetUse>,
    /// The solution, or why there is none.
    pub outcome: Outcome,
    /// Every resident point with demand, in point order: what the plan gives each group.
    /// For a plan by hukou, the non-hukou figures come from judging it against everyone who
    /// lives there (`judged`).
    pub access: Vec<PointAccess>,
    /// Whether the plan was sized for registered residents and then judged against the de
    /// facto population: its sites kept, non-hukou residents placed in the room left.
    pub judged: bool,
}

/// What the street network held and left out for one service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreetUse {
    /// The graph kept and the detached pieces dropped.
    pub built: Built,
    /// Homes farther than `max_snap_m` from every street.
    pub homes_off_streets: usize,
    /// Sites farther than `max_snap_m` from every street.
    pub sites_off_streets: usize,
}

/// A planned scenario: the shared geography and a plan per service.
#[derive(Debug, Clone)]
pub struct CityPlan {
    /// The scenario as read.
    pub scenario: Scenario,
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
    /// One plan per enabled service, in report order.
    pub services: Vec<ServicePlan>,
}

/// Plans every enabled service of a scenario read from `path`.
///
/// `terminal` says what the solver shows; `progress` is told each service as it starts.
///
/// # Errors
/// [`PipelineError`] for input that cannot be used or a solver failure. A service with no
/// feasible plan is not an error: its [`ServicePlan::outcome`] says why.
pub fn plan_scenario(
    path: &Path,
    scenario: Scenario,
    terminal: Terminal,
    progress: &mut dyn FnMut(ServiceKind),
) -> Result<CityPlan, PipelineError> {
    let settings = &scenario.zones;
    let zones = read_zones(
        &settings.file,
        &settings.code_field,
        settings.name_field.as_deref(),
        settings.datum,
    )?;
    let planned = planned_zones(path, &scenario, &zones)?;
    let kinds = zone_kinds(path, &scenario, &zones)?;
    let (residents, points) = match &scenario.demand_points {
        Some(given) => demand::given_points(given, &scenario.population, &zones, &planned)?,
        None => {
            let residents =
                demand::population::read_residents(&scenario.population, &zones, &planned)?;
            let points = demand::spread(&zones, &residents, &planned, scenario.grid.cell_m)
                .map_err(|source| grid_error(path, source))?;
            (residents, points)
        }
    };
    let services = resolve_services(path, &scenario)?;
    let mut plans = Vec::with_capacity(services.len());
    for (service, settings) in services {
        progress(service.kind);
        let city = City {
            path,
            scenario: &scenario,
            zones: &zones,
            planned: &planned,
            kinds: &kinds,
            residents: &residents,
            points: &points,
            terminal,
        };
        plans.push(city.plan_service(service, &settings)?);
    }
    Ok(CityPlan {
        scenario,
        zones,
        planned,
        kinds,
        residents,
        points,
        services: plans,
    })
}

/// A solver failure while planning `service`.
fn solve_error(service: ServiceKind) -> impl Fn(SolveError) -> PipelineError {
    move |source| PipelineError::Solve { service, source }
}

fn grid_error(path: &Path, source: demand::grid::GridError) -> PipelineError {
    PipelineError::Grid {
        path: path.to_path_buf(),
        source,
    }
}

fn planned_zones(
    path: &Path,
    scenario: &Scenario,
    zones: &[Zone],
) -> Result<Vec<bool>, InputError> {
    let wanted = &scenario.zones.plan_in;
    if wanted.is_empty() {
        return Ok(vec![true; zones.len()]);
    }
    known_codes(path, scenario, zones, "zones.plan_in", wanted)?;
    Ok(zones.iter().map(|z| wanted.contains(&z.code)).collect())
}

/// An error naming `field` when one of its `codes` is no zone's.
fn known_codes(
    path: &Path,
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
            path: path.to_path_buf(),
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
fn zone_kinds(
    path: &Path,
    scenario: &Scenario,
    zones: &[Zone],
) -> Result<Vec<ZoneKind>, InputError> {
    let rural = &scenario.zones.rural;
    known_codes(path, scenario, zones, "zones.rural", rural)?;
    Ok(zones
        .iter()
        .map(|z| match rural.contains(&z.code) {
            true => ZoneKind::Rural,
            false => ZoneKind::Urban,
        })
        .collect())
}

/// Resolves each enabled service's figures: scenario values over the standard defaults.
fn resolve_services(
    path: &Path,
    scenario: &Scenario,
) -> Result<Vec<(Service, ServiceSettings)>, InputError> {
    if let Some(unknown) = scenario
        .services
        .keys()
        .find(|name| ServiceKind::from_name(name).is_none())
    {
        let known: Vec<&str> = ALL_SERVICES.iter().map(|k| k.name()).collect();
        return Err(InputError::BadField {
            path: path.to_path_buf(),
            field: format!("services.{unknown}"),
            problem: format!("unknown service; known services: {}", known.join(", ")),
        });
    }
    let mut services = Vec::new();
    for kind in ALL_SERVICES {
        let Some(settings) = scenario.services.get(kind.name()) else {
            continue;
        };
        if settings.enabled == Some(false) {
            continue;
        }
        services.push((resolve_service(path, kind, settings)?, settings.clone()));
    }
    Ok(services)
}

fn resolve_service(
    path: &Path,
    kind: ServiceKind,
    settings: &ServiceSettings,
) -> Result<Service, InputError> {
    let standard = kind.standard();
    let mut figures = Figures::default();
    let access = settings.access;
    let rates = Rates {
        per_resident: figures.take("per_resident", settings.per_resident, standard.per_resident),
        access_hukou: figures.take(
            "access.hukou",
            access.map(|a| a.hukou),
            standard.access_hukou,
        ),
        access_non_hukou: figures.take(
            "access.non_hukou",
            access.map(|a| a.non_hukou),
            standard.access_non_hukou,
        ),
    };
    let radius_m = figures.take("radius_m", settings.radius_m, standard.radius_m);
    let field = |name: &str| format!("services.{}.{name}", kind.name());
    check_share(path, &field("access.hukou"), rates.access_hukou)?;
    check_share(path, &field("access.non_hukou"), rates.access_non_hukou)?;
    check_positive(path, &field("per_resident"), rates.per_resident)?;
    check_positive(path, &field("radius_m"), radius_m)?;
    let limited = settings.max_new_sites.is_some() || settings.budget.is_some();
    let objective = settings.objective.unwrap_or(match limited {
        true => Objective::MaxCoverage,
        false => Objective::MinCost,
    });
    let (new_site_capacity, levels) = match objective {
        Objective::MinCost => {
            let levels = resolve_levels(path, kind, settings, radius_m, &mut figures)?;
            (
                levels.urban.sizes.last().map_or(0.0, |s| s.capacity),
                Some(levels),
            )
        }
        _ => {
            let capacity = figures.take(
                "new_site_capacity",
                settings.new_site_capacity,
                standard.new_site_capacity,
            );
            check_positive(path, &field("new_site_capacity"), capacity)?;
            (capacity, None)
        }
    };
    let reach = levels
        .as_ref()
        .map_or(radius_m, |l| l.urban.max_travel.max(l.rural.max_travel));
    Ok(Service {
        kind,
        unit: standard.unit,
        rates,
        age_shares: None,
        radius_m,
        travel_unit: Unit::Metres,
        reach,
        new_site_capacity,
        objective,
        parameters: figures.parameters,
        levels,
    })
}

/// The figures of a service as used, each with its source.
#[derive(Default)]
struct Figures {
    parameters: Vec<Parameter>,
}

impl Figures {
    /// The scenario's value when given, else the standard's; recorded with its source.
    fn take(&mut self, name: &'static str, given: Option<f64>, default: Sourced) -> f64 {
        let (value, source) = match given {
            Some(value) => (value, "scenario file".to_string()),
            None => (default.value, default.source.to_string()),
        };
        self.parameters.push(Parameter {
            name,
            value,
            source,
        });
        value
    }
}

/// The service levels, sizes and prices of the `min_cost` model.
fn resolve_levels(
    path: &Path,
    kind: ServiceKind,
    settings: &ServiceSettings,
    radius_m: f64,
    figures: &mut Figures,
) -> Result<Levels, InputError> {
    let standard = kind.standard();
    let field = |name: &str| format!("services.{}.{name}", kind.name());
    let urban = KindSettings {
        radius_m: Some(radius_m),
        max_travel_m: settings.max_travel_m,
        sizes: settings.sizes.clone(),
    };
    let rural = settings.rural.clone().unwrap_or_default();
    let urban = resolve_kind(
        path,
        kind,
        ZoneKind::Urban,
        &urban,
        &standard.urban,
        figures,
    )?;
    let rural = resolve_kind(
        path,
        kind,
        ZoneKind::Rural,
        &rural,
        &standard.rural,
        figures,
    )?;
    let prices = standard.prices;
    let levels = Levels {
        urban,
        rural,
        min_load_share: figures.take(
            "min_load_share",
            settings.min_load_share,
            standard.min_load_share,
        ),
        travel_price_per_km: figures.take(
            "travel_price_per_km",
            settings.travel_price_per_km,
            prices.travel_per_km,
        ),
        beyond_standard_price: figures.take(
            "beyond_standard_price",
            settings.beyond_standard_price,
            prices.beyond_standard,
        ),
        unplaced_price: figures.take("unplaced_price", settings.unplaced_price, prices.unplaced),
    };
    check_share(path, &field("min_load_share"), levels.min_load_share)?;
    check_non_negative(
        path,
        &field("travel_price_per_km"),
        levels.travel_price_per_km,
    )?;
    check_non_negative(
        path,
        &field("beyond_standard_price"),
        levels.beyond_standard_price,
    )?;
    check_positive(path, &field("unplaced_price"), levels.unplaced_price)?;
    Ok(levels)
}

/// One kind of zone's radius, maximum travel and sizes: the scenario's over the standard's.
/// (The urban radius is the service's `radius_m`, recorded with the other figures.)
fn resolve_kind(
    path: &Path,
    service: ServiceKind,
    zone: ZoneKind,
    given: &KindSettings,
    standard: &KindStandard,
    figures: &mut Figures,
) -> Result<KindLevel, InputError> {
    let (kind_prefix, radius, max_travel) = match zone {
        ZoneKind::Urban => (
            "",
            given.radius_m.unwrap_or(standard.radius_m.value),
            figures.take("max_travel_m", given.max_travel_m, standard.max_travel_m),
        ),
        ZoneKind::Rural => (
            "rural.",
            figures.take("rural.radius_m", given.radius_m, standard.radius_m),
            figures.take(
                "rural.max_travel_m",
                given.max_travel_m,
                standard.max_travel_m,
            ),
        ),
    };
    let prefix = format!("services.{}.{kind_prefix}", service.name());
    check_positive(path, &format!("{prefix}radius_m"), radius)?;
    check_positive(path, &format!("{prefix}max_travel_m"), max_travel)?;
    if max_travel < radius {
        return Err(InputError::BadField {
            path: path.to_path_buf(),
            field: format!("{prefix}max_travel_m"),
            problem: format!(
                "{max_travel} is shorter than the standard's radius {radius}: nobody could be \
                 placed as far as the standard allows"
            ),
        });
    }
    let (sizes, sizes_source) = match &given.sizes {
        Some(sizes) => (
            sizes_from_scenario(path, &format!("{prefix}sizes"), sizes)?,
            "scenario file".to_string(),
        ),
        None => (
            standard
                .sizes
                .iter()
                .map(|s| SiteSize {
                    name: s.name.to_string(),
                    capacity: s.capacity,
                    cost: s.cost,
                })
                .collect(),
            standard.sizes_source.to_string(),
        ),
    };
    Ok(KindLevel {
        radius,
        max_travel,
        sizes,
        sizes_source,
    })
}

/// The scenario's sizes, checked: at least one, capacities above 0, costs of 0 or more.
fn sizes_from_scenario(
    path: &Path,
    field: &str,
    sizes: &[SizeSettings],
) -> Result<Vec<SiteSize>, InputError> {
    if sizes.is_empty() {
        return Err(InputError::BadField {
            path: path.to_path_buf(),
            field: field.into(),
            problem: "give at least one size".into(),
        });
    }
    sizes
        .iter()
        .enumerate()
        .map(|(k, size)| {
            check_positive(path, &format!("{field}[{k}].capacity"), size.capacity)?;
            check_non_negative(path, &format!("{field}[{k}].cost"), size.cost)?;
            Ok(SiteSize {
                name: size.name.clone(),
                capacity: size.capacity,
                cost: size.cost,
            })
        })
        .collect()
}

/// An error naming `field` unless `holds`: its `value` must be what `must` says.
fn check(path: &Path, field: &str, value: f64, holds: bool, must: &str) -> Result<(), InputError> {
    match holds {
        true => Ok(()),
        false => Err(InputError::BadField {
            path: path.to_path_buf(),
            field: field.into(),
            problem: format!("{value} must be {must}"),
        }),
    }
}

fn check_non_negative(path: &Path, field: &str, value: f64) -> Result<(), InputError> {
    let holds = value.is_finite() && value >= 0.0;
    check(path, field, value, holds, "a number of 0 or more")
}

fn check_share(path: &Path, field: &str, value: f64) -> Result<(), InputError> {
    let holds = (0.0..=1.0).contains(&value);
    check(path, field, value, holds, "a share from 0 to 1")
}

fn check_positive(path: &Path, field: &str, value: f64) -> Result<(), InputError> {
    let holds = value.is_finite() && value > 0.0;
    check(path, field, value, holds, "a number greater than 0")
}

/// The geography shared by every service of one scenario.
struct City<'a> {
    path: &'a Path,
    scenario: &'a Scenario,
    zones: &'a [Zone],
    planned: &'a [bool],
    kinds: &'a [ZoneKind],
    residents: &'a [Residents],
    points: &'a [ResidentPoint],
    terminal: Terminal,
}

impl City<'_> {
    fn plan_service(
        &self,
        mut service: Service,
        settings: &ServiceSettings,
    ) -> Result<ServicePlan, PipelineError> {
        if let Some(band) = &settings.age_band {
            self.use_age_band(&mut service, band)?;
        }
        let basis = self.scenario.basis;
        let (demand_points, demand) = self.demand_points(&service, basis);
        let existing = match &settings.existing {
            Some(f) => read_points(&f.file, &f.id_field, f.datum)?,
            None => Vec::new(),
        };
        let homes: Vec<usize> = demand.iter().map(|&(i, _)| i).collect();
        let (sites, placed) = self.sites(&service, settings, &existing, &homes)?;
        let site_locations: Vec<Point<f64>> = placed.iter().map(|s| s.location).collect();
        let (reachable, streets) =
            self.reach(&mut service, demand_points, demand, &site_locations)?;
        let problem = self.problem(
            &service,
            settings,
            reachable.points,
            sites,
            &reachable.pairs,
            &reachable.standard,
        )?;
        let options = SolveOptions {
            time_limit: self.scenario.solve.time_limit_s,
            gap: self.scenario.solve.gap.unwrap_or(0.0),
            node_limit: self.scenario.solve.node_limit,
            terminal: self.terminal,
            method: self.scenario.solve.method.unwrap_or_default(),
        };
        let outcome = solve::solve(&problem, &options).map_err(solve_error(service.kind))?;
        let mut access = access::from_plan(
            &problem,
            &reachable.demand,
            &reachable.standard,
            &reachable.unreachable,
            &outcome,
        );
        let judged = basis == Basis::Hukou;
        if let (true, Outcome::Solved(solution)) = (judged, &outcome) {
            let plan = PlanOnSites {
                problem: &problem,
                assignment: &solution.assignment,
                sites: &placed,
            };
            access = self.judge(&service, plan, access, &options)?;
        }
        Ok(ServicePlan {
            service,
            problem,
            demand: reachable.demand,
            sites: placed,
            unreachable: reachable.unreachable,
            streets,
            outcome,
            access,
            judged,
        })
    }

    /// A hukou plan judged against everyone who lives there: its sites kept, registered
    /// residents in the places the plan gives them, non-hukou residents placed in the room
    /// left within their reach (nearest standard first, by the same prices).
    fn judge(
        &self,
        service: &Service,
        plan: PlanOnSites,
        access: Vec<PointAccess>,
        options: &SolveOptions,
    ) -> Result<Vec<PointAccess>, PipelineError> {
        let (_, everyone) = self.demand_points(service, Basis::DeFacto);
        let (points, demand): (Vec<DemandPoint>, Vec<(usize, GroupDemand)>) = everyone
            .into_iter()
            .filter(|(_, group)| group.non_hukou > 0.0)
            .map(|(point, group)| {
                let demand_point = DemandPoint {
                    id: self.points[point].id.clone(),
                    demand: group.non_hukou,
                    weight: group.non_hukou,
                };
                let non_hukou = GroupDemand {
                    hukou: 0.0,
                    non_hukou: group.non_hukou,
                };
                (demand_point, (point, non_hukou))
            })
            .unzip();
        let open_locations: Vec<Point<f64>> = access::open_sites(plan.assignment)
            .into_iter()
            .map(|j| plan.sites[j].location)
            .collect();
        let mut travel = service.clone();
        let (reachable, _) = self.reach(&mut travel, points, demand, &open_locations)?;
        let judged = access::judged_problem(plan.problem, plan.assignment, &travel, reachable)
            .map_err(|e| self.model_error(service.kind, e))?;
        let outcome = solve::solve(&judged.problem, options).map_err(solve_error(service.kind))?;
        Ok(access::with_judged(access, &judged, &outcome))
    }

    /// The standard's radius and the longest travel where resident point `point` lives, in
    /// the service's travel unit. Travel in minutes has one reach, both standard and limit.
    fn level_at(&self, service: &Service, point: usize) -> PointLevel {
        match (&service.levels, service.travel_unit) {
            (Some(levels), Unit::Metres) => {
                let level = levels.of(self.kinds[self.points[point].zone]);
                PointLevel {
                    standard: level.radius,
                    max_travel: level.max_travel,
                }
            }
            _ => PointLevel {
                standard: service.reach,
                max_travel: service.reach,
            },
        }
    }

    /// The siting problem of a service: under `min_cost` each pair costs its price
    /// ([`Levels::price`]) and keeps its travel for the report; otherwise pairs cost their
    /// travel.
    fn problem(
        &self,
        service: &Service,
        settings: &ServiceSettings,
        points: Vec<DemandPoint>,
        sites: Vec<Site>,
        pairs: &Pairs,
        standard: &[f64],
    ) -> Result<SitingProblem, InputError> {
        let limits = Limits {
            p: None,
            single_source: settings.single_source.unwrap_or(false),
            radius: Some(service.reach),
            max_new: settings.max_new_sites,
            budget: settings.budget,
            unplaced_price: service.levels.as_ref().map(|l| l.unplaced_price),
        };
        let priced = pairs
            .iter()
            .map(|&(i, j, travel)| (i, j, service.price(travel, standard[i])))
            .collect();
        let built = match service.levels {
            // Prices, not travel: no radius on them, and the travel kept for the report.
            Some(_) => SitingProblem::new(
                service.objective,
                Limits {
                    radius: None,
                    ..limits
                },
                points,
                sites,
                priced,
            )
            .map(|problem| problem.with_distances(pairs.clone())),
            None => SitingProblem::new(service.objective, limits, points, sites, priced),
        };
        built.map_err(|e| self.model_error(service.kind, e))
    }

    /// A model rule a service's figures break, as an error naming the service.
    fn model_error(&self, kind: ServiceKind, error: ModelError) -> InputError {
        InputError::BadField {
            path: self.path.to_path_buf(),
            field: format!("services.{}", kind.name()),
            problem: error.to_string(),
        }
    }

    /// The demand points some of `sites` can reach within each point's maximum travel, with
    /// their pairs (renumbered) and standard radii; apart from them those none can reach.
    fn reach(
        &self,
        service: &mut Service,
        points: Vec<DemandPoint>,
        demand: Vec<(usize, GroupDemand)>,
        sites: &[Point<f64>],
    ) -> Result<(Reachable, Option<StreetUse>), InputError> {
        let homes: Vec<Point<f64>> = demand
            .iter()
            .map(|&(point, _)| self.points[point].location)
            .collect();
        let (mut pairs, streets) = self.pairs(service, &homes, sites)?;
        pairs.retain(|&(h, _, travel)| travel <= self.level_at(service, demand[h].0).max_travel);
        let standard = |point: usize| self.level_at(service, point).standard;
        Ok((
            without_unreachable(points, demand, pairs, standard),
            streets,
        ))
    }

    /// Reads the service's age band per zone and group, and puts each zone's shares in place
    /// of the standard's `per_resident` (the report shows the overall share, with its origin).
    fn use_age_band(&self, service: &mut Service, band: &AgeBand) -> Result<(), InputError> {
        let population = &self.scenario.population;
        let columns = GroupColumns {
            hukou: &band.hukou,
            non_hukou: &band.non_hukou,
        };
        let counts = read_counts(population, columns, self.zones, self.planned)?;
        let origin = population
            .file
            .clone()
            .unwrap_or_else(|| self.scenario.zones.file.clone());
        let mut shares = Vec::with_capacity(counts.len());
        for (z, (band_count, all)) in counts.iter().zip(self.residents).enumerate() {
            let share = |part: u64, whole: u64, column: &str| {
                if part > whole {
                    return Err(InputError::BadField {
                        path: origin.clone(),
                        field: column.into(),
                        problem: format!(
                            "zone `{}` has {part} residents in the age band but {whole} in all",
                            self.zones[z].code
                        ),
                    });
                }
                Ok(if whole == 0 {
                    0.0
                } else {
                    part as f64 / whole as f64
                })
            };
            shares.push(AgeShares {
                hukou: share(band_count.hukou, all.hukou, &band.hukou)?,
                non_hukou: share(band_count.non_hukou, all.non_hukou, &band.non_hukou)?,
            });
        }
        let planned = |z: &usize| self.planned[*z];
        let in_band: u64 = (0..counts.len())
            .filter(planned)
            .map(|z| counts[z].total())
            .sum();
        let everyone: u64 = (0..counts.len())
            .filter(planned)
            .map(|z| self.residents[z].total())
            .sum();
        if let Some(parameter) = service
            .parameters
            .iter_mut()
            .find(|p| p.name == "per_resident")
        {
            parameter.value = in_band as f64 / everyone.max(1) as f64;
            parameter.source = format!(
                "age band columns `{}` and `{}` of {}, zone by zone (overall share shown)",
                band.hukou,
                band.non_hukou,
                origin.display()
            );
        }
        service.age_shares = Some(shares);
        Ok(())
    }

    /// Pairs of homes and sites within the service's reach: straight-line walking distance,
    /// or along the scenario's streets (in minutes when it sets `max_minutes`).
    fn pairs(
        &self,
        service: &mut Service,
        homes: &[Point<f64>],
        sites: &[Point<f64>],
    ) -> Result<(Pairs, Option<StreetUse>), InputError> {
        let Some(travel) = &self.scenario.travel else {
            return Ok((geodesic::pairs_within(homes, sites, service.reach), None));
        };
        if let Some(minutes) = travel.max_minutes {
            service.travel_unit = Unit::Minutes;
            service.reach = minutes;
        }
        let reach = Reach {
            profile: travel.profile,
            unit: service.travel_unit,
            limit: service.reach,
            max_snap_m: travel.max_snap_m,
        };
        let found = network_costs(&travel.network, reach, homes, sites)?;
        let streets = StreetUse {
            built: found.built,
            homes_off_streets: found.routes.unplaced_from.len(),
            sites_off_streets: found.routes.unplaced_to.len(),
        };
        Ok((found.routes.pairs, Some(streets)))
    }

    /// Demand points with demand, and for each its resident point and demand by group.
    fn demand_points(
        &self,
        service: &Service,
        basis: Basis,
    ) -> (Vec<DemandPoint>, Vec<(usize, GroupDemand)>) {
        self.points
            .iter()
            .enumerate()
            .map(|(i, point)| {
                (
                    i,
                    point,
                    match &service.age_shares {
                        Some(shares) => service
                            .rates
                            .demand_with(point.residents.counted(basis), shares[point.zone]),
                        None => service.rates.demand(point.residents.counted(basis)),
                    },
                )
            })
            .filter(|(_, _, demand)| demand.total() > 0.0)
            .map(|(i, point, demand)| {
                let demand_point = DemandPoint {
                    id: point.id.clone(),
                    demand: demand.total(),
                    weight: demand.total(),
                };
                (demand_point, (i, demand))
            })
            .unzip()
    }

    /// Existing facilities, their expansions, then new candidates, with their locations.
    fn sites(
        &self,
        service: &Service,
        settings: &ServiceSettings,
        existing: &[PointFeature],
        homes: &[usize],
    ) -> Result<(Vec<Site>, Vec<PlacedSite>), PipelineError> {
        let capacity_field = settings
            .existing
            .as_ref()
            .map_or("capacity", |f| f.capacity_field.as_str());
        let mut sites = Vec::new();
        let mut placed = Vec::new();
        for facility in existing {
            sites.push(Site {
                id: facility.id.clone(),
                capacity: facility.feature.non_negative(capacity_field)?,
                fixed_cost: 0.0,
                status: SiteStatus::Existing,
                min_load: 0.0,
                plot: None,
            });
            placed.push(PlacedSite {
                location: facility.location,
                expands: None,
                size: None,
            });
        }
        if let Some(expansion) = settings.expansion {
            for (f, facility) in existing.iter().enumerate() {
                for module in 1..=expansion.max_modules {
                    sites.push(Site {
                        id: format!("{}+{module}", facility.id),
                        capacity: Some(expansion.capacity),
                        fixed_cost: expansion.cost,
                        status: SiteStatus::Expansion,
                        min_load: 0.0,
                        plot: None,
                    });
                    placed.push(PlacedSite {
                        location: facility.location,
                        expands: Some(f),
                        size: None,
                    });
                }
            }
        }
        let spacing_m = settings
            .candidate_spacing_m
            .unwrap_or(self.scenario.candidates.spacing_m);
        let candidates = self.candidates(service, spacing_m, existing, homes)?;
        for (plot, (id, zone, location)) in candidates.into_iter().enumerate() {
            let Some(levels) = &service.levels else {
                sites.push(Site {
                    id,
                    capacity: Some(service.new_site_capacity),
                    fixed_cost: settings.new_site_cost.unwrap_or(1.0),
                    status: SiteStatus::Candidate,
                    min_load: 0.0,
                    plot: None,
                });
                placed.push(PlacedSite {
                    location,
                    expands: None,
                    size: None,
                });
                continue;
            };
            let kind = zone.map_or(ZoneKind::Urban, |z| self.kinds[z]);
            for size in &levels.of(kind).sizes {
                sites.push(Site {
                    id: format!("{id} ({})", size.name),
                    capacity: Some(size.capacity),
                    fixed_cost: size.cost,
                    status: SiteStatus::Candidate,
                    min_load: levels.min_load_share * size.capacity,
                    plot: Some(plot),
                });
                placed.push(PlacedSite {
                    location,
                    expands: None,
                    size: Some(size.name.clone()),
                });
            }
        }
        Ok((sites, placed))
    }

    /// Candidate sites: the given points, or a grid inside the planned zones away from the
    /// service's existing facilities, plus a site at each group of `homes` (resident points
    /// with demand) that the grid and the existing facilities leave out of reach — a zone's
    /// narrow edges — so that a generated layout can always serve everyone.
    fn candidates(
        &self,
        service: &Service,
        spacing_m: f64,
        existing: &[PointFeature],
        homes: &[usize],
    ) -> Result<Vec<CandidatePlace>, PipelineError> {
        let settings = &self.scenario.candidates;
        if let Some(file) = &settings.file {
            let given = read_points(file, "id", settings.datum)?;
            return Ok(given
                .into_iter()
                .map(|p| (p.id, self.zone_at(p.location), p.location))
                .collect());
        }
        let chosen: Vec<usize> = (0..self.zones.len()).filter(|&z| self.planned[z]).collect();
        let boundaries: Vec<_> = chosen
            .iter()
            .map(|&z| self.zones[z].boundary.clone())
            .collect();
        let taken: Vec<Point<f64>> = existing.iter().map(|f| f.location).collect();
        let grid =
            demand::grid::candidate_grid(&boundaries, spacing_m, &taken, settings.min_distance_m)
                .map_err(|source| grid_error(self.path, source))?;
        let prefix = match service.kind {
            ServiceKind::PrimarySchool => "PS",
            ServiceKind::JuniorMiddleSchool => "JM",
            ServiceKind::HealthCentre => "HC",
            ServiceKind::PublicRentalHousing => "PRH",
        };
        let mut layout: Vec<(usize, Point<f64>)> = grid
            .into_iter()
            .map(|(k, location)| (chosen[k], location))
            .collect();
        let reachable: Vec<Point<f64>> = taken
            .iter()
            .copied()
            .chain(layout.iter().map(|&(_, location)| location))
            .collect();
        let gap_radius = service.levels.as_ref().map_or(service.radius_m, |l| {
            l.urban.max_travel.min(l.rural.max_travel)
        });
        let gaps = out_of_reach(self.points, homes, &reachable, gap_radius);
        layout.extend(
            gaps.into_iter()
                .map(|i| (self.points[i].zone, self.points[i].location)),
        );
        Ok(layout
            .into_iter()
            .enumerate()
            .map(|(n, (zone, location))| {
                let code = &self.zones[zone].code;
                (format!("{prefix}-{code}-{}", n + 1), Some(zone), location)
            })
            .collect())
    }

    /// The planned zone that contains `location`, if any.
    fn zone_at(&self, location: Point<f64>) -> Option<usize> {
        (0..self.zones.len())
            .find(|&z| self.planned[z] && self.zones[z].boundary.contains(&location))
    }
}

/// A solved plan with its sites' places.
#[derive(Clone, Copy)]
struct PlanOnSites<'a> {
    problem: &'a SitingProblem,
    assignment: &'a crate::model::Assignment,
    sites: &'a [PlacedSite],
}

/// The standard's radius and the longest travel at one place.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PointLevel {
    standard: f64,
    max_travel: f64,
}

/// A candidate site: its id, the planned zone it lies in (when any), and where it is.
type CandidatePlace = (String, Option<usize>, Point<f64>);

/// (demand point, site, travel cost) for every pair within reach.
type Pairs = Vec<(usize, usize, f64)>;

/// A service's demand points split by whether any site can reach them.
struct Reachable {
    /// Demand points some site can reach.
    points: Vec<DemandPoint>,
    /// Their resident points and demand by group.
    demand: Vec<(usize, GroupDemand)>,
    /// Their standard radii, in the travel unit: the plan reports who is placed within.
    standard: Vec<f64>,
    /// Their pairs, numbered as `points`.
    pairs: Pairs,
    /// The resident points and demand that no site can reach.
    unreachable: Vec<(usize, GroupDemand)>,
}

/// The demand points (with their demand, pairs renumbered, and the standard radius of each
/// resident point) that some site can reach, and apart from them those none can.
fn without_unreachable(
    points: Vec<DemandPoint>,
    demand: Vec<(usize, GroupDemand)>,
    pairs: Pairs,
    standard: impl Fn(usize) -> f64,
) -> Reachable {
    let mut reached = vec![false; points.len()];
    for &(i, _, _) in &pairs {
        reached[i] = true;
    }
    let mut renumbered = vec![0; points.len()];
    let (mut kept_points, mut kept_demand, mut unreachable) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (point, group)) in points.into_iter().zip(demand).enumerate() {
        if reached[i] {
            renumbered[i] = kept_points.len();
            kept_points.push(point);
            kept_demand.push(group);
        } else {
            unreachable.push(group);
        }
    }
    let pairs = pairs
        .into_iter()
        .map(|(i, j, cost)| (renumbered[i], j, cost))
        .collect();
    Reachable {
        points: kept_points,
        standard: kept_demand
            .iter()
            .map(|&(point, _)| standard(point))
            .collect(),
        demand: kept_demand,
        pairs,
        unreachable,
    }
}

/// Of the `homes`, those with no site within `radius_m`, thinned so that none is within the
/// radius of another kept before it (in order): one new candidate at each reaches them all.
fn out_of_reach(
    points: &[ResidentPoint],
    homes: &[usize],
    sites: &[Point<f64>],
    radius_m: f64,
) -> Vec<usize> {
    let locations: Vec<Point<f64>> = homes.iter().map(|&i| points[i].location).collect();
    let mut reached = vec![false; homes.len()];
    for (h, _, _) in geodesic::pairs_within(&locations, sites, radius_m) {
        reached[h] = true;
    }
    let mut kept: Vec<usize> = Vec::new();
    for (h, &home) in homes.iter().enumerate() {
        let near_kept = kept
            .iter()
            .any(|&k| geodesic::distance_m(points[k].location, locations[h]) <= radius_m);
        if !reached[h] && !near_kept {
            kept.push(home);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home(id: &str, metres_east: f64) -> ResidentPoint {
        ResidentPoint {
            id: id.into(),
            zone: 0,
            location: Point::new(metres_east / 111_319.5, 0.0),
            residents: Residents::default(),
        }
    }

    /// 20,000 per km and 10,000 beyond 500 m: 300 m costs 6,000; 600 m 12,000 + 10,000;
    /// in minutes the price is per minute.
    #[test]
    fn a_trip_costs_its_kilometres_and_once_the_price_beyond_the_standard() {
        let level = KindLevel {
            radius: 500.0,
            max_travel: 1000.0,
            sizes: vec![],
            sizes_source: String::new(),
        };
        let levels = Levels {
            urban: level.clone(),
            rural: level,
            min_load_share: 0.5,
            travel_price_per_km: 20_000.0,
            beyond_standard_price: 10_000.0,
            unplaced_price: 1e6,
        };
        assert_eq!(levels.price(300.0, 500.0, Unit::Metres), 6_000.0);
        assert_eq!(levels.price(500.0, 500.0, Unit::Metres), 10_000.0);
        assert_eq!(levels.price(600.0, 500.0, Unit::Metres), 22_000.0);
        assert_eq!(levels.price(3.0, 10.0, Unit::Minutes), 60_000.0);
    }

    #[test]
    fn homes_out_of_reach_get_one_candidate_per_group() {
        let points = [
            home("a", 0.0),
            home("b", 300.0),
            home("c", 2000.0),
            home("d", 5000.0),
        ];
        let site_near_d = [Point::new(5100.0 / 111_319.5, 0.0)];
        let gaps = out_of_reach(&points, &[0, 1, 2, 3], &site_near_d, 500.0);
        assert_eq!(
            gaps,
            [0, 2],
            "b is within reach of a's new site; d of the site"
        );
    }
}
