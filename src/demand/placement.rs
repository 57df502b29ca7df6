//! Placing each planned zone's residents on the grid pieces of the zone: by area, by the
//! people of population rasters, or by the weight of buildings.

use super::dasymetric::{self, GroupWeight, PieceIndex, RasterSet};
use super::grid::{self, GridError, Piece};
use super::population::read_residents;
use super::{ResidentPoint, Residents};
use crate::input::buildings::read_buildings;
use crate::input::geojson::Zone;
use crate::input::raster::PopulationRaster;
use crate::input::scenario::{Placement, PopulationSettings, RasterFiles};
use crate::input::{file_name, InputError};
use crate::markup::whole;
use crate::model::projection::extent_of;

/// Zones whose names a warning lists before it only counts the rest.
const ZONES_NAMED: usize = 12;

/// Residents of every zone and where they live in the planned ones.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Residents per zone (whole file), by group; zones not planned have none when the
    /// totals come from rasters.
    pub residents: Vec<Residents>,
    /// Residents spread over the planned zones' grid pieces.
    pub points: Vec<ResidentPoint>,
    /// How residents were placed, in words for the report.
    pub method: String,
    /// Zones with residents but no weight (no raster people, no building): their residents
    /// are spread by area, in words.
    pub warnings: Vec<String>,
}

/// Residents that cannot be placed.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    /// A population file, raster or building file cannot be used.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The grid cannot be laid out.
    #[error(transparent)]
    Grid(#[from] GridError),
}

/// Places the residents of each planned zone on grid pieces of `cell_m` metres, whole people
/// per piece, every zone total kept exactly. Zone totals come from the population table (or
/// the zones' properties), or from the rasters when they tell the groups apart and no table
/// is given; inside a zone residents go by area, raster people or building weight as
/// `population` says.
///
/// # Errors
/// [`PlaceError`] naming the file (and row, feature or cell) that cannot be used, or the
/// grid setting that cannot be laid out.
pub fn place(
    zones: &[Zone],
    planned: &[bool],
    population: &PopulationSettings,
    cell_m: f64,
) -> Result<Placed, PlaceError> {
    let chosen: Vec<usize> = (0..zones.len()).filter(|&z| planned[z]).collect();
    let boundaries: Vec<_> = chosen.iter().map(|&z| zones[z].boundary.clone()).collect();
    let pieces = grid::pieces(&boundaries, cell_m)?;
    let placement = population.placement();
    let (weights, inside) = piece_weights(&boundaries, cell_m, &pieces, placement)?;
    let rasters_give_totals = population.file.is_none()
        && matches!(placement, Placement::ByRaster(files) if files.give_groups());
    let (residents, totals) = match rasters_give_totals {
        true => (
            raster_totals(zones.len(), &chosen, &pieces, weights.as_deref()),
            "zone totals from the rasters (their people in each zone, rounded)".to_string(),
        ),
        false => (
            read_residents(population, zones, planned)?,
            match &population.file {
                Some(file) => format!("zone totals from {}", file_name(file)),
                None => "zone totals from the zones' properties".to_string(),
            },
        ),
    };
    let mut spreading = Spreading {
        zones,
        chosen: &chosen,
        residents: &residents,
        by_area: Vec::new(),
    };
    let points = spreading.spread(pieces, weights.as_deref());
    let warnings = spreading.warnings(placement);
    Ok(Placed {
        method: format!("{totals}; spread on {cell_m} m cells {inside}"),
        residents,
        points,
        warnings,
    })
}

/// Each piece's weight by group, and how it was found in words; `None` for spreading by area.
fn piece_weights(
    boundaries: &[geo::MultiPolygon<f64>],
    cell_m: f64,
    pieces: &[Piece],
    placement: Placement,
) -> Result<(Option<Vec<GroupWeight>>, String), PlaceError> {
    let by_area = "in proportion to area".to_string();
    if placement == Placement::ByArea {
        return Ok((None, by_area));
    }
    let (Some(index), Some(extent)) = (
        PieceIndex::new(boundaries, cell_m, pieces)?,
        extent_of(boundaries),
    ) else {
        return Ok((None, by_area));
    };
    match placement {
        Placement::ByArea => Ok((None, by_area)),
        Placement::ByRaster(files) => {
            let rasters = open_rasters(files)?;
            rasters.check_grids()?;
            let (weights, read) = dasymetric::tally_rasters(&index, &rasters, extent)?;
            let people: f64 = weights.iter().map(|w| w.hukou + w.non_hukou).sum();
            let named = raster_names(files);
            let counted = match files.give_groups() {
                true => format!(", which put {} people in the planned zones", whole(people)),
                false => String::new(),
            };
            let text = format!(
                "in proportion to the population raster {named} ({} × {} cells, {} read over the planned zones){counted}",
                read.size.0, read.size.1, read.cells
            );
            Ok((Some(weights), text))
        }
        Placement::ByBuildings { file, field } => {
            let buildings = read_buildings(file, field)?;
            let weights = dasymetric::tally_buildings(&index, &buildings.items)
                .into_iter()
                .map(GroupWeight::both)
                .collect();
            Ok((
                Some(weights),
                format!("in proportion to the weight of {}", buildings.described),
            ))
        }
    }
}

fn open_rasters(files: RasterFiles) -> Result<RasterSet, InputError> {
    Ok(match files {
        RasterFiles::Everyone {
            raster,
            non_hukou_share,
        } => RasterSet::Everyone {
            people: PopulationRaster::open(raster)?,
            non_hukou_share: non_hukou_share.map(PopulationRaster::open).transpose()?,
        },
        RasterFiles::ByGroup { hukou, non_hukou } => RasterSet::ByGroup {
            hukou: PopulationRaster::open(hukou)?,
            non_hukou: PopulationRaster::open(non_hukou)?,
        },
    })
}

