//! Task, plan and unit lists read only the columns their selection shows; every field must
//! still answer what the whole task, plan or unit says.

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
    let unit = unit_with_most(app, "tasks").await;
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
    compare_lists_with_whole(
        app,
        "Task",
        &lists,
        json!({ "unit": unit }),
        &[
            "code",
            "title",
            "description",
            "kind",
            "status",
            "dueOn",
            "dueText",
            "plan",
        ],
    )
    .await;
}

/// For every field of `ProgressUpdate`, the newest update read with a task list that selects only
/// that field (the list reads only its columns) answers what the update read whole answers; and
/// two lists in one request reading different fields of the same updates each get theirs.
async fn every_progress_field_read_with_a_task_list_matches_the_whole_update(app: &TestApp) {
    let unit = unit_with_most(app, "tasks").await;
    let lists = [
        (
            "query($unit: ID!) { unit(id: $unit) { tasks(first: 100) { nodes { id latestProgress { FIELD } } } } }",
            "/unit/tasks/nodes",
        ),
        (
            "{ tasks(first: 100) { nodes { id latestProgress { FIELD } } } }",
            "/tasks/nodes",
        ),
        (
            "query($unit: ID!) { a: unit(id: $unit) { tasks(first: 100) { nodes { id latestProgress { percent } } } }
                b: unit(id: $unit) { tasks(first: 100) { nodes { id latestProgress { FIELD } } } } }",
            "/b/tasks/nodes",
        ),
    ];
    let mut all_fields = Vec::new();
    let mut filled = Vec::new();
    for (field, kind, field_type) in fields_of(app, "ProgressUpdate").await {
        let selected = selection(app, &field, &kind, &field_type).await;
        all_fields.push(selected.clone());
        for (list, path) in lists {
            let data = app
                .graphql(&list.replace("FIELD", &selected), json!({ "unit": unit }))
                .await
                .ok();
            let nodes = data
                .pointer(path)
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{field}: nodes in {data}"))
                .clone();
            let whole = read_whole(
                app,
                &nodes,
                "Task",
                &format!("latestProgress {{ {selected} }}"),
            )
            .await;
            for (i, node) in nodes.iter().enumerate() {
                assert_eq!(
                    node["latestProgress"],
                    whole[format!("t{i}")]["latestProgress"],
                    "{field} of the newest update of task {} read from {list}",
                    node["id"]
                );
            }
            if nodes
                .iter()
                .any(|n| !is_empty(&n["latestProgress"][&field]))
            {
                filled.push(field.clone());
            }
        }
    }
    for field in [
        "id",
        "percent",
        "status",
        "periodCode",
        "narrative",
        "reportedAt",
        "unit",
    ] {
        assert!(
            filled.iter().any(|f| f == field),
            "{field}: the demo updates have values"
        );
    }
    // Every field at once, beside a list of the same request that reads only the percent.
    let list = lists[2].0.replace("FIELD", &all_fields.join(" "));
    let data = app.graphql(&list, json!({ "unit": unit })).await.ok();
    let whole = app
        .graphql(
            &lists[0].0.replace("FIELD", &all_fields.join(" ")),
            json!({ "unit": unit }),
        )
        .await
        .ok();
    assert_eq!(data["b"]["tasks"], whole["unit"]["tasks"]);
}

/// The unit with the most of `connection` (`tasks`, `children`).
async fn unit_with_most(app: &TestApp, connection: &str) -> Value {
    let units = app
        .graphql(
            &format!("{{ units(first: 100) {{ nodes {{ id {connection} {{ totalCount }} }} }} }}"),
            json!({}),
        )
        .await
        .ok();
    units["units"]["nodes"]
        .as_array()
        .expect("units")
        .iter()
        .max_by_key(|u| u[connection]["totalCount"].as_i64())
        .map(|u| u["id"].clone())
        .expect("a unit")
}

