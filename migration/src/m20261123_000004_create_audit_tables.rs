//! The audit log (append-only) and idempotency keys of mutations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    Id,
    OccurredAt,
    Subject,
    UnitId,
    ClientId,
    Action,
    ObjectType,
    ObjectId,
    ScopeUnitId,
    Before,
    After,
    RequestId,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKey {
    Table,
    Subject,
    ClientMutationId,
    Mutation,
    Outcome,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(uuid(AuditEvent::Id).primary_key())
                    .col(timestamp_with_time_zone(AuditEvent::OccurredAt))
                    .col(text(AuditEvent::Subject))
                    // The actor's unit and gateway application, as the token stated them.
                    .col(uuid_null(AuditEvent::UnitId))
                    .col(text_null(AuditEvent::ClientId))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(string_len(AuditEvent::ObjectType, 32))
                    .col(uuid(AuditEvent::ObjectId))
                    // The unit the object belongs to (a plan's issuer…): unit admins read the events
                    // of their subtree.
                    .col(uuid_null(AuditEvent::ScopeUnitId))
                    .col(json_null(AuditEvent::Before))
                    .col(json_null(AuditEvent::After))
                    .col(text_null(AuditEvent::RequestId))
                    .to_owned(),
            )
            .await?;
        // auditEvents(filter: {objectId})
        manager
            .create_index(index(
                AuditEvent::Table,
                "object",
                vec![
                    AuditEvent::ObjectId.into_iden(),
                    AuditEvent::OccurredAt.into_iden(),
                ],
            ))
            .await?;
        // auditEvents in time order, filtered by period
        manager
            .create_index(index(
                AuditEvent::Table,
                "occurred",
                vec![
                    AuditEvent::OccurredAt.into_iden(),
                    AuditEvent::Id.into_iden(),
                ],
            ))
            .await?;
        // Append-only, whatever path writes to the database.
        let db = manager.get_connection();
        match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event \
                     FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
                )
                .await?;
            }
            _ => {
                for operation in ["UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER audit_event_no_{} BEFORE {operation} ON audit_event \
                         BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
                        operation.to_ascii_lowercase()
                    ))
                    .await?;
                }
            }
        }

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(text(IdempotencyKey::Subject))
                    .col(text(IdempotencyKey::ClientMutationId))
                    .col(string_len(IdempotencyKey::Mutation, 64))
                    // What the first call produced (object id and user errors).
                    .col(json(IdempotencyKey::Outcome))
                    .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKey::Subject)
                            .col(IdempotencyKey::ClientMutationId),
                    )
                    .to_owned(),
            )
            .await?;
        // Expiry sweeps (keys are kept at least 24 h).
        manager
            .create_index(index(
                IdempotencyKey::Table,
                "created",
                vec![IdempotencyKey::CreatedAt.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKey::Table).to_owned())
            .await?;
        let db = manager.get_connection();
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS audit_event_append_only()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
            .await
    }
}
