//! `migrator import` and `migrator rollback` through the binary, on sample servers exported by
//! `migrator export`: Recovery brings changed and deleted data back and leaves everything else
//! byte-identical, a second import plans nothing, the plan is what runs over every sample, a
//! write that fails (permission denied, a full disk) ends with the server byte-identical after
//! the automatic rollback, a crafted archive or a wrong password writes nothing, and rollback
//! returns the server exactly to its state before the import.

mod cli_common;

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cli_common::{archives, migrator, stderr, stdout, RamDisk};
use migrator_core::archive::manifest::{component_entry, ComponentRecord, Manifest};
use migrator_core::archive::ManifestHeader;
use migrator_core::import::lock;
use migrator_core::layout::{self, resolve};
use migrator_core::registry::{join, Value};
use migrator_core::sample::{self, SampleSpec, Size};
use migrator_core::server::{self, ServerImage, ServerKind};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// A scratch folder holding images, archives, extraction folders and the logs.
struct Lab {
    dir: tempfile::TempDir,
    made: std::cell::Cell<usize>,
}

impl Lab {
    fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().unwrap(),
            made: std::cell::Cell::new(0),
        }
    }

    /// A fresh name for a folder of this lab.
    fn fresh(&self, prefix: &str) -> PathBuf {
        self.made.set(self.made.get() + 1);
        self.path(&format!("{prefix}-{}", self.made.get()))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A small sample server in the folder `name`.
    fn sample(&self, name: &str, kind: ServerKind, server: &str, version: &str) -> PathBuf {
        let dir = self.path(name);
        sample_at(&dir, kind, server, version);
        dir
    }

    fn run(&self, args: &[&str]) -> Output {
        migrator(self.dir.path())
            .arg("-q")
            .args(args)
            .output()
            .unwrap()
    }

    /// Exports every component of `image` into a folder of its own; returns the archive.
    fn export(&self, image: &Path, extra: &[&str]) -> PathBuf {
        let out = self.fresh("out");
        let output =
            self.run(&[&["export", "--server", s(image), "--out", s(&out)], extra].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        archives(&out).pop().expect("one archive")
    }

    /// Imports `archive` into `image` with extraction folder `extract` and the given options.
    fn import(&self, archive: &Path, image: &Path, extract: &Path, args: &[&str]) -> Output {
        let base = [
            "import",
            s(archive),
            "--server",
            s(image),
            "--extract-to",
            s(extract),
        ];
        self.run(&[&base[..], args].concat())
    }
}

fn sample_at(dir: &Path, kind: ServerKind, server: &str, version: &str) {
    let spec = SampleSpec {
        kind,
        version: version.parse().unwrap(),
        site: if kind == ServerKind::Cic { "Indy" } else { "" }.to_string(),
        server: server.to_string(),
        size: Size::Small,
        seed: 11,
        command_servers: Vec::new(),
    };
    sample::generate(&spec, dir).unwrap();
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn json(output: &Output) -> Json {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(output), stderr(output)))
}

/// Every file and folder of an image except the tool's own folder, with each file's bytes and
/// permissions.
fn snapshot(image: &Path) -> BTreeMap<String, Option<(Vec<u8>, u32)>> {
    use std::os::unix::fs::PermissionsExt;
    let own = server::install_dir_of(image).join(layout::MIGRATOR_DIR);
    walkdir::WalkDir::new(image)
        .into_iter()
        .filter_entry(|e| e.path() != own)
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.path().strip_prefix(image).unwrap().display().to_string();
            let file = e.file_type().is_file().then(|| {
                let mode = e.metadata().unwrap().permissions().mode();
                (std::fs::read(e.path()).unwrap(), mode)
            });
            (name, file)
        })
        .collect()
}

/// The site-level Directory Services path of a layout location in a sample "calliope" image.
fn ds(layout_path: &str, server: &str) -> String {
    join(layout::II_KEY, &resolve(layout_path, "Indy", server))
}

/// Changes the first value of the first user and of the first workgroup; deletes the second
/// user when `delete` is set.
fn change_people(image: &Path, delete: bool) {
    let image = ServerImage::open(image).unwrap();
    let mut tree = image.load_registry().unwrap();
    for container in [layout::USERS, layout::WORKGROUPS] {
        let key = tree.find_mut(&ds(container, "calliope")).unwrap();
        let entry = key.subkeys_mut().next().unwrap();
        let name = entry.values().next().unwrap().name().to_string();
        entry.set_value(Value::sz(name, "changed on the server"));
    }
    if delete {
        let users = tree.find_mut(&ds(layout::USERS, "calliope")).unwrap();
        let second = users.subkeys().nth(1).unwrap().name().to_string();
        users.remove_subkey(&second);
    }
    image.store_registry(&tree).unwrap();
}

