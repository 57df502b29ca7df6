//! Planning standards: the default figures of each service, each with where it comes from.
//!
//! Figures marked *assumption* are the project's, not a standard's: a bureau with real figures
//! sets them in the scenario file, and reports list every figure with its source.

use std::fmt;

/// A figure with its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sourced {
    /// The value.
    pub value: f64,
    /// Where it comes from; starts with "assumption" when the project chose it.
    pub source: &'static str,
}

const fn sourced(value: f64, source: &'static str) -> Sourced {
    Sourced { value, source }
}

/// The services defacto knows how to plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ServiceKind {
    /// 小学: seats for pupils aged 6–11.
    PrimarySchool,
    /// 初中: seats for pupils aged 12–14.
    JuniorMiddleSchool,
    /// 社区卫生服务中心: residents served by a community health service centre.
    HealthCentre,
    /// 公共租赁住房: housing units for non-hukou low-income households.
    PublicRentalHousing,
}

/// Every service, in report order.
pub const ALL_SERVICES: [ServiceKind; 4] = [
    ServiceKind::PrimarySchool,
    ServiceKind::JuniorMiddleSchool,
    ServiceKind::HealthCentre,
    ServiceKind::PublicRentalHousing,
];

/// Default figures of one service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standard {
    /// What one unit of demand is.
    pub unit: &'static str,
    /// Units of demand per resident.
    pub per_resident: Sourced,
    /// Share of registered (hukou) residents' demand the public service takes.
    pub access_hukou: Sourced,
    /// Share of non-hukou residents' demand the public service takes.
    pub access_non_hukou: Sourced,
    /// Longest distance from home to the facility, metres.
    pub radius_m: Sourced,
    /// Capacity of one new site, in units of demand.
    pub new_site_capacity: Sourced,
}

impl ServiceKind {
    /// Parses the name used in scenario files.
    pub fn from_name(name: &str) -> Option<Self> {
        ALL_SERVICES.into_iter().find(|kind| kind.name() == name)
    }

    /// The name used in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::PrimarySchool => "primary_school",
            ServiceKind::JuniorMiddleSchool => "junior_middle_school",
            ServiceKind::HealthCentre => "health_centre",
            ServiceKind::PublicRentalHousing => "public_rental_housing",
        }
    }

    /// The default figures, each with its source.
    pub fn standard(self) -> Standard {
        match self {
            ServiceKind::PrimarySchool => Standard {
                unit: "pupils",
                per_resident: sourced(0.067, "assumption: ages 6–11, about 1.1 % of residents per year of age (China 2010 census age structure)"),
                access_hukou: sourced(1.0, "assumption: every registered child has a public-school place"),
                access_non_hukou: MIGRANT_CHILDREN_IN_PUBLIC_SCHOOLS,
                radius_m: sourced(500.0, "GB 50180-2018 App. B; Zhengzhou school layout plan 2014–2030: primary school ≤ 500 m"),
                new_site_capacity: sourced(1080.0, "24 classes (assumption) × 45 pupils (Zhengzhou primary class size limit, school layout plan 2014–2030)"),
            },
            ServiceKind::JuniorMiddleSchool => Standard {
                unit: "pupils",
                per_resident: sourced(0.034, "assumption: ages 12–14, about 1.1 % of residents per year of age (China 2010 census age structure)"),
                access_hukou: sourced(1.0, "assumption: every registered child has a public-school place"),
                access_non_hukou: MIGRANT_CHILDREN_IN_PUBLIC_SCHOOLS,
                radius_m: sourced(1000.0, "GB 50180-2018 App. B; Zhengzhou school layout plan 2014–2030: junior middle school ≤ 1000 m"),
                new_site_capacity: sourced(1200.0, "24 classes (assumption) × 50 pupils (Zhengzhou junior class size limit, school layout plan 2014–2030)"),
            },
            ServiceKind::HealthCentre => Standard {
                unit: "residents",
                per_resident: sourced(1.0, "every resident is served"),
                access_hukou: sourced(1.0, "basic public health services cover all residents"),
                access_non_hukou: sourced(1.0, "basic public health services cover all residents (residence-permit holders included)"),
                radius_m: sourced(1000.0, "GB 50180-2018 Table 3.0.4: 15-minute life circle, 800–1000 m walk"),
                new_site_capacity: sourced(100_000.0, "GB 50180-2018 Table 3.0.4: a 15-minute life circle of 50,000–100,000 residents has one centre"),
            },
            ServiceKind::PublicRentalHousing => Standard {
                unit: "housing units",
                per_resident: sourced(0.04, "assumption: 10 % of non-hukou residents in low-income households, 2.5 persons per unit"),
                access_hukou: sourced(0.0, "assumption: registered residents are housed through other programmes"),
                access_non_hukou: sourced(1.0, "Zhengzhou pilot: public rental housing opened to migrant workers"),
                radius_m: sourced(2000.0, "assumption: within 2 km of where migrant workers now live (the pilot placed housing where they concentrate)"),
                new_site_capacity: sourced(1000.0, "assumption: 1,000 units of ≤ 60 m² per project"),
            },
        }
    }
}

/// From the UNFPA/NDRC pilot report: about 85 % of migrant children attend public schools in
/// the large cities of central China.
const MIGRANT_CHILDREN_IN_PUBLIC_SCHOOLS: Sourced = sourced(
    0.85,
    "UNFPA/NDRC pilot report: about 85 % of migrant children in public schools in large cities of central China",
);

impl fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in ALL_SERVICES {
            assert_eq!(ServiceKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(ServiceKind::from_name("hospital"), None);
    }

    /// The figures of the shared planning standards table.
    #[test]
    fn school_radii_and_class_sizes_follow_the_standards() {
        let primary = ServiceKind::PrimarySchool.standard();
        let junior = ServiceKind::JuniorMiddleSchool.standard();
        assert_eq!(primary.radius_m.value, 500.0);
        assert_eq!(junior.radius_m.value, 1000.0);
        assert_eq!(primary.new_site_capacity.value, 24.0 * 45.0);
        assert_eq!(junior.new_site_capacity.value, 24.0 * 50.0);
        assert_eq!(primary.access_non_hukou.value, 0.85);
    }
}
