//! The server's identity and its site-wide services in a CIC sample: install path, Setup
//! Assistant state, the Directory Services pointers, Switchover, mail, IPA, Interaction
//! Tracker, Interaction Recorder (with its master key file), the Log Retrieval Assistant, the
//! Media Servers it uses, its speech recognition engines and the CIC licence file.

use rand::Rng;

use super::image::{Builder, Entry, FileContent};
use super::names::{self, guid, opaque_hex};
use crate::layout;
use crate::server::counts;

/// IPA process templates sites commonly start from, before generated ones.
const IPA_TEMPLATES: &[&str] = &[
    "Expense Approval",
    "Vacation Request",
    "New Hire Onboarding",
    "Purchase Order",
];

/// Speech recognition engines, as the MRCP servers they reach.
const ASR_ENGINES: &[(&str, &str)] = &[
    ("Nuance Recognizer", "asr01.example.com"),
    ("Google Speech", "asr02.example.com"),
    ("Lumenvox ASR", "asr03.example.com"),
];

/// Writes what identifies the server: `Target`, Setup Assistant and the DS root pointers.
pub fn setup(b: &mut Builder) {
    let target = format!("{}\\", b.install("Server"));
    b.set("", Entry::new("").sz(layout::TARGET_VALUE, &target));
    let version = b.version().to_string();
    let manifest = b.install("Manifest\\New Survey.ICSurvey");
    b.set(
        layout::SETUP_ASSISTANT,
        Entry::new("")
            .dword("Complete", 1)
            .sz("Current Manifest", &manifest)
            .sz("IC Administrator Account", "icadmin")
            .sz("IC Administrator Domain Account", "CORP\\icadmin")
            .sz(layout::VERSION_VALUE, &version),
    );
    let site = format!("\\{}", b.site());
    let server = format!("\\{}\\Production\\{}", b.site(), b.server());
    b.set(
        layout::DS_ROOT,
        Entry::new("")
            .sz(layout::SITE_VALUE, &site)
            .sz(layout::SERVER_VALUE, &server),
    );
    let license = b.install(layout::LICENSE_FILE);
    let content = license_file(b, &license);
    b.file(layout::LICENSE_FILE.to_string(), content);
}

/// The CIC licence file: host-bound, never exported, present as on a real server.
fn license_file(b: &mut Builder, path: &str) -> FileContent {
    let signature = opaque_hex(&mut b.rng, 64);
    let text = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<License Version=\"{}\" \
         HostId=\"{}\" File=\"{path}\">\r\n  <Feature Id=\"I3_FEATURE_ACD\" Count=\"{}\"/>\r\n  \
         <Signature>{signature}</Signature>\r\n</License>\r\n",
        b.version(),
        b.server(),
        b.scale.users,
    );
    FileContent::Bytes(text.into_bytes())
}

/// Writes the site-wide services.
pub fn build(b: &mut Builder) {
    switchover(b);
    mail(b);
    ipa(b);
    tracker(b);
    recorder(b);
    lra(b);
    media_servers(b);
    ipa_templates(b);
    recognition(b);
}

/// The Media Servers this CIC server uses, with the properties Interaction Administrator
/// sets on them (these win over the Media Server's own).
fn media_servers(b: &mut Builder) {
    for i in 1..=2 {
        let host = format!("ims{i:02}");
        b.put(
            layout::MEDIA_SERVERS_IN_CIC,
            Entry::new(&host)
                .sz("Host Name", &host)
                .sz("Location", "Default Location")
                .sz("Certificate Status", "Allowed")
                .multi(
                    "Properties",
                    &["MaxSessionsForServer=500", "RecordingEnabled=true"],
                ),
        );
    }
}

/// A single server: Switchover is configured as primary but not enabled, so it has no
/// partner.
fn switchover(b: &mut Builder) {
    b.set(
        layout::SWITCHOVER,
        Entry::new("")
            .sz(layout::SWITCHOVER_ROLE, "Primary")
            .sz(layout::SWITCHOVER_PARTNER, "")
            .flag("Enabled", false),
    );
}

fn mail(b: &mut Builder) {
    let root = format!("\\\\{}\\I3Mail\\Root", b.server());
    b.set(
        layout::MAIL,
        Entry::new("")
            .sz(layout::MAIL_ROOT_PATH, &root)
            .sz("Provider", "SMTP/IMAP")
            .sz("Mail Server", "mail.example.com")
            .sz("Fax Server Address", "fax@example.com"),
    );
    let web = format!("{}\\Interaction Web", layout::CONFIGURATION);
    b.set(&web, Entry::new("").multi("EnableHTTP", &["Yes"]));
}

fn ipa(b: &mut Builder) {
    b.set(
        layout::IPA,
        Entry::new("")
            .sz("Process Automation Server", "Enabled")
            .sz("Work Item Retention Days", "90"),
    );
    for i in 0..b.scale.ipa_processes {
        let name = format!("{} {}", names::pick(&mut b.rng, names::NOUNS), i + 1);
        let owner = format!(
            "CORP\\{}",
            names::pick(&mut b.rng, names::SURNAMES).to_lowercase()
        );
        let version = b.rng.gen_range(1..12u32).to_string();
        let id = guid(&mut b.rng);
        b.put(
            layout::IPA_PROCESSES,
            Entry::new(&name)
                .sz("Process Id", &id)
                .sz("Version", &version)
                .flag("Published", i % 4 != 3)
                .sz("Owner", &owner)
                .sz("Category", names::FUNCTIONS[i % names::FUNCTIONS.len()]),
        );
    }
    b.count(counts::IPA_PROCESSES, b.scale.ipa_processes);
}

