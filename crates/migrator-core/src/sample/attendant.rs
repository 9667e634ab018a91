//! Interaction Attendant in a CIC sample: the active configuration (server node, inbound
//! profiles, schedules and nested operations, each node with `Name`, `Type` and a
//! `FullNodePath` that holds the site and server names), its wave prompts per language, and
//! the localized system prompts of language packs.
//!
//! Language folders follow the release: base languages are `fr-fr` before
//! [`Feature::SingleElementLanguageFolders`] and `fr` from it on (see [`language_folder`]).

use std::collections::VecDeque;

use rand::Rng;

use super::image::{Builder, Entry, FileContent};
use super::names;
use super::people::{workgroup_extension, People};
use super::wave::Wave;
use crate::layout;
use crate::server::counts;
use crate::version::{CicVersion, Feature};

/// Languages of prompts, the first being the server's own.
const LANGUAGES: &[&str] = &["en-us", "fr-fr", "es-es", "de-de", "fr-ca"];

/// Prompt names every attendant configuration uses, before numbered ones.
const PROMPT_NAMES: &[&str] = &[
    "Welcome",
    "MainMenu",
    "ClosedMessage",
    "HolidayGreeting",
    "PleaseHold",
    "InvalidSelection",
    "TransferToOperator",
    "Goodbye",
];

/// The name of the active configuration subkey.
const ACTIVE_CONFIG: &str = "Attendant";

/// Node types of operations that end a branch, with how often they occur.
const LEAF_TYPES: &[&str] = &[
    "Play Info",
    "Transfer to Workgroup",
    "Transfer to Workgroup",
    "Transfer to User",
    "Dial by Name",
    "Subroutine Initiator",
    "Voicemail",
    "Disconnect",
];

/// The folder name of a language's prompts on a release: a base language (`fr-fr`, `de-de`:
/// the region repeats the language) becomes its single element (`fr`) on releases with
/// [`Feature::SingleElementLanguageFolders`]; other tags (`en-us`, `fr-ca`) stay as they are.
pub fn language_folder(tag: &str, version: CicVersion) -> String {
    let lower = tag.to_ascii_lowercase();
    match lower.split_once('-') {
        Some((language, region))
            if language == region && version.has(Feature::SingleElementLanguageFolders) =>
        {
            language.to_string()
        }
        _ => lower,
    }
}

/// The prompt names of a sample, the same in every language.
pub struct Prompts {
    /// File names without the `.wav` extension.
    pub names: Vec<String>,
}

impl Prompts {
    /// One of the prompts, at random.
    fn pick(&self, b: &mut Builder) -> String {
        match self.names.len() {
            0 => PROMPT_NAMES[0].to_string(),
            n => self.names[b.rng.gen_range(0..n)].clone(),
        }
    }
}

/// Writes the attendant prompts of every language and the language-pack prompts.
pub fn prompts(b: &mut Builder) -> Prompts {
    let names: Vec<String> = (0..b.scale.prompts_per_language)
        .map(|i| match PROMPT_NAMES.get(i) {
            Some(name) => name.to_string(),
            None => format!("Prompt_{i:04}"),
        })
        .collect();
    let languages = &LANGUAGES[..b.scale.languages.min(LANGUAGES.len())];
    for (index, tag) in languages.iter().enumerate() {
        let folder = language_folder(tag, b.version());
        for name in &names {
            let path = format!("{}\\{folder}\\{name}.wav", layout::ATTENDANT_WAVES_DIR);
            let wave = random_wave(b);
            b.file(path, FileContent::Wave(wave));
        }
        if index > 0 {
            for i in 0..b.scale.language_prompts {
                let path = format!(
                    "{}\\{folder}\\System_{i:03}.wav",
                    layout::LANGUAGE_PROMPTS_DIR
                );
                let wave = random_wave(b);
                b.file(path, FileContent::Wave(wave));
            }
            b.count(counts::LANGUAGE_PROMPTS, b.scale.language_prompts);
        }
    }
    b.count(counts::PROMPTS, names.len() * languages.len());
    Prompts { names }
}

