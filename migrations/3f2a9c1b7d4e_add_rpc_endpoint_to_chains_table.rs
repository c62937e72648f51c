//! Add RPC endpoint to chains table
//!
//! Revision ID: 3f2a9c1b7d4e
//! Revises: cec3a80e61a4
//! Create Date: 2026-11-23 12:00:00+00:00

use aurora_migrate::ddl::{Column, Ddl, Type};

pub fn upgrade(ddl: &mut Ddl) {
    ddl.add_column("chains", Column::new("rpc_endpoint", Type::Varchar(200)).nullable());
}

pub fn downgrade(ddl: &mut Ddl) {
    ddl.drop_column("chains", "rpc_endpoint");
}
