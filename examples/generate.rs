//! Generates benchmark problems in the table format `defacto solve` reads
//! (`docs/problem-format.md`), from a fixed seed so every run writes the same files.
//!
//! - `city`: a clustered city of `--points` demand cells (pupils per cell) and `--sites`
//!   candidate school sites on a 40 km square, each cell linked to its `--nearest` sites by
//!   straight-line metres; capacitated p-median with `p = sites / 10` by default and room
//!   for 1.2 times the demand.
//! - `fixed`: the same clustered city as a fixed-charge location problem (`min_cost`): each
//!   cell linked to every site within `--radius-m` metres (and to its nearest site when none
//!   is), each site with room for 1.6 times the demand over a tenth of the sites, and an
//!   opening cost of its capacity carried a kilometre, varied ±50 %; `--single-source` serves each
//!   cell wholly from one site (a catchment).
//! - `graph`: the shape of the largest OR-Library p-median instances: a random connected
//!   graph of `--vertices` vertices and 18 edges per vertex with integer edge costs 1–100,
//!   every vertex a demand point and a candidate site, costs the shortest-path lengths.
//!
//! ```sh
//! cargo run --release --example generate -- city --points 100000 --sites 5000 --out /tmp/city
//! cargo run --release --example generate -- fixed --points 10000 --sites 1000 --out /tmp/fc
//! cargo run --release --example generate -- graph --vertices 900 --p 5 --out /tmp/g900
//! ```

use rstar::{primitives::GeomWithData, RTree};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Side of the square city, in metres.
const CITY_SIDE_M: f64 = 40_000.0;

/// Centres of population in the city.
const CLUSTERS: usize = 40;

/// Share of cells and sites drawn around a centre rather than anywhere in the city.
const CLUSTERED_SHARE: f64 = 0.8;

/// Total capacity as a multiple of total demand.
const CAPACITY_SLACK: f64 = 1.2;

/// Fixed-charge cities: a site holds this multiple of the total demand over a tenth of the
/// sites, so that a tenth of them could serve everyone.
const FIXED_CAPACITY_SLACK: f64 = 1.6;

/// Fixed-charge cities: a site's mean opening cost, as its capacity carried this many metres.
const OPENING_COST_M: f64 = 1_000.0;

/// Edges per vertex of the generated graphs: pmed40 has 16,200 edges on 900 vertices.
const EDGES_PER_VERTEX: usize = 18;

/// A small, fast generator (SplitMix64) so the files depend on nothing but the seed.
struct Random(u64);

impl Random {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform integer in [0, n).
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Where people live: centres with a spread and a share of the population.
struct City {
    centres: Vec<([f64; 2], f64)>,
    cumulative_share: Vec<f64>,
}

impl City {
    fn new(random: &mut Random) -> Self {
        let centres: Vec<([f64; 2], f64)> = (0..CLUSTERS)
            .map(|_| {
                let at = [
                    CITY_SIDE_M * (0.1 + 0.8 * random.unit()),
                    CITY_SIDE_M * (0.1 + 0.8 * random.unit()),
                ];
                (at, 800.0 + 2_200.0 * random.unit())
            })
            .collect();
        let sizes: Vec<f64> = (0..CLUSTERS)
            .map(|_| random.unit().powi(2) + 0.05)
            .collect();
        let total: f64 = sizes.iter().sum();
        let cumulative_share = sizes
            .iter()
            .scan(0.0, |sum, size| {
                *sum += size / total;
                Some(*sum)
            })
            .collect();
        Self {
            centres,
            cumulative_share,
        }
    }

