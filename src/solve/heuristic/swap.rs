//! Choosing open sites for large problems: vertex substitution with incremental
//! evaluation (Whitaker's fast interchange, in the sparse form of Resende and Werneck).
//!
//! For the current sites each point knows its cheapest and second-cheapest option. From
//! those, one pass over the arcs gives what opening each closed site would save (`gain`),
//! what closing each open site would cost (`loss`) and the correction for the points that
//! lose their site and have the new one nearby (`extra`), so every swap is priced without
//! re-serving anyone. Many improving moves are applied per pass as long as they touch
//! disjoint sets of points, which keeps the pass count low on city-sized problems.
//!
//! Capacities are not seen here: the caller passes a price per person for each site
//! (from the capacity rows of an allocation) that steers points away from full sites, and
//! an open site is credited with its capacity at that price, as when the capacity rows are
//! moved into the objective of a Lagrangian relaxation.

use super::spending::Spending;
use crate::solve::form::MinForm;
use crate::solve::tolerance::IMPROVEMENT;
use rayon::prelude::*;
use std::time::Instant;

/// Passes over the arcs before the search stops, per site: a guard against endless
/// exchanges of moves whose savings are rounding noise.
const PASSES_PER_SITE: usize = 4;

/// Sites priced together in one parallel task in a small area, which is cheaper priced on
/// one thread than split (a shake round on the uncapacitated 10^5 city: 6.4 s split site by
/// site, 4.1 s this way). The whole problem is split site by site: on dense problems one
/// site's swaps are work enough for a task.
const SITES_PER_TASK: usize = 64;

/// A point with no open site in reach costs this many times the dearest arc (plus one):
/// far more than any plan that serves it.
const UNSERVED_PENALTY: f64 = 1e4;

/// A change to the open sites.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Move {
    Open(usize),
    Close(usize),
    Swap { open: usize, close: usize },
}

/// A move with what it saves.
#[derive(Debug, Clone, Copy)]
struct Priced {
    saving: f64,
    step: Move,
}

/// A point's cheapest option (a site, or none) and the cost of its first and second.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The cheapest open site, if serving there beats staying unserved.
    pub first: Option<u32>,
    /// Its cost.
    pub cost: f64,
    /// The cost of the second option (another site, or staying unserved).
    pub second: f64,
}

/// Every point's two cheapest options among the open sites and staying unserved
/// (`unserved[i]`), with `cost(point, arc)` the cost of an arc.
pub fn two_cheapest(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    cost: impl Fn(usize, usize) -> f64 + Sync,
) -> Vec<Options> {
    (0..unserved.len())
        .into_par_iter()
        .map(|i| point_options(form, i, open, unserved[i], |arc| cost(i, arc)))
        .collect()
}

/// Point `i`'s two cheapest options among the open sites and staying unserved.
fn point_options(
    form: &MinForm,
    i: usize,
    open: &[bool],
    unserved: f64,
    cost: impl Fn(usize) -> f64,
) -> Options {
    let costs = form.problem.costs();
    let sites = costs.arc_sites();
    let mut best = Options {
        first: None,
        cost: unserved,
        second: unserved,
    };
    for arc in costs.arc_range(i).filter(|&arc| open[sites[arc] as usize]) {
        let c = cost(arc);
        if c < best.cost {
            best.second = best.cost;
            best.cost = c;
            best.first = Some(sites[arc]);
        } else if c < best.second {
            best.second = c;
        }
    }
    best
}

/// The sites a search may open or close.
#[derive(Debug, Clone)]
pub struct Area {
    sites: Vec<usize>,
    within: Vec<bool>,
    /// Sites priced together in one parallel task.
    per_task: usize,
}

impl Area {
    /// The whole problem.
    fn everywhere(form: &MinForm) -> Self {
        let site_count = form.problem.sites().len();
        Self {
            sites: (0..site_count).collect(),
            within: vec![true; site_count],
            per_task: 1,
        }
    }