/// The attendant prompts of an image, smallest first.
fn prompts(image: &Path) -> Vec<PathBuf> {
    let dir = server::install_dir_of(image).join("Resources/InteractionAttendantWaves");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.is_file())
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).unwrap().len());
    files
}

/// `(component, action, path, value, rule)` of every action of a plan or run JSON.
fn action_keys(document: &Json) -> Vec<String> {
    document["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let field = |name: &str| a[name].as_str().unwrap_or("-").to_string();
            [
                field("component"),
                field("action"),
                field("path"),
                field("value"),
                field("rule"),
            ]
            .join(" | ")
        })
        .collect()
}

#[test]
fn recovery_brings_the_exported_state_back_and_touches_nothing_else() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    let exported = snapshot(&image);
    let exported_tree = ServerImage::open(&image).unwrap().load_registry().unwrap();

    change_people(&image, true);
    let deleted = prompts(&image);
    for file in &deleted[..2] {
        std::fs::remove_file(file).unwrap();
    }
    let output = lab.import(
        &archive,
        &image,
        &lab.path("x"),
        &["--mode", "recovery", "--json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["status"], "Completed");

    let restored = ServerImage::open(&image).unwrap().load_registry().unwrap();
    assert!(
        restored == exported_tree,
        "every registry value is back as exported"
    );
    let after = snapshot(&image);
    // registry.reg too, byte for byte: the deleted user comes back in its place.
    for (path, file) in &exported {
        assert_eq!(after.get(path), Some(file), "{path}");
    }
    assert_eq!(after.len(), exported.len(), "no file or folder added");
    let folder = PathBuf::from(report["folder"].as_str().unwrap());
    assert!(folder.join("report.txt").is_file() && folder.join("checklist.md").is_file());
    assert!(
        folder.join("report.json").is_file(),
        "--json writes the per-item report"
    );
}

#[test]
fn importing_one_component_leaves_every_other_one_byte_identical() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, false);

    // What the registry must be afterwards: the changed one with the workgroup put back.
    let target = ServerImage::open(&image).unwrap();
    let mut expected = target.load_registry().unwrap();
    let output = lab.import(
        &archive,
        &image,
        &lab.path("x"),
        &["--mode", "recovery", "--nodes", "workgroups", "--json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    let components: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["component"].as_str().unwrap())
        .collect();
    assert_eq!(components, ["Workgroups"]);
    let workgroups = ds(layout::WORKGROUPS, "calliope");
    let changed = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "overwrite_value")
        .unwrap();
    let key = expected
        .find_mut(changed["path"].as_str().unwrap())
        .unwrap();
    assert!(changed["path"].as_str().unwrap().starts_with(&workgroups));
    let original = lab.path("original");
    sample_at(&original, ServerKind::Cic, "calliope", "2016 R1");
    let original_tree = ServerImage::open(&original)
        .unwrap()
        .load_registry()
        .unwrap();
    let name = changed["value"].as_str().unwrap();
    let value = original_tree
        .find(changed["path"].as_str().unwrap())
        .unwrap()
        .value(name);
    key.set_value(value.unwrap().clone());
    let mut bytes = Vec::new();
    migrator_core::registry::regfile::write_export(&expected, &mut bytes).unwrap();
    assert!(
        std::fs::read(target.registry_file()).unwrap() == bytes,
        "registry.reg is the changed one with only the workgroup restored"
    );
}

#[test]
fn a_second_import_plans_nothing() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, true);
    let first = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&image);

    let plan = lab.import(
        &archive,
        &image,
        &lab.path("x"),
        &["--mode", "recovery", "--plan"],
    );
    assert!(
        stdout(&plan).contains("Nothing to change"),
        "{}",
        stdout(&plan)
    );
    let again = lab.import(
        &archive,
        &image,
        &lab.path("x"),
        &["--mode", "recovery", "--json"],
    );
    let report = json(&again);
    let writes = [
        "create_key",
        "set_value",
        "overwrite_value",
        "rename",
        "merge",
        "copy_file",
        "overwrite_file",
        "delete_key",
        "delete_value",
    ];
    let written: Vec<&Json> = report["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| writes.contains(&a["action"].as_str().unwrap()))
        .collect();
    assert!(written.is_empty(), "{written:?}");
    assert_eq!(snapshot(&image), before);
    // The report says why no restore point was taken, so that nobody looks for one.
    let text = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let shown = stdout(&text);
    assert!(
        shown.contains("Changes:          none") && shown.contains("no restore point"),
        "{shown}"
    );
    assert!(!shown.contains("Restore point"), "{shown}");
}

