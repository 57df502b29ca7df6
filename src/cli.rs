//! The command line: every flag's doc comment is its `--help` text.

use clap::{Parser, Subcommand};
use defacto::export::Format;
use defacto::input::scenario::Profile;
use defacto::model::Method;
use defacto::solve::Terminal;
use std::path::PathBuf;

/// Where to build schools, clinics and public rental housing so that everyone who lives in a
/// city is served — the de facto population, not only registered (hukou) residents.
#[derive(Debug, Parser)]
#[command(name = "defacto", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Exit codes, shown at the end of `--help`.
const EXIT_CODES: &str = "Exit codes:
  0  a plan was found: optimal; feasible when a limit stopped the search; partial when it
     leaves some demand without a place (summary.md counts them and says why)
  1  bad input: the message names the file, the row or feature, and the field (for a
     scenario, its path, e.g. services.primary_school.radius_m)
  2  bad command line
  3  no plan exists, or it places nobody: the message and summary.json say why (plan: for
     some service; the other services' plans are written)
  4  the solver failed or found no plan within the time limit
  5  the outputs could not be written";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Solve a siting problem given as tables (problem.toml + demand, sites, costs CSVs).
    ///
    /// Writes OUT/summary.json (objective, proven bound, status, open sites, seconds),
    /// OUT/assignments.csv (who is served where) and OUT/open_sites.csv (load and utilisation
    /// of every open site), or with `--format gpkg` the two tables in OUT/solution.gpkg. The problem format is described in docs/problem-format.md.
    ///
    /// Example:
    ///   defacto solve examples/own_matrix/problem.toml --out out/own_matrix
    Solve(SolveArgs),

    /// Plan schools, health centres and public rental housing for a city from a scenario file.
    ///
    /// Reads the zone boundaries, residents per zone by group (registered / hukou
    /// and non-hukou), existing facilities and the standards of each service; spreads
    /// residents onto a grid; sites new capacity for each service within its radius; and
    /// writes the layers into OUT as GeoJSON (styled in QGIS, the default), as one styled
    /// GeoPackage (`--format gpkg`) or as CSV only, with districts.csv, summary.json and
    /// summary.md. Boundaries and point files may be GeoJSON, Shapefile or GeoPackage. Scenarios can `extends = "base.toml"` and override a few
    /// values, e.g. `basis = "hukou"` to see what planning by registered population misses.
    /// A scenario with `[phases] years = [...]` is planned over those years at once (what to
    /// build by each year; `{year}` in the population settings reads each year's residents):
    /// a plan folder per year in OUT, with phases.csv, sites_by_phase and summary.md beside.
    ///
    /// Examples:
    ///   defacto plan scenarios/zhengzhou_erqi.toml --out out/zhengzhou_erqi
    ///   defacto plan scenarios/zhengzhou_erqi_phased.toml --out out/zhengzhou_erqi_phased
    Plan(PlanArgs),

    /// Travel costs along the streets between two sets of points, as a costs.csv.
    ///
    /// Reads the streets of an OpenStreetMap extract (.osm.pbf) or GeoJSON LineStrings for a
    /// walking or driving profile, keeps the largest connected piece, places every point on
    /// its nearest street node, and writes OUT/costs.csv (demand_id, site_id, cost — the
    /// table `defacto solve` reads) with every pair within the limit, and OUT/unplaced.csv
    /// with the points too far from any street. Costs are cached on disk (in $DEFACTO_CACHE,
    /// else ~/.cache/defacto/costs), keyed by a hash of all inputs.
    ///
    /// Example:
    ///   defacto costs --network maps/helsinki/helsinki.osm.pbf --from homes.geojson
    ///     --to schools.geojson --max-minutes 15 --out out/costs
    Costs(CostsArgs),

    /// Compare plans side by side: scenario files (planned first) or finished plan folders.
    ///
    /// For each service: demand served within the standard's reach (share and amount), mean
    /// and 95th-percentile travel of the demand served, unmet demand — for everyone,
    /// registered (hukou) and non-hukou residents, and per district — and what each plan
    /// builds: new and expanded sites, places added, cost, utilisation. The first plan is the
    /// baseline; every other gets its difference from it. A scenario file is planned into
    /// OUT/<file name>/ first (the same files as `defacto plan`). Writes OUT/comparison.md,
    /// comparison.csv, comparison.json and report.html (one file, opens offline: the tables,
    /// a map per plan, the travel distribution of hukou and non-hukou residents). One input
    /// gives the report of that plan alone. A phased plan (a scenario with `[phases]`, or its
    /// folder) is compared as one plan per year, named `<name> <year>`.
    ///
    /// Example:
    ///   defacto compare scenarios/zhengzhou_erqi.toml scenarios/zhengzhou_erqi_hukou.toml
    ///     --out out/comparison
    Compare(CompareArgs),
}

