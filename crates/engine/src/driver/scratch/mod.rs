//! Throwaway databases: made on the given server (or as a temporary SQLite file), used, then
//! dropped on every path (`guard`), so the developer's own database is never touched and
//! nothing is left behind but by `kill -9`, whose orphans `orphans` finds by their names
//! (`name`). Each database's part (creating, listing and dropping one beside a server) is in
//! its driver, reached through `server`. Must not import the runner.

#[cfg(feature = "autogenerate")]
mod guard;
mod name;
pub(crate) mod orphans;
mod server;

#[cfg(feature = "autogenerate")]
pub use guard::Scratch;
#[cfg(feature = "autogenerate")]
pub(crate) use guard::within;

#[cfg(test)]
mod tests;
