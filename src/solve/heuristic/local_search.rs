//! Choosing which sites to open: greedy construction, then swap / add / drop local search.
//!
//! Moves are evaluated in parallel with rayon and the best one is taken (ties go to the move
//! listed first), so the result does not depend on the number of threads.

use super::assign::{assign, polish, Score};
use crate::model::{Assignment, SitingProblem};
use rayon::prelude::*;
use std::time::Instant;

/// A change to the set of open sites.
#[derive(Debug, Clone, Copy)]
enum Move {
    Open(usize),
    Close(usize),
    Swap { close: usize, open: usize },
}

impl Move {
    fn apply(self, open: &mut [bool]) {
        match self {
            Move::Open(j) => open[j] = true,
            Move::Close(j) => open[j] = false,
            Move::Swap { close, open: new } => {
                open[close] = false;
                open[new] = true;
            }
        }
    }
}

/// The best plan the search found, with its score.
#[derive(Debug, Clone)]
pub struct Found {
    /// The plan.
    pub assignment: Assignment,
    /// Its score; feasible when `score.is_feasible()`.
    pub score: Score,
}

/// Greedy construction followed by local search, stopping at a local optimum or `deadline`.
pub fn search(problem: &SitingProblem, deadline: Instant) -> Found {
    let mut open: Vec<bool> = problem.sites().iter().map(|s| s.is_existing()).collect();
    let mut best = evaluate(problem, &open);
    while Instant::now() < deadline {
        let moves = moves(problem, &open, &best);
        let Some((step, found)) = best_move(problem, &open, &moves) else {
            break;
        };
        if found.score.compare(&best.score).is_ge() {
            break;
        }
        step.apply(&mut open);
        best = found;
    }
    let (assignment, score) = polish(problem, best.assignment);
    Found { assignment, score }
}

fn evaluate(problem: &SitingProblem, open: &[bool]) -> Found {
    let (assignment, score) = assign(problem, open);
    Found { assignment, score }
}

/// The moves worth trying from `open`: while fewer than `p` sites are open, only openings
/// (the greedy phase); then swaps, plus openings and closings when `p` is free.
fn moves(problem: &SitingProblem, open: &[bool], current: &Found) -> Vec<Move> {
    let candidates: Vec<usize> = (0..open.len())
        .filter(|&j| !problem.sites()[j].is_existing())
        .collect();
    let opened = || candidates.iter().copied().filter(|&j| open[j]);
    let closed = || candidates.iter().copied().filter(|&j| !open[j]);
    let open_count = open.iter().filter(|&&o| o).count();
    match problem.limits().p {
        Some(p) if open_count < p => closed().map(Move::Open).collect(),
        Some(_) => swaps(opened(), closed),
        None => {
            let mut moves: Vec<Move> = closed().map(Move::Open).collect();
            if current.score.is_feasible() {
                moves.extend(opened().map(Move::Close));
                moves.extend(swaps(opened(), closed));
            }
            moves
        }
    }
}

fn swaps<I: Iterator<Item = usize>>(
    opened: impl Iterator<Item = usize>,
    closed: impl Fn() -> I,
) -> Vec<Move> {
    opened
        .flat_map(|close| closed().map(move |open| Move::Swap { close, open }))
        .collect()
}

fn best_move(problem: &SitingProblem, open: &[bool], moves: &[Move]) -> Option<(Move, Found)> {
    moves
        .par_iter()
        .enumerate()
        .map(|(index, &step)| {
            let mut next = open.to_vec();
            step.apply(&mut next);
            (index, step, evaluate(problem, &next))
        })
        .min_by(|a, b| a.2.score.compare(&b.2.score).then(a.0.cmp(&b.0)))
        .map(|(_, step, found)| (step, found))
}
