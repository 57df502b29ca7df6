//! The solver for problems too large for an exact model: a plan from vertex substitution,
//! and a proven bound from Lagrangian relaxation, so the gap between them is known.
//!
//! 1. Start from the sites that would serve most people nearest to them, improve by swaps
//!    ([`heuristic::SwapSearch`]) and serve the demand (with capacities, by a
//!    transportation program; sites are moved towards anyone left unserved).
//!    Polish the plan in rounds, each priced with the last allocation's capacity prices and
//!    checked by a fresh allocation: shakes ([`heuristic::shake`]: iterated local search
//!    that gets past the point where no single swap pays), else a pass of priced swaps,
//!    else every site moved to the best place for the people it serves
//!    ([`heuristic::relocate`]), until three rounds in a row have not paid; under a time
//!    limit, in its first half only, so that the bound has the rest (with capacities on
//!    2·10^4 to 5·10^5 points, polishing runs beside the bound instead, for the whole
//!    time).
//! 2. Bound the optimum by Lagrangian relaxation ([`lagrange::bound`]), aiming at the plan
//!    (for fixed-charge problems above [`LP_MAX_POINTS`] points, from multipliers climbed
//!    on a smoothed relaxation first, [`smoothed::climb`], while up to
//!    [`BESIDE_MAX_POINTS`] points the plan is closed and opened, then polished region by
//!    region on the other core, [`regions::polish`]); without capacities, every few
//!    relaxations the sites the relaxation opened start a new swap search; with
//!    capacities, on problems of up to some 10^4 points the bound's multipliers give a
//!    second start ([`lagrange::greedy_plan`]), polished like the first, and the whole
//!    search runs again on the sites the bound's relaxations kept opening
//!    ([`lagrange::Bound::support`]); the best plan is kept.

use super::form::MinForm;
use super::heuristic::{self, Columns, Dice, SwapSearch};
use super::progress::Progress;
use super::regions;
use super::smoothed;
use super::tolerance;
use super::{
    lagrange, Outcome, Solution, SolveError, SolveOptions, Solver, Status, Terminal, NO_LIMIT,
};
use crate::model::{Assignment, SiteStatus, SitingProblem};
use std::collections::HashSet;
use std::time::Instant;

/// Without capacities, every this many relaxations the sites the relaxation opened start a
/// swap search. (With capacities those sites made poor plans in trials on generated cities:
/// 6 % above the bound against 2 % for the polished swaps, at many times the cost.)
const PLAN_EVERY: usize = 10;

/// A polishing pass tries all its independent moves at once, then only its best one when
/// the allocation shows the pass did not pay.
const TRIAL_MOVES: [usize; 2] = [usize::MAX, 1];

/// Above this many demand points capacities are met by adjusted prices instead of the
/// transportation program, which took 26 s per allocation for 100,000 points.
const LP_MAX_POINTS: usize = 20_000;

/// Above this many points polishing comes before the bound again: on the 10^6-cell city
/// (300 s limit) the bound, sharing the cores from the first plan at 128 s on, ended 5.7 %
/// under the plan (against 4.3 % in turns), more than polishing gained (0.6 %).
const BESIDE_MAX_POINTS: usize = 500_000;

/// Under a time limit, where polishing comes before the bound, the first plan is polished
/// only in this share of it, so that the bound has the rest: on the 10^6 city a polishing
/// pass took a minute and gained 0.02 %, while the bound had only the last seconds of the
/// limit.
const POLISH_SHARE: f64 = 0.5;

/// Where the shakes' dice start: any fixed number, so that runs repeat (rounds of [`go_on`]
/// that shake the best plan again count on from it).
pub(super) const SHAKE_SEED: u64 = 1;

/// Polishing ends after this many rounds in a row that did not pay. A round that failed may
/// be followed by one that pays: the next round's shakes fall elsewhere.
const ROUNDS_FAILED: usize = 3;

/// Rounds of polishing, each checked by an allocation, at most.
const POLISH_ROUNDS: usize = 60;

/// Times that sites are moved towards people an allocation left unserved, at most.
const REPAIRS: usize = 10;

/// How long the bound's subgradient steps go on: at most `iterations` relaxations, the
/// step size halving after `patience` in a row without a better bound.
struct Steps {
    iterations: usize,
    patience: usize,
}

/// Without capacities: every [`PLAN_EVERY`] relaxations start a swap search, and `auto`'s
/// branch and bound goes on from the multipliers, so the bound stops early. With 1,000
/// relaxations the 900-vertex graph with p = 20 was no longer proven optimal in 120 s (18 s
/// with 400).
const STEPS_UNCAPACITATED: Steps = Steps {
    iterations: 400,
    patience: 15,
};

/// With capacities the steps settle later and the bound is the one reported: on the
/// generated 10^5-cell city the step reached its least after 559 relaxations (patience 15),
/// the 400th at 29 s of the 57 s limit. With patience 25 instead of 15 the 10,000-cell city
/// ended 0.43 % above its bound instead of 0.50 %.
const STEPS_CAPACITATED: Steps = Steps {
    iterations: 1_000,
    patience: 25,
};

/// Solves large problems by heuristic plan and Lagrangian bound.
#[derive(Debug, Clone, Copy, Default)]
pub struct LargeSolver;

/// A plan with its value in the minimisation form and whether it serves all it must.
#[derive(Clone)]
pub(super) struct Candidate {
    pub(super) assignment: Assignment,
    pub(super) value: f64,
    pub(super) complete: bool,
}

impl Candidate {
    pub(super) fn better_than(&self, other: &Candidate) -> bool {
        (self.complete, -self.value) > (other.complete, -other.value)
    }
}

/// A plan from [`LargeSolver`] with what its bound showed about the sites.
#[derive(Debug, Clone)]
pub struct LargeSolution {
    /// The plan, its value and its proven bound.
    pub solution: Solution,
    /// Sites that no plan better than this one opens ([`lagrange::Bound::ruled_out`]).
    pub ruled_out: Vec<bool>,
    /// Every plan that opens a ruled-out site has at least this objective (at most, when it
    /// is maximised).
    pub cutoff: f64,
    /// The multipliers of the best bound.
    pub multipliers: Vec<f64>,
}

impl Solver for LargeSolver {
    fn solve(
        &self,
        problem: &SitingProblem,
        options: &SolveOptions,
    ) -> Result<Outcome, SolveError> {
        self.solve_as(problem, options, Role::Answer)
            .map(|found| Outcome::Solved(found.solution))
    }
}