/// Plans, then imports, `archive` into `image`; the two JSON documents list the same actions.
fn planned_equals_applied(lab: &Lab, archive: &Path, image: &Path, mode: &str) {
    let extract = lab.fresh("x");
    let plan = lab.import(
        archive,
        image,
        &extract,
        &["--mode", mode, "--plan", "--json"],
    );
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    let plan = json(&plan);
    assert_eq!(plan["status"], "Planned");
    let run = lab.import(archive, image, &extract, &["--mode", mode, "--json"]);
    assert!(matches!(run.status.code(), Some(0 | 1)), "{}", stderr(&run));
    let run = json(&run);
    assert!(plan["changes"].as_u64().unwrap() > 0, "{}", image.display());
    assert_eq!(action_keys(&plan), action_keys(&run), "{}", image.display());
    assert!(run["actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["result"] == "done"));
}

#[test]
fn the_plan_is_what_runs_over_every_sample() {
    let lab = Lab::new();
    for (kind, version) in [
        (ServerKind::Cic, "2015 R1"),
        (ServerKind::Cic, "2017 R2"),
        (ServerKind::Cic, "2019 R1"),
        (ServerKind::Cic, "2023 R3"),
        (ServerKind::Media, "2018 R1"),
    ] {
        let tag = version.replace(' ', "");
        let source = lab.sample(&format!("src-{tag}"), kind, "calliope", version);
        let archive = lab.export(&source, &[]);
        let target = lab.sample(&format!("dst-{tag}"), kind, "helios", "2023 R3");
        planned_equals_applied(&lab, &archive, &target, "migration");
        if kind == ServerKind::Cic {
            change_people(&source, true);
            planned_equals_applied(&lab, &archive, &source, "recovery");
        }
    }
}

#[test]
fn rollback_returns_the_server_exactly_to_its_state_before_the_import() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, true);
    let plan_file = walkdir::WalkDir::new(server::install_dir_of(&image).join("Server/DialPlan"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.is_file())
        .expect("a dial plan file");
    std::fs::write(&plan_file, "edited on the server").unwrap();
    let waves = server::install_dir_of(&image).join("Resources/InteractionAttendantWaves");
    std::fs::remove_dir_all(&waves).unwrap();
    let before = snapshot(&image);

    let output = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_ne!(snapshot(&image), before);
    let list = lab.run(&["rollback", "--server", s(&image), "--list", "--json"]);
    let points = json(&list)["restore_points"].as_array().unwrap().clone();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0]["overwritten_files"], 1, "the dial plan file");

    let rollback = lab.run(&["rollback", "--server", s(&image)]);
    assert_eq!(rollback.status.code(), Some(0), "{}", stderr(&rollback));
    assert!(
        stdout(&rollback).contains("registry restored"),
        "{}",
        stdout(&rollback)
    );
    assert_eq!(
        snapshot(&image),
        before,
        "registry.reg and every file as before"
    );
}

