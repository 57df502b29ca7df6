//! Multipliers for the Lagrangian bound ([`super::lagrange`]) by climbing a smoothed
//! relaxation.
//!
//! The relaxation's value is a concave function of the multipliers, but a jagged one: a
//! site opens or closes, a point enters or leaves a knapsack, at a kink. Subgradient steps
//! crawl along such a function: on the fixed-charge city of 10^5 cells (`generate fixed
//! --points 100000 --sites 5000`) 515 relaxations in 43 s reached 704.0 M, and 959 in a
//! 600 s run 706.2 M. Here each site's choice is softened over a width `w` per person: a
//! point's share in a knapsack rises evenly from none to all as what it gains per person,
//! less the knapsack's price of room, goes from −w/2 to w/2, and a site opens in part in the
//! same way as its gain passes its opening cost. Each share earns a bonus for being a share
//! (a parabola, nothing at none or all), which makes it the best choice at its price, so
//! the value has a gradient everywhere: each point's one less the shares of it the sites
//! serve. Limited-memory BFGS ([`super::lbfgs`]) climbs that in far fewer evaluations than
//! the steps need, each about as dear as a relaxation. The width narrows stage by stage, so
//! the smooth function closes in on the relaxation, and each stage's multipliers are priced
//! by the relaxation itself: only those values are bounds. On the same city the climb
//! reaches 709.4 M in 42 s. A logistic share (an entropy bonus) climbed as well per
//! evaluation, but its price of room took several passes of exponentials per site, and
//! an evaluation cost ten times as much.
//!
//! For plans with a free number of sites (fixed-charge problems): no `p`, no cap on new
//! sites and no price for leaving people unplaced, whose choices are not softened here.

use super::form::MinForm;
use super::lagrange;
use super::lbfgs::{self, Evaluated};
use super::progress::Progress;
use rayon::prelude::*;
use std::time::Instant;

/// The widths of the stages, as shares of the points' mean multiplier per person: the
/// first wide enough that the multipliers of a plan's points move together, the last
/// narrow enough that the smooth value is within a sliver of the relaxation's. On the
/// generated fixed-charge city of 10^5 cells under a 55 s limit, these three stages and
/// five (0.3, 0.1, 0.033, 0.011, 0.0037) both reached 709.4 M with every core; on one
/// core, beside the plan's polishing, three reached 708.8 M, four (0.1 … 0.0037) 708.6 M
/// and five 708.1 M to 708.6 M. On the 10^6-cell city in 275 s, three reached 11.10 G,
/// five 11.05 G.
const WIDTHS: [f64; 3] = [0.1, 0.02, 0.004];

/// Most steps in one stage.
const STEPS_PER_STAGE: usize = 400;

/// Newton steps for a knapsack's price of room, at most (each halves the bracket when it
/// would leave it).
const PRICE_STEPS: usize = 60;

/// A knapsack's price of room is found when its load is within this share of its room.
const PRICE_TOLERANCE: f64 = 1e-10;

/// Whether the smoothed climb suits `form`: plans with a free number of sites, all people
/// placed.
pub fn applies(form: &MinForm) -> bool {
    let limits = form.problem.limits();
    limits.p.is_none() && limits.max_new.is_none() && form.unserved_cost.is_none()
}

/// Climbs from multipliers `start`, stage by stage, until `stop`'s deadline or gap to the
/// plan's value `upper`, and returns the multipliers of the best relaxation seen.
pub fn climb(
    form: &MinForm,
    start: Vec<f64>,
    upper: f64,
    stop: lagrange::Stop,
    progress: &Progress,
) -> Vec<f64> {
    let per_person = mean_multiplier_per_person(form, &start);
    let mut best = (lagrange::value(form, &start), start.clone());
    let mut multipliers = start;
    let mut prices = vec![0.0; form.problem.sites().len()];
    let mean_need = mean_demand(form);
    for (stage, share) in WIDTHS.iter().enumerate() {
        let now = Instant::now();
        if now >= stop.deadline || super::relative_gap(upper, best.0) <= stop.gap {
            break;
        }
        let stage_end = now + (stop.deadline - now) / (WIDTHS.len() - stage) as u32;
        let width = share * per_person;
        let mut smooth = |lambda: &[f64]| smoothed(form, lambda, width, &mut prices);
        let first_step = width * mean_need;
        let go_on = || Instant::now() < stage_end;
        let steps;
        (multipliers, steps) = lbfgs::maximise(
            &mut smooth,
            multipliers,
            first_step,
            STEPS_PER_STAGE,
            &go_on,
        );
        let value = lagrange::value(form, &multipliers);
        progress.phase(format_args!(
            "smoothed stage {} (width {width:.1} per person): bound {} after {steps} steps",
            stage + 1,
            form.objective_of(value)
        ));
        if value > best.0 {
            best = (value, multipliers.clone());
            progress.bound(form.objective_of(value));
        }
    }
    best.1
}

