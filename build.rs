//! Embeds `migrations/` (or `$AURORA_MIGRATIONS_DIR`) into the binary; a broken migration
//! stops the build at `path:line`.

fn main() {
    aurora_migrate_build::embed("migrations");
}
