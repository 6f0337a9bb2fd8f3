//! Fuzzes the JSON request bodies the core reads (the serde types of `brevdue-api`): any bytes
//! must parse or fail, never panic; what parses must survive a round trip unchanged. The
//! first byte picks the type.
#![no_main]

use brevdue_api::{CreateFolder, GrantRepresentative, MessagePatch};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T>(json: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    if let Ok(value) = serde_json::from_slice::<T>(json) {
        let written = serde_json::to_vec(&value).expect("a parsed body serializes");
        let again: T = serde_json::from_slice(&written).expect("what was written parses");
        assert_eq!(value, again);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, json)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => round_trip::<MessagePatch>(json),
        1 => round_trip::<CreateFolder>(json),
        _ => round_trip::<GrantRepresentative>(json),
    }
});
