//! A phased plan's reports: the figures of each service in each phase, what each phase
//! builds and enlarges, and the whole plan's value against planning one phase at a time.

use super::{district_rows, percent, summary_json};
use crate::csv_text::{csv_bytes, FormatError};
use crate::markup::whole;
use crate::pipeline::{PhasedCityPlan, ServicePlan};
use crate::solve::{relative_gap, Outcome};
use geo::Point;
use serde_json::{json, Value};
use std::fmt::Write;

/// The figures of one service in one phase, from that phase's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseRow {
    /// The service's name.
    pub service: String,
    /// The phase's year.
    pub year: i32,
    /// Residents of the planned zones that year.
    pub residents: u64,
    /// Demand of the service, in its unit.
    pub demand: f64,
    /// Demand placed within the standard's radius.
    pub within_standard: f64,
    /// Demand without a place.
    pub unplaced: f64,
    /// New sites open that year, all built so far.
    pub new_sites: u64,
    /// Places at the new sites open that year.
    pub new_places: f64,
    /// Share of those places in use.
    pub new_site_utilisation: Option<f64>,
    /// Sites the phase opens.
    pub opened: usize,
    /// Sites the phase enlarges.
    pub grown: usize,
    /// The phase's part of the whole plan's value.
    pub value: Option<f64>,
}

/// What one site does in one phase.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteChange {
    /// The service's name.
    pub service: String,
    /// The site's id in that phase (its size's id for a sized plot).
    pub site: String,
    /// Where it is.
    pub location: Point<f64>,
    /// The phase's year.
    pub year: i32,
    /// `existing`, `opens`, `grows`, or `open` (as it was).
    pub change: &'static str,
    /// Its size's name, for a sized plot.
    pub size: Option<String>,
    /// Its places that year.
    pub capacity: Option<f64>,
    /// Demand it serves that year.
    pub load: f64,
}

/// Each service's figures in each phase, service by service.
pub fn phase_rows(plan: &PhasedCityPlan) -> Vec<PhaseRow> {
    let summaries: Vec<Value> = plan
        .phases
        .iter()
        .map(|city| summary_json(city, &district_rows(city)))
        .collect();
    let changes = site_changes(plan);
    let mut rows = Vec::new();
    for (k, whole_plan) in plan.services.iter().enumerate() {
        let name = whole_plan.kind.name();
        for (t, (&year, summary)) in plan.years.iter().zip(&summaries).enumerate() {
            let figures = &summary["services"][k];
            let number = |key: &str| figures[key].as_f64().unwrap_or(0.0);
            let counted = |change: &str| {
                changes
                    .iter()
                    .filter(|c| c.service == name && c.year == year && c.change == change)
                    .count()
            };
            let value = match &plan.phases[t].services[k].outcome {
                Outcome::Solved(solution) => Some(solution.objective),
                Outcome::Infeasible(_) => None,
            };
            rows.push(PhaseRow {
                service: name.to_string(),
                year,
                residents: summary["residents_on_demand_points"].as_u64().unwrap_or(0),
                demand: number("demand"),
                within_standard: number("served_within_standard"),
                unplaced: number("unplaced"),
                new_sites: figures["new_sites"].as_u64().unwrap_or(0),
                new_places: number("added_capacity"),
                new_site_utilisation: figures["new_site_utilisation"].as_f64(),
                opened: counted("opens"),
                grown: counted("grows"),
                value,
            });
        }
    }
    rows
}

