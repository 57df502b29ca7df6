//! A phased scenario end to end: each horizon year's residents read and spread on the same
//! grid, each service's phases solved as one model ([`crate::solve::phased`]), and a city
//! plan per phase, so that every output a plan has exists for every phase.

use super::{access, inputs, problem, service, sites};
use super::{CityInputs, CityPlan, PipelineError, Planner, ServicePlan};
use crate::demand::standards::ServiceKind;
use crate::input::scenario::{Basis, PhaseSettings, Scenario};
use crate::input::InputError;
use crate::model::{Objective, SitingProblem};
use crate::solve::phased::{solve_phased, PhasedOutcome, Phasing};
use crate::solve::{self, Outcome, Terminal};
use geo::Point;
use std::path::Path;

/// A phased plan: a city plan per horizon year, and per service the whole plan's figures.
#[derive(Debug, Clone)]
pub struct PhasedCityPlan {
    /// The scenario as read.
    pub scenario: Scenario,
    /// The horizon years, in order.
    pub years: Vec<i32>,
    /// How the phases weigh.
    pub phasing: Phasing,
    /// One city plan per year: that year's residents, sites and places.
    pub phases: Vec<CityPlan>,
    /// Per service, in report order: the whole plan's value and proof.
    pub services: Vec<PhasedService>,
}

/// One service's phased plan as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct PhasedService {
    /// Which service.
    pub kind: ServiceKind,
    /// The whole plan's value (construction at each phase's discount, travel and unplaced
    /// prices at each phase's weight) and its proven bound; `None` without a plan.
    pub value: Option<(f64, f64)>,
    /// What planning one phase at a time (each phase fixed before the next) would cost, for
    /// comparison; `None` without such a plan.
    pub in_sequence: Option<f64>,
    /// Whether the whole model was searched for a plan better than the phase-by-phase one
    /// (it is solved for its bound only when too large).
    pub whole_model_searched: bool,
}

/// How the phases of `settings` weigh: construction at each phase's discount,
/// (1 + rate)^−(years after the first); travel and unplaced prices at the phase's share of
/// the discounts, so that with the same demand in every phase they weigh as in one plan.
pub fn phasing(settings: &PhaseSettings) -> Phasing {
    let first = settings.years.first().copied().unwrap_or_default();
    let build_weight: Vec<f64> = settings
        .years
        .iter()
        .map(|&year| (1.0 + settings.discount_rate).powi(-(year - first)))
        .collect();
    let total: f64 = build_weight.iter().sum();
    let use_weight = build_weight.iter().map(|w| w / total).collect();
    Phasing {
        build_weight,
        use_weight,
        growth_premium: settings.growth_premium,
    }
}

/// Plans every enabled service of a phased scenario read from `path`.
///
/// # Errors
/// [`PipelineError`] for input that cannot be used, a service whose model is not `min_cost`,
/// or a solver failure.
pub fn plan_phased(
    path: &Path,
    scenario: Scenario,
    settings: &PhaseSettings,
    terminal: Terminal,
    progress: &mut dyn FnMut(ServiceKind),
) -> Result<PhasedCityPlan, PipelineError> {
    let enabled = service::enabled(&scenario)?;
    let years = settings.years.clone();
    let phase_scenarios: Vec<Scenario> = years.iter().map(|&y| scenario.for_year(y)).collect();
    let inputs: Vec<CityInputs> = phase_scenarios
        .iter()
        .map(|s| inputs::read(path, s, enabled.clone()))
        .collect::<Result<_, _>>()?;
    let planners: Vec<Planner> = phase_scenarios
        .iter()
        .zip(&inputs)
        .map(|(scenario, inputs)| Planner {
            path,
            scenario,
            inputs,
            terminal,
        })
        .collect();
    let phasing = phasing(settings);
    let mut per_phase: Vec<Vec<ServicePlan>> = vec![Vec::new(); years.len()];
    let mut services = Vec::new();
    for (k, &(kind, _)) in enabled.iter().enumerate() {
        progress(kind);
        let (plans, whole) = plan_service(&planners, k, &phasing)?;
        for (t, plan) in plans.into_iter().enumerate() {
            per_phase[t].push(plan);
        }
        services.push(whole);
    }
    let phases = inputs
        .into_iter()
        .zip(phase_scenarios)
        .zip(per_phase)
        .map(|((inputs, scenario), plans)| CityPlan {
            scenario,
            zones: inputs.zones,
            planned: inputs.planned,
            kinds: inputs.kinds,
            residents: inputs.residents,
            points: inputs.points,
            placement: inputs.placement,
            services: plans,
            warnings: inputs.warnings,
        })
        .collect();
    Ok(PhasedCityPlan {
        scenario,
        years,
        phasing,
        phases,
        services,
    })
}

/// What a phase's service problem is made of.
struct PhaseProblem {
    service: service::Service,
    problem: SitingProblem,
    reachable: problem::Reachable,
    streets: Option<super::StreetUse>,
}

