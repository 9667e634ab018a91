//! Server images: how the tool sees a CIC server or an Interaction Media Server that is not
//! the machine it runs on.
//!
//! An image is a folder holding `registry.reg` (the `Interactive Intelligence` subtree as
//! `reg export` writes it) and the install tree under `I3/IC`. The server's identity (name,
//! site, release, kind, install path) is read from the registry itself, never from the folder
//! name. The registry is read and written only through a
//! [`RegistryBackend`].

pub mod counts;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::layout;
use crate::registry::backend::{RegFileBackend, RegistryBackend, Staged};
use crate::registry::{Key, RegTree};
use crate::version::CicVersion;

/// The file name of the registry export inside an image.
pub const REGISTRY_FILE: &str = "registry.reg";
/// The install tree inside an image.
pub const INSTALL_DIR: [&str; 2] = ["I3", "IC"];

/// What kind of server an image holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    /// A CIC server.
    Cic,
    /// An Interaction Media Server.
    Media,
}

impl ServerKind {
    /// The word used on the command line and in JSON: `cic` or `media`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerKind::Cic => "cic",
            ServerKind::Media => "media",
        }
    }

    /// The product name administrators know.
    pub fn product_name(self) -> &'static str {
        match self {
            ServerKind::Cic => "CIC server",
            ServerKind::Media => "Interaction Media Server",
        }
    }

    /// The product's name with its article: `a CIC server`, `an Interaction Media Server`.
    pub fn with_article(self) -> String {
        match self {
            ServerKind::Cic => format!("a {}", self.product_name()),
            ServerKind::Media => format!("an {}", self.product_name()),
        }
    }
}

/// Who a server is, as its registry says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// The server (host) name.
    pub server: String,
    /// The CIC site name; empty for a Media Server.
    pub site: String,
    /// The installed release.
    pub version: CicVersion,
    /// CIC server or Media Server.
    pub kind: ServerKind,
    /// The Windows install root, such as `D:\I3\IC`.
    pub install_path: String,
}

/// A server image folder.
#[derive(Clone, Debug)]
pub struct ServerImage {
    dir: PathBuf,
    backend: RegFileBackend,
}

impl ServerImage {
    /// Opens the image in `dir`, checking that it has a registry file.
    pub fn open(dir: &Path) -> Result<ServerImage> {
        if !dir.is_dir() {
            return Err(Error::new(
                ErrorKind::Input,
                format!("server image folder {} does not exist", dir.display()),
            )
            .with_hint(
                "Give the folder of a server image, or create one with `migrator sample`.",
            ));
        }
        let registry = dir.join(REGISTRY_FILE);
        if !registry.is_file() {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "{} is not a server image: it has no {REGISTRY_FILE}",
                    dir.display()
                ),
            )
            .with_hint("A server image holds registry.reg and the I3/IC install tree."));
        }
        Ok(ServerImage {
            dir: dir.to_path_buf(),
            backend: RegFileBackend::new(registry),
        })
    }

    /// The image folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The image's install tree (`I3/IC`), the root of every install-relative file path.
    pub fn install_dir(&self) -> PathBuf {
        install_dir_of(&self.dir)
    }

    /// The tool's own folder on this server (restore points, reports, lock).
    pub fn migrator_dir(&self) -> PathBuf {
        self.install_dir().join(layout::MIGRATOR_DIR)
    }

    /// The registry backend of this image.
    pub fn backend(&self) -> &dyn RegistryBackend {
        &self.backend
    }

    /// The registry file of this image.
    pub fn registry_file(&self) -> &Path {
        self.backend.path()
    }

    /// Reads the registry as one snapshot.
    pub fn load_registry(&self) -> Result<RegTree> {
        self.backend.load()
    }

    /// Replaces the registry atomically.
    pub fn store_registry(&self, tree: &RegTree) -> Result<()> {
        self.backend.store(tree)
    }

    /// Writes the registry beside the current one, to be put in place by
    /// [`Staged::commit`].
    pub fn stage_registry(&self, tree: &RegTree) -> Result<Staged> {
        self.backend.stage(tree)
    }
}

