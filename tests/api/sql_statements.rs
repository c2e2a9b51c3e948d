//! No N+1: a nested query costs the same number of SQL statements whatever the page size.

use serde_json::json;

use crate::db_tests;
use crate::helpers::TestApp;

// The completed seed plans (three of them have tasks: a page of five holds them all); the page
// size applies to their tasks.
const NESTED: &str = r#"query($first: Int!) { plans(first: 5, filter: { status: [COMPLETED] }) { nodes { documentNumber
    tasks(first: $first) { totalCount nodes { code lead { name } timeliness
        assignments { role unit { name } group { label } }
        latestProgress { percent unit { name } } } } } } }"#;

const TASK_LIST: &str = r#"query($first: Int!) { tasks(first: $first) { nodes { code plan { title }
    assignments { role unit { name } group { label } } latestProgress { percent } } } }"#;

async fn statements_for(app: &TestApp, query: &str, first: i64) -> (u64, serde_json::Value) {
    counted(app, None, query, json!({ "first": first })).await
}

/// The statements `query` costs with `variables` (as `bearer` when given), and its data.
async fn counted(
    app: &TestApp,
    bearer: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> (u64, serde_json::Value) {
    let before = app.statements.get();
    let data = match bearer {
        Some(token) => app.graphql_as(token, query, variables).await.ok(),
        None => app.graphql(query, variables).await.ok(),
    };
    (app.statements.get() - before, data)
}

async fn nested_queries_cost_the_same_for_any_page_size(app: &TestApp) {
    let (small, small_data) = statements_for(app, NESTED, 5).await;
    let (large, large_data) = statements_for(app, NESTED, 50).await;
    let count_tasks = |data: &serde_json::Value| -> usize {
        data["plans"]["nodes"]
            .as_array()
            .expect("plans")
            .iter()
            .map(|p| p["tasks"]["nodes"].as_array().map_or(0, Vec::len))
            .sum()
    };
    assert_eq!(
        count_tasks(&small_data),
        15,
        "three plans with five tasks each"
    );
    assert!(
        count_tasks(&large_data) > 130,
        "the larger page really is larger"
    );
    assert_eq!(
        small, large,
        "plans → tasks → assignments → unit: {small} vs {large} statements"
    );
    // plans, tasks, assignments, latest progress, units, groups: one statement each.
    assert!(
        large <= 6,
        "a handful of statements, not one per row: {large}"
    );

    let (small, _) = statements_for(app, TASK_LIST, 5).await;
    let (large, data) = statements_for(app, TASK_LIST, 100).await;
    assert_eq!(data["tasks"]["nodes"].as_array().map(Vec::len), Some(100));
    assert_eq!(
        small, large,
        "tasks → plan, assignments, progress: {small} vs {large} statements"
    );
}

/// The dashboard's query (benchmark Q1): the plan, its tasks with each one's latest progress,
/// their assignments joined with their units.
async fn the_dashboard_query_costs_three_statements(app: &TestApp) {
    let plan = app
        .plan_id_by_search("cai cach hanh chinh nha nuoc nganh y te nam 2022")
        .await;
    let query = r#"query($id: ID!, $first: Int!) { plan(id: $id) { tasks(first: $first) { nodes {
        code title status assignments { role unit { name } } latestProgress { percent reportedAt } } } } }"#;
    let mut counts = Vec::new();
    for first in [5, 46] {
        let before = app.statements.get();
        let data = app
            .graphql(query, json!({ "id": plan, "first": first }))
            .await
            .ok();
        assert_eq!(
            data["plan"]["tasks"]["nodes"].as_array().map(Vec::len),
            Some(first as usize)
        );
        counts.push(app.statements.get() - before);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[0] <= 3,
        "plan, tasks with their latest progress, assignments with units: {counts:?}"
    );
}

/// A unit's progress page (benchmark Q3): the unit, then one statement for the tasks page with
/// the unit's groups, the hidden plans and each task's newest update inside it; the same tasks
/// as the root list.
async fn a_units_progress_page_costs_two_statements(app: &TestApp) {
    // The Tu Mơ Rông centre: tasks of its own and through its department's group.
    let centre = app.unit_id("H34.20.15").await;
    let query = r#"query($id: ID!, $first: Int!) { unit(id: $id) { tasks(first: $first, asOf: "2022-06-30") {
        nodes { code title latestProgress { percent } } } } }"#;
    let mut counts = Vec::new();
    let mut pages = Vec::new();
    for first in [3, 60] {
        let before = app.statements.get();
        let data = app
            .graphql(query, json!({ "id": centre, "first": first }))
            .await
            .ok();
        counts.push(app.statements.get() - before);
        pages.push(data["unit"]["tasks"]["nodes"].clone());
    }
    let large = pages[1].as_array().expect("nodes");
    assert!(large.len() > 3, "the larger page really is larger");
    assert!(
        large
            .iter()
            .any(|t| t["latestProgress"]["percent"].is_number()),
        "some tasks have progress"
    );
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[0] <= 2,
        "the unit, then its tasks with their latest progress: {counts:?}"
    );
    let root = app
        .graphql(
            r#"query($id: ID!, $first: Int!) { tasks(first: $first, filter: { unitId: $id, asOf: "2022-06-30" }) {
                nodes { code title latestProgress { percent } } } }"#,
            json!({ "id": centre, "first": 60 }),
        )
        .await
        .ok();
    assert_eq!(root["tasks"]["nodes"], pages[1]);
}

