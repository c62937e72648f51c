use super::*;

#[test]
fn a_tables_own_text_loses_its_foreign_keys_and_counter_but_keeps_the_rest() {
    let shown = "CREATE TABLE \"Child Rows\" (\n  \"id\" bigint(20) NOT NULL,\n  \"odd_id\" int(11) DEFAULT NULL,\n  \
                 PRIMARY KEY (\"id\"),\n  KEY \"child odd\" (\"odd_id\"),\n  SPATIAL KEY \"where\" (\"shape\"),\n  \
                 CONSTRAINT \"child odd\" FOREIGN KEY (\"odd_id\") REFERENCES \"Odd T\" (\"Id\") ON DELETE CASCADE\n\
                 ) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";
    assert_eq!(
        without_keys_and_counter(shown),
        "CREATE TABLE \"Child Rows\" (\n  \"id\" bigint(20) NOT NULL,\n  \"odd_id\" int(11) DEFAULT NULL,\n  \
         PRIMARY KEY (\"id\"),\n  KEY \"child odd\" (\"odd_id\"),\n  SPATIAL KEY \"where\" (\"shape\")\n\
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
    );
    // A check constraint is not a foreign key: it stays.
    let checked = "CREATE TABLE \"t\" (\n  \"a\" int(11),\n  CONSTRAINT \"a positive\" CHECK (\"a\" > 0)\n) ENGINE=InnoDB";
    assert_eq!(without_keys_and_counter(checked), checked);
}

#[test]
fn a_routine_loses_its_definer() {
    assert_eq!(
        without_definer(
            "CREATE DEFINER=`root`@`127.0.0.1` FUNCTION `twice`(x INT) RETURNS int(11)\n    DETERMINISTIC\nRETURN x * 2"
        ),
        "CREATE FUNCTION `twice`(x INT) RETURNS int(11)\n    DETERMINISTIC\nRETURN x * 2"
    );
    assert_eq!(
        without_definer("CREATE DEFINER=\"app\"@\"%\" PROCEDURE \"tidy up\"()\nSELECT 1"),
        "CREATE PROCEDURE \"tidy up\"()\nSELECT 1"
    );
    assert_eq!(
        without_definer("CREATE PROCEDURE p() SELECT 1"),
        "CREATE PROCEDURE p() SELECT 1"
    );
}

#[test]
fn a_routine_is_named_alike_whatever_mode_made_it() {
    assert_eq!(
        named("CREATE PROCEDURE `tidy up`()\nSELECT 1", "tidy up"),
        "CREATE PROCEDURE \"tidy up\"()\nSELECT 1"
    );
    assert_eq!(
        named(
            "CREATE FUNCTION \"a\"\"b\"(x INT) RETURNS int(11)\nRETURN x",
            "a\"b"
        ),
        "CREATE FUNCTION \"a\"\"b\"(x INT) RETURNS int(11)\nRETURN x"
    );
}
