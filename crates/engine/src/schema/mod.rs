//! Schemas as data: the models a service declares, the schema a database holds (read by each
//! driver), the pure difference between two, its description, and the SQL pieces every
//! database's renderer shares. Pure: must not import a driver, the runner or autogenerate.

mod describe;
pub mod diff;
pub mod model;
pub mod render;
