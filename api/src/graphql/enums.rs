//! GraphQL enumerations. The stored vocabularies (unit kinds, roles, statuses…) are defined once
//! in `entity::enums` and derive `async_graphql::Enum` there (feature `graphql`), so storage and
//! schema cannot drift apart; the enums below exist only in the API.

use async_graphql::Enum;

pub use entity::enums::*;

/// Timeliness of a task as of a date (derived, never stored): the four national classes
/// (hoàn thành đúng hạn / quá hạn; chưa hoàn thành trong hạn / quá hạn) plus the cases without
/// a running deadline.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::task::Timeliness")]
pub enum Timeliness {
    /// Hoàn thành đúng hạn.
    CompletedOnTime,
    /// Hoàn thành quá hạn.
    CompletedLate,
    /// Chưa hoàn thành, trong hạn.
    OpenWithinDeadline,
    /// Chưa hoàn thành, quá hạn.
    OpenOverdue,
    /// Open work without a deadline (thường xuyên).
    NoDeadline,
    /// A conditional task whose trigger has not come; it cannot be overdue.
    AwaitingTrigger,
    /// Cancelled.
    Cancelled,
}

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderDirection {
    Asc,
    Desc,
}

/// A caller's role.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::auth::Role")]
pub enum Role {
    /// Everything, province-wide.
    ProvinceAdmin,
    /// Manages plans, tasks and units in its unit's subtree.
    UnitAdmin,
    /// Writes progress for its unit's tasks; reads its subtree's drafts.
    UnitOfficer,
    /// Award nominations.
    EmulationOfficer,
    /// Reads non-public data in its subtree.
    Viewer,
    /// An LGSP client: reads everything issued, writes only what its scopes list.
    Integration,
}
