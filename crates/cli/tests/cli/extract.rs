//! `brevdue memo extract`: files land in `--out`, under safe names, and nowhere else.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::*;

/// Every file under `root`, relative to it, with its bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                walk(root, &path, out);
            } else {
                assert!(meta.is_file(), "only plain files: {}", path.display());
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn listed(run: &Run) -> Vec<PathBuf> {
    run.stdout.lines().map(PathBuf::from).collect()
}

#[test]
fn writes_each_decoded_file_and_lists_the_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let run = brevdue(&[
        "memo",
        "extract",
        arg(&data("v12_default_ns.xml")),
        "--out",
        arg(out),
    ]);
    run.expect_code(0);
    let names = [
        "indkaldelse.pdf",
        "indkaldelse.txt",
        "vejledning.txt",
        "sag.json",
    ];
    assert_eq!(listed(&run), names.map(|n| out.join(n)));
    let files = tree(out);
    assert_eq!(files.len(), 4);
    assert_eq!(files[Path::new("indkaldelse.pdf")], PDF);
    assert_eq!(files[Path::new("indkaldelse.txt")], TXT.as_bytes());
    assert_eq!(files[Path::new("vejledning.txt")], BILAG.as_bytes());
    assert_eq!(files[Path::new("sag.json")], JSON);
}

#[test]
fn hostile_names_stay_inside_out_and_clashes_are_numbered() {
    // ../../x from root/a/b/out would be root/a/x: everything is watched from root.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let out = root.join("a/b/out");
    fs::create_dir_all(&out).unwrap();
    let passwd_before = fs::read("/etc/passwd").ok();

    let run = brevdue(&[
        "memo",
        "extract",
        arg(&data("hostile_names.xml")),
        "--out",
        arg(&out),
    ]);
    run.expect_code(0);

    // The i-th name the sender gave, and the name it must be saved under.
    let expected = [
        "x",            // ../../x
        "passwd",       // /etc/passwd
        "_CON",         // a Windows device name
        "b",            // a\b: a Windows path
        "fil",          // empty
        "brev.pdf",     // brev.pdf
        "brev (2).pdf", // brev.pdf again
        "BREV (3).pdf", // the same name in other case
        "fil (2)",      // ..
        "_nul.txt",     // a device name with an extension
    ];
    assert_eq!(listed(&run), expected.map(|n| out.join(n)));
    let files = tree(root);
    assert_eq!(
        files.len(),
        expected.len(),
        "nothing but these: {:#?}",
        files.keys()
    );
    for (i, (name, given)) in expected.iter().zip(HOSTILE_NAMES).enumerate() {
        let path = Path::new("a/b/out").join(name);
        let content = files
            .get(&path)
            .unwrap_or_else(|| panic!("{} missing", path.display()));
        assert_eq!(
            content,
            format!("file {i}: {given}").as_bytes(),
            "{}",
            path.display()
        );
    }
    assert_eq!(
        fs::read("/etc/passwd").ok(),
        passwd_before,
        "/etc/passwd untouched"
    );
}

#[test]
fn never_overwrites_a_file_already_there() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    fs::write(out.join("indkaldelse.pdf"), b"mine").unwrap();
    let run = brevdue(&[
        "memo",
        "extract",
        arg(&data("v12_default_ns.xml")),
        "--out",
        arg(out),
    ]);
    run.expect_code(0);
    assert_eq!(fs::read(out.join("indkaldelse.pdf")).unwrap(), b"mine");
    assert_eq!(fs::read(out.join("indkaldelse (2).pdf")).unwrap(), PDF);
    assert_eq!(listed(&run)[0], out.join("indkaldelse (2).pdf"));
}

#[test]
fn reads_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = fs::read(data("v10_document_id.xml")).unwrap();
    let run = brevdue_with_stdin(&["memo", "extract", "-", "--out", arg(tmp.path())], &bytes);
    run.expect_code(0);
    assert_eq!(
        fs::read(tmp.path().join("aarsopgoerelse.txt")).unwrap(),
        TXT.as_bytes()
    );
    assert_eq!(
        fs::read(tmp.path().join("bilag.txt")).unwrap(),
        BILAG.as_bytes()
    );
}

#[test]
fn broken_half_way_names_what_was_written() {
    // The second file's base64 is spoilt: the first file is complete, the second is not.
    let xml = fs::read_to_string(data("v12_default_ns.xml")).unwrap();
    let broken = xml.replacen("S8OmcmUgS2FyZW4KCkR1", "S8Om*mUgS2FyZW4KCkR1", 1);
    assert_ne!(broken, xml);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    let run = brevdue_with_stdin(
        &["memo", "extract", "-", "--out", arg(out)],
        broken.as_bytes(),
    );
    run.expect_positioned_error();
    assert!(
        run.stderr.contains("indkaldelse.txt"),
        "names the bad file: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the message is broken"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("1 file was written completely"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "{} is INCOMPLETE",
            out.join("indkaldelse.txt").display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(
        listed(&run),
        [out.join("indkaldelse.pdf")],
        "only complete files listed"
    );
    assert_eq!(fs::read(out.join("indkaldelse.pdf")).unwrap(), PDF);
    assert!(
        !out.join("vejledning.txt").exists(),
        "nothing after the error"
    );
}

#[test]
fn truncated_message_says_nothing_was_complete() {
    let xml = fs::read(data("v12_default_ns.xml")).unwrap();
    let cut = xml.windows(9).position(|w| w == b"<content>").unwrap() + 30;
    let tmp = tempfile::tempdir().unwrap();
    let run = brevdue_with_stdin(
        &["memo", "extract", "-", "--out", arg(tmp.path())],
        &xml[..cut],
    );
    run.expect_positioned_error();
    assert!(
        run.stderr.contains("no file was written completely"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("indkaldelse.pdf is INCOMPLETE"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn refuses_an_output_folder_that_does_not_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let run = brevdue(&[
        "memo",
        "extract",
        arg(&data("v12_default_ns.xml")),
        "--out",
        arg(&missing),
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(run.stderr.contains(arg(&missing)), "{}", run.stderr);
    assert!(!missing.exists(), "not created behind the user's back");

    let file = tmp.path().join("a-file");
    fs::write(&file, b"").unwrap();
    let run = brevdue(&[
        "memo",
        "extract",
        arg(&data("v12_default_ns.xml")),
        "--out",
        arg(&file),
    ]);
    run.expect_code(2);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn never_writes_through_a_symlink_in_out() {
    // A link planted under the name the sender chose, pointing outside --out.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    let outside = tmp.path().join("outside.pdf");
    std::os::unix::fs::symlink(&outside, out.join("indkaldelse.pdf")).unwrap();
    let run = brevdue(&[
        "memo",
        "extract",
        arg(&data("v12_default_ns.xml")),
        "--out",
        arg(&out),
    ]);
    run.expect_code(0);
    assert!(!outside.exists(), "written through the link");
    assert_eq!(fs::read(out.join("indkaldelse (2).pdf")).unwrap(), PDF);
}