/// The plan list (benchmark Q2): the page, its total and each plan's issuer in one statement,
/// whatever the page size; the issuers are those the plans name, and the total is the list's.
async fn the_plan_list_costs_one_statement(app: &TestApp) {
    let query = r#"query($first: Int!) { plans(first: $first) { totalCount nodes {
        documentNumber title issuedOn status issuer { id name } } } }"#;
    let mut counts = Vec::new();
    let mut pages = Vec::new();
    for first in [2, 10] {
        let before = app.statements.get();
        let data = app.graphql(query, json!({ "first": first })).await.ok();
        counts.push(app.statements.get() - before);
        pages.push(data["plans"].clone());
    }
    assert_eq!(counts, [1, 1], "page, total and issuers in one statement");
    let page = &pages[1];
    let nodes = page["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 10);
    assert!(page["totalCount"].as_u64() > Some(10), "{page}");
    for plan in nodes {
        let issuer = &plan["issuer"];
        let name = app
            .graphql(
                "query($id: ID!) { node(id: $id) { ... on Unit { name } } }",
                json!({ "id": issuer["id"] }),
            )
            .await
            .ok();
        assert_eq!(name["node"]["name"], issuer["name"], "{plan}");
    }
}

/// The newest update read along with a task page is the first of the task's own updates
/// (newest first), in every ordering, and asking for it leaves the order unchanged.
async fn latest_progress_read_with_the_page_is_the_newest(app: &TestApp) {
    for (field, direction) in [
        ("DOCUMENT", "ASC"),
        ("DUE_ON", "ASC"),
        ("DUE_ON", "DESC"),
        ("TITLE", "DESC"),
    ] {
        let order = json!({ "field": field, "direction": direction });
        let with = app
            .graphql(
                r#"query($order: TaskOrder) { tasks(first: 100, orderBy: $order) { nodes { id
                    latestProgress { id percent reportedAt } progressUpdates(first: 1) { nodes { id } } } } }"#,
                json!({ "order": order }),
            )
            .await
            .ok();
        let without = app
            .graphql(
                "query($order: TaskOrder) { tasks(first: 100, orderBy: $order) { nodes { id } } }",
                json!({ "order": order }),
            )
            .await
            .ok();
        let nodes = with["tasks"]["nodes"].as_array().expect("nodes");
        let ids: Vec<&serde_json::Value> = nodes.iter().map(|n| &n["id"]).collect();
        let plain: Vec<&serde_json::Value> = without["tasks"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| &n["id"])
            .collect();
        assert_eq!(ids, plain, "{field} {direction}: same order");
        let mut with_progress = 0;
        for node in nodes {
            let newest = &node["progressUpdates"]["nodes"][0]["id"];
            if newest.is_null() {
                assert!(node["latestProgress"].is_null(), "{node}");
            } else {
                assert_eq!(&node["latestProgress"]["id"], newest, "{node}");
                with_progress += 1;
            }
        }
        assert!(with_progress > 0, "{field}: some tasks have progress");
    }
}

