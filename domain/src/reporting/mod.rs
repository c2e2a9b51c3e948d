//! Progress reporting (báo cáo tiến độ): reporting regimes, periods and deadlines, submissions
//! and roll-ups. Filled by the progress issue; today's progress updates are read through
//! `planning::task`.
