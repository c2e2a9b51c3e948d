//! Who may see and change what, scoped by the unit tree at the time of the request.
//!
//! Reading: anonymous callers and INTEGRATION clients see issued plans (anything but drafts)
//! with their targets, tasks and progress; PROVINCE_ADMIN sees everything; the other roles also
//! see the drafts of plans issued in their unit's subtree.

pub mod policy;
pub mod principal;

pub use policy::{Action, Resource};
pub use principal::{ClosedUnit, Principal, Role};

/// The caller of a request (`None`: anonymous).
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<Principal>);

impl Viewer {
    /// The authenticated principal, if any.
    pub fn principal(&self) -> Option<&Principal> {
        self.0.as_ref()
    }
}

/// Which plans (and so which targets, tasks and progress) a caller may read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum PlanVisibility {
    /// Issued plans that are not confidential: anonymous callers and integration clients.
    #[default]
    Issued,
    /// Issued plans that are not confidential, and every plan issued by these units (the
    /// caller's subtree: its drafts and its confidential plans).
    IssuedAndDraftsOf(Vec<Uuid>),
    /// Everything (PROVINCE_ADMIN).
    All,
}

impl PlanVisibility {
    /// The visibility of a caller (the policy's read scope of drafts); one statement for
    /// roles that read their subtree's drafts.
    pub async fn of(db: &impl ConnectionTrait, viewer: &Viewer) -> DomainResult<Self> {
        let Some(principal) = viewer.principal() else {
            return Ok(Self::Issued);
        };
        Ok(
            match policy::scope(db, principal, Action::ReadDrafts).await? {
                None => Self::All,
                Some(units) if units.is_empty() => Self::Issued,
                Some(units) => Self::IssuedAndDraftsOf(units),
            },
        )
    }

    /// Whether the caller may read this plan.
    pub fn allows(&self, plan: &plan::Model) -> bool {
        match self {
            Self::All => true,
            Self::Issued => plan.status != PlanStatus::Draft && !plan.confidential,
            Self::IssuedAndDraftsOf(units) => {
                (plan.status != PlanStatus::Draft && !plan.confidential)
                    || units.contains(&plan.issuer_id)
            }
        }
    }

    /// The same rule as a condition on the `plan` table (`None`: no restriction).
    pub fn plan_condition(&self) -> Option<Condition> {
        let issued = Condition::all()
            .add(plan::Column::Status.ne(PlanStatus::Draft))
            .add(plan::Column::Confidential.eq(false));
        match self {
            Self::All => None,
            Self::Issued => Some(Condition::all().add(issued)),
            Self::IssuedAndDraftsOf(units) => Some(
                Condition::any()
                    .add(issued)
                    .add(plan::Column::IssuerId.is_in(units.iter().copied())),
            ),
        }
    }

    /// A condition on a `plan_id` column: the row belongs to a plan the caller may read.
    pub fn plan_id_condition(&self, column: impl ColumnTrait) -> Option<Condition> {
        let visible = self.plan_condition()?;
        // `take`, not `to_owned`: the built statement is moved out, not copied (once per list).
        let plans = Query::select()
            .column(plan::Column::Id)
            .from(plan::Entity)
            .cond_where(visible)
            .take();
        Some(Condition::all().add(column.in_subquery(plans)))
    }

    /// The same rule as "not one of the plans the caller may not read" (drafts: few), for
    /// small index-driven row sets such as a unit's assignments. There PostgreSQL plans the
    /// `IN (SELECT …)` form as a nested loop over every visible plan, and a per-row probe of
    /// `plan` doubles the index lookups. On PostgreSQL the hidden plans are read once into an
    /// array (`<> ALL (ARRAY(SELECT …))`, an init plan); SQLite builds a temporary index for
    /// `NOT IN (SELECT …)` by itself. Plan ids are never NULL, so `NOT IN` means what it says.
    pub fn hidden_plans_condition(
        &self,
        backend: DbBackend,
        column: impl ColumnTrait,
    ) -> Option<Condition> {
        let visible = self.plan_condition()?;
        let hidden = Query::select()
            .column(plan::Column::Id)
            .from(plan::Entity)
            .cond_where(visible.not())
            .take();
        Some(Condition::all().add(match backend {
            // One custom expression: as the right operand of `<>`, `ALL (…)` would be
            // parenthesised, which PostgreSQL rejects.
            DbBackend::Postgres => Expr::cust_with_exprs(
                "$1 <> ALL(ARRAY($2))",
                [
                    Expr::col(column.as_column_ref()),
                    SimpleExpr::SubQuery(None, Box::new(hidden.into_sub_query_statement())),
                ],
            ),
            _ => column.not_in_subquery(hidden),
        }))
    }
}

use entity::enums::PlanStatus;
use entity::plan;
use sea_orm::sea_query::{Expr, Query, QueryStatementBuilder, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend};
use uuid::Uuid;

use crate::kernel::error::DomainResult;
use crate::kernel::time::DayMonthYear;

/// The authenticated caller of a mutation, with what the audit log records about the request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub request_id: Option<String>,
}

impl Actor {
    /// The caller, or `UNAUTHENTICATED` when anonymous.
    pub fn require(viewer: &Viewer, request_id: Option<String>) -> DomainResult<Self> {
        match viewer.principal() {
            Some(Principal {
                closed_unit: Some(closed),
                ..
            }) => Err(DomainError::Forbidden(closed_unit_message(closed))),
            Some(principal) => Ok(Self {
                principal: principal.clone(),
                request_id,
            }),
            None => Err(DomainError::Unauthenticated(
                "sign in to change data".into(),
            )),
        }
    }

    /// The server itself acting as a province administrator (the demo loader, scheduled
    /// imports): its changes obey the same rules as a user's; `subject` names it in the log.
    pub fn system(subject: &str) -> Self {
        Self {
            principal: Principal {
                subject: subject.into(),
                display_name: None,
                unit_code: None,
                unit_id: None,
                roles: vec![crate::access::principal::Role::ProvinceAdmin],
                scopes: Vec::new(),
                client_id: None,
                closed_unit: None,
                subtree: None,
            },
            request_id: None,
        }
    }

    /// Allows the caller `action` on `resource` (the policy), or refuses with `FORBIDDEN`.
    pub async fn authorize(
        &self,
        db: &impl ConnectionTrait,
        action: Action,
        resource: Resource,
    ) -> DomainResult<()> {
        policy::authorize(db, &self.principal, action, resource).await
    }

    /// Whether the caller may learn that an object does not exist (others get `FORBIDDEN`).
    pub fn sees_missing_objects(&self) -> bool {
        policy::allows(&self.principal, Action::SeeMissingObjects)
    }
}

use crate::kernel::error::DomainError;

/// What a caller whose unit is closed is told when it tries to write.
fn closed_unit_message(closed: &crate::access::principal::ClosedUnit) -> String {
    let mut message = format!(
        "your unit, {}, was closed on {}: it may read but change nothing",
        closed.name,
        DayMonthYear(closed.last_day)
    );
    match &closed.successor {
        Some((name, Some(code))) => message.push_str(&format!(
            "; its successor is {name} ({code}): ask for a token of that unit"
        )),
        Some((name, None)) => message.push_str(&format!(
            "; its successor is {name}: ask for a token of that unit"
        )),
        None => {}
    }
    message
}
