//! The telephony of a CIC sample: stations, managed IP phones and their proxy groups, lines,
//! line groups, the dial plan (entries, input conversions, classifications and its files) and
//! the DNIS routing table.

use rand::Rng;

use super::image::{Builder, Entry, FileContent};
use super::names;
use super::people::{user_extension, workgroup_extension, People};
use crate::layout;
use crate::server::counts;
use crate::version::classification_class;

/// Phone models of managed IP phones.
const PHONE_MODELS: &[&str] = &[
    "Polycom VVX 411",
    "Polycom VVX 501",
    "Polycom SoundPoint IP 650",
    "AudioCodes 420HD",
    "Interaction SIP Station II",
];

/// Station types.
const STATION_TYPES: &[&str] = &[
    "SIP Station",
    "Workstation",
    "Stand-alone Phone",
    "Remote Station",
];

/// Classifications setup creates.
const CLASSIFICATIONS: &[&str] = &[
    "Local",
    "Emergency",
    "Information",
    "Intercom",
    "Long Distance",
    "International",
    "Toll Free",
    "Blocked",
];

/// Dial plan entries setup creates: name, input pattern, dial string, classification.
const DEFAULT_DIAL_PLAN: &[(&str, &str, &str, &str)] = &[
    ("SIP Explicit", "sip:Z", "sip:{Z}", "Intercom"),
    ("Company Operator", "0", "0", "Intercom"),
    ("Emergency 911", "911", "911", "Emergency"),
    ("Information 411", "411", "411", "Information"),
    (
        "Toll Free",
        "+1800NxxXXXX",
        "1800{N}{xx}{XXXX}",
        "Toll Free",
    ),
    ("Blocked 900", "+1900Z", "", "Blocked"),
    (
        "Long Distance",
        "+1NxxNxxXXXX",
        "1{N}{xx}{N}{xx}{XXXX}",
        "Long Distance",
    ),
    ("Local 7 Digit", "NxxXXXX", "{N}{xx}{XXXX}", "Local"),
    ("Extension 5 Digit", "XXXXX", "{XXXXX}", "Intercom"),
    ("International", "+011Z", "011{Z}", "International"),
    ("Other", "Z", "{Z}", "Local"),
];

/// What other areas need to know about the telephony of a sample.
pub struct Telephony {
    /// Station names, in extension order.
    pub stations: Vec<String>,
}

/// The name of station `index`.
pub fn station_name(index: usize) -> String {
    format!("STA{}", station_extension(index))
}

fn station_extension(index: usize) -> usize {
    50_000 + index
}

/// Writes stations, phones, lines, line groups, dial plan and DNIS mappings.
pub fn build(b: &mut Builder, people: &People) -> Telephony {
    let proxy_groups = proxy_groups(b);
    let lines = lines(b);
    line_groups(b, &lines);
    let stations = stations(b, &lines[0], &proxy_groups);
    dial_plan(b);
    dnis(b, people, &stations);
    Telephony { stations }
}

fn proxy_groups(b: &mut Builder) -> Vec<String> {
    let groups: Vec<String> = (0..b.scale.proxy_groups)
        .map(|i| match i {
            0 => "Default Proxy Group".to_string(),
            i => format!("Remote Office {i} Proxies"),
        })
        .collect();
    for group in &groups {
        let proxies = [
            format!("{}:5060", names::private_ip(&mut b.rng)),
            format!("{}:5060", names::private_ip(&mut b.rng)),
        ];
        b.put(
            layout::IP_PHONE_PROXY_GROUPS,
            Entry::new(group)
                .multi("Proxies", &proxies)
                .sz("Transport", "UDP")
                .sz("Description", &format!("{group} for managed phones")),
        );
    }
    b.count(counts::IP_PHONE_PROXY_GROUPS, groups.len());
    groups
}

fn lines(b: &mut Builder) -> Vec<String> {
    let lines: Vec<String> = (0..b.scale.lines.max(1))
        .map(|i| match i {
            0 => "SIP Stations".to_string(),
            i => format!("Carrier-{}-{:02}", (b'A' + (i % 4) as u8) as char, i),
        })
        .collect();
    for (i, line) in lines.iter().enumerate() {
        let direction = match i % 3 {
            0 => "Inbound and Outbound",
            1 => "Inbound Only",
            _ => "Outbound Only",
        };
        let proxy = names::private_ip(&mut b.rng);
        let channels = b.rng.gen_range(8..=96u32).to_string();
        b.put(
            layout::LINES,
            Entry::new(line)
                .sz("Line Type", "SIP")
                .flag("Active", true)
                .sz("Direction", direction)
                .sz("Proxy Address", &proxy)
                .sz("Port", "5060")
                .sz("Channels", &channels)
                .sz("Location", "Default Location")
                .multi("Audio Codecs", &["G.711 mu-law", "G.729"]),
        );
    }
    b.count(counts::LINES, lines.len());
    lines
}

