//! Scenarios side by side: the same indicators for each finished plan — demand served within
//! the standard's reach, mean and 95th-percentile travel, unmet demand, sites and places
//! added, cost, utilisation — per service, for everyone, registered (hukou) and non-hukou
//! residents, and per district, each with its difference from the first scenario.
//!
//! [`read::read_plan_folder`] reads a plan folder back, [`figures::PlanFigures`] computes a
//! plan's indicators, [`Comparison::rows`] lines them up, and [`tables`] and [`html`] write
//! them as Markdown, CSV, JSON and a one-file HTML report.

pub mod figures;
pub mod html;
pub mod read;
pub mod story;
pub mod tables;

use crate::csv_text::FormatError;
use figures::{Access, Building, Group, PlanFigures, ServiceFigures};
use read::PlanTables;

/// Names of the files `defacto compare` writes, in the order [`files`] makes them.
pub const FILES: [&str; 4] = [
    "comparison.md",
    "comparison.csv",
    "comparison.json",
    "report.html",
];

/// A comparison's Markdown, CSV, JSON and HTML report, each with its file name; `tables` are
/// the plans' tables the report maps.
///
/// # Errors
/// [`FormatError`] when the CSV or JSON cannot be formatted.
pub fn files(
    comparison: &Comparison,
    tables: &[PlanTables],
) -> Result<Vec<(&'static str, Vec<u8>)>, FormatError> {
    let json = serde_json::to_vec_pretty(&tables::comparison_json(comparison)).map_err(|e| {
        FormatError {
            what: "comparison.json",
            message: e.to_string(),
        }
    })?;
    let contents = [
        tables::comparison_markdown(comparison).into_bytes(),
        tables::comparison_csv(comparison)?,
        json,
        html::report_html(comparison, tables).into_bytes(),
    ];
    Ok(FILES.into_iter().zip(contents).collect())
}

/// The plans compared, the first being the baseline of every difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// One entry per plan, in the order given.
    pub plans: Vec<PlanFigures>,
}

/// One indicator across the plans.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRow {
    /// Service name.
    pub service: String,
    /// `all`, `hukou`, `non_hukou`, or empty for what the plan builds.
    pub group: &'static str,
    /// The district, or empty for the whole plan.
    pub district: String,
    /// Indicator name, e.g. `served_share`.
    pub indicator: &'static str,
    /// Its unit, e.g. `pupils`, `m`, `share`.
    pub unit: String,
    /// Its value in each plan (`None` where the plan lacks the service or the value is
    /// undefined, such as travel when nobody is served).
    pub values: Vec<Option<f64>>,
}

impl IndicatorRow {
    /// Each later plan's value less the first plan's, where both exist.
    pub fn differences(&self) -> Vec<Option<f64>> {
        let first = self.values.first().copied().flatten();
        self.values
            .iter()
            .skip(1)
            .map(|value| Some(value.as_ref()? - first?))
            .collect()
    }
}

/// An indicator's name, its unit and how to read it from `T`.
type Indicator<T> = (&'static str, String, fn(&T) -> Option<f64>);

/// The indicators of one group's access, with their units.
fn access_indicators(unit: &str, travel_unit: &str) -> [Indicator<Access>; 7] {
    [
        ("demand", unit.to_owned(), |a| Some(a.demand)),
        ("served_within_standard", unit.to_owned(), |a| {
            Some(a.served)
        }),
        ("served_share", "share".into(), Access::served_share),
        ("unmet", unit.to_owned(), |a| Some(a.unmet())),
        ("without_a_place", unit.to_owned(), |a| Some(a.unplaced())),
        ("mean_travel", travel_unit.to_owned(), Access::mean_travel),
        ("p95_travel", travel_unit.to_owned(), Access::p95_travel),
    ]
}

/// The indicators of what a plan builds, with their units.
fn building_indicators(unit: &str) -> [Indicator<Building>; 6] {
    [
        ("new_sites", "sites".into(), |b| Some(b.new_sites as f64)),
        ("expanded_sites", "sites".into(), |b| {
            Some(b.expanded_sites as f64)
        }),
        ("existing_sites", "sites".into(), |b| {
            Some(b.existing_sites as f64)
        }),
        ("added_capacity", unit.to_owned(), |b| {
            Some(b.added_capacity)
        }),
        ("cost", "cost units".into(), |b| Some(b.cost)),
        ("utilisation", "share".into(), |b| b.utilisation),
    ]
}

/// Each name once, in the order it first appears.
fn first_appearances<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}

impl Comparison {
    /// The plans' names, the baseline first.
    pub fn names(&self) -> Vec<&str> {
        self.plans.iter().map(|p| p.name.as_str()).collect()
    }

    /// Every service any plan has, in the order they first appear.
    pub fn services(&self) -> Vec<&str> {
        first_appearances(
            self.plans
                .iter()
                .flat_map(|plan| plan.services.iter().map(|s| s.service.as_str())),
        )
    }

    /// The first plan's figures for `service` that have one, for its unit.
    fn first_with(&self, service: &str) -> Option<(&PlanFigures, &ServiceFigures)> {
        self.plans
            .iter()
            .find_map(|plan| plan.service(service).map(|s| (plan, s)))
    }

    /// Every district of `service`, in the order they first appear.
    fn districts(&self, service: &str) -> Vec<&str> {
        first_appearances(self.plans.iter().flat_map(|plan| {
            let districts = plan.service(service).map_or(&[][..], |s| &s.districts);
            districts.iter().map(|(name, _)| name.as_str())
        }))
    }

    /// All indicators, service by service: what the plan builds, access by group, then
    /// access by district and group.
    pub fn rows(&self) -> Vec<IndicatorRow> {
        let mut rows = Vec::new();
        for service in self.services() {
            let Some((first, figures)) = self.first_with(service) else {
                continue;
            };
            let unit = &figures.unit;
            for (indicator, unit, value) in building_indicators(unit) {
                rows.push(IndicatorRow {
                    service: service.to_owned(),
                    group: "",
                    district: String::new(),
                    indicator,
                    unit,
                    values: self.values(|plan| value(&plan.service(service)?.building)),
                });
            }
            let access_rows = |district: &str, rows: &mut Vec<IndicatorRow>| {
                for (g, group) in Group::ALL.into_iter().enumerate() {
                    for (indicator, unit, value) in access_indicators(unit, first.travel_unit) {
                        let access = |plan: &PlanFigures| -> Option<f64> {
                            let figures = plan.service(service)?;
                            let access = match district {
                                "" => &figures.access[g],
                                name => &figures.districts.iter().find(|d| d.0 == name)?.1[g],
                            };
                            value(access)
                        };
                        rows.push(IndicatorRow {
                            service: service.to_owned(),
                            group: group.name(),
                            district: district.to_owned(),
                            indicator,
                            unit,
                            values: self.values(access),
                        });
                    }
                }
            };
            access_rows("", &mut rows);
            for district in self.districts(service) {
                access_rows(district, &mut rows);
            }
        }
        rows
    }

    fn values(&self, value: impl Fn(&PlanFigures) -> Option<f64>) -> Vec<Option<f64>> {
        self.plans.iter().map(value).collect()
    }
}
