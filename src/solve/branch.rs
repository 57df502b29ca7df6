//! Branch and bound on sites with Lagrangian bounds, for uncapacitated problems whose bound
//! stops short of the best plan.
//!
//! On p-median graphs with few sites (p = 5 on 900 vertices) the linear relaxation, and so
//! the Lagrangian bound, stays 2 % below the best plan, and HiGHS spent two minutes on the
//! root of even the reduced model. Here each node fixes some sites open or closed and is
//! bounded by the same relaxation (a few dozen subgradient steps from its parent's
//! multipliers, a few milliseconds each); sites the node's relaxation rules out are closed
//! in its children and sites it rules in are opened (a node that must open more than `p`
//! holds no better plan), and the most promising node (least bound) goes first, so the
//! least bound of the open nodes is a proven bound whenever the search stops.

use super::form::MinForm;
use super::heuristic::SwapSearch;
use super::lagrange;
use super::large::{evaluate, plan_from};
use super::progress::Progress;
use crate::model::{Assignment, SitingProblem};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};
use std::time::Instant;

/// Relaxations solved per node, at most.
const NODE_ITERATIONS: usize = 60;

/// A node's step size halves after this many relaxations without a better bound: soon,
/// for its few relaxations start near good multipliers (with 25, the 900-vertex graph with
/// p = 50 was no longer proven optimal in 120 s).
const NODE_PATIENCE: usize = 15;

/// Every this many relaxations at a node, its open sites start a swap search (unless a
/// search started from the same sites before).
const PLAN_EVERY: usize = 20;

/// Whether the search applies: a minimisation without capacities (the plans come from swap
/// searches, which are exact only then), `p` fixed and no limits on new sites or budget.
pub fn applies_to(problem: &SitingProblem) -> bool {
    let limits = problem.limits();
    !problem.is_capacitated()
        && !problem.objective().is_maximised()
        && limits.p.is_some()
        && limits.max_new.is_none()
        && limits.budget.is_none()
}

/// The best plan found and the proven bound, in the form's terms.
pub struct Searched {
    /// The best plan.
    pub plan: Assignment,
    /// Its value.
    pub value: f64,
    /// A lower bound on every plan: the plan's own value when the tree was exhausted.
    pub bound: f64,
}

/// A node: sites fixed open (`Some(true)`) or closed, its parent's bound and multipliers.
struct Node {
    bound: f64,
    order: usize,
    multipliers: Vec<f64>,
    fixed: Vec<Option<bool>>,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Node {}

impl PartialOrd for Node {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Node {
    /// The heap's greatest is the least bound, the earliest made on a tie.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .bound
            .total_cmp(&self.bound)
            .then(other.order.cmp(&self.order))
    }
}

/// Where the search starts: the heuristic's plan and what its bound found.
pub struct Root<'a> {
    /// The best plan known.
    pub plan: Assignment,
    /// Its value.
    pub value: f64,
    /// The multipliers of the root's bound.
    pub multipliers: Vec<f64>,
    /// The root's bound.
    pub bound: f64,
    /// The sites the root ruled out.
    pub closed: &'a [bool],
}

/// When to give up on exhausting the tree.
#[derive(Debug, Clone, Copy)]
pub struct Until {
    /// Stop at this moment …
    pub deadline: Instant,
    /// … or after this many nodes (a limit that stops at the same point on every run).
    pub nodes: Option<u64>,
}

/// Searches `problem` from `root` until the tree is exhausted or `until` says stop,
/// showing the plan and the bound on `progress`.
pub fn search(problem: &SitingProblem, root: Root, until: Until, progress: &Progress) -> Searched {
    let Root {
        plan,
        value,
        multipliers,
        bound,
        closed,
    } = root;
    let deadline = until.deadline;
    let plain = MinForm::new(problem);
    let blind = SwapSearch::new(&plain, &vec![0.0; problem.sites().len()]);
    let mut node_form = plain.clone();
    let mut best = Searched { plan, value, bound };
    let mut heap = BinaryHeap::from([Node {
        bound,
        order: 0,
        multipliers,
        fixed: closed.iter().map(|&c| c.then_some(false)).collect(),
    }]);
    let mut made = 1;
    let mut solved = 0u64;
    // A swap search from sites already searched from would find the same plan again.
    let mut searched = HashSet::new();
    while let Some(node) = heap.peek() {
        if node.bound >= lagrange::cutoff(&plain, best.value) {
            heap.clear();
            break;
        }
        progress.bound(node.bound);
        if Instant::now() >= deadline || until.nodes.is_some_and(|most| solved >= most) {
            break;
        }
        solved += 1;
        let Some(node) = heap.pop() else {
            break;
        };
        if opens_too_many(&plain, &node.fixed) {
            continue;
        }
        fix(&plain, &mut node_form, &node.fixed);
        let found = lagrange::bound(
            &node_form,
            node.multipliers,
            best.value,
            lagrange::Stop {
                gap: 0.0,
                iterations: NODE_ITERATIONS,
                patience: NODE_PATIENCE,
                deadline,
            },
            &mut |step| {
                if step.iteration % PLAN_EVERY != 0 || !searched.insert(step.open.to_vec()) {
                    return None;
                }
                let found = plan_from(&blind, step.open.to_vec(), deadline).candidate;
                (found.complete && found.value < best.value).then(|| {
                    progress.plan(found.value);
                    best.value = found.value;
                    best.plan = found.assignment;
                    found.value
                })
            },
        );
        let node_bound = found.value.max(node.bound);
        if node_bound >= lagrange::cutoff(&plain, best.value) {
            continue;
        }
        let mut fixed = node.fixed;
        for ((choice, &out), &is_in) in fixed.iter_mut().zip(&found.ruled_out).zip(&found.ruled_in)
        {
            if choice.is_none() && (out || is_in) {
                *choice = Some(is_in && !out);
            }
        }
        if opens_too_many(&plain, &fixed) {
            // More sites are ruled in than `p` allows: no better plan fixes these sites.
            continue;
        }
        let Some(site) = branching_site(&found.open, &best.plan.open, &fixed) else {
            // Every site the relaxation opened is fixed open: the node holds that one plan.
            let only = evaluate(&plain, &found.open, blind.unserved(), deadline).candidate;
            if only.complete && only.value < best.value {
                progress.plan(only.value);
                best.value = only.value;
                best.plan = only.assignment;
            }
            continue;
        };
        for choice in [true, false] {
            let mut child = fixed.clone();
            child[site] = Some(choice);
            heap.push(Node {
                bound: node_bound,
                order: made,
                multipliers: found.multipliers.clone(),
                fixed: child,
            });
            made += 1;
        }
    }
    best.bound = heap
        .peek()
        .map_or(best.value, |node| node.bound.min(best.value));
    best
}

