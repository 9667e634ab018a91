//! The safety checks of an import, all made before anything is written.
//!
//! Each refusal is an `ErrorKind::Refused` error whose hint says what to do instead (options
//! that do not go together, such as mappings in Recovery mode, are `ErrorKind::Usage`).
//! Checks that `--force` may override (a Migration onto an older release, a mapping to a site
//! or server the target lacks, a Switchover backup server, AdminConfig without Tracker data)
//! become warnings in the report when forced. The lock that keeps two imports apart is taken
//! separately (see [`super::lock`]).

use std::cmp::Ordering;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};
use crate::layout;
use crate::registry::{join, same_name, RegTree};
use crate::rules::context::NameMapping;
use crate::server::{ii_key, Identity, ServerImage, ServerKind};

use super::source::Origin;
use super::Mode;

/// The component holding licence assignments.
pub const ADMIN_CONFIG: &str = "AdminConfig";
/// The component holding Interaction Tracker data.
pub const TRACKER_CONFIG: &str = "Tracker Config";

/// A version and build of this tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolRelease {
    /// The version, such as `0.1.0`.
    pub version: String,
    /// The build of that version.
    pub build: String,
}

impl ToolRelease {
    /// This tool's own version and build.
    pub fn current() -> ToolRelease {
        ToolRelease {
            version: crate::TOOL_VERSION.to_string(),
            build: crate::BUILD.to_string(),
        }
    }
}

/// Everything the gates look at.
#[derive(Clone, Copy, Debug)]
pub struct GateInput<'a> {
    /// What the archive says about its origin.
    pub origin: &'a Origin,
    /// This tool's release.
    pub tool: &'a ToolRelease,
    /// The target server.
    pub target: &'a Identity,
    /// The target's registry.
    pub target_tree: &'a RegTree,
    /// The target's image.
    pub image: &'a ServerImage,
    /// Recovery or Migration.
    pub mode: Mode,
    /// The components chosen for import.
    pub components: &'a [String],
    /// The extraction folder.
    pub extract_to: &'a Path,
    /// `--map-server OLD=NEW`, as given.
    pub map_server: &'a [NameMapping],
    /// `--map-site OLD=NEW`, as given.
    pub map_site: &'a [NameMapping],
    /// Whether the user overrides the checks that allow it.
    pub force: bool,
}

/// Runs every gate in order. Returns the warnings of the checks `--force` overrode.
///
/// # Errors
///
/// The first refusal, as `ErrorKind::Refused`.
pub fn check(input: &GateInput) -> Result<Vec<String>> {
    tool_version(input)?;
    server_kind(input)?;
    recovery_identity(input)?;
    service_stopped(input)?;
    extraction_folder(input)?;
    name_mappings(input)?;
    let mut warnings = Vec::new();
    for forcible in [
        older_target(input),
        new_site_or_server(input),
        switchover_backup(input),
        admin_config_without_tracker(input),
    ] {
        match forcible {
            Some(refusal) if input.force => {
                warnings.push(format!("--force given: {}", refusal.message()))
            }
            Some(refusal) => return Err(refusal),
            None => {}
        }
    }
    Ok(warnings)
}

fn refused(message: String, hint: impl Into<String>) -> Error {
    Error::new(ErrorKind::Refused, message).with_hint(hint)
}

fn tool_version(input: &GateInput) -> Result<()> {
    let (origin, tool) = (input.origin, input.tool);
    let written = format!("{} build {}", origin.tool_version, origin.tool_build);
    match compare_dotted(&origin.tool_version, &tool.version) {
        Some(Ordering::Less) => Err(refused(
            format!(
                "the archive was written by migrator {written}, older than this migrator {}",
                tool.version
            ),
            format!(
                "Export the server again with this migrator, or import with migrator {}.",
                origin.tool_version
            ),
        )),
        Some(Ordering::Greater) => Err(refused(
            format!(
                "the archive was written by migrator {written}, newer than this migrator {}",
                tool.version
            ),
            format!("Upgrade migrator to {} or later.", origin.tool_version),
        )),
        None => Err(refused(
            format!("the archive was written by an unknown migrator version {written}"),
            "Export the server again with this migrator.",
        )),
        Some(Ordering::Equal) => build(input, &written),
    }
}

fn build(input: &GateInput, written: &str) -> Result<()> {
    let (origin, tool) = (input.origin, input.tool);
    match compare_build(&origin.tool_build, &tool.build) {
        Some(Ordering::Equal) => Ok(()),
        Some(Ordering::Greater) => Err(refused(
            format!(
                "the archive was written by migrator {written}, a newer build than this one \
                 (build {})",
                tool.build
            ),
            format!("Upgrade migrator to {written}."),
        )),
        _ if input.mode == Mode::Migration => Ok(()),
        _ => Err(refused(
            format!(
                "Recovery mode needs an archive of this very build; it was written by \
                 migrator {written}, this is build {}",
                tool.build
            ),
            "Export the server again with this migrator, or import with --mode migration.",
        )),
    }
}

