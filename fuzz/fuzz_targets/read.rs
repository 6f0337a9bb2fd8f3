//! Fuzzes the lenient MeMo reader: any bytes must give a message or an error, never a panic
//! or a hang, and a message's file sizes must be what the sink received.
#![no_main]

use brevdue_memo::{FileId, FileMeta, Sink};
use libfuzzer_sys::fuzz_target;

/// Counts the bytes of each file, checking the begin/write/end protocol.
#[derive(Default)]
struct Counting {
    sizes: Vec<u64>,
    open: bool,
}

impl Sink for Counting {
    fn begin(&mut self, _: FileId, _: FileMeta<'_>) -> std::io::Result<()> {
        assert!(!self.open, "begin inside a file");
        self.open = true;
        self.sizes.push(0);
        Ok(())
    }
    fn write(&mut self, decoded: &[u8]) -> std::io::Result<()> {
        assert!(self.open, "write outside a file");
        if let Some(last) = self.sizes.last_mut() {
            *last += decoded.len() as u64;
        }
        Ok(())
    }
    fn end(&mut self) -> std::io::Result<()> {
        assert!(self.open, "end outside a file");
        self.open = false;
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut sink = Counting::default();
    match brevdue_memo::read(data, &mut sink) {
        Ok(message) => {
            assert!(!sink.open, "a file left open");
            let sizes: Vec<u64> = message.files().map(|(_, f)| f.size).collect();
            assert_eq!(sizes, sink.sizes, "sizes in the model differ from the bytes given");
        }
        Err(e) => {
            // Every error found while reading says where.
            let _ = e.to_string();
        }
    }
});
