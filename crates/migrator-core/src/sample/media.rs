//! An Interaction Media Server sample: the `MediaServer` registry key (host name, release,
//! licence file, encrypted web password), its licence file, and `MediaServerConfig.xml` with
//! the global properties and the paired CIC servers ("command servers") with their own
//! properties.

use std::fmt::Write as _;

use rand::Rng;

use super::image::{Builder, Entry, FileContent};
use super::names::opaque_hex;
use crate::layout;
use crate::server::counts;

/// Media Server properties, before numbered ones.
const PROPERTIES: &[(&str, &str)] = &[
    ("MaxSessions", "1000"),
    ("AudioCodecs", "PCMU,PCMA,G722,G729"),
    ("RecordingCompressionFormat", "GSM 6.10"),
    ("RTPPortRangeStart", "16384"),
    ("RTPPortRangeEnd", "32767"),
    ("LogLevel", "Status"),
    ("DTMFMethod", "RFC2833"),
    ("JitterBufferMs", "60"),
    ("SpeechRecognitionEngine", "Interaction Speech Recognition"),
    ("TTSVoice", "Default"),
    ("PromptCacheSizeMB", "512"),
    ("CPUAffinity", "All"),
];

/// Properties set per command server.
const SERVER_PROPERTIES: &[(&str, &str)] = &[
    ("Location", "Default Location"),
    ("MaxSessionsForServer", "500"),
    ("RecordingEnabled", "true"),
    ("ConferenceEnabled", "true"),
    ("FaxEnabled", "false"),
    ("AnalysisEnabled", "true"),
];

/// Writes a Media Server sample.
pub fn build(b: &mut Builder) {
    let target = format!("{}\\", b.install("Server"));
    b.set("", Entry::new("").sz(layout::TARGET_VALUE, &target));
    let license = format!("Licenses\\{}.i3lic", b.server());
    let license_path = b.install(&license);
    let settings = registry_settings(b, &license_path);
    let values = settings.0.value_count();
    b.set(layout::MEDIA_SERVER, settings);
    b.count(counts::MEDIA_SETTINGS, values);
    let text = format!(
        "<License Product=\"Interaction Media Server\" Host=\"{}\"/>\r\n",
        b.server()
    );
    b.file(license, FileContent::Bytes(text.into_bytes()));
    let config = config_xml(b);
    b.file(
        layout::MEDIA_SERVER_CONFIG.to_string(),
        FileContent::Bytes(config.into_bytes()),
    );
}

fn registry_settings(b: &mut Builder, license: &str) -> Entry {
    let password = opaque_hex(&mut b.rng, 32);
    Entry::new("")
        .sz(layout::MEDIA_SERVER_NAME, b.server())
        .sz(layout::MEDIA_VERSION, &b.version().to_string())
        .sz(layout::MEDIA_LICENSE_FILE, license)
        .sz(layout::MEDIA_WEB_PASSWORD, &password)
        .sz("InstallPath", &b.install_path)
        .dword("HttpPort", 8084)
        .sz("LogPath", &b.install("Logs"))
        .sz("RecordingPath", &b.install("Resources\\Recordings"))
}

/// The CIC servers this Media Server is paired with.
fn command_servers(b: &Builder) -> Vec<String> {
    if b.spec.command_servers.is_empty() {
        (1..=b.scale.command_servers)
            .map(|i| format!("cic{i:02}"))
            .collect()
    } else {
        b.spec.command_servers.clone()
    }
}

fn config_xml(b: &mut Builder) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n");
    let _ = write!(
        xml,
        "<MediaServerConfig Version=\"{}\" ServerName=\"{}\">\r\n",
        b.version(),
        escape(b.server())
    );
    let global = global_properties(b);
    properties(&mut xml, "  ", &global);
    b.count(counts::MEDIA_PROPERTIES, global.len());
    let servers = command_servers(b);
    let _ = write!(xml, "  <{}>\r\n", layout::MEDIA_COMMAND_SERVERS);
    for server in &servers {
        let n = b.rng.gen_range(3..=SERVER_PROPERTIES.len());
        let own: Vec<(String, String)> = SERVER_PROPERTIES[..n]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        command_server(&mut xml, b.server(), server, &own);
        b.count(counts::COMMAND_SERVER_PROPERTIES, own.len());
    }
    let _ = write!(
        xml,
        "  </{}>\r\n</MediaServerConfig>\r\n",
        layout::MEDIA_COMMAND_SERVERS
    );
    b.count(counts::COMMAND_SERVERS, servers.len());
    xml
}

fn global_properties(b: &mut Builder) -> Vec<(String, String)> {
    (0..b.scale.media_properties)
        .map(|i| match PROPERTIES.get(i) {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => (
                format!("Custom.Setting{i:03}"),
                b.rng.gen_range(0..1_000u32).to_string(),
            ),
        })
        .collect()
}

fn command_server(xml: &mut String, media: &str, server: &str, own: &[(String, String)]) {
    let tag = layout::MEDIA_COMMAND_SERVER;
    let host = layout::MEDIA_NOTIFIER_HOST;
    let server = escape(server);
    let _ = write!(
        xml,
        "    <{tag} Name=\"{server}\">\r\n      <{host}>{server}</{host}>\r\n      \
         <NotifierUserId>IMS_{media}</NotifierUserId>\r\n      \
         <AcceptSessions>true</AcceptSessions>\r\n"
    );
    properties(xml, "      ", own);
    let _ = write!(xml, "    </{tag}>\r\n");
}

fn properties(xml: &mut String, indent: &str, items: &[(String, String)]) {
    let tag = layout::MEDIA_PROPERTIES;
    let _ = write!(xml, "{indent}<{tag}>\r\n");
    for (name, value) in items {
        let _ = write!(
            xml,
            "{indent}  <Property Name=\"{}\" Value=\"{}\"/>\r\n",
            escape(name),
            escape(value)
        );
    }
    let _ = write!(xml, "{indent}</{tag}>\r\n");
}

/// Escapes text for an XML attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
