//! Closing and opening sites of a complete plan where the number of sites is free: the DROP
//! and ADD moves of capacitated facility location, each priced by moving the demand it
//! touches directly, without solving an allocation.
//!
//! DROP closes an open site when its opening cost outweighs what its people pay more at the
//! cheapest other open sites with room (the move is refused when they lack room). ADD opens
//! a closed site when what the people moving to it save, dearest trips first and as far as
//! its room goes, outweighs its opening cost. MOVE closes an open site and opens one of the
//! closed sites nearest its people at once, when that pays and neither half does alone.
//! Passes alternate until none pays. A plan by
//! cost per unit served ([`super::cheapest_per_unit`]) opens its last sites for the few
//! people left; on a generated fixed-charge city of 10^5 cells 70 of its 404 sites were
//! less than half used.

use super::spending::Spending;
use crate::model::{Allocation, Assignment};
use crate::solve::form::MinForm;
use crate::solve::tolerance::{IMPROVEMENT, UNSERVED};
use std::collections::BTreeMap;
use std::time::Instant;

/// How many of a point's nearest sites MOVE looks at for a new place of the point's site.
const NEARBY_ARCS: usize = 16;

/// How many closed sites, those nearest to most of its people, MOVE tries for each open site.
const MOVE_CANDIDATES: usize = 8;

/// A complete plan being changed: its allocations, each site's room left, and the new sites
/// and spending counted against the limits.
struct Plan<'a> {
    form: &'a MinForm<'a>,
    open: Vec<bool>,
    allocations: Vec<Vec<Allocation>>,
    room: Vec<f64>,
    /// For each site, points it served at some time (a point may have moved away since).
    served_by: Vec<Vec<usize>>,
    spending: Spending,
}

/// A point's allocation at one site, with what serving all of the point there costs.
struct Piece {
    site: usize,
    cost: f64,
    share: f64,
}

/// A share of a point moved from one site to another.
struct Shift {
    point: usize,
    from: usize,
    to: usize,
    share: f64,
}

/// Closes and opens sites of `plan` while that lowers its value (see the module
/// documentation), until the moves stop paying or `deadline`. Whether the plan changed.
pub fn add_drop(form: &MinForm, plan: &mut Assignment, deadline: Instant) -> bool {
    let mut changing = Plan::new(form, plan);
    let threshold = IMPROVEMENT * plan.objective_value(form.problem).abs().max(1.0);
    let mut changed = false;
    while Instant::now() < deadline {
        let dropped = changing.drop_pass(threshold, deadline);
        let added = changing.add_pass(threshold, deadline);
        let moved = changing.move_pass(threshold, deadline);
        if !(dropped || added || moved) {
            break;
        }
        changed = true;
    }
    if changed {
        for allocations in &mut changing.allocations {
            allocations.sort_by_key(|a| a.site);
        }
        plan.open = changing.open;
        plan.allocations = changing.allocations;
    }
    changed
}

impl<'a> Plan<'a> {
    fn new(form: &'a MinForm<'a>, plan: &Assignment) -> Self {
        let problem = form.problem;
        let loads = plan.loads(problem);
        let mut served_by = vec![Vec::new(); plan.open.len()];
        for (i, allocations) in plan.allocations.iter().enumerate() {
            for a in allocations {
                served_by[a.site].push(i);
            }
        }
        Self {
            form,
            open: plan.open.clone(),
            allocations: plan.allocations.clone(),
            room: (0..loads.len())
                .map(|j| form.capacity(j) - loads[j])
                .collect(),
            served_by,
            spending: Spending::of(form, &plan.open),
        }
    }

    /// The cost of serving all of point `i` from site `j`, when `j` is in its reach.
    fn cost(&self, i: usize, j: usize) -> Option<f64> {
        self.form
            .problem
            .costs()
            .arc_of(i, j)
            .map(|arc| self.form.arc_cost[arc])
    }

