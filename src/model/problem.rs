//! The siting problem: who needs a service, where it can be provided, and what to optimise.

use super::costs::SparseCosts;
use serde::{Deserialize, Serialize};

/// People who need a service, gathered at one point.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    /// Identifier, unique among demand points.
    pub id: String,
    /// What uses up capacity (pupils, patients, households); ≥ 0.
    pub demand: f64,
    /// How much one unit of cost counts for this point in the objective; ≥ 0.
    /// Equals `demand` unless the data says otherwise.
    pub weight: f64,
}

/// Whether a site is already built or may be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteStatus {
    /// A location where a facility may be opened.
    Candidate,
    /// A facility that is already there: always open.
    Existing,
    /// Extra capacity that may be added at an existing facility (e.g. six more classrooms).
    /// It opens like a candidate, at its `fixed_cost`, but is not a new site.
    Expansion,
}

/// A place where a service can be provided.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Identifier, unique among sites.
    pub id: String,
    /// Most demand it can serve; `None` means unlimited.
    pub capacity: Option<f64>,
    /// Cost of opening it (counted by `min_cost`); ≥ 0.
    pub fixed_cost: f64,
    /// Existing sites are always open; candidates may open.
    pub status: SiteStatus,
    /// Least demand it must serve when it opens (a school is not opened for a handful of
    /// pupils); 0 for none.
    pub min_load: f64,
    /// Sites on the same plot are alternatives (the sizes a school may be built in): at most
    /// one of them opens. They share their cost pairs.
    pub plot: Option<usize>,
}

impl SiteStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [SiteStatus; 3] = [
        SiteStatus::Existing,
        SiteStatus::Expansion,
        SiteStatus::Candidate,
    ];

    /// The name an open site of this status has in plans: `existing`, `expanded`, or `new`
    /// for a candidate the plan opens.
    pub fn name(self) -> &'static str {
        match self {
            SiteStatus::Existing => "existing",
            SiteStatus::Expansion => "expanded",
            SiteStatus::Candidate => "new",
        }
    }

    /// The status of an open site named as [`SiteStatus::name`] writes it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.name() == name)
    }
}

impl Site {
    /// Whether the site is always open.
    pub fn is_existing(&self) -> bool {
        self.status == SiteStatus::Existing
    }
}

/// What the plan optimises (see `FORMAT.md` in the benchmark folder for the exact model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Serve all demand; minimise weighted travel cost.
    PMedian,
    /// Serve all demand; minimise fixed costs of open sites plus weighted travel cost.
    MinCost,
    /// Serve as much weighted demand within the radius as possible.
    MaxCoverage,
    /// Serve all demand within the radius with as few open sites as possible.
    MinSites,
}

impl Objective {
    /// The name used in problem files and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Objective::PMedian => "p_median",
            Objective::MinCost => "min_cost",
            Objective::MaxCoverage => "max_coverage",
            Objective::MinSites => "min_sites",
        }
    }

    /// Whether every demand point must be served in full (unless the problem prices
    /// unplaced demand: [`SitingProblem::serves_all`]).
    pub fn serves_all(self) -> bool {
        self != Objective::MaxCoverage
    }

    /// Whether the objective is maximised (its bound is then an upper bound).
    pub fn is_maximised(self) -> bool {
        self == Objective::MaxCoverage
    }
}

/// Which solver a problem goes to; `solve::method_for` says what `auto` picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The exact model for problems of moderate size, the heuristic beyond.
    #[default]
    Auto,
    /// The mixed-integer model solved by HiGHS.
    Exact,
    /// Vertex substitution with a Lagrangian bound.
    Heuristic,
}

impl Method {
    /// Every method, in the order the help lists them.
    pub const ALL: [Method; 3] = [Method::Auto, Method::Exact, Method::Heuristic];

    /// The name used on the command line and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Method::Auto => "auto",
            Method::Exact => "exact",
            Method::Heuristic => "heuristic",
        }
    }
}

/// Limits and switches of a siting problem beyond its tables.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limits {
    /// Exactly this many sites open, existing ones included.
    pub p: Option<usize>,
    /// Each demand point is served by one site only.
    pub single_source: bool,
    /// Largest cost at which a site may serve a demand point.
    pub radius: Option<f64>,
    /// At most this many new sites open (candidates; expansions do not count).
    pub max_new: Option<usize>,
    /// The fixed costs of opened candidates and expansions add up to at most this.
    pub budget: Option<f64>,
    /// Demand may be left unplaced at this price per unit (with `min_cost`): the plan then
    /// weighs building against leaving people without a place, and it always exists.
    pub unplaced_price: Option<f64>,
}

