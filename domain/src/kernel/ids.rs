//! Ids per kind of record: a [`PlanId`] cannot be passed where a [`UnitId`] is expected, so the
//! services' signatures say which record each argument names (`link(plan, parent)`,
//! `report_done(task, unit)`), and the compiler checks every caller.
//!
//! An id is a `Uuid` tagged with the SeaORM entity it belongs to. Where it enters (a decoded
//! global id, a row read from the database), it is made once; the statements read it back as a
//! plain value.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use uuid::Uuid;

/// The id of one record of entity `E`.
pub struct Id<E>(Uuid, PhantomData<fn() -> E>);

impl<E> Id<E> {
    /// Tags `uuid` as the id of an `E` (the caller knows it is one: it came from a global id of
    /// that type, or from a row or column of that entity).
    pub const fn new(uuid: Uuid) -> Self {
        Self(uuid, PhantomData)
    }

    /// The untyped value, as the database stores it.
    pub const fn uuid(self) -> Uuid {
        self.0
    }
}

// Written out: derives would demand that `E` itself be `Clone`, `Eq`…
impl<E> Clone for Id<E> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<E> Copy for Id<E> {}
impl<E> PartialEq for Id<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<E> Eq for Id<E> {}
impl<E> Hash for Id<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}
impl<E> fmt::Debug for Id<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}
impl<E> fmt::Display for Id<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl<E> From<Id<E>> for Uuid {
    fn from(id: Id<E>) -> Self {
        id.0
    }
}

impl<E> serde::Serialize for Id<E> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<E> From<Id<E>> for sea_orm::Value {
    fn from(id: Id<E>) -> Self {
        id.0.into()
    }
}

/// Untyped ids, for the statements that read many at once.
pub fn uuids<E>(ids: &[Id<E>]) -> Vec<Uuid> {
    ids.iter().map(|id| id.0).collect()
}

/// A unit's id (đơn vị).
pub type UnitId = Id<entity::unit::Entity>;
/// A plan's id (kế hoạch, chương trình).
pub type PlanId = Id<entity::plan::Entity>;
/// A task's id (nhiệm vụ).
pub type TaskId = Id<entity::task::Entity>;
/// A target's id (chỉ tiêu).
pub type TargetId = Id<entity::target::Entity>;
/// A reporting regime's id (chế độ báo cáo).
pub type RegimeId = Id<entity::reporting_regime::Entity>;
/// A report submission's id.
pub type SubmissionId = Id<entity::report_submission::Entity>;
/// A deadline-extension request's id.
pub type ExtensionId = Id<entity::deadline_extension::Entity>;
/// A person's id (cá nhân).
pub type PersonId = Id<entity::person::Entity>;
/// A nomination's id (đề nghị khen thưởng).
pub type NominationId = Id<entity::nomination::Entity>;
/// A unit group's id (nhóm đơn vị: "the district health centres").
pub type GroupId = Id<entity::unit_group::Entity>;
/// A breakdown row's id (a target's row: a district, a kind of facility…).
pub type BreakdownRowId = Id<entity::target_breakdown_row::Entity>;
/// An award type's id (hình thức khen thưởng, danh hiệu thi đua).
pub type AwardTypeId = Id<entity::award_type::Entity>;
/// An award record's id (a decided award).
pub type AwardRecordId = Id<entity::award_record::Entity>;
/// An emulation movement's id (phong trào thi đua).
pub type MovementId = Id<entity::emulation_movement::Entity>;
/// A round's id (đợt: annual, sơ kết, tổng kết).
pub type RoundId = Id<entity::emulation_round::Entity>;
/// An initiative's id (sáng kiến).
pub type InitiativeId = Id<entity::initiative::Entity>;
/// A stored file's id (an uploaded document).
pub type StoredFileId = Id<entity::stored_file::Entity>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_compare_and_convert_as_their_uuid() {
        let uuid = Uuid::new_v4();
        let plan = PlanId::new(uuid);
        assert_eq!(plan, PlanId::new(uuid));
        assert_eq!(Uuid::from(plan), uuid);
        assert_eq!(plan.to_string(), uuid.to_string());
        assert_eq!(sea_orm::Value::from(plan), sea_orm::Value::from(uuid));
        assert_eq!(uuids(&[plan]), vec![uuid]);
    }
}
