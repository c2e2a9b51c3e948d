//! Province-scale benchmark: generates a dataset (≈400 units, 300 plans, 30 000 tasks with
//! their assignments, 150 000 progress updates, reports under 30 regimes, 2 400 targets (a
//! quarter with per-facility breakdowns), an audit log of 152 000 events, and an emulation
//! history of 10 000 people over 8 years), starts the release server as a separate process,
//! drives fourteen queries (Q1–Q3 dashboards, Q4–Q6 reporting, Q7 eligibility, Q8 a round's
//! nominations, Q9 search, Q10 units, Q11–Q12 the first and a deep page, Q13 a unit's targets,
//! Q14 a plan's audit log) at concurrency 32
//! after a warm-up, and prints req/s, p50, p99, the server's peak RSS and SQL statements per
//! request. On PostgreSQL it also drives one hand-written SQL statement per query (the same JSON,
//! built inside PostgreSQL) with pgbench at the same concurrency, and prints each
//! query's throughput as a share of it.
//!
//! `cargo build --release -p api -p bench && ./target/release/bench --postgres postgres://root@127.0.0.1:5432/test`
//! (add `--sqlite` for the embedded database, `--seconds` for the run length).

use std::io::Write as _;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use api::demo::insert_all;
use api::domain::kernel::text::search_text;
use chrono::{NaiveDate, TimeZone, Utc};
use clap::Parser;
use entity::enums::*;
use entity::*;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use uuid::Uuid;

mod cpu;
mod eligibility;
mod targets;
mod wire;
mod writes;

#[derive(Parser, Debug)]
#[command(about = "Province-scale benchmark of the plans API")]
struct Args {
    /// PostgreSQL server URL (any database; the benchmark uses its own `plans_bench`).
    #[arg(long)]
    postgres: Option<String>,
    /// Also (or only) benchmark the embedded SQLite database.
    #[arg(long)]
    sqlite: bool,
    /// Seconds of load per query (after a warm-up of a fifth of that).
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// The server's database connections on PostgreSQL (its `APP_POOL_SIZE`; queries hold three
    /// quarters of them at most). Fewer than the clients, statements wait their turn in the pool
    /// instead of as PostgreSQL processes sharing two cores: 24 kept the throughput of 32 with a
    /// p99 two or three milliseconds lower (docs/performance-log.md). Since mutations have a
    /// pool of their own, 16 (12 for queries) keeps the reads' throughput of 24 with lower p99s,
    /// and halves the writes' p99 under reads (the log's "Mutations on a thread of their own").
    #[arg(long, default_value_t = 16)]
    pool_size: usize,
    /// Append the results to this history file.
    #[arg(long, default_value = "bench/history.md")]
    history: String,
    /// Keep the dataset of an earlier run instead of generating it again (for profiling).
    #[arg(long)]
    reuse: bool,
    /// Run only the queries whose name contains this (e.g. `Q3`); the others print no row.
    #[arg(long)]
    only: Option<String>,
    /// Split each query's load into this many rounds, alternating the API and its SQL ceiling,
    /// so that both see the same machine (a shared VM's speed drifts by the minute).
    #[arg(long, default_value_t = 3)]
    rounds: u64,
    /// Instead of the dashboard queries, run the hostile suite for `--seconds`: anonymous
    /// attackers sending every refused shape (and the heaviest allowed query) at full speed
    /// while a signed-in probe sends a small query; prints the probe's latency, the server's
    /// peak RSS and what the attackers got.
    #[arg(long)]
    hostile: bool,
    /// After the queries (PostgreSQL), grow the task table tenfold (300 000 tasks: each task
    /// copied nine times into its plan) and measure Q9's search again, with its trigram index
    /// and without it. Leaves the grown database behind (`--reuse` then measures on it).
    #[arg(long)]
    search_scale: bool,
    /// Write `EXPLAIN (ANALYZE, BUFFERS)` of every ceiling statement to this folder (e.g.
    /// `bench/ceilings`) before measuring.
    #[arg(long)]
    explain: Option<String>,
}

/// A tiny deterministic generator (xorshift), so every run builds the same province.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PLACES: &[&str] = &[
    "Đăk Hà",
    "Ngọc Hồi",
    "Sa Thầy",
    "Kon Rẫy",
    "Tu Mơ Rông",
    "Đắk Glei",
    "Kon Plông",
    "Ia H'Drai",
    "Đắk Tô",
    "Long Khánh",
    "Xuân Lộc",
    "Cẩm Mỹ",
    "Định Quán",
    "Tân Phú",
    "Vĩnh Cửu",
];
const DEPARTMENTS: &[&str] = &[
    "Sở Y tế",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Giáo dục và Đào tạo",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động, Thương binh và Xã hội",
    "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Sở Tài nguyên",
    "Sở Thông tin",
];
const OFFICES: &[&str] = &[
    "Văn phòng",
    "Phòng Tổ chức – Hành chính",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Nghiệp vụ",
    "Thanh tra",
];
const TOPICS: &[&str] = &[
    "cải cách hành chính",
    "chuyển đổi số",
    "thực hành tiết kiệm, chống lãng phí",
    "phòng, chống tham nhũng",
    "nâng cao chất lượng khám bệnh, chữa bệnh",
    "y tế cơ sở",
    "an toàn thực phẩm",
    "dân số và phát triển",
    "phát triển nguồn nhân lực",
    "kiểm soát thủ tục hành chính",
];
const VERBS: &[&str] = &[
    "Triển khai",
    "Rà soát",
    "Kiểm tra",
    "Tổ chức",
    "Hướng dẫn",
    "Đôn đốc",
    "Tổng hợp",
    "Xây dựng",
    "Nâng cấp",
    "Đánh giá",
];

struct Dataset {
    units: Vec<unit::Model>,
    groups: Vec<unit_group::Model>,
    plans: Vec<plan::Model>,
    tasks: Vec<task::Model>,
    assignments: Vec<assignment::Model>,
    progress: Vec<progress_update::Model>,
    regimes: Vec<reporting_regime::Model>,
    deadlines: Vec<reporting_deadline::Model>,
    submissions: Vec<report_submission::Model>,
}

