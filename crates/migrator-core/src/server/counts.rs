//! How many items each container of a server holds: users, workgroups, stations, prompts...
//!
//! Every container is one row of [`CONTAINERS`]: its name as people read it, the kind of server
//! that has it, and where its items are counted (subkeys of a registry key, items of a value,
//! files under a folder, elements of an XML file). `migrator server-info` shows these counts,
//! sample servers report what they generated under the same names, and the tests compare both.

use std::fs;
use std::path::Path;

use quick_xml::events::Event;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{ii_key, Identity, ServerKind};
use crate::error::{Error, ErrorKind, Result};
use crate::layout;
use crate::registry::{Key, RegTree};

/// Where the items of a container are counted.
#[derive(Clone, Copy, Debug)]
pub enum Source {
    /// The direct subkeys of a key (a [`layout`] path).
    Subkeys(&'static str),
    /// The values of a key.
    Values(&'static str),
    /// The items of a string or multi-string value of a key.
    ValueItems {
        /// The key, a [`layout`] path.
        key: &'static str,
        /// The value's name.
        value: &'static str,
    },
    /// The keys under the active Interaction Attendant configuration that are nodes (carry a
    /// [`layout::FULL_NODE_PATH_VALUE`]).
    AttendantNodes,
    /// Files with an extension in an install-relative folder and, when `deep`, its sub-folders.
    Files {
        /// The folder, install-relative with `\`.
        dir: &'static str,
        /// The extension, without the dot, compared without regard to case.
        extension: &'static str,
        /// Whether sub-folders count too.
        deep: bool,
    },
    /// Elements at a `/`-separated path from the root of an install-relative XML file.
    XmlElements {
        /// The file, install-relative with `\`.
        file: &'static str,
        /// The element path, such as `MediaServerConfig/CommandServers/CommandServer`.
        path: &'static str,
    },
}

/// One container: a name, the kind of server that has it, where its items are.
#[derive(Clone, Copy, Debug)]
pub struct Container {
    /// The name people read, such as `Users`.
    pub name: &'static str,
    /// The kind of server that has this container.
    pub kind: ServerKind,
    /// Where its items are counted.
    pub source: Source,
}

const fn cic(name: &'static str, source: Source) -> Container {
    Container {
        name,
        kind: ServerKind::Cic,
        source,
    }
}

const fn media(name: &'static str, source: Source) -> Container {
    Container {
        name,
        kind: ServerKind::Media,
        source,
    }
}

const fn files(dir: &'static str, extension: &'static str, deep: bool) -> Source {
    Source::Files {
        dir,
        extension,
        deep,
    }
}

use Source::{Subkeys, Values};

/// Users.
pub const USERS: Container = cic("Users", Subkeys(layout::USERS));
/// User status entries kept under Live Data (newer releases).
pub const USER_STATUS: Container = cic("User Status", Subkeys(layout::LIVE_DATA_USER_STATUS));
/// Workgroups.
pub const WORKGROUPS: Container = cic("Workgroups", Subkeys(layout::WORKGROUPS));
/// Roles.
pub const ROLES: Container = cic("Roles", Subkeys(layout::ROLES));
/// Skills.
pub const SKILLS: Container = cic("Skills", Subkeys(layout::SKILLS));
/// User licence assignments.
pub const USER_LICENSES: Container = cic("User Licenses", Subkeys(layout::ADMIN_USER_INFO));
/// Station licence assignments.
pub const STATION_LICENSES: Container =
    cic("Station Licenses", Subkeys(layout::ADMIN_STATION_INFO));
/// Stations.
pub const WORKSTATIONS: Container = cic("Workstations", Subkeys(layout::WORKSTATIONS));
/// Managed IP phones.
pub const IP_PHONES: Container = cic("IP Phones", Subkeys(layout::IP_PHONES));
/// IP phone proxy groups.
pub const IP_PHONE_PROXY_GROUPS: Container = cic(
    "IP Phone Proxy Groups",
    Subkeys(layout::IP_PHONE_PROXY_GROUPS),
);
/// Lines.
pub const LINES: Container = cic("Lines", Subkeys(layout::LINES));
/// Line groups.
pub const LINE_GROUPS: Container = cic("Line Groups", Subkeys(layout::LINE_GROUPS));
/// Server parameters.
pub const SERVER_PARAMETERS: Container =
    cic("Server Parameters", Subkeys(layout::SERVER_PARAMETERS));
/// Structured parameters.
pub const STRUCTURED_PARAMETERS: Container = cic(
    "Structured Parameters",
    Subkeys(layout::STRUCTURED_PARAMETERS),
);
/// Interaction Processor tables.
pub const IP_TABLES: Container = cic("IP Tables", Subkeys(layout::IP_TABLES));
/// DNIS mapping rows.
pub const DNIS_MAPPINGS: Container = cic("DNIS Mappings", Subkeys(layout::DNIS_MAPPINGS));
/// Dial plan entries.
pub const DIAL_PLAN_ENTRIES: Container =
    cic("Dial Plan Entries", Subkeys(layout::DIAL_PLAN_ENTRIES));
/// Dial plan classifications.
pub const CLASSIFICATIONS: Container = cic(
    "Classifications",
    Source::ValueItems {
        key: layout::DIAL_PLAN_CONFIGURATION,
        value: layout::CLASSIFICATIONS_VALUE,
    },
);
/// Dial plan files.
pub const DIAL_PLAN_FILES: Container = cic(
    "Dial Plan Files",
    files(layout::DIAL_PLAN_DIR, "xml", false),
);
/// Interaction Attendant nodes of the active configuration.
pub const ATTENDANT_NODES: Container = cic("Attendant Nodes", Source::AttendantNodes);
/// Interaction Attendant prompts (wave files, every language).
pub const PROMPTS: Container = cic("Prompts", files(layout::ATTENDANT_WAVES_DIR, "wav", true));
/// Localized system prompts of language packs.
pub const LANGUAGE_PROMPTS: Container = cic(
    "Language Prompts",
    files(layout::LANGUAGE_PROMPTS_DIR, "wav", true),
);
/// Client buttons.
pub const CLIENT_BUTTONS: Container = cic("Client Buttons", Subkeys(layout::CLIENT_BUTTONS));
/// Client button icon files.
pub const BUTTON_ICONS: Container = cic(
    "Button Icons",
    files(layout::BUTTON_ICONS_DIR, "ico", false),
);
/// IC data sources.
pub const DATA_SOURCES: Container = cic("Data Sources", Subkeys(layout::DATA_SOURCES));
/// Data source UDL files.
pub const UDL_FILES: Container = cic("UDL Files", files(layout::UDL_DIR, "udl", false));
/// Report entries.
pub const REPORTS: Container = cic("Reports", Subkeys(layout::REPORTS));
/// Report template files.
pub const REPORT_FILES: Container = cic("Report Files", files(layout::REPORTS_DIR, "rpt", true));
/// Custom handler files.
pub const CUSTOM_HANDLERS: Container = cic(
    "Custom Handlers",
    files(layout::CUSTOM_HANDLERS_DIR, "ihd", true),
);
/// Handler registrations of the server.
pub const HANDLER_REGISTRATIONS: Container = cic(
    "Handler Registrations",
    Subkeys(layout::HANDLER_REGISTRATIONS),
);
/// Handlers published to Interaction Processor.
pub const IP_HANDLERS: Container = cic("IP Handlers", Subkeys(layout::IP_HANDLERS));
/// IPA processes.
pub const IPA_PROCESSES: Container = cic("IPA Processes", Subkeys(layout::IPA_PROCESSES));
/// System parameters.
pub const SYSTEM_PARAMETERS: Container =
    cic("System Parameters", Subkeys(layout::SYSTEM_PARAMETERS));
/// Settings of the default user.
pub const DEFAULT_USER_SETTINGS: Container =
    cic("Default User Settings", Values(layout::DEFAULT_USER));
/// Password policies.
pub const PASSWORD_POLICIES: Container =
    cic("Password Policies", Subkeys(layout::PASSWORD_POLICIES));
/// Client configuration templates.
pub const CLIENT_TEMPLATES: Container = cic(
    "Client Configuration Templates",
    Subkeys(layout::CLIENT_TEMPLATES),
);
/// Status messages.
pub const STATUS_MESSAGES: Container = cic("Status Messages", Subkeys(layout::STATUS_MESSAGES));
/// Wrap-up categories.
pub const WRAP_UP_CATEGORIES: Container =
    cic("Wrap-up Categories", Subkeys(layout::WRAP_UP_CATEGORIES));
/// Wrap-up codes.
pub const WRAP_UP_CODES: Container = cic("Wrap-up Codes", Subkeys(layout::WRAP_UP_CODES));
/// Account codes.
pub const ACCOUNT_CODES: Container = cic("Account Codes", Subkeys(layout::ACCOUNT_CODES));
/// Schedules.
pub const SCHEDULES: Container = cic("Schedules", Subkeys(layout::SCHEDULES));
/// Locations.
pub const LOCATIONS: Container = cic("Locations", Subkeys(layout::LOCATIONS));
/// Layouts.
pub const LAYOUTS: Container = cic("Layouts", Subkeys(layout::LAYOUTS));
/// Station positions on layouts.
pub const POSITIONS: Container = cic("Positions", Subkeys(layout::POSITIONS));
/// IPA process templates.
pub const IPA_TEMPLATES: Container = cic("IPA Templates", Subkeys(layout::IPA_TEMPLATES));
/// Interaction Recorder settings.
pub const RECORDER_SETTINGS: Container = cic("Recorder Settings", Values(layout::RECORDER));
/// Interaction Tracker settings.
pub const TRACKER_SETTINGS: Container = cic("Tracker Settings", Values(layout::TRACKER));
/// Media Server registry settings.
pub const MEDIA_SETTINGS: Container = media("Registry Settings", Values(layout::MEDIA_SERVER));
/// Paired CIC servers of a Media Server.
pub const COMMAND_SERVERS: Container = media(
    "Command Servers",
    Source::XmlElements {
        file: layout::MEDIA_SERVER_CONFIG,
        path: "MediaServerConfig/CommandServers/CommandServer",
    },
);
/// Global Media Server properties.
pub const MEDIA_PROPERTIES: Container = media(
    "Properties",
    Source::XmlElements {
        file: layout::MEDIA_SERVER_CONFIG,
        path: "MediaServerConfig/Properties/Property",
    },
);
/// Properties set per paired CIC server.
pub const COMMAND_SERVER_PROPERTIES: Container = media(
    "Command Server Properties",
    Source::XmlElements {
        file: layout::MEDIA_SERVER_CONFIG,
        path: "MediaServerConfig/CommandServers/CommandServer/Properties/Property",
    },
);

/// Every container, in the order they are shown.
pub const CONTAINERS: &[Container] = &[
    USERS,
    USER_STATUS,
    WORKGROUPS,
    ROLES,
    SKILLS,
    PASSWORD_POLICIES,
    CLIENT_TEMPLATES,
    DEFAULT_USER_SETTINGS,
    STATUS_MESSAGES,
    WRAP_UP_CATEGORIES,
    WRAP_UP_CODES,
    ACCOUNT_CODES,
    SCHEDULES,
    USER_LICENSES,
    STATION_LICENSES,
    WORKSTATIONS,
    IP_PHONES,
    IP_PHONE_PROXY_GROUPS,
    LOCATIONS,
    LAYOUTS,
    POSITIONS,
    LINES,
    LINE_GROUPS,
    SERVER_PARAMETERS,
    SYSTEM_PARAMETERS,
    STRUCTURED_PARAMETERS,
    IP_TABLES,
    DNIS_MAPPINGS,
    DIAL_PLAN_ENTRIES,
    CLASSIFICATIONS,
    DIAL_PLAN_FILES,
    ATTENDANT_NODES,
    PROMPTS,
    LANGUAGE_PROMPTS,
    CLIENT_BUTTONS,
    BUTTON_ICONS,
    DATA_SOURCES,
    UDL_FILES,
    REPORTS,
    REPORT_FILES,
    CUSTOM_HANDLERS,
    HANDLER_REGISTRATIONS,
    IP_HANDLERS,
    IPA_PROCESSES,
    IPA_TEMPLATES,
    RECORDER_SETTINGS,
    TRACKER_SETTINGS,
    MEDIA_SETTINGS,
    COMMAND_SERVERS,
    MEDIA_PROPERTIES,
    COMMAND_SERVER_PROPERTIES,
];

/// The containers a kind of server has, in display order.
pub fn containers_of(kind: ServerKind) -> impl Iterator<Item = &'static Container> {
    CONTAINERS.iter().filter(move |c| c.kind == kind)
}

/// Item counts by container name, in display order. Serializes as a JSON object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    entries: Vec<(String, usize)>,
}

