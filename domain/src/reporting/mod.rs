//! Progress reporting (báo cáo tiến độ): reporting regimes, periods and deadlines, submissions
//! and roll-ups. Today's progress updates are read through `planning::task`.

pub mod attainment;
pub mod calendar;
pub mod completion;
pub mod deadline;
pub mod events;
pub mod export;
pub mod extension;
pub mod progress;
pub mod regime;
pub mod reminder;
pub mod scorecard;
pub mod submission;
