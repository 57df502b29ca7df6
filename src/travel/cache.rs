//! Street-network costs with an on-disk cache keyed by a hash of everything they depend on
//! (the network file's bytes, profile, unit, limit, snapping distance and every point), so a
//! scenario re-run skips reading the map and the searches.
//!
//! The cache is best effort: a folder that cannot be read or written only costs the time of
//! computing again. It lives in `$DEFACTO_CACHE`, else `~/.cache/defacto/costs`.

use super::network::{Dropped, StreetNetwork};
use super::routes::{costs_within, Reach, Routes};
use super::streets::read_streets;
use crate::input::InputError;
use geo::Point;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// Bumped whenever the cached format or the way costs are computed changes.
const FORMAT: &str = "defacto-routes-2";

/// Costs along the streets, and how they were obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkCosts {
    /// The pairs within reach and the points off the network.
    pub routes: Routes,
    /// The graph's size and what was dropped.
    pub built: Built,
    /// Whether the costs were read from the cache rather than computed.
    pub from_cache: bool,
}

/// What was built from the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Built {
    /// Nodes kept.
    pub nodes: usize,
    /// Directed edges kept.
    pub edges: usize,
    /// Pieces not connected to the largest one.
    pub dropped: Dropped,
}

/// The costs from each `from` point to each `to` point within `reach` along the streets of
/// `network`, from the cache when the same inputs were seen before.
///
/// # Errors
/// [`InputError`] when the network file cannot be read.
pub fn network_costs(
    network: &Path,
    reach: Reach,
    from: &[Point<f64>],
    to: &[Point<f64>],
) -> Result<NetworkCosts, InputError> {
    let map = std::fs::read(network).map_err(|source| InputError::Io {
        path: network.to_path_buf(),
        source,
    })?;
    let entry = cache_dir().map(|dir| dir.join(format!("{:016x}.txt", key(&map, reach, from, to))));
    if let Some((routes, built)) = entry.as_deref().and_then(load) {
        return Ok(NetworkCosts {
            routes,
            built,
            from_cache: true,
        });
    }
    let graph = StreetNetwork::build(&read_streets(network, reach.profile)?);
    let routes = costs_within(&graph, from, to, reach);
    let built = Built {
        nodes: graph.graph.node_count(),
        edges: graph.graph.edge_count(),
        dropped: graph.dropped,
    };
    if let Some(path) = &entry {
        store(path, &routes, built);
    }
    Ok(NetworkCosts {
        routes,
        built,
        from_cache: false,
    })
}

fn cache_dir() -> Option<PathBuf> {
    match std::env::var_os("DEFACTO_CACHE") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache/defacto/costs")),
    }
}

fn key(map: &[u8], reach: Reach, from: &[Point<f64>], to: &[Point<f64>]) -> u64 {
    let mut hasher = DefaultHasher::new();
    FORMAT.hash(&mut hasher);
    map.hash(&mut hasher);
    reach.profile.name().hash(&mut hasher);
    reach.unit.symbol().hash(&mut hasher);
    reach.limit.to_bits().hash(&mut hasher);
    reach.max_snap_m.to_bits().hash(&mut hasher);
    for points in [from, to] {
        points.len().hash(&mut hasher);
        for p in points {
            (p.x().to_bits(), p.y().to_bits()).hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// Lines: `built nodes edges pieces dropped_nodes dropped_edges`, then `pair i j cost`,
/// `unplaced_from i`, `unplaced_to j`; costs written in Rust's shortest round-trip form, so a
/// cached cost is bit for bit the computed one.
fn store(path: &Path, routes: &Routes, built: Built) {
    let dropped = built.dropped;
    let mut text = format!(
        "built {} {} {} {} {}\n",
        built.nodes, built.edges, dropped.pieces, dropped.nodes, dropped.edges
    );
    for (i, j, cost) in &routes.pairs {
        text.push_str(&format!("pair {i} {j} {cost}\n"));
    }
    for i in &routes.unplaced_from {
        text.push_str(&format!("unplaced_from {i}\n"));
    }
    for j in &routes.unplaced_to {
        text.push_str(&format!("unplaced_to {j}\n"));
    }
    let temporary = path.with_extension("partial");
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&temporary, text))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
}

fn load(path: &Path) -> Option<(Routes, Built)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    let header: Vec<usize> = lines
        .next()?
        .strip_prefix("built ")?
        .split(' ')
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    let &[nodes, edges, pieces, dropped_nodes, dropped_edges] = header.as_slice() else {
        return None;
    };
    let built = Built {
        nodes,
        edges,
        dropped: Dropped {
            pieces,
            nodes: dropped_nodes,
            edges: dropped_edges,
        },
    };
    let mut routes = Routes::default();
    for line in lines {
        let fields: Vec<&str> = line.split(' ').collect();
        match fields.as_slice() {
            ["pair", i, j, cost] => {
                routes
                    .pairs
                    .push((i.parse().ok()?, j.parse().ok()?, cost.parse().ok()?))
            }
            ["unplaced_from", i] => routes.unplaced_from.push(i.parse().ok()?),
            ["unplaced_to", j] => routes.unplaced_to.push(j.parse().ok()?),
            _ => return None,
        }
    }
    Some((routes, built))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_routes_load_back_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("routes.txt");
        let routes = Routes {
            pairs: vec![(0, 2, 123.456_789_012_345_67), (3, 1, 0.1 + 0.2)],
            unplaced_from: vec![5],
            unplaced_to: vec![7, 9],
        };
        let built = Built {
            nodes: 10,
            edges: 18,
            dropped: Dropped {
                pieces: 1,
                nodes: 2,
                edges: 2,
            },
        };
        store(&path, &routes, built);
        assert_eq!(load(&path), Some((routes, built)));
    }

    #[test]
    fn a_damaged_entry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("routes.txt");
        std::fs::write(&path, "built 1 0 0 0 0\npair 1 2\n").unwrap();
        assert_eq!(load(&path), None);
    }
}
