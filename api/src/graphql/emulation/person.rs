//! People and their employments: `people`, `person`, and the emulation officer's
//! `createPerson`, `updatePerson` and `recordEmployment`.
//!
//! Personal data (birth date, gender, staff category, employments) is read only by the callers
//! the policy lets `READ_PERSONAL_DATA` on the person's unit; for everyone else those fields
//! are refused with `FORBIDDEN` (an error, not a null that could be mistaken for "unknown").

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::access::Viewer;
use crate::domain::access::policy::{self, Action};
use crate::domain::emulation::person::{self as people, NewEmployment, NewPerson, PersonFields};
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::ids::UnitId;
use crate::domain::kernel::time::local_time;
use crate::graphql::common::connection::{connection, wants_total};
use crate::graphql::common::context::{db, load, load_required};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::{Gender, StaffCategory};
use crate::graphql::common::error::{DomainErrorExt as _, IntoGql};
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::loaders::{PersonEmployments, UnitById};
use crate::graphql::org::unit::Unit;

/// A person whose emulation records are kept. Name, position and unit are read by every
/// signed-in caller; the personal fields only by the emulation officers and administrators of
/// the person's unit and above (others get `FORBIDDEN` on those fields).
#[derive(Clone)]
pub struct Person {
    pub model: entity::person::Model,
    /// Whether the caller may read the personal fields.
    pub personal: bool,
}

impl Person {
    /// A personal field: its value, or null with a `FORBIDDEN` error at the field's own path
    /// (a resolver's `Err` would null the whole person, not only the field).
    fn personal<T>(&self, ctx: &Context<'_>, value: Option<T>) -> Option<T> {
        if self.personal {
            return value;
        }
        let refusal = DomainError::Forbidden(
            "personal data is read only by the emulation officers and administrators of this person's unit and above"
                .into(),
        )
        .extend()
        .into_server_error(ctx.item.pos);
        ctx.add_error(ctx.set_error_path(refusal));
        None
    }
}

/// People as the caller may read them: whether each one's personal fields are readable, from
/// the caller's subtree read once per request.
pub async fn readable(
    ctx: &Context<'_>,
    models: Vec<entity::person::Model>,
) -> Result<Vec<Person>> {
    let principal = ctx
        .data_opt::<Viewer>()
        .and_then(|v| v.principal().cloned());
    let Some(principal) = principal else {
        return Ok(models
            .into_iter()
            .map(|model| Person {
                model,
                personal: false,
            })
            .collect());
    };
    // The caller's subtree came with its unit: no statement here.
    let scope = policy::scope(db(ctx)?, &principal, Action::ReadPersonalData)
        .await
        .into_gql()?;
    Ok(models
        .into_iter()
        .map(|model| Person {
            personal: scope
                .as_ref()
                .is_none_or(|units| units.contains(&model.unit_id)),
            model,
        })
        .collect())
}

/// One person as the caller may read them.
pub async fn readable_one(
    ctx: &Context<'_>,
    model: Option<entity::person::Model>,
) -> Result<Option<Person>> {
    Ok(match model {
        Some(model) => readable(ctx, vec![model]).await?.into_iter().next(),
        None => None,
    })
}

/// Refuses anonymous callers: staff lists and their records are not public.
pub fn signed_in(ctx: &Context<'_>) -> Result<()> {
    match ctx.data_opt::<Viewer>().and_then(Viewer::principal) {
        Some(_) => Ok(()),
        None => Err(DomainError::Unauthenticated(
            "sign in to read people and their emulation records".into(),
        )
        .extend()),
    }
}

