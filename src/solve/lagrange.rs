//! A proven lower bound for large problems by Lagrangian relaxation.
//!
//! The rows "each point is served once" are moved into the objective with a multiplier
//! `λ[i]` per point. What is left splits by site: site `j` would serve the points whose
//! arc cost is below their multiplier, as many as its capacity holds (a continuous
//! knapsack, taken most-profitable-per-person first), and is worth opening when that gain
//! beats its opening cost. The best choice of sites under `p` (and the cap on new sites)
//! is a sort, so for every `λ` the relaxation is solved exactly and its value is a bound no
//! plan can beat. Subgradient steps (Polyak's rule, aiming at the best plan's value) move
//! `λ` towards the best bound.
//!
//! Each relaxation also bounds the plans that open a site it left closed: its value, plus
//! that site's worth, less the worth of the chosen site it would replace. A site whose
//! bound reaches the best plan's value is *ruled out*: no better plan opens it, so an exact
//! solver may leave it out ([`Bound::ruled_out`]). Likewise for the plans that close a site
//! it opened (its value, less that site's worth, plus the worth of the best site left
//! closed): a site whose bound reaches the best plan's value is *ruled in*, and every
//! better plan opens it ([`Bound::ruled_in`]).
//!
//! For single-source problems each site takes its points wholly (a 0-1 knapsack, solved
//! exactly by dynamic programming) where people and places are whole numbers and the
//! tables small ([`MinForm::whole_knapsacks`]); elsewhere the knapsack keeps its shares,
//! which only weakens the bound. The budget and sites' minimum loads are left out of the
//! relaxation for the same reason: the bound stays valid, if less tight. Of a plot's sizes
//! the relaxation opens the worthiest only, and a point left unplaced at a price adds that
//! price less its multiplier when that is below nothing.

use super::form::MinForm;
use super::tolerance;
use super::Ordered;
use crate::model::Limits;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// Starting step size of the subgradient method (Polyak's θ).
const INITIAL_STEP: f64 = 2.0;

/// The search ends when the step size falls below this (it halves after
/// [`Stop::patience`] relaxations without a better bound).
const SMALLEST_STEP: f64 = 0.005;

/// Relaxations before this one are left out of [`Bound::support`]: the first steps, far
/// from good multipliers, open sites that no good plan uses.
const SUPPORT_AFTER: usize = 100;

/// A site is in [`Bound::support`] when at least this many of the counted relaxations
/// opened it.
const SUPPORT_TIMES: u32 = 3;

/// When to stop improving the bound.
#[derive(Debug, Clone, Copy)]
pub struct Stop {
    /// The bound is good enough once (upper − bound) / upper is at most this.
    pub gap: f64,
    /// At most this many relaxations are solved.
    pub iterations: usize,
    /// The step size halves after this many relaxations in a row without a better bound.
    pub patience: usize,
    /// Give up at this moment.
    pub deadline: Instant,
}

/// The best bound found and where it was found.
#[derive(Debug, Clone)]
pub struct Bound {
    /// A lower bound on the form's value of every plan.
    pub value: f64,
    /// The multipliers that gave it.
    pub multipliers: Vec<f64>,
    /// The sites the relaxation opened there: a good start for a plan.
    pub open: Vec<bool>,
    /// Relaxations solved.
    pub iterations: usize,
    /// Sites that no plan better than the best known one opens.
    pub ruled_out: Vec<bool>,
    /// Sites that every plan better than the best known one opens.
    pub ruled_in: Vec<bool>,
    /// How many relaxations after the first [`SUPPORT_AFTER`] opened each site.
    opened: Vec<u32>,
}

impl Bound {
    /// The sites the relaxations kept opening once the multipliers were near their best
    /// ([`SUPPORT_TIMES`] times or more after the first [`SUPPORT_AFTER`]), or `None` when
    /// too few relaxations were solved to tell. Where the subgradient steps settle, the
    /// relaxations take turns among the sites that the LP relaxation opens in part, so
    /// these approximate its support: on a generated city of 5,000 cells and 500 sites the
    /// LP opens 197 sites, none of them whole; 184 of them, and 29 others, are in this
    /// set.
    pub fn support(&self) -> Option<Vec<bool>> {
        (self.iterations > SUPPORT_AFTER)
            .then(|| self.opened.iter().map(|&n| n >= SUPPORT_TIMES).collect())
    }
}

/// The relaxation solved for one set of multipliers.
struct Relaxed {
    value: f64,
    open: Vec<bool>,
    /// What opening each site adds to the value (its opening cost and its knapsack).
    worth: Vec<f64>,
    /// How many times over each point is served (its share over all sites, and 1 when
    /// `max_coverage` leaves it unserved): 1 everywhere would be a plan.
    served: Vec<f64>,
}

/// What the search tells its caller after each relaxation.
pub struct Step<'a> {
    /// Relaxations solved so far.
    pub iteration: usize,
    /// The best bound so far.
    pub best: f64,
    /// The sites this relaxation opened.
    pub open: &'a [bool],
}

