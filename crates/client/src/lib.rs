//! Brevdue's viewing client without any UI.
//!
//! (The crate documentation is written with the `Client` facade.)

pub mod auth;
pub mod credentials;
mod error;
mod http;

pub use error::{ClientError, ErrorKind, Result};
pub use http::http_client;
