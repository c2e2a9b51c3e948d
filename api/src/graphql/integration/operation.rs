//! `registerOperation`: adds a document to the registered operations (persisted queries; the
//! allow-list when the server runs registered operations only).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use crate::domain::integration::operation::{self, NewOperation};
use crate::domain::kernel::error::{FieldError, FieldErrorCode};
use crate::domain::kernel::mutation::{self, Outcome};
use crate::graphql::common::context::pool;
use crate::graphql::common::error::IntoGql;
use crate::graphql::common::payload::*;

/// `registerOperation` input.
#[derive(InputObject)]
pub struct RegisterOperationInput {
    /// A name for people reading the list (the frontend's operation name).
    pub name: Option<String>,
    /// The GraphQL document, exactly as clients will send it (its SHA-256 is its key).
    pub document: String,
    pub client_mutation_id: Option<String>,
}

/// The result of `registerOperation`.
#[derive(SimpleObject)]
pub struct RegisterOperationPayload {
    /// The lower-case hex SHA-256 clients send as `extensions.persistedQuery.sha256Hash` (null
    /// when the input was rejected).
    pub hash: Option<String>,
    pub user_errors: Vec<UserError>,
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct OperationMutation;

#[Object]
impl OperationMutation {
    /// Registers an operation (PROVINCE_ADMIN). Registering a document twice is harmless.
    async fn register_operation(
        &self,
        ctx: &Context<'_>,
        input: RegisterOperationInput,
    ) -> Result<RegisterOperationPayload> {
        let actor = actor(ctx)?;
        let hash = operation::hash(&input.document);
        let outcome = if let Err(message) = crate::graphql::limits::parse(&input.document) {
            Outcome {
                object_id: None,
                user_errors: vec![FieldError::new(
                    "document",
                    FieldErrorCode::Invalid,
                    format!("`document` is not a usable GraphQL document: {message}"),
                )],
                ..Outcome::default()
            }
        } else {
            let new = NewOperation {
                name: input.name,
                document: input.document,
            };
            mutation::run(
                pool(ctx)?,
                &actor,
                "registerOperation",
                input.client_mutation_id.as_deref(),
                async |txn| operation::register(txn, &actor, new).await,
            )
            .await
            .into_gql()?
        };
        Ok(RegisterOperationPayload {
            hash: outcome.object_id.map(|_| hash),
            user_errors: errors(&outcome),
            client_mutation_id: input.client_mutation_id,
        })
    }
}
