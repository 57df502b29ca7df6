//! Sparse travel costs between demand points and sites.

/// One reachable (demand point, site) pair: the site's index and the travel cost to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arc {
    /// Index of the site in [`crate::model::SitingProblem::sites`].
    pub site: usize,
    /// Travel cost in the problem's unit (metres, minutes, money).
    pub cost: f64,
}

/// Travel costs stored by demand point, only for pairs that can be assigned.
///
/// Memory is linear in the number of pairs kept: a pair that is absent cannot be assigned.
/// Each demand point's arcs are sorted by cost, then by site index, so "the nearest site"
/// is always the first arc and ties break the same way on every run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseCosts {
    offsets: Vec<usize>,
    sites: Vec<u32>,
    costs: Vec<f64>,
}

impl SparseCosts {
    /// Builds the table from `(demand index, site index, cost)` triples.
    ///
    /// Pairs whose cost exceeds `radius` are dropped, because the model forbids them.
    /// The caller guarantees that indices are in range and that no pair repeats.
    pub fn from_triples(
        demand_count: usize,
        mut triples: Vec<(usize, usize, f64)>,
        radius: Option<f64>,
    ) -> Self {
        if let Some(limit) = radius {
            triples.retain(|&(_, _, cost)| cost <= limit);
        }
        triples.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.total_cmp(&b.2)).then(a.1.cmp(&b.1)));
        let mut offsets = vec![0; demand_count + 1];
        for &(demand, _, _) in &triples {
            offsets[demand + 1] += 1;
        }
        for i in 0..demand_count {
            offsets[i + 1] += offsets[i];
        }
        Self {
            offsets,
            // Site indices fit: `SitingProblem::new` checks the number of sites.
            sites: triples.iter().map(|t| t.1 as u32).collect(),
            costs: triples.iter().map(|t| t.2).collect(),
        }
    }

    /// Number of demand points the table covers.
    pub fn demand_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of (demand point, site) pairs kept.
    pub fn pair_count(&self) -> usize {
        self.sites.len()
    }

    /// Where demand point `demand`'s arcs sit in [`Self::arc_sites`] and [`Self::arc_costs`].
    pub fn arc_range(&self, demand: usize) -> std::ops::Range<usize> {
        self.offsets[demand]..self.offsets[demand + 1]
    }

    /// The site of every arc, point after point, each point's nearest first.
    pub fn arc_sites(&self) -> &[u32] {
        &self.sites
    }

    /// The cost of every arc, in the order of [`Self::arc_sites`].
    pub fn arc_costs(&self) -> &[f64] {
        &self.costs
    }

    /// The arcs of demand point `demand`, nearest first.
    pub fn arcs(&self, demand: usize) -> impl ExactSizeIterator<Item = Arc> + '_ {
        let range = self.offsets[demand]..self.offsets[demand + 1];
        self.sites[range.clone()]
            .iter()
            .zip(&self.costs[range])
            .map(|(&site, &cost)| Arc {
                site: site as usize,
                cost,
            })
    }

    /// The table with each demand point's arcs cut to its `k` cheapest.
    pub fn keep_nearest(&self, k: usize) -> Self {
        self.filtered(|rank, _| rank < k)
    }

    /// The table without the arcs to the sites marked in `dropped`.
    pub fn without_sites(&self, dropped: &[bool]) -> Self {
        self.filtered(|_, site| !dropped[site])
    }

    /// The arcs for which `keep(rank among the point's arcs, site)` holds, in the same order.
    fn filtered(&self, keep: impl Fn(usize, usize) -> bool) -> Self {
        let mut kept = Self {
            offsets: vec![0],
            sites: Vec::new(),
            costs: Vec::new(),
        };
        for demand in 0..self.demand_count() {
            for (rank, arc) in self.arc_range(demand).enumerate() {
                if keep(rank, self.sites[arc] as usize) {
                    kept.sites.push(self.sites[arc]);
                    kept.costs.push(self.costs[arc]);
                }
            }
            kept.offsets.push(kept.sites.len());
        }
        kept
    }

    /// The index of the arc from `demand` to `site`, if the pair is reachable.
    pub fn arc_of(&self, demand: usize, site: usize) -> Option<usize> {
        self.arc_range(demand)
            .find(|&arc| self.sites[arc] as usize == site)
    }

    /// The cost of serving `demand` from `site`, if the pair is reachable.
    pub fn cost(&self, demand: usize, site: usize) -> Option<f64> {
        self.arc_of(demand, site).map(|arc| self.costs[arc])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arcs_are_sorted_by_cost_then_site_and_radius_drops_far_pairs() {
        let costs = SparseCosts::from_triples(
            2,
            vec![
                (0, 2, 5.0),
                (0, 0, 3.0),
                (0, 1, 3.0),
                (1, 0, 9.0),
                (1, 1, 1.0),
            ],
            Some(8.0),
        );
        let first: Vec<_> = costs.arcs(0).map(|a| (a.site, a.cost)).collect();
        assert_eq!(first, vec![(0, 3.0), (1, 3.0), (2, 5.0)]);
        let second: Vec<_> = costs.arcs(1).map(|a| a.site).collect();
        assert_eq!(second, vec![1]);
        assert_eq!(costs.pair_count(), 4);
        assert_eq!(costs.cost(1, 0), None);
        assert_eq!(costs.cost(0, 2), Some(5.0));
    }

    #[test]
    fn a_demand_point_without_pairs_has_no_arcs() {
        let costs = SparseCosts::from_triples(3, vec![(2, 0, 1.0)], None);
        assert_eq!(costs.demand_count(), 3);
        assert_eq!(costs.arcs(0).len(), 0);
        assert_eq!(costs.arcs(1).len(), 0);
        assert_eq!(costs.arcs(2).len(), 1);
    }

    #[test]
    fn keep_nearest_keeps_the_cheapest_arcs_of_each_point() {
        let costs = SparseCosts::from_triples(
            2,
            vec![(0, 2, 5.0), (0, 0, 3.0), (0, 1, 4.0), (1, 1, 1.0)],
            None,
        );
        let kept = costs.keep_nearest(2);
        let first: Vec<_> = kept.arcs(0).map(|a| a.site).collect();
        assert_eq!(first, vec![0, 1]);
        assert_eq!(kept.arcs(1).len(), 1);
        assert_eq!(kept.pair_count(), 3);
    }

    #[test]
    fn without_sites_drops_only_the_arcs_to_those_sites() {
        let costs = SparseCosts::from_triples(
            2,
            vec![(0, 2, 5.0), (0, 0, 3.0), (0, 1, 4.0), (1, 1, 1.0)],
            None,
        );
        let kept = costs.without_sites(&[false, true, false]);
        let first: Vec<_> = kept.arcs(0).map(|a| (a.site, a.cost)).collect();
        assert_eq!(first, vec![(0, 3.0), (2, 5.0)]);
        assert_eq!(kept.arcs(1).len(), 0);
        assert_eq!(kept.pair_count(), 2);
    }
}
