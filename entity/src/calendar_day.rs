use crate::enums::CalendarDayKind;
use sea_orm::entity::prelude::*;
use serde::Serialize;

crate::table!("calendar_day");

/// A day the official calendar declares: a day off on a weekday (a public holiday, Tết, a
/// compensatory day) or a working Saturday (ngày làm bù). Other days follow the week: Monday to
/// Friday work, Saturday and Sunday off.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub kind: CalendarDayKind,
    /// What the day is ("Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương", "Làm bù cho 02/5").
    pub name: String,
    /// Where it is declared, or why it is uncertain.
    pub note: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
