//! Polishing a city-sized fixed-charge plan region by region.
//!
//! Above some 20,000 points the large solver cannot afford to polish the whole plan: every
//! trial move is checked by serving all the demand anew. A region of neighbouring open
//! sites and the people only they serve is small enough for the polishing of small problems
//! (shakes and swaps, each checked by the transportation program), started from the
//! region's part of the plan. The rest of the plan stays as it is: sites outside the region
//! that serve people in it keep what they serve and offer only their places left, free of
//! charge, since they stay open anyway. When the region's polished plan costs less than its
//! part of the city's plan, it replaces that part, and the next region follows.

use super::form::MinForm;
use super::heuristic::SwapSearch;
use super::large;
use super::progress::Progress;
use crate::model::{Allocation, Assignment, Objective, Site, SiteStatus, SitingProblem};
use std::time::Instant;

/// How many of the plan's open sites a region takes: the centre and those whose people
/// the centre's people reach most. On the generated fixed-charge city of 10^5 cells, beside
/// the smoothed climb under a 55 s limit (polishing stopped after a second a region),
/// regions of 10, 20 and 30 sites took the plan from 729.6 M to 724.7 M, 723.4 M and
/// 723.7 M.
const REGION_SITES: usize = 20;

/// Rounds of polishing a region, at most (a count, not seconds, so that runs without a
/// time limit repeat): a region that does not pay holds up the sweep little, and the
/// sweeps come round to it again once its neighbours change. On that city 1, 2, 3 and 4
/// rounds took the plan to 723.6 M, 723.1 M, 723.2 M and 723.9 M.
const REGION_ROUNDS: usize = 2;

/// Whether `problem` may be polished by regions: fixed charge with everyone served, and
/// no rule that ties sites of different regions together (limits on new sites or budget,
/// sizes on plots, minimum loads).
pub fn applies(form: &MinForm) -> bool {
    let problem = form.problem;
    let limits = problem.limits();
    problem.objective() == Objective::MinCost
        && problem.is_capacitated()
        && problem.serves_all()
        && limits.p.is_none()
        && limits.max_new.is_none()
        && limits.budget.is_none()
        && !limits.single_source
        && !form.has_site_rules()
}

/// A region of a plan: the points served only by its open sites, and every site they
/// reach.
struct Region {
    points: Vec<usize>,
    sites: Vec<usize>,
    /// Per site of `sites`, whether it stays open whatever the region's plan: open in the
    /// plan and serving someone outside the region, or forced open.
    kept: Vec<bool>,
    /// Per site of `sites`, the load of the people outside the region that it serves.
    outside_load: Vec<f64>,
}

/// Polishes `plan` region by region (see the module documentation) until `deadline`, in
/// sweeps over its open sites as region centres, the least used first (a site that serves
/// few people for its cost is where a closing pays most often); within a sweep, a site
/// in a region already solved is no centre again. After the first sweep a region is
/// solved again only when a site of it changed (opened, closed, or serves other people)
/// since the sweep before: polishing repeats itself on what has not changed. Returns the
/// plan, never worse than `plan`, when a sweep has not paid.
pub fn polish(
    form: &MinForm,
    mut plan: Assignment,
    deadline: Instant,
    progress: &Progress,
) -> Assignment {
    let site_count = plan.open.len();
    let mut changed = vec![true; site_count];
    for sweep in 1.. {
        let outcome = swept(form, &mut plan, &changed, deadline, progress);
        progress.phase(format_args!(
            "regions, sweep {sweep}: plan {} after {} regions solved, {} of them better",
            plan.objective_value(form.problem),
            outcome.solved,
            outcome.better
        ));
        if outcome.better == 0 || Instant::now() >= deadline {
            break;
        }
        changed = outcome.changed;
    }
    plan
}

/// What a sweep over the regions did.
struct Sweep {
    /// Regions polished.
    solved: usize,
    /// Regions whose polished plan replaced their part.
    better: usize,
    /// Sites that a better region opened, closed or loaded differently.
    changed: Vec<bool>,
}

