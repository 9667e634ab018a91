//! Where a CIC server and an Interaction Media Server keep their configuration: every registry
//! key path, value name and file location this tool relies on, in one table.
//!
//! Each name carries its [`Evidence`]: `Found` names were seen in public material about real
//! servers; `Inferred` names are our best guess where no source showed the real one. Correcting
//! a guess means changing its constant here, nowhere else.
//!
//! Registry paths are relative to the `Interactive Intelligence` key (see [`II_KEY`]). Paths
//! under Directory Services use two placeholders: [`SITE`] for the site name and [`SERVER`]
//! for the server name. File paths are relative to the install root (`I3\IC`), with `\`.

/// Whether a name was seen on real servers or inferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Seen in public scripts, documentation or tools that work with real servers.
    Found,
    /// Our assumption; no public source showed the real name.
    Inferred,
}

/// One entry of the table of names.
#[derive(Clone, Copy, Debug)]
pub struct Name {
    /// The constant's purpose, in a few words.
    pub what: &'static str,
    /// The name or path itself.
    pub value: &'static str,
    /// Whether it was seen or inferred.
    pub evidence: Evidence,
}

/// Placeholder for the site name inside a path.
pub const SITE: &str = "<SITE>";
/// Placeholder for the server name inside a path.
pub const SERVER: &str = "<SERVER>";

/// Absolute path of the key every export covers.
pub const II_KEY: &str = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Interactive Intelligence";
/// The same key as 32-bit processes see it on 64-bit Windows; accepted when reading.
pub const II_KEY_WOW64: &str =
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Interactive Intelligence";
/// Value on the `Interactive Intelligence` key holding `...\I3\IC\Server\`.
pub const TARGET_VALUE: &str = "Target";
/// Setup Assistant state key.
pub const SETUP_ASSISTANT: &str = "Setup Assistant";
/// Value of [`SETUP_ASSISTANT`] holding the installed CIC release.
pub const VERSION_VALUE: &str = "ICServerVersionInstalled";
/// The Directory Services root.
pub const DS_ROOT: &str = "EIC\\Directory Services\\Root";
/// Value of [`DS_ROOT`] holding `\<Site>`.
pub const SITE_VALUE: &str = "SITE";
/// Value of [`DS_ROOT`] holding `\<Site>\Production\<Server>`.
pub const SERVER_VALUE: &str = "SERVER";
/// The site-level configuration under [`DS_ROOT`].
pub const PRODUCTION: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production";
/// The per-server configuration under [`DS_ROOT`].
pub const SERVER_ROOT: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>";
/// Switchover settings of a server.
pub const SWITCHOVER: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Switchover";
/// Value of [`SWITCHOVER`]: `Primary` or `Backup`.
pub const SWITCHOVER_ROLE: &str = "Role";
/// Value of [`SWITCHOVER`]: the name of the partner server.
pub const SWITCHOVER_PARTNER: &str = "Partner";

