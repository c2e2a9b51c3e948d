//! Decoding rows by position, for the rows the dashboards and reports read most (tasks, their
//! assignments, units, progress updates, plans; targets with their values and breakdowns,
//! reporting regimes with their deadlines, unit groups, the work calendar).
//!
//! SeaORM's derived decoding looks every column up by name and, for each NULL, formats an error
//! message that `Option` then throws away: under the benchmark's dashboard load that was a fifth
//! of the server's CPU. Here each column is read by its index straight from the sqlx row. The
//! order is the entity's column order (what `Entity::find()` selects); a test checks each decoder
//! against SeaORM's own decoding on both databases.

use std::any::Any;

use entity::{
    assignment, audit_event, award_type, calendar_day, emulation_movement, emulation_round,
    nomination, person, plan, progress_update, report_submission, reporting_deadline,
    reporting_regime, target, target_breakdown_group, target_breakdown_row, target_value, task,
    unit, unit_group, unit_group_member,
};
use sea_orm::sqlx::{self, Row as _};
use sea_orm::{ActiveEnum, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, QueryResult};

/// Which of a model's columns a statement reads, by their place in the entity's column order.
/// A list reads only what its selection shows (a tenth of PostgreSQL's time per row went on
/// sending columns nobody asked for); the columns it does not read decode to empty values, so
/// the models it returns are only for the resolvers of that selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ColumnSet(u64);

impl ColumnSet {
    /// Every column.
    pub const ALL: Self = Self(u64::MAX);

    /// The first column, every entity's id.
    pub const ID: Self = Self(1);

    /// Exactly `columns` of entity `E`.
    pub fn of<E: EntityTrait>(columns: &[E::Column]) -> Self {
        let mut bits = 0;
        for (place, column) in E::Column::iter().enumerate() {
            if place < 64 && columns.iter().any(|c| c.as_str() == column.as_str()) {
                bits |= 1 << place;
            }
        }
        Self(bits)
    }

    /// This set and `other`'s columns.
    #[must_use]
    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether it reads the column at `place`.
    pub fn contains(self, place: usize) -> bool {
        self == Self::ALL || (place < 64 && self.0 & (1 << place) != 0)
    }

    /// Whether it reads every column `other` reads.
    pub fn contains_all(self, other: Self) -> bool {
        self == Self::ALL || self.0 & other.0 == other.0
    }

    /// Whether it reads every column of entity `E`.
    pub fn is_all<E: EntityTrait>(self) -> bool {
        (0..E::Column::iter().count()).all(|place| self.contains(place))
    }

    /// The names of the columns of `E` it reads, in entity order.
    pub fn names<E: EntityTrait>(self) -> Vec<&'static str> {
        self.columns::<E>().iter().map(IdenStatic::as_str).collect()
    }

    /// The columns of `E` it reads, in entity order.
    pub fn columns<E: EntityTrait>(self) -> Vec<E::Column> {
        E::Column::iter()
            .enumerate()
            .filter(|(place, _)| self.contains(*place))
            .map(|(_, column)| column)
            .collect()
    }
}

/// The columns a row has of its model and of the model joined to it (see [`DecodeRow`]'s
/// pair), out of each model's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowColumns {
    pub model: ColumnSet,
    pub joined: ColumnSet,
}

impl From<ColumnSet> for RowColumns {
    /// `model`'s columns, and all of the joined model's.
    fn from(model: ColumnSet) -> Self {
        Self {
            model,
            joined: ColumnSet::ALL,
        }
    }
}

/// A row being read column by column, left to right.
pub struct Columns<'a> {
    row: &'a QueryResult,
    next: usize,
    /// The current model's columns in the row, and the place of its next field.
    read: ColumnSet,
    field: usize,
    /// The joined model's columns in the row.
    joined: ColumnSet,
}

/// A column type both databases decode.
pub trait Column:
    'static
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
{
}

impl<T> Column for T where
    T: 'static
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
{
}

impl<'a> Columns<'a> {
    /// Reads `row` from column `first` on.
    pub fn at(row: &'a QueryResult, first: usize) -> Self {
        Self {
            row,
            next: first,
            read: ColumnSet::ALL,
            field: 0,
            joined: ColumnSet::ALL,
        }
    }

    /// Reads a row that has the columns of `read.model` from column 0 on, then those of
    /// `read.joined` (see [`DecodeRow::from_partial_row`]).
    fn partial(row: &'a QueryResult, read: RowColumns) -> Self {
        let mut columns = Self::at(row, 0);
        columns.joined = read.joined;
        columns.start_model(read.model);
        columns
    }

