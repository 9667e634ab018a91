//! Configuration of a CIC sample that comes with files: client buttons and their icons, data
//! sources and their UDL files, reports and their `.rpt` templates, custom handlers in
//! sub-folders with their registrations, and the Interaction Processor settings.
//!
//! Default data sources and standard reports have the same names on every sample, as setup
//! creates them; custom ones get names from the seed, so two samples share the first and
//! differ in the second.

use rand::Rng;

use super::image::{Builder, Entry, FileContent};
use super::names::{self, UniqueNames};
use crate::layout;
use crate::server::counts;

/// Client buttons sites commonly add, before generated ones.
const BUTTONS: &[&str] = &[
    "Screen Pop CRM",
    "Open Ticket",
    "Send Survey",
    "Callback Request",
    "Knowledge Base",
];

/// Data sources setup creates.
const DEFAULT_DATA_SOURCES: &[&str] = &["I3_IC", "I3_IC_Reports"];

/// Reports every server has.
const STANDARD_REPORTS: &[&str] = &[
    "Agent Performance Detail",
    "Workgroup Queue Statistics",
    "Call Detail by Line",
    "Abandoned Calls",
    "DNIS Summary",
    "User Productivity",
    "Line Group Utilization",
    "Attendant Node Usage",
    "Interaction Distribution",
    "Wrap-up Code Summary",
];

/// Sub-folders of the custom handlers folder.
const HANDLER_FOLDERS: &[&str] = &[
    "Routing",
    "Routing\\Priority",
    "CRM",
    "Attendant",
    "Utilities",
    "Reporting",
];

/// Initiators of handlers.
const INITIATORS: &[&str] = &[
    "Incoming Call",
    "Incoming Email",
    "Server Timer",
    "Web Interaction",
    "Custom Notification",
];

/// Handlers of the product itself, registered on every server.
const SYSTEM_HANDLERS: &[&str] = &[
    "System_IncomingCall",
    "System_IncomingEmail",
    "System_InitiateCall",
    "IntAttIncomingCall",
];

/// The magic number of the OLE compound files that report templates and handlers are.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Writes buttons, data sources, reports, handlers and the Interaction Processor settings.
pub fn build(b: &mut Builder) {
    client_buttons(b);
    data_sources(b);
    reports(b);
    handlers(b);
}

fn client_buttons(b: &mut Builder) {
    let mut names = UniqueNames::default();
    for i in 0..b.scale.client_buttons {
        let name = names.claim(&match BUTTONS.get(i) {
            Some(name) => name.to_string(),
            None => format!("{} {}", names::pick(&mut b.rng, names::NOUNS), i + 1),
        });
        let icon = format!("{}.ico", name.replace(' ', ""));
        let url = format!(
            "https://crm.example.com/{}",
            name.replace(' ', "-").to_lowercase()
        );
        b.put(
            layout::CLIENT_BUTTONS,
            Entry::new(&name)
                .sz(layout::ICON_FILE_VALUE, &icon)
                .flag(layout::VALID_ICON_VALUE, true)
                .sz("Action", "Launch URL")
                .sz("Target", &url)
                .sz("Tooltip", &name),
        );
        let color: [u8; 3] = b.rng.gen();
        b.file(
            format!("{}\\{icon}", layout::BUTTON_ICONS_DIR),
            FileContent::Bytes(icon_file(color)),
        );
    }
    b.count(counts::CLIENT_BUTTONS, b.scale.client_buttons);
    b.count(counts::BUTTON_ICONS, b.scale.client_buttons);
}

/// A 16x16, 32-bit icon of one colour with a lighter border.
fn icon_file(color: [u8; 3]) -> Vec<u8> {
    let (size, pixels) = (16u32, 16 * 16 * 4u32);
    let image_len = 40 + pixels + 16 * 4;
    let mut bytes = Vec::with_capacity(22 + image_len as usize);
    bytes.extend_from_slice(&[0, 0, 1, 0, 1, 0]);
    bytes.extend_from_slice(&[16, 16, 0, 0, 1, 0, 32, 0]);
    bytes.extend_from_slice(&image_len.to_le_bytes());
    bytes.extend_from_slice(&22u32.to_le_bytes());
    bytes.extend_from_slice(&40u32.to_le_bytes());
    bytes.extend_from_slice(&size.to_le_bytes());
    bytes.extend_from_slice(&(size * 2).to_le_bytes());
    bytes.extend_from_slice(&[1, 0, 32, 0]);
    bytes.extend_from_slice(&[0; 24]);
    for y in 0..16 {
        for x in 0..16 {
            let edge = x == 0 || y == 0 || x == 15 || y == 15;
            let [r, g, b] = color.map(|c| if edge { c.saturating_add(80) } else { c });
            bytes.extend_from_slice(&[b, g, r, 0xFF]);
        }
    }
    bytes.extend_from_slice(&[0; 16 * 4]);
    bytes
}

