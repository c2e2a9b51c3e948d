//! The mixed run's writes, as officers send them while the dashboards are read: progress
//! updates, task edits and nomination transitions (issue 17's mix). Task edits and transitions
//! carry the version they read (optimistic locking): each object is written by one client at a
//! time and goes back to the pool with the version its payload returned.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use entity::enums::{NominationState, PlanStatus};
use entity::{nomination, plan, task};
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::wire;

/// Tasks and nominations a mixed run edits in turn (each returns to the pool after its write).
const VERSIONED: usize = 100;

/// Nominations tried to find [`VERSIONED`] that can be submitted again: most nominees of the
/// dataset have had their award for the round's year already, which the eligibility checks
/// refuse.
const NOMINATIONS_TRIED: u64 = 2_000;

/// What the n-th write of a cycle of four is: half the writes are progress updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Progress,
    TaskEdit,
    NominationStep,
}

impl Kind {
    fn of(n: usize) -> Self {
        match n % 4 {
            1 => Kind::TaskEdit,
            3 => Kind::NominationStep,
            _ => Kind::Progress,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Progress => "submitProgress",
            Kind::TaskEdit => "updateTask",
            Kind::NominationStep => "returnNomination / submitNomination",
        }
    }
}

/// An object written with the version it was last seen at.
#[derive(Debug, Clone)]
enum Job {
    /// `updateTask` of its description.
    Task { id: String, version: i64 },
    /// Returned when before its unit's council, submitted again when returned.
    Nomination {
        id: String,
        version: i64,
        in_review: bool,
    },
}

/// The writes of a mixed run.
pub struct Writes {
    /// `submitProgress` requests, ready to send, each on another task.
    progress: Vec<Vec<u8>>,
    next_progress: AtomicUsize,
    tasks: Mutex<VecDeque<Job>>,
    nominations: Mutex<VecDeque<Job>>,
    next: AtomicUsize,
    address: String,
    bearer: String,
    /// Edits made so far (each edit's text differs).
    edits: AtomicUsize,
}

/// A write taken from the pool, to send and then to finish with its answer.
pub struct Taken {
    pub kind: Kind,
    pub request: Vec<u8>,
    job: Option<Job>,
}

impl Writes {
    /// The progress requests given, and the tasks of issued plans and the nominations before
    /// their unit's council or returned to it, as the database holds them now.
    pub async fn new(
        url: &str,
        address: &str,
        bearer: &str,
        progress: Vec<Vec<u8>>,
    ) -> anyhow::Result<Self> {
        let db = Database::connect(url).await?;
        let issued: Vec<Uuid> = plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .filter(plan::Column::Status.eq(PlanStatus::Issued))
            .into_tuple()
            .all(&db)
            .await?;
        let tasks: Vec<(Uuid, i32)> = task::Entity::find()
            .select_only()
            .columns([task::Column::Id, task::Column::Version])
            .filter(task::Column::PlanId.is_in(issued))
            .order_by_desc(task::Column::Id)
            .limit(VERSIONED as u64)
            .into_tuple()
            .all(&db)
            .await?;
        let nominations: Vec<(Uuid, i32, NominationState)> = nomination::Entity::find()
            .select_only()
            .columns([
                nomination::Column::Id,
                nomination::Column::Version,
                nomination::Column::State,
            ])
            .filter(
                nomination::Column::State
                    .is_in([NominationState::UnitReview, NominationState::Returned]),
            )
            .order_by_asc(nomination::Column::Id)
            .limit(NOMINATIONS_TRIED)
            .into_tuple()
            .all(&db)
            .await?;
        db.close().await?;
        Ok(Self {
            progress,
            next_progress: AtomicUsize::new(0),
            tasks: Mutex::new(
                tasks
                    .into_iter()
                    .map(|(id, version)| Job::Task {
                        id: global("Task", id),
                        version: version.into(),
                    })
                    .collect(),
            ),
            nominations: Mutex::new(
                nominations
                    .into_iter()
                    .map(|(id, version, state)| Job::Nomination {
                        id: global("Nomination", id),
                        version: version.into(),
                        in_review: state == NominationState::UnitReview,
                    })
                    .collect(),
            ),
            next: AtomicUsize::new(0),
            address: address.to_owned(),
            bearer: bearer.to_owned(),
            edits: AtomicUsize::new(0),
        })
    }

