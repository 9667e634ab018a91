//! The parameters of a CIC sample: server parameters (paths inside the install tree, UNC
//! paths and URLs that name the server, the deprecated queue parameters on old releases),
//! structured parameters of every type, and Interaction Processor tables.

use rand::Rng;

use super::image::{Builder, Entry};
use super::names::{self, opaque_hex, UniqueNames};
use crate::layout;
use crate::server::counts;
use crate::version::Feature;

/// How a standard parameter's value is made.
enum Template {
    /// A fixed text.
    Text(&'static str),
    /// A path under the install root.
    Install(&'static str),
    /// A UNC share on this server: `\\<server>\<share>`.
    Share(&'static str),
    /// A URL on this server: `http://<server>:<rest>`.
    Url(&'static str),
    /// The server name itself.
    Server,
    /// Text that begins with the site name.
    SiteText(&'static str),
    /// A REG_EXPAND_SZ path.
    Expand(&'static str),
}

use Template::*;

/// Parameters every CIC server has.
const STANDARD: &[(&str, Template)] = &[
    (layout::REPORT_PATH_PARAMETER, Install("Server\\Reports\\")),
    ("ServerReportLogOutputPath", Share("ReportLogs")),
    ("Recording Backup Path", Share("RecordingBackup")),
    ("FaxServerPath", Share("Fax")),
    ("Voicemail Location", Install("Voicemail")),
    ("Dial Plan Location", Install("Server\\DialPlan")),
    ("RecorderStorageLocation", Install("Recordings")),
    ("Handler Log Path", Expand("%TEMP%\\HandlerLogs")),
    ("TempDirectory", Expand("%SystemRoot%\\Temp")),
    ("WebServicesURL", Url("8018/icws")),
    ("Notifier Host", Server),
    ("SessionManagerHost", Server),
    ("Site Description", SiteText("contact center")),
    ("AcdAgentAvailableTimeout", Text("30")),
    ("AcdEmailRoutingActive", Text("Yes")),
    ("Attendant Default Language", Text("en-US")),
    ("CallbackMaxRetries", Text("3")),
    ("DefaultCountryCode", Text("1")),
    ("EmailSendTimeout", Text("60")),
    ("Enable Tracker", Text("Yes")),
    ("HTTPServerPort", Text("8018")),
    ("ICWS Enabled", Text("Yes")),
    ("IntAttDefaultProfile", Text("Default Profile")),
    ("LogRetentionDays", Text("14")),
    ("MaxHandlerThreads", Text("64")),
    ("SMTP Relay Server", Text("mail.example.com")),
    ("StatisticsInterval", Text("15")),
    ("TsMaxCallDuration", Text("14400")),
    ("Voicemail Retention Days", Text("30")),
    ("Interaction Recorder Enabled", Text("Yes")),
];

/// Writes server parameters, structured parameters and IP tables.
pub fn build(b: &mut Builder) {
    server_parameters(b);
    structured_parameters(b);
    ip_tables(b);
}

fn server_parameters(b: &mut Builder) {
    let mut names = UniqueNames::default();
    let mut written = 0;
    for (name, template) in STANDARD {
        names.claim(name);
        let entry = standard_value(b, name, template);
        b.put(layout::SERVER_PARAMETERS, entry);
        written += 1;
    }
    if !b.version().has(Feature::NoDeprecatedQueueParameters) {
        for (name, value) in [
            (layout::LINE_QUEUE_REPORTING_INTERVAL, "15"),
            (layout::QUEUE_PERIOD_STATISTICS_INTERVAL, "30"),
        ] {
            names.claim(name);
            b.put(
                layout::SERVER_PARAMETERS,
                parameter(name).sz(layout::PARAMETER_VALUE, value),
            );
            written += 1;
        }
    }
    while written < b.scale.server_parameters {
        let name = names.claim(&names::custom_name(&mut b.rng, "_"));
        let value = custom_value(b);
        b.put(
            layout::SERVER_PARAMETERS,
            parameter(&name).sz(layout::PARAMETER_VALUE, &value),
        );
        written += 1;
    }
    b.count(counts::SERVER_PARAMETERS, written);
}

fn parameter(name: &str) -> Entry {
    Entry::new(name)
}

fn standard_value(b: &Builder, name: &str, template: &Template) -> Entry {
    let server = b.server();
    let text = match template {
        Text(text) => text.to_string(),
        Install(relative) => b.install(relative),
        Share(share) => format!("\\\\{server}\\{share}"),
        Url(rest) => format!("http://{server}:{rest}"),
        Server => server.to_string(),
        SiteText(rest) => format!("{} {rest}", b.site()),
        Expand(path) => return parameter(name).expand(layout::PARAMETER_VALUE, path),
    };
    parameter(name).sz(layout::PARAMETER_VALUE, &text)
}

fn custom_value(b: &mut Builder) -> String {
    let noun = names::pick(&mut b.rng, names::NOUNS).to_lowercase();
    match b.rng.gen_range(0..5) {
        0 => b.rng.gen_range(1..3_600u32).to_string(),
        1 => if b.rng.gen_bool(0.5) { "Yes" } else { "No" }.to_string(),
        2 => format!("https://crm.example.com/api/{noun}"),
        3 => b.install(&format!("Custom\\{noun}")),
        _ => format!("{noun} {}", b.rng.gen_range(1..100u32)),
    }
}

fn structured_parameters(b: &mut Builder) {
    let standard = [
        ("CRM Credentials", "Secrets"),
        ("SMTP Relay Secret", "Secrets"),
        ("Holiday Dates", "MultiString"),
        ("Banner Text", "String"),
    ];
    let mut names = UniqueNames::default();
    for i in 0..b.scale.structured_parameters {
        let (name, kind) = match standard.get(i) {
            Some(&(name, kind)) => (names.claim(name), kind),
            None => {
                let kind = ["String", "MultiString", "Secrets"][i % 3];
                (names.claim(&names::custom_name(&mut b.rng, " ")), kind)
            }
        };
        let values = structured_values(b, kind);
        b.put(
            layout::STRUCTURED_PARAMETERS,
            Entry::new(&name)
                .sz(layout::STRUCTURED_TYPE, kind)
                .multi(layout::STRUCTURED_VALUES, &values)
                .sz("Description", &format!("{kind} parameter {name}")),
        );
    }
    b.count(counts::STRUCTURED_PARAMETERS, b.scale.structured_parameters);
}

/// Values of a structured parameter. Secrets are ciphertext-like text bound to the machine:
/// nothing readable, nothing secret.
fn structured_values(b: &mut Builder, kind: &str) -> Vec<String> {
    match kind {
        layout::STRUCTURED_TYPE_SECRETS => (0..2)
            .map(|_| format!("ENC:{}", opaque_hex(&mut b.rng, 24)))
            .collect(),
        "MultiString" => (0..b.rng.gen_range(2..6))
            .map(|_| {
                let (y, m, d, ..) = b.timestamp();
                format!("{y}-{m:02}-{d:02}")
            })
            .collect(),
        _ => vec![format!(
            "Welcome to Example Corporation, {}",
            names::pick(&mut b.rng, names::FUNCTIONS)
        )],
    }
}

fn ip_tables(b: &mut Builder) {
    let mut names = UniqueNames::default();
    for i in 0..b.scale.ip_tables {
        let name = names.claim(&match i {
            0 => "IVR Menu Map".to_string(),
            1 => "Account Routing".to_string(),
            _ => names::custom_name(&mut b.rng, " "),
        });
        let mut entry = Entry::new(&name)
            .sz("Description", &format!("Lookup table {name}"))
            .multi("Columns", &["Key", "Target", "Priority"]);
        for row in 0..b.scale.ip_table_rows {
            let target = names::function_name(b.rng.gen_range(0..b.scale.workgroups.max(1)));
            let cells = [
                format!("{}", 100 + row),
                target,
                b.rng.gen_range(1..10u32).to_string(),
            ];
            entry = entry.multi(&format!("Row {:04}", row + 1), &cells);
        }
        b.put(layout::IP_TABLES, entry);
    }
    b.count(counts::IP_TABLES, b.scale.ip_tables);
}
