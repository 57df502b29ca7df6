//! A service with every figure settled: the scenario's values over the standards' defaults,
//! each recorded with its source, the travel unit and reach, and any age band's shares.
//!
//! Figures are settled here once; the later steps of the pipeline only read them.

use super::inputs::{CityInputs, ServiceInputs};
use crate::demand::standards::{KindStandard, ServiceKind, Sourced, ZoneKind, ALL_SERVICES};
use crate::demand::{AgeShares, Rates, Residents};
use crate::input::scenario::{
    AgeBand, KindSettings, Origins, Scenario, ServiceSettings, SizeSettings,
};
use crate::input::InputError;
use crate::model::Objective;
use crate::travel::routes::Unit;
use std::path::Path;

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
    /// Spacing of the generated candidate sites, metres.
    pub candidate_spacing_m: f64,
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

/// The enabled services of a scenario, in report order, with their settings.
///
/// # Errors
/// [`InputError::BadField`] naming a `[services.…]` table that is no known service.
pub(super) fn enabled(
    scenario: &Scenario,
) -> Result<Vec<(ServiceKind, ServiceSettings)>, InputError> {
    if let Some(unknown) = scenario
        .services
        .keys()
        .find(|name| ServiceKind::from_name(name).is_none())
    {
        let known: Vec<&str> = ALL_SERVICES.iter().map(|k| k.name()).collect();
        let field = format!("services.{unknown}");
        return Err(InputError::BadField {
            path: scenario.origins.file_of(&field),
            field,
            problem: format!("unknown service; known services: {}", known.join(", ")),
        });
    }
    Ok(ALL_SERVICES
        .into_iter()
        .filter_map(|kind| {
            let settings = scenario.services.get(kind.name())?;
            (settings.enabled != Some(false)).then(|| (kind, settings.clone()))
        })
        .collect())
}

/// Settles every figure of one service: the scenario's values over the standard's, checked;
/// the travel unit and reach of the scenario's streets; the age band's shares per zone.
pub(super) fn resolve(
    scenario: &Scenario,
    inputs: &CityInputs,
    service: &ServiceInputs,
) -> Result<Service, InputError> {
    let kind = service.kind;
    let settings = &service.settings;
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
    let limited = settings.max_new_sites.is_some() || settings.budget.is_some();
    let objective = settings.objective.unwrap_or(match limited {
        true => Objective::MaxCoverage,
        false => Objective::MinCost,
    });
    let (new_site_capacity, levels) = match objective {
        Objective::MinCost => {
            let levels = resolve_levels(&scenario.origins, kind, settings, radius_m, &mut figures)?;
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
            (capacity, None)
        }
    };
    let (travel_unit, reach) = match scenario.travel.as_ref().and_then(|t| t.max_minutes) {
        Some(minutes) => (Unit::Minutes, minutes),
        None => (
            Unit::Metres,
            levels
                .as_ref()
                .map_or(radius_m, |l| l.urban.max_travel.max(l.rural.max_travel)),
        ),
    };
    let age_shares = match (&settings.age_band, &service.age_band) {
        (Some(band), Some(counts)) => {
            let shares = age_shares(scenario, inputs, band, counts)?;
            figures.use_age_band(scenario, inputs, band, counts);
            Some(shares)
        }
        _ => None,
    };
    Ok(Service {
        kind,
        unit: standard.unit,
        rates,
        age_shares,
        radius_m,
        travel_unit,
        reach,
        new_site_capacity,
        candidate_spacing_m: settings
            .candidate_spacing_m
            .unwrap_or(scenario.candidates.spacing_m),
        objective,
        parameters: figures.parameters,
        levels,
    })
}

/// The file an age band's columns are read from: the population table, else the zones.
fn band_origin(scenario: &Scenario) -> &Path {
    scenario
        .population
        .file
        .as_deref()
        .unwrap_or(&scenario.zones.file)
}

