//! The catalog as data: every component, the rules that pull interdependent components in, and
//! the import order with a reason on each entry. This is the one place to change when a
//! component is added, moved or renamed; the docs page is generated from it.
//!
//! Components follow the vendor's node names where the vendor gives them; the others take the
//! names Interaction Administrator shows. No two components share a registry key or a file.

use super::FileSource::{CustomHandlers, File, NamedBy, Suffix, Tree};
use super::Special::*;
use super::{Component, ImportPolicy, Priority, Pull, RegistryPolicy, Versions};
use crate::incoming::FilePolicy;
use crate::layout::*;
use crate::server::ServerKind::{Cic, Media};

/// The name of the component holding this server's Interaction Processor configuration.
pub const SERVER_IP_NAME: &str = "<SERVER>\\IP";

/// The IPA components; selecting any of them selects all.
pub const IPA_ITEMS: &[&str] = &["IPA Processes", "IPA Templates", "IPA Settings"];

/// A CIC component with a registry location only, every release, usual policy.
const fn ds(
    name: &'static str,
    summary: &'static str,
    registry: &'static [&'static str],
    depends_on: &'static [&'static str],
) -> Component {
    Component {
        name,
        aliases: &[],
        kind: Cic,
        summary,
        registry,
        companions: &[],
        values_of: &[],
        files: &[],
        versions: Versions::ALL,
        depends_on,
        import: ImportPolicy::PLAIN,
    }
}