fn line_groups(b: &mut Builder, lines: &[String]) {
    let trunks = &lines[1.min(lines.len())..];
    for i in 0..b.scale.line_groups {
        let name = match i {
            0 => "All Carriers".to_string(),
            1 => "Inbound Carriers".to_string(),
            i => format!("Carrier Group {i}"),
        };
        let members: Vec<&String> = trunks.iter().skip(i % 2).step_by(1 + i % 3).collect();
        b.put(
            layout::LINE_GROUPS,
            Entry::new(&name)
                .multi(layout::LINE_GROUP_LINES, &members)
                .flag("Dial Group", i == 0)
                .sz("Description", &format!("{name} line group")),
        );
    }
    b.count(counts::LINE_GROUPS, b.scale.line_groups);
}

fn stations(b: &mut Builder, station_line: &str, proxy_groups: &[String]) -> Vec<String> {
    let mut stations = Vec::with_capacity(b.scale.stations);
    let mut phones = 0;
    for index in 0..b.scale.stations {
        let name = station_name(index);
        let extension = station_extension(index).to_string();
        let mac = names::mac_address(&mut b.rng);
        let managed = b.rng.gen_bool(0.6);
        let kind = names::pick(&mut b.rng, STATION_TYPES);
        let ip = names::private_ip(&mut b.rng);
        b.put(
            layout::WORKSTATIONS,
            Entry::new(&name)
                .sz("Extension", &extension)
                .sz("Line", station_line)
                .sz("MAC Address", &mac)
                .flag("Managed IP Phone", managed)
                .sz("Station Type", kind)
                .flag("Active", true)
                .sz("Identification Address", &format!("sip:{extension}@{ip}"))
                .sz("Location", "Default Location")
                .sz("License Allocation Method", "Assignable Licensing"),
        );
        if managed && !proxy_groups.is_empty() {
            let group = &proxy_groups[index % proxy_groups.len()];
            managed_phone(b, &name, &mac, group);
            phones += 1;
        }
        stations.push(name);
    }
    b.count(counts::WORKSTATIONS, stations.len());
    b.count(counts::IP_PHONES, phones);
    stations
}

fn managed_phone(b: &mut Builder, station: &str, mac: &str, proxy_group: &str) {
    let model = names::pick(&mut b.rng, PHONE_MODELS);
    b.put(
        layout::IP_PHONES,
        Entry::new(&format!("Phone {mac}"))
            .sz("MAC Address", mac)
            .sz("Model", model)
            .sz("Station", station)
            .sz(
                "Template",
                &format!(
                    "Default {} Template",
                    model.split(' ').next().unwrap_or(model)
                ),
            )
            .sz("Registration Group", "Default Registration Group")
            .sz("Proxy Group", proxy_group),
    );
}

fn dial_plan(b: &mut Builder) {
    let mut classifications: Vec<String> = CLASSIFICATIONS.iter().map(|c| c.to_string()).collect();
    for (name, pattern, dial, class) in DEFAULT_DIAL_PLAN {
        b.put(
            layout::DIAL_PLAN_ENTRIES,
            dial_entry(name, pattern, dial, class),
        );
    }
    for i in 0..b.scale.custom_dial_plan_entries {
        let area = b.rng.gen_range(201..=989u32);
        let class = format!("Region {area}");
        let name = format!("Custom Area {area} {i}");
        let pattern = format!("+1{area}NxxXXXX");
        let dial = format!("1{area}{{N}}{{xx}}{{XXXX}}");
        b.put(
            layout::DIAL_PLAN_ENTRIES,
            dial_entry(&name, &pattern, &dial, &class),
        );
        classifications.push(class);
    }
    let mut seen = std::collections::HashSet::new();
    classifications.retain(|c| seen.insert(c.clone()));
    b.count(
        counts::DIAL_PLAN_ENTRIES,
        DEFAULT_DIAL_PLAN.len() + b.scale.custom_dial_plan_entries,
    );
    input_conversions(b);
    let class = classification_class(b.version());
    let items: Vec<String> = classifications
        .iter()
        .map(|c| format!("{class}:{c}"))
        .collect();
    b.set(
        layout::DIAL_PLAN_CONFIGURATION,
        Entry::new("")
            .multi(layout::CLASSIFICATIONS_VALUE, &items)
            .sz("Default Location", "Default Location")
            .sz("Country Code", "1"),
    );
    b.count(counts::CLASSIFICATIONS, items.len());
    dial_plan_files(b, &classifications);
}