/// Arguments of `defacto compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario files (.toml) or folders written by `defacto plan` (format geojson or csv);
    /// the first is the baseline. Each is named by its file or folder name, so names must
    /// differ; each year of a phased plan by that name and the year.
    #[arg(required = true, value_name = "SCENARIO_OR_PLAN")]
    pub inputs: Vec<PathBuf>,

    /// Folder for the comparison (and the plans of scenario files, in sub-folders).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Limits and output of the scenarios planned here.
    #[command(flatten)]
    pub planning: PlanningArgs,
}

/// Arguments of `defacto costs`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("limit").required(true).args(["max_minutes", "max_metres"])))]
pub struct CostsArgs {
    /// Streets: an OpenStreetMap extract (.osm.pbf) or GeoJSON LineStrings with OSM-style
    /// `highway`, `oneway` and `maxspeed` properties.
    #[arg(long, value_name = "FILE")]
    pub network: PathBuf,

    /// How people travel: `walk` (5 km/h, both ways on every walkable way) or `drive`
    /// (road-class speeds, one-way streets respected).
    #[arg(long, default_value = "walk", value_parser = profile)]
    pub profile: Profile,

    /// Demand points: GeoJSON points with an id property.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,

    /// Sites: GeoJSON points with an id property.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,

    /// Property holding each point's id in both point files.
    #[arg(long, default_value = "id")]
    pub id_field: String,

    /// Keep pairs within this many minutes; costs are then minutes.
    #[arg(long, value_name = "MINUTES", value_parser = positive)]
    pub max_minutes: Option<f64>,

    /// Keep pairs within this many metres along the streets; costs are then metres.
    #[arg(long, value_name = "METRES", value_parser = positive)]
    pub max_metres: Option<f64>,

    /// Points farther than this from every street node are reported, not placed.
    #[arg(long, value_name = "METRES", default_value_t = 300.0, value_parser = positive)]
    pub max_snap_m: f64,

    /// Folder for costs.csv and unplaced.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Print nothing on success.
    #[arg(long, short)]
    pub quiet: bool,
}

fn profile(text: &str) -> Result<Profile, String> {
    match text {
        "walk" => Ok(Profile::Walk),
        "drive" => Ok(Profile::Drive),
        _ => Err(format!("`{text}` is not a profile: use walk or drive")),
    }
}

/// Arguments of `defacto plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The scenario file (TOML); paths in it are read relative to it.
    pub scenario: PathBuf,

    /// Folder for the outputs; created if missing, files of the same name replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Time and node limits, quiet, verbose.
    #[command(flatten)]
    pub planning: PlanningArgs,

    /// How the layers are written. `geojson`: sites, demand_points, allocations, catchments
    /// (the cells each site serves, dissolved) and districts as .geojson, each with a .qml
    /// style, plus plan.qgs, a QGIS project that opens them as a finished map (a group per
    /// service), and sites.csv and demand_points.csv. `gpkg`: one plan.gpkg holding the five
    /// layers (EPSG:4326) with their styles and the same QGIS project inside (QGIS: Project >
    /// Open From > GeoPackage). `csv`: sites.csv, demand_points.csv and catchments.csv only,
    /// no layers. Every format also writes districts.csv, summary.json and summary.md.
    #[arg(long, value_name = "FORMAT", default_value = "geojson", value_parser = plan_format)]
    pub format: Format,
}

/// Options of the commands that plan scenarios.
#[derive(Debug, clap::Args)]
pub struct PlanningArgs {
    /// Seconds per service before the best plan found is kept (with its proven bound);
    /// overrides `[solve] time_limit_s` of the scenario.
    #[arg(long, value_name = "SECONDS", value_parser = positive)]
    pub time_limit: Option<f64>,

    /// Node limit (per service; overrides `[solve] node_limit`), quiet, verbose.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `defacto solve`.
#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// The problem file (problem.toml); the tables it names are read relative to it.
    pub problem: PathBuf,