/// Improves the bound from multipliers `start`, given the value `upper` of a known plan.
/// `watch` sees every relaxation and may return the value of a better plan it found from
/// it, which then becomes the target of the steps.
pub fn bound(
    form: &MinForm,
    start: Vec<f64>,
    mut upper: f64,
    stop: Stop,
    watch: &mut dyn FnMut(Step) -> Option<f64>,
) -> Bound {
    let mut multipliers = start;
    let first = relax(form, &multipliers);
    let mut best = Bound {
        value: first.value,
        multipliers: multipliers.clone(),
        open: first.open.clone(),
        iterations: 1,
        ruled_out: vec![false; first.open.len()],
        ruled_in: vec![false; first.open.len()],
        opened: vec![0; first.open.len()],
    };
    rule_sites(form, &first, upper, &mut best.ruled_out, &mut best.ruled_in);
    let mut current = first;
    let mut step = INITIAL_STEP;
    let mut since_better = 0;
    while best.iterations < stop.iterations
        && step >= SMALLEST_STEP
        && super::relative_gap(upper, best.value) > stop.gap
        && Instant::now() < stop.deadline
    {
        let squared_norm: f64 = current.served.iter().map(|s| (1.0 - s).powi(2)).sum();
        if squared_norm == 0.0 {
            break;
        }
        let length = step * (upper - current.value).max(1e-9 * upper.abs().max(1.0)) / squared_norm;
        for (lambda, served) in multipliers.iter_mut().zip(&current.served) {
            *lambda += length * (1.0 - served);
        }
        current = relax(form, &multipliers);
        rule_sites(
            form,
            &current,
            upper,
            &mut best.ruled_out,
            &mut best.ruled_in,
        );
        best.iterations += 1;
        if best.iterations > SUPPORT_AFTER {
            for (times, &open) in best.opened.iter_mut().zip(&current.open) {
                *times += u32::from(open);
            }
        }
        if current.value > best.value {
            best.value = current.value;
            best.multipliers.clone_from(&multipliers);
            best.open.clone_from(&current.open);
            since_better = 0;
        } else {
            since_better += 1;
            if since_better >= stop.patience {
                step /= 2.0;
                since_better = 0;
            }
        }
        let seen = Step {
            iteration: best.iterations,
            best: best.value,
            open: &current.open,
        };
        if let Some(better) = watch(seen) {
            upper = upper.min(better);
        }
    }
    best.value = rounded_up(form, best.value);
    best
}

/// A bound on a form whose optimum is a whole number may be rounded up to one (less a
/// sliver, so that rounding noise above a whole number does not lift it by one).
fn rounded_up(form: &MinForm, bound: f64) -> f64 {
    match form.has_integral_optimum() {
        true => (bound - 1e-7 * bound.abs().max(1.0)).ceil(),
        false => bound,
    }
}

/// The relaxation's value at `multipliers`: a lower bound on every plan's value.
pub fn value(form: &MinForm, multipliers: &[f64]) -> f64 {
    rounded_up(form, relax(form, multipliers).value)
}

/// Solves the relaxation for `multipliers` exactly.
fn relax(form: &MinForm, multipliers: &[f64]) -> Relaxed {
    let site_count = form.problem.sites().len();
    let drawn = Drawn::new(form, multipliers);
    let worth: Vec<f64> = (0..site_count)
        .into_par_iter()
        .map(|j| form.open_cost[j] + gain(form, j, drawn.of(j)))
        .collect();
    let open = choose_sites(form, &worth);
    let shares: Vec<Vec<(usize, f64)>> = (0..site_count)
        .into_par_iter()
        .map(|j| match open[j] {
            true => knapsack(form, j, drawn.of(j)).shares,
            false => Vec::new(),
        })
        .collect();
    let mut served = vec![0.0; multipliers.len()];
    for (i, share) in shares.into_iter().flatten() {
        served[i] += share;
    }
    let mut value: f64 = multipliers.iter().sum();
    value += (0..site_count)
        .filter(|&j| open[j])
        .map(|j| worth[j])
        .sum::<f64>();
    if let Some(unserved) = &form.unserved_cost {
        for (i, (&cost, &lambda)) in unserved.iter().zip(multipliers).enumerate() {
            if cost < lambda {
                value += cost - lambda;
                served[i] += 1.0;
            }
        }
    }
    Relaxed {
        value,
        open,
        worth,
        served,
    }
}

/// The arcs one set of multipliers makes worth using, grouped by site: for site `j`, the
/// points whose arc cost is below their multiplier, in increasing order of point, with
/// that cost less the multiplier (what serving all of the point there adds to the value).
///
/// Found from the points' side: a point's arcs are sorted by cost (weights are ≥ 0), so
/// the sites it draws are a prefix of them, and a relaxation reads those prefixes instead
/// of every arc.
struct Drawn {
    offsets: Vec<usize>,
    points: Vec<u32>,
    reduced: Vec<f64>,
}

