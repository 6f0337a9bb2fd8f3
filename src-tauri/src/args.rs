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

    /// Where to look for updates: the address of a signed update manifest (`latest.json`).
    /// Overrides BREVDUE_UPDATE_URL and `updateUrl` in the settings; without any of them the
    /// app never looks.
    #[arg(long, value_name = "URL", value_parser = crate::update::parse_endpoint)]
    pub(crate) update_url: Option<Url>,

    /// A MeMo file to show (a path, or a file:// address): the app then shows that one message,
    /// read-only, with no account and no server.
    #[arg(value_name = "FILE", value_parser = parse_target)]
    pub(crate) file: Option<Target>,
}

/// What the positional argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A MeMo file to show.
    File(PathBuf),
    /// An address of another scheme: a `brevdue://contact-point/<id>` link, as the operating
    /// system passes it, opens compose for that contact point; anything else is ignored.
    Link(String),
}

impl Args {
    /// The MeMo file to show, if the app was started with one.
    pub(crate) fn memo_file(&self) -> Option<&std::path::Path> {
        match &self.file {
            Some(Target::File(path)) => Some(path),
            _ => None,
        }
    }

    /// The link the app was started with, if any (checked by `deep_link`).
    pub(crate) fn link(&self) -> Option<&str> {
        match &self.file {
            Some(Target::Link(link)) => Some(link),
            _ => None,
        }
    }
}

fn parse_target(text: &str) -> Result<Target, String> {
    Ok(match crate::memo_file::file_target(text)? {
        Some(path) => Target::File(path),
        None => Target::Link(text.to_owned()),
    })
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
    fn a_file_or_a_link() {
        let args = Args::try_parse_from(["brevdue-desktop", "file:///tmp/brev.memo"]).unwrap();
        assert_eq!(
            args.memo_file(),
            Some(std::path::Path::new("/tmp/brev.memo"))
        );
        let args = Args::try_parse_from(["brevdue-desktop", "brevdue://open"]).unwrap();
        assert_eq!(args.file, Some(Target::Link("brevdue://open".into())));
        assert_eq!(args.memo_file(), None);
        assert_eq!(
            Args::try_parse_from(["brevdue-desktop"])
                .unwrap()
                .memo_file(),
            None
        );
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
        assert_eq!(args.link(), Some("brevdue://contact-point/pas"));
        assert_eq!(args.memo_file(), None);
    }
}
