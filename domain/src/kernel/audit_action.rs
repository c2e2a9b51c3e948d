//! What a change did, as the audit log records it: an action (`plan.create`) on an object type
//! (`Plan`). Enumerations here, strings in the log (which keeps what it stored).

/// A change the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    PlanCreate,
    PlanUpdate,
    PlanIssue,
    PlanSupersede,
    PlanComplete,
    PlanDelete,
    PlanLink,
    PlanUnlink,
    TaskCreate,
    TaskUpdate,
    TaskDelete,
    TargetCreate,
    TargetUpdate,
    TargetDelete,
    AssignmentsSet,
    UnitCreate,
    UnitUpdate,
    UnitMove,
    UnitClose,
    UnitMerge,
    OperationRegister,
    CalendarDayDeclare,
    CalendarDayRemove,
    ReportDraft,
    ReportSubmit,
    ReportAccept,
    ReportReturn,
    RegimeCreate,
    ProgressSubmit,
    TargetValueSubmit,
    ContributionAdd,
    TaskReportDone,
    TaskAcceptCompletion,
    TaskReturnCompletion,
    ExtensionRequest,
    ExtensionApprove,
    ExtensionReject,
    ReportRequest,
    AwardTypeVersionAdd,
    BaseSalaryRecord,
    PersonCreate,
    PersonUpdate,
    EmploymentRecord,
    AwardRecord,
    AwardRevoke,
    DutyRatingRecord,
    DisciplineRecord,
    InitiativeRecord,
    AwardImport,
}

impl AuditAction {
    /// The name the log stores and `auditEvents(filter: { action })` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PlanCreate => "plan.create",
            Self::PlanUpdate => "plan.update",
            Self::PlanIssue => "plan.issue",
            Self::PlanSupersede => "plan.supersede",
            Self::PlanComplete => "plan.complete",
            Self::PlanDelete => "plan.delete",
            Self::PlanLink => "plan.link",
            Self::PlanUnlink => "plan.unlink",
            Self::TaskCreate => "task.create",
            Self::TaskUpdate => "task.update",
            Self::TaskDelete => "task.delete",
            Self::TargetCreate => "target.create",
            Self::TargetUpdate => "target.update",
            Self::TargetDelete => "target.delete",
            Self::AssignmentsSet => "assignments.set",
            Self::UnitCreate => "unit.create",
            Self::UnitUpdate => "unit.update",
            Self::UnitMove => "unit.move",
            Self::UnitClose => "unit.close",
            Self::UnitMerge => "unit.merge",
            Self::OperationRegister => "operation.register",
            Self::CalendarDayDeclare => "calendar_day.declare",
            Self::CalendarDayRemove => "calendar_day.remove",
            Self::ReportDraft => "report.draft",
            Self::ReportSubmit => "report.submit",
            Self::ReportAccept => "report.accept",
            Self::ReportReturn => "report.return",
            Self::RegimeCreate => "regime.create",
            Self::ProgressSubmit => "progress.submit",
            Self::TargetValueSubmit => "target_value.submit",
            Self::ContributionAdd => "contribution.add",
            Self::TaskReportDone => "task.report_done",
            Self::TaskAcceptCompletion => "task.accept_completion",
            Self::TaskReturnCompletion => "task.return_completion",
            Self::ExtensionRequest => "extension.request",
            Self::ExtensionApprove => "extension.approve",
            Self::ExtensionReject => "extension.reject",
            Self::ReportRequest => "report_request.create",
            Self::AwardTypeVersionAdd => "award_type.add_version",
            Self::BaseSalaryRecord => "base_salary.record",
            Self::PersonCreate => "person.create",
            Self::PersonUpdate => "person.update",
            Self::EmploymentRecord => "employment.record",
            Self::AwardRecord => "award.record",
            Self::AwardRevoke => "award.revoke",
            Self::DutyRatingRecord => "duty_rating.record",
            Self::DisciplineRecord => "discipline.record",
            Self::InitiativeRecord => "initiative.record",
            Self::AwardImport => "award.import",
        }
    }

    /// Whether the object is gone after the change (the payload then has no object).
    pub fn deletes(self) -> bool {
        matches!(
            self,
            Self::PlanDelete | Self::TaskDelete | Self::TargetDelete | Self::CalendarDayRemove
        )
    }
}

/// The kind of object a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectType {
    Plan,
    Task,
    Target,
    Unit,
    RegisteredOperation,
    CalendarDay,
    ReportSubmission,
    ReportingRegime,
    ProgressUpdate,
    ExtensionRequest,
    TargetValue,
    TaskContribution,
    ReportRequest,
    AwardType,
    BaseSalary,
    Person,
    AwardRecord,
    Initiative,
    AwardImport,
}

impl ObjectType {
    /// The name the log stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "Plan",
            Self::Task => "Task",
            Self::Target => "Target",
            Self::Unit => "Unit",
            Self::RegisteredOperation => "RegisteredOperation",
            Self::CalendarDay => "CalendarDay",
            Self::ReportSubmission => "ReportSubmission",
            Self::ReportingRegime => "ReportingRegime",
            Self::ProgressUpdate => "ProgressUpdate",
            Self::ExtensionRequest => "ExtensionRequest",
            Self::TargetValue => "TargetValue",
            Self::TaskContribution => "TaskContribution",
            Self::ReportRequest => "ReportRequest",
            Self::AwardType => "AwardType",
            Self::BaseSalary => "BaseSalary",
            Self::Person => "Person",
            Self::AwardRecord => "AwardRecord",
            Self::Initiative => "Initiative",
            Self::AwardImport => "AwardImport",
        }
    }
}
