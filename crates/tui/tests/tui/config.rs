//! Config fixtures: valid and invalid user files, and environment overrides.

use std::path::{Path, PathBuf};

use odc_core::config::{Config, ConfigError, Origin, load_from};

fn fixture(name: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn load_fixture(name: &str) -> Result<Config, ConfigError> {
    let (path, text) = fixture(name);
    load_from(Some((&path, &text)), &[])
}

#[test]
fn defaults_match_the_documented_values() {
    let config = Config::defaults();
    assert_eq!(config.account.tenant, "common");
    assert_eq!(config.account.client_id, "");
    assert_eq!(
        config.account.scopes,
        [
            "Files.ReadWrite.All",
            "Sites.Read.All",
            "User.Read",
            "offline_access"
        ]
    );
    assert_eq!(
        config.endpoints.authority_url,
        "https://login.microsoftonline.com"
    );
    assert_eq!(
        config.endpoints.graph_url,
        "https://graph.microsoft.com/v1.0"
    );
    assert_eq!(config.transfer.upload_fragment_bytes, 10 * 1024 * 1024);
    assert_eq!(config.transfer.simple_upload_max_bytes, 4 * 1024 * 1024);
    assert_eq!(
        config.device_code_url(),
        "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode"
    );
    assert_eq!(
        config.token_url(),
        "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    );
}

#[test]
fn user_file_overrides_key_by_key() {
    let config = load_fixture("valid.toml").unwrap();
    assert_eq!(
        config.account.client_id,
        "11111111-2222-3333-4444-555555555555"
    );
    assert_eq!(config.account.tenant, "consumers");
    assert_eq!(config.transfer.upload_fragment_bytes, 5_242_880);
    assert_eq!(config.transfer.concurrency, 4);
    // Untouched keys keep their defaults, including in touched sections.
    assert_eq!(config.transfer.page_size, 1000);
    assert_eq!(config.account.scopes, Config::defaults().account.scopes);
    assert_eq!(config.network, Config::defaults().network);
}

#[test]
fn environment_overrides_the_file() {
    let (path, text) = fixture("valid.toml");
    let env = vec![
        ("ODC_CLIENT_ID", "env-client".to_string()),
        ("ODC_TENANT", "organizations".to_string()),
        ("ODC_AUTHORITY_URL", "http://127.0.0.1:9999".to_string()),
        ("ODC_GRAPH_URL", "http://127.0.0.1:9999/v1.0".to_string()),
    ];
    let config = load_from(Some((&path, &text)), &env).unwrap();
    assert_eq!(config.account.client_id, "env-client");
    assert_eq!(config.account.tenant, "organizations");
    assert_eq!(
        config.token_url(),
        "http://127.0.0.1:9999/organizations/oauth2/v2.0/token"
    );
    assert_eq!(config.endpoints.graph_url, "http://127.0.0.1:9999/v1.0");
}

#[test]
fn unknown_key_names_file_and_key_and_suggests() {
    let err = load_fixture("unknown_key.toml").unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, ConfigError::UnknownKey { .. }), "{message}");
    assert!(message.contains("unknown_key.toml"), "{message}");
    assert!(
        message.contains("`transfer.upload_fragmnet_bytes`"),
        "{message}"
    );
    assert!(
        message.contains("did you mean `transfer.upload_fragment_bytes`"),
        "{message}"
    );
}

#[test]
fn unknown_section_is_refused() {
    let message = load_fixture("unknown_section.toml")
        .unwrap_err()
        .to_string();
    assert!(message.contains("unknown key `colours`"), "{message}");
}

#[test]
fn wrong_type_says_what_was_expected() {
    let message = load_fixture("wrong_type.toml").unwrap_err().to_string();
    assert!(message.contains("wrong_type.toml"), "{message}");
    assert!(
        message.contains("`network.connect_timeout_secs`"),
        "{message}"
    );
    assert!(
        message.contains("expected a whole number, found string"),
        "{message}"
    );
}

#[test]
fn list_items_are_type_checked() {
    let message = load_fixture("bad_scopes.toml").unwrap_err().to_string();
    assert!(message.contains("`account.scopes`"), "{message}");
    assert!(message.contains("a list of strings"), "{message}");
}

#[test]
fn fragment_size_must_be_a_multiple_of_320_kib() {
    let err = load_fixture("bad_fragment.toml").unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(&err, ConfigError::BadValue { origin: Origin::File(p), .. } if p.ends_with("bad_fragment.toml")),
        "{message}"
    );
    assert!(
        message.contains("`transfer.upload_fragment_bytes`"),
        "{message}"
    );
    assert!(message.contains("multiple of 327680"), "{message}");
}

#[test]
fn plain_http_only_for_loopback() {
    let message = load_fixture("http_remote.toml").unwrap_err().to_string();
    assert!(message.contains("`endpoints.graph_url`"), "{message}");
    assert!(message.contains("only allowed for loopback"), "{message}");
    let config = load_fixture("http_loopback.toml").unwrap();
    assert_eq!(config.endpoints.authority_url, "http://127.0.0.1:8123");
}

#[test]
fn bad_environment_value_names_the_variable() {
    let env = vec![("ODC_GRAPH_URL", "http://evil.example/v1.0".to_string())];
    let message = load_from(None, &env).unwrap_err().to_string();
    assert!(
        message.contains("environment variable ODC_GRAPH_URL"),
        "{message}"
    );
    assert!(message.contains("`endpoints.graph_url`"), "{message}");
}

