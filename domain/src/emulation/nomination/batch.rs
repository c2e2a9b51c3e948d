//! Batches (tờ trình): one proposal letter, with its number and date, carrying many
//! nominations from the unit holding them to the next level. Each nomination is forwarded as
//! `forwardNomination` would (its version, its state, the route, the checks), all in one
//! transaction: one refused, none goes. The letter names one sender and one destination, so
//! every nomination must be held by the same unit and go to the same level.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use entity::{nomination_batch, nomination_batch_item};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use super::workflow::{self, Forwarding};
use crate::access::Actor;
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::ids::{NominationId, UnitId};
use crate::kernel::mutation::{self, Change};
use crate::kernel::time::DayMonthYear;
use crate::kernel::values::DocumentNumber;

/// The most nominations one letter carries.
pub const MAX_NOMINATIONS: usize = 200;
/// The longest note (each nomination's history quotes it after the letter's number).
pub const MAX_NOTE: usize = 1_500;

/// `forwardBatch` input.
#[derive(Debug, Clone)]
pub struct BatchForwarding {
    /// Số tờ trình.
    pub number: String,
    pub signed_on: NaiveDate,
    /// The unit of the next level; none when it is outside the province.
    pub to_unit_id: Option<UnitId>,
    pub note: Option<String>,
    /// Each nomination with the version read, in the letter's order.
    pub nominations: Vec<(NominationId, i32)>,
}

/// Forwards every nomination of the letter and records the batch; the forwards are audited
/// one by one, the batch as the mutation's change. The same letter sent again (a retry) with
/// the same nominations changes nothing and answers the batch.
pub async fn forward(
    db: &DatabaseTransaction,
    actor: &Actor,
    input: BatchForwarding,
) -> DomainResult<Change> {
    let mut checks = Checks(Vec::new());
    let number = checks
        .document_number("number", &input.number)
        .map(DocumentNumber::into_string)
        .unwrap_or_default();
    let note = checks.optional_text("note", input.note.as_deref(), MAX_NOTE);
    let today = crate::kernel::time::today();
    if input.signed_on > today + chrono::Duration::days(7)
        || input.signed_on < today - chrono::Duration::days(5 * 366)
    {
        checks.fail(
            "signedOn",
            Code::OutOfRange,
            "a letter is signed within the last five years, and not more than 7 days ahead",
        );
    }
    if input.nominations.is_empty() || input.nominations.len() > MAX_NOMINATIONS {
        checks.fail(
            "nominations",
            Code::OutOfRange,
            format!("a letter carries 1 to {MAX_NOMINATIONS} nominations"),
        );
    }
    let mut seen = HashSet::new();
    for (i, (id, _)) in input.nominations.iter().enumerate() {
        if !seen.insert(id.uuid()) {
            checks.0.push(FieldError::at(
                &["nominations", &i.to_string(), "id"],
                Code::Duplicate,
                "this nomination is already in the letter",
            ));
        }
    }
    checks.finish()?;

    // The letter comes from the unit that holds the nominations: the first one's. A letter
    // with this number and date sent already, by that unit or carrying the first nomination
    // (a retry: it has moved on since), is answered from the record.
    let first_id = input.nominations[0].0.uuid();
    let first = workflow::find(db, actor, input.nominations[0].0).await?;
    let sender = first.nomination.holder_unit_id;
    let same_letters = nomination_batch::Entity::find()
        .filter(nomination_batch::Column::Number.eq(number.as_str()))
        .filter(nomination_batch::Column::SignedOn.eq(input.signed_on))
        .all(db)
        .await?;
    if !same_letters.is_empty() {
        let ids: Vec<Uuid> = same_letters.iter().map(|b| b.id).collect();
        let carried = items_of(db, &ids).await?;
        if let Some(existing) = same_letters.into_iter().find(|b| {
            b.from_unit_id == sender || carried.get(&b.id).is_some_and(|n| n.contains(&first_id))
        }) {
            let carried = carried.get(&existing.id).cloned().unwrap_or_default();
            return replayed(existing, carried.into_iter().collect(), &seen);
        }
    }

    let letter = match &note {
        Some(note) => format!(
            "Tờ trình số {number} ngày {}: {note}",
            DayMonthYear(input.signed_on)
        ),
        None => format!(
            "Tờ trình số {number} ngày {}",
            DayMonthYear(input.signed_on)
        ),
    };
    let mut errors = Vec::new();
    let mut to_authority = None;
    let batch_id = Uuid::now_v7();
    let mut items = Vec::with_capacity(input.nominations.len());
    for (i, (id, version)) in input.nominations.iter().enumerate() {
        let at = |field: &str| vec!["nominations".to_owned(), i.to_string(), field.to_owned()];
        // Each nomination is read once (the first was, to find the sender).
        let current = if i == 0 {
            first.clone()
        } else {
            workflow::find(db, actor, *id).await?
        };
        if current.nomination.holder_unit_id != sender {
            errors.push(FieldError {
                field: at("id"),
                code: Code::Invalid,
                message: "a letter carries the nominations one unit holds: this one is held by another unit".into(),
            });
            continue;
        }
        let forwarded = workflow::forward_read(
            db,
            actor,
            current,
            Forwarding {
                id: *id,
                version: *version,
                to_unit_id: input.to_unit_id,
                note: Some(letter.clone()),
            },
        )
        .await;
        match forwarded {
            Ok(forwarded) => {
                match to_authority {
                    None => to_authority = Some(forwarded.to_authority),
                    Some(level) if level != forwarded.to_authority => errors.push(FieldError {
                        field: at("id"),
                        code: Code::Invalid,
                        message: format!(
                            "this nomination goes to {}, the letter's first to {}: send them in separate letters",
                            super::route::label(forwarded.to_authority),
                            super::route::label(level)
                        ),
                    }),
                    Some(_) => {}
                }
                mutation::record(db, actor, &forwarded.change).await?;
                items.push(nomination_batch_item::Model {
                    batch_id,
                    nomination_id: id.uuid(),
                    position: i as i32,
                });
            }
            // The field paths of a nomination's refusal, under its place in the letter
            // (`toUnitId` stays the letter's own).
            Err(DomainError::Rejected(refused)) => {
                errors.extend(refused.into_iter().map(|mut e| {
                    if e.field.first().map(String::as_str) != Some("toUnitId") {
                        let mut field = vec!["nominations".to_owned(), i.to_string()];
                        field.append(&mut e.field);
                        e.field = field;
                    }
                    e
                }))
            }
            Err(other) => return Err(other),
        }
    }
    if !errors.is_empty() {
        // The same refusal of `toUnitId` for every nomination is said once.
        let mut said = HashSet::new();
        errors.retain(|e| said.insert((e.field.clone(), e.message.clone())));
        return Err(DomainError::Rejected(errors));
    }
    let batch = nomination_batch::Model {
        id: batch_id,
        from_unit_id: sender,
        to_unit_id: input.to_unit_id.map(UnitId::uuid),
        to_authority: to_authority.ok_or_else(|| DomainError::invalid("an empty letter"))?,
        number,
        signed_on: input.signed_on,
        note,
        created_by: actor.principal.subject.clone(),
        created_at: Utc::now(),
    };
    let saved = batch
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    nomination_batch_item::Entity::insert_many(
        items
            .into_iter()
            .map(|item| item.into_active_model().reset_all()),
    )
    .exec(db)
    .await?;
    Ok(Change {
        action: AuditAction::NominationBatchForward,
        object_type: ObjectType::NominationBatch,
        object_id: saved.id,
        scope_unit_id: Some(saved.from_unit_id),
        before: None,
        after: Some(serde_json::to_value(&saved).unwrap_or_default()),
    })
}

