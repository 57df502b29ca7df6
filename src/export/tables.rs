//! `assignments.csv` and `open_sites.csv`.

use super::ExportError;
use crate::plan::Plan;

const ASSIGNMENT_HEADER: [&str; 5] = ["demand_id", "site_id", "share", "demand", "cost"];
const OPEN_SITE_HEADER: [&str; 6] = [
    "site_id",
    "status",
    "capacity",
    "load",
    "utilisation",
    "fixed_cost",
];

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Formats a header and rows as CSV.
pub fn csv_bytes<H, R>(
    what: &'static str,
    header: H,
    rows: impl Iterator<Item = R>,
) -> Result<Vec<u8>, ExportError>
where
    H: IntoIterator,
    H::Item: AsRef<[u8]>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let format_error = |e: &dyn std::fmt::Display| ExportError::Format {
        what,
        message: e.to_string(),
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(|e| format_error(&e))?;
    for row in rows {
        writer.write_record(row).map_err(|e| format_error(&e))?;
    }
    writer.into_inner().map_err(|e| format_error(&e))
}

/// One row per allocation; a point not fully served has a row without a site for the rest.
pub fn assignments(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let rows = plan.assignment_rows().into_iter().map(|row| {
        [
            row.demand_id.to_owned(),
            row.site_id.unwrap_or_default().to_owned(),
            row.share.to_string(),
            row.demand.to_string(),
            number(row.cost),
        ]
    });
    csv_bytes("assignments.csv", ASSIGNMENT_HEADER, rows)
}

/// One row per open site, with load and utilisation.
pub fn open_sites(plan: &Plan) -> Result<Vec<u8>, ExportError> {
    let rows = plan.open_sites().into_iter().map(|site| {
        [
            site.id.to_owned(),
            site.status.to_owned(),
            number(site.capacity),
            site.load.to_string(),
            number(site.utilisation),
            site.fixed_cost.to_string(),
        ]
    });
    csv_bytes("open_sites.csv", OPEN_SITE_HEADER, rows)
}

/// `assignments.csv` with its header only.
pub fn empty_assignments() -> Result<Vec<u8>, ExportError> {
    csv_bytes(
        "assignments.csv",
        ASSIGNMENT_HEADER,
        std::iter::empty::<[String; 5]>(),
    )
}

/// `open_sites.csv` with its header only.
pub fn empty_open_sites() -> Result<Vec<u8>, ExportError> {
    csv_bytes(
        "open_sites.csv",
        OPEN_SITE_HEADER,
        std::iter::empty::<[String; 6]>(),
    )
}
