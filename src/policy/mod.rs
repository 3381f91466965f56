//! Policy: what the user decided about findings, and the one sink that applies it. `config`
//! reads seglint.toml, `suppress` the inline `seglint-allow` comments, `baseline` the baseline
//! files; `sink` applies all of them, and `--fail-on`, for every command. Rules never see policy.

mod baseline;
mod config;
mod sink;
mod suppress;

pub use baseline::{Baseline, BaselineEntry, BaselineError};
pub use config::{CONFIG_FILE, Config, ConfigError, Level, STARTER, find_config, ignored, load_config, parse_config};
pub use sink::{Overrides, Policy, UnknownRule};