    /// The next model's fields come from the columns of `read` only (the others are absent
    /// from the row and decode to empty values).
    pub fn start_model(&mut self, read: ColumnSet) {
        self.read = read;
        self.field = 0;
    }

    /// Whether the next field is in the row (and moves past it).
    fn present(&mut self) -> bool {
        let field = self.field;
        self.field += 1;
        self.read.contains(field)
    }

    fn type_error(&self, index: usize, e: impl std::fmt::Display) -> DbErr {
        DbErr::Type(format!("column {index}: {e}"))
    }

    /// The next field, which may be NULL.
    pub fn nullable<T: Column>(&mut self) -> Result<Option<T>, DbErr> {
        if !self.present() {
            return Ok(None);
        }
        self.read_column()
    }

    /// The next column of the row.
    fn read_column<T: Column>(&mut self) -> Result<Option<T>, DbErr> {
        // Unchecked: the column types are the migrations' (and the test against SeaORM's
        // decoding covers every decoder on both databases); a value that does not decode is
        // still an error.
        let value = self.peek();
        self.next += 1;
        value
    }

    /// The next field, which must not be NULL.
    pub fn required<T: Column + Default>(&mut self) -> Result<T, DbErr> {
        if !self.present() {
            return Ok(T::default());
        }
        self.required_column()
    }

    fn required_column<T: Column>(&mut self) -> Result<T, DbErr> {
        let index = self.next;
        self.read_column()?
            .ok_or_else(|| self.type_error(index, "unexpected NULL"))
    }

    /// The next field, a stored enum (its first variant when the row does not have it).
    pub fn enumeration<E: ActiveEnum<Value = String> + Iterable>(&mut self) -> Result<E, DbErr> {
        if !self.present() {
            return E::iter()
                .next()
                .ok_or_else(|| DbErr::Type("an enum without variants".into()));
        }
        E::try_from_value(&self.required_column::<String>()?)
    }

    /// The next field, a stored enum that may be NULL.
    pub fn optional_enumeration<E: ActiveEnum<Value = String>>(
        &mut self,
    ) -> Result<Option<E>, DbErr> {
        if !self.present() {
            return Ok(None);
        }
        self.read_column::<String>()?
            .map(|value| E::try_from_value(&value))
            .transpose()
    }

    /// Whether the row comes from PostgreSQL (whose column types vouch for more than SQLite's).
    pub fn from_postgres(&self) -> bool {
        self.row.try_as_pg_row().is_some()
    }

    /// Passes over `count` columns.
    pub fn skip(&mut self, count: usize) {
        self.next += count;
    }

    /// The next column, without consuming it (a joined row's key, to tell whether it was read
    /// already).
    pub fn peek<T: Column>(&self) -> Result<Option<T>, DbErr> {
        let index = self.next;
        if let Some(row) = self.row.try_as_pg_row() {
            // Text has its own decoder (stable Rust has no specialisation: the downcast picks
            // it, and compiles to nothing for the other column types).
            let mut text: Option<Option<T>> = None;
            if let Some(slot) = (&mut text as &mut dyn Any).downcast_mut::<Option<Option<String>>>()
            {
                *slot = Some(pg_text(row, index).map_err(|e| self.type_error(index, e))?);
            }
            if let Some(text) = text {
                return Ok(text);
            }
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

/// A text column of a PostgreSQL row, as sqlx decodes a `String` but with its UTF-8 checked by
/// simdutf8: std's check goes a byte at a time through Vietnamese text (a multi-byte letter every
/// few bytes). simdutf8 hands texts under 64 bytes to std's check, so the longer ones gain.
fn pg_text(row: &sqlx::postgres::PgRow, index: usize) -> Result<Option<String>, sqlx::Error> {
    let value = row.try_get_raw(index)?;
    if sqlx::ValueRef::is_null(&value) {
        return Ok(None);
    }
    let bytes = value.as_bytes().map_err(sqlx::Error::Decode)?;
    let text = simdutf8::basic::from_utf8(bytes).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Some(text.to_owned()))
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

    /// The model from a row that has only the columns of `read.model` (in entity order) from
    /// column 0 on; for a pair, those of its first model, and `read.joined` those of the second.
    fn from_partial_row(row: &QueryResult, read: RowColumns) -> Result<Self, DbErr> {
        Self::decode(&mut Columns::partial(row, read))
    }

    /// Every row of a statement, each as [`DecodeRow::from_partial_row`] decodes it.
    fn from_partial_rows(rows: &[QueryResult], read: RowColumns) -> Result<Vec<Self>, DbErr> {
        rows.iter()
            .map(|row| Self::from_partial_row(row, read))
            .collect()
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
    const WIDTH: usize = 12;

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
            difficulties: c.nullable()?,
            proposals: c.nullable()?,
            reported_by: c.nullable()?,
        })
    }
}