/// The hand-written positional decoders read exactly what SeaORM's own decoding reads, and the
/// hand-written "latest update per task" statement picks what the rule says.
async fn positional_decoding_matches_sea_orm(app: &TestApp) {
    use api::domain::kernel::query::{fetch_all, fetch_with_related};
    use api::domain::kernel::rows::ColumnSet;
    use entity::{
        assignment, award_record, award_type, calendar_day, discipline, duty_rating, employment,
        emulation_movement, emulation_round, initiative, initiative_author, nomination, person,
        plan, progress_update, report_submission, reporting_deadline, reporting_regime, target,
        target_breakdown_group, target_breakdown_row, target_value, task, unit, unit_group,
        unit_group_member,
    };
    use sea_orm::{EntityTrait, QueryOrder};

    async fn same<E>(app: &TestApp, key: impl Fn(&E::Model) -> String)
    where
        E: EntityTrait,
        E::Model: api::domain::kernel::rows::DecodeRow + PartialEq + std::fmt::Debug,
    {
        let mut expected = E::find().all(&app.db).await.expect("SeaORM decoding");
        let mut decoded = fetch_all(&app.db, E::find())
            .await
            .expect("positional decoding");
        expected.sort_by_key(&key);
        decoded.sort_by_key(&key);
        assert!(!expected.is_empty(), "the demo data has rows to compare");
        assert_eq!(decoded, expected);
        // A joined row is cut at the width: it must be the entity's column count.
        assert_eq!(
            <E::Model as api::domain::kernel::rows::DecodeRow>::WIDTH,
            <E::Column as sea_orm::Iterable>::iter().count()
        );
    }
    same::<task::Entity>(app, |m| m.id.to_string()).await;
    same::<plan::Entity>(app, |m| m.id.to_string()).await;
    same::<unit::Entity>(app, |m| m.id.to_string()).await;
    same::<assignment::Entity>(app, |m| m.id.to_string()).await;
    same::<progress_update::Entity>(app, |m| m.id.to_string()).await;
    same::<nomination::Entity>(app, |m| m.id.to_string()).await;
    same::<person::Entity>(app, |m| m.id.to_string()).await;
    same::<award_type::Entity>(app, |m| m.id.to_string()).await;
    same::<emulation_round::Entity>(app, |m| m.id.to_string()).await;
    same::<emulation_movement::Entity>(app, |m| m.id.to_string()).await;
    same::<target::Entity>(app, |m| m.id.to_string()).await;
    same::<report_submission::Entity>(app, |m| m.id.to_string()).await;
    same::<target_breakdown_group::Entity>(app, |m| m.id.to_string()).await;
    same::<target_breakdown_row::Entity>(app, |m| m.id.to_string()).await;
    same::<calendar_day::Entity>(app, |m| m.day.to_string()).await;
    same::<reporting_regime::Entity>(app, |m| m.id.to_string()).await;
    same::<reporting_deadline::Entity>(app, |m| m.id.to_string()).await;
    same::<unit_group::Entity>(app, |m| m.id.to_string()).await;
    same::<unit_group_member::Entity>(app, |m| format!("{}{}", m.group_id, m.unit_id)).await;
    // The records eligibility is judged from (the demo data records no discipline: one here).
    same::<award_record::Entity>(app, |m| m.id.to_string()).await;
    same::<duty_rating::Entity>(app, |m| m.id.to_string()).await;
    same::<initiative::Entity>(app, |m| m.id.to_string()).await;
    same::<initiative_author::Entity>(app, |m| format!("{}{}", m.initiative_id, m.person_id)).await;
    same::<employment::Entity>(app, |m| m.id.to_string()).await;
    let someone = person::Entity::find()
        .one(&app.db)
        .await
        .expect("a person")
        .expect("the demo data has people");
    sea_orm::ActiveModelTrait::insert(
        sea_orm::IntoActiveModel::into_active_model(discipline::Model {
            id: uuid::Uuid::from_u128(0xd15c_0000_0000_7000_8000_0000_0000_0001),
            person_id: someone.id,
            form: entity::enums::DisciplineForm::Warning,
            decision_ref: "12/QĐ-KL".into(),
            decided_on: chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("a day"),
            effective_from: chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("a day"),
            effective_to: chrono::NaiveDate::from_ymd_opt(2024, 2, 29).expect("a day"),
            created_at: chrono::Utc::now(),
        }),
        &app.db,
    )
    .await
    .expect("a discipline");
    same::<discipline::Entity>(app, |m| m.id.to_string()).await;
    // The demo data reports no target values: two of one breakdown row's target, one with
    // every optional column empty and one with all of them set.
    let row = target_breakdown_row::Entity::find()
        .one(&app.db)
        .await
        .expect("a breakdown row")
        .expect("the demo data has breakdown rows");
    let reporter = unit::Entity::find()
        .one(&app.db)
        .await
        .expect("a unit")
        .expect("the demo data has units");
    for (n, full) in [(1u128, false), (2, true)] {
        let now = chrono::Utc::now();
        sea_orm::ActiveModelTrait::insert(
            sea_orm::IntoActiveModel::into_active_model(target_value::Model {
                id: uuid::Uuid::from_u128(0x7a1e_0000_0000_7000_8000_0000_0000_0000 | n),
                target_id: row.target_id,
                breakdown_row_id: full.then_some(row.id),
                unit_id: reporter.id,
                period_code: "2024".into(),
                value: 12.5 * n as f64,
                is_estimate: full,
                narrative: full.then(|| "Ước thực hiện đến hết năm".into()),
                reported_by: full.then(|| "dev-user".into()),
                reported_at: now,
                created_at: now,
            }),
            &app.db,
        )
        .await
        .expect("a target value");
    }
    same::<target_value::Entity>(app, |m| m.id.to_string()).await;

    // The one-to-many joins, against SeaORM's own consolidation of the same statements.
    let regimes = || {
        reporting_regime::Entity::find()
            .find_with_related(reporting_deadline::Entity)
            .order_by_asc(reporting_regime::Column::Position)
            .order_by_asc(reporting_deadline::Column::Level)
            .order_by_asc(reporting_deadline::Column::Position)
    };
    let expected = regimes().all(&app.db).await.expect("SeaORM's join");
    let decoded = fetch_with_related::<reporting_regime::Model, reporting_deadline::Model, _>(
        &app.db,
        &sea_orm::QueryTrait::into_query(regimes()),
        |r| r.id,
    )
    .await
    .expect("positional join");
    assert!(expected.iter().any(|(_, rows)| rows.len() > 1));
    assert_eq!(decoded, expected);
    let values = || {
        target::Entity::find()
            .find_with_related(target_value::Entity)
            .order_by_asc(target::Column::Position)
            .order_by_asc(target_value::Column::Id)
    };
    let expected = values().all(&app.db).await.expect("SeaORM's join");
    let decoded = fetch_with_related::<target::Model, target_value::Model, _>(
        &app.db,
        &sea_orm::QueryTrait::into_query(values()),
        |t| t.id,
    )
    .await
    .expect("positional join");
    // Targets without values come with none (the left join's NULLs), as in SeaORM's.
    assert!(expected.iter().any(|(_, values)| values.is_empty()));
    assert!(expected.iter().any(|(_, values)| values.len() == 2));
    assert_eq!(decoded, expected);

    // Assignments joined with their units, against the two tables read separately.
    let tasks = task::Entity::find().all(&app.db).await.expect("tasks");
    let ids: Vec<uuid::Uuid> = tasks.iter().map(|t| t.id).collect();
    let (joined, units) =
        api::domain::planning::task::assignments_with_units(&app.db, &ids, ColumnSet::ALL)
            .await
            .expect("joined");
    let separate = api::domain::planning::task::assignments(&app.db, &ids)
        .await
        .expect("assignments");
    assert_eq!(joined, separate);
    let all_units = unit::Entity::find().all(&app.db).await.expect("units");
    for u in &units {
        assert_eq!(Some(u), all_units.iter().find(|x| x.id == u.id));
    }
    assert!(
        joined
            .values()
            .flatten()
            .filter(|a| a.unit_id.is_some())
            .count()
            >= units.len()
            && !units.is_empty()
    );
    // With the units' names only: the same assignments, each unit's id and name, nothing else.
    let names = ColumnSet::of::<unit::Entity>(&[unit::Column::Name]);
    let (joined_names, named) =
        api::domain::planning::task::assignments_with_units(&app.db, &ids, names)
            .await
            .expect("joined names");
    assert_eq!(joined_names, separate);
    assert_eq!(named.len(), units.len());
    for partial in &named {
        let whole = units
            .iter()
            .find(|u| u.id == partial.id)
            .expect("the same units");
        assert_eq!(partial.name, whole.name);
        assert_eq!((&partial.code, partial.version), (&None, 0));
        assert!(partial.search_text.is_empty());
    }

    // Units with their parents joined for the cache: each parent whole, on the first row of
    // the page that names it only (the rows after it find it in the request's cache).
    let units_with_parents = async |parents: ColumnSet| {
        api::domain::org::unit::list(
            &app.db,
            &Default::default(),
            Default::default(),
            &api::domain::kernel::page::PageArgs::forward(Some(100), None),
            false,
            ColumnSet::ALL,
            Some(parents),
        )
        .await
        .expect("units with their parents")
    };
    let page = units_with_parents(ColumnSet::ALL).await;
    let mut carried = std::collections::HashSet::new();
    let mut with_parent = 0;
    for (unit, parent) in page.rows() {
        let Some(parent_id) = unit.parent_id else {
            assert_eq!(parent.0, None, "{}: no parent, none joined", unit.name);
            continue;
        };
        with_parent += 1;
        match &parent.0 {
            Some(parent) => {
                assert!(
                    carried.insert(parent_id),
                    "{}: parent carried twice",
                    unit.name
                );
                assert_eq!(Some(parent), all_units.iter().find(|x| x.id == parent_id));
            }
            None => assert!(
                carried.contains(&parent_id),
                "{}: parent missing on the first row naming it",
                unit.name
            ),
        }
    }
    assert!(
        !carried.is_empty() && carried.len() < with_parent,
        "the page has parents shared by several units"
    );
    // The parents with their names only: the same parents, each its id and name, nothing else.
    let named = units_with_parents(names).await;
    let named_parents: Vec<&unit::Model> = named.rows().filter_map(|(_, p)| p.0.as_ref()).collect();
    assert_eq!(named_parents.len(), carried.len());
    for parent in named_parents {
        let whole = all_units
            .iter()
            .find(|x| x.id == parent.id)
            .expect("a unit");
        assert_eq!(parent.name, whole.name);
        assert_eq!(
            (&parent.code, &parent.parent_id, parent.version),
            (&None, &None, 0)
        );
    }

    // The newest update per task: latest `reported_at`, then the greatest id.
    let updates = progress_update::Entity::find()
        .all(&app.db)
        .await
        .expect("updates");
    let latest = api::domain::planning::task::latest_progress(&app.db, &ids)
        .await
        .expect("latest");
    let mut expected = std::collections::HashMap::new();
    for u in &updates {
        let e = expected.entry(u.task_id).or_insert(u);
        if (u.reported_at, u.id) > (e.reported_at, e.id) {
            *e = u;
        }
    }
    assert!(!expected.is_empty(), "the demo data has progress updates");
    assert_eq!(latest.len(), expected.len());
    for (task, update) in expected {
        assert_eq!(latest.get(&task), Some(update));
    }
}

