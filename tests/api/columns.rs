//! Task lists read only the columns their selection shows; every field must still answer what
//! the whole task says.

use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

/// The fields of a type, with the kind and name of their (unwrapped) type.
async fn fields_of(app: &TestApp, type_name: &str) -> Vec<(String, String, String)> {
    let data = app
        .graphql(
            r#"query($name: String!) { __type(name: $name) { fields {
                name args { type { kind } }
                type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }"#,
            json!({ "name": type_name }),
        )
        .await
        .ok();
    let mut fields = Vec::new();
    for field in data["__type"]["fields"].as_array().expect("fields") {
        let required_argument = field["args"]
            .as_array()
            .expect("args")
            .iter()
            .any(|a| a["type"]["kind"] == "NON_NULL");
        if required_argument {
            continue;
        }
        let mut ty = &field["type"];
        while ty["name"].is_null() {
            ty = &ty["ofType"];
        }
        fields.push((
            field["name"].as_str().expect("name").to_owned(),
            ty["kind"].as_str().expect("kind").to_owned(),
            ty["name"].as_str().expect("type name").to_owned(),
        ));
    }
    fields
}

/// How to select `field`: itself, or for an object its own scalar fields.
async fn selection(app: &TestApp, field: &str, kind: &str, type_name: &str) -> String {
    if kind != "OBJECT" {
        return field.to_owned();
    }
    let scalars: Vec<String> = fields_of(app, type_name)
        .await
        .into_iter()
        .filter(|(_, kind, _)| kind == "SCALAR" || kind == "ENUM")
        .map(|(name, _, _)| name)
        .collect();
    let inner = if scalars.is_empty() {
        "__typename".to_owned()
    } else {
        scalars.join(" ")
    };
    format!("{field} {{ {inner} }}")
}

/// For every field of `Task`, the tasks of a list that selects only that field answer what the
/// same tasks read whole (by id) answer: both for `tasks` and for `Unit.tasks` (with and without
/// the latest progress read in the page statement).
async fn every_task_field_read_from_a_list_matches_the_whole_task(app: &TestApp) {
    // The unit with the most tasks.
    let units = app
        .graphql(
            "{ units(first: 100) { nodes { id tasks { totalCount } } } }",
            json!({}),
        )
        .await
        .ok();
    let unit = units["units"]["nodes"]
        .as_array()
        .expect("units")
        .iter()
        .max_by_key(|u| u["tasks"]["totalCount"].as_i64())
        .map(|u| u["id"].clone())
        .expect("a unit");
    let lists = [
        ("{ tasks(first: 100) { nodes { id FIELD } } }", "/tasks"),
        (
            "query($unit: ID!) { unit(id: $unit) { tasks(first: 100) { nodes { id FIELD } } } }",
            "/unit/tasks",
        ),
        (
            "query($unit: ID!) { unit(id: $unit) { tasks(first: 100) { nodes { id latestProgress { id } FIELD } } } }",
            "/unit/tasks",
        ),
    ];
    let mut non_empty = Vec::new();
    for (field, kind, type_name) in fields_of(app, "Task").await {
        let selected = selection(app, &field, &kind, &type_name).await;
        for (list, path) in lists {
            let data = app
                .graphql(&list.replace("FIELD", &selected), json!({ "unit": unit }))
                .await
                .ok();
            let nodes = data
                .pointer(&format!("{path}/nodes"))
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{field}: nodes in {data}"))
                .clone();
            assert!(nodes.len() > 10, "{field}: a page of tasks");
            let whole_query = nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    format!(
                        "t{i}: node(id: {}) {{ ... on Task {{ {selected} }} }}",
                        n["id"]
                    )
                })
                .collect::<Vec<_>>()
                .join(" ");
            let whole = app
                .graphql(&format!("{{ {whole_query} }}"), json!({}))
                .await
                .ok();
            for (i, node) in nodes.iter().enumerate() {
                assert_eq!(
                    node[&field],
                    whole[format!("t{i}")][&field],
                    "{field} of task {} read from {list}",
                    node["id"]
                );
            }
            if nodes.iter().any(|n| !is_empty(&n[&field])) {
                non_empty.push(field.clone());
            }
        }
    }
    // The comparison means something only where the demo data has values.
    for field in [
        "code",
        "title",
        "description",
        "kind",
        "status",
        "dueOn",
        "dueText",
        "plan",
    ] {
        assert!(
            non_empty.iter().any(|f| f == field),
            "{field}: the demo tasks have values"
        );
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Number(n) => n.as_i64() == Some(0),
        _ => false,
    }
}

db_tests!(every_task_field_read_from_a_list_matches_the_whole_task);
