//! The models against what the migrations alone build: a throwaway database on the given
//! server, migrated to the heads, compared, dropped whatever happens. The developer's own
//! database is never touched. Must not import a database's own driver: the throwaway database
//! comes from `driver::scratch`, the one door to them.

use super::{Comparison, compare};
use crate::catalog::Catalog;
use crate::driver::scratch;
use crate::error::Result;
use crate::runner::{Options, Runner};
use crate::schema::model::Schema;
use crate::url::DatabaseUrl;
use aurora_migrate_core::revision::Target;

/// Builds the schema at the heads in a scratch database beside `server` and compares
/// `models` with it; `options.interrupt`, when raised, stops it and drops the database at
/// once. `on_created` hears where the scratch database is.
pub async fn compare_scratch(
    catalog: &Catalog,
    models: &Schema,
    server: &DatabaseUrl,
    options: Options,
    on_created: &mut dyn FnMut(&DatabaseUrl),
) -> Result<Comparison> {
    let interrupt = options.interrupt.clone();
    let work = async |url: &DatabaseUrl| {
        on_created(url);
        let runner = Runner::new(catalog, url.clone(), options)?;
        runner.upgrade(&Target::Heads, &mut |_| {}).await?;
        compare(&runner, models).await
    };
    let (comparison, _) = scratch::within(Some(server), "models", interrupt.as_ref(), work).await?;
    Ok(comparison)
}