/// Compares versions such as `0.10.2` part by part as numbers; `None` when either is not
/// such a version.
fn compare_dotted(a: &str, b: &str) -> Option<Ordering> {
    let parse = |text: &str| {
        text.split('.')
            .map(|part| part.parse::<u64>().ok())
            .collect::<Option<Vec<u64>>>()
    };
    Some(parse(a)?.cmp(&parse(b)?))
}

/// Compares builds as numbers when both are; otherwise only equality is known.
fn compare_build(a: &str, b: &str) -> Option<Ordering> {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => Some(x.cmp(&y)),
        _ if a == b => Some(Ordering::Equal),
        _ => None,
    }
}

fn server_kind(input: &GateInput) -> Result<()> {
    let (archive, target) = (input.origin.kind, input.target.kind);
    if archive != target {
        return Err(refused(
            format!(
                "the archive holds the configuration of {} and the target {} is {}",
                archive.with_article(),
                input.target.server,
                target.with_article()
            ),
            format!(
                "Import it onto {}, or choose an archive exported from {}.",
                archive.with_article(),
                target.with_article()
            ),
        ));
    }
    if archive == ServerKind::Media && input.mode == Mode::Recovery {
        return Err(refused(
            "an Interaction Media Server archive cannot be imported in Recovery mode".into(),
            "Use --mode migration: recovery is not supported on a Media Server.",
        ));
    }
    Ok(())
}

fn recovery_identity(input: &GateInput) -> Result<()> {
    if input.mode != Mode::Recovery {
        return Ok(());
    }
    let (origin, target) = (input.origin, input.target);
    if origin.cic_version != target.version {
        return Err(refused(
            format!(
                "the archive comes from CIC {} and the target runs CIC {}; Recovery mode needs \
                 the same release",
                origin.cic_version, target.version
            ),
            "Use --mode migration to carry the configuration to another release.",
        ));
    }
    if !origin.server.eq_ignore_ascii_case(&target.server) {
        return Err(refused(
            format!(
                "the archive comes from server {} and the target is {}; Recovery mode needs the \
                 same server",
                origin.server, target.server
            ),
            "Use --mode migration to import onto a server with another name.",
        ));
    }
    if !origin.site.eq_ignore_ascii_case(&target.site) {
        return Err(refused(
            format!(
                "the archive comes from server {} of site {} and the target {} is of site {}; \
                 Recovery mode needs the same site",
                origin.server, origin.site, target.server, target.site
            ),
            "Use --mode migration to import onto a server of another site.",
        ));
    }
    Ok(())
}

/// Configuration of a newer release may hold what an older one cannot read (status formats,
/// language folder names, classifications): Migration mode carries it forward, not back.
fn older_target(input: &GateInput) -> Option<Error> {
    let (origin, target) = (input.origin, input.target);
    if input.mode != Mode::Migration || origin.cic_version <= target.version {
        return None;
    }
    Some(refused(
        format!(
            "the archive comes from CIC {} and the target {} runs the older CIC {}: the migration \
             rules convert configuration to a newer release, not back",
            origin.cic_version, target.server, target.version
        ),
        "Import onto a server of the same or a newer release, or run again with --force to \
         import as it is.",
    ))
}

/// Mappings are a Migration mode matter, and a site mapping can only rename the archive's site:
/// one naming another site is a typing error that would otherwise be ignored.
fn name_mappings(input: &GateInput) -> Result<()> {
    let given = !input.map_server.is_empty() || !input.map_site.is_empty();
    if input.mode == Mode::Recovery && given {
        return Err(Error::new(
            ErrorKind::Usage,
            "--map-server and --map-site rename data in Migration mode; Recovery mode imports \
             the data under its own names",
        )
        .with_hint("Leave the mappings out, or import with --mode migration."));
    }
    let site = &input.origin.site;
    if let Some(mapping) = input.map_site.iter().find(|m| !same_name(&m.old, site)) {
        return Err(refused(
            format!(
                "--map-site {}={} names site {}, but the archive's data belongs to site {site}",
                mapping.old, mapping.new, mapping.old
            ),
            format!("Check the spelling: the mapping's first name must be {site}."),
        ));
    }
    Ok(())
}

