//! Emulation records: `awardRecords`, the person's `awardRecords`, `dutyRatings`,
//! `disciplines` and `initiatives`, and the emulation officer's `recordAward`,
//! `revokeAwardRecord`, `recordDutyRating`, `recordDiscipline` and `recordInitiative`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use crate::domain::emulation::record::{
    self as records, NewAward, NewDiscipline, NewInitiative, NewRating, Revocation, Subject,
};
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::time::local_time;
use crate::graphql::common::connection::{connection, wants_total};
use crate::graphql::common::context::{db, load, pool};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::{
    AchievementKind, AwardRecordStatus, DisciplineForm, DutyRatingLevel, InitiativeKind,
    InitiativeScope,
};
use crate::graphql::common::error::{DomainErrorExt as _, IntoGql};
use crate::graphql::common::id::{NodeType, decode, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::emulation::catalogue::AwardType;
use crate::graphql::emulation::person::{Person, readable_one, signed_in};
use crate::graphql::loading::loaders::{AwardTypeById, PersonById, UnitById};
use crate::graphql::org::unit::Unit;

/// An award or title received (thành tích), under the catalogue version in force at the end of
/// its achievement window.
#[derive(Clone)]
pub struct AwardRecord(pub entity::award_record::Model);

#[Object]
impl AwardRecord {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::AwardRecord, self.0.id)
    }
    /// The person who received it (null for a collective's).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        if self.0.recipient_kind == entity::enums::AwardSubject::Collective {
            return Ok(None);
        }
        readable_one(ctx, load(ctx, PersonById(self.0.recipient_id)).await?).await
    }
    /// The unit that received it (null for a person's).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        if self.0.recipient_kind != entity::enums::AwardSubject::Collective {
            return Ok(None);
        }
        Ok(load(ctx, UnitById(self.0.recipient_id)).await?.map(Unit))
    }
    /// The catalogue version it was decided under.
    async fn award_type(&self, ctx: &Context<'_>) -> Result<Option<AwardType>> {
        Ok(load(ctx, AwardTypeById(self.0.award_type_id))
            .await?
            .map(AwardType))
    }
    /// Thời gian lập thành tích.
    async fn achievement_from(&self) -> Date {
        Date(self.0.achievement_from)
    }
    async fn achievement_to(&self) -> Date {
        Date(self.0.achievement_to)
    }
    async fn kind(&self) -> AchievementKind {
        self.0.kind.into()
    }
    async fn decision_number(&self) -> &str {
        &self.0.decision_number
    }
    async fn decided_on(&self) -> Date {
        Date(self.0.decided_on)
    }
    /// Who signed, as named then.
    async fn issuer_name(&self) -> &str {
        &self.0.issuer_name
    }
    async fn status(&self) -> AwardRecordStatus {
        self.0.status.into()
    }
    async fn revoked_on(&self) -> Option<Date> {
        self.0.revoked_on.map(Date)
    }
    async fn revocation_reason(&self) -> Option<&str> {
        self.0.revocation_reason.as_deref()
    }
    async fn revocation_decision(&self) -> Option<&str> {
        self.0.revocation_decision.as_deref()
    }
    /// Set when a record it relied on was revoked: why its eligibility needs review.
    async fn review_note(&self) -> Option<&str> {
        self.0.review_note.as_deref()
    }
    /// For optimistic locking (`revokeAwardRecord`).
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.created_at)
    }
}

connection!(
    AwardRecordConnection,
    AwardRecordEdge,
    AwardRecord,
    "award record"
);
impl crate::graphql::common::plain::PlainFields for AwardRecord {}

/// A year's duty rating.
#[derive(SimpleObject)]
pub struct DutyRating {
    pub year: i32,
    pub rating: DutyRatingLevel,
    pub decision_ref: Option<String>,
}

impl From<entity::duty_rating::Model> for DutyRating {
    fn from(m: entity::duty_rating::Model) -> Self {
        Self {
            year: m.year,
            rating: m.rating.into(),
            decision_ref: m.decision_ref,
        }
    }
}

/// A disciplinary measure (kỷ luật).
#[derive(SimpleObject)]
pub struct Discipline {
    pub form: DisciplineForm,
    pub decision_ref: String,
    pub decided_on: Date,
    pub effective_from: Date,
    pub effective_to: Date,
}