/// The province's reminders cost the same few statements with one regime reporting through a
/// group as with five (each group's members are read once for all of them).
async fn reminders_cost_the_same_for_any_number_of_regimes(app: &TestApp) {
    use api::auth::Role;
    let admin = crate::helpers::token(Role::ProvinceAdmin, None);
    // A plan without a period: its regimes report every year.
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": "Kế hoạch báo cáo tháng", "kind": "PLAN",
                "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    let groups = app
        .graphql(
            r#"{ tasks(first: 100) { nodes { assignments { group { id } } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let group = groups["tasks"]["nodes"]
        .as_array()
        .expect("tasks")
        .iter()
        .flat_map(|t| t["assignments"].as_array().cloned().unwrap_or_default())
        .find_map(|a| a["group"]["id"].as_str().map(str::to_owned))
        .expect("a task assigned to a group");
    let count = async || {
        let before = app.statements.get();
        let data = app
            .graphql_as(
                &admin,
                "{ reminders(first: 500) { kind daysLeft } }",
                json!({}),
            )
            .await
            .ok();
        let reports = data["reminders"]
            .as_array()
            .expect("reminders")
            .iter()
            .filter(|r| r["kind"] == "REPORT")
            .count();
        (app.statements.get() - before, reports)
    };
    let mut counts = Vec::new();
    // Five regimes stay under the 500 reminders a request returns (13 units × 4 months × 5).
    for created in 1..=5 {
        let regime = app
            .graphql_as(
                &admin,
                "mutation($input: CreateReportingRegimeInput!) { createReportingRegime(input: $input) { regime { id } } }",
                json!({ "input": { "planId": plan, "name": format!("Báo cáo tháng {created}"), "frequency": "MONTH",
                    "deadlines": [{ "text": "ngày 20 hằng tháng", "reporterGroupId": group,
                        "rule": { "kind": "DAY_OF_LAST_MONTH", "day": 20 } }] } }),
            )
            .await
            .ok();
        assert!(regime["createReportingRegime"]["regime"]["id"].is_string());
        if created == 1 || created == 5 {
            counts.push(count().await);
        }
    }
    // The monthly reports owed (each regime's group members, for the months in the window) are
    // there: five regimes owe five times what one does.
    assert!(counts[0].1 > 0, "{counts:?}");
    assert_eq!(counts[1].1, counts[0].1 * 5, "{counts:?}");
    assert_eq!(counts[0].0, counts[1].0, "one regime or five: {counts:?}");
    assert!(counts[1].0 <= 12, "a handful of statements: {counts:?}");
}

/// Counts the statements of `query` at two page sizes, checks that the larger page holds more
/// rows (`rows` reads their number) and returns both counts.
async fn counts_at(
    app: &TestApp,
    query: &str,
    sizes: [i64; 2],
    rows: impl Fn(&serde_json::Value) -> usize,
) -> [u64; 2] {
    let mut counts = [0; 2];
    let mut lengths = [0; 2];
    for (i, first) in sizes.into_iter().enumerate() {
        let (count, data) = statements_for(app, query, first).await;
        counts[i] = count;
        lengths[i] = rows(&data);
    }
    assert!(
        lengths[1] > lengths[0],
        "the larger page really is larger: {lengths:?}"
    );
    counts
}

/// A text search of tasks with their plan, its issuer and their assignments (benchmark Q9):
/// the page with its total, the plans, the units (issuers and assignees at once) and the
/// assignments, whatever the page size.
async fn a_task_search_costs_the_same_for_any_page_size(app: &TestApp) {
    let query = r#"query($first: Int!) { tasks(first: $first, filter: { search: "cai cach" }) {
        totalCount nodes { code title plan { title issuer { name } } assignments { role unit { name } } } } }"#;
    let counts = counts_at(app, query, [2, 30], |data| {
        data["tasks"]["nodes"].as_array().map_or(0, Vec::len)
    })
    .await;
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[0] <= 5,
        "tasks, plans, assignments, units: {counts:?}"
    );
}