/// What a large solve is for, which decides how far it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Its plan and bound are the answer: rounds ([`go_on`]) use the rest of the limit
    /// while the gap is above the target.
    Answer,
    /// The start of an exact solve that goes on from its plan and the sites its bound rules
    /// out: no rounds. On the capacitated warehouse instances cap61, cap62, cap71 and cap72
    /// (`../shared/bench/run.py --only cap`), rounds took the heuristic's whole share of
    /// the limit (15 s of 60), where HiGHS then proves the plan in 0.1 s.
    Start,
    /// A plan on the sites of a support, for a restart: no rounds and no further restart,
    /// so that the rounds of the solve it serves have the rest of the limit.
    Restart,
}

impl LargeSolver {
    /// Solves `problem` in the `role` given, telling also which sites the bound ruled out.
    ///
    /// # Errors
    /// [`SolveError::NoCompletePlan`] when no plan serving everyone was found in time.
    pub fn solve_as(
        &self,
        problem: &SitingProblem,
        options: &SolveOptions,
        role: Role,
    ) -> Result<LargeSolution, SolveError> {
        let started = Instant::now();
        let deadline = options.deadline_from(started);
        let progress = Progress::new(options.terminal.progress, options.terminal.solver_log);
        let form = MinForm::new(problem);
        let blind = SwapSearch::new(&form, &vec![0.0; problem.sites().len()]);
        progress.phase(format_args!(
            "arcs grouped by site: {} pairs",
            problem.costs().pair_count()
        ));
        let first_started = Instant::now();
        let first = first_plan(&form, &blind, deadline);
        let plan_takes = first_started.elapsed();
        progress.plan(form.objective_of(first.candidate.value));
        log_plan(&progress, &form, "first plan", &first.candidate);
        let steps = match problem.is_capacitated() {
            true => STEPS_CAPACITATED,
            false => STEPS_UNCAPACITATED,
        };
        let stop = lagrange::Stop {
            gap: options.gap,
            iterations: steps.iterations,
            patience: steps.patience,
            deadline,
        };
        let (mut best, mut bound_found) = match polishes_beside_bound(problem) {
            _ if bounds_alone(&form) => {
                bound_alone(&form, first, blind.unserved(), stop, &progress)
            }
            true => polish_beside_bound(&form, first, stop, &progress),
            false => {
                let polish_until = polish_deadline(options, started);
                polish_then_bound(&blind, first, polish_until, stop, &progress)
            }
        };
        log_plan(&progress, &form, "polished plan", &best.candidate);
        progress.phase(format_args!(
            "bound {} after {} relaxations",
            form.objective_of(bound_found.value),
            bound_found.iterations
        ));
        if another_start_pays(&form, &best, bound_found.value, options.gap) {
            let mut open = lagrange::greedy_plan(&form, &bound_found.multipliers);
            let start = complete_allocation(&form, &mut open, blind.unserved(), deadline);
            let found = polish(&form, start, deadline, &progress, SHAKE_SEED, POLISH_ROUNDS);
            log_plan(
                &progress,
                &form,
                "plan from the bound's multipliers",
                &found.candidate,
            );
            if found.candidate.better_than(&best.candidate) {
                progress.plan(form.objective_of(found.candidate.value));
                best = found;
            }
        }
        if role != Role::Restart
            && support_restart_pays(&form, &best, bound_found.value, options.gap)
        {
            if let Some(found) = restarted_on_support(&form, &bound_found, options, deadline) {
                log_plan(&progress, &form, "plan on the bound's support", &found);
                if found.better_than(&best.candidate) {
                    progress.plan(form.objective_of(found.value));
                    best = Allocated {
                        candidate: found,
                        prices: None,
                    };
                }
            }
        }
        best = made_whole(&form, best, blind.unserved(), deadline);
        log_plan(&progress, &form, "plan served wholly", &best.candidate);
        if role == Role::Answer {
            let rounds = Rounds {
                stop,
                until_limit: options
                    .time_limit
                    .is_some_and(|t| super::seconds(t) < NO_LIMIT),
                unserved: blind.unserved(),
                plan_takes,
            };
            (best, bound_found) = go_on(&form, best, bound_found, rounds, &progress);
        }
        progress.finish();
        let best = best.candidate;
        if !best.complete {
            return Err(match (Instant::now() >= deadline, options.time_limit) {
                (true, Some(seconds)) => SolveError::NoPlanWithinLimit { seconds },
                _ => SolveError::NoCompletePlan,
            });
        }
        let objective = best.assignment.objective_value(problem);
        let bound = form.objective_of(bound_found.value.min(best.value));
        let status = match super::relative_gap(objective, bound) <= tolerance::OPTIMALITY {
            true => Status::Optimal,
            false => Status::Feasible,
        };
        Ok(LargeSolution {
            solution: Solution {
                assignment: best.assignment,
                objective,
                bound,
                status,
            },
            ruled_out: bound_found.ruled_out,
            multipliers: bound_found.multipliers,
            cutoff: form.objective_of(lagrange::cutoff(&form, best.value)),
        })
    }
}

/// Logs a plan found at the end of a phase, when phases are logged.
fn log_plan(progress: &Progress, form: &MinForm, phase: &str, plan: &Candidate) {
    let open = plan.assignment.open.iter().filter(|&&o| o).count();
    let complete = match plan.complete {
        true => "",
        false => ", not serving everyone",
    };
    progress.phase(format_args!(
        "{phase}: {} with {open} sites{complete}",
        form.objective_of(plan.value)
    ));
}

/// Whether the first plan is polished while the bound is sought, instead of before: with
/// capacities above [`LP_MAX_POINTS`] points, where polishing keeps one core busy at most (a
/// 60 s run on the generated 10^5-cell city used 83 s of the two cores' 120) and the bound's
/// relaxations use both; up to [`BESIDE_MAX_POINTS`], and beyond for fixed-charge plans,
/// which are not polished there at all ([`bound_alone`]): on the fixed-charge city of 10^6
/// cells, polishing first for half of a 300 s limit gained nothing, and the bound had 88
/// relaxations. Below that range the bound's multipliers start a second plan and need a
/// polished plan to aim at and rule sites out against.
fn polishes_beside_bound(problem: &SitingProblem) -> bool {
    let points = problem.demand().len();
    problem.is_capacitated()
        && points > LP_MAX_POINTS
        && (points <= BESIDE_MAX_POINTS || has_free_count(problem))
}

/// Polishes `first` and bounds the optimum side by side, each until `stop` says. The bound
/// aims at the first plan's value, so that it does not depend on how far polishing got by
/// when, and runs repeat.
fn polish_beside_bound(
    form: &MinForm,
    first: Allocated,
    stop: lagrange::Stop,
    progress: &Progress,
) -> (Allocated, lagrange::Bound) {
    let start = point_values(form, &first.candidate.assignment);
    let upper = first.candidate.value;
    rayon::join(
        || {
            polish(
                form,
                first,
                stop.deadline,
                progress,
                SHAKE_SEED,
                POLISH_ROUNDS,
            )
        },
        || lagrange::bound(form, start, upper, stop, &mut watch_bound(form, progress)),
    )
}