/// Every component, CIC server first, then Interaction Media Server.
pub static COMPONENTS: &[Component] = &[
    Component {
        import: ImportPolicy::with(&[MigratedSuffix]),
        ..ds(
            "Server Parameters",
            "name/value parameters of this server (paths, macros, report path)",
            &[SERVER_PARAMETERS],
            &[],
        )
    },
    ds(
        "System Parameters",
        "name/value parameters shared by every server of the site",
        &[SYSTEM_PARAMETERS],
        &[],
    ),
    Component {
        import: ImportPolicy::with(&[ResetSecrets]),
        ..ds(
            "Structured Parameters",
            "typed parameter sets (String, MultiString, Secrets)",
            &[STRUCTURED_PARAMETERS],
            &[],
        )
    },
    ds(
        "Password Policies",
        "password rules assigned to users and roles",
        &[PASSWORD_POLICIES],
        &[],
    ),
    ds(
        "Client Configuration Templates",
        "client settings templates assigned to users and roles",
        &[CLIENT_TEMPLATES],
        &[],
    ),
    ds(
        "Skills",
        "ACD skills assigned to users and workgroups",
        &[SKILLS],
        &[],
    ),
    ds(
        "Status Messages",
        "user status messages",
        &[STATUS_MESSAGES],
        &[],
    ),
    ds(
        "Account Codes",
        "account codes and their settings",
        &[ACCOUNT_CODES],
        &[],
    ),
    ds(
        "Schedules",
        "system schedules used by workgroups and Interaction Attendant",
        &[SCHEDULES],
        &[],
    ),
    ds(
        "Wrap-up Codes",
        "wrap-up codes and categories",
        &[WRAP_UP_CODES, WRAP_UP_CATEGORIES],
        &["Workgroups"],
    ),
    ds(
        "Roles",
        "roles with their rights",
        &[ROLES],
        &["Password Policies", "Client Configuration Templates"],
    ),
    ds(
        "Locations",
        "locations grouping lines, stations and servers",
        &[LOCATIONS],
        &["Lines", "Workstations"],
    ),
    ds(
        "Lines",
        "telephony lines of this server",
        &[LINES],
        &["Locations"],
    ),
    ds(
        "Line Groups",
        "line groups of this server",
        &[LINE_GROUPS],
        &["Lines"],
    ),
    Component {
        aliases: &["Stations"],
        ..ds(
            "Workstations",
            "stations of this server",
            &[WORKSTATIONS],
            &["Lines", "Locations"],
        )
    },
    ds(
        "IP Phone Proxy Groups",
        "proxy groups of managed IP phones",
        &[IP_PHONE_PROXY_GROUPS],
        &[],
    ),
    Component {
        aliases: &["Managed IP Phones"],
        ..ds(
            "IP Phones",
            "managed IP phones",
            &[IP_PHONES],
            &["Workstations", "Lines", "IP Phone Proxy Groups"],
        )
    },
    Component {
        companions: &[LIVE_DATA_USER_STATUS],
        import: ImportPolicy::with(&[HomeSiteAndStatus]),
        ..ds(
            "Users",
            "user entries and their status data",
            &[USERS],
            &[
                "Workgroups",
                "Roles",
                "Skills",
                "Workstations",
                "Password Policies",
                "Client Configuration Templates",
            ],
        )
    },
    ds(
        "Workgroups",
        "workgroups with their members and supervisors",
        &[WORKGROUPS],
        &["Users", "Skills", "Roles", "Status Messages", "Schedules"],
    ),
    ds(
        "Default User",
        "settings every user inherits",
        &[DEFAULT_USER],
        &["Roles"],
    ),
    Component {
        files: &[Tree(DIAL_PLAN_DIR)],
        import: ImportPolicy {
            registry: RegistryPolicy::Overwrite,
            files: FilePolicy::Overwrite,
            special: &[Classifications],
        },
        ..ds(
            "Dial Plan",
            "phone number configuration, classifications and dial plan files",
            &[DIAL_PLAN],
            &["Locations", "Line Groups", "Account Codes"],
        )
    },
    Component {
        import: ImportPolicy {
            registry: RegistryPolicy::Merge,
            files: FilePolicy::KeepExisting,
            special: &[MergeRows],
        },
        ..ds(
            "DNIS Mappings",
            "DNIS routing table",
            &[DNIS_MAPPINGS],
            &["Users", "Workgroups", "Workstations"],
        )
    },
    Component {
        import: ImportPolicy::with(&[MigratedSuffix]),
        ..ds(
            "IP Tables",
            "Interaction Processor tables",
            &[IP_TABLES],
            &[],
        )
    },
    Component {
        files: &[NamedBy {
            entries: CLIENT_BUTTONS,
            value: ICON_FILE_VALUE,
            dir: BUTTON_ICONS_DIR,
        }],
        import: ImportPolicy::with(&[ValidIcon]),
        ..ds(
            "Client Buttons",
            "client toolbar buttons and their icon files",
            &[CLIENT_BUTTONS],
            &[],
        )
    },
    Component {
        aliases: &["Layouts & Positions"],
        ..ds(
            "Layouts",
            "layouts and station positions",
            &[LAYOUTS, POSITIONS],
            &["Workstations", "Locations"],
        )
    },
    Component {
        aliases: &["IC Data Sources", "CIC Data Sources"],
        files: &[Tree(UDL_DIR)],
        import: ImportPolicy::with(&[SkipDefault]),
        ..ds(
            "Data Sources",
            "IC data sources and their UDL files",
            &[DATA_SOURCES],
            &[],
        )
    },
    Component {
        aliases: &["Custom Handlers"],
        files: &[CustomHandlers],
        import: ImportPolicy {
            registry: RegistryPolicy::NotImported,
            files: FilePolicy::KeepExisting,
            special: &[RegistrationsNotImported, FilesExtractOnly],
        },
        ..ds(
            "Handlers",
            "custom handler files and this server's handler registrations",
            &[HANDLER_REGISTRATIONS],
            &["Server Parameters", "Data Sources"],
        )
    },
    ds(
        "IP\\Handlers",
        "Interaction Processor handler configuration of the site",
        &[IP_HANDLERS],
        &[SERVER_IP_NAME],
    ),
    ds(
        SERVER_IP_NAME,
        "Interaction Processor configuration of this server",
        &[SERVER_IP],
        &["IP\\Handlers"],
    ),
    Component {
        aliases: &["Attendant", "Interaction Attendant Data"],
        files: &[Tree(ATTENDANT_WAVES_DIR)],
        import: ImportPolicy::with(&[ActiveConfig, LanguageFolders]),
        ..ds(
            "Interaction Attendant",
            "attendant configurations, profiles and prompt waves",
            &[ATTENDANT_DATA],
            &[
                "Schedules",
                "Workgroups",
                "Users",
                "Line Groups",
                "Handlers",
            ],
        )
    },
    Component {
        files: &[Tree(LANGUAGE_PROMPTS_DIR)],
        import: ImportPolicy::with(&[LanguageFolders]),
        ..ds(
            "Language Packs",
            "localized system prompts of installed language packs",
            &[],
            &["Interaction Attendant"],
        )
    },
    Component {
        files: &[Suffix {
            dir: REPORTS_DIR,
            suffix: ".rpt",
        }],
        import: ImportPolicy::with(&[ProductionReports]),
        ..ds(
            "Reports",
            "report entries and their .rpt files",
            &[REPORTS],
            &["Server Parameters", "Data Sources"],
        )
    },
    Component {
        import: ImportPolicy::with(&[DevModeRescueId]),
        ..ds(
            "Interaction Recorder",
            "Interaction Recorder configuration",
            &[RECORDER],
            &["Data Sources"],
        )
    },
    Component {
        files: &[File(RECORDER_KEY_FILE)],
        ..ds(
            "Interaction Recorder Master Key File",
            "the recorder's master key file",
            &[],
            &["Interaction Recorder"],
        )
    },
    Component {
        aliases: &["Tracker"],
        ..ds(
            "Tracker Config",
            "Interaction Tracker configuration",
            &[TRACKER],
            &["Data Sources", "Users"],
        )
    },
    Component {
        aliases: &["IPA"],
        ..ds(
            "IPA Processes",
            "Interaction Process Automation processes",
            &[IPA_PROCESSES],
            &["Users", "Workgroups", "Roles"],
        )
    },
    ds(
        "IPA Templates",
        "Interaction Process Automation process templates",
        &[IPA_TEMPLATES],
        &["IPA Processes"],
    ),
    Component {
        values_of: &[IPA],
        ..ds(
            "IPA Settings",
            "Interaction Process Automation settings",
            &[],
            &["IPA Processes"],
        )
    },
    ds(
        "Mail",
        "mail configuration and its spool root path",
        &[MAIL],
        &["Server Parameters"],
    ),
    ds(
        "Interaction Web",
        "Interaction Web configuration",
        &[INTERACTION_WEB],
        &[],
    ),
    Component {
        aliases: &["LRA", "Log Retrieval Assistant"],
        files: &[File(LRA_CONFIG_FILE)],
        import: ImportPolicy {
            registry: RegistryPolicy::Overwrite,
            files: FilePolicy::Overwrite,
            special: &[],
        },
        ..ds(
            "LRA Configuration",
            "Log Retrieval Assistant settings and configuration file",
            &[LRA],
            &["Mail"],
        )
    },
    ds(
        "Media Servers",
        "Media Server settings held by this CIC server",
        &[MEDIA_SERVERS_IN_CIC],
        &[],
    ),
    ds(
        "Recognition",
        "speech recognition engines of this server",
        &[RECOGNITION],
        &[],
    ),
    Component {
        aliases: &["License Allocation", "Administrative"],
        import: ImportPolicy::with(&[LicenceReview]),
        ..ds(
            "AdminConfig",
            "licence assignments of users and stations",
            &[ADMIN_CONFIG],
            &["Users", "Workstations", "Tracker Config"],
        )
    },
    Component {
        name: "Media Server Settings",
        aliases: &["Media Server Registry"],
        kind: Media,
        summary: "the Media Server's registry settings",
        registry: &[MEDIA_SERVER],
        companions: &[],
        values_of: &[],
        files: &[],
        versions: Versions::ALL,
        depends_on: &[],
        import: ImportPolicy::with(&[HostBoundValues]),
    },
    Component {
        name: "Media Server Properties",
        aliases: &["Command Servers", "Media Server Configuration"],
        kind: Media,
        summary: "global properties and command servers (paired CIC servers)",
        registry: &[],
        companions: &[],
        values_of: &[],
        files: &[File(MEDIA_SERVER_CONFIG)],
        versions: Versions::ALL,
        depends_on: &["Media Server Settings"],
        // Setup always creates this file, so keeping the existing one would import nothing;
        // the vendor's keep-existing rule is stated for CIC file items.
        import: ImportPolicy {
            registry: RegistryPolicy::Overwrite,
            files: FilePolicy::Overwrite,
            special: &[CommandServers],
        },
    },
];

