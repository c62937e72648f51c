//! Autogenerate: the schema model, introspection of a live database, the pure diff between
//! two schemas, and rendering a diff as a migration.

pub mod autogenerate;
mod describe;
pub mod diff;
pub mod introspect;
pub mod model;
pub mod render;
