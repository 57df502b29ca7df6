//! What a planning bureau reads: per district and service, demand, what the plan serves
//! within the standard and what stays unmet, split by hukou and non-hukou residents; the
//! figures behind every number; `summary.json` and `summary.md`.

use crate::demand::ResidentPoint;
use crate::export::{csv_bytes, ExportError};
use crate::pipeline::{CityPlan, ServicePlan};
use crate::plan::round;
use crate::solve::Outcome;
use serde_json::{json, Value};
use std::fmt::Write;

/// One district's figures for one service.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictRow {
    /// Zone code.
    pub zone: String,
    /// Zone name.
    pub zone_name: String,
    /// Service name.
    pub service: &'static str,
    /// Demand from registered residents.
    pub demand_hukou: f64,
    /// Demand from non-hukou residents.
    pub demand_non_hukou: f64,
    /// Demand served within the service radius, registered residents.
    pub served_hukou: f64,
    /// Demand served within the service radius, non-hukou residents.
    pub served_non_hukou: f64,
}

impl DistrictRow {
    fn demand(&self) -> f64 {
        self.demand_hukou + self.demand_non_hukou
    }

    fn served(&self) -> f64 {
        self.served_hukou + self.served_non_hukou
    }
}

/// A service's demand and demand served within the standard, over all districts.
pub fn service_totals(rows: &[DistrictRow], service: &str) -> (f64, f64) {
    rows.iter()
        .filter(|r| r.service == service)
        .fold((0.0, 0.0), |(d, s), r| (d + r.demand(), s + r.served()))
}

/// Figures per planned district and service, in zone order then service order.
pub fn district_rows(plan: &CityPlan) -> Vec<DistrictRow> {
    let mut rows = Vec::new();
    for (z, zone) in plan.zones.iter().enumerate() {
        if !plan.planned[z] {
            continue;
        }
        for service in &plan.services {
            let mut row = DistrictRow {
                zone: zone.code.clone(),
                zone_name: zone.name.clone(),
                service: service.service.kind.name(),
                demand_hukou: 0.0,
                demand_non_hukou: 0.0,
                served_hukou: 0.0,
                served_non_hukou: 0.0,
            };
            let shares = (0..service.demand.len()).map(|i| served_share(service, i));
            let unreachable = service.unreachable.iter().map(|_| 0.0);
            let all = service.demand.iter().chain(&service.unreachable);
            for (&(point, demand), share) in all.zip(shares.chain(unreachable)) {
                if plan.points[point].zone != z {
                    continue;
                }
                row.demand_hukou += demand.hukou;
                row.demand_non_hukou += demand.non_hukou;
                row.served_hukou += demand.hukou * share;
                row.served_non_hukou += demand.non_hukou * share;
            }
            rows.push(row);
        }
    }
    rows
}

fn served_share(service: &ServicePlan, i: usize) -> f64 {
    match &service.outcome {
        Outcome::Solved(solution) => solution.assignment.served_share(i),
        Outcome::Infeasible(_) => 0.0,
    }
}

