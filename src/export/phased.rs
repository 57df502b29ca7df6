//! Writing a phased plan: each phase's plan in its own folder (`<year>/`, every layer and
//! table of a plan), and beside them `phases.csv`, the sites phase by phase (styled: where
//! and when sites open and grow), `summary.json` and `summary.md`. Everything is formatted
//! before anything is written.

use super::atomic::OutputSet;
use super::city::{add_geojson_layer, city_outputs, json_bytes, position, table_of};
use super::rows::{Cell, GeometryKind, Layer, Row, Shape};
use super::{ExportError, Format};
use crate::pipeline::PhasedCityPlan;
use crate::report::phased::{
    phase_rows, phased_summary_json, phased_summary_markdown, phases_csv, site_changes,
};
use std::path::{Path, PathBuf};

/// Writes `plan` in `format` into `dir`; returns the paths written.
///
/// # Errors
/// [`ExportError`] when a file cannot be formatted or written.
pub fn write_phased(
    dir: &Path,
    plan: &PhasedCityPlan,
    format: Format,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut sets = Vec::with_capacity(plan.phases.len() + 1);
    for (year, city) in plan.years.iter().zip(&plan.phases) {
        sets.push(city_outputs(&dir.join(year.to_string()), city, format)?);
    }
    let rows = phase_rows(plan);
    let mut outputs = OutputSet::new(dir);
    let sites = Layer {
        name: "sites_by_phase",
        geometry: Some(GeometryKind::Point),
        rows: site_rows(plan),
        style: Some(include_str!("styles/sites_by_phase.qml")),
    };
    match format {
        Format::Geojson => {
            add_geojson_layer(&mut outputs, &sites);
            outputs.add(
                "sites_by_phase.csv",
                table_of(&sites.rows, "sites_by_phase.csv", true)?,
            );
        }
        Format::Csv => outputs.add(
            "sites_by_phase.csv",
            table_of(&sites.rows, "sites_by_phase.csv", true)?,
        ),
        Format::Gpkg => {
            let path = outputs.staging_path("phases.gpkg")?;
            super::gpkg::write_layers_and_project(&path, std::slice::from_ref(&sites), None)?;
            outputs.add_written("phases.gpkg", path);
        }
    }
    outputs.add("phases.csv", phases_csv(&rows)?);
    outputs.add(
        "summary.json",
        json_bytes(&phased_summary_json(plan, &rows), "summary.json")?,
    );
    outputs.add(
        "summary.md",
        phased_summary_markdown(plan, &rows).into_bytes(),
    );
    sets.push(outputs);
    let mut written = Vec::new();
    for set in sets {
        written.extend(set.commit()?);
    }
    Ok(written)
}

/// Every site open in some phase, one row per phase: when it opens and when it grows.
fn site_rows(plan: &PhasedCityPlan) -> Vec<Row> {
    site_changes(plan)
        .into_iter()
        .map(|c| Row {
            geometry: Some(Shape::Point(position(c.location))),
            properties: vec![
                ("service", Cell::text(c.service)),
                ("site", Cell::text(c.site)),
                ("year", Cell::Integer(Some(i64::from(c.year)))),
                ("change", Cell::text(c.change)),
                ("size", Cell::Text(c.size)),
                ("capacity", Cell::Real(c.capacity)),
                ("load", Cell::real(c.load)),
            ],
        })
        .collect()
}
