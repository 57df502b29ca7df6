//! Every objective restated as one minimisation over the sparse arcs, the form the
//! Lagrangian bound and the large-instance heuristic both work on.
//!
//! Serving point `i` wholly from site `j` costs `arc_cost` (weight × travel for `p_median`
//! and `min_cost`, nothing for the covering objectives); opening `j` costs `open_cost`
//! (its fixed cost for `min_cost`, 1 for `min_sites`, nothing otherwise); for `max_coverage`
//! leaving `i` unserved costs its weight, so the minimum is the weight left uncovered and
//! the model's objective is the total weight less that.

use crate::model::{Assignment, Objective, SitingProblem};
use crate::solve::tolerance;

/// Arcs grouped by site: for site `j`, `points[offsets[j]..offsets[j + 1]]` are the points
/// it can serve, `arcs[..]` the matching arc indices of the problem's cost table and
/// `costs[..]` their costs in the form. The costs are kept in site order too because the
/// bound reads them once per site and relaxation: read through the arc indices, the
/// scattered reads made a relaxation of the 10^5-cell city cost about twice the time.
#[derive(Debug, Clone)]
pub struct BySite {
    offsets: Vec<usize>,
    points: Vec<u32>,
    arcs: Vec<u32>,
    costs: Vec<f64>,
}

impl BySite {
    fn new(problem: &SitingProblem, arc_cost: &[f64]) -> Self {
        let sites = problem.costs().arc_sites();
        let mut offsets = vec![0usize; problem.sites().len() + 1];
        for &j in sites {
            offsets[j as usize + 1] += 1;
        }
        for j in 0..problem.sites().len() {
            offsets[j + 1] += offsets[j];
        }
        let mut next = offsets.clone();
        let mut points = vec![0u32; sites.len()];
        let mut arcs = vec![0u32; sites.len()];
        for i in 0..problem.demand().len() {
            for arc in problem.costs().arc_range(i) {
                let slot = &mut next[sites[arc] as usize];
                // Both fit: `SitingProblem::new` checks the numbers of points and pairs.
                points[*slot] = i as u32;
                arcs[*slot] = arc as u32;
                *slot += 1;
            }
        }
        let costs = arcs.iter().map(|&arc| arc_cost[arc as usize]).collect();
        Self {
            offsets,
            points,
            arcs,
            costs,
        }
    }

    /// The (point, arc) pairs of site `j`, points in increasing order.
    pub fn of(&self, j: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let range = self.offsets[j]..self.offsets[j + 1];
        self.points[range.clone()]
            .iter()
            .zip(&self.arcs[range])
            .map(|(&i, &arc)| (i as usize, arc as usize))
    }

    /// The (point, cost in the form) pairs of site `j`, points in increasing order.
    pub fn costs_of(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + Clone + '_ {
        let range = self.offsets[j]..self.offsets[j + 1];
        self.points[range.clone()]
            .iter()
            .zip(&self.costs[range])
            .map(|(&i, &cost)| (i as usize, cost))
    }
}

/// A siting problem as a minimisation over arcs; see the module documentation.
#[derive(Debug, Clone)]
pub struct MinForm<'a> {
    /// The problem restated.
    pub problem: &'a SitingProblem,
    /// Cost of serving a point wholly over each arc, indexed like the problem's arcs.
    pub arc_cost: Vec<f64>,
    /// Cost of opening each site.
    pub open_cost: Vec<f64>,
    /// Each point's cost when left unserved (wholly): its weight for `max_coverage`, its
    /// demand at the unplaced price for `min_cost` with one; `None` when all must be served.
    pub unserved_cost: Option<Vec<f64>>,
    /// Sites that are open whatever the plan (existing ones).
    pub forced: Vec<bool>,
    /// Each point's demand, the room it takes at a site, in one compact list: the points'
    /// own records are large, and a relaxation reads a point's demand once for every site
    /// in its reach (on the 10^5-cell fixed-charge city, the smoothed climb took 18 % more
    /// steps a stage reading it here).
    pub need: Vec<f64>,
    /// The arcs seen from the sites.
    pub by_site: BySite,
    /// Each site's plot: the index in [`Self::plots`].
    plot_of: Vec<usize>,
    /// The sites of each plot ([`SitingProblem::plots`]): at most one of them opens.
    plots: Vec<Vec<usize>>,
    /// See [`Self::has_integral_optimum`].
    integral: bool,
    /// Whether the bound's knapsacks take points wholly: see [`whole_knapsacks`].
    pub whole_knapsacks: bool,
}

