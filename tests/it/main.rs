//! Integration tests against real PostgreSQL and SQLite, through the library and the binary.

mod authoring;
mod autogen;
mod autogen_cases;
mod bad_input;
mod beyond;
mod build_validation;
mod cli;
mod concurrency;
mod dump;
mod faults;
mod habits;
mod integrity;
mod mysql;
mod network;
mod offline;
mod pool;
mod production;
mod readme;
mod resilience;
mod runner_graph;
mod secrets;
mod servers;
mod sqlite_lock;
mod support;
mod transaction;
mod version_table;
