//! Q7's statement: one person's eligibility for an award type whose rule is an award then
//! years (Huân chương Lao động hạng Ba: a Bằng khen of the Prime Minister, then five years
//! rated, an excellent year, titles, no discipline), with every condition, its evidence and the
//! earliest eligible year, built inside PostgreSQL as the API answers it. The statement is in
//! `eligibility.sql`; like every ceiling, the benchmark checks that it answers exactly what the
//! API answers before measuring it (`same_answer`).

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

/// The statement with its opening comment (left out of what is sent).
const STATEMENT: &str = include_str!("eligibility.sql");

/// Q7's statement for `person` and the award type `award_type` (any version of its code: the
/// one in force at the end of the achievement window is judged), proposed on `as_of`.
pub fn eligibility_ceiling_sql(person: Uuid, award_type: Uuid, as_of: NaiveDate) -> String {
    let body = STATEMENT
        .lines()
        .skip_while(|line| line.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    body.replace("$PERSON", &person.to_string())
        .replace("$AWARD_TYPE", &award_type.to_string())
        .replace("$THIS_YEAR", &as_of.year().to_string())
}

/// The id inside a global id (`AwardType:…`).
pub fn uuid_of(global: &str) -> anyhow::Result<Uuid> {
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, global)?;
    let text = String::from_utf8(bytes)?;
    let (_, id) = text
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("not a global id: {text}"))?;
    Ok(id.parse()?)
}
