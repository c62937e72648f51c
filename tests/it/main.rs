//! Integration tests against real PostgreSQL and SQLite, through the library and the binary.

mod autogen;
mod autogen_cases;
mod build_validation;
mod cli;
mod concurrency;
mod integrity;
mod resilience;
mod runner_graph;
mod support;
