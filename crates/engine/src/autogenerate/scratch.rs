//! The models against what the migrations alone build: a throwaway database on the given
//! server, migrated to the heads, compared, dropped. The developer's own database is never
//! touched. Must not import a driver.

use super::{Comparison, compare};
use crate::catalog::Catalog;
use crate::error::Result;
use crate::runner::scratch::Scratch;
use crate::runner::{Options, Runner};
use crate::schema::model::Schema;
use crate::url::DatabaseUrl;
use aurora_migrate_core::revision::Target;

/// Builds the schema at the heads in a scratch database beside `server` and compares
/// `models` with it. `on_created` hears where the scratch database is.
pub async fn compare_scratch(
    catalog: &Catalog,
    models: &Schema,
    server: &DatabaseUrl,
    options: Options,
    on_created: &mut dyn FnMut(&DatabaseUrl),
) -> Result<Comparison> {
    let scratch = Scratch::create(server).await?;
    on_created(scratch.url());
    let result = async {
        let runner = Runner::new(catalog, scratch.url().clone(), options)?;
        runner.upgrade(&Target::Heads, &mut |_| {}).await?;
        compare(&runner, models).await
    }
    .await;
    let dropped = scratch.drop().await;
    let comparison = result?;
    dropped?;
    Ok(comparison)
}
