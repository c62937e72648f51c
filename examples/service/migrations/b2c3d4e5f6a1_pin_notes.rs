//! Pin notes
//!
//! Revision ID: b2c3d4e5f6a1
//! Revises: a1b2c3d4e5f6
//! Create Date: 2026-12-01 12:05:00+00:00

use aurora_migrate::ddl::{Column, Ddl, DefaultValue, Type};

pub fn upgrade(ddl: &mut Ddl) {
    ddl.add_column(
        "notes",
        Column::new("pinned", Type::Boolean).default(DefaultValue::Boolean(false)),
    );
}

pub fn downgrade(ddl: &mut Ddl) {
    ddl.drop_column("notes", "pinned");
}