    /// Site `centre` and every site in reach of someone in reach of it.
    pub fn around(form: &MinForm, centre: usize) -> Self {
        let costs = form.problem.costs();
        let mut within = vec![false; form.problem.sites().len()];
        let mut sites = Vec::new();
        for (i, _) in form.by_site.of(centre) {
            for arc in costs.arcs(i) {
                if !within[arc.site] {
                    within[arc.site] = true;
                    sites.push(arc.site);
                }
            }
        }
        sites.sort_unstable();
        Self {
            sites,
            within,
            per_task: SITES_PER_TASK,
        }
    }

    /// How many sites the area holds.
    pub fn site_count(&self) -> usize {
        self.sites.len()
    }

    /// Whether site `j` is in the area.
    pub fn holds(&self, j: usize) -> bool {
        self.within[j]
    }

    /// Which of the area's sites are open in `open`.
    pub fn state(&self, open: &[bool]) -> Vec<bool> {
        self.sites.iter().map(|&j| open[j]).collect()
    }

    /// The area's sites that are open in one of `was` (as from [`Self::state`]) and `open`
    /// but not the other.
    pub fn changed(&self, was: &[bool], open: &[bool]) -> Vec<usize> {
        self.sites
            .iter()
            .zip(was)
            .filter(|&(&j, &o)| open[j] != o)
            .map(|(&j, _)| j)
            .collect()
    }

    /// Opens and closes the area's sites as they were in `was` (from [`Self::state`]).
    pub fn restore(&self, was: &[bool], open: &mut [bool]) {
        for (&j, &o) in self.sites.iter().zip(was) {
            open[j] = o;
        }
    }
}

/// What `capacity` places are worth at `price` per person: nothing when either is
/// nothing or the capacity unlimited (such a site has no capacity row to price).
fn capacity_worth(price: f64, capacity: f64) -> f64 {
    match price > 0.0 && capacity.is_finite() {
        true => price * capacity,
        false => 0.0,
    }
}

/// What pricing the swaps of one site needs to know of the others.
struct Near<'a> {
    options: &'a [Options],
    open: &'a [bool],
    gain: &'a [f64],
    within: &'a [bool],
    best_plain: Option<usize>,
}

/// The search's fixed inputs.
pub struct SwapSearch<'a> {
    form: &'a MinForm<'a>,
    /// Cost of a point left unserved.
    unserved: Vec<f64>,
    /// Arc costs with the capacity prices added.
    cost: Vec<f64>,
    /// What opening each site costs here: its opening cost less its capacity at its price.
    open_cost: Vec<f64>,
}

impl<'a> SwapSearch<'a> {
    /// A search on `form` where serving a person at site `j` costs `prices[j]` on top.
    pub fn new(form: &'a MinForm<'a>, prices: &[f64]) -> Self {
        let problem = form.problem;
        let arc_sites = problem.costs().arc_sites();
        let mut cost = form.arc_cost.clone();
        for (i, point) in problem.demand().iter().enumerate() {
            for arc in problem.costs().arc_range(i) {
                cost[arc] += prices[arc_sites[arc] as usize] * point.demand;
            }
        }
        let dearest = cost.iter().copied().fold(0.0, f64::max)
            + form.open_cost.iter().copied().fold(0.0, f64::max);
        let unserved = match &form.unserved_cost {
            Some(costs) => costs.clone(),
            None => vec![UNSERVED_PENALTY * (dearest + 1.0); problem.demand().len()],
        };
        // Without the credit a full site, whose people pay its price, looks cheap to close,
        // and the swaps close the busiest sites. On the generated 10^5-cell city, polishing
        // run to its end with the credit and closed sites priced by their neighbours ended
        // at 298.1 M, against 300.9 M with neither.
        let open_cost = (0..prices.len())
            .map(|j| form.open_cost[j] - capacity_worth(prices[j], form.capacity(j)))
            .collect();
        Self {
            form,
            unserved,
            cost,
            open_cost,
        }
    }

    /// The problem searched.
    pub fn form(&self) -> &'a MinForm<'a> {
        self.form
    }

