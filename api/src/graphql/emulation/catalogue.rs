//! The award catalogue: `awardTypes`, `awardType`, `baseSalaries`, and the province
//! administrator's `addAwardTypeVersion` and `recordBaseSalary`.

use async_graphql::{Context, ID, InputObject, Json, Object, Result, SimpleObject, Value};
use chrono::{DateTime, FixedOffset};

use crate::domain::emulation::catalogue::{
    self as catalogue, AwardTypeVersion, BaseSalaryInput, VersionInput,
};
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::time::{local_time, today};
use crate::graphql::common::context::{db, load};
use crate::graphql::common::enums::{
    AwardAuthority, AwardCategory, AwardSubject, EligibilityRule, stored,
};
use crate::graphql::common::error::{DomainErrorExt as _, IntoGql};
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::plain::{self, PlainFields};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{AwardTypeById, AwardTypeVersions, BaseSalaryHistory};

/// A version of an award type (danh hiệu thi đua, hình thức khen thưởng) as the law stood from
/// `validFrom` to `validTo`. Versions are added, never changed; a nomination is judged by the
/// version in force at the end of its achievement window.
#[derive(Clone)]
pub struct AwardType(pub AwardTypeVersion);

#[Object]
impl AwardType {
    /// Global id (of this version).
    pub async fn id(&self) -> ID {
        global_id(NodeType::AwardType, self.0.model.id)
    }
    /// The catalogue's stable code, shared by every version (`CSTD_CO_SO`).
    async fn code(&self) -> &str {
        &self.0.model.code
    }
    /// 1, 2, 3… within the code.
    async fn version(&self) -> i32 {
        self.0.model.version
    }
    /// The shared national code (danh mục `mathiduakhenthuong` through LGSP), where known.
    async fn national_code(&self) -> Option<&str> {
        self.0.model.national_code.as_deref()
    }
    async fn name(&self) -> &str {
        &self.0.model.name
    }
    async fn category(&self) -> AwardCategory {
        self.0.model.category.into()
    }
    /// Who may receive it.
    async fn subjects(&self) -> Vec<AwardSubject> {
        self.0.subjects().into_iter().map(Into::into).collect()
    }
    /// Orders award types by standing (higher: more senior).
    async fn rank(&self) -> i32 {
        self.0.model.rank
    }
    /// Who decides it (thẩm quyền quyết định) under this version.
    async fn deciding_authority(&self) -> AwardAuthority {
        self.0.model.deciding_authority.into()
    }
    /// The levels a proposal passes through under this version (tuyến trình), first to
    /// last; it ends at the deciding authority.
    async fn proposing_route(&self) -> Vec<AwardAuthority> {
        self.0
            .proposing_route()
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// The reward as a multiple of the base salary (4.5 means 4.5 × lương cơ sở); null: no
    /// money.
    async fn reward_multiplier(&self) -> Option<f64> {
        self.0.model.reward_hundredths.map(|h| f64::from(h) / 100.0)
    }
    /// The reward in đồng under the base salary in force on `on` (today when absent); null
    /// when the award carries no money or no base salary is recorded for that day.
    async fn reward_amount(&self, ctx: &Context<'_>, on: Option<Date>) -> Result<Option<i64>> {
        let history = load(ctx, BaseSalaryHistory).await?.unwrap_or_default();
        let day = on.map_or_else(today, |d| d.0);
        Ok(catalogue::salary_on(&history, day).and_then(|salary| self.0.reward(salary)))
    }
    /// The rule that decides eligibility.
    async fn eligibility_rule(&self) -> EligibilityRule {
        self.0.model.eligibility_rule.into()
    }
    /// The rule's parameters under this version, every one written out.
    async fn rule_parameters(&self) -> Json<serde_json::Value> {
        Json(self.0.parameters().to_json())
    }
    /// The legal regime it follows (`2022-ND98`, `2022-ND152`).
    async fn law_version(&self) -> &str {
        &self.0.model.law_version
    }
    /// Articles and decrees, as a reader would cite them.
    async fn legal_basis(&self) -> &str {
        &self.0.model.legal_basis
    }
    /// The first day in force.
    async fn valid_from(&self) -> Date {
        Date(self.0.model.valid_from)
    }
    /// The last day in force (the day before the next version, or its own end); null:
    /// in force until a version replaces it.
    async fn valid_to(&self) -> Option<Date> {
        self.0.effective_to.map(Date)
    }
    async fn note(&self) -> Option<&str> {
        self.0.model.note.as_deref()
    }
    /// Share of the council's full membership that must agree, in per cent.
    async fn council_percent(&self) -> i32 {
        self.0.model.council_percent
    }
    /// Whether councils vote on it by secret ballot (bỏ phiếu kín).
    async fn secret_ballot(&self) -> bool {
        self.0.model.secret_ballot
    }
    /// Working days of public consultation before the council may meet (null: none).
    async fn consultation_working_days(&self) -> Option<i32> {
        self.0.model.consultation_working_days
    }
    /// Every version of this award type, oldest first (this one among them).
    async fn versions(&self, ctx: &Context<'_>) -> Result<Vec<AwardType>> {
        Ok(load(ctx, AwardTypeVersions(self.0.model.code.clone()))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(AwardType)
            .collect())
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.model.created_at)
    }
}