fn generate() -> Dataset {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    // Sequential ids (ordered like the v7 ids the API mints), the same in every run so that
    // `--reuse` finds the plan and unit it measures.
    let counter = std::cell::Cell::new(0u64);
    let next_id = || {
        counter.set(counter.get() + 1);
        Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000_u128 | u128::from(counter.get()))
    };
    let now = Utc::now();
    let unit =
        |name: String, kind: UnitKind, parent: Option<Uuid>, code: Option<String>| unit::Model {
            id: next_id(),
            search_text: search_text([Some(name.as_str()), code.as_deref()]),
            code,
            name,
            short_name: None,
            kind,
            parent_id: parent,
            active_from: None,
            active_to: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
    let mut units = vec![unit(
        "Ủy ban nhân dân tỉnh Thử Nghiệm".into(),
        UnitKind::PeoplesCommittee,
        None,
        Some("H99".into()),
    )];
    let province = units[0].id;
    let mut departments = Vec::new();
    for (d, name) in DEPARTMENTS.iter().enumerate() {
        let dept = unit(
            format!("{name} tỉnh Thử Nghiệm"),
            UnitKind::Department,
            Some(province),
            Some(format!("H99.{}", d + 1)),
        );
        departments.push(dept.id);
        units.push(dept.clone());
        for (o, office) in OFFICES.iter().enumerate() {
            units.push(unit(
                format!("{office} {name}"),
                UnitKind::DepartmentOffice,
                Some(dept.id),
                Some(format!("H99.{}.{}", d + 1, o + 1)),
            ));
        }
    }
    let health = departments[0];
    let mut centres = Vec::new();
    for (c, place) in PLACES.iter().enumerate() {
        let centre = unit(
            format!("Trung tâm Y tế khu vực {place}"),
            UnitKind::HealthCentre,
            Some(health),
            Some(format!("H99.1.{}", 10 + c)),
        );
        centres.push(centre.id);
        units.push(centre.clone());
        for s in 0..15 {
            units.push(unit(
                format!("Trạm Y tế xã {place} {}", s + 1),
                UnitKind::CommuneHealthStation,
                Some(centre.id),
                Some(format!("H99.1.{}.{}", 10 + c, s + 1)),
            ));
        }
    }
    for h in 0..(400 - units.len().min(400)) {
        units.push(unit(
            format!("Bệnh viện số {}", h + 1),
            UnitKind::Hospital,
            Some(health),
            Some(format!("H99.1.{}", 100 + h)),
        ));
    }
    let groups: Vec<unit_group::Model> = departments
        .iter()
        .map(|&d| unit_group::Model {
            id: next_id(),
            label: "các đơn vị trực thuộc".into(),
            parent_unit_id: Some(d),
            unit_kinds: String::new(),
            created_at: now,
        })
        .collect();
    let issuers: Vec<Uuid> = departments.iter().chain(centres.iter()).copied().collect();
    let mut plans = Vec::new();
    for p in 0..300 {
        let year = 2019 + (p % 8);
        let issued =
            NaiveDate::from_ymd_opt(year, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
        let title = format!("Kế hoạch {} năm {year}", rng.pick(TOPICS));
        let number = format!("{}/KH-TN", 100 + p);
        plans.push(plan::Model {
            id: next_id(),
            search_text: search_text([Some(number.as_str()), Some(title.as_str())]),
            document_number: Some(number),
            kind: PlanKind::Plan,
            title,
            issuer_id: *rng.pick(&issuers),
            // One plan in ten is still a draft (no issue date): hidden from the anonymous
            // dashboards, so every query and every ceiling statement applies that rule.
            issued_on: if p % 10 == 5 { None } else { issued },
            issue_year: Some(year),
            status: match p % 10 {
                0 => PlanStatus::Completed,
                5 => PlanStatus::Draft,
                _ => PlanStatus::Issued,
            },
            period_start: Some(year),
            period_end: Some(year),
            signer_name: None,
            signer_title: None,
            summary: None,
            version: 1,
            created_at: now,
            updated_at: now,
            confidential: false,
        });
    }
    let all_units: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let statuses = [
        TaskStatus::Assigned,
        TaskStatus::InProgress,
        TaskStatus::InProgress,
        TaskStatus::Completed,
        TaskStatus::Completed,
    ];
    let (mut tasks, mut assignments, mut progress) = (Vec::new(), Vec::new(), Vec::new());
    for plan in &plans {
        for t in 0..100 {
            let title = format!(
                "{} công tác {} tại đơn vị",
                rng.pick(VERBS),
                rng.pick(TOPICS)
            );
            let code = format!("II.{}.{}", t / 10 + 1, t % 10 + 1);
            let status = *rng.pick(&statuses);
            let due = NaiveDate::from_ymd_opt(
                plan.issue_year.unwrap_or(2022),
                1 + rng.below(12) as u32,
                28,
            );
            let task = task::Model {
                id: next_id(),
                plan_id: plan.id,
                area_id: None,
                search_text: search_text([Some(code.as_str()), Some(title.as_str())]),
                code: Some(code),
                title,
                description: None,
                kind: TaskKind::OneOff,
                condition_text: None,
                due_on: due,
                due_within_days: None,
                due_text: None,
                status,
                completed_on: (status == TaskStatus::Completed).then_some(due).flatten(),
                position: t,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let lead = *rng.pick(&all_units);
            assignments.push(assignment::Model {
                id: next_id(),
                task_id: Some(task.id),
                target_id: None,
                role: AssignmentRole::Lead,
                unit_id: Some(lead),
                group_id: None,
                position: 0,
            });
            for c in 0..rng.below(4) {
                let (unit_id, group_id) = if c == 0 && rng.below(3) == 0 {
                    (None, Some(rng.pick(&groups).id))
                } else {
                    (Some(*rng.pick(&all_units)), None)
                };
                if unit_id == Some(lead) {
                    continue;
                }
                assignments.push(assignment::Model {
                    id: next_id(),
                    task_id: Some(task.id),
                    target_id: None,
                    role: AssignmentRole::Cooperating,
                    unit_id,
                    group_id,
                    position: c as i32 + 1,
                });
            }
            for q in 0..5 {
                let quarter = (q + rng.below(4)) % 8;
                let year = 2021 + (quarter / 4) as i32;
                let reported = Utc
                    .with_ymd_and_hms(
                        year,
                        3 * (quarter % 4) as u32 + 3,
                        1 + rng.below(27) as u32,
                        2,
                        0,
                        0,
                    )
                    .single()
                    .unwrap_or(now);
                progress.push(progress_update::Model {
                    id: next_id(),
                    task_id: task.id,
                    unit_id: lead,
                    period_code: format!("{year}Q{}", quarter % 4 + 1),
                    percent: (20 * (q + 1)).min(100) as i32,
                    status: ProgressStatus::OnTrack,
                    narrative: Some("Đã triển khai theo kế hoạch.".into()),
                    reported_at: reported,
                    created_at: reported,
                    difficulties: None,
                    proposals: None,
                    reported_by: None,
                });
            }
            tasks.push(task);
        }
    }
    // Reporting: every tenth plan has a quarterly regime under which the health department's
    // units (through its group "các đơn vị trực thuộc") report to it by the 20th of each
    // quarter's last month; nine reports in ten came on time, one in twenty late, the rest not
    // at all.
    let health_members: Vec<Uuid> = units
        .iter()
        .filter(|u| u.parent_id == Some(health))
        .map(|u| u.id)
        .collect();
    let (mut regimes, mut deadlines, mut submissions) = (Vec::new(), Vec::new(), Vec::new());
    for plan in plans.iter().skip(1).step_by(10) {
        let regime = reporting_regime::Model {
            id: next_id(),
            plan_id: Some(plan.id),
            name: "Báo cáo tiến độ hằng quý".into(),
            frequency: ReportingPeriodKind::Quarter,
            period_keys: None,
            cut_off: CutOffRule::Decree09,
            allows_nil: false,
            content_outline: None,
            note: None,
            position: 0,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        deadlines.push(reporting_deadline::Model {
            id: next_id(),
            plan_id: plan.id,
            period: ReportingPeriodKind::Quarter,
            text: "Chậm nhất ngày 20 tháng cuối quý".into(),
            reporter_unit_id: None,
            reporter_group_id: Some(groups[0].id),
            recipient_unit_id: Some(health),
            via_unit_id: None,
            rule: json!({ "kind": "DAY_OF_LAST_MONTH", "day": 20 }),
            position: 0,
            regime_id: Some(regime.id),
            level: 1,
            period_keys: None,
        });
        let year = plan.issue_year.unwrap_or(2022);
        for quarter in 1..=4u32 {
            let Some(due) = NaiveDate::from_ymd_opt(year, 3 * quarter, 20) else {
                continue;
            };
            for &member in &health_members {
                let draw = rng.below(20);
                if draw == 0 {
                    continue; // never sent
                }
                let late = draw == 1;
                let day = if late {
                    due + chrono::Duration::days(3)
                } else {
                    due - chrono::Duration::days(2)
                };
                let at = Utc
                    .from_local_datetime(&day.and_hms_opt(3, 0, 0).unwrap_or_default())
                    .single()
                    .unwrap_or(now);
                submissions.push(report_submission::Model {
                    id: next_id(),
                    regime_id: regime.id,
                    period_code: format!("{year}Q{quarter}"),
                    level: 1,
                    reporting_unit_id: member,
                    receiving_unit_id: Some(health),
                    status: SubmissionStatus::Accepted,
                    is_nil: false,
                    content: Some("Báo cáo kết quả thực hiện trong quý.".into()),
                    due_on: Some(due),
                    first_submitted_at: Some(at),
                    submitted_at: Some(at),
                    is_late: Some(late),
                    days_late: Some(if late { 3 } else { 0 }),
                    return_reason: None,
                    decided_at: Some(at),
                    decided_by: None,
                    submitted_by: None,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                });
            }
        }
        regimes.push(regime);
    }
    Dataset {
        units,
        groups,
        plans,
        tasks,
        assignments,
        progress,
        regimes,
        deadlines,
        submissions,
    }
}

/// How many people the emulation history has, and its years.
const PEOPLE: u128 = 10_000;
const HISTORY_YEARS: std::ops::RangeInclusive<i32> = 2017..=2024;
/// The day Q7 asks eligibility for.
const ELIGIBILITY_AS_OF: &str = "2025-03-01";
/// Q7: one person's eligibility with every condition and its evidence.
const ELIGIBILITY_QUERY: &str = "query($n: ID!, $t: ID!, $asOf: Date) { eligibility(nomineeId: $n, awardTypeId: $t, asOf: $asOf) { eligible earliestEligibleYear conditions { code met description source evidence { kind id year description } } } }";

/// The id of the n-th generated person (the same in every run, for `--reuse`).
fn person_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0191_0000_0000_7000_8000_0000_0000_0000_u128 | n)
}

/// A province-sized emulation history: 10 000 people in the generated hospitals and health
/// centres, each with eight years of duty ratings, Lao động tiên tiến most years, Chiến sĩ
/// thi đua cơ sở with an initiative in about one year in five, and a Bằng khen of the Prime
/// Minister for one in fifty. Award records name the catalogue versions the migration seeded.
async fn load_people(
    db: &sea_orm::DatabaseConnection,
    units: &[unit::Model],
) -> anyhow::Result<Vec<person::Model>> {
    use api::domain::emulation::catalogue::in_force;
    let workplaces: Vec<Uuid> = units
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::HealthCentre | UnitKind::Hospital))
        .map(|u| u.id)
        .collect();
    anyhow::ensure!(
        !workplaces.is_empty(),
        "no hospitals or health centres generated"
    );
    let version = |code: &'static str, year: i32| async move {
        let day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default();
        in_force(db, code, day)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .map(|v| v.model.id)
            .with_context(|| format!("{code} in force on {day}"))
    };
    let mut versions = std::collections::HashMap::new();
    for year in HISTORY_YEARS {
        for code in ["LAO_DONG_TIEN_TIEN", "CSTD_CO_SO", "BANG_KHEN_THU_TUONG"] {
            versions.insert((code, year), version(code, year).await?);
        }
    }
    let mut rng = Rng(0x5eed_1234_abcd_0002);
    let now = Utc::now();
    let counter = std::cell::Cell::new(0u128);
    let next_id = || {
        counter.set(counter.get() + 1);
        Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0000_0000_u128 | counter.get())
    };
    let (mut people, mut employments, mut ratings, mut awards, mut initiatives, mut authors) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let award = |recipient: Uuid, type_id: Uuid, code: &str, from: i32, to: i32, id: Uuid| {
        award_record::Model {
            id,
            recipient_kind: AwardSubject::Individual,
            recipient_id: recipient,
            award_type_id: type_id,
            award_code: code.to_owned(),
            achievement_from: NaiveDate::from_ymd_opt(from, 1, 1).unwrap_or_default(),
            achievement_to: NaiveDate::from_ymd_opt(to, 12, 31).unwrap_or_default(),
            kind: AchievementKind::Regular,
            decision_number: format!("{}/QĐ-{}", id.as_u128() % 1000, to + 1),
            decided_on: NaiveDate::from_ymd_opt(to + 1, 1, 20).unwrap_or_default(),
            issuer_name: "Giám đốc (sinh tự động)".into(),
            status: AwardRecordStatus::Valid,
            revoked_on: None,
            revocation_reason: None,
            revocation_decision: None,
            review_note: None,
            source: Some("bench".into()),
            version: 1,
            created_by: None,
            created_at: now,
            updated_at: now,
        }
    };
    for n in 1..=PEOPLE {
        let id = person_id(n);
        let unit = workplaces[rng.below(workplaces.len())];
        let name = format!(
            "{} {} {}",
            PLACES[rng.below(PLACES.len())],
            TOPICS[rng.below(TOPICS.len())],
            n
        );
        people.push(person::Model {
            id,
            search_text: search_text([Some(name.as_str())]),
            full_name: name,
            birth_date: NaiveDate::from_ymd_opt(
                1965 + rng.below(30) as i32,
                1 + rng.below(12) as u32,
                1,
            ),
            gender: Some(if rng.below(2) == 0 {
                Gender::Female
            } else {
                Gender::Male
            }),
            staff_category: Some(StaffCategory::PublicEmployee),
            position: Some("Viên chức".into()),
            unit_id: unit,
            version: 1,
            created_at: now,
            updated_at: now,
        });
        employments.push(employment::Model {
            id: next_id(),
            person_id: id,
            unit_id: unit,
            position: None,
            started_on: NaiveDate::from_ymd_opt(2010, 1, 1).unwrap_or_default(),
            ended_on: None,
            created_at: now,
        });
        // Every 50th person (the first among them: the one Q7 asks about) holds a Bằng khen
        // of the Prime Minister for 2013–2017 (the catalogue begins in 2017).
        if n % 50 == 1 {
            awards.push(award(
                id,
                versions[&("BANG_KHEN_THU_TUONG", 2017)],
                "BANG_KHEN_THU_TUONG",
                2013,
                2017,
                next_id(),
            ));
        }
        for year in HISTORY_YEARS {
            let rating = match rng.below(10) {
                0..=2 => DutyRatingLevel::Excellent,
                3..=8 => DutyRatingLevel::Good,
                _ => DutyRatingLevel::Completed,
            };
            ratings.push(duty_rating::Model {
                id: next_id(),
                subject_kind: AwardSubject::Individual,
                subject_id: id,
                year,
                rating,
                decision_ref: None,
                created_at: now,
            });
            if rating == DutyRatingLevel::Completed {
                continue;
            }
            awards.push(award(
                id,
                versions[&("LAO_DONG_TIEN_TIEN", year)],
                "LAO_DONG_TIEN_TIEN",
                year,
                year,
                next_id(),
            ));
            if rng.below(5) == 0 || n == 1 {
                let initiative = next_id();
                initiatives.push(initiative::Model {
                    id: initiative,
                    title: format!("Sáng kiến {n}/{year}"),
                    kind: InitiativeKind::Initiative,
                    unit_id: unit,
                    scope: InitiativeScope::Base,
                    recognition_decision: format!("{n}/QĐ-HĐSK-{year}"),
                    recognised_on: NaiveDate::from_ymd_opt(year, 10, 1).unwrap_or_default(),
                    created_at: now,
                });
                authors.push(initiative_author::Model {
                    initiative_id: initiative,
                    person_id: id,
                    share_percent: None,
                });
                awards.push(award(
                    id,
                    versions[&("CSTD_CO_SO", year)],
                    "CSTD_CO_SO",
                    year,
                    year,
                    next_id(),
                ));
            }
        }
    }
    insert_all(db, &people).await?;
    insert_all(db, &employments).await?;
    insert_all(db, &ratings).await?;
    insert_all(db, &awards).await?;
    insert_all(db, &initiatives).await?;
    insert_all(db, &authors).await?;
    println!(
        "generated {} people with {} ratings, {} award records and {} initiatives",
        people.len(),
        ratings.len(),
        awards.len(),
        initiatives.len()
    );
    Ok(people)
}

/// Q8's round: the id of the generated movement's round.
const NOMINATION_ROUND: Uuid = Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0fff_0001);
/// Nominations in Q8's round (a province's sơ kết).
const NOMINATIONS: usize = 5_000;
/// Q8: a round's first page of nominations with counts by state, as an emulation office's
/// dashboard asks for it.
const NOMINATIONS_QUERY: &str = "query($r: ID) { nominations(first: 50, filter: { roundId: $r }) { totalCount countsByState { state count } nodes { nomineeName state awardType { name } nominatingUnit { name } holder { name } } } }";

/// A movement of the province with one round and 5 000 nominations of its people, in every
/// state (a twelfth each), those past the unit's council held by the unit above.
async fn load_nominations(
    db: &sea_orm::DatabaseConnection,
    units: &[unit::Model],
    people: &[person::Model],
) -> anyhow::Result<usize> {
    use api::domain::emulation::catalogue::in_force;
    let now = Utc::now();
    let top = units
        .iter()
        .find(|u| u.parent_id.is_none())
        .context("a top unit")?;
    let parents: std::collections::HashMap<Uuid, Option<Uuid>> =
        units.iter().map(|u| (u.id, u.parent_id)).collect();
    let movement = emulation_movement::Model {
        id: Uuid::from_u128(0x0192_0000_0000_7000_8000_0000_0fff_0000),
        plan_id: None,
        launcher_unit_id: top.id,
        level: MovementLevel::Province,
        name: "Phong trào thi đua sinh tự động".into(),
        kind: MovementKind::Regular,
        parent_movement_id: None,
        starts_on: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or_default(),
        ends_on: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
        subjects: "INDIVIDUAL,COLLECTIVE".into(),
        collective_criteria: None,
        individual_criteria: None,
        registration_rule: RegistrationRule::Warn,
        search_text: "phong trao thi dua sinh tu dong".into(),
        version: 1,
        created_by: None,
        created_at: now,
        updated_at: now,
    };
    let codes = ["GIAY_KHEN_GIAM_DOC_SO", "BANG_KHEN_TINH", "CSTD_CO_SO"];
    let window_end = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default();
    let mut versions = Vec::new();
    for code in codes {
        versions.push(
            in_force(db, code, window_end)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .with_context(|| format!("{code} in force"))?
                .model,
        );
    }
    let round = emulation_round::Model {
        id: NOMINATION_ROUND,
        movement_id: movement.id,
        kind: RoundKind::Annual,
        name: "Xét khen thưởng năm 2024".into(),
        achievement_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
        achievement_to: window_end,
        opens_on: NaiveDate::from_ymd_opt(2024, 12, 1).unwrap_or_default(),
        closes_on: NaiveDate::from_ymd_opt(2025, 1, 31).unwrap_or_default(),
        award_codes: codes.join(","),
        quotas: json!([]),
        version: 1,
        created_by: None,
        created_at: now,
        updated_at: now,
    };
    let states: Vec<NominationState> = <NominationState as sea_orm::Iterable>::iter().collect();
    let open = [
        NominationState::Draft,
        NominationState::UnitReview,
        NominationState::Returned,
        NominationState::Forwarded,
        NominationState::Appraisal,
        NominationState::SupplementRequested,
        NominationState::PublicConsultation,
        NominationState::PendingDecision,
    ];
    let moved = [
        NominationState::Forwarded,
        NominationState::Appraisal,
        NominationState::SupplementRequested,
        NominationState::Rejected,
    ];
    let nominations: Vec<nomination::Model> = people
        .iter()
        .take(NOMINATIONS)
        .enumerate()
        .map(|(i, p)| {
            let version = &versions[i % versions.len()];
            let state = states[i % states.len()];
            let holder = if moved.contains(&state) {
                parents
                    .get(&p.unit_id)
                    .copied()
                    .flatten()
                    .unwrap_or(p.unit_id)
            } else {
                p.unit_id
            };
            let at = now - chrono::Duration::seconds(i as i64);
            nomination::Model {
                id: Uuid::from_u128(0x0192_0000_0000_7000_8000_0001_0000_0000 | i as u128),
                round_id: round.id,
                movement_id: movement.id,
                nominee_kind: AwardSubject::Individual,
                nominee_id: p.id,
                award_type_id: version.id,
                award_code: version.code.clone(),
                achievement_from: round.achievement_from,
                achievement_to: round.achievement_to,
                achievement_kind: AchievementKind::Regular,
                nominating_unit_id: p.unit_id,
                holder_unit_id: holder,
                route_step: i32::from(holder != p.unit_id),
                state,
                summary: format!("Thành tích năm 2024 của {}", p.full_name),
                initiative_ids: String::new(),
                supplement_request: None,
                consultation_posted_on: None,
                consultation_closes_on: None,
                consultation_channel: None,
                decision_id: None,
                awarded_type_id: None,
                warnings: json!([]),
                open_marker: open.contains(&state).then_some(1),
                search_text: search_text([Some(p.full_name.as_str()), Some(version.name.as_str())]),
                version: 1,
                created_by: None,
                created_at: at,
                updated_at: at,
            }
        })
        .collect();
    insert_all(db, &[movement]).await?;
    insert_all(db, &[round]).await?;
    insert_all(db, &nominations).await?;
    println!("generated {} nominations in one round", nominations.len());
    Ok(nominations.len())
}