    /// What leaving each point unserved costs here.
    pub fn unserved(&self) -> &[f64] {
        &self.unserved
    }

    /// Improves `open` until no move saves anything or `deadline` passes.
    pub fn improve(&self, open: &mut [bool], deadline: Instant) {
        for _ in 0..PASSES_PER_SITE * open.len() {
            if Instant::now() >= deadline || !self.pass(open, usize::MAX) {
                break;
            }
        }
    }

    /// One pass: prices every move from `open` and applies at most `most` of the improving
    /// ones that touch disjoint points, best first. Whether any was applied.
    pub fn pass(&self, open: &mut [bool], most: usize) -> bool {
        let options = self.options(open);
        let value = self.value(open, &options);
        let everywhere = Area::everywhere(self.form);
        let moves = self.moves(open, &options, &everywhere);
        self.apply_independent(open, moves, IMPROVEMENT * value.abs().max(1.0), most)
    }

    /// Improves `open` by moves inside `area` until none saves more than `threshold`,
    /// keeping `options` (every point's two cheapest) up to date, and tells how much the
    /// value changed. Moves elsewhere are not looked at, so a pass costs what the area's arcs
    /// cost, not the whole problem's.
    pub fn settle(
        &self,
        open: &mut [bool],
        options: &mut [Options],
        area: &Area,
        threshold: f64,
    ) -> f64 {
        let mut change = 0.0;
        for _ in 0..PASSES_PER_SITE * area.sites.len() {
            let was = area.state(open);
            let moves = self.moves(open, options, area);
            if !self.apply_independent(open, moves, threshold, usize::MAX) {
                break;
            }
            change += self.refresh(open, options, &area.changed(&was, open));
        }
        change
    }

    /// Recomputes the two cheapest options of everyone in reach of `sites`, after they
    /// opened or closed, and tells how much that changed the value (their opening costs
    /// included).
    pub fn refresh(&self, open: &[bool], options: &mut [Options], sites: &[usize]) -> f64 {
        let mut change = 0.0;
        for &j in sites {
            change += match open[j] {
                true => self.open_cost[j],
                false => -self.open_cost[j],
            };
            for (i, _) in self.form.by_site.of(j) {
                let now = self.options_of(i, open);
                change += now.cost - options[i].cost;
                options[i] = now;
            }
        }
        change
    }

    /// Whether swapping `leaving` for `arriving` keeps `open` within the limits on new
    /// sites and budget (or spends no more than now).
    pub fn allows_swap(&self, open: &[bool], arriving: usize, leaving: usize) -> bool {
        Spending::of(self.form, open).allows(
            self.form,
            Move::Swap {
                open: arriving,
                close: leaving,
            },
        )
    }

    /// The value of `open`, given every point's `options` under it: opening costs and each
    /// point's cheapest option.
    pub fn value(&self, open: &[bool], options: &[Options]) -> f64 {
        let opening: f64 = (0..open.len())
            .filter(|&j| open[j])
            .map(|j| self.open_cost[j])
            .sum();
        opening + options.iter().map(|o| o.cost).sum::<f64>()
    }

    /// Every point's two cheapest options under `open`.
    pub fn options(&self, open: &[bool]) -> Vec<Options> {
        two_cheapest(self.form, open, &self.unserved, |_, arc| self.cost[arc])
    }

    fn options_of(&self, i: usize, open: &[bool]) -> Options {
        point_options(self.form, i, open, self.unserved[i], |arc| self.cost[arc])
    }

