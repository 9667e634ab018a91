//! Rule `media-server-host-bound`: for Media Server archives in Migration mode, the command
//! servers listed in `MediaServerConfig.xml` (the CIC servers the Media Server is paired with)
//! follow the server mapping, and host-bound values (the licence file path, the web
//! configuration password, the installed release) are not imported and are listed.
//!
//! The mapping for command servers comes from `--map-server`; when it gives none and the
//! archive and the target each list exactly one command server, the archive's becomes the
//! target's ([`command_server_renames`]). The rewritten file is a copy in the rules' work
//! folder; the extracted original is left as it was.

use std::fs;
use std::ops::Range;
use std::path::Path;

use super::rename::decode_text;
use super::support::{exclude, landing_path, rename_host, value_path};
use super::{Components, Rule, RuleContext, MIGRATION};
use crate::checklist::{self, Step};
use crate::error::{Error, Result};
use crate::incoming::{ImportMode, Incoming, RuleLog};
use crate::layout;
use crate::registry::join;
use crate::server::ServerKind;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "media-server-host-bound";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "maps the Media Server's command servers and leaves out host-bound values \
                  (licence file, web configuration password, release)",
    components: Components::Every,
    kinds: &[ServerKind::Media],
    modes: MIGRATION,
    apply,
};

/// Values of the Media Server key that belong to the machine, with whether the administrator
/// has to set them again.
const HOST_BOUND: &[(&str, bool)] = &[
    (layout::MEDIA_LICENSE_FILE, true),
    (layout::MEDIA_WEB_PASSWORD, true),
    (layout::MEDIA_VERSION, false),
];

/// The root element of the Media Server configuration file.
const ROOT_ELEMENT: &str = "MediaServerConfig";
/// The root element's attribute naming the Media Server itself.
const OWN_NAME_ATTRIBUTE: &str = "ServerName";
/// The root element's attribute naming the installed release: host-bound, like the registry's.
const VERSION_ATTRIBUTE: &str = "Version";

/// Attribute or element names that hold a command server's host, when `NotifierHost` is
/// absent.
const OTHER_HOST_LABELS: &[&str] = &["Host", "HostName", "ServerName", "Server"];

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    exclude_host_bound(incoming, log);
    for index in 0..incoming.files.len() {
        if is_config(&landing_path(&incoming.files[index])) {
            map_command_servers(ctx, incoming, index, log)?;
        }
    }
    Ok(())
}

fn exclude_host_bound(incoming: &mut Incoming, log: &mut RuleLog) {
    let key_path = join(layout::II_KEY, layout::MEDIA_SERVER);
    let Some(key) = incoming.tree.find(&key_path) else {
        return;
    };
    let present: Vec<(String, bool)> = HOST_BOUND
        .iter()
        .filter_map(|(name, reset)| key.value(name).map(|v| (v.name().to_string(), *reset)))
        .collect();
    let mut to_set = Vec::new();
    for (name, reset) in present {
        let path = value_path(&key_path, &name);
        exclude(incoming, path.clone(), NAME);
        let detail = "host-bound: not imported, the target keeps its own";
        log.change(&incoming.component, &path, NAME, detail.to_string());
        if reset {
            to_set.push(name);
        }
    }
    if !to_set.is_empty() {
        checklist::note(log, Step::MediaHostValues, to_set);
    }
}

fn is_config(path: &str) -> bool {
    same(path, layout::MEDIA_SERVER_CONFIG)
}

