//! A nomination's dossier (hồ sơ, domain.md rules 30–33): files uploaded once, checked for
//! their size and type (the declared media type must match the file's first bytes), and
//! attached to a nomination by the nominating unit or the unit holding it while the nomination
//! is open. Files are read with the nomination's own permission.

use chrono::Utc;
use entity::enums::DossierKind;
use entity::{dossier_item, nomination, stored_file};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::read::may_read;
use super::workflow::{self, OPEN, Step};
use crate::access::Actor;
use crate::access::Principal;
use crate::access::policy::{self, Action, Reach, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::checks::Checks;
use crate::kernel::error::{DomainError, DomainResult, FieldErrorCode as Code, rejected};
use crate::kernel::ids::{NominationId, StoredFileId};
use crate::kernel::mutation::Change;

/// The most documents one nomination's dossier holds.
pub const MAX_ITEMS: usize = 50;
/// The longest file name, in characters.
pub const MAX_FILE_NAME: usize = 200;

/// The media types a dossier accepts, with the first bytes a file of each starts with.
pub const ALLOWED: [(&str, &[u8]); 6] = [
    ("application/pdf", b"%PDF-"),
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
    ),
    ("application/zip", b"PK\x03\x04"),
];

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadRefusal {
    TooLarge {
        limit: usize,
    },
    Empty,
    UnsupportedType(String),
    /// The bytes are not what the media type says.
    Mismatch(String),
    BadName(String),
}

impl std::fmt::Display for UploadRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge { limit } => write!(f, "a file is at most {limit} bytes"),
            Self::Empty => f.write_str("the file is empty"),
            Self::UnsupportedType(t) => write!(
                f,
                "{t:?} is not accepted: send PDF, JPEG, PNG, .docx, .xlsx or .zip"
            ),
            Self::Mismatch(t) => write!(f, "the file's content is not {t}"),
            Self::BadName(why) => f.write_str(why),
        }
    }
}

/// A checked upload: its normalised name and media type, size and SHA-256 (hex).
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub media_type: String,
    pub size: usize,
    pub sha256: String,
}