/// Whether the first plan is kept as it is while the bound is sought ([`bound_alone`]):
/// fixed-charge plans above [`LP_MAX_POINTS`] points, and all with sizes or minimum loads,
/// which the polishing swaps do not keep.
fn bounds_alone(form: &MinForm) -> bool {
    let problem = form.problem;
    has_free_count(problem) && (problem.demand().len() > LP_MAX_POINTS || form.has_site_rules())
}

/// Bounds the optimum with every core and keeps `first` as it is: a fixed-charge plan,
/// opened and closed to its best already ([`first_plan`]). On the generated fixed-charge
/// city of 10^5 cells polishing beside the bound gained 0.2 % in a minute, while the bound,
/// alone, rose from 685.5 M (99 relaxations) to 700.1 M (224). Above [`LP_MAX_POINTS`]
/// points the multipliers come from the smoothed climb ([`smoothed::climb`]) before any
/// subgradient step: on that city the steps reached 704.0 M in 43 s, the climb 709.4 M;
/// up to [`BESIDE_MAX_POINTS`] the plan is improved beside the climb
/// ([`improved_by_regions`]), each on one core. Below, the steps have time for thousands
/// of relaxations, and the rounds that follow are shaped around them.
fn bound_alone(
    form: &MinForm,
    first: Allocated,
    unserved: &[f64],
    stop: lagrange::Stop,
    progress: &Progress,
) -> (Allocated, lagrange::Bound) {
    let start = point_values(form, &first.candidate.assignment);
    let upper = first.candidate.value;
    let (best, start) = match (climbs_beside_regions(form), climbs(form)) {
        (true, _) => rayon::join(
            || improved_by_regions(form, first, unserved, stop.deadline, progress),
            || smoothed::climb(form, start, upper, stop, progress),
        ),
        (false, true) => (first, smoothed::climb(form, start, upper, stop, progress)),
        (false, false) => (first, start),
    };
    let upper = best.candidate.value;
    let bound = lagrange::bound(form, start, upper, stop, &mut watch_bound(form, progress));
    (best, bound)
}

/// Whether the fixed-charge plan is improved region by region beside the smoothed climb
/// ([`improved_by_regions`]): from [`LP_MAX_POINTS`] to [`BESIDE_MAX_POINTS`] points,
/// where the first plan ([`first_plan`]) is then only served, and closings and openings
/// wait for that side. On the generated fixed-charge city of 10^5 cells (55 s limit) the
/// plan fell from 728.7 M to 723.3 M while the climb, on the other core, reached 708.8 M
/// instead of 709.4 M: 2.00 % against 2.65 %.
fn climbs_beside_regions(form: &MinForm) -> bool {
    climbs(form) && regions::applies(form) && form.problem.demand().len() <= BESIDE_MAX_POINTS
}

/// Whether the bound's multipliers come from the smoothed climb ([`smoothed::climb`]):
/// fixed-charge problems above [`LP_MAX_POINTS`] points.
fn climbs(form: &MinForm) -> bool {
    smoothed::applies(form) && form.problem.demand().len() > LP_MAX_POINTS
}

/// `first` opened and closed to its best ([`closed_and_opened`]), then polished region by
/// region ([`regions::polish`]) until `deadline` or until a sweep over its regions does not
/// pay.
fn improved_by_regions(
    form: &MinForm,
    first: Allocated,
    unserved: &[f64],
    deadline: Instant,
    progress: &Progress,
) -> Allocated {
    let start = closed_and_opened(form, first.candidate.assignment, unserved, deadline);
    log_plan(progress, form, "plan closed and opened", &start.candidate);
    let plan = regions::polish(form, start.candidate.assignment, deadline, progress);
    let polished = Allocated {
        candidate: candidate(form, plan, true),
        prices: start.prices,
    };
    log_plan(
        progress,
        form,
        "plan polished by regions",
        &polished.candidate,
    );
    polished
}

/// Shows each relaxation's best bound on the progress line.
fn watch_bound<'a>(
    form: &'a MinForm,
    progress: &'a Progress,
) -> impl FnMut(lagrange::Step) -> Option<f64> + 'a {
    move |step| {
        progress.bound(form.objective_of(step.best));
        None
    }
}

/// Polishes `first` until `polish_until`, then bounds the optimum aiming at the polished
/// plan; without capacities, every [`PLAN_EVERY`] relaxations the sites the relaxation
/// opened start a new swap search, and a better plan found so replaces the polished one.
fn polish_then_bound(
    blind: &SwapSearch,
    first: Allocated,
    polish_until: Instant,
    stop: lagrange::Stop,
    progress: &Progress,
) -> (Allocated, lagrange::Bound) {
    let form = blind.form();
    let mut best = polish(
        form,
        first,
        polish_until,
        progress,
        SHAKE_SEED,
        POLISH_ROUNDS,
    );
    let mut tried = HashSet::from([best.candidate.assignment.open.clone()]);
    let start = point_values(form, &best.candidate.assignment);
    let upper = best.candidate.value;
    let bound_found = lagrange::bound(form, start, upper, stop, &mut |step| {
        progress.bound(form.objective_of(step.best));
        if form.problem.is_capacitated()
            || step.iteration % PLAN_EVERY != 0
            || !tried.insert(step.open.to_vec())
        {
            return None;
        }
        let found = plan_from(blind, step.open.to_vec(), stop.deadline);
        if !found.candidate.better_than(&best.candidate) {
            return None;
        }
        progress.plan(form.objective_of(found.candidate.value));
        best = found;
        Some(best.candidate.value)
    });
    (best, bound_found)
}

/// When polishing the first plan stops: at [`POLISH_SHARE`] of the time limit, if any.
fn polish_deadline(options: &SolveOptions, started: Instant) -> Instant {
    match options.time_limit {
        Some(seconds) => started + super::seconds(seconds * POLISH_SHARE),
        None => options.deadline_from(started),
    }
}

/// Whether a capacitated plan `best` still short of the bound by more than `gap` is worth
/// another start: from the bound's multipliers ([`lagrange::greedy_plan`]), or on the
/// bound's support ([`restarted_on_support`]). On generated cities of 2,000 to 10,000
/// cells the first, polished, cut the gap by 0.4 to 2.2 points in five cases out of six;
/// on 10^5 cells it did not beat the first plan and cost 25 s more, and the restart on the
/// support gave worse plans there (298.2 M and 298.8 M against 297.6 M), so both are left to
/// problems whose allocations the transportation program solves. Not for plans with sizes or
/// minimum loads, which the polishing swaps do not keep: rounds ([`go_on`]) start from the
/// multipliers there.
fn another_start_pays(form: &MinForm, best: &Allocated, bound: f64, gap: f64) -> bool {
    let problem = form.problem;
    problem.is_capacitated()
        && !form.has_site_rules()
        && problem.demand().len() <= LP_MAX_POINTS
        && super::relative_gap(best.candidate.value, bound) > gap
}

