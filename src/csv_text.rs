//! Tables as CSV text: the one CSV formatter of the report, the comparison and the exports.
//!
//! A leaf every stage may use: it knows nothing of the others.

/// A table that could not be formatted as CSV.
#[derive(Debug, thiserror::Error)]
#[error("cannot format {what}: {message}")]
pub struct FormatError {
    /// Which output.
    pub what: &'static str,
    /// What the formatter said.
    pub message: String,
}

/// Formats a header and rows as CSV; `what` names the output in an error.
///
/// # Errors
/// [`FormatError`] when a record cannot be written.
pub fn csv_bytes<H, R>(
    what: &'static str,
    header: H,
    rows: impl Iterator<Item = R>,
) -> Result<Vec<u8>, FormatError>
where
    H: IntoIterator,
    H::Item: AsRef<[u8]>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let format_error = |e: &dyn std::fmt::Display| FormatError {
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