/// Above this many cells in the knapsacks' tables (the points a site can serve times its
/// places plus one, summed over the sites), single-source knapsacks are solved with shares:
/// Holmberg's largest instances (200 customers, 30 sites) need about 4 million, a
/// single-source city of 10^4 cells and 10^3 sites about 200 million per relaxation.
const WHOLE_KNAPSACK_CELLS: usize = 20_000_000;

/// Whether the bound of a single-source problem can take each site's points wholly (a 0-1
/// knapsack solved exactly, [`crate::solve::lagrange`]), which tightens it: demands and
/// capacities whole numbers, and the tables within [`WHOLE_KNAPSACK_CELLS`]. On Holmberg's
/// instance p30 the heuristic's bound rose from 11,100 to 11,120 (the optimum is 11,331).
fn whole_knapsacks(problem: &SitingProblem, by_site: &BySite) -> bool {
    let whole_people = problem.demand().iter().all(|d| d.demand.fract() == 0.0);
    if !(problem.limits().single_source && problem.is_capacitated() && whole_people) {
        return false;
    }
    let mut cells = 0usize;
    for (j, site) in problem.sites().iter().enumerate() {
        let Some(room) = site.capacity else { continue };
        if room.fract() != 0.0 || room > WHOLE_KNAPSACK_CELLS as f64 {
            return false;
        }
        let points = by_site.offsets[j + 1] - by_site.offsets[j];
        cells = cells.saturating_add(points.saturating_mul(room as usize + 1));
    }
    cells <= WHOLE_KNAPSACK_CELLS
}

impl<'a> MinForm<'a> {
    /// Restates `problem`.
    pub fn new(problem: &'a SitingProblem) -> Self {
        let objective = problem.objective();
        let costs = problem.costs();
        let mut arc_cost = vec![0.0; costs.pair_count()];
        if matches!(objective, Objective::PMedian | Objective::MinCost) {
            for (i, point) in problem.demand().iter().enumerate() {
                for arc in costs.arc_range(i) {
                    arc_cost[arc] = point.weight * costs.arc_costs()[arc];
                }
            }
        }
        let open_cost: Vec<f64> = problem
            .sites()
            .iter()
            .map(|site| match objective {
                Objective::MinCost => site.fixed_cost,
                Objective::MinSites => 1.0,
                Objective::PMedian | Objective::MaxCoverage => 0.0,
            })
            .collect();
        let unserved_cost: Option<Vec<f64>> = match (objective, problem.limits().unplaced_price) {
            (Objective::MaxCoverage, _) => {
                Some(problem.demand().iter().map(|d| d.weight).collect())
            }
            (_, Some(price)) => Some(problem.demand().iter().map(|d| price * d.demand).collect()),
            _ => None,
        };
        let whole = |v: &f64| v.fract() == 0.0;
        let no_split = !problem.is_capacitated() || problem.limits().single_source;
        let integral = no_split
            && arc_cost.iter().all(whole)
            && open_cost.iter().all(whole)
            && unserved_cost.iter().flatten().all(whole);
        let by_site = BySite::new(problem, &arc_cost);
        let whole_knapsacks = whole_knapsacks(problem, &by_site);
        let plots = problem.plots();
        let plot_of = problem.plot_of_sites(&plots);
        Self {
            problem,
            arc_cost,
            open_cost,
            unserved_cost,
            forced: problem.sites().iter().map(|s| s.is_existing()).collect(),
            need: problem.demand().iter().map(|d| d.demand).collect(),
            by_site,
            plot_of,
            plots,
            integral,
            whole_knapsacks,
        }
    }

