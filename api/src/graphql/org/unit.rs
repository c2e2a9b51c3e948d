//! `Unit`, `UnitGroup` and succession events.

use std::sync::Arc;

use crate::graphql::common::enums::stored;
use async_graphql::parser::types::Field;
use async_graphql::{
    Context, ContextSelectionSet, ID, InputObject, Object, Positioned, Result, Value,
};
use entity::{unit, unit_group, unit_succession};

use crate::domain::kernel::time;
use crate::domain::org::{group as groups, unit as units};
use crate::domain::planning::target::TargetFilter;
use crate::domain::planning::task::{TaskFilter, TaskOrder};
use crate::domain::planning::{plan as plans, target as targets, task as tasks};
use crate::graphql::common::connection::{self, wants_total};
use crate::graphql::common::context::{
    cached, db, load, load_required, loaders, nested_window, under_list, visibility,
};
use crate::graphql::common::cursor;
use crate::graphql::common::enums::{
    AssignmentRole, OrderDirection, SuccessionEvent, TaskStatus, UnitKind,
};
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::id::{NodeType, global_id};
use crate::graphql::common::plain::{self, Plain, PlainFields};
use crate::graphql::common::scalars::Date;
use crate::graphql::loading::columns::{self, FieldColumns};
use crate::graphql::loading::loaders::{
    AncestorsOf, ChildrenOf, GroupById, GroupMembers, IssuedBy, SuccessionsFrom, SuccessionsInto,
    UnitById, UnitTargets, UnitTasks,
};
use crate::graphql::org::partial;
use crate::graphql::planning::plan::Plan;
use crate::graphql::planning::plan::PlanConnection;
use crate::graphql::planning::prefetch;
use crate::graphql::planning::target::Target;
use crate::graphql::planning::target::TargetConnection;
use crate::graphql::planning::task::TaskConnection;
use crate::graphql::planning::task::{self, Task};

/// A unit (đơn vị): a people's committee, department, office, hospital, health centre, commune
/// station… Closed units (merged, renamed, dissolved) keep answering under their own name and
/// code; `successor` and `predecessors` follow the succession events.
///
/// A unit from `units` or `children` may hold only the columns its list's selection reads
/// ([`COLUMNS`]), and so may one a list read with its rows (an assignee, an issuer, a parent:
/// [`partial`]); a unit loaded by id is whole.
#[derive(Clone)]
pub struct Unit(pub std::sync::Arc<unit::Model>);

impl From<unit::Model> for Unit {
    fn from(model: unit::Model) -> Self {
        Self(model.into())
    }
}

/// The stored columns each field of `Unit` reads, besides the id (the column registry: see
/// [`columns`](crate::graphql::loading::columns)). A field added to the resolvers needs its
/// entry here, with the columns it reads or none.
pub static COLUMNS: FieldColumns<unit::Entity> = FieldColumns::new("Unit", unit::Column::Id, {
    use unit::Column as C;
    // What a unit's own task and target lists would read of it outside a list (its groups are
    // found from its parent and kind on a date); under a list they read only its id.
    const MEMBERSHIP: &[C] = &[C::ParentId, C::Kind, C::ActiveFrom, C::ActiveTo];
    &[
        ("provenance", &[]),
        ("id", &[]),
        ("code", &[C::Code]),
        ("name", &[C::Name]),
        ("shortName", &[C::ShortName]),
        ("kind", &[C::Kind]),
        ("activeFrom", &[C::ActiveFrom]),
        ("activeTo", &[C::ActiveTo]),
        ("isActive", &[C::ActiveFrom, C::ActiveTo]),
        ("version", &[C::Version]),
        ("parent", &[C::ParentId]),
        ("ancestors", &[]),
        ("children", &[]),
        ("successor", &[]),
        ("predecessors", &[]),
        ("successionEvents", &[]),
        ("plans", &[]),
        ("tasks", MEMBERSHIP),
        ("targets", MEMBERSHIP),
    ]
});