#[test]
fn rollback_to_an_older_point_undoes_the_later_imports_and_never_runs_twice() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, true);
    let before = snapshot(&image);
    let first = lab.import(&archive, &image, &lab.path("x1"), &["--mode", "recovery"]);
    assert!(first.status.success(), "{}", stderr(&first));
    change_people(&image, true);
    let second = lab.import(&archive, &image, &lab.path("x2"), &["--mode", "recovery"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let list = lab.run(&["rollback", "--server", s(&image), "--list", "--json"]);
    let points = json(&list)["restore_points"].as_array().unwrap().clone();
    assert_eq!(points.len(), 2, "one restore point per import");
    // The list shows the newest first.
    let oldest = points[1]["name"].as_str().unwrap().to_string();

    // The people changed between the two imports would be lost: refused unless forced.
    let refused = lab.run(&["rollback", "--server", s(&image), &oldest]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("registry.reg"),
        "{}",
        stderr(&refused)
    );
    let rollback = lab.run(&["rollback", "--server", s(&image), "--force", &oldest]);
    assert_eq!(rollback.status.code(), Some(1), "{}", stderr(&rollback));
    let after = snapshot(&image);
    let differing: Vec<_> = after
        .keys()
        .chain(before.keys())
        .filter(|k| after.get(*k) != before.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "both imports undone, newest first: {differing:?}"
    );

    let again = lab.run(&["rollback", "--server", s(&image)]);
    assert_eq!(again.status.code(), Some(4), "nothing is left to roll back");
    assert!(stderr(&again).contains("rolled back"), "{}", stderr(&again));
    assert_eq!(
        snapshot(&image),
        before,
        "a refused rollback changes nothing"
    );
}

#[test]
fn an_import_without_restore_point_since_blocks_the_rollback_until_forced() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, true);
    let first = lab.import(&archive, &image, &lab.path("x1"), &["--mode", "recovery"]);
    assert!(first.status.success(), "{}", stderr(&first));
    // The second import brings back deleted prompts and takes no restore point.
    let deleted = prompts(&image)[0].clone();
    std::fs::remove_file(&deleted).unwrap();
    let second = lab.import(
        &archive,
        &image,
        &lab.path("x2"),
        &["--mode", "recovery", "--no-restore-point"],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(deleted.exists());
    let before = snapshot(&image);

    let list = lab.run(&["rollback", "--server", s(&image), "--list", "--json"]);
    let listed = json(&list);
    assert_eq!(listed["restore_points"].as_array().unwrap().len(), 1);
    let unprotected = listed["without_restore_point"].as_array().unwrap();
    assert_eq!(unprotected.len(), 1, "{listed:#}");
    let run = unprotected[0].as_str().unwrap();
    let named = lab.run(&["rollback", "--server", s(&image), run]);
    assert_eq!(named.status.code(), Some(2), "{}", stderr(&named));
    assert!(
        stderr(&named).contains("took no restore point"),
        "{}",
        stderr(&named)
    );

    let refused = lab.run(&["rollback", "--server", s(&image)]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    let message = stderr(&refused);
    assert!(
        message.contains(run) && message.contains("--force"),
        "{message}"
    );
    assert_eq!(
        snapshot(&image),
        before,
        "a refused rollback changes nothing"
    );

    let forced = lab.run(&["rollback", "--server", s(&image), "--force"]);
    assert_eq!(forced.status.code(), Some(1), "{}", stderr(&forced));
    assert!(stderr(&forced).contains(run), "{}", stderr(&forced));
    assert!(deleted.exists(), "the unprotected import's file stays");
}

#[test]
fn files_changed_after_the_import_are_not_rolled_back_unless_forced() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    let deleted = prompts(&image)[0].clone();
    std::fs::remove_file(&deleted).unwrap();
    let before = snapshot(&image);
    let output = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(deleted.exists(), "the import brought the prompt back");
    std::fs::write(&deleted, "recorded again by the administrator").unwrap();
    let edited = snapshot(&image);

    let refused = lab.run(&["rollback", "--server", s(&image)]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    let name = deleted.file_name().unwrap().to_str().unwrap();
    assert!(stderr(&refused).contains(name), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(
        snapshot(&image),
        edited,
        "a refused rollback changes nothing"
    );

    let forced = lab.run(&["rollback", "--server", s(&image), "--force"]);
    assert_eq!(forced.status.code(), Some(1), "{}", stderr(&forced));
    assert!(stderr(&forced).contains(name), "{}", stderr(&forced));
    assert_eq!(snapshot(&image), before);
}

#[test]
fn a_damaged_restore_point_is_listed_and_the_others_stay_usable() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, false);
    let before = snapshot(&image);
    let first = lab.import(&archive, &image, &lab.path("x1"), &["--mode", "recovery"]);
    assert!(first.status.success(), "{}", stderr(&first));
    change_people(&image, false);
    let second = lab.import(&archive, &image, &lab.path("x2"), &["--mode", "recovery"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let list = lab.run(&["rollback", "--server", s(&image), "--list", "--json"]);
    let points = json(&list)["restore_points"].as_array().unwrap().clone();
    let (newest, oldest) = (points[0]["folder"].as_str().unwrap(), &points[1]["name"]);
    let manifest = Path::new(newest).join("restore-point/restore-point.json");
    std::fs::write(&manifest, "{ damaged").unwrap();

    let list = lab.run(&["rollback", "--server", s(&image), "--list"]);
    assert_eq!(list.status.code(), Some(1), "{}", stderr(&list));
    let shown = stdout(&list);
    assert!(shown.contains(oldest.as_str().unwrap()), "{shown}");
    assert!(shown.contains("damaged"), "{shown}");

    // Rolling back past the damaged point would leave its files: refused unless forced.
    let oldest = oldest.as_str().unwrap();
    let refused = lab.run(&["rollback", "--server", s(&image), oldest]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("damaged"), "{}", stderr(&refused));
    let forced = lab.run(&["rollback", "--server", s(&image), oldest, "--force"]);
    assert_eq!(forced.status.code(), Some(1), "{}", stderr(&forced));
    assert_eq!(
        snapshot(&image),
        before,
        "this import wrote registry data only"
    );
}

#[test]
fn a_restore_point_naming_paths_outside_the_server_is_damaged_and_never_used() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let fresh = lab.run(&["rollback", "--server", s(&image)]);
    assert_eq!(fresh.status.code(), Some(4), "{}", stderr(&fresh));
    assert!(
        stderr(&fresh).contains("has no restore point"),
        "{}",
        stderr(&fresh)
    );
    assert!(
        stderr(&fresh).contains("nothing to roll back"),
        "{}",
        stderr(&fresh)
    );

    let archive = lab.export(&image, &[]);
    change_people(&image, true);
    let output = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list = lab.run(&["rollback", "--server", s(&image), "--list", "--json"]);
    let folder = json(&list)["restore_points"][0]["folder"]
        .as_str()
        .unwrap()
        .to_string();
    let manifest = Path::new(&folder).join("restore-point/restore-point.json");
    let original = std::fs::read(&manifest).unwrap();
    let victim = lab.path("victim.txt");
    std::fs::write(&victim, "not the server's").unwrap();
    let before = snapshot(&image);

    for escape in [
        "..\\..\\..\\..\\victim.txt",
        "../../../../victim.txt",
        "C:\\victim.txt",
    ] {
        let mut point: Json = serde_json::from_slice(&original).unwrap();
        point["created_files"]
            .as_array_mut()
            .unwrap()
            .push(Json::from(escape));
        std::fs::write(&manifest, serde_json::to_vec(&point).unwrap()).unwrap();
        let listed = lab.run(&["rollback", "--server", s(&image), "--list"]);
        assert_eq!(listed.status.code(), Some(1), "{}", stderr(&listed));
        assert!(stdout(&listed).contains("damaged"), "{}", stdout(&listed));
        let refused = lab.run(&["rollback", "--server", s(&image)]);
        assert_eq!(
            refused.status.code(),
            Some(4),
            "{escape}: {}",
            stderr(&refused)
        );
        assert!(stderr(&refused).contains("damaged"), "{}", stderr(&refused));
        assert!(victim.exists(), "{escape}");
        assert_eq!(snapshot(&image), before, "{escape}");
    }

    // A saved copy that no longer matches its SHA-256 shows in the list as well.
    std::fs::write(&manifest, &original).unwrap();
    let copy = Path::new(&folder).join("restore-point/registry.reg");
    let mut bytes = std::fs::read(&copy).unwrap();
    bytes[100] ^= 0x20;
    std::fs::write(&copy, bytes).unwrap();
    let listed = lab.run(&["rollback", "--server", s(&image), "--list", "--json"]);
    let listed = json(&listed);
    assert_eq!(
        listed["restore_points"].as_array().unwrap().len(),
        0,
        "{listed:#}"
    );
    assert_eq!(listed["damaged"].as_array().unwrap().len(), 1, "{listed:#}");
}

#[test]
fn a_crafted_archive_with_a_climbing_entry_writes_nothing() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let before = snapshot(&image);
    let archive = crafted(&lab.path("crafted.ininmigr"), "../../evil.txt");
    let extract = lab.path("x");

    let output = lab.import(&archive, &image, &extract, &["--mode", "migration"]);
    // Verifying, the first stage, already finds the entry and names it.
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("\"../../evil.txt\" would land outside"),
        "{message}"
    );
    assert!(
        !extract.exists(),
        "the extraction folder it would have made is not there"
    );
    assert!(!lab.path("evil.txt").exists() && !lab.dir.path().join("../evil.txt").exists());
    assert_eq!(snapshot(&image), before);
    assert!(!server::install_dir_of(&image)
        .join(layout::MIGRATOR_DIR)
        .exists());
}

