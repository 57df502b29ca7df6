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

    /// Shift and exchange moves until none improves or the rounds run out.
    pub fn improve(&mut self, with_exchanges: bool) {
        for _ in 0..ROUNDS {
            let shifted = self.shift();
            let exchanged = with_exchanges && self.exchange();
            if !shifted && !exchanged {
                break;
            }
        }
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
                .problem
                .costs()
                .arcs(i)
                .take_while(|a| a.site != current)
                .find(|a| self.open[a.site] && self.room[a.site] >= demand)
                .map(|a| a.site);
            if let Some(site) = better.filter(|&s| self.cost(i, s).unwrap_or(0.0) < now) {
                self.place(i, Some(site));
                moved = true;
            }
        }
        moved
    }

    /// Swaps pairs of points between their sites when that is cheaper; whether any swapped.
    fn exchange(&mut self) -> bool {
        let mut swapped = false;
        for i in 0..self.site_of.len() {
            for k in i + 1..self.site_of.len() {
                if self.exchange_pays(i, k) {
                    let (a, b) = (self.site_of[i], self.site_of[k]);
                    self.place(i, None);
                    self.place(k, a);
                    self.place(i, b);
                    swapped = true;
                }
            }
        }
        swapped
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
