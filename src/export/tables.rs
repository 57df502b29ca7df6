//! `assignments.csv` and `open_sites.csv`: the tables of a solved problem, as rows that the
//! CSV and GeoPackage writers share.

use super::rows::{Cell, Layer, Row};
use super::ExportError;
use crate::csv_text::csv_bytes;
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

/// A table row without geometry: the header's names paired with the cells, in order.
fn table_row<const N: usize>(header: [&'static str; N], cells: [Cell; N]) -> Row {
    Row {
        geometry: None,
        properties: header.into_iter().zip(cells).collect(),
    }
}

/// One row per allocation; a point not fully served has a row without a site for the rest.
fn assignment_rows(plan: &Plan) -> Vec<Row> {
    plan.assignment_rows()
        .into_iter()
        .map(|row| {
            let cells = [
                Cell::text(row.demand_id),
                Cell::Text(row.site_id.map(str::to_owned)),
                Cell::real(row.share),
                Cell::real(row.demand),
                Cell::Real(row.cost),
            ];
            table_row(ASSIGNMENT_HEADER, cells)
        })
        .collect()
}

/// One row per open site, with load and utilisation.
fn open_site_rows(plan: &Plan) -> Vec<Row> {
    plan.open_sites()
        .into_iter()
        .map(|site| {
            let cells = [
                Cell::text(site.id),
                Cell::text(site.status.name()),
                Cell::Real(site.capacity),
                Cell::real(site.load),
                Cell::Real(site.utilisation),
                Cell::real(site.fixed_cost),
            ];
            table_row(OPEN_SITE_HEADER, cells)
        })
        .collect()
}

/// The tables of a solved problem (`None`: no plan, both tables empty), as `assignments`
/// and `open_sites` layers.
pub fn solve_layers(plan: Option<&Plan>) -> [Layer; 2] {
    [
        Layer {
            name: "assignments",
            geometry: None,
            rows: plan.map(assignment_rows).unwrap_or_default(),
            style: None,
        },
        Layer {
            name: "open_sites",
            geometry: None,
            rows: plan.map(open_site_rows).unwrap_or_default(),
            style: None,
        },
    ]
}

/// `assignments.csv` and `open_sites.csv` from [`solve_layers`], with their headers also when
/// empty.
pub fn solve_tables(layers: &[Layer; 2]) -> Result<[Vec<u8>; 2], ExportError> {
    let [assignments, open_sites] = layers;
    Ok([
        plain_csv("assignments.csv", &ASSIGNMENT_HEADER, &assignments.rows)?,
        plain_csv("open_sites.csv", &OPEN_SITE_HEADER, &open_sites.rows)?,
    ])
}

fn plain_csv(what: &'static str, header: &[&str], rows: &[Row]) -> Result<Vec<u8>, ExportError> {
    let lines = rows
        .iter()
        .map(|row| row.properties.iter().map(|(_, cell)| cell.plain_text()));
    Ok(csv_bytes(what, header, lines)?)
}
