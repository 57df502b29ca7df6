//! New candidate sites opened and fixed costs spent, counted against `max_new` and the
//! budget by every search that opens and closes sites.

use super::swap::Move;
use crate::model::SiteStatus;
use crate::solve::form::MinForm;

/// New candidate sites opened and fixed costs spent, against `max_new` and `budget`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Spending {
    new_sites: usize,
    spent: f64,
}

impl Spending {
    /// The spending of the sites `open` (existing ones cost nothing against the limits).
    pub(super) fn of(form: &MinForm, open: &[bool]) -> Self {
        let mut spending = Self {
            new_sites: 0,
            spent: 0.0,
        };
        for j in (0..open.len()).filter(|&j| open[j] && !form.forced[j]) {
            spending.change(form, j, 1.0);
        }
        spending
    }

    /// Site `j` opened (`sign` 1) or closed (`sign` −1).
    pub(super) fn change(&mut self, form: &MinForm, j: usize, sign: f64) {
        let site = &form.problem.sites()[j];
        if site.status == SiteStatus::Candidate {
            self.new_sites = (self.new_sites as f64 + sign) as usize;
        }
        self.spent += sign * site.fixed_cost;
    }

    /// The spending after `step`.
    pub(super) fn apply(&mut self, form: &MinForm, step: Move) {
        match step {
            Move::Open(a) => self.change(form, a, 1.0),
            Move::Close(r) => self.change(form, r, -1.0),
            Move::Swap { open, close } => {
                self.change(form, open, 1.0);
                self.change(form, close, -1.0);
            }
        }
    }

    /// Whether the plan after `step` keeps within the limits, or at least spends no more
    /// than now.
    pub(super) fn allows(&self, form: &MinForm, step: Move) -> bool {
        let mut after = *self;
        after.apply(form, step);
        let limits = form.problem.limits();
        let sites_ok = limits.admits_new(after.new_sites) || after.new_sites <= self.new_sites;
        let budget_ok = limits.admits_spending(after.spent) || after.spent <= self.spent;
        sites_ok && budget_ok
    }

    /// Whether opening closed site `j` keeps within `max_new` and the budget.
    pub(super) fn admits_opening(&self, form: &MinForm, j: usize) -> bool {
        let mut after = *self;
        after.change(form, j, 1.0);
        form.problem.limits().admits(after.new_sites, after.spent)
    }
}