    /// The best swap for each open site in `area`, and openings and closings there when `p`
    /// is free.
    fn moves(&self, open: &[bool], options: &[Options], area: &Area) -> Vec<Priced> {
        let form = self.form;
        let site_count = open.len();
        let mut gain = vec![0.0; site_count];
        let gains: Vec<(usize, f64)> = area
            .sites
            .par_iter()
            .with_min_len(area.per_task)
            .filter(|&&a| !open[a])
            .map(|&a| {
                let saving = form
                    .by_site
                    .of(a)
                    .map(|(i, arc)| (options[i].cost - self.cost[arc]).max(0.0))
                    .sum();
                (a, saving)
            })
            .collect();
        for (a, saving) in gains {
            gain[a] = saving;
        }
        let closable: Vec<usize> = area
            .sites
            .iter()
            .copied()
            .filter(|&r| open[r] && !form.forced[r])
            .collect();
        let plain = |a: usize| gain[a] - self.open_cost[a];
        let best_plain = area
            .sites
            .iter()
            .copied()
            .filter(|&a| !open[a])
            .max_by(|&a, &b| plain(a).total_cmp(&plain(b)).then(b.cmp(&a)));
        let served: Vec<(Vec<usize>, f64)> = closable
            .par_iter()
            .with_min_len(area.per_task)
            .map(|&r| self.served_by(r, options))
            .collect();
        let mut moves: Vec<Priced> = match self.form.problem.limits().p {
            Some(_) => Vec::new(),
            None => area
                .sites
                .iter()
                .copied()
                .filter(|&a| !open[a])
                .map(|a| Priced {
                    saving: plain(a),
                    step: Move::Open(a),
                })
                .chain(closable.iter().zip(&served).map(|(&r, (_, loss))| Priced {
                    saving: self.open_cost[r] - loss,
                    step: Move::Close(r),
                }))
                .collect(),
        };
        let swaps: Vec<Priced> = closable
            .par_iter()
            .with_min_len(area.per_task)
            .zip(&served)
            .map_init(
                || vec![0.0; site_count],
                |extra, (&r, (members, loss))| {
                    let near = Near {
                        options,
                        open,
                        gain: &gain,
                        within: &area.within,
                        best_plain,
                    };
                    self.best_swap(r, members, *loss, &near, extra)
                },
            )
            .flatten()
            .collect();
        moves.extend(swaps);
        moves
    }

    /// The points whose cheapest option is `r`, and what closing it would cost them.
    fn served_by(&self, r: usize, options: &[Options]) -> (Vec<usize>, f64) {
        let members: Vec<usize> = self
            .form
            .by_site
            .of(r)
            .map(|(i, _)| i)
            .filter(|&i| options[i].first == Some(r as u32))
            .collect();
        let loss = members
            .iter()
            .map(|&i| options[i].second - options[i].cost)
            .sum();
        (members, loss)
    }

    /// The best site in the area to open in place of `r`, which its `members` would lose at
    /// `loss`; `extra` is scratch space, zero on entry and exit.
    fn best_swap(
        &self,
        r: usize,
        members: &[usize],
        loss: f64,
        near: &Near,
        extra: &mut [f64],
    ) -> Option<Priced> {
        let costs = self.form.problem.costs();
        let sites = costs.arc_sites();
        let mut touched = Vec::new();
        for &i in members {
            let o = near.options[i];
            for arc in costs.arc_range(i) {
                let a = sites[arc] as usize;
                let c = self.cost[arc];
                if !near.open[a] && near.within[a] && c < o.second {
                    if extra[a] == 0.0 {
                        touched.push(a);
                    }
                    extra[a] += o.second - c.max(o.cost);
                }
            }
        }
        let worth = |a: usize, extra: f64| near.gain[a] + extra - self.open_cost[a];
        let mut best = near.best_plain.map(|a| (worth(a, extra[a]), a));
        for &a in &touched {
            let candidate = (worth(a, extra[a]), a);
            if best.is_none_or(|(w, b)| candidate.0 > w || (candidate.0 == w && a < b)) {
                best = Some(candidate);
            }
        }
        for &a in &touched {
            extra[a] = 0.0;
        }
        best.map(|(w, a)| Priced {
            saving: w - loss + self.open_cost[r],
            step: Move::Swap { open: a, close: r },
        })
    }

