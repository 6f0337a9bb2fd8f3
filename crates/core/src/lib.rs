//! The core routing backend of Brevdue (work in progress: see issue 3).

pub mod auth;
pub mod db;
