//! `migrator diff`: two exports of one sample server, with changes made between them.

mod cli_common;

use std::path::{Path, PathBuf};

use cli_common::{archives, migrator, sample_image, stderr, stdout};
use migrator_core::layout;
use migrator_core::registry::{regfile, RegTree, Value};

const OLD_SECRET: &str = "old-notifier-secret-1";
const NEW_SECRET: &str = "new-notifier-secret-2";

fn load(image: &Path) -> RegTree {
    let bytes = std::fs::read(image.join("registry.reg")).unwrap();
    regfile::parse(&bytes, &regfile::ReadOptions::new("registry.reg"))
        .unwrap()
        .to_tree()
}

fn store(image: &Path, tree: &RegTree) {
    let mut bytes = Vec::new();
    regfile::write_export(tree, &mut bytes).unwrap();
    std::fs::write(image.join("registry.reg"), bytes).unwrap();
}

fn users_path() -> String {
    format!(
        "{}\\{}",
        layout::II_KEY,
        layout::resolve(layout::USERS, "Indy", "calliope")
    )
}

fn export(tmp: &Path, image: &Path, out: &Path) -> PathBuf {
    let output = migrator(tmp)
        .args(["export", "--nodes", "Users, Handlers", "--server"])
        .arg(image)
        .arg("--out")
        .arg(out)
        .env("MIGRATOR_PASSWORD", "diff-test")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    archives(out).remove(0)
}

/// Exports, then changes one user, removes another, adds a third, changes a secret and adds
/// a custom handler, and exports again. Returns the two archives and the user names touched.
fn two_exports(tmp: &Path) -> (PathBuf, PathBuf, [String; 2]) {
    let image = sample_image(&tmp.join("calliope"), "calliope", "Indy", "2016 R1");
    let mut tree = load(&image);
    let users = tree.find_mut(&users_path()).expect("the sample has users");
    let names: Vec<String> = users.subkeys().map(|k| k.name().to_owned()).collect();
    let first = users.subkey_mut(&names[0]).unwrap();
    first.set_value(Value::sz("NotifierPassword", OLD_SECRET));
    store(&image, &tree);
    let a = export(tmp, &image, &tmp.join("a"));

    let users = tree.find_mut(&users_path()).unwrap();
    let first = users.subkey_mut(&names[0]).unwrap();
    first.set_value(Value::sz(layout::USER_DISPLAY_NAME, "Renamed Person"));
    first.set_value(Value::sz("NotifierPassword", NEW_SECRET));
    users.remove_subkey(&names[1]);
    users
        .ensure_subkey("zz.newcomer")
        .set_value(Value::sz(layout::USER_DISPLAY_NAME, "New Comer"));
    store(&image, &tree);
    let handler = image.join("I3/IC/Handlers/Custom/AddedByDiffTest.ihd");
    std::fs::create_dir_all(handler.parent().unwrap()).unwrap();
    std::fs::write(&handler, "handler body").unwrap();
    let b = export(tmp, &image, &tmp.join("b"));
    (a, b, [names[0].clone(), names[1].clone()])
}

fn diff_json(tmp: &Path, a: &Path, b: &Path) -> serde_json::Value {
    let output = migrator(tmp)
        .args(["diff", "--json"])
        .args([a, b])
        .env("MIGRATOR_PASSWORD", "diff-test")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        !text.contains(OLD_SECRET) && !text.contains(NEW_SECRET),
        "{text}"
    );
    serde_json::from_str(&text).unwrap()
}

fn component<'a>(diff: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    diff["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} differs: {diff:#}"))
}

#[test]
fn diff_reports_each_changed_key_value_and_file_with_secrets_masked() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, [changed, removed]) = two_exports(tmp.path());
    let diff = diff_json(tmp.path(), &a, &b);
    assert_eq!(diff["same_server"], true);

    let users = component(&diff, "Users");
    let keys = users["keys"].as_array().unwrap();
    let has_key = |suffix: &str, change: &str| {
        keys.iter()
            .any(|k| k["change"] == change && k["path"].as_str().unwrap().ends_with(suffix))
    };
    assert!(has_key(&format!("\\{removed}"), "removed"), "{keys:?}");
    assert!(has_key("\\zz.newcomer", "added"), "{keys:?}");
    assert_eq!(keys.len(), 2, "{keys:?}");

    let values = users["values"].as_array().unwrap();
    let renamed = values
        .iter()
        .find(|v| v["name"] == layout::USER_DISPLAY_NAME && v["change"] == "changed")
        .expect("the display name change is listed");
    assert!(renamed["key"].as_str().unwrap().ends_with(&changed));
    assert_eq!(renamed["new"]["data"], "Renamed Person");
    assert!(renamed["old"]["data"].as_str().unwrap() != "Renamed Person");
    let secret = values
        .iter()
        .find(|v| v["name"] == "NotifierPassword")
        .expect("the secret's change is listed");
    assert_eq!(secret["masked"], true);
    assert_eq!(secret["old"]["data"], "********");

    let handlers = component(&diff, "Handlers");
    let files = handlers["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0]["change"], "added");
    assert!(files[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("AddedByDiffTest.ihd"));
}

#[test]
fn an_archive_compared_with_itself_has_no_differences_and_text_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _, _) = two_exports(tmp.path());
    let output = migrator(tmp.path())
        .arg("diff")
        .args([&a, &a])
        .env("MIGRATOR_PASSWORD", "diff-test")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("0 component(s) differ"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_wrong_password_has_its_own_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, _) = two_exports(tmp.path());
    let output = migrator(tmp.path())
        .arg("diff")
        .args([&a, &b])
        .env("MIGRATOR_PASSWORD", "not-it")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}
