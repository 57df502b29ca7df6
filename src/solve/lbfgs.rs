//! Ascent on a smooth concave function by limited-memory BFGS: each step goes along the
//! gradient as bent by the last few steps' changes of gradient (the two-loop recursion),
//! as far as a backtracking line search finds it pays.

use std::collections::VecDeque;

/// Steps whose changes of gradient shape the direction.
const MEMORY: usize = 12;

/// A step is kept when it rises by at least this share of what the slope promised
/// (Armijo's rule).
const SUFFICIENT_RISE: f64 = 1e-4;

/// Halvings of a step before the search gives up: the function no longer rises along the
/// direction within the accuracy of its evaluation.
const HALVINGS: usize = 30;

/// A function's value and gradient at a point.
pub struct Evaluated {
    /// The value.
    pub value: f64,
    /// The gradient.
    pub gradient: Vec<f64>,
}

/// Climbs `f` from `x` for at most `steps` steps while `go_on` allows, the first step of
/// length `first_step` along the gradient (later ones as the curvature seen suggests), and
/// returns the point reached (every step rises) with the number of steps taken. `f` must be
/// concave for the steps' curvature to be usable; a pair that shows none is left out of the
/// memory.
pub fn maximise(
    f: &mut dyn FnMut(&[f64]) -> Evaluated,
    x: Vec<f64>,
    first_step: f64,
    steps: usize,
    go_on: &dyn Fn() -> bool,
) -> (Vec<f64>, usize) {
    let mut x = x;
    let mut here = f(&x);
    let mut memory: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let mut taken_steps = 0;
    while taken_steps < steps && go_on() {
        let direction = direction(&here.gradient, &memory);
        let slope = dot(&direction, &here.gradient);
        if slope <= 0.0 || !slope.is_finite() {
            break;
        }
        let mut length = match taken_steps {
            0 => first_step / norm_max(&direction).max(f64::MIN_POSITIVE),
            _ => 1.0,
        };
        let mut taken = None;
        for _ in 0..HALVINGS {
            let next: Vec<f64> = x
                .iter()
                .zip(&direction)
                .map(|(a, d)| a + length * d)
                .collect();
            let there = f(&next);
            if there.value >= here.value + SUFFICIENT_RISE * length * slope {
                taken = Some((next, there));
                break;
            }
            length /= 2.0;
        }
        let Some((next, there)) = taken else { break };
        let moved: Vec<f64> = next.iter().zip(&x).map(|(a, b)| a - b).collect();
        // The change of the gradient of −f, whose curvature is what BFGS models.
        let turned: Vec<f64> = here
            .gradient
            .iter()
            .zip(&there.gradient)
            .map(|(a, b)| a - b)
            .collect();
        let curvature = dot(&moved, &turned);
        if curvature > 0.0 {
            if memory.len() == MEMORY {
                memory.pop_front();
            }
            memory.push_back((moved, turned, 1.0 / curvature));
        }
        x = next;
        here = there;
        taken_steps += 1;
    }
    (x, taken_steps)
}

/// The ascent direction: the gradient times the inverse curvature the memory models.
fn direction(gradient: &[f64], memory: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q = gradient.to_vec();
    let mut alphas = Vec::with_capacity(memory.len());
    for (moved, turned, rho) in memory.iter().rev() {
        let alpha = rho * dot(moved, &q);
        axpy(-alpha, turned, &mut q);
        alphas.push(alpha);
    }
    if let Some((moved, turned, _)) = memory.back() {
        let scale = dot(moved, turned) / dot(turned, turned);
        q.iter_mut().for_each(|v| *v *= scale);
    }
    for ((moved, turned, rho), alpha) in memory.iter().zip(alphas.into_iter().rev()) {
        let beta = rho * dot(turned, &q);
        axpy(alpha - beta, moved, &mut q);
    }
    q
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `y += a·x`.
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    y.iter_mut().zip(x).for_each(|(y, x)| *y += a * x);
}

fn norm_max(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// −(x − 3)² − 10·(y + 1)²: a badly scaled bowl whose top is at (3, −1), where a
    /// gradient step of any one length overshoots along y or crawls along x.
    #[test]
    fn climbs_a_badly_scaled_bowl_to_its_top() {
        let mut calls = 0;
        let mut f = |x: &[f64]| {
            calls += 1;
            Evaluated {
                value: -(x[0] - 3.0).powi(2) - 10.0 * (x[1] + 1.0).powi(2),
                gradient: vec![-2.0 * (x[0] - 3.0), -20.0 * (x[1] + 1.0)],
            }
        };
        let (top, steps) = maximise(&mut f, vec![0.0, 0.0], 1.0, 50, &|| true);
        assert!(
            (top[0] - 3.0).abs() < 1e-6 && (top[1] + 1.0).abs() < 1e-6,
            "{top:?}"
        );
        assert!(
            steps < 20 && calls < 60,
            "{steps} steps, {calls} evaluations"
        );
    }

    #[test]
    fn stops_where_it_is_told_to() {
        let mut f = |x: &[f64]| Evaluated {
            value: -x[0] * x[0],
            gradient: vec![-2.0 * x[0]],
        };
        let (x, steps) = maximise(&mut f, vec![5.0], 1.0, 50, &|| false);
        assert_eq!((x, steps), (vec![5.0], 0));
    }
}