/// A page of units with parents and children (benchmark Q10): the page with its total, the
/// parents, and every unit's first children in one statement.
async fn a_unit_page_costs_the_same_for_any_page_size(app: &TestApp) {
    let query = r#"query($first: Int!) { units(first: $first) { totalCount nodes { code name
        parent { name } children(first: 10) { totalCount nodes { name } } } } }"#;
    let counts = counts_at(app, query, [2, 40], |data| {
        data["units"]["nodes"].as_array().map_or(0, Vec::len)
    })
    .await;
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[0] <= 2,
        "units with their parents (one join), children: {counts:?}"
    );
}

/// A page deep in a list (benchmark Q12) costs the statements of the first page: the cursor's
/// keys start it, no count or earlier rows are read.
async fn a_deep_page_costs_what_the_first_page_costs(app: &TestApp) {
    let query = r#"query($first: Int!, $after: String) { tasks(first: $first, after: $after) {
        nodes { code title status } pageInfo { endCursor } } }"#;
    let (first_cost, first) =
        counted(app, None, query, json!({ "first": 60, "after": null })).await;
    let cursor = first["tasks"]["pageInfo"]["endCursor"].clone();
    let (deep_cost, deep) =
        counted(app, None, query, json!({ "first": 20, "after": cursor })).await;
    assert_eq!(
        deep["tasks"]["nodes"].as_array().map(Vec::len),
        Some(20),
        "the demo has more than 80 tasks"
    );
    assert_eq!(first_cost, deep_cost);
    assert_eq!(deep_cost, 1, "the page alone");
}