/// User entries, one key per user.
pub const USERS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Users";
/// Workgroup entries, one key per workgroup; members in `Members`.
pub const WORKGROUPS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Workgroups";
/// Role entries.
pub const ROLES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Roles";
/// Skill entries.
pub const SKILLS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Skills";
/// Licence assignments: `UserInfo` and `StationInfo`.
pub const ADMIN_CONFIG: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\AdminConfig";
/// Structured parameters, one key each, with `Type`, `Values`, `Description`.
pub const STRUCTURED_PARAMETERS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Structured Parameters";
/// Site-wide configuration container.
pub const CONFIGURATION: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration";
/// Mail configuration; value `Root Path`.
pub const MAIL: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\Mail";
/// Value of [`MAIL`] holding the mail spool folder.
pub const MAIL_ROOT_PATH: &str = "Root Path";
/// DNIS routing table, one key per row.
pub const DNIS_MAPPINGS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\DNIS Mappings";
/// Dial plan (phone numbers) container.
pub const DIAL_PLAN: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\Phone Numbers";
/// The dial plan's configuration key, holding the `Classifications` value.
pub const DIAL_PLAN_CONFIGURATION: &str = concat!(
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration",
    "\\Phone Numbers\\Configuration"
);
/// Value of [`DIAL_PLAN_CONFIGURATION`]: one `<class name>:<classification>` item each.
pub const CLASSIFICATIONS_VALUE: &str = "Classifications";
/// Client buttons, one key each, with `Icon File` and `Valid Icon`.
pub const CLIENT_BUTTONS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Client Buttons";
/// Value of a client button: `Yes` when its icon is in the resources folder.
pub const VALID_ICON_VALUE: &str = "Valid Icon";
/// Value of a client button: the icon's file name.
pub const ICON_FILE_VALUE: &str = "Icon File";
/// IC data sources, one key each; value `Default` is `Yes` for those setup creates.
pub const DATA_SOURCES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\Data Sources";
/// Report entries, one key each; value `Report File` names the `.rpt`.
pub const REPORTS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Reports";
/// Interaction Tracker configuration.
pub const TRACKER: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Tracker";
/// Interaction Process Automation configuration (processes, templates, settings).
pub const IPA: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\IPA";
/// Interaction Recorder configuration.
pub const RECORDER: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Interaction Recorder";
/// Attribute of [`RECORDER`] that `--dev-mode` leaves out.
pub const RECORDINGS_RESCUE_ID: &str = "Recordings Rescue ID";
/// Log Retrieval Assistant configuration.
pub const LRA: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\Log Retrieval Assistant";
/// Managed IP phones, one key each.
pub const IP_PHONES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Managed IP Phones";
/// IP phone proxy groups, one key each.
pub const IP_PHONE_PROXY_GROUPS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\IP Phone Proxy Groups";
/// User status kept apart from the user entries by newer releases, one key per user.
pub const LIVE_DATA_USER_STATUS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Live Data\\User Status";
/// Interaction Processor handler configuration (site level).
pub const IP_HANDLERS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\IP\\Handlers";
/// Stations, one key each.
pub const WORKSTATIONS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Workstations";
/// Interaction Attendant data; value `ActiveConfig` names the live configuration.
pub const ATTENDANT_DATA: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\AttendantData";
/// Value of [`ATTENDANT_DATA`] naming the active configuration subkey.
pub const ACTIVE_CONFIG_VALUE: &str = "ActiveConfig";
/// Value of an attendant node: its path, with the site and server names in it.
pub const FULL_NODE_PATH_VALUE: &str = "FullNodePath";
/// Lines, one key each.
pub const LINES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Lines";
/// Line groups, one key each, members in `Lines`.
pub const LINE_GROUPS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Line Groups";
/// Server parameters, one key each, holding `Value`.
pub const SERVER_PARAMETERS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Server Parameters";
/// Value of a server parameter key.
pub const PARAMETER_VALUE: &str = "Value";
/// Server parameter holding the folder of report files.
pub const REPORT_PATH_PARAMETER: &str = "Report File Path";
/// Interaction Processor tables, one key each.
pub const IP_TABLES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\IP Tables";
/// Interaction Processor configuration of this server (the `<SERVER>\IP` component).
pub const SERVER_IP: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\IP";
/// Handler registrations of this server.
pub const HANDLER_REGISTRATIONS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Handlers";
/// Media server settings held by the CIC server.
pub const MEDIA_SERVERS_IN_CIC: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Media Servers";

/// Interaction Media Server registry key.
pub const MEDIA_SERVER: &str = "MediaServer";
/// Value of [`MEDIA_SERVER`]: the licence file path (host-bound).
pub const MEDIA_LICENSE_FILE: &str = "LicenseFile";
/// Value of [`MEDIA_SERVER`]: the encrypted web configuration password (host-bound).
pub const MEDIA_WEB_PASSWORD: &str = "WebConfigLoginPassword";
/// Value of [`MEDIA_SERVER`]: the media server's own host name.
pub const MEDIA_SERVER_NAME: &str = "ServerName";
/// Value of [`MEDIA_SERVER`]: the installed release.
pub const MEDIA_VERSION: &str = "ProductVersion";