impl Drawn {
    fn new(form: &MinForm, multipliers: &[f64]) -> Self {
        let costs = form.problem.costs();
        let sites = costs.arc_sites();
        let prefixes: Vec<std::ops::Range<usize>> = (0..multipliers.len())
            .into_par_iter()
            .map(|i| {
                let arcs = costs.arc_range(i);
                let below = form.arc_cost[arcs.clone()].partition_point(|&c| c < multipliers[i]);
                arcs.start..arcs.start + below
            })
            .collect();
        let mut offsets = vec![0usize; form.problem.sites().len() + 1];
        for arc in prefixes.iter().flat_map(Clone::clone) {
            offsets[sites[arc] as usize + 1] += 1;
        }
        for j in 1..offsets.len() {
            offsets[j] += offsets[j - 1];
        }
        let total = offsets[offsets.len() - 1];
        let mut next = offsets.clone();
        let mut points = vec![0u32; total];
        let mut reduced = vec![0.0; total];
        for (i, prefix) in prefixes.into_iter().enumerate() {
            for arc in prefix {
                let slot = &mut next[sites[arc] as usize];
                // Fits: `SitingProblem::new` checks the number of points.
                points[*slot] = i as u32;
                reduced[*slot] = form.arc_cost[arc] - multipliers[i];
                *slot += 1;
            }
        }
        Self {
            offsets,
            points,
            reduced,
        }
    }

    /// The points site `j` draws, with their reduced costs.
    fn of(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + Clone + '_ {
        let range = self.offsets[j]..self.offsets[j + 1];
        self.points[range.clone()]
            .iter()
            .zip(&self.reduced[range])
            .map(|(&i, &reduced)| (i as usize, reduced))
    }
}

/// The points site `j` draws at `multipliers`, as [`Drawn::of`] lists them, read from all
/// of the site's arcs: for one site at a time, where building [`Drawn`] would read every
/// point's.
fn drawn_by_site<'a>(
    form: &'a MinForm,
    j: usize,
    multipliers: &'a [f64],
) -> impl Iterator<Item = (usize, f64)> + Clone + 'a {
    form.by_site
        .costs_of(j)
        .map(|(i, cost)| (i, cost - multipliers[i]))
        .filter(|&(_, reduced)| reduced < 0.0)
}

/// Marks the sites whose flip would lift `relaxed`'s value to `upper` or beyond: a closed
/// site opened is *ruled out*, an open site closed is *ruled in*. With `p` fixed, a site
/// opened replaces the least worthy chosen one and a site closed is replaced by the
/// worthiest one left closed; otherwise a flip simply adds or takes away the site's worth.
/// Left alone with a cap on new sites, where the replaced site is not so simple to name.
fn rule_sites(
    form: &MinForm,
    relaxed: &Relaxed,
    upper: f64,
    ruled_out: &mut [bool],
    ruled_in: &mut [bool],
) {
    let problem = form.problem;
    if problem.limits().max_new.is_some() {
        return;
    }
    let worth_where = |open: bool| {
        (0..relaxed.open.len())
            .filter(move |&j| relaxed.open[j] == open && !form.forced[j])
            .map(|j| relaxed.worth[j])
    };
    let (least_chosen, worthiest_left) = match problem.limits().p {
        Some(_) => (
            worth_where(true).fold(f64::NEG_INFINITY, f64::max),
            worth_where(false).fold(f64::INFINITY, f64::min),
        ),
        None => (0.0, 0.0),
    };
    let cutoff = cutoff(form, upper);
    for (j, &open) in relaxed.open.iter().enumerate() {
        let sized = form.plot_mates(j).next().is_some();
        if form.forced[j] || (sized && problem.limits().p.is_some()) {
            continue;
        }
        // A size opened closes the plot's open size; a size closed lets the worthiest other
        // size open, when it is worth opening.
        let (mate_open, mate_best) = match sized {
            true => (
                form.plot_mates(j)
                    .find(|&k| relaxed.open[k])
                    .map_or(0.0, |k| relaxed.worth[k]),
                form.plot_mates(j)
                    .map(|k| relaxed.worth[k])
                    .fold(0.0, f64::min),
            ),
            false => (0.0, 0.0),
        };
        let (flipped, mark) = match open {
            false => (
                relaxed.value + relaxed.worth[j] - least_chosen - mate_open,
                &mut ruled_out[j],
            ),
            true => (
                relaxed.value - relaxed.worth[j] + worthiest_left + mate_best,
                &mut ruled_in[j],
            ),
        };
        *mark = *mark || rounded_up(form, flipped) >= cutoff;
    }
}

/// Every plan that opens a ruled-out site is worth at least this (in the form's terms):
/// the best plan's value `upper`, less a sliver of the optimality tolerance where values
/// need not be whole.
pub fn cutoff(form: &MinForm, upper: f64) -> f64 {
    match form.has_integral_optimum() {
        true => upper,
        false => upper - 0.5 * tolerance::OPTIMALITY * upper.abs(),
    }
}