    /// Applies up to `most` of the moves that save more than `threshold`, best first,
    /// skipping any that shares a point with one already applied (its saving may have
    /// changed) or breaks the limits on new sites and budget. Whether anything was applied.
    fn apply_independent(
        &self,
        open: &mut [bool],
        mut moves: Vec<Priced>,
        threshold: f64,
        most: usize,
    ) -> bool {
        moves.retain(|m| m.saving > threshold);
        moves.sort_by(|a, b| {
            b.saving
                .total_cmp(&a.saving)
                .then(order(a.step).cmp(&order(b.step)))
        });
        let mut touched = vec![false; self.unserved.len()];
        let mut limits = Spending::of(self.form, open);
        let mut applied = 0;
        for m in moves {
            if applied == most {
                break;
            }
            let sites = match m.step {
                Move::Open(a) | Move::Close(a) => [Some(a), None],
                Move::Swap { open, close } => [Some(open), Some(close)],
            };
            let points = || {
                sites
                    .into_iter()
                    .flatten()
                    .flat_map(|j| self.form.by_site.of(j))
            };
            if points().any(|(i, _)| touched[i]) || !limits.allows(self.form, m.step) {
                continue;
            }
            for (i, _) in points() {
                touched[i] = true;
            }
            limits.apply(self.form, m.step);
            match m.step {
                Move::Open(a) => open[a] = true,
                Move::Close(r) => open[r] = false,
                Move::Swap { open: a, close: r } => {
                    open[a] = true;
                    open[r] = false;
                }
            }
            applied += 1;
        }
        applied > 0
    }
}

/// A total order on moves, so that equal savings are taken in the same order every run.
fn order(step: Move) -> (usize, usize) {
    match step {
        Move::Open(a) => (a, usize::MAX),
        Move::Close(r) => (usize::MAX, r),
        Move::Swap { open, close } => (open, close),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SitingProblem;
    use crate::solve::test_problems::school_at_every_village;
    use std::time::Duration;

    /// One school: by hand km 0 costs 20·2 + 30·4 + 50·6 = 460, km 2: 280, km 4: 180,
    /// km 6: 200.
    fn line() -> SitingProblem {
        school_at_every_village(1, None)
    }

    #[test]
    fn swaps_move_the_school_from_the_worst_to_the_best_village() {
        let problem = line();
        let form = MinForm::new(&problem);
        let search = SwapSearch::new(&form, &[0.0; 4]);
        let mut open = vec![true, false, false, false];
        search.improve(&mut open, Instant::now() + Duration::from_secs(5));
        assert_eq!(open, [false, false, true, false]);
        assert_eq!(search.value(&open, &search.options(&open)), 180.0);
    }

    /// A price of 5 per pupil at km 4 makes it cost 180 + 5·110 = 730, more than km 6 with
    /// 200: the priced search settles there.
    #[test]
    fn a_price_on_a_site_steers_the_search_away_from_it() {
        let problem = line();
        let form = MinForm::new(&problem);
        let search = SwapSearch::new(&form, &[0.0, 0.0, 5.0, 0.0]);
        let mut open = vec![true, false, false, false];
        search.improve(&mut open, Instant::now() + Duration::from_secs(5));
        assert_eq!(open, [false, false, false, true]);
    }

    /// The same price on a school with a capacity credits its places: with 110 places (all
    /// 110 pupils) km 4 costs 180 + 5·110 − 5·110 = 180 and keeps the school; with 100
    /// places it costs 180 + 550 − 500 = 230, more than km 6 with 200.
    #[test]
    fn a_priced_site_is_credited_with_its_capacity() {
        for (places, settles_at, value) in [(110.0, 2, 180.0), (100.0, 3, 200.0)] {
            let problem = school_at_every_village(1, Some(places));
            let form = MinForm::new(&problem);
            let search = SwapSearch::new(&form, &[0.0, 0.0, 5.0, 0.0]);
            let mut open = vec![true, false, false, false];
            search.improve(&mut open, Instant::now() + Duration::from_secs(5));
            let expected: Vec<bool> = (0..4).map(|j| j == settles_at).collect();
            assert_eq!(open, expected, "{places} places");
            assert_eq!(search.value(&open, &search.options(&open)), value);
        }
    }
}
