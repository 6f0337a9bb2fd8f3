//! Writes the demo world's messages (MeMo XML) and their files into a folder, for looking at.
//!
//! `cargo run -p brevdue-core --example demo_letters -- OUT_DIR`

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "demo-letters".into()),
    );
    std::fs::create_dir_all(&out)?;
    let now = chrono::Utc::now();
    let world = brevdue_core::demo::world(now);
    for letter in brevdue_core::demo::letters(&world, now) {
        let dir = out.join(letter.key);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("message.xml"), letter.to_memo()?)?;
        for f in &letter.files {
            let meta = letter
                .message
                .file(f.id)
                .ok_or_else(|| anyhow::anyhow!("no file {:?}", f.id))?;
            let name = brevdue_memo::safe_name::safe_file_name(&meta.filename);
            std::fs::write(
                dir.join(format!("{}-{}-{name}", f.id.document, f.id.file)),
                &f.bytes,
            )?;
        }
    }
    println!("{}", world.identities_markdown());
    Ok(())
}
