//! Capacity prices found by adjustment, and serving demand within capacities at those
//! prices where a linear program would be too slow (beyond some 10^4 points).
//!
//! Each point goes where its trip plus the site's price per person is cheapest. A site that
//! draws more people than it holds raises its price just enough to turn away the excess,
//! those with the cheapest alternative first; a site with room lowers a price it no longer
//! needs. After a fixed number of rounds the prices steer the searches for sites, and
//! [`fill`] serves the points in order of how much they lose by their second choice, each
//! at its cheapest priced site that still has room; anyone left out then finds room along
//! the cheapest chain of moves ([`Chains`]).

use super::augment::{served_at, Chains};
use super::swap::{two_cheapest, Options};
use super::transport::Transport;
use crate::model::{Allocation, Assignment};
use crate::solve::form::MinForm;
use crate::solve::tolerance::{ROUNDOFF_SHARE, UNSERVED};
use std::time::Instant;

/// Rounds of price adjustment.
const ROUNDS: usize = 60;

/// A site with room drops this share of its price each round.
const RELEASE: f64 = 0.3;

/// Prices per person for the sites `open`, adjusted from nothing until each holds the people
/// it draws; `unserved[i]` is what leaving point `i` out costs. After `deadline` prices are
/// no longer adjusted.
pub fn adjusted_prices(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    deadline: Instant,
) -> Vec<f64> {
    let problem = form.problem;
    let demand = problem.demand();
    let mut price = vec![0.0; open.len()];
    let room: Vec<f64> = (0..open.len()).map(|j| form.capacity(j)).collect();
    for _ in 0..ROUNDS {
        if Instant::now() >= deadline {
            break;
        }
        let choices = choose(form, open, unserved, &price);
        let mut load = vec![0.0; open.len()];
        let mut drawn: Vec<Vec<(f64, f64)>> = vec![Vec::new(); open.len()];
        for (i, choice) in choices.iter().enumerate() {
            if let Some(j) = choice.first.map(|j| j as usize) {
                load[j] += demand[i].demand;
                let margin = (choice.second - choice.cost) / demand[i].demand.max(1e-9);
                drawn[j].push((margin, demand[i].demand));
            }
        }
        let mut changed = false;
        for j in (0..open.len()).filter(|&j| open[j]) {
            if load[j] > room[j] {
                price[j] += turn_away(&mut drawn[j], load[j] - room[j]);
                changed = true;
            } else if price[j] > 0.0 && load[j] < room[j] {
                price[j] *= 1.0 - RELEASE;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    price
}

/// The smallest rise in price that turns away `excess` people: the margin of the point at
/// which the cumulative demand of the cheapest-to-move points reaches the excess.
fn turn_away(drawn: &mut [(f64, f64)], excess: f64) -> f64 {
    drawn.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut moved = 0.0;
    for &(margin, people) in drawn.iter() {
        moved += people;
        if moved >= excess {
            return margin + 1e-9;
        }
    }
    drawn.last().map_or(0.0, |d| d.0 + 1e-9)
}

/// Each point's two cheapest options at `price`.
fn choose(form: &MinForm, open: &[bool], unserved: &[f64], price: &[f64]) -> Vec<Options> {
    let demand = form.problem.demand();
    let sites = form.problem.costs().arc_sites();
    two_cheapest(form, open, unserved, |i, arc| {
        form.arc_cost[arc] + price[sites[arc] as usize] * demand[i].demand
    })
}

/// Serves points in order of regret at `price`, each at its cheapest priced sites with
/// room (split between them when one cannot hold it all, unless single-source); after
/// `deadline` nobody more is served along chains.
pub fn fill(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    price: &[f64],
    deadline: Instant,
) -> Transport {
    let problem = form.problem;
    let demand = problem.demand();
    let single = problem.limits().single_source;
    let choices = choose(form, open, unserved, price);
    let mut order: Vec<usize> = (0..demand.len()).collect();
    let regret = |i: usize| choices[i].second - choices[i].cost;
    order.sort_by(|&a, &b| regret(b).total_cmp(&regret(a)).then(a.cmp(&b)));
    let mut room: Vec<f64> = (0..open.len()).map(|j| form.capacity(j)).collect();
    let mut allocations = vec![Vec::new(); demand.len()];
    let mut left_out: Vec<(usize, f64)> = Vec::new();
    let sites = problem.costs().arc_sites();
    for i in order {
        let need = demand[i].demand;
        let mut options: Vec<(f64, usize)> = problem
            .costs()
            .arc_range(i)
            .filter(|&arc| open[sites[arc] as usize])
            .map(|arc| {
                let j = sites[arc] as usize;
                (form.arc_cost[arc] + price[j] * need, j)
            })
            .filter(|&(cost, _)| cost < unserved[i])
            .collect();
        options.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut left = 1.0;
        for (_, j) in options {
            let fits = match need > 0.0 {
                true => (room[j] / need).min(left),
                false => left,
            };
            if fits <= 0.0 || (single && fits < 1.0) {
                continue;
            }
            room[j] -= fits * need;
            left -= fits;
            allocations[i].push(Allocation {
                site: j,
                share: fits,
            });
            if left <= ROUNDOFF_SHARE {
                break;
            }
        }
        if left > UNSERVED {
            left_out.push((i, left));
        }
    }
    let left_out: Vec<usize> = match single {
        true => left_out
            .into_iter()
            .filter(|&(i, _)| !make_way(form, open, &mut allocations, &mut room, i))
            .map(|(i, _)| i)
            .collect(),
        false => {
            let mut listed = served_at(&allocations, open.len());
            let mut chains = Chains::new(
                form,
                open,
                &mut allocations,
                &mut room,
                &mut listed,
                deadline,
            );
            left_out
                .into_iter()
                .filter(|&(i, left)| chains.serve(i, left) > UNSERVED)
                .map(|(i, _)| i)
                .collect()
        }
    };
    for allocs in &mut allocations {
        allocs.sort_by_key(|a| a.site);
    }
    Transport {
        assignment: Assignment {
            open: open.to_vec(),
            allocations,
        },
        unserved: left_out,
    }
}

/// Serves single-source point `i` (all of it, as fill leaves it) at one of its open sites
/// by moving whole points already there to other open sites with room. Whether it worked;
/// nothing changes when it did not. (Split service finds room along longer chains:
/// [`Chains`].)
fn make_way(
    form: &MinForm,
    open: &[bool],
    allocations: &mut [Vec<Allocation>],
    room: &mut [f64],
    i: usize,
) -> bool {
    let problem = form.problem;
    let demand = problem.demand();
    let needed = demand[i].demand;
    for target in problem.costs().arcs(i).map(|a| a.site).filter(|&j| open[j]) {
        let mut moves: Vec<(usize, usize, f64)> = Vec::new();
        let mut freed = room[target];
        let mut spare = room.to_vec();
        for k in (0..allocations.len()).filter(|&k| k != i) {
            if freed >= needed {
                break;
            }
            let Some(share) = allocations[k]
                .iter()
                .find(|a| a.site == target)
                .map(|a| a.share)
            else {
                continue;
            };
            let people = share * demand[k].demand;
            let elsewhere = problem
                .costs()
                .arcs(k)
                .map(|a| a.site)
                .find(|&m| m != target && open[m] && spare[m] >= people);
            if let Some(m) = elsewhere {
                spare[m] -= people;
                freed += people;
                moves.push((k, m, share));
            }
        }
        if freed + 1e-9 < needed {
            continue;
        }
        for (k, m, share) in moves {
            allocations[k].retain(|a| a.site != target);
            allocations[k].push(Allocation { site: m, share });
            room[m] -= share * demand[k].demand;
            room[target] += share * demand[k].demand;
        }
        room[target] -= needed;
        allocations[i].push(Allocation {
            site: target,
            share: 1.0,
        });
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Limits, SiteStatus};
    use crate::solve::test_problems::{far_off, villages_on_a_line};

    /// Villages at km 0, 2, 4, 6 with 10, 20, 30, 50 pupils; schools open at km 2 and km 6
    /// with 55 places each. Nearest-school service would put 60 at km 2; the prices must
    /// turn 5 away (from village 2, the cheapest to move: 2 km either way) so nobody is left
    /// out and no school is over capacity.
    #[test]
    fn prices_turn_the_excess_away_and_everyone_is_served() {
        let problem = villages_on_a_line(
            Limits::default(),
            &[
                (2.0, Some(55.0), SiteStatus::Existing),
                (6.0, Some(55.0), SiteStatus::Existing),
            ],
        );
        let form = MinForm::new(&problem);
        let open = [true, true];
        let prices = adjusted_prices(&form, &open, &[1e9; 4], far_off());
        let found = fill(&form, &open, &[1e9; 4], &prices, far_off());
        assert!(found.unserved.is_empty());
        let loads = found.assignment.loads(&problem);
        assert!(loads.iter().all(|&load| load <= 55.0 + 1e-9), "{loads:?}");
        // By hand the least cost is 80 (village 2 may go either way at 2 km).
        let cost = found.assignment.objective_value(&problem);
        assert!((cost - 80.0).abs() < 1e-6, "{cost}");
    }
}
