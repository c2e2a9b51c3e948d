//! `schema.graphql` is the contract with the frontends: it must be exactly what the code serves.

#[test]
fn schema_graphql_matches_the_code() {
    let committed = include_str!("../../schema.graphql");
    let generated = api::graphql::sdl();
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `cargo run -p api -- schema > schema.graphql` and review the diff"
    );
}