/// Every site open in some phase, phase by phase: when it opens, when it grows.
pub fn site_changes(plan: &PhasedCityPlan) -> Vec<SiteChange> {
    let mut changes = Vec::new();
    for k in 0..plan.services.len() {
        let service_plans: Vec<&ServicePlan> =
            plan.phases.iter().map(|city| &city.services[k]).collect();
        let problem = &service_plans[0].problem;
        let plots = problem.plots();
        let mut before: Vec<Option<usize>> = vec![None; plots.len()];
        for (t, service) in service_plans.iter().enumerate() {
            let Outcome::Solved(solution) = &service.outcome else {
                continue;
            };
            let loads = solution.assignment.loads(&service.problem);
            for (p, members) in plots.iter().enumerate() {
                let Some(&j) = members.iter().find(|&&j| solution.assignment.open[j]) else {
                    continue;
                };
                let site = &service.problem.sites()[j];
                let capacity =
                    |j: usize| service.problem.sites()[j].capacity.unwrap_or(f64::INFINITY);
                let change = match before[p] {
                    _ if site.is_existing() => "existing",
                    None => "opens",
                    Some(earlier) if capacity(j) > capacity(earlier) => "grows",
                    Some(_) => "open",
                };
                before[p] = Some(j);
                changes.push(SiteChange {
                    service: service.service.kind.name().to_string(),
                    site: site.id.clone(),
                    location: service.sites[j].location,
                    year: plan.years[t],
                    change,
                    size: service.sites[j].size.clone(),
                    capacity: site.capacity,
                    load: loads[j],
                });
            }
        }
    }
    changes
}

/// `phases.csv`: each service's figures in each phase.
///
/// # Errors
/// [`FormatError`] when the table cannot be formatted.
pub fn phases_csv(rows: &[PhaseRow]) -> Result<Vec<u8>, FormatError> {
    let header = [
        "service",
        "year",
        "residents",
        "demand",
        "served_within_standard",
        "unplaced",
        "new_sites",
        "new_places",
        "new_site_utilisation",
        "sites_opened",
        "sites_grown",
        "phase_value",
    ];
    let optional = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let lines = rows.iter().map(|r| {
        vec![
            r.service.clone(),
            r.year.to_string(),
            r.residents.to_string(),
            r.demand.to_string(),
            r.within_standard.to_string(),
            r.unplaced.to_string(),
            r.new_sites.to_string(),
            r.new_places.to_string(),
            optional(r.new_site_utilisation),
            r.opened.to_string(),
            r.grown.to_string(),
            optional(r.value),
        ]
    });
    csv_bytes("phases.csv", header, lines)
}

