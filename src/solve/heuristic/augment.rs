//! Finding room for people a greedy allocation left out, along chains of moves.
//!
//! When every site in a point's reach is full, the point may still be served: someone at
//! one of those sites moves to another site in their own reach, and so on until a site
//! with room is reached. The cheapest such chain is a shortest path over the open sites,
//! where stepping from site `j` to site `m` through a point `k` served at `j` costs what
//! moving one of `k`'s people from `j` to `m` adds. Chains are pushed until the point is
//! served or no site with room is found within [`MOST_FULL_SITES`] full ones: then the area
//! lacks capacity, and the caller opens a site there rather than follow a longer chain.

use crate::model::Allocation;
use crate::solve::form::MinForm;
use crate::solve::tolerance::ROUNDOFF_SHARE;
use crate::solve::Ordered;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::time::Instant;

/// A chain search gives up after reaching this many full sites: where no room is that
/// near, the area lacks capacity and the caller opens a site there instead. (On the
/// generated city of 10^5 cells the plan is the same as with no limit.)
const MOST_FULL_SITES: usize = 64;

/// The points each of `sites` sites serves under `allocations`, in increasing order.
pub fn served_at(allocations: &[Vec<Allocation>], sites: usize) -> Vec<Vec<usize>> {
    let mut served_at = vec![Vec::new(); sites];
    for (i, allocs) in allocations.iter().enumerate() {
        for a in allocs {
            served_at[a.site].push(i);
        }
    }
    served_at
}

/// A trial of [`Chains::nearby_only`] gives up after this many full sites …
const TRIAL_FULL_SITES: usize = 32;

/// … and moves people only to their this many nearest sites. Closing a site of the
/// generated fixed-charge city of 10^5 cells (about 120 arcs a cell) with the reach above,
/// each trial read every arc of dozens of full sites, and one pass over the plan's sites
/// took more than its whole minute.
const TRIAL_ARCS: usize = 24;

/// The allocation being repaired: who is served where, and the places left.
pub struct Chains<'a> {
    form: &'a MinForm<'a>,
    open: &'a [bool],
    allocations: &'a mut [Vec<Allocation>],
    room: &'a mut [f64],
    /// The points each site serves (possibly no longer, which is checked when read):
    /// [`served_at`], kept by the caller so that trial after trial does not list a city's
    /// points anew.
    served_at: &'a mut [Vec<usize>],
    /// Each site's cheapest ways out ([`Exit`]), worked out when a search first steps
    /// through the site and forgotten when the people it serves change: a site's exits
    /// depend only on who is there, and one search after another crosses the same full
    /// sites.
    exits: Vec<Option<Vec<Exit>>>,
    /// No chain is searched after this.
    deadline: Instant,
    /// The allocations of the points changed so far, as they were before, so that a trial
    /// can be priced ([`Self::change_in_cost`]) and taken back ([`Self::undo`]).
    before: Vec<(usize, Vec<Allocation>)>,
    /// A search gives up after reaching this many full sites.
    most_full_sites: usize,
    /// Only this many of a point's nearest sites are ways for its people.
    arcs_per_point: usize,
    /// The points in `before`: a set, since a trial touches few of a city's points.
    kept_before: HashSet<usize>,
    /// The places left at the sites changed so far, as they were before.
    room_before: Vec<(usize, f64)>,
}

/// The cheapest move of one person from a site to another open site `to`: one of
/// `point`'s people, at `extra` per person more (or less) than where they are.
#[derive(Debug, Clone, Copy)]
struct Exit {
    to: usize,
    extra: f64,
    point: usize,
}

/// A step of a chain: into `site`, from the previous site or (for the first) from the point
/// being served, moving people of `point`.
#[derive(Debug, Clone, Copy)]
struct Step {
    point: usize,
    from: Option<usize>,
}