fn map_command_servers(
    ctx: &RuleContext,
    incoming: &mut Incoming,
    index: usize,
    log: &mut RuleLog,
) -> Result<()> {
    let file = &incoming.files[index];
    let path = landing_path(file);
    let text = read_text(&file.source)?;
    let mut renamed = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut slots = root_slots(&text, OWN_NAME_ATTRIBUTE);
    slots.extend(command_server_slots(&text));
    for slot in &slots {
        let old = &text[slot.range.clone()];
        if let Some(new) = rename_host(old, ctx.server_renames()) {
            let pair = format!("{old} → {new}");
            if !renamed.contains(&pair) {
                renamed.push(pair);
            }
            edits.push((slot.range.clone(), new));
        }
    }
    // The release stays the target's own, as the registry's does.
    let release = ctx.target.version.to_string();
    let version = root_slots(&text, VERSION_ATTRIBUTE)
        .into_iter()
        .find(|slot| text[slot.range.clone()] != release);
    if let Some(slot) = &version {
        let old = &text[slot.range.clone()];
        let detail = format!("release {old} → {release}: host-bound, the target keeps its own");
        log.change(&incoming.component, &path, NAME, detail);
        edits.push((slot.range.clone(), release));
    }
    // From the end, so that the ranges still to replace stay where they were.
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut rewritten = text.clone();
    for (range, new) in edits {
        rewritten.replace_range(range, &new);
    }
    if !renamed.is_empty() || version.is_some() {
        let copy = ctx
            .work_dir
            .join(&incoming.component)
            .join(layout::file_path(&path));
        write_copy(&copy, &rewritten)?;
        incoming.files[index].source = copy;
    }
    if !renamed.is_empty() {
        let detail = format!("command servers: {}", renamed.join(", "));
        log.change(&incoming.component, &path, NAME, detail);
    }
    let hosts = command_servers(&rewritten);
    if !hosts.is_empty() {
        checklist::note(log, Step::RepairCommandServers, hosts);
    }
    Ok(())
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| Error::io("reading", path, e))?;
    Ok(decode_text(&bytes))
}

fn write_copy(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    fs::write(path, text).map_err(|e| Error::io("writing", path, e))
}

/// Renames for command servers that `--map-server` leaves open: when the archive and the
/// target each list exactly one, the archive's becomes the target's.
pub fn command_server_renames(
    ctx: &RuleContext,
    incoming: &[Incoming],
) -> Result<Vec<(String, String)>> {
    if ctx.mode != ImportMode::Migration || ctx.source.kind != ServerKind::Media {
        return Ok(Vec::new());
    }
    let archive = incoming
        .iter()
        .flat_map(|c| &c.files)
        .find(|file| is_config(&landing_path(file)));
    let target_file = ctx
        .target_install_dir
        .join(layout::file_path(layout::MEDIA_SERVER_CONFIG));
    let (Some(archive), true) = (archive, target_file.is_file()) else {
        return Ok(Vec::new());
    };
    let ours = command_servers(&read_text(&archive.source)?);
    let theirs = command_servers(&read_text(&target_file)?);
    match (&ours[..], &theirs[..]) {
        ([old], [new])
            if !same(old, new)
                && !ctx
                    .server_renames()
                    .iter()
                    .any(|(mapped, _)| same(mapped, old)) =>
        {
            Ok(vec![(old.clone(), new.clone())])
        }
        _ => Ok(Vec::new()),
    }
}

/// The host names of the command servers a `MediaServerConfig.xml` lists.
pub fn command_servers(xml: &str) -> Vec<String> {
    let slots = command_server_slots(xml);
    let labelled = |labels: &[&str]| -> Vec<String> {
        slots
            .iter()
            .filter(|slot| labels.iter().any(|label| same(label, &slot.label)))
            .map(|slot| xml[slot.range.clone()].to_string())
            .collect()
    };
    let notifiers = labelled(&[layout::MEDIA_NOTIFIER_HOST]);
    if notifiers.is_empty() {
        labelled(OTHER_HOST_LABELS)
    } else {
        notifiers
    }
}

/// An attribute value or element text inside the command servers element.
#[derive(Debug, PartialEq, Eq)]
struct Slot {
    /// Where the text is in the document.
    range: Range<usize>,
    /// The attribute's name, or the name of the element holding the text.
    label: String,
}

/// The root element's attribute `label`, such as `ServerName` (the Media Server's own name).
fn root_slots(xml: &str, label: &str) -> Vec<Slot> {
    let open = format!("<{}", ROOT_ELEMENT);
    let Some(start) = xml.find(&open) else {
        return Vec::new();
    };
    let end = xml[start..].find('>').map_or(xml.len(), |i| start + i);
    let mut slots = Vec::new();
    read_tag(xml, start + 1..end, &mut Vec::new(), &mut slots);
    slots.retain(|slot| same(&slot.label, label));
    slots
}

