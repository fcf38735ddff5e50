//! The sign-in's `update`: what the flow reports, and the keys of the remote pane
//! while it shows the flow.

use crate::shared::common::{AccountInfo, Common, SignIn};
use crate::shared::keymap::Action;
use crate::shared::messages::Effect;
use crate::shared::relist::list;

/// No usable stored tokens: a sign-in starts.
pub fn needed(common: &mut Common) -> Vec<Effect> {
    common.sign_in = SignIn::Starting;
    vec![Effect::StartSignIn]
}

/// The device code to show, until it expires.
pub fn code(common: &mut Common, user_code: String, verification_uri: String, expires_at: i64) {
    common.sign_in = SignIn::Waiting {
        user_code,
        verification_uri,
        expires_at,
        trouble: None,
    };
}

/// The browser sign-in's page, in case the browser did not open.
pub fn browser_page(common: &mut Common, url: String) {
    if let SignIn::Browser { url: shown } = &mut common.sign_in {
        *shown = Some(url);
    }
}

/// Why polling for the code is having trouble (or that it no longer is).
pub fn trouble(common: &mut Common, trouble: Option<String>) {
    if let SignIn::Waiting { trouble: t, .. } = &mut common.sign_in {
        *t = trouble;
    }
}

/// Signed in: the remote panes list, the account's quota and interrupted
/// transfers are looked up.
pub fn signed_in(common: &mut Common, account: AccountInfo) -> Vec<Effect> {
    common.sign_in = SignIn::SignedIn;
    common.message = Some(format!("Signed in as {}", account.name));
    common.account = Some(account);
    let mut effects = vec![Effect::FetchAccount, Effect::CheckInterrupted];
    for pane in 0..2 {
        if common.panes[pane].source.is_remote() {
            effects.extend(list(common, pane));
        }
    }
    effects
}

/// The remote pane while signed out shows the sign-in flow; it takes these keys.
pub fn on_action(common: &mut Common, action: Action) -> Option<Vec<Effect>> {
    let pane = common.active_pane();
    if !pane.source.is_remote() || common.signed_in() {
        return None;
    }
    match (action, &common.sign_in) {
        (Action::Open, SignIn::Failed(_)) => {
            common.sign_in = SignIn::Starting;
            Some(vec![Effect::StartSignIn])
        }
        (
            Action::OpenBrowser,
            SignIn::Waiting {
                verification_uri, ..
            },
        ) => Some(vec![Effect::OpenBrowser(verification_uri.clone())]),
        (Action::BrowserSignIn, SignIn::Waiting { .. } | SignIn::Failed(_)) => {
            common.sign_in = SignIn::Browser { url: None };
            Some(vec![Effect::StartBrowserSignIn])
        }
        (Action::CopyCode, SignIn::Waiting { user_code, .. }) => {
            let code = user_code.clone();
            common.message = Some("The code is on the clipboard".into());
            Some(vec![Effect::Clipboard(code)])
        }
        (
            Action::SwitchPane
            | Action::PickDrive
            | Action::ToggleSource
            | Action::Help
            | Action::Quit
            | Action::Transfers
            | Action::Copy
            | Action::Move,
            _,
        ) => None,
        _ => Some(Vec::new()),
    }
}
