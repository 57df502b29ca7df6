//! Range checks on every number a scenario gives, each error naming the file that holds the
//! value and the field's path.
//!
//! Types are checked while the TOML is read; what is left is what a type cannot say: a
//! radius above 0, a share from 0 to 1, a price of 0 or more, a number that is finite.

use super::scenario::{KindSettings, Scenario, ServiceSettings, SizeSettings, YEAR_PLACEHOLDER};
use super::InputError;
use crate::model::Objective;

/// What a number must be.
#[derive(Clone, Copy)]
enum Range {
    /// Finite and above 0: lengths, capacities, rates.
    Positive,
    /// Finite and 0 or more: prices, costs, budgets.
    NonNegative,
    /// From 0 to 1: access rates, load shares, gaps.
    Share,
}

impl Range {
    fn holds(self, value: f64) -> bool {
        match self {
            Range::Positive => value.is_finite() && value > 0.0,
            Range::NonNegative => value.is_finite() && value >= 0.0,
            Range::Share => (0.0..=1.0).contains(&value),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Range::Positive => "a number greater than 0",
            Range::NonNegative => "a number of 0 or more",
            Range::Share => "a share from 0 to 1",
        }
    }
}

/// Collects the fields of one scenario and stops at the first value out of range.
struct Checker<'s> {
    scenario: &'s Scenario,
}

