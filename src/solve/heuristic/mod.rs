//! A fast primal heuristic: a good plan in well under a second for the problems the exact
//! solver handles, used to warm-start HiGHS and as the fallback plan when a time limit stops
//! HiGHS before it finds one of its own.
//!
//! [`local_search::search`] opens sites greedily, then improves by swaps (and openings and
//! closings when `p` is free); [`assign::assign`] serves demand from each trial set of sites.

mod assign;
mod local_search;
mod single_source;

pub use assign::nearest_open;
pub use local_search::search;