/// Each zone's share of residents in the age band, by group.
fn age_shares(
    scenario: &Scenario,
    inputs: &CityInputs,
    band: &AgeBand,
    counts: &[Residents],
) -> Result<Vec<AgeShares>, InputError> {
    let origin = band_origin(scenario);
    let mut shares = Vec::with_capacity(counts.len());
    for (z, (band_count, all)) in counts.iter().zip(&inputs.residents).enumerate() {
        let share = |part: u64, whole: u64, column: &str| {
            if part > whole {
                return Err(InputError::BadField {
                    path: origin.to_path_buf(),
                    field: column.into(),
                    problem: format!(
                        "zone `{}` has {part} residents in the age band but {whole} in all",
                        inputs.zones[z].code
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
    Ok(shares)
}

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

    /// Records the overall share of the age band in place of the standard's `per_resident`:
    /// the zones' own shares replace it, and the report shows where they came from.
    fn use_age_band(
        &mut self,
        scenario: &Scenario,
        inputs: &CityInputs,
        band: &AgeBand,
        counts: &[Residents],
    ) {
        let planned = |z: &usize| inputs.planned[*z];
        let in_band: u64 = (0..counts.len())
            .filter(planned)
            .map(|z| counts[z].total())
            .sum();
        let everyone: u64 = (0..counts.len())
            .filter(planned)
            .map(|z| inputs.residents[z].total())
            .sum();
        if let Some(parameter) = self
            .parameters
            .iter_mut()
            .find(|p| p.name == "per_resident")
        {
            parameter.value = in_band as f64 / everyone.max(1) as f64;
            parameter.source = format!(
                "age band columns `{}` and `{}` of {}, zone by zone (overall share shown)",
                band.hukou,
                band.non_hukou,
                band_origin(scenario).display()
            );
        }
    }
}

/// The service levels, sizes and prices of the `min_cost` model.
fn resolve_levels(
    origins: &Origins,
    kind: ServiceKind,
    settings: &ServiceSettings,
    radius_m: f64,
    figures: &mut Figures,
) -> Result<Levels, InputError> {
    let standard = kind.standard();
    let urban = KindSettings {
        radius_m: Some(radius_m),
        max_travel_m: settings.max_travel_m,
        sizes: settings.sizes.clone(),
    };
    let rural = settings.rural.clone().unwrap_or_default();
    let urban = resolve_kind(
        origins,
        kind,
        ZoneKind::Urban,
        &urban,
        &standard.urban,
        figures,
    )?;
    let rural = resolve_kind(
        origins,
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
    Ok(levels)
}

/// One kind of zone's radius, maximum travel and sizes: the scenario's over the standard's.
/// (The urban radius is the service's `radius_m`, recorded with the other figures.)
fn resolve_kind(
    origins: &Origins,
    service: ServiceKind,
    zone: ZoneKind,
    given: &KindSettings,
    standard: &KindStandard,
    figures: &mut Figures,
) -> Result<KindLevel, InputError> {
    let (kind_prefix, travel_name, radius) = match zone {
        ZoneKind::Urban => (
            "",
            "max_travel_m",
            given.radius_m.unwrap_or(standard.radius_m.value),
        ),
        ZoneKind::Rural => (
            "rural.",
            "rural.max_travel_m",
            figures.take("rural.radius_m", given.radius_m, standard.radius_m),
        ),
    };
    let max_travel = figures.take(
        travel_name,
        given.max_travel_m,
        travel_default(standard.max_travel_m, radius),
    );
    let prefix = format!("services.{}.{kind_prefix}", service.name());
    if max_travel < radius {
        let field = format!("{prefix}max_travel_m");
        return Err(InputError::BadField {
            path: origins.file_of(&field),
            field,
            problem: format!(
                "{max_travel} is shorter than the radius {radius}: nobody could be placed as \
                 far as the standard allows"
            ),
        });
    }
    let (sizes, sizes_source) = match &given.sizes {
        Some(sizes) => (sizes_from_scenario(sizes), "scenario file".to_string()),
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

/// The standard's maximum travel, or the radius when the scenario's radius is longer: a
/// planner who widens the standard's walk means that people may travel that far.
fn travel_default(standard: Sourced, radius: f64) -> Sourced {
    match radius > standard.value {
        true => Sourced {
            value: radius,
            source: "radius_m of the scenario file, longer than the standard's maximum travel",
        },
        false => standard,
    }
}

/// The scenario's sizes (checked when the scenario was read).
fn sizes_from_scenario(sizes: &[SizeSettings]) -> Vec<SiteSize> {
    sizes
        .iter()
        .map(|size| SiteSize {
            name: size.name.clone(),
            capacity: size.capacity,
            cost: size.cost,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_radius_longer_than_the_standard_s_travel_becomes_the_travel() {
        let standard = Sourced {
            value: 1000.0,
            source: "standard",
        };
        assert_eq!(travel_default(standard, 1500.0).value, 1500.0);
        assert_eq!(travel_default(standard, 500.0), standard);
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
}