/// Checks an upload's size, declared type, content and name (no statement).
pub fn check_upload(
    file_name: &str,
    media_type: &str,
    bytes: &[u8],
    limit: usize,
) -> Result<Upload, UploadRefusal> {
    if bytes.len() > limit {
        return Err(UploadRefusal::TooLarge { limit });
    }
    if bytes.is_empty() {
        return Err(UploadRefusal::Empty);
    }
    let media_type = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let Some((_, magic)) = ALLOWED.iter().find(|(t, _)| *t == media_type) else {
        return Err(UploadRefusal::UnsupportedType(media_type));
    };
    if !bytes.starts_with(magic) {
        return Err(UploadRefusal::Mismatch(media_type));
    }
    let name = crate::kernel::text::clean(file_name);
    if name.is_empty() || name.chars().count() > MAX_FILE_NAME {
        return Err(UploadRefusal::BadName(format!(
            "a file name is 1 to {MAX_FILE_NAME} characters"
        )));
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\'))
    {
        return Err(UploadRefusal::BadName(
            "a file name has no slashes or control characters".into(),
        ));
    }
    Ok(Upload {
        file_name: name,
        media_type,
        size: bytes.len(),
        sha256: hex(&Sha256::digest(bytes)),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the caller may upload dossier files at all (takes some nomination step somewhere).
pub fn may_upload(principal: &Principal) -> bool {
    policy::reach(principal, Action::HandleNominations) != Reach::Nothing
}

/// Records an upload whose bytes are stored (the file store holds them under `sha256`).
pub async fn record_upload(
    db: &impl ConnectionTrait,
    actor: &Actor,
    upload: Upload,
) -> DomainResult<Change> {
    if !may_upload(&actor.principal) {
        return Err(DomainError::Forbidden(
            "only those who take nomination steps upload dossier files".into(),
        ));
    }
    let stored = stored_file::Model {
        id: Uuid::now_v7(),
        sha256: upload.sha256,
        size: upload.size as i64,
        media_type: upload.media_type,
        file_name: upload.file_name,
        uploaded_by: actor.principal.subject.clone(),
        created_at: Utc::now(),
    };
    stored
        .clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    Ok(Change {
        action: AuditAction::FileUpload,
        object_type: ObjectType::StoredFile,
        object_id: stored.id,
        scope_unit_id: actor.principal.unit_id,
        before: None,
        after: Some(serde_json::to_value(&stored).unwrap_or_default()),
    })
}

/// What `attachDossierItem` attaches.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub nomination_id: NominationId,
    pub version: i32,
    pub kind: DossierKind,
    pub file_id: StoredFileId,
    pub note: Option<String>,
}

/// Attaches an uploaded file to an open nomination (the nominating unit or the unit holding
/// it; a file the caller uploaded).
pub async fn attach(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: Attachment,
) -> DomainResult<Change> {
    let before = workflow::find(db, actor, input.nomination_id)
        .await?
        .nomination;
    let nominating = actor
        .authorize(
            db,
            Action::HandleNominations,
            Resource::Unit(before.nominating_unit_id),
        )
        .await;
    if nominating.is_err() {
        actor
            .authorize(
                db,
                Action::HandleNominations,
                Resource::Unit(before.holder_unit_id),
            )
            .await?;
    }
    crate::kernel::versioned::check_version(&before, input.version)?;
    if !OPEN.contains(&before.state) {
        return Err(rejected(
            "nominationId",
            Code::InvalidState,
            format!(
                "a nomination {} takes no more documents",
                workflow::state_label(before.state)
            ),
        ));
    }
    let mut checks = Checks(Vec::new());
    let note = checks.optional_text("note", input.note.as_deref(), workflow::MAX_REASON);
    let file = stored_file::Entity::find_by_id(input.file_id)
        .one(db)
        .await?;
    match &file {
        Some(f) if f.uploaded_by == actor.principal.subject => {}
        _ => checks.fail("fileId", Code::NotFound, "no such file uploaded by you"),
    }
    let count = dossier_item::Entity::find()
        .filter(dossier_item::Column::NominationId.eq(before.id))
        .count(db)
        .await?;
    if count >= MAX_ITEMS as u64 {
        checks.fail(
            "nominationId",
            Code::OutOfRange,
            format!("a dossier holds at most {MAX_ITEMS} documents"),
        );
    }
    checks.finish()?;
    let item = dossier_item::Model {
        id: Uuid::now_v7(),
        nomination_id: before.id,
        kind: input.kind,
        file_id: input.file_id.uuid(),
        note,
        attached_by: actor.principal.subject.clone(),
        attached_unit_id: actor.principal.unit_id,
        created_at: Utc::now(),
    };
    item.clone()
        .into_active_model()
        .reset_all()
        .insert(db)
        .await?;
    let name = file.map(|f| f.file_name).unwrap_or_default();
    workflow::commit(
        db,
        actor,
        &before,
        before.clone(),
        Step::Attach,
        Some(name),
        serde_json::from_value(before.warnings.clone()).unwrap_or_default(),
    )
    .await
}

/// A dossier item with its file.
pub type Document = (dossier_item::Model, stored_file::Model);

/// The dossiers of these nominations, oldest document first, by nomination (two statements).
pub async fn items_of(
    db: &impl ConnectionTrait,
    nominations: &[Uuid],
) -> DomainResult<std::collections::HashMap<Uuid, Vec<Document>>> {
    let items = dossier_item::Entity::find()
        .filter(dossier_item::Column::NominationId.is_in(nominations.iter().copied()))
        .order_by_asc(dossier_item::Column::Id)
        .all(db)
        .await?;
    let files: std::collections::HashMap<Uuid, stored_file::Model> = if items.is_empty() {
        Default::default()
    } else {
        stored_file::Entity::find()
            .filter(stored_file::Column::Id.is_in(items.iter().map(|i| i.file_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect()
    };
    let mut by: std::collections::HashMap<Uuid, Vec<Document>> = Default::default();
    for item in items {
        if let Some(file) = files.get(&item.file_id) {
            by.entry(item.nomination_id)
                .or_default()
                .push((item, file.clone()));
        }
    }
    Ok(by)
}

/// A dossier document the caller may read (`None`: none such, or not readable).
pub async fn readable_document(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    item: Uuid,
) -> DomainResult<Option<Document>> {
    let Some(principal) = principal else {
        return Ok(None);
    };
    let Some(item) = dossier_item::Entity::find_by_id(item).one(db).await? else {
        return Ok(None);
    };
    let Some(owner) = nomination::Entity::find_by_id(item.nomination_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let scope = policy::scope(db, principal, Action::ReadNominations).await?;
    if !may_read(scope.as_deref(), &owner) {
        return Ok(None);
    }
    Ok(stored_file::Entity::find_by_id(item.file_id)
        .one(db)
        .await?
        .map(|file| (item, file)))
}
