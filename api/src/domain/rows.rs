//! Decoding rows by position, for the rows the dashboards read most (tasks, their assignments,
//! units, progress updates, plans).
//!
//! SeaORM's derived decoding looks every column up by name and, for each NULL, formats an error
//! message that `Option` then throws away: under the benchmark's dashboard load that was a fifth
//! of the server's CPU. Here each column is read by its index straight from the sqlx row. The
//! order is the entity's column order (what `Entity::find()` selects); a test checks each decoder
//! against SeaORM's own decoding on both databases.

use entity::{assignment, plan, progress_update, task, unit};
use sea_orm::sqlx::{self, Row as _};
use sea_orm::{ActiveEnum, DbErr, FromQueryResult, QueryResult};

/// A row being read column by column, left to right.
pub struct Columns<'a> {
    row: &'a QueryResult,
    next: usize,
}

/// A column type both databases decode.
pub trait Column:
    for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
{
}

impl<T> Column for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
{
}

impl<'a> Columns<'a> {
    /// Reads `row` from column `first` on.
    pub fn at(row: &'a QueryResult, first: usize) -> Self {
        Self { row, next: first }
    }

    fn type_error(&self, index: usize, e: impl std::fmt::Display) -> DbErr {
        DbErr::Type(format!("column {index}: {e}"))
    }

    /// The next column, which may be NULL.
    pub fn nullable<T: Column>(&mut self) -> Result<Option<T>, DbErr> {
        let index = self.next;
        self.next += 1;
        // Unchecked: the column types are the migrations' (and the test against SeaORM's
        // decoding covers every decoder on both databases); a value that does not decode is
        // still an error.
        if let Some(row) = self.row.try_as_pg_row() {
            return row
                .try_get_unchecked::<Option<T>, usize>(index)
                .map_err(|e| self.type_error(index, e));
        }
        if let Some(row) = self.row.try_as_sqlite_row() {
            return row
                .try_get_unchecked::<Option<T>, usize>(index)
                .map_err(|e| self.type_error(index, e));
        }
        Err(DbErr::Type(
            "rows of this database are not supported".into(),
        ))
    }

    /// The next column, which must not be NULL.
    pub fn required<T: Column>(&mut self) -> Result<T, DbErr> {
        let index = self.next;
        self.nullable()?
            .ok_or_else(|| self.type_error(index, "unexpected NULL"))
    }

    /// The next column, a stored enum.
    pub fn enumeration<E: ActiveEnum<Value = String>>(&mut self) -> Result<E, DbErr> {
        E::try_from_value(&self.required::<String>()?)
    }

    /// Passes over `count` columns.
    pub fn skip(&mut self, count: usize) {
        self.next += count;
    }

    /// Whether the next column is NULL (it is not consumed).
    pub fn next_is_null(&self) -> Result<bool, DbErr> {
        let index = self.next;
        let null = if let Some(row) = self.row.try_as_pg_row() {
            row.try_get_raw(index).map(|v| sqlx::ValueRef::is_null(&v))
        } else if let Some(row) = self.row.try_as_sqlite_row() {
            row.try_get_raw(index).map(|v| sqlx::ValueRef::is_null(&v))
        } else {
            return Err(DbErr::Type(
                "rows of this database are not supported".into(),
            ));
        };
        null.map_err(|e| self.type_error(index, e))
    }
}

/// A model decoded from its columns in entity order.
pub trait DecodeRow: Sized {
    /// How many columns the model takes.
    const WIDTH: usize;

    fn decode(columns: &mut Columns<'_>) -> Result<Self, DbErr>;

    /// The model in columns `first..first + WIDTH` of `row`.
    fn from_row(row: &QueryResult, first: usize) -> Result<Self, DbErr> {
        Self::decode(&mut Columns::at(row, first))
    }
}

impl DecodeRow for task::Model {
    const WIDTH: usize = 18;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            plan_id: c.required()?,
            area_id: c.nullable()?,
            code: c.nullable()?,
            title: c.required()?,
            description: c.nullable()?,
            kind: c.enumeration()?,
            condition_text: c.nullable()?,
            due_on: c.nullable()?,
            due_within_days: c.nullable()?,
            due_text: c.nullable()?,
            status: c.enumeration()?,
            completed_on: c.nullable()?,
            position: c.required()?,
            search_text: c.required()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for progress_update::Model {
    const WIDTH: usize = 9;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            task_id: c.required()?,
            unit_id: c.required()?,
            period_code: c.required()?,
            percent: c.required()?,
            status: c.enumeration()?,
            narrative: c.nullable()?,
            reported_at: c.required()?,
            created_at: c.required()?,
        })
    }
}

/// A task and its newest progress update: the task's columns, then the update's (all NULL
/// when the task has none).
impl DecodeRow for (task::Model, Option<progress_update::Model>) {
    const WIDTH: usize = task::Model::WIDTH + progress_update::Model::WIDTH;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        let task = task::Model::decode(c)?;
        if c.next_is_null()? {
            c.skip(progress_update::Model::WIDTH);
            return Ok((task, None));
        }
        Ok((task, Some(progress_update::Model::decode(c)?)))
    }
}

impl DecodeRow for assignment::Model {
    const WIDTH: usize = 7;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            task_id: c.nullable()?,
            target_id: c.nullable()?,
            role: c.enumeration()?,
            unit_id: c.nullable()?,
            group_id: c.nullable()?,
            position: c.required()?,
        })
    }
}

impl DecodeRow for unit::Model {
    const WIDTH: usize = 12;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            code: c.nullable()?,
            name: c.required()?,
            short_name: c.nullable()?,
            kind: c.enumeration()?,
            parent_id: c.nullable()?,
            active_from: c.nullable()?,
            active_to: c.nullable()?,
            search_text: c.required()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for plan::Model {
    const WIDTH: usize = 17;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            document_number: c.nullable()?,
            kind: c.enumeration()?,
            title: c.required()?,
            issuer_id: c.required()?,
            issued_on: c.nullable()?,
            issue_year: c.nullable()?,
            status: c.enumeration()?,
            period_start: c.nullable()?,
            period_end: c.nullable()?,
            signer_name: c.nullable()?,
            signer_title: c.nullable()?,
            summary: c.nullable()?,
            search_text: c.required()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

/// Models read rarely enough that SeaORM's decoding by name is fine.
macro_rules! decode_by_name {
    ($($model:ty),* $(,)?) => {$(
        impl DecodeRow for $model {
            const WIDTH: usize = 0;

            /// Only for rows whose model columns are the first ones, read by name.
            fn decode(columns: &mut Columns<'_>) -> Result<Self, DbErr> {
                <$model as FromQueryResult>::from_query_result(columns.row, "")
            }
        }
    )*};
}

decode_by_name!(entity::target::Model, entity::audit_event::Model);
