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
    /// Capacity of one new site, in units of demand, for the `min_sites` and
    /// `max_coverage` models (the default `min_cost` model builds in `urban.sizes`).
    pub new_site_capacity: Sourced,
    /// Service level and sizes in urban zones.
    pub urban: KindStandard,
    /// Service level and sizes in rural zones (townships and villages).
    pub rural: KindStandard,
    /// A new site opens only for at least this share of its places.
    pub min_load_share: Sourced,
    /// What the plan weighs against construction, per unit of demand.
    pub prices: Prices,
}

/// Whether a zone is planned by urban or rural standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneKind {
    /// Cities and towns: GB 50180-2018 residential-area standards.
    Urban,
    /// Townships and villages: rural school construction standards.
    Rural,
}

/// One size a new site may be built in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeStandard {
    /// How planners call it (e.g. "24 classes").
    pub name: &'static str,
    /// Places, in units of demand.
    pub capacity: f64,
    /// Construction cost, CNY.
    pub cost: f64,
}

/// The service level and sizes of one kind of zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindStandard {
    /// The standard's walk: the plan reports who is placed within it and pays to place
    /// anyone beyond it. Metres.
    pub radius_m: Sourced,
    /// Nobody is placed farther than this. Metres.
    pub max_travel_m: Sourced,
    /// The sizes a new site may be built in, smallest first.
    pub sizes: &'static [SizeStandard],
    /// Where the sizes and their costs come from.
    pub sizes_source: &'static str,
}

