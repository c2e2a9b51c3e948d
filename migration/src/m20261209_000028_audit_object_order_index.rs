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

/// Creates `idx_audit_event_<suffix>` on `columns` unless it is there (a database whose index
/// was made by hand ahead of the release), then drops `old` if it is there.
async fn swap(
    manager: &SchemaManager<'_>,
    suffix: &str,
    columns: Vec<AuditEvent>,
    old: &str,
) -> Result<(), DbErr> {
    let columns = columns.into_iter().map(IntoIden::into_iden).collect();
    manager
        .create_index(
            crate::index(AuditEvent::Table, suffix, columns)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
    manager
        .drop_index(
            Index::drop()
                .name(old)
                .table(AuditEvent::Table)
                .if_exists()
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AuditEvent::*;
        let columns = vec![ObjectId, OccurredAt, Id];
        swap(manager, "object_order", columns, "idx_audit_event_object").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AuditEvent::*;
        let columns = vec![ObjectId, OccurredAt];
        swap(manager, "object", columns, "idx_audit_event_object_order").await
    }
}