/// The points' mean multiplier per person: the scale of the softening's widths.
fn mean_multiplier_per_person(form: &MinForm, multipliers: &[f64]) -> f64 {
    let demand = form.problem.demand();
    let sum: f64 = multipliers
        .iter()
        .zip(demand)
        .map(|(lambda, d)| lambda / d.demand.max(1.0))
        .sum();
    sum / multipliers.len().max(1) as f64
}

/// The points' mean demand: how far, in multipliers, a first step of one width goes.
fn mean_demand(form: &MinForm) -> f64 {
    let demand = form.problem.demand();
    demand.iter().map(|d| d.demand).sum::<f64>() / demand.len().max(1) as f64
}

/// The smoothed relaxation at `multipliers` and width `per_person`, with its
/// gradient; `prices` holds each knapsack's price of room, the last one found as the start
/// of the next search.
fn smoothed(form: &MinForm, multipliers: &[f64], per_person: f64, prices: &mut [f64]) -> Evaluated {
    let sites: Vec<SiteShares> = prices
        .par_iter_mut()
        .enumerate()
        .map_init(Vec::new, |items, (j, price)| {
            site_shares(form, j, multipliers, per_person, price, items)
        })
        .collect();
    let mut gradient = vec![1.0; multipliers.len()];
    let mut value: f64 = multipliers.iter().sum();
    for site in &sites {
        value += site.value;
        for &(i, served) in &site.served {
            gradient[i as usize] -= served;
        }
    }
    Evaluated { value, gradient }
}

/// One site's part of the smoothed relaxation.
struct SiteShares {
    /// What the site adds to the value: its softened opening cost less gain.
    value: f64,
    /// The points it serves in part, with the share: their share in its knapsack times
    /// how far it opens.
    served: Vec<(u32, f64)>,
}

/// Site `j` at `multipliers` and width `per_person`: the shares its knapsack takes at the
/// price of room that fills it (found from `price`, which is updated), and how far the
/// gain opens it. `items` is room to list the points in.
fn site_shares(
    form: &MinForm,
    j: usize,
    multipliers: &[f64],
    per_person: f64,
    price: &mut f64,
    items: &mut Vec<Soft>,
) -> SiteShares {
    items.clear();
    // A point whose gain per person is below −w/2 takes no share at any price (prices are
    // never below nothing).
    items.extend(form.by_site.costs_of(j).filter_map(|(i, cost)| {
        let need = form.need[i];
        let width = per_person * if need > 0.0 { need } else { 1.0 };
        let profit = multipliers[i] - cost;
        // Fits: `SitingProblem::new` checks the number of points.
        (profit > -0.5 * width).then_some(Soft {
            point: i as u32,
            profit,
            need,
            width,
        })
    }));
    let room = form.capacity(j);
    *price = room_price(items, room, *price, per_person);
    let gain: f64 = items.iter().map(|item| item.gain(*price)).sum();
    let opening = form.open_cost[j];
    let (value, open) = match form.forced[j] {
        true => (opening - gain, 1.0),
        false => {
            let scale = per_person * site_scale(room, items);
            let excess = (gain - opening) / scale;
            (
                -scale * soft_positive(excess),
                (excess + 0.5).clamp(0.0, 1.0),
            )
        }
    };
    let served = match open > 0.0 {
        true => items
            .iter()
            .map(|item| (item.point, open * item.share(*price)))
            .filter(|&(_, share)| share > 0.0)
            .collect(),
        false => Vec::new(),
    };
    SiteShares { value, served }
}

/// How many people's widths a site's opening is softened over: its room, or all the people
/// in its reach when it has none.
fn site_scale(room: f64, items: &[Soft]) -> f64 {
    let people = match room.is_finite() {
        true => room,
        false => items.iter().map(|item| item.need).sum(),
    };
    people.max(1.0)
}

/// A point in a softened knapsack.
struct Soft {
    point: u32,
    /// Its multiplier less its cost here: what serving all of it here gains.
    profit: f64,
    /// The room it takes.
    need: f64,
    /// Over how much gain its share turns from none to all.
    width: f64,
}

impl Soft {
    /// The share taken at a price of room: half at a gain of nothing after paying for the
    /// room, rising evenly to all at half the width above.
    fn share(&self, price: f64) -> f64 {
        (0.5 + (self.profit - price * self.need) / self.width).clamp(0.0, 1.0)
    }

    /// The gain of that share, with the softening's bonus for sharing (none at no share or
    /// all of it, an eighth of the width at half).
    fn gain(&self, price: f64) -> f64 {
        let share = self.share(price);
        self.profit * share + 0.5 * self.width * share * (1.0 - share)
    }
}

