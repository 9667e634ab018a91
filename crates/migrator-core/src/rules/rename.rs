//! Rule `server-site-rename`: the archive's server and site names become the target's.
//!
//! Keys under `Root\<Site>` and `Root\<Site>\Production\<Server>` are re-rooted under the new
//! names. Inside values, only known references are rewritten, and only on whole names: the
//! `SITE` and `SERVER` pointers, UNC paths (`\\calliope\...`) anywhere, attendant data
//! (`FullNodePath` and the other node values), the Switchover partner, server parameters
//! holding a name or a path, the mail root path, the Media Server's own name and the media
//! server settings a CIC server holds. Paths that start with the source's install root are
//! moved to the target's install root.
//!
//! After every rule has run, [`find_unresolved`] lists each remaining occurrence of an old
//! name, with its path, so nothing is silently left pointing at the old server.

use std::fs;
use std::io::Read;

use super::context::same;
use super::support::{
    contains_name, is_excluded, landing_path, rename_exact, rename_host, rewrite_ds_path,
    rewrite_install_root, rewrite_strings, rewrite_unc, rewrite_url, strings_of, value_path,
};
use super::{Components, Rule, RuleContext, MIGRATION};
use crate::error::{Error, Result};
use crate::incoming::{Destination, Incoming, IncomingFile, RuleLog, Unresolved};
use crate::layout;
use crate::registry::{is_within, join, Key, RegTree};
use crate::server::ServerKind;

/// The rule's name.
pub const NAME: &str = "server-site-rename";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "re-roots keys under the target's site and server names and rewrites known \
                  references to them (whole names only)",
    components: Components::Every,
    kinds: &[ServerKind::Cic, ServerKind::Media],
    modes: MIGRATION,
    apply,
};

/// The type of the attendant node that stands for the server; its `Name` is the server name.
const SERVER_NODE: &str = "Server";

/// Text files scanned for old names; larger ones are skipped.
const SCANNED_EXTENSIONS: &[&str] = &["xml", "ini", "txt", "config", "cfg", "json", "udl"];
const SCAN_LIMIT: u64 = 16 << 20;

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    reroot(ctx, incoming, log);
    rewrite_references(ctx, incoming, log);
    Ok(())
}

fn reroot(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) {
    let root = join(layout::II_KEY, layout::DS_ROOT);
    for (old, new) in ctx.site_renames() {
        if move_key(&mut incoming.tree, &root, old, new) {
            let to = join(&root, new);
            reroot_excluded(incoming, &join(&root, old), &to);
            let from = format!("Root\\{old} (site {old} becomes {new})");
            log.renamed(&incoming.component, &to, NAME, &from);
        }
    }
    let production = join(&join(&root, ctx.site()), layout::PRODUCTION_ELEMENT);
    for (old, new) in ctx.server_renames() {
        if move_key(&mut incoming.tree, &production, old, new) {
            let to = join(&production, new);
            reroot_excluded(incoming, &join(&production, old), &to);
            let from = format!("Production\\{old} (server {old} becomes {new})");
            log.renamed(&incoming.component, &to, NAME, &from);
        }
    }
}

/// Renames the subkey `old` of the key at `parent` to `new`, merging into an existing `new`.
fn move_key(tree: &mut RegTree, parent: &str, old: &str, new: &str) -> bool {
    let Some(parent) = tree.find_mut(parent) else {
        return false;
    };
    if parent.subkey(old).is_none() {
        return false;
    }
    if parent.rename_subkey(old, new) {
        return true;
    }
    if let Some(moved) = parent.remove_subkey(old) {
        merge(parent.ensure_subkey(new), &moved);
    }
    true
}

fn merge(into: &mut Key, from: &Key) {
    for value in from.values() {
        into.set_value(value.clone());
    }
    for child in from.subkeys() {
        merge(into.ensure_subkey(child.name()), child);
    }
}

fn reroot_excluded(incoming: &mut Incoming, from: &str, to: &str) {
    for (path, _) in &mut incoming.excluded {
        if is_within(path, from) {
            *path = format!("{to}{}", &path[from.len()..]);
        }
    }
}

/// Where a key sits, as far as known references go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Attendant,
    AttendantServerNode,
    Switchover,
    ServerParameter,
    Mail,
    MediaServer,
    MediaInCic,
    Other,
}

/// The paths [`place_of`] compares with, resolved once for all keys.
struct Places {
    ds_root: String,
    attendant: String,
    switchover: String,
    server_parameters: String,
    mail: String,
    media_server: String,
    media_in_cic: String,
}

