use super::*;

fn refusal(url: &str) -> Option<String> {
    check(&DatabaseUrl::parse(url).unwrap())
        .err()
        .map(|e| e.to_string())
}

#[test]
fn settings_that_cannot_work_are_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a certificate").unwrap();
    let cert = dir.path().join("cert.pem");
    std::fs::write(
        &cert,
        "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let key = dir.path().join("key.pem");
    std::fs::write(
        &key,
        "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let (g, c, k, d) = (
        garbage.display(),
        cert.display(),
        key.display(),
        dir.path().display(),
    );
    for (url, expected) in [
        (
            "postgres://h/db?sslmode=bogus".to_string(),
            "sslmode=bogus is not a mode",
        ),
        (
            "mysql://h/db?ssl-mode=bogus".to_string(),
            "ssl-mode=bogus is not a mode",
        ),
        (
            format!("postgres://h/db?sslrootcert={g}"),
            "holds no certificate in PEM",
        ),
        (format!("postgres://h/db?sslrootcert={d}"), "is a directory"),
        (
            "postgres://h/db?sslrootcert=/nonexistent/r.pem".into(),
            "does not exist",
        ),
        (format!("postgres://h/db?sslcert={c}"), "without its key"),
        (
            format!("postgres://h/db?sslkey={k}"),
            "without its certificate",
        ),
        (
            format!("postgres://h/db?sslcert={c}&sslkey={g}"),
            "holds no private key in PEM",
        ),
        (
            format!("mysql://h/db?ssl-ca={g}"),
            "holds no certificate in PEM",
        ),
        (
            format!("mysql://h/db?ssl-cert={c}"),
            "give the key too (ssl-key)",
        ),
    ] {
        let refused = refusal(&url).unwrap_or_else(|| panic!("{url} was accepted"));
        assert!(refused.contains(expected), "{url}: {refused}");
        assert!(refused.starts_with("cannot set up TLS"), "{refused}");
    }
    for url in [
        format!("postgres://h/db?sslrootcert={c}&sslcert={c}&sslkey={k}"),
        format!("mysql://h/db?ssl-mode=VERIFY_CA&ssl-ca={c}"),
        format!("postgres://h/db?sslmode=disable&sslrootcert={g}"),
        "postgres://h/db?sslmode=verify-full".to_string(),
    ] {
        assert_eq!(refusal(&url), None, "{url}");
    }
}
