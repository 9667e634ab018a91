//! The manifest: the one JSON document of an archive that says what it holds.
//!
//! It is the first entry of every archive (`manifest.json`) and is encrypted like the rest
//! when the archive has a password. It records who wrote the archive and from which server,
//! and for every component the outer entry that holds it, its counts and the SHA-256 of that
//! entry, so a reader can check each component before using it. `docs/FORMAT.md` describes
//! every field; this module is the code behind that description.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::server::ServerKind;
use crate::version::CicVersion;

/// The value of the manifest's `format` field, naming this kind of archive.
pub const FORMAT_NAME: &str = "ininmigr";

/// The archive format version this tool writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The outer entry name of the manifest.
pub const MANIFEST_ENTRY: &str = "manifest.json";

/// The largest manifest a reader accepts, so a hostile archive cannot exhaust memory.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// The most components a reader accepts in one archive.
pub const MAX_COMPONENTS: usize = 4096;

/// The source server and moment of an export: everything in the manifest that is not about
/// one component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestHeader {
    /// The source server's name, as its registry gives it.
    pub server: String,
    /// The CIC site name; empty for a Media Server.
    pub site: String,
    /// CIC server or Media Server.
    pub kind: ServerKind,
    /// The source server's release.
    pub cic_version: CicVersion,
    /// The source server's Windows install root, such as `D:\I3\IC`; empty when unknown.
    pub install_root: String,
    /// When the export ran; also gives the archive's file name.
    pub created: DateTime<chrono::Local>,
}

/// The manifest of an archive, as stored in `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// The archive format version, [`FORMAT_VERSION`] for archives of this tool.
    pub format_version: u32,
    /// The version of the tool that wrote the archive.
    pub tool_version: String,
    /// The build of the tool that wrote the archive (see [`crate::BUILD`]).
    pub build: String,
    /// The source server's name.
    pub server: String,
    /// The source CIC site; empty for a Media Server.
    pub site: String,
    /// CIC server or Media Server.
    pub kind: ServerKind,
    /// The source server's release.
    pub cic_version: CicVersion,
    /// The source server's Windows install root, such as `D:\I3\IC`, which the migration
    /// rules move paths from; empty when unknown (archives written before it was recorded).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub install_root: String,
    /// When the export ran, RFC 3339 with the local offset of the exporting machine.
    pub created: String,
    /// Every component in the archive, in entry order.
    pub components: Vec<ComponentRecord>,
}

/// One component as the manifest records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentRecord {
    /// The component's name, such as `Users`.
    pub name: String,
    /// The outer entry holding the component's inner ZIP, such as `components/001.zip`.
    pub entry: String,
    /// True when the user chose the component, false when another one pulled it in.
    pub chosen: bool,
    /// Why the component was pulled in; absent when it was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How many configuration items the component holds (users, workgroups, handlers...).
    pub items: u64,
    /// Whether the inner ZIP has a `registry.reg` entry.
    pub registry: bool,
    /// How many files (besides `registry.reg`) the inner ZIP holds.
    pub files: u64,
    /// The uncompressed size of everything in the inner ZIP, in bytes.
    pub bytes: u64,
    /// The size of the inner ZIP, in bytes.
    pub size: u64,
    /// The SHA-256 of the inner ZIP, 64 lower-case hex digits.
    pub sha256: String,
}

impl Manifest {
    /// The manifest for `header` and `components`, written by this tool.
    pub fn new(header: &ManifestHeader, components: Vec<ComponentRecord>) -> Manifest {
        Manifest {
            format: FORMAT_NAME.to_string(),
            format_version: FORMAT_VERSION,
            tool_version: crate::TOOL_VERSION.to_string(),
            build: crate::BUILD.to_string(),
            server: header.server.clone(),
            site: header.site.clone(),
            kind: header.kind,
            cic_version: header.cic_version,
            install_root: header.install_root.clone(),
            created: header
                .created
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            components,
        }
    }

    /// The component called `name`, compared case-insensitively as users type names.
    pub fn component(&self, name: &str) -> Option<&ComponentRecord> {
        self.components
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The creation time with the exporting machine's offset.
    pub fn created_at(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.created).ok()
    }

