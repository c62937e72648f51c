use super::*;

#[test]
fn sha256_matches_the_standard_test_vectors() {
    for (input, expected) in [
        (
            "",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            "abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
        ),
    ] {
        assert_eq!(hex(&sha256(input.as_bytes())), expected, "{input:?}");
    }
    assert_eq!(
        hex(&sha256(&vec![b'a'; 1_000_000])),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn every_length_around_a_block_boundary_hashes_as_one_update() {
    for length in 50..140 {
        let bytes: Vec<u8> = (0..length).map(|i| (i * 7 % 251) as u8).collect();
        let mut split = Sha256::new();
        split.update(&bytes[..length / 3]);
        split.update(&bytes[length / 3..]);
        assert_eq!(split.finish(), sha256(&bytes), "{length}");
    }
}

#[test]
fn the_file_checksum_is_the_sha256_of_the_file_in_lowercase_hex() {
    // sha256sum of the same three lines.
    assert_eq!(
        of_file("-- m\n\nSELECT 1;\n"),
        "83af4c54e698a8c166647886290ac36af536c1fa18e2e0501ce7d2171c4aa7df"
    );
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_do_not_change_the_checksum() {
    let unix = of_file("-- m\n\nSELECT 1;\n");
    assert_eq!(of_file("-- m\r\n\r\nSELECT 1;\r\n"), unix);
    assert_eq!(of_file("\u{feff}-- m\n\nSELECT 1;\n"), unix);
    assert_ne!(of_file("-- m\n\nSELECT 2;\n"), unix);
}

#[test]
fn a_lint_suppression_on_a_line_of_its_own_leaves_the_checksum_as_it_was() {
    let plain = "-- Add a table\n-- Revision ID: a1\n\n-- migrate:upgrade\nDROP TABLE t;\n";
    let allowed = "-- Add a table\n-- Revision ID: a1\n-- lint: allow L010 t was never written\n\n-- migrate:upgrade\n  -- lint: allow L010 really\nDROP TABLE t;\n";
    assert_eq!(of_file(plain), of_file(allowed));
    let rust = "//! Add\n//! lint: allow L010 why\nfn f() {}\n";
    assert_eq!(of_file(rust), of_file("//! Add\nfn f() {}\n"));
    // SQL on the same line counts.
    assert_ne!(
        of_file(plain),
        of_file(&plain.replace("DROP TABLE t;", "DROP TABLE t; -- lint: allow L010 x"))
    );
}