#[Object]
impl Unit {
    /// Where it comes from, when the demo data invented or annotated it (null: entered by a
    /// person through the API).
    async fn provenance(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::graphql::common::provenance::Provenance>> {
        crate::graphql::common::provenance::provenance(ctx, self.0.id).await
    }
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::Unit, self.0.id)
    }
    /// Electronic agency code (mã định danh điện tử, QĐ 20/2020/QĐ-TTg), e.g. "H34.20".
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    /// Full name, as the unit was named while it existed.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Short name (tên viết tắt).
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }
    async fn kind(&self) -> UnitKind {
        self.0.kind.into()
    }
    /// First day the unit existed (null: before records began).
    async fn active_from(&self) -> Option<Date> {
        self.0.active_from.map(Date)
    }
    /// Last day the unit existed (null: still active).
    async fn active_to(&self) -> Option<Date> {
        self.0.active_to.map(Date)
    }
    /// Whether the unit existed on `asOf` (default: today in Việt Nam).
    async fn is_active(&self, as_of: Option<Date>) -> bool {
        units::is_active_at(&self.0, as_of.map_or_else(time::today, |d| d.0))
    }
    /// Optimistic-locking version.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The unit above this one.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Plain<Unit>>> {
        match self.0.parent_id {
            Some(parent) => Ok(partial::unit_for_field(ctx, parent)
                .await?
                .map(|row| Plain(Unit(row)))),
            None => Ok(None),
        }
    }
    /// The units above this one, nearest first.
    async fn ancestors(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        Ok(load(ctx, AncestorsOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Unit::from)
            .collect())
    }
    /// The units directly below this one, by name.
    async fn children(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<UnitConnection> {
        let page = load_required(ctx, children_key(ctx, self.0.id, first, after)?).await?;
        Ok(UnitConnection::from_page(Arc::unwrap_or_clone(page), Unit))
    }
    /// The unit that took this one over (merge, absorption, rename…), if any.
    async fn successor(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        let events = load(ctx, SuccessionsFrom(self.0.id))
            .await?
            .unwrap_or_default();
        match events.last() {
            Some(event) => Ok(load(ctx, UnitById(event.successor_id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The units this one took over.
    async fn predecessors(&self, ctx: &Context<'_>) -> Result<Vec<Unit>> {
        let events = load(ctx, SuccessionsInto(self.0.id))
            .await?
            .unwrap_or_default();
        let ids: Vec<_> = events.iter().map(|e| UnitById(e.predecessor_id)).collect();
        let found = loaders(ctx)?
            .load_many(ids.iter().copied())
            .await
            .into_gql()?;
        Ok(ids
            .iter()
            .filter_map(|id| found.get(id).cloned())
            .map(Unit)
            .collect())
    }
    /// Every succession event this unit took part in, oldest first.
    async fn succession_events(&self, ctx: &Context<'_>) -> Result<Vec<Succession>> {
        let mut events = load(ctx, SuccessionsFrom(self.0.id))
            .await?
            .unwrap_or_default();
        events.extend(
            load(ctx, SuccessionsInto(self.0.id))
                .await?
                .unwrap_or_default(),
        );
        events.sort_by_key(|e| e.effective_on);
        Ok(events.into_iter().map(Succession).collect())
    }
    /// The plans this unit issued, newest first.
    async fn plans(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<PlanConnection> {
        // The list fields' bodies are boxed: async-graphql resolves every field of a `Unit`
        // through one future as large as its largest field, and a unit's `name` in a list of
        // thousands would otherwise carry a page query's state each time.
        Box::pin(async move {
            let window = nested_window(first, after, plans::ISSUED_BY_ORDERING)?;
            let page = load_required(
                ctx,
                IssuedBy {
                    parent: self.0.id,
                    window,
                },
            )
            .await?;
            prefetch::plans(
                ctx,
                &prefetch::node_selections(&ctx.look_ahead()),
                &page.rows().collect::<Vec<_>>(),
                false,
            )
            .await?;
            Ok(PlanConnection::from_page(page, Plan))
        })
        .await
    }
    /// Tasks assigned to this unit, directly or through a group it belongs to on `asOf`.
    async fn tasks(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        role: Option<Vec<AssignmentRole>>,
        status: Option<Vec<TaskStatus>>,
        as_of: Option<Date>,
    ) -> Result<TaskConnection> {
        Box::pin(async move {
            let filter = TaskFilter {
                unit_id: Some(self.0.id),
                roles: stored(role),
                statuses: stored(status),
                as_of: as_of.map(|d| d.0),
                ..TaskFilter::default()
            };
            let args = cursor::forward(first, after.as_deref()).into_gql()?;
            let selections = prefetch::node_selections(&ctx.look_ahead());
            if under_list(ctx) {
                // One statement for the pages of every unit of the list.
                let window = args.window(&tasks::unit_tasks_ordering()).into_gql()?;
                let key = UnitTasks {
                    unit: self.0.id,
                    window,
                    filter: TaskFilter {
                        unit_id: None,
                        ..filter
                    },
                };
                let page = load_required(ctx, key).await?;
                prefetch::tasks(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
                return Ok(TaskConnection::from_page(page, Task));
            }
            task::task_page(
                ctx,
                &filter,
                Some(&self.0),
                TaskOrder::default(),
                &args,
                None,
            )
            .await
        })
        .await
    }
    /// Targets assigned to this unit, directly or through a group it belongs to on `asOf`.
    async fn targets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        role: Option<Vec<AssignmentRole>>,
        as_of: Option<Date>,
    ) -> Result<TargetConnection> {
        Box::pin(async move {
            let filter = TargetFilter {
                unit_id: Some(self.0.id),
                roles: stored(role),
                as_of: as_of.map(|d| d.0),
                ..TargetFilter::default()
            };
            let args = cursor::forward(first, after.as_deref()).into_gql()?;
            let selections = prefetch::node_selections(&ctx.look_ahead());
            let page = if under_list(ctx) {
                let window = args.window(targets::TARGETS_ORDERING).into_gql()?;
                let key = UnitTargets {
                    unit: self.0.id,
                    window,
                    filter: TargetFilter {
                        unit_id: None,
                        ..filter
                    },
                };
                load_required(ctx, key).await?
            } else {
                let page = targets::list(
                    db(ctx)?,
                    visibility(ctx)?,
                    &filter,
                    Some(&self.0),
                    &args,
                    wants_total(ctx),
                    prefetch::wants(&selections, "plan"),
                )
                .await
                .into_gql()?;
                prefetch::feed_plans(ctx, page).await?
            };
            prefetch::targets(ctx, &selections, &page.rows().collect::<Vec<_>>()).await?;
            Ok(TargetConnection::from_page(page, Target))
        })
        .await
    }
}

/// A succession event (sáp nhập, hợp nhất, chia tách, đổi tên, giải thể…).
#[derive(Clone)]
pub struct Succession(pub unit_succession::Model);

#[Object]
impl Succession {
    async fn event(&self) -> SuccessionEvent {
        self.0.event.into()
    }
    /// The day the change took effect.
    async fn effective_on(&self) -> Date {
        Date(self.0.effective_on)
    }
    /// The deciding document.
    async fn decision(&self) -> Option<&str> {
        self.0.decision.as_deref()
    }
    async fn predecessor(&self, ctx: &Context<'_>) -> Result<Unit> {
        Ok(Unit(
            load_required(ctx, UnitById(self.0.predecessor_id)).await?,
        ))
    }
    async fn successor(&self, ctx: &Context<'_>) -> Result<Unit> {
        Ok(Unit(
            load_required(ctx, UnitById(self.0.successor_id)).await?,
        ))
    }
}

/// A group of units as plans name them ("các đơn vị trực thuộc", "Trạm Y tế các xã"): a rule
/// resolved to units at a date, so restructuring changes who is meant without rewriting plans.
#[derive(Clone)]
pub struct UnitGroup(pub unit_group::Model);

#[Object]
impl UnitGroup {
    /// Global id.
    pub async fn id(&self) -> ID {
        global_id(NodeType::UnitGroup, self.0.id)
    }
    /// The group as the document writes it.
    async fn label(&self) -> &str {
        &self.0.label
    }
    /// Members are children of this unit…
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.parent_unit_id {
            Some(parent) => Ok(load(ctx, UnitById(parent)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// …of one of these kinds (empty: any kind), plus explicit inclusions, minus exclusions.
    async fn kinds(&self) -> Vec<UnitKind> {
        groups::kinds(&self.0).into_iter().map(Into::into).collect()
    }
    /// The units the group means on `asOf` (default: today in Việt Nam).
    async fn members(&self, ctx: &Context<'_>, as_of: Option<Date>) -> Result<Vec<Unit>> {
        let date = as_of.map_or_else(time::today, |d| d.0);
        let members = load_required(
            ctx,
            GroupMembers {
                group: self.0.id,
                date,
            },
        )
        .await?;
        Ok(members.into_iter().map(Unit::from).collect())
    }
}

/// Loads a group through the request's loader.
pub async fn group_by_id(ctx: &Context<'_>, id: uuid::Uuid) -> Result<UnitGroup> {
    Ok(UnitGroup(load_required(ctx, GroupById(id)).await?))
}

/// Filters of `units`.
#[derive(Debug, Default, InputObject)]
pub struct UnitFilter {
    /// Words to find in the name, short name or code, with or without diacritics.
    pub search: Option<String>,
    /// Only the children of this unit.
    pub parent_id: Option<ID>,
    pub kind: Option<Vec<UnitKind>>,
    /// Only units that existed on this date.
    pub active_at: Option<Date>,
}

/// Sort fields of `units`.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitOrderField {
    Name,
    Code,
}

/// Ordering of `units` (default: by name, ascending).
#[derive(Debug, InputObject)]
pub struct UnitOrder {
    pub field: UnitOrderField,
    pub direction: Option<OrderDirection>,
}

impl UnitOrder {
    /// The domain ordering (its default when absent).
    pub fn to_domain(order: Option<UnitOrder>) -> units::UnitOrder {
        match order {
            None => units::UnitOrder::default(),
            Some(order) => units::UnitOrder {
                field: match order.field {
                    UnitOrderField::Name => units::UnitOrderField::Name,
                    UnitOrderField::Code => units::UnitOrderField::Code,
                },
                descending: order.direction == Some(OrderDirection::Desc),
            },
        }
    }
}

crate::graphql::common::connection::connection!(UnitConnection, UnitEdge, Unit, "unit");

impl PlainFields for Unit {
    fn plain_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "id" => plain::value(global_id(NodeType::Unit, self.0.id)),
            "code" => plain::maybe_text(self.0.code.as_deref()),
            "name" => plain::text(&self.0.name),
            "shortName" => plain::maybe_text(self.0.short_name.as_deref()),
            "kind" => plain::value(UnitKind::from(self.0.kind)),
            "activeFrom" => plain::value(self.0.active_from.map(Date)),
            "activeTo" => plain::value(self.0.active_to.map(Date)),
            "version" => plain::value(self.0.version),
            _ => return None,
        })
    }

    fn cached_field(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> Option<Value> {
        match field.node.name.node.as_str() {
            "parent" => cached_unit(ctx, field, self.0.parent_id),
            "children" => {
                // As the resolver reads it, from the page the list's prefetch loaded. Every
                // unit's `children` field asks the same: its window and columns are worked out
                // once.
                let field_ctx = ctx.with_field(field);
                let (window, columns) =
                    columns::once_per_field(&field_ctx, "children in place", || {
                        let first = field_ctx.param_value::<Option<i32>>("first", None).ok()?.1;
                        let after = field_ctx
                            .param_value::<Option<String>>("after", None)
                            .ok()?
                            .1;
                        let key = children_key(&field_ctx, self.0.id, first, after).ok()?;
                        Some((key.window, key.columns))
                    })?;
                let key = ChildrenOf {
                    parent: self.0.id,
                    window,
                    columns,
                };
                let page = cached(ctx, &key)?;
                let nodes: Vec<Unit> = page.items.iter().map(|(_, u)| Unit(u.clone())).collect();
                connection::nested_page(ctx, field, "UnitConnection", page.total, &nodes)
            }
            _ => None,
        }
    }
}

/// The loader key of `parent`'s page of children as the field in `ctx` (a unit's `children`)
/// asks for it: the window from `first` and `after`, the columns from its selection.
fn children_key(
    ctx: &Context<'_>,
    parent: uuid::Uuid,
    first: Option<i32>,
    after: Option<String>,
) -> Result<ChildrenOf> {
    Ok(ChildrenOf {
        parent,
        window: nested_window(first, after, units::CHILDREN_ORDERING)?,
        columns: columns::once_per_field(ctx, "children", || {
            COLUMNS.read(&prefetch::node_selections(&ctx.look_ahead()))
        }),
    })
}

/// The value of `field`, the unit `id` (null for none), answered in place from the request's
/// cache ([`PlainFields::cached_field`]): `None` when the unit is not cached or its selection
/// asks for more than plain fields.
pub fn cached_unit(
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    id: Option<uuid::Uuid>,
) -> Option<Value> {
    let unit = match id {
        // Kept with the columns this field reads (a task list's assignees), else whole.
        Some(id) => Some(Unit(match partial::kept(&ctx.with_field(field), id) {
            Some(unit) => unit,
            None => cached(ctx, &UnitById(id))?,
        })),
        None => None,
    };
    plain::nested_maybe(ctx, field, unit.as_ref())
}