/// A model and the row joined to it (the columns of `RowColumns::joined`, its id among them; NULL
/// when there is none): a task and its newest progress update, a plan and its issuer. Only for
/// models decoded by position.
impl<A: DecodeRow, B: DecodeRow> DecodeRow for (A, Option<B>) {
    const WIDTH: usize = A::WIDTH + B::WIDTH;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        let first = A::decode(c)?;
        let joined = c.joined;
        c.start_model(joined);
        if c.next_is_null()? {
            c.skip(
                (0..B::WIDTH)
                    .filter(|&place| joined.contains(place))
                    .count(),
            );
            return Ok((first, None));
        }
        Ok((first, Some(B::decode(c)?)))
    }
}

/// A model joined to each row of a page for the request's cache: a plan's issuer, a unit's
/// parent, an audit event's actor's unit. The rows of a page often name the same one (a page of
/// 50 units has about a dozen parents): it is decoded from the first row that names it, and is
/// `None` on the others, which find it in the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinedOnce<B>(pub Option<B>);

/// A model and the row joined to it for the cache (its id first among `RowColumns::joined`).
impl<A: DecodeRow, B: DecodeRow> DecodeRow for (A, JoinedOnce<B>) {
    const WIDTH: usize = A::WIDTH + B::WIDTH;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        let (first, joined) = <(A, Option<B>)>::decode(c)?;
        Ok((first, JoinedOnce(joined)))
    }

    fn from_partial_rows(rows: &[QueryResult], read: RowColumns) -> Result<Vec<Self>, DbErr> {
        // Told apart by the joined model's id, its first column (every entity's is).
        if !read.joined.contains(0) {
            return rows
                .iter()
                .map(|row| Self::from_partial_row(row, read))
                .collect();
        }
        let mut seen = crate::kernel::maps::FastSet::default();
        rows.iter()
            .map(|row| {
                let mut c = Columns::partial(row, read);
                let first = A::decode(&mut c)?;
                c.start_model(read.joined);
                let joined = match c.peek::<uuid::Uuid>()? {
                    Some(id) if seen.insert(id) => Some(B::decode(&mut c)?),
                    _ => None,
                };
                Ok((first, JoinedOnce(joined)))
            })
            .collect()
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
    const WIDTH: usize = 18;

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
            confidential: c.required()?,
        })
    }
}