/// Whether the rest of the time goes to a restart on the bound's support
/// ([`restarted_on_support`]): when [`another_start_pays`], but not for fixed-charge plans,
/// whose rounds ([`go_on`]) lift the bound in that time instead. On the generated
/// fixed-charge city of 10^4 cells (`generate fixed --points 10000 --sites 1000`, 60 s)
/// the restart took the last 40 s, found no better plan and left the gap at 1.68 %; the
/// rounds in its place ended at 0.66 %.
fn support_restart_pays(form: &MinForm, best: &Allocated, bound: f64, gap: f64) -> bool {
    !has_free_count(form.problem) && another_start_pays(form, best, bound, gap)
}

/// The plan found by solving the problem anew with only the sites in the bound's support
/// ([`lagrange::Bound::support`]) and those that must open, in the time left; `None` when
/// the support leaves out no site, or no plan was found. Fewer sites to choose from steer
/// the swaps past places that only look good to them: on 12 generated cities of 2,000 to
/// 10,000 cells (`--method heuristic`, no time limit) the restart beat the plan it
/// restarted from in nine, by up to 1.1 % of its value.
fn restarted_on_support(
    form: &MinForm,
    bound: &lagrange::Bound,
    options: &SolveOptions,
    deadline: Instant,
) -> Option<Candidate> {
    let outside: Vec<bool> = bound
        .support()?
        .iter()
        .zip(&form.forced)
        .map(|(&kept, &forced)| !kept && !forced)
        .collect();
    if !outside.contains(&true) || Instant::now() >= deadline {
        return None;
    }
    let restricted = form.problem.without_sites(&outside);
    let rest = SolveOptions {
        time_limit: options.time_limit.map(|_| {
            deadline
                .saturating_duration_since(Instant::now())
                .as_secs_f64()
        }),
        // Its bound holds for the restricted problem only: not one to show.
        terminal: Terminal::default(),
        ..*options
    };
    let found = LargeSolver
        .solve_as(&restricted, &rest, Role::Restart)
        .ok()?;
    Some(candidate(form, found.solution.assignment, true))
}

/// Without a time limit, a round of [`go_on`] must close at least this share of the gap
/// between plan and bound to earn another: restarted steps lift the bound by slivers almost
/// every time, and the rounds would go on for those.
const ROUND_SHARE_OF_GAP: f64 = 0.01;

/// How [`go_on`] goes on: the bound's stopping rules, whether a time limit was set (then
/// rounds go on until it), the demand each point may leave unserved, and how long the first
/// plan took: no round begins a plan with less time than that left, since serving one
/// cannot stop half way (it takes about a minute on 10^6 points).
struct Rounds<'a> {
    stop: lagrange::Stop,
    until_limit: bool,
    unserved: &'a [f64],
    plan_takes: std::time::Duration,
}

impl Rounds<'_> {
    /// Whether a plan begun now would end within the limit.
    fn time_for_a_plan(&self) -> bool {
        self.stop.deadline.saturating_duration_since(Instant::now()) >= self.plan_takes
    }
}

/// With time left and the gap above the target, the search goes on in rounds: more
/// subgradient steps from the best multipliers, at a fresh step size, and a plan from that
/// round's multipliers ([`lagrange::greedy_plan`]), served and improved: opened and closed
/// to its best ([`heuristic::add_drop`]) when the number of sites is free, else polished
/// by shakes and swaps. Once neither the bound nor the plan moved, the steps would repeat
/// themselves: rounds then shake the best plan from fresh dice instead, where the polishing
/// moves keep the problem's rules (no sizes or minimum loads). Under a time limit the
/// rounds go on until it or the target gap, so that no time is left unused while the plan
/// is unproven; without one, they end after a round that closes less than
/// [`ROUND_SHARE_OF_GAP`] of the gap, so that runs end, and repeat.
fn go_on(
    form: &MinForm,
    mut best: Allocated,
    mut bound: lagrange::Bound,
    rounds: Rounds,
    progress: &Progress,
) -> (Allocated, lagrange::Bound) {
    let stop = rounds.stop;
    let deadline = stop.deadline;
    let mut steps_pay = true;
    let mut seed = SHAKE_SEED;
    let mut played = 0;
    while Instant::now() < deadline
        && super::relative_gap(best.candidate.value, bound.value) > stop.gap
    {
        played += 1;
        let gap_before = best.candidate.value - bound.value;
        let found = match steps_pay {
            true => {
                let (found, moved) = stepped_round(form, &mut bound, &best, &rounds, progress);
                steps_pay = moved;
                found
            }
            false if form.has_site_rules() || !rounds.time_for_a_plan() => break,
            false => {
                seed += 1;
                Some(polish(
                    form,
                    best.clone(),
                    deadline,
                    progress,
                    seed,
                    POLISH_ROUNDS,
                ))
            }
        };
        if let Some(found) = found.filter(|f| f.candidate.better_than(&best.candidate)) {
            let found = made_whole(form, found, rounds.unserved, deadline);
            progress.plan(form.objective_of(found.candidate.value));
            best = found;
            steps_pay = true;
        }
        let closed = gap_before - (best.candidate.value - bound.value);
        if closed > 0.0 {
            log_round(form, progress, played, &best, &bound);
        }
        if gap_before <= 0.0 || (!rounds.until_limit && closed < ROUND_SHARE_OF_GAP * gap_before) {
            break;
        }
    }
    if played > 0 {
        log_round(form, progress, played, &best, &bound);
    }
    (best, bound)
}

/// Logs the plan and bound after `played` rounds of [`go_on`], when phases are logged.
fn log_round(
    form: &MinForm,
    progress: &Progress,
    played: usize,
    best: &Allocated,
    bound: &lagrange::Bound,
) {
    progress.phase(format_args!(
        "after {played} rounds: plan {}, bound {}",
        form.objective_of(best.candidate.value),
        form.objective_of(bound.value),
    ));
}