/// Spending counts as within the budget up to this relative excess: sums of fixed costs in a
/// different order differ in their last bits.
const BUDGET_SLACK: f64 = 1e-9;

impl Limits {
    /// Whether `new_sites` new candidates keep within `max_new`.
    pub fn admits_new(&self, new_sites: usize) -> bool {
        self.max_new.is_none_or(|max| new_sites <= max)
    }

    /// Whether spending `spent` on candidates and expansions keeps within the budget.
    pub fn admits_spending(&self, spent: f64) -> bool {
        self.budget
            .is_none_or(|budget| spent <= budget * (1.0 + BUDGET_SLACK))
    }

    /// Whether a plan with `new_sites` new candidates and `spent` in fixed costs keeps within
    /// `max_new` and the budget (`p` is the solvers' business).
    pub fn admits(&self, new_sites: usize, spent: f64) -> bool {
        self.admits_new(new_sites) && self.admits_spending(spent)
    }
}

/// A value of a siting problem that breaks the model's rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// `p` is outside 1..=number of sites.
    #[error("p = {p} is out of range: it must be from 1 to the number of sites ({sites})")]
    POutOfRange {
        /// The value given.
        p: usize,
        /// How many sites there are.
        sites: usize,
    },
    /// Coverage objectives need a radius.
    #[error("objective `{objective}` needs a `radius`: it defines which sites cover which demand")]
    RadiusRequired {
        /// The objective's name.
        objective: &'static str,
    },
    /// The budget is negative or not finite.
    #[error("budget = {budget} must be a finite number of 0 or more")]
    BudgetNegative {
        /// The value given.
        budget: f64,
    },
    /// The radius is zero, negative or not finite.
    #[error("radius = {radius} must be a finite number greater than 0")]
    RadiusNotPositive {
        /// The value given.
        radius: f64,
    },
    /// The price of unplaced demand is not a finite number above 0, or comes with an
    /// objective other than `min_cost`.
    #[error(
        "unplaced_price = {price} needs objective `min_cost` and a finite price greater than 0"
    )]
    UnplacedPrice {
        /// The value given.
        price: f64,
    },
    /// A site's minimum load is negative, not finite, or above its capacity.
    #[error("site `{site}`: min_load = {min_load} must be a finite number from 0 to its capacity")]
    MinLoad {
        /// The site's id.
        site: String,
        /// The value given.
        min_load: f64,
    },
    /// More sites, demand points or pairs than the solvers' 32-bit indices hold.
    #[error(
        "{what}: {count} is more than the {} the solvers can index; split the problem",
        u32::MAX
    )]
    TooLarge {
        /// What there are too many of.
        what: &'static str,
        /// How many there are.
        count: usize,
    },
    /// An existing site shares a plot with others: it is always open, so they never could.
    #[error("site `{site}` exists already, so it cannot be one of the alternatives of a plot")]
    ExistingOnPlot {
        /// The site's id.
        site: String,
    },
}

/// A complete siting problem, checked against the model's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct SitingProblem {
    objective: Objective,
    limits: Limits,
    demand: Vec<DemandPoint>,
    sites: Vec<Site>,
    costs: SparseCosts,
    distances: Option<SparseCosts>,
}

/// The solvers index sites, demand points and pairs with `u32` (half the memory of `usize`
/// on the largest problems); this check makes their narrowing casts safe.
fn check_indexable(what: &'static str, count: usize) -> Result<(), ModelError> {
    match u32::try_from(count) {
        Ok(_) => Ok(()),
        Err(_) => Err(ModelError::TooLarge { what, count }),
    }
}

/// Minimum loads within capacities; no existing site on a shared plot.
fn check_site_rules(sites: &[Site]) -> Result<(), ModelError> {
    for site in sites {
        let most = site.capacity.unwrap_or(f64::INFINITY);
        if !(site.min_load.is_finite() && site.min_load >= 0.0 && site.min_load <= most) {
            return Err(ModelError::MinLoad {
                site: site.id.clone(),
                min_load: site.min_load,
            });
        }
        if site.plot.is_some() && site.is_existing() {
            return Err(ModelError::ExistingOnPlot {
                site: site.id.clone(),
            });
        }
    }
    Ok(())
}