/// A unit's targets with their plan, lead and breakdown rows (benchmark Q13): the page with its
/// total, the plans, the assignments, the breakdowns and the units (leads and facilities in one
/// statement), whatever the page size.
async fn a_units_targets_cost_the_same_for_any_page_size(app: &TestApp) {
    // The lead of the demo's one breakdown table (Bắc Giang's hospital beds).
    let (target, _) = app.bed_target().await;
    let lead = app
        .graphql(
            "query($id: ID!) { target(id: $id) { lead { id } } }",
            json!({ "id": target }),
        )
        .await
        .ok()["target"]["lead"]["id"]
        .clone();
    let query = r#"query($first: Int!, $unit: ID) { targets(first: $first, filter: { unitId: $unit }) {
        totalCount nodes { id code statement plan { id documentNumber } lead { name }
        breakdown { groups { code label rows { code label baseline target unit { name } }
        subtotal { baseline target } } total { baseline target } } } } }"#;
    let (_, whole) = counted(app, None, query, json!({ "first": 50, "unit": lead })).await;
    let nodes = whole["targets"]["nodes"].as_array().expect("nodes").clone();
    assert!(nodes.len() > 1, "the lead has more than one target");
    let table = nodes
        .iter()
        .position(|t| !t["breakdown"].is_null())
        .expect("the table is the lead's");
    // The smallest page holding the table, and the whole list, cost the same statements (a
    // page without a table reads no facilities: one fewer).
    let mut counts = Vec::new();
    for first in [table + 1, nodes.len()] {
        let variables = json!({ "first": first, "unit": lead });
        let (count, data) = counted(app, None, query, variables).await;
        assert_eq!(
            data["targets"]["nodes"].as_array().map(Vec::len),
            Some(first)
        );
        counts.push(count);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[1] <= 5,
        "the unit, the targets with their total and their plans (one statement), assignments, \
         breakdown groups with their rows (one join), the leads with the facilities (one \
         statement): {counts:?}"
    );
    // The plans read with the page (each once, on its first target) are the targets' plans, as
    // a target alone finds its own.
    for node in &nodes {
        let alone = app
            .graphql(
                "query($id: ID!) { target(id: $id) { plan { id documentNumber } } }",
                json!({ "id": node["id"] }),
            )
            .await
            .ok();
        assert_eq!(node["plan"], alone["target"]["plan"], "{node}");
    }
}

