use super::*;

#[test]
fn ids_are_words_of_letters_digits_underscores_and_dots() {
    for good in [
        "ae10_27",
        "v3.0.0.c",
        "v0.9.0.a",
        "A1",
        "a.",
        &"a".repeat(32),
    ] {
        assert!(is_valid(good), "{good:?}");
        assert_eq!(fault(good), None, "{good:?}");
    }
    for bad in [
        "",
        "a b",
        "é",
        ".a",
        "..",
        "a/b",
        "../../outside",
        &"a".repeat(33),
    ] {
        assert!(!is_valid(bad), "{bad:?}");
        assert!(fault(bad).unwrap().contains(RULE), "{bad:?}");
    }
}

#[test]
fn characters_targets_use_are_refused_with_their_reason() {
    for (bad, c) in [("v0.9-a", '-'), ("a+b", '+'), ("a@b", '@'), ("a:b", ':')] {
        assert!(!is_valid(bad), "{bad:?}");
        let why = fault(bad).unwrap();
        assert!(
            why.starts_with(&format!("`{c}` cannot be part of an id")),
            "{why}"
        );
    }
}
