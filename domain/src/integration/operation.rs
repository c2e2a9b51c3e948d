//! Registered operations (persisted queries): the documents first-party frontends may run when
//! the server only accepts registered operations, kept by the SHA-256 of their text.

use chrono::Utc;
use entity::registered_operation;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::access::Actor;
use crate::access::{Action, Resource};
use crate::kernel::audit_action::{AuditAction, ObjectType};
use crate::kernel::error::{DomainError, DomainResult, FieldError, FieldErrorCode as Code};
use crate::kernel::mutation::Change;

/// Longest document that may be registered.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
const MAX_NAME: usize = 200;

/// The lower-case hex SHA-256 of a document, as Apollo's persisted queries name it.
pub fn hash(document: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(64);
    for byte in Sha256::digest(document.as_bytes()) {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    text
}

/// Whether `text` has the form of such a hash.
pub fn is_hash(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The document registered under `hash`.
pub async fn find(db: &impl ConnectionTrait, hash: &str) -> DomainResult<Option<String>> {
    Ok(registered_operation::Entity::find_by_id(hash.to_owned())
        .one(db)
        .await?
        .map(|row| row.document))
}

fn row(name: Option<String>, document: String, by: &str) -> registered_operation::ActiveModel {
    registered_operation::Model {
        hash: hash(&document),
        name,
        document,
        registered_at: Utc::now(),
        registered_by: by.to_owned(),
    }
    .into_active_model()
}

/// Registers documents read at start-up (already registered ones are left as they are).
pub async fn register_files(
    db: &impl ConnectionTrait,
    documents: Vec<(String, String)>,
) -> DomainResult<()> {
    for (name, document) in documents {
        registered_operation::Entity::insert(row(Some(name), document, "operations-dir"))
            .on_conflict(
                OnConflict::column(registered_operation::Column::Hash)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// `registerOperation` input; the GraphQL layer has checked that the document parses.
#[derive(Debug, Clone)]
pub struct NewOperation {
    pub name: Option<String>,
    pub document: String,
}

/// Registers an operation (PROVINCE_ADMIN only). Registering the same document again changes
/// nothing and is not an error.
pub async fn register(
    db: &impl ConnectionTrait,
    actor: &Actor,
    input: NewOperation,
) -> DomainResult<Change> {
    actor
        .authorize(db, Action::RegisterOperations, Resource::Province)
        .await?;
    let mut errors = Vec::new();
    if input.document.trim().is_empty() {
        errors.push(FieldError::new(
            "document",
            Code::Required,
            "`document` must not be blank",
        ));
    }
    if input.document.len() > MAX_DOCUMENT_BYTES {
        errors.push(FieldError::new(
            "document",
            Code::TooLong,
            format!("`document` is at most {MAX_DOCUMENT_BYTES} bytes"),
        ));
    }
    let name = crate::kernel::text::clean_opt(input.name.as_deref());
    if name.as_ref().is_some_and(|n| n.chars().count() > MAX_NAME) {
        errors.push(FieldError::new(
            "name",
            Code::TooLong,
            format!("`name` is at most {MAX_NAME} characters"),
        ));
    }
    if !errors.is_empty() {
        return Err(DomainError::Rejected(errors));
    }
    let hash = hash(&input.document);
    let existing = registered_operation::Entity::find_by_id(hash.clone())
        .one(db)
        .await?;
    if existing.is_none() {
        registered_operation::Entity::insert(row(
            name.clone(),
            input.document,
            &actor.principal.subject,
        ))
        .exec_without_returning(db)
        .await?;
    }
    Ok(Change {
        action: AuditAction::OperationRegister,
        object_type: ObjectType::RegisteredOperation,
        object_id: object_id(&hash),
        scope_unit_id: None,
        before: None,
        after: Some(serde_json::json!({ "hash": hash, "name": name })),
    })
}

/// The id the audit log files an operation under (derived from its hash).
pub fn object_id(hash: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, hash.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_named_by_the_lower_case_hex_of_its_sha_256() {
        // As Apollo's clients and `sha256sum` write them.
        assert_eq!(
            hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let document = "{ plans(first: 1) { totalCount } }";
        assert_eq!(
            hash(document),
            "a69366ce98b8c8f1e2b9b7016ba6211191404fdc101baa9664b1880e8498d8e0"
        );
        assert!(is_hash(&hash(document)));
    }
}