/// Custom handlers folder (default; the export takes another with `--custom-handlers`).
pub const CUSTOM_HANDLERS_DIR: &str = "Handlers\\Custom";
/// Report templates folder (the default value of [`REPORT_PATH_PARAMETER`]).
pub const REPORTS_DIR: &str = "Server\\Reports";
/// Data source UDL files.
pub const UDL_DIR: &str = "Server\\UDL";
/// Resources folder (client button icons, prompts).
pub const RESOURCES_DIR: &str = "Resources";
/// Client button icons.
pub const BUTTON_ICONS_DIR: &str = "Resources";
/// Interaction Attendant prompts, one folder per language.
pub const ATTENDANT_WAVES_DIR: &str = "Resources\\InteractionAttendantWaves";
/// Localized system prompts of language packs, one folder per language.
pub const LANGUAGE_PROMPTS_DIR: &str = "Resources\\Prompts";
/// Interaction Recorder master key file.
pub const RECORDER_KEY_FILE: &str = "Server\\Certificates\\Recorder\\RecorderMasterKey.i3key";
/// Log Retrieval Assistant configuration file.
pub const LRA_CONFIG_FILE: &str = "Server\\LRA\\LRAConfig.xml";
/// Dial plan files.
pub const DIAL_PLAN_DIR: &str = "Server\\DialPlan";
/// Media server configuration file.
pub const MEDIA_SERVER_CONFIG: &str = "Resources\\MediaServerConfig.xml";
/// The tool's own folder on the server: restore points, reports, the import lock.
pub const MIGRATOR_DIR: &str = "Migrator";
/// CIC licence file; never exported.
pub const LICENSE_FILE: &str = "CurrentLicenseAdmin.I3Lic";

