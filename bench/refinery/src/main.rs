//! `refinery-bench DIR URL run|current`: refinery's runner over the `V<n>__name.sql` files of
//! DIR, one transaction per migration (its default), or the last applied version.

use refinery::Runner;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, url, command] = args.as_slice() else {
        return Err("usage: refinery-bench DIR URL run|current".into());
    };
    let runner = Runner::new(&refinery::load_sql_migrations(dir)?);
    macro_rules! go {
        ($connection:expr) => {{
            let connection = &mut $connection;
            match command.as_str() {
                "run" => {
                    runner.run(connection)?;
                }
                "current" => match runner.get_last_applied_migration(connection)? {
                    Some(migration) => println!("{}", migration.version()),
                    None => println!("none"),
                },
                other => return Err(format!("unknown command {other}").into()),
            }
        }};
    }
    if let Some(path) = url.strip_prefix("sqlite://") {
        go!(refinery_core::rusqlite::Connection::open(path)?)
    } else if url.starts_with("mysql://") {
        go!(refinery_core::mysql::Conn::new(
            refinery_core::mysql::Opts::from_url(url)?
        )?)
    } else {
        go!(refinery_core::postgres::Client::connect(
            url,
            refinery_core::postgres::NoTls
        )?)
    }
    Ok(())
}