/// A mapping that sends the archive's own site or server to a name the target does not hold
/// creates a second site or server tree beside the target's own, which CIC does not read:
/// almost always a typing error in the new name.
fn new_site_or_server(input: &GateInput) -> Option<Error> {
    if input.mode != Mode::Migration || input.target.kind != ServerKind::Cic {
        return None;
    }
    let (origin, target) = (input.origin, input.target);
    // The target's own names always count, even where its registry has no key for them yet.
    let root = ii_key(input.target_tree).and_then(|(_, ii)| ii.find(layout::DS_ROOT));
    let site_mapping = input
        .map_site
        .iter()
        .find(|m| same_name(&m.old, &origin.site));
    let new_site = site_mapping.map_or(target.site.as_str(), |m| m.new.as_str());
    let site_key = root.and_then(|root| root.subkeys().find(|k| same_name(k.name(), new_site)));
    if site_mapping.is_some() && site_key.is_none() && !same_name(new_site, &target.site) {
        return Some(refused(
            format!(
                "--map-site {}={new_site} sends the data to site {new_site}, which the target {} \
                 does not have (its site is {})",
                origin.site, target.server, target.site
            ),
            format!(
                "Check the spelling (--map-site {}={}), or run again with --force to create \
                 site {new_site}.",
                origin.site, target.site
            ),
        ));
    }
    let mapping = input
        .map_server
        .iter()
        .find(|m| same_name(&m.old, &origin.server))?;
    let in_production = site_key
        .and_then(|site| site.find("Production"))
        .is_some_and(|p| p.subkeys().any(|k| same_name(k.name(), &mapping.new)));
    let own = same_name(&mapping.new, &target.server) && same_name(new_site, &target.site);
    if in_production || own {
        return None;
    }
    Some(refused(
        format!(
            "--map-server {}={} sends the server's data to server {}, which site {new_site} of \
             the target does not have (the target is {})",
            mapping.old, mapping.new, mapping.new, target.server
        ),
        format!(
            "Check the spelling (--map-server {}={}), or run again with --force to create \
             server {}.",
            mapping.old, target.server, mapping.new
        ),
    ))
}

fn service_stopped(input: &GateInput) -> Result<()> {
    let marker = input.image.dir().join(layout::SERVICE_RUNNING_MARKER);
    if !marker.exists() {
        return Ok(());
    }
    let service = match input.target.kind {
        ServerKind::Cic => "CIC service",
        ServerKind::Media => "Interaction Media Server service",
    };
    Err(refused(
        format!(
            "the {service} of {} is running ({} is present)",
            input.target.server,
            marker.display()
        ),
        format!(
            "Stop the {service} first (for a server image, remove {} once it is stopped), then \
             run the import again.",
            layout::SERVICE_RUNNING_MARKER
        ),
    ))
}

/// A Switchover backup server must not be imported onto while its primary may run: the
/// primary's replication would overwrite the imported data or leave the pair inconsistent.
fn switchover_backup(input: &GateInput) -> Option<Error> {
    let target = input.target;
    let (root, ii) = ii_key(input.target_tree)?;
    let path = layout::resolve(layout::SWITCHOVER, &target.site, &target.server);
    let role = ii.find(&path)?.text(layout::SWITCHOVER_ROLE)?;
    if !role.trim().eq_ignore_ascii_case("Backup") {
        return None;
    }
    let partner = ii
        .find(&path)
        .and_then(|key| key.text(layout::SWITCHOVER_PARTNER))
        .unwrap_or_else(|| "its primary".to_string());
    Some(refused(
        format!(
            "{} is the backup server of a Switchover pair ({}): while {partner} runs, its \
             replication would overwrite the imported data or leave the pair in an invalid state",
            target.server,
            join(root, &path)
        ),
        format!(
            "Stop the CIC service on both {partner} and {}, then run again with --force.",
            target.server
        ),
    ))
}

/// Licence assignments pull in users; importing them without Interaction Tracker data damages
/// the Tracker data of those users.
fn admin_config_without_tracker(input: &GateInput) -> Option<Error> {
    let chosen = |name: &str| {
        input
            .components
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    };
    if !chosen(ADMIN_CONFIG) || chosen(TRACKER_CONFIG) || target_has_tracker(input) {
        return None;
    }
    Some(refused(
        format!(
            "{ADMIN_CONFIG} is imported without {TRACKER_CONFIG}, and the target has no Tracker \
             data: licence assignments bring user data that breaks Tracker configuration \
             imported later"
        ),
        format!(
            "Import {TRACKER_CONFIG} together with {ADMIN_CONFIG} (or before it), or run again \
             with --force."
        ),
    ))
}

fn target_has_tracker(input: &GateInput) -> bool {
    let target = input.target;
    let path = layout::resolve(layout::TRACKER, &target.site, &target.server);
    ii_key(input.target_tree)
        .and_then(|(_, ii)| ii.find(&path))
        .is_some_and(|key| key.value_count() + key.subkey_count() > 0)
}

fn extraction_folder(input: &GateInput) -> Result<()> {
    let folder = resolved(input.extract_to);
    let install = resolved(&input.image.install_dir());
    let image = resolved(input.image.dir());
    if folder.starts_with(&install) || folder == image {
        return Err(refused(
            format!(
                "the extraction folder {} is {} of server image {}",
                input.extract_to.display(),
                if folder == image {
                    "the folder"
                } else {
                    "inside the install tree"
                },
                input.image.dir().display()
            ),
            "Extract into a folder outside the server's install tree (critical files would be \
             overwritten there), such as a temporary folder.",
        ));
    }
    Ok(())
}

/// `path` made absolute, with `.` and `..` resolved and links followed as far as it exists.
pub(crate) fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return lexical,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.into());
    out.extend(rest.iter().rev());
    out
}

#[cfg(test)]
mod tests;