#[test]
fn a_damaged_component_blocks_only_its_own_import() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    // Flip a byte in the middle of the Interaction Attendant component's entry.
    let (entry, range) = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
        let manifest: Json =
            serde_json::from_reader(zip.by_name("manifest.json").unwrap()).unwrap();
        let entry = manifest["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "Interaction Attendant")
            .unwrap()["entry"]
            .as_str()
            .unwrap()
            .to_string();
        let data = zip.by_name(&entry).unwrap();
        let start = data.data_start().unwrap();
        (entry, start..start + data.compressed_size())
    };
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes[((range.start + range.end) / 2) as usize] ^= 0x20;
    std::fs::write(&archive, bytes).unwrap();
    change_people(&image, false);
    let before = snapshot(&image);

    let all = lab.import(&archive, &image, &lab.path("x1"), &["--mode", "recovery"]);
    assert_eq!(all.status.code(), Some(6), "{}", stderr(&all));
    let message = stderr(&all);
    assert!(
        message.contains(&format!("Interaction Attendant ({entry})")),
        "{message}"
    );
    assert!(
        message.contains("--nodes: ") && message.contains("Users"),
        "{message}"
    );
    assert_eq!(snapshot(&image), before, "nothing imported");

    let users = lab.import(
        &archive,
        &image,
        &lab.path("x2"),
        &["--mode", "recovery", "--nodes", "Users", "--json"],
    );
    assert_eq!(users.status.code(), Some(1), "{}", stderr(&users));
    let report = json(&users);
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Interaction Attendant") && w.contains("not imported")),
        "{warnings:?}"
    );
    assert_ne!(snapshot(&image), before, "the users are back");
}