/// Q8's statement: the page of 50 cut first, then its nominees, award types and units looked up
/// by key; the total and the counts by state from the round's index.
fn nominations_ceiling_sql(round: Uuid) -> String {
    let order = <NominationState as sea_orm::Iterable>::iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "WHEN '{}' THEN {i}",
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "SELECT json_build_object('data', json_build_object('nominations', json_build_object(\
         'totalCount', (SELECT count(*) FROM nomination WHERE round_id = '{round}'), \
         'countsByState', (SELECT json_agg(json_build_object('state', c.state, 'count', c.n) ORDER BY CASE c.state {order} END) \
            FROM (SELECT state, count(*) AS n FROM nomination WHERE round_id = '{round}' GROUP BY state) c), \
         'nodes', COALESCE(json_agg(json_build_object('nomineeName', (SELECT p.full_name FROM person p WHERE p.id = x.nominee_id), \
            'state', x.state, 'awardType', json_build_object('name', (SELECT t.name FROM award_type t WHERE t.id = x.award_type_id)), \
            'nominatingUnit', json_build_object('name', (SELECT u.name FROM unit u WHERE u.id = x.nominating_unit_id)), \
            'holder', json_build_object('name', (SELECT u.name FROM unit u WHERE u.id = x.holder_unit_id))) \
            ORDER BY x.created_at DESC, x.id DESC), '[]'::json)))) \
         FROM (SELECT n.id, n.nominee_id, n.state, n.award_type_id, n.nominating_unit_id, n.holder_unit_id, n.created_at \
            FROM nomination n WHERE n.round_id = '{round}' ORDER BY n.created_at DESC, n.id DESC LIMIT 50) x;"
    )
}

