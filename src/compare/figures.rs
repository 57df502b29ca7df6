//! The indicators of one plan, per service: for everyone, registered (hukou) and non-hukou
//! residents, and per district; and what the plan builds.

use super::read::{PlanTables, PointRow, SiteRow};
use crate::model::SiteStatus;

/// Whose demand an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Every resident.
    All,
    /// Registered (hukou) residents.
    Hukou,
    /// Residents without local hukou.
    NonHukou,
}

impl Group {
    /// The three groups in report order.
    pub const ALL: [Group; 3] = [Group::All, Group::Hukou, Group::NonHukou];

    /// Its name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Group::All => "all",
            Group::Hukou => "hukou",
            Group::NonHukou => "non_hukou",
        }
    }

    /// This group's part of a point's figure by group (demand, placed, within standard).
    fn part_of(self, figure: [f64; 2]) -> f64 {
        match self {
            Group::All => figure[0] + figure[1],
            Group::Hukou => figure[0],
            Group::NonHukou => figure[1],
        }
    }
}

/// Demand, service and travel of one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Access {
    /// Demand (pupils, residents, housing units).
    pub demand: f64,
    /// Demand served within the standard's radius.
    pub served: f64,
    /// Demand placed at a site, within the standard or beyond it.
    pub placed: f64,
    /// Travel to the site serving most of each point, weighted by the demand placed:
    /// `(travel, weight)` sorted by travel.
    pub travel: Vec<(f64, f64)>,
}

impl Access {
    fn of<'a>(group: Group, points: impl Iterator<Item = &'a PointRow>) -> Self {
        let mut access = Access::default();
        for point in points {
            let placed = group.part_of(point.placed);
            access.demand += group.part_of(point.demand);
            access.served += group.part_of(point.within);
            access.placed += placed;
            if let (Some(travel), true) = (point.travel, placed > 0.0) {
                access.travel.push((travel, placed));
            }
        }
        access
            .travel
            .sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        access
    }

    /// Demand without a place within the standard (beyond it, or without any place).
    pub fn unmet(&self) -> f64 {
        (self.demand - self.served).max(0.0)
    }

    /// Demand without any place.
    pub fn unplaced(&self) -> f64 {
        (self.demand - self.placed).max(0.0)
    }

    /// Share of the demand served, when there is demand.
    pub fn served_share(&self) -> Option<f64> {
        (self.demand > 0.0).then(|| self.served / self.demand)
    }

    /// Mean travel of the demand placed.
    pub fn mean_travel(&self) -> Option<f64> {
        let weight: f64 = self.travel.iter().map(|t| t.1).sum();
        (weight > 0.0).then(|| self.travel.iter().map(|t| t.0 * t.1).sum::<f64>() / weight)
    }

    /// The travel that 95 % of the demand placed does not exceed: the smallest travel at
    /// which the served demand travelling that far or less reaches 95 % of it.
    pub fn p95_travel(&self) -> Option<f64> {
        let weight: f64 = self.travel.iter().map(|t| t.1).sum();
        let mut reached = 0.0;
        for &(travel, w) in &self.travel {
            reached += w;
            if reached >= 0.95 * weight * (1.0 - 1e-12) {
                return Some(travel);
            }
        }
        None
    }
}

/// What a plan builds for one service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Building {
    /// New sites opened.
    pub new_sites: usize,
    /// Existing facilities enlarged.
    pub expanded_sites: usize,
    /// Existing facilities kept.
    pub existing_sites: usize,
    /// Places added: the capacity of new sites and of expansions.
    pub added_capacity: f64,
    /// Cost of the new sites and expansions.
    pub cost: f64,
    /// Demand served over places, over all open sites with a capacity.
    pub utilisation: Option<f64>,
}

impl Building {
    fn of<'a>(sites: impl Iterator<Item = &'a SiteRow>) -> Self {
        let mut building = Building::default();
        let (mut load, mut places) = (0.0, 0.0);
        for site in sites {
            match site.status {
                SiteStatus::Candidate => building.new_sites += 1,
                SiteStatus::Expansion => building.expanded_sites += 1,
                SiteStatus::Existing => building.existing_sites += 1,
            }
            if site.status != SiteStatus::Existing {
                building.added_capacity += site.capacity.unwrap_or(0.0);
                building.cost += site.fixed_cost;
            }
            if let Some(capacity) = site.capacity {
                load += site.load;
                places += capacity;
            }
        }
        building.utilisation = (places > 0.0).then(|| load / places);
        building
    }
}

/// One service of one plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFigures {
    /// Service name.
    pub service: String,
    /// What a unit of demand is.
    pub unit: String,
    /// The plan's status for this service.
    pub status: String,
    /// Access of everyone, hukou and non-hukou residents ([`Group::ALL`] order).
    pub access: [Access; 3],
    /// The same per district, in the order districts first appear.
    pub districts: Vec<(String, [Access; 3])>,
    /// What the plan builds.
    pub building: Building,
}