/// One sweep of [`polish`] over `plan`, solving only regions with a site marked in
/// `changed_before`, or changed in this sweep.
fn swept(
    form: &MinForm,
    plan: &mut Assignment,
    changed_before: &[bool],
    deadline: Instant,
    progress: &Progress,
) -> Sweep {
    let problem = form.problem;
    let mut value = plan.objective_value(problem);
    let mut visited = vec![false; plan.open.len()];
    let mut sweep = Sweep {
        solved: 0,
        better: 0,
        changed: vec![false; plan.open.len()],
    };
    for centre in centres(form, plan) {
        if Instant::now() >= deadline {
            break;
        }
        if visited[centre] || !plan.open[centre] {
            continue;
        }
        let region = region_around(form, plan, centre);
        for &j in &region.sites {
            visited[j] |= plan.open[j];
        }
        let touched = |j: usize| changed_before[j] || sweep.changed[j];
        if !region.sites.iter().any(|&j| touched(j)) {
            continue;
        }
        sweep.solved += 1;
        let Some(better) = polished(form, plan, &region, deadline) else {
            continue;
        };
        let next = better.objective_value(problem);
        if next < value {
            mark_changes(problem, plan, &better, &region, &mut sweep.changed);
            *plan = better;
            value = next;
            sweep.better += 1;
            progress.plan(value);
        }
    }
    sweep
}

/// The plan's open sites that may centre a region, the least used (load over room) first.
fn centres(form: &MinForm, plan: &Assignment) -> Vec<usize> {
    let loads = plan.loads(form.problem);
    let used = |j: usize| loads[j] / form.capacity(j);
    let mut centres: Vec<usize> = (0..plan.open.len())
        .filter(|&j| plan.open[j] && !form.forced[j])
        .collect();
    centres.sort_by(|&a, &b| used(a).total_cmp(&used(b)).then(a.cmp(&b)));
    centres
}

/// Marks in `changed` the sites of `region` that `after` opens, closes or loads
/// differently from `before`.
fn mark_changes(
    problem: &SitingProblem,
    before: &Assignment,
    after: &Assignment,
    region: &Region,
    changed: &mut [bool],
) {
    let loads_before = before.loads(problem);
    let loads_after = after.loads(problem);
    for &j in &region.sites {
        changed[j] |= before.open[j] != after.open[j] || loads_before[j] != loads_after[j];
    }
}

/// The region around open site `centre`: the [`REGION_SITES`] open sites the centre's
/// people reach most often (the centre first), the points served by those alone, and the
/// sites those points reach.
fn region_around(form: &MinForm, plan: &Assignment, centre: usize) -> Region {
    let problem = form.problem;
    let costs = problem.costs();
    let site_count = plan.open.len();
    let mut reached = vec![0usize; site_count];
    for i in 0..plan.allocations.len() {
        if plan.allocations[i].iter().any(|a| a.site == centre) {
            for arc in costs.arcs(i).filter(|arc| plan.open[arc.site]) {
                reached[arc.site] += 1;
            }
        }
    }
    let mut members: Vec<usize> = (0..site_count)
        .filter(|&j| j != centre && reached[j] > 0 && !form.forced[j])
        .collect();
    members.sort_by(|&a, &b| reached[b].cmp(&reached[a]).then(a.cmp(&b)));
    members.truncate(REGION_SITES - 1);
    members.insert(0, centre);
    let mut member = vec![false; site_count];
    for &j in &members {
        member[j] = true;
    }
    let points: Vec<usize> = (0..plan.allocations.len())
        .filter(|&i| {
            let allocations = &plan.allocations[i];
            !allocations.is_empty() && allocations.iter().all(|a| member[a.site])
        })
        .collect();
    let mut in_region = vec![false; site_count];
    for &i in &points {
        for arc in costs.arcs(i) {
            in_region[arc.site] = true;
        }
    }
    let sites: Vec<usize> = (0..site_count).filter(|&j| in_region[j]).collect();
    let loads = plan.loads(problem);
    let mut inside = vec![0.0; site_count];
    let mut outside = loads.clone();
    for &i in &points {
        for a in &plan.allocations[i] {
            inside[a.site] += a.share * form.need[i];
            outside[a.site] -= a.share * form.need[i];
        }
    }
    let kept = sites
        .iter()
        .map(|&j| form.forced[j] || (plan.open[j] && (!member[j] || loads[j] > inside[j])))
        .collect();
    let outside_load = sites.iter().map(|&j| outside[j]).collect();
    Region {
        points,
        sites,
        kept,
        outside_load,
    }
}