/// `summary.json` of a phased plan: the phasing, each service's whole value and the
/// phase-by-phase comparison, and the figures by phase.
pub fn phased_summary_json(plan: &PhasedCityPlan, rows: &[PhaseRow]) -> Value {
    let services: Vec<Value> = plan
        .services
        .iter()
        .map(|s| {
            let (value, bound) = s.value.unzip();
            json!({
                "service": s.kind.name(),
                "objective_value": value,
                "bound": bound,
                "gap": s.value.map(|(v, b)| relative_gap(v, b)),
                "planned_one_phase_at_a_time": s.in_sequence,
                "whole_model_searched": s.whole_model_searched,
                "phases": rows.iter().filter(|r| r.service == s.kind.name()).map(|r| json!({
                    "year": r.year,
                    "residents": r.residents,
                    "demand": r.demand,
                    "served_within_standard": r.within_standard,
                    "unplaced": r.unplaced,
                    "new_sites": r.new_sites,
                    "new_places": r.new_places,
                    "new_site_utilisation": r.new_site_utilisation,
                    "sites_opened": r.opened,
                    "sites_grown": r.grown,
                    "phase_value": r.value,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "title": plan.scenario.title,
        "basis": plan.scenario.basis.name(),
        "assumptions": plan.scenario.assumptions,
        "years": plan.years,
        "discount_rate": plan.scenario.phases.as_ref().map(|p| p.discount_rate),
        "growth_premium": plan.phasing.growth_premium,
        "build_weights": plan.phasing.build_weight,
        "use_weights": plan.phasing.use_weight,
        "services": services,
    })
}

/// `summary.md` of a phased plan, for the planner: the whole plan per service, a table by
/// phase, and what each phase builds.
pub fn phased_summary_markdown(plan: &PhasedCityPlan, rows: &[PhaseRow]) -> String {
    let mut text = String::new();
    let years: Vec<String> = plan.years.iter().map(|y| y.to_string()).collect();
    let _ = writeln!(text, "# {}\n", plan.scenario.title);
    let _ = writeln!(
        text,
        "A phased plan for {}: what to build by each year, so that nothing built early is wasted later. Sites opened stay open and sites grow but never shrink. What a later phase builds counts at a discount of {} per year; enlarging a site already open costs {} more than building that size at once. Each phase's plan, with every layer and table of a plan, is in its own folder ({}).\n",
        years.join(", "),
        percent_text(plan.scenario.phases.as_ref().map_or(0.0, |p| p.discount_rate)),
        percent_text(plan.phasing.growth_premium),
        years.iter().map(|y| format!("`{y}/`")).collect::<Vec<_>>().join(", "),
    );
    let _ = writeln!(text, "## The plan in brief\n");
    for service in &plan.services {
        let name = service.kind.name();
        let Some((value, bound)) = service.value else {
            let _ = writeln!(
                text,
                "- **{name}**: no plan (see each phase's summary.md for why)."
            );
            continue;
        };
        let sequence = match service.in_sequence {
            Some(_) if !service.whole_model_searched => " This is the plan of one phase at a time (each phase fixed before the next): the model of every phase at once is too large to search and was solved for its bound only (docs/phased.md in defacto's repository).".to_string(),
            Some(alone) if alone > value => format!(
                " Planning one phase at a time (each phase fixed before the next) would cost {} ({} more).",
                whole(alone),
                percent(alone - value, value)
            ),
            Some(_) => " Planning one phase at a time would cost the same.".to_string(),
            None => String::new(),
        };
        let _ = writeln!(
            text,
            "- **{name}**: value {} (construction discounted plus the phases' travel and unplaced prices), proven bound {}, gap {}.{sequence}",
            whole(value),
            whole(bound),
            percent(value - bound, value),
        );
    }
    let _ = writeln!(text, "\n## By phase\n");
    let _ = writeln!(
        text,
        "| service | year | residents | demand | within standard | without a place | new sites open | places at new sites | in use | opened | enlarged | phase value |"
    );
    let _ = writeln!(text, "|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.service,
            r.year,
            whole(r.residents as f64),
            whole(r.demand),
            whole(r.within_standard),
            whole(r.unplaced),
            r.new_sites,
            whole(r.new_places),
            r.new_site_utilisation.map_or("–".into(), percent_text),
            r.opened,
            r.grown,
            r.value.map_or("–".into(), whole),
        );
    }
    let _ = writeln!(text, "\n## What each phase builds\n");
    let changes = site_changes(plan);
    for service in &plan.services {
        let name = service.kind.name();
        for &year in &plan.years {
            let built: Vec<String> = changes
                .iter()
                .filter(|c| c.service == name && c.year == year)
                .filter(|c| c.change == "opens" || c.change == "grows")
                .map(|c| {
                    let verb = match c.change {
                        "opens" => "opens",
                        _ => "is enlarged",
                    };
                    let places = c
                        .capacity
                        .map_or(String::new(), |p| format!(", {} places", whole(p)));
                    format!("{} {verb}{places}", c.site)
                })
                .collect();
            if !built.is_empty() {
                let _ = writeln!(text, "- **{name}, {year}**: {}.", built.join("; "));
            }
        }
    }
    if !plan.scenario.assumptions.is_empty() {
        let _ = writeln!(text, "\n## Assumptions\n");
        for assumption in &plan.scenario.assumptions {
            let _ = writeln!(text, "- {assumption}");
        }
    }
    text
}

/// A share as a percentage with one decimal.
fn percent_text(share: f64) -> String {
    format!("{:.1} %", 100.0 * share)
}
