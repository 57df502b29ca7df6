//! Writing results: a solved problem's `summary.json`, `assignments.csv` and
//! `open_sites.csv` (or `solution.gpkg`); a planned city's layers and reports, as GeoJSON,
//! CSV or one GeoPackage ([`Format`]); a street-cost table.
//!
//! Every file of one run is first written under a temporary name in the output folder and
//! renamed only when all of them are written, so a failed run never leaves half a plan.

mod atomic;
mod city;
mod gpkg;
mod phased;
mod qgis_project;
mod rows;
mod summary;
mod tables;

pub use atomic::OutputSet;
pub use city::write_city;
pub use phased::write_phased;
pub use summary::{infeasible_summary, solved_summary, Summary};

/// How a command writes its layers and tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// GeoJSON layers with QGIS styles beside them, and CSV tables.
    #[default]
    Geojson,
    /// One GeoPackage holding every layer or table, with the styles inside.
    Gpkg,
    /// CSV tables only.
    Csv,
}

impl Format {
    /// Every format, in the order the help lists them.
    pub const ALL: [Format; 3] = [Format::Geojson, Format::Gpkg, Format::Csv];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Geojson => "geojson",
            Format::Gpkg => "gpkg",
            Format::Csv => "csv",
        }
    }
}

use crate::csv_text::{csv_bytes, FormatError};
use crate::plan::Plan;
use crate::solve::Diagnosis;
use crate::travel::routes::Routes;
use std::path::{Path, PathBuf};

/// Outputs that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A file or folder could not be created or renamed.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// GDAL could not write a GeoPackage.
    #[error("{path}: cannot write the GeoPackage: {message}")]
    Gdal {
        /// The GeoPackage being written (its temporary name).
        path: PathBuf,
        /// What GDAL said.
        message: String,
    },
    /// A table or JSON document could not be serialised.
    #[error("cannot format {what}: {message}")]
    Format {
        /// Which output.
        what: &'static str,
        /// What the serialiser said.
        message: String,
    },
}

/// Writes named files into `dir`, all or nothing: what a command made, such as the
/// comparison's files ([`crate::compare::files`]).
///
/// # Errors
/// [`ExportError`] when a file cannot be written.
pub fn write_files(dir: &Path, files: Vec<(&str, Vec<u8>)>) -> Result<Vec<PathBuf>, ExportError> {
    let mut outputs = OutputSet::new(dir);
    for (name, bytes) in files {
        outputs.add(name, bytes);
    }
    outputs.commit()
}

impl From<FormatError> for ExportError {
    fn from(error: FormatError) -> Self {
        ExportError::Format {
            what: error.what,
            message: error.message,
        }
    }
}

/// Names of the files `defacto costs` writes.
pub const COSTS_FILES: [&str; 2] = ["costs.csv", "unplaced.csv"];

/// Writes `costs.csv` (demand_id, site_id, cost: the table `defacto solve` reads) and
/// `unplaced.csv` (the points too far from any street) into `dir`.
///
/// # Errors
/// [`ExportError`] when a file cannot be formatted or written; nothing is left half-written.
pub fn write_costs(
    dir: &Path,
    from_ids: &[String],
    to_ids: &[String],
    routes: &Routes,
) -> Result<Vec<PathBuf>, ExportError> {
    let pairs = routes
        .pairs
        .iter()
        .map(|&(i, j, cost)| [from_ids[i].clone(), to_ids[j].clone(), cost.to_string()]);
    let costs = csv_bytes("costs.csv", ["demand_id", "site_id", "cost"], pairs)?;
    let unplaced_from = routes
        .unplaced_from
        .iter()
        .map(|&i| ["from", from_ids[i].as_str()]);
    let unplaced_to = routes
        .unplaced_to
        .iter()
        .map(|&j| ["to", to_ids[j].as_str()]);
    let unplaced = csv_bytes(
        "unplaced.csv",
        ["side", "id"],
        unplaced_from.chain(unplaced_to),
    )?;
    let mut outputs = OutputSet::new(dir);
    for (name, bytes) in COSTS_FILES.into_iter().zip([costs, unplaced]) {
        outputs.add(name, bytes);
    }
    outputs.commit()
}

/// Writes the outputs of a solved problem into `dir` in `format` (`csv` or `gpkg`: the
/// tables have no coordinates, so `geojson` writes them as `csv`); returns the paths written.
///
/// # Errors
/// [`ExportError`] when a file cannot be formatted or written; nothing is left half-written.
pub fn write_solved(
    dir: &Path,
    plan: &Plan,
    seconds: f64,
    format: Format,
) -> Result<Vec<PathBuf>, ExportError> {
    write_all(dir, &solved_summary(plan, seconds), Some(plan), format)
}

/// Writes the outputs of an infeasible problem into `dir`: the diagnosis in `summary.json`
/// and the two tables empty, so no file of an earlier run is left behind.
///
/// # Errors
/// [`ExportError`] when a file cannot be formatted or written; nothing is left half-written.
pub fn write_infeasible(
    dir: &Path,
    diagnosis: &Diagnosis,
    seconds: f64,
    format: Format,
) -> Result<Vec<PathBuf>, ExportError> {
    write_all(dir, &infeasible_summary(diagnosis, seconds), None, format)
}

fn write_all(
    dir: &Path,
    summary: &Summary,
    plan: Option<&Plan>,
    format: Format,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut json = serde_json::to_vec_pretty(summary).map_err(|e| ExportError::Format {
        what: "summary.json",
        message: e.to_string(),
    })?;
    json.push(b'\n');
    let layers = tables::solve_layers(plan);
    let mut outputs = OutputSet::new(dir);
    outputs.add("summary.json", json);
    match format {
        Format::Gpkg => {
            let path = outputs.staging_path("solution.gpkg")?;
            gpkg::write_layers(&path, &layers)?;
            outputs.add_written("solution.gpkg", path);
        }
        Format::Csv | Format::Geojson => {
            let [assignments, open_sites] = tables::solve_tables(&layers)?;
            outputs.add("assignments.csv", assignments);
            outputs.add("open_sites.csv", open_sites);
        }
    }
    outputs.commit()
}