/// The price of room at which the softened knapsack's load is its room (nothing when the
/// room holds the load at no price). The load falls piecewise linearly with the price, so
/// Newton's steps from `start` end on it once the points in part stay the same; a step that
/// would leave the bracket halves it instead.
fn room_price(items: &[Soft], room: f64, start: f64, per_person: f64) -> f64 {
    let load = |price: f64| -> (f64, f64) {
        items.iter().fold((0.0, 0.0), |(load, slope), item| {
            let share = item.share(price);
            let turning = share > 0.0 && share < 1.0;
            let slope = match turning {
                true => slope - item.need * item.need / item.width,
                false => slope,
            };
            (load + item.need * share, slope)
        })
    };
    if !room.is_finite() || load(0.0).0 <= room {
        return 0.0;
    }
    let (mut low, mut high) = (0.0, f64::INFINITY);
    let mut price = start.max(0.0);
    for _ in 0..PRICE_STEPS {
        let (taken, slope) = load(price);
        if (taken - room).abs() <= PRICE_TOLERANCE * room.max(1.0) {
            break;
        }
        match taken > room {
            true => low = price,
            false => high = price,
        }
        let newton = price - (taken - room) / slope;
        price = match newton > low && newton < high && newton.is_finite() {
            true => newton,
            false if high.is_finite() => 0.5 * (low + high),
            false => price.max(per_person) * 2.0,
        };
    }
    price
}

/// A smooth stand-in for max(0, z): nothing below −1/2, z above 1/2, a parabola between.
fn soft_positive(z: f64) -> f64 {
    match z {
        z if z <= -0.5 => 0.0,
        z if z >= 0.5 => z,
        z => 0.5 * (z + 0.5) * (z + 0.5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{far_off, priced_line};

    /// Two points of one person each, gaining 3 and 1, widths of 2, a room of 1.25: at a
    /// price of 1.5 the first takes 0.5 + (3 − 1.5)/2 ≥ 1, so all of it, and the second
    /// 0.5 + (1 − 1.5)/2 = 0.25: the room is full. A room of 5 holds both at no price.
    #[test]
    fn the_price_of_room_fills_the_room() {
        let item = |point, profit| Soft {
            point,
            profit,
            need: 1.0,
            width: 2.0,
        };
        let items = [item(0, 3.0), item(1, 1.0)];
        let price = room_price(&items, 1.25, 0.0, 2.0);
        assert!((price - 1.5).abs() < 1e-9, "{price}");
        assert_eq!((items[0].share(price), items[1].share(price)), (1.0, 0.25));
        assert_eq!(room_price(&items, 5.0, 0.7, 2.0), 0.0);
    }

    /// Villages of 10 at km 0, 2 and 6; schools of 15 places at km 0 and 6 (opening 30)
    /// and of 25 at km 3 (opening 5): rooms bind, so the prices of room are in play.
    fn three_villages() -> crate::model::SitingProblem {
        priced_line(
            &[(0.0, 10.0), (2.0, 10.0), (6.0, 10.0)],
            &[(0.0, 15.0, 30.0), (6.0, 15.0, 30.0), (3.0, 25.0, 5.0)],
            false,
        )
    }

    /// L-BFGS needs the gradient of the very function it climbs: each component matches
    /// the change of the value over a small step of that multiplier.
    #[test]
    fn the_gradient_is_the_slope_of_the_smoothed_value() {
        let problem = three_villages();
        let form = MinForm::new(&problem);
        let multipliers = [40.0, 55.0, 70.0];
        let mut prices = vec![0.0; 3];
        let at = |lambda: &[f64], prices: &mut [f64]| smoothed(&form, lambda, 4.0, prices);
        let here = at(&multipliers, &mut prices);
        for i in 0..3 {
            let step = 1e-5;
            let mut up = multipliers;
            up[i] += step;
            let mut down = multipliers;
            down[i] -= step;
            let slope = (at(&up, &mut prices).value - at(&down, &mut prices).value) / (2.0 * step);
            assert!(
                (slope - here.gradient[i]).abs() < 1e-5,
                "{i}: {slope} against {}",
                here.gradient[i]
            );
        }
    }

    /// Two villages of 10 at km 0 and 6, schools of 20 places at km 0 and 6 (opening 30)
    /// and at km 3 (opening 5). Both end schools cost 60; the middle one 5 + 30 + 30 = 65,
    /// and any mix of the two plans costs 65 − 5·(share of the first), so the relaxation's
    /// best bound is the optimum, 60, which the climb reaches from multipliers of nothing.
    #[test]
    fn the_climb_reaches_the_optimum_where_the_relaxation_can() {
        let problem = priced_line(
            &[(0.0, 10.0), (6.0, 10.0)],
            &[(0.0, 20.0, 30.0), (6.0, 20.0, 30.0), (3.0, 20.0, 5.0)],
            false,
        );
        let form = MinForm::new(&problem);
        let stop = lagrange::Stop {
            gap: 0.0,
            iterations: 0,
            patience: 0,
            deadline: far_off(),
        };
        let progress = Progress::new(false, false);
        let climbed = climb(&form, vec![0.0, 0.0], 60.0, stop, &progress);
        let value = lagrange::value(&form, &climbed);
        assert!(value <= 60.0 + 1e-9 && value > 60.0 - 1e-6, "{value}");
    }
}
