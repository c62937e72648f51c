//! Embeds a directory as a build script would, outside Cargo: `embed DIR OUTPUT`. The bench
//! times it over many migrations.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, output] = &args[..] else {
        eprintln!("usage: embed DIR OUTPUT");
        std::process::exit(2);
    };
    match aurora_migrate_build::generate_file(dir.as_ref(), output.as_ref(), false) {
        Ok(summary) => println!("{} migration(s)", summary.migrations),
        Err(faults) => {
            for fault in faults {
                eprintln!("{fault}");
            }
            std::process::exit(1);
        }
    }
}
