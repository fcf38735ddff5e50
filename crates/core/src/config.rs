//! Configuration: the built-in `config/default.toml`, overridden key by key by the
//! user's file, then by `ODC_*` environment variables.
//!
//! The user's file is checked against the defaults before anything is deserialised,
//! so an unknown key or a value of the wrong type is reported with the file, the
//! dotted key and what was expected, rather than as a serde message.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Table, Value};

/// The embedded defaults; every setting odc has is in this file, with a comment.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

use crate::limits::{FRAGMENT_LIMIT, FRAGMENT_UNIT};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub account: AccountConfig,
    pub endpoints: EndpointConfig,
    pub network: NetworkConfig,
    pub transfer: TransferConfig,
    pub sync: SyncConfig,
    pub filters: FiltersConfig,
    pub ui: UiConfig,
    /// Action name → keys; the UI's keymap reads and checks them
    /// (`tui::keymap::Keymap::load`), so settings know nothing of the UI.
    pub keys: BTreeMap<String, Vec<String>>,
    /// Where each setting the user changed came from, for error messages.
    #[serde(skip)]
    pub origins: BTreeMap<String, Origin>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    pub show_hidden: bool,
    pub theme: ThemeSetting,
    /// How pictures are drawn: `auto` asks the terminal at start (kitty, iTerm2,
    /// sixel, else half blocks), or one of them by name.
    pub graphics: String,
}

/// `ui.theme`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ThemeSetting {
    Default,
    None,
}

/// `transfer.on_conflict`: what a copy does when the target exists.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OnConflict {
    Ask,
    Overwrite,
    Skip,
    Rename,
    OverwriteOlder,
}

/// The values a setting held as an enum accepts, checked before deserialising so
/// the message names the file and the key (serde's would not).
const ENUM_SETTINGS: [(&str, &[&str]); 5] = [
    ("account.token_store", &["file", "keyring"]),
    (
        "endpoints.cloud",
        &["global", "usgov", "usgov-dod", "china"],
    ),
    (
        "transfer.on_conflict",
        &["ask", "overwrite", "skip", "rename", "overwrite_older"],
    ),
    ("ui.theme", &["default", "none"]),
    (
        "ui.graphics",
        &["auto", "kitty", "iterm2", "sixel", "halfblocks"],
    ),
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub client_id: String,
    pub tenant: String,
    pub scopes: Vec<String>,
    pub browser_timeout_secs: u64,
    pub token_store: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EndpointConfig {
    /// Which Microsoft cloud: its sign-in and Graph hosts, unless set one by one.
    pub cloud: String,
    pub authority_url: String,
    pub graph_url: String,
}

/// The national clouds' hosts (learn.microsoft.com/graph/deployments): cloud name,
/// identity platform, Microsoft Graph.
pub const CLOUDS: [(&str, &str, &str); 4] = [
    (
        "global",
        "https://login.microsoftonline.com",
        "https://graph.microsoft.com/v1.0",
    ),
    (
        "usgov",
        "https://login.microsoftonline.us",
        "https://graph.microsoft.us/v1.0",
    ),
    (
        "usgov-dod",
        "https://login.microsoftonline.us",
        "https://dod-graph.microsoft.us/v1.0",
    ),
    (
        "china",
        "https://login.chinacloudapi.cn",
        "https://microsoftgraph.chinacloudapi.cn/v1.0",
    ),
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    pub connect_timeout_secs: u64,
    pub read_idle_timeout_secs: u64,
    pub max_attempts: u32,
    pub retry_budget_secs: u64,
    pub backoff_initial_ms: u64,
    pub backoff_max_secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TransferConfig {
    pub simple_upload_max_bytes: u64,
    pub keep_modified_time: bool,
    pub batch_small_files: bool,
    pub upload_fragment_bytes: u64,
    pub concurrency: u32,
    pub page_size: u32,
    pub list_concurrency: u32,
    pub download_streams: u32,
    pub download_streams_min_bytes: u64,
    pub on_conflict: OnConflict,
    pub follow_symlinks: bool,
    /// rclone's `--bwlimit` spelling: `off`, `1M`, `500k`, `10M:1M` (up:down).
    pub bwlimit: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    pub max_delete: u64,
    pub big_delete_percent: u32,
    pub big_delete_min: u64,
}

/// `[filters]`: rules every transfer, check and listing applies before the
/// command line's (rclone's `+ GLOB` / `- GLOB` / `!` lines).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FiltersConfig {
    pub rules: Vec<String>,
}

/// Where a setting's value came from, so errors can point at it.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Default,
    File(PathBuf),
    Env(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => write!(f, "built-in defaults"),
            Origin::File(path) => write!(f, "{}", path.display()),
            Origin::Env(name) => write!(f, "environment variable {name}"),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{origin}: not valid TOML: {reason}")]
    Syntax { origin: Origin, reason: String },
    #[error("{origin}: unknown key `{key}`{hint}")]
    UnknownKey {
        origin: Origin,
        key: String,
        hint: String,
    },
    #[error("{origin}: key `{key}`: expected {expected}")]
    BadValue {
        origin: Origin,
        key: String,
        expected: String,
    },
}

/// The environment variables odc reads, and the key each one sets.
pub const ENV_OVERRIDES: [(&str, &str); 5] = [
    ("ODC_CLIENT_ID", "account.client_id"),
    ("ODC_TENANT", "account.tenant"),
    ("ODC_AUTHORITY_URL", "endpoints.authority_url"),
    ("ODC_GRAPH_URL", "endpoints.graph_url"),
    ("ODC_GRAPHICS", "ui.graphics"),
];

/// The user's config file: `--config PATH`, else `$XDG_CONFIG_HOME/odc/config.toml`.
/// The default location may be absent; an explicit one must exist.
pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
    let (path, required) = match explicit {
        Some(path) => (Some(path.to_path_buf()), true),
        None => (crate::paths::config_file(), false),
    };
    let user = match path {
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(text) => Some((path, text)),
            Err(err) if !required && err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => {
                return Err(ConfigError::Unreadable {
                    path,
                    reason: err.to_string(),
                });
            }
        },
        None => None,
    };
    load_from(
        user.as_ref().map(|(p, t)| (p.as_path(), t.as_str())),
        &env_overrides(),
    )
}