/// For every field of `Plan`, the plans of `plans` selecting only that field answer what the
/// same plans read whole (by id) answer: alone, beside the issuer (read in the page statement)
/// and beside `totalCount` (read in the page statement too).
async fn every_plan_field_read_from_a_list_matches_the_whole_plan(app: &TestApp) {
    let lists = [
        ("{ plans(first: 50) { nodes { id FIELD } } }", "/plans"),
        (
            "{ plans(first: 50, orderBy: { field: TITLE }) { totalCount nodes { id issuer { name } FIELD } } }",
            "/plans",
        ),
        (
            "{ plans(first: 50, filter: { search: \"cai cach hanh chinh\" }) { totalCount nodes { id FIELD } } }",
            "/plans",
        ),
    ];
    compare_lists_with_whole(
        app,
        "Plan",
        &lists,
        json!({}),
        &[
            "documentNumber",
            "kind",
            "title",
            "summary",
            "issuer",
            "issuedOn",
            "status",
            "periodStart",
            "periodEnd",
            "signerName",
            "signerTitle",
            "version",
        ],
    )
    .await;
}

/// For every field of `Unit`, the units of `units` and of `children` (read alone, and under a
/// list) selecting only that field answer what the same units read whole answer; `children`
/// beside another `children` of the same unit that reads only names gets its own columns.
async fn every_unit_field_read_from_a_list_matches_the_whole_unit(app: &TestApp) {
    let parent = unit_with_most(app, "children").await;
    let lists = [
        ("{ units(first: 50) { nodes { id FIELD } } }", "/units"),
        (
            "{ units(first: 50, orderBy: { field: CODE, direction: DESC }) { totalCount nodes { id FIELD } } }",
            "/units",
        ),
        (
            "{ units(first: 50, filter: { search: \"tram y te\" }) { nodes { id FIELD } } }",
            "/units",
        ),
        (
            "query($parent: ID!) { unit(id: $parent) { names: children(first: 50) { nodes { name } }
                children(first: 50) { totalCount nodes { id FIELD } } } }",
            "/unit/children",
        ),
        (
            "query($parent: ID!) { nodes(ids: [$parent]) { ... on Unit { names: children(first: 50) { nodes { name } }
                children(first: 50) { nodes { id FIELD } } } } }",
            "/nodes/0/children",
        ),
    ];
    compare_lists_with_whole(
        app,
        "Unit",
        &lists,
        json!({ "parent": parent }),
        &["code", "name", "shortName", "kind", "parent", "version"],
    )
    .await;
}

/// For every field of `Unit`, the units a list reads with its rows (a task list's assignees and
/// leads, a plan list's issuers, a unit list's parents: each with only the columns their
/// selections show) answer what the same units read whole answer: answered in place, through the
/// resolvers (inside fragments), and beside another unit field of the same request that reads
/// only names.
async fn every_unit_field_read_with_a_list_matches_the_whole_unit(app: &TestApp) {
    let lists = [
        "{ tasks(first: 60) { nodes { lead { id FIELD } assignments { unit { id FIELD } } } } }",
        "{ tasks(first: 60) { nodes { ... on Task { lead { ... on Unit { id FIELD } } assignments { ... on Assignment { unit { ... on Unit { id FIELD } } } } } } } }",
        "{ tasks(first: 60) { nodes { named: lead { name } assignments { role unit { id FIELD } } lead { id FIELD } } } }",
        "{ plans(first: 40) { nodes { issuer { id FIELD } } } }",
        "{ plans(first: 40) { nodes { ... on Plan { issuer { ... on Unit { id FIELD } } } } } }",
        "{ units(first: 80) { nodes { parent { id FIELD } } } }",
        "{ units(first: 80) { nodes { ... on Unit { named: parent { name } parent { ... on Unit { id FIELD } } } } } }",
    ];
    let mut filled = Vec::new();
    for (field, kind, field_type) in fields_of(app, "Unit").await {
        let selected = selection(app, &field, &kind, &field_type).await;
        for list in lists {
            let data = app
                .graphql(&list.replace("FIELD", &selected), json!({}))
                .await
                .ok();
            let mut named = Vec::new();
            units_named(&data, &mut named);
            // Each unit as answered, once (a unit answered two ways would stay twice).
            let mut units: Vec<Value> = Vec::new();
            for unit in named {
                if !units.contains(&unit) {
                    units.push(unit);
                }
            }
            assert!(units.len() > 5, "{field}: units named from {list}: {data}");
            assert_as_whole(app, &units, "Unit", &selected, &field, list).await;
            if units.iter().any(|u| !is_empty(&u[&field])) {
                filled.push(field.clone());
            }
        }
    }
    for field in ["code", "name", "shortName", "kind", "parent", "version"] {
        assert!(
            filled.iter().any(|f| f == field),
            "{field}: the demo units have values"
        );
    }
}

