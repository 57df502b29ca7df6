//! One function per subcommand, wiring the stages together.

use crate::cli::{Cli, Command, SolveArgs};
use crate::error::Error;
use defacto::export;
use defacto::input;
use defacto::plan::Plan;
use defacto::solve::{self, Outcome, SolveOptions};
use std::path::PathBuf;
use std::time::Instant;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Solve(args) => solve(&args),
    }
}

fn solve(args: &SolveArgs) -> Result<(), Error> {
    let started = Instant::now();
    let problem = input::read_problem(&args.problem)?;
    let options = SolveOptions {
        time_limit: Some(args.time_limit),
        gap: args.gap,
        verbose: args.verbose,
    };
    match solve::solve(&problem, &options)? {
        Outcome::Solved(solution) => {
            let plan = Plan::new(&problem, solution);
            let written = export::write_solved(&args.out, &plan, started.elapsed().as_secs_f64())?;
            if !args.quiet {
                print_plan(&plan, &written, started.elapsed().as_secs_f64());
            }
            Ok(())
        }
        Outcome::Infeasible(diagnosis) => {
            export::write_infeasible(&args.out, &diagnosis, started.elapsed().as_secs_f64())?;
            Err(Error::Infeasible(diagnosis))
        }
    }
}

#[allow(clippy::print_stdout)]
fn print_plan(plan: &Plan, written: &[PathBuf], seconds: f64) {
    let problem = plan.problem;
    let solution = &plan.solution;
    let open = plan.open_sites();
    let new = open.iter().filter(|s| s.status == "new").count();
    println!(
        "{} on {} demand points and {} sites: {}",
        problem.objective().name(),
        problem.demand().len(),
        problem.sites().len(),
        solution.status.name()
    );
    println!(
        "  objective {}   bound {}   gap {:.4} %",
        solution.objective,
        solution.bound,
        100.0 * solution.gap()
    );
    println!(
        "  open sites {} ({} existing, {} new)   demand served {} of {}",
        open.len(),
        open.len() - new,
        new,
        plan.demand_served(),
        problem.total_demand()
    );
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    println!("  wrote {}   ({seconds:.2} s)", names.join(", "));
}
