use super::*;

fn body(text: &str) -> Vec<Statement> {
    let script = read(&format!("def upgrade():\n{text}\n")).unwrap();
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    script.upgrade.unwrap().body
}

#[test]
fn statements_keep_their_line_their_source_and_their_shape() {
    let statements = body(
        "    # a comment\n    op.create_table(\n        \"t\",\n        sa.Column(\"id\", sa.Integer()),\n    )\n    with op.batch_alter_table(\"t\") as batch_op:\n        batch_op.drop_column(\"x\")\n    if op.get_context().dialect.name == \"postgresql\":\n        op.execute(\"SELECT 1\")\n    elif x:\n        pass\n    else:\n        conn = op.get_bind()\n",
    );
    assert_eq!(statements.len(), 3, "{statements:#?}");
    assert_eq!(statements[0].line, 3);
    assert_eq!(
        statements[0].source,
        "op.create_table(\n    \"t\",\n    sa.Column(\"id\", sa.Integer()),\n)"
    );
    let Kind::Expr(Value::Call { func, args, .. }) = &statements[0].kind else {
        panic!("{:?}", statements[0]);
    };
    assert_eq!(func, "op.create_table");
    assert_eq!(args[0], Value::Str("t".into()));
    let Kind::With { items, body } = &statements[1].kind else {
        panic!("{:?}", statements[1]);
    };
    assert_eq!(items[0].1, Some(Value::Name("batch_op".into())));
    assert!(matches!(&items[0].0, Value::Call { func, .. } if func == "op.batch_alter_table"));
    assert_eq!(body.len(), 1);
    let Kind::If { test, orelse, .. } = &statements[2].kind else {
        panic!("{:?}", statements[2]);
    };
    let Value::Compare { left, ops } = test else {
        panic!("{test:?}");
    };
    assert_eq!(
        **left,
        Value::Attribute {
            on: Box::new(Value::Attribute {
                on: Box::new(Value::Call {
                    func: "op.get_context".into(),
                    args: vec![],
                    kwargs: vec![]
                }),
                name: "dialect".into()
            }),
            name: "name".into()
        }
    );
    assert_eq!(ops, &[("==".to_string(), Value::Str("postgresql".into()))]);
    // `elif` is an `if` alone in the `else`, its own `else` below it.
    let [elif] = orelse.as_slice() else {
        panic!("{orelse:?}")
    };
    assert_eq!(elif.line, 11);
    assert!(
        matches!(&elif.kind, Kind::If { orelse, .. } if matches!(orelse[0].kind, Kind::Assign { .. }))
    );
}

#[test]
fn values_keep_what_python_computes_from_literals_only() {
    let statements = body(
        "    f(\"a\" 'b', \"c\" + \"d\", -1, 2.5e-3, None, True, [1, (2,)], {\"k\": v, **m}, *a, key=f\"{x}\", **kw)\n    t.update().where(t.c.id == 1).values(x=2)\n",
    );
    let Kind::Expr(Value::Call { args, kwargs, .. }) = &statements[0].kind else {
        panic!("{:?}", statements[0]);
    };
    assert_eq!(args[0], Value::Str("ab".into()));
    assert_eq!(args[1], Value::Str("cd".into()));
    assert_eq!(args[2], Value::Num("-1".into()));
    assert_eq!(args[3], Value::Num("2.5e-3".into()));
    assert!(args[4].is("None") && args[5].is("True"));
    assert_eq!(
        args[6],
        Value::Seq(vec![
            Value::Num("1".into()),
            Value::Seq(vec![Value::Num("2".into())])
        ])
    );
    assert_eq!(
        args[7],
        Value::Dict(vec![
            (Some(Value::Str("k".into())), Value::Name("v".into())),
            (None, Value::Name("m".into()))
        ])
    );
    assert_eq!(args[8], Value::Other("a `*` argument".into()));
    assert_eq!(
        kwargs[0],
        ("key".into(), Value::Other("an f-string".into()))
    );
    assert_eq!(kwargs[1].0, "**");
    assert!(
        matches!(&statements[1].kind, Kind::Expr(Value::Method { name, .. }) if name == "values")
    );
}