impl<'a> Chains<'a> {
    /// Repairs `allocations` from `open`, with `room[j]` the places left at site `j` and
    /// `served_at` the points each site serves ([`served_at`]; points given a new site are
    /// added), until `deadline`.
    pub fn new(
        form: &'a MinForm<'a>,
        open: &'a [bool],
        allocations: &'a mut [Vec<Allocation>],
        room: &'a mut [f64],
        served_at: &'a mut [Vec<usize>],
        deadline: Instant,
    ) -> Self {
        Self {
            form,
            open,
            allocations,
            room,
            served_at,
            exits: vec![None; open.len()],
            deadline,
            before: Vec::new(),
            most_full_sites: MOST_FULL_SITES,
            arcs_per_point: usize::MAX,
            kept_before: HashSet::new(),
            room_before: Vec::new(),
        }
    }

    /// Chains for a trial that is often refused: shorter searches, along the nearest sites
    /// of each point only ([`TRIAL_FULL_SITES`], [`TRIAL_ARCS`]).
    pub fn nearby_only(mut self) -> Self {
        self.most_full_sites = TRIAL_FULL_SITES;
        self.arcs_per_point = TRIAL_ARCS;
        self
    }

    /// Takes point `i`'s people off site `j` (a site about to close) and returns the share
    /// they were, to be served anew by [`Self::serve`].
    pub fn release(&mut self, i: usize, j: usize) -> f64 {
        let share = self.share(i, j);
        if share > 0.0 {
            let people = share * self.form.problem.demand()[i].demand;
            self.set_room(j, self.room[j] + people);
            self.add(i, j, -share);
        }
        share
    }

    /// What the changes so far add to the trips' cost (negative when they save).
    pub fn change_in_cost(&self) -> f64 {
        self.before
            .iter()
            .map(|(k, was)| self.trips(*k, &self.allocations[*k]) - self.trips(*k, was))
            .sum()
    }

    /// Takes back every change: allocations and places as they were.
    pub fn undo(self) {
        for (k, was) in self.before {
            self.allocations[k] = was;
        }
        for (j, was) in self.room_before.into_iter().rev() {
            self.room[j] = was;
        }
    }

    /// What point `k`'s trips cost under `allocations`.
    fn trips(&self, k: usize, allocations: &[Allocation]) -> f64 {
        let costs = self.form.problem.costs();
        allocations
            .iter()
            .filter_map(|a| {
                costs
                    .arc_of(k, a.site)
                    .map(|arc| a.share * self.form.arc_cost[arc])
            })
            .sum()
    }

    /// Sets the places left at site `j`, remembering what they were.
    fn set_room(&mut self, j: usize, room: f64) {
        self.room_before.push((j, self.room[j]));
        self.room[j] = room;
    }

    /// Serves as much as it can of the share `left` of point `i` (nothing once the deadline
    /// has passed); returns the share still left unserved.
    pub fn serve(&mut self, i: usize, mut left: f64) -> f64 {
        let need = self.form.problem.demand()[i].demand;
        while left * need > ROUNDOFF_SHARE * need.max(1.0) && Instant::now() < self.deadline {
            let Some((target, steps)) = self.cheapest_chain(i) else {
                break;
            };
            let people = self.movable(i, left * need, target, &steps);
            if people <= 0.0 {
                break;
            }
            self.push(i, people, target, &steps);
            left -= people / need;
        }
        left.max(0.0)
    }

    /// The cheapest chain from point `i` to a site with room, as the site reached and the
    /// step into each site on the way (indexed by site).
    fn cheapest_chain(&mut self, i: usize) -> Option<(usize, Vec<Option<Step>>)> {
        let site_count = self.open.len();
        let mut cost = vec![f64::INFINITY; site_count];
        let mut steps: Vec<Option<Step>> = vec![None; site_count];
        let mut settled = vec![false; site_count];
        let mut queue = BinaryHeap::new();
        for (j, per_person) in self.options(i) {
            if per_person < cost[j] {
                cost[j] = per_person;
                steps[j] = Some(Step {
                    point: i,
                    from: None,
                });
                queue.push((Reverse(Ordered(per_person)), j));
            }
        }
        let mut full_sites = 0;
        while let Some((Reverse(Ordered(reached)), j)) = queue.pop() {
            if settled[j] || reached > cost[j] {
                continue;
            }
            settled[j] = true;
            if self.room[j] > ROUNDOFF_SHARE {
                return Some((j, steps));
            }
            full_sites += 1;
            if full_sites > self.most_full_sites {
                return None;
            }
            // Point `i` itself is no way out of a site: its own people are the ones to place.
            let serves_i = self.share(i, j) > 0.0;
            let exits = match serves_i {
                true => self.exits_without(j, Some(i)),
                false => self.exits[j]
                    .take()
                    .unwrap_or_else(|| self.exits_without(j, None)),
            };
            for exit in &exits {
                let through = reached + exit.extra;
                if !settled[exit.to] && through < cost[exit.to] {
                    cost[exit.to] = through;
                    steps[exit.to] = Some(Step {
                        point: exit.point,
                        from: Some(j),
                    });
                    queue.push((Reverse(Ordered(through)), exit.to));
                }
            }
            if !serves_i {
                self.exits[j] = Some(exits);
            }
        }
        None
    }

