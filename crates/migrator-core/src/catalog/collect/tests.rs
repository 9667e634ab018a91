use std::collections::HashMap;

use super::*;
use crate::catalog::fixture::{self, SERVER, SITE};
use crate::catalog::{select, Scope};
use crate::registry::fold;

fn collect_from(spec: &str, ii: &str) -> (tempfile::TempDir, Collection) {
    let dir = tempfile::tempdir().unwrap();
    let (image, tree, identity) = fixture::write_image(dir.path(), ii);
    let selection = select(spec, &Scope::of(&identity)).unwrap();
    let collection = collect(
        &image,
        &tree,
        &identity,
        &selection,
        &CollectOptions::default(),
    )
    .unwrap();
    (dir, collection)
}

fn component<'a>(collection: &'a Collection, name: &str) -> &'a Collected {
    collection
        .components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name} was not collected"))
}

fn owned_keys(collected: &Collected) -> Vec<String> {
    collected
        .roots
        .iter()
        .flat_map(|root| {
            let key = collected.tree.find(root).unwrap();
            key.walk()
                .into_iter()
                .map(|(path, _)| fold(&join(root, &path)))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn files(collected: &Collected) -> Vec<&str> {
    collected
        .files
        .iter()
        .map(|f| f.archive_path.as_str())
        .collect()
}

#[test]
fn a_fragment_holds_only_the_component_subtrees_at_absolute_paths() {
    let (_dir, collection) = collect_from("Users", layout::II_KEY);
    let users = component(&collection, "Users");
    let production = format!(
        "{}\\EIC\\Directory Services\\Root\\{SITE}\\Production",
        layout::II_KEY
    );
    assert_eq!(
        users.roots,
        [
            format!("{production}\\Users"),
            format!("{production}\\Live Data\\User Status")
        ]
    );
    let keys: Vec<String> = users
        .tree
        .walk()
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    let on_the_way = |k: &String| is_within(k, layout::II_KEY) || is_within(layout::II_KEY, k);
    assert!(keys.iter().all(on_the_way), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains("Workgroups")), "{keys:?}");
    assert!(users
        .tree
        .find(&format!("{production}\\Users\\alice"))
        .is_some());
    assert_eq!((users.items, users.keys, users.values), (2, 5, 3));
    let workgroups = component(&collection, "Workgroups");
    assert_eq!(
        workgroups.reason,
        Reason::PulledIn {
            by: "Users".into(),
            reason: "workgroup memberships travel with the workgroups",
        }
    );
}

#[test]
fn a_32_bit_source_is_written_at_the_64_bit_path() {
    let (_dir, collection) = collect_from("Mail", layout::II_KEY_WOW64);
    let mail = component(&collection, "Mail");
    let path = format!(
        "{}\\{}",
        layout::II_KEY,
        layout::resolve(layout::MAIL, SITE, SERVER)
    );
    let key = mail.tree.find(&path).expect("mail at the 64-bit path");
    assert_eq!(
        key.text(layout::MAIL_ROOT_PATH).as_deref(),
        Some("D:\\Mail")
    );
    assert_eq!(mail.items, 1);
}

#[test]
fn file_lists_are_install_relative_with_slashes_and_all_sub_folders() {
    let (_dir, collection) = collect_from("Dial Plan, Reports, Handlers", layout::II_KEY);
    assert_eq!(
        files(component(&collection, "Dial Plan")),
        [
            "Server/DialPlan/Regional/us.xml",
            "Server/DialPlan/plan.xml"
        ]
    );
    assert_eq!(
        files(component(&collection, "Reports")),
        ["Server/Reports/Custom/sales.rpt"]
    );
    let handlers = component(&collection, "Handlers");
    assert_eq!(
        files(handlers),
        [
            "Handlers/Custom/MyHandler.ihd",
            "Handlers/Custom/Sub/Deep/Other.ihd"
        ]
    );
    assert_eq!(handlers.files[0].size, "handler".len() as u64);
}

#[test]
fn another_custom_handler_folder_is_stored_under_handlers_custom() {
    let dir = tempfile::tempdir().unwrap();
    let (image, tree, identity) = fixture::write_image(dir.path(), layout::II_KEY);
    let mine = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(mine.path().join("a/b")).unwrap();
    std::fs::write(mine.path().join("a/b/Mine.ihd"), "x").unwrap();
    let selection = select("Handlers", &Scope::of(&identity)).unwrap();
    let options = CollectOptions {
        custom_handlers: Some(mine.path().to_path_buf()),
    };
    let collection = collect(&image, &tree, &identity, &selection, &options).unwrap();
    assert_eq!(
        files(&collection.components[0]),
        ["Handlers/Custom/a/b/Mine.ihd"]
    );

    let options = CollectOptions {
        custom_handlers: Some(mine.path().join("missing")),
    };
    let error = collect(&image, &tree, &identity, &selection, &options).unwrap_err();
    assert!(
        error.message().contains("does not exist"),
        "{}",
        error.message()
    );
}

#[test]
fn button_icons_are_the_files_the_buttons_name_and_nothing_outside_resources() {
    let (_dir, collection) = collect_from("Client Buttons", layout::II_KEY);
    assert_eq!(files(&collection.components[0]), ["Resources/phone.ico"]);
    assert_eq!(collection.components[0].items, 4);
    assert_eq!(collection.warnings.len(), 2, "{:?}", collection.warnings);
    assert!(collection.warnings[0].contains("not a plain file name"));
    assert!(collection.warnings[1].contains("gone.ico"));
}

/// Every key and every file of an export of everything belongs to one component only.
#[test]
fn components_do_not_overlap_on_the_sample_image() {
    let (_dir, collection) = collect_from("all", layout::II_KEY);
    let mut owners: HashMap<String, &str> = HashMap::new();
    for collected in &collection.components {
        let items = owned_keys(collected)
            .into_iter()
            .chain(collected.files.iter().map(|f| fold(&f.archive_path)));
        for item in items {
            if let Some(other) = owners.insert(item.clone(), &collected.name) {
                panic!("{item} belongs to {other} and {}", collected.name);
            }
        }
    }
    assert!(
        owners.len() > 20,
        "the fixture covers too little: {}",
        owners.len()
    );
    let switchover = fold(&format!(
        "{}\\{}",
        layout::II_KEY,
        layout::resolve(layout::SWITCHOVER, SITE, SERVER)
    ));
    assert!(
        !owners.contains_key(&switchover),
        "Switchover settings are never exported"
    );
}

#[test]
fn a_server_named_like_a_container_is_refused_before_anything_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    let (image, tree, mut identity) = fixture::write_image(dir.path(), layout::II_KEY);
    identity.server = "Users".into();
    let selection = select("all", &Scope::of(&identity)).unwrap();
    let error = collect(
        &image,
        &tree,
        &identity,
        &selection,
        &CollectOptions::default(),
    )
    .unwrap_err();
    assert!(
        error.message().contains("would belong to both"),
        "{}",
        error.message()
    );
}

#[test]
fn a_component_may_own_the_values_of_a_key_whose_subkeys_are_elsewhere() {
    let (_dir, collection) = collect_from("IPA Settings", layout::II_KEY);
    let ipa = format!(
        "{}\\{}",
        layout::II_KEY,
        layout::resolve(layout::IPA, SITE, SERVER)
    );
    let settings = component(&collection, "IPA Settings");
    let key = settings.tree.find(&ipa).expect("the IPA key");
    assert_eq!(key.text("Work Item Retention Days").as_deref(), Some("90"));
    assert_eq!(key.subkey_count(), 0, "IPA Settings holds no process");
    assert_eq!((settings.items, settings.keys, settings.values), (1, 1, 1));
    let processes = component(&collection, "IPA Processes");
    let key = processes
        .tree
        .find(&ipa)
        .expect("the IPA key as an ancestor");
    assert_eq!(key.value_count(), 0, "IPA Processes holds no setting");
    assert_eq!(processes.items, 1);
}