impl Counts {
    /// Counts of zero for every container of `kind`.
    pub fn zero(kind: ServerKind) -> Counts {
        Counts {
            entries: containers_of(kind)
                .map(|c| (c.name.to_string(), 0))
                .collect(),
        }
    }

    /// The count of the container `name`, if it is listed.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
    }

    /// Adds `n` to the container `name`, listing it at the end when new.
    pub fn add(&mut self, name: &str, n: usize) {
        match self
            .entries
            .iter_mut()
            .find(|(existing, _)| existing == name)
        {
            Some((_, count)) => *count += n,
            None => self.entries.push((name.to_string(), n)),
        }
    }

    /// The containers and their counts, in display order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, usize)> {
        self.entries
            .iter()
            .map(|(name, count)| (name.as_str(), *count))
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (name, count) in &self.entries {
            map.serialize_entry(name, count)?;
        }
        map.end()
    }
}

/// Counts the items of every container of the server whose registry is `tree`, whose identity
/// is `identity` and whose install tree is `install_dir`. Missing keys and folders count zero.
pub fn count(tree: &RegTree, identity: &Identity, install_dir: &Path) -> Result<Counts> {
    let ii = ii_key(tree).map(|(_, key)| key);
    let place = Place {
        ii,
        identity,
        install_dir,
    };
    let mut counts = Counts::default();
    for container in containers_of(identity.kind) {
        counts.add(container.name, place.count(&container.source)?);
    }
    Ok(counts)
}

