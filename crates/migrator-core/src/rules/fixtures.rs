//! Test servers for the rules, shaped like the sample images: a 2016 R1 server "calliope" of
//! site "Indy" installed in `D:\I3\IC`, whose components are carried onto a 2023 R3 server
//! "helios" of site "Chicago" installed in `C:\I3\IC`.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{RuleContext, RuleOptions};
use crate::incoming::{Destination, FilePolicy, ImportMode, Incoming, IncomingFile};
use crate::layout;
use crate::registry::{join, Key, RegTree, Value};
use crate::server::{Identity, ServerKind};

/// The source and target servers, and folders for the extraction and the target's files.
pub struct Fixture {
    /// The archive's registry, as exported from calliope.
    pub source_tree: RegTree,
    /// helios's registry.
    pub target_tree: RegTree,
    /// The extraction folder.
    pub extraction: TempDir,
    /// helios's install tree.
    pub install: TempDir,
    /// Rewritten copies of incoming files.
    pub work: TempDir,
}

/// The absolute registry path of a layout path for a site and server.
pub fn path(site: &str, server: &str, layout_path: &str) -> String {
    join(layout::II_KEY, &layout::resolve(layout_path, site, server))
}

/// An identity.
pub fn identity(server: &str, site: &str, version: &str, install: &str) -> Identity {
    Identity {
        server: server.to_string(),
        site: site.to_string(),
        version: version.parse().expect("a supported release"),
        kind: ServerKind::Cic,
        install_path: install.to_string(),
    }
}

/// A component holding the source tree's keys at `layout_paths` (for calliope and Indy).
pub fn incoming(component: &str, source: &RegTree, layout_paths: &[&str]) -> Incoming {
    let mut incoming = Incoming::new(component);
    for layout_path in layout_paths {
        let at = path("Indy", "calliope", layout_path);
        if let Some(key) = source.find(&at) {
            copy_into(incoming.tree.ensure(&at), key);
        }
    }
    incoming
}

fn copy_into(into: &mut Key, from: &Key) {
    for value in from.values() {
        into.set_value(value.clone());
    }
    for child in from.subkeys() {
        copy_into(into.ensure_subkey(child.name()), child);
    }
}

impl Fixture {
    /// The two servers as described in the module documentation.
    pub fn new() -> Fixture {
        Fixture {
            source_tree: calliope(),
            target_tree: helios(),
            extraction: tempfile::tempdir().expect("temporary folder"),
            install: tempfile::tempdir().expect("temporary folder"),
            work: tempfile::tempdir().expect("temporary folder"),
        }
    }

    /// calliope's identity.
    pub fn source(&self) -> Identity {
        identity("calliope", "Indy", "2016 R1", "D:\\I3\\IC")
    }

    /// helios's identity.
    pub fn target(&self) -> Identity {
        identity("helios", "Chicago", "2023 R3", "C:\\I3\\IC")
    }

    /// A Migration-mode context with default options.
    pub fn migration(&self) -> RuleContext<'_> {
        self.context(ImportMode::Migration, RuleOptions::default())
    }

    /// A Recovery-mode context: the archive goes back onto calliope itself.
    pub fn recovery(&self) -> RuleContext<'_> {
        RuleContext::new(
            ImportMode::Recovery,
            self.source(),
            self.source(),
            &self.source_tree,
            self.install.path(),
            self.work.path(),
            RuleOptions::default(),
        )
        .expect("valid context")
    }

    /// A context onto helios.
    pub fn context(&self, mode: ImportMode, options: RuleOptions) -> RuleContext<'_> {
        RuleContext::new(
            mode,
            self.source(),
            self.target(),
            &self.target_tree,
            self.install.path(),
            self.work.path(),
            options,
        )
        .expect("valid context")
    }

    /// Adds a file to a component: written into the extraction folder, going to its
    /// install-relative place by default.
    pub fn file(&self, incoming: &mut Incoming, archive_path: &str, content: &[u8]) {
        let source = self
            .extraction
            .path()
            .join(&incoming.component)
            .join(archive_path);
        write(&source, content);
        incoming.files.push(IncomingFile {
            archive_path: archive_path.to_string(),
            source,
            destination: Destination::Install(archive_path.replace('/', "\\")),
            policy: FilePolicy::KeepExisting,
        });
    }

    /// Creates a file in helios's install tree.
    pub fn target_file(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.install.path().join(relative);
        write(&path, content);
        path
    }
}

