//! What a planning bureau reads: per district and service, demand, what the plan serves
//! within the standard and what stays unmet, split by hukou and non-hukou residents; the
//! figures behind every number; `summary.json` and `summary.md`; for a phased plan, the
//! figures by phase ([`phased`]).

pub mod phased;

use crate::csv_text::{csv_bytes, FormatError};
use crate::demand::{GroupDemand, ResidentPoint};
use crate::input::file_name;
use crate::markup::whole;
use crate::pipeline::{CityPlan, ServicePlan, Standing};
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
    /// Demand, by group.
    pub demand: GroupDemand,
    /// Demand placed at a site within the maximum travel, by group.
    pub placed: GroupDemand,
    /// Demand placed within the standard's radius, by group.
    pub within: GroupDemand,
}

/// Adds `b` to `a`, group by group.
fn add(a: &mut GroupDemand, b: GroupDemand) {
    a.hukou += b.hukou;
    a.non_hukou += b.non_hukou;
}

/// `a` less `b`, group by group.
fn less(a: GroupDemand, b: GroupDemand) -> GroupDemand {
    GroupDemand {
        hukou: a.hukou - b.hukou,
        non_hukou: a.non_hukou - b.non_hukou,
    }
}

/// A service's demand, placed demand and demand within the standard over all districts.
pub fn service_totals(rows: &[DistrictRow], service: &str) -> [GroupDemand; 3] {
    let mut totals = [GroupDemand::default(); 3];
    for row in rows.iter().filter(|r| r.service == service) {
        add(&mut totals[0], row.demand);
        add(&mut totals[1], row.placed);
        add(&mut totals[2], row.within);
    }
    totals
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
                demand: GroupDemand::default(),
                placed: GroupDemand::default(),
                within: GroupDemand::default(),
            };
            for access in &service.access {
                if plan.points[access.point].zone == z {
                    add(&mut row.demand, access.demand);
                    add(&mut row.placed, access.placed);
                    add(&mut row.within, access.within);
                }
            }
            rows.push(row);
        }
    }
    rows
}

/// The names of the [`district_figures`], in order.
pub const DISTRICT_FIGURES: [&str; 14] = [
    "demand",
    "demand_hukou",
    "demand_non_hukou",
    "placed",
    "served_within_standard",
    "served_within_standard_hukou",
    "served_within_standard_non_hukou",
    "beyond_standard",
    "unplaced",
    "unplaced_hukou",
    "unplaced_non_hukou",
    "unmet",
    "unmet_non_hukou",
    "served_share",
];

/// The figures of one district and service after its zone and service columns, named as in
/// `districts.csv` and the districts layer, rounded to 1e-6: demand; demand placed at a site
/// within the maximum travel, and within the standard's radius; placed beyond the standard;
/// without a place; *unmet*, without a place within the standard (beyond it or none); and
/// the share served within the standard (1 where there is no demand).
pub fn district_figures(row: &DistrictRow) -> [(&'static str, f64); 14] {
    let demand = row.demand.total();
    let share = match demand > 0.0 {
        true => row.within.total() / demand,
        false => 1.0,
    };
    let unplaced = less(row.demand, row.placed);
    let unmet = less(row.demand, row.within);
    let values = [
        demand,
        row.demand.hukou,
        row.demand.non_hukou,
        row.placed.total(),
        row.within.total(),
        row.within.hukou,
        row.within.non_hukou,
        row.placed.total() - row.within.total(),
        unplaced.total(),
        unplaced.hukou,
        unplaced.non_hukou,
        unmet.total(),
        unmet.non_hukou,
        share,
    ];
    std::array::from_fn(|k| (DISTRICT_FIGURES[k], round(values[k])))
}

/// `districts.csv`: zone, zone name, service and the [`district_figures`].
///
/// # Errors
/// [`FormatError`] if a row cannot be written.
pub fn districts_csv(rows: &[DistrictRow]) -> Result<Vec<u8>, FormatError> {
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
        "warnings": plan.warnings,
        "placement": plan.placement,
        "residents_in_planned_zones": planned_people,
        "residents_on_demand_points": spread_people,
        "demand_points": plan.points.len(),
        "services": services,
    })
}