/// What a count looks at: the `Interactive Intelligence` key and the install tree.
struct Place<'a> {
    ii: Option<&'a Key>,
    identity: &'a Identity,
    install_dir: &'a Path,
}

impl Place<'_> {
    fn count(&self, source: &Source) -> Result<usize> {
        Ok(match *source {
            Source::Subkeys(path) => self.key(path).map_or(0, Key::subkey_count),
            Source::Values(path) => self.key(path).map_or(0, Key::value_count),
            Source::ValueItems { key, value } => self
                .key(key)
                .and_then(|k| k.value(value))
                .and_then(|v| v.as_strings())
                .map_or(0, |items| items.len()),
            Source::AttendantNodes => self.attendant_nodes(),
            Source::Files {
                dir,
                extension,
                deep,
            } => count_files(
                &self.install_dir.join(layout::file_path(dir)),
                extension,
                deep,
            ),
            Source::XmlElements { file, path } => {
                count_xml_elements(&self.install_dir.join(layout::file_path(file)), path)?
            }
        })
    }

    fn key(&self, layout_path: &str) -> Option<&Key> {
        let path = layout::resolve(layout_path, &self.identity.site, &self.identity.server);
        self.ii?.find(&path)
    }

    fn attendant_nodes(&self) -> usize {
        let Some(data) = self.key(layout::ATTENDANT_DATA) else {
            return 0;
        };
        let Some(config) = data
            .text(layout::ACTIVE_CONFIG_VALUE)
            .and_then(|name| data.subkey(&name))
        else {
            return 0;
        };
        config
            .walk()
            .iter()
            .filter(|(_, key)| key.value(layout::FULL_NODE_PATH_VALUE).is_some())
            .count()
    }
}

