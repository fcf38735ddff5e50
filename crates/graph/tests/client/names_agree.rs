//! The client's name checks and the emulator's, written separately from the reference,
//! held against each other: a name the client lets through must not be refused by the
//! judge (the user would meet a late error), and a name the judge refuses must be caught
//! by the client before any request.

use odc_emulator::rules::{NewName, refusal};
use odc_graph::names::{NameContext, check_name};
use proptest::prelude::*;

/// Pieces that sit on the rules' edges, so random names hit them often.
const PIECES: [&str; 24] = [
    "a", "Z", ".", " ", "~", "$", "_vti_", "con", "COM", "lpt", "1", "9", "forms", "desktop",
    ".ini", ".lock", ":", "|", "\\", "*", "ü", "😀", "#", "%",
];

fn agree(name: &str, is_folder: bool, business: bool, at_root: bool) -> Result<(), TestCaseError> {
    let client = check_name(
        name,
        NameContext {
            is_folder,
            business,
            at_root,
        },
    );
    let judge = refusal(
        name,
        NewName {
            is_folder,
            business,
            at_library_root: at_root,
        },
    );
    prop_assert_eq!(
        client.is_ok(),
        judge.is_none(),
        "{:?} (folder {}, business {}, root {}): client {:?}, emulator {:?}",
        name,
        is_folder,
        business,
        at_root,
        client,
        judge
    );
    Ok(())
}

proptest! {
    #[test]
    fn client_and_emulator_agree_on_names(
        pieces in proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..6),
        is_folder: bool,
        business: bool,
        at_root: bool,
    ) {
        agree(&pieces.concat(), is_folder, business, at_root)?;
    }
}

#[test]
fn client_and_emulator_agree_at_the_length_limit() {
    for n in [254, 255, 256, 400] {
        agree(&"n".repeat(n), false, false, false).unwrap();
    }
}