#[test]
fn syntax_errors_name_the_file() {
    let message = load_fixture("syntax.toml").unwrap_err().to_string();
    assert!(message.contains("syntax.toml: not valid TOML"), "{message}");
    assert!(message.contains("line 1, column 9"), "{message}");
}

/// A key bound twice names both actions and the file that did it, even when the
/// other action has the key by default.
#[test]
fn a_key_bound_twice_names_both_actions_and_the_file() {
    let path = Path::new("/home/ada/.config/odc/config.toml");
    // Settings know nothing of the UI; the keymap checks the keys when it loads.
    let config = load_from(Some((path, "[keys]\ncopy = [\"F5\", \"q\"]\n")), &[]).unwrap();
    let err = odc_tui::shared::keymap::Keymap::load(&config).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("/home/ada/.config/odc/config.toml"),
        "{message}"
    );
    assert!(
        message.contains("`copy`") && message.contains("`quit`"),
        "{message}"
    );
    assert!(!message.contains("built-in defaults"), "{message}");
}

#[test]
fn every_default_setting_is_commented() {
    // Each key line in default.toml has a comment: the line before it, or at its
    // end, so the file documents every setting.
    let mut previous_was_comment_or_key = false;
    for line in odc_core::config::DEFAULT_TOML.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            previous_was_comment_or_key = true;
        } else if line.contains(" = ") {
            let inline = line.contains(" # ");
            assert!(
                previous_was_comment_or_key || inline,
                "setting without a comment: {line}"
            );
            previous_was_comment_or_key = false;
        } else if line.is_empty() || line.starts_with('[') {
            previous_was_comment_or_key = false;
        }
    }
}

/// Settings held as enums name the file, the key and the accepted values.
#[test]
fn enum_settings_are_typed_and_explained() {
    let path = Path::new("/home/ada/.config/odc/config.toml");
    let config = load_from(
        Some((
            path,
            "[transfer]\non_conflict = \"overwrite_older\"\n[ui]\ntheme = \"none\"\n",
        )),
        &[],
    )
    .unwrap();
    assert_eq!(
        config.transfer.on_conflict,
        odc_core::config::OnConflict::OverwriteOlder
    );
    assert_eq!(config.ui.theme, odc_core::config::ThemeSetting::None);
    let message = load_from(Some((path, "[transfer]\non_conflict = \"clobber\"\n")), &[])
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("/home/ada/.config/odc/config.toml: key `transfer.on_conflict`"),
        "{message}"
    );
    assert!(
        message.contains("\"overwrite_older\"") && message.contains("\"clobber\""),
        "{message}"
    );
}

#[test]
fn a_national_cloud_brings_its_hosts_unless_one_is_set() {
    let path = PathBuf::from("/home/ada/.config/odc/config.toml");
    let config = load_from(Some((&path, "[endpoints]\ncloud = \"china\"\n")), &[]).unwrap();
    assert_eq!(
        config.authorize_url(),
        "https://login.chinacloudapi.cn/common/oauth2/v2.0/authorize"
    );
    assert_eq!(
        config.endpoints.graph_url,
        "https://microsoftgraph.chinacloudapi.cn/v1.0"
    );
    let text =
        "[endpoints]\ncloud = \"usgov-dod\"\ngraph_url = \"https://graph.example.test/v1.0\"\n";
    let config = load_from(Some((&path, text)), &[]).unwrap();
    assert_eq!(
        config.endpoints.authority_url,
        "https://login.microsoftonline.us"
    );
    assert_eq!(
        config.endpoints.graph_url,
        "https://graph.example.test/v1.0"
    );
    // `odc config show` reports the hosts in use.
    let shown = odc_core::config::effective_settings(Some((&path, text)), &[]).unwrap();
    assert!(
        shown
            .iter()
            .any(|(key, value, _)| key == "endpoints.authority_url"
                && value == "\"https://login.microsoftonline.us\"")
    );
    let err = load_from(Some((&path, "[endpoints]\ncloud = \"germany\"\n")), &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"global\", \"usgov\", \"usgov-dod\", \"china\""),
        "{err}"
    );
}

/// Every whole-number setting has a range; a value outside it (negative, or at
/// the top of its type) names the file, the key and the range, and nothing
/// overflows later.
#[test]
fn every_number_has_a_range_named_with_its_key() {
    let defaults: toml::Table = odc_core::config::DEFAULT_TOML.parse().unwrap();
    for (section, table) in &defaults {
        let Some(table) = table.as_table() else {
            continue;
        };
        for (key, value) in table {
            if value.is_integer() {
                let dotted = format!("{section}.{key}");
                assert!(
                    odc_core::config::RANGES.iter().any(|(k, ..)| *k == dotted),
                    "{dotted} has no range"
                );
            }
        }
    }
    let path = Path::new("/home/ada/.config/odc/config.toml");
    for text in [
        "[network]\nread_idle_timeout_secs = 9223372036854775807\n",
        "[network]\nread_idle_timeout_secs = -1\n",
    ] {
        let message = load_from(Some((path, text)), &[]).unwrap_err().to_string();
        assert!(
            message.contains("/home/ada/.config/odc/config.toml")
                && message.contains("network.read_idle_timeout_secs")
                && message.contains("1 to 86400"),
            "{message}"
        );
    }
}