#[Object]
impl Person {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Person, self.model.id)
    }
    /// Họ và tên (NFC).
    async fn full_name(&self) -> &str {
        &self.model.full_name
    }
    /// Chức vụ, as now.
    async fn position(&self) -> Option<&str> {
        self.model.position.as_deref()
    }
    /// The unit of the current employment.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Unit> {
        Ok(Unit(
            load_required(ctx, UnitById(self.model.unit_id)).await?,
        ))
    }
    /// For optimistic locking: send it back with `updatePerson` and `recordEmployment`.
    async fn version(&self) -> i32 {
        self.model.version
    }
    /// Personal data.
    async fn birth_date(&self, ctx: &Context<'_>) -> Option<Date> {
        self.personal(ctx, self.model.birth_date.map(Date))
    }
    /// Personal data.
    async fn gender(&self, ctx: &Context<'_>) -> Option<Gender> {
        self.personal(ctx, self.model.gender.map(Into::into))
    }
    /// Personal data.
    async fn staff_category(&self, ctx: &Context<'_>) -> Option<StaffCategory> {
        self.personal(ctx, self.model.staff_category.map(Into::into))
    }
    /// Personal data: the person's employments (quá trình công tác), oldest first; a unit
    /// merged away stays the unit the time was spent in.
    async fn employments(&self, ctx: &Context<'_>) -> Result<Option<Vec<Employment>>> {
        if self.personal(ctx, Some(())).is_none() {
            return Ok(None);
        }
        Ok(Some(
            load(ctx, PersonEmployments(self.model.id))
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(Employment)
                .collect(),
        ))
    }
    async fn updated_at(&self) -> DateTime<FixedOffset> {
        local_time(self.model.updated_at)
    }
    /// Where it comes from, when the demo data invented it (null: entered through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.model.id).await
    }
    /// Awards and titles received, oldest achievement first (revoked ones too, marked).
    async fn award_records(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::emulation::record::AwardRecord>> {
        Ok(self
            .records(ctx)
            .await?
            .awards
            .into_iter()
            .map(crate::graphql::emulation::record::AwardRecord)
            .collect())
    }
    /// Personal data: the yearly duty ratings, oldest first.
    async fn duty_ratings(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<crate::graphql::emulation::record::DutyRating>>> {
        if self.personal(ctx, Some(())).is_none() {
            return Ok(None);
        }
        Ok(Some(
            self.records(ctx)
                .await?
                .ratings
                .into_iter()
                .map(Into::into)
                .collect(),
        ))
    }
    /// Personal data: disciplinary measures, oldest first.
    async fn disciplines(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<Vec<crate::graphql::emulation::record::Discipline>>> {
        if self.personal(ctx, Some(())).is_none() {
            return Ok(None);
        }
        Ok(Some(
            self.records(ctx)
                .await?
                .disciplines
                .into_iter()
                .map(Into::into)
                .collect(),
        ))
    }
    /// Initiatives the person authored, oldest recognition first.
    async fn initiatives(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::emulation::record::Initiative>> {
        Ok(self
            .records(ctx)
            .await?
            .initiatives
            .into_iter()
            .map(crate::graphql::emulation::record::Initiative)
            .collect())
    }
}

impl Person {
    async fn records(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::domain::emulation::record::Records> {
        Ok(load(
            ctx,
            crate::graphql::loading::loaders::RecordsOf(self.model.id),
        )
        .await?
        .unwrap_or_default())
    }
}

/// A person's time in a unit.
pub struct Employment(entity::employment::Model);

#[Object]
impl Employment {
    /// The unit as it was (closed units too).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Unit> {
        Ok(Unit(load_required(ctx, UnitById(self.0.unit_id)).await?))
    }
    async fn position(&self) -> Option<&str> {
        self.0.position.as_deref()
    }
    async fn started_on(&self) -> Date {
        Date(self.0.started_on)
    }
    /// The last day; null: the current employment.
    async fn ended_on(&self) -> Option<Date> {
        self.0.ended_on.map(Date)
    }
}

connection!(PersonConnection, PersonEdge, Person, "person");
impl crate::graphql::common::plain::PlainFields for Person {}

/// What `people` lists.
#[derive(InputObject, Default)]
pub struct PersonFilter {
    /// People currently employed in this unit.
    pub unit_id: Option<ID>,
    /// Words of the name, with or without diacritics ("nguyen van" finds "Nguyễn Văn").
    pub search: Option<String>,
}

#[derive(Default)]
pub struct PersonQuery;

#[Object]
impl PersonQuery {
    /// People, by name (signed-in callers).
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<PersonFilter>,
    ) -> Result<PersonConnection> {
        signed_in(ctx)?;
        let filter = filter.unwrap_or_default();
        let filter = people::PersonFilter {
            unit_id: filter
                .unit_id
                .map(|id| expect(&id, NodeType::Unit))
                .transpose()
                .into_gql()?,
            search: crate::domain::kernel::text::search(filter.search.as_deref()).into_gql()?,
        };
        let args =
            cursor::page_args(first, after.as_deref(), last, before.as_deref()).into_gql()?;
        let page = people::list(db(ctx)?, &filter, &args, wants_total(ctx))
            .await
            .into_gql()?;
        let ordering = page.ordering.clone();
        let positions: Vec<u64> = page.items.iter().map(|(p, _)| *p).collect();
        let models: Vec<_> = page.items.iter().map(|(_, m)| m.clone()).collect();
        let mut readable = readable(ctx, models).await?.into_iter();
        let page = crate::domain::kernel::page::Page {
            items: positions
                .into_iter()
                .filter_map(|p| readable.next().map(|person| (p, person)))
                .collect(),
            ordering,
            has_next: page.has_next,
            has_previous: page.has_previous,
            total: page.total,
            keys: page.keys,
        };
        Ok(PersonConnection::from_page(page, |p| p))
    }
    /// A person by global id (signed-in callers).
    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Person>> {
        signed_in(ctx)?;
        let uuid = expect(&id, NodeType::Person).into_gql()?;
        let model = load(ctx, crate::graphql::loading::loaders::PersonById(uuid)).await?;
        readable_one(ctx, model).await
    }
}

/// `createPerson` input.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// Họ và tên (required, at most 200 characters).
    pub full_name: String,
    /// From 1900 to today.
    pub birth_date: Option<Date>,
    pub gender: Option<Gender>,
    pub staff_category: Option<StaffCategory>,
    /// Chức vụ (at most 200 characters).
    pub position: Option<String>,
    /// The unit the person works in (open on `startedOn`).
    pub unit_id: ID,
    /// When the person joined the unit (today when absent).
    pub started_on: Option<Date>,
    pub client_mutation_id: Option<String>,
}

/// `updatePerson` input: absent fields are kept, null clears.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    pub id: ID,
    /// The version read.
    pub version: i32,
    pub full_name: Option<String>,
    pub birth_date: MaybeUndefined<Date>,
    pub gender: MaybeUndefined<Gender>,
    pub staff_category: MaybeUndefined<StaffCategory>,
    pub position: MaybeUndefined<String>,
    pub client_mutation_id: Option<String>,
}

