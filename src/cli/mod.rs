//! One module per command (or command group). Each exposes its clap arguments and a `run`
//! function returning the process exit code; errors carry context for the user.

pub mod converge;
pub mod dismiss;
pub mod plan;
pub mod project;
pub mod release;
pub mod render;
pub mod secret;
pub mod sim;