/// One round of subgradient steps from `bound`'s multipliers towards `best`: the better
/// bound is kept, with the sites ruled out or in by either, and the plan from the round's
/// multipliers ([`round_plan`]) returned, with whether the bound rose.
fn stepped_round(
    form: &MinForm,
    bound: &mut lagrange::Bound,
    best: &Allocated,
    rounds: &Rounds,
    progress: &Progress,
) -> (Option<Allocated>, bool) {
    let stop = rounds.stop;
    let mut more = lagrange::bound(
        form,
        bound.multipliers.clone(),
        best.candidate.value,
        stop,
        &mut watch_bound(form, progress),
    );
    let found = rounds
        .time_for_a_plan()
        .then(|| {
            let open = lagrange::greedy_plan(form, &more.multipliers);
            round_plan(form, open, rounds.unserved, stop.deadline, progress)
        })
        .flatten();
    let rose = more.value > bound.value;
    if rose {
        for (kept, earlier) in more.ruled_out.iter_mut().zip(&bound.ruled_out) {
            *kept |= *earlier;
        }
        for (kept, earlier) in more.ruled_in.iter_mut().zip(&bound.ruled_in) {
            *kept |= *earlier;
        }
        *bound = more;
    }
    (found, rose)
}

/// A round's plan from the sites `open`: served, then opened and closed to its best when
/// the number of sites is free ([`heuristic::add_drop`]), else polished; `None` when it
/// does not serve everyone it must.
fn round_plan(
    form: &MinForm,
    mut open: Vec<bool>,
    unserved: &[f64],
    deadline: Instant,
    progress: &Progress,
) -> Option<Allocated> {
    let served = complete_allocation(form, &mut open, unserved, deadline);
    if !has_free_count(form.problem) {
        let polished = polish(form, served, deadline, progress, SHAKE_SEED, POLISH_ROUNDS);
        return Some(polished).filter(|p| p.candidate.complete);
    }
    if !places_all(form, &served.candidate.assignment) {
        return None;
    }
    let mut assignment = served.candidate.assignment;
    heuristic::add_drop(form, &mut assignment, deadline);
    Some(Allocated {
        candidate: candidate(form, assignment, true),
        prices: served.prices,
    })
}

/// Whether `problem` is one of fixed charge: capacities, a free number of sites, and all
/// demand to serve (or to leave unplaced at a price); its first plan comes by cost per unit
/// served, and closings and openings.
fn has_free_count(problem: &SitingProblem) -> bool {
    problem.is_capacitated()
        && problem.limits().p.is_none()
        && (problem.serves_all() || problem.limits().unplaced_price.is_some())
}

/// The plan polishing starts from. Where capacities bind and the number of sites is free,
/// the plan by cost per unit served ([`heuristic::cheapest_per_unit`]), which is complete
/// whenever the capacities allow, with sites closed and opened while that pays
/// ([`heuristic::add_drop`]), or its sites served anew when that costs less; otherwise,
/// or when that pass leaves demand unserved, swaps from spread-out sites ([`plan_from`]).
fn first_plan(form: &MinForm, blind: &SwapSearch, deadline: Instant) -> Allocated {
    let Some(greedy) = has_free_count(form.problem)
        .then(|| heuristic::cheapest_per_unit(form))
        .flatten()
    else {
        return plan_from(blind, start_sites(form), deadline);
    };
    if climbs_beside_regions(form) {
        let mut open = greedy.open.clone();
        let served = complete_allocation(form, &mut open, blind.unserved(), deadline);
        if served.candidate.complete {
            return served;
        }
    }
    closed_and_opened(form, greedy, blind.unserved(), deadline)
}

/// A complete fixed-charge plan with sites closed and opened while that pays
/// ([`heuristic::add_drop`]), or its sites served anew when that costs less: the moves
/// price each change by moving only the people it touches, and on the generated
/// fixed-charge city of 10^5 cells their allocation ended at 757.5 M where serving the
/// same sites anew costs 728.7 M.
fn closed_and_opened(
    form: &MinForm,
    mut plan: Assignment,
    unserved: &[f64],
    deadline: Instant,
) -> Allocated {
    heuristic::add_drop(form, &mut plan, deadline);
    let mut open = plan.open.clone();
    let served = complete_allocation(form, &mut open, unserved, deadline);
    let own = candidate(form, plan, true);
    match own.better_than(&served.candidate) {
        true => Allocated {
            candidate: own,
            prices: served.prices,
        },
        false => served,
    }
}

/// A plan from the sites `open`, improved by swaps blind to capacity and served (within
/// the capacities, with sites moved towards anyone left unserved).
pub(super) fn plan_from(blind: &SwapSearch, mut open: Vec<bool>, deadline: Instant) -> Allocated {
    blind.improve(&mut open, deadline);
    complete_allocation(blind.form(), &mut open, blind.unserved(), deadline)
}

/// Improves a plan round by round, each round's change checked by a fresh allocation and
/// priced with the last allocation's capacity prices (none without capacities): first a
/// round of shakes; with capacities, if they did not pay, a pass of swaps, undone and
/// retried with fewer of its best moves, down to one, when it does not lower the value; else
/// every site moved to the best place for the people it serves. The search ends when
/// [`ROUNDS_FAILED`] rounds in a row have not paid.
pub(super) fn polish(
    form: &MinForm,
    mut best: Allocated,
    deadline: Instant,
    progress: &Progress,
    seed: u64,
    rounds: usize,
) -> Allocated {
    let cap = price_cap(form);
    let mut dice = Dice::new(seed);
    let mut failed_in_a_row = 0;
    for _ in 0..rounds {
        if Instant::now() >= deadline {
            break;
        }
        let prices: Vec<f64> = match &best.prices {
            Some(prices) => with_closed_sites_priced(form, &best.candidate.assignment, prices)
                .into_iter()
                .map(|p| p.min(cap))
                .collect(),
            None => vec![0.0; form.problem.sites().len()],
        };
        let search = SwapSearch::new(form, &prices);
        let mut improved = shaken(&search, &best, &mut dice, deadline);
        if best.prices.is_some() {
            improved = improved
                .or_else(|| swapped(&search, &best, deadline))
                .or_else(|| relocated(&search, &best, deadline));
        }
        match improved {
            Some(found) => {
                progress.plan(form.objective_of(found.candidate.value));
                best = found;
                failed_in_a_row = 0;
            }
            None => failed_in_a_row += 1,
        }
        if failed_in_a_row == ROUNDS_FAILED {
            break;
        }
    }
    best
}