/// What site `j` gains from the points it would serve, and their shares.
struct Knapsack {
    value: f64,
    shares: Vec<(usize, f64)>,
}

/// A point site `j` may serve in its knapsack.
struct Item {
    point: usize,
    /// Its arc cost less its multiplier: what serving all of it adds to the value.
    reduced: f64,
    /// The room it takes.
    need: f64,
    /// Its place in the knapsack's order: gain per person, most first.
    rank: f64,
}

/// What site `j` gains from the points it `drawn` (see [`Drawn`]): its knapsack's value.
/// When its room holds them all (always, without a capacity), that is their sum, found
/// without ordering them.
fn gain(form: &MinForm, j: usize, drawn: impl Iterator<Item = (usize, f64)> + Clone) -> f64 {
    let room = form.capacity(j);
    if !room.is_finite() {
        return drawn.map(|(_, reduced)| reduced).sum();
    }
    // The sum stops at the first point that overflows the room, and the knapsack orders
    // them all: where sites overflow, little of this pass is spent in vain.
    let (mut all, mut wanted) = (0.0, 0.0);
    for (i, reduced) in drawn.clone() {
        wanted += form.need[i];
        if wanted > room {
            return knapsack(form, j, drawn).value;
        }
        all += reduced;
    }
    all
}

/// Site `j` serves the points it `drawn` (see [`Drawn`]), best gain per person first, while
/// its capacity lasts (the last one perhaps in part).
fn knapsack(form: &MinForm, j: usize, drawn: impl Iterator<Item = (usize, f64)>) -> Knapsack {
    let mut items: Vec<Item> = drawn
        .map(|(point, reduced)| {
            let need = form.need[point];
            Item {
                point,
                reduced,
                need,
                rank: match need {
                    d if d > 0.0 => reduced / d,
                    _ => f64::NEG_INFINITY,
                },
            }
        })
        .collect();
    let room = form.capacity(j);
    if form.whole_knapsacks && room.is_finite() {
        return whole_knapsack(&items, room);
    }
    let (whole, part) = match items.iter().map(|item| item.need).sum::<f64>() > room {
        true => {
            let (whole, part) = fill(&mut items, room);
            // Those taken are summed best gain per person first, as a plan would take them,
            // so that the value does not hang on the order the selection left them in.
            items[..whole].sort_unstable_by(by_gain_per_person);
            (whole, part)
        }
        false => (items.len(), None),
    };
    let mut value = 0.0;
    let mut shares = Vec::with_capacity(whole + 1);
    for item in &items[..whole] {
        value += item.reduced;
        shares.push((item.point, 1.0));
    }
    if let Some(share) = part {
        let item = &items[whole];
        value += share * item.reduced;
        shares.push((item.point, share));
    }
    Knapsack { value, shares }
}

/// The points worth most in all that `room` holds, each taken wholly or not at all: a
/// 0-1 knapsack over whole numbers of people and places, solved by dynamic programming
/// over the places (the best gain for every number of places, item by item, with a mark
/// where an item raised it, to read the choice back).
fn whole_knapsack(items: &[Item], room: f64) -> Knapsack {
    // Whole and within the tables' limit: `MinForm::whole_knapsacks`.
    let width = room as usize + 1;
    let mut best = vec![0.0_f64; width];
    let mut raised = vec![false; items.len() * width];
    for (k, item) in items.iter().enumerate() {
        let need = item.need as usize;
        for places in (need..width).rev() {
            let with = best[places - need] - item.reduced;
            if with > best[places] {
                best[places] = with;
                raised[k * width + places] = true;
            }
        }
    }
    let mut places = width - 1;
    let mut taken = Vec::new();
    for (k, item) in items.iter().enumerate().rev() {
        if raised[k * width + places] {
            taken.push(k);
            places -= item.need as usize;
        }
    }
    taken.reverse();
    let value = taken.iter().map(|&k| items[k].reduced).sum();
    let shares = taken.iter().map(|&k| (items[k].point, 1.0)).collect();
    Knapsack { value, shares }
}

/// The knapsack's order: best gain per person first. Points are distinct, so the order is
/// total, and selections and sorts by it the same on every run.
fn by_gain_per_person(a: &Item, b: &Item) -> std::cmp::Ordering {
    a.rank.total_cmp(&b.rank).then(a.point.cmp(&b.point))
}

/// Puts first, in no particular order, the `whole` items that `room` holds wholly when
/// they are taken best gain per person first, and returns their number with the share the
/// room holds of the next best one (none when the room is full or every item fits). A
/// weighted selection: each step splits the items still in question at their median and
/// keeps the half the room's edge lies in, so the time is linear in the items. A heap,
/// which gave the items in order, took a third of the time of a 10^5-cell fixed-charge
/// run, where a site holds about one in seven of the points its multipliers draw.
fn fill(items: &mut [Item], room: f64) -> (usize, Option<f64>) {
    let mut left = room;
    let (mut low, mut high) = (0, items.len());
    while low < high {
        let middle = low + (high - low) / 2;
        items[low..high].select_nth_unstable_by(middle - low, by_gain_per_person);
        let before: f64 = items[low..middle].iter().map(|item| item.need).sum();
        if before > left {
            high = middle;
            continue;
        }
        left -= before;
        if items[middle].need > left {
            low = middle;
            break;
        }
        left -= items[middle].need;
        low = middle + 1;
    }
    // Items past `low` were split off as no better than the one at `low`.
    let share = items
        .get(low)
        .map(|next| (left / next.need).min(1.0))
        .filter(|&share| share > 0.0);
    (low, share)
}