/// Every service of one plan, under the name it is compared by.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFigures {
    /// Short name (the folder or scenario file name).
    pub name: String,
    /// The scenario's title.
    pub title: String,
    /// `de_facto` or `hukou`.
    pub basis: String,
    /// Travel unit: `m` or `min`.
    pub travel_unit: &'static str,
    /// One entry per service of the plan.
    pub services: Vec<ServiceFigures>,
}

impl PlanFigures {
    /// The figures of `tables`, compared under `name`.
    pub fn new(name: &str, tables: &PlanTables) -> Self {
        let services = tables
            .services
            .iter()
            .map(|entry| {
                let points: Vec<&PointRow> = tables
                    .points
                    .iter()
                    .filter(|p| p.service == entry.name)
                    .collect();
                ServiceFigures {
                    service: entry.name.clone(),
                    unit: entry.unit.clone(),
                    status: entry.status.clone(),
                    access: by_group(&points),
                    districts: by_district(&points),
                    building: Building::of(tables.sites.iter().filter(|s| s.service == entry.name)),
                }
            })
            .collect();
        PlanFigures {
            name: name.to_owned(),
            title: tables.title.clone(),
            basis: tables.basis.clone(),
            travel_unit: tables.travel_unit,
            services,
        }
    }

    /// The figures of one service, if the plan has it.
    pub fn service(&self, name: &str) -> Option<&ServiceFigures> {
        self.services.iter().find(|s| s.service == name)
    }
}

fn by_group(points: &[&PointRow]) -> [Access; 3] {
    Group::ALL.map(|group| Access::of(group, points.iter().copied()))
}

fn by_district(points: &[&PointRow]) -> Vec<(String, [Access; 3])> {
    super::first_appearances(points.iter().map(|p| p.district.as_str()))
        .into_iter()
        .map(|name| {
            let inside: Vec<&PointRow> = points
                .iter()
                .copied()
                .filter(|p| p.district == name)
                .collect();
            (name.to_owned(), by_group(&inside))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point of which `served_share` is placed, all within the standard.
    fn point(demand: [f64; 2], served_share: f64, travel: Option<f64>) -> PointRow {
        PointRow {
            service: "s".into(),
            district: "d".into(),
            location: [0.0, 0.0],
            demand,
            served_share,
            placed: demand.map(|d| d * served_share),
            within: demand.map(|d| d * served_share),
            travel,
        }
    }

    /// Served demand 10 at 100 m, 30 at 200 m, 60 at 400 m: mean 10·100 + 30·200 + 60·400
    /// over 100 = 310 m; 95 % of 100 is first reached at 400 m; 40 of 100 non-hukou unmet.
    #[test]
    fn access_weights_travel_by_the_demand_served() {
        let points = [
            point([10.0, 0.0], 1.0, Some(100.0)),
            point([0.0, 30.0], 1.0, Some(200.0)),
            point([20.0, 80.0], 0.6, Some(400.0)),
        ];
        let refs: Vec<&PointRow> = points.iter().collect();
        let [all, hukou, non_hukou] = by_group(&refs);
        assert_eq!(all.demand, 140.0);
        assert!((all.served - 100.0).abs() < 1e-9);
        assert_eq!(all.mean_travel(), Some(310.0));
        assert_eq!(all.p95_travel(), Some(400.0));
        assert!((hukou.served - 22.0).abs() < 1e-9);
        assert!((non_hukou.unmet() - 32.0).abs() < 1e-9);
        assert_eq!(Access::default().mean_travel(), None);
        assert_eq!(Access::default().served_share(), None);
    }

    #[test]
    fn building_counts_what_is_added_and_its_cost() {
        let site = |status: SiteStatus, capacity: f64, load: f64, cost: f64| SiteRow {
            service: "s".into(),
            location: [0.0, 0.0],
            status,
            capacity: Some(capacity),
            load,
            fixed_cost: cost,
        };
        let sites = [
            site(SiteStatus::Existing, 60.0, 60.0, 0.0),
            site(SiteStatus::Candidate, 100.0, 40.0, 5.0),
            site(SiteStatus::Expansion, 40.0, 20.0, 2.0),
        ];
        let building = Building::of(sites.iter());
        assert_eq!(
            (
                building.new_sites,
                building.expanded_sites,
                building.existing_sites
            ),
            (1, 1, 1)
        );
        assert_eq!(building.added_capacity, 140.0);
        assert_eq!(building.cost, 7.0);
        assert_eq!(building.utilisation, Some(0.6));
    }
}