async fn load(url: &str, data: &Dataset, extra: &targets::Extra) -> anyhow::Result<()> {
    let settings = api::config::Settings::new(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        Some(url.to_owned()),
    );
    let (db, _) = api::db::connect(&settings).await?;
    api::db::migrate(&db).await?;
    let started = Instant::now();
    // Generated parents first, so every chunk finds its parents already stored.
    insert_all(&db, &data.units).await?;
    insert_all(&db, &data.groups).await?;
    insert_all(&db, &data.plans).await?;
    insert_all(&db, &data.tasks).await?;
    insert_all(&db, &data.assignments).await?;
    insert_all(&db, &data.progress).await?;
    insert_all(&db, &data.regimes).await?;
    insert_all(&db, &data.deadlines).await?;
    insert_all(&db, &data.submissions).await?;
    let people = load_people(&db, &data.units).await?;
    load_nominations(&db, &data.units, &people).await?;
    insert_all(&db, &extra.targets).await?;
    insert_all(&db, &extra.groups).await?;
    insert_all(&db, &extra.rows).await?;
    insert_all(&db, &extra.assignments).await?;
    insert_all(&db, &extra.events).await?;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // As autovacuum would have by then: statistics, and the visibility map index-only scans need.
        db.execute_unprepared("VACUUM ANALYZE").await?;
    }
    db.close().await?;
    println!(
        "generated {} units, {} plans, {} tasks, {} assignments, {} progress updates, {} regimes, {} reports, {} targets ({} breakdown rows), {} audit events in {:.1} s",
        data.units.len(),
        data.plans.len(),
        data.tasks.len(),
        data.assignments.len(),
        data.progress.len(),
        data.regimes.len(),
        data.submissions.len(),
        extra.targets.len(),
        extra.rows.len(),
        extra.events.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the release server. On PostgreSQL its pool has `pool_size` connections; SQLite keeps
/// the server's default (each SQLite connection has its own page cache).
fn start_server(
    url: &str,
    data_dir: &std::path::Path,
    pool_size: usize,
    default_limits: bool,
) -> anyhow::Result<Server> {
    let pool = url.starts_with("postgres").then(|| pool_size.to_string());
    let exe = std::env::current_exe()?.with_file_name("api");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut command = Command::new(&exe);
    if let Some(pool) = pool {
        command.env("APP_POOL_SIZE", pool);
    }
    if !default_limits {
        // The load comes from one address at a thousand requests a second: the rate limit is
        // set out of its way but still checked on every request (its cost is measured).
        command
            .env("APP_RATE_ANONYMOUS", "1000000000")
            .env("APP_RATE_ANONYMOUS_BURST", "2000000000")
            // Q7 is asked by one signed-in administrator.
            .env("APP_RATE_PRINCIPAL", "1000000000")
            .env("APP_RATE_PRINCIPAL_BURST", "2000000000");
    }
    let child = command
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            url,
            "--log-format",
            "json",
        ])
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| {
            format!(
                "cannot start {} (build it: cargo build --release -p api -p bench)",
                exe.display()
            )
        })?;
    Ok(Server {
        child,
        address: format!("http://127.0.0.1:{port}"),
    })
}

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn statements(client: &reqwest::Client, address: &str) -> u64 {
    let text = match client.get(format!("{address}/metrics")).send().await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    text.lines()
        .find(|l| l.starts_with("sql_statements_total "))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[derive(Clone)]
struct Figures {
    name: &'static str,
    rps: f64,
    p50: f64,
    p99: f64,
    statements: f64,
    errors: u64,
    /// CPU time per answered request, in milliseconds.
    cpu: Option<cpu::Spent>,
}

/// What one query's rounds measured: the API's figures and, on PostgreSQL, its SQL ceiling.
struct Measured {
    figures: Figures,
    ceiling: Option<Ceiling>,
}

/// Failed requests shown so far (the first few of a run are printed, so that an error count
/// comes with what the errors were).
static FAILURES_SHOWN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
const FAILURES_TO_SHOW: usize = 5;

/// Whether `answer` answered without errors (a write: also without user errors); the first
/// few failures are printed to stderr with their status and body, or the transport's error.
fn succeeded(what: &str, answer: std::io::Result<wire::Answer<'_>>, write: bool) -> bool {
    let show = |detail: String| {
        let shown = FAILURES_SHOWN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if shown < FAILURES_TO_SHOW {
            eprintln!("{what}: a request failed: {detail}");
        }
    };
    let holds = |b: &[u8], text: &[u8]| b.windows(text.len()).any(|w| w == text);
    match answer {
        Ok(answer) => {
            let body = answer.body;
            let ok = (200..300).contains(&answer.status)
                && !holds(body, b"\"errors\":")
                && (!write || holds(body, b"\"userErrors\":[]"));
            if !ok {
                let shown = String::from_utf8_lossy(&body[..body.len().min(600)]).into_owned();
                show(format!("{}: {shown}", answer.status));
            }
            ok
        }
        Err(error) => {
            show(format!("{error:?}"));
            false
        }
    }
}

/// Drives `body` at the configured concurrency: a warm-up, then `rounds` rounds, each followed
/// by a round of the SQL ceiling (`ceiling_sql` through pgbench) when there is one.
async fn drive(
    client: &reqwest::Client,
    server: &Server,
    name: &'static str,
    body: Value,
    ceiling: Option<(&str, &str)>,
    args: &Args,
    bearer: Option<&str>,
) -> anyhow::Result<Measured> {
    let request = Arc::new(wire::post_graphql(
        &server.address,
        bearer,
        &serde_json::to_vec(&body)?,
    ));
    let run = |duration: Duration| {
        let mut handles = Vec::new();
        for _ in 0..args.concurrency {
            let request = request.clone();
            let mut wire = wire::Wire::new(&server.address);
            handles.push(tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0u64);
                let end = Instant::now() + duration;
                while Instant::now() < end {
                    let started = Instant::now();
                    let ok = succeeded(name, wire.send(&request).await, false);
                    if ok {
                        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            }));
        }
        handles
    };
    for handle in run(Duration::from_secs((args.seconds / 5).max(1))) {
        handle.await?;
    }
    let rounds = args.rounds.max(1);
    let slice = (args.seconds / rounds).max(1);
    let (mut latencies, mut errors, mut elapsed, mut statements_sent) = (Vec::new(), 0, 0.0, 0);
    let mut ceilings = Vec::new();
    let mut spent = cpu::Spent::default();
    for _ in 0..rounds {
        let before = statements(client, &server.address).await;
        let cpu_before = cpu::Spent::now(Some(server.child.id()));
        let started = Instant::now();
        for handle in run(Duration::from_secs(slice)) {
            let (l, e) = handle.await?;
            latencies.extend(l);
            errors += e;
        }
        elapsed += started.elapsed().as_secs_f64();
        spent = spent.add(cpu::Spent::now(Some(server.child.id())).since(cpu_before));
        statements_sent += statements(client, &server.address).await - before;
        if let Some((url, sql)) = ceiling {
            ceilings.push(pgbench(url, sql, slice, args)?);
        }
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| percentile(&latencies, q);
    let count = latencies.len().max(1) as f64;
    Ok(Measured {
        figures: Figures {
            name,
            rps: latencies.len() as f64 / elapsed,
            p50: at(0.50),
            p99: at(0.99),
            statements: statements_sent as f64 / count,
            errors,
            cpu: Some(spent.per(latencies.len() + errors as usize)),
        },
        ceiling: Ceiling::merge(ceilings),
    })
}

/// The year of the busiest unit's scorecard (Q5).
const SCORECARD_YEAR: i32 = 2022;

/// The day the province's reminders are asked for (Q6).
const REMINDERS_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2022, 6, 25) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The hand-written single statements (PostgreSQL), same JSON and same rules as the API.
fn ceiling_sql(plan: Uuid, unit: Uuid) -> [(&'static str, String); 3] {
    // Q1 looks each assignment's unit up by its key (an index probe per assignment): joined
    // (`LEFT JOIN unit`), PostgreSQL hash-joined the whole unit table for every task, 1.8 times
    // slower (bench/ceilings/README.md).
    // Each statement cuts its page first and builds the JSON of those rows only: written with
    // the JSON inside the `LIMIT`ed subquery, PostgreSQL built Q2's objects (and joined their
    // issuers) for all 300 plans before keeping 20, a third of the speed.
    let q1 = format!(
        "SELECT json_build_object('data', json_build_object('plan', json_build_object('tasks', json_build_object('nodes', \
         COALESCE(json_agg(json_build_object('code', tk.code, 'title', tk.title, 'status', tk.status, \
         'assignments', (SELECT COALESCE(json_agg(json_build_object('role', a.role, 'unit', (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = a.unit_id)) ORDER BY a.position), '[]'::json) \
            FROM assignment a WHERE a.task_id = tk.id), \
         'latestProgress', (SELECT json_build_object('percent', p.percent, 'reportedAt', p.reported_at) FROM progress_update p \
            WHERE p.task_id = tk.id ORDER BY p.reported_at DESC, p.id DESC LIMIT 1)) ORDER BY tk.position), '[]'::json))))) \
         FROM (SELECT tk.id, tk.position, tk.code, tk.title, tk.status FROM task tk WHERE tk.plan_id = '{plan}' \
         AND (SELECT vp.status <> 'DRAFT' AND NOT vp.confidential FROM plan vp WHERE vp.id = '{plan}') ORDER BY tk.position LIMIT 50) tk;"
    );
    let q2 = "SELECT json_build_object('data', json_build_object('plans', json_build_object('totalCount', (SELECT count(*) FROM plan WHERE status <> 'DRAFT'), \
         'nodes', COALESCE(json_agg(json_build_object('documentNumber', x.document_number, 'title', x.title, 'issuedOn', x.issued_on, \
         'status', x.status, 'issuer', json_build_object('name', u.name)) ORDER BY x.issued_on DESC NULLS LAST, x.id DESC), '[]'::json)))) \
         FROM (SELECT p.id, p.document_number, p.title, p.issued_on, p.status, p.issuer_id FROM plan p \
         WHERE p.status <> 'DRAFT' ORDER BY p.issued_on DESC NULLS LAST, p.id DESC LIMIT 20) x JOIN unit u ON u.id = x.issuer_id;"
        .to_owned();
    let q3 = format!(
        "SELECT json_build_object('data', json_build_object('unit', json_build_object('tasks', json_build_object('nodes', \
         COALESCE(json_agg(json_build_object('code', tk.code, 'title', tk.title, 'latestProgress', (SELECT json_build_object('percent', p.percent) \
         FROM progress_update p WHERE p.task_id = tk.id ORDER BY p.reported_at DESC, p.id DESC LIMIT 1)) ORDER BY tk.plan_id, tk.position), '[]'::json))))) \
         FROM (SELECT tk.id, tk.plan_id, tk.position, tk.code, tk.title FROM task tk \
         WHERE tk.id IN (SELECT a.task_id FROM assignment a WHERE a.unit_id = '{unit}' \
         UNION ALL SELECT a.task_id FROM assignment a WHERE a.group_id IN \
         (SELECT g.id FROM unit_group g JOIN unit u ON u.parent_id = g.parent_unit_id WHERE u.id = '{unit}')) \
         AND tk.plan_id <> ALL (ARRAY(SELECT vp.id FROM plan vp WHERE vp.status = 'DRAFT')) \
         ORDER BY tk.plan_id, tk.position LIMIT 100) tk;"
    );
    [
        ("Q1 dashboard", q1),
        ("Q2 list", q2),
        ("Q3 unit progress", q3),
    ]
}

/// The words of Q9's search (folded as the API folds them: "an toàn thực phẩm", one task in
/// ten).
const SEARCH: &str = "an toan thuc pham";

/// A narrower search for the scale test ("nâng cấp … chuyển đổi số", one task in a hundred).
const NARROW_SEARCH: &str = "nang cap chuyen doi so";

/// The tasks an anonymous caller reads: those of issued plans that are not confidential,
/// written as "not in a hidden plan" (an array of the few drafts and confidential plans, read
/// once): as "in a visible plan" PostgreSQL hash-joined every match to the plans before cutting
/// the page (bench/ceilings/alternatives/Q9-visible-plans.txt).
const VISIBLE_TASK: &str = "t.plan_id <> ALL (ARRAY(SELECT vp.id FROM plan vp WHERE vp.status = 'DRAFT' OR vp.confidential))";

/// One assignment list as JSON (each unit looked up by its key), for task `tk`.
const ASSIGNMENTS_JSON: &str = "(SELECT COALESCE(json_agg(json_build_object('role', a.role, 'unit', \
     (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = a.unit_id)) ORDER BY a.position), '[]'::json) \
     FROM assignment a WHERE a.task_id = tk.id)";

/// Q9: the first 20 tasks whose folded text holds every word, with their total, plan, issuer and
/// assignments.
fn search_ceiling_sql(search: &str) -> String {
    let matches = search
        .split_whitespace()
        .map(|w| format!("t.search_text LIKE '%{w}%'"))
        .collect::<Vec<_>>()
        .join(" AND ");
    format!(
        "SELECT json_build_object('data', json_build_object('tasks', json_build_object(\
         'totalCount', (SELECT count(*) FROM task t WHERE {matches} AND {VISIBLE_TASK}), \
         'nodes', COALESCE(json_agg(json_build_object('code', tk.code, 'title', tk.title, \
         'plan', (SELECT json_build_object('title', p.title, 'issuer', (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = p.issuer_id)) \
            FROM plan p WHERE p.id = tk.plan_id), \
         'assignments', {ASSIGNMENTS_JSON}) ORDER BY tk.plan_id, tk.position, tk.id), '[]'::json)))) \
         FROM (SELECT t.id, t.plan_id, t.position, t.code, t.title FROM task t WHERE {matches} AND {VISIBLE_TASK} \
         ORDER BY t.plan_id, t.position, t.id LIMIT 20) tk;"
    )
}

/// Q10: the first 50 units by name with their total, parent and first 10 children. The
/// children of the page's units are numbered in one window over all of them (one scan of the
/// parent index), not read by a `LIMIT 10` subquery per unit: 1.4 against 2.9 ms
/// (bench/ceilings/alternatives/Q10-per-unit.txt).
fn units_ceiling_sql() -> String {
    "WITH x AS (SELECT id, code, name, parent_id FROM unit ORDER BY name, id LIMIT 50), \
     kids AS (SELECT c.parent_id, json_agg(json_build_object('name', c.name) ORDER BY c.name, c.id) AS nodes, max(c.total) AS total \
       FROM (SELECT c.parent_id, c.id, c.name, row_number() OVER (PARTITION BY c.parent_id ORDER BY c.name, c.id) AS rn, \
             count(*) OVER (PARTITION BY c.parent_id) AS total \
             FROM unit c WHERE c.parent_id IN (SELECT id FROM x)) c WHERE c.rn <= 10 GROUP BY c.parent_id) \
     SELECT json_build_object('data', json_build_object('units', json_build_object('totalCount', (SELECT count(*) FROM unit), \
     'nodes', COALESCE(json_agg(json_build_object('code', x.code, 'name', x.name, \
       'parent', (SELECT json_build_object('name', p.name) FROM unit p WHERE p.id = x.parent_id), \
       'children', json_build_object('totalCount', COALESCE(k.total, 0), 'nodes', COALESCE(k.nodes, '[]'::json))) \
     ORDER BY x.name, x.id), '[]'::json)))) \
     FROM x LEFT JOIN kids k ON k.parent_id = x.id;"
        .to_owned()
}

/// Q11 and Q12: 20 tasks in document order from the start, or after the row whose keys
/// (plan, position, id) are given (the deep page's cursor).
fn task_page_ceiling_sql(after: Option<(Uuid, i32, Uuid)>) -> String {
    let after = after.map_or(String::new(), |(plan, position, id)| {
        format!(" AND (t.plan_id, t.position, t.id) > ('{plan}', {position}, '{id}')")
    });
    format!(
        "SELECT json_build_object('data', json_build_object('tasks', json_build_object('nodes', \
         COALESCE(json_agg(json_build_object('code', tk.code, 'title', tk.title, 'status', tk.status) \
         ORDER BY tk.plan_id, tk.position, tk.id), '[]'::json)))) \
         FROM (SELECT t.id, t.plan_id, t.position, t.code, t.title, t.status FROM task t WHERE {VISIBLE_TASK}{after} \
         ORDER BY t.plan_id, t.position, t.id LIMIT 20) tk;"
    )
}

/// The target a query is held to, and whether it met it: at least 60 % of its statement's
/// throughput with a p99 at most 1.5 times the statement's under the same load (performance
/// II); without a statement (SQLite), a p99 of 100 ms.
fn target(f: &Figures, ceiling: Option<&Ceiling>) -> String {
    let (rule, met) = match ceiling {
        Some(c) => {
            let p99 = 1.5 * c.percentile(0.99);
            (
                format!("≥ 60 %, p99 ≤ {p99:.1} ms"),
                f.rps >= 0.6 * c.rps && f.p99 <= p99,
            )
        }
        None => ("p99 ≤ 100 ms".to_owned(), f.p99 <= 100.0),
    };
    format!("{rule}: {}", if met { "met" } else { "not met" })
}

/// Makes (the migration's) or drops the trigram index of the task search.
async fn trigram_index(url: &str, present: bool) -> anyhow::Result<()> {
    let db = Database::connect(url).await?;
    db.execute_unprepared(if present {
        "CREATE INDEX IF NOT EXISTS idx_task_search_trgm ON task USING gin (search_text gin_trgm_ops)"
    } else {
        "DROP INDEX IF EXISTS idx_task_search_trgm"
    })
    .await?;
    db.close().await?;
    Ok(())
}

/// Copies every task nine times into its plan (new ids, positions after the document's), for
/// 300 000 tasks: the search's scale test.
async fn grow_tasks(url: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let db = Database::connect(url).await?;
    let columns: Vec<String> = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = 'task' ORDER BY ordinal_position",
        ))
        .await?
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    let copied = columns
        .iter()
        .map(|c| match c.as_str() {
            "id" => "gen_random_uuid()".to_owned(),
            "position" => "t.position + 1000 * k".to_owned(),
            other => format!("t.\"{other}\""),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let names = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    db.execute_unprepared(&format!(
        "INSERT INTO task ({names}) SELECT {copied} FROM task t, generate_series(1, 9) AS k"
    ))
    .await?;
    db.execute_unprepared("VACUUM ANALYZE task").await?;
    db.close().await?;
    println!(
        "grew the task table tenfold in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One mixed-run client's read latencies and errors, then its write latencies (by kind) and
/// errors.
type ClientTally = (Vec<f64>, u64, Vec<(writes::Kind, f64)>, u64);

/// One request in this many of the mixed run is a write.
const WRITE_EVERY: usize = 20;

/// What the mixed run measured: the reads alone, the reads under writes, the writes, and the
/// writes of each kind.
struct Mixed {
    read_only: Figures,
    reads: Figures,
    writes: Figures,
    by_kind: Vec<Figures>,
    /// The tasks and nominations the run could edit in turn.
    versioned: (usize, usize),
}

/// Reads under writes: the dashboard mix (Q1, Q2, Q3 in turn) at full concurrency, first alone,
/// then with one request in [`WRITE_EVERY`] a write, for `args.seconds` each. The writes cycle
/// through a progress update (`submitProgress` of a task's lead unit, each on another task), a
/// task edit, another progress update and a nomination transition (see [`writes`]). A write
/// counts as an error when it comes back with an error or a `userErrors` entry.
async fn mixed(
    server: &Server,
    url: &str,
    reads: Vec<Value>,
    progress: Vec<Value>,
    bearer: &str,
    args: &Args,
) -> anyhow::Result<Mixed> {
    let requests = |bodies: Vec<Value>| -> anyhow::Result<Vec<Vec<u8>>> {
        let mut requests = Vec::new();
        for body in bodies {
            let body = serde_json::to_vec(&body)?;
            requests.push(wire::post_graphql(&server.address, Some(bearer), &body));
        }
        Ok(requests)
    };
    let reads = Arc::new(requests(reads)?);
    let writes =
        Arc::new(writes::Writes::new(url, &server.address, bearer, requests(progress)?).await?);
    let versioned = writes.keep_writable().await;
    let run = |seconds: u64, with_writes: bool| {
        let mut handles = Vec::new();
        for client_number in 0..args.concurrency {
            let (reads, writes) = (reads.clone(), writes.clone());
            let mut wire = wire::Wire::new(&server.address);
            handles.push(tokio::spawn(async move {
                let (mut read_latencies, mut write_latencies) = (Vec::new(), Vec::new());
                let (mut read_errors, mut write_errors) = (0u64, 0u64);
                let end = Instant::now() + Duration::from_secs(seconds);
                // Clients start at different points of the cycle, so writes spread over time.
                let mut i = client_number;
                while Instant::now() < end {
                    i += 1;
                    if with_writes && i % WRITE_EVERY == 0 {
                        let mut taken = writes.take();
                        let kind = taken.kind;
                        let request = std::mem::take(&mut taken.request);
                        let started = Instant::now();
                        let answer = wire.send(&request).await;
                        let ms = started.elapsed().as_secs_f64() * 1000.0;
                        let body = answer.as_ref().ok().map(|a| a.body);
                        let kept = writes.finish(taken, body);
                        if succeeded("Mixed: writes", answer, true) && kept {
                            write_latencies.push((kind, ms));
                        } else {
                            write_errors += 1;
                        }
                        continue;
                    }
                    let started = Instant::now();
                    let ok = succeeded(
                        "Mixed: reads",
                        wire.send(&reads[i % reads.len()]).await,
                        false,
                    );
                    let ms = started.elapsed().as_secs_f64() * 1000.0;
                    match ok {
                        true => read_latencies.push(ms),
                        false => read_errors += 1,
                    }
                }
                (read_latencies, read_errors, write_latencies, write_errors)
            }));
        }
        handles
    };
    let figures = |name: &'static str, mut latencies: Vec<f64>, errors: u64, seconds: f64| {
        latencies.sort_by(f64::total_cmp);
        Figures {
            name,
            rps: latencies.len() as f64 / seconds,
            p50: percentile(&latencies, 0.50),
            p99: percentile(&latencies, 0.99),
            statements: 0.0,
            errors,
            cpu: None,
        }
    };
    let collect = |handles: Vec<tokio::task::JoinHandle<ClientTally>>| async move {
        let (mut r, mut re, mut w, mut we) = (Vec::new(), 0, Vec::new(), 0);
        for handle in handles {
            let (rl, rerr, wl, werr) = handle.await?;
            r.extend(rl);
            re += rerr;
            w.extend(wl);
            we += werr;
        }
        anyhow::Ok((r, re, w, we))
    };
    collect(run((args.seconds / 5).max(1), false)).await?;
    let seconds = args.seconds.max(1);
    let started = Instant::now();
    let (reads_alone, errors_alone, _, _) = collect(run(seconds, false)).await?;
    let elapsed_alone = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let (reads_mixed, errors_mixed, write_latencies, write_errors) =
        collect(run(seconds, true)).await?;
    let elapsed_mixed = started.elapsed().as_secs_f64();
    let by_kind = [
        writes::Kind::Progress,
        writes::Kind::TaskEdit,
        writes::Kind::NominationStep,
    ]
    .into_iter()
    .map(|kind| {
        let latencies = write_latencies
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, ms)| *ms)
            .collect();
        figures(kind.label(), latencies, 0, elapsed_mixed)
    })
    .collect();
    Ok(Mixed {
        read_only: figures("reads alone", reads_alone, errors_alone, elapsed_alone),
        reads: figures(
            "reads under writes",
            reads_mixed,
            errors_mixed,
            elapsed_mixed,
        ),
        writes: figures(
            "writes",
            write_latencies.into_iter().map(|(_, ms)| ms).collect(),
            write_errors,
            elapsed_mixed,
        ),
        by_kind,
        versioned,
    })
}

/// Q11 and Q12: a page of 20 tasks in document order, as an anonymous portal lists them.
const TASK_PAGE_QUERY: &str =
    "query($after: String) { tasks(first: 20, after: $after) { nodes { code title status } } }";

/// Pages of 100 before Q12's page: it starts after the 10 000th task.
const DEEP_PAGES: usize = 100;

/// The sort keys (plan, position, id) of the 10 000th task an anonymous caller reads.
async fn deep_keys(url: &str) -> anyhow::Result<(Uuid, i32, Uuid)> {
    let db = Database::connect(url).await?;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            format!(
                "SELECT t.plan_id, t.position, t.id FROM task t WHERE {VISIBLE_TASK} \
                 ORDER BY t.plan_id, t.position, t.id OFFSET {} LIMIT 1",
                DEEP_PAGES * 100 - 1
            ),
        ))
        .await?
        .context("fewer than 10 000 visible tasks")?;
    let keys = (
        row.try_get_by_index(0)?,
        row.try_get_by_index(1)?,
        row.try_get_by_index(2)?,
    );
    db.close().await?;
    Ok(keys)
}

/// A reused PostgreSQL database as a fresh one starts: the runs before updated the same tasks
/// and nominations thousands of times (the mixed run), and a run started before autovacuum
/// reached them read their dead rows (Q8's statement and page once ran at half speed, alike).
async fn settle(url: &str) -> anyhow::Result<()> {
    if !url.starts_with("postgres") {
        return Ok(());
    }
    let db = sea_orm::Database::connect(url).await?;
    db.execute_unprepared("VACUUM ANALYZE").await?;
    db.close().await?;
    Ok(())
}