/// Sets `form` to the node: sites fixed closed cost too much to open, sites fixed open are
/// forced open.
fn fix(plain: &MinForm, form: &mut MinForm, fixed: &[Option<bool>]) {
    for (j, &f) in fixed.iter().enumerate() {
        form.open_cost[j] = match f {
            Some(false) => f64::INFINITY,
            _ => plain.open_cost[j],
        };
        form.forced[j] = plain.forced[j] || f == Some(true);
    }
}

/// Whether the sites that must open (fixed open, or forced by the problem) are more than
/// `p`: then no plan keeps to the node's fixings.
fn opens_too_many(plain: &MinForm, fixed: &[Option<bool>]) -> bool {
    let must_open = (0..fixed.len())
        .filter(|&j| plain.forced[j] || fixed[j] == Some(true))
        .count();
    plain.problem.limits().p.is_some_and(|p| must_open > p)
}

/// The site to branch on: the first free one where the relaxation and the best plan
/// disagree, else the first free one the relaxation opened. `None` when the relaxation's
/// sites are all fixed: then the node's relaxation is a plan and needs no branching.
fn branching_site(relaxed: &[bool], plan: &[bool], fixed: &[Option<bool>]) -> Option<usize> {
    let free = |j: &usize| fixed[*j].is_none();
    (0..relaxed.len())
        .filter(free)
        .find(|&j| relaxed[j] != plan[j])
        .or_else(|| (0..relaxed.len()).filter(free).find(|&j| relaxed[j]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Allocation;
    use crate::solve::test_problems::school_at_every_village;
    use std::time::Duration;

    /// Two schools among villages at km 0, 2, 4, 6 (10, 20, 30, 50 pupils): the optimum is
    /// 80 (km 2 and km 6, or km 4 and km 6). Started from km 0 and km 2 (c walks 2 km, d
    /// 4 km: 60 + 200 = 260) with no bound at all, the tree must find 80 and prove it.
    #[test]
    fn the_tree_finds_and_proves_the_two_school_optimum_from_a_poor_start() {
        let problem = school_at_every_village(2, None);
        let whole = |site| vec![Allocation { site, share: 1.0 }];
        let start = Assignment {
            open: vec![true, true, false, false],
            allocations: vec![whole(0), whole(1), whole(1), whole(1)],
        };
        assert_eq!(start.objective_value(&problem), 260.0);
        let deadline = Instant::now() + Duration::from_secs(10);
        let root = Root {
            plan: start,
            value: 260.0,
            multipliers: vec![0.0; 4],
            bound: 0.0,
            closed: &[false; 4],
        };
        let until = Until {
            deadline,
            nodes: None,
        };
        let found = search(&problem, root, until, &Progress::new(false, false));
        assert_eq!(found.value, 80.0);
        assert_eq!(found.plan.objective_value(&problem), 80.0);
        assert_eq!(found.bound, 80.0);
    }

    #[test]
    fn a_node_fixing_more_sites_open_than_p_holds_no_plan() {
        let problem = school_at_every_village(2, None);
        let plain = MinForm::new(&problem);
        let open = Some(true);
        assert!(!opens_too_many(&plain, &[open, open, Some(false), None]));
        assert!(opens_too_many(&plain, &[open, open, None, open]));
    }

    #[test]
    fn branching_prefers_a_free_site_where_relaxation_and_plan_disagree() {
        let relaxed = [true, true, false, false];
        let plan = [true, false, true, false];
        assert_eq!(
            branching_site(&relaxed, &plan, &[None; 4]),
            Some(1),
            "site 1 is open in the relaxation only"
        );
        let fixed = [None, Some(true), Some(false), None];
        assert_eq!(branching_site(&relaxed, &plan, &fixed), Some(0));
        assert_eq!(
            branching_site(&relaxed, &relaxed, &[Some(true), Some(true), None, None]),
            None,
            "the relaxation's sites are all fixed and the plan agrees on the free ones"
        );
    }
}
