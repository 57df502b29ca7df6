//! Closing and opening sites of a complete plan where the number of sites is free: the DROP
//! and ADD moves of capacitated facility location, each priced by moving the demand it
//! touches directly, without solving an allocation.
//!
//! DROP closes an open site when its opening cost outweighs what its people pay more at the
//! cheapest other open sites with room (the move is refused when they lack room). ADD opens
//! a closed site when what the people moving to it save, dearest trips first and as far as
//! its room goes, outweighs its opening cost. MOVE closes an open site and opens one of the
//! closed sites nearest its people at once, when that pays and neither half does alone;
//! RESIZE opens another size of a site's plot in its place, its people kept and, when it
//! grows, more drawn to it as ADD would. Passes alternate until none pays.
//!
//! The moves keep the rules of planner-grade problems: one size per plot, each site's
//! minimum load (a site below it is closed first, its people moved), and demand left
//! unplaced at its price where the problem allows that. A plan by
//! cost per unit served ([`super::cheapest_per_unit`]) opens its last sites for the few
//! people left; on a generated fixed-charge city of 10^5 cells 70 of its 404 sites were
//! less than half used.

use super::augment::{served_at, Chains};
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

/// Where a shift takes demand from or to when that demand is (or goes) unplaced.
const UNPLACED: usize = usize::MAX;

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

/// A closed site a move opens, and the open size of its plot it replaces, if any: that
/// size closes and its people stay, served by the new size.
#[derive(Debug, Clone, Copy)]
struct Opening {
    site: usize,
    replaces: Option<usize>,
}