    /// The manifest as pretty JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a manifest always serializes")
    }

    /// Parses and checks a manifest read from the archive at `source` (named in errors).
    pub fn from_json(bytes: &[u8], source: &str) -> Result<Manifest> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| {
            Error::new(
                ErrorKind::DamagedArchive,
                format!("the manifest of {source} is not valid: {e}"),
            )
            .with_hint("The archive is damaged or was not written by migrator.")
        })?;
        manifest.check(source)?;
        Ok(manifest)
    }

    fn check(&self, source: &str) -> Result<()> {
        if self.format != FORMAT_NAME {
            return Err(damaged(source, "its format is not ininmigr"));
        }
        if self.format_version > FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::Input,
                format!(
                    "{source} has archive format {}, newer than the format {FORMAT_VERSION} \
                     this migrator reads",
                    self.format_version
                ),
            )
            .with_hint(format!(
                "Use migrator {} or later, the version that wrote it.",
                self.tool_version
            )));
        }
        if self.format_version == 0 {
            return Err(damaged(source, "its format version is 0"));
        }
        if self.created_at().is_none() {
            return Err(damaged(source, "its creation time is not an RFC 3339 time"));
        }
        self.check_components(source)
    }

    fn check_components(&self, source: &str) -> Result<()> {
        if self.components.len() > MAX_COMPONENTS {
            return Err(damaged(
                source,
                "it lists more components than any server has",
            ));
        }
        let mut names = std::collections::HashSet::new();
        let mut entries = std::collections::HashSet::new();
        for record in &self.components {
            let problem = if !names.insert(record.name.to_lowercase()) {
                Some("is listed twice")
            } else if !entries.insert(record.entry.clone()) {
                Some("shares its entry with another component")
            } else if !is_component_entry(&record.entry) {
                Some("has an entry name outside components/")
            } else if !is_sha256_hex(&record.sha256) {
                Some("has no valid SHA-256")
            } else if record.chosen == record.reason.is_some() {
                Some("is both chosen and pulled in, or neither")
            } else {
                None
            };
            if let Some(problem) = problem {
                let what = format!("component {:?} {problem}", record.name);
                return Err(damaged(source, &what));
            }
        }
        Ok(())
    }
}

/// The outer entry name of the component at `index` (0-based) in manifest order.
pub fn component_entry(index: usize) -> String {
    format!("components/{:03}.zip", index + 1)
}

/// Whether `name` has the form `components/NNN.zip` that this tool gives component entries.
pub fn is_component_entry(name: &str) -> bool {
    name.strip_prefix("components/")
        .and_then(|rest| rest.strip_suffix(".zip"))
        .is_some_and(|digits| {
            (3..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        })
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn damaged(source: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::DamagedArchive,
        format!("the manifest of {source} is not valid: {what}"),
    )
    .with_hint("The archive is damaged or was not written by migrator.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn header() -> ManifestHeader {
        ManifestHeader {
            server: "cic01".into(),
            site: "Main".into(),
            kind: ServerKind::Cic,
            cic_version: "2018 R5".parse().unwrap(),
            install_root: "D:\\I3\\IC".into(),
            created: chrono::Local.with_ymd_and_hms(2024, 3, 7, 9, 5, 2).unwrap(),
        }
    }

    fn record(name: &str, index: usize) -> ComponentRecord {
        ComponentRecord {
            name: name.into(),
            entry: component_entry(index),
            chosen: true,
            reason: None,
            items: 3,
            registry: true,
            files: 0,
            bytes: 10,
            size: 200,
            sha256: "ab".repeat(32),
        }
    }

    #[test]
    fn a_written_manifest_reads_back_equal() {
        let manifest = Manifest::new(&header(), vec![record("Users", 0), record("Lines", 1)]);
        let back = Manifest::from_json(&manifest.to_json(), "x.ininmigr").unwrap();
        assert_eq!(back, manifest);
        assert_eq!(back.component("users").unwrap().entry, "components/001.zip");
        assert!(back.created.starts_with("2024-03-07T09:05:02"));
    }

    #[test]
    fn the_install_root_is_recorded_and_older_manifests_read_without_it() {
        let manifest = Manifest::new(&header(), vec![record("Users", 0)]);
        let json: serde_json::Value = serde_json::from_slice(&manifest.to_json()).unwrap();
        assert_eq!(json["install_root"], "D:\\I3\\IC");
        let mut older = json;
        older.as_object_mut().unwrap().remove("install_root");
        let text = serde_json::to_vec(&older).unwrap();
        let back = Manifest::from_json(&text, "x.ininmigr").unwrap();
        assert_eq!(back.install_root, "");
    }

    #[test]
    fn bad_json_is_a_damaged_archive_not_a_panic() {
        for text in ["", "{", "[]", "{\"format\":\"ininmigr\"}", "null", "\u{0}"] {
            let error = Manifest::from_json(text.as_bytes(), "x").unwrap_err();
            assert_eq!(error.kind(), ErrorKind::DamagedArchive, "{text:?}");
        }
    }

    #[test]
    fn hostile_component_entries_are_refused() {
        let mut manifest = Manifest::new(&header(), vec![record("Users", 0)]);
        for entry in [
            "../x.zip",
            "/etc/passwd",
            "components/1.zip",
            "components/00a.zip",
        ] {
            manifest.components[0].entry = entry.into();
            let error = Manifest::from_json(&manifest.to_json(), "x").unwrap_err();
            assert_eq!(error.kind(), ErrorKind::DamagedArchive, "{entry}");
        }
    }

    #[test]
    fn a_newer_format_asks_for_a_newer_tool() {
        let mut manifest = Manifest::new(&header(), vec![record("Users", 0)]);
        manifest.format_version = FORMAT_VERSION + 1;
        let error = Manifest::from_json(&manifest.to_json(), "x").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Input);
        assert!(error.message().contains("newer"), "{}", error.message());
    }

    #[test]
    fn duplicate_component_names_are_refused() {
        let manifest = Manifest::new(&header(), vec![record("Users", 0), record("USERS", 1)]);
        let error = Manifest::from_json(&manifest.to_json(), "x").unwrap_err();
        assert!(error.message().contains("twice"), "{}", error.message());
    }
}