/// The `k`-th enabled service over every phase: the same demand points (every point with
/// demand in some phase), sites and pairs, each phase with its own demand; solved at once.
fn plan_service(
    planners: &[Planner],
    k: usize,
    phasing: &Phasing,
) -> Result<(Vec<ServicePlan>, PhasedService), PipelineError> {
    let last = &planners[planners.len() - 1];
    let files_last = &last.inputs.services[k];
    let services: Vec<service::Service> = planners
        .iter()
        .map(|p| service::resolve(p.scenario, p.inputs, &p.inputs.services[k]))
        .collect::<Result<_, _>>()?;
    let kind = services[0].kind;
    if services.iter().any(|s| s.objective != Objective::MinCost) {
        return Err(PipelineError::Input(InputError::BadField {
            path: last.path.to_path_buf(),
            field: format!("services.{}", kind.name()),
            problem: "a phased plan needs the min_cost model, which weighs building against travel; `max_new_sites` or `budget` make max_coverage the default: set objective = \"min_cost\"".into(),
        }));
    }
    let basis = last.scenario.basis;
    let demands: Vec<_> = planners
        .iter()
        .zip(&services)
        .map(|(p, s)| problem::demand_at(&p.inputs.points, s, basis))
        .collect();
    let kept: Vec<bool> = (0..demands[0].len())
        .map(|i| demands.iter().any(|d| d[i].total() > 0.0))
        .collect();
    let homes: Vec<usize> = (0..kept.len()).filter(|&i| kept[i]).collect();
    let layout = &last.scenario.candidates;
    let service_last = &services[services.len() - 1];
    let (sites, placed) = sites::sites(
        last.path,
        last.inputs,
        layout,
        service_last,
        files_last,
        &homes,
    )?;
    let locations: Vec<Point<f64>> = placed.iter().map(|s| s.location).collect();
    let mut phases = Vec::with_capacity(planners.len());
    for ((planner, service), demand) in planners.iter().zip(services).zip(&demands) {
        let (points, groups) = problem::points_kept(&planner.inputs.points, demand, &kept);
        let (reachable, streets) = planner.reach(&service, points, groups, &locations)?;
        let problem = problem::siting_problem(
            &service,
            &planner.inputs.services[k].settings,
            reachable.points.clone(),
            sites.clone(),
            &reachable.pairs,
            &reachable.standard,
        )
        .map_err(|e| planner.model_error(kind, e))?;
        phases.push(PhaseProblem {
            service,
            problem,
            reachable,
            streets,
        });
    }
    let problems: Vec<SitingProblem> = phases.iter().map(|p| p.problem.clone()).collect();
    let options = last.solve_options();
    let joint = solve_phased(&problems, phasing, &options).map_err(PipelineError::solve(kind))?;
    let (outcomes, whole) = match joint {
        PhasedOutcome::Solved(solution) => {
            let whole = PhasedService {
                kind,
                value: Some((solution.objective, solution.bound)),
                in_sequence: solution.in_sequence,
                whole_model_searched: solution.whole_model_searched,
            };
            let outcomes = solution.phases.into_iter().map(Outcome::Solved).collect();
            (outcomes, whole)
        }
        PhasedOutcome::Infeasible(diagnosis) => {
            let whole = PhasedService {
                kind,
                value: None,
                in_sequence: None,
                whole_model_searched: false,
            };
            (vec![Outcome::Infeasible(diagnosis); planners.len()], whole)
        }
    };
    let plans = phases
        .into_iter()
        .zip(outcomes)
        .zip(planners)
        .map(|((phase, outcome), planner)| finish(planner, phase, outcome, &placed, &options))
        .collect::<Result<_, _>>()?;
    Ok((plans, whole))
}

/// A phase's service plan from its solved outcome: what each resident point gets (for a plan
/// by hukou, judged against everyone who lives there).
fn finish(
    planner: &Planner,
    phase: PhaseProblem,
    outcome: Outcome,
    placed: &[super::PlacedSite],
    options: &solve::SolveOptions,
) -> Result<ServicePlan, PipelineError> {
    let PhaseProblem {
        service,
        problem,
        reachable,
        streets,
    } = phase;
    let mut access = access::from_plan(
        &problem,
        &reachable.demand,
        &reachable.standard,
        &reachable.unreachable,
        &outcome,
    );
    let judged = planner.scenario.basis == Basis::Hukou;
    if let (true, Outcome::Solved(solution)) = (judged, &outcome) {
        let plan = super::PlanOnSites {
            problem: &problem,
            assignment: &solution.assignment,
            sites: placed,
        };
        access = planner.judge(&service, plan, access, options)?;
    }
    Ok(ServicePlan {
        service,
        problem,
        demand: reachable.demand,
        sites: placed.to_vec(),
        unreachable: reachable.unreachable,
        streets,
        outcome,
        access,
        judged,
    })
}
