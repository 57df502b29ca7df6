//! Demand: how many people need each service, and where they live.
//!
//! Zone totals by group ([`population`], or population rasters) are spread onto grid pieces
//! ([`grid`]) by area, by the people of a population raster or by the floor area of buildings
//! ([`dasymetric`]), whole people per piece, so every zone total is kept exactly
//! ([`place`]). A service's demand at a point is
//! Σ over groups of residents × units per resident × access rate ([`Rates`]), with defaults
//! from the planning standards ([`standards`]).

pub mod dasymetric;
pub mod grid;
mod placement;
pub mod population;
pub mod standards;

pub use placement::{place, PlaceError, Placed};
pub use population::Residents;

use crate::input::geojson::{read_points, Zone};
use crate::input::scenario::{DemandPointSettings, PopulationSettings};
use crate::input::InputError;
use geo::{Contains, MultiPolygon, Point};
use population::GroupColumns;

/// Residents gathered at one point: the part of a zone inside one grid cell.
#[derive(Debug, Clone, PartialEq)]
pub struct ResidentPoint {
    /// `zone code:row:col`, unique.
    pub id: String,
    /// Index of its zone.
    pub zone: usize,
    /// Where they live (WGS84 lon/lat), inside the zone.
    pub location: Point<f64>,
    /// How many live there, by group.
    pub residents: Residents,
    /// The grid piece they were spread on (WGS84 lon/lat), which catchments are drawn from;
    /// `None` for homes given as points.
    pub cell: Option<MultiPolygon<f64>>,
}

/// Demand points the user gives, each in the zone that contains it; points in zones that are
/// not planned are left out. Returns the residents per zone (the sums of its points) and the
/// points.
///
/// # Errors
/// [`InputError`] naming the file, feature and field: unreadable points, a count that is
/// missing, negative or not whole, a point inside no zone.
pub fn given_points(
    settings: &DemandPointSettings,
    population: &PopulationSettings,
    zones: &[Zone],
    planned: &[bool],
) -> Result<(Vec<Residents>, Vec<ResidentPoint>), InputError> {
    let columns = GroupColumns {
        hukou: &population.hukou_column,
        non_hukou: &population.non_hukou_column,
    };
    let mut totals = vec![Residents::default(); zones.len()];
    let mut points = Vec::new();
    for home in read_points(&settings.file, &settings.id_field, settings.datum)? {
        let zone = zones
            .iter()
            .position(|z| z.boundary.contains(&home.location))
            .ok_or_else(|| home.feature.error("geometry", "the point lies in no zone"))?;
        let residents = population::from_properties(columns, &home.feature)?;
        totals[zone].hukou += residents.hukou;
        totals[zone].non_hukou += residents.non_hukou;
        if planned[zone] {
            points.push(ResidentPoint {
                id: home.id,
                zone,
                location: home.location,
                residents,
                cell: None,
            });
        }
    }
    Ok((totals, points))
}

/// How residents turn into demand for one service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Units of demand per resident (school-age share, housing units per person).
    pub per_resident: f64,
    /// Share of registered residents' demand the public service takes.
    pub access_hukou: f64,
    /// Share of non-hukou residents' demand the public service takes.
    pub access_non_hukou: f64,
}

/// Demand of one service at one point, by group.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GroupDemand {
    /// From registered residents.
    pub hukou: f64,
    /// From non-hukou residents.
    pub non_hukou: f64,
}

impl GroupDemand {
    /// Both groups together.
    pub fn total(self) -> f64 {
        self.hukou + self.non_hukou
    }
}

/// Units of demand per resident of each group in one zone — its share of the service's age
/// band, when the population data gives the band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeShares {
    /// Share of registered residents.
    pub hukou: f64,
    /// Share of non-hukou residents.
    pub non_hukou: f64,
}

impl Rates {
    /// The demand these residents make.
    ///
    /// ```
    /// use defacto::demand::{Rates, Residents};
    /// // 1,000 registered and 500 non-hukou residents, 6.7 % of primary-school age,
    /// // all registered and 85 % of migrant children in public schools.
    /// let rates = Rates { per_resident: 0.067, access_hukou: 1.0, access_non_hukou: 0.85 };
    /// let demand = rates.demand(Residents { hukou: 1000, non_hukou: 500 });
    /// assert!((demand.hukou - 67.0).abs() < 1e-9);
    /// assert!((demand.non_hukou - 28.475).abs() < 1e-9);
    /// ```
    pub fn demand(self, residents: Residents) -> GroupDemand {
        let shares = AgeShares {
            hukou: self.per_resident,
            non_hukou: self.per_resident,
        };
        self.demand_with(residents, shares)
    }

    /// The demand these residents make, with each group's own share in the age band in place
    /// of `per_resident`.
    ///
    /// ```
    /// use defacto::demand::{AgeShares, Rates, Residents};
    /// let rates = Rates { per_resident: 0.067, access_hukou: 1.0, access_non_hukou: 0.85 };
    /// // A zone where 5 % of registered and 10 % of non-hukou residents are aged 6–11.
    /// let shares = AgeShares { hukou: 0.05, non_hukou: 0.10 };
    /// let demand = rates.demand_with(Residents { hukou: 1000, non_hukou: 500 }, shares);
    /// assert!((demand.hukou - 50.0).abs() < 1e-9);
    /// assert!((demand.non_hukou - 42.5).abs() < 1e-9);
    /// ```
    pub fn demand_with(self, residents: Residents, shares: AgeShares) -> GroupDemand {
        GroupDemand {
            hukou: residents.hukou as f64 * shares.hukou * self.access_hukou,
            non_hukou: residents.non_hukou as f64 * shares.non_hukou * self.access_non_hukou,
        }
    }
}
