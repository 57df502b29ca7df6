//! One function per subcommand, wiring the stages together.

use crate::cli::{Cli, Command, CompareArgs, CostsArgs, PlanArgs, PlanningArgs, SolveArgs};
use crate::error::Error;
use defacto::compare::{self, figures::PlanFigures, read::PlanTables, Comparison};
use defacto::demand::standards::ServiceKind;
use defacto::export::{self, ExportError, Format};
use defacto::input;
use defacto::input::geojson::{read_points, Datum, PointFeature};
use defacto::model::SiteStatus;
use defacto::pipeline::{self, CityPlan, PhasedCityPlan, Standing};
use defacto::plan::Plan;
use defacto::report;
use defacto::solve::{self, Outcome, SolveOptions};
use defacto::travel::cache::{network_costs, NetworkCosts};
use defacto::travel::routes::{Reach, Unit};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Solve(args) => solve(&args),
        Command::Plan(args) => plan(&args),
        Command::Costs(args) => costs(&args),
        Command::Compare(args) => compare(&args),
    }
}

fn costs(args: &CostsArgs) -> Result<(), Error> {
    let started = Instant::now();
    let from = read_points(&args.from, &args.id_field, Datum::Wgs84)?;
    let to = read_points(&args.to, &args.id_field, Datum::Wgs84)?;
    let (unit, limit) = match (args.max_minutes, args.max_metres) {
        (Some(minutes), _) => (Unit::Minutes, minutes),
        (None, metres) => (Unit::Metres, metres.unwrap_or(f64::INFINITY)),
    };
    let reach = Reach {
        profile: args.profile,
        unit,
        limit,
        max_snap_m: args.max_snap_m,
    };
    let locations = |points: &[PointFeature]| points.iter().map(|p| p.location).collect::<Vec<_>>();
    let found = network_costs(&args.network, reach, &locations(&from), &locations(&to))?;
    let ids = |points: &[PointFeature]| points.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    let written = export::write_costs(&args.out, &ids(&from), &ids(&to), &found.routes)?;
    if !args.quiet {
        print_costs(
            args,
            &found,
            unit,
            limit,
            &written,
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(())
}

fn print_costs(
    args: &CostsArgs,
    found: &NetworkCosts,
    unit: Unit,
    limit: f64,
    written: &[PathBuf],
    seconds: f64,
) {
    let built = found.built;
    say(format_args!(
        "{}: {} nodes, {} edges for {}; dropped {} detached piece(s) with {} nodes{}",
        args.network.display(),
        built.nodes,
        built.edges,
        args.profile.name(),
        built.dropped.pieces,
        built.dropped.nodes,
        if found.from_cache {
            "; costs read from the cache"
        } else {
            ""
        }
    ));
    let routes = &found.routes;
    say(format_args!(
        "  {} pairs within {limit} {}; {} demand point(s) and {} site(s) farther than {} m from the streets",
        routes.pairs.len(),
        unit.symbol(),
        routes.unplaced_from.len(),
        routes.unplaced_to.len(),
        args.max_snap_m
    ));
    print_written(written, seconds);
}

fn plan(args: &PlanArgs) -> Result<(), Error> {
    let started = Instant::now();
    let scenario = read_scenario(&args.scenario, &args.planning)?;
    if let Some(phases) = scenario.phases.clone() {
        return plan_phases(args, scenario, &phases, started);
    }
    let (city, written) = plan_into(
        &args.scenario,
        scenario,
        &args.out,
        &args.planning,
        args.format,
    )?;
    if !args.planning.run.quiet {
        print_city(&city, &written, started.elapsed().as_secs_f64());
    }
    no_plan_for(&city)
}

/// An error naming the services without a plan, if any.
fn no_plan_for(city: &CityPlan) -> Result<(), Error> {
    let infeasible: Vec<&str> = city
        .services
        .iter()
        .filter(|s| s.standing() == Standing::Infeasible)
        .map(|s| s.service.kind.name())
        .collect();
    match infeasible.is_empty() {
        true => Ok(()),
        false => Err(Error::NoPlanFor(infeasible.join(", "))),
    }
}

/// Plans a phased scenario and writes a folder per phase beside the phases' summary.
fn plan_phases(
    args: &PlanArgs,
    scenario: input::Scenario,
    phases: &input::scenario::PhaseSettings,
    started: Instant,
) -> Result<(), Error> {
    let (plan, written) = phased_into(
        &args.scenario,
        scenario,
        phases,
        &args.out,
        &args.planning,
        args.format,
    )?;
    if !args.planning.run.quiet {
        print_phased(&plan, &written, &args.out, started.elapsed().as_secs_f64());
    }
    plan.phases.iter().try_for_each(no_plan_for)
}

/// Plans the phased `scenario`, read from `path`, and writes it to `out`.
fn phased_into(
    path: &Path,
    scenario: input::Scenario,
    phases: &input::scenario::PhaseSettings,
    out: &Path,
    planning: &PlanningArgs,
    format: Format,
) -> Result<(PhasedCityPlan, Vec<PathBuf>), Error> {
    let run = &planning.run;
    let mut progress = progress_line(run.quiet);
    let plan = pipeline::plan_phased(path, scenario, phases, run.terminal(), &mut progress)?;
    let written = export::write_phased(out, &plan, format)?;
    Ok((plan, written))
}

/// Each year's services, then each service's value over the whole plan against planning one
/// phase at a time.
fn print_phased(plan: &PhasedCityPlan, written: &[PathBuf], out: &Path, seconds: f64) {
    say(format_args!("{}", plan.scenario.title));
    for (year, city) in plan.years.iter().zip(&plan.phases) {
        say(format_args!("  {year}"));
        print_services(city);
    }
    for service in &plan.services {
        if let (Some((value, bound)), Some(alone)) = (service.value, service.in_sequence) {
            say(format_args!(
                "  {:<22} whole plan {:.0} (bound {:.0}); one phase at a time {:.0}",
                service.kind.name(),
                value,
                bound,
                alone
            ));
        }
    }
    say(format_args!(
        "  wrote {} files to {}/ ({seconds:.1} s); read summary.md, and each year's folder",
        written.len(),
        out.display(),
    ));
}

/// The scenario at `path` with the command line's overrides.
fn read_scenario(path: &Path, planning: &PlanningArgs) -> Result<input::Scenario, Error> {
    let run = &planning.run;
    let mut scenario = input::read_scenario(path)?;
    if let Some(seconds) = planning.time_limit {
        scenario.solve.time_limit_s = Some(seconds);
    }
    if let Some(nodes) = run.node_limit {
        scenario.solve.node_limit = Some(nodes);
    }
    if let Some(method) = run.method {
        scenario.solve.method = Some(method);
    }
    Ok(scenario)
}

/// Tells the terminal each service as it starts, unless `quiet`.
fn progress_line(quiet: bool) -> impl FnMut(ServiceKind) {
    move |service: ServiceKind| {
        if !quiet {
            eprintln!("  planning {service} …");
        }
    }
}

/// Plans `scenario`, read from `path`, and writes it to `out`.
fn plan_into(
    path: &Path,
    scenario: input::Scenario,
    out: &Path,
    planning: &PlanningArgs,
    format: Format,
) -> Result<(CityPlan, Vec<PathBuf>), Error> {
    let run = &planning.run;
    let mut progress = progress_line(run.quiet);
    let city = pipeline::plan_scenario(path, scenario, run.terminal(), &mut progress)?;
    if !run.quiet {
        for warning in &city.warnings {
            eprintln!("  warning: {warning}");
        }
    }
    let written = export::write_city(out, &city, format)?;
    Ok((city, written))
}

fn compare(args: &CompareArgs) -> Result<(), Error> {
    let started = Instant::now();
    let mut names: Vec<String> = Vec::new();
    let mut tables: Vec<PlanTables> = Vec::new();
    for input in &args.inputs {
        let name = plan_name(input)?;
        let folder = compared_folder(input, &name, args)?;
        for (label, folder) in compared_plans(&name, &folder)? {
            if names.contains(&label) {
                return Err(Error::Input(input::InputError::BadField {
                    path: input.clone(),
                    field: "name".into(),
                    problem: format!("another input is also named `{label}`; rename one"),
                }));
            }
            tables.push(compare::read::read_plan_folder(&folder)?);
            names.push(label);
        }
    }
    let comparison = Comparison {
        plans: names
            .iter()
            .zip(&tables)
            .map(|(name, t)| PlanFigures::new(name, t))
            .collect(),
    };
    let files = compare::files(&comparison, &tables).map_err(ExportError::from)?;
    let written = export::write_files(&args.out, files)?;
    if !args.planning.run.quiet {
        print_written(&written, started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The plan folder of a compare input: the folder itself, or a scenario file planned into
/// `OUT/<name>/` (compare reads the plan's CSV tables back, so always as GeoJSON and CSV).
fn compared_folder(input: &Path, name: &str, args: &CompareArgs) -> Result<PathBuf, Error> {
    if input.is_dir() {
        return Ok(input.to_path_buf());
    }
    let folder = args.out.join(name);
    if !args.planning.run.quiet {
        eprintln!("planning {} into {}", input.display(), folder.display());
    }
    let scenario = read_scenario(input, &args.planning)?;
    match scenario.phases.clone() {
        Some(phases) => {
            phased_into(
                input,
                scenario,
                &phases,
                &folder,
                &args.planning,
                Format::Geojson,
            )?;
        }
        None => {
            plan_into(input, scenario, &folder, &args.planning, Format::Geojson)?;
        }
    }
    Ok(folder)
}

/// The plans a plan folder stands for, each with the name it is compared by: the folder's
/// plan, or one plan per year of a phased plan (`<name> <year>`).
fn compared_plans(name: &str, folder: &Path) -> Result<Vec<(String, PathBuf)>, Error> {
    Ok(match compare::read::phase_folders(folder)? {
        Some(years) => years
            .into_iter()
            .map(|(year, folder)| (format!("{name} {year}"), folder))
            .collect(),
        None => vec![(name.to_string(), folder.to_path_buf())],
    })
}

/// The name a plan is compared by: a folder's name, or a scenario file's name without
/// `.toml`.
fn plan_name(input: &Path) -> Result<String, Error> {
    let name = match input.is_dir() {
        true => input.file_name(),
        false => input.file_stem(),
    };
    name.map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty() && n != "." && n != "..")
        .ok_or_else(|| {
            Error::Input(input::InputError::BadField {
                path: input.to_path_buf(),
                field: "name".into(),
                problem: "has no file or folder name to label the plan by".into(),
            })
        })
}

fn print_written(written: &[PathBuf], seconds: f64) {
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    say(format_args!(
        "  wrote {}   ({seconds:.2} s)",
        names.join(", ")
    ));
}

fn print_city(city: &CityPlan, written: &[PathBuf], seconds: f64) {
    say(format_args!("{}", city.scenario.title));
    print_services(city);
    print_written_plan(written, seconds);
}

/// One line per service: its status and how many are placed.
fn print_services(city: &CityPlan) {
    let rows = report::district_rows(city);
    for service in &city.services {
        let [demand, placed, within] = report::service_totals(&rows, service.service.kind.name());
        let status = service.standing().name();
        say(format_args!(
            "  {:<22} {:<10} {:.0} of {:.0} {} placed, {:.0} within {} m",
            service.service.kind.name(),
            status,
            placed.total(),
            demand.total(),
            service.service.unit,
            within.total(),
            service.service.radius_m,
        ));
    }
}

/// Where the plan's files went and what to open first.
fn print_written_plan(written: &[PathBuf], seconds: f64) {
    let folder = written
        .first()
        .and_then(|p| p.parent())
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let wrote = |name: &str| written.iter().any(|p| p.ends_with(name));
    let open = if wrote("plan.qgs") {
        "open plan.qgs in QGIS, "
    } else if wrote("plan.gpkg") {
        "open the project in plan.gpkg in QGIS (Project > Open From > GeoPackage), "
    } else {
        ""
    };
    say(format_args!(
        "  wrote {} files to {folder}/ ({seconds:.1} s); {open}read summary.md",
        written.len()
    ));
}

fn solve(args: &SolveArgs) -> Result<(), Error> {
    let started = Instant::now();
    let problem = input::read_problem(&args.problem)?;
    if args.run.verbose {
        eprintln!(
            "read {}: {} demand points, {} sites, {} pairs in {:.1} s",
            args.problem.display(),
            problem.demand().len(),
            problem.sites().len(),
            problem.costs().pair_count(),
            started.elapsed().as_secs_f64()
        );
    }
    let options = SolveOptions {
        time_limit: Some(args.time_limit),
        gap: args.gap,
        node_limit: args.run.node_limit,
        terminal: args.run.terminal(),
        method: args.run.method.unwrap_or_default(),
    };
    match solve::solve(&problem, &options)? {
        Outcome::Solved(solution) => {
            let plan = Plan::new(&problem, solution);
            let written = export::write_solved(
                &args.out,
                &plan,
                started.elapsed().as_secs_f64(),
                args.format,
            )?;
            if !args.run.quiet {
                print_plan(&plan, &written, started.elapsed().as_secs_f64());
            }
            Ok(())
        }
        Outcome::Infeasible(diagnosis) => {
            export::write_infeasible(
                &args.out,
                &diagnosis,
                started.elapsed().as_secs_f64(),
                args.format,
            )?;
            Err(Error::Infeasible(diagnosis))
        }
    }
}

fn print_plan(plan: &Plan, written: &[PathBuf], seconds: f64) {
    let problem = plan.problem;
    let solution = &plan.solution;
    let open = plan.open_sites();
    let new = open
        .iter()
        .filter(|s| s.status == SiteStatus::Candidate)
        .count();
    say(format_args!(
        "{} on {} demand points and {} sites: {}",
        problem.objective().name(),
        problem.demand().len(),
        problem.sites().len(),
        solution.status.name()
    ));
    say(format_args!(
        "  objective {}   bound {}   gap {:.4} %",
        solution.objective,
        solution.bound,
        100.0 * solution.gap()
    ));
    say(format_args!(
        "  open sites {} ({} existing, {} new)   demand served {} of {}",
        open.len(),
        open.len() - new,
        new,
        plan.demand_served(),
        problem.total_demand()
    ));
    print_written(written, seconds);
}

/// Writes a line to standard output; a closed pipe (`defacto … | head`) is not an error: the
/// reader has what it wanted, and the files are written already.
fn say(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}