fn write(path: &Path, content: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("folder created");
    std::fs::write(path, content).expect("file written");
}

fn sz(key: &mut Key, name: &str, text: &str) {
    key.set_value(Value::sz(name, text));
}

fn multi(key: &mut Key, name: &str, items: &[&str]) {
    key.set_value(Value::multi_sz(name, items));
}

/// The registry of calliope, 2016 R1, site Indy.
pub fn calliope() -> RegTree {
    let mut tree = RegTree::new();
    let at = |layout_path: &str| path("Indy", "calliope", layout_path);
    let ii = tree.ensure(layout::II_KEY);
    sz(ii, layout::TARGET_VALUE, "D:\\I3\\IC\\Server\\");
    sz(
        ii.ensure(layout::SETUP_ASSISTANT),
        layout::VERSION_VALUE,
        "2016 R1",
    );
    let root = tree.ensure(&join(layout::II_KEY, layout::DS_ROOT));
    sz(root, layout::SITE_VALUE, "\\Indy");
    sz(root, layout::SERVER_VALUE, "\\Indy\\Production\\calliope");

    let users = tree.ensure(&at(layout::USERS));
    for (id, name, extension, status, since) in [
        (
            "Calliope Smith",
            "Calliope Smith",
            "1001",
            "Available",
            "03/01/2016 08:30:00",
        ),
        (
            "jdoe",
            "John Doe",
            "1002",
            "At Lunch",
            "03/01/2016 12:05:10",
        ),
    ] {
        let user = users.ensure_subkey(id);
        sz(user, "displayName", name);
        multi(user, layout::USER_HOME_SITE, &["Indy"]);
        multi(user, "Extension", &[extension]);
        multi(user, "Workgroups", &["Sales"]);
        sz(user, layout::USER_STATUS, status);
        sz(user, layout::USER_STATUS_SINCE, since);
    }
    multi(
        tree.ensure(&join(&at(layout::WORKGROUPS), "Sales")),
        "Members",
        &["Calliope Smith", "jdoe"],
    );
    for (container, entry) in [
        (layout::ADMIN_USER_INFO, "Calliope Smith"),
        (layout::ADMIN_USER_INFO, "jdoe"),
        (layout::ADMIN_STATION_INFO, "1001"),
    ] {
        let key = tree.ensure(&join(&at(container), entry));
        multi(key, "Counted Licenses", &["I3_ACCESS_CLIENT"]);
    }

    let secrets = tree.ensure(&join(&at(layout::STRUCTURED_PARAMETERS), "CRM Credentials"));
    sz(secrets, layout::STRUCTURED_TYPE, "Secrets");
    multi(secrets, "Values", &["user=svc-crm", "password=Tr0ub4dor&3"]);
    let labels = tree.ensure(&join(&at(layout::STRUCTURED_PARAMETERS), "Queue Labels"));
    sz(labels, layout::STRUCTURED_TYPE, "MultiString");
    multi(labels, "Values", &["Gold", "Silver"]);

    sz(
        tree.ensure(&at(layout::MAIL)),
        layout::MAIL_ROOT_PATH,
        "\\\\calliope\\MailSpool",
    );

    for (row, dnis, kind, extension) in [
        ("1", "3175550100", "workgroup", "Sales"),
        ("2", "3175550199", "user", "1001"),
    ] {
        let key = tree.ensure(&join(&at(layout::DNIS_MAPPINGS), row));
        sz(key, layout::DNIS_VALUE, dnis);
        sz(key, "Destination Type", kind);
        sz(key, "Extension", extension);
    }

    multi(
        tree.ensure(&at(layout::DIAL_PLAN_CONFIGURATION)),
        layout::CLASSIFICATIONS_VALUE,
        &[
            "DialPlanClassification:Local",
            "DialPlanClassification:Long Distance",
            "DialPlanClassification:International",
        ],
    );
    let entry = tree.ensure(&join(&at(layout::DIAL_PLAN), "Long Distance"));
    sz(entry, "Input Pattern", "1NXXNXXXXXX");
    sz(entry, "Default Classification", "Long Distance");

    for (name, default, udl) in [("I3_IC", "Yes", "I3_IC.udl"), ("CRM", "No", "CRM.udl")] {
        let key = tree.ensure(&join(&at(layout::DATA_SOURCES), name));
        sz(key, layout::DATA_SOURCE_DEFAULT, default);
        sz(key, layout::DATA_SOURCE_UDL, udl);
    }

    for (name, file) in [
        ("Agent Performance", "AgentPerformance.rpt"),
        ("Sales Weekly", "SalesWeekly.rpt"),
    ] {
        sz(
            tree.ensure(&join(&at(layout::REPORTS), name)),
            layout::REPORT_FILE_VALUE,
            file,
        );
    }

    for (name, icon) in [("CRM Lookup", "crm.ico"), ("Wiki", "wiki.ico")] {
        let key = tree.ensure(&join(&at(layout::CLIENT_BUTTONS), name));
        sz(key, layout::ICON_FILE_VALUE, icon);
        sz(key, layout::VALID_ICON_VALUE, "No");
    }

    let recorder = tree.ensure(&at(layout::RECORDER));
    sz(
        recorder,
        layout::RECORDINGS_RESCUE_ID,
        "{6F1C2A9E-0B7D-4C55-9E0A-3B2F1D7C8E41}",
    );
    sz(recorder, "Retention Days", "90");

    let parameters = at(layout::SERVER_PARAMETERS);
    for (name, value) in [
        (layout::REPORT_PATH_PARAMETER, "D:\\I3\\IC\\Server\\Reports"),
        ("Recording Share", "\\\\calliope\\Recordings"),
        ("Notifier Host", "calliope"),
        ("Greeting", "Welcome to calliope support"),
        (layout::LINE_QUEUE_REPORTING_INTERVAL, "900"),
        (layout::QUEUE_PERIOD_STATISTICS_INTERVAL, "1800"),
        ("Custom Escalation Minutes", "15"),
    ] {
        sz(
            tree.ensure(&join(&parameters, name)),
            layout::PARAMETER_VALUE,
            value,
        );
    }

    let holidays = tree.ensure(&join(&at(layout::IP_TABLES), "Holidays"));
    multi(holidays, "Rows", &["2016-12-25", "2016-07-04"]);
    multi(
        tree.ensure(&join(&at(layout::IP_TABLES), "VIP Callers")),
        "Rows",
        &["3175551234"],
    );

    for (line, kind) in [("ISDN1", "ISDN"), ("SIP-Carrier", "SIP")] {
        sz(
            tree.ensure(&join(&at(layout::LINES), line)),
            "Line Type",
            kind,
        );
    }
    multi(
        tree.ensure(&join(&at(layout::LINE_GROUPS), "Outbound")),
        "Lines",
        &["ISDN1"],
    );
    let station = tree.ensure(&join(&at(layout::WORKSTATIONS), "1001"));
    sz(station, "Extension", "1001");
    sz(station, "Station Type", "SIP Station");

    let attendant = tree.ensure(&at(layout::ATTENDANT_DATA));
    sz(attendant, layout::ACTIVE_CONFIG_VALUE, "Attendant");
    for (node, name, wave) in [
        ("Default Profile", "Default Profile", "fr-fr\\welcome.wav"),
        ("Indy Office", "Indy Office", "en-us\\office.wav"),
    ] {
        let key = tree.ensure(&join(
            &at(layout::ATTENDANT_DATA),
            &format!("Attendant\\{node}"),
        ));
        sz(key, layout::NODE_NAME_VALUE, name);
        sz(key, "Type", "Profile");
        let full = format!("\\Indy\\Production\\calliope\\AttendantData\\Attendant\\{node}");
        sz(key, layout::FULL_NODE_PATH_VALUE, &full);
        let prompt = format!("D:\\I3\\IC\\Resources\\InteractionAttendantWaves\\{wave}");
        sz(key, "Prompt", &prompt);
    }

    let registration = tree.ensure(&join(&at(layout::HANDLER_REGISTRATIONS), "CustomLogin"));
    sz(registration, "Published", "Yes");
    let server_ip = tree.ensure(&join(&at(layout::SERVER_IP), "Initiators"));
    sz(server_ip, "Incoming Call", "Enabled");

    let switchover = tree.ensure(&at(layout::SWITCHOVER));
    sz(switchover, layout::SWITCHOVER_ROLE, "Primary");
    sz(switchover, layout::SWITCHOVER_PARTNER, "calliope-b");

    let media = tree.ensure(&join(&at(layout::MEDIA_SERVERS_IN_CIC), "mars"));
    sz(media, "Host", "mars.corp.local");
    sz(media, "Command Server", "calliope");
    tree
}