#[test]
fn imports_bind_names_as_python_binds_them() {
    let script = read(
        "import sqlalchemy as sa\nimport prefect.server.utilities\nfrom sqlalchemy.dialects import postgresql as pg, mysql\nfrom . import helpers\nfrom ..types import JSON as J\nfrom sqlalchemy import *\nrevision = 'a'\n",
    )
    .unwrap();
    let bound: Vec<(&str, &str)> = script
        .imports
        .iter()
        .map(|i| (i.alias.as_str(), i.target.as_str()))
        .collect();
    assert_eq!(
        bound,
        [
            ("sa", "sqlalchemy"),
            ("prefect", "prefect"),
            ("pg", "sqlalchemy.dialects.postgresql"),
            ("mysql", "sqlalchemy.dialects.mysql"),
            ("helpers", ".helpers"),
            ("J", "..types.JSON"),
            ("*", "sqlalchemy"),
        ]
    );
    assert_eq!(script.bound, ["revision"]);
}

#[test]
fn a_syntax_error_is_data_and_the_rest_is_still_read() {
    let script = read("revision = 'a1'\ndown_revision = None\n\ndef upgrade():\n    op.execute(\n\ndef downgrade():\n    pass\n").unwrap();
    assert_eq!(script.get("revision"), Some(&Value::Str("a1".into())));
    assert!(!script.errors.is_empty());
    assert_eq!(script.errors[0].line, 5, "{:?}", script.errors);
}

#[test]
fn nesting_past_python_s_limits_is_refused_at_its_line() {
    let n = 5000;
    for (text, line, said) in [
        (
            format!("x = 1\ny = {}1{}\n", "(".repeat(201), ")".repeat(201)),
            2,
            "brackets nested more than 200",
        ),
        (
            format!("x = [\n{}\n]\n", "[".repeat(n)),
            2,
            "brackets nested more than 200",
        ),
        (
            format!("x = f\"{}\"\n", "{f'".repeat(n)),
            1,
            "brackets nested more than 200",
        ),
        (
            format!("x = {}1\n", "-".repeat(n)),
            1,
            "an expression nested more than 1000",
        ),
        (
            format!("x = f({}1)\n", "- + ~".repeat(n)),
            1,
            "an expression nested more than 1000",
        ),
        (
            format!("x = {}1{}\n", "-(".repeat(150), ")".repeat(150)),
            0,
            "",
        ),
    ] {
        match read(&text) {
            Err((at, what)) => {
                assert_eq!((at, what.contains(said)), (line, true), "{what}")
            }
            Ok(_) => assert_eq!(line, 0, "read: {}", &text[..40]),
        }
    }
    // As deep as Python goes: read.
    let deepest = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    assert!(read(&deepest).unwrap().errors.is_empty());
}

#[test]
fn a_statement_too_long_to_walk_is_left_alone_and_the_rest_read() {
    let n = 100_000;
    for long in [
        vec!["'x'"; n].join(" + "),
        format!("a{}", ".b".repeat(n)),
        format!("f{}", "()".repeat(n)),
        vec!["a"; n].join(" if b else "),
        format!("{}x", "not ".repeat(n)),
        format!("{}1", "lambda: ".repeat(n)),
    ] {
        let statements = body(&format!(
            "    op.drop_table('a')\n    op.execute({long})\n    op.drop_table('b')\n"
        ));
        assert_eq!(statements.len(), 3, "{}", &long[..20]);
        assert_eq!(statements[1].line, 3);
        assert_eq!(statements[1].kind, Kind::TooLong("`op.execute`".into()));
        assert!(statements[1].source.len() <= 200);
        assert!(matches!(statements[2].kind, Kind::Expr(_)));
    }
}

#[test]
fn f_strings_and_strings_never_confuse_the_measure() {
    // Brackets inside strings, fields with nested quotes and specs, and escapes do not count.
    let text = "x = f\"{a['(']:>{w}} }}{{ {b!r} {'{'}\" + r'\\'' + '''\n((((\n''' + f'{c:{\"(\"}}'\ny = 1\n";
    let script = read(text).unwrap();
    assert!(script.errors.is_empty(), "{:?}", script.errors);
    assert_eq!(script.get("y"), Some(&Value::Num("1".into())));
    let deep = format!("x = '{}'\n", "(".repeat(5000));
    assert!(read(&deep).is_ok());
}

#[test]
fn source_lines_lose_the_statement_s_own_indentation() {
    let text = "def f():\n    if a:\n        b(\n            1)\n";
    let lines = Lines::new(text);
    assert_eq!(lines.line(0), 1);
    assert_eq!(lines.line(13), 2);
    assert_eq!(lines.source(13, text.len()), "if a:\n    b(\n        1)");
}
