//! The siting model: the vocabulary every stage shares.
//!
//! A [`SitingProblem`] is a set of [`DemandPoint`]s (people who need a service), a set of
//! [`Site`]s (existing facilities and candidate locations), the sparse [`SparseCosts`] between
//! them and an [`Objective`]. The geographic pipeline and the table reader both fill in this one
//! type, and every solver reads it. No solver types live here.
//!
//! Units are whatever the caller's data uses: demand in people (pupils, patients, households),
//! costs in metres, minutes or money. The model never converts them.

mod costs;
mod evaluate;
mod problem;
pub mod projection;

pub use costs::{Arc, SparseCosts};
pub use evaluate::{Allocation, Assignment};
pub use problem::{
    DemandPoint, Limits, Method, ModelError, Objective, Site, SiteStatus, SitingProblem,
};
