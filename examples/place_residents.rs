//! Times placing a scenario's residents on its grid — the step `defacto plan` takes before
//! any service is planned — phase by phase, and prints one JSON line: cells of the grid
//! pieces, seconds per phase, residents placed and peak memory. `scripts/bench_population.py`
//! runs it on a generated 10^7-cell population raster.
//!
//! ```sh
//! cargo run --release --example place_residents -- SCENARIO.toml
//! ```

use defacto::demand::{self, dasymetric, grid};
use defacto::input::geojson::read_zones;
use defacto::input::raster::PopulationRaster;
use defacto::input::read_scenario;
use defacto::input::scenario::{Placement, RasterFiles};
use defacto::model::projection::extent_of;
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: place_residents SCENARIO.toml")?;
    let scenario = read_scenario(&path).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let zones = read_zones(
        &scenario.zones.file,
        &scenario.zones.code_field,
        scenario.zones.name_field.as_deref(),
        scenario.zones.datum,
    )
    .map_err(|e| e.to_string())?;
    let read_zones_s = started.elapsed().as_secs_f64();
    let boundaries: Vec<_> = zones.iter().map(|z| z.boundary.clone()).collect();
    let cell_m = scenario.grid.cell_m;
    let clock = Instant::now();
    let pieces = grid::pieces(&boundaries, cell_m).map_err(|e| e.to_string())?;
    let pieces_s = clock.elapsed().as_secs_f64();
    let Placement::ByRaster(RasterFiles::Everyone { raster, .. }) = scenario.population.placement()
    else {
        return Err("the benchmark scenario gives `[population] raster`".into());
    };
    let clock = Instant::now();
    let index = dasymetric::PieceIndex::new(&boundaries, cell_m, &pieces)
        .map_err(|e| e.to_string())?
        .ok_or("the zones have no extent")?;
    let extent = extent_of(&boundaries).ok_or("the zones have no extent")?;
    let people = dasymetric::RasterSet::Everyone {
        people: PopulationRaster::open(raster).map_err(|e| e.to_string())?,
        non_hukou_share: None,
    };
    let (weights, read) =
        dasymetric::tally_rasters(&index, &people, extent).map_err(|e| e.to_string())?;
    let raster_s = clock.elapsed().as_secs_f64();
    let raster_people: f64 = weights.iter().map(|w| w.hukou).sum();
    drop((index, weights, pieces));
    let clock = Instant::now();
    let planned = vec![true; zones.len()];
    let placed =
        demand::place(&zones, &planned, &scenario.population, cell_m).map_err(|e| e.to_string())?;
    let place_s = clock.elapsed().as_secs_f64();
    let residents: u64 = placed.points.iter().map(|p| p.residents.total()).sum();
    let line = json!({
        "zones": zones.len(),
        "raster_cells": read.size.0 * read.size.1,
        "cells_read": read.cells,
        "grid_cell_m": cell_m,
        "demand_points": placed.points.len(),
        "seconds_read_zones": read_zones_s,
        "seconds_grid_pieces": pieces_s,
        "seconds_raster_to_pieces": raster_s,
        "seconds_place_whole": place_s,
        "raster_people_in_zones": raster_people.round(),
        "residents_placed": residents,
        "peak_memory_mb": peak_memory_mb(),
    });
    println!("{line}");
    Ok(())
}

/// The process's peak resident memory (Linux `VmHWM`), in megabytes.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
