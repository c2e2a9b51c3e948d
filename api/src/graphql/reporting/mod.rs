//! Reporting (báo cáo): periods and their data windows, deadline rules, the working-day
//! calendar.

pub mod calendar;
pub mod period;