impl Checker<'_> {
    /// An error naming `field` when `value` is given and out of `range`.
    fn number(&self, field: &str, value: Option<f64>, range: Range) -> Result<(), InputError> {
        match value {
            Some(value) if !range.holds(value) => {
                Err(self.error(field, format!("{value} must be {}", range.words())))
            }
            _ => Ok(()),
        }
    }

    fn error(&self, field: &str, problem: String) -> InputError {
        InputError::BadField {
            path: self.scenario.origins.file_of(field),
            field: field.into(),
            problem,
        }
    }

    fn city(&self) -> Result<(), InputError> {
        let s = self.scenario;
        self.number("grid.cell_m", Some(s.grid.cell_m), Range::Positive)?;
        self.number(
            "candidates.spacing_m",
            Some(s.candidates.spacing_m),
            Range::Positive,
        )?;
        self.number(
            "candidates.min_distance_m",
            Some(s.candidates.min_distance_m),
            Range::NonNegative,
        )?;
        if let Some(travel) = &s.travel {
            self.number("travel.max_minutes", travel.max_minutes, Range::Positive)?;
            self.number(
                "travel.max_snap_m",
                Some(travel.max_snap_m),
                Range::Positive,
            )?;
        }
        self.number("solve.time_limit_s", s.solve.time_limit_s, Range::Positive)?;
        self.number("solve.gap", s.solve.gap, Range::Share)?;
        self.placement()?;
        self.phases()
    }

    /// Years in order, rates in range, each year's population to read, and a model the
    /// phased solver plans.
    fn phases(&self) -> Result<(), InputError> {
        let s = self.scenario;
        let Some(phases) = &s.phases else {
            return Ok(());
        };
        if phases.years.is_empty() || phases.years.windows(2).any(|w| w[0] >= w[1]) {
            return Err(self.error(
                "phases.years",
                format!(
                    "{:?} must be one or more years in increasing order",
                    phases.years
                ),
            ));
        }
        self.number(
            "phases.discount_rate",
            Some(phases.discount_rate),
            Range::Share,
        )?;
        self.number(
            "phases.growth_premium",
            Some(phases.growth_premium),
            Range::NonNegative,
        )?;
        if !s.population.varies_by_year() {
            return Err(self.error(
                "phases.years",
                format!("each year needs its residents: put `{YEAR_PLACEHOLDER}` in `[population]`'s file or columns (e.g. hukou_column = \"hukou_{YEAR_PLACEHOLDER}\")"),
            ));
        }
        if s.demand_points.is_some() {
            return Err(self.error(
                "demand_points",
                "a phased plan spreads each year's zone totals on the grid: leave out `[demand_points]`".into(),
            ));
        }
        for (name, settings) in &s.services {
            let field = format!("services.{name}.objective");
            if settings.objective.is_some_and(|o| o != Objective::MinCost) {
                return Err(self.error(
                    &field,
                    "a phased plan weighs building against travel: use `min_cost` (the default)"
                        .into(),
                ));
            }
            if settings.single_source == Some(true) {
                return Err(self.error(
                    &format!("services.{name}.single_source"),
                    "a phased plan shares points among schools: leave `single_source` out".into(),
                ));
            }
        }
        Ok(())
    }

    /// At most one way of placing residents inside their zones, each with what it needs.
    fn placement(&self) -> Result<(), InputError> {
        let s = self.scenario;
        let p = &s.population;
        let given = |field: &Option<std::path::PathBuf>| field.is_some();
        let needs = |field: &str, other: &str| {
            Err(self.error(
                &format!("population.{field}"),
                format!("needs `population.{other}` as well"),
            ))
        };
        let clash = |field: &str, other: &str| {
            Err(self.error(
                &format!("population.{field}"),
                format!("give either `{field}` or `{other}`, not both: each places residents its own way"),
            ))
        };
        if given(&p.non_hukou_share_raster) && !given(&p.raster) {
            return needs("non_hukou_share_raster", "raster");
        }
        if given(&p.hukou_raster) != given(&p.non_hukou_raster) {
            return match given(&p.hukou_raster) {
                true => needs("hukou_raster", "non_hukou_raster"),
                false => needs("non_hukou_raster", "hukou_raster"),
            };
        }
        if given(&p.raster) && given(&p.hukou_raster) {
            return clash("raster", "hukou_raster");
        }
        let any_raster = given(&p.raster) || given(&p.hukou_raster);
        if any_raster && given(&p.weights) {
            return clash("weights", "a population raster");
        }
        if p.weight_field.is_some() && !given(&p.weights) {
            return needs("weight_field", "weights");
        }
        let is_osm = p
            .weights
            .as_ref()
            .and_then(|w| w.extension())
            .is_some_and(|e| e.eq_ignore_ascii_case("pbf"));
        if is_osm && p.weight_field.is_some() {
            return Err(self.error(
                "population.weight_field",
                "OpenStreetMap buildings are weighed by footprint × `building:levels`; leave `weight_field` out".into(),
            ));
        }
        if s.demand_points.is_some() && (any_raster || given(&p.weights)) {
            return Err(self.error(
                "demand_points",
                "homes given as points already place every resident: leave out the population rasters and weights".into(),
            ));
        }
        Ok(())
    }

    fn service(&self, name: &str, settings: &ServiceSettings) -> Result<(), InputError> {
        let field = |key: &str| format!("services.{name}.{key}");
        let numbers = [
            ("per_resident", settings.per_resident, Range::Positive),
            (
                "access.hukou",
                settings.access.map(|a| a.hukou),
                Range::Share,
            ),
            (
                "access.non_hukou",
                settings.access.map(|a| a.non_hukou),
                Range::Share,
            ),
            (
                "new_site_capacity",
                settings.new_site_capacity,
                Range::Positive,
            ),
            ("new_site_cost", settings.new_site_cost, Range::NonNegative),
            ("min_load_share", settings.min_load_share, Range::Share),
            (
                "travel_price_per_km",
                settings.travel_price_per_km,
                Range::NonNegative,
            ),
            (
                "beyond_standard_price",
                settings.beyond_standard_price,
                Range::NonNegative,
            ),
            ("unplaced_price", settings.unplaced_price, Range::Positive),
            ("budget", settings.budget, Range::NonNegative),
            (
                "candidate_spacing_m",
                settings.candidate_spacing_m,
                Range::Positive,
            ),
            (
                "expansion.capacity",
                settings.expansion.map(|e| e.capacity),
                Range::Positive,
            ),
            (
                "expansion.cost",
                settings.expansion.map(|e| e.cost),
                Range::NonNegative,
            ),
        ];
        for (key, value, range) in numbers {
            self.number(&field(key), value, range)?;
        }
        let urban = KindSettings {
            radius_m: settings.radius_m,
            max_travel_m: settings.max_travel_m,
            sizes: settings.sizes.clone(),
        };
        self.kind(&field(""), &urban)?;
        if let Some(rural) = &settings.rural {
            self.kind(&field("rural."), rural)?;
        }
        Ok(())
    }

    /// The figures of one kind of zone; `prefix` ends with the dot before the field.
    fn kind(&self, prefix: &str, kind: &KindSettings) -> Result<(), InputError> {
        self.number(&format!("{prefix}radius_m"), kind.radius_m, Range::Positive)?;
        self.number(
            &format!("{prefix}max_travel_m"),
            kind.max_travel_m,
            Range::Positive,
        )?;
        match &kind.sizes {
            Some(sizes) => self.sizes(&format!("{prefix}sizes"), sizes),
            None => Ok(()),
        }
    }

    fn sizes(&self, field: &str, sizes: &[SizeSettings]) -> Result<(), InputError> {
        if sizes.is_empty() {
            return Err(self.error(field, "give at least one size".into()));
        }
        for (k, size) in sizes.iter().enumerate() {
            let part = |key: &str| format!("{field}[{k}].{key}");
            self.number(&part("capacity"), Some(size.capacity), Range::Positive)?;
            self.number(&part("cost"), Some(size.cost), Range::NonNegative)?;
        }
        Ok(())
    }
}

/// Checks every number of the scenario against its range.
///
/// # Errors
/// [`InputError::BadField`] naming the file holding the first value out of range, its field
/// path and what the value must be.
pub(super) fn check(scenario: &Scenario) -> Result<(), InputError> {
    let checker = Checker { scenario };
    checker.city()?;
    for (name, settings) in &scenario.services {
        checker.service(name, settings)?;
    }
    Ok(())
}