fn count_files(dir: &Path, extension: &str, deep: bool) -> usize {
    let depth = if deep { usize::MAX } else { 1 };
    walkdir::WalkDir::new(dir)
        .max_depth(depth)
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            entry
                .path()
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case(extension))
        })
        .count()
}

/// Counts the elements at `path` in the XML file `file`; a missing file counts zero.
fn count_xml_elements(file: &Path, path: &str) -> Result<usize> {
    let text = match fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io("reading", file, e)),
    };
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut stack: Vec<String> = Vec::new();
    let mut count = 0;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(file, &reader, e))?;
        match event {
            Event::Start(start) => {
                stack.push(start.name().0.to_string());
                count += usize::from(stack.join("/") == path);
            }
            Event::Empty(empty) => {
                stack.push(empty.name().0.to_string());
                count += usize::from(stack.join("/") == path);
                stack.pop();
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Eof => return Ok(count),
            _ => {}
        }
    }
}

fn malformed(file: &Path, reader: &quick_xml::Reader<&[u8]>, error: quick_xml::Error) -> Error {
    Error::new(
        ErrorKind::Input,
        format!(
            "{} is not well-formed XML at byte {}: {error}",
            file.display(),
            reader.buffer_position()
        ),
    )
    .with_hint("Restore the file from a backup, or fix it with a text editor.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_are_unique() {
        let mut names: Vec<_> = CONTAINERS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }

    #[test]
    fn xml_elements_are_counted_by_path_not_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.xml");
        fs::write(
            &file,
            "<A><Properties><Property/><Property></Property></Properties>\
             <B><Properties><Property/></Properties></B></A>",
        )
        .unwrap();
        assert_eq!(
            count_xml_elements(&file, "A/Properties/Property").unwrap(),
            2
        );
        assert_eq!(
            count_xml_elements(&file, "A/B/Properties/Property").unwrap(),
            1
        );
        fs::write(&file, "<A><B></A>").unwrap();
        let error = count_xml_elements(&file, "A/B").unwrap_err();
        assert!(error.message().contains("c.xml"), "{}", error.message());
    }
}
