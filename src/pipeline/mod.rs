//! From a scenario to a plan per service, one way:
//!
//! 1. [`inputs`]: every file the scenario names is read once;
//! 2. [`service`]: each service's figures are settled, with their sources;
//! 3. [`problem`] and [`sites`]: demand points, candidate sites and reachable pairs become a
//!    [`SitingProblem`], built by pure functions;
//! 4. the problem is solved, and [`access`] says what each resident point gets (for a plan by
//!    hukou, judged against everyone who lives there).
//!
//! Each service's plan, or the reason it has none, is kept in a [`ServicePlan`] with the
//! geography the exports need.

mod access;
mod inputs;
mod phased;
mod problem;
mod service;
mod sites;

pub use access::PointAccess;
pub use phased::{phasing, plan_phased, PhasedCityPlan, PhasedService};
pub use service::{KindLevel, Levels, Parameter, Service, SiteSize};
pub use sites::PlacedSite;

use crate::demand::standards::{ServiceKind, ZoneKind};
use crate::demand::{self, GroupDemand, ResidentPoint, Residents};
use crate::input::geojson::Zone;
use crate::input::scenario::{Basis, Scenario};
use crate::input::InputError;
use crate::model::{Assignment, DemandPoint, ModelError, SitingProblem};
use crate::solve::{self, Outcome, SolveError, SolveOptions, Terminal};
use crate::travel::cache::{network_costs, Built};
use crate::travel::geodesic;
use crate::travel::routes::Reach;
use geo::Point;
use inputs::{CityInputs, ServiceInputs};
use problem::{Pairs, Reachable};
use std::path::{Path, PathBuf};

/// A scenario that cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// An input file or setting cannot be used.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The grid or candidate layout cannot be made.
    #[error("{path}: {source}")]
    Grid {
        /// The scenario file.
        path: PathBuf,
        /// What is wrong with the grid settings.
        #[source]
        source: demand::grid::GridError,
    },
    /// A solver failed.
    #[error("{service}: {source}")]
    Solve {
        /// The service being planned.
        service: ServiceKind,
        /// What went wrong.
        #[source]
        source: SolveError,
    },
}

impl PipelineError {
    /// The grid or candidate layout of the scenario at `path` cannot be made.
    fn grid(path: &Path, source: demand::grid::GridError) -> Self {
        PipelineError::Grid {
            path: path.to_path_buf(),
            source,
        }
    }

    /// A solver failure while planning `service`.
    fn solve(service: ServiceKind) -> impl Fn(SolveError) -> Self {
        move |source| PipelineError::Solve { service, source }
    }
}

/// The outcome for one service.
#[derive(Debug, Clone)]
pub struct ServicePlan {
    /// The service and its figures.
    pub service: Service,
    /// The siting problem solved (demand points with demand > 0 only).
    pub problem: SitingProblem,
    /// For each demand point of `problem`: its index in [`CityPlan::points`] and its demand
    /// by group.
    pub demand: Vec<(usize, GroupDemand)>,
    /// For each site of `problem`, where it is.
    pub sites: Vec<PlacedSite>,
    /// Demand points no site can reach (no site within the reach, or off the streets): left
    /// out of `problem` so that everyone else is planned for, and reported as unmet.
    pub unreachable: Vec<(usize, GroupDemand)>,
    /// How the street network was used, when the scenario travels along streets.
    pub streets: Option<StreetUse>,
    /// The solution, or why there is none.
    pub outcome: Outcome,
    /// Every resident point with demand, in point order: what the plan gives each group.
    /// For a plan by hukou, the non-hukou figures come from judging it against everyone who
    /// lives there (`judged`).
    pub access: Vec<PointAccess>,
    /// Whether the plan was sized for registered residents and then judged against the de
    /// facto population: its sites kept, non-hukou residents placed in the room left.
    pub judged: bool,
}

/// Less demand than this left without a place counts as none: half a pupil or resident,
/// since reports show whole people.
const NONE_LEFT: f64 = 0.5;

/// How far a service's plan keeps its promise: what reports show as its status and what
/// decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Everyone the service promises a place has one, and no plan is better.
    Optimal,
    /// Everyone the service promises a place has one; a limit stopped the search before a
    /// proof (the gap says how far the plan can be from the best).
    Feasible,
    /// A plan, but some demand has no place: out of reach, without room, or dearer to serve
    /// than the scenario's price for leaving it.
    Partial,
    /// No plan: the model has none, or the plan places nobody.
    Infeasible,
}

impl Standing {
    /// The name used in summaries and on the terminal.
    pub fn name(self) -> &'static str {
        match self {
            Standing::Optimal => "optimal",
            Standing::Feasible => "feasible",
            Standing::Partial => "partial",
            Standing::Infeasible => "infeasible",
        }
    }
}