impl Places {
    fn new(ctx: &RuleContext) -> Places {
        Places {
            ds_root: ctx.incoming_path(layout::DS_ROOT),
            attendant: ctx.incoming_path(layout::ATTENDANT_DATA),
            switchover: ctx.incoming_path(layout::SWITCHOVER),
            server_parameters: ctx.incoming_path(layout::SERVER_PARAMETERS),
            mail: ctx.incoming_path(layout::MAIL),
            media_server: join(layout::II_KEY, layout::MEDIA_SERVER),
            media_in_cic: ctx.incoming_path(layout::MEDIA_SERVERS_IN_CIC),
        }
    }
}

fn place_of(places: &Places, path: &str) -> Place {
    let parent = path.rsplit_once('\\').map_or("", |(parent, _)| parent);
    if same(path, &places.ds_root) {
        Place::Root
    } else if is_within(path, &places.attendant) {
        Place::Attendant
    } else if same(path, &places.switchover) {
        Place::Switchover
    } else if same(parent, &places.server_parameters) {
        Place::ServerParameter
    } else if same(path, &places.mail) {
        Place::Mail
    } else if same(path, &places.media_server) {
        Place::MediaServer
    } else if is_within(path, &places.media_in_cic) {
        Place::MediaInCic
    } else {
        Place::Other
    }
}

/// The rewritten text of one string of a value, when it is a known reference to an old name.
fn rewrite_reference(ctx: &RuleContext, place: Place, value: &str, text: &str) -> Option<String> {
    let (sites, servers) = (ctx.site_renames(), ctx.server_renames());
    let unc = rewrite_unc(text, servers).or_else(|| rewrite_url(text, servers));
    let text = unc.as_deref().unwrap_or(text);
    let install_root =
        || rewrite_install_root(text, &ctx.source.install_path, &ctx.target.install_path);
    let specific = match place {
        Place::Root if same(value, layout::SITE_VALUE) => rewrite_site_pointer(text, sites),
        Place::Root if same(value, layout::SERVER_VALUE) => rewrite_ds_path(text, sites, servers),
        Place::AttendantServerNode if same(value, layout::NODE_NAME_VALUE) => {
            rename_exact(text, servers)
        }
        Place::Attendant | Place::AttendantServerNode => rewrite_ds_path(text, sites, servers)
            .or_else(install_root)
            .or_else(|| {
                let is_name = same(value, layout::NODE_NAME_VALUE);
                (!is_name).then(|| rename_exact(text, servers)).flatten()
            }),
        Place::Switchover if same(value, layout::SWITCHOVER_PARTNER) => rename_host(text, servers),
        Place::ServerParameter if same(value, layout::PARAMETER_VALUE) => install_root()
            .or_else(|| rename_exact(text, servers))
            .or_else(|| rename_exact(text, sites)),
        Place::Mail if same(value, layout::MAIL_ROOT_PATH) => install_root(),
        Place::MediaServer if same(value, layout::MEDIA_SERVER_NAME) => rename_host(text, servers),
        Place::MediaServer => install_root(),
        Place::MediaInCic => rename_exact(text, servers),
        _ => None,
    };
    // Any other path under the source's install root (the Recorder's storage and key file,
    // the LRA configuration file, ...) moves to the target's: a whole-element match on a
    // drive path, so no other text can match by chance.
    match specific.is_none() && unc.is_none() {
        true => install_root(),
        false => specific.or(unc),
    }
}

/// `\Indy` becomes `\Chicago`.
fn rewrite_site_pointer(text: &str, sites: &[(String, String)]) -> Option<String> {
    let name = text.trim_start_matches('\\');
    let prefix = &text[..text.len() - name.len()];
    rename_exact(name, sites).map(|new| format!("{prefix}{new}"))
}

fn rewrite_references(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) {
    let excluded: Vec<String> = incoming.excluded.iter().map(|(p, _)| p.clone()).collect();
    let mut changes = Vec::new();
    let places = Places::new(ctx);
    let walk = Walk {
        ctx,
        places: &places,
        excluded: &excluded,
    };
    rewrite_key(&walk, incoming.tree.root_mut(), "", &mut changes);
    for (path, detail) in changes {
        log.change(&incoming.component, &path, NAME, detail);
    }
}

