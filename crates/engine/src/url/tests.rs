use super::*;

const SECRET: &str = "Zq7secretXy";

#[test]
fn accepts_sqlalchemy_urls_and_masks_the_password() {
    let url =
        DatabaseUrl::parse("postgresql+asyncpg://aurora:aurora_dev@localhost:5432/aurora").unwrap();
    assert_eq!(url.kind(), Database::Postgres);
    assert_eq!(
        url.to_string(),
        "postgres://aurora:***@localhost:5432/aurora"
    );
    assert!(!format!("{url:?}").contains("aurora_dev"));
}

#[test]
fn masks_password_parameters() {
    let url = DatabaseUrl::parse("postgres://h/db?user=a&password=s3cret&x=1").unwrap();
    assert_eq!(url.to_string(), "postgres://h/db?user=a&password=***&x=1");
}

#[test]
fn no_shape_of_url_lets_its_password_through() {
    let cases = [
        format!("postgresql//user:{SECRET}@host/db"),
        format!("postgresql:/user:{SECRET}@host/db"),
        format!("postgresql:user:{SECRET}@host/db"),
        format!("postgres://user:{SECRET}@@host/db"),
        format!("postgres://user:p@{SECRET}@host/db"),
        format!("postgres://user:{SECRET}/x@host/db"),
        format!("postgres://user:{SECRET}#x@host/db"),
        format!("postgres://user:{SECRET}?x@host/db"),
        format!("postgres://user:{SECRET}@host:99999/db"),
        format!("postgres://user:{SECRET}@[::1/db"),
        format!("mysql://root:{SECRET}@host:port/db"),
        format!("mysql://root:{SECRET}@/db"),
        format!("mysql:root:{SECRET}@host/db"),
        format!("oracle://root:{SECRET}@host/db"),
        SECRET.to_string(),
        format!("user:{SECRET}@host/db"),
        format!("{SECRET}://host/db"),
        format!("{SECRET}:x@host/db"),
        format!("postgres://u@h/db?password={SECRET}&sslmode=disable"),
        format!("postgres://u:%5A{}@h/db", &SECRET[1..]),
    ];
    for case in &cases {
        let shown = match DatabaseUrl::parse(case) {
            Ok(url) => format!("{url} {url:?}"),
            Err(e) => e.to_string(),
        };
        assert!(
            !shown.contains(SECRET) && !shown.contains(&SECRET[1..]),
            "{case} -> {shown}"
        );
    }
}

#[test]
fn an_unencoded_at_sign_in_a_password_is_masked_whole() {
    let url = DatabaseUrl::parse("postgres://user:p@ss@host/db").unwrap();
    assert_eq!(url.to_string(), "postgres://user:***@host/db");
    // The driver still receives the whole password.
    assert_eq!(
        ::url::Url::parse(url.driver_url()).unwrap().password(),
        Some("p%40ss")
    );
}

#[test]
fn driver_messages_are_scrubbed_of_the_password() {
    let url = DatabaseUrl::parse(&format!("mysql://root:{SECRET}@h/db")).unwrap();
    assert_eq!(
        url.scrub(&format!("refused mysql://root:{SECRET}@h/db")),
        "refused mysql://root:***@h/db"
    );
}

#[test]
fn passwords_are_masked_by_their_place_in_text_of_any_shape() {
    for (text, masked) in [
        (
            "postgresql//user:hunter22@host/db",
            "postgresql//user:***@host/db",
        ),
        (
            "postgres://user:a/b@c@host/db",
            "postgres://user:***@host/db",
        ),
        (
            "DATABASE_URL=mysql://root:pa:ss@h/db",
            "DATABASE_URL=mysql://root:***@h/db",
        ),
        (
            "x?sslmode=require&password=hunter22&a=b",
            "x?sslmode=require&password=***&a=b",
        ),
        ("postgresql:app:hunter22@h/db", "***:***@h/db"),
        (
            "cannot reach `postgres://u:p%40ss@h/db`.",
            "cannot reach `postgres://u:***@h/db`.",
        ),
        (
            "conninfo: host=h password=hunter22 user=u",
            "conninfo: host=h password=*** user=u",
        ),
    ] {
        assert_eq!(mask(text), masked, "{text}");
    }
}

#[test]
fn what_is_not_a_password_by_its_place_is_left_as_it_is() {
    for text in [
        "sqlite:///home/someone/project/a.db",
        "{\"command\":\"upgrade\",\"ready\":true}",
        "cannot write /tmp/pwd/schema.sql: permission denied",
        "mail someone@example.com about it",
        "git@github.com:org/repo.git",
        "nothing here: at all",
    ] {
        assert_eq!(mask(text), text);
    }
}