impl ServicePlan {
    /// How far the plan keeps the service's promise. Every objective but `max_coverage`
    /// promises everyone a place; `max_coverage` promises the most people within reach, so
    /// only a plan that covers nobody falls short of it.
    pub fn standing(&self) -> Standing {
        let Outcome::Solved(solution) = &self.outcome else {
            return Standing::Infeasible;
        };
        let demand: f64 = self.access.iter().map(|a| a.demand.total()).sum();
        let placed: f64 = self.access.iter().map(|a| a.placed.total()).sum();
        let promises_everyone = !self.service.objective.is_maximised();
        if demand >= NONE_LEFT && placed < NONE_LEFT {
            Standing::Infeasible
        } else if promises_everyone && demand - placed >= NONE_LEFT {
            Standing::Partial
        } else {
            match solution.status {
                solve::Status::Optimal => Standing::Optimal,
                solve::Status::Feasible => Standing::Feasible,
            }
        }
    }
}

/// What the street network held and left out for one service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreetUse {
    /// The graph kept and the detached pieces dropped.
    pub built: Built,
    /// Homes farther than `max_snap_m` from every street.
    pub homes_off_streets: usize,
    /// Sites farther than `max_snap_m` from every street.
    pub sites_off_streets: usize,
}

/// A planned scenario: the shared geography and a plan per service.
#[derive(Debug, Clone)]
pub struct CityPlan {
    /// The scenario as read.
    pub scenario: Scenario,
    /// All zones of the boundary file.
    pub zones: Vec<Zone>,
    /// Whether each zone is planned.
    pub planned: Vec<bool>,
    /// Whether each zone is planned by urban or rural standards.
    pub kinds: Vec<ZoneKind>,
    /// Residents per zone (whole file), by group.
    pub residents: Vec<Residents>,
    /// Residents spread over the planned zones.
    pub points: Vec<ResidentPoint>,
    /// How residents were placed on the points, in words: given as homes, or spread over
    /// each zone by area, population raster or buildings.
    pub placement: String,
    /// One plan per enabled service, in report order.
    pub services: Vec<ServicePlan>,
    /// What the input holds that the planner should know of, in words (points outside every
    /// planned zone); shown on the terminal and in the summaries.
    pub warnings: Vec<String>,
}

/// Plans every enabled service of a scenario read from `path`.
///
/// `terminal` says what the solver shows; `progress` is told each service as it starts.
///
/// # Errors
/// [`PipelineError`] for input that cannot be used or a solver failure. A service with no
/// feasible plan is not an error: its [`ServicePlan::outcome`] says why.
pub fn plan_scenario(
    path: &Path,
    scenario: Scenario,
    terminal: Terminal,
    progress: &mut dyn FnMut(ServiceKind),
) -> Result<CityPlan, PipelineError> {
    let enabled = service::enabled(&scenario)?;
    let inputs = inputs::read(path, &scenario, enabled)?;
    let services = inputs
        .services
        .iter()
        .map(|files| service::resolve(&scenario, &inputs, files))
        .collect::<Result<Vec<_>, _>>()?;
    let planner = Planner {
        path,
        scenario: &scenario,
        inputs: &inputs,
        terminal,
    };
    let mut plans = Vec::with_capacity(services.len());
    for (service, files) in services.into_iter().zip(&inputs.services) {
        progress(service.kind);
        plans.push(planner.plan_service(service, files)?);
    }
    let CityInputs {
        zones,
        planned,
        kinds,
        residents,
        points,
        placement,
        warnings,
        ..
    } = inputs;
    Ok(CityPlan {
        scenario,
        zones,
        planned,
        kinds,
        residents,
        points,
        placement,
        services: plans,
        warnings,
    })
}

/// Plans one service after another on the scenario's inputs.
struct Planner<'a> {
    path: &'a Path,
    scenario: &'a Scenario,
    inputs: &'a CityInputs,
    terminal: Terminal,
}