/// The sites the relaxation opens: the existing ones, then the others by worth (most
/// negative first): exactly `p` in all when `p` is set, otherwise every one worth opening;
/// never more new candidates than `max_new`, nor two sizes of one plot.
fn choose_sites(form: &MinForm, worth: &[f64]) -> Vec<bool> {
    let mut opening = Opening::new(form, None);
    let mut order: Vec<usize> = (0..worth.len()).filter(|&j| !opening.open[j]).collect();
    order.sort_by(|&a, &b| worth[a].total_cmp(&worth[b]).then(a.cmp(&b)));
    for j in order {
        if opening.enough(worth[j]) {
            break;
        }
        if opening.allows(j) {
            opening.add(j);
        }
    }
    opening.open
}

/// A plan's sites from multipliers, for a start: each point is worth its multiplier until
/// a site takes it, the site that gains most from the points still worth more than their
/// trip there (as many as its capacity holds) opens next, and the points it takes are worth
/// their trip from then on. Unlike the relaxation's choice, sites that would serve the same
/// people do not all open. Keeps to `p`, `max_new` and the budget.
pub fn greedy_plan(form: &MinForm, multipliers: &[f64]) -> Vec<bool> {
    let budget = form.problem.limits().budget;
    let mut opening = Opening::new(form, budget);
    let mut value = multipliers.to_vec();
    for j in (0..opening.open.len()).filter(|&j| form.forced[j]) {
        take_points(form, j, &mut value);
    }
    let worth = |j: usize, value: &[f64]| {
        form.open_cost[j] + knapsack(form, j, drawn_by_site(form, j, value)).value
    };
    // A site's worth only rises as points are taken, so a worth computed earlier is a lower
    // bound on today's: a site whose fresh worth is still the least is the best one.
    let mut queue: BinaryHeap<(Reverse<Ordered>, Reverse<usize>)> = (0..opening.open.len())
        .filter(|&j| !opening.open[j])
        .map(|j| (Reverse(Ordered(worth(j, &value))), Reverse(j)))
        .collect();
    while let Some((Reverse(Ordered(earlier)), Reverse(j))) = queue.pop() {
        let now = worth(j, &value);
        if now > earlier {
            queue.push((Reverse(Ordered(now)), Reverse(j)));
            continue;
        }
        if opening.enough(now) {
            break;
        }
        if opening.allows(j) {
            opening.add(j);
            take_points(form, j, &mut value);
        }
    }
    opening.open
}

/// Lowers the worth of the points site `j` takes at `value` to their trip there (in
/// proportion to the share taken).
fn take_points(form: &MinForm, j: usize, value: &mut [f64]) {
    // In increasing order of point, as `BySite::costs_of` lists them.
    let costs: Vec<(usize, f64)> = form.by_site.costs_of(j).collect();
    for (i, share) in knapsack(form, j, drawn_by_site(form, j, value)).shares {
        #[allow(
            clippy::expect_used,
            reason = "the knapsack of site j only takes points of its own arcs"
        )]
        let cost = costs
            .binary_search_by_key(&i, |&(point, _)| point)
            .map(|found| costs[found].1)
            .expect("the knapsack takes points in reach");
        value[i] = share * cost + (1.0 - share) * value[i];
    }
}

/// Sites opened so far against `p`, `max_new` and (when given) the budget.
struct Opening<'a> {
    form: &'a MinForm<'a>,
    open: Vec<bool>,
    count: usize,
    new_candidates: usize,
    spent: f64,
    budget: Option<f64>,
}

impl<'a> Opening<'a> {
    /// The existing sites open, nothing spent on them.
    fn new(form: &'a MinForm<'a>, budget: Option<f64>) -> Self {
        let open = form.forced.clone();
        let count = open.iter().filter(|&&o| o).count();
        Self {
            form,
            open,
            count,
            new_candidates: 0,
            spent: 0.0,
            budget,
        }
    }

    /// Whether no more sites should open, the next best being worth `worth`: `p` reached,
    /// or (without `p`) no site left worth opening.
    fn enough(&self, worth: f64) -> bool {
        match self.form.problem.limits().p {
            Some(p) => self.count >= p,
            None => worth >= 0.0,
        }
    }

