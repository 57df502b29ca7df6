//! End-to-end tests of the `defacto` command: real files in, real files out.

mod bad_input;
mod bureau;
mod catalogue;
mod compare;
mod costs;
mod datum;
mod geopackage;
mod infeasible;
mod methods;
mod objectives;
mod phases;
mod plan;
mod population;
mod public_instances;
mod qgis;
mod reproducible;
mod stages;
mod support;