fn data_sources(b: &mut Builder) {
    let mut names = UniqueNames::default();
    let custom = (0..b.scale.custom_data_sources).map(|i| match i {
        0 => "CRM Lookup".to_string(),
        1 => "Billing DB".to_string(),
        _ => format!("{} DB", names::custom_name(&mut b.rng, " ")),
    });
    let custom: Vec<String> = custom.collect();
    let all = DEFAULT_DATA_SOURCES.iter().map(|d| (d.to_string(), true));
    let all: Vec<(String, bool)> = all.chain(custom.into_iter().map(|c| (c, false))).collect();
    for (name, default) in &all {
        let name = names.claim(name);
        let catalog = name.replace(' ', "_");
        let udl = format!("{catalog}.udl");
        b.put(
            layout::DATA_SOURCES,
            Entry::new(&name)
                .flag(layout::DATA_SOURCE_DEFAULT, *default)
                .sz(layout::DATA_SOURCE_UDL, &udl)
                .sz("Database Type", "SQL Server")
                .sz("ODBC DSN", &name)
                .sz("Description", &format!("Data source {name}")),
        );
        b.file(
            format!("{}\\{udl}", layout::UDL_DIR),
            FileContent::Bytes(udl_file(&catalog)),
        );
    }
    b.count(counts::DATA_SOURCES, all.len());
    b.count(counts::UDL_FILES, all.len());
}

/// A UDL file as Windows writes it: UTF-16LE with a byte order mark. Integrated security, so
/// it holds no password.
fn udl_file(catalog: &str) -> Vec<u8> {
    let text = format!(
        "[oledb]\r\n; Everything after this line is an OLE DB initstring\r\n\
         Provider=SQLOLEDB.1;Integrated Security=SSPI;Persist Security Info=False;\
         Initial Catalog={catalog};Data Source=sql01.example.com\r\n"
    );
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn reports(b: &mut Builder) {
    let mut names = UniqueNames::default();
    let mut all: Vec<String> = STANDARD_REPORTS.iter().map(|r| names.claim(r)).collect();
    for _ in 0..b.scale.custom_reports {
        let base = format!(
            "Custom {} {} Report",
            names::pick(&mut b.rng, names::NOUNS),
            names::pick(&mut b.rng, names::FUNCTIONS)
        );
        all.push(names.claim(&base));
    }
    for (i, name) in all.iter().enumerate() {
        let file = format!("{}.rpt", name.replace(' ', ""));
        b.put(
            layout::REPORTS,
            Entry::new(name)
                .sz(layout::REPORT_FILE_VALUE, &file)
                .sz(
                    "Category",
                    if i < STANDARD_REPORTS.len() {
                        "Standard"
                    } else {
                        "Custom"
                    },
                )
                .sz("Data Source", "I3_IC_Reports")
                .sz("Description", name),
        );
        let content = ole_file(b, name, 3_000);
        b.file(format!("{}\\{file}", layout::REPORTS_DIR), content);
    }
    b.count(counts::REPORTS, all.len());
    b.count(counts::REPORT_FILES, all.len());
}

/// A file that starts like an OLE compound file and holds `label` and some opaque bytes.
fn ole_file(b: &mut Builder, label: &str, average: usize) -> FileContent {
    let mut bytes = OLE_MAGIC.to_vec();
    bytes.extend_from_slice(label.as_bytes());
    let len = b.rng.gen_range(average / 2..average * 3 / 2);
    bytes.extend((0..len).map(|_| b.rng.gen::<u8>()));
    FileContent::Bytes(bytes)
}

fn handlers(b: &mut Builder) {
    let mut names = UniqueNames::default();
    let mut handlers = Vec::with_capacity(b.scale.handlers);
    for i in 0..b.scale.handlers {
        let name = names.claim(&match i {
            0 => "CustomAttendantLookup".to_string(),
            _ => names::custom_name(&mut b.rng, ""),
        });
        let folder = HANDLER_FOLDERS[i % HANDLER_FOLDERS.len()];
        let relative = format!("{}\\{folder}\\{name}.ihd", layout::CUSTOM_HANDLERS_DIR);
        let content = ole_file(b, &name, 4_000);
        b.file(relative.clone(), content);
        handlers.push((name, folder, relative));
    }
    b.count(counts::CUSTOM_HANDLERS, handlers.len());
    let system = SYSTEM_HANDLERS
        .iter()
        .map(|h| (h.to_string(), "System", format!("Handlers\\{h}.ihd")));
    let all: Vec<_> = system.chain(handlers).collect();
    for (name, folder, relative) in &all {
        register(b, name, folder, relative);
    }
    b.count(counts::HANDLER_REGISTRATIONS, all.len());
    b.count(counts::IP_HANDLERS, all.len());
    b.set(
        layout::SERVER_IP,
        Entry::new("")
            .sz("Max Handler Threads", "64")
            .sz("Debug Port", "8005")
            .multi("Initialization Functions", &["CustomInit_LoadTables"]),
    );
}

fn register(b: &mut Builder, name: &str, folder: &str, relative: &str) {
    let initiator = names::pick(&mut b.rng, INITIATORS);
    let version = b.rng.gen_range(1..40u32).to_string();
    let file = b.install(relative);
    b.put(
        layout::HANDLER_REGISTRATIONS,
        Entry::new(name)
            .sz("Initiator", initiator)
            .sz("File", &file)
            .flag("Published", true)
            .sz("Version", &version),
    );
    let (y, m, d, ..) = b.timestamp();
    b.put(
        layout::IP_HANDLERS,
        Entry::new(name)
            .sz("Category", folder)
            .sz("Published By", "icadmin")
            .sz("Published On", &format!("{y}-{m:02}-{d:02}")),
    );
}
