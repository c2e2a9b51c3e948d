//! `me`: the caller as the server sees it.

use async_graphql::{Context, Object, Result};

use crate::auth::Principal;
use crate::domain::access::Viewer;
use crate::graphql::common::context::load;
use crate::graphql::common::enums::Role;
use crate::graphql::loading::loaders::UnitById;
use crate::graphql::org::unit::Unit;

/// The authenticated caller.
pub struct Me(pub Principal);

#[Object]
impl Me {
    /// The token's subject (user name or the gateway's end user).
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    async fn display_name(&self) -> Option<&str> {
        self.0.display_name.as_deref()
    }
    /// The caller's unit (null when the token names none, or a code unknown here).
    async fn unit(&self, ctx: &Context<'_>) -> Result<Option<Unit>> {
        match self.0.unit_id {
            Some(id) => Ok(load(ctx, UnitById(id)).await?.map(Unit)),
            None => Ok(None),
        }
    }
    /// The agency code the token names.
    async fn unit_code(&self) -> Option<&str> {
        self.0.unit_code.as_deref()
    }
    async fn roles(&self) -> Vec<Role> {
        self.0.roles.iter().copied().map(Role::from).collect()
    }
    /// OAuth scopes (what an integration client may write).
    async fn scopes(&self) -> &[String] {
        &self.0.scopes
    }
    /// The LGSP gateway's application id, when the call came through the gateway.
    async fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }
}

#[derive(Default)]
pub struct MeQuery;

#[Object]
impl MeQuery {
    /// The caller (null when anonymous).
    async fn me(&self, ctx: &Context<'_>) -> Option<Me> {
        ctx.data_opt::<Viewer>()
            .and_then(|v| v.principal().cloned())
            .map(Me)
    }
}