    /// Whether opening `j` keeps to `max_new`, the budget and one size per plot.
    fn allows(&self, j: usize) -> bool {
        let site = &self.form.problem.sites()[j];
        let candidate = site.status == crate::model::SiteStatus::Candidate;
        let limits = Limits {
            budget: self.budget,
            ..self.form.problem.limits()
        };
        let new_sites = self.new_candidates + usize::from(candidate);
        !self.form.plot_taken(&self.open, j, None)
            && (!candidate || limits.admits_new(new_sites))
            && limits.admits_spending(self.spent + site.fixed_cost)
    }

    fn add(&mut self, j: usize) {
        let site = &self.form.problem.sites()[j];
        self.open[j] = true;
        self.count += 1;
        self.new_candidates += usize::from(site.status == crate::model::SiteStatus::Candidate);
        self.spent += site.fixed_cost;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SitingProblem;
    use crate::solve::test_problems::school_at_every_village;
    use std::time::Duration;

    fn stop() -> Stop {
        Stop {
            gap: 0.0,
            iterations: 500,
            patience: 15,
            deadline: Instant::now() + Duration::from_secs(10),
        }
    }

    /// The bound from multipliers of nothing, aiming at a plan worth `upper`.
    fn bound_from_zero(form: &MinForm, upper: f64) -> Bound {
        let start = vec![0.0; form.problem.demand().len()];
        bound(form, start, upper, stop(), &mut |_| None)
    }

    /// One school: at km 4 the cost is 10·4 + 20·2 + 50·2 = 180, the optimum (km 2: 20 +
    /// 60 + 200 = 280; km 6: 60 + 80 + 60 = 200).
    fn line(p: usize, capacity: Option<f64>) -> SitingProblem {
        school_at_every_village(p, capacity)
    }

    #[test]
    fn the_bound_reaches_the_one_school_optimum_and_never_passes_it() {
        let problem = line(1, None);
        let form = MinForm::new(&problem);
        let found = bound_from_zero(&form, 180.0);
        assert_eq!(found.value, 180.0);
        assert_eq!(found.open, [false, false, true, false]);
    }

    #[test]
    fn any_multipliers_give_a_bound_below_the_optimum() {
        let problem = line(2, None);
        let form = MinForm::new(&problem);
        // Two schools: best is km 2 and km 6 (10·2 + 30·2 = 80) or km 4 and km 6 (10·4 + 20·2
        // = 80): 80.
        for start in [[0.0; 4], [50.0, 0.0, 100.0, 7.0], [1e4; 4]] {
            let relaxed = relax(&form, &start);
            assert!(relaxed.value <= 80.0 + 1e-9, "{start:?}: {}", relaxed.value);
        }
        let found = bound_from_zero(&form, 80.0);
        assert!(
            found.value <= 80.0 && found.value >= 79.0,
            "{}",
            found.value
        );
    }

    /// Two schools of 55 places: by hand the best plan is still 80 (km 2 takes villages 0
    /// and 1 and 25 of village 2, km 6 the rest), and the bound must not pass it.
    #[test]
    fn the_capacitated_bound_stays_at_or_below_the_hand_computed_optimum() {
        let problem = line(2, Some(55.0));
        let found = bound_from_zero(&MinForm::new(&problem), 80.0);
        assert!(
            found.value <= 80.0 + 1e-6 && found.value >= 79.0,
            "{}",
            found.value
        );
    }

    #[test]
    fn the_knapsack_fills_the_best_gain_per_person_first() {
        let problem = line(1, Some(40.0));
        let form = MinForm::new(&problem);
        // Site at km 2 with multipliers 100 each: reduced costs −80, −100, −40, −0 (km 6 at
        // cost 200 is left out); gains per pupil −8, −5, −1.33; 40 places: village 0 (10)
        // whole, village 1 (20) whole, 10 of village 2's 30.
        let found = knapsack(&form, 1, drawn_by_site(&form, 1, &[100.0; 4]));
        assert_eq!(found.shares, vec![(0, 1.0), (1, 1.0), (2, 1.0 / 3.0)]);
        assert!((found.value - (-80.0 - 100.0 - 40.0 / 3.0)).abs() < 1e-9);
    }

    /// Schools S1 and S2 both at km 4, S3 at km 0; two to open; each pupil worth 5 km. S1
    /// and S2 would each save 10 + 60 + 150 + 150 = 370 and the relaxation opens both. Once
    /// S1 takes the villages, S2 saves nothing and S3 saves 40 on village a: the greedy opens
    /// S1 and S3, the optimum (a 0, b 40, c 0, d 100: 140 against 180 for S1 and S2).
    #[test]
    fn the_greedy_plan_does_not_open_two_sites_for_the_same_people() {
        let problem = crate::solve::test_problems::villages_on_a_line(
            crate::model::Limits {
                p: Some(2),
                ..Default::default()
            },
            &[
                (4.0, None, crate::model::SiteStatus::Candidate),
                (4.0, None, crate::model::SiteStatus::Candidate),
                (0.0, None, crate::model::SiteStatus::Candidate),
            ],
        );
        let form = MinForm::new(&problem);
        let worth_five_km = [50.0, 100.0, 150.0, 250.0];
        assert_eq!(relax(&form, &worth_five_km).open, [true, true, false]);
        assert_eq!(greedy_plan(&form, &worth_five_km), [true, false, true]);
    }

    /// The one-school bound meets the optimum within a few relaxations: too few to tell a
    /// support.
    #[test]
    fn no_support_is_told_from_a_few_relaxations() {
        let problem = line(1, None);
        let found = bound_from_zero(&MinForm::new(&problem), 180.0);
        assert!(found.iterations <= SUPPORT_AFTER);
        assert_eq!(found.support(), None);
    }

    /// Every relaxation of a p-median opens exactly p sites, so the counts of the
    /// relaxations after the first [`SUPPORT_AFTER`] add up to p times their number.
    #[test]
    fn the_support_counts_only_the_later_relaxations() {
        let problem = crate::solve::test_problems::grid_town(1, 30, 4, false);
        let form = MinForm::new(&problem);
        let found = bound_from_zero(&form, 3000.0);
        let counted = found.iterations - SUPPORT_AFTER;
        assert!(counted > 0, "{} relaxations", found.iterations);
        assert_eq!(found.opened.iter().sum::<u32>() as usize, 4 * counted);
        let support = found.support().expect("enough relaxations");
        let expected: Vec<bool> = found.opened.iter().map(|&n| n >= SUPPORT_TIMES).collect();
        assert_eq!(support, expected);
        assert!(support.iter().filter(|&&s| s).count() >= 4);
    }

    #[test]
    fn sites_no_better_plan_opens_are_ruled_out_and_the_optimum_never() {
        let problem = line(1, None);
        let form = MinForm::new(&problem);
        // One school: km 0 costs 460, km 2 280, km 4 180 (the optimum), km 6 200.
        let from_optimum = bound_from_zero(&form, 180.0);
        assert_eq!(from_optimum.ruled_out, [true, true, false, true]);
        // From the km 6 plan only the sites that cannot beat 200 go.
        let from_second = bound_from_zero(&form, 200.0);
        assert!(from_second.ruled_out[0] && !from_second.ruled_out[2]);
    }

    /// Two schools: the plans of 80 open km 6 with km 2 or km 4; without km 6 the best is
    /// km 2 and km 4, 120. So every plan better than 81 opens km 6, and none of the others
    /// may be ruled in, for some plan better than 81 leaves each of them closed.
    #[test]
    fn sites_every_better_plan_opens_are_ruled_in_and_no_other() {
        let problem = line(2, None);
        let form = MinForm::new(&problem);
        let found = bound_from_zero(&form, 81.0);
        assert_eq!(found.ruled_in, [false, false, false, true]);
    }

    /// A site gains what its knapsack would: point by point where its room holds everyone
    /// below their multiplier (always, without a capacity), else in the knapsack's order.
    #[test]
    fn a_site_gains_what_its_knapsack_would() {
        let multipliers = [30.0, 50.0, 40.0, 400.0];
        // km 4: a 40 − 30 (no gain), b 40 − 50, c 0 − 40, d 100 − 400, 100 pupils in all;
        // with 60 places, d (−6 a pupil) all 50, then c (−4/3) 10 of its 30; b (−1/2) none.
        let at_km_4 = [
            (None, -350.0),
            (Some(200.0), -350.0),
            (Some(60.0), -300.0 - 40.0 / 3.0),
        ];
        for (capacity, expected) in at_km_4 {
            let problem = line(2, capacity);
            let form = MinForm::new(&problem);
            let drawn = Drawn::new(&form, &multipliers);
            for j in 0..4 {
                assert_eq!(
                    gain(&form, j, drawn.of(j)),
                    knapsack(&form, j, drawn.of(j)).value,
                    "capacity {capacity:?}, site {j}"
                );
            }
            assert_eq!(gain(&form, 2, drawn.of(2)), expected, "{capacity:?}");
        }
    }

    /// Found from the points' prefixes of arcs or from a site's arcs, a site draws the same
    /// points with the same reduced costs in the same order: a multiplier below, at and
    /// above a point's arc costs.
    #[test]
    fn the_points_side_and_the_sites_side_draw_the_same_points() {
        let problem = line(2, Some(60.0));
        let form = MinForm::new(&problem);
        for multipliers in [[30.0, 50.0, 40.0, 400.0], [0.0, 20.0, 60.0, 150.0]] {
            let drawn = Drawn::new(&form, &multipliers);
            for j in 0..4 {
                let from_points: Vec<(usize, f64)> = drawn.of(j).collect();
                let from_site: Vec<(usize, f64)> = drawn_by_site(&form, j, &multipliers).collect();
                assert_eq!(from_points, from_site, "site {j}, {multipliers:?}");
            }
        }
        let drawn = Drawn::new(&form, &[0.0; 4]);
        assert!((0..4).all(|j| drawn.of(j).next().is_none()));
    }

    /// The selection takes what taking items in order of gain per person would: the same
    /// points wholly and the same share of the next, on random sites of 1 to 60 points
    /// (ties of rank included) and rooms from none to more than all of them.
    #[test]
    fn the_selection_fills_the_room_as_taking_in_order_would() {
        let mut dice = crate::solve::heuristic::Dice::new(7);
        for _ in 0..500 {
            let items: Vec<Item> = (0..1 + dice.below(60))
                .map(|point| {
                    let need = dice.below(4) as f64;
                    let reduced = -(dice.below(10) as f64) - 1.0;
                    let rank = match need {
                        d if d > 0.0 => reduced / d,
                        _ => f64::NEG_INFINITY,
                    };
                    Item {
                        point,
                        reduced,
                        need,
                        rank,
                    }
                })
                .collect();
            let total: f64 = items.iter().map(|item| item.need).sum();
            let room = dice.below(total as usize + 3) as f64 + 0.5;
            let mut in_order: Vec<&Item> = items.iter().collect();
            in_order.sort_by(|a, b| by_gain_per_person(a, b));
            let mut expected = Vec::new();
            let mut left = room;
            for item in in_order {
                let share = (left / item.need).min(1.0);
                if share <= 0.0 {
                    break;
                }
                left -= share * item.need;
                expected.push((item.point, share));
            }
            let mut selected = items;
            let (whole, part) = fill(&mut selected, room);
            let mut found: Vec<(usize, f64)> = selected[..whole]
                .iter()
                .map(|item| (item.point, 1.0))
                .collect();
            found.extend(part.map(|share| (selected[whole].point, share)));
            found.sort_by_key(|&(point, _)| point);
            expected.sort_by_key(|&(point, _)| point);
            assert_eq!(found, expected, "room {room}");
        }
    }

    /// The km-2 site of the knapsack above, 40 places, points taken wholly: a and b (30
    /// places, −180) beat a and c (40 places, −120) and b alone; c no longer goes in part.
    #[test]
    fn a_whole_knapsack_takes_the_best_set_of_whole_points() {
        let problem = line(1, Some(40.0));
        let form = MinForm::new(&problem);
        let items: Vec<Item> = drawn_by_site(&form, 1, &[100.0; 4])
            .map(|(point, reduced)| Item {
                point,
                reduced,
                need: problem.demand()[point].demand,
                rank: 0.0,
            })
            .collect();
        let found = whole_knapsack(&items, 40.0);
        assert_eq!(found.shares, vec![(0, 1.0), (1, 1.0)]);
        assert_eq!(found.value, -180.0);
    }

    /// Two of the four schools, 60 places each, villages served wholly: the best plan is 80
    /// (a, b and c at km 2 or km 4, d at km 6), found by trying every assignment. For any
    /// multipliers, the relaxation with whole knapsacks stays at or below 80 and at or
    /// above the one with shares, and above it for some.
    #[test]
    fn whole_knapsacks_tighten_the_single_source_bound_and_never_pass_the_optimum() {
        let problem = crate::solve::test_problems::villages_on_a_line(
            Limits {
                p: Some(2),
                single_source: true,
                ..Limits::default()
            },
            &[0.0, 2.0, 4.0, 6.0].map(|km| (km, Some(60.0), crate::model::SiteStatus::Candidate)),
        );
        let km = [0.0, 2.0, 4.0, 6.0];
        let pupils = [10.0, 20.0, 30.0, 50.0];
        let mut optimum = f64::INFINITY;
        for code in 0..4usize.pow(4) {
            let site_of: Vec<usize> = (0..4).map(|i| code / 4usize.pow(i) % 4).collect();
            let mut load = [0.0; 4];
            for (i, &j) in site_of.iter().enumerate() {
                load[j] += pupils[i];
            }
            let used = load.iter().filter(|&&l| l > 0.0).count();
            if used <= 2 && load.iter().all(|&l| l <= 60.0) {
                let cost: f64 = (0..4)
                    .map(|i| pupils[i] * f64::abs(km[i] - km[site_of[i]]))
                    .sum();
                optimum = optimum.min(cost);
            }
        }
        assert_eq!(optimum, 80.0);
        let mut whole = MinForm::new(&problem);
        assert!(whole.whole_knapsacks);
        let mut dice = crate::solve::heuristic::Dice::new(3);
        let mut tighter = 0;
        for _ in 0..200 {
            let multipliers: Vec<f64> = pupils
                .iter()
                .map(|p| p * dice.below(80) as f64 / 10.0)
                .collect();
            whole.whole_knapsacks = true;
            let with_whole = relax(&whole, &multipliers).value;
            whole.whole_knapsacks = false;
            let with_shares = relax(&whole, &multipliers).value;
            assert!(
                with_whole <= optimum + 1e-9,
                "{multipliers:?}: {with_whole}"
            );
            assert!(with_whole >= with_shares - 1e-9, "{multipliers:?}");
            tighter += usize::from(with_whole > with_shares + 1e-9);
        }
        assert!(tighter > 0);
    }
}
