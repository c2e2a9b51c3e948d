//! Nominations (đề nghị khen thưởng): `nominations` (with counts by state), `nomination`,
//! `myQueue`, and the workflow's mutations, from `createNomination` to `decideNomination`.

use async_graphql::parser::types::Field;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, Object, Positioned, Result, SimpleObject, Value,
};
use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use crate::domain::access::Viewer;
use crate::domain::access::policy::{self, Action};
use crate::domain::emulation::nomination::ballot::{self, NewBallot};
use crate::domain::emulation::nomination::decision::{self, NewDecision};
use crate::domain::emulation::nomination::draft::{self, NewNomination, NominationChanges};
use crate::domain::emulation::nomination::read::{self, NominationFilter};
use crate::domain::emulation::nomination::route::{authority_of, is_external};
use crate::domain::emulation::nomination::workflow::{self, Forwarding, Step};
use crate::domain::kernel::error::DomainError;
use crate::domain::kernel::ids::{InitiativeId, NominationId};
use crate::domain::kernel::time::local_time;
use crate::graphql::common::connection::{PageInfo, connection, wants_total};
use crate::graphql::common::context::{cached, db, load, loaders};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::{
    AchievementKind, AwardAuthority, BallotStage, NominationState,
};
use crate::graphql::common::error::{DomainErrorExt as _, IntoGql};
use crate::graphql::common::id::{NodeType, expect, global_id};
use crate::graphql::common::payload::*;
use crate::graphql::common::plain::{self, Plain, PlainFields};
use crate::graphql::common::scalars::Date;
use crate::graphql::emulation::catalogue::AwardType;
use crate::graphql::emulation::eligibility::Eligibility;
use crate::graphql::emulation::movement::{Movement, Round};
use crate::graphql::emulation::person::{Person, readable_one, signed_in};
use crate::graphql::emulation::prefetch;
use crate::graphql::emulation::record::{Initiative, recipient};
use crate::graphql::loading::loaders::{
    AwardDecisionById, AwardTypeById, InitiativeById, MovementById, NominationBallots,
    NominationById, NominationDossier, NominationEvents, PersonById, RoundById, RoundCounts,
    UnitById,
};
use crate::graphql::org::unit::{Unit, cached_unit};
use crate::graphql::planning::prefetch::node_selections;

/// An award nomination on its way to a decision.
#[derive(Clone)]
pub struct Nomination {
    pub model: entity::nomination::Model,
    /// Read on its own (`nomination(id)`, a payload): the costly `eligibility` is answered.
    pub single: bool,
}

impl Nomination {
    pub(crate) fn listed(model: entity::nomination::Model) -> Self {
        Self {
            model,
            single: false,
        }
    }
}

/// What the appraisers asked for.
#[derive(SimpleObject)]
pub struct SupplementRequest {
    pub items: Vec<String>,
    pub note: Option<String>,
    pub requested_at: Option<DateTime<FixedOffset>>,
}

/// A public consultation (lấy ý kiến công khai).
#[derive(SimpleObject)]
pub struct Consultation {
    pub posted_on: Date,
    /// No council meets before this day.
    pub closes_on: Date,
    /// Where it was posted (the portal's address).
    pub channel: String,
}