/// `planProgress` (benchmark Q4) names the missing and pending units of a report through a
/// group from the member rows it read to find them: the names cost no statement.
async fn a_plans_progress_names_its_reporters_without_reading_them_again(app: &TestApp) {
    let id = app.plan_titled(
        "Thực hiện công tác cải cách hành chính nhà nước của Trung tâm Y tế huyện Tu Mơ Rông năm 2023",
    )
    .await;
    let counts = r#"query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) {
        percent reports { level dueOn expected onTime late } } }"#;
    let named = r#"query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) {
        percent reports { level dueOn expected onTime late missing { code name } pending { name } } } }"#;
    let variables = json!({ "id": id, "period": "2023Q1" });
    let (plain, _) = counted(app, None, counts, variables.clone()).await;
    let (with_names, data) = counted(app, None, named, variables).await;
    let missing = data["planProgress"]["reports"][0]["missing"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(missing.len(), 2, "{data}");
    assert!(
        missing
            .iter()
            .all(|u| u["name"].as_str().is_some_and(|n| !n.is_empty())),
        "{data}"
    );
    assert_eq!(plain, with_names, "the names are read with the members");
    assert!(
        plain <= 6,
        "the plan, its task figures, regimes with their deadlines, submissions, calendar, \
         the groups' member units (one statement): {plain}"
    );
}

/// `planProgress`'s targets (benchmark Q4) cost two statements on top of the rest, whatever their
/// number: the targets with their values for the period (one join), and their breakdowns with
/// their rows (one join).
async fn a_plans_progress_reads_its_targets_in_two_statements(app: &TestApp) {
    // The plan of the demo's breakdown table (Bắc Giang's hospital beds).
    let (_, plan) = app.bed_target().await;
    let without = r#"query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) {
        percent } }"#;
    let with = r#"query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) {
        percent targets { target { code } actual met groups { code rows { row { code } goal } } } } }"#;
    let variables = json!({ "id": plan, "period": "2025" });
    let (plain, _) = counted(app, None, without, variables.clone()).await;
    let (targets, data) = counted(app, None, with, variables).await;
    let listed = data["planProgress"]["targets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(listed.len() > 1, "the plan has targets: {data}");
    assert!(
        listed
            .iter()
            .any(|t| t["groups"].as_array().is_some_and(|g| g
                .iter()
                .any(|g| !g["rows"].as_array().is_none_or(Vec::is_empty)))),
        "one of them has a breakdown table with rows: {data}"
    );
    assert_eq!(
        targets - plain,
        2,
        "targets with their values, breakdown groups with their rows"
    );
}