/// The capacity `prices` of an allocation, with each closed site that has a capacity priced
/// at what the people in its reach pay for capacity now (their mean price per person,
/// weighted by demand). Left at nothing, the price an allocation gives a closed site, a site
/// opened among full ones would seem to serve all its reach at no price for capacity. On the
/// generated 10^5-cell city under a 60 s limit (one run each), plans ended at 299.9 M priced
/// this way, 300.1 M with only the swaps' capacity credit, 299.1 M with both and 300.9 M
/// with neither.
fn with_closed_sites_priced(form: &MinForm, plan: &Assignment, prices: &[f64]) -> Vec<f64> {
    let problem = form.problem;
    let demand = problem.demand();
    let mut paid = vec![0.0; prices.len()];
    let mut people = vec![0.0; prices.len()];
    for (i, allocations) in plan.allocations.iter().enumerate() {
        let price: f64 = allocations.iter().map(|a| a.share * prices[a.site]).sum();
        for arc in problem.costs().arcs(i).filter(|a| !plan.open[a.site]) {
            paid[arc.site] += price * demand[i].demand;
            people[arc.site] += demand[i].demand;
        }
    }
    (0..prices.len())
        .map(|j| match plan.open[j] || !form.capacity(j).is_finite() {
            true => prices[j],
            false if people[j] > 0.0 => paid[j] / people[j],
            false => 0.0,
        })
        .collect()
}

/// The plan after shaking `best`'s sites ([`heuristic::shake`]) under `search`'s prices and
/// serving the demand anew, if that beats it.
fn shaken(
    search: &SwapSearch,
    best: &Allocated,
    dice: &mut Dice,
    deadline: Instant,
) -> Option<Allocated> {
    let mut trial = best.candidate.assignment.open.clone();
    if !heuristic::shake(search, &mut trial, dice, deadline) {
        return None;
    }
    let found = complete_allocation(search.form(), &mut trial, search.unserved(), deadline);
    found
        .candidate
        .better_than(&best.candidate)
        .then_some(found)
}

/// The plan after one pass of priced swaps (all its independent moves, else its best one)
/// and serving the demand anew, if that beats `best`.
fn swapped(search: &SwapSearch, best: &Allocated, deadline: Instant) -> Option<Allocated> {
    for most in TRIAL_MOVES {
        if Instant::now() >= deadline {
            return None;
        }
        let mut trial = best.candidate.assignment.open.clone();
        if !search.pass(&mut trial, most) {
            return None;
        }
        let found = evaluate(search.form(), &trial, search.unserved(), deadline);
        if found.candidate.better_than(&best.candidate) {
            return Some(found);
        }
    }
    None
}

/// The plan with every site moved to the best place for the people it serves
/// ([`heuristic::relocate`]), if that beats `best`.
fn relocated(search: &SwapSearch, best: &Allocated, deadline: Instant) -> Option<Allocated> {
    if Instant::now() >= deadline {
        return None;
    }
    let form = search.form();
    let moved = heuristic::relocate(form, &best.candidate.assignment)?;
    let found = evaluate(form, &moved, search.unserved(), deadline);
    found
        .candidate
        .better_than(&best.candidate)
        .then_some(found)
}

/// The allocation from `open`, with sites moved towards anyone it leaves unserved until it
/// serves everyone (or the repairs run out).
fn complete_allocation(
    form: &MinForm,
    open: &mut [bool],
    unserved: &[f64],
    deadline: Instant,
) -> Allocated {
    let mut allocated = evaluate(form, open, unserved, deadline);
    for _ in 0..REPAIRS {
        if allocated.candidate.complete
            || Instant::now() >= deadline
            || !make_room(form, open, &allocated.candidate.assignment)
        {
            break;
        }
        allocated = evaluate(form, open, unserved, deadline);
    }
    allocated
}

/// The most a place may be priced at: what one person's dearest trip costs, or one site.
/// Where the allocation leaves people unserved the capacity duals reflect the penalty for
/// that, far beyond any trip, and would drown every other cost in the swaps.
fn price_cap(form: &MinForm) -> f64 {
    let demand = form.problem.demand();
    let per_person = (0..demand.len())
        .filter(|&i| demand[i].demand > 0.0)
        .flat_map(|i| {
            form.problem
                .costs()
                .arc_range(i)
                .map(move |arc| form.arc_cost[arc] / demand[i].demand)
        })
        .fold(0.0, f64::max);
    per_person + form.open_cost.iter().copied().fold(0.0, f64::max)
}

/// An allocation and, with capacities, the prices that steer the searches that polish it.
#[derive(Clone)]
pub(super) struct Allocated {
    pub(super) candidate: Candidate,
    prices: Option<Vec<f64>>,
}

/// Serves the demand from `open`: nearest site without capacities, else the transportation
/// program, or above [`LP_MAX_POINTS`] a fill at adjusted capacity prices; with capacities
/// it also finds those prices, for the searches. Falls back to nearest-site service when the
/// program cannot be solved in time, which the caller sees as an incomplete plan.
///
/// The searches take adjusted prices even where the program serves the demand: its duals are
/// one corner of a degenerate program's many, and crediting open sites with their capacity at
/// those made polishing erratic. On 12 generated cities of 2,000 to 10,000 cells the plans
/// ended 1.52 % above the bound on average (3.19 % at worst) with the duals, 1.19 % (1.67 %)
/// with adjusted prices.
pub(super) fn evaluate(
    form: &MinForm,
    open: &[bool],
    unserved: &[f64],
    deadline: Instant,
) -> Allocated {
    let problem = form.problem;
    if problem.is_capacitated() {
        let prices = heuristic::adjusted_prices(form, open, unserved, deadline);
        let served = match problem.demand().len() > LP_MAX_POINTS {
            true => Some(heuristic::fill(form, open, unserved, &prices, deadline)),
            false => heuristic::transport(form, open, unserved, deadline, Columns::Shares),
        };
        if let Some(found) = served {
            let serves_all = found.unserved.is_empty() || !problem.serves_all();
            return Allocated {
                candidate: candidate(form, found.assignment, serves_all),
                prices: Some(prices),
            };
        }
    }
    let assignment = Assignment {
        open: open.to_vec(),
        allocations: heuristic::nearest_open(problem, open),
    };
    let complete = !problem.is_capacitated()
        && (!problem.serves_all() || assignment.allocations.iter().all(|a| !a.is_empty()));
    Allocated {
        candidate: candidate(form, assignment, complete),
        prices: None,
    }
}

/// `best`, a single-source plan, served anew by the program with whole columns
/// ([`heuristic::transport`] with [`Columns::Whole`]), when that costs less. Only where
/// the transportation program serves the demand (up to [`LP_MAX_POINTS`] points), and too
/// slow for every move, so it serves the plans the search settles on: on a generated
/// single-source city of 402 cells and 402 sites (p = 30) the rounded shares served the 30
/// sites of a plan for 4,011,637 where the optimum for those sites is 3,967,296.
fn made_whole(form: &MinForm, best: Allocated, unserved: &[f64], deadline: Instant) -> Allocated {
    let problem = form.problem;
    if !(problem.limits().single_source
        && problem.is_capacitated()
        && problem.demand().len() <= LP_MAX_POINTS
        && Instant::now() < deadline)
    {
        return best;
    }
    let open = &best.candidate.assignment.open;
    let Some(found) = heuristic::transport(form, open, unserved, deadline, Columns::Whole) else {
        return best;
    };
    let serves_all = found.unserved.is_empty() || !problem.serves_all();
    let whole = candidate(form, found.assignment, serves_all);
    match whole.better_than(&best.candidate) {
        true => Allocated {
            candidate: whole,
            prices: best.prices,
        },
        false => best,
    }
}