/// The letter was recorded already: the same nominations make it a retry (nothing changes),
/// others a second letter under a number that is taken.
fn replayed(
    existing: nomination_batch::Model,
    carried: HashSet<Uuid>,
    sent: &HashSet<Uuid>,
) -> DomainResult<Change> {
    if &carried != sent {
        return Err(crate::kernel::error::rejected(
            "number",
            Code::Duplicate,
            format!(
                "letter {} of {} carries other nominations: a new letter has its own number",
                existing.number,
                DayMonthYear(existing.signed_on)
            ),
        ));
    }
    Ok(Change {
        action: AuditAction::NominationBatchForward,
        object_type: ObjectType::NominationBatch,
        object_id: existing.id,
        scope_unit_id: Some(existing.from_unit_id),
        before: None,
        after: None,
    })
}

/// Batches by id (one statement).
pub async fn by_ids(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<crate::kernel::maps::FastMap<Uuid, nomination_batch::Model>> {
    crate::kernel::query::by_ids::<nomination_batch::Entity>(db, ids).await
}

/// The nominations of these batches, in each letter's order (one statement).
pub async fn items_of(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<Uuid>>> {
    let mut by: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for item in nomination_batch_item::Entity::find()
        .filter(nomination_batch_item::Column::BatchId.is_in(ids.iter().copied()))
        .order_by_asc(nomination_batch_item::Column::Position)
        .all(db)
        .await?
    {
        by.entry(item.batch_id)
            .or_default()
            .push(item.nomination_id);
    }
    Ok(by)
}

/// The batches that carried these nominations, oldest first (two statements).
pub async fn of_nominations(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[Uuid],
) -> DomainResult<HashMap<Uuid, Vec<nomination_batch::Model>>> {
    let items = nomination_batch_item::Entity::find()
        .filter(nomination_batch_item::Column::NominationId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let batch_ids: Vec<Uuid> = items.iter().map(|i| i.batch_id).collect();
    let batches = by_ids(db, &batch_ids).await?;
    let mut by: HashMap<Uuid, Vec<nomination_batch::Model>> = HashMap::new();
    for item in items {
        if let Some(batch) = batches.get(&item.batch_id) {
            by.entry(item.nomination_id)
                .or_default()
                .push(batch.clone());
        }
    }
    for list in by.values_mut() {
        list.sort_by_key(|b| b.id);
    }
    Ok(by)
}

/// Whether the caller may read the letter: it reads nominations of the sender or of the
/// destination.
pub fn may_read(scope: Option<&[Uuid]>, batch: &nomination_batch::Model) -> bool {
    match scope {
        None => true,
        Some(units) => {
            units.contains(&batch.from_unit_id)
                || batch.to_unit_id.is_some_and(|to| units.contains(&to))
        }
    }
}
