use super::*;

#[test]
fn refinery_names_are_read_and_others_are_not() {
    let name = RefineryName::of_file("V12__add_users.sql").unwrap();
    assert_eq!(
        (name.prefix, name.version, name.name.as_str()),
        ('V', 12, "add_users")
    );
    assert_eq!(
        (name.revision(), name.stem(), name.message()),
        ("v12".into(), "V12__add_users".into(), "add users".into())
    );
    assert_eq!(RefineryName::of_file("U3__seed.rs").unwrap().prefix, 'U');
    for other in [
        "cec3a80e61a4_initial.sql",
        "V__x.sql",
        "V1_x.sql",
        "V1__.sql",
        "v1__x.sql",
        "V1__x.txt",
        "V1.5__x.sql",
        "V1__a-b.sql",
    ] {
        assert_eq!(RefineryName::of_file(other), None, "{other}");
    }
}

#[test]
fn a_refinery_file_is_its_upgrade_up_to_the_first_marker() {
    use crate::source::parse::parse;
    let parsed = parse(
        "V4__index.sql",
        "CREATE INDEX a ON t (x);\n\n-- migrate:downgrade\nDROP INDEX a;\n",
    )
    .unwrap();
    assert_eq!(parsed.header.revision, "v4");
    assert_eq!(parsed.header.message, "index");
    let directions: Vec<_> = parsed
        .sections
        .iter()
        .map(|s| (s.direction, s.marker_line))
        .collect();
    assert_eq!(
        directions,
        [
            (crate::Direction::Upgrade, 0),
            (crate::Direction::Downgrade, 3)
        ]
    );
    assert!(parsed.sections[0].body.starts_with("CREATE INDEX a"));

    let repeated = parse("V5__x.sql", "SELECT 1;\n-- migrate:upgrade\nSELECT 2;\n").unwrap_err();
    assert_eq!(repeated.line, 2, "{repeated:?}");
    let plain = parse("V6__no_downgrade.sql", "SELECT 1;\n").unwrap();
    assert_eq!(
        plain.sections.len(),
        1,
        "no downgrade unless the file gives one"
    );
}