impl DecodeRow for nomination::Model {
    const WIDTH: usize = 29;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            round_id: c.required()?,
            movement_id: c.required()?,
            nominee_kind: c.enumeration()?,
            nominee_id: c.required()?,
            award_type_id: c.required()?,
            award_code: c.required()?,
            achievement_from: c.required()?,
            achievement_to: c.required()?,
            achievement_kind: c.enumeration()?,
            nominating_unit_id: c.required()?,
            holder_unit_id: c.required()?,
            route_step: c.required()?,
            state: c.enumeration()?,
            summary: c.required()?,
            initiative_ids: c.required()?,
            supplement_request: c.nullable()?,
            consultation_posted_on: c.nullable()?,
            consultation_closes_on: c.nullable()?,
            consultation_channel: c.nullable()?,
            decision_id: c.nullable()?,
            awarded_type_id: c.nullable()?,
            warnings: c.required()?,
            open_marker: c.nullable()?,
            search_text: c.required()?,
            version: c.required()?,
            created_by: c.nullable()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for emulation_round::Model {
    const WIDTH: usize = 14;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            movement_id: c.required()?,
            kind: c.enumeration()?,
            name: c.required()?,
            achievement_from: c.required()?,
            achievement_to: c.required()?,
            opens_on: c.required()?,
            closes_on: c.required()?,
            award_codes: c.required()?,
            quotas: c.required()?,
            version: c.required()?,
            created_by: c.nullable()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for emulation_movement::Model {
    const WIDTH: usize = 18;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            plan_id: c.nullable()?,
            launcher_unit_id: c.required()?,
            level: c.enumeration()?,
            name: c.required()?,
            kind: c.enumeration()?,
            parent_movement_id: c.nullable()?,
            starts_on: c.required()?,
            ends_on: c.required()?,
            subjects: c.required()?,
            collective_criteria: c.nullable()?,
            individual_criteria: c.nullable()?,
            registration_rule: c.enumeration()?,
            search_text: c.required()?,
            version: c.required()?,
            created_by: c.nullable()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for person::Model {
    const WIDTH: usize = 11;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            full_name: c.required()?,
            search_text: c.required()?,
            birth_date: c.nullable()?,
            gender: c.optional_enumeration()?,
            staff_category: c.optional_enumeration()?,
            position: c.nullable()?,
            unit_id: c.required()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for award_type::Model {
    const WIDTH: usize = 23;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            code: c.required()?,
            version: c.required()?,
            national_code: c.nullable()?,
            name: c.required()?,
            category: c.enumeration()?,
            subjects: c.required()?,
            rank: c.required()?,
            deciding_authority: c.enumeration()?,
            proposing_route: c.required()?,
            reward_hundredths: c.nullable()?,
            eligibility_rule: c.enumeration()?,
            rule_parameters: c.required()?,
            law_version: c.required()?,
            legal_basis: c.required()?,
            valid_from: c.required()?,
            valid_to: c.nullable()?,
            note: c.nullable()?,
            council_percent: c.required()?,
            secret_ballot: c.required()?,
            consultation_working_days: c.nullable()?,
            created_by: c.nullable()?,
            created_at: c.required()?,
        })
    }
}

impl DecodeRow for target::Model {
    const WIDTH: usize = 26;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            plan_id: c.required()?,
            area_id: c.nullable()?,
            code: c.required()?,
            statement: c.required()?,
            measure: c.enumeration()?,
            unit_text: c.nullable()?,
            comparator: c.optional_enumeration()?,
            target_value: c.nullable()?,
            target_year: c.nullable()?,
            baseline_value: c.nullable()?,
            baseline_year: c.nullable()?,
            change_direction: c.optional_enumeration()?,
            aspirational: c.required()?,
            condition_text: c.nullable()?,
            total_label: c.nullable()?,
            ratio_label: c.nullable()?,
            ratio_per: c.nullable()?,
            ratio_decimals: c.nullable()?,
            population_baseline: c.nullable()?,
            population_target: c.nullable()?,
            position: c.required()?,
            search_text: c.required()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for report_submission::Model {
    const WIDTH: usize = 21;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            regime_id: c.required()?,
            period_code: c.required()?,
            level: c.required()?,
            reporting_unit_id: c.required()?,
            receiving_unit_id: c.nullable()?,
            status: c.enumeration()?,
            is_nil: c.required()?,
            content: c.nullable()?,
            due_on: c.nullable()?,
            first_submitted_at: c.nullable()?,
            submitted_at: c.nullable()?,
            is_late: c.nullable()?,
            days_late: c.nullable()?,
            return_reason: c.nullable()?,
            decided_at: c.nullable()?,
            decided_by: c.nullable()?,
            submitted_by: c.nullable()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for audit_event::Model {
    const WIDTH: usize = 12;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            occurred_at: c.required()?,
            subject: c.required()?,
            unit_id: c.nullable()?,
            client_id: c.nullable()?,
            action: c.required()?,
            object_type: c.required()?,
            object_id: c.required()?,
            scope_unit_id: c.nullable()?,
            before: c.nullable()?,
            after: c.nullable()?,
            request_id: c.nullable()?,
        })
    }
}

impl DecodeRow for target_value::Model {
    const WIDTH: usize = 11;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            target_id: c.required()?,
            breakdown_row_id: c.nullable()?,
            unit_id: c.required()?,
            period_code: c.required()?,
            value: c.required()?,
            is_estimate: c.required()?,
            narrative: c.nullable()?,
            reported_by: c.nullable()?,
            reported_at: c.required()?,
            created_at: c.required()?,
        })
    }
}

impl DecodeRow for target_breakdown_group::Model {
    const WIDTH: usize = 5;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            target_id: c.required()?,
            code: c.required()?,
            label: c.required()?,
            position: c.required()?,
        })
    }
}

impl DecodeRow for target_breakdown_row::Model {
    const WIDTH: usize = 9;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            target_id: c.required()?,
            group_id: c.required()?,
            code: c.required()?,
            label: c.required()?,
            unit_id: c.nullable()?,
            baseline_value: c.required()?,
            target_value: c.required()?,
            position: c.required()?,
        })
    }
}