/// Pure core of [`load`]: defaults, then the user's file text, then environment pairs.
pub fn load_from(
    user: Option<(&Path, &str)>,
    env: &[(&'static str, String)],
) -> Result<Config, ConfigError> {
    load_layers(user, env).map(|(config, _)| config)
}

/// Every effective setting as `(dotted key, value as TOML, where it came from)`,
/// for `odc config show`.
pub fn effective_settings(
    user: Option<(&Path, &str)>,
    env: &[(&'static str, String)],
) -> Result<Vec<(String, String, Origin)>, ConfigError> {
    let (config, merged) = load_layers(user, env)?;
    let mut out = Vec::new();
    for (section, value) in &merged {
        let Value::Table(table) = value else { continue };
        for (key, value) in table {
            let dotted = format!("{section}.{key}");
            let origin = config.origin(&dotted);
            // The hosts a cloud brought are what odc uses.
            let value = match dotted.as_str() {
                "endpoints.authority_url" => Value::String(config.endpoints.authority_url.clone()),
                "endpoints.graph_url" => Value::String(config.endpoints.graph_url.clone()),
                _ => value.clone(),
            };
            out.push((dotted, value.to_string(), origin));
        }
    }
    Ok(out)
}

/// The environment pairs odc would read now.
pub fn env_overrides() -> Vec<(&'static str, String)> {
    ENV_OVERRIDES
        .iter()
        .filter_map(|(name, _)| std::env::var(name).ok().map(|v| (*name, v)))
        .collect()
}

/// The checked config (carrying where each setting came from) and the merged table.
fn load_layers(
    user: Option<(&Path, &str)>,
    env: &[(&'static str, String)],
) -> Result<(Config, Table), ConfigError> {
    let mut merged: Table =
        DEFAULT_TOML
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Syntax {
                origin: Origin::Default,
                reason: e.to_string(),
            })?;
    let mut origins: BTreeMap<String, Origin> = BTreeMap::new();

    if let Some((path, text)) = user {
        let origin = Origin::File(path.to_path_buf());
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Syntax {
                origin: origin.clone(),
                reason: match e.span() {
                    Some(span) => {
                        let (line, column) = line_and_column(text, span.start);
                        format!("line {line}, column {column}: {}", e.message().trim())
                    }
                    None => e.message().trim().to_string(),
                },
            })?;
        merge(&mut merged, table, "", &origin, &mut origins)?;
    }
    for (name, value) in env {
        let key = ENV_OVERRIDES
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, k)| *k)
            .expect("only known variables are passed");
        let (section, field) = key.split_once('.').expect("dotted key");
        let slot = merged
            .get_mut(section)
            .and_then(Value::as_table_mut)
            .expect("section exists in defaults");
        slot.insert(field.to_string(), Value::String(value.clone()));
        origins.insert(key.to_string(), Origin::Env(name));
    }

    for (key, allowed) in ENUM_SETTINGS {
        let (section, field) = key.split_once('.').expect("dotted key");
        let value = merged
            .get(section)
            .and_then(|t| t.get(field))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !allowed.contains(&value) {
            let quoted: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
            return Err(ConfigError::BadValue {
                origin: origins.get(key).cloned().unwrap_or(Origin::Default),
                key: key.to_string(),
                expected: format!("one of {}; found {value:?}", quoted.join(", ")),
            });
        }
    }
    check_ranges(&merged, &origins)?;
    let mut config: Config =
        Value::Table(merged.clone())
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::BadValue {
                origin: Origin::Default,
                key: String::new(),
                expected: e.message().to_string(),
            })?;
    config.origins = origins;
    apply_cloud(&mut config);
    validate(&config)?;
    Ok((config, merged))
}

/// A cloud other than the global one brings its hosts, unless the user set a host
/// explicitly (the emulator, a proxy).
fn apply_cloud(config: &mut Config) {
    let Some((_, authority, graph)) = CLOUDS
        .iter()
        .find(|(name, ..)| *name == config.endpoints.cloud)
    else {
        return;
    };
    if !config.user_set("endpoints.authority_url") {
        config.endpoints.authority_url = authority.to_string();
    }
    if !config.user_set("endpoints.graph_url") {
        config.endpoints.graph_url = graph.to_string();
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Overlays `user` onto `base`, refusing keys the defaults lack and values whose type
/// differs from the default's.
fn merge(
    base: &mut Table,
    user: Table,
    prefix: &str,
    origin: &Origin,
    origins: &mut BTreeMap<String, Origin>,
) -> Result<(), ConfigError> {
    for (key, value) in user {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let Some(existing) = base.get_mut(&key) else {
            let known: Vec<&String> = base.keys().collect();
            let hint = closest(&key, &known)
                .map(|k| {
                    let full = if prefix.is_empty() {
                        k.to_string()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    format!(" (did you mean `{full}`?)")
                })
                .unwrap_or_default();
            return Err(ConfigError::UnknownKey {
                origin: origin.clone(),
                key: dotted,
                hint,
            });
        };
        match (existing, value) {
            (Value::Table(base_table), Value::Table(user_table)) => {
                merge(base_table, user_table, &dotted, origin, origins)?;
            }
            (existing, value) => {
                if !same_kind(existing, &value) {
                    return Err(ConfigError::BadValue {
                        origin: origin.clone(),
                        key: dotted,
                        expected: format!("{}, found {}", describe(existing), value.type_str()),
                    });
                }
                *existing = value;
                origins.insert(dotted, origin.clone());
            }
        }
    }
    Ok(())
}

fn same_kind(default: &Value, user: &Value) -> bool {
    match (default, user) {
        (Value::Array(d), Value::Array(u)) => match d.first() {
            Some(first) => u.iter().all(|item| same_kind(first, item)),
            None => true,
        },
        (d, u) => std::mem::discriminant(d) == std::mem::discriminant(u),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(_) => "a string".into(),
        Value::Integer(_) => "a whole number".into(),
        Value::Float(_) => "a number".into(),
        Value::Boolean(_) => "true or false".into(),
        Value::Datetime(_) => "a date".into(),
        Value::Array(items) => match items.first() {
            Some(first) => format!("a list of {}s", describe(first).trim_start_matches("a ")),
            None => "a list".into(),
        },
        Value::Table(_) => "a table".into(),
    }
}

/// A known key within edit distance 2, for "did you mean".
fn closest<'a>(wanted: &str, known: &[&'a String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(wanted, k), k.as_str()))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Config {
    /// Where `key` (dotted, e.g. `keys.copy`) got its value.
    pub fn origin(&self, key: &str) -> Origin {
        self.origins.get(key).cloned().unwrap_or(Origin::Default)
    }

    /// Whether the user (a file or the environment) set `key`.
    pub fn user_set(&self, key: &str) -> bool {
        self.origins.contains_key(key)
    }
}

/// Every whole-number setting and the values it takes (inclusive). Checked on
/// the merged table, before the numbers become Rust integers: a negative number or
/// one at the top of its type is reported against its key and where it was set,
/// and no later arithmetic on a setting can overflow.
pub const RANGES: &[(&str, i64, i64)] = &[
    ("account.browser_timeout_secs", 1, 86_400),
    ("network.connect_timeout_secs", 1, 3_600),
    ("network.read_idle_timeout_secs", 1, 86_400),
    ("network.max_attempts", 1, 100),
    ("network.retry_budget_secs", 1, 86_400),
    ("network.backoff_initial_ms", 1, 600_000),
    ("network.backoff_max_secs", 1, 3_600),
    ("transfer.simple_upload_max_bytes", 0, 4 << 20),
    (
        "transfer.upload_fragment_bytes",
        FRAGMENT_UNIT as i64,
        FRAGMENT_LIMIT as i64,
    ),
    ("transfer.concurrency", 1, 64),
    ("transfer.page_size", 1, 1000),
    ("transfer.list_concurrency", 1, 64),
    ("transfer.download_streams", 1, 16),
    ("transfer.download_streams_min_bytes", 1 << 20, 1 << 50),
    ("sync.max_delete", 0, 1 << 40),
    ("sync.big_delete_percent", 1, 100),
    ("sync.big_delete_min", 0, 1 << 40),
];

fn check_ranges(merged: &Table, origins: &BTreeMap<String, Origin>) -> Result<(), ConfigError> {
    for (key, low, high) in RANGES {
        let (section, field) = key.split_once('.').expect("dotted key");
        let value = merged
            .get(section)
            .and_then(|t| t.get(field))
            .and_then(Value::as_integer);
        if let Some(value) = value
            && !(*low..=*high).contains(&value)
        {
            return Err(ConfigError::BadValue {
                origin: origins.get(*key).cloned().unwrap_or(Origin::Default),
                key: key.to_string(),
                expected: format!("{low} to {high}; found {value}"),
            });
        }
    }
    Ok(())
}

fn validate(config: &Config) -> Result<(), ConfigError> {
    let bad = |key: &str, expected: String| ConfigError::BadValue {
        origin: config.origin(key),
        key: key.to_string(),
        expected,
    };
    check_endpoint(&config.endpoints.authority_url)
        .map_err(|e| bad("endpoints.authority_url", e))?;
    check_endpoint(&config.endpoints.graph_url).map_err(|e| bad("endpoints.graph_url", e))?;
    let tenant = &config.account.tenant;
    if tenant.is_empty()
        || !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(bad(
            "account.tenant",
            "\"common\", \"organizations\", \"consumers\", a tenant GUID or a domain".into(),
        ));
    }
    if config.account.scopes.is_empty() {
        return Err(bad("account.scopes", "at least one scope".into()));
    }
    // Whole numbers have their ranges checked already (`RANGES`); what is left
    // is what a range cannot say.
    let fragment = config.transfer.upload_fragment_bytes;
    if fragment == 0 || !fragment.is_multiple_of(FRAGMENT_UNIT) || fragment >= FRAGMENT_LIMIT {
        return Err(bad(
            "transfer.upload_fragment_bytes",
            format!(
                "a multiple of {FRAGMENT_UNIT} (320 KiB) below 60 MiB, such as 10485760; found {fragment}"
            ),
        ));
    }
    Ok(())
}

/// An endpoint must be an absolute https URL, or http on a loopback host.
pub fn check_endpoint(text: &str) -> Result<(), String> {
    let url = url::Url::parse(text)
        .map_err(|e| format!("an absolute URL such as https://host/path ({e}): {text:?}"))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        "http" => Err(format!(
            "an https:// URL; http:// is only allowed for loopback hosts (127.0.0.1, ::1, localhost): {text:?}"
        )),
        other => Err(format!("an https:// URL, not {other}://: {text:?}")),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl Config {
    /// The defaults alone, as built in.
    pub fn defaults() -> Config {
        load_from(None, &[]).expect("built-in defaults are valid")
    }

    pub fn device_code_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/devicecode",
            self.endpoints.authority_url.trim_end_matches('/'),
            self.account.tenant
        )
    }

    pub fn authorize_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/authorize",
            self.endpoints.authority_url.trim_end_matches('/'),
            self.account.tenant
        )
    }

    pub fn logout_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/logout",
            self.endpoints.authority_url.trim_end_matches('/'),
            self.account.tenant
        )
    }

    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.endpoints.authority_url.trim_end_matches('/'),
            self.account.tenant
        )
    }
}
