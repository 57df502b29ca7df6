//! A street network as a directed graph (petgraph): nodes are street junctions and vertices,
//! edges carry their length and travel time for one profile (walking or driving).
//!
//! Only the largest strongly connected piece is kept — a point snapped to a detached
//! fragment (a private courtyard, a mapping error) could reach nothing — and what was dropped
//! is reported.

use crate::input::scenario::Profile;
use crate::model::projection::LocalProjection;
use crate::travel::geodesic::distance_m;
use geo::{BoundingRect, MultiPoint, Point};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rstar::{primitives::GeomWithData, RTree};
use std::collections::HashMap;

/// Speed on the short leg between a point and the street it is snapped to, km/h.
pub fn access_kmh(profile: Profile) -> f64 {
    match profile {
        Profile::Walk => WALK_KMH,
        Profile::Drive => DRIVE_ACCESS_KMH,
    }
}

/// Walking speed, km/h (a common planning figure: 5 km/h ≈ 83 m a minute).
pub const WALK_KMH: f64 = 5.0;

/// Speed from a door to the road when driving (parking, yards), km/h.
const DRIVE_ACCESS_KMH: f64 = 15.0;

/// Which way a street may be travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Only in the order of its points.
    Forward,
    /// Only against the order of its points.
    Backward,
}

/// A street as read from a map: its line, its speed and its direction for one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Street {
    /// Its vertices, WGS84 lon/lat.
    pub line: Vec<Point<f64>>,
    /// Travel speed along it, km/h.
    pub kmh: f64,
    /// Which way it may be travelled.
    pub direction: Direction,
}

/// Length and time of one graph edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Metres along the street.
    pub metres: f64,
    /// Minutes at the street's speed.
    pub minutes: f64,
}

/// What building the network left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dropped {
    /// Pieces other than the largest connected one.
    pub pieces: usize,
    /// Nodes in them.
    pub nodes: usize,
    /// Edges in or into them.
    pub edges: usize,
}

/// The street graph with a spatial index of its nodes.
#[derive(Debug)]
pub struct StreetNetwork {
    /// Nodes are locations (WGS84), edges directed street pieces.
    pub graph: DiGraph<Point<f64>, Edge>,
    /// Pieces left out because they do not connect to the largest one.
    pub dropped: Dropped,
    projection: LocalProjection,
    nodes: RTree<GeomWithData<[f64; 2], NodeIndex>>,
}

/// A point placed on the network: its nearest node and the straight leg to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The nearest node.
    pub node: NodeIndex,
    /// Metres from the point to the node.
    pub metres: f64,
}

impl StreetNetwork {
    /// Builds the graph from streets, joining them where they share a vertex, and keeps the
    /// largest strongly connected piece.
    pub fn build(streets: &[Street]) -> Self {
        let mut graph = DiGraph::new();
        let mut index: HashMap<(i64, i64), NodeIndex> = HashMap::new();
        for street in streets {
            let nodes: Vec<NodeIndex> = street
                .line
                .iter()
                .map(|&p| {
                    *index
                        .entry(vertex_key(p))
                        .or_insert_with(|| graph.add_node(p))
                })
                .collect();
            for pair in nodes.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if a == b {
                    continue;
                }
                let metres = distance_m(graph[a], graph[b]);
                let edge = Edge {
                    metres,
                    minutes: metres / (street.kmh * 1000.0 / 60.0),
                };
                if street.direction != Direction::Backward {
                    graph.add_edge(a, b, edge);
                }
                if street.direction != Direction::Forward {
                    graph.add_edge(b, a, edge);
                }
            }
        }
        let (graph, dropped) = largest_piece(graph);
        let extent = MultiPoint::from(graph.node_weights().copied().collect::<Vec<_>>())
            .bounding_rect()
            .map_or(Point::new(0.0, 0.0), |r| r.center().into());
        let projection = LocalProjection::centred_on(extent);
        let nodes = RTree::bulk_load(
            graph
                .node_indices()
                .map(|n| GeomWithData::new(projection.to_metres(graph[n]).into(), n))
                .collect(),
        );
        Self {
            graph,
            dropped,
            projection,
            nodes,
        }
    }

    /// The nearest node to `point`, or `None` for an empty network.
    pub fn snap(&self, point: Point<f64>) -> Option<Snap> {
        let near = self
            .nodes
            .nearest_neighbor(&self.projection.to_metres(point).into())?;
        Some(Snap {
            node: near.data,
            metres: distance_m(point, self.graph[near.data]),
        })
    }
}