/// What [`rewrite_key`] needs at every key.
struct Walk<'a> {
    ctx: &'a RuleContext<'a>,
    places: &'a Places,
    excluded: &'a [String],
}

fn rewrite_key(walk: &Walk, key: &mut Key, path: &str, changes: &mut Vec<(String, String)>) {
    let ctx = walk.ctx;
    if walk.excluded.iter().any(|e| is_within(path, e)) {
        return;
    }
    let mut place = place_of(walk.places, path);
    let node_type = key.text(layout::NODE_TYPE_VALUE);
    if place == Place::Attendant && node_type.is_some_and(|kind| same(&kind, SERVER_NODE)) {
        place = Place::AttendantServerNode;
    }
    // Secrets are ciphertext bound to the source machine: never rewritten, only reset.
    let secret = key
        .text(layout::STRUCTURED_TYPE)
        .is_some_and(|kind| same(&kind, layout::STRUCTURED_TYPE_SECRETS));
    for value in key.values_mut().filter(|_| !secret) {
        let name = value.name().to_string();
        let before = strings_of(value);
        if rewrite_strings(value, |text| rewrite_reference(ctx, place, &name, text)) {
            changes.push((value_path(path, &name), describe(ctx, &name, &before)));
        }
    }
    for child in key.subkeys_mut() {
        let child_path = join(path, child.name());
        rewrite_key(walk, child, &child_path, changes);
    }
}

/// "value Root Path: calliope → helios", naming each old name that was replaced.
fn describe(ctx: &RuleContext, value: &str, before: &[String]) -> String {
    let mut pairs: Vec<String> = ctx
        .server_renames()
        .iter()
        .chain(ctx.site_renames())
        .filter(|(old, _)| before.iter().any(|text| contains_name(text, old)))
        .map(|(old, new)| format!("{old} → {new}"))
        .collect();
    let (old_root, new_root) = (&ctx.source.install_path, &ctx.target.install_path);
    if before
        .iter()
        .any(|text| rewrite_install_root(text, old_root, new_root).is_some())
    {
        pairs.push(format!("{old_root} → {new_root}"));
    }
    format!("value {}: {}", value_label(value), pairs.join(", "))
}

/// A value's name for messages; the default value has none.
pub fn value_label(name: &str) -> &str {
    if name.is_empty() {
        "(default)"
    } else {
        name
    }
}

/// Lists every occurrence of an old server or site name left in the incoming data, in keys,
/// values and text files that will be imported.
pub fn find_unresolved(ctx: &RuleContext, incoming: &[Incoming], log: &mut RuleLog) -> Result<()> {
    let names: Vec<&str> = ctx
        .server_renames()
        .iter()
        .chain(ctx.site_renames())
        .map(|(old, _)| old.as_str())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let installed = |file: &IncomingFile| matches!(file.destination, Destination::Install(_));
    scan(incoming, &names, installed, log)
}

/// Notes in `log` every occurrence of `names` in the keys and values of `incoming`, and in
/// the text files that `scanned` takes.
fn scan(
    incoming: &[Incoming],
    names: &[&str],
    scanned: impl Fn(&IncomingFile) -> bool,
    log: &mut RuleLog,
) -> Result<()> {
    for component in incoming {
        scan_tree(component, names, log);
        for file in component.files.iter().filter(|file| scanned(file)) {
            scan_file(file, names, log)?;
        }
    }
    Ok(())
}

/// The names among `names` that no key, value or text file of `incoming` holds as a whole
/// word: a mapping of such a name has nothing to rename.
///
/// # Errors
///
/// `ErrorKind::Input` when an extracted file cannot be read.
pub fn names_absent<'a>(incoming: &[Incoming], names: &[&'a str]) -> Result<Vec<&'a str>> {
    let mut found = RuleLog::default();
    scan(incoming, names, |_| true, &mut found)?;
    Ok(names
        .iter()
        .filter(|name| !found.unresolved.iter().any(|u| same(&u.name, name)))
        .copied()
        .collect())
}

fn scan_tree(component: &Incoming, names: &[&str], log: &mut RuleLog) {
    for (path, key) in component.tree.walk() {
        if is_excluded(component, &path) {
            continue;
        }
        note_found(log, &path, &[key.name().to_string()], names);
        for value in key.values() {
            let path = value_path(&path, value.name());
            if is_excluded(component, &path) {
                continue;
            }
            let mut texts = strings_of(value);
            texts.push(value.name().to_string());
            note_found(log, &path, &texts, names);
        }
    }
}