fn dial_entry(name: &str, pattern: &str, dial: &str, class: &str) -> Entry {
    Entry::new(name)
        .sz("Input Pattern", pattern)
        .sz("Standardized Number", pattern)
        .sz("Default Dial String", dial)
        .sz("Display String", pattern)
        .sz("Default Classification", class)
        .sz("Description", name)
        .flag("Account Code Verification", false)
        .sz("Dial Group", "All Carriers")
}

fn input_conversions(b: &mut Builder) {
    let conversions = format!("{}\\Input Conversions", layout::DIAL_PLAN);
    for (name, input, output) in [
        ("Strip Leading 9", "9Z", "{Z}"),
        ("Add Country Code", "NxxNxxXXXX", "+1{NxxNxxXXXX}"),
        ("International Prefix", "011Z", "+{Z}"),
    ] {
        b.put(
            &conversions,
            Entry::new(name)
                .sz("Input Pattern", input)
                .sz("Output Pattern", output),
        );
    }
}

fn dial_plan_files(b: &mut Builder, classifications: &[String]) {
    let mut plan = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<DialPlan>\r\n");
    for (name, pattern, dial, class) in DEFAULT_DIAL_PLAN {
        plan.push_str(&format!(
            "  <Entry Name=\"{name}\" InputPattern=\"{pattern}\" DialString=\"{dial}\" \
             Classification=\"{class}\"/>\r\n"
        ));
    }
    plan.push_str("</DialPlan>\r\n");
    let mut classes =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Classifications>\r\n");
    for class in classifications {
        classes.push_str(&format!("  <Classification Name=\"{class}\"/>\r\n"));
    }
    classes.push_str("</Classifications>\r\n");
    let files = [("DialPlan.xml", plan), ("Classifications.xml", classes)];
    for (name, text) in files {
        b.file(
            format!("{}\\{name}", layout::DIAL_PLAN_DIR),
            FileContent::Bytes(text.into_bytes()),
        );
    }
    b.count(counts::DIAL_PLAN_FILES, 2);
}

/// Writes the DNIS routing table. The first rows use main numbers every sample shares, so
/// that two samples have rows for the same DNIS; the rest are random.
fn dnis(b: &mut Builder, people: &People, stations: &[String]) {
    let mut used = names::UniqueNames::default();
    let mut rows = 0;
    while rows < b.scale.dnis_rows {
        let number = if rows < 10 {
            format!("800555010{rows}")
        } else {
            names::phone_number(&mut b.rng)
        };
        if used.claim(&number) != number {
            continue;
        }
        let entry = dnis_row(b, &number, people, stations);
        b.put(layout::DNIS_MAPPINGS, entry);
        rows += 1;
    }
    b.count(counts::DNIS_MAPPINGS, rows);
}

fn dnis_row(b: &mut Builder, number: &str, people: &People, stations: &[String]) -> Entry {
    let (kind, target, extension) = match b.rng.gen_range(0..3) {
        0 if !people.workgroups.is_empty() => {
            let i = b.rng.gen_range(0..people.workgroups.len());
            (
                "Workgroup",
                people.workgroups[i].clone(),
                workgroup_extension(i),
            )
        }
        1 if !stations.is_empty() => {
            let i = b.rng.gen_range(0..stations.len());
            (
                "Station",
                stations[i].clone(),
                station_extension(i).to_string(),
            )
        }
        _ => {
            let i = b.rng.gen_range(0..people.users.len());
            ("User", people.users[i].clone(), user_extension(i))
        }
    };
    Entry::new(number)
        .sz(layout::DNIS_VALUE, number)
        .sz("Destination Type", kind)
        .sz("Destination", &target)
        .sz("Extension", &extension)
        .sz("Substitution Type", "None")
        .sz("Description", &format!("{kind} {target}"))
}