/// An archive of one component "Handlers" whose inner ZIP holds `entry`, with a manifest
/// that matches it, as if migrator had written it.
fn crafted(path: &Path, entry: &str) -> PathBuf {
    let mut inner = zip::ZipWriter::new(Cursor::new(Vec::new()));
    inner
        .start_file(entry, zip::write::SimpleFileOptions::default())
        .unwrap();
    inner.write_all(b"evil").unwrap();
    let inner = inner.finish().unwrap().into_inner();
    let header = ManifestHeader {
        server: "calliope".into(),
        site: "Indy".into(),
        kind: ServerKind::Cic,
        cic_version: "2016 R1".parse().unwrap(),
        install_root: String::new(),
        created: chrono::Local::now(),
    };
    let record = ComponentRecord {
        name: "Handlers".into(),
        entry: component_entry(0),
        chosen: true,
        reason: None,
        items: 1,
        registry: false,
        files: 1,
        bytes: 4,
        size: inner.len() as u64,
        sha256: Sha256::digest(&inner)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    };
    let manifest = Manifest::new(&header, vec![record]);
    let mut outer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    outer.start_file("manifest.json", stored).unwrap();
    outer.write_all(&manifest.to_json()).unwrap();
    outer.start_file(component_entry(0), stored).unwrap();
    outer.write_all(&inner).unwrap();
    outer.finish().unwrap();
    path.to_path_buf()
}

#[test]
fn a_wrong_password_has_its_own_exit_code_and_writes_nothing() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let secret = lab.path("password.txt");
    std::fs::write(&secret, "correct horse").unwrap();
    let archive = lab.export(&image, &["--password-file", s(&secret)]);
    std::fs::write(&secret, "wrong horse").unwrap();
    let before = snapshot(&image);
    let extract = lab.path("x");

    let output = lab.import(
        &archive,
        &image,
        &extract,
        &["--mode", "recovery", "--password-file", s(&secret)],
    );
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(!stderr(&output).contains("horse"));
    assert!(!extract.exists());
    assert_eq!(snapshot(&image), before);
    assert!(!server::install_dir_of(&image)
        .join(layout::MIGRATOR_DIR)
        .exists());
}

#[test]
fn recovery_onto_another_server_is_refused_with_what_to_do() {
    let lab = Lab::new();
    let source = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&source, &[]);
    let other = lab.sample("helios", ServerKind::Cic, "helios", "2016 R1");
    let before = snapshot(&other);
    let output = lab.import(&archive, &other, &lab.path("x"), &["--mode", "recovery"]);
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("--mode migration"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&other), before);

    let inside = server::install_dir_of(&other).join("Temp");
    let output = lab.import(&archive, &other, &inside, &["--mode", "migration"]);
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr(&output).contains("install tree"),
        "{}",
        stderr(&output)
    );
    assert!(!inside.exists());
}

