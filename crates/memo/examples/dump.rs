fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump MESSAGE.xml");
        std::process::exit(2);
    };
    let mut sink = brevdue_memo::MemorySink::with_limit(1 << 30);
    match brevdue_memo::read_file(&path, &mut sink) {
        Ok(m) => println!(
            "{m:#?}\n{:?}",
            sink.into_files()
                .values()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect::<Vec<_>>()
        ),
        Err(e) => println!("ERR {e}"),
    }
}