    /// The cheapest move out of site `j` to each open site that someone served there can
    /// reach, leaving out the people of point `skip`. Of equally cheap moves the first
    /// point served there is taken.
    fn exits_without(&self, j: usize, skip: Option<usize>) -> Vec<Exit> {
        let mut exits: Vec<Exit> = Vec::new();
        for &k in self.served_at[j].iter().filter(|&&k| Some(k) != skip) {
            let Some(here) = self.per_person_at(k, j) else {
                continue;
            };
            exits.extend(
                self.options(k)
                    .filter(|&(m, _)| m != j)
                    .map(|(m, there)| Exit {
                        to: m,
                        extra: there - here,
                        point: k,
                    }),
            );
        }
        // A stable sort keeps the points' order among equal moves to the same site.
        exits.sort_by(|a, b| a.to.cmp(&b.to).then(a.extra.total_cmp(&b.extra)));
        exits.dedup_by_key(|exit| exit.to);
        exits
    }

    /// Point `k`'s open sites in reach with the cost per person of serving there.
    fn options(&self, k: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let costs = self.form.problem.costs();
        let sites = costs.arc_sites();
        let need = self.form.problem.demand()[k].demand.max(f64::MIN_POSITIVE);
        costs
            .arc_range(k)
            .take(self.arcs_per_point)
            .map(move |arc| (sites[arc] as usize, self.form.arc_cost[arc] / need))
            .filter(|&(j, _)| self.open[j])
    }

    /// What one of `k`'s people costs at site `j`, if `k` is served there.
    fn per_person_at(&self, k: usize, j: usize) -> Option<f64> {
        if self.share(k, j) <= 0.0 {
            return None;
        }
        let need = self.form.problem.demand()[k].demand.max(f64::MIN_POSITIVE);
        let arc = self.form.problem.costs().arc_of(k, j)?;
        Some(self.form.arc_cost[arc] / need)
    }

    /// How many people the chain can carry: what point `i` needs, the room at the end, and
    /// at each step the people of the moved point at the site they leave.
    fn movable(&self, i: usize, wanted: f64, target: usize, steps: &[Option<Step>]) -> f64 {
        let demand = self.form.problem.demand();
        let mut people = wanted.min(self.room[target]);
        let mut site = target;
        while let Some(Step {
            point,
            from: Some(from),
        }) = steps[site]
        {
            let share = self.share(point, from);
            people = people.min(share * demand[point].demand);
            site = from;
        }
        debug_assert!(steps[site].is_some_and(|s| s.point == i));
        people
    }

    /// Point `k`'s share served at site `j` (0 when none).
    fn share(&self, k: usize, j: usize) -> f64 {
        self.allocations[k]
            .iter()
            .find(|a| a.site == j)
            .map_or(0.0, |a| a.share)
    }