/// Writes `EXPLAIN (ANALYZE, BUFFERS)` of each ceiling statement to `dir/<query>.txt`.
async fn explain(url: &str, dir: &str, statements: &[(&str, &str)]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let db = Database::connect(url).await?;
    for (name, sql) in statements {
        // Once to warm the caches, once measured.
        let explain = format!("EXPLAIN (ANALYZE, BUFFERS) {}", sql.trim_end_matches(';'));
        let statement =
            || sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Postgres, explain.clone());
        db.query_all_raw(statement()).await?;
        let lines: Vec<String> = db
            .query_all_raw(statement())
            .await?
            .iter()
            .filter_map(|row| row.try_get_by_index::<String>(0).ok())
            .collect();
        let file = name.split_whitespace().next().unwrap_or(name);
        std::fs::write(
            std::path::Path::new(dir).join(format!("{file}.txt")),
            format!("-- {name}\n{}\n\n{}\n", sql, lines.join("\n")),
        )?;
    }
    db.close().await?;
    Ok(())
}

/// The API's timeliness class of task `t` on `as_of` (`planning::task::timeliness`), in SQL.
fn timeliness_sql(as_of: NaiveDate) -> String {
    format!(
        "CASE WHEN t.status = 'CANCELLED' THEN 'CANCELLED' \
         WHEN t.status = 'WAITING_TRIGGER' THEN 'AWAITING_TRIGGER' \
         WHEN t.status = 'COMPLETED' AND t.completed_on IS NULL THEN 'COMPLETED_ON_TIME' \
         WHEN t.status = 'COMPLETED' AND t.completed_on <= DATE '{as_of}' THEN \
         CASE WHEN t.completed_on > t.due_on THEN 'COMPLETED_LATE' ELSE 'COMPLETED_ON_TIME' END \
         WHEN t.due_on IS NULL THEN 'NO_DEADLINE' \
         WHEN DATE '{as_of}' <= t.due_on THEN 'OPEN_WITHIN_DEADLINE' \
         ELSE 'OPEN_OVERDUE' END"
    )
}

/// The day figures are taken on (a period's last day, or today while it runs, as the API
/// does) and the next, whose midnight in Việt Nam ends it.
fn as_of_and_next_day(year: i32, month: u32, day: u32) -> (NaiveDate, NaiveDate) {
    let as_of = NaiveDate::from_ymd_opt(year, month, day)
        .unwrap_or_default()
        .min((Utc::now() + chrono::Duration::hours(7)).date_naive());
    (as_of, as_of + chrono::Duration::days(1))
}

/// The hand-written statement of `planProgress(planId, period: "<year>Q2")` (PostgreSQL): the
/// plan's tasks by timeliness with their newest percent as of the quarter's last day (100 once
/// completed), by area, its regimes' reports for the quarter under the bench's rules (the due
/// day rolled forward over the calendar; who reports through a group; sent by the end of that
/// day, on time or late) with the missing and pending units by name, and its targets' newest
/// value judged by their comparator, as the API's JSON.
fn plan_progress_ceiling_sql(plan: Uuid, year: i32) -> String {
    let (as_of, next_day) = as_of_and_next_day(year, 6, 30);
    let timeliness = timeliness_sql(as_of);
    format!(
        "WITH pl AS ( \
         SELECT id, issued_on FROM plan WHERE id = '{plan}' AND status <> 'DRAFT' \
         ), tk AS ( \
         SELECT t.id, t.area_id, \
         {timeliness} AS class \
         FROM task t WHERE t.plan_id = (SELECT id FROM pl) \
         ), pc AS ( \
         SELECT tk.area_id, CASE WHEN tk.class IN ('COMPLETED_ON_TIME', 'COMPLETED_LATE') THEN 100 \
         ELSE COALESCE((SELECT p.percent FROM progress_update p WHERE p.task_id = tk.id \
         AND p.reported_at < TIMESTAMPTZ '{next_day} 00:00:00+07' ORDER BY p.reported_at DESC, p.id DESC LIMIT 1), 0) END::float8 AS percent \
         FROM tk WHERE tk.class <> 'CANCELLED' \
         ), rows AS ( \
         SELECT r.position, d.level, d.position AS row_position, d.id, d.regime_id, d.reporter_unit_id, d.reporter_group_id, \
         CASE WHEN COALESCE((d.rule->>'rollForward')::boolean, true) THEN \
         (SELECT b.base + k FROM generate_series(0, 30) k LEFT JOIN calendar_day cd ON cd.day = b.base + k \
         WHERE COALESCE(cd.kind = 'WORKING_DAY', extract(isodow FROM b.base + k) < 6) ORDER BY k LIMIT 1) \
         ELSE b.base END AS due_on \
         FROM reporting_regime r JOIN reporting_deadline d ON d.regime_id = r.id AND d.rule->>'kind' = 'DAY_OF_LAST_MONTH' \
         CROSS JOIN LATERAL (SELECT make_date({year}, 6, (d.rule->>'day')::int) \
         - CASE WHEN COALESCE((d.rule->>'inclusive')::boolean, true) THEN 0 ELSE 1 END AS base) b \
         WHERE r.plan_id = (SELECT id FROM pl) AND r.frequency = 'QUARTER' \
         AND (r.period_keys IS NULL OR r.period_keys::jsonb ? 'Q2') AND (d.period_keys IS NULL OR d.period_keys::jsonb ? 'Q2') \
         ), expected AS ( \
         SELECT rw.id AS row_id, m.id AS unit_id, m.name, \
         (SELECT s.is_late FROM report_submission s WHERE s.regime_id = rw.regime_id AND s.period_code = '{year}Q2' \
         AND s.level = rw.level AND s.reporting_unit_id = m.id AND s.status <> 'DRAFT' \
         AND s.first_submitted_at < TIMESTAMPTZ '{next_day} 00:00:00+07') AS late, \
         EXISTS (SELECT 1 FROM report_submission s WHERE s.regime_id = rw.regime_id AND s.period_code = '{year}Q2' \
         AND s.level = rw.level AND s.reporting_unit_id = m.id AND s.status <> 'DRAFT' \
         AND s.first_submitted_at < TIMESTAMPTZ '{next_day} 00:00:00+07') AS sent \
         FROM rows rw CROSS JOIN LATERAL ( \
         SELECT u.id, u.name FROM unit u WHERE u.id = rw.reporter_unit_id \
         UNION \
         SELECT u.id, u.name FROM unit_group g JOIN unit u ON u.parent_id = g.parent_unit_id \
         WHERE g.id = rw.reporter_group_id AND (g.unit_kinds = '' OR u.kind = ANY (string_to_array(g.unit_kinds, ','))) \
         AND (u.active_from IS NULL OR u.active_from <= DATE '{as_of}') AND (u.active_to IS NULL OR u.active_to >= DATE '{as_of}') \
         AND NOT EXISTS (SELECT 1 FROM unit_group_member x WHERE x.group_id = g.id AND x.unit_id = u.id AND NOT x.included) \
         UNION \
         SELECT u.id, u.name FROM unit_group_member x JOIN unit u ON u.id = x.unit_id \
         WHERE x.group_id = rw.reporter_group_id AND x.included \
         AND (u.active_from IS NULL OR u.active_from <= DATE '{as_of}') AND (u.active_to IS NULL OR u.active_to >= DATE '{as_of}') \
         ) m \
         ) \
         SELECT json_build_object('data', json_build_object('planProgress', CASE WHEN NOT EXISTS (SELECT 1 FROM pl) THEN NULL ELSE json_build_object( \
         'percent', (SELECT (round((avg(percent) * 10)::numeric) / 10)::float8 FROM pc), \
         'taskCount', (SELECT count(*) FROM pc), \
         'timeliness', (SELECT COALESCE(json_agg(json_build_object('timeliness', x.class, 'count', x.n) \
         ORDER BY array_position(ARRAY['COMPLETED_ON_TIME', 'COMPLETED_LATE', 'OPEN_WITHIN_DEADLINE', 'OPEN_OVERDUE', 'NO_DEADLINE', 'AWAITING_TRIGGER', 'CANCELLED'], x.class)), '[]'::json) \
         FROM (SELECT class, count(*) AS n FROM tk GROUP BY class) x), \
         'areas', (SELECT COALESCE(json_agg(json_build_object('taskCount', a.n, 'percent', a.percent) ORDER BY a.area_id NULLS FIRST), '[]'::json) \
         FROM (SELECT area_id, count(*) AS n, (round((avg(percent) * 10)::numeric) / 10)::float8 AS percent FROM pc GROUP BY area_id) a), \
         'reports', (SELECT COALESCE(json_agg(json_build_object('level', rw.level, 'dueOn', rw.due_on, \
         'expected', (SELECT count(*) FROM expected e WHERE e.row_id = rw.id), \
         'onTime', (SELECT count(*) FROM expected e WHERE e.row_id = rw.id AND e.sent AND e.late IS NOT TRUE), \
         'late', (SELECT count(*) FROM expected e WHERE e.row_id = rw.id AND e.late), \
         'missing', (SELECT COALESCE(json_agg(json_build_object('name', e.name) ORDER BY e.name, e.unit_id), '[]'::json) \
         FROM expected e WHERE e.row_id = rw.id AND NOT e.sent AND rw.due_on < DATE '{as_of}'), \
         'pending', (SELECT COALESCE(json_agg(json_build_object('name', e.name) ORDER BY e.name, e.unit_id), '[]'::json) \
         FROM expected e WHERE e.row_id = rw.id AND NOT e.sent AND NOT COALESCE(rw.due_on < DATE '{as_of}', false))) \
         ORDER BY rw.position, rw.level, rw.row_position), '[]'::json) FROM rows rw), \
         'targets', (SELECT COALESCE(json_agg(json_build_object('actual', v.value, 'met', \
         CASE WHEN v.value IS NULL OR t.target_value IS NULL THEN NULL ELSE CASE COALESCE(t.comparator, 'AT_LEAST') \
         WHEN 'GREATER_THAN' THEN v.reached > t.target_value + 1e-9 \
         WHEN 'EXACTLY' THEN abs(v.reached - t.target_value) <= 1e-9 \
         WHEN 'AT_MOST' THEN v.reached <= t.target_value + 1e-9 \
         WHEN 'LESS_THAN' THEN v.reached < t.target_value - 1e-9 \
         ELSE v.reached >= t.target_value - 1e-9 END END) ORDER BY t.position), '[]'::json) \
         FROM target t LEFT JOIN LATERAL (SELECT tv.value, CASE WHEN t.change_direction = 'DECREASE' THEN -tv.value ELSE tv.value END AS reached \
         FROM target_value tv WHERE tv.target_id = t.id AND tv.breakdown_row_id IS NULL \
         AND tv.period_code = '{year}Q2' ORDER BY tv.reported_at DESC, tv.id DESC LIMIT 1) v ON true \
         WHERE t.plan_id = (SELECT id FROM pl)) \
         ) END))"
    )
}