/// A share of a point moved from one site to another (either may be [`UNPLACED`]).
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
    let mut changed = changing.close_underloaded();
    while Instant::now() < deadline {
        let dropped = changing.drop_pass(threshold, deadline);
        let added = changing.add_pass(threshold, deadline);
        let moved = changing.move_pass(threshold, deadline);
        let resized = changing.resize_pass(threshold, deadline);
        // Chains are dearer to search: tried once the other moves stop paying.
        if !(dropped
            || added
            || moved
            || resized
            || changing.chained_drop_pass(threshold, deadline))
        {
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
        let served_by = served_at(&plan.allocations, plan.open.len());
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

    /// The demand site `j` serves.
    fn load(&self, j: usize) -> f64 {
        self.form.capacity(j) - self.room[j]
    }

    /// Closes every open site below its minimum load, its people moved to the cheapest
    /// other sites with room (or left unplaced at their price); whether any closed. A site
    /// whose people fit nowhere stays, and the plan is then refused by its checks.
    fn close_underloaded(&mut self) -> bool {
        let mut any = false;
        for j in self.closing_order() {
            let load = self.load(j);
            if load + UNSERVED >= self.form.min_load(j) {
                continue;
            }
            if let Some((_, shifts)) = self.closing_shifts(j, &self.people_of(j), None) {
                self.apply(&shifts);
                self.close(j);
                any = true;
            }
        }
        any
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

    /// One try at closing each open site, least loaded first, its people served anew along
    /// chains of moves ([`Chains`]): where the sites in their reach are full, others there
    /// move on to sites with room. DROP alone refuses such a closing, or prices it at the
    /// sites with room it finds first. Split service only: a chain moves shares of points.
    /// Whether any closed.
    fn chained_drop_pass(&mut self, threshold: f64, deadline: Instant) -> bool {
        if self.form.problem.limits().single_source {
            return false;
        }
        let mut any = false;
        for j in self.closing_order() {
            if Instant::now() >= deadline {
                break;
            }
            any |= self.chained_closing(j, threshold, deadline);
        }
        any
    }

    /// Closes open site `j` when serving its people along chains ([`Chains`]) costs less
    /// than its opening, by more than `threshold`; whether it closed. A chain leaves every
    /// site on its way with the load it had, so no site falls below its minimum load.
    fn chained_closing(&mut self, j: usize, threshold: f64, deadline: Instant) -> bool {
        let people = self.people_of(j);
        let mut open = self.open.clone();
        open[j] = false;
        let mut chains = Chains::new(
            self.form,
            &open,
            &mut self.allocations,
            &mut self.room,
            &mut self.served_by,
            deadline,
        )
        .nearby_only();
        let placed = people.iter().all(|&i| {
            let share = chains.release(i, j);
            chains.serve(i, share) <= UNSERVED
        });
        let change = chains.change_in_cost() - self.form.open_cost[j];
        if !placed || change >= -threshold {
            chains.undo();
            return false;
        }
        self.close(j);
        true
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
            let nearby = self.nearby_closed(&people);
            if let Some((opening, shifts)) = self.best_opening(j, &people, nearby, None, threshold)
            {
                self.make_move(j, opening, &shifts);
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

    /// Of the closed sites `candidates`, the one whose opening in open site `j`'s place
    /// lowers the plan's value most, by more than `threshold`, with the shifts of the move.
    /// With `dearest` pieces, the site opened also draws people from them with its room
    /// to spare ([`Self::drawn_to`]).
    fn best_opening(
        &self,
        j: usize,
        people: &[usize],
        candidates: Vec<usize>,
        dearest: Option<&[Option<Piece>]>,
        threshold: f64,
    ) -> Option<(Opening, Vec<Shift>)> {
        let mut best: Option<(f64, Opening, Vec<Shift>)> = None;
        for k in candidates {
            let Some(opening) = self.admits_move(j, k) else {
                continue;
            };
            let Some((mut change, mut shifts)) = self.opening_shifts(j, people, opening) else {
                continue;
            };
            if let Some(dearest) = dearest {
                let room = self.form.capacity(k) - self.moved_to(&shifts, k);
                let (saving, drawn) = self.drawn_to(k, dearest, room, Some(j));
                change -= saving;
                shifts.extend(drawn);
            }
            if change < -threshold && best.as_ref().is_none_or(|b| change < b.0) {
                best = Some((change, opening, shifts));
            }
        }
        best.map(|(_, opening, shifts)| (opening, shifts))
    }

    /// The opening of closed site `k` in a move that closes open site `j`, when it keeps to
    /// the limits: `k` replaces the open size of its plot, if any besides `j`.
    fn admits_move(&self, j: usize, k: usize) -> Option<Opening> {
        let replaces = self
            .form
            .plot_mates(k)
            .find(|&m| self.open[m] && m != j && !self.form.forced[m]);
        if self.form.plot_taken(&self.open, k, Some(j)) && replaces.is_none() {
            return None;
        }
        let mut after = self.spending;
        for m in [Some(j), replaces].into_iter().flatten() {
            after.change(self.form, m, -1.0);
        }
        after
            .admits_opening(self.form, k)
            .then_some(Opening { site: k, replaces })
    }

    /// [`Self::closing_shifts`] with `opening` in open site `j`'s place, when the site
    /// opened then serves at least its minimum load.
    fn opening_shifts(
        &self,
        j: usize,
        people: &[usize],
        opening: Opening,
    ) -> Option<(f64, Vec<Shift>)> {
        let (change, shifts) = self.closing_shifts(j, people, Some(opening))?;
        let k = opening.site;
        let enough = self.moved_to(&shifts, k) + UNSERVED >= self.form.min_load(k);
        enough.then_some((change, shifts))
    }

    /// Opens `opening`, moves `shifts` and closes `j` (and the size `opening` replaces).
    fn make_move(&mut self, j: usize, opening: Opening, shifts: &[Shift]) {
        self.open(opening.site);
        self.apply(shifts);
        self.close(j);
        if let Some(m) = opening.replaces {
            self.close(m);
        }
    }

    /// What serving the people of open site `m` from closed site `k` instead changes, `m`'s
    /// opening cost included; the shifts go to `shifts`. `None` when some are out of `k`'s
    /// reach.
    fn taken_over(&self, m: usize, k: usize, shifts: &mut Vec<Shift>) -> Option<f64> {
        let mut change = -self.form.open_cost[m];
        for i in self.people_of(m) {
            let Some(held) = self.allocations[i].iter().find(|a| a.site == m) else {
                continue;
            };
            change += held.share * (self.cost(i, k)? - self.cost(i, m)?);
            shifts.push(Shift {
                point: i,
                from: m,
                to: k,
                share: held.share,
            });
        }
        Some(change)
    }

    /// The demand `shifts` bring to site `k`.
    fn moved_to(&self, shifts: &[Shift], k: usize) -> f64 {
        let demand = self.form.problem.demand();
        shifts
            .iter()
            .filter(|shift| shift.to == k)
            .map(|shift| shift.share * demand[shift.point].demand)
            .sum()
    }

    /// One try at changing the size of each open site of a plot with several: the other
    /// size that pays most opens in its place, keeping its people as far as its room goes
    /// and, with room to spare, drawing others from their dearest sites; whether any changed.
    fn resize_pass(&mut self, threshold: f64, deadline: Instant) -> bool {
        let mut dearest: Vec<Option<Piece>> = (0..self.allocations.len())
            .map(|i| self.dearest(i))
            .collect();
        let mut any = false;
        for j in self.closing_order() {
            if Instant::now() >= deadline {
                break;
            }
            let sizes: Vec<usize> = self.form.plot_mates(j).collect();
            if sizes.is_empty() {
                continue;
            }
            let people = self.people_of(j);
            let best = self.best_opening(j, &people, sizes, Some(&dearest), threshold);
            if let Some((opening, shifts)) = best {
                self.make_move(j, opening, &shifts);
                for shift in &shifts {
                    dearest[shift.point] = self.dearest(shift.point);
                }
                any = true;
            }
        }
        any
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
    /// (and a closed site opened in its place, with all its room but what the people of the
    /// size it replaces take), and what that changes in the plan's value: each share to the
    /// cheapest other open sites in reach with room (whole, when single-source), or unplaced
    /// where that is allowed and cheaper; `None` when some do not fit.
    fn closing_shifts(
        &self,
        j: usize,
        people: &[usize],
        opening: Option<Opening>,
    ) -> Option<(f64, Vec<Shift>)> {
        let problem = self.form.problem;
        let single_source = problem.limits().single_source;
        let costs = problem.costs();
        let mut used: Vec<(usize, f64)> = Vec::new();
        let room_left = |k: usize, used: &[(usize, f64)]| {
            self.room[k] - used.iter().filter(|u| u.0 == k).map(|u| u.1).sum::<f64>()
        };
        let mut change = -self.form.open_cost[j];
        let mut shifts = Vec::new();
        let replaced = opening.and_then(|o| o.replaces);
        if let Some(opening) = opening {
            change += self.form.open_cost[opening.site];
            if let Some(m) = replaced {
                if self.load(m) > self.form.capacity(opening.site) {
                    return None;
                }
                change += self.taken_over(m, opening.site, &mut shifts)?;
                used.push((opening.site, self.load(m)));
            }
        }
        let opened = opening.map(|o| o.site);
        for &i in people {
            let Some(held) = self.allocations[i].iter().find(|a| a.site == j) else {
                continue;
            };
            let demand = problem.demand()[i].demand;
            let mut left = held.share;
            change -= held.share * self.cost(i, j)?;
            let unplaced = self.form.unplaced_cost(i);
            for arc in costs.arc_range(i) {
                let k = costs.arc_sites()[arc] as usize;
                if self.form.arc_cost[arc] >= unplaced {
                    break;
                }
                if k == j
                    || Some(k) == replaced
                    || !(self.open[k] || opened == Some(k))
                    || left <= UNSERVED
                {
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
                if !unplaced.is_finite() {
                    return None;
                }
                change += left * unplaced;
                shifts.push(Shift {
                    point: i,
                    from: j,
                    to: UNPLACED,
                    share: left,
                });
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
            let (saving, shifts) = self.drawn_to(k, &dearest, self.form.capacity(k), None);
            let enough = self.moved_to(&shifts, k) + UNSERVED >= self.form.min_load(k);
            if enough && saving - self.form.open_cost[k] > threshold {
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

    /// Point `i`'s dearest allocation: its share left unplaced, if any (at its price),
    /// else the site it pays most to reach.
    fn dearest(&self, i: usize) -> Option<Piece> {
        let unplaced = 1.0 - self.allocations[i].iter().map(|a| a.share).sum::<f64>();
        if unplaced > UNSERVED && self.form.unserved_cost.is_some() {
            return Some(Piece {
                site: UNPLACED,
                cost: self.form.unplaced_cost(i),
                share: unplaced,
            });
        }
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

    /// Whether opening site `k` keeps to the limits on new sites and budget, and to one size
    /// per plot.
    fn admits(&self, k: usize) -> bool {
        self.spending.admits_opening(self.form, k) && !self.form.plot_taken(&self.open, k, None)
    }

    /// The people who would move to site `k` with `room` to spare, and what their trips
    /// save: from their `dearest` pieces (none at `except`, a site about to close), those
    /// saving most per person first, while the room lasts, and without taking a site below
    /// its minimum load.
    fn drawn_to(
        &self,
        k: usize,
        dearest: &[Option<Piece>],
        room: f64,
        except: Option<usize>,
    ) -> (f64, Vec<Shift>) {
        let problem = self.form.problem;
        let single_source = problem.limits().single_source;
        let mut moves: Vec<(f64, Shift)> = self
            .form
            .by_site
            .costs_of(k)
            .filter_map(|(i, cost)| {
                let piece = dearest[i].as_ref().filter(|p| Some(p.site) != except)?;
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
        let mut room = room;
        let mut saving = 0.0;
        let mut shifts = Vec::new();
        let mut taken: BTreeMap<usize, f64> = BTreeMap::new();
        for (per_person, mut shift) in moves {
            if room <= 0.0 {
                break;
            }
            let demand = problem.demand()[shift.point].demand;
            let spare = match shift.from {
                UNPLACED => f64::INFINITY,
                from => {
                    let taken = taken.get(&from).copied().unwrap_or(0.0);
                    self.load(from) - taken - self.form.min_load(from)
                }
            };
            let fits = room.min(spare.max(0.0));
            if shift.share * demand > fits {
                if single_source || fits <= 0.0 {
                    continue;
                }
                shift.share = fits / demand;
            }
            room -= shift.share * demand;
            saving += per_person * shift.share * demand;
            *taken.entry(shift.from).or_default() += shift.share * demand;
            shifts.push(shift);
        }
        (saving, shifts)
    }

    /// Moves each shift's share of its point, and the room with it.
    fn apply(&mut self, shifts: &[Shift]) {
        let demand = self.form.problem.demand();
        for shift in shifts {
            let allocations = &mut self.allocations[shift.point];
            let amount = shift.share * demand[shift.point].demand;
            if shift.from != UNPLACED {
                if let Some(at) = allocations.iter().position(|a| a.site == shift.from) {
                    allocations[at].share -= shift.share;
                    if allocations[at].share <= UNSERVED {
                        allocations.remove(at);
                    }
                }
                self.room[shift.from] += amount;
            }
            if shift.to != UNPLACED {
                match allocations.iter_mut().find(|a| a.site == shift.to) {
                    Some(a) => a.share += shift.share,
                    None => allocations.push(Allocation {
                        site: shift.to,
                        share: shift.share,
                    }),
                }
                self.room[shift.to] -= amount;
                self.served_by[shift.to].push(shift.point);
            }
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
    use crate::solve::test_problems::{
        far_off, one_plot_in_two_sizes, priced_line, two_schools_one_with_a_minimum_load,
    };

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

    /// Villages a, b, c of 10 pupils; S1 (20 places) reaches a (km 0) and b (km 1), S2 (10)
    /// b (km 1) and c (km 3), S3 (10, 50 to open) only c (km 0). S1 serves a, S2 b, S3 c:
    /// 50 + 10 = 60. Closing S3 sends c to S2, which is full, so DROP refuses it; along a
    /// chain b moves on to S1 (no dearer) and c takes its place: 10 + 30 = 40.
    #[test]
    fn a_site_closes_when_its_people_fit_elsewhere_along_a_chain() {
        use crate::model::{DemandPoint, Limits, Objective, Site, SiteStatus, SitingProblem};
        let village = |id: &str| DemandPoint {
            id: id.into(),
            demand: 10.0,
            weight: 10.0,
        };
        let school = |id: &str, places: f64, opening: f64| Site {
            id: id.into(),
            capacity: Some(places),
            fixed_cost: opening,
            status: SiteStatus::Candidate,
            min_load: 0.0,
            plot: None,
        };
        let problem = SitingProblem::new(
            Objective::MinCost,
            Limits::default(),
            vec![village("a"), village("b"), village("c")],
            vec![
                school("S1", 20.0, 0.0),
                school("S2", 10.0, 0.0),
                school("S3", 10.0, 50.0),
            ],
            vec![
                (0, 0, 0.0),
                (1, 0, 1.0),
                (1, 1, 1.0),
                (2, 1, 3.0),
                (2, 2, 0.0),
            ],
        )
        .expect("a valid problem");
        let form = MinForm::new(&problem);
        let mut changed = plan(&[true, true, true], &[0, 1, 2]);
        assert_eq!(changed.objective_value(&problem), 60.0);
        assert!(add_drop(&form, &mut changed, far_off()));
        assert_eq!(changed.open, [true, true, false]);
        assert_eq!(changed.objective_value(&problem), 40.0);
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

    /// Villages of 20 at km 0 and 1; one plot at km 0 in two sizes: 20 places for 10, or 40
    /// for 20; a pupil without a place costs 5. The small size serves the km 0 village and
    /// leaves the other unplaced: 10 + 100 = 110. Opening the large size beside it is not
    /// allowed, and growing alone costs 10 more, but grown, it takes the other village for 20
    /// instead of 100: 20 + 20 = 40.
    #[test]
    fn a_site_grows_when_the_people_it_then_draws_save_more_than_the_larger_size_costs() {
        let problem = one_plot_in_two_sizes();
        let mut small = Assignment {
            open: vec![true, false],
            allocations: vec![
                vec![Allocation {
                    site: 0,
                    share: 1.0,
                }],
                Vec::new(),
            ],
        };
        assert_eq!(small.objective_value(&problem), 110.0);
        assert!(add_drop(&MinForm::new(&problem), &mut small, far_off()));
        assert_eq!(small.open, [false, true]);
        assert_eq!(small.objective_value(&problem), 40.0);
    }

    /// Villages of 10 at km 0 and 5; a school at km 0 (opening cost 10) that may open only
    /// for 15 pupils, and one at km 5 (opening cost 40). Both open would cost 50, but the
    /// km 0 school would then serve 10: it closes, its village going to km 5 (5 km × 10,
    /// 90 in all). Then the km 5 school moves to km 0, which serves both: 10 + 50 = 60.
    #[test]
    fn a_site_below_its_minimum_load_closes() {
        let problem = two_schools_one_with_a_minimum_load(15.0);
        let mut both = plan(&[true, true], &[0, 1]);
        let form = MinForm::new(&problem);
        assert!(!form.keeps_site_rules(&both));
        assert!(add_drop(&form, &mut both, far_off()));
        assert_eq!(both.open, [true, false]);
        assert_eq!(both.objective_value(&problem), 60.0);
        assert!(form.keeps_site_rules(&both));
    }
}
