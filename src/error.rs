//! The top-level error of a command, and its exit code.

use defacto::export::ExportError;
use defacto::input::InputError;
use defacto::solve::{Diagnosis, SolveError};

/// Why a command did not produce a plan.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input cannot be used.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The solver could not finish.
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The outputs could not be written.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The problem has no plan.
    #[error("no plan exists: {0}")]
    Infeasible(Diagnosis),
}

impl Error {
    /// The process exit code, as listed in `defacto --help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 1,
            Error::Infeasible(_) => 3,
            Error::Solve(_) => 4,
            Error::Export(_) => 5,
        }
    }
}