fn service_json(service: &ServicePlan, rows: &[DistrictRow], points: &[ResidentPoint]) -> Value {
    let name = service.service.kind.name();
    let [demand, placed, within] = service_totals(rows, name);
    let building = Building::of(service);
    let (objective, bound, gap) = match &service.outcome {
        Outcome::Solved(s) => (json!(s.objective), json!(s.bound), json!(s.gap())),
        Outcome::Infeasible(_) => (Value::Null, Value::Null, Value::Null),
    };
    let group = |pick: fn(GroupDemand) -> f64| {
        json!({
            "demand": round(pick(demand)),
            "placed": round(pick(placed)),
            "served_within_standard": round(pick(within)),
            "unplaced": round(pick(demand) - pick(placed)),
            "unmet": round(pick(demand) - pick(within)),
        })
    };
    let sizes: Vec<Value> = building
        .by_size
        .iter()
        .map(|s| json!({"size": s.name, "sites": s.sites, "places": round(s.places), "cost": round(s.cost)}))
        .collect();
    json!({
        "service": name,
        "unit": service.service.unit,
        "objective": service.service.objective.name(),
        "judged_against_de_facto": service.judged,
        "status": service.standing().name(),
        "objective_value": objective,
        "bound": bound,
        "gap": gap,
        "existing_sites": building.existing,
        "expanded_sites": building.expanded,
        "new_sites": building.new,
        "new_sites_by_size": sizes,
        "added_capacity": round(building.added_places),
        "construction_cost": round(building.cost),
        "new_site_utilisation": building.new_utilisation().map(round),
        "candidate_sites": service.problem.plots().len(),
        "demand": round(demand.total()),
        "placed": round(placed.total()),
        "served_within_standard": round(within.total()),
        "beyond_standard": round(placed.total() - within.total()),
        "unplaced": round(demand.total() - placed.total()),
        "unmet": round(demand.total() - within.total()),
        "hukou": group(|g| g.hukou),
        "non_hukou": group(|g| g.non_hukou),
        "diagnosis": no_plan_reasons(service),
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

/// Why a service has no plan, in words; empty when it has one.
fn no_plan_reasons(service: &ServicePlan) -> Vec<String> {
    if service.standing() != Standing::Infeasible {
        return vec![];
    }
    match &service.outcome {
        Outcome::Infeasible(d) => d.reasons.iter().map(ToString::to_string).collect(),
        Outcome::Solved(_) if !service.unreachable.is_empty() => {
            let reach = format!(
                "{} {}",
                service.service.reach,
                service.service.travel_unit.symbol()
            );
            let (out, all) = (service.unreachable.len(), service.access.len());
            vec![match out == all {
                true => {
                    format!("the plan places nobody: no demand point has a site within {reach}")
                }
                false => format!(
                    "the plan places nobody: {out} of the {all} demand points have no site \
                     within {reach}, and the sites in reach of the others have no room"
                ),
            }]
        }
        Outcome::Solved(_) => vec![
            "the plan places nobody: no site within reach has room, or the limits on new \
             sites and budget allow none"
                .into(),
        ],
    }
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

/// What a plan builds for one service.
#[derive(Debug, Default)]
struct Building {
    existing: usize,
    expanded: usize,
    new: usize,
    /// New sites by size, in the order the sizes are listed.
    by_size: Vec<SizeCount>,
    /// Places of the new sites and expansions.
    added_places: f64,
    /// Demand served at new sites.
    new_load: f64,
    /// Places of the new sites.
    new_places: f64,
    /// Construction cost of new sites and expansions.
    cost: f64,
}

/// The size of a new site built in one size only (`min_sites`, `max_coverage`).
const UNSIZED: &str = "new site";

/// How many new sites of one size a plan opens.
#[derive(Debug)]
struct SizeCount {
    name: String,
    sites: usize,
    places: f64,
    cost: f64,
}

impl Building {
    fn of(service: &ServicePlan) -> Self {
        use crate::model::SiteStatus;
        let sites = service.problem.sites();
        let mut building = Building {
            existing: sites.iter().filter(|s| s.is_existing()).count(),
            ..Building::default()
        };
        let Outcome::Solved(solution) = &service.outcome else {
            return building;
        };
        let loads = solution.assignment.loads(&service.problem);
        for (j, site) in sites.iter().enumerate() {
            if !solution.assignment.open[j] || site.is_existing() {
                continue;
            }
            let places = site.capacity.unwrap_or(0.0);
            building.added_places += places;
            building.cost += site.fixed_cost;
            if site.status == SiteStatus::Expansion {
                building.expanded += 1;
                continue;
            }
            building.new += 1;
            building.new_load += loads[j];
            building.new_places += places;
            let name = service.sites[j]
                .size
                .clone()
                .unwrap_or_else(|| "new site".into());
            match building.by_size.iter_mut().find(|s| s.name == name) {
                Some(size) => {
                    size.sites += 1;
                    size.places += places;
                    size.cost += site.fixed_cost;
                }
                None => building.by_size.push(SizeCount {
                    name,
                    sites: 1,
                    places,
                    cost: site.fixed_cost,
                }),
            }
        }
        building
    }

    /// Demand served at new sites over their places.
    fn new_utilisation(&self) -> Option<f64> {
        (self.new_places > 0.0).then(|| self.new_load / self.new_places)
    }
}

/// Up to this many planned zones are named in the opening line of `summary.md`; more are
/// counted, since a city of 160 townships would open with a line of 160 names.
const ZONES_NAMED: usize = 12;

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
    let zones = match planned.len() {
        0..=ZONES_NAMED => planned.join(", "),
        count => format!("{count} (each in the district table below and in districts.csv)"),
    };
    let _ = writeln!(text, "# {}\n", scenario.title);
    let _ = writeln!(
        text,
        "Planning basis: **{}**. Zones planned: {zones}. Residents: {} ({} without local hukou), on {} demand points.\n\nWhere residents live: {}.\n",
        scenario.basis.name(),
        whole(people as f64),
        whole(migrants as f64),
        whole(plan.points.len() as f64),
        plan.placement,
    );
    write_brief(&mut text, plan, rows);
    write_plans_table(&mut text, plan, rows);
    write_trade_off(&mut text, plan);
    write_diagnoses(&mut text, plan);
    write_warnings(&mut text, plan);
    write_assumptions(&mut text, plan);
    write_districts(&mut text, rows);
    write_parameters(&mut text, plan);
    text
}

/// `part` as a percentage of `whole`, one decimal.
fn percent(part: f64, whole: f64) -> String {
    match whole > 0.0 {
        true => format!("{:.1} %", 100.0 * part / whole),
        false => "–".into(),
    }
}

/// The plan in a few sentences per service: what it builds, how full, who is placed where,
/// and for a plan by hukou what it leaves out of the de facto population.
fn write_brief(text: &mut String, plan: &CityPlan, rows: &[DistrictRow]) {
    let _ = writeln!(
        text,
        "## The plan in brief
"
    );
    for service in &plan.services {
        let unit = service.service.unit;
        let [demand, placed, within] = service_totals(rows, service.service.kind.name());
        let building = Building::of(service);
        let sizes: Vec<String> = building
            .by_size
            .iter()
            .filter(|s| s.name != UNSIZED)
            .map(|s| format!("{} of {}", s.sites, s.name))
            .collect();
        let built = match building.new {
            0 => "builds no new site".to_string(),
            n => format!(
                "builds {n} new site(s){} with {} places{}; they are {} full",
                match sizes.is_empty() {
                    true => String::new(),
                    false => format!(" ({})", sizes.join(", ")),
                },
                whole(building.new_places),
                match service.service.levels.is_some() {
                    true => format!(" at {} in construction", whole(building.cost)),
                    false => String::new(),
                },
                building
                    .new_utilisation()
                    .map_or("–".into(), |u| percent(u, 1.0)),
            ),
        };
        let radius = service.service.radius_m;
        let _ = writeln!(
            text,
            "- **{}**: {built}. Of {} {unit}, {} ({}) are placed within the standard's {} m, {} further away, {} without a place.",
            service.service.kind,
            whole(demand.total()),
            whole(within.total()),
            percent(within.total(), demand.total()),
            radius,
            whole(placed.total() - within.total()),
            whole(demand.total() - placed.total()),
        );
        if service.judged && demand.non_hukou > 0.0 {
            let _ = writeln!(
                text,
                "  Sized for registered residents only and judged against everyone who lives there, it leaves **{} of {} non-hukou {unit} without a place within the standard** ({} without any place).",
                whole(demand.non_hukou - within.non_hukou),
                whole(demand.non_hukou),
                whole(demand.non_hukou - placed.non_hukou),
            );
        }
    }
}

fn write_plans_table(text: &mut String, plan: &CityPlan, rows: &[DistrictRow]) {
    let _ = writeln!(
        text,
        "\n| service | model | status | value | proven bound | gap | existing | expanded | new sites | places added | new sites used | demand | within standard | beyond standard | without a place |"
    );
    let _ = writeln!(
        text,
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for service in &plan.services {
        let summary = service_json(service, rows, &plan.points);
        let figure = |key: &str| summary[key].as_f64().map_or("–".into(), whole);
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} {} | {} | {} | {} |",
            service.service.kind,
            service.service.objective.name(),
            summary["status"].as_str().unwrap_or_default(),
            figure("objective_value"),
            figure("bound"),
            summary["gap"]
                .as_f64()
                .map_or("–".into(), |g| format!("{:.2} %", 100.0 * g)),
            summary["existing_sites"],
            summary["expanded_sites"],
            summary["new_sites"],
            figure("added_capacity"),
            summary["new_site_utilisation"]
                .as_f64()
                .map_or("–".into(), |u| percent(u, 1.0)),
            figure("demand"),
            service.service.unit,
            figure("served_within_standard"),
            figure("beyond_standard"),
            figure("unplaced"),
        );
    }
    let _ = writeln!(
        text,
        "\n*Status* `optimal` means no plan is better; `feasible` means the search stopped at its gap, node or time limit: no plan is better than the proven bound, and the gap says how far the plan can be from the best; `partial` means a plan that leaves some demand without a place (out of reach, without room, or dearer to serve than the scenario's price for leaving it), counted below; `infeasible` means no plan, or one that places nobody."
    );
}

/// What the `min_cost` plans weigh against each other, in words.
fn write_trade_off(text: &mut String, plan: &CityPlan) {
    let priced: Vec<&ServicePlan> = plan
        .services
        .iter()
        .filter(|s| s.service.levels.is_some())
        .collect();
    if priced.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n## What the plan weighs\n");
    let _ = writeln!(
        text,
        "Each plan below builds where building costs less than the travel it saves: it minimises construction cost plus a price on travel, a price on every unit placed beyond the standard's radius, and a price on every unit left without a place. Nobody is placed beyond the maximum travel, and no new site opens below its minimum load. A higher price beyond the standard buys more, smaller sites nearer to people; a lower one fewer, fuller sites.\n"
    );
    let _ = writeln!(
        text,
        "| service | travel price per unit and km | beyond the standard, per unit | without a place, per unit | minimum load | standard / maximum travel (urban) | (rural) |"
    );
    let _ = writeln!(text, "|---|---|---|---|---|---|---|");
    for service in priced {
        let Some(levels) = &service.service.levels else {
            continue;
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {:.0} % of places | {} / {} m | {} / {} m |",
            service.service.kind,
            whole(levels.travel_price_per_km),
            whole(levels.beyond_standard_price),
            whole(levels.unplaced_price),
            100.0 * levels.min_load_share,
            levels.urban.radius,
            levels.urban.max_travel,
            levels.rural.radius,
            levels.rural.max_travel,
        );
    }
}

fn write_warnings(text: &mut String, plan: &CityPlan) {
    if plan.warnings.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n## Warnings about the input\n");
    for warning in &plan.warnings {
        let _ = writeln!(text, "- {warning}");
    }
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
                file_name(&travel.network),
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
            let more = match ids.len().saturating_sub(UNPLACED_IDS_SHOWN) {
                0 => String::new(),
                n => format!(" and {n} more (`unplaced` in demand_points.csv)"),
            };
            let _ = writeln!(
                text,
                "\n**{}: {} demand point(s) with {} {} have no site within {} {}** (counted as unmet): {}{more}",
                service.service.kind,
                whole(ids.len() as f64),
                whole(reach["demand"].as_f64().unwrap_or_default()),
                service.service.unit,
                service.service.reach,
                service.service.travel_unit.symbol(),
                ids[..ids.len().min(UNPLACED_IDS_SHOWN)].join(", ")
            );
        }
        write_unplaced(text, plan, service);
        let reasons = no_plan_reasons(service);
        if !reasons.is_empty() {
            let _ = writeln!(
                text,
                "\n**{} has no plan that meets the standard:**\n",
                service.service.kind
            );
            for reason in &reasons {
                let _ = writeln!(text, "- {reason}");
            }
        }
    }
}