impl From<entity::discipline::Model> for Discipline {
    fn from(m: entity::discipline::Model) -> Self {
        Self {
            form: m.form.into(),
            decision_ref: m.decision_ref,
            decided_on: Date(m.decided_on),
            effective_from: Date(m.effective_from),
            effective_to: Date(m.effective_to),
        }
    }
}

/// An initiative or research project recognised by a competent level.
pub struct Initiative(pub entity::initiative::Model);

#[Object]
impl Initiative {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Initiative, self.0.id)
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn kind(&self) -> InitiativeKind {
        self.0.kind.into()
    }
    /// Where it was applied.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    async fn scope(&self) -> InitiativeScope {
        self.0.scope.into()
    }
    async fn recognition_decision(&self) -> &str {
        &self.0.recognition_decision
    }
    async fn recognised_on(&self) -> Date {
        Date(self.0.recognised_on)
    }
}

/// What `awardRecords` lists.
#[derive(InputObject, Default)]
pub struct AwardRecordFilter {
    /// Records of this person or unit.
    pub recipient_id: Option<ID>,
    /// Of this award type code (`CSTD_CO_SO`).
    pub award_code: Option<String>,
    pub status: Option<AwardRecordStatus>,
}

#[derive(Default)]
pub struct RecordQuery;

#[Object]
impl RecordQuery {
    /// Award records, newest achievement first (signed-in callers: award decisions are public
    /// documents, but staff lists are not).
    async fn award_records(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<AwardRecordFilter>,
    ) -> Result<AwardRecordConnection> {
        signed_in(ctx)?;
        let filter = filter.unwrap_or_default();
        let recipient_id = match filter.recipient_id {
            Some(id) => Some(recipient(&id).into_gql()?.id()),
            None => None,
        };
        let award_code = match filter.award_code {
            Some(code) if crate::domain::emulation::catalogue::valid_code(code.trim()) => {
                Some(code.trim().to_owned())
            }
            Some(_) => {
                return Err(DomainError::invalid(
                    "`awardCode` is an award type code (A–Z, 0–9, _)",
                )
                .extend());
            }
            None => None,
        };
        let filter = records::AwardRecordFilter {
            recipient_id,
            award_code,
            status: filter.status.map(Into::into),
        };
        let args =
            cursor::page_args(first, after.as_deref(), last, before.as_deref()).into_gql()?;
        let page = records::list_awards(db(ctx)?, &filter, &args, wants_total(ctx))
            .await
            .into_gql()?;
        Ok(AwardRecordConnection::from_page(page, AwardRecord))
    }
}

/// A person's or a unit's global id as the subject of a record.
pub fn recipient(id: &ID) -> crate::domain::kernel::error::DomainResult<Subject> {
    match decode(id)? {
        (NodeType::Person, uuid) => Ok(Subject::Person(uuid)),
        (NodeType::Unit, uuid) => Ok(Subject::Unit(uuid)),
        _ => Err(DomainError::invalid(format!(
            "{:?} is neither a person's nor a unit's id",
            id.as_str()
        ))),
    }
}

fn subject_of(id: &ID, field: &str) -> std::result::Result<Subject, Outcome> {
    recipient(id).map_err(|e| rejected(field, e))
}

/// `recordAward` input.
#[derive(InputObject)]
pub struct RecordAwardInput {
    /// A person's or a unit's id.
    pub recipient_id: ID,
    /// Any version of the award type: the record takes the version in force at
    /// `achievementTo`.
    pub award_type_id: ID,
    pub achievement_from: Date,
    pub achievement_to: Date,
    pub kind: AchievementKind,
    /// The decision's number (at most 100 characters).
    pub decision_number: String,
    pub decided_on: Date,
    /// Who signed, as named then (at most 300 characters).
    pub issuer_name: String,
    pub client_mutation_id: Option<String>,
}

/// `revokeAwardRecord` input.
#[derive(InputObject)]
pub struct RevokeAwardRecordInput {
    pub id: ID,
    pub version: i32,
    /// Why (at most 2 000 characters).
    pub reason: String,
    /// The revoking decision's number.
    pub decision: String,
    pub revoked_on: Date,
    pub client_mutation_id: Option<String>,
}

