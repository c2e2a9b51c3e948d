//! Movements (phong trào thi đua), their rounds and registrations: `movements`, `movement`,
//! `rounds`, `registrations`, and `createMovement`, `openRound`, `register`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, FixedOffset};

use crate::domain::access::Viewer;
use crate::domain::access::policy::{self, Action};
use crate::domain::emulation::catalogue::parse_list;
use crate::domain::emulation::movement::{
    self as movements, MovementFilter, NewMovement, NewRegistration, NewRound, RegistrationFilter,
    RoundFilter,
};
use crate::domain::kernel::mutation::Outcome;
use crate::domain::kernel::time::local_time;
use crate::graphql::common::connection::{connection, wants_total};
use crate::graphql::common::context::{db, load, visible_plan};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::{
    AwardSubject, MovementKind, MovementLevel, RegistrationRule, RoundKind,
};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::scalars::Date;
use crate::graphql::emulation::catalogue::AwardType;
use crate::graphql::emulation::person::signed_in;
use crate::graphql::emulation::record::recipient;
use crate::graphql::loading::loaders::{AwardTypeVersions, MovementById, RoundsOf, UnitById};
use crate::graphql::org::unit::Unit;
use crate::graphql::planning::plan::Plan;

/// An emulation movement (phong trào thi đua).
#[derive(Clone)]
pub struct Movement(pub entity::emulation_movement::Model);

#[Object]
impl Movement {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Movement, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The plan that launched it (null when none, or a draft the caller may not read).
    async fn plan(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        match self.0.plan_id {
            Some(id) => Ok(visible_plan(ctx, id).await?.map(Plan)),
            None => Ok(None),
        }
    }
    /// The launching unit.
    async fn launcher(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.launcher_unit_id))
            .await?
            .map(Unit))
    }
    async fn level(&self) -> MovementLevel {
        self.0.level.into()
    }
    async fn kind(&self) -> MovementKind {
        self.0.kind.into()
    }
    /// The movement it implements.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Movement>> {
        match self.0.parent_movement_id {
            Some(id) => Ok(load(ctx, MovementById(id)).await?.map(Movement)),
            None => Ok(None),
        }
    }
    async fn starts_on(&self) -> Date {
        Date(self.0.starts_on)
    }
    async fn ends_on(&self) -> Date {
        Date(self.0.ends_on)
    }
    /// Who takes part.
    async fn subjects(&self) -> Vec<AwardSubject> {
        parse_list::<entity::enums::AwardSubject>(&self.0.subjects)
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// Criteria for collectives (tiêu chí thi đua đối với tập thể).
    async fn collective_criteria(&self) -> Option<&str> {
        self.0.collective_criteria.as_deref()
    }
    /// Criteria for individuals.
    async fn individual_criteria(&self) -> Option<&str> {
        self.0.individual_criteria.as_deref()
    }
    /// What a nomination for a title without a registration gets.
    async fn registration_rule(&self) -> RegistrationRule {
        self.0.registration_rule.into()
    }
    /// Its rounds, earliest window first.
    async fn rounds(&self, ctx: &Context<'_>) -> Result<Vec<Round>> {
        Ok(load(ctx, RoundsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Round)
            .collect())
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.created_at)
    }
}

connection!(MovementConnection, MovementEdge, Movement, "movement");
impl crate::graphql::common::plain::PlainFields for Movement {}

/// A quota of a round on one award type.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "QuotaInput")]
pub struct Quota {
    /// The award type's code (`CSTD_CO_SO`).
    pub award_code: String,
    /// At most this many pass each council in the round.
    pub max_count: Option<i32>,
    /// At most this share (per cent) of a nominating unit's staff passes.
    pub max_share_percent: Option<i32>,
}

/// A round of a movement (đợt xét: annual, sơ kết, tổng kết).
#[derive(Clone)]
pub struct Round(pub entity::emulation_round::Model);

