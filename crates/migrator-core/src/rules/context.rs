//! What the rules know about an import: the mode, who the archive and the target are, the
//! target's registry and install tree, the administrator's options, and the names the
//! incoming data takes on the target.
//!
//! The old-to-new name pairs are worked out once here, from the two identities and the
//! `--map-server OLD=NEW` / `--map-site OLD=NEW` options, so every rule renames the same way.

use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};
use crate::incoming::ImportMode;
use crate::layout;
use crate::registry::{join, same_name, Key, RegTree};
use crate::server::{self, Identity};

/// One `OLD=NEW` pair of `--map-server` or `--map-site`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameMapping {
    /// The name in the archive.
    pub old: String,
    /// The name it takes on the target.
    pub new: String,
}

impl FromStr for NameMapping {
    type Err = Error;

    /// Reads `OLD=NEW`; both names must be non-empty and usable as registry key names.
    fn from_str(text: &str) -> Result<NameMapping> {
        let bad = |why: &str| {
            Error::new(ErrorKind::Usage, format!("name mapping {text:?} {why}")).with_hint(
                "Write the old and the new name with = between them, such as calliope=helios.",
            )
        };
        let (old, new) = text.split_once('=').ok_or_else(|| bad("has no ="))?;
        let (old, new) = (old.trim(), new.trim());
        if old.is_empty() || new.is_empty() {
            return Err(bad("lacks a name on one side of ="));
        }
        if [old, new]
            .iter()
            .any(|name| name.contains(['\\', '=', '"']))
        {
            return Err(bad("holds a character a server or site name cannot hold"));
        }
        Ok(NameMapping {
            old: old.to_string(),
            new: new.to_string(),
        })
    }
}

/// What the administrator chose for the import, beyond the mode.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    /// `--dev-mode`: leave out the Recordings Rescue ID of Interaction Recorder.
    pub dev_mode: bool,
    /// `--map-server OLD=NEW`, overriding the target's server name or mapping other servers.
    pub map_server: Vec<NameMapping>,
    /// `--map-site OLD=NEW`, overriding the target's site name.
    pub map_site: Vec<NameMapping>,
    /// The target uses another telephony platform: lines, line groups and stations are not
    /// imported.
    pub new_telephony_platform: bool,
}

/// Everything a rule may read while it changes the incoming data.
#[derive(Clone, Debug)]
pub struct RuleContext<'a> {
    /// Migration or Recovery.
    pub mode: ImportMode,
    /// The server the archive came from, as its manifest says.
    pub source: Identity,
    /// The server being imported into, as its registry says.
    pub target: Identity,
    /// The target's registry (absolute paths).
    pub target_tree: &'a RegTree,
    /// The target's install tree (`I3/IC` of an image).
    pub target_install_dir: &'a Path,
    /// A folder for rewritten copies of incoming files (inside the extraction folder).
    pub work_dir: &'a Path,
    /// The administrator's options.
    pub options: RuleOptions,
    site: String,
    server: String,
    site_renames: Vec<(String, String)>,
    server_renames: Vec<(String, String)>,
    target_ii: &'static str,
}

