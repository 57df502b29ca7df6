//! Travel costs along the street network: every (demand point, site) pair within a limit,
//! found by one shortest-path search per street node with demand, cut off at the limit, in
//! parallel over those nodes.
//!
//! A point joins the network at its nearest node; the straight leg to it is added to the cost
//! at the profile's access speed, so a network cost is never less than the straight-line
//! distance between the two points.

use super::network::{access_kmh, Snap, StreetNetwork};
use crate::input::scenario::Profile;
use geo::Point;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use serde::Deserialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

/// What a travel cost is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Metres along the streets.
    Metres,
    /// Minutes at the profile's speeds.
    Minutes,
}

impl Unit {
    /// The unit's short name, for reports.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Metres => "m",
            Unit::Minutes => "min",
        }
    }
}

/// How far a pair may be apart, and how far a point may be from the streets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    /// How people travel.
    pub profile: Profile,
    /// What costs are measured in.
    pub unit: Unit,
    /// Largest cost kept.
    pub limit: f64,
    /// Points farther than this from every street node are not placed on the network.
    pub max_snap_m: f64,
}

/// The pairs within reach, and the points that could not be placed on the network.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Routes {
    /// (from index, to index, cost), sorted by from then to.
    pub pairs: Vec<(usize, usize, f64)>,
    /// `from` points farther than `max_snap_m` from the streets.
    pub unplaced_from: Vec<usize>,
    /// `to` points farther than `max_snap_m` from the streets.
    pub unplaced_to: Vec<usize>,
}

/// Every pair of a `from` point and a `to` point whose travel cost is within the reach.
pub fn costs_within(
    network: &StreetNetwork,
    from: &[Point<f64>],
    to: &[Point<f64>],
    reach: Reach,
) -> Routes {
    let (starts, unplaced_from) = placed(network, from, reach);
    let (ends, unplaced_to) = placed(network, to, reach);
    let mut sites_at: HashMap<NodeIndex, Vec<(usize, f64)>> = HashMap::new();
    for (node, members) in &ends {
        sites_at.insert(*node, members.clone());
    }
    let mut pairs: Vec<(usize, usize, f64)> = starts
        .par_iter()
        .flat_map_iter(|(node, homes)| {
            let shortest_leg = homes
                .iter()
                .map(|&(_, leg)| leg)
                .fold(f64::INFINITY, f64::min);
            let reached = bounded_search(network, *node, reach.unit, reach.limit - shortest_leg);
            let mut found = Vec::new();
            for (at, along) in reached {
                let Some(sites) = sites_at.get(&at) else {
                    continue;
                };
                for &(i, leg_in) in homes {
                    for &(j, leg_out) in sites {
                        let cost = leg_in + along + leg_out;
                        if cost <= reach.limit {
                            found.push((i, j, cost));
                        }
                    }
                }
            }
            found
        })
        .collect();
    pairs.sort_by_key(|&(i, j, _)| (i, j));
    Routes {
        pairs,
        unplaced_from,
        unplaced_to,
    }
}

/// Points grouped by the node they snap to (in node order), each with its access leg as a
/// cost; and the points too far from any street.
type Placed = (Vec<(NodeIndex, Vec<(usize, f64)>)>, Vec<usize>);

fn placed(network: &StreetNetwork, points: &[Point<f64>], reach: Reach) -> Placed {
    let mut groups: BTreeMap<NodeIndex, Vec<(usize, f64)>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for (i, &point) in points.iter().enumerate() {
        match network.snap(point) {
            Some(Snap { node, metres }) if metres <= reach.max_snap_m => {
                groups
                    .entry(node)
                    .or_default()
                    .push((i, leg_cost(metres, reach)));
            }
            _ => unplaced.push(i),
        }
    }
    (groups.into_iter().collect(), unplaced)
}

/// The cost of the straight leg between a point and its node.
fn leg_cost(metres: f64, reach: Reach) -> f64 {
    match reach.unit {
        Unit::Metres => metres,
        Unit::Minutes => metres / (access_kmh(reach.profile) * 1000.0 / 60.0),
    }
}

/// A node waiting in the search queue, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Queued {
    cost: f64,
    node: NodeIndex,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Dijkstra from `source`, settling only nodes within `budget`; returns each settled node
