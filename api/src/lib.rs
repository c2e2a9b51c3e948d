pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod graphql;
pub mod routes;
pub mod startup;
pub mod telemetry;
