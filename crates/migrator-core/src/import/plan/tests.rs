//! The planner on hand-made data: each kind of action, the rule behind it, and the refusals.

use std::fs;
use std::path::PathBuf;

use super::*;
use crate::error::ErrorKind;
use crate::incoming::{Destination, FilePolicy, IncomingFile};
use crate::layout::{II_KEY, II_KEY_WOW64};
use crate::registry::{join, Value};

const USERS: &str = "EIC\\Directory Services\\Root\\Indy\\Production\\Users";

struct World {
    target: RegTree,
    install: tempfile::TempDir,
    extracted: tempfile::TempDir,
}

fn world() -> World {
    let mut target = RegTree::new();
    let alice = target.ensure(&join(II_KEY, &join(USERS, "alice")));
    alice.set_value(Value::sz("Extension", "1001"));
    alice.set_value(Value::sz("Nickname", "Al"));
    World {
        target,
        install: tempfile::tempdir().unwrap(),
        extracted: tempfile::tempdir().unwrap(),
    }
}

impl World {
    fn plan(&self, incoming: &[Incoming], log: &RuleLog) -> crate::error::Result<Plan> {
        let target = Target {
            tree: &self.target,
            install_dir: self.install.path(),
            kind: ServerKind::Cic,
        };
        build(target, incoming, log, Mode::Migration)
    }

    fn file(&self, relative: &str, content: &str, policy: FilePolicy) -> IncomingFile {
        let source = self.extracted.path().join(relative.replace('\\', "_"));
        fs::write(&source, content).unwrap();
        IncomingFile {
            archive_path: relative.replace('\\', "/"),
            source,
            destination: Destination::Install(relative.to_string()),
            policy,
        }
    }

