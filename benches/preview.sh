#!/usr/bin/env bash
# A 20 MB photo on the emulated OneDrive (2600×2600 pixels of noise, as PNG),
# previewed by the UI's runner in a 40×20-cell quick view: prints how many bytes
# it fetched (the thumbnail Graph makes in the pane's size) against the photo's.
set -euo pipefail
cd "$(dirname "$0")/.."
ODC_BENCH_PHOTO_SIDE=2600 cargo test --release -p odc-tui --test tui \
    previews::the_runner_previews_a_onedrive_photo_by_its_thumbnail_and_a_text_by_its_start \
    -- --nocapture 2>&1 | grep -E "photo previewed|test result"
