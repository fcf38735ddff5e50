#!/usr/bin/env bash
# A 2 GiB zip on the emulated OneDrive (a sparse file: no disk used), listed with
# `odc ls -l` and one entry read with `odc cat`, whole commands; prints how many
# bytes the pre-authenticated URLs sent (the issue's bound: under 1 MiB).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release --test e2e archives::a_2_gib_zip_is_listed_and_read_with_under_1_mib_fetched \
    -- --nocapture 2>&1 | grep -E "2 GiB zip|test result"