    /// A location: near a centre chosen by its share, or anywhere.
    fn place(&self, random: &mut Random) -> [f64; 2] {
        if random.unit() >= CLUSTERED_SHARE {
            return [CITY_SIDE_M * random.unit(), CITY_SIDE_M * random.unit()];
        }
        let pick = random.unit();
        let index = self
            .cumulative_share
            .iter()
            .position(|&share| pick < share)
            .unwrap_or(CLUSTERS - 1);
        let (centre, spread) = self.centres[index];
        let clamp = |v: f64| v.clamp(0.0, CITY_SIDE_M);
        [
            clamp(centre[0] + spread * random.normal()),
            clamp(centre[1] + spread * random.normal()),
        ]
    }
}

struct CityOptions {
    points: usize,
    sites: usize,
    nearest: usize,
    p: Option<usize>,
    seed: u64,
    single_source: bool,
    out: PathBuf,
}

struct FixedOptions {
    points: usize,
    sites: usize,
    radius_m: f64,
    seed: u64,
    single_source: bool,
    out: PathBuf,
}

struct GraphOptions {
    vertices: usize,
    p: usize,
    seed: u64,
    out: PathBuf,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("city") => city_options(&args[1..]).and_then(|o| write_city(&o)),
        Some("fixed") => fixed_options(&args[1..]).and_then(|o| write_fixed(&o)),
        Some("graph") => graph_options(&args[1..]).and_then(|o| write_graph(&o)),
        _ => Err(
            "usage: generate city|fixed|graph [options] --out DIR (see the file's header)".into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `--name`, parsed, or `default` when the flag is absent.
fn flag<T: std::str::FromStr>(
    args: &[String],
    name: &str,
    default: Option<T>,
) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        Some(at) => args
            .get(at + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a value of the right kind")),
        None => default.ok_or_else(|| format!("{name} is required")),
    }
}

fn city_options(args: &[String]) -> Result<CityOptions, String> {
    let sites = flag(args, "--sites", Some(1_000))?;
    Ok(CityOptions {
        points: flag(args, "--points", Some(10_000))?,
        sites,
        nearest: flag(args, "--nearest", Some(20))?,
        p: Some(flag(args, "--p", Some((sites / 10).max(1)))?),
        seed: flag(args, "--seed", Some(1))?,
        single_source: args.iter().any(|a| a == "--single-source"),
        out: flag(args, "--out", None)?,
    })
}

fn fixed_options(args: &[String]) -> Result<FixedOptions, String> {
    Ok(FixedOptions {
        points: flag(args, "--points", Some(10_000))?,
        sites: flag(args, "--sites", Some(1_000))?,
        radius_m: flag(args, "--radius-m", Some(2_500.0))?,
        seed: flag(args, "--seed", Some(1))?,
        single_source: args.iter().any(|a| a == "--single-source"),
        out: flag(args, "--out", None)?,
    })
}

fn graph_options(args: &[String]) -> Result<GraphOptions, String> {
    Ok(GraphOptions {
        vertices: flag(args, "--vertices", Some(900))?,
        p: flag(args, "--p", None)?,
        seed: flag(args, "--seed", Some(1))?,
        out: flag(args, "--out", None)?,
    })
}

fn create(path: &Path) -> Result<BufWriter<File>, String> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Cells (location, pupils) and candidate sites of a clustered city drawn from `random`.
struct Drawn {
    cells: Vec<([f64; 2], u64)>,
    sites: Vec<[f64; 2]>,
    total: u64,
}

/// Draws `points` cells of 1–9 pupils and `sites` candidate sites, after creating `out`.
fn draw_city(
    out: &Path,
    random: &mut Random,
    points: usize,
    sites: usize,
) -> Result<Drawn, String> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let city = City::new(random);
    let cells: Vec<([f64; 2], u64)> = (0..points)
        .map(|_| (city.place(random), 1 + random.below(9) as u64))
        .collect();
    let sites = (0..sites).map(|_| city.place(random)).collect();
    let total = cells.iter().map(|c| c.1).sum();
    Ok(Drawn {
        cells,
        sites,
        total,
    })
}

/// `demand.csv`: one row per cell, its pupils.
fn write_demand(out: &Path, cells: &[([f64; 2], u64)]) -> Result<(), String> {
    write_table(
        &out.join("demand.csv"),
        "id,demand",
        cells
            .iter()
            .enumerate()
            .map(|(i, (_, pupils))| format!("d{i},{pupils}")),
    )
}

fn write_city(options: &CityOptions) -> Result<(), String> {
    let mut random = Random(options.seed);
    let city = draw_city(&options.out, &mut random, options.points, options.sites)?;
    let p = options.p.unwrap_or(1);
    let capacity = (CAPACITY_SLACK * city.total as f64 / p as f64).ceil();
    write_problem(
        &options.out,
        &format!(
            "# generated: city --points {} --sites {} --nearest {} --seed {}\n\
             objective = \"p_median\"\np = {p}\nsingle_source = {}\n",
            options.points, options.sites, options.nearest, options.seed, options.single_source
        ),
    )?;
    write_demand(&options.out, &city.cells)?;
    write_table(
        &options.out.join("sites.csv"),
        "id,capacity,fixed_cost,status",
        (0..options.sites).map(|j| format!("s{j},{capacity},0,candidate")),
    )?;
    let nearest = options.nearest;
    write_costs(&options.out, &city.cells, &city.sites, |rank, _| {
        rank < nearest
    })
}

fn write_fixed(options: &FixedOptions) -> Result<(), String> {
    let mut random = Random(options.seed);
    let city = draw_city(&options.out, &mut random, options.points, options.sites)?;
    let tenth = (options.sites / 10).max(1);
    let capacity = (FIXED_CAPACITY_SLACK * city.total as f64 / tenth as f64).ceil();
    let opening: Vec<f64> = (0..options.sites)
        .map(|_| (capacity * OPENING_COST_M * (0.5 + random.unit())).round())
        .collect();
    write_problem(
        &options.out,
        &format!(
            "# generated: fixed --points {} --sites {} --radius-m {} --seed {}\n\
             objective = \"min_cost\"\nsingle_source = {}\n",
            options.points, options.sites, options.radius_m, options.seed, options.single_source
        ),
    )?;
    write_demand(&options.out, &city.cells)?;
    write_table(
        &options.out.join("sites.csv"),
        "id,capacity,fixed_cost,status",
        opening
            .iter()
            .enumerate()
            .map(|(j, cost)| format!("s{j},{capacity},{cost},candidate")),
    )?;
    let radius_m = options.radius_m;
    write_costs(&options.out, &city.cells, &city.sites, |rank, metres| {
        rank == 0 || metres <= radius_m
    })
}

fn write_problem(out: &Path, head: &str) -> Result<(), String> {
    let path = out.join("problem.toml");
    std::fs::write(
        &path,
        format!("{head}demand = \"demand.csv\"\nsites = \"sites.csv\"\ncosts = \"costs.csv\"\n"),
    )
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes a CSV file: the header, then one line per row.
fn write_table(
    path: &Path,
    header: &str,
    rows: impl Iterator<Item = String>,
) -> Result<(), String> {
    let mut file = create(path)?;
    let result = (|| {
        writeln!(file, "{header}")?;
        for row in rows {
            writeln!(file, "{row}")?;
        }
        file.flush()
    })();
    result.map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `costs.csv`: each cell's sites nearest first, by straight-line metres rounded to the
/// metre, as long as `keep(rank, metres)` holds for the site (rank 0 being the nearest).
fn write_costs(
    out: &Path,
    cells: &[([f64; 2], u64)],
    sites: &[[f64; 2]],
    keep: impl Fn(usize, f64) -> bool + Copy,
) -> Result<(), String> {
    let tree = RTree::bulk_load(
        sites
            .iter()
            .enumerate()
            .map(|(j, &at)| GeomWithData::new(at, j))
            .collect(),
    );
    let rows = cells.iter().enumerate().flat_map(|(i, (at, _))| {
        tree.nearest_neighbor_iter(at)
            .map(move |site| {
                let s = site.geom();
                (site.data, (s[0] - at[0]).hypot(s[1] - at[1]))
            })
            .enumerate()
            .take_while(move |&(rank, (_, metres))| keep(rank, metres))
            .map(move |(_, (j, metres))| format!("d{i},s{j},{}", metres.round()))
    });
    write_table(&out.join("costs.csv"), "demand_id,site_id,cost", rows)
}

fn write_graph(options: &GraphOptions) -> Result<(), String> {
    std::fs::create_dir_all(&options.out).map_err(|e| e.to_string())?;
    let mut random = Random(options.seed);
    let n = options.vertices;
    let neighbours = random_graph(&mut random, n);
    write_problem(
        &options.out,
        &format!(
            "# generated: graph --vertices {n} --p {} --seed {}\nobjective = \"p_median\"\np = {}\n",
            options.p, options.seed, options.p
        ),
    )?;
    write_table(
        &options.out.join("demand.csv"),
        "id,demand",
        (0..n).map(|i| format!("v{i},1")),
    )?;
    write_table(
        &options.out.join("sites.csv"),
        "id,capacity,fixed_cost,status",
        (0..n).map(|j| format!("v{j},,0,candidate")),
    )?;
    let rows = (0..n).flat_map(|i| {
        shortest_lengths(&neighbours, i)
            .into_iter()
            .enumerate()
            .map(move |(j, d)| format!("v{i},v{j},{d}"))
    });
    write_table(
        &options.out.join("costs.csv"),
        "demand_id,site_id,cost",
        rows,
    )
}

/// A connected graph: a random spanning tree, then random edges up to 18 times `n`.
fn random_graph(random: &mut Random, n: usize) -> Vec<Vec<(usize, u64)>> {
    let mut neighbours = vec![Vec::new(); n];
    let mut add = |a: usize, b: usize, random: &mut Random| {
        let cost = 1 + random.below(100) as u64;
        neighbours[a].push((b, cost));
        neighbours[b].push((a, cost));
    };
    for v in 1..n {
        let u = random.below(v);
        add(u, v, random);
    }
    for _ in n.saturating_sub(1)..EDGES_PER_VERTEX * n {
        let (a, b) = (random.below(n), random.below(n));
        if a != b {
            add(a, b, random);
        }
    }
    neighbours
}

/// Dijkstra from `source`: every vertex's shortest-path length.
fn shortest_lengths(neighbours: &[Vec<(usize, u64)>], source: usize) -> Vec<u64> {
    let mut lengths = vec![u64::MAX; neighbours.len()];
    let mut queue = BinaryHeap::from([Reverse((0, source))]);
    lengths[source] = 0;
    while let Some(Reverse((length, v))) = queue.pop() {
        if length > lengths[v] {
            continue;
        }
        for &(w, cost) in &neighbours[v] {
            if length + cost < lengths[w] {
                lengths[w] = length + cost;
                queue.push(Reverse((length + cost, w)));
            }
        }
    }
    lengths
}
