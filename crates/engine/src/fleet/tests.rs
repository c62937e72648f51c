use super::*;

fn targets(text: &str) -> Result<Vec<FleetTarget>, FleetError> {
    parse(text, &|name| (name == "PW").then(|| "s3cret".to_string()))
}

#[test]
fn a_list_has_urls_names_comments_and_passwords_from_the_environment() {
    let list = targets(
        "# tenants\n\nsqlite:///tmp/a.db\ntenant7 = postgres://app:${PW}@db/t7  # the big one\n",
    )
    .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name, "sqlite:///tmp/a.db");
    assert_eq!(list[1].name, "tenant7");
    assert_eq!(
        list[1].url.scrub("pw s3cret"),
        "pw ***",
        "the password came from the environment"
    );
    assert!(
        !list[1].url.to_string().contains("s3cret"),
        "printed masked"
    );
}

#[test]
fn a_tenant_may_name_its_postgresql_schema() {
    let list = targets(
        "t7 = postgres://app@db/shared schema=tenant_7\npostgres://app@db/shared schema=tenant_8\n",
    )
    .unwrap();
    assert_eq!(list[0].url.schema(), Some("tenant_7"));
    assert_eq!(list[1].name, "postgres://app@db/shared schema=tenant_8");
    // A URL from the environment, and a URL whose query holds `=`, are URLs, not names.
    let from_environment = parse("${DB} schema=t1\nsqlite:a.db?mode=ro", &|_| {
        Some("postgres://app@db/shared".into())
    })
    .unwrap();
    assert_eq!(from_environment[0].url.schema(), Some("t1"));
    assert_eq!(from_environment[1].name, "sqlite://a.db?mode=ro");
    for (line, fault) in [
        ("a = sqlite:///x.db schema=t", "is for PostgreSQL"),
        (
            "a = postgres://db/x schema=7up",
            "letters, digits and underscores",
        ),
        (
            "a = postgres://db/x owner=me",
            "the one setting is schema=NAME",
        ),
    ] {
        let refused = targets(line).unwrap_err().to_string();
        assert!(refused.starts_with("line 1 of the targets: "), "{refused}");
        assert!(refused.contains(fault), "{refused}");
    }
}

#[test]
fn bad_lists_are_refused_with_the_line() {
    assert_eq!(targets("\n# nothing\n").unwrap_err(), FleetError::Empty);
    let missing = targets("a = postgres://app:${NOPE}@db/a").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "line 1 of the targets names ${NOPE}, which the environment does not set"
    );
    let twice = targets("a = sqlite:///x.db\na = sqlite:///y.db").unwrap_err();
    assert!(
        matches!(twice, FleetError::Duplicate { line: 2, .. }),
        "{twice}"
    );
    let bad = targets("sqlite:///x.db\nnot a url").unwrap_err();
    assert!(
        bad.to_string().starts_with("line 2 of the targets: "),
        "{bad}"
    );
}

fn fleet(n: usize) -> Vec<FleetTarget> {
    (0..n)
        .map(|i| FleetTarget {
            name: format!("t{i}"),
            url: DatabaseUrl::parse(&format!("sqlite:///tmp/fleet_{i}.db")).unwrap(),
        })
        .collect()
}

fn block<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

fn outcomes(schedule: Schedule, failing: &[&str]) -> Vec<String> {
    let list = fleet(6);
    let ends = block(run(
        &list,
        schedule,
        &|| false,
        |target| {
            let fail = failing.contains(&target.name.as_str());
            async move {
                tokio::task::yield_now().await;
                if fail { Err("boom") } else { Ok(1) }
            }
        },
        &|_| {},
    ));
    ends.iter()
        .map(|e| match &e.outcome {
            Outcome::Done(_) => format!("{} done", e.name),
            Outcome::Failed(m) => format!("{} {m}", e.name),
            Outcome::Skipped => format!("{} skipped", e.name),
        })
        .collect()
}

#[test]
fn a_failure_stops_or_not_and_a_failed_canary_stops_the_rest() {
    let serial = |on_error, canary| Schedule {
        parallel: 1,
        canary,
        on_error,
    };
    assert_eq!(
        outcomes(serial(OnError::Stop, 0), &["t2"]),
        [
            "t0 done",
            "t1 done",
            "t2 boom",
            "t3 skipped",
            "t4 skipped",
            "t5 skipped"
        ]
    );
    assert_eq!(
        outcomes(serial(OnError::Continue, 0), &["t2"]),
        [
            "t0 done", "t1 done", "t2 boom", "t3 done", "t4 done", "t5 done"
        ]
    );
    let canary = Schedule {
        parallel: 3,
        canary: 2,
        on_error: OnError::Continue,
    };
    assert_eq!(
        outcomes(canary, &["t1"]),
        [
            "t0 done",
            "t1 boom",
            "t2 skipped",
            "t3 skipped",
            "t4 skipped",
            "t5 skipped"
        ]
    );
    assert_eq!(
        outcomes(canary, &["t4"])[5],
        "t5 done",
        "past the canary, continue"
    );
}

#[test]
fn no_more_than_parallel_targets_run_at_once() {
    let list = fleet(20);
    let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
    block(run(
        &list,
        Schedule {
            parallel: 4,
            canary: 0,
            on_error: OnError::Continue,
        },
        &|| false,
        |_| async {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            for _ in 0..3 {
                tokio::task::yield_now().await;
            }
            running.fetch_sub(1, Ordering::SeqCst);
            Ok::<_, String>(())
        },
        &|_| {},
    ));
    assert_eq!(most.load(Ordering::SeqCst), 4);
}