    /// The other sizes of site `j`'s plot: the sites that may not open beside it.
    pub fn plot_mates(&self, j: usize) -> impl Iterator<Item = usize> + '_ {
        self.plots[self.plot_of[j]]
            .iter()
            .copied()
            .filter(move |&k| k != j)
    }

    /// Whether a site of `j`'s plot other than `j` and `leaving` is open in `open`, so that
    /// `j` may not open (`leaving` being a site about to close).
    pub fn plot_taken(&self, open: &[bool], j: usize, leaving: Option<usize>) -> bool {
        self.plot_mates(j).any(|k| open[k] && Some(k) != leaving)
    }

    /// Marks each plot's largest size (by capacity, the first of equals; unlimited counts
    /// as largest) and every site without other sizes.
    pub fn largest_sizes(&self) -> Vec<bool> {
        let mut largest = vec![false; self.problem.sites().len()];
        for sites in &self.plots {
            let biggest = sites.iter().copied().reduce(|best, j| {
                match self.capacity(j) > self.capacity(best) {
                    true => j,
                    false => best,
                }
            });
            if let Some(j) = biggest {
                largest[j] = true;
            }
        }
        largest
    }

    /// Whether some plot has several sizes, or some site a minimum load: rules the
    /// large-problem solver keeps by checking its plans ([`Self::keeps_site_rules`]).
    pub fn has_site_rules(&self) -> bool {
        self.plots.len() < self.problem.sites().len()
            || self.problem.sites().iter().any(|s| s.min_load > 0.0)
    }

    /// What leaving all of point `i` unplaced costs; infinite when it must be placed.
    pub fn unplaced_cost(&self, i: usize) -> f64 {
        self.unserved_cost
            .as_ref()
            .map_or(f64::INFINITY, |costs| costs[i])
    }

    /// Site `j`'s minimum load when open.
    pub fn min_load(&self, j: usize) -> f64 {
        self.problem.sites()[j].min_load
    }

    /// Whether `assignment` opens at most one size of each plot and serves at least its
    /// minimum load at every open site.
    pub fn keeps_site_rules(&self, assignment: &Assignment) -> bool {
        let one_size = self
            .plots
            .iter()
            .all(|sites| sites.iter().filter(|&&j| assignment.open[j]).count() <= 1);
        if !one_size {
            return false;
        }
        let loads = assignment.loads(self.problem);
        (0..loads.len()).all(|j| {
            !assignment.open[j]
                || loads[j] + tolerance::CAPACITY * self.min_load(j).max(1.0) >= self.min_load(j)
        })
    }

    /// The model's objective for a value of this form, and the other way round (the map is
    /// its own inverse).
    pub fn objective_of(&self, value: f64) -> f64 {
        match self.problem.objective() {
            Objective::MaxCoverage => self.total_unserved_cost() - value,
            _ => value,
        }
    }

    fn total_unserved_cost(&self) -> f64 {
        self.unserved_cost.iter().flatten().sum()
    }

    /// Site `j`'s capacity, infinite when it has none.
    pub fn capacity(&self, j: usize) -> f64 {
        self.problem.sites()[j].capacity.unwrap_or(f64::INFINITY)
    }

    /// Whether every optimal value is a whole number, so a bound may be rounded up: integer
    /// costs and no shares of a point split between sites.
    pub fn has_integral_optimum(&self) -> bool {
        self.integral
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Limits, SiteStatus};
    use crate::solve::test_problems::villages_on_a_line;

    /// S2 at km 3 is 3, 1, 1 and 3 km from villages a, b, c, d (10, 20, 30, 50 pupils):
    /// each trip weighted by the village's pupils.
    #[test]
    fn a_site_lists_its_points_with_their_weighted_trips() {
        let problem = villages_on_a_line(
            Limits::default(),
            &[
                (0.0, None, SiteStatus::Candidate),
                (3.0, None, SiteStatus::Candidate),
            ],
        );
        let form = MinForm::new(&problem);
        let seen: Vec<(usize, f64)> = form.by_site.costs_of(1).collect();
        assert_eq!(seen, [(0, 30.0), (1, 20.0), (2, 30.0), (3, 150.0)]);
        let through_arcs: Vec<(usize, f64)> = form
            .by_site
            .of(1)
            .map(|(i, arc)| (i, form.arc_cost[arc]))
            .collect();
        assert_eq!(seen, through_arcs);
    }
}