/// Makes `dir` refuse new entries: read-only for an ordinary user, immutable for root.
/// Returns how to undo it, or `None` when this machine allows neither.
fn deny_writes(dir: &Path) -> Option<Box<dyn Fn()>> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = dir.join(".probe");
    if std::fs::write(&probe, b"").is_err() {
        let dir = dir.to_path_buf();
        return Some(Box::new(move || {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }));
    }
    std::fs::remove_file(&probe).unwrap();
    let chattr = |flag: &str| Command::new("chattr").arg(flag).arg(dir).status();
    if !chattr("+i").is_ok_and(|status| status.success()) {
        return None;
    }
    let dir = dir.to_path_buf();
    Some(Box::new(move || {
        let _ = Command::new("chattr").arg("-i").arg(&dir).status();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }))
}

#[test]
fn permission_denied_while_applying_rolls_back_to_the_byte() {
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    change_people(&image, true);
    let deleted = prompts(&image);
    std::fs::remove_file(&deleted[0]).unwrap();
    let locked = deleted[0].parent().unwrap().to_path_buf();
    let Some(undo) = deny_writes(&locked) else {
        eprintln!(
            "skipped: this machine can make {} neither read-only nor immutable",
            locked.display()
        );
        return;
    };
    let before = snapshot(&image);
    let output = lab.import(
        &archive,
        &image,
        &lab.path("x"),
        &["--mode", "recovery", "--json"],
    );
    undo();
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["status"], "Failed");
    let failure = report["failure"]["message"].as_str().unwrap();
    let name = deleted[0].file_name().unwrap().to_str().unwrap();
    assert!(
        failure.contains(name) && failure.contains("rolled back"),
        "{failure}"
    );
    assert_eq!(snapshot(&image), before);
    // Nothing is left to do after an import that was undone: no checklist is written.
    let folder = PathBuf::from(report["folder"].as_str().unwrap());
    assert!(folder.join("report.txt").exists(), "{}", folder.display());
    assert!(!folder.join("checklist.md").exists());
    assert!(report.get("checklist").is_none());
}

#[test]
fn a_full_disk_while_applying_rolls_back_to_the_byte() {
    let lab = Lab::new();
    let source = lab.path("source");
    sample_at(&source, ServerKind::Cic, "calliope", "2016 R1");
    let big =
        server::install_dir_of(&source).join("Resources/InteractionAttendantWaves/en-us/Big.wav");
    std::fs::write(&big, vec![7u8; 2 << 20]).unwrap();
    let archive = lab.export(&source, &[]);

    // Two failures: one while copying the big file, one while storing the registry.
    for case in ["files", "registry"] {
        let mount = lab.path(&format!("disk-{case}"));
        let Some(disk) = RamDisk::mount(&mount, 24 << 20) else {
            eprintln!("skipped: mounting a tmpfs is not allowed here");
            return;
        };
        let image = mount.join("image");
        copy_tree(&source, &image);
        let big = server::install_dir_of(&image)
            .join("Resources/InteractionAttendantWaves/en-us/Big.wav");
        std::fs::remove_file(&big).unwrap();
        change_people(&image, true);
        let registry = std::fs::metadata(image.join(server::REGISTRY_FILE))
            .unwrap()
            .len();
        // Room for the restore point (a registry copy and its list), then for half the big
        // file, or for the big file and half the registry's new copy.
        let spare = match case {
            "files" => 1 << 20,
            _ => (2 << 20) + registry / 2,
        };
        disk.leave_free(registry + (32 << 10) + spare);
        let before = snapshot(&image);

        let output = lab.import(
            &archive,
            &image,
            &lab.path(&format!("x-{case}")),
            &["--mode", "recovery", "--json"],
        );
        assert_eq!(output.status.code(), Some(5), "{case}: {}", stderr(&output));
        let report = json(&output);
        let failure = report["failure"]["message"].as_str().unwrap().to_string();
        let hint = report["failure"]["hint"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(failure.contains("rolled back"), "{case}: {failure}");
        assert!(hint.contains("Free some space"), "{case}: {hint}");
        let expected = match case {
            "files" => "Big.wav",
            _ => server::REGISTRY_FILE,
        };
        assert!(failure.contains(expected), "{case}: {failure}");
        assert_eq!(snapshot(&image), before, "{case}");
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        match entry.file_type().is_dir() {
            true => std::fs::create_dir_all(&target).unwrap(),
            false => {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
}

/// A stop signal (`kill`, a service manager, a closed SSH session) stops an import as Ctrl-C
/// does: the server ends as it was, with no lock left, instead of the process dying half-way.
#[test]
fn a_stop_signal_ends_the_import_cleanly() {
    let lab = Lab::new();
    let source = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&source, &[]);
    for signal in ["TERM", "HUP"] {
        let image = lab.fresh("helios");
        sample_at(&image, ServerKind::Cic, "helios", "2023 R3");
        let before = snapshot(&image);
        let logs = lab.fresh("logs");
        let extract = lab.fresh("x");
        let child = migrator(lab.dir.path())
            .args([
                "-q",
                "--log-dir",
                s(&logs),
                "import",
                s(&archive),
                "--server",
                s(&image),
            ])
            .args(["--extract-to", s(&extract)])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The signal comes as soon as the first stage has started.
        let started = std::time::Instant::now();
        while !log_text(&logs).contains("stage started") {
            assert!(started.elapsed().as_secs() < 60, "no stage started");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let sent = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(sent.success());
        let output = child.wait_with_output().unwrap();
        let code = output.status.code();
        assert!(
            matches!(code, Some(130) | Some(5)),
            "{signal}: {:?} {}",
            output.status,
            stderr(&output)
        );
        assert_eq!(snapshot(&image), before, "{signal}");
        let own = server::install_dir_of(&image).join(layout::MIGRATOR_DIR);
        assert!(!own.join(lock::LOCK_FILE).exists(), "{signal}");
    }
}

fn log_text(dir: &Path) -> String {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return String::new();
    };
    entries
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .collect()
}

/// A file the import replaces (a dial plan file) gets the archive's content but keeps the
/// permissions the administrator gave it.
#[test]
fn a_replaced_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    let file = server::install_dir_of(&image).join("Server/DialPlan/Classifications.xml");
    let exported = std::fs::read(&file).unwrap();
    std::fs::write(&file, b"<changed/>").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let output = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&file).unwrap(), exported);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}

