//! CSV tables with a header row, read with row and column context for every error.

use super::InputError;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A CSV table being read row by row.
pub struct Table {
    path: PathBuf,
    headers: Vec<String>,
    reader: csv::Reader<File>,
}

/// A column found in a table's header.
#[derive(Debug, Clone)]
pub struct Column {
    index: usize,
    name: String,
}

/// One data row of a table.
pub struct Row<'t> {
    path: &'t Path,
    number: u64,
    record: csv::StringRecord,
}

impl Table {
    /// Opens a table and reads its header. Cells are trimmed of surrounding spaces.
    ///
    /// # Errors
    /// [`InputError::Io`] when the file cannot be opened, [`InputError::Csv`] when the header
    /// cannot be read.
    pub fn open(path: &Path) -> Result<Self, InputError> {
        let file = File::open(path).map_err(|source| InputError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(file);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(path, 1, e))?
            .iter()
            .map(str::to_owned)
            .collect();
        Ok(Self {
            path: path.to_path_buf(),
            headers,
            reader,
        })
    }

    /// The table's path, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A column the table must have.
    ///
    /// # Errors
    /// [`InputError::MissingColumn`], listing the columns the header has.
    pub fn column(&self, name: &str) -> Result<Column, InputError> {
        self.optional_column(name)
            .ok_or_else(|| InputError::MissingColumn {
                path: self.path.clone(),
                column: name.to_owned(),
                found: self.headers.join(", "),
            })
    }

    /// A column the table may have.
    pub fn optional_column(&self, name: &str) -> Option<Column> {
        self.headers
            .iter()
            .position(|h| h == name)
            .map(|index| Column {
                index,
                name: name.to_owned(),
            })
    }

    /// Calls `visit` on every data row in order, stopping at the first error.
    ///
    /// # Errors
    /// [`InputError::Csv`] for a row that is not valid CSV, or whatever `visit` returns.
    pub fn for_each_row(
        &mut self,
        mut visit: impl FnMut(&Row) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        let mut record = csv::StringRecord::new();
        loop {
            let more = self
                .reader
                .read_record(&mut record)
                .map_err(|e| csv_error(&self.path, record_row(&record), e))?;
            if !more {
                return Ok(());
            }
            let row = Row {
                path: &self.path,
                number: record_row(&record),
                record: std::mem::take(&mut record),
            };
            visit(&row)?;
            record = row.record;
        }
    }
}

fn record_row(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

fn csv_error(path: &Path, row: u64, error: csv::Error) -> InputError {
    let row = error.position().map_or(row, |p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("it has {len} fields but the header has {expected_len}"),
        _ => error.to_string(),
    };
    InputError::Csv {
        path: path.to_path_buf(),
        row,
        message,
    }
}

impl Row<'_> {
    /// Row number, the header being row 1.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The cell's text, trimmed; empty when the row is short.
    pub fn text(&self, column: &Column) -> &str {
        self.record.get(column.index).unwrap_or("")
    }

    /// A cell that must not be empty.
    ///
    /// # Errors
    /// [`InputError::BadValue`] when the cell is empty.
    pub fn required_text(&self, column: &Column) -> Result<&str, InputError> {
        match self.text(column) {
            "" => Err(self.bad(column, "the value is empty; it is required")),
            text => Ok(text),
        }
    }

    /// A finite number ≥ 0, required.
    ///
    /// # Errors
    /// [`InputError::BadValue`] when the cell is empty, not a number, not finite or negative.
    pub fn non_negative(&self, column: &Column) -> Result<f64, InputError> {
        self.required_text(column)?;
        self.optional_non_negative(Some(column))
            .map(|value| value.unwrap_or_default())
    }

    /// A finite number ≥ 0, or `None` when the column is absent or the cell empty.
    ///
    /// # Errors
    /// [`InputError::BadValue`] when the cell is not a number, not finite or negative.
    pub fn optional_non_negative(
        &self,
        column: Option<&Column>,
    ) -> Result<Option<f64>, InputError> {
        let Some(column) = column else {
            return Ok(None);
        };
        let text = self.text(column);
        if text.is_empty() {
            return Ok(None);
        }
        let value: f64 = text.parse().map_err(|_| self.bad(column, "not a number"))?;
        if !value.is_finite() {
            return Err(self.bad(column, "not a finite number"));
        }
        if value < 0.0 {
            return Err(self.bad(column, "negative; the value must be ≥ 0"));
        }
        Ok(Some(value))
    }

    /// An error about this row's cell in `column`.
    pub fn bad(&self, column: &Column, problem: impl Into<String>) -> InputError {
        InputError::BadValue {
            path: self.path.to_path_buf(),
            row: self.number,
            column: column.name.clone(),
            value: self.text(column).to_owned(),
            problem: problem.into(),
        }
    }
}