/// The result of `recordAward` and `revokeAwardRecord`.
#[derive(SimpleObject)]
pub struct AwardRecordPayload {
    pub award_record: Option<AwardRecord>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

impl AwardRecordPayload {
    async fn from(ctx: &Context<'_>, outcome: Outcome, cmid: Option<String>) -> Result<Self> {
        Ok(Self {
            award_record: fresh::<entity::award_record::Entity>(ctx, outcome.object_id)
                .await?
                .map(AwardRecord),
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }
}

/// `recordDutyRating` input.
#[derive(InputObject)]
pub struct RecordDutyRatingInput {
    /// A person's or a unit's id.
    pub subject_id: ID,
    pub year: i32,
    pub rating: DutyRatingLevel,
    pub decision_ref: Option<String>,
    pub client_mutation_id: Option<String>,
}

/// `recordDiscipline` input.
#[derive(InputObject)]
pub struct RecordDisciplineInput {
    pub person_id: ID,
    pub form: DisciplineForm,
    pub decision_ref: String,
    pub decided_on: Date,
    pub effective_from: Date,
    /// At most five years after `effectiveFrom`.
    pub effective_to: Date,
    pub client_mutation_id: Option<String>,
}

/// An author of an initiative.
#[derive(InputObject)]
pub struct InitiativeAuthorInput {
    pub person_id: ID,
    /// Per cent, when the decision states shares.
    pub share_percent: Option<i32>,
}

/// `recordInitiative` input.
#[derive(InputObject)]
pub struct RecordInitiativeInput {
    /// At most 500 characters.
    pub title: String,
    pub kind: InitiativeKind,
    /// Where it was applied.
    pub unit_id: ID,
    pub scope: InitiativeScope,
    pub recognition_decision: String,
    pub recognised_on: Date,
    #[graphql(validator(min_items = 1, max_items = 20))]
    pub authors: Vec<InitiativeAuthorInput>,
    pub client_mutation_id: Option<String>,
}

/// The result of a record kept on a person or a unit (a rating, a discipline, an initiative):
/// the person as now (null for a unit, or when the input was rejected).
#[derive(SimpleObject)]
pub struct RecordPayload {
    pub person: Option<Person>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

impl RecordPayload {
    async fn from(
        ctx: &Context<'_>,
        outcome: Outcome,
        person: Option<Uuid>,
        cmid: Option<String>,
    ) -> Result<Self> {
        let person = if outcome.user_errors.is_empty() {
            readable_one(ctx, fresh::<entity::person::Entity>(ctx, person).await?).await?
        } else {
            None
        };
        Ok(Self {
            person,
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }
}

#[derive(Default)]
pub struct RecordMutation;

#[Object]
impl RecordMutation {
    /// Records an award or title received (EMULATION_OFFICER of the recipient's unit or
    /// above): tied to the catalogue version in force at the end of its window; the same
    /// achievement rewarded twice is refused.
    async fn record_award(
        &self,
        ctx: &Context<'_>,
        input: RecordAwardInput,
    ) -> Result<AwardRecordPayload> {
        let cmid = input.client_mutation_id.clone();
        let recipient = try_input!(
            subject_of(&input.recipient_id, "recipientId"),
            AwardRecordPayload,
            ctx,
            cmid
        );
        let award_type_id = try_input!(
            id_of::<entity::award_type::Entity>(&input.award_type_id, "awardTypeId"),
            AwardRecordPayload,
            ctx,
            cmid
        );
        let award = NewAward {
            recipient,
            award_type_id,
            achievement_from: input.achievement_from.0,
            achievement_to: input.achievement_to.0,
            kind: input.kind.into(),
            decision_number: input.decision_number,
            decided_on: input.decided_on.0,
            issuer_name: input.issuer_name,
            source: None,
        };
        let outcome = run(ctx, "recordAward", cmid.as_deref(), async |txn, actor| {
            records::record_award(txn, actor, award).await
        })
        .await?;
        AwardRecordPayload::from(ctx, outcome, cmid).await
    }

    /// Revokes an award record (hủy bỏ quyết định khen thưởng); every later record of the
    /// recipient whose rule relied on it gets a `reviewNote`.
    async fn revoke_award_record(
        &self,
        ctx: &Context<'_>,
        input: RevokeAwardRecordInput,
    ) -> Result<AwardRecordPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::award_record::Entity>(&input.id, "id"),
            AwardRecordPayload,
            ctx,
            cmid
        );
        let revocation = Revocation {
            id,
            version: input.version,
            reason: input.reason,
            decision: input.decision,
            revoked_on: input.revoked_on.0,
        };
        let outcome = run(
            ctx,
            "revokeAwardRecord",
            cmid.as_deref(),
            async |txn, actor| records::revoke(txn, actor, revocation).await,
        )
        .await?;
        AwardRecordPayload::from(ctx, outcome, cmid).await
    }

    /// Records a year's duty rating of a person or a unit; the same rating again changes
    /// nothing, another one for a rated year is refused.
    async fn record_duty_rating(
        &self,
        ctx: &Context<'_>,
        input: RecordDutyRatingInput,
    ) -> Result<RecordPayload> {
        let cmid = input.client_mutation_id.clone();
        let subject = match subject_of(&input.subject_id, "subjectId") {
            Ok(subject) => subject,
            Err(outcome) => return RecordPayload::from(ctx, outcome, None, cmid).await,
        };
        let rating = NewRating {
            subject,
            year: input.year,
            rating: input.rating.into(),
            decision_ref: input.decision_ref,
        };
        let outcome = run(
            ctx,
            "recordDutyRating",
            cmid.as_deref(),
            async |txn, actor| records::record_rating(txn, actor, rating).await,
        )
        .await?;
        let person = match subject {
            Subject::Person(id) => Some(id),
            Subject::Unit(_) => None,
        };
        RecordPayload::from(ctx, outcome, person, cmid).await
    }

    /// Records a disciplinary measure with the window it has effect in.
    async fn record_discipline(
        &self,
        ctx: &Context<'_>,
        input: RecordDisciplineInput,
    ) -> Result<RecordPayload> {
        let cmid = input.client_mutation_id.clone();
        let person_id = match id_of::<entity::person::Entity>(&input.person_id, "personId") {
            Ok(id) => id,
            Err(outcome) => return RecordPayload::from(ctx, outcome, None, cmid).await,
        };
        let discipline = NewDiscipline {
            person_id,
            form: input.form.into(),
            decision_ref: input.decision_ref,
            decided_on: input.decided_on.0,
            effective_from: input.effective_from.0,
            effective_to: input.effective_to.0,
        };
        let outcome = run(
            ctx,
            "recordDiscipline",
            cmid.as_deref(),
            async |txn, actor| records::record_discipline(txn, actor, discipline).await,
        )
        .await?;
        RecordPayload::from(ctx, outcome, Some(person_id.uuid()), cmid).await
    }

    /// Records an initiative recognised by a competent level, with its authors.
    async fn record_initiative(
        &self,
        ctx: &Context<'_>,
        input: RecordInitiativeInput,
    ) -> Result<RecordPayload> {
        let cmid = input.client_mutation_id.clone();
        let unit_id = match id_of::<entity::unit::Entity>(&input.unit_id, "unitId") {
            Ok(id) => id,
            Err(outcome) => return RecordPayload::from(ctx, outcome, None, cmid).await,
        };
        let mut authors = Vec::with_capacity(input.authors.len());
        for author in &input.authors {
            match id_of::<entity::person::Entity>(&author.person_id, "authors") {
                Ok(id) => authors.push((id, author.share_percent)),
                Err(outcome) => return RecordPayload::from(ctx, outcome, None, cmid).await,
            }
        }
        let first_author = authors.first().map(|(id, _)| *id);
        let initiative = NewInitiative {
            title: input.title,
            kind: input.kind.into(),
            unit_id,
            scope: input.scope.into(),
            recognition_decision: input.recognition_decision,
            recognised_on: input.recognised_on.0,
            authors,
        };
        let outcome = run(
            ctx,
            "recordInitiative",
            cmid.as_deref(),
            async |txn, actor| records::record_initiative(txn, actor, initiative).await,
        )
        .await?;
        RecordPayload::from(ctx, outcome, first_author.map(|p| p.uuid()), cmid).await
    }
}

/// The format of an imported file.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// UTF-8 text, comma-separated, the template's headers on the first line.
    Csv,
    /// An Excel workbook; its first sheet in the template.
    Xlsx,
}

/// `importAwardRecords` input.
#[derive(InputObject)]
pub struct ImportAwardRecordsInput {
    pub format: ImportFormat,
    /// The CSV text, or the .xlsx file in base64 (the request body is at most 256 KB: split
    /// larger files).
    pub content: String,
    /// Validate and count only; store nothing.
    pub dry_run: Option<bool>,
    pub client_mutation_id: Option<String>,
}

/// A problem of one row of an imported file.
#[derive(SimpleObject)]
pub struct ImportRowError {
    /// The file's line (1 is the header line).
    pub row: i32,
    /// The template column (`Ngày quyết định`).
    pub column: String,
    pub code: UserErrorCode,
    pub message: String,
}

/// The result of `importAwardRecords`.
#[derive(SimpleObject)]
pub struct ImportAwardRecordsPayload {
    /// Rows read (blank lines skipped); null when the file was refused, or on a retry's replay.
    pub rows: Option<i32>,
    /// Records stored (for a dry run: that would be).
    pub imported: Option<i32>,
    /// Rows already recorded: a file imported again changes nothing.
    pub unchanged: Option<i32>,
    pub dry_run: bool,
    /// Every problem of every row; the file is stored only when there are none.
    pub row_errors: Vec<ImportRowError>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports historic award records from a file in the template (see README): validated
    /// whole, every row's every error reported, stored all or nothing; a file imported again
    /// changes nothing (EMULATION_OFFICER, for the people and units whose records it keeps).
    async fn import_award_records(
        &self,
        ctx: &Context<'_>,
        input: ImportAwardRecordsInput,
    ) -> Result<ImportAwardRecordsPayload> {
        use crate::domain::emulation::import::{self as import, Format};
        use base64::Engine as _;
        let cmid = input.client_mutation_id.clone();
        let dry_run = input.dry_run.unwrap_or(false);
        let format = match input.format {
            ImportFormat::Csv => Format::Csv,
            ImportFormat::Xlsx => Format::Xlsx,
        };
        let refused = |outcome: Outcome| {
            let user_errors = errors(&outcome);
            let row_errors = user_errors
                .iter()
                .filter_map(|e| match e.field.as_slice() {
                    [_, content, row, column] if content == "content" => Some(ImportRowError {
                        row: row.parse().unwrap_or(0),
                        column: column.clone(),
                        code: e.code,
                        message: e.message.clone(),
                    }),
                    _ => None,
                })
                .collect();
            ImportAwardRecordsPayload {
                rows: None,
                imported: None,
                unchanged: None,
                dry_run,
                row_errors,
                user_errors,
                client_mutation_id: cmid.clone(),
            }
        };
        let bytes = match format {
            Format::Csv => input.content.into_bytes(),
            Format::Xlsx => {
                match base64::engine::general_purpose::STANDARD.decode(input.content.trim()) {
                    Ok(bytes) => bytes,
                    Err(_) => {
                        return Ok(refused(rejected(
                            "content",
                            DomainError::invalid("an .xlsx file is sent in base64"),
                        )));
                    }
                }
            }
        };
        let decode = |text: &str| recipient(&ID(text.trim().to_owned())).ok();
        if dry_run {
            let actor = actor(ctx)?;
            return match import::import(pool(ctx)?, &actor, format, &bytes, &decode, true).await {
                Ok((counts, _)) => Ok(ImportAwardRecordsPayload {
                    rows: Some(counts.rows as i32),
                    imported: Some(counts.imported as i32),
                    unchanged: Some(counts.unchanged as i32),
                    dry_run,
                    row_errors: Vec::new(),
                    user_errors: Vec::new(),
                    client_mutation_id: cmid,
                }),
                Err(DomainError::Rejected(errors)) => Ok(refused(Outcome {
                    user_errors: errors,
                    ..Outcome::default()
                })),
                Err(other) => Err(other).into_gql(),
            };
        }
        let counts = std::sync::Mutex::new(None);
        let outcome = run(
            ctx,
            "importAwardRecords",
            cmid.as_deref(),
            async |txn, actor| {
                let (done, change) =
                    import::import(txn, actor, format, &bytes, &decode, false).await?;
                if let Ok(mut slot) = counts.lock() {
                    *slot = Some(done);
                }
                Ok(change)
            },
        )
        .await?;
        if !outcome.user_errors.is_empty() {
            return Ok(refused(outcome));
        }
        let counts = counts.lock().ok().and_then(|c| *c);
        Ok(ImportAwardRecordsPayload {
            rows: counts.map(|c| c.rows as i32),
            imported: counts.map(|c| c.imported as i32),
            unchanged: counts.map(|c| c.unchanged as i32),
            dry_run,
            row_errors: Vec::new(),
            user_errors: Vec::new(),
            client_mutation_id: cmid,
        })
    }
}
