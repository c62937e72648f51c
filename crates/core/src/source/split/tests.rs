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
fn keeps_mysql_compound_bodies_whole_whatever_blocks_they_hold() {
    let sql = "CREATE DEFINER=`root`@`%` PROCEDURE `two steps`(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  \
               lbl: LOOP\n    SET i = i + 1;\n    IF i > n THEN LEAVE lbl; END IF;\n  END LOOP lbl;\n  \
               WHILE i > 0 DO SET i = i - 1; END WHILE;\n  REPEAT SET i = i + 1; UNTIL i > 2 END REPEAT;\n  \
               CASE i WHEN 3 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\n  \
               SELECT CASE WHEN i > 0 THEN 'a' ELSE 'b' END;\nEND;\n\
               CREATE FUNCTION f() RETURNS INT BEGIN IF 1 THEN RETURN 1; END IF; RETURN IF(1, 2, 3); END;\n\
               CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO BEGIN DELETE FROM t; DELETE FROM u; END;\n\
               SELECT 1;";
    let statements = texts(sql);
    assert_eq!(statements.len(), 4, "{statements:?}");
    assert!(
        statements[0]
            .0
            .ends_with("SELECT CASE WHEN i > 0 THEN 'a' ELSE 'b' END;\nEND")
    );
    assert!(statements[1].0.starts_with("CREATE FUNCTION f()"));
    assert!(statements[2].0.ends_with("DELETE FROM u; END"));
    assert_eq!(statements[3], ("SELECT 1".to_string(), 15));
}

#[test]
fn a_begin_atomic_body_is_one_statement() {
    let sql = "CREATE FUNCTION f(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT x; SELECT CASE WHEN x > 0 THEN 1 END; END;\n\
               CREATE FUNCTION g(x int) RETURNS int LANGUAGE sql RETURN CASE WHEN x > 0 THEN 1 ELSE 0 END;\nSELECT 1;";
    assert_eq!(texts(sql).len(), 3, "{:?}", texts(sql));
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
