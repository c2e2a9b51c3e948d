//! The unit tree and its history: ancestors, children, closed units, successors.

use serde_json::json;

use crate::db_tests;
use crate::helpers::TestApp;

async fn ancestors_and_children(app: &TestApp) {
    let data = app
        .graphql(
            r#"{ units(first: 1, filter: { search: "tram y te xa dak ro ong" }) { nodes {
                name ancestors { name } parent { name } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let station = &data["units"]["nodes"][0];
    assert_eq!(station["name"], "Trạm Y tế xã Đăk Rơ Ông");
    let chain: Vec<&str> = station["ancestors"]
        .as_array()
        .expect("ancestors")
        .iter()
        .map(|u| u["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        chain,
        [
            "Trung tâm Y tế huyện Tu Mơ Rông",
            "Sở Y tế tỉnh Kon Tum",
            "Ủy ban nhân dân tỉnh Kon Tum"
        ],
        "nearest first, up to the province"
    );
    assert_eq!(station["parent"]["name"], chain[0]);

    let data = app
        .graphql(
            r#"{ unit(code: "H34.20") { children(first: 100) { totalCount nodes { name parent { code } } } } }"#,
            json!({}),
        )
        .await
        .ok();
    let children = &data["unit"]["children"];
    let names: Vec<&str> = children["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|u| u["name"].as_str().unwrap_or_default())
        .collect();
    assert!(names.contains(&"Phòng Tổ chức – Hành chính Sở Y tế"));
    assert!(names.contains(&"Trung tâm Y tế huyện Tu Mơ Rông"));
    assert_eq!(children["totalCount"].as_u64(), Some(names.len() as u64));
    assert!(
        children["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|u| u["parent"]["code"] == "H34.20")
    );
}

async fn a_merged_province_keeps_its_history(app: &TestApp) {
    let query = r#"{ unit(code: "H34") { name code activeTo isActive successor { name code isActive }
        successionEvents { event effectiveOn decision predecessor { code } successor { code } }
        plans(first: 10) { nodes { documentNumber } } } }"#;
    let data = app.graphql(query, json!({})).await.ok();
    let kon_tum = &data["unit"];
    assert_eq!(
        kon_tum["name"], "Ủy ban nhân dân tỉnh Kon Tum",
        "a closed unit answers under its own name"
    );
    assert_eq!(kon_tum["activeTo"], "2025-06-30");
    assert_eq!(kon_tum["isActive"], false);
    assert_eq!(
        kon_tum["successor"]["name"],
        "Ủy ban nhân dân tỉnh Quảng Ngãi"
    );
    assert_eq!(
        kon_tum["successor"]["code"], "H48",
        "the merged province keeps the code of the name it kept"
    );
    assert_eq!(kon_tum["successor"]["isActive"], true);
    assert_eq!(
        kon_tum["successionEvents"],
        json!([{ "event": "MERGE", "effectiveOn": "2025-07-01",
                 "decision": "Nghị quyết của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh năm 2025",
                 "predecessor": { "code": "H34" }, "successor": { "code": "H48" } }])
    );
    let numbers: Vec<&str> = kon_tum["plans"]["nodes"]
        .as_array()
        .expect("plans")
        .iter()
        .filter_map(|p| p["documentNumber"].as_str())
        .collect();
    assert!(
        numbers.contains(&"3993/KH-UBND"),
        "its plans are still its own: {numbers:?}"
    );

    let data = app
        .graphql(
            r#"{ unit(code: "H48") { predecessors { code name } successor { code } } }"#,
            json!({}),
        )
        .await
        .ok();
    let predecessors: Vec<&str> = data["unit"]["predecessors"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|u| u["code"].as_str())
        .collect();
    assert!(predecessors.contains(&"H34"), "{predecessors:?}");
    assert_eq!(data["unit"]["successor"], serde_json::Value::Null);
}

async fn unit_lookup_arguments(app: &TestApp) {
    let id = app.unit_id("H34.20").await;
    let by_id = app
        .graphql(
            "query($id: ID) { unit(id: $id) { code } }",
            json!({ "id": id }),
        )
        .await
        .ok();
    assert_eq!(by_id["unit"]["code"], "H34.20");
    let both = app
        .graphql(
            "query($id: ID) { unit(id: $id, code: \"H34\") { code } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(both.codes(), ["BAD_USER_INPUT"]);
    let neither = app.graphql("{ unit { code } }", json!({})).await;
    assert_eq!(neither.codes(), ["BAD_USER_INPUT"]);
    let unknown = app
        .graphql("{ unit(code: \"H99.99\") { code } }", json!({}))
        .await
        .ok();
    assert_eq!(unknown["unit"], serde_json::Value::Null);
    let plan = app.plan_id("5198/KH-SYT").await;
    let wrong_type = app
        .graphql(
            "query($id: ID) { unit(id: $id) { code } }",
            json!({ "id": plan }),
        )
        .await;
    assert_eq!(
        wrong_type.codes(),
        ["BAD_USER_INPUT"],
        "a plan id is not a unit id"
    );
}

async fn groups_resolve_at_a_date(app: &TestApp) {
    let plan = app
        .plan_id_by_search("cai cach hanh chinh nha nuoc nganh y te nam 2022")
        .await;
    let data = app
        .graphql(
            r#"query($id: ID!) { plan(id: $id) { tasks(first: 100) { nodes { assignments {
                group { label before: members(asOf: "2022-06-30") { code } after: members(asOf: "2025-07-01") { code } } } } } } }"#,
            json!({ "id": plan }),
        )
        .await
        .ok();
    let groups: Vec<_> = data["plan"]["tasks"]["nodes"]
        .as_array()
        .expect("tasks")
        .iter()
        .flat_map(|t| t["assignments"].as_array().cloned().unwrap_or_default())
        .filter(|a| a["group"]["label"] == "các đơn vị trực thuộc")
        .collect();
    assert!(
        !groups.is_empty(),
        "the department's tasks name its subordinate units as a group"
    );
    let group = &groups[0]["group"];
    let codes = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .expect("members")
            .iter()
            .filter_map(|u| u["code"].as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        codes(&group["before"]).contains(&"H34.20.15".to_owned()),
        "the Tu Mơ Rông centre in 2022"
    );
    assert!(
        !codes(&group["after"]).contains(&"H34.20.15".to_owned()),
        "closed on 30/06/2025"
    );
}

db_tests!(
    ancestors_and_children,
    a_merged_province_keeps_its_history,
    unit_lookup_arguments,
    groups_resolve_at_a_date,
);