impl SitingProblem {
    /// Builds a problem from its parts; `costs` holds `(demand index, site index, cost)`.
    ///
    /// Pairs beyond the radius are dropped here, once, so that no solver has to know about it.
    ///
    /// # Errors
    /// [`ModelError`] when `p` or `radius` break the model's rules. Table-level checks (ids,
    /// finite non-negative numbers, indices in range, no repeated pair) are the caller's.
    pub fn new(
        objective: Objective,
        limits: Limits,
        demand: Vec<DemandPoint>,
        sites: Vec<Site>,
        costs: Vec<(usize, usize, f64)>,
    ) -> Result<Self, ModelError> {
        if let Some(p) = limits.p {
            if p == 0 || p > sites.len() {
                return Err(ModelError::POutOfRange {
                    p,
                    sites: sites.len(),
                });
            }
        }
        match limits.radius {
            Some(radius) if !(radius.is_finite() && radius > 0.0) => {
                return Err(ModelError::RadiusNotPositive { radius })
            }
            None if matches!(objective, Objective::MaxCoverage | Objective::MinSites) => {
                return Err(ModelError::RadiusRequired {
                    objective: objective.name(),
                })
            }
            _ => {}
        }
        if let Some(budget) = limits.budget {
            if !(budget.is_finite() && budget >= 0.0) {
                return Err(ModelError::BudgetNegative { budget });
            }
        }
        if let Some(price) = limits.unplaced_price {
            if !(price.is_finite() && price > 0.0 && objective == Objective::MinCost) {
                return Err(ModelError::UnplacedPrice { price });
            }
        }
        check_site_rules(&sites)?;
        check_indexable("sites", sites.len())?;
        check_indexable("demand points", demand.len())?;
        check_indexable("pairs", costs.len())?;
        let costs = SparseCosts::from_triples(demand.len(), costs, limits.radius);
        Ok(Self {
            objective,
            limits,
            demand,
            sites,
            costs,
            distances: None,
        })
    }

    /// The same problem with the travel of each pair, when `costs` are prices rather than
    /// travel: reports show travel, solvers optimise costs. The triples cover the same pairs
    /// as the costs.
    pub fn with_distances(mut self, distances: Vec<(usize, usize, f64)>) -> Self {
        self.distances = Some(SparseCosts::from_triples(
            self.demand.len(),
            distances,
            None,
        ));
        self
    }

    /// The travel between a demand point and a site (the cost when no separate travel is
    /// given), if the pair is reachable.
    pub fn distance(&self, demand: usize, site: usize) -> Option<f64> {
        self.distances
            .as_ref()
            .unwrap_or(&self.costs)
            .cost(demand, site)
    }

    /// Whether every demand point must be placed in full.
    pub fn serves_all(&self) -> bool {
        self.objective.serves_all() && self.limits.unplaced_price.is_none()
    }

    /// Whether the problem has rules of the planner-grade model: minimum loads, plots of
    /// alternative sizes, or a price on unplaced demand.
    pub fn has_planner_rules(&self) -> bool {
        self.limits.unplaced_price.is_some()
            || self
                .sites
                .iter()
                .any(|s| s.min_load > 0.0 || s.plot.is_some())
    }

    /// Whether the problem has planner-grade rules only the exact model keeps: those of a
    /// problem with `p` fixed or without capacities. The large-problem solver keeps them
    /// where capacities bind and the number of sites is free (fixed-charge problems).
    pub fn needs_exact(&self) -> bool {
        self.has_planner_rules() && !(self.is_capacitated() && self.limits.p.is_none())
    }

    /// The sites of each plot, plots in order of their first site; a site without a plot is
    /// a plot of its own.
    pub fn plots(&self) -> Vec<Vec<usize>> {
        let mut plots: Vec<Vec<usize>> = Vec::new();
        let mut index_of: std::collections::BTreeMap<usize, usize> = Default::default();
        for (j, site) in self.sites.iter().enumerate() {
            match site.plot {
                Some(plot) => match index_of.get(&plot) {
                    Some(&k) => plots[k].push(j),
                    None => {
                        index_of.insert(plot, plots.len());
                        plots.push(vec![j]);
                    }
                },
                None => plots.push(vec![j]),
            }
        }
        plots
    }

    /// Each site's plot, as an index into `plots` ([`Self::plots`]).
    pub fn plot_of_sites(&self, plots: &[Vec<usize>]) -> Vec<usize> {
        let mut plot_of = vec![0; self.sites.len()];
        for (plot, members) in plots.iter().enumerate() {
            for &j in members {
                plot_of[j] = plot;
            }
        }
        plot_of
    }

