//! The top-level error of a command, and its exit code.

use defacto::export::ExportError;
use defacto::input::InputError;
use defacto::pipeline::PipelineError;
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
    /// A scenario could not be planned.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// Some services of a scenario have no plan that meets their standard.
    #[error("no plan meets the standard for: {0}; summary.md says why")]
    NoPlanFor(String),
}

impl Error {
    /// The process exit code, as listed in `defacto --help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 1,
            Error::Pipeline(PipelineError::Input(_) | PipelineError::Grid { .. }) => 1,
            Error::Infeasible(_) | Error::NoPlanFor(_) => 3,
            Error::Pipeline(PipelineError::Solve { .. }) => 4,
            Error::Solve(_) => 4,
            Error::Export(_) => 5,
        }
    }
}