#[test]
fn shards_split_the_fleet_stably_and_completely() {
    let list = fleet(100);
    let shards: Vec<Vec<String>> = (0..4)
        .map(|k| {
            shard(list.clone(), k, 4)
                .into_iter()
                .map(|t| t.name)
                .collect()
        })
        .collect();
    let mut all: Vec<String> = shards.concat();
    all.sort();
    let mut names: Vec<String> = list.iter().map(|t| t.name.clone()).collect();
    names.sort();
    assert_eq!(all, names, "every target in exactly one shard");
    assert!(
        shards.iter().all(|s| s.len() > 10),
        "{:?}",
        shards.iter().map(Vec::len).collect::<Vec<_>>()
    );
    let again: Vec<String> = shard(list.clone(), 2, 4)
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(again, shards[2], "the same list splits the same way");
}

#[test]
fn what_would_change_which_database_a_line_names_is_refused_by_line() {
    // An editor's byte-order mark is not part of the first name.
    let list =
        targets("\u{feff}a = sqlite:///tmp/bom.db\r\nb = sqlite:///tmp/bom2.db\r\n").unwrap();
    assert_eq!(list[0].name, "a");
    assert_eq!(list[1].url.to_string(), "sqlite:///tmp/bom2.db");
    // Any other invisible character is refused, wherever it is.
    for (text, code) in [
        ("a\u{200b} = sqlite:///tmp/x.db", 0x200b),
        (
            "a = sqlite:///tmp/x.db\n\u{feff}b = sqlite:///tmp/y.db",
            0xfeff,
        ),
        ("a = sqlite:///tmp/x\u{2060}.db", 0x2060),
        ("a = sqlite:///tmp/x\u{7}.db", 7),
    ] {
        let refused = targets(text).unwrap_err();
        assert!(
            matches!(refused, FleetError::Invisible { code: c, .. } if c == code),
            "{text:?}: {refused}"
        );
    }
    // A variable set to nothing leaves a hole: the database name, the password, the host.
    let empty = |name: &str| match name {
        "EMPTY" => Some(String::new()),
        "BLANK" => Some("  ".into()),
        _ => Some("x".into()),
    };
    for line in [
        "a = postgres://app@db/${EMPTY}",
        "a = postgres://app:${EMPTY}@db/a",
        "a = mysql://root@${BLANK}/a",
        "${EMPTY}",
    ] {
        let refused = parse(line, &empty).unwrap_err();
        assert!(
            matches!(refused, FleetError::EmptyVariable { line: 1, .. }),
            "{line}: {refused}"
        );
        assert!(refused.to_string().contains("an empty value"), "{refused}");
    }
    // A server URL names its database.
    for line in [
        "a = postgres://app@db",
        "a = postgres://app@db/",
        "a = mysql://root@db:3306",
    ] {
        assert_eq!(
            targets(line).unwrap_err(),
            FleetError::NoDatabase { line: 1 },
            "{line}"
        );
    }
    assert!(targets("a = postgres://app@db/?dbname=t1").is_ok());
}

#[test]
fn one_database_under_two_names_is_refused() {
    let dir = std::env::temp_dir();
    let file = dir.join("aurora_fleet_same.db");
    let same = [
        "a = postgres://app:${PW}@db/t1\nb = postgres://other@DB:5432/t1",
        "a = postgres://db/t1 schema=x\nb = postgres://db:5432/t1 schema=x",
        "a = mysql://root@db/t1\nb = mariadb://app@Db:3306/t1",
        "a = postgres://db/my-db\nb = postgres://db/my%2Ddb",
    ];
    let sqlite = format!(
        "a = sqlite://{}\nb = sqlite://{}/./x/../aurora_fleet_same.db",
        file.display(),
        dir.display()
    );
    for text in same.iter().copied().chain([sqlite.as_str()]) {
        let refused = targets(text).unwrap_err();
        assert!(
            matches!(&refused, FleetError::SameDatabase { line: 2, first_line: 1, first, .. } if first == "a"),
            "{text}: {refused}"
        );
    }
    for distinct in [
        "a = postgres://db/t1\nb = postgres://db/t2",
        "a = postgres://db/t1 schema=x\nb = postgres://db/t1 schema=y",
        "a = postgres://db/t1\nb = postgres://db:5433/t1",
        "a = postgres://db/t1\nb = mysql://db/t1",
        "a = sqlite::memory:\nb = sqlite::memory:",
    ] {
        assert_eq!(targets(distinct).unwrap().len(), 2, "{distinct}");
    }
}

#[test]
fn a_tenant_schema_is_none_of_postgresqls_own() {
    for schema in [
        "pg_catalog",
        "pg_toast",
        "pg_temp_3",
        "pg_anything",
        "PG_CATALOG",
        "information_schema",
        "Information_Schema",
    ] {
        let refused = targets(&format!("a = postgres://db/x schema={schema}"))
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("one of PostgreSQL's own schemas"),
            "{schema}: {refused}"
        );
    }
    for schema in ["public", "pgx", "tenant_pg_1", "information"] {
        assert!(
            targets(&format!("a = postgres://db/x schema={schema}")).is_ok(),
            "{schema}"
        );
    }
}
