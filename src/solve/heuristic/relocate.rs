//! Moving each open site to the best place for the people it serves (Cooper's alternation
//! of location and allocation).
//!
//! Priced swaps judge a site by prices that hold only for the plan they came from; once
//! capacities bind, the people a site serves are decided by its neighbours as much as by
//! itself. Here the allocation is held fixed and each open site is replaced by the closed
//! site that would serve exactly its people (by the shares allocated) at the least cost,
//! with room for them and in reach of every one. The caller re-serves everyone and keeps
//! the result only if it is better.

use crate::model::Assignment;
use crate::solve::form::MinForm;
use crate::solve::tolerance::IMPROVEMENT;
use rayon::prelude::*;

/// A move of one open site to a closed one, and what it saves with the allocation held.
#[derive(Debug, Clone, Copy)]
struct Relocation {
    from: usize,
    to: usize,
    saving: f64,
}

/// The open sites after moving every site whose people are served more cheaply from a
/// closed site; `None` when no move saves anything. Existing sites stay. When two sites
/// would move to the same place, the larger saving wins.
pub fn relocate(form: &MinForm, assignment: &Assignment) -> Option<Vec<bool>> {
    let open = &assignment.open;
    let mut members: Vec<Vec<(usize, f64)>> = vec![Vec::new(); open.len()];
    for (i, allocations) in assignment.allocations.iter().enumerate() {
        for a in allocations {
            members[a.site].push((i, a.share));
        }
    }
    let mut moves: Vec<Relocation> = (0..open.len())
        .into_par_iter()
        .filter(|&r| open[r] && !form.forced[r] && !members[r].is_empty())
        .map_init(
            || (vec![(0.0, 0usize); open.len()], Vec::new()),
            |(scratch, touched), r| best_place(form, open, r, &members[r], scratch, touched),
        )
        .flatten()
        .collect();
    moves.sort_by(|a, b| b.saving.total_cmp(&a.saving).then(a.from.cmp(&b.from)));
    let mut moved = open.clone();
    let mut any = false;
    for m in moves {
        if moved[m.to] {
            continue;
        }
        moved[m.from] = false;
        moved[m.to] = true;
        any = true;
    }
    any.then_some(moved)
}

/// The closed site that serves `people` (point, share) of open site `r` most cheaply, if it
/// beats `r`. `scratch` (cost, points in reach) and `touched` are zero and empty on entry
/// and exit.
fn best_place(
    form: &MinForm,
    open: &[bool],
    r: usize,
    people: &[(usize, f64)],
    scratch: &mut [(f64, usize)],
    touched: &mut Vec<usize>,
) -> Option<Relocation> {
    let costs = form.problem.costs();
    let sites = costs.arc_sites();
    let demand = form.problem.demand();
    let mut load = 0.0;
    for &(i, share) in people {
        load += share * demand[i].demand;
        for arc in costs.arc_range(i) {
            let j = sites[arc] as usize;
            if j != r && open[j] {
                continue;
            }
            if scratch[j].1 == 0 {
                touched.push(j);
            }
            scratch[j].0 += share * form.arc_cost[arc];
            scratch[j].1 += 1;
        }
    }
    let total = |j: usize| scratch[j].0 + form.open_cost[j];
    let current = total(r);
    let mut best: Option<Relocation> = None;
    for &j in touched.iter() {
        let fits = scratch[j].1 == people.len() && form.capacity(j) >= load;
        let saving = current - total(j);
        if j != r && fits && saving > IMPROVEMENT * current.abs().max(1.0) {
            let better = best.is_none_or(|b| saving > b.saving || (saving == b.saving && j < b.to));
            if better {
                best = Some(Relocation {
                    from: r,
                    to: j,
                    saving,
                });
            }
        }
    }
    for &j in touched.iter() {
        scratch[j] = (0.0, 0);
    }
    touched.clear();
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Allocation;
    use crate::solve::test_problems::school_at_every_village;

    fn whole(site: usize) -> Vec<Allocation> {
        vec![Allocation { site, share: 1.0 }]
    }

    /// Villages at km 0, 2, 4, 6 with 10, 20, 30, 50 pupils. One school at km 0 serving all:
    /// 20·2 + 30·4 + 50·6 = 460; at km 4 the same pupils cost 10·4 + 20·2 + 50·2 = 180, the
    /// least of the four places (km 2: 280, km 6: 200).
    #[test]
    fn a_site_moves_to_where_its_people_are_served_cheapest() {
        let problem = school_at_every_village(1, None);
        let form = MinForm::new(&problem);
        let plan = Assignment {
            open: vec![true, false, false, false],
            allocations: vec![whole(0); 4],
        };
        assert_eq!(
            relocate(&form, &plan),
            Some(vec![false, false, true, false])
        );
    }

    /// The same plan with 100 places at each school: none has room for the 110 pupils the
    /// km 0 school serves, so it stays where it is, though km 4 would be cheaper.
    #[test]
    fn a_site_never_moves_where_its_people_do_not_fit() {
        let problem = school_at_every_village(1, Some(100.0));
        let form = MinForm::new(&problem);
        let plan = Assignment {
            open: vec![true, false, false, false],
            allocations: vec![whole(0); 4],
        };
        assert_eq!(relocate(&form, &plan), None);
    }
}