/// A plan's audit log page with the actors' units (benchmark Q14): the caller's unit, then the
/// page with its total and the actors' units in one statement, whatever the page size; the
/// units read with the page are the units, and the events decoded by position are SeaORM's.
async fn an_audit_log_page_costs_the_same_for_any_page_size(app: &TestApp) {
    let admin = crate::helpers::token(api::auth::Role::ProvinceAdmin, Some("H19"));
    let plan = app
        .graphql_as(
            &admin,
            "mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { id } } }",
            json!({ "input": { "title": "Kế hoạch ghi nhật ký", "kind": "PLAN",
                "issuerId": app.unit_id("H19.20").await } }),
        )
        .await
        .ok()["createPlan"]["plan"]["id"]
        .clone();
    for version in 1..=6 {
        let updated = app
            .graphql_as(
                &admin,
                "mutation($input: UpdatePlanInput!) { updatePlan(input: $input) { userErrors { code } } }",
                json!({ "input": { "id": plan, "version": version, "summary": format!("Lần sửa {version}") } }),
            )
            .await
            .ok();
        assert_eq!(updated["updatePlan"]["userErrors"], json!([]));
    }
    let query = r#"query($first: Int!, $plan: ID) { auditEvents(first: $first, filter: { objectId: $plan }) {
        totalCount nodes { occurredAt actor actorUnit { name } action before after } pageInfo { hasNextPage } } }"#;
    let mut counts = Vec::new();
    for first in [2, 20] {
        let variables = json!({ "first": first, "plan": plan });
        let (count, data) = counted(app, Some(&admin), query, variables).await;
        counts.push(count);
        let events = &data["auditEvents"];
        assert_eq!(events["totalCount"], 7, "the creation and six updates");
        assert_eq!(
            events["nodes"].as_array().map(Vec::len),
            Some((first as usize).min(7))
        );
        assert_eq!(events["nodes"][0]["action"], "plan.update", "newest first");
        assert_eq!(events["nodes"][0]["after"]["summary"], "Lần sửa 6");
        assert!(events["nodes"][0]["actorUnit"]["name"].is_string());
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[1] <= 2,
        "the caller's unit (from its token's code), the page with its total and the actors' units: {counts:?}"
    );
    // The joined unit is the actor's own, whole: another field of it asked in the same request
    // is what the unit itself answers.
    let query = r#"query($plan: ID, $c: String) { unit(code: $c) { name code kind }
        auditEvents(first: 3, filter: { objectId: $plan }) { nodes { actorUnit { name code kind } } } }"#;
    let data = app
        .graphql_as(&admin, query, json!({ "plan": plan, "c": "H19" }))
        .await
        .ok();
    let nodes = data["auditEvents"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(nodes.len(), 3, "{data}");
    for node in &nodes {
        assert_eq!(node["actorUnit"], data["unit"], "{data}");
    }
    // Events decoded by position, the joined path's decoder, against SeaORM's own decoding
    // (Vietnamese text inside `before` and `after` included).
    use entity::audit_event;
    use sea_orm::EntityTrait;
    let mut expected = audit_event::Entity::find()
        .all(&app.db)
        .await
        .expect("SeaORM decoding");
    let mut decoded = api::domain::kernel::query::fetch_all(&app.db, audit_event::Entity::find())
        .await
        .expect("positional decoding");
    expected.sort_by_key(|e| e.id);
    decoded.sort_by_key(|e| e.id);
    assert!(expected.len() >= 7, "the creation and six updates at least");
    assert_eq!(decoded, expected);
    assert_eq!(
        <audit_event::Model as api::domain::kernel::rows::DecodeRow>::WIDTH,
        <audit_event::Column as sea_orm::Iterable>::iter().count()
    );
}

/// A task's plan's issuer, under a plan list that read the same issuers with the columns it
/// shows, costs no statement: the prefetch of the tasks' plans leaves those issuers to the
/// list's kept rows. One that shows a column the list did not read is still loaded, whole.
async fn a_tasks_plan_issuer_kept_by_the_plan_list_costs_no_statement(app: &TestApp) {
    let page = |plan: &str| {
        format!(
            r#"{{ plans(first: 20) {{ nodes {{ issuer {{ id code }} tasks(first: 20) {{ nodes {{
                code plan {{ id {plan} }} }} }} }} }} }}"#
        )
    };
    let (plain, _) = counted(app, None, &page(""), json!({})).await;
    let (kept, data) = counted(app, None, &page("issuer { code }"), json!({})).await;
    let (other, named) = counted(app, None, &page("issuer { name }"), json!({})).await;
    let mut tasks = 0;
    for (plan, same) in data["plans"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(named["plans"]["nodes"].as_array().into_iter().flatten())
    {
        let nodes = plan["tasks"]["nodes"].as_array().into_iter().flatten();
        for (task, with_name) in nodes.zip(same["tasks"]["nodes"].as_array().into_iter().flatten())
        {
            tasks += 1;
            assert_eq!(
                task["plan"]["issuer"]["code"], plan["issuer"]["code"],
                "{task}"
            );
            let name = with_name["plan"]["issuer"]["name"]
                .as_str()
                .unwrap_or_default();
            assert!(!name.is_empty(), "{with_name}");
        }
    }
    assert!(tasks > 0, "the demo's plans have tasks: {data}");
    assert_eq!(
        kept, plain,
        "the issuers the list kept answer the tasks' plans' issuers"
    );
    assert_eq!(
        other,
        plain + 1,
        "a column the list did not read: one statement for them all"
    );
}

db_tests!(
    a_units_targets_cost_the_same_for_any_page_size,
    a_plans_progress_names_its_reporters_without_reading_them_again,
    an_audit_log_page_costs_the_same_for_any_page_size,
    a_task_search_costs_the_same_for_any_page_size,
    a_unit_page_costs_the_same_for_any_page_size,
    a_deep_page_costs_what_the_first_page_costs,
    reminders_cost_the_same_for_any_number_of_regimes,
    nested_queries_cost_the_same_for_any_page_size,
    the_dashboard_query_costs_three_statements,
    a_units_progress_page_costs_two_statements,
    the_plan_list_costs_one_statement,
    latest_progress_read_with_the_page_is_the_newest,
    positional_decoding_matches_sea_orm,
    a_plans_progress_reads_its_targets_in_two_statements,
    a_tasks_plan_issuer_kept_by_the_plan_list_costs_no_statement,
);
