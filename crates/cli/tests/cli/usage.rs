//! Wrong command lines exit 2 with clap's usage message; help exits 0.

use crate::support::*;

#[test]
fn wrong_usage_exits_2() {
    let sample = data("v12_default_ns.xml");
    let sample = arg(&sample);
    for args in [
        &[][..],
        &["memo"],
        &["memo", "inspect"],
        &["memo", "inspect", sample, "extra"],
        &["memo", "frobnicate", sample],
        &["memo", "extract", sample],
        &["memo", "inspect", "--bogus", sample],
        &["nonsense"],
    ] {
        let run = brevdue(args);
        run.expect_code(2);
        assert!(run.stderr.contains("Usage:"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn an_input_that_cannot_be_opened_is_wrong_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such.xml");
    for command in ["inspect", "validate", "ics"] {
        let run = brevdue(&["memo", command, arg(&missing)]);
        run.expect_code(2);
        assert!(
            run.stderr.starts_with("error: cannot open "),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("no-such.xml"), "{}", run.stderr);
    }
    let run = brevdue(&["memo", "inspect", arg(tmp.path())]);
    run.expect_code(2);
    assert!(run.stderr.contains("is a folder"), "{}", run.stderr);
}

#[test]
fn help_exits_0() {
    let run = brevdue(&["memo", "--help"]);
    run.expect_code(0);
    for command in ["inspect", "validate", "ics", "extract"] {
        assert!(run.stdout.contains(command), "{}", run.stdout);
    }
}