/// `plan` with `region` polished anew, or `None` when the region's plan could not be built
/// or polishing found nothing better.
fn polished(
    form: &MinForm,
    plan: &Assignment,
    region: &Region,
    deadline: Instant,
) -> Option<Assignment> {
    let local = region_problem(form, plan, region)?;
    let local_form = MinForm::new(&local);
    let start = Assignment {
        open: region.sites.iter().map(|&j| plan.open[j]).collect(),
        allocations: region
            .points
            .iter()
            .map(|&i| local_allocations(&plan.allocations[i], &region.sites))
            .collect(),
    };
    let before = start.objective_value(&local);
    let unserved = SwapSearch::new(&local_form, &vec![0.0; region.sites.len()])
        .unserved()
        .to_vec();
    let served = large::evaluate(&local_form, &start.open, &unserved, deadline);
    let quiet = Progress::new(false, false);
    let seed = large::SHAKE_SEED;
    let found = large::polish(&local_form, served, deadline, &quiet, seed, REGION_ROUNDS);
    let found = found.candidate;
    if !found.complete || found.assignment.objective_value(&local) >= before {
        return None;
    }
    let found = found.assignment;
    let mut changed = plan.clone();
    for (k, &j) in region.sites.iter().enumerate() {
        changed.open[j] = region.kept[k] || found.open[k];
    }
    for (local_point, &i) in region.points.iter().enumerate() {
        changed.allocations[i] = found.allocations[local_point]
            .iter()
            .map(|a| Allocation {
                site: region.sites[a.site],
                share: a.share,
            })
            .collect();
        changed.allocations[i].sort_by_key(|a| a.site);
    }
    Some(changed)
}

/// A point's allocations with each site numbered as in the region's `sites` (sorted).
fn local_allocations(allocations: &[Allocation], sites: &[usize]) -> Vec<Allocation> {
    allocations
        .iter()
        .filter_map(|a| {
            sites.binary_search(&a.site).ok().map(|site| Allocation {
                site,
                share: a.share,
            })
        })
        .collect()
}

/// The region as a problem of its own: its points, and its sites with the places the rest
/// of the plan leaves them; a site that stays open anyway ([`Region::kept`]) costs nothing
/// to open. `None` when the problem cannot be built.
fn region_problem(form: &MinForm, plan: &Assignment, region: &Region) -> Option<SitingProblem> {
    let problem = form.problem;
    let mut local_site = vec![usize::MAX; plan.open.len()];
    for (k, &j) in region.sites.iter().enumerate() {
        local_site[j] = k;
    }
    let sites = region
        .sites
        .iter()
        .zip(region.kept.iter().zip(&region.outside_load))
        .map(|(&j, (&kept, &outside_load))| {
            let site = &problem.sites()[j];
            Site {
                capacity: site.capacity.map(|c| (c - outside_load).max(0.0)),
                fixed_cost: if kept { 0.0 } else { site.fixed_cost },
                status: SiteStatus::Candidate,
                ..site.clone()
            }
        })
        .collect();
    let demand = region
        .points
        .iter()
        .map(|&i| problem.demand()[i].clone())
        .collect();
    let arcs = region
        .points
        .iter()
        .enumerate()
        .flat_map(|(local, &i)| {
            let local_site = &local_site;
            problem
                .costs()
                .arcs(i)
                .map(move |arc| (local, local_site[arc.site], arc.cost))
        })
        .collect();
    SitingProblem::new(Objective::MinCost, problem.limits(), demand, sites, arcs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::test_problems::{far_off, priced_line};

    /// Two towns 100 km apart, each with villages of 10 pupils at km 0, 1, 2 and 3 from
    /// its start, schools of 20 places (opening 10) at km 0.5 and 2.5, and one of 40
    /// places (opening 30) at km 1.5. A plan with all six schools open, the middle ones
    /// serving villages 1 and 2, costs 2 × (50 + 20) = 140. The best plan keeps the two
    /// small schools of each town (each village 0.5 km away): 2 × (20 + 20) = 80.
    #[test]
    fn regions_close_the_school_that_the_small_ones_make_needless() {
        let mut villages = Vec::new();
        let mut schools = Vec::new();
        for start in [0.0, 100.0] {
            villages.extend((0..4).map(|k| (start + f64::from(k), 10.0)));
            schools.extend([
                (start + 0.5, 20.0, 10.0),
                (start + 2.5, 20.0, 10.0),
                (start + 1.5, 40.0, 30.0),
            ]);
        }
        let problem = priced_line(&villages, &schools, false);
        let form = MinForm::new(&problem);
        assert!(applies(&form));
        let whole = |site| vec![Allocation { site, share: 1.0 }];
        let plan = Assignment {
            open: vec![true; 6],
            allocations: vec![whole(0), whole(2), whole(2), whole(1)]
                .into_iter()
                .chain([whole(3), whole(5), whole(5), whole(4)])
                .collect(),
        };
        assert_eq!(plan.objective_value(&problem), 140.0);
        let progress = Progress::new(false, false);
        let polished = polish(&form, plan, far_off(), &progress);
        assert_eq!(polished.objective_value(&problem), 80.0);
        assert_eq!(polished.open, [true, true, false, true, true, false]);
        let loads = polished.loads(&problem);
        assert!(loads.iter().zip(&schools).all(|(load, s)| *load <= s.1));
        assert!((0..8).all(|i| (polished.served_share(i) - 1.0).abs() < 1e-9));
    }
}