/// The interdependence rules, applied until nothing more is pulled in.
pub static PULLS: &[Pull] = &[
    Pull {
        when: &["AdminConfig"],
        pulls: &["Users", "Workstations"],
        reason: "licence assignments must not land on users or stations missing on the target",
    },
    Pull {
        when: IPA_ITEMS,
        pulls: IPA_ITEMS,
        reason: "IPA works after an import only when all its configuration travels together",
    },
    Pull {
        when: &["IP\\Handlers", SERVER_IP_NAME],
        pulls: &["IP\\Handlers", SERVER_IP_NAME],
        reason: "handlers work only with the server's Interaction Processor configuration",
    },
    Pull {
        when: &["IP Phones"],
        pulls: &["IP Phone Proxy Groups"],
        reason: "managed IP phones work only with their proxy groups",
    },
    Pull {
        when: &["Interaction Recorder Master Key File"],
        pulls: &["Interaction Recorder"],
        reason: "the master key is of use only with the recorder configuration",
    },
    Pull {
        when: &["Users"],
        pulls: &["Workgroups"],
        reason: "workgroup memberships travel with the workgroups",
    },
];

/// The order in which a CIC server's components are imported, each with its reason.
pub static CIC_IMPORT_ORDER: &[Priority] = &[
    p(
        "Server Parameters",
        "handlers, reports and mail read paths and macros from them",
    ),
    p(
        "System Parameters",
        "site-wide parameters, read like server parameters",
    ),
    p(
        "Structured Parameters",
        "handlers read them; nothing else refers to them",
    ),
    p("Password Policies", "roles and users refer to them"),
    p(
        "Client Configuration Templates",
        "roles and users refer to them",
    ),
    p("Skills", "users and workgroups refer to them"),
    p("Status Messages", "workgroups refer to them"),
    p("Account Codes", "the dial plan refers to them"),
    p(
        "Schedules",
        "workgroups and Interaction Attendant refer to them",
    ),
    p("Wrap-up Codes", "workgroups refer to them"),
    p(
        "Roles",
        "users and workgroups refer to them; they need password policies and templates",
    ),
    p(
        "Locations",
        "lines, stations and the dial plan refer to them",
    ),
    p("Lines", "line groups and stations refer to them"),
    p(
        "Line Groups",
        "need their lines; the dial plan and attendant refer to them",
    ),
    p(
        "Workstations",
        "need lines and locations; users and IP phones refer to them",
    ),
    p("IP Phone Proxy Groups", "IP phones refer to them"),
    p("IP Phones", "need their stations, lines and proxy groups"),
    p(
        "Users",
        "need roles, skills and stations; workgroups list them as members",
    ),
    p("Workgroups", "memberships need the users in place"),
    p("Default User", "refers to roles; applies to every user"),
    p(
        "Dial Plan",
        "needs locations, line groups and account codes",
    ),
    p(
        "DNIS Mappings",
        "route to users, workgroups and stations by extension",
    ),
    p(
        "IP Tables",
        "read by handlers; nothing they need comes later",
    ),
    p("Client Buttons", "icon files and buttons stand alone"),
    p("Layouts", "need stations, locations and images"),
    p(
        "Data Sources",
        "handlers, reports, recorder and tracker use them",
    ),
    p("Handlers", "need parameters and data sources"),
    p("IP\\Handlers", "travels with the handlers"),
    p(SERVER_IP_NAME, "travels with IP\\Handlers"),
    p(
        "Interaction Attendant",
        "calls handlers and refers to schedules, workgroups and users",
    ),
    p(
        "Language Packs",
        "localize attendant prompts, which are in place by now",
    ),
    p("Reports", "need the report path parameter and data sources"),
    p("Interaction Recorder", "needs data sources and users"),
    p(
        "Interaction Recorder Master Key File",
        "needs the recorder configuration",
    ),
    p(
        "Tracker Config",
        "needs data sources and users; must precede AdminConfig",
    ),
    p("IPA Processes", "refer to users, workgroups and roles"),
    p("IPA Templates", "travel with the processes"),
    p("IPA Settings", "travel with the processes"),
    p("Mail", "its root path may come from server parameters"),
    p("Interaction Web", "stands alone"),
    p(
        "LRA Configuration",
        "mails logs through the mail configuration",
    ),
    p("Media Servers", "stand alone on the CIC side"),
    p("Recognition", "stands alone"),
    p(
        "AdminConfig",
        "licence allocation goes last: it needs users, stations and tracker",
    ),
];

/// The order in which a Media Server's components are imported, each with its reason.
pub static MEDIA_IMPORT_ORDER: &[Priority] = &[
    p(
        "Media Server Settings",
        "the registry settings the service starts from",
    ),
    p(
        "Media Server Properties",
        "properties and command servers read after the settings",
    ),
];

const fn p(component: &'static str, reason: &'static str) -> Priority {
    Priority { component, reason }
}

/// The import order of a server kind.
pub fn import_order(kind: crate::server::ServerKind) -> &'static [Priority] {
    match kind {
        Cic => CIC_IMPORT_ORDER,
        Media => MEDIA_IMPORT_ORDER,
    }
}
