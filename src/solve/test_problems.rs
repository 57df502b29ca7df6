//! Small problems worked by hand, shared by the solvers' tests.

use crate::model::{DemandPoint, Limits, Objective, Site, SiteStatus, SitingProblem};
use crate::solve::heuristic::Dice;
use std::time::{Duration, Instant};

/// A deadline a minute away: time enough for any hand-worked problem, so a test sees the
/// search run to its end.
pub fn far_off() -> Instant {
    Instant::now() + Duration::from_secs(60)
}

/// Villages a, b, c, d at km 0, 2, 4, 6 with 10, 20, 30, 50 pupils (weight = pupils), and
/// schools S1, S2, … at the given km with their capacity and status; costs are km, every
/// pair in reach; the objective is p-median.
pub fn villages_on_a_line(
    limits: Limits,
    schools: &[(f64, Option<f64>, SiteStatus)],
) -> SitingProblem {
    let villages = [
        ("a", 0.0, 10.0),
        ("b", 2.0, 20.0),
        ("c", 4.0, 30.0),
        ("d", 6.0, 50.0),
    ];
    let costs = villages
        .iter()
        .enumerate()
        .flat_map(|(i, &(_, at, _))| {
            schools
                .iter()
                .enumerate()
                .map(move |(j, &(school_at, _, _))| (i, j, f64::abs(at - school_at)))
        })
        .collect();
    SitingProblem::new(
        Objective::PMedian,
        limits,
        villages
            .iter()
            .map(|&(id, _, pupils)| DemandPoint {
                id: id.into(),
                demand: pupils,
                weight: pupils,
            })
            .collect(),
        schools
            .iter()
            .enumerate()
            .map(|(j, &(_, capacity, status))| Site {
                id: format!("S{}", j + 1),
                capacity,
                fixed_cost: 0.0,
                status,
                min_load: 0.0,
                plot: None,
            })
            .collect(),
        costs,
    )
    .expect("a valid problem")
}

/// A school at every village, all candidates with the same capacity, `p` to open.
pub fn school_at_every_village(p: usize, capacity: Option<f64>) -> SitingProblem {
    let schools: Vec<_> = [0.0, 2.0, 4.0, 6.0]
        .iter()
        .map(|&at| (at, capacity, SiteStatus::Candidate))
        .collect();
    villages_on_a_line(
        Limits {
            p: Some(p),
            ..Limits::default()
        },
        &schools,
    )
}

/// A capacitated grid town from a fixed sequence of numbers: `n` blocks on a 100 × 100 grid
/// that are all candidate sites, demand 1–9 (weight = demand), costs the blocks' Manhattan
/// distance, capacity enough for about `p` sites.
pub fn grid_town(seed: u64, n: usize, p: usize, single_source: bool) -> SitingProblem {
    let mut dice = Dice::new(seed);
    let places: Vec<(f64, f64, f64)> = (0..n)
        .map(|_| {
            let x = dice.below(100) as f64;
            let y = dice.below(100) as f64;
            (x, y, 1.0 + dice.below(9) as f64)
        })
        .collect();
    let total: f64 = places.iter().map(|p| p.2).sum();
    let capacity = (1.3 * total / p as f64).ceil();
    let mut costs = Vec::new();
    for (i, a) in places.iter().enumerate() {
        for (j, b) in places.iter().enumerate() {
            costs.push((i, j, (a.0 - b.0).abs() + (a.1 - b.1).abs()));
        }
    }
    SitingProblem::new(
        Objective::PMedian,
        Limits {
            p: Some(p),
            single_source,
            ..Limits::default()
        },
        (0..n)
            .map(|i| DemandPoint {
                id: format!("d{i}"),
                demand: places[i].2,
                weight: places[i].2,
            })
            .collect(),
        (0..n)
            .map(|j| Site {
                id: format!("s{j}"),
                capacity: Some(capacity),
                fixed_cost: 0.0,
                status: SiteStatus::Candidate,
                min_load: 0.0,
                plot: None,
            })
            .collect(),
        costs,
    )
    .expect("a valid problem")
}

/// A fixed-charge problem on a line (`min_cost`): villages at (km, pupils) and schools at
/// (km, room, opening cost); a trip costs its km per pupil, every pair in reach.
pub fn priced_line(
    villages: &[(f64, f64)],
    schools: &[(f64, f64, f64)],
    single_source: bool,
) -> SitingProblem {
    let schools: Vec<LineSchool> = schools
        .iter()
        .map(|&(at, room, opening)| LineSchool {
            at,
            room,
            opening,
            min_load: 0.0,
            plot: None,
        })
        .collect();
    let limits = Limits {
        single_source,
        ..Limits::default()
    };
    planner_line(villages, &schools, limits)
}

/// A school of [`planner_line`].
pub struct LineSchool {
    /// Where it stands, in km.
    pub at: f64,
    /// Its places.
    pub room: f64,
    /// What opening it costs.
    pub opening: f64,
    /// The fewest pupils it may open for.
    pub min_load: f64,
    /// The plot it is one size of, if any.
    pub plot: Option<usize>,
}

/// [`priced_line`] with the rules of the planner-grade model: schools with minimum loads and
/// sizes on plots, and `limits` (e.g. a price on unplaced pupils).
pub fn planner_line(
    villages: &[(f64, f64)],
    schools: &[LineSchool],
    limits: Limits,
) -> SitingProblem {
    let demand = villages
        .iter()
        .enumerate()
        .map(|(i, &(_, pupils))| DemandPoint {
            id: format!("v{i}"),
            demand: pupils,
            weight: pupils,
        })
        .collect();
    let sites = schools
        .iter()
        .enumerate()
        .map(|(j, school)| Site {
            id: format!("S{}", j + 1),
            capacity: Some(school.room),
            fixed_cost: school.opening,
            status: SiteStatus::Candidate,
            min_load: school.min_load,
            plot: school.plot,
        })
        .collect();
    let pairs = villages
        .iter()
        .enumerate()
        .flat_map(|(i, &(at, _))| {
            schools
                .iter()
                .enumerate()
                .map(move |(j, school)| (i, j, f64::abs(at - school.at)))
        })
        .collect();
    SitingProblem::new(Objective::MinCost, limits, demand, sites, pairs).expect("a valid problem")
}

/// Villages of 20 at km 0 and 1; one plot at km 0 in two sizes, 20 places for 10 or 40 for
/// 20; a pupil without a place costs 5.
pub fn one_plot_in_two_sizes() -> SitingProblem {
    let size = |room, opening| LineSchool {
        at: 0.0,
        room,
        opening,
        min_load: 0.0,
        plot: Some(0),
    };
    let limits = Limits {
        unplaced_price: Some(5.0),
        ..Limits::default()
    };
    planner_line(
        &[(0.0, 20.0), (1.0, 20.0)],
        &[size(20.0, 10.0), size(40.0, 20.0)],
        limits,
    )
}

/// Villages of 10 at km 0 and 5; schools of 30 places at km 0 (opening 10, opening only for
/// `min_load` pupils) and at km 5 (opening 40).
pub fn two_schools_one_with_a_minimum_load(min_load: f64) -> SitingProblem {
    let school = |at, opening, min_load| LineSchool {
        at,
        room: 30.0,
        opening,
        min_load,
        plot: None,
    };
    planner_line(
        &[(0.0, 10.0), (5.0, 10.0)],
        &[school(0.0, 10.0, min_load), school(5.0, 40.0, 0.0)],
        Limits::default(),
    )
}
