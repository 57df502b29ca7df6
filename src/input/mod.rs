//! Reading what the user gives: problem files and their tables.
//!
//! Every error names the file, and where it can, the row (spreadsheet numbering: the header is
//! row 1) and the column, and says what a valid value looks like.

pub mod buildings;
pub mod geojson;
mod ogr;
pub mod osm;
mod plain_costs;
mod problem;
pub mod raster;
pub mod scenario;
mod scenario_checks;
mod table;

pub use problem::read_problem;
pub use scenario::{read_scenario, Scenario};
pub use table::{Column, Row, Table};

use std::path::{Path, PathBuf};

/// Input that cannot be used, with the place it was found.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file cannot be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a field of the wrong kind.
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said, with line and column.
        message: String,
    },
    /// A field of a settings file has a value the model does not accept.
    #[error("{path}, field `{field}`: {problem}")]
    BadField {
        /// The file.
        path: PathBuf,
        /// The field's name.
        field: String,
        /// What is wrong and what would be right.
        problem: String,
    },
    /// A GeoJSON file that cannot be parsed or is not a FeatureCollection.
    #[error("{path}: not valid GeoJSON: {message}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What the parser said, with line and column.
        message: String,
    },
    /// A map file that cannot be used as a whole: unreadable, no usable street, or points
    /// nowhere near the planned zones.
    #[error("{path}: {problem}")]
    Map {
        /// The map file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A GeoJSON feature with a property or geometry that cannot be used.
    #[error("{path}, feature {feature}{label}, field `{field}`: {problem}")]
    Feature {
        /// The file.
        path: PathBuf,
        /// Position of the feature in the file, from 1.
        feature: usize,
        /// ` (code)` when the feature's code or id is known, else empty.
        label: String,
        /// The property, or `geometry`.
        field: String,
        /// What is wrong and what would be right.
        problem: String,
    },
    /// A table lacks a column it needs.
    #[error("{path}: missing column `{column}` (the header has: {found})")]
    MissingColumn {
        /// The table.
        path: PathBuf,
        /// The column that is needed.
        column: String,
        /// The columns the header does have.
        found: String,
    },
    /// A cell holds a value that cannot be used.
    #[error("{path}, row {row}, column `{column}`: {problem} (found `{value}`)")]
    BadValue {
        /// The table.
        path: PathBuf,
        /// Row number, the header being row 1.
        row: u64,
        /// The column's name.
        column: String,
        /// The cell's text.
        value: String,
        /// What is wrong and what would be right.
        problem: String,
    },
    /// A row cannot be parsed as CSV at all.
    #[error("{path}, row {row}: not valid CSV: {message}")]
    Csv {
        /// The table.
        path: PathBuf,
        /// Row number, the header being row 1.
        row: u64,
        /// What the CSV parser said.
        message: String,
    },
}

/// A file's name without its folder, as outputs name input files: a plan must not depend
/// on where its scenario lies.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or(path.as_os_str(), |name| name)
        .to_string_lossy()
        .into_owned()
}

/// The whole of a text file.
///
/// # Errors
/// [`InputError::Io`] naming the file.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|source| InputError::Io {
        path: path.to_path_buf(),
        source,
    })
}
