fn main() {
    aurora_migrate_build::embed("migrations");
}