/// Every attribute value and element text inside `<CommandServers>`, in document order.
fn command_server_slots(xml: &str) -> Vec<Slot> {
    let open = format!("<{}", layout::MEDIA_COMMAND_SERVERS);
    let close = format!("</{}>", layout::MEDIA_COMMAND_SERVERS);
    let Some(start) = xml.find(&open) else {
        return Vec::new();
    };
    let end = xml[start..].find(&close).map_or(xml.len(), |i| start + i);
    let mut slots = Vec::new();
    let mut elements: Vec<String> = Vec::new();
    let mut at = start;
    while at < end {
        if xml[at..].starts_with("<!--") {
            at = xml[at..].find("-->").map_or(end, |i| at + i + 3);
        } else if xml[at..].starts_with('<') {
            let tag_end = xml[at..].find('>').map_or(end, |i| at + i);
            read_tag(xml, at + 1..tag_end, &mut elements, &mut slots);
            at = tag_end + 1;
        } else {
            let next = xml[at..].find('<').map_or(end, |i| at + i);
            let text = &xml[at..next];
            let trimmed = text.trim();
            if !trimmed.is_empty() {
                let offset = at + (text.len() - text.trim_start().len());
                let label = elements.last().cloned().unwrap_or_default();
                slots.push(Slot {
                    range: offset..offset + trimmed.len(),
                    label,
                });
            }
            at = next;
        }
    }
    slots
}