/// The prices that the default `min_cost` model weighs against construction, in CNY per unit
/// of demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// Per km of travel from home to the site, over the life of the site.
    pub travel_per_km: Sourced,
    /// Once, for each unit placed farther than the standard's radius.
    pub beyond_standard: Sourced,
    /// For each unit left without a place (no site within the maximum travel can take it).
    pub unplaced: Sourced,
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
                urban: KindStandard {
                    radius_m: sourced(500.0, "GB 50180-2018 App. B; Zhengzhou school layout plan 2014–2030: primary school ≤ 500 m"),
                    max_travel_m: sourced(1000.0, "assumption: twice the standard's walk"),
                    sizes: &PRIMARY_URBAN,
                    sizes_source: PRIMARY_URBAN_SOURCE,
                },
                rural: KindStandard {
                    radius_m: sourced(2000.0, "assumption: a township's walk to school (the rural standard 建标109-2008 sets sizes, not a radius)"),
                    max_travel_m: sourced(5000.0, "assumption: farther pupils board or ride a school bus"),
                    sizes: &PRIMARY_RURAL,
                    sizes_source: PRIMARY_RURAL_SOURCE,
                },
                min_load_share: HALF_FULL,
                prices: SCHOOL_PRICES,
            },
            ServiceKind::JuniorMiddleSchool => Standard {
                unit: "pupils",
                per_resident: sourced(0.034, "assumption: ages 12–14, about 1.1 % of residents per year of age (China 2010 census age structure)"),
                access_hukou: sourced(1.0, "assumption: every registered child has a public-school place"),
                access_non_hukou: MIGRANT_CHILDREN_IN_PUBLIC_SCHOOLS,
                radius_m: sourced(1000.0, "GB 50180-2018 App. B; Zhengzhou school layout plan 2014–2030: junior middle school ≤ 1000 m"),
                new_site_capacity: sourced(1200.0, "24 classes (assumption) × 50 pupils (Zhengzhou junior class size limit, school layout plan 2014–2030)"),
                urban: KindStandard {
                    radius_m: sourced(1000.0, "GB 50180-2018 App. B; Zhengzhou school layout plan 2014–2030: junior middle school ≤ 1000 m"),
                    max_travel_m: sourced(2000.0, "assumption: twice the standard's walk"),
                    sizes: &JUNIOR_URBAN,
                    sizes_source: JUNIOR_URBAN_SOURCE,
                },
                rural: KindStandard {
                    radius_m: sourced(3000.0, "assumption: a township's walk to school (the rural standard 建标109-2008 sets sizes, not a radius)"),
                    max_travel_m: sourced(10000.0, "assumption: farther pupils board or ride a school bus"),
                    sizes: &JUNIOR_RURAL,
                    sizes_source: JUNIOR_RURAL_SOURCE,
                },
                min_load_share: HALF_FULL,
                prices: SCHOOL_PRICES,
            },
            ServiceKind::HealthCentre => Standard {
                unit: "residents",
                per_resident: sourced(1.0, "every resident is served"),
                access_hukou: sourced(1.0, "basic public health services cover all residents"),
                access_non_hukou: sourced(1.0, "basic public health services cover all residents (residence-permit holders included)"),
                radius_m: sourced(1000.0, "GB 50180-2018 Table 3.0.4: 15-minute life circle, 800–1000 m walk"),
                new_site_capacity: sourced(100_000.0, "GB 50180-2018 Table 3.0.4: a 15-minute life circle of 50,000–100,000 residents has one centre"),
                urban: KindStandard {
                    radius_m: sourced(1000.0, "GB 50180-2018 Table 3.0.4: 15-minute life circle, 800–1000 m walk"),
                    max_travel_m: sourced(3000.0, "assumption: three times the standard's walk"),
                    sizes: &HEALTH_CENTRE,
                    sizes_source: HEALTH_CENTRE_SOURCE,
                },
                rural: KindStandard {
                    radius_m: sourced(3000.0, "assumption: a township health centre within 3 km"),
                    max_travel_m: sourced(10000.0, "assumption: a township's extent"),
                    sizes: &HEALTH_CENTRE,
                    sizes_source: HEALTH_CENTRE_SOURCE,
                },
                min_load_share: HALF_FULL,
                prices: Prices {
                    travel_per_km: sourced(200.0, "assumption: 2 visits a year (4 trips) × 2.5 CNY of time per km, over 20 years at 4 % (21.5 years' worth)"),
                    beyond_standard: sourced(100.0, "assumption: half a kilometre's travel price, so the plan strives for the standard"),
                    unplaced: sourced(10_000.0, "assumption: far above a resident's share of a centre's cost"),
                },
            },
            ServiceKind::PublicRentalHousing => Standard {
                unit: "housing units",
                per_resident: sourced(0.04, "assumption: 10 % of non-hukou residents in low-income households, 2.5 persons per unit"),
                access_hukou: sourced(0.0, "assumption: registered residents are housed through other programmes"),
                access_non_hukou: sourced(1.0, "Zhengzhou pilot: public rental housing opened to migrant workers"),
                radius_m: sourced(2000.0, "assumption: within 2 km of where migrant workers now live (the pilot placed housing where they concentrate)"),
                new_site_capacity: sourced(1000.0, "assumption: 1,000 units of ≤ 60 m² per project"),
                urban: KindStandard {
                    radius_m: sourced(2000.0, "assumption: within 2 km of where migrant workers now live (the pilot placed housing where they concentrate)"),
                    max_travel_m: sourced(3000.0, "assumption: one and a half times the standard's distance"),
                    sizes: &RENTAL_HOUSING,
                    sizes_source: RENTAL_HOUSING_SOURCE,
                },
                rural: KindStandard {
                    radius_m: sourced(3000.0, "assumption: within 3 km of where migrant workers now live"),
                    max_travel_m: sourced(10000.0, "assumption: a township's extent"),
                    sizes: &RENTAL_HOUSING,
                    sizes_source: RENTAL_HOUSING_SOURCE,
                },
                min_load_share: HALF_FULL,
                prices: Prices {
                    travel_per_km: sourced(20_000.0, "assumption: a commute of 2 trips × 300 days × 1.5 CNY of time per km, over 20 years at 4 % (21.5 years' worth)"),
                    beyond_standard: sourced(10_000.0, "assumption: half a kilometre's travel price, so the plan strives for the standard"),
                    unplaced: sourced(500_000.0, "assumption: more than twice a unit's construction cost"),
                },
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

/// No new site opens for fewer than half its places.
const HALF_FULL: Sourced = sourced(
    0.5,
    "assumption: no new site opens for fewer than half its places",
);

const fn size(name: &'static str, capacity: f64, cost: f64) -> SizeStandard {
    SizeStandard {
        name,
        capacity,
        cost,
    }
}

/// 建标102-2002 (urban schools): complete primary schools of 12, 18, 24 or 30 classes of 45,
/// planning floor areas 5,382, 6,714, 8,464 and 9,689 m² (recalled – check the standard).
const PRIMARY_URBAN: [SizeStandard; 4] = [
    size("12 classes", 540.0, 26_910_000.0),
    size("18 classes", 810.0, 33_570_000.0),
    size("24 classes", 1080.0, 42_320_000.0),
    size("30 classes", 1350.0, 48_445_000.0),
];
const PRIMARY_URBAN_SOURCE: &str = "建标102-2002 城市普通中小学校校舍建设标准: 12/18/24/30 classes of 45 pupils, planning floor areas 5,382/6,714/8,464/9,689 m² (recalled – check); cost: floor area × 5,000 CNY per m² (assumption; land not included)";

/// 建标109-2008 (rural schools), article 8: complete primary schools of 6, 12, 18 or 24
/// classes of 45 (confirmed); floor areas as in town, 3,300 m² for 6 classes (assumption).
const PRIMARY_RURAL: [SizeStandard; 4] = [
    size("6 classes", 270.0, 16_500_000.0),
    size("12 classes", 540.0, 26_910_000.0),
    size("18 classes", 810.0, 33_570_000.0),
    size("24 classes", 1080.0, 42_320_000.0),
];
const PRIMARY_RURAL_SOURCE: &str = "建标109-2008 农村普通中小学校建设标准 art. 8: 6/12/18/24 classes of 45 pupils (confirmed); floor areas of 建标102-2002, 3,300 m² for 6 classes (assumption); cost: floor area × 5,000 CNY per m² (assumption; land not included)";

/// 建标102-2002: junior middle schools of 12, 18, 24 or 30 classes of 50, planning floor
/// areas 6,802, 9,084, 11,734 and 13,542 m² (recalled – check the standard).
const JUNIOR_URBAN: [SizeStandard; 4] = [
    size("12 classes", 600.0, 34_010_000.0),
    size("18 classes", 900.0, 45_420_000.0),
    size("24 classes", 1200.0, 58_670_000.0),
    size("30 classes", 1500.0, 67_710_000.0),
];
const JUNIOR_URBAN_SOURCE: &str = "建标102-2002 城市普通中小学校校舍建设标准: 12/18/24/30 classes of 50 pupils, planning floor areas 6,802/9,084/11,734/13,542 m² (recalled – check); cost: floor area × 5,000 CNY per m² (assumption; land not included)";

/// 建标109-2008, article 8: junior middle schools of 12, 18 or 24 classes of 50.
const JUNIOR_RURAL: [SizeStandard; 3] = [
    size("12 classes", 600.0, 34_010_000.0),
    size("18 classes", 900.0, 45_420_000.0),
    size("24 classes", 1200.0, 58_670_000.0),
];
const JUNIOR_RURAL_SOURCE: &str = "建标109-2008 农村普通中小学校建设标准 art. 8: 12/18/24 classes of 50 pupils (confirmed); floor areas of 建标102-2002; cost: floor area × 5,000 CNY per m² (assumption; land not included)";

/// GB 50180-2018: one centre per 15-minute life circle of 50,000–100,000 residents, with
/// 1,700–2,000 m² of floor area (recalled – check the standard).
const HEALTH_CENTRE: [SizeStandard; 2] = [
    size("50,000 residents", 50_000.0, 8_500_000.0),
    size("100,000 residents", 100_000.0, 10_000_000.0),
];
const HEALTH_CENTRE_SOURCE: &str = "GB 50180-2018: a centre per life circle of 50,000–100,000 residents (Table 3.0.4, confirmed), 1,700–2,000 m² of floor area (App. C, recalled – check); cost: floor area × 5,000 CNY per m² (assumption; land not included)";

/// Projects of 300, 500 or 1,000 units of 60 m² at 3,500 CNY per m² (assumption).
const RENTAL_HOUSING: [SizeStandard; 3] = [
    size("300 units", 300.0, 63_000_000.0),
    size("500 units", 500.0, 105_000_000.0),
    size("1,000 units", 1000.0, 210_000_000.0),
];
const RENTAL_HOUSING_SOURCE: &str = "assumption: projects of 300, 500 or 1,000 units of 60 m² (the unit size limit of the 2010 guidance on public rental housing, recalled – check) at 3,500 CNY per m²";

/// Prices for school places, per pupil.
const SCHOOL_PRICES: Prices = Prices {
    travel_per_km: sourced(20_000.0, "assumption: 2 trips a school day × 190 days × 2.5 CNY of a child's and an escort's time per km, over a school's 50 years at 4 % (21.5 years' worth)"),
    beyond_standard: sourced(10_000.0, "assumption: half a kilometre's travel price, so the plan strives for the standard"),
    unplaced: sourced(1_000_000.0, "assumption: far above a place's construction cost, so a pupil is left without a place only where no site within the maximum travel can reach its minimum load"),
};

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