/// The figures of one district and service after its zone and service columns, named as in
/// `districts.csv` and the districts layer, rounded to 1e-6: demand, served within the
/// standard, unmet (each by group), and the share served (1 where there is no demand).
pub fn district_figures(row: &DistrictRow) -> [(&'static str, f64); 8] {
    let share = match row.demand() > 0.0 {
        true => row.served() / row.demand(),
        false => 1.0,
    };
    let values = [
        row.demand(),
        row.demand_hukou,
        row.demand_non_hukou,
        row.served(),
        row.demand() - row.served(),
        row.demand_hukou - row.served_hukou,
        row.demand_non_hukou - row.served_non_hukou,
        share,
    ];
    std::array::from_fn(|k| (DISTRICT_FIGURES[k], round(values[k])))
}

/// The names of the [`district_figures`], in order.
pub const DISTRICT_FIGURES: [&str; 8] = [
    "demand",
    "demand_hukou",
    "demand_non_hukou",
    "served_within_standard",
    "unmet",
    "unmet_hukou",
    "unmet_non_hukou",
    "served_share",
];

/// `districts.csv`: zone, zone name, service and the [`district_figures`].
///
/// # Errors
/// [`ExportError::Format`] if a row cannot be written.
pub fn districts_csv(rows: &[DistrictRow]) -> Result<Vec<u8>, ExportError> {
    let mut header = vec!["zone", "zone_name", "service"];
    header.extend(DISTRICT_FIGURES);
    let lines = rows.iter().map(|r| {
        let mut cells = vec![r.zone.clone(), r.zone_name.clone(), r.service.to_string()];
        cells.extend(district_figures(r).map(|(_, value)| value.to_string()));
        cells
    });
    csv_bytes("districts.csv", header, lines)
}

/// `summary.json`: the scenario, population totals, and per service the plan's figures.
pub fn summary_json(plan: &CityPlan, rows: &[DistrictRow]) -> Value {
    let planned_people: u64 = plan
        .residents
        .iter()
        .zip(&plan.planned)
        .filter(|(_, &p)| p)
        .map(|(r, _)| r.total())
        .sum();
    let spread_people: u64 = plan.points.iter().map(|p| p.residents.total()).sum();
    let services: Vec<Value> = plan
        .services
        .iter()
        .map(|s| service_json(s, rows, &plan.points))
        .collect();
    json!({
        "title": plan.scenario.title,
        "basis": plan.scenario.basis.name(),
        "assumptions": plan.scenario.assumptions,
        "residents_in_planned_zones": planned_people,
        "residents_on_demand_points": spread_people,
        "demand_points": plan.points.len(),
        "services": services,
    })
}

fn service_json(service: &ServicePlan, rows: &[DistrictRow], points: &[ResidentPoint]) -> Value {
    let name = service.service.kind.name();
    let (demand, served) = service_totals(rows, name);
    let counts = site_counts(service);
    let (status, objective, bound, gap, diagnosis) = match &service.outcome {
        Outcome::Solved(s) => (
            s.status.name(),
            json!(s.objective),
            json!(s.bound),
            json!(s.gap()),
            vec![],
        ),
        Outcome::Infeasible(d) => (
            "infeasible",
            Value::Null,
            Value::Null,
            Value::Null,
            d.reasons.iter().map(ToString::to_string).collect(),
        ),
    };
    json!({
        "service": name,
        "unit": service.service.unit,
        "objective": service.service.objective.name(),
        "status": status,
        "objective_value": objective,
        "bound": bound,
        "gap": gap,
        "existing_sites": counts.existing,
        "expanded_sites": counts.expanded,
        "new_sites": counts.new,
        "candidate_sites": service.problem.sites().len(),
        "demand": round(demand),
        "served_within_standard": round(served),
        "unmet": round(demand - served),
        "diagnosis": diagnosis,
        "out_of_reach": out_of_reach(service, points),
        "streets": service.streets.map(|s| json!({
            "nodes": s.built.nodes,
            "edges": s.built.edges,
            "dropped_pieces": s.built.dropped.pieces,
            "dropped_nodes": s.built.dropped.nodes,
            "homes_off_streets": s.homes_off_streets,
            "sites_off_streets": s.sites_off_streets,
        })),
    })
}

/// The demand points no site can reach: how many, their demand, their ids.
fn out_of_reach(service: &ServicePlan, points: &[ResidentPoint]) -> Value {
    let demand: f64 = service.unreachable.iter().map(|(_, d)| d.total()).sum();
    let ids: Vec<&str> = service
        .unreachable
        .iter()
        .map(|&(i, _)| points[i].id.as_str())
        .collect();
    json!({ "points": ids.len(), "demand": round(demand), "ids": ids })
}

/// How many sites of each kind a plan has open.
struct SiteCounts {
    existing: usize,
    expanded: usize,
    new: usize,
}

fn site_counts(service: &ServicePlan) -> SiteCounts {
    use crate::model::SiteStatus;
    let sites = service.problem.sites();
    let open = |status: SiteStatus| match &service.outcome {
        Outcome::Solved(s) => sites
            .iter()
            .zip(&s.assignment.open)
            .filter(|(site, &o)| o && site.status == status)
            .count(),
        Outcome::Infeasible(_) => 0,
    };
    SiteCounts {
        existing: sites.iter().filter(|s| s.is_existing()).count(),
        expanded: open(SiteStatus::Expansion),
        new: open(SiteStatus::Candidate),
    }
}

/// `summary.md`: the plan in words and tables a planner can paste into a memo.
pub fn summary_markdown(plan: &CityPlan, rows: &[DistrictRow]) -> String {
    let mut text = String::new();
    let scenario = &plan.scenario;
    let planned: Vec<&str> = plan
        .zones
        .iter()
        .zip(&plan.planned)
        .filter(|(_, &p)| p)
        .map(|(z, _)| z.name.as_str())
        .collect();
    let people: u64 = plan.points.iter().map(|p| p.residents.total()).sum();
    let migrants: u64 = plan.points.iter().map(|p| p.residents.non_hukou).sum();
    let _ = writeln!(text, "# {}\n", scenario.title);
    let _ = writeln!(
        text,
        "Planning basis: **{}**. Zones planned: {}. Residents: {people} ({migrants} without local hukou), on {} demand points {}.\n",
        scenario.basis.name(),
        planned.join(", "),
        plan.points.len(),
        match &scenario.demand_points {
            Some(given) => format!("given in {}", given.file.display()),
            None => format!("spread on {} m cells", scenario.grid.cell_m),
        },
    );
    let _ = writeln!(
        text,
        "| service | objective | status | value | proven bound | existing | expanded | new sites | demand | served within standard | unmet |"
    );
    let _ = writeln!(text, "|---|---|---|---|---|---|---|---|---|---|---|");
    for service in &plan.services {
        let summary = service_json(service, rows, &plan.points);
        let figure = |key: &str| match summary[key].as_f64() {
            Some(value) => format!("{value:.0}"),
            None => "–".into(),
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.0} {} | {:.0} | {:.0} |",
            summary["service"].as_str().unwrap_or_default(),
            summary["objective"].as_str().unwrap_or_default(),
            summary["status"].as_str().unwrap_or_default(),
            figure("objective_value"),
            figure("bound"),
            summary["existing_sites"],
            summary["expanded_sites"],
            summary["new_sites"],
            summary["demand"].as_f64().unwrap_or_default(),
            service.service.unit,
            summary["served_within_standard"]
                .as_f64()
                .unwrap_or_default(),
            summary["unmet"].as_f64().unwrap_or_default(),
        );
    }
    let _ = writeln!(
        text,
        "\n*Status* `optimal` means no plan is better; `feasible` means the time limit ended the search, and no plan can beat the proven bound (fewest sites: at least the bound; most covered: at most the bound)."
    );
    write_diagnoses(&mut text, plan);
    write_assumptions(&mut text, plan);
    write_districts(&mut text, rows);
    write_parameters(&mut text, plan);
    text
}

