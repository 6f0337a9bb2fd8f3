//! The command line of `brevdue-desktop`.

use std::path::PathBuf;

use clap::Parser;
use url::Url;

/// Brevdue: read your Digital Post.
#[derive(Debug, Clone, Parser)]
#[command(name = "brevdue-desktop", version, about)]
pub(crate) struct Args {
    /// The core to use (e.g. https://post.example); overrides the settings file. Without it and
    /// without a server in the settings, the app starts its own demo core.
    #[arg(long, value_name = "URL", value_parser = parse_server)]
    pub(crate) server: Option<Url>,

    /// Keep the caches, the demo core and the settings in this folder instead of the usual
    /// per-user folders.
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,

    /// A `brevdue://contact-point/<id>` link, as the operating system passes it: compose opens
    /// for that contact point. Anything else here is ignored.
    #[arg(value_name = "LINK")]
    pub(crate) link: Option<String>,
}

/// A core's address: http or https, with a host and nothing after the path.
pub(crate) fn parse_server(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim()).map_err(|e| format!("not an address: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the server's address must start with http:// or https://".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the server's address has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the server's address may not hold a user name or password".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("the server's address may not have a query or fragment".into());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses() {
        assert!(parse_server("http://127.0.0.1:8080").is_ok());
        assert!(parse_server("https://post.example/base/").is_ok());
        for bad in [
            "ftp://x",
            "file:///etc",
            "https://user:pw@post.example",
            "https://post.example/?a=b",
            "post.example",
            "",
        ] {
            assert!(parse_server(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_the_flags() {
        let args = Args::try_parse_from([
            "brevdue-desktop",
            "--server",
            "http://127.0.0.1:1",
            "--data-dir",
            "/tmp/x",
        ])
        .unwrap();
        assert_eq!(args.server.unwrap().as_str(), "http://127.0.0.1:1/");
        assert_eq!(args.data_dir.unwrap(), PathBuf::from("/tmp/x"));
        assert!(Args::try_parse_from(["brevdue-desktop", "--server", "javascript:x"]).is_err());
    }

    #[test]
    fn takes_a_link_as_the_operating_system_passes_it() {
        let args =
            Args::try_parse_from(["brevdue-desktop", "brevdue://contact-point/pas"]).unwrap();
        assert_eq!(args.link.as_deref(), Some("brevdue://contact-point/pas"));
    }
}
