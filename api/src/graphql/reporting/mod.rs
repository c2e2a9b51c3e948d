//! Reporting (báo cáo): periods and their data windows, deadline rules, the working-day
//! calendar, reporting regimes.

pub mod attainment;
pub mod calendar;
pub mod extension;
pub mod live;
pub mod period;
pub mod progress;
pub mod regime;
pub mod reminder;
pub mod request;
pub mod scorecard;
pub mod submission;