/// The hand-written statement of `unitScorecard(unitId, year)` (PostgreSQL): the unit's tasks
/// (directly and through the groups it belongs to) by role and timeliness, its reports per
/// quarter under the bench's regimes (due day rolled forward over the calendar), and its
/// targets judged by the newest value of the year (the bench's targets have no values reported:
/// each counts as unknown, as the API counts it), as the API's JSON.
fn scorecard_ceiling_sql(unit: Uuid, year: i32) -> String {
    let (as_of, next_day) = as_of_and_next_day(year, 12, 31);
    let timeliness = timeliness_sql(as_of);
    format!(
        "WITH me AS ( \
         SELECT id, parent_id, kind FROM unit WHERE id = '{unit}' \
         AND (active_from IS NULL OR active_from <= DATE '{as_of}') AND (active_to IS NULL OR active_to >= DATE '{as_of}') \
         ), g AS ( \
         SELECT g.id FROM unit_group g, me \
         WHERE (g.parent_unit_id = me.parent_id AND (g.unit_kinds = '' OR me.kind = ANY (string_to_array(g.unit_kinds, ','))) \
         AND NOT EXISTS (SELECT 1 FROM unit_group_member x WHERE x.group_id = g.id AND x.unit_id = me.id)) \
         OR EXISTS (SELECT 1 FROM unit_group_member x WHERE x.group_id = g.id AND x.unit_id = me.id AND x.included) \
         ), covering AS ( \
         SELECT id FROM plan WHERE status <> 'DRAFT' \
         AND (period_start IS NULL OR period_start <= {year}) AND (period_end IS NULL OR period_end >= {year}) \
         ), tk AS ( \
         SELECT DISTINCT t.id, a.role, \
         {timeliness} AS class \
         FROM (SELECT task_id, role FROM assignment WHERE unit_id = (SELECT id FROM me) AND task_id IS NOT NULL \
         UNION ALL SELECT task_id, role FROM assignment WHERE group_id IN (SELECT id FROM g) AND task_id IS NOT NULL) a \
         CROSS JOIN LATERAL (SELECT t.id, t.status, t.completed_on, t.due_on FROM task t \
         JOIN plan p ON p.id = t.plan_id AND p.status <> 'DRAFT' \
         AND (p.period_start IS NULL OR p.period_start <= {year}) AND (p.period_end IS NULL OR p.period_end >= {year}) \
         WHERE t.id = a.task_id OFFSET 0) t \
         ), due AS MATERIALIZED ( \
         SELECT r.id AS regime_id, q.q, d.level, \
         CASE WHEN COALESCE((d.rule->>'rollForward')::boolean, true) THEN \
         (SELECT b.base + k FROM generate_series(0, 30) k LEFT JOIN calendar_day cd ON cd.day = b.base + k \
         WHERE COALESCE(cd.kind = 'WORKING_DAY', extract(isodow FROM b.base + k) < 6) ORDER BY k LIMIT 1) \
         ELSE b.base END AS due_on \
         FROM reporting_deadline d \
         JOIN reporting_regime r ON r.id = d.regime_id AND r.frequency = 'QUARTER' \
         JOIN covering p ON p.id = r.plan_id \
         CROSS JOIN generate_series(1, 4) q(q) \
         CROSS JOIN LATERAL (SELECT make_date({year}, 3 * q.q, (d.rule->>'day')::int) \
         - CASE WHEN COALESCE((d.rule->>'inclusive')::boolean, true) THEN 0 ELSE 1 END AS base) b \
         WHERE (d.reporter_unit_id = (SELECT id FROM me) OR d.reporter_group_id IN (SELECT id FROM g)) \
         AND d.rule->>'kind' = 'DAY_OF_LAST_MONTH' \
         AND (r.period_keys IS NULL OR r.period_keys::jsonb ? ('Q' || q.q)) \
         AND (d.period_keys IS NULL OR d.period_keys::jsonb ? ('Q' || q.q)) \
         ), reports AS ( \
         SELECT du.q, \
         count(*) FILTER (WHERE s.id IS NOT NULL AND s.is_late IS NOT TRUE) AS on_time, \
         count(*) FILTER (WHERE s.is_late) AS late, \
         count(*) FILTER (WHERE s.id IS NULL AND COALESCE(du.due_on < DATE '{as_of}', false)) AS missing, \
         count(*) FILTER (WHERE s.id IS NULL AND NOT COALESCE(du.due_on < DATE '{as_of}', false)) AS pending \
         FROM due du LEFT JOIN report_submission s ON s.regime_id = du.regime_id AND s.period_code = '{year}Q' || du.q \
         AND s.level = du.level AND s.reporting_unit_id = (SELECT id FROM me) AND s.status <> 'DRAFT' \
         AND s.first_submitted_at < TIMESTAMPTZ '{next_day} 00:00:00+07' \
         GROUP BY du.q \
         ), tg AS ( \
         SELECT DISTINCT t.id, t.comparator, t.target_value, t.change_direction \
         FROM (SELECT target_id FROM assignment WHERE unit_id = (SELECT id FROM me) AND role IN ('LEAD', 'IMPLEMENTING') \
         UNION ALL SELECT target_id FROM assignment WHERE group_id IN (SELECT id FROM g) AND role IN ('LEAD', 'IMPLEMENTING')) a \
         JOIN target t ON t.id = a.target_id \
         WHERE t.plan_id IN (SELECT id FROM covering) \
         ), verdicts AS ( \
         SELECT CASE WHEN v.value IS NULL OR tg.target_value IS NULL THEN NULL ELSE \
         CASE COALESCE(tg.comparator, 'AT_LEAST') \
         WHEN 'GREATER_THAN' THEN v.reached > tg.target_value + 1e-9 \
         WHEN 'EXACTLY' THEN abs(v.reached - tg.target_value) <= 1e-9 \
         WHEN 'AT_MOST' THEN v.reached <= tg.target_value + 1e-9 \
         WHEN 'LESS_THAN' THEN v.reached < tg.target_value - 1e-9 \
         ELSE v.reached >= tg.target_value - 1e-9 END END AS met \
         FROM tg LEFT JOIN LATERAL ( \
         SELECT tv.value, CASE WHEN tg.change_direction = 'DECREASE' THEN -tv.value ELSE tv.value END AS reached \
         FROM target_value tv WHERE tv.target_id = tg.id AND tv.breakdown_row_id IS NULL AND tv.period_code = '{year}' \
         ORDER BY tv.reported_at DESC, tv.id DESC LIMIT 1) v ON true \
         ) \
         SELECT json_build_object('data', json_build_object('unitScorecard', json_build_object( \
         'asOf', DATE '{as_of}', \
         'tasks', (SELECT COALESCE(json_agg(json_build_object('role', x.role, 'timeliness', x.class, 'count', x.n) \
         ORDER BY array_position(ARRAY['LEAD', 'COOPERATING', 'IMPLEMENTING', 'MONITORING', 'GUIDING'], x.role::text), \
         array_position(ARRAY['COMPLETED_ON_TIME', 'COMPLETED_LATE', 'OPEN_WITHIN_DEADLINE', 'OPEN_OVERDUE', 'NO_DEADLINE', 'AWAITING_TRIGGER', 'CANCELLED'], x.class)), '[]'::json) \
         FROM (SELECT role, class, count(*) AS n FROM tk GROUP BY role, class) x), \
         'reports', (SELECT COALESCE(json_agg(json_build_object('period', json_build_object('code', '{year}Q' || r.q), \
         'onTime', r.on_time, 'late', r.late, 'missing', r.missing, 'pending', r.pending) ORDER BY r.q), '[]'::json) FROM reports r), \
         'targetsMet', (SELECT json_build_object('met', count(*) FILTER (WHERE met), 'notMet', count(*) FILTER (WHERE NOT met), \
         'unknown', count(*) FILTER (WHERE met IS NULL)) FROM verdicts))))"
    )
}

/// The hand-written statement of `reminders(asOf:, first: 100)` (PostgreSQL): the same rules as
/// the API for the bench's regimes (quarterly, "ngày N tháng cuối quý" rolled forward over the
/// working-day calendar, reported through a group), the reports owed in the window and the
/// overdue tasks by their lead, the first 100 in the API's order, as its JSON.
fn reminders_ceiling_sql(as_of: NaiveDate) -> String {
    use chrono::Datelike;
    let (year, last_year) = (as_of.year(), as_of.year() - 1);
    let next_day = as_of + chrono::Duration::days(1);
    format!(
        "WITH due AS MATERIALIZED ( \
         SELECT r.id AS regime_id, y.year, q.q, d.level, d.reporter_unit_id, d.reporter_group_id, \
         CASE WHEN COALESCE((d.rule->>'rollForward')::boolean, true) THEN \
         (SELECT b.base + k FROM generate_series(0, 30) k LEFT JOIN calendar_day cd ON cd.day = b.base + k \
         WHERE COALESCE(cd.kind = 'WORKING_DAY', extract(isodow FROM b.base + k) < 6) ORDER BY k LIMIT 1) \
         ELSE b.base END AS due_on \
         FROM reporting_regime r \
         JOIN plan p ON p.id = r.plan_id AND p.status <> 'DRAFT' \
         JOIN reporting_deadline d ON d.regime_id = r.id AND d.rule->>'kind' = 'DAY_OF_LAST_MONTH' \
         CROSS JOIN generate_series({last_year}, {year}) y(year) \
         CROSS JOIN generate_series(1, 4) q(q) \
         CROSS JOIN LATERAL (SELECT make_date(y.year, 3 * q.q, (d.rule->>'day')::int) \
         - CASE WHEN COALESCE((d.rule->>'inclusive')::boolean, true) THEN 0 ELSE 1 END AS base) b \
         WHERE r.frequency = 'QUARTER' \
         AND (p.period_start IS NULL OR p.period_start <= y.year) AND (p.period_end IS NULL OR y.year <= p.period_end) \
         AND (r.period_keys IS NULL OR r.period_keys::jsonb ? ('Q' || q.q)) \
         AND (d.period_keys IS NULL OR d.period_keys::jsonb ? ('Q' || q.q)) \
         ), owed AS ( \
         SELECT du.regime_id, du.year || 'Q' || du.q AS period, du.level, du.due_on, m.unit_id \
         FROM due du \
         CROSS JOIN LATERAL ( \
         SELECT du.reporter_unit_id AS unit_id WHERE du.reporter_unit_id IS NOT NULL \
         UNION ALL \
         SELECT u.id FROM unit_group g JOIN unit u ON u.parent_id = g.parent_unit_id \
         WHERE du.reporter_unit_id IS NULL AND g.id = du.reporter_group_id \
         AND (g.unit_kinds = '' OR u.kind = ANY (string_to_array(g.unit_kinds, ','))) \
         AND (u.active_from IS NULL OR u.active_from <= DATE '{as_of}') AND (u.active_to IS NULL OR u.active_to >= DATE '{as_of}') \
         AND NOT EXISTS (SELECT 1 FROM unit_group_member x WHERE x.group_id = g.id AND x.unit_id = u.id AND NOT x.included) \
         UNION \
         SELECT u.id FROM unit_group_member x JOIN unit u ON u.id = x.unit_id \
         WHERE du.reporter_unit_id IS NULL AND x.group_id = du.reporter_group_id AND x.included \
         AND (u.active_from IS NULL OR u.active_from <= DATE '{as_of}') AND (u.active_to IS NULL OR u.active_to >= DATE '{as_of}') \
         ) m \
         WHERE du.due_on - DATE '{as_of}' BETWEEN -92 AND 14 \
         AND NOT EXISTS (SELECT 1 FROM report_submission s WHERE s.regime_id = du.regime_id \
         AND s.period_code = du.year || 'Q' || du.q AND s.level = du.level AND s.reporting_unit_id = m.unit_id \
         AND s.status <> 'DRAFT' AND s.first_submitted_at < TIMESTAMPTZ '{next_day} 00:00:00+07') \
         ), reminders AS ( \
         (SELECT 0 AS rank, o.unit_id, o.due_on, o.regime_id, o.level, o.period, NULL::uuid AS task_id FROM owed o) \
         UNION ALL \
         (SELECT 1, a.unit_id, t.due_on, NULL, NULL, NULL, t.id FROM task t \
         JOIN assignment a ON a.task_id = t.id AND a.role = 'LEAD' AND a.unit_id IS NOT NULL \
         WHERE t.due_on < DATE '{as_of}' AND t.status NOT IN ('CANCELLED', 'WAITING_TRIGGER') \
         AND (t.status <> 'COMPLETED' OR t.completed_on > DATE '{as_of}') \
         AND t.plan_id <> ALL (ARRAY(SELECT vp.id FROM plan vp WHERE vp.status = 'DRAFT')) \
         ORDER BY t.due_on, a.unit_id, t.id LIMIT 100) \
         ), page AS ( \
         SELECT * FROM reminders ORDER BY due_on, unit_id, rank, regime_id, level, period, task_id LIMIT 100 \
         ) \
         SELECT json_build_object('data', json_build_object('reminders', COALESCE(json_agg(json_build_object( \
         'kind', CASE WHEN pg.rank = 0 THEN 'REPORT' ELSE 'TASK' END, \
         'unit', (SELECT json_build_object('name', u.name) FROM unit u WHERE u.id = pg.unit_id), \
         'period', pg.period, 'level', pg.level, 'dueOn', pg.due_on, 'daysLeft', pg.due_on - DATE '{as_of}', \
         'task', (SELECT json_build_object('code', t.code) FROM task t WHERE t.id = pg.task_id)) \
         ORDER BY pg.due_on, pg.unit_id, pg.rank, pg.regime_id, pg.level, pg.period, pg.task_id), '[]'::json))) \
         FROM page pg;"
    )
}

/// The SQL ceiling of one query: pgbench's throughput and its per-transaction latencies (ms).
struct Ceiling {
    rps: f64,
    latencies: Vec<f64>,
    /// CPU time spent while pgbench ran (PostgreSQL's and pgbench's).
    spent: cpu::Spent,
}

impl Ceiling {
    /// Rounds of equal length: the mean throughput, all latencies.
    fn merge(rounds: Vec<Ceiling>) -> Option<Ceiling> {
        if rounds.is_empty() {
            return None;
        }
        let rps = rounds.iter().map(|c| c.rps).sum::<f64>() / rounds.len() as f64;
        let spent = rounds
            .iter()
            .fold(cpu::Spent::default(), |sum, c| sum.add(c.spent));
        let mut latencies: Vec<f64> = rounds.into_iter().flat_map(|c| c.latencies).collect();
        latencies.sort_by(f64::total_cmp);
        Some(Ceiling {
            rps,
            latencies,
            spent,
        })
    }

    /// CPU time per statement, in milliseconds (pgbench logs every statement it ran).
    fn cpu(&self) -> cpu::Spent {
        self.spent.per(self.latencies.len())
    }

    fn percentile(&self, q: f64) -> f64 {
        percentile(&self.latencies, q)
    }
}

fn pgbench(url: &str, sql: &str, seconds: u64, args: &Args) -> anyhow::Result<Ceiling> {
    let dir = std::env::temp_dir().join(format!("bench-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("ceiling.sql");
    std::fs::write(&script, sql)?;
    let cpu_before = cpu::Spent::now(None);
    let output = Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &args.concurrency.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            // One line per transaction (latency in µs, third field), for the percentiles.
            "-l",
            "--log-prefix",
        ])
        .arg(dir.join("latency"))
        .arg("-f")
        .arg(&script)
        .arg(url)
        .output()
        .context("pgbench is needed for the SQL ceiling (Debian: postgresql-client)")?;
    let spent = cpu::Spent::now(None).since(cpu_before);
    let mut latencies: Vec<f64> = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("latency"))
        {
            latencies.extend(
                std::fs::read_to_string(&path)?
                    .lines()
                    .filter_map(|l| l.split_whitespace().nth(2))
                    .filter_map(|v| v.parse::<f64>().ok())
                    .map(|us| us / 1000.0),
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&output.stdout);
    let rps = text
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|v| v.parse().ok())
        .with_context(|| {
            format!(
                "cannot read pgbench's output: {text} {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    Ok(Ceiling {
        rps,
        latencies,
        spent,
    })
}