/// The key name between the site and the server names in Directory Services paths.
pub const PRODUCTION_ELEMENT: &str = "Production";
/// Suffix the import appends to imported server parameters and IP tables in Migration mode.
pub const MIGRATED_SUFFIX: &str = "_migrated";
/// System parameters (site-wide counterparts of server parameters), one key each.
pub const SYSTEM_PARAMETERS: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\System Parameters";
/// The default user: settings every user inherits.
pub const DEFAULT_USER: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Default User";
/// Password policies, one key each.
pub const PASSWORD_POLICIES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Password Policies";
/// Client configuration templates, one key each.
pub const CLIENT_TEMPLATES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Client Configuration Templates";
/// Status messages, one key each.
pub const STATUS_MESSAGES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Status Messages";
/// Wrap-up codes, one key each.
pub const WRAP_UP_CODES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Wrap-up Codes";
/// Wrap-up categories, one key each.
pub const WRAP_UP_CATEGORIES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Wrap-up Categories";
/// Account codes, one key each.
pub const ACCOUNT_CODES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Account Codes";
/// Schedules, one key each.
pub const SCHEDULES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Schedules";
/// Locations, one key each.
pub const LOCATIONS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Locations";
/// Layouts, one key each.
pub const LAYOUTS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Layouts";
/// Positions of stations on layouts, one key each.
pub const POSITIONS: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\Positions";
/// Interaction Web configuration; value `EnableHTTP`.
pub const INTERACTION_WEB: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\Interaction Web";
/// IPA processes, one key each.
pub const IPA_PROCESSES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\IPA\\Processes";
/// IPA process templates, one key each.
pub const IPA_TEMPLATES: &str = "EIC\\Directory Services\\Root\\<SITE>\\Production\\IPA\\Templates";
/// Speech recognition engines of this server.
pub const RECOGNITION: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\<SERVER>\\Recognition";
/// File in a server image folder (beside `registry.reg`) whose presence says that the server's
/// service (CIC or Media Server) is running.
pub const SERVICE_RUNNING_MARKER: &str = "service.running";
/// Value of a user entry: the user's name as shown to people.
pub const USER_DISPLAY_NAME: &str = "displayName";
/// Value of a user entry: the site the user belongs to (the site name, no backslash).
pub const USER_HOME_SITE: &str = "Home Site";
/// Value of a user entry (REG_MULTI_SZ): the workgroups the user belongs to.
pub const USER_WORKGROUPS: &str = "Workgroups";
/// Value of a user entry: the user's current status text. Releases before Live Data keep it
/// in the user entry; later ones under [`LIVE_DATA_USER_STATUS`]`\<user>`.
pub const USER_STATUS: &str = "Status";
/// Value beside [`USER_STATUS`]: when the status was set. In the user entry (older releases)
/// as `MM/DD/YYYY HH:MM:SS` local time; under Live Data as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub const USER_STATUS_SINCE: &str = "Status Since";
/// Value of a workgroup entry (REG_MULTI_SZ): the user ids of its members.
pub const WORKGROUP_MEMBERS: &str = "Members";
/// Value of a line group entry (REG_MULTI_SZ): the names of its lines.
pub const LINE_GROUP_LINES: &str = "Lines";
/// Licence assignments of users under [`ADMIN_CONFIG`], one key per user.
pub const ADMIN_USER_INFO: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\AdminConfig\\UserInfo";
/// Licence assignments of stations under [`ADMIN_CONFIG`], one key per station.
pub const ADMIN_STATION_INFO: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\AdminConfig\\StationInfo";
/// Value of a licence entry (REG_MULTI_SZ): the `I3_*` licence ids assigned.
pub const COUNTED_LICENSES: &str = "Counted Licenses";
/// Value of a structured parameter: `Secrets`, `String` or `MultiString`.
pub const STRUCTURED_TYPE: &str = "Type";
/// Value of a structured parameter (REG_MULTI_SZ): its values.
pub const STRUCTURED_VALUES: &str = "Values";
/// The [`STRUCTURED_TYPE`] of parameters encrypted with a key bound to the machine.
pub const STRUCTURED_TYPE_SECRETS: &str = "Secrets";
/// Value of a DNIS mapping row: the dialled number it routes.
pub const DNIS_VALUE: &str = "DNIS";
/// Dial plan entries under [`DIAL_PLAN`], one key each.
pub const DIAL_PLAN_ENTRIES: &str =
    "EIC\\Directory Services\\Root\\<SITE>\\Production\\Configuration\\Phone Numbers\\Dial Plan";
/// Value of a data source: `Yes` for the ones setup creates, `No` for custom ones.
pub const DATA_SOURCE_DEFAULT: &str = "Default";
/// Value of a data source: the UDL file (in [`UDL_DIR`]) it connects through.
pub const DATA_SOURCE_UDL: &str = "UDL File";
/// Value of a report entry: its `.rpt` file name, relative to the report path.
pub const REPORT_FILE_VALUE: &str = "Report File";
/// Value of an attendant node: its display name.
pub const NODE_NAME_VALUE: &str = "Name";
/// Value of an attendant node: its type (`Server`, `Inbound Profile`, `Schedule`, ...).
pub const NODE_TYPE_VALUE: &str = "Type";
/// Deprecated server parameter older releases still carry (moved by IC Setup Assistant).
pub const LINE_QUEUE_REPORTING_INTERVAL: &str = "LineQueueReportingInterval";
/// Deprecated server parameter older releases still carry (moved by IC Setup Assistant).
pub const QUEUE_PERIOD_STATISTICS_INTERVAL: &str = "QueuePeriodStatisticsInterval";
/// Element of [`MEDIA_SERVER_CONFIG`] listing the paired CIC servers.
pub const MEDIA_COMMAND_SERVERS: &str = "CommandServers";
/// Element of [`MEDIA_COMMAND_SERVERS`]: one paired CIC server.
pub const MEDIA_COMMAND_SERVER: &str = "CommandServer";
/// Element of a [`MEDIA_COMMAND_SERVER`]: the CIC host name.
pub const MEDIA_NOTIFIER_HOST: &str = "NotifierHost";
/// Element of [`MEDIA_SERVER_CONFIG`] (and of each command server) holding `Property`
/// elements with `Name` and `Value` attributes.
pub const MEDIA_PROPERTIES: &str = "Properties";