/// The install tree of the image in `dir`.
pub fn install_dir_of(dir: &Path) -> PathBuf {
    INSTALL_DIR
        .iter()
        .fold(dir.to_path_buf(), |path, part| path.join(part))
}

/// The `Interactive Intelligence` key of a tree, at its 64-bit or its 32-bit location, with
/// the absolute path it was found at.
pub fn ii_key(tree: &RegTree) -> Option<(&'static str, &Key)> {
    [layout::II_KEY, layout::II_KEY_WOW64]
        .into_iter()
        .find_map(|path| tree.find(path).map(|key| (path, key)))
}

/// Reads the identity of a server from its registry.
pub fn identity(tree: &RegTree, source: &Path) -> Result<Identity> {
    let (_, ii) = ii_key(tree)
        .ok_or_else(|| not_a_server(source, &format!("it has no {} key", layout::II_KEY)))?;
    let install_path = ii
        .text(layout::TARGET_VALUE)
        .map(|target| install_root_from_target(&target))
        .unwrap_or_else(|| "C:\\I3\\IC".to_string());
    if let Some(media) = ii.subkey(layout::MEDIA_SERVER) {
        let server = required_text(media, layout::MEDIA_SERVER_NAME, source)?;
        let version = parse_version(media, layout::MEDIA_VERSION, source)?;
        return Ok(Identity {
            server,
            site: String::new(),
            version,
            kind: ServerKind::Media,
            install_path,
        });
    }
    let root = ii
        .find(layout::DS_ROOT)
        .ok_or_else(|| not_a_server(source, &format!("it has no {} key", layout::DS_ROOT)))?;
    let site = first_text(root, layout::SITE_VALUE, source)?;
    let site = site.trim_start_matches('\\').to_string();
    let server_path = first_text(root, layout::SERVER_VALUE, source)?;
    let server = server_path
        .rsplit('\\')
        .next()
        .unwrap_or_default()
        .to_string();
    if site.is_empty() || server.is_empty() {
        return Err(not_a_server(source, "its SITE or SERVER value is empty"));
    }
    let setup = ii.subkey(layout::SETUP_ASSISTANT).ok_or_else(|| {
        not_a_server(
            source,
            &format!("it has no {} key", layout::SETUP_ASSISTANT),
        )
    })?;
    let version = parse_version(setup, layout::VERSION_VALUE, source)?;
    Ok(Identity {
        server,
        site,
        version,
        kind: ServerKind::Cic,
        install_path,
    })
}

/// The install root for a `Target` value such as `D:\I3\IC\Server\`: its parent folder.
pub fn install_root_from_target(target: &str) -> String {
    let trimmed = target.trim_end_matches('\\');
    match trimmed.rsplit_once('\\') {
        Some((parent, last)) if last.eq_ignore_ascii_case("Server") => parent.to_string(),
        _ => trimmed.to_string(),
    }
}

fn required_text(key: &Key, name: &str, source: &Path) -> Result<String> {
    key.text(name)
        .filter(|text| !text.is_empty())
        .ok_or_else(|| {
            not_a_server(
                source,
                &format!("value {name} of {} is missing", key.name()),
            )
        })
}

/// The first string of a value that may be REG_SZ or REG_MULTI_SZ (`SITE` is seen as both).
fn first_text(key: &Key, name: &str, source: &Path) -> Result<String> {
    key.value(name)
        .and_then(|value| value.as_strings())
        .and_then(|items| items.into_iter().next())
        .ok_or_else(|| {
            not_a_server(
                source,
                &format!("value {name} of {} is missing", key.name()),
            )
        })
}

fn parse_version(key: &Key, name: &str, source: &Path) -> Result<CicVersion> {
    let text = required_text(key, name, source)?;
    text.parse().map_err(|e: crate::version::UnknownVersion| {
        Error::new(ErrorKind::Input, format!("{}: {e}", source.display()))
            .with_hint("This tool supports CIC 2015 R1 to 2023 R3.")
    })
}

fn not_a_server(source: &Path, why: &str) -> Error {
    Error::new(
        ErrorKind::Input,
        format!(
            "{} does not describe a CIC server or Media Server: {why}",
            source.display()
        ),
    )
    .with_hint("Export HKLM\\SOFTWARE\\Interactive Intelligence from the server with `reg export`.")
}
