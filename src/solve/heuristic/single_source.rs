//! Single-source plans for a fixed set of open sites: each point served wholly by one site.
//!
//! Three moves on top of the regret assignment: *repair* serves a point left without room by
//! moving one point out of a full site (an ejection of depth one), *shift* moves a point to a
//! cheaper site with room, *exchange* swaps two points between their sites.

use crate::model::{Allocation, Objective, SitingProblem};
use crate::solve::tolerance::IMPROVEMENT;

/// Sweeps of shift and exchange moves before stopping.
const ROUNDS: usize = 4;

/// Where every point is served, and the room left at every site.
pub struct Placement<'a> {
    problem: &'a SitingProblem,
    open: &'a [bool],
    site_of: Vec<Option<usize>>,
    room: Vec<f64>,
}

impl<'a> Placement<'a> {
    /// Reads single-site allocations; `room` is what the sites have left after them.
    pub fn new(
        problem: &'a SitingProblem,
        open: &'a [bool],
        allocations: &[Vec<Allocation>],
        room: Vec<f64>,
    ) -> Self {
        let site_of = allocations
            .iter()
            .map(|allocs| allocs.first().map(|a| a.site))
            .collect();
        Self {
            problem,
            open,
            site_of,
            room,
        }
    }

    /// The allocations, one per served point.
    pub fn into_allocations(self) -> Vec<Vec<Allocation>> {
        self.site_of
            .into_iter()
            .map(|site| {
                site.map(|site| Allocation { site, share: 1.0 })
                    .into_iter()
                    .collect()
            })
            .collect()
    }

    fn demand(&self, i: usize) -> f64 {
        self.problem.demand()[i].demand
    }

    /// What serving point `i` from `site` adds to the objective; `None` when out of reach.
    fn cost(&self, i: usize, site: usize) -> Option<f64> {
        let cost = self.problem.costs().cost(i, site)?;
        Some(match self.problem.objective() {
            Objective::PMedian | Objective::MinCost => self.problem.demand()[i].weight * cost,
            Objective::MaxCoverage | Objective::MinSites => 0.0,
        })
    }

    fn place(&mut self, i: usize, site: Option<usize>) {
        let demand = self.demand(i);
        if let Some(old) = self.site_of[i] {
            self.room[old] += demand;
        }
        if let Some(new) = site {
            self.room[new] -= demand;
        }
        self.site_of[i] = site;
    }

    /// Serves unserved points by moving one point out of a site in their reach.
    pub fn repair(&mut self) {
        for i in 0..self.site_of.len() {
            if self.site_of[i].is_none() {
                if let Some((site, moved, to)) = self.best_ejection(i) {
                    self.place(moved, Some(to));
                    self.place(i, Some(site));
                }
            }
        }
    }

    /// The cheapest (site for `i`, point moved out of it, where that point goes).
    fn best_ejection(&self, i: usize) -> Option<(usize, usize, usize)> {
        let demand = self.demand(i);
        let mut best: Option<(f64, (usize, usize, usize))> = None;
        for arc in self.problem.costs().arcs(i).filter(|a| self.open[a.site]) {
            let site = arc.site;
            let needed = demand - self.room[site];
            for q in (0..self.site_of.len()).filter(|&q| self.site_of[q] == Some(site)) {
                if self.demand(q) < needed {
                    continue;
                }
                let Some((to, moved_cost)) = self.cheapest_room(q, site) else {
                    continue;
                };
                let delta = self.cost(i, site).unwrap_or(0.0) + moved_cost
                    - self.cost(q, site).unwrap_or(0.0);
                if best.is_none_or(|(b, _)| delta < b) {
                    best = Some((delta, (site, q, to)));
                }
            }
        }
        best.map(|(_, ejection)| ejection)
    }

