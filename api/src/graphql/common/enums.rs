//! GraphQL enumerations. The stored vocabularies (unit kinds, roles, statuses…) mirror
//! `entity::enums` value for value: each is `remote` of its stored twin, so a value added to
//! one and not the other does not compile, and storage stays free of GraphQL. The enums at the
//! end exist only in the API.

use async_graphql::Enum;

/// Stored values of an optional list of GraphQL enum values (a filter's: empty when absent).
pub fn stored<A: Into<B>, B>(values: Option<Vec<A>>) -> Vec<B> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// A GraphQL enumeration mirroring the stored one of the same name.
macro_rules! stored_enum {
    ($remote:literal, $(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[graphql(remote = $remote)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }
    };
}

stored_enum! {
    "entity::enums::UnitKind",
    /// Kind of unit (loại đơn vị).
    UnitKind {
        /// Ủy ban nhân dân (tỉnh, huyện, xã).
        PeoplesCommittee,
        /// Cấp ủy Đảng (Tỉnh ủy, Huyện ủy).
        PartyCommittee,
        /// Bộ, ngành trung ương.
        Ministry,
        /// Sở.
        Department,
        /// Phòng thuộc Sở, Văn phòng Sở.
        DepartmentOffice,
        /// Thanh tra Sở.
        Inspectorate,
        /// Chi cục.
        SubDepartment,
        /// Đơn vị sự nghiệp công lập (CDC, trung tâm…).
        PublicServiceUnit,
        /// Bệnh viện.
        Hospital,
        /// Trung tâm Y tế huyện / khu vực.
        HealthCentre,
        /// Trạm Y tế xã.
        CommuneHealthStation,
        /// Phòng khám đa khoa khu vực.
        Clinic,
        /// Khoa, phòng, tổ inside a unit.
        InternalDivision,
        /// Cơ sở ngoài công lập.
        NonPublicFacility,
        /// Hội đồng.
        Council,
        /// Anything else.
        Other,
    }
}

stored_enum! {
    "entity::enums::SuccessionEvent",
    /// What happened to a unit (sáp nhập, hợp nhất, chia tách…).
    SuccessionEvent {
        /// Hợp nhất: several units form a new one.
        Merge,
        /// Sáp nhập: a unit is absorbed into an existing one.
        Absorb,
        /// Chia tách.
        Split,
        /// Đổi tên.
        Rename,
        /// Chuyển cơ quan quản lý.
        Transfer,
        /// Giải thể.
        Dissolve,
    }
}

stored_enum! {
    "entity::enums::PlanKind",
    /// Kind of planning document (loại văn bản).
    PlanKind {
        /// Kế hoạch.
        Plan,
        /// Chương trình.
        Programme,
        /// Chương trình hành động.
        ActionProgramme,
        /// Kế hoạch tổ chức phong trào thi đua.
        MovementPlan,
        /// Quyết định.
        Decision,
        /// Công văn triển khai.
        DirectiveLetter,
        /// Chỉ thị.
        Directive,
        /// Nghị quyết.
        Resolution,
    }
}

stored_enum! {
    "entity::enums::PlanStatus",
    /// Life-cycle state of a plan.
    PlanStatus {
        /// Dự thảo.
        Draft,
        /// Đã ban hành.
        Issued,
        /// Bị thay thế.
        Superseded,
        /// Đã hoàn thành.
        Completed,
    }
}

stored_enum! {
    "entity::enums::TargetMeasure",
    /// What a target measures.
    TargetMeasure {
        Percent,
        Count,
        Quantity,
        Ratio,
        Boolean,
        Qualitative,
    }
}

stored_enum! {
    "entity::enums::Comparator",
    /// How the achieved value is compared with the target value.
    Comparator {
        /// "trên X".
        GreaterThan,
        /// "từ X trở lên", "tối thiểu X".
        AtLeast,
        Exactly,
        /// "tối đa X".
        AtMost,
        /// "dưới X".
        LessThan,
        /// "đạt hoặc vượt".
        AchieveOrExceed,
    }
}

stored_enum! {
    "entity::enums::ChangeDirection",
    /// Whether a target value is a change relative to the baseline year.
    ChangeDirection {
        /// "giảm … so với năm …".
        Decrease,
        /// "tăng … so với năm …".
        Increase,
    }
}

stored_enum! {
    "entity::enums::TaskKind",
    /// Kind of task.
    TaskKind {
        /// Done once, with a deadline.
        OneOff,
        /// Thường xuyên: no deadline, reported every period.
        Recurring,
        /// Runs only once triggered ("khi có chỉ đạo của Sở Y tế").
        Conditional,
    }
}

stored_enum! {
    "entity::enums::TaskStatus",
    /// Stored state of a task. Timeliness (overdue…) is derived, never stored.
    TaskStatus {
        /// A conditional task whose trigger has not happened.
        WaitingTrigger,
        Assigned,
        InProgress,
        /// Reported done, waiting for the monitoring unit to accept.
        AwaitingAcceptance,
        Completed,
        Cancelled,
    }
}

stored_enum! {
    "entity::enums::AssignmentRole",
    /// Role of a unit in a task or target.
    AssignmentRole {
        /// Chủ trì (tham mưu).
        Lead,
        /// Phối hợp.
        Cooperating,
        /// Thực hiện.
        Implementing,
        /// Theo dõi, đôn đốc.
        Monitoring,
        /// Hướng dẫn.
        Guiding,
    }
}

stored_enum! {
    "entity::enums::ProgressStatus",
    /// How a reporting unit judges a task's progress.
    ProgressStatus {
        OnTrack,
        AtRisk,
        Behind,
        Completed,
    }
}

stored_enum! {
    "entity::enums::ReportingPeriodKind",
    /// Kind of reporting period (kỳ báo cáo).
    ReportingPeriodKind {
        Month,
        Quarter,
        HalfYear,
        NineMonths,
        Year,
        AdHoc,
    }
}

/// Timeliness of a task as of a date (derived, never stored): the four national classes
/// (hoàn thành đúng hạn / quá hạn; chưa hoàn thành trong hạn / quá hạn) plus the cases without
/// a running deadline.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::planning::task::Timeliness")]
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

stored_enum! {
    "entity::enums::CalendarDayKind",
    /// What the official calendar declares a day to be.
    CalendarDayKind {
        /// A day off on a weekday (ngày nghỉ lễ, Tết, nghỉ bù).
        DayOff,
        /// A working Saturday or Sunday (ngày làm bù).
        WorkingDay,
    }
}

stored_enum! {
    "entity::enums::ExtensionStatus",
    /// Where an extension request (đề nghị gia hạn) stands.
    ExtensionStatus {
        /// Waiting for the plan's issuer.
        Pending,
        /// Granted: the task's deadline moved to the day asked.
        Approved,
        /// Refused: the deadline stands.
        Rejected,
    }
}

stored_enum! {
    "entity::enums::SubmissionStatus",
    /// Where a report submission stands.
    SubmissionStatus {
        /// Being written by the reporting unit.
        Draft,
        /// Sent to the receiving unit.
        Submitted,
        /// Accepted by the receiving unit.
        Accepted,
        /// Returned to the reporting unit with a reason, to be fixed and sent again.
        Returned,
    }
}

stored_enum! {
    "entity::enums::AwardCategory",
    /// What kind of award an award type is.
    AwardCategory {
        /// Danh hiệu thi đua (Lao động tiên tiến, Chiến sĩ thi đua…, Tập thể lao động xuất sắc).
        EmulationTitle,
        /// Hình thức khen thưởng (Huân chương, Huy chương, Bằng khen, Giấy khen…).
        AwardForm,
        /// Danh hiệu vinh dự Nhà nước (Anh hùng Lao động, Thầy thuốc Nhân dân…).
        StateHonour,
    }
}

stored_enum! {
    "entity::enums::AwardSubject",
    /// Who may receive an award.
    AwardSubject {
        /// Cá nhân.
        Individual,
        /// Tập thể (a unit).
        Collective,
        /// Hộ gia đình.
        Household,
    }
}

stored_enum! {
    "entity::enums::AwardAuthority",
    /// An authority that decides or forwards awards (thẩm quyền quyết định, tuyến trình).
    AwardAuthority {
        /// Chủ tịch nước.
        President,
        /// Thủ tướng Chính phủ.
        PrimeMinister,
        /// Bộ trưởng, thủ trưởng cơ quan ngang bộ.
        Minister,
        /// Chủ tịch Ủy ban nhân dân tỉnh.
        ProvinceChair,
        /// Chủ tịch Ủy ban nhân dân huyện (until 30/6/2025: the district level ended).
        DistrictChair,
        /// Chủ tịch Ủy ban nhân dân xã.
        CommuneChair,
        /// Giám đốc Sở and heads of provincial agencies.
        DepartmentHead,
        /// Thủ trưởng cơ quan, đơn vị (a hospital's or a centre's director).
        UnitHead,
    }
}

stored_enum! {
    "entity::enums::EligibilityRule",
    /// The rule that decides whether a nominee qualifies for an award type; its parameters are
    /// the catalogue version's `ruleParameters`.
    EligibilityRule {
        /// No rule the records can decide: the council judges (Giấy khen, thematic awards).
        CouncilJudgement,
        /// Lao động tiên tiến.
        LabourAdvanced,
        /// Chiến sĩ thi đua cơ sở.
        EmulationFighterBase,
        /// Chiến sĩ thi đua cấp tỉnh (bộ, ban, ngành, tỉnh).
        EmulationFighterProvince,
        /// Chiến sĩ thi đua toàn quốc.
        EmulationFighterNational,
        /// Bằng khen của Chủ tịch UBND tỉnh (regular branch).
        ProvinceCertificate,
        /// Bằng khen của Thủ tướng Chính phủ (regular branch).
        PrimeMinisterCertificate,
        /// Huân chương Lao động (regular branch).
        LabourOrder,
        /// Tập thể lao động tiên tiến.
        CollectiveAdvanced,
        /// Tập thể lao động xuất sắc.
        CollectiveExcellent,
    }
}

stored_enum! {
    "entity::enums::Gender",
    /// Giới tính, as recorded.
    Gender {
        Male,
        Female,
    }
}

stored_enum! {
    "entity::enums::StaffCategory",
    /// Which staff regime a person is under.
    StaffCategory {
        /// Cán bộ (elected or appointed office holders).
        Official,
        /// Công chức.
        CivilServant,
        /// Viên chức (public service units: hospitals, centres).
        PublicEmployee,
        /// Người lao động (contract workers).
        Worker,
        /// Anyone else.
        Other,
    }
}

stored_enum! {
    "entity::enums::DutyRatingLevel",
    /// A yearly rating of how a person or a unit did its duties (xếp loại chất lượng, Nghị
    /// định 90/2020/NĐ-CP as amended by Nghị định 48/2023/NĐ-CP).
    DutyRatingLevel {
        /// Hoàn thành xuất sắc nhiệm vụ (HTXSNV).
        Excellent,
        /// Hoàn thành tốt nhiệm vụ (HTTNV).
        Good,
        /// Hoàn thành nhiệm vụ (HTNV).
        Completed,
        /// Không hoàn thành nhiệm vụ (KHTNV).
        NotCompleted,
    }
}

stored_enum! {
    "entity::enums::InitiativeScope",
    /// At which level an initiative (sáng kiến) was recognised as effective.
    InitiativeScope {
        /// Cấp cơ sở: the unit's own council.
        Base,
        /// Cấp bộ, ban, ngành, tỉnh.
        Province,
        /// Toàn quốc.
        National,
    }
}

stored_enum! {
    "entity::enums::AchievementKind",
    /// What an achievement was (loại thành tích).
    AchievementKind {
        /// Thường xuyên: the regular yearly or multi-year record.
        Regular,
        /// Theo chuyên đề, theo đợt: a thematic movement.
        Thematic,
        /// Đột xuất: an exceptional deed.
        AdHoc,
        /// Cống hiến, niên hạn: long service.
        LongService,
        /// Đối ngoại: to foreigners and foreign organisations.
        Foreign,
    }
}

stored_enum! {
    "entity::enums::AwardRecordStatus",
    /// Whether an award record stands.
    AwardRecordStatus {
        Valid,
        /// Cancelled by decision (hủy bỏ quyết định khen thưởng).
        Revoked,
    }
}

stored_enum! {
    "entity::enums::DisciplineForm",
    /// A disciplinary measure, lightest first.
    DisciplineForm {
        /// Khiển trách.
        Reprimand,
        /// Cảnh cáo.
        Warning,
        /// Hạ bậc lương, giáng chức.
        Demotion,
        /// Cách chức, buộc thôi việc.
        Dismissal,
    }
}

stored_enum! {
    "entity::enums::InitiativeKind",
    /// What an initiative is.
    InitiativeKind {
        /// Sáng kiến.
        Initiative,
        /// Đề tài nghiên cứu khoa học.
        ResearchProject,
    }
}

stored_enum! {
    "entity::enums::MovementLevel",
    /// The level that launched a movement (cấp phát động).
    MovementLevel {
        /// Trung ương.
        Central,
        /// Ủy ban nhân dân tỉnh.
        Province,
        /// Sở, ban, ngành.
        Department,
        /// Cơ quan, đơn vị cơ sở.
        Unit,
    }
}

stored_enum! {
    "entity::enums::MovementKind",
    /// Kind of movement.
    MovementKind {
        /// Thường xuyên (regular, yearly).
        Regular,
        /// Theo chuyên đề, theo đợt (thematic).
        Thematic,
    }
}

stored_enum! {
    "entity::enums::RegistrationRule",
    /// What a nomination for a title without a registration (đăng ký thi đua) gets.
    RegistrationRule {
        /// A warning recorded with the step.
        Warn,
        /// A refusal.
        Block,
    }
}

stored_enum! {
    "entity::enums::RoundKind",
    /// A round of a movement (đợt xét).
    RoundKind {
        /// Hằng năm.
        Annual,
        /// Sơ kết (mid-term review).
        MidtermReview,
        /// Tổng kết (final review).
        FinalReview,
    }
}

stored_enum! {
    "entity::enums::NominationState",
    /// Where a nomination stands (domain.md §b1).
    NominationState {
        /// Being prepared by the nominating unit.
        Draft,
        /// Before the nominating unit's emulation council (bình xét cơ sở).
        UnitReview,
        /// Sent back to the nominating unit to revise.
        Returned,
        /// Sent up to the next level (tờ trình), not yet received.
        Forwarded,
        /// Being appraised by the receiving level's standing body (thẩm định).
        Appraisal,
        /// The appraisers asked for missing documents.
        SupplementRequested,
        /// Posted for public comment before the council meets.
        PublicConsultation,
        /// Passed a council: decided here or forwarded up.
        PendingDecision,
        /// Decided: the award record exists.
        Awarded,
        /// Decided with a lower form than proposed.
        Downgraded,
        /// Refused by a council or an authority.
        Rejected,
        /// Withdrawn by the nominating unit.
        Withdrawn,
    }
}

stored_enum! {
    "entity::enums::BallotStage",
    /// Which council voted.
    BallotStage {
        /// The nominating unit's own council.
        UnitReview,
        /// The council of a level the nomination was forwarded to.
        CouncilReview,
    }
}

stored_enum! {
    "entity::enums::DossierKind",
    /// A document of a nomination's dossier (domain.md rule 30).
    DossierKind {
        /// Tờ trình.
        ProposalLetter,
        /// Báo cáo thành tích.
        AchievementReport,
        /// Biên bản họp Hội đồng Thi đua - Khen thưởng.
        CouncilMinutes,
        /// Kết quả bỏ phiếu.
        BallotResult,
        /// Quyết định công nhận sáng kiến.
        InitiativeRecognition,
        /// Xác nhận của cơ quan có thẩm quyền.
        AuthorityConfirmation,
        /// Xác nhận nghĩa vụ thuế, bảo hiểm xã hội.
        TaxAndInsuranceConfirmation,
        /// Kết quả lấy ý kiến công khai.
        ConsultationResult,
        Other,
    }
}