    /// The same problem with each demand point's pairs cut to its `k` cheapest.
    ///
    /// Every plan of the restricted problem is a plan of this one, so it is a cheap way to
    /// find good plans; its optimum may be worse, or it may have none.
    pub fn keep_nearest(&self, k: usize) -> Self {
        Self {
            costs: self.costs.keep_nearest(k),
            ..self.clone()
        }
    }

    /// The same problem with no pair to the sites marked in `dropped`: site indices are
    /// unchanged, and a dropped site may still be opened, only it serves nobody.
    pub fn without_sites(&self, dropped: &[bool]) -> Self {
        Self {
            costs: self.costs.without_sites(dropped),
            ..self.clone()
        }
    }

    /// The same problem with every capacity lifted: a relaxation, so its optimum bounds this
    /// problem's, and an optimal plan of it that fits the capacities is optimal here too.
    pub fn without_capacities(&self) -> Self {
        let mut relaxed = self.clone();
        for site in &mut relaxed.sites {
            site.capacity = None;
        }
        relaxed
    }

    /// Serving the demand from the sites marked `open` only, by the shortest total weighted
    /// travel: every site becomes fixed (closed ones with no capacity) and free, so the
    /// problem is an allocation with no siting decision left. Site indices are unchanged.
    pub fn allocation_from(&self, open: &[bool]) -> Self {
        let sites = self
            .sites
            .iter()
            .zip(open)
            .map(|(site, &is_open)| Site {
                capacity: if is_open { site.capacity } else { Some(0.0) },
                fixed_cost: 0.0,
                status: SiteStatus::Existing,
                min_load: 0.0,
                plot: None,
                ..site.clone()
            })
            .collect();
        Self {
            objective: Objective::MinCost,
            limits: Limits {
                single_source: self.limits.single_source,
                radius: self.limits.radius,
                unplaced_price: self.limits.unplaced_price,
                ..Limits::default()
            },
            sites,
            ..self.clone()
        }
    }

    /// What is optimised.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// `p`, single sourcing, radius, new-site and budget limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The demand points, in input order.
    pub fn demand(&self) -> &[DemandPoint] {
        &self.demand
    }

    /// The sites, in input order.
    pub fn sites(&self) -> &[Site] {
        &self.sites
    }

    /// Costs of the pairs that may be assigned (within the radius).
    pub fn costs(&self) -> &SparseCosts {
        &self.costs
    }

    /// Total demand of all points.
    pub fn total_demand(&self) -> f64 {
        self.demand.iter().map(|d| d.demand).sum()
    }

    /// Number of existing (always open) sites.
    pub fn existing_count(&self) -> usize {
        self.sites.iter().filter(|s| s.is_existing()).count()
    }

    /// Whether opening these sites keeps within `max_new` and `budget` (`p` is the solvers'
    /// business: the heuristic keeps it by construction).
    pub fn within_limits(&self, open: &[bool]) -> bool {
        let opened = || {
            self.sites
                .iter()
                .zip(open)
                .filter(|(site, &is_open)| is_open && !site.is_existing())
                .map(|(site, _)| site)
        };
        let new_sites = opened()
            .filter(|site| site.status == SiteStatus::Candidate)
            .count();
        let spent: f64 = opened().map(|site| site.fixed_cost).sum();
        self.limits.admits(new_sites, spent)
    }

    /// Whether any site has a finite capacity.
    pub fn is_capacitated(&self) -> bool {
        self.sites.iter().any(|s| s.capacity.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At most 2 new sites and 100 to spend: 2 sites and 100 exactly are within; a sum that
    /// differs from 100 in its last bits is too; 3 sites or 100.001 are not.
    #[test]
    fn limits_admit_plans_up_to_max_new_and_the_budget() {
        let limits = Limits {
            max_new: Some(2),
            budget: Some(100.0),
            ..Limits::default()
        };
        assert!(limits.admits(2, 100.0));
        assert!(limits.admits(0, 0.1 + 0.2 + 99.7));
        assert!(!limits.admits(3, 10.0));
        assert!(!limits.admits(1, 100.001));
        assert!(Limits::default().admits(1000, 1e12));
    }

    /// 4,294,967,295 pairs fit the solvers' indices; one more is refused, with the count.
    #[test]
    fn more_than_u32_max_items_are_refused_by_name() {
        let most = u32::MAX as usize;
        assert!(check_indexable("pairs", most).is_ok());
        let refused = check_indexable("pairs", most + 1).unwrap_err();
        assert_eq!(
            refused,
            ModelError::TooLarge {
                what: "pairs",
                count: most + 1
            }
        );
        assert!(refused
            .to_string()
            .starts_with("pairs: 4294967296 is more than"));
    }
}