#[Object]
impl Round {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Round, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> RoundKind {
        self.0.kind.into()
    }
    async fn movement(&self, ctx: &Context<'_>) -> Result<Option<Movement>> {
        Ok(load(ctx, MovementById(self.0.movement_id))
            .await?
            .map(Movement))
    }
    /// The achievement window it rewards (a nomination's window ends within it).
    async fn achievement_from(&self) -> Date {
        Date(self.0.achievement_from)
    }
    /// Also the cut-off of the evidence nominations carry.
    async fn achievement_to(&self) -> Date {
        Date(self.0.achievement_to)
    }
    /// Nominations are received from this day…
    async fn opens_on(&self) -> Date {
        Date(self.0.opens_on)
    }
    /// …to this day (Vietnamese dates, inclusive).
    async fn closes_on(&self) -> Date {
        Date(self.0.closes_on)
    }
    /// The award types offered (each as its latest version).
    async fn award_types(&self, ctx: &Context<'_>) -> Result<Vec<AwardType>> {
        let mut offered = Vec::new();
        for code in movements::award_codes(&self.0) {
            if let Some(latest) = load(ctx, AwardTypeVersions(code))
                .await?
                .and_then(|v| v.into_iter().last())
            {
                offered.push(AwardType(latest));
            }
        }
        Ok(offered)
    }
    /// The award type codes offered.
    async fn award_codes(&self) -> Vec<String> {
        movements::award_codes(&self.0)
    }
    async fn quotas(&self) -> Vec<Quota> {
        movements::quotas(&self.0)
            .into_iter()
            .map(|q| Quota {
                award_code: q.award_code,
                max_count: q.max_count,
                max_share_percent: q.max_share_percent,
            })
            .collect()
    }
    /// Its nominations counted (those the caller may read): in all, by nominating unit and by
    /// award type. One statement.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::graphql::emulation::nomination::RoundDashboard> {
        crate::graphql::emulation::nomination::RoundDashboard::of(ctx, self.0.id).await
    }
    /// Where the round's nominations are downloaded as .xlsx (those the caller may read; send
    /// the same bearer token).
    async fn export_url(&self) -> String {
        crate::nomination_annex::round_path(&global_id(NodeType::Round, self.0.id))
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
}

connection!(RoundConnection, RoundEdge, Round, "round");
impl crate::graphql::common::plain::PlainFields for Round {}

/// A registration for a title (đăng ký thi đua).
#[derive(Clone)]
pub struct Registration(pub entity::emulation_registration::Model);

#[Object]
impl Registration {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Registration, self.0.id)
    }
    async fn movement(&self, ctx: &Context<'_>) -> Result<Option<Movement>> {
        Ok(load(ctx, MovementById(self.0.movement_id))
            .await?
            .map(Movement))
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// The person's or the unit's global id.
    async fn subject_id(&self) -> ID {
        match self.0.subject_kind {
            entity::enums::AwardSubject::Collective => global_id(NodeType::Unit, self.0.subject_id),
            _ => global_id(NodeType::Person, self.0.subject_id),
        }
    }
    async fn subject_kind(&self) -> AwardSubject {
        self.0.subject_kind.into()
    }
    /// The title registered for.
    async fn award_code(&self) -> &str {
        &self.0.award_code
    }
    /// The unit that registered.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    async fn registered_on(&self) -> Date {
        Date(self.0.registered_on)
    }
}

connection!(
    RegistrationConnection,
    RegistrationEdge,
    Registration,
    "registration"
);
impl crate::graphql::common::plain::PlainFields for Registration {}

/// What `movements` lists.
#[derive(InputObject, Default)]
pub struct MovementListFilter {
    pub launcher_id: Option<ID>,
    /// Movements running on this day.
    pub active_on: Option<Date>,
    /// Words of the name, with or without diacritics.
    pub search: Option<String>,
}

/// What `rounds` lists.
#[derive(InputObject, Default)]
pub struct RoundListFilter {
    pub movement_id: Option<ID>,
    /// Rounds receiving nominations on this day.
    pub open_on: Option<Date>,
}

/// What `registrations` lists.
#[derive(InputObject, Default)]
pub struct RegistrationListFilter {
    pub movement_id: Option<ID>,
    pub year: Option<i32>,
    /// A person's or a unit's id.
    pub subject_id: Option<ID>,
}

#[derive(Default)]
pub struct MovementQuery;

