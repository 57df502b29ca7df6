//! Siting problems given as tables: `problem.toml` with `demand.csv`, `sites.csv`, `costs.csv`.
//!
//! The format is the one of `FORMAT.md` in the benchmark folder; analysts use it to bring their
//! own travel-time matrix. Columns beyond the ones read here are ignored.

use super::plain_costs;
use super::table::Table;
use super::InputError;
use crate::model::{DemandPoint, Limits, ModelError, Objective, Site, SiteStatus, SitingProblem};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The settings of `problem.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemFile {
    objective: Objective,
    p: Option<i64>,
    #[serde(default)]
    single_source: bool,
    radius: Option<f64>,
    max_new: Option<i64>,
    budget: Option<f64>,
    demand: PathBuf,
    sites: PathBuf,
    costs: PathBuf,
}

/// Reads a problem folder's `problem.toml` and the three tables it names.
///
/// # Errors
/// [`InputError`] naming the file, row and column of the first value that cannot be used:
/// a missing file or column, a number that is not finite or is negative, a repeated id, a cost
/// row naming an id that is not in its table, a repeated pair, `p` or `radius` out of range.
pub fn read_problem(path: &Path) -> Result<SitingProblem, InputError> {
    let text = super::read_text(path)?;
    let file: ProblemFile = toml::from_str(&text).map_err(|e| InputError::Toml {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().replace('\n', " "),
    })?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let (demand, demand_ids) = read_demand(&folder.join(&file.demand))?;
    let (sites, site_ids) = read_sites(&folder.join(&file.sites))?;
    let costs = read_costs(&folder.join(&file.costs), &demand_ids, &site_ids)?;
    let limits = Limits {
        p: file.p.map(|p| whole_number(path, "p", p)).transpose()?,
        single_source: file.single_source,
        radius: file.radius,
        max_new: file
            .max_new
            .map(|n| whole_number(path, "max_new", n))
            .transpose()?,
        budget: file.budget,
        unplaced_price: None,
    };
    SitingProblem::new(file.objective, limits, demand, sites, costs)
        .map_err(|e| model_error(path, e))
}

fn whole_number(path: &Path, field: &str, value: i64) -> Result<usize, InputError> {
    usize::try_from(value).map_err(|_| InputError::BadField {
        path: path.to_path_buf(),
        field: field.into(),
        problem: format!("{field} = {value} must be a whole number of 0 or more"),
    })
}

fn model_error(path: &Path, error: ModelError) -> InputError {
    let field = match error {
        ModelError::POutOfRange { .. } => "p",
        ModelError::RadiusRequired { .. } | ModelError::RadiusNotPositive { .. } => "radius",
        ModelError::BudgetNegative { .. } => "budget",
        ModelError::UnplacedPrice { .. } => "objective",
        ModelError::MinLoad { .. }
        | ModelError::ExistingOnPlot { .. }
        | ModelError::TooLarge { .. } => "sites",
    };
    InputError::BadField {
        path: path.to_path_buf(),
        field: field.into(),
        problem: error.to_string(),
    }
}

/// Ids of a table, each with its index and the row it was read from.
type IdIndex = HashMap<String, (usize, u64)>;

fn read_demand(path: &Path) -> Result<(Vec<DemandPoint>, IdIndex), InputError> {
    let mut table = Table::open(path)?;
    let id = table.column("id")?;
    let demand = table.column("demand")?;
    let weight = table.optional_column("weight");
    let mut points = Vec::new();
    let mut ids = IdIndex::new();
    table.for_each_row(|row| {
        let point_id = unique_id(row, &id, &mut ids, points.len())?;
        let amount = row.non_negative(&demand)?;
        let weight = row
            .optional_non_negative(weight.as_ref())?
            .unwrap_or(amount);
        points.push(DemandPoint {
            id: point_id,
            demand: amount,
            weight,
        });
        Ok(())
    })?;
    Ok((points, ids))
}

fn read_sites(path: &Path) -> Result<(Vec<Site>, IdIndex), InputError> {
    let mut table = Table::open(path)?;
    let id = table.column("id")?;
    let capacity = table.optional_column("capacity");
    let fixed_cost = table.optional_column("fixed_cost");
    let status = table.optional_column("status");
    let mut sites = Vec::new();
    let mut ids = IdIndex::new();
    table.for_each_row(|row| {
        let site_id = unique_id(row, &id, &mut ids, sites.len())?;
        let status = match status.as_ref().map(|c| (c, row.text(c))) {
            None | Some((_, "" | "candidate")) => SiteStatus::Candidate,
            Some((_, "existing")) => SiteStatus::Existing,
            Some((_, "expansion")) => SiteStatus::Expansion,
            Some((column, _)) => {
                return Err(row.bad(
                    column,
                    "status must be `candidate`, `existing` or `expansion`",
                ))
            }
        };
        sites.push(Site {
            id: site_id,
            capacity: row.optional_non_negative(capacity.as_ref())?,
            fixed_cost: row
                .optional_non_negative(fixed_cost.as_ref())?
                .unwrap_or(0.0),
            status,
            min_load: 0.0,
            plot: None,
        });
        Ok(())
    })?;
    Ok((sites, ids))
}

fn unique_id(
    row: &super::Row,
    column: &super::Column,
    ids: &mut IdIndex,
    index: usize,
) -> Result<String, InputError> {
    let id = row.required_text(column)?;
    if let Some(&(_, first)) = ids.get(id) {
        return Err(row.bad(column, format!("duplicate id; first seen on row {first}")));
    }
    ids.insert(id.to_owned(), (index, row.number()));
    Ok(id.to_owned())
}

/// The pairs of the cost table: read in parallel when the table is plain
/// ([`plain_costs::read`]), else row by row, which names the row and column of any fault.
fn read_costs(
    path: &Path,
    demand_ids: &IdIndex,
    site_ids: &IdIndex,
) -> Result<Vec<(usize, usize, f64)>, InputError> {
    let bytes = std::fs::read(path).map_err(|source| InputError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if let Some(triples) = plain_costs::read(&bytes, demand_ids, site_ids) {
        return Ok(triples);
    }
    drop(bytes);
    let mut table = Table::open(path)?;
    let demand_id = table.column("demand_id")?;
    let site_id = table.column("site_id")?;
    let cost = table.column("cost")?;
    let mut triples = Vec::new();
    let mut rows = Vec::new();
    table.for_each_row(|row| {
        let known = |column, ids: &IdIndex, table_name: &str| {
            let id = row.required_text(column)?;
            ids.get(id)
                .map(|&(index, _)| index)
                .ok_or_else(|| row.bad(column, format!("unknown id: not in {table_name}")))
        };
        let i = known(&demand_id, demand_ids, "the demand table")?;
        let j = known(&site_id, site_ids, "the sites table")?;
        triples.push((i, j, row.non_negative(&cost)?));
        rows.push(row.number());
        Ok(())
    })?;
    reject_repeated_pairs(path, &triples, &rows, site_ids)?;
    Ok(triples)
}

/// A pair listed twice would make the cost ambiguous.
fn reject_repeated_pairs(
    path: &Path,
    triples: &[(usize, usize, f64)],
    rows: &[u64],
    site_ids: &IdIndex,
) -> Result<(), InputError> {
    let mut order: Vec<usize> = (0..triples.len()).collect();
    order.sort_by_key(|&k| (triples[k].0, triples[k].1, rows[k]));
    for pair in order.windows(2) {
        let (first, second) = (pair[0], pair[1]);
        if triples[first].0 == triples[second].0 && triples[first].1 == triples[second].1 {
            let site = triples[second].1;
            let site_name = site_ids
                .iter()
                .find(|(_, &(index, _))| index == site)
                .map_or_else(String::new, |(name, _)| name.clone());
            return Err(InputError::BadValue {
                path: path.to_path_buf(),
                row: rows[second],
                column: "site_id".into(),
                value: site_name,
                problem: format!(
                    "this demand/site pair is listed twice; first on row {}",
                    rows[first]
                ),
            });
        }
    }
    Ok(())
}
