//! defacto sites schools, clinics and public rental housing for the people who actually live in
//! a city — the de facto resident population, registered (hukou) or not.
//!
//! Data flows one way, one module per stage, each using only the stages above it in this
//! table (the test `stages` in `tests/cli/` reads every `crate::` path and keeps it so):
//!
//! | stage | module | main types |
//! |---|---|---|
//! | the shared vocabulary | [`model`] | [`model::SitingProblem`], [`model::DemandPoint`], [`model::Site`], [`model::Objective`] |
//! | read what the user gives | [`input`] | [`input::read_problem`], [`input::read_scenario`], [`input::geojson::Zone`], [`input::InputError`] |
//! | who needs what, where | [`demand`] | [`demand::ResidentPoint`], [`demand::Rates`], [`demand::standards::ServiceKind`] |
//! | travel costs of reachable pairs | [`travel`] | [`travel::geodesic::pairs_within`] |
//! | solve | [`solve`] | [`solve::Solver`], [`solve::Solution`], [`solve::Diagnosis`] |
//! | read the answer back | [`plan`] | [`plan::Plan`] |
//! | a scenario end to end | [`pipeline`] | [`pipeline::CityPlan`], [`pipeline::ServicePlan`], [`pipeline::Levels`], [`pipeline::PointAccess`] |
//! | what a planner reads | [`report`] | [`report::DistrictRow`] |
//! | scenarios side by side | [`compare`] | [`compare::Comparison`], [`compare::figures::PlanFigures`], [`compare::files`] |
//! | write results | [`export`] | [`export::OutputSet`], [`export::write_city`], [`export::write_files`] |
//!
//! [`csv_text`] formats tables as CSV and [`markup`] makes text safe in HTML and XML, for any
//! stage; they use none.
//!
//! No input may make the program panic: `unwrap` and `expect` are refused outside tests, and
//! the few `expect`s left state the invariant that makes them safe.
//!
//! ```
//! use defacto::model::{DemandPoint, Limits, Objective, Site, SiteStatus, SitingProblem};
//! use defacto::solve::{solve, Outcome, SolveOptions, Status};
//!
//! let point = |id: &str, demand: f64| DemandPoint { id: id.into(), demand, weight: demand };
//! let site = |id: &str| Site { id: id.into(), capacity: None, fixed_cost: 0.0, status: SiteStatus::Candidate, min_load: 0.0, plot: None };
//! // Two villages 10 km apart; one clinic to place at either village.
//! let problem = SitingProblem::new(
//!     Objective::PMedian,
//!     Limits { p: Some(1), ..Limits::default() },
//!     vec![point("north", 300.0), point("south", 100.0)],
//!     vec![site("north"), site("south")],
//!     vec![(0, 0, 0.0), (0, 1, 10.0), (1, 0, 10.0), (1, 1, 0.0)],
//! ).unwrap();
//! let Outcome::Solved(solution) = solve(&problem, &SolveOptions::default()).unwrap() else { panic!() };
//! assert_eq!(solution.assignment.open, vec![true, false]); // near the larger village
//! assert_eq!(solution.objective, 1000.0); // 100 people × 10 km
//! assert_eq!(solution.status, Status::Optimal);
//! ```

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

pub mod compare;
pub mod csv_text;
pub mod demand;
pub mod export;
pub mod input;
pub mod markup;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod solve;
pub mod travel;