impl<'a> RuleContext<'a> {
    /// The context of one import. In Recovery mode nothing is renamed; in Migration mode the
    /// archive's server and site become the target's unless `options` maps them elsewhere.
    pub fn new(
        mode: ImportMode,
        source: Identity,
        target: Identity,
        target_tree: &'a RegTree,
        target_install_dir: &'a Path,
        work_dir: &'a Path,
        options: RuleOptions,
    ) -> Result<RuleContext<'a>> {
        check_unique(&options.map_server, "--map-server")?;
        check_unique(&options.map_site, "--map-site")?;
        let (site, site_renames) =
            resolve_names(mode, &source.site, &target.site, &options.map_site);
        let (server, server_renames) =
            resolve_names(mode, &source.server, &target.server, &options.map_server);
        let target_ii = server::ii_key(target_tree)
            .map(|(path, _)| path)
            .unwrap_or(layout::II_KEY);
        Ok(RuleContext {
            mode,
            source,
            target,
            target_tree,
            target_install_dir,
            work_dir,
            options,
            site,
            server,
            site_renames,
            server_renames,
            target_ii,
        })
    }

    /// The site name the incoming data carries on the target.
    pub fn site(&self) -> &str {
        &self.site
    }

    /// The server name the incoming data carries on the target.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Every site name that changes, old then new.
    pub fn site_renames(&self) -> &[(String, String)] {
        &self.site_renames
    }

    /// Every server name that changes, old then new: the archive's own server first.
    pub fn server_renames(&self) -> &[(String, String)] {
        &self.server_renames
    }

    /// Adds server renames found by looking at the data (Media Server command servers).
    pub fn with_server_renames(mut self, extra: Vec<(String, String)>) -> RuleContext<'a> {
        for pair in extra {
            if !self
                .server_renames
                .iter()
                .any(|(old, _)| same(old, &pair.0))
            {
                self.server_renames.push(pair);
            }
        }
        self
    }

    /// The absolute path of a layout path in the incoming data, after renaming.
    pub fn incoming_path(&self, layout_path: &str) -> String {
        join(
            layout::II_KEY,
            &layout::resolve(layout_path, &self.site, &self.server),
        )
    }

    /// The absolute path of a layout path in the archive, before renaming.
    pub fn source_path(&self, layout_path: &str) -> String {
        join(
            layout::II_KEY,
            &layout::resolve(layout_path, &self.source.site, &self.source.server),
        )
    }

    /// The target's key at a layout path, where the incoming data will land.
    pub fn target_key(&self, layout_path: &str) -> Option<&'a Key> {
        let relative = layout::resolve(layout_path, &self.site, &self.server);
        self.target_tree.find(&join(self.target_ii, &relative))
    }

    /// Whether the archive and the target run the same release on differently named servers.
    pub fn same_release_other_server(&self) -> bool {
        self.source.version == self.target.version
            && !same(&self.source.server, &self.target.server)
    }
}

/// Whether two names are equal, compared as Windows compares key names.
pub fn same(a: &str, b: &str) -> bool {
    same_name(a, b)
}

/// The name the data takes and the list of names that change, for sites or for servers.
fn resolve_names(
    mode: ImportMode,
    source: &str,
    target: &str,
    overrides: &[NameMapping],
) -> (String, Vec<(String, String)>) {
    if mode == ImportMode::Recovery || source.is_empty() {
        return (source.to_string(), Vec::new());
    }
    let own = overrides
        .iter()
        .find(|mapping| same(&mapping.old, source))
        .map_or(target, |mapping| mapping.new.as_str());
    let others = overrides
        .iter()
        .filter(|mapping| !same(&mapping.old, source));
    let renames = std::iter::once((source.to_string(), own.to_string()))
        .chain(others.map(|m| (m.old.clone(), m.new.clone())))
        .filter(|(old, new)| !same(old, new))
        .collect();
    (own.to_string(), renames)
}

fn check_unique(mappings: &[NameMapping], option: &str) -> Result<()> {
    for (index, mapping) in mappings.iter().enumerate() {
        if mappings[..index].iter().any(|m| same(&m.old, &mapping.old)) {
            return Err(Error::new(
                ErrorKind::Usage,
                format!("{option} maps {} twice", mapping.old),
            )
            .with_hint("Give each old name one new name."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_need_two_names() {
        let mapping: NameMapping = " calliope = helios ".parse().unwrap();
        assert_eq!(
            (mapping.old.as_str(), mapping.new.as_str()),
            ("calliope", "helios")
        );
        for bad in ["calliope", "=helios", "calliope=", "a\\b=c"] {
            let error = bad.parse::<NameMapping>().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Usage, "{bad}");
        }
    }

    #[test]
    fn overrides_win_over_the_target_and_add_other_servers() {
        let overrides = vec![
            "CALLIOPE=helios-b".parse().unwrap(),
            "calliope-b=helios".parse().unwrap(),
        ];
        let (own, renames) = resolve_names(ImportMode::Migration, "calliope", "helios", &overrides);
        assert_eq!(own, "helios-b");
        assert_eq!(
            renames,
            [
                ("calliope".to_string(), "helios-b".to_string()),
                ("calliope-b".to_string(), "helios".to_string())
            ]
        );
        let (own, renames) = resolve_names(ImportMode::Recovery, "calliope", "helios", &overrides);
        assert_eq!((own.as_str(), renames.len()), ("calliope", 0));
    }

    #[test]
    fn a_name_that_only_changes_case_is_not_renamed() {
        let (own, renames) = resolve_names(ImportMode::Migration, "Indy", "INDY", &[]);
        assert_eq!(own, "INDY");
        assert!(renames.is_empty());
    }
}
