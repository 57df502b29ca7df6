//! A first plan for capacitated problems with free site counts, made in one pass: the site
//! that serves demand at the least cost per unit (its opening cost shared by the units it
//! takes) opens next and takes that demand, until everyone is served.
//!
//! The plan is complete whenever the capacities allow (each point's demand goes to sites in
//! its reach while they have room), which the searches that follow cannot promise on large
//! cities: on a generated fixed-charge city of 10^5 cells they found no complete plan in
//! 60 s, while this pass makes one in seconds.

use super::spending::Spending;
use crate::model::{Allocation, Assignment};
use crate::solve::form::MinForm;
use crate::solve::tolerance::UNSERVED;
use crate::solve::Ordered;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What opening (or, once open, using) a site would serve next: the points it takes, each
/// with the demand taken, and the cost per unit of all of it.
struct Offer {
    per_unit: f64,
    takes: Vec<(usize, f64)>,
}

/// The state of the pass: demand left per point, room left and opening cost per site.
struct Greedy<'a> {
    form: &'a MinForm<'a>,
    left: Vec<f64>,
    room: Vec<f64>,
    open: Vec<bool>,
    served: Vec<Vec<Allocation>>,
    spending: Spending,
}

/// A plan by cost per unit served, or `None` when the pass leaves demand unserved (the
/// sites in reach of some point are full, or the limits on new sites and budget stop it).
pub fn cheapest_per_unit(form: &MinForm) -> Option<Assignment> {
    let problem = form.problem;
    let mut greedy = Greedy {
        form,
        left: problem.demand().iter().map(|d| d.demand).collect(),
        room: (0..problem.sites().len())
            .map(|j| form.capacity(j))
            .collect(),
        open: form.forced.clone(),
        served: vec![Vec::new(); problem.demand().len()],
        spending: Spending::of(form, &form.forced),
    };
    let mut queue: BinaryHeap<(Reverse<Ordered>, usize)> = (0..greedy.open.len())
        .filter_map(|j| greedy.offer(j).map(|o| (Reverse(Ordered(o.per_unit)), j)))
        .collect();
    // An offer only worsens as others take demand, so an offer still the cheapest when
    // made afresh is the best of all.
    while let Some((Reverse(Ordered(earlier)), j)) = queue.pop() {
        let Some(offer) = greedy.offer(j) else {
            continue;
        };
        if offer.per_unit > earlier {
            queue.push((Reverse(Ordered(offer.per_unit)), j));
            continue;
        }
        if !greedy.admits(j) {
            continue;
        }
        greedy.accept(j, offer);
        if let Some(next) = greedy.offer(j) {
            queue.push((Reverse(Ordered(next.per_unit)), j));
        }
    }
    greedy.plan()
}

impl Greedy<'_> {
    /// Site `j`'s best offer: the points left in its reach by cost per unit, cheapest
    /// first, as long as each lowers the cost per unit of the whole (its opening cost
    /// included while it is closed) and its room lasts.
    fn offer(&self, j: usize) -> Option<Offer> {
        let single_source = self.form.problem.limits().single_source;
        let mut options: Vec<(f64, usize)> = self
            .form
            .by_site
            .costs_of(j)
            .filter(|&(i, _)| self.left[i] > 0.0)
            .map(|(i, cost)| (cost / self.form.problem.demand()[i].demand, i))
            .collect();
        options.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut cost = match self.open[j] {
            true => 0.0,
            false => self.form.open_cost[j],
        };
        let (mut units, mut room) = (0.0, self.room[j]);
        let mut takes = Vec::new();
        for (per_unit, i) in options {
            if room <= 0.0 || (units > 0.0 && per_unit * units >= cost) {
                break;
            }
            let take = match single_source {
                true if self.left[i] > room => continue,
                _ => self.left[i].min(room),
            };
            cost += per_unit * take;
            units += take;
            room -= take;
            takes.push((i, take));
        }
        (units > 0.0).then(|| Offer {
            per_unit: cost / units,
            takes,
        })
    }

    /// Whether site `j` may be used: open already, or its opening keeps to the limits on new
    /// sites and budget.
    fn admits(&self, j: usize) -> bool {
        self.open[j] || self.spending.admits_opening(self.form, j)
    }

    /// Opens site `j` (when closed) and serves what it offers.
    fn accept(&mut self, j: usize, offer: Offer) {
        if !self.open[j] {
            self.open[j] = true;
            self.spending.change(self.form, j, 1.0);
        }
        let demand = self.form.problem.demand();
        for (i, take) in offer.takes {
            self.left[i] -= take;
            if self.left[i] <= UNSERVED * demand[i].demand {
                self.left[i] = 0.0;
            }
            self.room[j] -= take;
            self.served[i].push(Allocation {
                site: j,
                share: take / demand[i].demand,
            });
        }
    }

    /// The plan, when every point with demand is served.
    fn plan(mut self) -> Option<Assignment> {
        if self.left.iter().any(|&left| left > 0.0) {
            return None;
        }
        for allocations in &mut self.served {
            allocations.sort_by_key(|a| a.site);
        }
        Some(Assignment {
            open: self.open,
            allocations: self.served,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SitingProblem;
    use crate::solve::test_problems::priced_line;

    /// Villages a, b, c, d at km 0, 2, 4, 6 with 10, 20, 30, 50 pupils; schools at km 0
    /// (room 100, opening 100), km 3 (room 40, opening 10) and km 6 (room 60, opening 10).
    fn line(single_source: bool) -> SitingProblem {
        priced_line(
            &[(0.0, 10.0), (2.0, 20.0), (4.0, 30.0), (6.0, 50.0)],
            &[(0.0, 100.0, 100.0), (3.0, 40.0, 10.0), (6.0, 60.0, 10.0)],
            single_source,
        )
    }

    /// By hand: km 6 takes d (50 at 0 km, 10/50 = 0.2 a pupil); km 3 takes b and 20 of c
    /// ((10 + 20 + 20)/40 = 1.25); km 6, open now, takes c's other 10 (2 km, 2 a pupil); km 0
    /// opens last for a ((100 + 0)/10). Openings 120 + trips 20 + 20 + 20 = 180.
    #[test]
    fn the_cheapest_site_per_pupil_opens_first_and_everyone_is_served() {
        let problem = line(false);
        let plan = cheapest_per_unit(&MinForm::new(&problem)).expect("the rooms allow a plan");
        assert_eq!(plan.open, [true, true, true]);
        assert_eq!(plan.objective_value(&problem), 180.0);
        let shares: Vec<f64> = (0..4).map(|i| plan.served_share(i)).collect();
        assert_eq!(shares, [1.0, 1.0, 1.0, 1.0]);
    }

    /// Whole villages only: km 6 takes d, km 3 takes b (1.5 a pupil) then a (3 a pupil), and
    /// c (30) fits nowhere but km 0: (100 + 120)/30. Openings 120 + trips 20 + 30 + 120 = 290.
    #[test]
    fn a_single_source_plan_serves_each_village_from_one_school() {
        let problem = line(true);
        let plan = cheapest_per_unit(&MinForm::new(&problem)).expect("the rooms allow a plan");
        assert!(plan.allocations.iter().all(|a| a.len() == 1));
        assert_eq!(plan.objective_value(&problem), 290.0);
    }

    /// Room for 100 of the 110 pupils: no plan.
    #[test]
    fn no_plan_when_the_rooms_fall_short() {
        let mut problem = line(false);
        problem = problem.without_sites(&[true, false, false]);
        assert!(cheapest_per_unit(&MinForm::new(&problem)).is_none());
    }
}