/// Reads one tag (the text between `<` and `>`): its attributes become slots, and the element
/// stack follows opening and closing tags.
fn read_tag(xml: &str, tag: Range<usize>, elements: &mut Vec<String>, slots: &mut Vec<Slot>) {
    let body = &xml[tag.clone()];
    if let Some(closing) = body.strip_prefix('/') {
        if elements
            .last()
            .is_some_and(|name| same(name, closing.trim()))
        {
            elements.pop();
        }
        return;
    }
    if body.starts_with(['?', '!']) {
        return;
    }
    let name_end = body
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(body.len());
    let mut rest = name_end;
    while let Some(eq) = body[rest..].find('=') {
        let label = body[rest..rest + eq].trim().to_string();
        let after = rest + eq + 1;
        let quote_at = after + (body[after..].len() - body[after..].trim_start().len());
        let Some(quote) = body[quote_at..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
        else {
            break;
        };
        let value_start = quote_at + 1;
        let Some(length) = body[value_start..].find(quote) else {
            break;
        };
        let absolute = tag.start + value_start;
        slots.push(Slot {
            range: absolute..absolute + length,
            label,
        });
        rest = value_start + length + 1;
    }
    if !body.trim_end().ends_with('/') {
        elements.push(body[..name_end].to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{identity, Fixture};
    use super::super::RuleOptions;
    use super::*;
    use crate::registry::{RegTree, Value};

    const CONFIG: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<MediaServerConfig>
  <!-- paired CIC servers -->
  <CommandServers>
    <CommandServer NotifierHost="calliope" NotifierUserId="mediasvc" AcceptSessions="true">
      <PropertyCopySrc>calliope</PropertyCopySrc>
      <Description>Calliope Smith's lab</Description>
    </CommandServer>
  </CommandServers>
  <Properties><Property Name="calliope" Value="x"/></Properties>
</MediaServerConfig>
"#;

    fn media_tree(name: &str, version: &str, license: &str) -> RegTree {
        let mut tree = RegTree::new();
        let key = tree.ensure(&join(layout::II_KEY, layout::MEDIA_SERVER));
        key.set_value(Value::sz(layout::MEDIA_SERVER_NAME, name));
        key.set_value(Value::sz(layout::MEDIA_VERSION, version));
        key.set_value(Value::sz(layout::MEDIA_LICENSE_FILE, license));
        key.set_value(Value::sz(layout::MEDIA_WEB_PASSWORD, "0A1B2C3D4E5F"));
        key.set_value(Value::dword("SipPort", 5060));
        tree
    }

    fn media_identity(name: &str, version: &str) -> crate::server::Identity {
        let mut identity = identity(name, "", version, "C:\\I3\\IC");
        identity.kind = ServerKind::Media;
        identity
    }

    fn migrate(fx: &Fixture, target_tree: &RegTree, options: RuleOptions) -> (Incoming, RuleLog) {
        let mut incoming = Incoming::new("Media Server");
        incoming.tree = media_tree("mars", "2016 R1", "C:\\I3\\IC\\Licenses\\mars.i3lic");
        fx.file(
            &mut incoming,
            "Resources/MediaServerConfig.xml",
            CONFIG.as_bytes(),
        );
        let ctx = RuleContext::new(
            ImportMode::Migration,
            media_identity("mars", "2016 R1"),
            media_identity("venus", "2023 R3"),
            target_tree,
            fx.install.path(),
            fx.work.path(),
            options,
        )
        .unwrap();
        let mut log = RuleLog::default();
        super::super::apply_all(&ctx, std::slice::from_mut(&mut incoming), &mut log).unwrap();
        (incoming, log)
    }

    #[test]
    fn command_servers_follow_the_target_and_host_values_stay_behind() {
        let fx = Fixture::new();
        let target_config = CONFIG.replace("\"calliope\" Notifier", "\"helios\" Notifier");
        fx.target_file("Resources/MediaServerConfig.xml", target_config.as_bytes());
        let target = media_tree("venus", "2023 R3", "C:\\I3\\IC\\Licenses\\venus.i3lic");
        let (incoming, log) = migrate(&fx, &target, RuleOptions::default());

        let written = fs::read_to_string(&incoming.files[0].source).unwrap();
        let expected = CONFIG
            .replace("\"calliope\" Notifier", "\"helios\" Notifier")
            .replace(">calliope</", ">helios</");
        assert_eq!(
            written, expected,
            "names outside CommandServers and in text stay"
        );
        assert!(incoming.files[0].source.starts_with(fx.work.path()));

        let key = join(layout::II_KEY, layout::MEDIA_SERVER);
        let excluded: Vec<&str> = incoming.excluded.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            excluded,
            [
                value_path(&key, "LicenseFile"),
                value_path(&key, "WebConfigLoginPassword"),
                value_path(&key, "ProductVersion"),
            ]
        );
        let name = incoming
            .tree
            .find(&key)
            .unwrap()
            .text(layout::MEDIA_SERVER_NAME);
        assert_eq!(name.as_deref(), Some("venus"));
        let steps: Vec<(&str, Vec<String>)> = log
            .checklist
            .iter()
            .map(|s| (s.id, s.items.clone()))
            .collect();
        assert_eq!(
            steps,
            [
                (
                    "media-host-values",
                    vec!["LicenseFile".into(), "WebConfigLoginPassword".into()]
                ),
                ("repair-command-servers", vec!["helios".into()]),
            ]
        );
        assert!(!serde_json::to_string(&log)
            .unwrap()
            .contains("0A1B2C3D4E5F"));
        let unresolved: Vec<(&str, &str)> = log
            .unresolved
            .iter()
            .map(|u| (u.path.as_str(), u.name.as_str()))
            .collect();
        assert_eq!(
            unresolved,
            [("Resources\\MediaServerConfig.xml", "calliope")]
        );
    }

    #[test]
    fn map_server_names_the_command_server_when_the_target_lists_none() {
        let fx = Fixture::new();
        let options = RuleOptions {
            map_server: vec!["calliope=helios.corp.local".parse().unwrap()],
            ..RuleOptions::default()
        };
        let (incoming, log) = migrate(&fx, &RegTree::new(), options);
        let written = fs::read_to_string(&incoming.files[0].source).unwrap();
        assert!(written.contains("NotifierHost=\"helios.corp.local\""));
        let change = log
            .changes_by(NAME)
            .find(|c| c.path.ends_with(".xml"))
            .unwrap();
        assert_eq!(
            change.detail,
            "command servers: calliope → helios.corp.local"
        );
    }

    #[test]
    fn slots_are_found_in_attributes_and_texts() {
        let hosts = command_servers(CONFIG);
        assert_eq!(hosts, ["calliope"]);
        let other = "<CommandServers><Server Host='a'/><Server><Host>b</Host></Server>\
                     </CommandServers>";
        assert_eq!(command_servers(other), ["a", "b"]);
        assert!(command_servers("<MediaServerConfig/>").is_empty());
    }
}