/// Opens sites where `assignment` leaves people unserved: each time the closed site in reach
/// of the most unserved people, until all of them have one; with `p` fixed, as many of the
/// least-used open sites close. Whether anything changed.
fn make_room(form: &MinForm, open: &mut [bool], assignment: &Assignment) -> bool {
    let problem = form.problem;
    let mut left: Vec<(usize, f64)> = (0..problem.demand().len())
        .map(|i| (i, 1.0 - assignment.served_share(i)))
        .filter(|&(_, share)| share > 1e-7)
        .map(|(i, share)| (i, share * problem.demand()[i].demand.max(1e-9)))
        .collect();
    let mut opened = Vec::new();
    while !left.is_empty() {
        let mut reach = vec![0.0; open.len()];
        for &(i, amount) in &left {
            for arc in problem.costs().arcs(i).filter(|a| !open[a.site]) {
                reach[arc.site] += amount;
            }
        }
        let Some(site) = (0..open.len())
            .filter(|&j| reach[j] > 0.0 && !form.plot_taken(open, j, None))
            .max_by(|&a, &b| reach[a].total_cmp(&reach[b]).then(b.cmp(&a)))
        else {
            break;
        };
        open[site] = true;
        opened.push(site);
        left.retain(|&(i, _)| problem.costs().arcs(i).all(|a| a.site != site));
    }
    if problem.limits().p.is_some() {
        let loads = assignment.loads(problem);
        let mut closable: Vec<usize> = (0..open.len())
            .filter(|&j| open[j] && !form.forced[j] && !opened.contains(&j))
            .collect();
        closable.sort_by(|&a, &b| loads[a].total_cmp(&loads[b]).then(a.cmp(&b)));
        for &j in closable.iter().take(opened.len()) {
            open[j] = false;
        }
    }
    !opened.is_empty()
}

/// A plan is complete when it serves all it must and keeps to the limits on new sites and
/// budget, to one size per plot and to the sites' minimum loads.
fn candidate(form: &MinForm, assignment: Assignment, serves_all: bool) -> Candidate {
    let value = form.objective_of(assignment.objective_value(form.problem));
    let complete = serves_all
        && form.problem.within_limits(&assignment.open)
        && (!form.has_site_rules() || form.keeps_site_rules(&assignment));
    Candidate {
        assignment,
        value,
        complete,
    }
}

/// Whether `assignment` serves everyone it must (all but those who may stay unplaced).
fn places_all(form: &MinForm, assignment: &Assignment) -> bool {
    let problem = form.problem;
    !problem.serves_all()
        || (0..problem.demand().len()).all(|i| {
            problem.demand()[i].demand <= 0.0
                || assignment.served_share(i) >= 1.0 - tolerance::UNSERVED
        })
}

/// What each point costs in `assignment`, the multipliers the bound starts from: its trips,
/// and each site's opening cost shared among the people it serves, so that the sites of the
/// plan start near a worth of nothing. Without the shares the first relaxations opened
/// almost no site on a generated fixed-charge city, and the bound took most of a minute
/// to climb.
fn point_values(form: &MinForm, assignment: &Assignment) -> Vec<f64> {
    let problem = form.problem;
    let costs = problem.costs();
    let loads = assignment.loads(problem);
    let demand = problem.demand();
    (0..demand.len())
        .map(|i| {
            let served: f64 = assignment.allocations[i]
                .iter()
                .map(|a| {
                    #[allow(
                        clippy::expect_used,
                        reason = "every plan allocates along arcs of the problem"
                    )]
                    let arc = costs.arc_of(i, a.site).expect("allocations use arcs");
                    let opening_share = match loads[a.site] > 0.0 {
                        true => form.open_cost[a.site] * demand[i].demand / loads[a.site],
                        false => 0.0,
                    };
                    a.share * (form.arc_cost[arc] + opening_share)
                })
                .sum();
            let left = 1.0 - assignment.served_share(i);
            served
                + form
                    .unserved_cost
                    .as_ref()
                    .map_or(0.0, |u| left.max(0.0) * u[i])
        })
        .collect()
}

