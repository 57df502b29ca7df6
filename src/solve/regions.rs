//! Polishing a city-sized fixed-charge plan region by region.
//!
//! Above some 20,000 points the large solver cannot afford to polish the whole plan: every
//! trial move is checked by serving all the demand anew. A region of a few neighbouring
//! sites and the people they serve is small enough to solve as a problem of its own, in a
//! second or two, by the same solver: its first plan, polishing by shakes and swaps, and
//! its bound. The rest of the plan stays as it is: sites outside the region that serve
//! people in it keep what they serve and offer only their places left, free of charge,
//! since they stay open anyway. When the region's plan costs less than the region's part
//! of the city's plan, it replaces that part, and the next region follows.
//!
//! On the generated fixed-charge city of 10^5 cells, a region of 6 sites (1,507 cells,
//! 69,541 pairs) solved alone went from 12.12 M to 11.79 M, by closing a site whose people
//! fit elsewhere only once others moved on; its allocation was already the best for its
//! sites.

use super::form::MinForm;
use super::large::{LargeSolver, Role};
use super::progress::Progress;
use super::{SolveOptions, Terminal};
use crate::model::{
    Allocation, Assignment, Method, Objective, Site, SiteStatus, SitingProblem,
};
use std::time::Instant;

/// How many of the plan's open sites a region takes: the centre and those whose people
/// the centre's people reach most.
const REGION_SITES: usize = 6;

/// The time a region's solve may take, at most, in seconds: on the generated 10^5-cell
/// city's regions of 6 sites, polishing found what pays within 1.2 s.
const REGION_SECONDS: f64 = 2.0;

/// A region solved closer than this to its own bound is not worth more time.
const REGION_GAP: f64 = 0.001;

/// Whether `problem` may be polished by regions: fixed charge with everyone served, and
/// no rule that ties sites of different regions together (limits on new sites or budget,
/// sizes on plots, minimum loads).
pub fn applies_to(form: &MinForm) -> bool {
    let problem = form.problem;
    let limits = problem.limits();
    problem.objective() == Objective::MinCost
        && problem.is_capacitated()
        && problem.serves_all()
        && limits.p.is_none()
        && limits.max_new.is_none()
        && limits.budget.is_none()
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
}

/// Polishes `plan` region by region (see the module documentation) until `deadline`,
/// sweeping over its open sites as region centres, each site at most once a sweep as a
/// centre or a member of a region solved; returns the plan, never worse than `plan`.
pub fn polish(
    form: &MinForm,
    mut plan: Assignment,
    deadline: Instant,
    progress: &Progress,
) -> Assignment {
    let problem = form.problem;
    let mut value = plan.objective_value(problem);
    let mut sweep_paid = true;
    while sweep_paid && Instant::now() < deadline {
        sweep_paid = false;
        let mut visited = vec![false; plan.open.len()];
        for centre in 0..plan.open.len() {
            if Instant::now() >= deadline {
                break;
            }
            if !plan.open[centre] || visited[centre] || form.forced[centre] {
                continue;
            }
            let region = region_around(form, &plan, centre);
            for &j in &region.sites {
                visited[j] |= plan.open[j];
            }
            if let Some(better) = solved(form, &plan, &region, deadline) {
                let next = better.objective_value(problem);
                if next < value {
                    plan = better;
                    value = next;
                    progress.plan(value);
                    sweep_paid = true;
                }
            }
        }
    }
    plan
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
    for &i in &points {
        for a in &plan.allocations[i] {
            inside[a.site] += a.share * problem.demand()[i].demand;
        }
    }
    let kept = sites
        .iter()
        .map(|&j| form.forced[j] || (plan.open[j] && (!member[j] || loads[j] > inside[j])))
        .collect();
    Region {
        points,
        sites,
        kept,
    }
}

/// `plan` with `region` solved anew ([`region_problem`]), or `None` when the region's
/// solve found no plan or no time is left.
fn solved(
    form: &MinForm,
    plan: &Assignment,
    region: &Region,
    deadline: Instant,
) -> Option<Assignment> {
    let seconds = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64()
        .min(REGION_SECONDS);
    let options = SolveOptions {
        time_limit: Some(seconds),
        gap: REGION_GAP,
        node_limit: None,
        terminal: Terminal::default(),
        method: Method::Heuristic,
    };
    let local = region_problem(form, plan, region)?;
    let found = LargeSolver
        .solve_as(&local, &options, Role::Start)
        .ok()?
        .solution
        .assignment;
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

/// The region as a problem of its own: its points, and its sites with the places the rest
/// of the plan leaves them; a site that stays open anyway ([`Region::kept`]) costs nothing
/// to open. `None` when the problem cannot be built.
fn region_problem(form: &MinForm, plan: &Assignment, region: &Region) -> Option<SitingProblem> {
    let problem = form.problem;
    let mut local_site = vec![usize::MAX; plan.open.len()];
    for (k, &j) in region.sites.iter().enumerate() {
        local_site[j] = k;
    }
    let mut outside_load = plan.loads(problem);
    for &i in &region.points {
        for a in &plan.allocations[i] {
            outside_load[a.site] -= a.share * problem.demand()[i].demand;
        }
    }
    let sites = region
        .sites
        .iter()
        .zip(&region.kept)
        .map(|(&j, &kept)| {
            let site = &problem.sites()[j];
            Site {
                capacity: site.capacity.map(|c| (c - outside_load[j]).max(0.0)),
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
    SitingProblem::new(
        Objective::MinCost,
        problem.limits(),
        demand,
        sites,
        arcs,
    )
    .ok()
}
