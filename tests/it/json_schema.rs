//! A validator of the JSON Schema subset that schemars writes for the documents: `$ref` into
//! `$defs`, `type` (one or a list), `properties`, `required`, `additionalProperties`, `items`,
//! `enum`, `const`, `anyOf`, `oneOf`, `allOf`, `minimum`, `maximum` and integer `format`s. A
//! keyword outside the subset fails the check, so a schema never passes by being misread.

use serde_json::Value;

/// Keywords that say nothing about validity.
const ANNOTATIONS: &[&str] = &["$schema", "title", "description", "$defs"];

/// The problems of `value` against `schema` (whose `$defs` are resolved in `root`), each
/// naming its place in the document; empty when it is valid.
pub fn validate(root: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(keywords) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            problems.push(format!("{at}: not allowed"));
        }
        return problems;
    };
    for (keyword, expected) in keywords {
        match keyword.as_str() {
            "$ref" => problems.extend(validate(root, resolve(root, expected), value, at)),
            "type" => {
                let types: Vec<&str> = match expected {
                    Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                    other => other.as_str().into_iter().collect(),
                };
                if !types.iter().any(|t| has_type(value, t)) {
                    problems.push(format!("{at}: {value} is not of type {types:?}"));
                }
            }
            "properties" => {
                if let (Some(object), Some(properties)) = (value.as_object(), expected.as_object())
                {
                    for (name, property) in properties {
                        if let Some(item) = object.get(name) {
                            problems.extend(validate(
                                root,
                                property,
                                item,
                                &format!("{at}.{name}"),
                            ));
                        }
                    }
                }
            }
            "required" => {
                if let Some(object) = value.as_object() {
                    for name in expected.as_array().into_iter().flatten() {
                        let name = name.as_str().unwrap_or_default();
                        if !object.contains_key(name) {
                            problems.push(format!("{at}: lacks the required `{name}`"));
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(object) = value.as_object() {
                    let declared = keywords.get("properties").and_then(Value::as_object);
                    for (name, item) in object {
                        if declared.is_some_and(|d| d.contains_key(name)) {
                            continue;
                        }
                        let place = format!("{at}.{name}");
                        match expected {
                            Value::Bool(false) => {
                                problems.push(format!("{place}: not declared by the schema"))
                            }
                            other => problems.extend(validate(root, other, item, &place)),
                        }
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    problems.extend(validate(root, expected, item, &format!("{at}[{i}]")));
                }
            }
            "enum" => {
                if !expected.as_array().is_some_and(|list| list.contains(value)) {
                    problems.push(format!("{at}: {value} is not one of {expected}"));
                }
            }
            "const" => {
                if value != expected {
                    problems.push(format!("{at}: {value} is not {expected}"));
                }
            }
            "anyOf" | "oneOf" | "allOf" => {
                let branches = expected.as_array().map(Vec::as_slice).unwrap_or_default();
                let valid = branches
                    .iter()
                    .filter(|b| validate(root, b, value, at).is_empty())
                    .count();
                let fits = match keyword.as_str() {
                    "anyOf" => valid >= 1,
                    "oneOf" => valid == 1,
                    _ => valid == branches.len(),
                };
                if !fits {
                    problems.push(format!(
                        "{at}: {value} fits {valid} of the {} branches of {keyword}",
                        branches.len()
                    ));
                }
            }
            "minimum" | "maximum" => {
                if let (Some(number), Some(bound)) = (value.as_f64(), expected.as_f64()) {
                    let within = match keyword.as_str() {
                        "minimum" => number >= bound,
                        _ => number <= bound,
                    };
                    if !within {
                        problems.push(format!("{at}: {number} is past the {keyword} {bound}"));
                    }
                }
            }
            "format" => {
                let format = expected.as_str().unwrap_or_default();
                let integer = format.starts_with("int") || format.starts_with("uint");
                if integer && value.is_number() && !has_type(value, "integer") {
                    problems.push(format!("{at}: {value} is not an integer ({format})"));
                }
            }
            other if ANNOTATIONS.contains(&other) => {}
            other => problems.push(format!(
                "{at}: the schema uses `{other}`, outside the subset"
            )),
        }
    }
    problems
}

fn resolve<'a>(root: &'a Value, reference: &Value) -> &'a Value {
    let name = reference
        .as_str()
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .unwrap_or_else(|| panic!("a reference outside $defs: {reference}"));
    root.get("$defs")
        .and_then(|defs| defs.get(name))
        .unwrap_or_else(|| panic!("no definition {name}"))
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => panic!("an unknown type {other}"),
    }
}