impl Planner<'_> {
    fn plan_service(
        &self,
        service: Service,
        files: &ServiceInputs,
    ) -> Result<ServicePlan, PipelineError> {
        let basis = self.scenario.basis;
        let (demand_points, demand) = problem::demand_points(&self.inputs.points, &service, basis);
        let homes: Vec<usize> = demand.iter().map(|&(i, _)| i).collect();
        let layout = &self.scenario.candidates;
        let (sites, placed) =
            sites::sites(self.path, self.inputs, layout, &service, files, &homes)?;
        let site_locations: Vec<Point<f64>> = placed.iter().map(|s| s.location).collect();
        let (reachable, streets) = self.reach(&service, demand_points, demand, &site_locations)?;
        let problem = problem::siting_problem(
            &service,
            &files.settings,
            reachable.points,
            sites,
            &reachable.pairs,
            &reachable.standard,
        )
        .map_err(|e| self.model_error(service.kind, e))?;
        let options = self.solve_options();
        let outcome =
            solve::solve(&problem, &options).map_err(PipelineError::solve(service.kind))?;
        let mut access = access::from_plan(
            &problem,
            &reachable.demand,
            &reachable.standard,
            &reachable.unreachable,
            &outcome,
        );
        let judged = basis == Basis::Hukou;
        if let (true, Outcome::Solved(solution)) = (judged, &outcome) {
            let plan = PlanOnSites {
                problem: &problem,
                assignment: &solution.assignment,
                sites: &placed,
            };
            access = self.judge(&service, plan, access, &options)?;
        }
        Ok(ServicePlan {
            service,
            problem,
            demand: reachable.demand,
            sites: placed,
            unreachable: reachable.unreachable,
            streets,
            outcome,
            access,
            judged,
        })
    }

    /// The scenario's `[solve]` settings.
    fn solve_options(&self) -> SolveOptions {
        let solve = &self.scenario.solve;
        SolveOptions {
            time_limit: solve.time_limit_s,
            gap: solve.gap.unwrap_or(0.0),
            node_limit: solve.node_limit,
            terminal: self.terminal,
            method: solve.method.unwrap_or_default(),
        }
    }

    /// A hukou plan judged against everyone who lives there: its sites kept, registered
    /// residents in the places the plan gives them, non-hukou residents placed in the room
    /// left within their reach (nearest standard first, by the same prices).
    fn judge(
        &self,
        service: &Service,
        plan: PlanOnSites,
        access: Vec<PointAccess>,
        options: &SolveOptions,
    ) -> Result<Vec<PointAccess>, PipelineError> {
        let (_, everyone) = problem::demand_points(&self.inputs.points, service, Basis::DeFacto);
        let (points, demand) = non_hukou_demand(&self.inputs.points, everyone);
        let open_locations: Vec<Point<f64>> = access::open_sites(plan.assignment)
            .into_iter()
            .map(|j| plan.sites[j].location)
            .collect();
        let (reachable, _) = self.reach(service, points, demand, &open_locations)?;
        let judged = access::judged_problem(plan.problem, plan.assignment, service, reachable)
            .map_err(|e| self.model_error(service.kind, e))?;
        let outcome =
            solve::solve(&judged.problem, options).map_err(PipelineError::solve(service.kind))?;
        Ok(access::with_judged(access, &judged, &outcome))
    }

    /// A model rule a service's figures break, as an error naming the service.
    fn model_error(&self, kind: ServiceKind, error: ModelError) -> InputError {
        InputError::BadField {
            path: self.path.to_path_buf(),
            field: format!("services.{}", kind.name()),
            problem: error.to_string(),
        }
    }

    /// The demand points some of `sites` can reach within each point's maximum travel, with
    /// their pairs (renumbered) and standard radii; apart from them those none can reach.
    fn reach(
        &self,
        service: &Service,
        points: Vec<DemandPoint>,
        demand: Vec<(usize, GroupDemand)>,
        sites: &[Point<f64>],
    ) -> Result<(Reachable, Option<StreetUse>), InputError> {
        let resident = &self.inputs.points;
        let homes: Vec<Point<f64>> = demand
            .iter()
            .map(|&(point, _)| resident[point].location)
            .collect();
        let (mut pairs, streets) = self.pairs(service, &homes, sites)?;
        let level =
            |point: usize| problem::level_at(service, self.inputs.kinds[resident[point].zone]);
        pairs.retain(|&(h, _, travel)| travel <= level(demand[h].0).max_travel);
        let standard = |point: usize| level(point).standard;
        Ok((
            problem::without_unreachable(points, demand, pairs, standard),
            streets,
        ))
    }

    /// Pairs of homes and sites within the service's reach: straight-line walking distance,
    /// or along the scenario's streets (in the service's travel unit).
    fn pairs(
        &self,
        service: &Service,
        homes: &[Point<f64>],
        sites: &[Point<f64>],
    ) -> Result<(Pairs, Option<StreetUse>), InputError> {
        let Some(travel) = &self.scenario.travel else {
            return Ok((geodesic::pairs_within(homes, sites, service.reach), None));
        };
        let reach = Reach {
            profile: travel.profile,
            unit: service.travel_unit,
            limit: service.reach,
            max_snap_m: travel.max_snap_m,
        };
        let found = network_costs(&travel.network, reach, homes, sites)?;
        let streets = StreetUse {
            built: found.built,
            homes_off_streets: found.routes.unplaced_from.len(),
            sites_off_streets: found.routes.unplaced_to.len(),
        };
        Ok((found.routes.pairs, Some(streets)))
    }
}

/// Of everyone's demand, each point's non-hukou part alone, as demand points.
fn non_hukou_demand(
    points: &[ResidentPoint],
    everyone: Vec<(usize, GroupDemand)>,
) -> (Vec<DemandPoint>, Vec<(usize, GroupDemand)>) {
    everyone
        .into_iter()
        .filter(|(_, group)| group.non_hukou > 0.0)
        .map(|(point, group)| {
            let demand_point = DemandPoint {
                id: points[point].id.clone(),
                demand: group.non_hukou,
                weight: group.non_hukou,
            };
            let non_hukou = GroupDemand {
                hukou: 0.0,
                non_hukou: group.non_hukou,
            };
            (demand_point, (point, non_hukou))
        })
        .unzip()
}

/// A solved plan with its sites' places.
#[derive(Clone, Copy)]
struct PlanOnSites<'a> {
    problem: &'a SitingProblem,
    assignment: &'a Assignment,
    sites: &'a [PlacedSite],
}