fn random_wave(b: &mut Builder) -> Wave {
    let average = b.scale.prompt_bytes as u64;
    let bytes = b.rng.gen_range(average / 2..=average + average / 2);
    let tone = b.rng.gen_range(300..1_200u32);
    Wave::of_size(b.rng.gen(), bytes, tone)
}

/// Writes `AttendantData` with its active configuration.
pub fn build(b: &mut Builder, people: &People, prompts: &Prompts) {
    let prefix = format!(
        "{}\\Production\\{}\\AttendantData\\{ACTIVE_CONFIG}",
        b.site(),
        b.server()
    );
    let mut tree = NodeTree::new(prefix, b.rng.gen());
    let total = b.scale.attendant_nodes.max(4);
    let schedules = skeleton(b, &mut tree, total);
    let mut budget = total - tree.len();
    for (i, &schedule) in schedules.iter().enumerate() {
        let share = budget / (schedules.len() - i);
        budget -= share;
        operations(b, &mut tree, schedule, share, people, prompts);
    }
    b.count(counts::ATTENDANT_NODES, tree.len());
    let config = tree.into_entry(Entry::new(ACTIVE_CONFIG).sz("Version", "2"));
    b.set(
        layout::ATTENDANT_DATA,
        Entry::new("")
            .sz(layout::ACTIVE_CONFIG_VALUE, ACTIVE_CONFIG)
            .sz("Published By", "icadmin"),
    );
    b.put(layout::ATTENDANT_DATA, config);
}

/// Adds the server node, one inbound profile per 400 nodes and two schedules per profile;
/// returns the schedules, under which the operations go.
fn skeleton(b: &mut Builder, tree: &mut NodeTree, total: usize) -> Vec<usize> {
    let server = tree.add(None, node(b.server(), "Server"));
    let mut schedules = Vec::new();
    for p in 0..(total / 400).max(1) {
        let profile = tree.add(Some(server), profile_node(b, p));
        for s in 0..2 {
            schedules.push(tree.add(Some(profile), schedule_node(s)));
        }
    }
    schedules
}

fn node(name: &str, kind: &str) -> Entry {
    Entry::new("")
        .sz(layout::NODE_NAME_VALUE, name)
        .sz(layout::NODE_TYPE_VALUE, kind)
}

fn profile_node(b: &Builder, index: usize) -> Entry {
    let name = match index {
        0 => "Default Profile".to_string(),
        1 => format!("{} Main Line", b.site()),
        i => format!("{} Line", names::function_name(i)),
    };
    let dnis = format!("800555010{}", index % 10);
    node(&name, "Inbound Profile")
        .flag("Default", index == 0)
        .multi("Match DNIS", &[dnis])
}

fn schedule_node(index: usize) -> Entry {
    match index {
        0 => node("Default Schedule", "Schedule").flag("Default", true),
        _ => node("Business Hours", "Schedule")
            .flag("Default", false)
            .sz("Recurrence", "Mon-Fri 08:00-17:00")
            .sz("System Schedule", "Business Hours"),
    }
}

/// Adds `budget` operation nodes under `schedule`: a main menu, then menus and leaves level
/// by level, with up to nine choices per menu.
fn operations(
    b: &mut Builder,
    tree: &mut NodeTree,
    schedule: usize,
    budget: usize,
    people: &People,
    prompts: &Prompts,
) {
    if budget == 0 {
        return;
    }
    let main = tree.add(Some(schedule), menu(b, "Main Menu", prompts));
    let mut menus = VecDeque::from([main]);
    let mut left = budget - 1;
    while left > 0 {
        let parent = menus.pop_front().unwrap_or(main);
        let choices = b.rng.gen_range(2..=9usize).min(left);
        for digit in 1..=choices {
            let last = digit == choices;
            let entry = if b.rng.gen_bool(0.3) || (last && menus.is_empty()) {
                menu(b, &format!("Option {digit} Menu"), prompts)
            } else {
                leaf(b, people, prompts)
            };
            let entry = entry.sz("Digit", &digit.to_string());
            let is_menu = entry.0.text(layout::NODE_TYPE_VALUE).as_deref() == Some("Menu");
            let id = tree.add(Some(parent), entry);
            if is_menu {
                menus.push_back(id);
            }
        }
        left -= choices;
    }
}