/// The base salary (lương cơ sở) from a day on; award money is a multiple of it.
#[derive(SimpleObject)]
pub struct BaseSalary {
    /// Đồng per month.
    pub amount: i64,
    pub valid_from: Date,
    /// The decree that set it.
    pub legal_basis: String,
}

impl From<entity::base_salary::Model> for BaseSalary {
    fn from(m: entity::base_salary::Model) -> Self {
        Self {
            amount: m.amount,
            valid_from: Date(m.valid_from),
            legal_basis: m.legal_basis,
        }
    }
}

impl PlainFields for AwardType {
    fn plain_field(&self, name: &str) -> Option<Value> {
        let model = &self.0.model;
        Some(match name {
            "id" => plain::value(global_id(NodeType::AwardType, model.id)),
            "code" => plain::text(&model.code),
            "version" => plain::value(model.version),
            "nationalCode" => plain::maybe_text(model.national_code.as_deref()),
            "name" => plain::text(&model.name),
            "category" => plain::value(AwardCategory::from(model.category)),
            "rank" => plain::value(model.rank),
            _ => return None,
        })
    }
}

/// What `awardTypes` lists.
#[derive(InputObject, Default)]
pub struct AwardTypeFilter {
    /// Only award types this kind of recipient may receive.
    pub subject: Option<AwardSubject>,
    pub category: Option<AwardCategory>,
    /// The versions in force on this day (today, Việt Nam, when absent).
    pub active_at: Option<Date>,
}

#[derive(Default)]
pub struct CatalogueQuery;

#[Object]
impl CatalogueQuery {
    /// The award catalogue as in force on a day, most senior first.
    async fn award_types(
        &self,
        ctx: &Context<'_>,
        filter: Option<AwardTypeFilter>,
    ) -> Result<Vec<AwardType>> {
        let filter = filter.unwrap_or_default();
        let filter = catalogue::AwardTypeFilter {
            subject: filter.subject.map(Into::into),
            category: filter.category.map(Into::into),
            active_at: filter.active_at.map_or_else(today, |d| d.0),
        };
        Ok(catalogue::list(db(ctx)?, &filter)
            .await
            .into_gql()?
            .into_iter()
            .map(AwardType)
            .collect())
    }
    /// An award type version by global id, or the version of a code in force on a day (today
    /// when `activeAt` is absent). Give exactly one of `id` and `code`.
    async fn award_type(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        code: Option<String>,
        active_at: Option<Date>,
    ) -> Result<Option<AwardType>> {
        match (id, code) {
            (Some(id), None) => {
                let uuid = expect(&id, NodeType::AwardType).into_gql()?;
                Ok(load(ctx, AwardTypeById(uuid)).await?.map(AwardType))
            }
            (None, Some(code)) => {
                let code = code.trim().to_owned();
                if !catalogue::valid_code(&code) {
                    return Err(
                        DomainError::invalid("`code` is an award type code (A–Z, 0–9, _)").extend(),
                    );
                }
                let day = active_at.map_or_else(today, |d| d.0);
                Ok(load(ctx, AwardTypeVersions(code))
                    .await?
                    .unwrap_or_default()
                    .into_iter()
                    .find(|v| v.in_force_on(day))
                    .map(AwardType))
            }
            _ => Err(DomainError::invalid("give exactly one of `id` and `code`").extend()),
        }
    }
    /// The base salary's history (lương cơ sở), oldest first.
    async fn base_salaries(&self, ctx: &Context<'_>) -> Result<Vec<BaseSalary>> {
        Ok(load(ctx, BaseSalaryHistory)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(BaseSalary::from)
            .collect())
    }
}