/// with its cost. Memory grows with the nodes within reach, not with the whole network.
pub fn bounded_search(
    network: &StreetNetwork,
    source: NodeIndex,
    unit: Unit,
    budget: f64,
) -> HashMap<NodeIndex, f64> {
    let mut settled = HashMap::new();
    if budget < 0.0 {
        return settled;
    }
    let mut best: HashMap<NodeIndex, f64> = HashMap::from([(source, 0.0)]);
    let mut queue = BinaryHeap::from([Queued {
        cost: 0.0,
        node: source,
    }]);
    while let Some(Queued { cost, node }) = queue.pop() {
        if settled.contains_key(&node) {
            continue;
        }
        settled.insert(node, cost);
        for edge in network.graph.edges(node) {
            let step = match unit {
                Unit::Metres => edge.weight().metres,
                Unit::Minutes => edge.weight().minutes,
            };
            let next = cost + step;
            let target = edge.target();
            let better = best.get(&target).is_none_or(|&known| next < known);
            if next <= budget && better && !settled.contains_key(&target) {
                best.insert(target, next);
                queue.push(Queued {
                    cost: next,
                    node: target,
                });
            }
        }
    }
    settled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::geodesic::distance_m;
    use crate::travel::network::{Direction, Street};

    /// A point `x` metres east and `y` metres north of (0°, 0°).
    fn at(x: f64, y: f64) -> Point<f64> {
        Point::new(x / 111_319.490_793, y / 110_574.389)
    }

    fn street(line: &[(f64, f64)], direction: Direction) -> Street {
        Street {
            line: line.iter().map(|&(x, y)| at(x, y)).collect(),
            kmh: 6.0,
            direction,
        }
    }

    /// A square block 200 m a side with a diagonal lane from its south-west to its north-east
    /// corner; a one-way street eastwards along the south side.
    fn block(south_side: Direction) -> StreetNetwork {
        StreetNetwork::build(&[
            street(&[(0.0, 0.0), (200.0, 0.0)], south_side),
            street(&[(200.0, 0.0), (200.0, 200.0)], Direction::Both),
            street(&[(200.0, 200.0), (0.0, 200.0)], Direction::Both),
            street(&[(0.0, 200.0), (0.0, 0.0)], Direction::Both),
            street(
                &[(0.0, 0.0), (100.0, 100.0), (200.0, 200.0)],
                Direction::Both,
            ),
        ])
    }

    fn reach(unit: Unit, limit: f64) -> Reach {
        Reach {
            profile: Profile::Walk,
            unit,
            limit,
            max_snap_m: 50.0,
        }
    }

    fn cost(routes: &Routes, i: usize, j: usize) -> Option<f64> {
        routes
            .pairs
            .iter()
            .find(|&&(a, b, _)| (a, b) == (i, j))
            .map(|&(_, _, c)| c)
    }

    #[test]
    fn shortest_paths_on_a_hand_built_block() {
        let network = block(Direction::Both);
        let homes = [at(0.0, 0.0)];
        let sites = [
            at(200.0, 0.0),
            at(200.0, 200.0),
            at(0.0, 200.0),
            at(100.0, 100.0),
        ];
        let routes = costs_within(&network, &homes, &sites, reach(Unit::Metres, 1000.0));
        let diagonal = 200.0 * 2f64.sqrt();
        let expected = [200.0, diagonal, 200.0, diagonal / 2.0];
        for (j, want) in expected.into_iter().enumerate() {
            let got = cost(&routes, 0, j).unwrap();
            assert!((got - want).abs() < 0.5, "site {j}: {got} vs {want}");
        }
    }

    #[test]
    fn the_cutoff_keeps_only_pairs_within_the_limit() {
        let network = block(Direction::Both);
        let sites = [at(200.0, 0.0), at(200.0, 200.0), at(100.0, 100.0)];
        let routes = costs_within(
            &network,
            &[at(0.0, 0.0)],
            &sites,
            reach(Unit::Metres, 250.0),
        );
        let kept: Vec<usize> = routes.pairs.iter().map(|&(_, j, _)| j).collect();
        assert_eq!(kept, [0, 2]);
    }

    #[test]
    fn against_a_one_way_street_the_way_goes_round_the_block() {
        let network = block(Direction::Forward);
        let metres = reach(Unit::Metres, 1000.0);
        let east_bound = costs_within(&network, &[at(0.0, 0.0)], &[at(200.0, 0.0)], metres);
        let west_bound = costs_within(&network, &[at(200.0, 0.0)], &[at(0.0, 0.0)], metres);
        assert!((east_bound.pairs[0].2 - 200.0).abs() < 0.5);
        let around = 200.0 + 200.0 * 2f64.sqrt();
        assert!(
            (west_bound.pairs[0].2 - around).abs() < 0.5,
            "{west_bound:?}"
        );
    }

    #[test]
    fn minutes_add_the_walk_to_the_street_at_walking_speed() {
        let network = block(Direction::Both);
        // The home is 40 m south of the corner: 0.48 min at 5 km/h, then 200 m at 6 km/h.
        let routes = costs_within(
            &network,
            &[at(0.0, -40.0)],
            &[at(200.0, 0.0)],
            reach(Unit::Minutes, 10.0),
        );
        let expected = 40.0 / (5000.0 / 60.0) + 2.0;
        assert!((routes.pairs[0].2 - expected).abs() < 0.01, "{routes:?}");
    }

    #[test]
    fn points_far_from_every_street_are_reported_not_placed() {
        let network = block(Direction::Both);
        let routes = costs_within(
            &network,
            &[at(0.0, 0.0), at(0.0, 900.0)],
            &[at(5000.0, 0.0), at(200.0, 0.0)],
            reach(Unit::Metres, 1000.0),
        );
        assert_eq!(routes.unplaced_from, [1]);
        assert_eq!(routes.unplaced_to, [0]);
        assert_eq!(routes.pairs.len(), 1);
    }

    #[test]
    fn network_cost_is_never_below_the_straight_line() {
        let network = block(Direction::Both);
        let points: Vec<Point<f64>> = (0..6)
            .flat_map(|a| (0..6).map(move |b| at(a as f64 * 41.0 - 10.0, b as f64 * 37.0 + 5.0)))
            .collect();
        let routes = costs_within(&network, &points, &points, reach(Unit::Metres, 5000.0));
        assert!(!routes.pairs.is_empty());
        for &(i, j, cost) in &routes.pairs {
            assert!(cost + 1e-6 >= distance_m(points[i], points[j]), "{i} {j}");
        }
    }
}
