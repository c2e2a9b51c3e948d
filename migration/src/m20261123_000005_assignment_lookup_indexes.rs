//! Covering indexes for "what is assigned to this unit / this group" (tasks(filter: {unitId,
//! role}), Unit.tasks, targets(filter: {unitId})): the subject ids come from the index alone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP INDEX IF EXISTS idx_assignment_unit",
            "DROP INDEX IF EXISTS idx_assignment_group",
            "CREATE INDEX idx_assignment_unit_role ON assignment (unit_id, role, task_id, target_id)",
            "CREATE INDEX idx_assignment_group_role ON assignment (group_id, role, task_id, target_id)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP INDEX IF EXISTS idx_assignment_unit_role",
            "DROP INDEX IF EXISTS idx_assignment_group_role",
            "CREATE INDEX idx_assignment_unit ON assignment (unit_id, role)",
            "CREATE INDEX idx_assignment_group ON assignment (group_id)",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