    /// Tries each task and nomination once (a nomination twice: both of its steps) outside
    /// the measured run, and keeps those whose writes succeed, [`VERSIONED`] of each at most: a
    /// nominee whom the eligibility checks refuse is not a write the run can repeat. The
    /// counts kept.
    pub async fn keep_writable(&self) -> (usize, usize) {
        let mut wire = wire::Wire::new(&self.address);
        for (pool, steps) in [(&self.tasks, 1), (&self.nominations, 2)] {
            let jobs: Vec<Job> = lock(pool).drain(..).collect();
            for mut job in jobs {
                if lock(pool).len() >= VERSIONED {
                    break;
                }
                let mut ok = true;
                for _ in 0..steps {
                    let request = self.request(&job);
                    match next_job(&job, wire.send(&request).await.ok().map(|a| a.body)) {
                        Some(next) => job = next,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    lock(pool).push_back(job);
                }
            }
        }
        (lock(&self.tasks).len(), lock(&self.nominations).len())
    }

    /// The next write: a cycle of progress, task edit, progress, nomination step (progress
    /// when no object of the kind is free).
    pub fn take(&self) -> Taken {
        let kind = Kind::of(self.next.fetch_add(1, Ordering::Relaxed));
        let pool = match kind {
            Kind::TaskEdit => Some(&self.tasks),
            Kind::NominationStep => Some(&self.nominations),
            Kind::Progress => None,
        };
        if let Some(job) = pool.and_then(|pool| lock(pool).pop_front()) {
            return Taken {
                kind,
                request: self.request(&job),
                job: Some(job),
            };
        }
        let n = self.next_progress.fetch_add(1, Ordering::Relaxed);
        Taken {
            kind: Kind::Progress,
            request: self.progress[n % self.progress.len()].clone(),
            job: None,
        }
    }

    /// Puts a versioned object back with the version its write's `body` returned; one whose
    /// write failed is dropped (its version is no longer known). Whether the write succeeded.
    pub fn finish(&self, taken: Taken, body: Option<&[u8]>) -> bool {
        let Some(job) = taken.job else {
            return body.is_some_and(succeeded);
        };
        match next_job(&job, body) {
            Some(next) => {
                let pool = match next {
                    Job::Task { .. } => &self.tasks,
                    Job::Nomination { .. } => &self.nominations,
                };
                lock(pool).push_back(next);
                true
            }
            None => false,
        }
    }

    fn request(&self, job: &Job) -> Vec<u8> {
        let body = match job {
            Job::Task { id, version } => {
                let n = self.edits.fetch_add(1, Ordering::Relaxed);
                json!({ "query": "mutation($input: UpdateTaskInput!) { updateTask(input: $input) { task { version } userErrors { field message } } }",
                    "variables": { "input": { "id": id, "version": version,
                        "description": format!("Rà soát, cập nhật phương án triển khai (lần {n}).") } } })
            }
            Job::Nomination {
                id,
                version,
                in_review: true,
            } => {
                json!({ "query": "mutation($input: NominationReasonInput!) { returnNomination(input: $input) { nomination { version state } userErrors { field message } } }",
                    "variables": { "input": { "id": id, "version": version,
                        "reason": "Đề nghị bổ sung minh chứng thành tích." } } })
            }
            Job::Nomination {
                id,
                version,
                in_review: false,
            } => {
                json!({ "query": "mutation($input: NominationStepInput!) { submitNomination(input: $input) { nomination { version state } userErrors { field message } } }",
                    "variables": { "input": { "id": id, "version": version } } })
            }
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        wire::post_graphql(&self.address, Some(&self.bearer), &body)
    }
}

/// The object after its write answered `body`: its new version (and state), or none when the
/// write failed.
fn next_job(job: &Job, body: Option<&[u8]>) -> Option<Job> {
    let body = body.filter(|b| succeeded(b))?;
    let answer: Value = serde_json::from_slice(body).ok()?;
    let data = &answer["data"];
    match job {
        Job::Task { id, .. } => Some(Job::Task {
            id: id.clone(),
            version: data["updateTask"]["task"]["version"].as_i64()?,
        }),
        Job::Nomination { id, .. } => {
            let payload = data
                .get("returnNomination")
                .or_else(|| data.get("submitNomination"))?;
            let nomination = &payload["nomination"];
            Some(Job::Nomination {
                id: id.clone(),
                version: nomination["version"].as_i64()?,
                in_review: nomination["state"].as_str()? == "UNIT_REVIEW",
            })
        }
    }
}

/// A write's answer without errors and without `userErrors`.
fn succeeded(body: &[u8]) -> bool {
    let holds = |text: &[u8]| body.windows(text.len()).any(|w| w == text);
    !holds(b"\"errors\":") && holds(b"\"userErrors\":[]")
}

fn lock(pool: &Mutex<VecDeque<Job>>) -> std::sync::MutexGuard<'_, VecDeque<Job>> {
    pool.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn global(kind: &str, id: Uuid) -> String {
    base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        format!("{kind}:{id}"),
    )
}