    /// Folder for the outputs; created if missing, files of the same name replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Stop after this many seconds of solving and keep the best plan found, reported as
    /// `feasible` with its proven bound (reading the tables and writing the outputs come on
    /// top). A plan not yet proven within --gap is searched on until then.
    #[arg(long, value_name = "SECONDS", default_value_t = 600.0, value_parser = positive)]
    pub time_limit: f64,

    /// Stop once the plan is proven within this relative gap of the best possible
    /// (0.01 = 1 %). The default 0 asks for a proven optimum.
    #[arg(long, value_name = "RELATIVE", default_value_t = 0.0, value_parser = non_negative)]
    pub gap: f64,

    /// How the tables are written. `csv`: assignments.csv and open_sites.csv. `gpkg`: one
    /// solution.gpkg with the same tables as `assignments` and `open_sites` (attribute
    /// tables, for joining to your own layers in QGIS). Both write summary.json. There is no
    /// `geojson`: a problem given as tables has no coordinates.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = solve_format)]
    pub format: Format,

    /// Node limit, --quiet and --verbose.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Options `plan` and `solve` share: how far to search and what to print.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Stop after this many branch-and-bound nodes (HiGHS's, or the heuristic's search over
    /// sites) and keep the best plan found. Unlike a time limit it stops at the same point on
    /// every run, so results repeat byte for byte.
    #[arg(long, value_name = "NODES")]
    pub node_limit: Option<u64>,

    /// `exact` solves the mixed-integer model with HiGHS (proves optimality; practical up
    /// to about 10^5 cost pairs with capacities, 10^6 without). `heuristic` swaps sites and
    /// bounds the optimum by Lagrangian relaxation: city-sized problems in seconds, with the
    /// gap to the proven bound reported. `auto` (the default) picks by size.
    #[arg(long, value_parser = method)]
    pub method: Option<Method>,

    /// Print nothing on success, and no progress line.
    #[arg(long, short)]
    pub quiet: bool,

    /// Show the HiGHS solver log, and the time each phase takes: reading the tables, and the
    /// large-problem solver's first plan, polished plan and bound.
    #[arg(long)]
    pub verbose: bool,
}

impl RunArgs {
    /// What the solver shows on the terminal.
    pub fn terminal(&self) -> Terminal {
        Terminal {
            solver_log: self.verbose,
            progress: !self.quiet,
        }
    }
}

fn method(text: &str) -> Result<Method, String> {
    Method::ALL
        .into_iter()
        .find(|m| m.name() == text)
        .ok_or_else(|| format!("`{text}` is not a method: use auto, exact or heuristic"))
}

fn plan_format(text: &str) -> Result<Format, String> {
    Format::ALL
        .into_iter()
        .find(|f| f.name() == text)
        .ok_or_else(|| format!("`{text}` is not a format: use geojson, gpkg or csv"))
}

fn solve_format(text: &str) -> Result<Format, String> {
    match plan_format(text)? {
        Format::Geojson => Err(
            "solve writes tables without coordinates (a problem given as tables has no \
             locations), so there is no GeoJSON to write: use csv or gpkg"
                .into(),
        ),
        other => Ok(other),
    }
}

fn number(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!("`{text}` is not a finite number"))
    }
}

fn positive(text: &str) -> Result<f64, String> {
    number(text).and_then(|v| match v > 0.0 {
        true => Ok(v),
        false => Err(format!("{v} must be greater than 0")),
    })
}

fn non_negative(text: &str) -> Result<f64, String> {
    number(text).and_then(|v| match v >= 0.0 {
        true => Ok(v),
        false => Err(format!("{v} must be 0 or more")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn solve_has_no_geojson_format() {
        assert_eq!(plan_format("geojson"), Ok(Format::Geojson));
        assert_eq!(solve_format("gpkg"), Ok(Format::Gpkg));
        assert!(solve_format("geojson")
            .unwrap_err()
            .contains("without coordinates"));
        assert!(plan_format("shp").is_err());
    }

    #[test]
    fn limits_must_be_sensible_numbers() {
        assert_eq!(positive("2.5"), Ok(2.5));
        assert!(positive("0").is_err());
        assert!(positive("inf").is_err());
        assert!(non_negative("-0.1").is_err());
        assert_eq!(non_negative("0"), Ok(0.0));
    }
}