    fn on_server(&self, relative: &str, content: &str) {
        let path: PathBuf = self.install.path().join(relative.replace('\\', "/"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
}

fn users(values: &[(&str, Value)]) -> Incoming {
    let mut incoming = Incoming::new("Users");
    for (user, value) in values {
        let key = incoming.tree.ensure(&join(II_KEY, &join(USERS, user)));
        key.set_value(value.clone());
    }
    incoming
}

fn summary(plan: &Plan) -> Vec<String> {
    plan.actions
        .iter()
        .map(|a| {
            let rule = a.rule.map(|r| format!(" [{r}]")).unwrap_or_default();
            format!("{} {}{rule}", a.kind.label(), short(&a.item.describe()))
        })
        .collect()
}

fn short(path: &str) -> String {
    path.replace(&format!("{II_KEY}\\{USERS}\\"), "")
}

#[test]
fn ds_entries_are_imported_in_overwrite_mode() {
    let world = world();
    let incoming = users(&[
        ("alice", Value::sz("Extension", "4567")),
        ("alice", Value::sz("Department", "Sales")),
        ("bob", Value::sz("Extension", "1002")),
    ]);
    let plan = world.plan(&[incoming], &RuleLog::default()).unwrap();
    assert_eq!(
        summary(&plan),
        [
            "overwrite value alice @ \"Extension\"",
            "set value alice @ \"Department\"",
            "keep value alice @ \"Nickname\"",
            "create key bob",
            "set value bob @ \"Extension\"",
        ]
    );
    let overwrite = &plan.actions[0];
    assert_eq!(overwrite.old_shown(), Some("\"1001\""));
    assert_eq!(overwrite.new_shown().as_deref(), Some("\"4567\""));
    assert_eq!(plan.change_count(), 4);
}

#[test]
fn data_already_on_the_target_plans_nothing() {
    let world = world();
    let incoming = users(&[("alice", Value::sz("extension", "1001"))]);
    let plan = world.plan(&[incoming], &RuleLog::default()).unwrap();
    assert!(plan.is_empty(), "{:?}", summary(&plan));
    assert_eq!(plan.components[0].unchanged, 2, "the key and its value");
}

#[test]
fn rules_name_renames_and_skips() {
    let world = world();
    let mut incoming = users(&[
        ("carol_migrated", Value::sz("Extension", "1003")),
        ("alice", Value::sz("Extension", "1009")),
        ("dave", Value::sz("Extension", "1004")),
    ]);
    let dave = join(II_KEY, &join(USERS, "dave"));
    incoming.excluded.push((dave, "no-dave"));
    let alice = join(II_KEY, &join(USERS, "alice"));
    incoming
        .excluded
        .push((format!("{alice}@Extension"), "keep-extension"));
    let mut log = RuleLog::default();
    let carol = join(II_KEY, &join(USERS, "carol_migrated"));
    log.renamed("Users", &carol, "migrated-suffix", "carol");
    let plan = world.plan(&[incoming], &log).unwrap();
    assert_eq!(
        summary(&plan),
        [
            "skip dave [no-dave]",
            "skip alice @ \"Extension\" [keep-extension]",
            "rename carol_migrated [migrated-suffix]",
            "set value carol_migrated @ \"Extension\" [migrated-suffix]",
            "keep value alice @ \"Nickname\"",
        ]
    );
    assert_eq!(plan.actions[2].detail(), Some("renamed from carol"));
}

#[test]
fn rows_a_rule_merged_are_merges() {
    let world = world();
    let table = "EIC\\Directory Services\\Root\\Indy\\Production\\Configuration\\DNIS Mappings";
    let row = join(II_KEY, &join(table, "5551000"));
    let mut incoming = Incoming::new("DNIS Mappings");
    incoming
        .tree
        .ensure(&row)
        .set_value(Value::sz("Extension", "2001"));
    let mut log = RuleLog::default();
    log.change(
        "DNIS Mappings",
        &row,
        "dnis-merge",
        "added: DNIS 5551000".into(),
    );
    let plan = world.plan(&[incoming], &log).unwrap();
    let kinds: Vec<ActionKind> = plan.actions.iter().map(|a| a.kind).collect();
    assert!(
        kinds.ends_with(&[ActionKind::CreateKey, ActionKind::Merge]),
        "{kinds:?}"
    );
    assert_eq!(plan.actions.last().unwrap().rule, Some("dnis-merge"));
}

#[test]
fn a_key_a_rule_replaces_whole_loses_what_only_the_target_had() {
    let mut world = world();
    let alice = join(II_KEY, &join(USERS, "alice"));
    let profile = world.target.ensure(&join(&alice, "Profile\\Old"));
    profile.set_value(Value::sz("Greeting", "hello"));
    world
        .target
        .ensure(&join(&alice, "Kept"))
        .set_value(Value::sz("Note", "excluded from the import"));
    let mut incoming = users(&[("alice", Value::sz("Extension", "1001"))]);
    incoming.tree.ensure(&join(&alice, "Kept"));
    incoming.excluded.push((join(&alice, "Kept"), "keep-this"));
    incoming.replaced.push((alice.clone(), "replace-alice"));
    let plan = world.plan(&[incoming], &RuleLog::default()).unwrap();
    assert_eq!(
        summary(&plan),
        [
            "skip alice\\Kept [keep-this]",
            "delete value alice @ \"Nickname\" [replace-alice]",
            "delete key alice\\Profile [replace-alice]",
        ],
        "the excluded key stays, the rest only the target had goes"
    );
    assert_eq!(plan.actions[1].old_shown(), Some("\"Al\""));
    assert_eq!(plan.actions[2].detail(), Some("with 1 subkey and 1 value"));
    assert_eq!(plan.change_count(), 2);
    assert_eq!(plan.actions[2].kind.tally(), Tally::Deleted);
}

#[test]
fn a_deleted_secrets_parameter_keeps_its_data_hidden() {
    let mut world = world();
    let alice = join(II_KEY, &join(USERS, "alice"));
    let vault = world.target.ensure(&join(&alice, "Vault"));
    vault.set_value(Value::sz("Type", "Secrets"));
    vault.set_value(Value::sz("Data", "hunter2"));
    let mut incoming = users(&[("alice", Value::sz("Extension", "1001"))]);
    incoming.tree.ensure(&join(&alice, "Vault"));
    incoming.replaced.push((alice.clone(), "replace-alice"));
    let plan = world.plan(&[incoming], &RuleLog::default()).unwrap();
    let data = plan
        .actions
        .iter()
        .find(|a| a.item.value_name() == Some("Data"))
        .expect("the secret is deleted");
    assert_eq!(data.kind, ActionKind::DeleteValue);
    let shown = data.old_shown().unwrap();
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn a_32_bit_source_is_written_where_the_target_keeps_its_data() {
    let world = world();
    let mut incoming = Incoming::new("Users");
    let path = join(II_KEY_WOW64, &join(USERS, "alice"));
    incoming
        .tree
        .ensure(&path)
        .set_value(Value::sz("Extension", "2002"));
    let plan = world.plan(&[incoming], &RuleLog::default()).unwrap();
    let first = &plan.actions[0];
    assert_eq!(first.item.path(), join(II_KEY, &join(USERS, "alice")));
}

#[test]
fn registry_data_outside_the_product_key_is_refused() {
    let world = world();
    let mut incoming = Incoming::new("Users");
    let run = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run";
    incoming
        .tree
        .ensure(run)
        .set_value(Value::sz("evil", "x.exe"));
    let error = world.plan(&[incoming], &RuleLog::default()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert!(
        error.message().contains("CurrentVersion"),
        "{}",
        error.message()
    );
}

#[test]
fn files_are_kept_unless_their_policy_overwrites() {
    let world = world();
    world.on_server("Server\\LRA\\LRAConfig.xml", "old");
    world.on_server("Resources\\phone.ico", "old icon");
    world.on_server("Resources\\same.ico", "same");
    let mut incoming = Incoming::new("Files");
    incoming.files = vec![
        world.file("Server\\LRA\\LRAConfig.xml", "new", FilePolicy::Overwrite),
        world.file("Resources\\phone.ico", "new icon", FilePolicy::KeepExisting),
        world.file("Resources\\same.ico", "same", FilePolicy::KeepExisting),
        world.file("Resources\\new.ico", "fresh", FilePolicy::KeepExisting),
    ];
    incoming.files.push(IncomingFile {
        destination: Destination::ExtractOnly,
        ..world.file("Handlers\\Custom\\A.ihd", "h", FilePolicy::KeepExisting)
    });
    let plan = world.plan(&[incoming], &RuleLog::default()).unwrap();
    assert_eq!(
        summary(&plan),
        [
            "overwrite file Server\\LRA\\LRAConfig.xml",
            "keep existing file Resources\\phone.ico",
            "copy file Resources\\new.ico",
            "extract only Handlers\\Custom\\A.ihd",
        ]
    );
    assert_eq!(plan.components[0].unchanged, 1);
}

#[test]
fn file_destinations_stay_inside_the_install_tree() {
    let world = world();
    for bad in [
        "..\\registry.reg",
        "Server\\..\\..\\x",
        "C:\\Windows\\x.dll",
        "\\abs",
        "Migrator\\Imports\\x",
        "a\\\\b",
    ] {
        let mut incoming = Incoming::new("Files");
        let mut file = world.file("ok.txt", "x", FilePolicy::KeepExisting);
        file.destination = Destination::Install(bad.to_string());
        incoming.files.push(file);
        let error = world.plan(&[incoming], &RuleLog::default()).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{bad}");
    }
}

#[cfg(unix)]
#[test]
fn a_link_on_the_way_is_refused() {
    let world = world();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), world.install.path().join("Resources")).unwrap();
    let mut incoming = Incoming::new("Files");
    incoming.files = vec![world.file("Resources\\x.ico", "x", FilePolicy::KeepExisting)];
    let error = world.plan(&[incoming], &RuleLog::default()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
}

#[test]
fn later_components_see_what_earlier_ones_planned() {
    let world = world();
    let first = users(&[("erin", Value::sz("Extension", "1005"))]);
    let mut second = users(&[("erin", Value::sz("Extension", "1005"))]);
    second.component = "Zeta".into();
    let plan = world.plan(&[second, first], &RuleLog::default()).unwrap();
    assert_eq!(plan.components[0].name, "Users", "catalog order first");
    assert_eq!(
        plan.actions_of("Zeta").count(),
        0,
        "already planned by Users"
    );
}