fn menu(b: &mut Builder, name: &str, prompts: &Prompts) -> Entry {
    let prompt = prompts.pick(b);
    node(name, "Menu").sz("Prompt", &prompt).sz("Timeout", "5")
}

fn leaf(b: &mut Builder, people: &People, prompts: &Prompts) -> Entry {
    let kind = names::pick(&mut b.rng, LEAF_TYPES);
    match kind {
        "Transfer to Workgroup" if !people.workgroups.is_empty() => {
            let i = b.rng.gen_range(0..people.workgroups.len());
            let group = &people.workgroups[i];
            node(&format!("To {group}"), kind)
                .sz("Workgroup", group)
                .sz("Extension", &workgroup_extension(i))
        }
        "Transfer to User" | "Voicemail" => {
            let user = &people.users[b.rng.gen_range(0..people.users.len())];
            node(&format!("{kind} {user}"), kind).sz("User", user)
        }
        "Subroutine Initiator" => {
            node("Custom Lookup", kind).sz("Subroutine", "CustomAttendantLookup")
        }
        "Dial by Name" => node("Company Directory", kind).sz("Search Scope", "Users"),
        "Disconnect" => node("Goodbye", kind),
        _ => {
            let prompt = prompts.pick(b);
            node(&format!("Info {prompt}"), "Play Info").sz("Prompt", &prompt)
        }
    }
}

/// Attendant nodes collected flat, each knowing its parent, then folded into one key tree.
struct NodeTree {
    prefix: String,
    salt: u32,
    nodes: Vec<(Option<usize>, String, Entry)>,
}

impl NodeTree {
    fn new(prefix: String, salt: u32) -> NodeTree {
        NodeTree {
            prefix,
            salt,
            nodes: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Adds a node under `parent` (the configuration itself when `None`), naming its key with
    /// a unique id and setting its `FullNodePath`; returns its index.
    fn add(&mut self, parent: Option<usize>, entry: Entry) -> usize {
        let index = self.nodes.len();
        // An odd multiplier is a bijection on u32, so ids never repeat.
        let id = format!(
            "{:08X}",
            (index as u32).wrapping_mul(0x9E37_79B1) ^ self.salt
        );
        let path = match parent {
            Some(p) => format!("{}\\{id}", self.nodes[p].1),
            None => format!("{}\\{id}", self.prefix),
        };
        let mut entry = entry.sz(layout::FULL_NODE_PATH_VALUE, &path);
        entry.0.set_name(id);
        self.nodes.push((parent, path, entry));
        index
    }

    /// Folds the nodes into `config`: children are attached before their parents move.
    fn into_entry(self, config: Entry) -> Entry {
        let mut slots: Vec<(Option<usize>, Option<Entry>)> = self
            .nodes
            .into_iter()
            .map(|(parent, _, entry)| (parent, Some(entry)))
            .collect();
        let mut config = config;
        for index in (0..slots.len()).rev() {
            let (parent, entry) = (slots[index].0, slots[index].1.take());
            let Some(entry) = entry else { continue };
            match parent.and_then(|p| slots[p].1.as_mut()) {
                Some(parent) => parent.0.insert_subkey(entry.0),
                None => config.0.insert_subkey(entry.0),
            }
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_languages_lose_their_region_on_newer_releases() {
        let old: CicVersion = "2016 R1".parse().unwrap();
        let new: CicVersion = "2023 R3".parse().unwrap();
        assert_eq!(language_folder("fr-fr", old), "fr-fr");
        assert_eq!(language_folder("fr-FR", new), "fr");
        assert_eq!(language_folder("fr-ca", new), "fr-ca");
        assert_eq!(language_folder("en-us", new), "en-us");
    }
}
