//! Helpers of the integration tests: a private keyring session, servers on loopback.

pub mod core;
pub mod keyring;

/// What `secret-tool` finds for Brevdue's entry with this user name, if anything.
pub fn secret_tool_lookup(user: &str) -> Option<String> {
    let output = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            brevdue_client::credentials::SERVICE,
            "username",
            user,
        ])
        .output()
        .expect("secret-tool must be installed (Debian: libsecret-tools)");
    let text = String::from_utf8(output.stdout).unwrap();
    (output.status.success() && !text.is_empty()).then_some(text)
}

/// Every file under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
                    found.push(path);
                }
            }
        }
    }
    found
}
