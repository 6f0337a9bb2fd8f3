#!/usr/bin/env bash
# Fuzzes the MeMo reader and validator, the contact-point CSV import and the core's JSON
# request bodies with cargo-fuzz (libFuzzer).
#
#   fuzz/run.sh [SECONDS] [TARGET...]     # default: 60 seconds each for every target
#
# Targets: read, validate, agenda (brevdue-memo), csv_import (ContactPoints::import_csv on an
# in-memory SQLite database), json_bodies (the request bodies of brevdue-api).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`; installed here if missing). Only a stable
# toolchain is needed: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo-fuzz
# passes (sanitizer coverage). AddressSanitizer is off (`-s none`): the memo crate forbids
# unsafe code, and without ASan runs are several times faster; set FUZZ_SANITIZER=address to
# turn it on.
#
# The corpus (fuzz/corpus/TARGET, not committed) is seeded from the test sample messages
# (MeMo targets) or from fuzz/seeds/TARGET (the others; the first byte of an input picks the
# mode or type, see the target). Crashes and hangs land in fuzz/artifacts/TARGET; keep each as
# a regression test after fixing it: MeMo inputs in crates/memo/tests/fuzz_regressions/ (run
# through read and validate by crates/memo/tests/fuzz_regressions.rs), CSV and JSON inputs as
# a test beside the code they broke.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(read validate agenda csv_import json_bodies)
fi

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

export RUSTC_BOOTSTRAP=1
# A target folder of its own: the flags differ from every other build.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$here/target}"

for target in "${targets[@]}"; do
    corpus="$here/corpus/$target"
    mkdir -p "$corpus" "$here/artifacts/$target"
    case "$target" in
        read | validate | agenda)
            seeds=("$root"/crates/cli/tests/data/*.xml "$root"/crates/memo/tests/data/*.xml
                "$root"/crates/memo/tests/fuzz_regressions/*)
            dict=(-dict="$here/memo.dict")
            ;;
        *)
            seeds=("$here"/seeds/"$target"/*)
            dict=()
            ;;
    esac
    for seed in "${seeds[@]}"; do
        [ -f "$seed" ] && cp -n "$seed" "$corpus/" 2>/dev/null || true
    done
    echo "== fuzzing $target for $seconds s"
    (cd "$here" && cargo fuzz run --sanitizer "${FUZZ_SANITIZER:-none}" "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        "${dict[@]}" -print_final_stats=1)
done