fn write_assumptions(text: &mut String, plan: &CityPlan) {
    if plan.scenario.assumptions.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n## Assumptions in the data\n");
    for assumption in &plan.scenario.assumptions {
        let _ = writeln!(text, "- {assumption}");
    }
}

fn write_diagnoses(text: &mut String, plan: &CityPlan) {
    for service in &plan.services {
        if let (Some(streets), Some(travel)) = (service.streets, &plan.scenario.travel) {
            let _ = writeln!(
                text,
                "\n{}: travel along the streets of {} ({}): {} nodes and {} directed edges kept, {} detached piece(s) with {} nodes dropped; {} home(s) and {} site(s) more than {} m from any street.",
                service.service.kind,
                travel.network.display(),
                travel.profile.name(),
                streets.built.nodes,
                streets.built.edges,
                streets.built.dropped.pieces,
                streets.built.dropped.nodes,
                streets.homes_off_streets,
                streets.sites_off_streets,
                travel.max_snap_m
            );
        }
        if !service.unreachable.is_empty() {
            let reach = out_of_reach(service, &plan.points);
            let ids: Vec<&str> = reach["ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let _ = writeln!(
                text,
                "\n**{}: {} demand point(s) with {:.0} {} have no site within {} {}** (counted as unmet; the plan serves everyone else): {}",
                service.service.kind,
                ids.len(),
                reach["demand"].as_f64().unwrap_or_default(),
                service.service.unit,
                service.service.reach,
                service.service.travel_unit.symbol(),
                ids.join(", ")
            );
        }
        if let Outcome::Infeasible(diagnosis) = &service.outcome {
            let _ = writeln!(
                text,
                "\n**{} has no plan that meets the standard:**\n",
                service.service.kind
            );
            for reason in &diagnosis.reasons {
                let _ = writeln!(text, "- {reason}");
            }
        }
    }
}

fn write_districts(text: &mut String, rows: &[DistrictRow]) {
    let _ = writeln!(text, "\n## By district\n");
    let _ = writeln!(
        text,
        "| district | service | demand | of which non-hukou | unmet | unmet non-hukou |"
    );
    let _ = writeln!(text, "|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            text,
            "| {} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            r.zone_name,
            r.service,
            r.demand(),
            r.demand_non_hukou,
            r.demand() - r.served(),
            r.demand_non_hukou - r.served_non_hukou
        );
    }
}

fn write_parameters(text: &mut String, plan: &CityPlan) {
    let _ = writeln!(
        text,
        "\n## Figures used\n\nValues whose source starts with *assumption* are the project's; replace them in the scenario file when the bureau has real figures.\n"
    );
    let _ = writeln!(text, "| service | parameter | value | source |");
    let _ = writeln!(text, "|---|---|---|---|");
    for service in &plan.services {
        for parameter in &service.service.parameters {
            let _ = writeln!(
                text,
                "| {} | {} | {} | {} |",
                service.service.kind, parameter.name, parameter.value, parameter.source
            );
        }
    }
}
