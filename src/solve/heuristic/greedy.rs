//! A first plan for capacitated problems with free site counts, made in one pass: the site
//! that serves demand at the least cost per unit (its opening cost shared by the units it
//! takes) opens next and takes that demand, until everyone is served or what is left costs
//! more to serve than to leave unplaced at its price. A closed site opens only for at least
//! its minimum load, and a plot in one size.
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
    /// What leaving the demand taken unplaced would cost instead (infinite when it must be
    /// placed).
    unplaced: f64,
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
/// Where plots come in several sizes the pass offers each plot's largest size only, which
/// the closings and resizings that follow ([`super::add_drop`]) shrink where that pays; a
/// small size opened first would hold its plot however many people it left. Only if that
/// leaves demand unserved (the budget or the limit on new sites allow no more large sites)
/// are the other sizes offered too. On the Erqi primary-school model (500 m cells,
/// `--method heuristic`) the final plan so started was 3,331.5 M, against 3,377.5 M when
/// every size was offered at once.
pub fn cheapest_per_unit(form: &MinForm) -> Option<Assignment> {
    let largest = form.largest_sizes();
    let every_size = vec![true; form.problem.sites().len()];
    greedy_pass(form, &largest).or_else(|| {
        (largest != every_size)
            .then(|| greedy_pass(form, &every_size))
            .flatten()
    })
}

/// [`cheapest_per_unit`] over the sites `usable` (and those forced open).
fn greedy_pass(form: &MinForm, usable: &[bool]) -> Option<Assignment> {
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
        .filter(|&j| usable[j] || greedy.open[j])
        .filter_map(|j| greedy.offer(j).map(|o| (Reverse(Ordered(o.per_unit)), j)))
        .collect();
    // An offer only worsens as others take demand, so an offer still the cheapest when
    // made afresh is the best of all.
    while let Some((Reverse(Ordered(earlier)), j)) = queue.pop() {
        let Some(offer) = greedy.offer(j) else {
            continue;
        };
        if offer.per_unit * offer.units() >= offer.unplaced {
            continue;
        }
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

impl Offer {
    /// The demand the offer takes.
    fn units(&self) -> f64 {
        self.takes.iter().map(|&(_, take)| take).sum()
    }
}

impl Greedy<'_> {
    /// Site `j`'s best offer: the points left in its reach by cost per unit, cheapest
    /// first, as long as each lowers the cost per unit of the whole (its opening cost
    /// included while it is closed), or the site's minimum load is not reached yet, and its
    /// room lasts; points whose trip costs more than leaving them unplaced are left out.
    /// `None` when a closed site cannot reach its minimum load.
    fn offer(&self, j: usize) -> Option<Offer> {
        let single_source = self.form.problem.limits().single_source;
        let demand = self.form.problem.demand();
        let mut options: Vec<(f64, usize)> = self
            .form
            .by_site
            .costs_of(j)
            .filter(|&(i, cost)| self.left[i] > 0.0 && cost < self.form.unplaced_cost(i))
            .map(|(i, cost)| (cost / demand[i].demand, i))
            .collect();
        options.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut cost = match self.open[j] {
            true => 0.0,
            false => self.form.open_cost[j],
        };
        let least = match self.open[j] {
            true => 0.0,
            false => self.form.min_load(j),
        };
        let (mut units, mut room, mut left_out) = (0.0, self.room[j], 0.0);
        let mut takes = Vec::new();
        for (per_unit, i) in options {
            if room <= 0.0 || (units > 0.0 && units >= least && per_unit * units >= cost) {
                break;
            }
            let take = match single_source {
                true if self.left[i] > room => continue,
                _ => self.left[i].min(room),
            };
            cost += per_unit * take;
            units += take;
            room -= take;
            left_out += self.form.unplaced_cost(i) * take / demand[i].demand;
            takes.push((i, take));
        }
        (units > 0.0 && units >= least).then(|| Offer {
            per_unit: cost / units,
            takes,
            unplaced: left_out,
        })
    }

    /// Whether site `j` may be used: open already, or its opening keeps to the limits on new
    /// sites and budget, and no other size of its plot is open.
    fn admits(&self, j: usize) -> bool {
        self.open[j]
            || (self.spending.admits_opening(self.form, j)
                && !self.form.plot_taken(&self.open, j, None))
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

    /// The plan, when every point with demand is served or its demand left may stay
    /// unplaced at a price.
    fn plan(mut self) -> Option<Assignment> {
        let must_place = self.form.unserved_cost.is_none();
        if must_place && self.left.iter().any(|&left| left > 0.0) {
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
    use crate::model::Limits;
    use crate::model::SitingProblem;
    use crate::solve::test_problems::{
        planner_line, priced_line, two_schools_one_with_a_minimum_load, LineSchool,
    };

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

    /// Villages of 10 at km 0 and 5; schools at km 0 (room 30, opening 10) and km 5 (room
    /// 30, opening 40). Without a minimum load km 0 takes its village (1 a pupil), then km 5
    /// its own (4 a pupil): 50. If km 0 may open only for 15 pupils, its offer must take
    /// both villages, (10 + 50) / 20 = 3 a pupil, still the cheapest: it opens alone, 60.
    #[test]
    fn a_site_opens_only_for_its_minimum_load() {
        let free = two_schools_one_with_a_minimum_load(0.0);
        let plan = cheapest_per_unit(&MinForm::new(&free)).expect("a plan");
        assert_eq!(
            (plan.open.clone(), plan.objective_value(&free)),
            (vec![true, true], 50.0)
        );
        let least = two_schools_one_with_a_minimum_load(15.0);
        let plan = cheapest_per_unit(&MinForm::new(&least)).expect("a plan");
        assert_eq!(
            (plan.open.clone(), plan.objective_value(&least)),
            (vec![true, false], 60.0)
        );
    }

    /// A village of 30 at km 0 and one plot there in two sizes: 20 places for 10, 40 for 30.
    /// The small size serves at 0.5 a pupil against 1, but would hold the plot with 10
    /// pupils left over: the pass offers the large size, which serves all 30 for 30.
    #[test]
    fn a_plot_opens_in_one_size_that_holds_its_people() {
        let size = |room, opening| LineSchool {
            at: 0.0,
            room,
            opening,
            min_load: 0.0,
            plot: Some(7),
        };
        let problem = planner_line(
            &[(0.0, 30.0)],
            &[size(20.0, 10.0), size(40.0, 30.0)],
            Limits::default(),
        );
        let plan = cheapest_per_unit(&MinForm::new(&problem)).expect("a plan");
        assert_eq!(plan.open, [false, true]);
        assert_eq!(plan.objective_value(&problem), 30.0);
    }

    /// A village of 10 at km 0 and one of 10 at km 9; one school at km 0 (room 20, opening
    /// 10); a pupil without a place costs 5. The far village would cost 9 a pupil there: it
    /// is left unplaced, 10 + 50 = 60.
    #[test]
    fn people_dearer_to_serve_than_to_leave_are_left_unplaced() {
        let limits = Limits {
            unplaced_price: Some(5.0),
            ..Limits::default()
        };
        let school = LineSchool {
            at: 0.0,
            room: 20.0,
            opening: 10.0,
            min_load: 0.0,
            plot: None,
        };
        let problem = planner_line(&[(0.0, 10.0), (9.0, 10.0)], &[school], limits);
        let plan = cheapest_per_unit(&MinForm::new(&problem)).expect("a plan");
        assert_eq!(plan.served_share(1), 0.0);
        assert_eq!(plan.objective_value(&problem), 60.0);
    }
}