/// Checks that the ceiling statement answers what the API answers (instants compared as
/// instants, numbers as numbers), so that the ceiling does the same work.
async fn same_answer(
    client: &reqwest::Client,
    server: &Server,
    name: &str,
    body: &Value,
    url: &str,
    sql: &str,
    bearer: Option<&str>,
) -> anyhow::Result<()> {
    let mut request = client
        .post(format!("{}/graphql", server.address))
        .json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let mut api: Value = request.send().await?.json().await?;
    // The answer, not the report on what it cost.
    if let Some(object) = api.as_object_mut() {
        object.remove("extensions");
    }
    let db = Database::connect(url).await?;
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql.trim_end_matches(';'),
        ))
        .await?
        .context("the ceiling statement returned no row")?;
    let ceiling: Value = row.try_get_by_index(0)?;
    db.close().await?;
    if normalised(&api) != normalised(&ceiling) {
        bail!("{name}: the ceiling statement answers\n{ceiling}\nbut the API answers\n{api}");
    }
    Ok(())
}

fn normalised(value: &Value) -> Value {
    match value {
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| json!(t.timestamp_micros()))
            .unwrap_or_else(|_| value.clone()),
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(normalised).collect()),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| (k.clone(), normalised(v)))
            .collect(),
        other => other.clone(),
    }
}

/// The `q` quantile of sorted values (0 when there are none).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0.0)
}

async fn bench(label: &str, url: &str, args: &Args, history: &mut String) -> anyhow::Result<()> {
    let data = generate();
    let plan = data
        .plans
        .iter()
        .find(|p| p.status == PlanStatus::Issued)
        .map(|p| p.id)
        .unwrap_or_default();
    let extra = targets::generate(&data, plan);
    if !args.reuse {
        load(url, &data, &extra).await?;
    } else {
        settle(url).await?;
    }
    let target_unit = targets::busiest_lead(&extra);
    drop(extra);
    // A busy unit: a health centre (assigned directly and through its department's group).
    let unit = data
        .units
        .iter()
        .find(|u| u.kind == UnitKind::HealthCentre)
        .map(|u| u.id)
        .unwrap_or_default();
    // The measured plan's year (its regime's reports are for that year's quarters).
    let progress_year = data
        .plans
        .iter()
        .find(|p| p.id == plan)
        .and_then(|p| p.issue_year)
        .unwrap_or(2022);
    // The busiest unit: the most tasks assigned directly.
    let busiest = {
        let mut counts: std::collections::HashMap<Uuid, usize> = Default::default();
        for unit in data.assignments.iter().filter_map(|a| a.unit_id) {
            *counts.entry(unit).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by_key(|(id, n)| (*n, *id))
            .map(|(id, _)| id)
            .unwrap_or_default()
    };
    let global = |kind: &str, id: Uuid| {
        base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            format!("{kind}:{id}"),
        )
    };
    let queries = [
        (
            "Q1 dashboard",
            json!({ "query": "query($id: ID!) { plan(id: $id) { tasks(first: 50) { nodes { code title status assignments { role unit { name } } latestProgress { percent reportedAt } } } } }", "variables": { "id": global("Plan", plan) } }),
        ),
        (
            "Q2 list",
            json!({ "query": "{ plans(first: 20) { totalCount nodes { documentNumber title issuedOn status issuer { name } } } }" }),
        ),
        (
            "Q3 unit progress",
            json!({ "query": "query($id: ID) { unit(id: $id) { tasks(first: 100) { nodes { code title latestProgress { percent } } } } }", "variables": { "id": global("Unit", unit) } }),
        ),
        (
            "Q4 planProgress",
            json!({ "query": "query($id: ID!, $period: String!) { planProgress(planId: $id, period: $period) { percent taskCount timeliness { timeliness count } areas { taskCount percent } reports { level dueOn expected onTime late missing { name } pending { name } } targets { actual met } } }",
                "variables": { "id": global("Plan", plan), "period": format!("{}Q2", progress_year) } }),
        ),
        (
            "Q5 unitScorecard",
            json!({ "query": "query($id: ID!, $year: Int!) { unitScorecard(unitId: $id, year: $year) { asOf tasks { role timeliness count } reports { period { code } onTime late missing pending } targetsMet { met notMet unknown } } }",
                "variables": { "id": global("Unit", busiest), "year": SCORECARD_YEAR } }),
        ),
        (
            "Q6 reminders",
            json!({ "query": format!("{{ reminders(asOf: \"{REMINDERS_AS_OF}\", first: 100) {{ kind unit {{ name }} period level dueOn daysLeft task {{ code }} }} }}") }),
        ),
        (
            "Q7 eligibility",
            // The award type's id is read from the running server (see below).
            json!({ "query": ELIGIBILITY_QUERY, "variables": { "n": global("Person", person_id(1)), "asOf": ELIGIBILITY_AS_OF } }),
        ),
        (
            "Q8 nominations",
            json!({ "query": NOMINATIONS_QUERY, "variables": { "r": global("Round", NOMINATION_ROUND) } }),
        ),
        (
            "Q9 search",
            json!({ "query": "query($s: String) { tasks(first: 20, filter: { search: $s }) { totalCount nodes { code title plan { title issuer { name } } assignments { role unit { name } } } } }",
                "variables": { "s": SEARCH } }),
        ),
        (
            "Q10 units",
            json!({ "query": "{ units(first: 50) { totalCount nodes { code name parent { name } children(first: 10) { totalCount nodes { name } } } } }" }),
        ),
        (
            "Q11 first page",
            json!({ "query": TASK_PAGE_QUERY, "variables": { "after": null } }),
        ),
        (
            "Q12 deep page",
            // The cursor of the 10 000th task is read from the running server (see below).
            json!({ "query": TASK_PAGE_QUERY, "variables": { "after": null } }),
        ),
        (
            "Q13 unit targets",
            json!({ "query": targets::TARGETS_QUERY, "variables": { "u": global("Unit", target_unit) } }),
        ),
        (
            "Q14 plan audit log",
            json!({ "query": targets::AUDIT_QUERY, "variables": { "o": global("Plan", plan) } }),
        ),
    ];
    let data_dir = std::env::temp_dir().join(format!("bench-data-{}", Uuid::new_v4().simple()));
    if args.hostile {
        return hostile(label, url, &data_dir, args).await;
    }
    let server = start_server(url, &data_dir, args.pool_size, false)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    wait_ready(&client, &server).await?;
    // Q7 reads personal data: it is asked by a province administrator, of the Huân chương Lao
    // động hạng Ba (the rule that reads the most of a history).
    let secret = std::fs::read_to_string(data_dir.join("dev-jwt-secret"))?;
    let admin = api::auth::token::mint(
        secret.trim(),
        "plans-api",
        "plans-api",
        &api::auth::token::DevToken {
            subject: "bench",
            name: None,
            unit: None,
            roles: &[api::auth::Role::ProvinceAdmin],
            ttl_seconds: 24 * 3600,
        },
    )?;
    let award_type: Value = client
        .post(format!("{}/graphql", server.address))
        .json(&json!({ "query": "{ awardType(code: \"HUAN_CHUONG_LAO_DONG_HANG_BA\") { id } }" }))
        .send()
        .await?
        .json()
        .await?;
    let award_type = award_type["data"]["awardType"]["id"].clone();
    let mut queries = queries;
    queries[6].1["variables"]["t"] = award_type.clone();
    // The deep page starts after the 10 000th task, its cursor reached as a client would: a
    // hundred pages of a hundred.
    let mut after = Value::Null;
    for _ in 0..DEEP_PAGES {
        let page: Value = client
            .post(format!("{}/graphql", server.address))
            .json(&json!({ "query": "query($after: String) { tasks(first: 100, after: $after) { pageInfo { endCursor } } }", "variables": { "after": after } }))
            .send()
            .await?
            .json()
            .await?;
        after = page["data"]["tasks"]["pageInfo"]["endCursor"].clone();
    }
    queries[11].1["variables"]["after"] = after;
    let mut figures = Vec::new();
    let mut ceilings = Vec::new();
    let mut peak_under_load = 0;
    let selected = |name: &str| args.only.as_deref().is_none_or(|only| name.contains(only));
    let mut sqls: Vec<Option<String>> = ceiling_sql(plan, unit)
        .into_iter()
        .map(|(_, sql)| Some(sql))
        .collect();
    sqls.extend([
        Some(plan_progress_ceiling_sql(plan, progress_year)),
        Some(scorecard_ceiling_sql(busiest, SCORECARD_YEAR)),
        Some(reminders_ceiling_sql(REMINDERS_AS_OF)),
        Some(eligibility::eligibility_ceiling_sql(
            person_id(1),
            eligibility::uuid_of(award_type.as_str().unwrap_or_default())?,
            ELIGIBILITY_AS_OF.parse()?,
        )),
        Some(nominations_ceiling_sql(NOMINATION_ROUND)),
        Some(search_ceiling_sql(SEARCH)),
        Some(units_ceiling_sql()),
        Some(task_page_ceiling_sql(None)),
        match url.starts_with("postgres") {
            true => Some(task_page_ceiling_sql(Some(deep_keys(url).await?))),
            false => None,
        },
        Some(targets::targets_ceiling_sql(target_unit)),
        Some(targets::audit_ceiling_sql(plan)),
    ]);
    if let Some(dir) = &args.explain
        && url.starts_with("postgres")
    {
        let statements: Vec<(&str, &str)> = queries
            .iter()
            .zip(&sqls)
            .filter_map(|((name, _), sql)| Some((*name, sql.as_deref()?)))
            .collect();
        explain(url, dir, &statements).await?;
    }
    for ((name, body), sql) in queries.iter().zip(sqls) {
        if !selected(name) {
            figures.push(None);
            ceilings.push(None);
            continue;
        }
        let ceiling = sql
            .as_deref()
            .filter(|_| url.starts_with("postgres"))
            .map(|sql| (url, sql));
        // Q7, Q8 and Q14 read personal data, nominations and the audit log: a province
        // administrator asks.
        let bearer = ["Q7", "Q8", "Q14"]
            .iter()
            .any(|q| name.starts_with(&format!("{q} ")))
            .then_some(admin.as_str());
        if let Some((_, sql)) = ceiling {
            same_answer(&client, &server, name, body, url, sql, bearer).await?;
        }
        let measured = drive(&client, &server, name, body.clone(), ceiling, args, bearer).await?;
        peak_under_load = peak_under_load.max(rss_kib(server.child.id(), "VmRSS:"));
        figures.push(Some(measured.figures));
        ceilings.push(measured.ceiling);
    }
    let mixed_run = if args.only.as_deref().is_none_or(|only| only == "mixed") {
        // Progress updates by each task's lead, on the tasks of issued plans, one task after
        // another (a few hundred of the 30 000 get one more update).
        let issued: std::collections::HashSet<Uuid> = data
            .plans
            .iter()
            .filter(|p| p.status == PlanStatus::Issued)
            .map(|p| p.id)
            .collect();
        let plan_of: std::collections::HashMap<Uuid, Uuid> =
            data.tasks.iter().map(|t| (t.id, t.plan_id)).collect();
        let writes: Vec<Value> = data
            .assignments
            .iter()
            .filter(|a| a.role == AssignmentRole::Lead)
            .filter_map(|a| Some((a.task_id?, a.unit_id?)))
            .filter(|(task, _)| plan_of.get(task).is_some_and(|p| issued.contains(p)))
            .take(5_000)
            .enumerate()
            .map(|(n, (task, unit))| {
                json!({ "query": "mutation($input: SubmitProgressInput!) { submitProgress(input: $input) { progressUpdate { id } userErrors { field message } } }",
                    "variables": { "input": { "taskId": global("Task", task), "unitId": global("Unit", unit),
                        "period": "2022Q4", "percent": n % 100, "status": "ON_TRACK",
                        "narrative": "Đã triển khai theo kế hoạch; cập nhật tiến độ quý IV." } } })
            })
            .collect();
        let reads = queries[..3].iter().map(|(_, body)| body.clone()).collect();
        Some(mixed(&server, url, reads, writes, &admin, args).await?)
    } else {
        None
    };
    let mut scaled = Vec::new();
    if args.search_scale && url.starts_with("postgres") {
        grow_tasks(url).await?;
        let (name, body) = &queries[8];
        let narrow_body = {
            let mut body = body.clone();
            body["variables"]["s"] = json!(NARROW_SEARCH);
            body
        };
        let runs = [
            ("Q9 search, 300 000 tasks", body.clone(), SEARCH),
            (
                "Q9 narrow search, 300 000 tasks",
                narrow_body,
                NARROW_SEARCH,
            ),
        ];
        for index in [true, false] {
            trigram_index(url, index).await?;
            for (label, body, search) in &runs {
                let sql = search_ceiling_sql(search);
                same_answer(&client, &server, name, body, url, &sql, None).await?;
                let label: &'static str = match index {
                    true => label,
                    false => Box::leak(format!("{label}, no trigram index").into_boxed_str()),
                };
                scaled.push(
                    drive(
                        &client,
                        &server,
                        label,
                        body.clone(),
                        Some((url, sql.as_str())),
                        args,
                        None,
                    )
                    .await?,
                );
            }
        }
        trigram_index(url, true).await?;
    }
    let peak = rss_kib(server.child.id(), "VmHWM:");
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    println!(
        "\n{label}: concurrency {}{}, {} s per query in {} rounds, server peak RSS {:.0} MB (under load {:.0} MB)",
        args.concurrency,
        if url.starts_with("postgres") {
            format!(", server pool {}", args.pool_size)
        } else {
            String::new()
        },
        args.seconds,
        args.rounds.max(1),
        peak as f64 / 1024.0,
        peak_under_load as f64 / 1024.0
    );
    println!(
        "| query | req/s | p50 ms | p99 ms | SQL/request | errors | SQL ceiling req/s (p50 / p99 ms) | share of ceiling | target |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let date = Utc::now().format("%Y-%m-%d");
    for (f, ceiling) in figures.iter().zip(&ceilings) {
        let Some(f) = f else { continue };
        let share = ceiling.as_ref().map(|c| f.rps / c.rps);
        let line = format!(
            "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |",
            f.name,
            f.rps,
            f.p50,
            f.p99,
            f.statements,
            f.errors,
            ceiling.as_ref().map_or("—".into(), |c| format!(
                "{:.0} ({:.1} / {:.1})",
                c.rps,
                c.percentile(0.50),
                c.percentile(0.99)
            )),
            share.map_or("—".into(), |s| format!("{:.0} %", s * 100.0)),
            target(f, ceiling.as_ref()),
        );
        println!("{line}");
        history.push_str(&format!(
            "| {date} | {label} | {} |\n",
            line.trim_start_matches("| ").trim_end_matches(" |")
        ));
    }
    for m in &scaled {
        let (f, c) = (&m.figures, m.ceiling.as_ref());
        let line = format!(
            "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {} | {} | — |",
            f.name,
            f.rps,
            f.p50,
            f.p99,
            f.statements,
            f.errors,
            c.map_or("—".into(), |c| format!(
                "{:.0} ({:.1} / {:.1})",
                c.rps,
                c.percentile(0.50),
                c.percentile(0.99)
            )),
            c.map_or("—".into(), |c| format!("{:.0} %", f.rps / c.rps * 100.0)),
        );
        println!("{line}");
        history.push_str(&format!(
            "| {date} | {label} | {} |\n",
            line.trim_start_matches("| ").trim_end_matches(" |")
        ));
    }
    print_cpu(
        figures
            .iter()
            .zip(&ceilings)
            .filter_map(|(f, c)| Some((f.as_ref()?, c.as_ref())))
            .chain(scaled.iter().map(|m| (&m.figures, m.ceiling.as_ref()))),
        &format!("| {date} | {label} "),
        history,
    );
    if let Some(m) = &mixed_run {
        println!(
            "\nMixed run (Q1, Q2, Q3 in turn as a province administrator; one request in {WRITE_EVERY} a write: submitProgress, updateTask, submitProgress, then a nomination returned or submitted again, in turn; {} tasks and {} nominations edited in turn), {} s each:",
            m.versioned.0, m.versioned.1, args.seconds
        );
        println!("| run | req/s | p50 ms | p99 ms | errors |");
        println!("|---|---|---|---|---|");
        let kinds = m.by_kind.iter().map(|f| Figures {
            name: Box::leak(format!("writes: {}", f.name).into_boxed_str()),
            ..f.clone()
        });
        for f in [m.read_only.clone(), m.reads.clone(), m.writes.clone()]
            .into_iter()
            .chain(kinds)
        {
            let line = format!(
                "| Mixed: {} | {:.0} | {:.1} | {:.1} | {} |",
                f.name, f.rps, f.p50, f.p99, f.errors
            );
            println!("{line}");
            history.push_str(&format!(
                "| {date} | {label} | {} | | | |\n",
                line.trim_start_matches("| ").trim_end_matches(" |")
            ));
        }
        println!(
            "reads under writes: {:.0} % of the reads alone (target ≥ 85 %); write p99 {:.1} ms (target < 50 ms)",
            m.reads.rps / m.read_only.rps.max(1e-9) * 100.0,
            m.writes.p99
        );
    }
    history.push_str(&format!(
        "| {date} | {label} | server peak RSS {:.0} MB | | | | | | | |\n",
        peak as f64 / 1024.0
    ));
    Ok(())
}