#[Object]
impl MovementQuery {
    /// Emulation movements, latest start first (public: movements are launched by published
    /// plans).
    async fn movements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<MovementListFilter>,
    ) -> Result<MovementConnection> {
        let filter = filter.unwrap_or_default();
        let filter = MovementFilter {
            launcher_unit_id: match &filter.launcher_id {
                Some(id) => Some(expect(id, NodeType::Unit).into_gql()?),
                None => None,
            },
            active_on: filter.active_on.map(|d| d.0),
            search: crate::domain::kernel::text::search(filter.search.as_deref()).into_gql()?,
        };
        let page = movements::list(
            db(ctx)?,
            &filter,
            &cursor::forward(first, after.as_deref()).into_gql()?,
            wants_total(ctx),
        )
        .await
        .into_gql()?;
        Ok(MovementConnection::from_page(page, Movement))
    }

    /// A movement by id.
    async fn movement(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Movement>> {
        let id = expect(&id, NodeType::Movement).into_gql()?;
        Ok(load(ctx, MovementById(id)).await?.map(Movement))
    }

    /// Rounds, latest window first.
    async fn rounds(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<RoundListFilter>,
    ) -> Result<RoundConnection> {
        let filter = filter.unwrap_or_default();
        let filter = RoundFilter {
            movement_id: match &filter.movement_id {
                Some(id) => Some(expect(id, NodeType::Movement).into_gql()?),
                None => None,
            },
            open_on: filter.open_on.map(|d| d.0),
        };
        let page = movements::list_rounds(
            db(ctx)?,
            &filter,
            &cursor::forward(first, after.as_deref()).into_gql()?,
            wants_total(ctx),
        )
        .await
        .into_gql()?;
        Ok(RoundConnection::from_page(page, Round))
    }

    /// Registrations (đăng ký thi đua), newest first: those of the units whose nominations
    /// the caller reads.
    async fn registrations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<RegistrationListFilter>,
    ) -> Result<RegistrationConnection> {
        signed_in(ctx)?;
        let filter = filter.unwrap_or_default();
        let principal = ctx
            .data_opt::<Viewer>()
            .and_then(Viewer::principal)
            .cloned();
        let units = match &principal {
            Some(p) => policy::scope(db(ctx)?, p, Action::ReadNominations)
                .await
                .into_gql()?,
            None => Some(Vec::new()),
        };
        let filter = RegistrationFilter {
            movement_id: match &filter.movement_id {
                Some(id) => Some(expect(id, NodeType::Movement).into_gql()?),
                None => None,
            },
            year: filter.year,
            subject_id: match &filter.subject_id {
                Some(id) => Some(recipient(id).into_gql()?.id()),
                None => None,
            },
            units,
        };
        let page = movements::list_registrations(
            db(ctx)?,
            &filter,
            &cursor::forward(first, after.as_deref()).into_gql()?,
            wants_total(ctx),
        )
        .await
        .into_gql()?;
        Ok(RegistrationConnection::from_page(page, Registration))
    }
}

/// `createMovement` input.
#[derive(InputObject)]
pub struct CreateMovementInput {
    /// At most 500 characters.
    pub name: String,
    /// The movement plan that launched it.
    pub plan_id: Option<ID>,
    pub launcher_id: ID,
    pub level: MovementLevel,
    pub kind: MovementKind,
    /// The movement it implements.
    pub parent_id: Option<ID>,
    pub starts_on: Date,
    /// At most ten years after `startsOn`.
    pub ends_on: Date,
    #[graphql(validator(min_items = 1, max_items = 3))]
    pub subjects: Vec<AwardSubject>,
    /// At most 10 000 characters each.
    pub collective_criteria: Option<String>,
    pub individual_criteria: Option<String>,
    /// Default `WARN`.
    pub registration_rule: Option<RegistrationRule>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `createMovement`.
    MovementPayload,
    movement,
    Movement,
    entity::emulation_movement::Entity
);

/// `openRound` input.
#[derive(InputObject)]
pub struct OpenRoundInput {
    pub movement_id: ID,
    pub kind: RoundKind,
    /// At most 500 characters.
    pub name: String,
    pub achievement_from: Date,
    pub achievement_to: Date,
    pub opens_on: Date,
    pub closes_on: Date,
    /// Award type codes offered (at most 30).
    #[graphql(validator(min_items = 1, max_items = 30))]
    pub award_codes: Vec<String>,
    #[graphql(validator(max_items = 30))]
    pub quotas: Option<Vec<Quota>>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `openRound`.
    RoundPayload,
    round,
    Round,
    entity::emulation_round::Entity
);

/// `register` input.
#[derive(InputObject)]
pub struct RegisterInput {
    pub movement_id: ID,
    pub year: i32,
    /// A person's or a unit's id.
    pub subject_id: ID,
    /// The title's code (`CSTD_CO_SO`, `TAP_THE_LAO_DONG_XUAT_SAC`).
    pub award_code: String,
    /// Today when absent.
    pub registered_on: Option<Date>,
    pub client_mutation_id: Option<String>,
}