/// `recordEmployment` input.
#[derive(InputObject)]
pub struct RecordEmploymentInput {
    pub person_id: ID,
    /// The person's version read.
    pub version: i32,
    pub unit_id: ID,
    pub position: Option<String>,
    pub started_on: Date,
    /// A past period's last day; absent for a move (the current employment ends the day
    /// before `startedOn`).
    pub ended_on: Option<Date>,
    pub client_mutation_id: Option<String>,
}

/// The result of a mutation on a person.
#[derive(SimpleObject)]
pub struct PersonPayload {
    /// The person as now (null when the input was rejected).
    pub person: Option<Person>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

impl PersonPayload {
    async fn from(
        ctx: &Context<'_>,
        outcome: crate::domain::kernel::mutation::Outcome,
        client_mutation_id: Option<String>,
    ) -> Result<Self> {
        let model = fresh::<entity::person::Entity>(ctx, outcome.object_id).await?;
        Ok(Self {
            person: readable_one(ctx, model).await?,
            user_errors: errors(&outcome),
            client_mutation_id,
        })
    }
}

fn unit_of(
    id: &ID,
    field: &str,
) -> std::result::Result<UnitId, crate::domain::kernel::mutation::Outcome> {
    id_of::<entity::unit::Entity>(id, field)
}

#[derive(Default)]
pub struct PersonMutation;

#[Object]
impl PersonMutation {
    /// Records a person in a unit (EMULATION_OFFICER of the unit or above).
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: CreatePersonInput,
    ) -> Result<PersonPayload> {
        let cmid = input.client_mutation_id.clone();
        let unit_id = try_input!(unit_of(&input.unit_id, "unitId"), PersonPayload, ctx, cmid);
        let person = NewPerson {
            full_name: input.full_name,
            birth_date: input.birth_date.map(|d| d.0),
            gender: input.gender.map(Into::into),
            staff_category: input.staff_category.map(Into::into),
            position: input.position,
            unit_id,
            started_on: input.started_on.map(|d| d.0),
        };
        let outcome = run(ctx, "createPerson", cmid.as_deref(), async |txn, actor| {
            people::create(txn, actor, person).await
        })
        .await?;
        PersonPayload::from(ctx, outcome, cmid).await
    }

    /// Changes a person's name, position or personal data.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> Result<PersonPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(
            id_of::<entity::person::Entity>(&input.id, "id"),
            PersonPayload,
            ctx,
            cmid
        );
        let fields = PersonFields {
            full_name: input.full_name,
            birth_date: edit(input.birth_date, |d| d.0),
            gender: edit(input.gender, Into::into),
            staff_category: edit(input.staff_category, Into::into),
            position: edit(input.position, |p| p),
        };
        let version = input.version;
        let outcome = run(ctx, "updatePerson", cmid.as_deref(), async |txn, actor| {
            people::update(txn, actor, id, version, fields).await
        })
        .await?;
        PersonPayload::from(ctx, outcome, cmid).await
    }

    /// Records a move to another unit (the current employment ends the day before) or a past
    /// period of the history (EMULATION_OFFICER of both units or above).
    async fn record_employment(
        &self,
        ctx: &Context<'_>,
        input: RecordEmploymentInput,
    ) -> Result<PersonPayload> {
        let cmid = input.client_mutation_id.clone();
        let person_id = try_input!(
            id_of::<entity::person::Entity>(&input.person_id, "personId"),
            PersonPayload,
            ctx,
            cmid
        );
        let unit_id = try_input!(unit_of(&input.unit_id, "unitId"), PersonPayload, ctx, cmid);
        let employment = NewEmployment {
            person_id,
            version: input.version,
            unit_id,
            position: input.position,
            started_on: input.started_on.0,
            ended_on: input.ended_on.map(|d| d.0),
        };
        let outcome = run(
            ctx,
            "recordEmployment",
            cmid.as_deref(),
            async |txn, actor| people::record_employment(txn, actor, employment).await,
        )
        .await?;
        PersonPayload::from(ctx, outcome, cmid).await
    }
}
