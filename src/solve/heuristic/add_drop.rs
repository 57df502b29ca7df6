//! Closing and opening sites of a complete plan where the number of sites is free: the DROP
//! and ADD moves of capacitated facility location, each priced by moving the demand it
//! touches directly, without solving an allocation.
//!
//! DROP closes an open site when its opening cost outweighs what its people pay more at the
//! cheapest other open sites with room (the move is refused when they lack room). ADD opens
//! a closed site when what the people moving to it save, dearest trips first and as far as
//! its room goes, outweighs its opening cost. Passes alternate until neither pays. A plan by
//! cost per unit served ([`super::cheapest_per_unit`]) opens its last sites for the few
//! people left; on a generated fixed-charge city of 10^5 cells 70 of its 404 sites were
//! less than half used.

use super::spending::Spending;
use crate::model::{Allocation, Assignment};
use crate::solve::form::MinForm;
use crate::solve::tolerance::{IMPROVEMENT, UNSERVED};
use std::time::Instant;

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
        if !(dropped || added) {
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
        let mut order: Vec<usize> = (0..self.open.len())
            .filter(|&j| self.open[j] && !self.form.forced[j])
            .collect();
        order.sort_by(|&a, &b| self.room[b].total_cmp(&self.room[a]).then(a.cmp(&b)));
        let mut any = false;
        for j in order {
            if Instant::now() >= deadline {
                break;
            }
            if let Some(shifts) = self.drop_shifts(j, threshold) {
                self.apply(&shifts);
                self.close(j);
                any = true;
            }
        }
        any
    }

    /// Where the people of open site `j` would go were it closed, if that pays: each share
    /// to the cheapest other open sites in reach with room (whole, when single-source).
    fn drop_shifts(&self, j: usize, threshold: f64) -> Option<Vec<Shift>> {
        let problem = self.form.problem;
        let single_source = problem.limits().single_source;
        let costs = problem.costs();
        let mut used: Vec<(usize, f64)> = Vec::new();
        let room_left = |k: usize, used: &[(usize, f64)]| {
            self.room[k] - used.iter().filter(|u| u.0 == k).map(|u| u.1).sum::<f64>()
        };
        let mut change = -self.form.open_cost[j];
        let mut shifts = Vec::new();
        let mut points = self.served_by[j].clone();
        points.sort_unstable();
        points.dedup();
        for i in points {
            let Some(held) = self.allocations[i].iter().find(|a| a.site == j) else {
                continue;
            };
            let demand = problem.demand()[i].demand;
            let mut left = held.share;
            change -= held.share * self.cost(i, j)?;
            for arc in costs.arc_range(i) {
                let k = costs.arc_sites()[arc] as usize;
                if k == j || !self.open[k] || left <= UNSERVED {
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
        (change < -threshold).then_some(shifts)
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
}
