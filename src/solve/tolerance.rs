//! The solvers' tolerances, named once: what counts as equal, as noise or as progress.

/// A plan whose value is within this relative distance of the bound is proven optimal.
pub const OPTIMALITY: f64 = 1e-6;

/// Demand counts as exceeding capacity only beyond this relative tolerance.
pub const CAPACITY: f64 = 1e-9;

/// Shares of a point read from a linear program below this are solver noise, not demand
/// served: it is HiGHS's default primal feasibility tolerance.
pub const LP_SHARE: f64 = 1e-7;

/// Shares left by the heuristics' own arithmetic below this are floating-point round-off
/// and are dropped: far below [`LP_SHARE`], since no solver tolerance is involved.
pub const ROUNDOFF_SHARE: f64 = 1e-12;

/// Unserved amounts (and demand left to serve) below this are rounding in the shares.
pub const UNSERVED: f64 = 1e-9;

/// A move (a swap, a shake, an add or drop, a relocation, an exchange) must save at least
/// this share of the value it changes to be taken: smaller savings are rounding noise, and
/// taking them could cycle.
pub const IMPROVEMENT: f64 = 1e-9;