fn raster_names(files: RasterFiles) -> String {
    match files {
        RasterFiles::Everyone {
            raster,
            non_hukou_share: None,
        } => file_name(raster),
        RasterFiles::Everyone {
            raster,
            non_hukou_share: Some(share),
        } => format!(
            "{} (non-hukou share {})",
            file_name(raster),
            file_name(share)
        ),
        RasterFiles::ByGroup { hukou, non_hukou } => format!(
            "{} (hukou) and {} (non-hukou)",
            file_name(hukou),
            file_name(non_hukou)
        ),
    }
}

/// Residents per zone from the rasters' people: each group's people in the planned zones,
/// rounded, shared among the zones in proportion to their people, so the zones add up to the
/// rounded sum exactly. Zones not planned get nobody.
fn raster_totals(
    zone_count: usize,
    chosen: &[usize],
    pieces: &[Piece],
    weights: Option<&[GroupWeight]>,
) -> Vec<Residents> {
    let mut sums = vec![GroupWeight::default(); chosen.len()];
    if let Some(weights) = weights {
        for (piece, weight) in pieces.iter().zip(weights) {
            sums[piece.zone].hukou += weight.hukou;
            sums[piece.zone].non_hukou += weight.non_hukou;
        }
    }
    let share = |pick: fn(&GroupWeight) -> f64| {
        let people: Vec<f64> = sums.iter().map(pick).collect();
        let total = people.iter().sum::<f64>().round() as u64;
        match people.iter().any(|p| *p > 0.0) {
            true => grid::apportion(total, &people).unwrap_or_else(|| vec![0; people.len()]),
            false => vec![0; people.len()],
        }
    };
    let (hukou, non_hukou) = (share(|w| w.hukou), share(|w| w.non_hukou));
    let mut residents = vec![Residents::default(); zone_count];
    for (k, &zone) in chosen.iter().enumerate() {
        residents[zone] = Residents {
            hukou: hukou[k],
            non_hukou: non_hukou[k],
        };
    }
    residents
}

/// Spreading the planned zones' residents over their pieces.
struct Spreading<'a> {
    zones: &'a [Zone],
    /// The planned zones, in the order the pieces number them.
    chosen: &'a [usize],
    residents: &'a [Residents],
    /// Codes of zones with residents but no weight, spread by area instead.
    by_area: Vec<String>,
}

impl Spreading<'_> {
    /// Whole residents per piece, by group: in proportion to the pieces' weights where the
    /// zone has any, else to their areas (and the zone is noted).
    fn spread(
        &mut self,
        pieces: Vec<Piece>,
        weights: Option<&[GroupWeight]>,
    ) -> Vec<ResidentPoint> {
        let mut by_zone: Vec<Vec<(Piece, GroupWeight)>> = vec![Vec::new(); self.chosen.len()];
        for (i, piece) in pieces.into_iter().enumerate() {
            let weight = weights.map_or(GroupWeight::default(), |w| w[i]);
            by_zone[piece.zone].push((piece, weight));
        }
        let mut points = Vec::new();
        for (own, &zone) in by_zone.into_iter().zip(self.chosen) {
            let people = self.residents[zone];
            let hukou = self.shares(zone, people.hukou, &own, |w| w.hukou, weights.is_some());
            let non_hukou = self.shares(
                zone,
                people.non_hukou,
                &own,
                |w| w.non_hukou,
                weights.is_some(),
            );
            for (i, (piece, _)) in own.into_iter().enumerate() {
                points.push(ResidentPoint {
                    id: format!("{}:{}:{}", self.zones[zone].code, piece.row, piece.col),
                    zone,
                    location: piece.centre,
                    residents: Residents {
                        hukou: hukou[i],
                        non_hukou: non_hukou[i],
                    },
                    cell: Some(piece.shape),
                });
            }
        }
        points
    }

    /// One group's residents of a zone shared among its pieces.
    fn shares(
        &mut self,
        zone: usize,
        total: u64,
        pieces: &[(Piece, GroupWeight)],
        pick: fn(&GroupWeight) -> f64,
        weighted: bool,
    ) -> Vec<u64> {
        let weights: Vec<f64> = pieces.iter().map(|(_, w)| pick(w)).collect();
        let has_weight = weights.iter().any(|w| *w > 0.0);
        if weighted && total > 0 && !has_weight {
            let code = &self.zones[zone].code;
            if !self.by_area.contains(code) {
                self.by_area.push(code.clone());
            }
        }
        let areas: Vec<f64> = pieces.iter().map(|(p, _)| p.area_m2).collect();
        let basis = match has_weight {
            true => &weights,
            false => &areas,
        };
        grid::apportion(total, basis).unwrap_or_else(|| vec![0; pieces.len()])
    }

    /// The warning for zones spread by area although weights were given, if any.
    fn warnings(&self, placement: Placement) -> Vec<String> {
        if self.by_area.is_empty() {
            return Vec::new();
        }
        let what = match placement {
            Placement::ByBuildings { .. } => "no building",
            _ => "no people on the population raster",
        };
        let mut named: Vec<&str> = self
            .by_area
            .iter()
            .take(ZONES_NAMED)
            .map(String::as_str)
            .collect();
        let more = self.by_area.len().saturating_sub(ZONES_NAMED);
        let rest = format!(" and {more} more");
        if more > 0 {
            named.push(&rest);
        }
        vec![format!(
            "{} zone(s) have residents but {what} inside: their residents are spread by area ({})",
            self.by_area.len(),
            named.join(", ")
        )]
    }
}
