//! Opaque global ids (`Node.id`): base64 of `Type:uuid`. Clients must not decode them.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::domain::kernel::error::{DomainError, DomainResult};
use crate::domain::kernel::ids::Id;

/// The object types that have global ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    Unit,
    UnitGroup,
    Plan,
    Task,
    Target,
    ProgressUpdate,
    ReportingRegime,
    ReportSubmission,
    ExtensionRequest,
    BreakdownRow,
    ReportRequest,
    AwardType,
    Person,
    AwardRecord,
    Initiative,
    Movement,
    Round,
    Registration,
    Nomination,
    AwardDecision,
    NominationBatch,
    StoredFile,
    DossierItem,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            NodeType::Unit => "Unit",
            NodeType::UnitGroup => "UnitGroup",
            NodeType::Plan => "Plan",
            NodeType::Task => "Task",
            NodeType::Target => "Target",
            NodeType::ProgressUpdate => "ProgressUpdate",
            NodeType::ReportingRegime => "ReportingRegime",
            NodeType::ReportSubmission => "ReportSubmission",
            NodeType::ExtensionRequest => "ExtensionRequest",
            NodeType::BreakdownRow => "BreakdownRow",
            NodeType::ReportRequest => "ReportRequest",
            NodeType::AwardType => "AwardType",
            NodeType::Person => "Person",
            NodeType::AwardRecord => "AwardRecord",
            NodeType::Initiative => "Initiative",
            NodeType::Movement => "Movement",
            NodeType::Round => "Round",
            NodeType::Registration => "Registration",
            NodeType::Nomination => "Nomination",
            NodeType::AwardDecision => "AwardDecision",
            NodeType::NominationBatch => "NominationBatch",
            NodeType::StoredFile => "StoredFile",
            NodeType::DossierItem => "DossierItem",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            Self::Unit,
            Self::UnitGroup,
            Self::Plan,
            Self::Task,
            Self::Target,
            Self::ProgressUpdate,
            Self::ReportingRegime,
            Self::ReportSubmission,
            Self::ExtensionRequest,
            Self::BreakdownRow,
            Self::ReportRequest,
            Self::AwardType,
            Self::Person,
            Self::AwardRecord,
            Self::Initiative,
            Self::Movement,
            Self::Round,
            Self::Registration,
            Self::Nomination,
            Self::AwardDecision,
            Self::NominationBatch,
            Self::StoredFile,
            Self::DossierItem,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// The global id of an object.
pub fn global_id(kind: NodeType, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{}", kind.name(), id)))
}

/// Decodes any global id.
pub fn decode(id: &str) -> DomainResult<(NodeType, Uuid)> {
    let malformed = || DomainError::invalid(format!("{id:?} is not a valid id"));
    let bytes = URL_SAFE_NO_PAD
        .decode(id.trim_end_matches('='))
        .map_err(|_| malformed())?;
    let text = String::from_utf8(bytes).map_err(|_| malformed())?;
    let (name, uuid) = text.split_once(':').ok_or_else(malformed)?;
    let kind = NodeType::from_name(name).ok_or_else(malformed)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| malformed())?;
    Ok((kind, uuid))
}

/// Decodes a global id that must be of type `kind`.
pub fn expect(id: &str, kind: NodeType) -> DomainResult<Uuid> {
    let (actual, uuid) = decode(id)?;
    if actual != kind {
        return Err(DomainError::invalid(format!(
            "{id:?} is the id of a {}, expected a {}",
            actual.name(),
            kind.name()
        )));
    }
    Ok(uuid)
}

/// Entities whose records are nodes: their typed ids ([`Id`]) decode from global ids of one
/// type.
pub trait Node {
    const TYPE: NodeType;
}

macro_rules! nodes {
    ($($entity:ident => $kind:ident),* $(,)?) => {
        $(impl Node for entity::$entity::Entity {
            const TYPE: NodeType = NodeType::$kind;
        })*
    };
}

nodes! {
    unit => Unit,
    plan => Plan,
    task => Task,
    target => Target,
    reporting_regime => ReportingRegime,
    report_submission => ReportSubmission,
    deadline_extension => ExtensionRequest,
    person => Person,
    nomination => Nomination,
    unit_group => UnitGroup,
    target_breakdown_row => BreakdownRow,
    award_type => AwardType,
    award_record => AwardRecord,
    emulation_movement => Movement,
    emulation_round => Round,
    stored_file => StoredFile,
    initiative => Initiative,
}

/// Decodes a global id that must name an `E`, as that entity's typed id.
pub fn expect_id<E: Node>(id: &str) -> DomainResult<Id<E>> {
    expect(id, E::TYPE).map(Id::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_typed() {
        let uuid = Uuid::new_v4();
        let id = global_id(NodeType::Plan, uuid);
        assert_eq!(expect(&id, NodeType::Plan).ok(), Some(uuid));
        assert!(expect(&id, NodeType::Unit).is_err());
        assert!(decode("not-an-id").is_err());
        let typed = expect_id::<entity::plan::Entity>(&id).ok();
        assert_eq!(typed.map(Id::uuid), Some(uuid));
        assert!(expect_id::<entity::unit::Entity>(&id).is_err());
    }
}