/// Every name above with its evidence, for documentation and review.
pub const NAMES: &[Name] = &[
    found("exported registry key", II_KEY),
    found("install path value", TARGET_VALUE),
    found("Setup Assistant key", SETUP_ASSISTANT),
    found("installed version value", VERSION_VALUE),
    found("Directory Services root", DS_ROOT),
    found("site pointer value", SITE_VALUE),
    found("server pointer value", SERVER_VALUE),
    found("site configuration", PRODUCTION),
    inferred("per-server configuration", SERVER_ROOT),
    inferred("Switchover settings", SWITCHOVER),
    found("users", USERS),
    inferred("workgroups", WORKGROUPS),
    inferred("roles", ROLES),
    inferred("skills", SKILLS),
    found("licence assignments", ADMIN_CONFIG),
    inferred("structured parameters", STRUCTURED_PARAMETERS),
    found("mail configuration", MAIL),
    found("mail root path value", MAIL_ROOT_PATH),
    inferred("DNIS mappings", DNIS_MAPPINGS),
    inferred("dial plan", DIAL_PLAN),
    inferred("dial plan classifications key", DIAL_PLAN_CONFIGURATION),
    inferred("client buttons", CLIENT_BUTTONS),
    found("client button valid icon value", VALID_ICON_VALUE),
    inferred("data sources", DATA_SOURCES),
    inferred("reports", REPORTS),
    inferred("Tracker configuration", TRACKER),
    inferred("IPA configuration", IPA),
    inferred("Interaction Recorder", RECORDER),
    found("Recordings Rescue ID attribute", RECORDINGS_RESCUE_ID),
    inferred("Log Retrieval Assistant", LRA),
    inferred("managed IP phones", IP_PHONES),
    inferred("IP phone proxy groups", IP_PHONE_PROXY_GROUPS),
    inferred("Live Data user status", LIVE_DATA_USER_STATUS),
    inferred("IP handlers", IP_HANDLERS),
    found("stations", WORKSTATIONS),
    found("attendant data", ATTENDANT_DATA),
    found("active attendant configuration value", ACTIVE_CONFIG_VALUE),
    found("attendant node path value", FULL_NODE_PATH_VALUE),
    inferred("lines", LINES),
    inferred("line groups", LINE_GROUPS),
    inferred("server parameters", SERVER_PARAMETERS),
    found(
        "report path parameter (vendor wording)",
        REPORT_PATH_PARAMETER,
    ),
    inferred("Interaction Processor tables", IP_TABLES),
    inferred("server IP configuration", SERVER_IP),
    inferred("handler registrations", HANDLER_REGISTRATIONS),
    inferred("media servers in CIC", MEDIA_SERVERS_IN_CIC),
    found("Media Server key", MEDIA_SERVER),
    found("Media Server licence value", MEDIA_LICENSE_FILE),
    found("Media Server web password value", MEDIA_WEB_PASSWORD),
    inferred("Media Server host name value", MEDIA_SERVER_NAME),
    inferred("Media Server version value", MEDIA_VERSION),
    found("custom handlers folder", CUSTOM_HANDLERS_DIR),
    found("reports folder", REPORTS_DIR),
    found("UDL folder", UDL_DIR),
    found("resources folder", RESOURCES_DIR),
    found("attendant waves folder", ATTENDANT_WAVES_DIR),
    inferred("language prompts folder", LANGUAGE_PROMPTS_DIR),
    inferred("recorder master key file", RECORDER_KEY_FILE),
    inferred("LRA configuration file", LRA_CONFIG_FILE),
    inferred("dial plan files", DIAL_PLAN_DIR),
    found("Media Server configuration file", MEDIA_SERVER_CONFIG),
    found("Migrator folder", MIGRATOR_DIR),
    found("licence file", LICENSE_FILE),
    found("Directory Services production element", PRODUCTION_ELEMENT),
    found("migrated suffix", MIGRATED_SUFFIX),
    inferred("system parameters", SYSTEM_PARAMETERS),
    inferred("default user", DEFAULT_USER),
    inferred("password policies", PASSWORD_POLICIES),
    inferred("client configuration templates", CLIENT_TEMPLATES),
    inferred("status messages", STATUS_MESSAGES),
    inferred("wrap-up codes", WRAP_UP_CODES),
    inferred("wrap-up categories", WRAP_UP_CATEGORIES),
    inferred("account codes", ACCOUNT_CODES),
    inferred("schedules", SCHEDULES),
    inferred("locations", LOCATIONS),
    inferred("layouts", LAYOUTS),
    inferred("positions", POSITIONS),
    found("Interaction Web configuration", INTERACTION_WEB),
    inferred("IPA processes", IPA_PROCESSES),
    inferred("IPA process templates", IPA_TEMPLATES),
    found("speech recognition engines", RECOGNITION),
    inferred("service running marker of an image", SERVICE_RUNNING_MARKER),
    found("user display name value", USER_DISPLAY_NAME),
    inferred("user home site value", USER_HOME_SITE),
    found("user workgroups value", USER_WORKGROUPS),
    inferred("user status value", USER_STATUS),
    inferred("user status time value", USER_STATUS_SINCE),
    inferred("workgroup members value", WORKGROUP_MEMBERS),
    inferred("line group lines value", LINE_GROUP_LINES),
    found("user licence assignments", ADMIN_USER_INFO),
    found("station licence assignments", ADMIN_STATION_INFO),
    found("counted licences value", COUNTED_LICENSES),
    inferred("structured parameter type value", STRUCTURED_TYPE),
    inferred("structured parameter values value", STRUCTURED_VALUES),
    found("Secrets parameter type", STRUCTURED_TYPE_SECRETS),
    inferred("DNIS value", DNIS_VALUE),
    inferred("dial plan entries", DIAL_PLAN_ENTRIES),
    inferred("data source default value", DATA_SOURCE_DEFAULT),
    inferred("data source UDL value", DATA_SOURCE_UDL),
    inferred("report file value", REPORT_FILE_VALUE),
    found("attendant node name value", NODE_NAME_VALUE),
    found("attendant node type value", NODE_TYPE_VALUE),
    found(
        "deprecated line queue parameter",
        LINE_QUEUE_REPORTING_INTERVAL,
    ),
    found(
        "deprecated queue statistics parameter",
        QUEUE_PERIOD_STATISTICS_INTERVAL,
    ),
    found(
        "Media Server command servers element",
        MEDIA_COMMAND_SERVERS,
    ),
    inferred("Media Server command server element", MEDIA_COMMAND_SERVER),
    found("Media Server notifier host element", MEDIA_NOTIFIER_HOST),
    inferred("Media Server properties element", MEDIA_PROPERTIES),
];

const fn found(what: &'static str, value: &'static str) -> Name {
    Name {
        what,
        value,
        evidence: Evidence::Found,
    }
}

const fn inferred(what: &'static str, value: &'static str) -> Name {
    Name {
        what,
        value,
        evidence: Evidence::Inferred,
    }
}

/// Fills the site and server placeholders of a layout path.
pub fn resolve(path: &str, site: &str, server: &str) -> String {
    path.replace(SITE, site).replace(SERVER, server)
}

/// Converts an install-relative file path of this table (`\`-separated) to a relative
/// filesystem path.
pub fn file_path(relative: &str) -> std::path::PathBuf {
    relative.split('\\').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_fills_both_placeholders() {
        let path = resolve(WORKSTATIONS, "Indy", "calliope");
        assert_eq!(
            path,
            "EIC\\Directory Services\\Root\\Indy\\Production\\calliope\\Workstations"
        );
    }

    #[test]
    fn every_directory_services_path_starts_at_the_root() {
        for name in NAMES {
            if name.value.contains(SITE) {
                assert!(
                    name.value.starts_with(DS_ROOT),
                    "{} is outside DS",
                    name.value
                );
            }
        }
    }
}