impl DecodeRow for calendar_day::Model {
    const WIDTH: usize = 5;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            day: c.required()?,
            kind: c.enumeration()?,
            name: c.required()?,
            note: c.nullable()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for reporting_regime::Model {
    const WIDTH: usize = 13;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            plan_id: c.nullable()?,
            name: c.required()?,
            frequency: c.enumeration()?,
            period_keys: c.nullable()?,
            cut_off: c.enumeration()?,
            allows_nil: c.required()?,
            content_outline: c.nullable()?,
            note: c.nullable()?,
            position: c.required()?,
            version: c.required()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for reporting_deadline::Model {
    const WIDTH: usize = 13;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            plan_id: c.required()?,
            period: c.enumeration()?,
            text: c.required()?,
            reporter_unit_id: c.nullable()?,
            reporter_group_id: c.nullable()?,
            recipient_unit_id: c.nullable()?,
            via_unit_id: c.nullable()?,
            rule: c.required()?,
            position: c.required()?,
            regime_id: c.nullable()?,
            level: c.required()?,
            period_keys: c.nullable()?,
        })
    }
}

impl DecodeRow for unit_group::Model {
    const WIDTH: usize = 5;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            label: c.required()?,
            parent_unit_id: c.nullable()?,
            unit_kinds: c.required()?,
            created_at: c.required()?,
        })
    }
}

impl DecodeRow for unit_group_member::Model {
    const WIDTH: usize = 3;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            group_id: c.required()?,
            unit_id: c.required()?,
            included: c.required()?,
        })
    }
}

// The records eligibility is judged from: a person's history is read for every `eligibility`
// question and every nomination step that checks it (Q7).
impl DecodeRow for entity::award_record::Model {
    const WIDTH: usize = 21;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            recipient_kind: c.enumeration()?,
            recipient_id: c.required()?,
            award_type_id: c.required()?,
            award_code: c.required()?,
            achievement_from: c.required()?,
            achievement_to: c.required()?,
            kind: c.enumeration()?,
            decision_number: c.required()?,
            decided_on: c.required()?,
            issuer_name: c.required()?,
            status: c.enumeration()?,
            revoked_on: c.nullable()?,
            revocation_reason: c.nullable()?,
            revocation_decision: c.nullable()?,
            review_note: c.nullable()?,
            source: c.nullable()?,
            version: c.required()?,
            created_by: c.nullable()?,
            created_at: c.required()?,
            updated_at: c.required()?,
        })
    }
}

impl DecodeRow for entity::duty_rating::Model {
    const WIDTH: usize = 7;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            subject_kind: c.enumeration()?,
            subject_id: c.required()?,
            year: c.required()?,
            rating: c.enumeration()?,
            decision_ref: c.nullable()?,
            created_at: c.required()?,
        })
    }
}

impl DecodeRow for entity::discipline::Model {
    const WIDTH: usize = 8;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            person_id: c.required()?,
            form: c.enumeration()?,
            decision_ref: c.required()?,
            decided_on: c.required()?,
            effective_from: c.required()?,
            effective_to: c.required()?,
            created_at: c.required()?,
        })
    }
}

impl DecodeRow for entity::initiative::Model {
    const WIDTH: usize = 8;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            title: c.required()?,
            kind: c.enumeration()?,
            unit_id: c.required()?,
            scope: c.enumeration()?,
            recognition_decision: c.required()?,
            recognised_on: c.required()?,
            created_at: c.required()?,
        })
    }
}

impl DecodeRow for entity::initiative_author::Model {
    const WIDTH: usize = 3;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            initiative_id: c.required()?,
            person_id: c.required()?,
            share_percent: c.nullable()?,
        })
    }
}

impl DecodeRow for entity::employment::Model {
    const WIDTH: usize = 7;

    fn decode(c: &mut Columns<'_>) -> Result<Self, DbErr> {
        Ok(Self {
            id: c.required()?,
            person_id: c.required()?,
            unit_id: c.required()?,
            position: c.nullable()?,
            started_on: c.required()?,
            ended_on: c.nullable()?,
            created_at: c.required()?,
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

decode_by_name!(
    entity::report_request::Model,
    entity::deadline_extension::Model,
    entity::award_decision::Model,
    entity::nomination_batch::Model,
    entity::emulation_registration::Model,
);
