use super::*;

/// A common convention, as projects write it (Alembic's documentation's).
fn convention() -> Convention {
    env::read(
        "import sqlalchemy as sa\nmetadata = sa.MetaData(naming_convention={\n    \"ix\": \"ix_%(column_0_label)s\",\n    \"uq\": \"uq_%(table_name)s_%(column_0_N_name)s\",\n    \"ck\": \"ck_%(table_name)s_%(constraint_name)s\",\n    \"fk\": \"fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s\",\n    \"pk\": \"pk_%(table_name)s\",\n})\n",
    )
    .convention
    .expect("a convention")
}

fn subject<'a>(object: Object, table: &'a str, columns: &'a [String]) -> Subject<'a> {
    Subject {
        object,
        table,
        columns,
        referred_table: None,
        referred_columns: &[],
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| n.to_string()).collect()
}

const LONG: &str = "a_very_long_table_name_that_goes_on_and_on_and_on";

/// Every expected name below is what Alembic 1.20 with SQLAlchemy 2.1 printed for the same
/// operations in offline mode.
#[test]
fn names_are_what_sqlalchemy_makes_of_the_convention_on_each_database() {
    let c = convention();
    let pg = Database::Postgres;
    let name = |given: Given, s: Subject, db: Database| c.name(&given, &s, db).unwrap();
    let (id, x_id, long_column) = (
        strings(&["id"]),
        strings(&["x", "id"]),
        strings(&["another_long_column_name"]),
    );
    assert_eq!(
        name(Given::None, subject(Object::PrimaryKey, LONG, &id), pg).as_deref(),
        Some("pk_a_very_long_table_name_that_goes_on_and_on_and_on")
    );
    assert_eq!(
        name(
            Given::Plain("positive".into()),
            subject(Object::Check, LONG, &[]),
            pg
        )
        .as_deref(),
        Some("ck_a_very_long_table_name_that_goes_on_and_on_and_on_positive")
    );
    assert_eq!(
        name(Given::None, subject(Object::Unique, LONG, &x_id), pg).as_deref(),
        Some("uq_a_very_long_table_name_that_goes_on_and_on_and_on_x_id")
    );
    let (x, other_id) = (strings(&["x"]), strings(&["id"]));
    let fk = Subject {
        object: Object::ForeignKey,
        table: LONG,
        columns: &x,
        referred_table: Some("other_table_with_long_name"),
        referred_columns: &other_id,
    };
    // Over the limit: cut, with the last four hex digits of the MD5 of the whole name.
    assert_eq!(
        name(Given::None, fk, pg).as_deref(),
        Some("fk_a_very_long_table_name_that_goes_on_and_on_and_on_x__61d5")
    );
    assert_eq!(
        name(Given::None, fk, Database::Mysql).as_deref(),
        Some("fk_a_very_long_table_name_that_goes_on_and_on_and_on_x_o_61d5")
    );
    assert_eq!(
        name(Given::None, subject(Object::Unique, LONG, &long_column), pg).as_deref(),
        Some("uq_a_very_long_table_name_that_goes_on_and_on_and_on_an_5de0")
    );
    assert_eq!(
        name(Given::None, subject(Object::Index, LONG, &long_column), pg).as_deref(),
        Some("ix_a_very_long_table_name_that_goes_on_and_on_and_on_an_5754")
    );
    assert_eq!(
        name(
            Given::None,
            subject(Object::Index, LONG, &long_column),
            Database::Mysql
        )
        .as_deref(),
        Some("ix_a_very_long_table_name_that_goes_on_and_on_and_on_ano_5754")
    );
    // SQLite allows long names: nothing is cut.
    assert_eq!(
        name(Given::None, fk, Database::Sqlite).as_deref(),
        Some("fk_a_very_long_table_name_that_goes_on_and_on_and_on_x_other_table_with_long_name")
    );
    // `op.f()` is final (past the convention) but still cut to fit.
    let q = format!("ix_{}", "q".repeat(70));
    assert_eq!(
        name(
            Given::Final(q),
            subject(Object::Index, "t", &strings(&["a"])),
            pg
        )
        .as_deref(),
        Some("ix_qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq_731a")
    );
    assert_eq!(
        name(
            Given::Final("ck_t_positive".into()),
            subject(Object::Check, "t", &[]),
            pg
        )
        .as_deref(),
        Some("ck_t_positive")
    );
    // A plain name goes through the convention only when the template names it.
    assert_eq!(
        name(
            Given::Plain("positive".into()),
            subject(Object::Check, "t", &[]),
            pg
        )
        .as_deref(),
        Some("ck_t_positive")
    );
    assert_eq!(
        name(
            Given::Plain("uq_plain".into()),
            subject(Object::Unique, "t", &[]),
            pg
        )
        .as_deref(),
        Some("uq_plain")
    );
    assert_eq!(
        name(
            Given::None,
            subject(Object::Unique, "t", &strings(&["a", "b"])),
            pg
        )
        .as_deref(),
        Some("uq_t_a_b")
    );
    // A constraint of no known kind takes no convention.
    assert_eq!(
        name(
            Given::Plain("c".into()),
            subject(Object::Constraint, "t", &[]),
            pg
        )
        .as_deref(),
        Some("c")
    );
}