/// The registry of helios, 2023 R3, site Chicago.
pub fn helios() -> RegTree {
    let mut tree = RegTree::new();
    let at = |layout_path: &str| path("Chicago", "helios", layout_path);
    let ii = tree.ensure(layout::II_KEY);
    sz(ii, layout::TARGET_VALUE, "C:\\I3\\IC\\Server\\");
    sz(
        ii.ensure(layout::SETUP_ASSISTANT),
        layout::VERSION_VALUE,
        "2023 R3",
    );
    let root = tree.ensure(&join(layout::II_KEY, layout::DS_ROOT));
    sz(root, layout::SITE_VALUE, "\\Chicago");
    sz(root, layout::SERVER_VALUE, "\\Chicago\\Production\\helios");

    let parameters = at(layout::SERVER_PARAMETERS);
    for (name, value) in [
        (layout::REPORT_PATH_PARAMETER, "C:\\I3\\IC\\Server\\Reports"),
        ("Notifier Host", "helios"),
        ("Recording Share", "\\\\helios\\Recordings"),
    ] {
        sz(
            tree.ensure(&join(&parameters, name)),
            layout::PARAMETER_VALUE,
            value,
        );
    }
    multi(
        tree.ensure(&join(&at(layout::IP_TABLES), "Holidays")),
        "Rows",
        &["2023-12-25"],
    );

    for (row, dnis, kind, extension) in [
        ("1", "3175550199", "user", "2000"),
        ("2", "8005550000", "workgroup", "Support"),
    ] {
        let key = tree.ensure(&join(&at(layout::DNIS_MAPPINGS), row));
        sz(key, layout::DNIS_VALUE, dnis);
        sz(key, "Destination Type", kind);
        sz(key, "Extension", extension);
    }

    multi(
        tree.ensure(&at(layout::DIAL_PLAN_CONFIGURATION)),
        layout::CLASSIFICATIONS_VALUE,
        &[
            "RegionalDialPlanClassification:Local",
            "RegionalDialPlanClassification:Emergency",
        ],
    );

    let attendant = tree.ensure(&at(layout::ATTENDANT_DATA));
    sz(attendant, layout::ACTIVE_CONFIG_VALUE, "Attendant2023");
    let profile = tree.ensure(&join(
        &at(layout::ATTENDANT_DATA),
        "Attendant2023\\Default Profile",
    ));
    sz(profile, layout::NODE_NAME_VALUE, "Default Profile");
    tree
}
