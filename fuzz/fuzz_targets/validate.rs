//! Fuzzes the strict MeMo validator: any bytes must give violations or an error, never a
//! panic or a hang; every violation has a position.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(violations) = brevdue_memo::validate(data) {
        for v in violations {
            assert!(v.position.line >= 1 && v.position.column >= 1, "{v}");
        }
    }
});