#[test]
fn names_the_convention_cannot_make_are_left_to_do() {
    let c = convention();
    let pg = Database::Postgres;
    // `%(constraint_name)s` for a constraint with no name: SQLAlchemy refuses it.
    let refused = c
        .name(&Given::None, &subject(Object::Check, "t", &[]), pg)
        .unwrap_err();
    assert_eq!(refused.reason, Reason::Name);
    // A plain name over the limit: SQLAlchemy refuses it rather than cut it.
    let long = "n".repeat(64);
    let refused = c
        .name(&Given::Plain(long), &subject(Object::Unique, "t", &[]), pg)
        .unwrap_err();
    assert!(refused.what.contains("longer than 63"), "{refused:?}");
    // A token of the project's or unknown to SQLAlchemy, a format it does not read.
    for (template, said) in [
        ("uq_%(column_names)s", "a function of the project's"),
        ("uq_%(colour)s", "not SQLAlchemy's"),
        ("uq_%(column_1_N_name)s", "not SQLAlchemy's"),
        ("uq_%(referred_column_0_name)s", "not SQLAlchemy's"),
        ("uq_%(table_name)r", "a format other than"),
    ] {
        let c = Convention::Known {
            templates: vec![("uq".into(), template.into())],
            functions: vec!["column_names".into()],
        };
        let refused = c
            .name(
                &Given::None,
                &subject(Object::Unique, "t", &strings(&["a"])),
                pg,
            )
            .unwrap_err();
        assert!(refused.what.contains(said), "{template}: {refused:?}");
    }
    // A convention that could not be read: every name it might make is left to do, but a
    // final name is still known.
    let unknown = Convention::Unknown("not a literal".into());
    assert!(
        unknown
            .name(
                &Given::Plain("a".into()),
                &subject(Object::Unique, "t", &[]),
                pg
            )
            .is_err()
    );
    assert_eq!(
        unknown
            .name(
                &Given::Final("uq_a".into()),
                &subject(Object::Unique, "t", &[]),
                pg
            )
            .unwrap()
            .as_deref(),
        Some("uq_a")
    );
}

#[test]
fn every_column_token_reads_as_sqlalchemy_reads_it() {
    let columns = strings(&["a", "b"]);
    let referred = strings(&["x", "y"]);
    let fk = Subject {
        object: Object::ForeignKey,
        table: "t",
        columns: &columns,
        referred_table: Some("r"),
        referred_columns: &referred,
    };
    for (template, expected) in [
        ("%(column_0_name)s", "a"),
        ("%(column_1_name)s", "b"),
        ("%(column_2_name)s", ""),
        ("%(column_0_key)s", "a"),
        ("%(column_0_label)s", "t_a"),
        ("%(column_0_N_name)s", "a_b"),
        ("%(column_0N_name)s", "ab"),
        ("%(column_0_N_label)s", "t_a_t_b"),
        ("%(referred_table_name)s", "r"),
        ("%(referred_column_0_name)s", "x"),
        ("%(referred_column_0_N_name)s", "x_y"),
        ("fk_%%_%(table_name)s", "fk_%_t"),
    ] {
        let c = Convention::Known {
            templates: vec![("fk".into(), template.into())],
            functions: Vec::new(),
        };
        assert_eq!(
            c.name(&Given::None, &fk, Database::Postgres)
                .unwrap()
                .as_deref(),
            Some(expected),
            "{template}"
        );
    }
}

#[test]
fn a_convention_is_read_from_env_py_or_said_unknown() {
    let read = |text: &str| env::read(text);
    // Through a name, with SQLAlchemy's classes as keys and a token of the project's.
    let found = read(
        "from sqlalchemy import MetaData, UniqueConstraint\nNAMING = {UniqueConstraint: \"uq_%(table_name)s\", \"ix\": \"ix_%(column_0_name)s\", \"column_names\": names}\ntarget_metadata = MetaData(naming_convention=NAMING)\n",
    );
    assert_eq!(
        found.convention,
        Some(Convention::Known {
            templates: vec![
                ("uq".into(), "uq_%(table_name)s".into()),
                ("ix".into(), "ix_%(column_0_name)s".into())
            ],
            functions: vec!["column_names".into()],
        })
    );
    // Inside a declarative base.
    let found = read(
        "import sqlalchemy as sa\nfrom sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    metadata = sa.MetaData(naming_convention={\"pk\": \"pk_%(table_name)s\"})\n",
    );
    assert!(
        matches!(found.convention, Some(Convention::Known { .. })),
        "{found:?}"
    );
    // A MetaData with none: SQLAlchemy's default.
    assert_eq!(
        read("import sqlalchemy as sa\ntarget_metadata = sa.MetaData()\n").convention,
        Some(Convention::default())
    );
    // Not a literal: unknown, so no name is guessed.
    for text in [
        "import sqlalchemy as sa\ntarget_metadata = sa.MetaData(naming_convention=make())\n",
        "import sqlalchemy as sa\nC = make()\ntarget_metadata = sa.MetaData(naming_convention=C)\n",
        "import sqlalchemy as sa\ntarget_metadata = sa.MetaData(naming_convention={\"uq\": f\"uq_{x}\"})\n",
    ] {
        assert!(
            matches!(read(text).convention, Some(Convention::Unknown(_))),
            "{text}"
        );
    }
    // A MetaData that is not SQLAlchemy's is not read; metadata made elsewhere is said.
    let elsewhere = read(
        "from myapp.db import MetaData, Base\nm = MetaData(naming_convention={\"pk\": \"x\"})\ntarget_metadata = Base.metadata\n",
    );
    assert_eq!(elsewhere.convention, None);
    assert!(
        elsewhere
            .note
            .as_deref()
            .is_some_and(|n| n.contains("`Base.metadata`")),
        "{elsewhere:?}"
    );
    assert_eq!(read("target_metadata = None\n").note, None);
}