/// Vertices closer than about a centimetre are the same junction.
fn vertex_key(p: Point<f64>) -> (i64, i64) {
    ((p.x() * 1e7).round() as i64, (p.y() * 1e7).round() as i64)
}

/// The graph restricted to its largest strongly connected piece, and what was dropped.
fn largest_piece(graph: DiGraph<Point<f64>, Edge>) -> (DiGraph<Point<f64>, Edge>, Dropped) {
    let mut pieces = kosaraju_scc(&graph);
    if pieces.len() <= 1 {
        return (graph, Dropped::default());
    }
    // Largest first; ties by lowest node index, so the choice does not depend on the order
    // the algorithm returns pieces in.
    pieces.sort_by_key(|p| (std::cmp::Reverse(p.len()), p.iter().min().copied()));
    let mut kept = vec![None; graph.node_count()];
    let mut smaller = DiGraph::new();
    let mut largest = pieces[0].clone();
    largest.sort();
    for n in largest {
        kept[n.index()] = Some(smaller.add_node(graph[n]));
    }
    for edge in graph.raw_edges() {
        if let (Some(a), Some(b)) = (kept[edge.source().index()], kept[edge.target().index()]) {
            smaller.add_edge(a, b, edge.weight);
        }
    }
    let dropped = Dropped {
        pieces: pieces.len() - 1,
        nodes: graph.node_count() - smaller.node_count(),
        edges: graph.edge_count() - smaller.edge_count(),
    };
    (smaller, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres to degrees of longitude on the equator (WGS84).
    pub fn east(metres: f64) -> Point<f64> {
        Point::new(metres / 111_319.490_793, 0.0)
    }

    fn street(from: f64, to: f64, direction: Direction) -> Street {
        Street {
            line: vec![east(from), east(to)],
            kmh: 6.0,
            direction,
        }
    }

    #[test]
    fn streets_sharing_a_vertex_join_and_one_way_streets_get_one_edge() {
        let network = StreetNetwork::build(&[
            street(0.0, 100.0, Direction::Both),
            street(100.0, 250.0, Direction::Both),
        ]);
        assert_eq!(network.graph.node_count(), 3);
        assert_eq!(network.graph.edge_count(), 4);
        let edge = network.graph.raw_edges()[0].weight;
        assert!((edge.metres - 100.0).abs() < 0.01, "{edge:?}");
        assert!(
            (edge.minutes - 1.0).abs() < 1e-3,
            "6 km/h is 100 m a minute: {edge:?}"
        );
    }

    #[test]
    fn a_detached_piece_is_dropped_and_reported() {
        let network = StreetNetwork::build(&[
            street(0.0, 100.0, Direction::Both),
            street(100.0, 200.0, Direction::Both),
            street(5000.0, 5100.0, Direction::Both),
        ]);
        assert_eq!(network.graph.node_count(), 3);
        let expected = Dropped {
            pieces: 1,
            nodes: 2,
            edges: 2,
        };
        assert_eq!(network.dropped, expected);
    }

    #[test]
    fn a_dead_end_one_way_street_is_not_strongly_connected() {
        let network = StreetNetwork::build(&[
            street(0.0, 100.0, Direction::Both),
            street(100.0, 200.0, Direction::Forward),
        ]);
        assert_eq!(network.graph.node_count(), 2);
        assert_eq!(network.dropped.nodes, 1);
    }

    #[test]
    fn a_point_snaps_to_the_nearest_node_with_its_distance() {
        let network = StreetNetwork::build(&[street(0.0, 100.0, Direction::Both)]);
        let snap = network
            .snap(Point::new(east(90.0).x(), 30.0 / 110_574.0))
            .unwrap();
        assert_eq!(network.graph[snap.node], east(100.0));
        let expected = (10.0f64.powi(2) + 30.0f64.powi(2)).sqrt();
        assert!((snap.metres - expected).abs() < 0.1, "{snap:?}");
    }
}