/// The units (objects with an `id`) under the keys `lead`, `unit`, `issuer` and `parent`
/// anywhere in `value`, outermost first.
fn units_named(value: &Value, units: &mut Vec<Value>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                if ["lead", "unit", "issuer", "parent"].contains(&key.as_str())
                    && inner.get("id").is_some()
                {
                    units.push(inner.clone());
                } else {
                    units_named(inner, units);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| units_named(item, units)),
        _ => {}
    }
}

/// Reads each field of `type_name` alone (with the id) from each list (a query with `FIELD` where
/// the field goes, and the path of its connection), and compares every node with the same node
/// read whole through `node(id:)`. `filled` are fields the demo data must have values of, for the
/// comparison to mean something.
async fn compare_lists_with_whole(
    app: &TestApp,
    type_name: &str,
    lists: &[(&str, &str)],
    variables: Value,
    filled: &[&str],
) {
    let mut non_empty = Vec::new();
    for (field, kind, field_type) in fields_of(app, type_name).await {
        let selected = selection(app, &field, &kind, &field_type).await;
        for &(list, path) in lists {
            let data = app
                .graphql(&list.replace("FIELD", &selected), variables.clone())
                .await
                .ok();
            let nodes = data
                .pointer(&format!("{path}/nodes"))
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("{field}: nodes in {data}"))
                .clone();
            assert!(
                nodes.len() > 3,
                "{field}: a page of {type_name} from {list}"
            );
            if let Some(total) = data.pointer(&format!("{path}/totalCount")) {
                assert!(
                    total.as_u64().is_some_and(|t| t >= nodes.len() as u64),
                    "{field}: totalCount {total} with {} nodes from {list}",
                    nodes.len()
                );
            }
            assert_as_whole(app, &nodes, type_name, &selected, &field, list).await;
            if nodes.iter().any(|n| !is_empty(&n[&field])) {
                non_empty.push(field.clone());
            }
        }
    }
    for field in filled {
        assert!(
            non_empty.iter().any(|f| f == field),
            "{field}: the demo {type_name}s have values"
        );
    }
}

/// Asserts that the `field` of each of `nodes` (of `type_name`, read from `list` with
/// `selected`) is what the same node read whole answers; in chunks of 100, the most `nodes(ids:)`
/// takes.
async fn assert_as_whole(
    app: &TestApp,
    nodes: &[Value],
    type_name: &str,
    selected: &str,
    field: &str,
    list: &str,
) {
    for chunk in nodes.chunks(100) {
        let whole = read_whole(app, chunk, type_name, selected).await;
        for (i, node) in chunk.iter().enumerate() {
            assert_eq!(
                node[field],
                whole[format!("t{i}")][field],
                "{field} of {type_name} {} read from {list}",
                node["id"]
            );
        }
    }
}

/// Each of `nodes` (by its `id`) read whole through `nodes(ids:)` with `selected`, keyed `t0`,
/// `t1`… in the order of `nodes`.
async fn read_whole(app: &TestApp, nodes: &[Value], type_name: &str, selected: &str) -> Value {
    let ids: Vec<Value> = nodes.iter().map(|n| n["id"].clone()).collect();
    let data = app
        .graphql(
            &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ ... on {type_name} {{ {selected} }} }} }}"),
            json!({ "ids": ids }),
        )
        .await
        .ok();
    let read = data["nodes"].as_array().cloned().unwrap_or_default();
    assert_eq!(read.len(), nodes.len(), "every node read whole");
    Value::Object(
        read.into_iter()
            .enumerate()
            .map(|(i, node)| (format!("t{i}"), node))
            .collect(),
    )
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

db_tests!(
    every_task_field_read_from_a_list_matches_the_whole_task,
    every_progress_field_read_with_a_task_list_matches_the_whole_update,
    every_plan_field_read_from_a_list_matches_the_whole_plan,
    every_unit_field_read_from_a_list_matches_the_whole_unit,
    every_unit_field_read_with_a_list_matches_the_whole_unit
);