fn scan_file(file: &IncomingFile, names: &[&str], log: &mut RuleLog) -> Result<()> {
    let landing = landing_path(file);
    let extension = landing
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    if !extension.is_some_and(|ext| SCANNED_EXTENSIONS.contains(&ext.as_str())) {
        return Ok(());
    }
    let mut bytes = Vec::new();
    fs::File::open(&file.source)
        .and_then(|handle| handle.take(SCAN_LIMIT).read_to_end(&mut bytes))
        .map_err(|e| Error::io("reading", &file.source, e))?;
    note_found(log, &landing, &[decode_text(&bytes)], names);
    Ok(())
}

/// The text of a file: UTF-16LE when it starts with its byte order mark, else UTF-8.
pub fn decode_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn note_found(log: &mut RuleLog, path: &str, texts: &[String], names: &[&str]) {
    for name in names {
        let found = texts.iter().any(|text| contains_name(text, name));
        let known = || {
            log.unresolved
                .iter()
                .any(|u| u.path == path && same(&u.name, name))
        };
        if found && !known() {
            log.unresolved.push(Unresolved {
                path: path.to_string(),
                name: name.to_string(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;
    use crate::registry::Value;

    #[test]
    fn keys_are_re_rooted_under_the_target_names() {
        let fx = Fixture::new();
        let mut users = fixtures::incoming("Users", &fx.source_tree, &[layout::USERS]);
        let mut lines = fixtures::incoming("Lines", &fx.source_tree, &[layout::LINES]);
        let mut log = RuleLog::default();
        let ctx = fx.migration();
        apply(&ctx, &mut users, &mut log).unwrap();
        apply(&ctx, &mut lines, &mut log).unwrap();

        let users_path = fixtures::path("Chicago", "helios", layout::USERS);
        assert!(users
            .tree
            .find(&users_path)
            .unwrap()
            .subkey("Calliope Smith")
            .is_some());
        let lines_path = fixtures::path("Chicago", "helios", layout::LINES);
        assert_eq!(lines.tree.find(&lines_path).unwrap().subkey_count(), 2);
        let root = users
            .tree
            .find(&join(layout::II_KEY, layout::DS_ROOT))
            .unwrap();
        assert!(root.subkey("Indy").is_none());
        assert_eq!(
            log.rule_for(&join(&lines_path, "ISDN1")),
            Some(NAME),
            "the plan names the rename for re-rooted keys"
        );
    }

    #[test]
    fn known_references_are_rewritten_and_other_text_is_kept() {
        let fx = Fixture::new();
        let mut mail = fixtures::incoming("Mail", &fx.source_tree, &[layout::MAIL]);
        let mut users = fixtures::incoming("Users", &fx.source_tree, &[layout::USERS]);
        let mut log = RuleLog::default();
        let ctx = fx.migration();
        apply(&ctx, &mut mail, &mut log).unwrap();
        apply(&ctx, &mut users, &mut log).unwrap();

        let mail_key = mail
            .tree
            .find(&fixtures::path("Chicago", "helios", layout::MAIL));
        let mail_key = mail_key.unwrap();
        assert_eq!(
            mail_key.text(layout::MAIL_ROOT_PATH).as_deref(),
            Some("\\\\helios\\MailSpool")
        );
        let user = users
            .tree
            .find(&fixtures::path("Chicago", "helios", layout::USERS))
            .and_then(|key| key.subkey("Calliope Smith"))
            .unwrap();
        assert_eq!(user.text("displayName").as_deref(), Some("Calliope Smith"));
        let details: Vec<&str> = log
            .changes
            .iter()
            .filter(|c| c.component == "Mail")
            .map(|c| c.detail.as_str())
            .collect();
        assert_eq!(
            details,
            [
                "renamed from Root\\Indy (site Indy becomes Chicago)",
                "value Root Path: calliope → helios"
            ]
        );
    }

    #[test]
    fn any_path_under_the_install_root_follows_it() {
        let fx = Fixture::new();
        let recorder = fixtures::path("Indy", "calliope", layout::RECORDER);
        let mut incoming = Incoming::new("Interaction Recorder");
        let key = incoming.tree.ensure(&recorder);
        key.set_value(Value::sz(
            "Recording Storage Path",
            "D:\\I3\\IC\\Recordings",
        ));
        key.set_value(Value::sz("Archive", "D:\\I3\\ICArchive\\Old"));
        key.set_value(Value::sz("Note", "see D:\\I3\\IC\\Recordings"));
        let mut log = RuleLog::default();
        apply(&fx.migration(), &mut incoming, &mut log).unwrap();
        let moved = fixtures::path("Chicago", "helios", layout::RECORDER);
        let key = incoming.tree.find(&moved).unwrap();
        assert_eq!(
            key.text("Recording Storage Path").unwrap(),
            "C:\\I3\\IC\\Recordings"
        );
        // Another folder that merely starts with the same letters, and prose, stay as they are.
        assert_eq!(key.text("Archive").unwrap(), "D:\\I3\\ICArchive\\Old");
        assert_eq!(key.text("Note").unwrap(), "see D:\\I3\\IC\\Recordings");
    }

    #[test]
    fn server_parameters_holding_paths_follow_the_install_root() {
        let fx = Fixture::new();
        let mut params = fixtures::incoming(
            "Server Parameters",
            &fx.source_tree,
            &[layout::SERVER_PARAMETERS],
        );
        let mut log = RuleLog::default();
        apply(&fx.migration(), &mut params, &mut log).unwrap();
        let container = params
            .tree
            .find(&fixtures::path(
                "Chicago",
                "helios",
                layout::SERVER_PARAMETERS,
            ))
            .unwrap();
        let value = |name: &str| container.subkey(name).unwrap().text("Value").unwrap();
        assert_eq!(value("Report File Path"), "C:\\I3\\IC\\Server\\Reports");
        assert_eq!(value("Recording Share"), "\\\\helios\\Recordings");
        assert_eq!(value("Notifier Host"), "helios");
        assert_eq!(value("Greeting"), "Welcome to calliope support");
    }

    #[test]
    fn unresolved_names_are_listed_with_their_paths() {
        let fx = Fixture::new();
        let mut all = vec![
            fixtures::incoming("Users", &fx.source_tree, &[layout::USERS]),
            fixtures::incoming(
                "Server Parameters",
                &fx.source_tree,
                &[layout::SERVER_PARAMETERS],
            ),
        ];
        let mut log = RuleLog::default();
        let ctx = fx.migration();
        for component in &mut all {
            apply(&ctx, component, &mut log).unwrap();
        }
        find_unresolved(&ctx, &all, &mut log).unwrap();
        let users = fixtures::path("Chicago", "helios", layout::USERS);
        let params = fixtures::path("Chicago", "helios", layout::SERVER_PARAMETERS);
        let found: Vec<(String, String)> = log
            .unresolved
            .iter()
            .map(|u| (u.path.clone(), u.name.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (format!("{users}\\Calliope Smith"), "calliope".to_string()),
                (
                    format!("{users}\\Calliope Smith@displayName"),
                    "calliope".to_string()
                ),
                (
                    format!("{users}\\Calliope Smith@Home Site"),
                    "Indy".to_string()
                ),
                (format!("{users}\\jdoe@Home Site"), "Indy".to_string()),
                (format!("{params}\\Greeting@Value"), "calliope".to_string()),
            ]
        );
    }

    #[test]
    fn recovery_renames_nothing() {
        let fx = Fixture::new();
        let mut users = fixtures::incoming("Users", &fx.source_tree, &[layout::USERS]);
        let before = users.tree.clone();
        let mut log = RuleLog::default();
        let ctx = fx.recovery();
        assert!(!RULE.applies(&ctx, "Users"));
        super::super::apply_all(&ctx, std::slice::from_mut(&mut users), &mut log).unwrap();
        assert_eq!(users.tree, before);
        assert!(log.unresolved.is_empty());
    }

    #[test]
    fn site_pointers_keep_their_backslash_and_type() {
        let fx = Fixture::new();
        let mut incoming = Incoming::new("Root");
        let root = incoming.tree.ensure(&join(layout::II_KEY, layout::DS_ROOT));
        root.set_value(Value::multi_sz("SITE", &["\\Indy"]));
        root.set_value(Value::sz("SERVER", "\\Indy\\Production\\calliope"));
        let mut log = RuleLog::default();
        apply(&fx.migration(), &mut incoming, &mut log).unwrap();
        let root = incoming
            .tree
            .find(&join(layout::II_KEY, layout::DS_ROOT))
            .unwrap();
        assert_eq!(
            root.value("SITE").unwrap().as_strings().unwrap(),
            ["\\Chicago"]
        );
        assert_eq!(
            root.text("SERVER").as_deref(),
            Some("\\Chicago\\Production\\helios")
        );
    }
}