#[test]
fn a_driver_message_loses_the_password_where_it_stands_alone_only() {
    let url = DatabaseUrl::parse("postgres://u:upgrade@h/db").unwrap();
    assert_eq!(
        url.scrub("password upgrade was refused; run upgrades later"),
        "password *** was refused; run upgrades later"
    );
}

#[test]
fn sqlite_paths() {
    let relative = DatabaseUrl::parse("sqlite://aurora.db").unwrap();
    assert_eq!(relative.sqlite_path(), Some(&PathBuf::from("aurora.db")));
    let absolute = DatabaseUrl::parse("sqlite:///tmp/x.db?mode=rwc").unwrap();
    assert_eq!(absolute.sqlite_path(), Some(&PathBuf::from("/tmp/x.db")));
    let short = DatabaseUrl::parse("sqlite:x.db").unwrap();
    assert_eq!(short.sqlite_path(), Some(&PathBuf::from("x.db")));
    for memory in ["sqlite::memory:", "sqlite::memory:?cache=shared"] {
        assert_eq!(DatabaseUrl::parse(memory).unwrap().sqlite_path(), None);
    }
    for ambiguous in [
        "sqlite://:memory:",
        "sqlite:///:memory:",
        "sqlite://file::memory:",
        "sqlite://x.db?mode=memory",
    ] {
        assert_eq!(
            DatabaseUrl::parse(ambiguous),
            Err(UrlError::AmbiguousSqliteMemory(ambiguous.to_string())),
            "{ambiguous}"
        );
    }
}

#[test]
fn an_empty_sqlite_path_is_refused_not_taken_for_memory() {
    for empty in ["sqlite://", "sqlite:", "sqlite://?mode=rwc", "sqlite:?x=1"] {
        assert_eq!(
            DatabaseUrl::parse(empty),
            Err(UrlError::EmptySqlitePath),
            "{empty}"
        );
    }
    assert_eq!(
        DatabaseUrl::parse("sqlite:///var/lib/"),
        Err(UrlError::SqliteDirectory)
    );
}

#[test]
fn ipv6_hosts_lose_their_brackets_for_the_driver() {
    let url = DatabaseUrl::parse("postgresql://postgres@[::1]:5432/db").unwrap();
    assert_eq!(url.bare_ipv6_host(), Some("::1"));
    assert_eq!(url.to_string(), "postgres://postgres@[::1]:5432/db");
    let v4 = DatabaseUrl::parse("postgresql://postgres@127.0.0.1/db").unwrap();
    assert_eq!(v4.bare_ipv6_host(), None);
}

#[test]
fn a_url_without_a_user_means_the_operating_system_user() {
    assert!(
        DatabaseUrl::parse("postgresql:///db?host=/run/postgresql")
            .unwrap()
            .names_no_user()
    );
    assert!(
        !DatabaseUrl::parse("postgresql:///db?user=app")
            .unwrap()
            .names_no_user()
    );
    assert!(
        !DatabaseUrl::parse("postgresql://app@h/db")
            .unwrap()
            .names_no_user()
    );
}

#[test]
fn another_database_on_the_same_server() {
    let url = DatabaseUrl::parse("postgresql://u:p@h:5432/app?sslmode=disable").unwrap();
    assert_eq!(
        url.with_database("scratch").driver_url(),
        "postgres://u:p@h:5432/scratch?sslmode=disable"
    );
    assert_eq!(
        url.with_database("scratch").to_string(),
        "postgres://u:***@h:5432/scratch?sslmode=disable"
    );
    let bare = DatabaseUrl::parse("postgres://h").unwrap();
    assert_eq!(bare.with_database("x").driver_url(), "postgres://h/x");
}

#[test]
fn rejects_what_it_cannot_serve() {
    assert_eq!(DatabaseUrl::parse("  "), Err(UrlError::Empty));
    assert!(matches!(
        DatabaseUrl::parse("oracle://x"),
        Err(UrlError::Unsupported(_))
    ));
    assert_eq!(DatabaseUrl::parse("aurora.db"), Err(UrlError::NoScheme));
    assert_eq!(
        DatabaseUrl::parse("postgresql:host/db"),
        Err(UrlError::NoAuthority {
            scheme: "postgresql"
        })
    );
}
