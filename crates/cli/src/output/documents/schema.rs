//! The JSON Schema of each document, as schemars derives it from the structs, made strict: an
//! object admits no property it does not declare, and a document printed as an object may
//! carry the `database` the command used, which the printer adds. Must not import a command.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::DatabaseUsed;

/// The schema of `T`; with `names_database`, its objects at the top may carry `database` (an
/// array document carries none).
pub(crate) fn of<T: JsonSchema>(names_database: bool) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    close_objects(&mut schema);
    if names_database && schema["type"] != "array" {
        let mut database = schemars::schema_for!(DatabaseUsed).to_value();
        close_objects(&mut database);
        if let Some(object) = database.as_object_mut() {
            object.remove("$schema");
            object.remove("title");
        }
        let mut root = schema.clone();
        add_database(&mut schema, &mut root);
        let defs = root
            .as_object_mut()
            .and_then(|object| object.remove("$defs"))
            .unwrap_or_else(|| Value::Object(Default::default()));
        schema["$defs"] = defs;
        schema["$defs"]["DatabaseUsed"] = database;
    }
    schema
}

/// Every object schema that lists its properties admits no other, and requires each: a
/// document always carries every field, `null` where it has no value.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get("properties") {
                let names: Vec<Value> = properties.keys().cloned().map(Value::from).collect();
                object.insert("required".into(), names.into());
                object
                    .entry("additionalProperties")
                    .or_insert_with(|| false.into());
            }
            object.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// `database` as an optional property of the object `schema` describes; through each branch
/// of a choice, and through a reference into `root`'s definitions.
fn add_database(schema: &mut Value, root: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        properties.entry("database").or_insert_with(|| {
            serde_json::json!({
                "$ref": "#/$defs/DatabaseUsed",
                "description": "The database the command used, when it used one.",
            })
        });
        return;
    }
    if let Some(Value::String(reference)) = object.get("$ref") {
        let name = reference.trim_start_matches("#/$defs/").to_string();
        let mut definition = root["$defs"][&name].take();
        add_database(&mut definition, root);
        root["$defs"][&name] = definition;
        return;
    }
    for choice in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get_mut(choice) {
            for branch in branches {
                add_database(branch, root);
            }
        }
    }
}