/// Prints where each request's CPU time went (and appends it to the history, each row after
/// `prefix`): the API server, PostgreSQL and the driver, against the ceiling's PostgreSQL and
/// pgbench. The last column compares what the server side spends: the ceiling's database time
/// over the API's and its database's.
fn print_cpu<'a>(
    runs: impl Iterator<Item = (&'a Figures, Option<&'a Ceiling>)>,
    prefix: &str,
    history: &mut String,
) {
    let runs: Vec<_> = runs.filter_map(|(f, c)| Some((f, f.cpu?, c))).collect();
    if runs.is_empty() {
        return;
    }
    println!(
        "\nCPU time per request, ms (the server's process, PostgreSQL's and the driver's; the ceiling's PostgreSQL and pgbench):"
    );
    println!(
        "| query | API server | database | driver | ceiling: database | ceiling: pgbench | server side's share |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (f, cpu, c) in runs {
        let ceiling = c.map(Ceiling::cpu);
        let share = ceiling
            .map(|c| c.database / (cpu.api + cpu.database).max(1e-9))
            .map_or("—".into(), |s| format!("{:.0} %", s * 100.0));
        let ms = |v: f64| format!("{v:.3}");
        let cells = [
            ms(cpu.api),
            ms(cpu.database),
            ms(cpu.driver),
            ceiling.map_or("—".into(), |c| ms(c.database)),
            ceiling.map_or("—".into(), |c| ms(c.driver)),
            share,
        ];
        println!("| {} | {} |", f.name, cells.join(" | "));
        history.push_str(&format!(
            "{prefix}| {}: CPU ms per request: API server {}, database {}, driver {}; ceiling: database {}, pgbench {}; server side's share {} | | | | | | | |\n",
            f.name, cells[0], cells[1], cells[2], cells[3], cells[4], cells[5]
        ));
    }
}

/// Waits until the server answers `/readyz`.
async fn wait_ready(client: &reqwest::Client, server: &Server) -> anyhow::Result<()> {
    for _ in 0..100 {
        if client
            .get(format!("{}/readyz", server.address))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the server did not become ready")
}

/// The requests of the hostile suite: every shape the limits refuse, and the heaviest query
/// they allow, as raw bodies.
fn hostile_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let json = |value: Value| serde_json::to_vec(&value).unwrap_or_default();
    let mut bomb = String::from("query { ...F0 }\n");
    for i in 0..30 {
        bomb.push_str(&format!(
            "fragment F{i} on Query {{ __typename ...F{n} ...F{n} }}\n",
            n = i + 1
        ));
    }
    bomb.push_str("fragment F30 on Query { __typename }\n");
    let aliases = (0..1000)
        .map(|i| format!("a{i}: tasks(first: 100) {{ nodes {{ title }} }}"))
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        ("fragment bomb (30 levels)", json(json!({ "query": bomb }))),
        (
            "nesting 20 000 deep",
            json(json!({ "query": format!("{{ {} }}", "a { ".repeat(20_000)) })),
        ),
        (
            "search of 14 000 words",
            json(
                json!({ "query": "query($s: String) { tasks(first: 5, filter: { search: $s }) { nodes { title } } }", "variables": { "s": "ab ".repeat(14_000) } }),
            ),
        ),
        (
            "search of one 100 KB word",
            json(
                json!({ "query": "query($s: String) { tasks(first: 5, filter: { search: $s }) { nodes { title } } }", "variables": { "s": "x".repeat(100_000) } }),
            ),
        ),
        (
            "1 000 aliased task lists",
            json(json!({ "query": format!("{{ {aliases} }}") })),
        ),
        (
            "plans → tasks → units → tasks",
            json(
                json!({ "query": "{ plans(first: 100) { nodes { tasks(first: 100) { nodes { assignments { unit { tasks(first: 100) { nodes { title } } } } } } } } }" }),
            ),
        ),
        (
            "10 directives on a field",
            json(json!({ "query": format!("{{ __typename {} }}", "@aa".repeat(10)) })),
        ),
        (
            "batch of 100",
            json(Value::Array(
                (0..100)
                    .map(|_| json!({ "query": "{ plans(first: 100) { totalCount } }" }))
                    .collect(),
            )),
        ),
        (
            "25 000 enum values",
            json(
                json!({ "query": "query($s: [TaskStatus!]) { tasks(first: 1, filter: { status: $s }) { totalCount } }", "variables": { "s": vec!["OPEN"; 25_000] } }),
            ),
        ),
        (
            "unknown persisted hash",
            json(
                json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "ab".repeat(32) } } }),
            ),
        ),
        (
            "heaviest allowed (50 plans × 40 tasks with units)",
            json(
                json!({ "query": "{ plans(first: 50) { nodes { title tasks(first: 40) { nodes { title assignments { role unit { name } } } } } } }" }),
            ),
        ),
    ]
}

/// The hostile suite (see `--hostile`), twice: attackers from one address under the default
/// limits, then as if from many addresses (the rate limit out of their way), where only the
/// per-request limits stand between them and the server.
async fn hostile(
    label: &str,
    url: &str,
    data_dir: &std::path::Path,
    args: &Args,
) -> anyhow::Result<()> {
    for (rate_limited, setting) in [
        (true, "one address, default limits"),
        (false, "many addresses (rate limit out of the way)"),
    ] {
        hostile_run(
            &format!("{label}, {setting}"),
            url,
            data_dir,
            args,
            rate_limited,
        )
        .await?;
    }
    Ok(())
}

async fn hostile_run(
    label: &str,
    url: &str,
    data_dir: &std::path::Path,
    args: &Args,
    rate_limited: bool,
) -> anyhow::Result<()> {
    let server = start_server(url, data_dir, args.pool_size, rate_limited)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency + 1)
        .build()?;
    wait_ready(&client, &server).await?;
    let secret = std::fs::read_to_string(data_dir.join("dev-jwt-secret"))?;
    let token = api::auth::token::mint(
        secret.trim(),
        "plans-api",
        "plans-api",
        &api::auth::token::DevToken {
            subject: "probe",
            name: None,
            unit: None,
            roles: &[api::auth::Role::Viewer],
            ttl_seconds: 3600,
        },
    )?;
    let url_graphql = Arc::new(format!("{}/graphql", server.address));
    let bodies = Arc::new(hostile_bodies());
    let end = Instant::now() + Duration::from_secs(args.seconds);
    let mut attackers = Vec::new();
    for worker in 0..args.concurrency {
        let (client, url, bodies) = (client.clone(), url_graphql.clone(), bodies.clone());
        attackers.push(tokio::spawn(async move {
            let mut outcomes: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
            let mut i = worker;
            while Instant::now() < end {
                let (name, body) = &bodies[i % bodies.len()];
                i += 1;
                let started = Instant::now();
                let response = client
                    .post(url.as_str())
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                let code = match response {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let body: Value = r.json().await.unwrap_or(Value::Null);
                        let code = body["errors"][0]["extensions"]["code"]
                            .as_str()
                            .unwrap_or(if body["data"].is_object() { "ok" } else { "?" })
                            .to_owned();
                        format!("{status} {code}")
                    }
                    Err(_) => "transport error".to_owned(),
                };
                outcomes
                    .entry(format!("{name}: {code}"))
                    .or_default()
                    .push(started.elapsed().as_secs_f64() * 1000.0);
            }
            outcomes
        }));
    }
    let probe = {
        let (client, url) = (client.clone(), url_graphql.clone());
        tokio::spawn(async move {
            let body = serde_json::to_vec(&json!({ "query": "{ plans(first: 10) { totalCount nodes { title issuer { name } } } }" }))
                .unwrap_or_default();
            let (mut latencies, mut failures) = (Vec::new(), 0u64);
            while Instant::now() < end {
                let started = Instant::now();
                let ok = client
                    .post(url.as_str())
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .ok()
                    .filter(|r| r.status().is_success());
                let answered = match ok {
                    Some(r) => r
                        .bytes()
                        .await
                        .is_ok_and(|b| !b.windows(9).any(|w| w == b"\"errors\":")),
                    None => false,
                };
                if answered {
                    latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                } else {
                    failures += 1;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (latencies, failures)
        })
    };
    let mut peak_rss = 0;
    while Instant::now() < end {
        peak_rss = peak_rss.max(rss_kib(server.child.id(), "VmRSS:"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut outcomes: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for attacker in attackers {
        for (key, times) in attacker.await? {
            outcomes.entry(key).or_default().extend(times);
        }
    }
    let (mut latencies, failures) = probe.await?;
    latencies.sort_by(f64::total_cmp);
    let hwm = rss_kib(server.child.id(), "VmHWM:");
    let after = rss_kib(server.child.id(), "VmRSS:");
    drop(server);
    let _ = std::fs::remove_dir_all(data_dir);
    println!(
        "\n{label}, hostile suite: {} attackers for {} s; server peak RSS {:.0} MB (sampled {:.0} MB, {:.0} MB after); probe: {} answers, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {} failures",
        args.concurrency,
        args.seconds,
        hwm as f64 / 1024.0,
        peak_rss as f64 / 1024.0,
        after as f64 / 1024.0,
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        failures
    );
    println!("| request | answer | count | p50 ms | p99 ms |\n|---|---|---|---|---|");
    for (key, mut times) in outcomes {
        let (name, answer) = key.split_once(": ").unwrap_or((&key, ""));
        times.sort_by(f64::total_cmp);
        println!(
            "| {name} | {answer} | {} | {:.1} | {:.1} |",
            times.len(),
            percentile(&times, 0.50),
            percentile(&times, 0.99)
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut history = String::new();
    if let Some(server) = &args.postgres {
        if !args.reuse {
            let admin = Database::connect(server.as_str()).await?;
            admin
                .execute_unprepared("DROP DATABASE IF EXISTS plans_bench WITH (FORCE)")
                .await?;
            admin
                .execute_unprepared("CREATE DATABASE plans_bench")
                .await?;
            admin.close().await?;
        }
        // Same server and options (e.g. `?sslmode=disable`), the benchmark's own database.
        let (base, options) = server.split_once('?').unwrap_or((server, ""));
        let (prefix, _) = base
            .rsplit_once('/')
            .context("a database in the PostgreSQL URL")?;
        let url = if options.is_empty() {
            format!("{prefix}/plans_bench")
        } else {
            format!("{prefix}/plans_bench?{options}")
        };
        bench("PostgreSQL", &url, &args, &mut history).await?;
    }
    if args.sqlite || args.postgres.is_none() {
        let dir = std::env::temp_dir().join("plans-bench-sqlite");
        if !args.reuse {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(&dir)?;
        let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
        bench("SQLite", &url, &args, &mut history).await?;
    }
    if let Some(parent) = std::path::Path::new(&args.history).parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.history)?;
    file.write_all(history.as_bytes())?;
    Ok(())
}
