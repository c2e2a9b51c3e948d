//! An object's audit log is listed newest first, ties by id (`auditEvents(filter: { objectId })`).
//! The index of migration 4 (`object_id, occurred_at`) did not carry the id: PostgreSQL's generic
//! plan for the prepared statement read all of an object's events and sorted them to cut a page
//! of 20 (a plan edited a thousand times: a thousand rows per page). With the id in the index a
//! page is read in order and the scan stops after it. The new index serves every use of the old
//! one (its columns are the old one's, then the id), which goes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    ObjectId,
    OccurredAt,
    Id,
}

fn drop(name: &str) -> IndexDropStatement {
    Index::drop()
        .name(name)
        .table(AuditEvent::Table)
        .if_exists()
        .to_owned()
}

/// Created unless it is there (a database whose index was made by hand ahead of the release).
fn create(suffix: &str, columns: Vec<DynIden>) -> IndexCreateStatement {
    crate::index(AuditEvent::Table, suffix, columns)
        .if_not_exists()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(create(
                "object_order",
                vec![
                    AuditEvent::ObjectId.into_iden(),
                    AuditEvent::OccurredAt.into_iden(),
                    AuditEvent::Id.into_iden(),
                ],
            ))
            .await?;
        manager.drop_index(drop("idx_audit_event_object")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(create(
                "object",
                vec![
                    AuditEvent::ObjectId.into_iden(),
                    AuditEvent::OccurredAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .drop_index(drop("idx_audit_event_object_order"))
            .await
    }
}