    /// The cheapest open site other than `except` with room for point `q`, and its cost.
    fn cheapest_room(&self, q: usize, except: usize) -> Option<(usize, f64)> {
        let demand = self.demand(q);
        self.problem
            .costs()
            .arcs(q)
            .find(|a| a.site != except && self.open[a.site] && self.room[a.site] >= demand)
            .map(|a| (a.site, self.cost(q, a.site).unwrap_or(0.0)))
    }

    /// Shift, exchange and ejection moves until none improves or the rounds run out.
    pub fn improve(&mut self, with_exchanges: bool) {
        for _ in 0..ROUNDS {
            let shifted = self.shift();
            let exchanged = with_exchanges && self.exchange();
            let ejected = with_exchanges && self.eject();
            if !shifted && !exchanged && !ejected {
                break;
            }
        }
    }

    /// The points each site serves.
    fn members(&self) -> Vec<Vec<usize>> {
        let mut members = vec![Vec::new(); self.open.len()];
        for (i, site) in self.site_of.iter().enumerate() {
            if let Some(j) = site {
                members[*j].push(i);
            }
        }
        members
    }

    /// The open sites point `i` reaches more cheaply than `current`, cheapest first.
    fn cheaper_sites(&self, i: usize, current: usize) -> impl Iterator<Item = usize> + '_ {
        self.problem
            .costs()
            .arcs(i)
            .take_while(move |a| a.site != current)
            .map(|a| a.site)
            .filter(|&j| self.open[j])
    }

    /// Moves points to a cheaper site with room; whether any moved.
    fn shift(&mut self) -> bool {
        let mut moved = false;
        for i in 0..self.site_of.len() {
            let Some(current) = self.site_of[i] else {
                continue;
            };
            let demand = self.demand(i);
            let now = self.cost(i, current).unwrap_or(0.0);
            let better = self
                .cheaper_sites(i, current)
                .find(|&j| self.room[j] >= demand);
            if let Some(site) = better.filter(|&s| self.cost(i, s).unwrap_or(0.0) < now) {
                self.place(i, Some(site));
                moved = true;
            }
        }
        moved
    }

    /// Swaps pairs of points between their sites when that is cheaper; whether any swapped.
    /// A swap that pays moves one of the two to a site it reaches more cheaply, so each
    /// point is tried against the points of its cheaper sites only.
    fn exchange(&mut self) -> bool {
        let mut members = self.members();
        let mut swapped = false;
        for i in 0..self.site_of.len() {
            let Some(a) = self.site_of[i] else {
                continue;
            };
            let partner = self.cheaper_sites(i, a).find_map(|b| {
                members[b]
                    .iter()
                    .find(|&&k| self.exchange_pays(i, k))
                    .map(|&k| (b, k))
            });
            let Some((b, k)) = partner else {
                continue;
            };
            self.move_two(&mut members, (i, a, b), (k, b, a));
            swapped = true;
        }
        swapped
    }

    /// Moves point `first` from one site to another (`(point, from, to)`) into the room that
    /// `second` leaves by its own move, keeping `members` in step.
    fn move_two(
        &mut self,
        members: &mut [Vec<usize>],
        first: (usize, usize, usize),
        second: (usize, usize, usize),
    ) {
        self.place(second.0, None);
        self.place(first.0, Some(first.2));
        self.place(second.0, Some(second.2));
        for (point, from, to) in [first, second] {
            members[from].retain(|&q| q != point);
            members[to].push(point);
        }
    }

    /// Moves points to a cheaper full site by moving one of its points on to the cheapest
    /// other site with room for it (an ejection chain of two moves), where the two together
    /// save; whether any moved.
    fn eject(&mut self) -> bool {
        let mut members = self.members();
        let mut moved = false;
        for i in 0..self.site_of.len() {
            let Some(from) = self.site_of[i] else {
                continue;
            };
            let Some((to, ejected, onward)) = self.best_chain(i, from, &members) else {
                continue;
            };
            self.move_two(&mut members, (i, from, to), (ejected, to, onward));
            moved = true;
        }
        moved
    }

    /// The chain that saves most by moving point `i` from `from` to a cheaper site and a
    /// point of that site on to the cheapest other site with room for it (counting the
    /// room `i` leaves): `(site for i, point moved on, its new site)`.
    fn best_chain(
        &self,
        i: usize,
        from: usize,
        members: &[Vec<usize>],
    ) -> Option<(usize, usize, usize)> {
        let demand = self.demand(i);
        let now = self.cost(i, from)?;
        let least_saving = IMPROVEMENT * now.abs().max(1.0);
        let room_at = |j: usize| self.room[j] + if j == from { demand } else { 0.0 };
        let mut best: Option<(f64, (usize, usize, usize))> = None;
        for to in self.cheaper_sites(i, from) {
            let Some(moved_in) = self.cost(i, to) else {
                continue;
            };
            for &k in &members[to] {
                let need = self.demand(k);
                if self.room[to] + need < demand {
                    continue;
                }
                let onward = self
                    .problem
                    .costs()
                    .arcs(k)
                    .find(|a| a.site != to && self.open[a.site] && room_at(a.site) >= need);
                let (Some(onward), Some(k_now)) = (onward, self.cost(k, to)) else {
                    continue;
                };
                let Some(k_then) = self.cost(k, onward.site) else {
                    continue;
                };
                let delta = moved_in - now + k_then - k_now;
                if delta < -least_saving && best.is_none_or(|(b, _)| delta < b) {
                    best = Some((delta, (to, k, onward.site)));
                }
            }
        }
        best.map(|(_, chain)| chain)
    }

    fn exchange_pays(&self, i: usize, k: usize) -> bool {
        let (Some(a), Some(b)) = (self.site_of[i], self.site_of[k]) else {
            return false;
        };
        if a == b {
            return false;
        }
        let (di, dk) = (self.demand(i), self.demand(k));
        if self.room[a] + di < dk || self.room[b] + dk < di {
            return false;
        }
        let (Some(ib), Some(ka)) = (self.cost(i, b), self.cost(k, a)) else {
            return false;
        };
        let before = self.cost(i, a).unwrap_or(0.0) + self.cost(k, b).unwrap_or(0.0);
        ib + ka < before - IMPROVEMENT * before.abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DemandPoint, Limits, Site, SiteStatus};

    /// Points p and q (one person each) and sites A, B, C of one place each: p reaches A for
    /// 10 and B for 1, q reaches B for 1, C for 2 and A for 50.
    fn two_points_three_sites() -> SitingProblem {
        let point = |id: &str| DemandPoint {
            id: id.into(),
            demand: 1.0,
            weight: 1.0,
        };
        let site = |id: &str| Site {
            id: id.into(),
            capacity: Some(1.0),
            fixed_cost: 0.0,
            status: SiteStatus::Existing,
            min_load: 0.0,
            plot: None,
        };
        let single = Limits {
            single_source: true,
            ..Limits::default()
        };
        SitingProblem::new(
            Objective::PMedian,
            single,
            vec![point("p"), point("q")],
            vec![site("A"), site("B"), site("C")],
            vec![
                (0, 0, 10.0),
                (0, 1, 1.0),
                (1, 1, 1.0),
                (1, 2, 2.0),
                (1, 0, 50.0),
            ],
        )
        .expect("a valid problem")
    }

    /// p at A and q at B (11): p cannot shift to B, which is full, and swapping p and q
    /// costs 51. Moving p to B and q on to C, one chain, costs 3.
    #[test]
    fn an_ejection_chain_moves_a_point_into_a_full_site_and_its_point_onward() {
        let problem = two_points_three_sites();
        let open = [true; 3];
        let at = |site| vec![Allocation { site, share: 1.0 }];
        let mut placement = Placement::new(&problem, &open, &[at(0), at(1)], vec![0.0, 0.0, 1.0]);
        placement.improve(true);
        let allocations = placement.into_allocations();
        assert_eq!(allocations, vec![at(1), at(2)]);
    }
}