/// How many ids of unplaced demand points `summary.md` lists (all are in
/// `demand_points.csv`, with `unplaced` > 0).
const UNPLACED_IDS_SHOWN: usize = 20;

/// Demand within reach of a site that the plan leaves without a place, and why.
fn write_unplaced(text: &mut String, plan: &CityPlan, service: &ServicePlan) {
    let Some(levels) = &service.service.levels else {
        return;
    };
    let out_of_reach: std::collections::BTreeSet<usize> = service
        .unreachable
        .iter()
        .map(|&(point, _)| point)
        .collect();
    let left: Vec<&crate::pipeline::PointAccess> = service
        .access
        .iter()
        .filter(|a| a.unplaced() > 1e-6 && !out_of_reach.contains(&a.point))
        .collect();
    if left.is_empty() {
        return;
    }
    let amount: f64 = left.iter().map(|a| a.unplaced()).sum();
    let ids: Vec<&str> = left
        .iter()
        .take(UNPLACED_IDS_SHOWN)
        .map(|a| plan.points[a.point].id.as_str())
        .collect();
    let more = left.len().saturating_sub(UNPLACED_IDS_SHOWN);
    let _ = writeln!(
        text,
        "\n**{}: {} {} on {} demand point(s) have no place.** {} The points: {}{}.",
        service.service.kind,
        whole(amount),
        service.service.unit,
        left.len(),
        match service.judged {
            true => "The plan's sites have no room left for them within the maximum travel (the plan was sized for registered residents).".to_string(),
            false => format!(
                "No site within their maximum travel has room left for them in this plan, and a new site would have to serve at least {:.0} % of its places: the plan found placing them dearer than the {} per unit it pays for leaving them. Raise `max_travel_m` or `unplaced_price`, or list their zone as rural.",
                100.0 * levels.min_load_share,
                whole(levels.unplaced_price)
            ),
        },
        ids.join(", "),
        match more {
            0 => String::new(),
            n => format!(" and {n} more (`unplaced` in demand_points.csv)"),
        },
    );
}

fn write_districts(text: &mut String, rows: &[DistrictRow]) {
    let _ = writeln!(text, "\n## By district\n");
    let _ = writeln!(
        text,
        "All figures per district are in `districts.csv`.\n\n| district | service | demand | of which non-hukou | within standard | beyond standard | without a place | non-hukou without a place within standard |"
    );
    let _ = writeln!(text, "|---|---|---|---|---|---|---|---|");
    for r in rows {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.zone_name,
            r.service,
            whole(r.demand.total()),
            whole(r.demand.non_hukou),
            whole(r.within.total()),
            whole(r.placed.total() - r.within.total()),
            whole(r.demand.total() - r.placed.total()),
            whole(r.demand.non_hukou - r.within.non_hukou),
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
