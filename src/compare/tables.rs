//! A comparison as Markdown (to read), CSV (to calculate with) and JSON (for other tools).

use super::{Comparison, IndicatorRow};
use crate::csv_text::{csv_bytes, FormatError};
use crate::markup::whole;
use crate::plan::round;
use serde_json::{json, Map, Value};
use std::fmt::Write;

/// Indicators the Markdown tables show per district (the CSV and JSON have all of them).
const DISTRICT_INDICATORS: [&str; 3] = ["demand", "served_share", "unmet"];

fn cell(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| round(v).to_string())
}

/// The comparison as one CSV table: a row per indicator, a column per plan, then a column
/// per difference from the first plan.
///
/// # Errors
/// [`FormatError`] when the table cannot be formatted.
pub fn comparison_csv(comparison: &Comparison) -> Result<Vec<u8>, FormatError> {
    let names = comparison.names();
    let mut header: Vec<String> = ["service", "group", "district", "indicator", "unit"]
        .map(String::from)
        .to_vec();
    header.extend(names.iter().map(|n| n.to_string()));
    header.extend(names.iter().skip(1).map(|n| format!("{n} - {}", names[0])));
    let rows: Vec<Vec<String>> = comparison
        .rows()
        .iter()
        .map(|row| {
            let mut cells = vec![
                row.service.clone(),
                row.group.to_owned(),
                row.district.clone(),
                row.indicator.to_owned(),
                row.unit.clone(),
            ];
            cells.extend(row.values.iter().map(|v| cell(*v)));
            cells.extend(row.differences().into_iter().map(cell));
            cells
        })
        .collect();
    csv_bytes("comparison.csv", &header, rows.into_iter())
}

fn number_json(value: Option<f64>) -> Value {
    value.map_or(Value::Null, |v| json!(round(v)))
}

/// The comparison as JSON: the plans, then every indicator with its values and differences
/// keyed by plan name.
pub fn comparison_json(comparison: &Comparison) -> Value {
    let names = comparison.names();
    let rows: Vec<Value> = comparison
        .rows()
        .iter()
        .map(|row| {
            let values: Map<String, Value> = names
                .iter()
                .zip(&row.values)
                .map(|(name, v)| (name.to_string(), number_json(*v)))
                .collect();
            let differences: Map<String, Value> = names
                .iter()
                .skip(1)
                .zip(row.differences())
                .map(|(name, d)| (name.to_string(), number_json(d)))
                .collect();
            json!({
                "service": row.service,
                "group": row.group,
                "district": row.district,
                "indicator": row.indicator,
                "unit": row.unit,
                "values": values,
                "differences_from_baseline": differences,
            })
        })
        .collect();
    let plans: Vec<Value> = comparison
        .plans
        .iter()
        .map(|p| json!({"name": p.name, "title": p.title, "basis": p.basis, "travel_unit": p.travel_unit}))
        .collect();
    json!({
        "baseline": names.first(),
        "plans": plans,
        "indicators": rows,
    })
}

/// How an indicator is shown: a share (as a percentage), a count of sites, or an amount.
#[derive(Clone, Copy)]
enum Kind {
    Share,
    Count,
    Amount,
}

fn kind(indicator: &str) -> Kind {
    match indicator {
        "served_share" | "utilisation" => Kind::Share,
        "new_sites" | "expanded_sites" | "existing_sites" => Kind::Count,
        _ => Kind::Amount,
    }
}

/// Whether more of an indicator is better for the people a plan serves (`Some(true)`),
/// worse (`Some(false)`), or neither: what a plan builds and spends is the price of its
/// access, not good or bad in itself.
pub fn more_is_better(indicator: &str) -> Option<bool> {
    match indicator {
        "served_within_standard" | "served_share" => Some(true),
        "unmet" | "without_a_place" | "mean_travel" | "p95_travel" => Some(false),
        _ => None,
    }
}

/// An indicator's name in words, for the tables people read (CSV and JSON keep the names).
pub fn words(indicator: &str) -> &str {
    match indicator {
        "served_within_standard" => "with a place within the standard",
        "served_share" => "share with a place within the standard",
        "unmet" => "without a place within the standard",
        "without_a_place" => "without any place",
        "mean_travel" => "mean travel",
        "p95_travel" => "travel of 95 % of them",
        "new_sites" => "new sites",
        "expanded_sites" => "expanded sites",
        "existing_sites" => "existing sites kept",
        "added_capacity" => "places added",
        "cost" => "construction cost",
        "utilisation" => "share of the places used",
        other => other,
    }
}

