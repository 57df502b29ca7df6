//! Resident population per zone, by group: registered (hukou) and non-hukou residents.
//!
//! Counts are whole numbers of people. Read from a CSV keyed by zone code, or from the zone
//! features' own properties.

use crate::input::geojson::{Feature, Zone};
use crate::input::scenario::{Basis, PopulationSettings};
use crate::input::{InputError, Table};
use std::collections::BTreeMap;
use std::path::Path;

/// Residents of one zone (or one piece of it) by group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Residents {
    /// Registered (hukou) residents.
    pub hukou: u64,
    /// Residents without local hukou (migrants).
    pub non_hukou: u64,
}

impl Residents {
    /// Everyone who lives there.
    pub fn total(self) -> u64 {
        self.hukou + self.non_hukou
    }

    /// The residents a plan on this basis counts: all of them, or the registered only.
    pub fn counted(self, basis: Basis) -> Self {
        match basis {
            Basis::DeFacto => self,
            Basis::Hukou => Self {
                non_hukou: 0,
                ..self
            },
        }
    }
}

/// Reads the residents of every zone, in zone order.
///
/// # Errors
/// [`InputError`] naming the file, row or feature, and field: a missing column, a count that
/// is negative or not a whole number, a zone code that is not in the boundaries, a code given
/// twice, a planned zone with no population. Zones that are not planned may be left out.
pub fn read_residents(
    settings: &PopulationSettings,
    zones: &[Zone],
    planned: &[bool],
) -> Result<Vec<Residents>, InputError> {
    let columns = GroupColumns {
        hukou: &settings.hukou_column,
        non_hukou: &settings.non_hukou_column,
    };
    read_counts(settings, columns, zones, planned)
}

/// The two columns (or zone properties) that hold one count per group.
#[derive(Debug, Clone, Copy)]
pub struct GroupColumns<'a> {
    /// Registered (hukou) residents' count.
    pub hukou: &'a str,
    /// Non-hukou residents' count.
    pub non_hukou: &'a str,
}

/// Reads one count per group and zone from `columns` of the population table (or of the zone
/// properties when there is no table) — residents, or residents of one age band.
///
/// # Errors
/// As [`read_residents`].
pub fn read_counts(
    settings: &PopulationSettings,
    columns: GroupColumns,
    zones: &[Zone],
    planned: &[bool],
) -> Result<Vec<Residents>, InputError> {
    match &settings.file {
        Some(path) => from_table(settings, columns, path, zones, planned),
        None => zones
            .iter()
            .map(|zone| from_properties(columns, &zone.feature))
            .collect(),
    }
}

/// Residents by group from a feature's own properties (a zone's, or a given home point's).
///
/// # Errors
/// [`InputError::Feature`] for a count that is missing, negative or not a whole number.
pub fn from_properties(columns: GroupColumns, feature: &Feature) -> Result<Residents, InputError> {
    let count = |field: &str| -> Result<u64, InputError> {
        let value = feature.non_negative(field)?.ok_or_else(|| {
            feature.error(
                field,
                "missing: give the residents here, or a population table",
            )
        })?;
        whole(value).map_err(|problem| feature.error(field, format!("{value} is {problem}")))
    };
    Ok(Residents {
        hukou: count(columns.hukou)?,
        non_hukou: count(columns.non_hukou)?,
    })
}

fn from_table(
    settings: &PopulationSettings,
    columns: GroupColumns,
    path: &Path,
    zones: &[Zone],
    planned: &[bool],
) -> Result<Vec<Residents>, InputError> {
    let index: BTreeMap<&str, usize> = zones
        .iter()
        .enumerate()
        .map(|(i, z)| (z.code.as_str(), i))
        .collect();
    let mut table = Table::open(path)?;
    let code = table.column(&settings.code_column)?;
    let hukou = table.column(columns.hukou)?;
    let non_hukou = table.column(columns.non_hukou)?;
    let mut found: Vec<Option<(Residents, u64)>> = vec![None; zones.len()];
    table.for_each_row(|row| {
        let zone_code = row.required_text(&code)?;
        let Some(&zone) = index.get(zone_code) else {
            return Err(row.bad(&code, "no zone in the boundary file has this code"));
        };
        if let Some((_, first)) = found[zone] {
            return Err(row.bad(&code, format!("this zone already has row {first}")));
        }
        let people = |column| {
            let value = row.non_negative(column)?;
            whole(value).map_err(|problem| row.bad(column, problem))
        };
        let residents = Residents {
            hukou: people(&hukou)?,
            non_hukou: people(&non_hukou)?,
        };
        found[zone] = Some((residents, row.number()));
        Ok(())
    })?;
    let missing: Vec<&str> = zones
        .iter()
        .zip(&found)
        .zip(planned)
        .filter(|((_, row), &is_planned)| is_planned && row.is_none())
        .map(|((zone, _), _)| zone.code.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(InputError::BadField {
            path: path.to_path_buf(),
            field: settings.code_column.clone(),
            problem: format!("no row for the planned zone(s) {}", missing.join(", ")),
        });
    }
    Ok(found
        .into_iter()
        .map(|row| row.map(|(residents, _)| residents).unwrap_or_default())
        .collect())
}

/// More people than live on Earth: no count of residents is this large, and below it every
/// sum over zones and groups stays exact in a float and far from overflowing.
const MOST_PEOPLE: f64 = 1e10;

/// The value as a count of people, or what is wrong with it (in words that follow the value).
fn whole(value: f64) -> Result<u64, &'static str> {
    if value.fract() != 0.0 {
        return Err("not a whole number of people");
    }
    if value > MOST_PEOPLE {
        return Err("more people than live on Earth (at most 10,000,000,000)");
    }
    Ok(value as u64)
}
