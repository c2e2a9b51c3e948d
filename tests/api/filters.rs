//! Every filter of `plans`, `tasks`, `units` and `targets`, checked against the same rule applied
//! by the test to the unfiltered list; and accent-insensitive search.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::TestApp;

/// Every node of a top-level connection `field`, following `endCursor` (100 per page).
async fn all_nodes(app: &TestApp, field: &str, selection: &str, filter: Value) -> Vec<Value> {
    let query = format!(
        "query($after: String, $filter: {}) {{ {field}(first: 100, after: $after, filter: $filter) {{ \
         nodes {{ {selection} }} pageInfo {{ hasNextPage endCursor }} }} }}",
        match field {
            "plans" => "PlanFilter",
            "tasks" => "TaskFilter",
            "units" => "UnitFilter",
            _ => "TargetFilter",
        }
    );
    let mut nodes = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .graphql(&query, json!({ "after": after, "filter": filter }))
            .await
            .ok();
        nodes.extend(data[field]["nodes"].as_array().cloned().unwrap_or_default());
        if data[field]["pageInfo"]["hasNextPage"] != true {
            return nodes;
        }
        after = data[field]["pageInfo"]["endCursor"].clone();
    }
}

fn ids(nodes: &[Value]) -> BTreeSet<String> {
    nodes
        .iter()
        .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn ids_where(nodes: &[Value], keep: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    nodes
        .iter()
        .filter(|n| keep(n))
        .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const PLAN: &str =
    "id documentNumber status kind periodStart periodEnd issuer { code ancestors { code } }";

async fn plan_filters(app: &TestApp) {
    let all = all_nodes(app, "plans", PLAN, json!({})).await;
    assert!(
        all.len() >= 13,
        "the demo has the seed plans and their parents"
    );

    let syt = app.unit_id("H34.20").await;
    let by_issuer = all_nodes(app, "plans", PLAN, json!({ "issuerId": syt })).await;
    let expected = ids_where(&all, |p| p["issuer"]["code"] == "H34.20");
    assert_eq!(ids(&by_issuer), expected);
    assert_eq!(
        expected.len(),
        3,
        "6853/KH-SYT, the 2022 plan and 5198/KH-SYT"
    );

    let province = app.unit_id("H34").await;
    let subtree = all_nodes(
        app,
        "plans",
        PLAN,
        json!({ "issuerId": province, "includeSubtree": true }),
    )
    .await;
    let expected = ids_where(&all, |p| {
        p["issuer"]["code"] == "H34"
            || p["issuer"]["ancestors"]
                .as_array()
                .is_some_and(|a| a.iter().any(|u| u["code"] == "H34"))
    });
    assert_eq!(ids(&subtree), expected);
    assert!(
        expected.len() > 3,
        "the subtree adds the department's and the district centre's plans"
    );
    let direct = all_nodes(app, "plans", PLAN, json!({ "issuerId": province })).await;
    assert_eq!(direct.len(), 2, "3993/KH-UBND and 4492/KH-UBND");

    let in_2022 = all_nodes(app, "plans", PLAN, json!({ "year": 2022 })).await;
    let expected = ids_where(&all, |p| {
        p["periodStart"].as_i64().is_some_and(|s| s <= 2022)
            && p["periodEnd"].as_i64().is_some_and(|e| e >= 2022)
    });
    assert_eq!(ids(&in_2022), expected);
    assert!(!expected.is_empty());

    let completed = all_nodes(app, "plans", PLAN, json!({ "status": ["COMPLETED"] })).await;
    assert_eq!(
        ids(&completed),
        ids_where(&all, |p| p["status"] == "COMPLETED")
    );
    assert!(!completed.is_empty());
    let either = all_nodes(
        app,
        "plans",
        PLAN,
        json!({ "status": ["COMPLETED", "ISSUED"] }),
    )
    .await;
    assert_eq!(either.len(), all.len());

    let programmes = all_nodes(
        app,
        "plans",
        PLAN,
        json!({ "kind": ["ACTION_PROGRAMME", "PROGRAMME"] }),
    )
    .await;
    assert_eq!(
        ids(&programmes),
        ids_where(&all, |p| p["kind"] == "ACTION_PROGRAMME"
            || p["kind"] == "PROGRAMME")
    );
    assert!(
        programmes
            .iter()
            .any(|p| p["documentNumber"] == "1017/CTr-SYT")
    );

    let wrong_id = app
        .graphql(
            "{ plans(first: 1, filter: { issuerId: \"nonsense\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(wrong_id.codes(), ["BAD_USER_INPUT"]);
}

async fn search_ignores_case_and_diacritics(app: &TestApp) {
    let plain = all_nodes(
        app,
        "plans",
        "id title",
        json!({ "search": "cai cach hanh chinh" }),
    )
    .await;
    let marked = all_nodes(
        app,
        "plans",
        "id title",
        json!({ "search": "Cải cách hành chính" }),
    )
    .await;
    let upper = all_nodes(
        app,
        "plans",
        "id title",
        json!({ "search": "CẢI CÁCH HÀNH CHÍNH" }),
    )
    .await;
    assert!(!plain.is_empty());
    assert_eq!(ids(&plain), ids(&marked));
    assert_eq!(ids(&plain), ids(&upper));
    for plan in &plain {
        let title = plan["title"].as_str().unwrap_or_default().to_lowercase();
        assert!(title.contains("cải cách hành chính"), "{title}");
    }
    // "đ" is not a decomposable letter: it must still match "d".
    let d = all_nodes(app, "units", "id name", json!({ "search": "dak ro ong" })).await;
    let d_bar = all_nodes(app, "units", "id name", json!({ "search": "Đăk Rơ Ông" })).await;
    assert!(
        d.len() >= 2,
        "the commune station and the regional clinic: {d:?}"
    );
    assert_eq!(ids(&d), ids(&d_bar));
    let tasks = all_nodes(
        app,
        "tasks",
        "id",
        json!({ "search": "dich vu cong truc tuyen" }),
    )
    .await;
    let tasks_marked = all_nodes(
        app,
        "tasks",
        "id",
        json!({ "search": "dịch vụ công trực tuyến" }),
    )
    .await;
    assert!(!tasks.is_empty());
    assert_eq!(ids(&tasks), ids(&tasks_marked));
    // LIKE wildcards in the query are text, not patterns.
    let wildcard = all_nodes(app, "plans", "id", json!({ "search": "%" })).await;
    assert!(wildcard.is_empty());
}

const TASK: &str =
    "id code status dueOn plan { id } assignments { role unit { id } group { id members { id } } }";

async fn task_filters(app: &TestApp) {
    let all = all_nodes(app, "tasks", TASK, json!({})).await;
    assert!(all.len() > 150);
    let plan = app
        .plan_id_by_search("cai cach hanh chinh nha nuoc nganh y te nam 2022")
        .await;
    let of_plan = all_nodes(app, "tasks", TASK, json!({ "planId": plan })).await;
    assert_eq!(
        ids(&of_plan),
        ids_where(&all, |t| t["plan"]["id"] == plan.as_str())
    );
    assert_eq!(of_plan.len(), 46);

    let office = app.unit_id("H34.20.1").await;
    let led = all_nodes(
        app,
        "tasks",
        TASK,
        json!({ "unitId": office, "role": ["LEAD"] }),
    )
    .await;
    // Led by the office itself, or by a group the office belongs to today.
    let expected = ids_where(&all, |t| {
        t["assignments"].as_array().is_some_and(|a| {
            a.iter().any(|a| {
                a["role"] == "LEAD"
                    && (a["unit"]["id"] == office.as_str()
                        || a["group"]["members"]
                            .as_array()
                            .is_some_and(|m| m.iter().any(|u| u["id"] == office.as_str())))
            })
        })
    });
    assert_eq!(ids(&led), expected);
    assert!(
        led.iter()
            .any(|t| t["assignments"][0]["unit"]["id"] == office.as_str()),
        "some are led by the office directly"
    );
    assert!(!expected.is_empty());

    let waiting = all_nodes(app, "tasks", TASK, json!({ "status": ["WAITING_TRIGGER"] })).await;
    assert_eq!(
        ids(&waiting),
        ids_where(&all, |t| t["status"] == "WAITING_TRIGGER")
    );
    assert!(!waiting.is_empty());

    let due = all_nodes(
        app,
        "tasks",
        TASK,
        json!({ "dueFrom": "2022-01-01", "dueTo": "2022-06-30" }),
    )
    .await;
    let expected = ids_where(&all, |t| {
        t["dueOn"]
            .as_str()
            .is_some_and(|d| ("2022-01-01"..="2022-06-30").contains(&d))
    });
    assert_eq!(ids(&due), expected);
    assert!(!expected.is_empty());

    let reversed = app
        .graphql("{ tasks(first: 5, filter: { dueFrom: \"2022-06-30\", dueTo: \"2022-01-01\" }) { totalCount } }", json!({}))
        .await;
    assert_eq!(reversed.codes(), ["BAD_USER_INPUT"]);
    let bad_date = app
        .graphql(
            "{ tasks(first: 5, filter: { dueFrom: \"30/06/2022\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(bad_date.codes(), ["BAD_USER_INPUT"]);
}

async fn tasks_of_a_unit_include_its_groups_at_the_date(app: &TestApp) {
    // The Tu Mơ Rông centre belongs to "các đơn vị trực thuộc" of the Kon Tum department while it
    // exists (until 30/06/2025), so the department's group tasks are its tasks then, not after.
    let centre = app.unit_id("H34.20.15").await;
    let query = r#"query($unit: ID!, $asOf: Date) { tasks(first: 100, filter: { unitId: $unit, asOf: $asOf }) {
        totalCount nodes { assignments { unit { id } group { id members(asOf: "2022-06-30") { id } } } } } }"#;
    let in_2022 = app
        .graphql(query, json!({ "unit": centre, "asOf": "2022-06-30" }))
        .await
        .ok();
    let through_group = in_2022["tasks"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|t| {
            t["assignments"].as_array().is_some_and(|a| {
                a.iter().all(|a| a["unit"]["id"] != centre.as_str())
                    && a.iter().any(|a| {
                        a["group"]["members"]
                            .as_array()
                            .is_some_and(|m| m.iter().any(|u| u["id"] == centre.as_str()))
                    })
            })
        });
    assert!(
        through_group.count() > 0,
        "tasks reach the centre through a group"
    );
    let in_2026 = app
        .graphql(query, json!({ "unit": centre, "asOf": "2026-01-01" }))
        .await
        .ok();
    assert!(
        in_2026["tasks"]["totalCount"].as_i64() < in_2022["tasks"]["totalCount"].as_i64(),
        "once closed, the centre is no longer in its groups"
    );
    let unknown = app
        .graphql(query, json!({ "unit": "VW5pdDowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA", "asOf": null }))
        .await;
    assert_eq!(unknown.codes(), ["NOT_FOUND"]);
}

/// "Assigned to this unit through a group" is decided in SQL for task lists and in Rust for
/// `Group.members`: for every unit, on two dates (before and after the 2025 reorganisation), both
/// must name the same tasks.
async fn group_membership_agrees_with_group_members(app: &TestApp) {
    let units = all_nodes(app, "units", "id code", json!({})).await;
    for as_of in ["2022-06-30", "2026-01-01"] {
        let selection = format!(
            "id assignments {{ unit {{ id }} group {{ members(asOf: \"{as_of}\") {{ id }} }} }}"
        );
        let all = all_nodes(app, "tasks", &selection, json!({})).await;
        let mut through_groups = 0;
        for unit in &units {
            let id = unit["id"].as_str().expect("id");
            let listed =
                all_nodes(app, "tasks", "id", json!({ "unitId": id, "asOf": as_of })).await;
            let expected = ids_where(&all, |t| {
                t["assignments"].as_array().is_some_and(|a| {
                    a.iter().any(|a| {
                        a["unit"]["id"] == id
                            || a["group"]["members"]
                                .as_array()
                                .is_some_and(|m| m.iter().any(|u| u["id"] == id))
                    })
                })
            });
            through_groups += expected.len()
                - ids_where(&all, |t| {
                    t["assignments"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|a| a["unit"]["id"] == id))
                })
                .len();
            assert_eq!(ids(&listed), expected, "{} on {as_of}", unit["code"]);
        }
        assert!(
            through_groups > 0,
            "some tasks reach units through groups on {as_of}"
        );
    }
}

const UNIT: &str = "id code name kind parent { id } activeFrom activeTo";

async fn unit_filters(app: &TestApp) {
    let all = all_nodes(app, "units", UNIT, json!({})).await;
    let syt = app.unit_id("H34.20").await;
    let children = all_nodes(app, "units", UNIT, json!({ "parentId": syt })).await;
    assert_eq!(
        ids(&children),
        ids_where(&all, |u| u["parent"]["id"] == syt.as_str())
    );
    assert!(children.len() > 5);

    let stations = all_nodes(
        app,
        "units",
        UNIT,
        json!({ "kind": ["COMMUNE_HEALTH_STATION"] }),
    )
    .await;
    assert_eq!(
        ids(&stations),
        ids_where(&all, |u| u["kind"] == "COMMUNE_HEALTH_STATION")
    );
    assert_eq!(stations.len(), 11, "the 11 commune stations of Tu Mơ Rông");

    for date in ["2025-06-30", "2025-07-01"] {
        let active = all_nodes(app, "units", UNIT, json!({ "activeAt": date })).await;
        let expected = ids_where(&all, |u| {
            u["activeFrom"].as_str().is_none_or(|f| f <= date)
                && u["activeTo"].as_str().is_none_or(|t| t >= date)
        });
        assert_eq!(ids(&active), expected, "{date}");
    }
    let before = all_nodes(app, "units", "code", json!({ "activeAt": "2025-06-30" })).await;
    let after = all_nodes(app, "units", "code", json!({ "activeAt": "2025-07-01" })).await;
    assert!(before.iter().any(|u| u["code"] == "H34") && !after.iter().any(|u| u["code"] == "H34"));
}

async fn target_filters(app: &TestApp) {
    let plan = app
        .plan_id_by_search("cai cach hanh chinh nha nuoc nganh y te nam 2022")
        .await;
    let targets = all_nodes(app, "targets", "id code", json!({ "planId": plan })).await;
    assert_eq!(targets.len(), 26, "every chỉ tiêu of the Kon Tum 2022 plan");
    let office = app.unit_id("H34.20.1").await;
    let led = all_nodes(
        app,
        "targets",
        "id lead { id }",
        json!({ "unitId": office, "role": ["LEAD"] }),
    )
    .await;
    assert!(!led.is_empty());
    assert!(led.iter().all(|t| t["lead"]["id"] == office.as_str()));
    let searched = all_nodes(
        app,
        "targets",
        "statement",
        json!({ "search": "giuong benh" }),
    )
    .await;
    assert!(searched.iter().any(|t| {
        t["statement"]
            .as_str()
            .unwrap_or_default()
            .contains("giường bệnh")
    }));
}

db_tests!(
    plan_filters,
    search_ignores_case_and_diacritics,
    task_filters,
    tasks_of_a_unit_include_its_groups_at_the_date,
    group_membership_agrees_with_group_members,
    unit_filters,
    target_filters,
);