    /// One try at closing each open site, least loaded first; whether any closed.
    fn drop_pass(&mut self, threshold: f64, deadline: Instant) -> bool {
        let mut any = false;
        for j in self.closing_order() {
            if Instant::now() >= deadline {
                break;
            }
            let closing = self.closing_shifts(j, &self.people_of(j), None);
            if let Some((_, shifts)) = closing.filter(|(change, _)| *change < -threshold) {
                self.apply(&shifts);
                self.close(j);
                any = true;
            }
        }
        any
    }

    /// The open sites, least loaded first: the order closings are tried in.
    fn closing_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.open.len())
            .filter(|&j| self.open[j] && !self.form.forced[j])
            .collect();
        order.sort_by(|&a, &b| self.room[b].total_cmp(&self.room[a]).then(a.cmp(&b)));
        order
    }

    /// One try at moving each open site to the closed site that pays most among those
    /// nearest its people; whether any moved.
    fn move_pass(&mut self, threshold: f64, deadline: Instant) -> bool {
        let mut any = false;
        for j in self.closing_order() {
            if Instant::now() >= deadline {
                break;
            }
            let people = self.people_of(j);
            let mut best: Option<(f64, usize, Vec<Shift>)> = None;
            for k in self.nearby_closed(&people) {
                if !self.admits_move(j, k) {
                    continue;
                }
                let Some((change, shifts)) = self.closing_shifts(j, &people, Some(k)) else {
                    continue;
                };
                if change < -threshold && best.as_ref().is_none_or(|b| change < b.0) {
                    best = Some((change, k, shifts));
                }
            }
            if let Some((_, k, shifts)) = best {
                self.open(k);
                self.apply(&shifts);
                self.close(j);
                any = true;
            }
        }
        any
    }

    /// The closed sites most often among the [`NEARBY_ARCS`] nearest of `people` (those of
    /// an open site), at most [`MOVE_CANDIDATES`] of them, most often first.
    fn nearby_closed(&self, people: &[usize]) -> Vec<usize> {
        let costs = self.form.problem.costs();
        let mut times: BTreeMap<usize, usize> = BTreeMap::new();
        for &i in people {
            for arc in costs.arc_range(i).take(NEARBY_ARCS) {
                let k = costs.arc_sites()[arc] as usize;
                if !self.open[k] {
                    *times.entry(k).or_default() += 1;
                }
            }
        }
        let mut nearby: Vec<(usize, usize)> = times.into_iter().collect();
        nearby.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        nearby
            .into_iter()
            .take(MOVE_CANDIDATES)
            .map(|(k, _)| k)
            .collect()
    }

    /// Whether closing open site `j` and opening closed site `k` keeps to the limits.
    fn admits_move(&mut self, j: usize, k: usize) -> bool {
        self.spending.change(self.form, j, -1.0);
        let admitted = self.admits(k);
        self.spending.change(self.form, j, 1.0);
        admitted
    }

    /// The points open site `j` serves, each once, in increasing order.
    fn people_of(&self, j: usize) -> Vec<usize> {
        let mut points: Vec<usize> = self.served_by[j]
            .iter()
            .copied()
            .filter(|&i| self.allocations[i].iter().any(|a| a.site == j))
            .collect();
        points.sort_unstable();
        points.dedup();
        points
    }

    /// Where `people`, those of open site `j` ([`Self::people_of`]), would go were it closed
    /// (and closed site `opening` opened in its place, with all its room), and what that
    /// changes in the plan's value: each share to the cheapest other open sites in reach
    /// with room (whole, when single-source); `None` when some do not fit.
    fn closing_shifts(
        &self,
        j: usize,
        people: &[usize],
        opening: Option<usize>,
    ) -> Option<(f64, Vec<Shift>)> {
        let problem = self.form.problem;
        let single_source = problem.limits().single_source;
        let costs = problem.costs();
        let mut used: Vec<(usize, f64)> = Vec::new();
        let room_left = |k: usize, used: &[(usize, f64)]| {
            self.room[k] - used.iter().filter(|u| u.0 == k).map(|u| u.1).sum::<f64>()
        };
        let mut change = -self.form.open_cost[j] + opening.map_or(0.0, |k| self.form.open_cost[k]);
        let mut shifts = Vec::new();
        for &i in people {
            let Some(held) = self.allocations[i].iter().find(|a| a.site == j) else {
                continue;
            };
            let demand = problem.demand()[i].demand;
            let mut left = held.share;
            change -= held.share * self.cost(i, j)?;
            for arc in costs.arc_range(i) {
                let k = costs.arc_sites()[arc] as usize;
                if k == j || !(self.open[k] || opening == Some(k)) || left <= UNSERVED {
                    continue;
                }
                let room = room_left(k, &used);
                let share = match single_source {
                    true if room + UNSERVED >= left * demand => left,
                    true => continue,
                    false if demand > 0.0 => left.min(room / demand),
                    false => left,
                };
                if share <= 0.0 {
                    continue;
                }
                used.push((k, share * demand));
                change += share * self.form.arc_cost[arc];
                shifts.push(Shift {
                    point: i,
                    from: j,
                    to: k,
                    share,
                });
                left -= share;
            }
            if left > UNSERVED {
                return None;
            }
        }
        Some((change, shifts))
    }

    /// One try at opening each closed site the limits admit; whether any opened.
    fn add_pass(&mut self, threshold: f64, deadline: Instant) -> bool {
        let mut dearest: Vec<Option<Piece>> = (0..self.allocations.len())
            .map(|i| self.dearest(i))
            .collect();
        let mut any = false;
        for k in 0..self.open.len() {
            if Instant::now() >= deadline {
                break;
            }
            if self.open[k] || !self.admits(k) {
                continue;
            }
            if let Some(shifts) = self.add_shifts(k, &dearest, threshold) {
                self.open(k);
                self.apply(&shifts);
                for shift in &shifts {
                    dearest[shift.point] = self.dearest(shift.point);
                }
                any = true;
            }
        }
        any
    }

    /// Point `i`'s dearest allocation.
    fn dearest(&self, i: usize) -> Option<Piece> {
        self.allocations[i]
            .iter()
            .filter_map(|a| {
                Some(Piece {
                    site: a.site,
                    cost: self.cost(i, a.site)?,
                    share: a.share,
                })
            })
            .max_by(|a, b| a.cost.total_cmp(&b.cost))
    }

    /// Whether opening site `k` keeps to the limits on new sites and budget.
    fn admits(&self, k: usize) -> bool {
        self.spending.admits_opening(self.form, k)
    }

    /// The people who would move to closed site `k` were it opened, if that pays: from
    /// their dearest site, those saving most per person first, while its room lasts.
    fn add_shifts(
        &self,
        k: usize,
        dearest: &[Option<Piece>],
        threshold: f64,
    ) -> Option<Vec<Shift>> {
        let problem = self.form.problem;
        let single_source = problem.limits().single_source;
        let mut moves: Vec<(f64, Shift)> = self
            .form
            .by_site
            .costs_of(k)
            .filter_map(|(i, cost)| {
                let piece = dearest[i].as_ref()?;
                let demand = problem.demand()[i].demand;
                (piece.cost > cost && demand > 0.0).then(|| {
                    let per_person = (piece.cost - cost) / demand;
                    let shift = Shift {
                        point: i,
                        from: piece.site,
                        to: k,
                        share: piece.share,
                    };
                    (per_person, shift)
                })
            })
            .collect();
        moves.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.point.cmp(&b.1.point)));
        let mut room = self.form.capacity(k);
        let mut saving = -self.form.open_cost[k];
        let mut shifts = Vec::new();
        for (per_person, mut shift) in moves {
            let demand = problem.demand()[shift.point].demand;
            let need = shift.share * demand;
            if need > room {
                if single_source {
                    continue;
                }
                shift.share = room / demand;
            }
            room -= shift.share * demand;
            saving += per_person * shift.share * demand;
            shifts.push(shift);
            if room <= 0.0 {
                break;
            }
        }
        (saving > threshold).then_some(shifts)
    }

    /// Moves each shift's share of its point, and the room with it.
    fn apply(&mut self, shifts: &[Shift]) {
        let demand = self.form.problem.demand();
        for shift in shifts {
            let allocations = &mut self.allocations[shift.point];
            if let Some(at) = allocations.iter().position(|a| a.site == shift.from) {
                allocations[at].share -= shift.share;
                if allocations[at].share <= UNSERVED {
                    allocations.remove(at);
                }
            }
            match allocations.iter_mut().find(|a| a.site == shift.to) {
                Some(a) => a.share += shift.share,
                None => allocations.push(Allocation {
                    site: shift.to,
                    share: shift.share,
                }),
            }
            let amount = shift.share * demand[shift.point].demand;
            self.room[shift.from] += amount;
            self.room[shift.to] -= amount;
            self.served_by[shift.to].push(shift.point);
        }
    }

    fn close(&mut self, j: usize) {
        self.open[j] = false;
        self.spending.change(self.form, j, -1.0);
        self.served_by[j].clear();
    }

    fn open(&mut self, k: usize) {
        self.open[k] = true;
        self.spending.change(self.form, k, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{far_off, priced_line};

    /// Serves each village wholly from the site of the same index in `sites`.
    fn plan(open: &[bool], sites: &[usize]) -> Assignment {
        Assignment {
            open: open.to_vec(),
            allocations: sites
                .iter()
                .map(|&site| vec![Allocation { site, share: 1.0 }])
                .collect(),
        }
    }

    /// Villages of 10 at km 0 and 1, a school of opening cost 50 at each: closing the km 0
    /// school sends its 10 pupils 1 km (10) and saves 50. Plan 100 → 60.
    #[test]
    fn a_site_whose_people_fit_elsewhere_for_less_than_it_costs_closes() {
        let problem = priced_line(
            &[(0.0, 10.0), (1.0, 10.0)],
            &[(0.0, 100.0, 50.0), (1.0, 100.0, 50.0)],
            false,
        );
        let mut two = plan(&[true, true], &[0, 1]);
        assert!(add_drop(&MinForm::new(&problem), &mut two, far_off()));
        assert_eq!(two.open, [false, true]);
        assert_eq!(two.objective_value(&problem), 60.0);
    }

    /// The same with room for 10 at each school: nobody can move, nothing closes.
    #[test]
    fn a_site_stays_open_when_the_others_lack_room() {
        let problem = priced_line(
            &[(0.0, 10.0), (1.0, 10.0)],
            &[(0.0, 10.0, 50.0), (1.0, 10.0, 50.0)],
            false,
        );
        let mut two = plan(&[true, true], &[0, 1]);
        assert!(!add_drop(&MinForm::new(&problem), &mut two, far_off()));
        assert_eq!(two.objective_value(&problem), 100.0);
    }

    /// Villages of 10 at km 0 and 10, schools of opening cost 5 at each, only the km 0 one
    /// open: opening the km 10 school saves the far village 100 for 5. Plan 105 → 10.
    #[test]
    fn a_site_that_saves_its_people_more_than_it_costs_opens() {
        let problem = priced_line(
            &[(0.0, 10.0), (10.0, 10.0)],
            &[(0.0, 100.0, 5.0), (10.0, 100.0, 5.0)],
            true,
        );
        let mut one = plan(&[true, false], &[0, 0]);
        assert!(add_drop(&MinForm::new(&problem), &mut one, far_off()));
        assert_eq!(one.open, [true, true]);
        assert_eq!(one.objective_value(&problem), 10.0);
    }

    /// Villages of 10 at km 4 and 6, served from a school at km 0 (opening cost 50): 100 of
    /// travel, 150 in all. The school at km 5 costs 90: opening it beside saves 80 of
    /// travel, less than it costs, and the km 0 school cannot close alone, but moving it to
    /// km 5 costs 90 + 20 against 150.
    #[test]
    fn a_site_moves_when_neither_closing_nor_opening_pays_alone() {
        let problem = priced_line(
            &[(4.0, 10.0), (6.0, 10.0)],
            &[(0.0, 100.0, 50.0), (5.0, 100.0, 90.0)],
            false,
        );
        let mut one = plan(&[true, false], &[0, 0]);
        assert!(add_drop(&MinForm::new(&problem), &mut one, far_off()));
        assert_eq!(one.open, [false, true]);
        assert_eq!(one.objective_value(&problem), 110.0);
    }
}