fn tracker(b: &mut Builder) {
    let entry = Entry::new("")
        .flag("Tracker Enabled", true)
        .sz("Data Source", "I3_IC")
        .sz("Organization Name", "Example Corporation")
        .flag("Track Individuals", true)
        .sz("Interaction Retention Days", "365");
    let values = entry.0.value_count();
    b.set(layout::TRACKER, entry);
    b.count(counts::TRACKER_SETTINGS, values);
}

fn recorder(b: &mut Builder) {
    let rescue = guid(&mut b.rng);
    let fingerprint: Vec<u8> = (0..20).map(|_| b.rng.gen::<u8>()).collect();
    let key_file = b.install(layout::RECORDER_KEY_FILE);
    let recordings = b.install("Recordings");
    let entry = Entry::new("")
        .sz(layout::RECORDINGS_RESCUE_ID, &rescue)
        .sz("Retention Days", "180")
        .flag("Encryption Enabled", true)
        .flag("Compression", true)
        .sz("Master Key File", &key_file)
        .binary("Master Key Fingerprint", fingerprint)
        .sz("Recording Storage Path", &recordings);
    let values = entry.0.value_count();
    b.set(layout::RECORDER, entry);
    b.count(counts::RECORDER_SETTINGS, values);
    let policies = format!("{}\\Policies", layout::RECORDER);
    for (i, policy) in ["Record All Sales", "Quality Sample 10%", "Supervisor Calls"]
        .into_iter()
        .enumerate()
    {
        b.put(
            &policies,
            Entry::new(policy)
                .flag("Active", i != 2)
                .sz("Priority", &(i + 1).to_string()),
        );
    }
    let mut key = b"I3RMK\x01\x00\x00".to_vec();
    key.extend((0..248).map(|_| b.rng.gen::<u8>()));
    b.file(
        layout::RECORDER_KEY_FILE.to_string(),
        FileContent::Bytes(key),
    );
}

fn lra(b: &mut Builder) {
    let config = b.install(layout::LRA_CONFIG_FILE);
    b.set(
        layout::LRA,
        Entry::new("")
            .flag("Enabled", false)
            .sz("Config File", &config)
            .sz("Support Mail Address", "support@example.com"),
    );
    let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<LRAConfig>\r\n  \
                <Collect Days=\"3\" Logs=\"IP;TS;Notifier;Recorder\"/>\r\n  \
                <Mail To=\"support@example.com\" Via=\"Blat\"/>\r\n</LRAConfig>\r\n";
    b.file(
        layout::LRA_CONFIG_FILE.to_string(),
        FileContent::Bytes(text.as_bytes().to_vec()),
    );
}

/// The process templates IPA processes are designed from.
fn ipa_templates(b: &mut Builder) {
    for i in 0..b.scale.ipa_templates {
        let name = match IPA_TEMPLATES.get(i) {
            Some(name) => name.to_string(),
            None => format!(
                "{} Template {}",
                names::pick(&mut b.rng, names::NOUNS),
                i + 1
            ),
        };
        let id = guid(&mut b.rng);
        let version = b.rng.gen_range(1..6u32).to_string();
        b.put(
            layout::IPA_TEMPLATES,
            Entry::new(&name)
                .sz("Template Id", &id)
                .sz("Version", &version)
                .sz(
                    "Description",
                    &format!("Starting point for {name} processes"),
                )
                .sz("Category", names::FUNCTIONS[i % names::FUNCTIONS.len()]),
        );
    }
    b.count(counts::IPA_TEMPLATES, b.scale.ipa_templates);
}

/// The speech recognition engines of this server (DS class `RecoASREngine`), each with its
/// preloaded grammars, properties and MRCP servers.
fn recognition(b: &mut Builder) {
    let engines = format!("{}\\ASR Engines", layout::RECOGNITION);
    for i in 0..b.scale.asr_engines {
        let (name, host) = match ASR_ENGINES.get(i) {
            Some(&(name, host)) => (name.to_string(), host.to_string()),
            None => (
                format!("MRCP Engine {}", i + 1),
                format!("asr{:02}.example.com", i + 1),
            ),
        };
        let mut engine = Entry::new(&name)
            .sz("Class", "RecoASREngine")
            .sz("Engine Type", "MRCP v2")
            .flag("Active", i == 0);
        let server = Entry::new(&host)
            .sz("Address", &host)
            .sz("Port", "5060")
            .sz("Transport", "TCP");
        let grammar = Entry::new("Yes No")
            .sz("Language", "en-US")
            .sz("URI", "builtin:grammar/boolean");
        let confidence = b.rng.gen_range(40..70u32).to_string();
        let properties = Entry::new("Properties")
            .sz("confidencelevel", &confidence)
            .sz("sensitivity", "50");
        engine.0.insert_subkey(with_child("Servers", server));
        engine
            .0
            .insert_subkey(with_child("Preloaded Grammars", grammar));
        engine.0.insert_subkey(properties.0);
        b.put(&engines, engine);
    }
}

/// A key named `name` holding one child entry.
fn with_child(name: &str, child: Entry) -> crate::registry::Key {
    let mut key = Entry::new(name).0;
    key.insert_subkey(child.0);
    key
}
