//! Enumerations stored as upper-case strings. The Vietnamese terms are in the doc comments.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
        )]
        #[sea_orm(
            rs_type = "String",
            db_type = "String(StringLen::N(32))",
            rename_all = "SCREAMING_SNAKE_CASE"
        )]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }
    };
}

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
    /// Whether a target value is a change relative to the baseline year.
    ChangeDirection {
        /// "giảm … so với năm …".
        Decrease,
        /// "tăng … so với năm …".
        Increase,
    }
}

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
    /// How a reporting unit judges a task's progress.
    ProgressStatus {
        OnTrack,
        AtRisk,
        Behind,
        Completed,
    }
}

string_enum! {
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

string_enum! {
    /// What the official calendar declares a day to be.
    CalendarDayKind {
        /// A day off (ngày nghỉ lễ, Tết, nghỉ bù).
        DayOff,
        /// A working day on a weekend (ngày làm bù).
        WorkingDay,
    }
}

string_enum! {
    /// How a regime cuts its data window (thời gian chốt số liệu).
    CutOffRule {
        /// Nghị định 09/2019/NĐ-CP: the 15th of the month before the period to the 14th of its
        /// last month.
        #[sea_orm(string_value = "DECREE_09")]
        #[serde(rename = "DECREE_09")]
        Decree09,
        /// Calendar months.
        Calendar,
    }
}

string_enum! {
    /// Where an extension request (đề nghị gia hạn) stands.
    ExtensionStatus {
        /// Waiting for the plan's issuer.
        Pending,
        /// Granted: the task's deadline moved to the proposed day.
        Approved,
        /// Refused: the deadline stands.
        Rejected,
    }
}

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
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

string_enum! {
    /// The rule that decides whether a nominee qualifies for an award type (parameterised by
    /// the catalogue version).
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

string_enum! {
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

string_enum! {
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

string_enum! {
    /// Giới tính, as recorded.
    Gender {
        Male,
        Female,
    }
}

string_enum! {
    /// Which staff regime a person is under (the award forms and their routes differ).
    StaffCategory {
        /// Cán bộ (elected or appointed office holders).
        Official,
        /// Công chức.
        CivilServant,
        /// Viên chức (public service units: hospitals, centres).
        PublicEmployee,
        /// Người lao động (contract workers).
        Worker,
        /// Anyone else (armed forces seconded, volunteers…).
        Other,
    }
}

string_enum! {
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

string_enum! {
    /// Whether an award record stands.
    AwardRecordStatus {
        Valid,
        /// Cancelled by decision (hủy bỏ quyết định khen thưởng).
        Revoked,
    }
}

string_enum! {
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

string_enum! {
    /// What an initiative is.
    InitiativeKind {
        /// Sáng kiến.
        Initiative,
        /// Đề tài nghiên cứu khoa học.
        ResearchProject,
    }
}

string_enum! {
    /// The level that launched an emulation movement (cấp phát động).
    MovementLevel {
        /// Trung ương (Chủ tịch nước, Thủ tướng).
        Central,
        /// Ủy ban nhân dân tỉnh.
        Province,
        /// Sở, ban, ngành.
        Department,
        /// Cơ quan, đơn vị cơ sở.
        Unit,
    }
}

string_enum! {
    /// Kind of emulation movement (hình thức tổ chức phong trào).
    MovementKind {
        /// Thường xuyên (annual, regular).
        Regular,
        /// Theo chuyên đề, theo đợt (thematic).
        Thematic,
    }
}

string_enum! {
    /// What a nomination for a title without a registration (đăng ký thi đua) gets.
    RegistrationRule {
        /// A warning recorded with the transition.
        Warn,
        /// A refusal.
        Block,
    }
}

string_enum! {
    /// A round of a movement (đợt xét khen thưởng).
    RoundKind {
        /// Hằng năm.
        Annual,
        /// Sơ kết (mid-term review).
        MidtermReview,
        /// Tổng kết (final review).
        FinalReview,
    }
}

string_enum! {
    /// Where a nomination stands (trạng thái hồ sơ đề nghị khen thưởng), domain.md §b1.
    NominationState {
        /// Being prepared by the nominating unit.
        Draft,
        /// Submitted to the nominating unit's emulation council (bình xét cơ sở).
        UnitReview,
        /// Sent back to the nominating unit to revise.
        Returned,
        /// Sent up to the next level (tờ trình lên cấp trên), not yet received.
        Forwarded,
        /// Received and being appraised by the level's standing body (thẩm định).
        Appraisal,
        /// The appraisers asked for missing documents.
        SupplementRequested,
        /// Posted for public comment (lấy ý kiến công khai) before the council meets.
        PublicConsultation,
        /// Passed a council: the level decides within its competence or forwards it up.
        PendingDecision,
        /// Decided: the award records exist.
        Awarded,
        /// Decided with a lower award form than proposed (đạt hình thức thấp hơn).
        Downgraded,
        /// Refused by a council or an authority.
        Rejected,
        /// Withdrawn by the nominating unit.
        Withdrawn,
    }
}

string_enum! {
    /// Which council voted (bình xét).
    BallotStage {
        /// The nominating unit's own council (hội đồng thi đua, khen thưởng cơ sở).
        UnitReview,
        /// The council of a level the nomination was forwarded to.
        CouncilReview,
    }
}

string_enum! {
    /// A document of a nomination's dossier (hồ sơ đề nghị khen thưởng), domain.md rule 30.
    DossierKind {
        /// Tờ trình of the nominating authority.
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