/// The existing sites, then the sites nearest to the most demand, until `p` are open (or,
/// when `p` is free, every site some point has nearest, as far as the limits on new sites
/// and budget allow): a spread-out start for the swaps.
fn start_sites(form: &MinForm) -> Vec<bool> {
    let problem = form.problem;
    let mut open = form.forced.clone();
    let mut nearest_demand = vec![0.0; open.len()];
    for (i, point) in problem.demand().iter().enumerate() {
        if let Some(arc) = problem.costs().arcs(i).next() {
            nearest_demand[arc.site] += point.demand.max(f64::MIN_POSITIVE);
        }
    }
    let mut order: Vec<usize> = (0..open.len()).filter(|&j| !open[j]).collect();
    order.sort_by(|&a, &b| {
        nearest_demand[b]
            .total_cmp(&nearest_demand[a])
            .then(a.cmp(&b))
    });
    let already = open.iter().filter(|&&o| o).count();
    let wanted = match problem.limits().p {
        Some(p) => p.saturating_sub(already),
        None => order.iter().filter(|&&j| nearest_demand[j] > 0.0).count(),
    };
    let limits = problem.limits();
    let (mut new_sites, mut spent) = (0, 0.0);
    for &j in order.iter().take(wanted) {
        let site = &problem.sites()[j];
        let is_new = usize::from(site.status == SiteStatus::Candidate);
        let fits = limits.admits(new_sites + is_new, spent + site.fixed_cost);
        if fits || limits.p.is_some() {
            open[j] = true;
            new_sites += is_new;
            spent += site.fixed_cost;
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Allocation, Limits};
    use crate::solve::test_problems::{
        one_plot_in_two_sizes, planner_line, priced_line, villages_on_a_line, LineSchool,
    };
    use crate::solve::ExactSolver;
    use std::time::Duration;

    /// Villages a, b (10 + 20 pupils) go to S1 at km 0, priced 2 a pupil, c and d (30 + 50)
    /// to S2 at km 6, priced nothing. Closed S3, with every village in reach, is priced at
    /// their mean: (10 + 20)·2 / 110; closed S4, without a capacity, stays unpriced.
    #[test]
    fn a_closed_site_is_priced_at_what_the_people_in_reach_pay() {
        let problem = villages_on_a_line(
            Limits::default(),
            &[
                (0.0, Some(30.0), SiteStatus::Candidate),
                (6.0, Some(100.0), SiteStatus::Candidate),
                (3.0, Some(100.0), SiteStatus::Candidate),
                (3.0, None, SiteStatus::Candidate),
            ],
        );
        let whole = |site| vec![Allocation { site, share: 1.0 }];
        let plan = Assignment {
            open: vec![true, true, false, false],
            allocations: vec![whole(0), whole(0), whole(1), whole(1)],
        };
        let form = MinForm::new(&problem);
        let prices = with_closed_sites_priced(&form, &plan, &[2.0, 0.0, 0.0, 0.0]);
        assert_eq!(prices, [2.0, 0.0, 60.0 / 110.0, 0.0]);
    }

    #[test]
    fn polishing_gets_half_of_a_time_limit_and_all_the_time_without_one() {
        let started = Instant::now();
        let limited = SolveOptions {
            time_limit: Some(10.0),
            ..SolveOptions::default()
        };
        assert_eq!(
            polish_deadline(&limited, started),
            started + Duration::from_secs(5)
        );
        let unlimited = SolveOptions::default();
        assert_eq!(
            polish_deadline(&unlimited, started),
            unlimited.deadline_from(started)
        );
    }

    /// With no time at all, a fixed-charge problem still gets a plan that serves every
    /// village within the rooms: the plan by cost per unit served comes before any deadline
    /// is looked at. 400 villages of 1 to 7 pupils along 40 km (1,600 pupils), 40 schools of
    /// 60 places (2,400) at 100 to 180 to open.
    #[test]
    fn a_fixed_charge_plan_stands_without_any_time() {
        let villages: Vec<(f64, f64)> = (0..400)
            .map(|i| (f64::from(i) * 0.1, f64::from(1 + i % 7)))
            .collect();
        let schools: Vec<(f64, f64, f64)> = (0..40)
            .map(|j| (f64::from(j) + 0.5, 60.0, f64::from(100 + 20 * (j % 5))))
            .collect();
        let problem = priced_line(&villages, &schools, false);
        let options = SolveOptions {
            time_limit: Some(0.0),
            ..SolveOptions::default()
        };
        let found = LargeSolver
            .solve_as(&problem, &options, Role::Answer)
            .expect("a plan");
        let plan = &found.solution.assignment;
        assert!((0..villages.len()).all(|i| (plan.served_share(i) - 1.0).abs() < 1e-9));
        let loads = plan.loads(&problem);
        assert!(loads.iter().all(|&load| load <= 60.0 + 1e-9), "{loads:?}");
        assert_eq!(found.solution.objective, plan.objective_value(&problem));
        assert!(found.solution.bound <= found.solution.objective);
    }

    /// Schools of 40 places at km 0 and km 4 (10 each to open) for villages of 30, 20 and
    /// 20 pupils at km 0, 1 and 4: neither school holds all 70, so both open (20). Split,
    /// S1 takes a and 10 of b (10 km), S2 the other 10 of b (30) and c: 60. Whole, a and b
    /// no longer fit in S1 together: b goes to S2 (60 km), 80 in all.
    #[test]
    fn single_source_pays_for_whole_catchments_where_splitting_is_cheaper() {
        let villages = [(0.0, 30.0), (1.0, 20.0), (4.0, 20.0)];
        let schools = [(0.0, 40.0, 10.0), (4.0, 40.0, 10.0)];
        for (single_source, value) in [(false, 60.0), (true, 80.0)] {
            let problem = priced_line(&villages, &schools, single_source);
            let found = LargeSolver
                .solve_as(&problem, &SolveOptions::default(), Role::Answer)
                .expect("a plan");
            let plan = &found.solution.assignment;
            assert_eq!(found.solution.objective, value, "{plan:?}");
            assert!(found.solution.bound <= value + 1e-9, "{found:?}");
            let whole = plan.allocations.iter().all(|a| a.len() == 1);
            assert_eq!(whole, single_source, "{plan:?}");
        }
    }

    /// Planner-grade rules on a line of 60 villages (1 to 9 pupils every 0.25 km): a plot
    /// every 2 km in three sizes (30, 60 and 90 places for 60, 90 and 110), each opening only
    /// for half its places, and 40 a pupil left unplaced. The plan keeps one size per plot and
    /// every minimum load, and the optimum HiGHS proves lies between its bound and its value.
    #[test]
    fn a_plan_with_sizes_minimum_loads_and_unplaced_pupils_keeps_its_rules() {
        let villages: Vec<(f64, f64)> = (0..60)
            .map(|i| (f64::from(i) * 0.25, f64::from(1 + (i * 7) % 9)))
            .collect();
        let schools: Vec<LineSchool> = (0..8)
            .flat_map(|plot| {
                [(30.0, 60.0), (60.0, 90.0), (90.0, 110.0)].map(|(room, opening)| LineSchool {
                    at: 2.0 * f64::from(plot as u8),
                    room,
                    opening,
                    min_load: room / 2.0,
                    plot: Some(plot),
                })
            })
            .collect();
        let limits = Limits {
            unplaced_price: Some(40.0),
            ..Limits::default()
        };
        let problem = planner_line(&villages, &schools, limits);
        let options = SolveOptions::default();
        let found = LargeSolver
            .solve_as(&problem, &options, Role::Answer)
            .expect("a plan");
        let plan = &found.solution.assignment;
        assert!(MinForm::new(&problem).keeps_site_rules(plan));
        let loads = plan.loads(&problem);
        assert!((0..schools.len()).all(|j| loads[j] <= schools[j].room + 1e-9));
        let Ok(Outcome::Solved(exact)) = ExactSolver.solve(&problem, &options) else {
            panic!("HiGHS proves the optimum");
        };
        let optimum = exact.objective;
        assert!(
            found.solution.bound <= optimum + 1e-6,
            "{found:?} {optimum}"
        );
        assert!(found.solution.objective >= optimum - 1e-6);
        assert_eq!(found.solution.objective, plan.objective_value(&problem));
    }

    /// Villages of 20 at km 0 and 1, one plot at km 0 in two sizes (20 places for 10, 40 for
    /// 20), 5 a pupil without a place: the large size serving both, 20 + 20 = 40, is the
    /// optimum (the small one costs 110 or 130), and the bound proves it.
    #[test]
    fn the_size_that_holds_everyone_is_chosen_and_proven() {
        let problem = one_plot_in_two_sizes();
        let found = LargeSolver
            .solve_as(&problem, &SolveOptions::default(), Role::Answer)
            .expect("a plan");
        assert_eq!(found.solution.assignment.open, [false, true]);
        assert_eq!(found.solution.objective, 40.0);
        assert!(found.solution.bound <= 40.0);
    }
}