    /// Moves `people` along the chain ending at `target` and serves them from point `i`.
    fn push(&mut self, i: usize, people: f64, target: usize, steps: &[Option<Step>]) {
        let demand = self.form.problem.demand();
        self.set_room(target, self.room[target] - people);
        let mut site = target;
        loop {
            #[allow(
                clippy::expect_used,
                reason = "a chain is built from the steps that reached its sites"
            )]
            let step = steps[site].expect("every site on a chain was reached by a step");
            let share = people / demand[step.point].demand;
            self.add(step.point, site, share);
            match step.from {
                Some(from) => {
                    self.add(step.point, from, -share);
                    site = from;
                }
                None => break,
            }
        }
        debug_assert!(steps[site].is_some_and(|s| s.point == i));
    }

    /// Changes point `k`'s share at site `j` by `change`.
    fn add(&mut self, k: usize, j: usize, change: f64) {
        self.exits[j] = None;
        if self.kept_before.insert(k) {
            self.before.push((k, self.allocations[k].clone()));
        }
        let allocs = &mut self.allocations[k];
        match allocs.iter_mut().find(|a| a.site == j) {
            Some(a) => a.share += change,
            None => {
                allocs.push(Allocation {
                    site: j,
                    share: change,
                });
                self.served_at[j].push(k);
            }
        }
        allocs.retain(|a| a.share > ROUNDOFF_SHARE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DemandPoint, Limits, Objective, Site, SiteStatus, SitingProblem};
    use crate::solve::test_problems::far_off;

    /// Villages of 20 people each, existing schools with the places given, and the arcs
    /// (village, school, km).
    fn town(
        villages: &[&str],
        schools: &[(&str, f64)],
        arcs: Vec<(usize, usize, f64)>,
    ) -> SitingProblem {
        let village = |id: &&str| DemandPoint {
            id: (*id).into(),
            demand: 20.0,
            weight: 20.0,
        };
        let school = |&(id, places): &(&str, f64)| Site {
            id: id.into(),
            capacity: Some(places),
            fixed_cost: 0.0,
            status: SiteStatus::Existing,
            min_load: 0.0,
            plot: None,
        };
        SitingProblem::new(
            Objective::PMedian,
            Limits::default(),
            villages.iter().map(village).collect(),
            schools.iter().map(school).collect(),
            arcs,
        )
        .expect("a valid problem")
    }

    /// Schools S1, S2, S3 at km 0, 4, 8 with `s1_places`, 20 and 100 places; villages a, b,
    /// c at km 0, 3, 5; a reaches only S1, b reaches S1 and S2, c reaches S2 and S3.
    fn chain_town(s1_places: f64) -> SitingProblem {
        town(
            &["a", "b", "c"],
            &[("S1", s1_places), ("S2", 20.0), ("S3", 100.0)],
            vec![
                (0, 0, 0.0),
                (1, 0, 3.0),
                (1, 1, 1.0),
                (2, 1, 1.0),
                (2, 2, 3.0),
            ],
        )
    }

    /// Serves each of `points` wholly along chains, one after the other, until `deadline`;
    /// the share each leaves unserved.
    fn serve_wholly(
        form: &MinForm,
        open: &[bool],
        allocations: &mut [Vec<Allocation>],
        room: &mut [f64],
        deadline: Instant,
        points: &[usize],
    ) -> Vec<f64> {
        let mut listed = served_at(allocations, open.len());
        let mut chains = Chains::new(form, open, allocations, room, &mut listed, deadline);
        points.iter().map(|&i| chains.serve(i, 1.0)).collect()
    }

    fn whole(site: usize) -> Vec<Allocation> {
        vec![Allocation { site, share: 1.0 }]
    }

    /// b fills S1 and c fills S2, so a finds no room in reach. The only chain: a into S1,
    /// b from S1 to S2 (1 km instead of 3: −2 per person), c from S2 to S3 (3 km instead
    /// of 1: +2), ending at S3's room.
    #[test]
    fn a_point_is_served_by_moving_others_along_a_chain() {
        let problem = chain_town(20.0);
        let form = MinForm::new(&problem);
        let open = [true, true, true];
        let mut allocations = vec![Vec::new(), whole(0), whole(1)];
        let mut room = [0.0, 0.0, 100.0];
        let left = serve_wholly(&form, &open, &mut allocations, &mut room, far_off(), &[0]);
        assert_eq!(left, [0.0]);
        assert_eq!(allocations, [whole(0), whole(1), whole(2)]);
        assert_eq!(room, [0.0, 0.0, 80.0]);
    }

    /// A trial closing S2 (S1 full with a and b): c's 20 people go to S3, 3 km instead of
    /// 1, which adds 40 to the trips; taken back, allocations and places are as before.
    #[test]
    fn a_closing_is_priced_and_taken_back() {
        let problem = chain_town(40.0);
        let form = MinForm::new(&problem);
        let open = [true, false, true];
        let start = vec![whole(0), whole(0), whole(1)];
        let mut allocations = start.clone();
        let mut room = [0.0, 0.0, 100.0];
        let mut listed = served_at(&allocations, 3);
        let mut chains = Chains::new(
            &form,
            &open,
            &mut allocations,
            &mut room,
            &mut listed,
            far_off(),
        );
        assert_eq!(chains.release(2, 1), 1.0);
        assert_eq!(chains.serve(2, 1.0), 0.0);
        assert_eq!(chains.change_in_cost(), 40.0);
        chains.undo();
        assert_eq!(allocations, start);
        assert_eq!(room, [0.0, 0.0, 100.0]);
    }

    /// The chain of the first test exists, but a deadline already passed stops the search.
    #[test]
    fn nothing_moves_after_the_deadline() {
        let problem = chain_town(20.0);
        let form = MinForm::new(&problem);
        let open = [true, true, true];
        let mut allocations = vec![Vec::new(), whole(0), whole(1)];
        let mut room = [0.0, 0.0, 100.0];
        let passed = Instant::now();
        let left = serve_wholly(&form, &open, &mut allocations, &mut room, passed, &[0]);
        assert_eq!(left, [1.0]);
        assert_eq!(room, [0.0, 0.0, 100.0]);
    }

    /// With S3 closed no chain ends at a site with room: a stays out and nobody moves.
    #[test]
    fn without_a_site_with_room_in_reach_nothing_moves() {
        let problem = chain_town(20.0);
        let form = MinForm::new(&problem);
        let open = [true, true, false];
        let mut allocations = vec![Vec::new(), whole(0), whole(1)];
        let mut room = [0.0, 0.0, 100.0];
        let left = serve_wholly(&form, &open, &mut allocations, &mut room, far_off(), &[0]);
        assert_eq!(left, [1.0]);
        assert_eq!(allocations, [Vec::new(), whole(0), whole(1)]);
    }

    /// Two villages that reach only S1 come one after the other. S1 holds b and d; a's chain
    /// moves b on to S2 (1 km further per person, against 4 for d to S3), which leaves S1
    /// without b. a2's chain must then move d: a way out through b, remembered from a's
    /// search, would carry nobody.
    #[test]
    fn a_site_s_ways_out_follow_the_people_who_left_it() {
        let problem = town(
            &["a", "a2", "b", "d"],
            &[("S1", 40.0), ("S2", 40.0), ("S3", 100.0)],
            vec![
                (0, 0, 0.0),
                (1, 0, 0.0),
                (2, 0, 1.0),
                (2, 1, 2.0),
                (3, 0, 1.0),
                (3, 2, 5.0),
            ],
        );
        let form = MinForm::new(&problem);
        let open = [true, true, true];
        let mut allocations = vec![Vec::new(), Vec::new(), whole(0), whole(0)];
        let mut room = [0.0, 40.0, 100.0];
        let left = serve_wholly(
            &form,
            &open,
            &mut allocations,
            &mut room,
            far_off(),
            &[0, 1],
        );
        assert_eq!(left, [0.0, 0.0]);
        assert_eq!(allocations, [whole(0), whole(0), whole(1), whole(2)]);
        assert_eq!(room, [0.0, 20.0, 80.0]);
    }

    /// With 30 places at S1, 10 of a's people fit there at once; the other 10 go by the
    /// chain, so b and c end split half and half.
    #[test]
    fn direct_room_is_used_before_the_chain_carries_the_rest() {
        let problem = chain_town(30.0);
        let form = MinForm::new(&problem);
        let open = [true, true, true];
        let mut allocations = vec![Vec::new(), whole(0), whole(1)];
        let mut room = [10.0, 0.0, 100.0];
        let left = serve_wholly(&form, &open, &mut allocations, &mut room, far_off(), &[0]);
        assert_eq!(left, [0.0]);
        let half = |site| Allocation { site, share: 0.5 };
        assert_eq!(
            allocations,
            [whole(0), vec![half(0), half(1)], vec![half(1), half(2)]]
        );
        assert_eq!(room, [0.0, 0.0, 90.0]);
    }
}