/// A restore point that does not fit on the disk stops the import before any change, and
/// leaves no trace: not even an empty folder of imports.
#[test]
fn a_restore_point_that_does_not_fit_leaves_no_trace() {
    let lab = Lab::new();
    let source = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&source, &[]);
    let mount = lab.path("disk");
    let Some(disk) = RamDisk::mount(&mount, 8 << 20) else {
        eprintln!("skipped: mounting a tmpfs is not allowed here");
        return;
    };
    let image = mount.join("image");
    copy_tree(&source, &image);
    change_people(&image, true);
    // Room for the lock file, not for the copy of the registry.
    disk.leave_free(16 << 10);
    let before = snapshot(&image);
    let output = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Free some space"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(&image), before);
    let own = server::install_dir_of(&image).join(layout::MIGRATOR_DIR);
    assert!(!own.exists(), "{} is left", own.display());
}

/// Run by root (as a service's administrator often is), an import and its rollback leave the
/// files they replace and create to the account that owned them, here `nobody`.
#[test]
fn replaced_and_created_files_keep_the_owner_of_the_server_files() {
    use std::os::unix::fs::MetadataExt;
    let root = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        eprintln!("skipped: only root can give files to another account");
        return;
    }
    let lab = Lab::new();
    let image = lab.sample("calliope", ServerKind::Cic, "calliope", "2016 R1");
    let archive = lab.export(&image, &[]);
    let install = server::install_dir_of(&image);
    let replaced = install.join("Server/DialPlan/Classifications.xml");
    std::fs::write(&replaced, b"<changed/>").unwrap();
    let created = prompts(&image).remove(0);
    std::fs::remove_file(&created).unwrap();
    let chown = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&image)
        .status()
        .unwrap();
    assert!(chown.success());
    let owner = |path: &Path| {
        let meta = std::fs::metadata(path).unwrap();
        (meta.uid(), meta.gid())
    };
    let registry = image.join(server::REGISTRY_FILE);
    let output = lab.import(&archive, &image, &lab.path("x"), &["--mode", "recovery"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for path in [&replaced, &created, &registry] {
        assert_eq!(owner(path), (65534, 65534), "{}", path.display());
    }
    // Folders it creates too, its own folder among them.
    let own = install.join(layout::MIGRATOR_DIR);
    for entry in walkdir::WalkDir::new(&image) {
        let entry = entry.unwrap();
        assert_eq!(
            owner(entry.path()),
            (65534, 65534),
            "{}",
            entry.path().display()
        );
    }
    assert!(own.is_dir());
    // So the account that owns the server can roll the import back itself.
    let back = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_migrator"))
        .args([
            "-q",
            "--log-dir",
            s(&image.join("logs")),
            "rollback",
            "--server",
            s(&image),
        ])
        .output()
        .unwrap();
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    for path in [&replaced, &registry] {
        assert_eq!(owner(path), (65534, 65534), "{}", path.display());
    }
}