#[Object]
impl Nomination {
    pub async fn id(&self) -> ID {
        global_id(NodeType::Nomination, self.model.id)
    }
    /// The person nominated (null for a collective, or when the caller may not read them).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        if self.model.nominee_kind == entity::enums::AwardSubject::Collective {
            return Ok(None);
        }
        readable_one(ctx, load(ctx, PersonById(self.model.nominee_id)).await?).await
    }
    /// The collective nominated (null for a person).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        if self.model.nominee_kind != entity::enums::AwardSubject::Collective {
            return Ok(None);
        }
        Ok(load(ctx, UnitById(self.model.nominee_id)).await?.map(Unit))
    }
    /// The nominee's name (a person's full name or a unit's name).
    async fn nominee_name(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        Ok(match self.model.nominee_kind {
            entity::enums::AwardSubject::Collective => load(ctx, UnitById(self.model.nominee_id))
                .await?
                .map(|u| u.name.clone()),
            _ => load(ctx, PersonById(self.model.nominee_id))
                .await?
                .map(|p| p.full_name),
        })
    }
    /// The award proposed (the catalogue version in force at the end of the window).
    async fn award_type(&self, ctx: &Context<'_>) -> Result<Option<AwardType>> {
        Ok(load(ctx, AwardTypeById(self.model.award_type_id))
            .await?
            .map(AwardType))
    }
    /// The award given (lower than proposed when downgraded); null before the decision.
    async fn awarded_type(&self, ctx: &Context<'_>) -> Result<Option<AwardType>> {
        match self.model.awarded_type_id {
            Some(id) => Ok(load(ctx, AwardTypeById(id)).await?.map(AwardType)),
            None => Ok(None),
        }
    }
    async fn achievement_from(&self) -> Date {
        Date(self.model.achievement_from)
    }
    async fn achievement_to(&self) -> Date {
        Date(self.model.achievement_to)
    }
    async fn achievement_kind(&self) -> AchievementKind {
        self.model.achievement_kind.into()
    }
    async fn movement(&self, ctx: &Context<'_>) -> Result<Option<Movement>> {
        Ok(load(ctx, MovementById(self.model.movement_id))
            .await?
            .map(Movement))
    }
    async fn round(&self, ctx: &Context<'_>) -> Result<Option<Round>> {
        Ok(load(ctx, RoundById(self.model.round_id)).await?.map(Round))
    }
    /// The unit that proposed it.
    async fn nominating_unit(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        Ok(load(ctx, UnitById(self.model.nominating_unit_id))
            .await?
            .map(|row| Plain(Unit(row))))
    }
    /// The unit whose turn it is.
    async fn holder(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        Ok(load(ctx, UnitById(self.model.holder_unit_id))
            .await?
            .map(|row| Plain(Unit(row))))
    }
    /// The authority of the level it stands at on its route (outside the province once
    /// forwarded to the Prime Minister or the President).
    async fn level(&self, ctx: &Context<'_>) -> Result<Option<AwardAuthority>> {
        let route = load(ctx, AwardTypeById(self.model.award_type_id))
            .await?
            .map(|t| workflow::route_of(&t.model))
            .unwrap_or_default();
        let here = route.get(self.model.route_step as usize).copied();
        Ok(match here {
            Some(a) if is_external(a) => Some(a.into()),
            _ => load(ctx, UnitById(self.model.holder_unit_id))
                .await?
                .map(|u| authority_of(&u).into()),
        })
    }
    async fn state(&self) -> NominationState {
        self.model.state.into()
    }
    /// Tóm tắt thành tích.
    async fn summary(&self) -> &str {
        &self.model.summary
    }
    /// The initiatives the achievement relies on.
    async fn initiatives(&self, ctx: &Context<'_>) -> Result<Vec<Initiative>> {
        let ids = draft::initiative_ids(&self.model);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Through the loader: a page of nominations reads its initiatives in one statement.
        let found = loaders(ctx)?
            .load_many(ids.iter().copied().map(InitiativeById))
            .await
            .into_gql()?;
        Ok(ids
            .into_iter()
            .filter_map(|id| found.get(&InitiativeById(id)).cloned().map(Initiative))
            .collect())
    }
    /// Set while it waits for supplements.
    async fn supplement_request(&self) -> Option<SupplementRequest> {
        let request = self.model.supplement_request.as_ref()?;
        Some(SupplementRequest {
            items: request["items"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            note: request["note"].as_str().map(str::to_owned),
            requested_at: request["at"]
                .as_str()
                .and_then(|at| at.parse::<DateTime<chrono::Utc>>().ok())
                .map(local_time),
        })
    }
    /// The public consultation, once opened.
    async fn consultation(&self) -> Option<Consultation> {
        Some(Consultation {
            posted_on: Date(self.model.consultation_posted_on?),
            closes_on: Date(self.model.consultation_closes_on?),
            channel: self.model.consultation_channel.clone()?,
        })
    }
    /// Warnings recorded at the last step (a missing registration, a late submission, what
    /// the council judges).
    async fn warnings(&self) -> Vec<String> {
        self.model
            .warnings
            .as_array()
            .map(|w| {
                w.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The decision, once taken.
    async fn decision(&self, ctx: &Context<'_>) -> Result<Option<AwardDecision>> {
        match self.model.decision_id {
            Some(id) => Ok(load(ctx, AwardDecisionById(id)).await?.map(AwardDecision)),
            None => Ok(None),
        }
    }
    /// The eligibility engine's answer now, judged as proposed the day after the window ends.
    /// Answered on one nomination at a time (`nomination(id)`, a mutation's payload): null in
    /// lists, where it would judge every row.
    async fn eligibility(&self, ctx: &Context<'_>) -> Result<Option<Eligibility>> {
        if !self.single {
            return Ok(None);
        }
        let subject = crate::domain::emulation::record::Subject::of(
            self.model.nominee_kind,
            self.model.nominee_id,
        );
        // Boxed: the engine's future is large, and every field of every nomination in a list
        // would otherwise carry its size (the field futures are one `match` in async-graphql).
        Ok(Some(Eligibility(
            Box::pin(crate::domain::emulation::eligibility::evaluate(
                db(ctx)?,
                subject,
                self.model.award_type_id,
                self.model.achievement_to + chrono::Duration::days(1),
            ))
            .await
            .into_gql()?,
        )))
    }
    /// The evidence a collective's nomination carries from the progress scorecard: the
    /// nominee unit's tasks by timeliness, reports on time and targets met for `year` (default:
    /// the last year of the achievement window; another year of the window by asking), as of
    /// the round's cut-off (the end of its achievement window) or the year's end, whichever
    /// comes first. Null for a person, for a year outside the window, and in lists (answered on
    /// one nomination at a time, like `eligibility`).
    async fn scorecard_evidence(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> Result<Option<crate::graphql::reporting::scorecard::ScorecardEvidence>> {
        use chrono::Datelike;
        let year = year.unwrap_or(self.model.achievement_to.year());
        let window = self.model.achievement_from.year()..=self.model.achievement_to.year();
        if !self.single
            || self.model.nominee_kind != entity::enums::AwardSubject::Collective
            || !window.contains(&year)
        {
            return Ok(None);
        }
        let (Some(unit), Some(round)) = (
            load(ctx, UnitById(self.model.nominee_id)).await?,
            load(ctx, RoundById(self.model.round_id)).await?,
        ) else {
            return Ok(None);
        };
        // Boxed, like `eligibility`.
        let card = Box::pin(crate::domain::reporting::scorecard::scorecard_as_of(
            db(ctx)?,
            crate::graphql::common::context::visibility(ctx)?,
            &unit,
            year,
            round.achievement_to,
        ))
        .await
        .into_gql()?;
        Ok(Some(
            crate::graphql::reporting::scorecard::ScorecardEvidence(
                crate::graphql::reporting::scorecard::UnitScorecard::new(unit, year, card),
            ),
        ))
    }
    /// The dossier (hồ sơ), oldest document first.
    async fn dossier(&self, ctx: &Context<'_>) -> Result<Vec<DossierItem>> {
        Ok(load(ctx, NominationDossier(self.model.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(DossierItem)
            .collect())
    }
    /// Council ballots, oldest first.
    async fn ballots(&self, ctx: &Context<'_>) -> Result<Vec<CouncilBallot>> {
        Ok(load(ctx, NominationBallots(self.model.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(CouncilBallot)
            .collect())
    }
    /// The letters (tờ trình) that carried it up, oldest first.
    async fn batches(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::emulation::batch::NominationBatch>> {
        Ok(load(
            ctx,
            crate::graphql::loading::loaders::NominationBatches(self.model.id),
        )
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(crate::graphql::emulation::batch::NominationBatch)
        .collect())
    }
    /// The eligibility timeline: the steps at which the eligibility engine judged the
    /// nomination (its submission and every forward), oldest first, each with the warnings it
    /// recorded and the level that held it after. A hard failure stops the step, so every
    /// entry is a pass; `eligibility` is the engine's answer now.
    async fn eligibility_timeline(&self, ctx: &Context<'_>) -> Result<Vec<NominationEvent>> {
        let judged = [Step::Submit.verb(), Step::Forward.verb()];
        Ok(load(ctx, NominationEvents(self.model.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .filter(|e| judged.contains(&e.action.as_str()))
            .map(NominationEvent)
            .collect())
    }
    /// Every step taken, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<NominationEvent>> {
        Ok(load(ctx, NominationEvents(self.model.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(NominationEvent)
            .collect())
    }
    /// For optimistic locking: every step sends the version it read.
    async fn version(&self) -> i32 {
        self.model.version
    }
    async fn created_at(&self) -> DateTime<FixedOffset> {
        local_time(self.model.created_at)
    }
    async fn updated_at(&self) -> DateTime<FixedOffset> {
        local_time(self.model.updated_at)
    }
}

connection!(
    NominationQueueConnection,
    NominationEdge,
    Nomination,
    "nomination"
);
impl PlainFields for Nomination {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::Nomination, self.model.id)),
            "state" => plain::value(NominationState::from(self.model.state)),
            "summary" => plain::text(&self.model.summary),
            _ => return None,
        })
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        let model = &self.model;
        match field.node.name.node.as_str() {
            "nomineeName" => Some(match model.nominee_kind {
                entity::enums::AwardSubject::Collective => {
                    plain::text(&cached(ctx, &UnitById(model.nominee_id))?.name)
                }
                _ => plain::text(&cached(ctx, &PersonById(model.nominee_id))?.full_name),
            }),
            "awardType" => plain::nested(
                ctx,
                field,
                &AwardType(cached(ctx, &AwardTypeById(model.award_type_id))?),
            ),
            "nominatingUnit" => cached_unit(ctx, field, Some(model.nominating_unit_id)),
            "holder" => cached_unit(ctx, field, Some(model.holder_unit_id)),
            _ => None,
        }
    }
}

/// How many nominations are in a state.
#[derive(SimpleObject)]
pub struct NominationStateCount {
    pub state: NominationState,
    pub count: i64,
}

/// One page of nominations, with counts by state of the whole filter (its `states` aside).
pub struct NominationConnection {
    page: NominationQueueConnection,
    filter: NominationFilter,
    /// Read with the page when `countsByState` is asked for.
    counts: Option<Vec<crate::domain::emulation::nomination::StateCount>>,
}

#[Object]
impl NominationConnection {
    async fn edges(&self) -> &[NominationEdge] {
        &self.page.edges
    }
    /// The items of `edges`, without cursors.
    async fn nodes(&self) -> Vec<&Nomination> {
        self.page.node_refs()
    }
    async fn page_info(&self) -> &PageInfo {
        &self.page.page_info
    }
    /// Number of items in the whole list (all pages).
    async fn total_count(&self) -> i64 {
        self.page.total_count
    }
    /// How many nominations of the filter are in each state (the `states` filter aside),
    /// states with none left out. One statement, asked only when selected.
    async fn counts_by_state(&self, ctx: &Context<'_>) -> Result<Vec<NominationStateCount>> {
        let counts = match &self.counts {
            Some(counts) => counts.clone(),
            None => {
                let principal = ctx.data_opt::<Viewer>().and_then(Viewer::principal);
                read::counts_by_state(db(ctx)?, principal, &self.filter)
                    .await
                    .into_gql()?
            }
        };
        Ok(counts
            .into_iter()
            .map(|c| NominationStateCount {
                state: c.state.into(),
                count: c.count,
            })
            .collect())
    }
}

/// A council's vote (kết quả bỏ phiếu).
pub struct CouncilBallot(pub entity::council_ballot::Model);

#[Object]
impl CouncilBallot {
    /// The unit whose council voted.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    async fn stage(&self) -> BallotStage {
        self.0.stage.into()
    }
    async fn meeting_on(&self) -> Date {
        Date(self.0.meeting_on)
    }
    /// The full membership (the threshold's base).
    async fn members_total(&self) -> i32 {
        self.0.members_total
    }
    async fn yes_votes(&self) -> i32 {
        self.0.yes_votes
    }
    async fn no_votes(&self) -> i32 {
        self.0.no_votes
    }
    async fn abstentions(&self) -> i32 {
        self.0.abstentions
    }
    /// Bỏ phiếu kín.
    async fn secret(&self) -> bool {
        self.0.secret
    }
    /// The share of the membership that had to agree, in per cent.
    async fn threshold_percent(&self) -> i32 {
        self.0.threshold_percent
    }
    async fn passed(&self) -> bool {
        self.0.passed
    }
    /// The minutes (biên bản).
    async fn minutes_ref(&self) -> Option<&str> {
        self.0.minutes_ref.as_deref()
    }
}

/// One step of a nomination's history.
pub struct NominationEvent(pub entity::nomination_event::Model);

#[Object]
impl NominationEvent {
    /// The step (`create`, `submit`, `ballot`, `forward`, `receive`, `request_supplement`,
    /// `open_consultation`, `decide`, `reject`, `return`, `withdraw`, `update`).
    async fn action(&self) -> &str {
        &self.0.action
    }
    async fn from_state(&self) -> Option<NominationState> {
        self.0.from_state.map(Into::into)
    }
    async fn to_state(&self) -> NominationState {
        self.0.to_state.into()
    }
    /// Who took it (the token's subject).
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The unit that held it after the step.
    async fn holder(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.holder_unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The reason, the ballot's count, the decision…
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The eligibility warnings recorded with the step.
    async fn warnings(&self) -> Vec<String> {
        self.0
            .warnings
            .as_array()
            .map(|w| {
                w.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
    async fn at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.at)
    }
}

/// An award decision (quyết định khen thưởng).
pub struct AwardDecision(pub entity::award_decision::Model);

#[Object]
impl AwardDecision {
    pub async fn id(&self) -> ID {
        global_id(NodeType::AwardDecision, self.0.id)
    }
    async fn number(&self) -> &str {
        &self.0.number
    }
    async fn decided_on(&self) -> Date {
        Date(self.0.decided_on)
    }
    /// Who signed, as named then.
    async fn signer(&self) -> &str {
        &self.0.signer
    }
    async fn authority(&self) -> AwardAuthority {
        self.0.authority.into()
    }
    /// The deciding unit.
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.0.unit_id)).await?.map(Unit))
    }
    /// Where the decision's recipient list (its annex) is downloaded as .xlsx (the recipients
    /// the caller may read; send the same bearer token).
    async fn recipients_export_url(&self) -> String {
        crate::nomination_annex::decision_path(&global_id(NodeType::AwardDecision, self.0.id))
    }
}

/// What `nominations` lists.
#[derive(InputObject, Default)]
pub struct NominationListFilter {
    pub round_id: Option<ID>,
    /// Proposed or held by this unit.
    pub unit_id: Option<ID>,
    /// Of this award type (any of its versions).
    pub award_type_id: Option<ID>,
    #[graphql(validator(max_items = 12))]
    pub states: Option<Vec<NominationState>>,
    /// A person's or a unit's id.
    pub nominee_id: Option<ID>,
    /// Words of the nominee's, the award's or the nominating unit's name, with or without
    /// diacritics.
    pub search: Option<String>,
}

/// The units whose nominations the caller reads (`None`: all), once per request.
pub(crate) async fn scope(ctx: &Context<'_>) -> Result<Option<Vec<Uuid>>> {
    match ctx.data_opt::<Viewer>().and_then(Viewer::principal) {
        // The caller's subtree came with its unit: no statement here.
        Some(p) => policy::scope(db(ctx)?, p, Action::ReadNominations)
            .await
            .into_gql(),
        None => Ok(Some(Vec::new())),
    }
}

/// The nomination, when the caller may read it.
pub async fn readable(ctx: &Context<'_>, id: Uuid) -> Result<Option<Nomination>> {
    if ctx
        .data_opt::<Viewer>()
        .and_then(Viewer::principal)
        .is_none()
    {
        return Ok(None);
    }
    let Some(model) = load(ctx, NominationById(id)).await? else {
        return Ok(None);
    };
    let scope = scope(ctx).await?;
    Ok(
        read::may_read(scope.as_deref(), &model).then_some(Nomination {
            model,
            single: true,
        }),
    )
}

#[derive(Default)]
pub struct NominationQuery;

#[Object]
impl NominationQuery {
    /// Nominations the caller may read (those proposed or held by the units of its reach),
    /// newest first, with `countsByState`.
    async fn nominations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<NominationListFilter>,
    ) -> Result<NominationConnection> {
        signed_in(ctx)?;
        let filter = filter.unwrap_or_default();
        let award_code = match &filter.award_type_id {
            Some(id) => {
                let id = expect(id, NodeType::AwardType).into_gql()?;
                Some(
                    load(ctx, AwardTypeById(id))
                        .await?
                        .map(|t| t.model.code)
                        .unwrap_or_default(),
                )
            }
            None => None,
        };
        let filter = NominationFilter {
            round_id: match &filter.round_id {
                Some(id) => Some(expect(id, NodeType::Round).into_gql()?),
                None => None,
            },
            unit_id: match &filter.unit_id {
                Some(id) => Some(expect(id, NodeType::Unit).into_gql()?),
                None => None,
            },
            award_code,
            states: filter
                .states
                .map(|s| s.into_iter().map(Into::into).collect()),
            nominee_id: match &filter.nominee_id {
                Some(id) => Some(recipient(id).into_gql()?.id()),
                None => None,
            },
            search: crate::domain::kernel::text::search(filter.search.as_deref()).into_gql()?,
        };
        let principal = ctx.data_opt::<Viewer>().and_then(Viewer::principal);
        // Asked with `countsByState` and no `states` filter, the total is the counts' sum:
        // one statement over the round's index instead of two.
        let counts = match ctx.look_ahead().field("countsByState").exists() {
            true => Some(
                read::counts_by_state(db(ctx)?, principal, &filter)
                    .await
                    .into_gql()?,
            ),
            false => None,
        };
        let summed = counts
            .as_ref()
            .filter(|_| filter.states.is_none())
            .map(|counts| counts.iter().map(|c| c.count).sum::<i64>());
        let page = read::list(
            db(ctx)?,
            principal,
            &filter,
            &cursor::forward(first, after.as_deref()).into_gql()?,
            wants_total(ctx) && summed.is_none(),
        )
        .await
        .into_gql()?;
        let mut page = NominationQueueConnection::from_page(page, Nomination::listed);
        prefetch_page(ctx, &page).await?;
        if let Some(total) = summed {
            page.total_count = total;
        }
        Ok(NominationConnection {
            page,
            filter,
            counts,
        })
    }

    /// A nomination by id (null when the caller may not read it).
    async fn nomination(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Nomination>> {
        signed_in(ctx)?;
        let id = expect(&id, NodeType::Nomination).into_gql()?;
        readable(ctx, id).await
    }

    /// What waits on the caller: nominations whose next step belongs to the caller's unit
    /// (drafts, returned ones and supplements for the nominating unit; reviews, appraisals,
    /// consultations and decisions for the unit holding them), longest waiting first.
    async fn my_queue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<NominationQueueConnection> {
        signed_in(ctx)?;
        let Some(principal) = ctx.data_opt::<Viewer>().and_then(Viewer::principal) else {
            return Err(DomainError::Unauthenticated("sign in".into()).extend());
        };
        let page = read::my_queue(
            db(ctx)?,
            principal,
            &cursor::forward(first, after.as_deref()).into_gql()?,
            wants_total(ctx),
        )
        .await
        .into_gql()?;
        let page = NominationQueueConnection::from_page(page, Nomination::listed);
        prefetch_page(ctx, &page).await?;
        Ok(page)
    }
}

/// Loads what the selection of a page of nominations names, for the whole page at once.
async fn prefetch_page(ctx: &Context<'_>, page: &NominationQueueConnection) -> Result<()> {
    let rows: Vec<&entity::nomination::Model> = page.edges.iter().map(|e| &e.node.model).collect();
    let selections = node_selections(&ctx.look_ahead());
    prefetch::nominations(ctx, &selections, &rows).await
}

/// The result of every nomination step: the nomination as it is now.
#[derive(SimpleObject)]
pub struct NominationPayload {
    /// Null when the input was rejected.
    pub nomination: Option<Nomination>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

impl NominationPayload {
    async fn from(ctx: &Context<'_>, outcome: Outcome, cmid: Option<String>) -> Result<Self> {
        Ok(Self {
            nomination: fresh::<entity::nomination::Entity>(ctx, outcome.object_id)
                .await?
                .map(|model| Nomination {
                    model,
                    single: true,
                }),
            user_errors: errors(&outcome),
            client_mutation_id: cmid,
        })
    }

    /// The payload of a step that returned the nomination as saved: shown as it is, unless the
    /// outcome is another's (a replay, or a concurrent retry that committed first).
    async fn from_written(
        ctx: &Context<'_>,
        outcome: Outcome,
        written: Option<entity::nomination::Model>,
        cmid: Option<String>,
    ) -> Result<Self> {
        match own_row(&outcome, written, |model| model.id) {
            Some(model) => Ok(Self {
                nomination: Some(Nomination {
                    model,
                    single: true,
                }),
                user_errors: errors(&outcome),
                client_mutation_id: cmid,
            }),
            None => Self::from(ctx, outcome, cmid).await,
        }
    }
}

use crate::domain::kernel::mutation::Outcome;

/// `createNomination` input.
#[derive(InputObject)]
pub struct CreateNominationInput {
    pub round_id: ID,
    /// A person's or a unit's id.
    pub nominee_id: ID,
    /// Any version of the award type: the nomination takes the one in force at
    /// `achievementTo`.
    pub award_type_id: ID,
    pub achievement_from: Date,
    pub achievement_to: Date,
    pub achievement_kind: AchievementKind,
    /// Tóm tắt thành tích (at most 10 000 characters).
    pub summary: String,
    #[graphql(validator(max_items = 20))]
    pub initiative_ids: Option<Vec<ID>>,
    /// The nominee's unit when absent; else a unit above it.
    pub nominating_unit_id: Option<ID>,
    pub client_mutation_id: Option<String>,
}

/// `updateNomination` input (absent fields unchanged).
#[derive(InputObject)]
pub struct UpdateNominationInput {
    pub id: ID,
    pub version: i32,
    pub summary: Option<String>,
    pub achievement_from: Option<Date>,
    pub achievement_to: Option<Date>,
    pub achievement_kind: Option<AchievementKind>,
    #[graphql(validator(max_items = 20))]
    pub initiative_ids: Option<Vec<ID>>,
    pub client_mutation_id: Option<String>,
}

/// A step that takes only the nomination (`submitNomination`, `receiveNomination`).
#[derive(InputObject)]
pub struct NominationStepInput {
    pub id: ID,
    /// The version read.
    pub version: i32,
    pub client_mutation_id: Option<String>,
}

/// A step with a reason (`rejectNomination`, `returnNomination`, `withdrawNomination`).
#[derive(InputObject)]
pub struct NominationReasonInput {
    pub id: ID,
    pub version: i32,
    /// Why (at most 2 000 characters).
    pub reason: String,
    pub client_mutation_id: Option<String>,
}

/// `recordCouncilBallot` input: counted on the council's full membership.
#[derive(InputObject)]
pub struct RecordCouncilBallotInput {
    pub id: ID,
    pub version: i32,
    pub meeting_on: Date,
    /// Every member of the council, present or not (1 to 200).
    pub members_total: i32,
    pub yes_votes: i32,
    pub no_votes: i32,
    pub abstentions: i32,
    /// Bỏ phiếu kín (required where the award type says so).
    pub secret: bool,
    /// The minutes' reference (at most 100 characters).
    pub minutes_ref: Option<String>,
    pub client_mutation_id: Option<String>,
}

/// `openConsultation` input.
#[derive(InputObject)]
pub struct OpenConsultationInput {
    pub id: ID,
    pub version: i32,
    pub posted_on: Date,
    /// Where it is posted (the portal's address; at most 500 characters).
    pub channel: String,
    pub client_mutation_id: Option<String>,
}

/// `forwardNomination` input.
#[derive(InputObject)]
pub struct ForwardNominationInput {
    pub id: ID,
    pub version: i32,
    /// The unit of the next level of the route; absent when the next level is outside the
    /// province (the Prime Minister, the President).
    pub to_unit_id: Option<ID>,
    /// The tờ trình's number and date (at most 2 000 characters).
    pub note: Option<String>,
    pub client_mutation_id: Option<String>,
}

/// `requestSupplement` input.
#[derive(InputObject)]
pub struct RequestSupplementInput {
    pub id: ID,
    pub version: i32,
    /// What is missing (1 to 20 items of at most 300 characters).
    #[graphql(validator(min_items = 1, max_items = 20))]
    pub missing: Vec<String>,
    pub note: Option<String>,
    pub client_mutation_id: Option<String>,
}

/// `decideNomination` input.
#[derive(InputObject)]
pub struct DecideNominationInput {
    pub id: ID,
    pub version: i32,
    /// The decision's number (at most 100 characters); more nominations decided under the
    /// same number and day join the same decision.
    pub decision_number: String,
    pub decided_on: Date,
    /// Who signed, as named then (at most 300 characters).
    pub signer: String,
    /// A lower award type than proposed (a downgrade); absent: as proposed.
    pub awarded_type_id: Option<ID>,
    pub client_mutation_id: Option<String>,
}

fn nomination_id(id: &ID) -> std::result::Result<NominationId, Outcome> {
    id_of::<entity::nomination::Entity>(id, "id")
}

fn initiative_ids(ids: &[ID]) -> std::result::Result<Vec<InitiativeId>, Outcome> {
    ids.iter()
        .map(|id| id_of::<entity::initiative::Entity>(id, "initiativeIds"))
        .collect()
}

#[derive(Default)]
pub struct NominationMutation;

#[Object]
impl NominationMutation {
    /// Drafts a nomination (the nominating unit's emulation officers and administrators).
    async fn create_nomination(
        &self,
        ctx: &Context<'_>,
        input: CreateNominationInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let nominee = try_input!(
            recipient(&input.nominee_id).map_err(|e| rejected("nomineeId", e)),
            NominationPayload,
            ctx,
            cmid
        );
        let round = try_input!(
            id_of::<entity::emulation_round::Entity>(&input.round_id, "roundId"),
            NominationPayload,
            ctx,
            cmid
        );
        let award_type = try_input!(
            id_of::<entity::award_type::Entity>(&input.award_type_id, "awardTypeId"),
            NominationPayload,
            ctx,
            cmid
        );
        let initiatives = try_input!(
            initiative_ids(input.initiative_ids.as_deref().unwrap_or_default()),
            NominationPayload,
            ctx,
            cmid
        );
        let nominating = try_input!(
            optional_id_of::<entity::unit::Entity>(
                input.nominating_unit_id.as_ref(),
                "nominatingUnitId"
            ),
            NominationPayload,
            ctx,
            cmid
        );
        let nomination = NewNomination {
            round_id: round,
            nominee,
            award_type_id: award_type,
            achievement_from: input.achievement_from.0,
            achievement_to: input.achievement_to.0,
            kind: input.achievement_kind.into(),
            summary: input.summary,
            initiative_ids: initiatives,
            nominating_unit_id: nominating,
        };
        let outcome = run(
            ctx,
            "createNomination",
            cmid.as_deref(),
            async |txn, actor| draft::create(txn, actor, nomination).await,
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Changes a draft, a returned nomination or one waiting for supplements (the nominating
    /// unit).
    async fn update_nomination(
        &self,
        ctx: &Context<'_>,
        input: UpdateNominationInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let initiatives = try_input!(
            input
                .initiative_ids
                .as_deref()
                .map(initiative_ids)
                .transpose(),
            NominationPayload,
            ctx,
            cmid
        );
        let changes = NominationChanges {
            id,
            version: input.version,
            summary: input.summary,
            achievement_from: input.achievement_from.map(|d| d.0),
            achievement_to: input.achievement_to.map(|d| d.0),
            kind: input.achievement_kind.map(Into::into),
            initiative_ids: initiatives,
        };
        let outcome = run(
            ctx,
            "updateNomination",
            cmid.as_deref(),
            async |txn, actor| draft::update(txn, actor, changes).await,
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Submits a draft or returned nomination to its unit's council, or answers a supplement
    /// request (the nominating unit). The eligibility engine runs: a hard failure blocks,
    /// warnings are recorded.
    async fn submit_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationStepInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let version = input.version;
        let (outcome, written) = run_written(
            ctx,
            "submitNomination",
            cmid.as_deref(),
            async |txn, actor| workflow::submit(txn, actor, id, version).await,
        )
        .await?;
        NominationPayload::from_written(ctx, outcome, written, cmid).await
    }

    /// Records the vote of the council of the unit holding the nomination: passed, it waits
    /// for a decision or a forward; failed at the nominating unit, it is returned; failed
    /// higher, rejected. Thresholds, secret ballots, the consultation window and the round's
    /// quotas are enforced.
    async fn record_council_ballot(
        &self,
        ctx: &Context<'_>,
        input: RecordCouncilBallotInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let ballot = NewBallot {
            id,
            version: input.version,
            meeting_on: input.meeting_on.0,
            members_total: input.members_total,
            yes: input.yes_votes,
            no: input.no_votes,
            abstain: input.abstentions,
            secret: input.secret,
            minutes_ref: input.minutes_ref,
        };
        let outcome = run(
            ctx,
            "recordCouncilBallot",
            cmid.as_deref(),
            async |txn, actor| ballot::record(txn, actor, ballot).await,
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Posts a nomination for public comment (the award types that require it); it closes
    /// after the award type's working days, counted on the holiday calendar.
    async fn open_consultation(
        &self,
        ctx: &Context<'_>,
        input: OpenConsultationInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let (version, posted_on, channel) = (input.version, input.posted_on.0, input.channel);
        let outcome = run(
            ctx,
            "openConsultation",
            cmid.as_deref(),
            async |txn, actor| {
                workflow::open_consultation(txn, actor, id, version, posted_on, channel).await
            },
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Sends a nomination that passed a council one level up its route (tuyến trình); the
    /// eligibility engine runs again.
    async fn forward_nomination(
        &self,
        ctx: &Context<'_>,
        input: ForwardNominationInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let to = try_input!(
            optional_id_of::<entity::unit::Entity>(input.to_unit_id.as_ref(), "toUnitId"),
            NominationPayload,
            ctx,
            cmid
        );
        let forwarding = Forwarding {
            id,
            version: input.version,
            to_unit_id: to,
            note: input.note,
        };
        let outcome = run(
            ctx,
            "forwardNomination",
            cmid.as_deref(),
            async |txn, actor| Ok(workflow::forward(txn, actor, forwarding).await?.change),
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Takes a forwarded nomination into appraisal (the receiving level).
    async fn receive_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationStepInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let version = input.version;
        let outcome = run(
            ctx,
            "receiveNomination",
            cmid.as_deref(),
            async |txn, actor| workflow::receive(txn, actor, id, version).await,
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Asks the nominating unit for what is missing (the appraising level).
    async fn request_supplement(
        &self,
        ctx: &Context<'_>,
        input: RequestSupplementInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let (version, missing, note) = (input.version, input.missing, input.note);
        let outcome = run(
            ctx,
            "requestSupplement",
            cmid.as_deref(),
            async |txn, actor| {
                workflow::request_supplement(txn, actor, id, version, missing, note).await
            },
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Decides a nomination within the level's competence and creates its award record in
    /// the same transaction; the same decision again (a retry) changes nothing.
    async fn decide_nomination(
        &self,
        ctx: &Context<'_>,
        input: DecideNominationInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
        let awarded = try_input!(
            optional_id_of::<entity::award_type::Entity>(
                input.awarded_type_id.as_ref(),
                "awardedTypeId"
            ),
            NominationPayload,
            ctx,
            cmid
        );
        let taken = NewDecision {
            id,
            version: input.version,
            number: input.decision_number,
            decided_on: input.decided_on.0,
            signer: input.signer,
            awarded_type_id: awarded,
        };
        let outcome = run(
            ctx,
            "decideNomination",
            cmid.as_deref(),
            async |txn, actor| decision::decide(txn, actor, taken).await,
        )
        .await?;
        // A retry that changed nothing still answers with the nomination.
        let outcome = if outcome.object_id.is_none() && outcome.user_errors.is_empty() {
            Outcome {
                object_id: Some(id.uuid()),
                ..outcome
            }
        } else {
            outcome
        };
        NominationPayload::from(ctx, outcome, cmid).await
    }

    /// Rejects a nomination (the unit holding it).
    async fn reject_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationReasonInput,
    ) -> Result<NominationPayload> {
        close(ctx, input, Step::Reject, "rejectNomination").await
    }

    /// Returns a nomination to the nominating unit to revise (the unit holding it).
    async fn return_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationReasonInput,
    ) -> Result<NominationPayload> {
        close(ctx, input, Step::Return, "returnNomination").await
    }

    /// Withdraws a nomination before its decision (the nominating unit).
    async fn withdraw_nomination(
        &self,
        ctx: &Context<'_>,
        input: NominationReasonInput,
    ) -> Result<NominationPayload> {
        close(ctx, input, Step::Withdraw, "withdrawNomination").await
    }
}

async fn close(
    ctx: &Context<'_>,
    input: NominationReasonInput,
    step: Step,
    name: &'static str,
) -> Result<NominationPayload> {
    let cmid = input.client_mutation_id.clone();
    let id = try_input!(nomination_id(&input.id), NominationPayload, ctx, cmid);
    let (version, reason) = (input.version, input.reason);
    let (outcome, written) = run_written(ctx, name, cmid.as_deref(), async |txn, actor| {
        workflow::close(txn, actor, id, version, step, reason).await
    })
    .await?;
    NominationPayload::from_written(ctx, outcome, written, cmid).await
}

/// What a round's dashboard sums for a group of nominations.
#[derive(SimpleObject, Clone, Copy, Default)]
pub struct NominationTally {
    pub total: i64,
    /// Left the draft (withdrawn ones included).
    pub submitted: i64,
    /// Passed a council and not refused since.
    pub passed_council: i64,
    /// Sent beyond the nominating unit.
    pub forwarded: i64,
    /// Awarded, as proposed or a lower form.
    pub decided: i64,
    pub rejected: i64,
    pub withdrawn: i64,
}

impl From<read::Tally> for NominationTally {
    fn from(t: read::Tally) -> Self {
        Self {
            total: t.total,
            submitted: t.submitted,
            passed_council: t.passed_council,
            forwarded: t.forwarded,
            decided: t.decided,
            rejected: t.rejected,
            withdrawn: t.withdrawn,
        }
    }
}

/// One nominating unit's nominations in a round.
pub struct UnitTally {
    unit_id: Uuid,
    tally: read::Tally,
}

#[Object]
impl UnitTally {
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        Ok(load(ctx, UnitById(self.unit_id)).await?.map(Unit))
    }
    async fn tally(&self) -> NominationTally {
        self.tally.into()
    }
}

/// One award type's nominations in a round.
#[derive(SimpleObject)]
pub struct AwardTally {
    pub award_code: String,
    pub tally: NominationTally,
}

/// A round's dashboard.
pub struct RoundDashboard {
    counts: Vec<read::RoundCount>,
}

impl RoundDashboard {
    pub async fn of(ctx: &Context<'_>, round: Uuid) -> Result<Self> {
        signed_in(ctx)?;
        // Through the loader: a page of rounds counts its nominations in one statement.
        Ok(Self {
            counts: load(ctx, RoundCounts(round)).await?.unwrap_or_default(),
        })
    }

    fn tally_by<K: Ord + Clone>(
        &self,
        key: impl Fn(&read::RoundCount) -> K,
    ) -> Vec<(K, read::Tally)> {
        let mut by: std::collections::BTreeMap<K, read::Tally> = std::collections::BTreeMap::new();
        for count in &self.counts {
            by.entry(key(count)).or_default().add(count);
        }
        by.into_iter().collect()
    }
}

#[Object]
impl RoundDashboard {
    /// Every nomination of the round.
    async fn tally(&self) -> NominationTally {
        let mut tally = read::Tally::default();
        for count in &self.counts {
            tally.add(count);
        }
        tally.into()
    }
    /// How many are in each state (states with none left out).
    async fn by_state(&self) -> Vec<NominationStateCount> {
        self.tally_by(|c| {
            <entity::enums::NominationState as sea_orm::Iterable>::iter()
                .position(|s| s == c.state)
                .unwrap_or(usize::MAX)
        })
        .into_iter()
        .filter_map(|(position, tally)| {
            <entity::enums::NominationState as sea_orm::Iterable>::iter()
                .nth(position)
                .map(|state| NominationStateCount {
                    state: state.into(),
                    count: tally.total,
                })
        })
        .collect()
    }
    /// By nominating unit.
    async fn by_unit(&self) -> Vec<UnitTally> {
        self.tally_by(|c| c.nominating_unit_id)
            .into_iter()
            .map(|(unit_id, tally)| UnitTally { unit_id, tally })
            .collect()
    }
    /// By award type (its code).
    async fn by_award_type(&self) -> Vec<AwardTally> {
        self.tally_by(|c| c.award_code.clone())
            .into_iter()
            .map(|(award_code, tally)| AwardTally {
                award_code,
                tally: tally.into(),
            })
            .collect()
    }
}

/// A document of a nomination's dossier.
pub struct DossierItem(pub crate::domain::emulation::nomination::dossier::Document);

#[Object]
impl DossierItem {
    pub async fn id(&self) -> ID {
        global_id(NodeType::DossierItem, self.0.0.id)
    }
    async fn kind(&self) -> crate::graphql::common::enums::DossierKind {
        self.0.0.kind.into()
    }
    /// As uploaded (NFC).
    async fn file_name(&self) -> &str {
        &self.0.1.file_name
    }
    async fn media_type(&self) -> &str {
        &self.0.1.media_type
    }
    /// Bytes.
    async fn size(&self) -> i64 {
        self.0.1.size
    }
    /// SHA-256 of the content (hex), to check a download against.
    async fn sha256(&self) -> &str {
        &self.0.1.sha256
    }
    async fn note(&self) -> Option<&str> {
        self.0.0.note.as_deref()
    }
    /// Who attached it (the token's subject).
    async fn attached_by(&self) -> &str {
        &self.0.0.attached_by
    }
    async fn attached_at(&self) -> DateTime<FixedOffset> {
        local_time(self.0.0.created_at)
    }
    /// Where it is downloaded (send the same bearer token; read like the nomination).
    async fn download_url(&self) -> String {
        format!(
            "/files/dossier/{}",
            global_id(NodeType::DossierItem, self.0.0.id).0
        )
    }
}

/// `attachDossierItem` input: a file uploaded with `POST /files` added to an open nomination's
/// dossier (by the nominating unit or the unit holding it).
#[derive(InputObject)]
pub struct AttachDossierItemInput {
    pub nomination_id: ID,
    pub version: i32,
    pub kind: crate::graphql::common::enums::DossierKind,
    /// The id `POST /files` answered (a file the caller uploaded).
    pub file_id: ID,
    /// At most 2 000 characters.
    pub note: Option<String>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct DossierMutation;

#[Object]
impl DossierMutation {
    /// Adds an uploaded file to a nomination's dossier.
    async fn attach_dossier_item(
        &self,
        ctx: &Context<'_>,
        input: AttachDossierItemInput,
    ) -> Result<NominationPayload> {
        let cmid = input.client_mutation_id.clone();
        let nomination = try_input!(
            id_of::<entity::nomination::Entity>(&input.nomination_id, "nominationId"),
            NominationPayload,
            ctx,
            cmid
        );
        let file = try_input!(
            id_of::<entity::stored_file::Entity>(&input.file_id, "fileId"),
            NominationPayload,
            ctx,
            cmid
        );
        let attachment = crate::domain::emulation::nomination::dossier::Attachment {
            nomination_id: nomination,
            version: input.version,
            kind: input.kind.into(),
            file_id: file,
            note: input.note,
        };
        let outcome = run(
            ctx,
            "attachDossierItem",
            cmid.as_deref(),
            async |txn, actor| {
                crate::domain::emulation::nomination::dossier::attach(txn, actor, attachment).await
            },
        )
        .await?;
        NominationPayload::from(ctx, outcome, cmid).await
    }
}