/// `addAwardTypeVersion` input: a whole version (nothing is carried over from the previous one).
#[derive(InputObject)]
pub struct AddAwardTypeVersionInput {
    /// The award type's code: an existing one gets its next version, a new one its first.
    pub code: String,
    /// The shared national code, where known (at most 40 characters).
    pub national_code: Option<String>,
    /// At most 300 characters.
    pub name: String,
    pub category: AwardCategory,
    #[graphql(validator(min_items = 1, max_items = 3))]
    pub subjects: Vec<AwardSubject>,
    /// 0 to 1 000; higher is more senior.
    pub rank: i32,
    pub deciding_authority: AwardAuthority,
    /// The levels a proposal passes through, ending at the deciding authority (at most 8).
    #[graphql(validator(max_items = 8))]
    pub proposing_route: Vec<AwardAuthority>,
    /// A multiple of the base salary, 0 to 100 with at most two decimals; absent: no money.
    pub reward_multiplier: Option<f64>,
    pub eligibility_rule: EligibilityRule,
    /// The rule's parameters (a JSON object of at most 4 096 bytes): those given replace the
    /// rule's defaults, the others keep them; unknown names are refused.
    pub rule_parameters: Option<Json<serde_json::Value>>,
    /// The legal regime (`2022-ND152`), at most 40 characters.
    pub law_version: String,
    /// Articles and decrees (at most 1 000 characters).
    pub legal_basis: String,
    /// The first day in force: after the latest version's first day.
    pub valid_from: Date,
    /// Its last day, when it ends without a successor.
    pub valid_to: Option<Date>,
    pub note: Option<String>,
    /// Share of the council's full membership that must agree, 1 to 100 (default 50).
    pub council_percent: Option<i32>,
    /// Whether councils vote by secret ballot (default false).
    pub secret_ballot: Option<bool>,
    /// Working days of public consultation before the council meets, 1 to 60 (absent or 0:
    /// none).
    pub consultation_working_days: Option<i32>,
    pub client_mutation_id: Option<String>,
}

/// The result of `addAwardTypeVersion`.
#[derive(SimpleObject)]
pub struct AwardTypePayload {
    /// The version added (null when the input was rejected).
    pub award_type: Option<AwardType>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

/// `recordBaseSalary` input.
#[derive(InputObject)]
pub struct RecordBaseSalaryInput {
    /// Đồng per month (100 000 to 20 000 000).
    pub amount: i64,
    /// The first day in force (a day not recorded yet).
    pub valid_from: Date,
    /// The decree that set it (required, at most 1 000 characters).
    pub legal_basis: String,
    pub client_mutation_id: Option<String>,
}

/// The result of `recordBaseSalary`.
#[derive(SimpleObject)]
pub struct BaseSalaryPayload {
    /// The base salary recorded (null when the input was rejected).
    pub base_salary: Option<BaseSalary>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct CatalogueMutation;

#[Object]
impl CatalogueMutation {
    /// Adds a version of an award type, or the first version of a new one (PROVINCE_ADMIN):
    /// a change of law is a new version from the day it takes effect; earlier versions stay as
    /// they were, and what was judged by them stays explainable.
    async fn add_award_type_version(
        &self,
        ctx: &Context<'_>,
        input: AddAwardTypeVersionInput,
    ) -> Result<AwardTypePayload> {
        let cmid = input.client_mutation_id;
        let version = VersionInput {
            code: input.code,
            national_code: input.national_code,
            name: input.name,
            category: input.category.into(),
            subjects: stored(Some(input.subjects)),
            rank: input.rank,
            deciding_authority: input.deciding_authority.into(),
            proposing_route: stored(Some(input.proposing_route)),
            reward_multiplier: input.reward_multiplier,
            eligibility_rule: input.eligibility_rule.into(),
            rule_parameters: input.rule_parameters.map(|j| j.0),
            law_version: input.law_version,
            legal_basis: input.legal_basis,
            valid_from: input.valid_from.0,
            valid_to: input.valid_to.map(|d| d.0),
            note: input.note,
            council_vote: Some(crate::domain::emulation::catalogue::CouncilVote {
                percent: input
                    .council_percent
                    .unwrap_or(crate::domain::emulation::catalogue::DEFAULT_COUNCIL_PERCENT),
                secret: input.secret_ballot.unwrap_or(false),
            }),
            consultation_working_days: input.consultation_working_days,
        };
        let outcome = run(
            ctx,
            "addAwardTypeVersion",
            cmid.as_deref(),
            async |txn, actor| catalogue::add_version(txn, actor, version).await,
        )
        .await?;
        let award_type = match outcome.object_id {
            Some(id) => catalogue::by_ids(db(ctx)?, &[id])
                .await
                .into_gql()?
                .remove(&id)
                .map(AwardType),
            None => None,
        };
        Ok(AwardTypePayload {
            award_type,
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }

    /// Records the base salary from a day on (PROVINCE_ADMIN), as a decree sets it; rewards of
    /// decisions from that day are multiples of it.
    async fn record_base_salary(
        &self,
        ctx: &Context<'_>,
        input: RecordBaseSalaryInput,
    ) -> Result<BaseSalaryPayload> {
        let cmid = input.client_mutation_id;
        let salary = BaseSalaryInput {
            amount: input.amount,
            valid_from: input.valid_from.0,
            legal_basis: input.legal_basis,
        };
        let outcome = run(
            ctx,
            "recordBaseSalary",
            cmid.as_deref(),
            async |txn, actor| catalogue::record_base_salary(txn, actor, salary).await,
        )
        .await?;
        let base_salary = fresh::<entity::base_salary::Entity>(ctx, outcome.object_id)
            .await?
            .map(BaseSalary::from);
        Ok(BaseSalaryPayload {
            base_salary,
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }
}