/// A group's name in words.
pub fn group_words(group: &str) -> &str {
    match group {
        "all" => "everyone",
        "hukou" => "registered (hukou)",
        "non_hukou" => "non-hukou",
        other => other,
    }
}

/// A value as people read it: shares as percentages, everything else in whole numbers with
/// thousands separated (whole people, not fractions).
pub fn shown(indicator: &str, value: Option<f64>) -> String {
    let Some(v) = value else {
        return "–".into();
    };
    match kind(indicator) {
        Kind::Share => format!("{:.1} %", 100.0 * v),
        Kind::Count | Kind::Amount => whole(v),
    }
}

/// A difference as the Markdown shows it: signed, shares in percentage points, and a plain
/// 0 when nothing differs at the precision shown.
pub fn shown_difference(indicator: &str, value: Option<f64>) -> String {
    let Some(v) = value else {
        return "–".into();
    };
    let text = match kind(indicator) {
        Kind::Share => format!("{:+.1} pp", 100.0 * v).replace('-', "−"),
        Kind::Count | Kind::Amount if v > 0.0 => format!("+{}", whole(v)),
        Kind::Count | Kind::Amount => whole(v),
    };
    match text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        true => text,
        false => "0".into(),
    }
}

/// The comparison to read: the plans, then per service what each builds, access by group,
/// and demand, served share and unmet demand by district.
pub fn comparison_markdown(comparison: &Comparison) -> String {
    let plans = &comparison.plans;
    let mut text = String::from("# Scenario comparison\n\n");
    for (n, plan) in plans.iter().enumerate() {
        let role = if n == 0 { " — baseline" } else { "" };
        let _ = writeln!(
            text,
            "- **{}**: {} (planning basis: {}){role}",
            plan.name, plan.title, plan.basis
        );
    }
    text.push_str(
        "\nDifferences are each plan less the baseline. Travel is to the site serving most of \
         each demand point, weighted by the demand served there; p95 is the travel 95 % of it \
         does not exceed. – marks a service a plan does not have, or a value with nothing to \
         measure.\n",
    );
    text.push_str("\n## In brief\n");
    for (service, sentences) in super::story::sentences(comparison) {
        let _ = writeln!(text, "\n**{service}**\n");
        for sentence in sentences {
            let _ = writeln!(text, "- {sentence}");
        }
    }
    let rows = comparison.rows();
    for service in comparison.services() {
        let of_service: Vec<&IndicatorRow> = rows.iter().filter(|r| r.service == service).collect();
        let _ = writeln!(text, "\n## {service}\n\n### What each plan builds\n");
        write_table(
            &mut text,
            comparison,
            &["indicator", "unit"],
            of_service.iter().filter(|r| r.group.is_empty()),
            |r| vec![words(r.indicator).to_owned(), r.unit.clone()],
        );
        text.push_str("\n### Access within the standard\n\n");
        write_table(
            &mut text,
            comparison,
            &["group", "indicator", "unit"],
            of_service
                .iter()
                .filter(|r| !r.group.is_empty() && r.district.is_empty()),
            |r| {
                vec![
                    group_words(r.group).to_owned(),
                    words(r.indicator).to_owned(),
                    r.unit.clone(),
                ]
            },
        );
        text.push_str("\n### By district\n\n");
        write_table(
            &mut text,
            comparison,
            &["district", "group", "indicator"],
            of_service
                .iter()
                .filter(|r| !r.district.is_empty() && DISTRICT_INDICATORS.contains(&r.indicator)),
            |r| {
                vec![
                    r.district.clone(),
                    group_words(r.group).to_owned(),
                    words(r.indicator).to_owned(),
                ]
            },
        );
    }
    text
}

fn write_table<'r>(
    text: &mut String,
    comparison: &Comparison,
    labels: &[&str],
    rows: impl Iterator<Item = &'r &'r IndicatorRow>,
    label: impl Fn(&IndicatorRow) -> Vec<String>,
) {
    let names = comparison.names();
    let mut header: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    header.extend(names.iter().map(|n| n.to_string()));
    header.extend(names.iter().skip(1).map(|n| format!("{n} − {}", names[0])));
    let _ = writeln!(text, "| {} |", header.join(" | "));
    let _ = writeln!(text, "|{}", "---|".repeat(header.len()));
    for row in rows {
        let mut cells = label(row);
        cells.extend(row.values.iter().map(|v| shown(row.indicator, *v)));
        cells.extend(
            row.differences()
                .into_iter()
                .map(|d| shown_difference(row.indicator, d)),
        );
        let _ = writeln!(text, "| {} |", cells.join(" | "));
    }
}