object_payload!(
    /// The result of `register`.
    RegistrationPayload,
    registration,
    Registration,
    entity::emulation_registration::Entity
);

#[derive(Default)]
pub struct MovementMutation;

#[Object]
impl MovementMutation {
    /// Launches a movement (the launching unit's emulation officers and administrators, or
    /// above).
    async fn create_movement(
        &self,
        ctx: &Context<'_>,
        input: CreateMovementInput,
    ) -> Result<MovementPayload> {
        let cmid = input.client_mutation_id.clone();
        let launcher = try_input!(
            id_of::<entity::unit::Entity>(&input.launcher_id, "launcherId"),
            MovementPayload,
            ctx,
            cmid
        );
        let plan_id = try_input!(
            optional_id_of::<entity::plan::Entity>(input.plan_id.as_ref(), "planId"),
            MovementPayload,
            ctx,
            cmid
        );
        let parent = try_input!(
            optional_id_of::<entity::emulation_movement::Entity>(
                input.parent_id.as_ref(),
                "parentId"
            ),
            MovementPayload,
            ctx,
            cmid
        );
        let movement = NewMovement {
            plan_id,
            launcher_unit_id: launcher,
            level: input.level.into(),
            name: input.name,
            kind: input.kind.into(),
            parent_movement_id: parent,
            starts_on: input.starts_on.0,
            ends_on: input.ends_on.0,
            subjects: input.subjects.into_iter().map(Into::into).collect(),
            collective_criteria: input.collective_criteria,
            individual_criteria: input.individual_criteria,
            registration_rule: input
                .registration_rule
                .map_or(entity::enums::RegistrationRule::Warn, Into::into),
        };
        let outcome = run(
            ctx,
            "createMovement",
            cmid.as_deref(),
            async |txn, actor| movements::create(txn, actor, movement).await,
        )
        .await?;
        MovementPayload::from(ctx, outcome, cmid).await
    }

    /// Opens a round of a movement: its achievement window, when nominations are received,
    /// the award types offered and their quotas.
    async fn open_round(&self, ctx: &Context<'_>, input: OpenRoundInput) -> Result<RoundPayload> {
        let cmid = input.client_mutation_id.clone();
        let movement = try_input!(
            id_of::<entity::emulation_movement::Entity>(&input.movement_id, "movementId"),
            RoundPayload,
            ctx,
            cmid
        );
        let round = NewRound {
            movement_id: movement,
            kind: input.kind.into(),
            name: input.name,
            achievement_from: input.achievement_from.0,
            achievement_to: input.achievement_to.0,
            opens_on: input.opens_on.0,
            closes_on: input.closes_on.0,
            award_codes: input.award_codes,
            quotas: input
                .quotas
                .unwrap_or_default()
                .into_iter()
                .map(|q| movements::Quota {
                    award_code: q.award_code.trim().to_owned(),
                    max_count: q.max_count,
                    max_share_percent: q.max_share_percent,
                })
                .collect(),
        };
        let outcome = run(ctx, "openRound", cmid.as_deref(), async |txn, actor| {
            movements::open_round(txn, actor, round).await
        })
        .await?;
        RoundPayload::from(ctx, outcome, cmid).await
    }

    /// Registers a person or a collective for a title in a movement's year (the subject's
    /// unit); registering again changes nothing.
    async fn register(
        &self,
        ctx: &Context<'_>,
        input: RegisterInput,
    ) -> Result<RegistrationPayload> {
        let cmid = input.client_mutation_id.clone();
        let movement = try_input!(
            id_of::<entity::emulation_movement::Entity>(&input.movement_id, "movementId"),
            RegistrationPayload,
            ctx,
            cmid
        );
        let subject = try_input!(
            recipient(&input.subject_id).map_err(|e| rejected("subjectId", e)),
            RegistrationPayload,
            ctx,
            cmid
        );
        let registration = NewRegistration {
            movement_id: movement,
            year: input.year,
            subject,
            award_code: input.award_code,
            registered_on: input
                .registered_on
                .map_or_else(crate::domain::kernel::time::today, |d| d.0),
        };
        let outcome = run(ctx, "register", cmid.as_deref(), async |txn, actor| {
            movements::register(txn, actor, registration).await
        })
        .await?;
        RegistrationPayload::from(ctx, outcome, cmid).await
    }
}
