use super::*;

fn texts(sql: &str) -> Vec<(String, usize)> {
    split(sql, 1)
        .unwrap()
        .into_iter()
        .map(|s| (s.text.into_owned(), s.line))
        .collect()
}

#[test]
fn splits_on_semicolons_with_lines() {
    let got = texts("CREATE TABLE a (x int);\n\n-- note; here\nINSERT INTO a VALUES (1);\n");
    assert_eq!(
        got,
        vec![
            ("CREATE TABLE a (x int)".into(), 1),
            ("INSERT INTO a VALUES (1)".into(), 4)
        ]
    );
}

#[test]
fn ignores_semicolons_in_quotes_and_comments() {
    let got =
        texts("INSERT INTO t VALUES ('a;b', \"c;d\"); /* x; /* y; */ z; */ SELECT E'\\';';\n");
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0, "SELECT E'\\';'");
}

#[test]
fn keeps_dollar_quoted_bodies_whole() {
    let sql = "CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\nSELECT 1;";
    let got = texts(sql);
    assert_eq!(got.len(), 2);
    assert!(got[0].0.ends_with("LANGUAGE plpgsql"));
}

#[test]
fn keeps_trigger_bodies_whole() {
    let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n UPDATE a SET x = CASE WHEN 1 THEN 2 END;\n DELETE FROM b;\nEND;\nSELECT 1;";
    let got = texts(sql);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1], ("SELECT 1".into(), 5));
}

#[test]
fn transaction_statements_split_normally() {
    assert_eq!(texts("BEGIN; SELECT 1; END;").len(), 3);
}

#[test]
fn reports_unterminated_quote_at_its_line() {
    let err = split("SELECT 1;\nSELECT 'oops;\n", 10).unwrap_err();
    assert_eq!(err.line, 11);
}
