//! The import run as a whole, on the hand-made image: Recovery brings changed and deleted data
//! back, a second run plans nothing, the plan is what runs, and any failed write ends with the
//! server byte-identical after the automatic rollback.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::apply::WriteStep;
use super::fixture::{self, ImageSource};
use super::plan::ActionKind;
use super::report::Status;
use super::*;
use crate::error::ErrorKind;
use crate::layout::{self, resolve};
use crate::progress::NoProgress;
use crate::registry::{join, Value};
use crate::restore;
use crate::server::ServerImage;

struct Setup {
    image_dir: tempfile::TempDir,
    extract: tempfile::TempDir,
    image: ServerImage,
}

fn setup() -> Setup {
    let image_dir = tempfile::tempdir().unwrap();
    let image = fixture::write_image(image_dir.path());
    Setup {
        image_dir,
        extract: tempfile::tempdir().unwrap(),
        image,
    }
}

impl Setup {
    fn request(&self, mode: Mode) -> Request {
        Request {
            server: self.image_dir.path().to_path_buf(),
            extract_to: self.extract.path().join("out"),
            mode,
            nodes: Nodes::All,
            restore_point: true,
            plan_only: false,
            force: false,
            dev_mode: false,
            map_server: Vec::new(),
            map_site: Vec::new(),
            new_telephony_platform: false,
            per_item_report: true,
        }
    }

    fn dir(&self) -> &Path {
        self.image_dir.path()
    }

    /// Changes a value, deletes a key, adds a value only the target has, deletes a file.
    fn damage(&self) {
        let mut tree = self.image.load_registry().unwrap();
        let users = join(
            layout::II_KEY,
            &resolve(layout::USERS, fixture::SITE, fixture::SERVER),
        );
        let alice = tree.find_mut(&join(&users, "alice")).unwrap();
        alice.set_value(Value::sz("Extension", "9999"));
        alice.set_value(Value::sz("Nickname", "Al"));
        tree.find_mut(&users).unwrap().remove_subkey("bob");
        fixture::write_registry(self.dir(), &tree);
        let plan = self.image.install_dir().join("Server/DialPlan/plan.xml");
        std::fs::remove_file(plan).unwrap();
    }
}

fn imported(outcome: Outcome) -> Box<report::Report> {
    match outcome {
        Outcome::Imported(report) => report,
        Outcome::Planned(_) => panic!("expected an import, got a plan"),
    }
}

fn planned(outcome: Outcome) -> Box<Planned> {
    match outcome {
        Outcome::Planned(planned) => planned,
        Outcome::Imported(_) => panic!("expected a plan, got an import"),
    }
}

#[test]
fn recovery_brings_back_changed_and_deleted_data() {
    let setup = setup();
    let exported = fixture::snapshot(setup.dir());
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();

    let report = imported(run(&setup.request(Mode::Recovery), &mut source, &NoProgress).unwrap());
    assert_eq!(report.status, Status::Completed, "{}", report.to_text(true));

    let tree = setup.image.load_registry().unwrap();
    let users = join(
        layout::II_KEY,
        &resolve(layout::USERS, fixture::SITE, fixture::SERVER),
    );
    let alice = tree.find(&join(&users, "alice")).unwrap();
    assert_eq!(alice.text("Extension").as_deref(), Some("1001"));
    assert_eq!(
        alice.text("Nickname").as_deref(),
        Some("Al"),
        "target-only values stay"
    );
    assert_eq!(
        tree.find(&join(&users, "bob"))
            .unwrap()
            .text("Extension")
            .as_deref(),
        Some("1002")
    );
    let after = fixture::snapshot(setup.dir());
    let dial_plan = "I3/IC/Server/DialPlan/plan.xml";
    assert_eq!(after[dial_plan], exported[dial_plan]);
    for (path, bytes) in &exported {
        if path != "registry.reg" {
            assert_eq!(after.get(path), Some(bytes), "{path}");
        }
    }
    let counts = report
        .counts
        .iter()
        .find(|c| c.component == "Users")
        .unwrap();
    assert_eq!(
        (counts.created, counts.updated, counts.kept),
        (2, 1, 1),
        "{counts:?}"
    );
}

#[test]
fn a_second_import_plans_nothing() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let request = setup.request(Mode::Recovery);
    imported(run(&request, &mut source, &NoProgress).unwrap());
    let before = fixture::snapshot(setup.dir());

    let report = imported(run(&request, &mut source, &NoProgress).unwrap());
    assert!(report.plan.is_empty(), "{}", report.to_text(false));
    assert_eq!(
        report.restore_point, None,
        "nothing to undo, no restore point"
    );
    assert_eq!(fixture::snapshot(setup.dir()), before);
}

#[test]
fn importing_one_component_leaves_every_other_byte_identical() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    let mut tree = setup.image.load_registry().unwrap();
    let production = join(
        layout::II_KEY,
        &resolve(layout::PRODUCTION, fixture::SITE, ""),
    );
    let sales = tree
        .find_mut(&join(&production, "Workgroups\\Sales"))
        .unwrap();
    sales.set_value(Value::sz("Extension", "2999"));
    let alice = tree.find_mut(&join(&production, "Users\\alice")).unwrap();
    alice.set_value(Value::sz("Extension", "1999"));
    fixture::write_registry(setup.dir(), &tree);

    let mut request = setup.request(Mode::Recovery);
    request.nodes = Nodes::parse("workgroups");
    imported(run(&request, &mut source, &NoProgress).unwrap());

    let sales = tree
        .find_mut(&join(&production, "Workgroups\\Sales"))
        .unwrap();
    sales.set_value(Value::sz("Extension", "2001"));
    let expected = tempfile::tempdir().unwrap();
    fixture::write_registry(expected.path(), &tree);
    let registry = |dir: &Path| std::fs::read(dir.join("registry.reg")).unwrap();
    assert!(
        registry(setup.dir()) == registry(expected.path()),
        "only Sales changed back"
    );
}

#[test]
fn the_plan_is_what_runs_and_plan_only_writes_nothing() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    let mut request = setup.request(Mode::Recovery);
    request.plan_only = true;
    let planned = planned(run(&request, &mut source, &NoProgress).unwrap());
    assert_eq!(fixture::snapshot(setup.dir()), before);
    assert!(
        !setup.image.migrator_dir().exists(),
        "--plan leaves no trace on the server"
    );

    request.plan_only = false;
    let report = imported(run(&request, &mut source, &NoProgress).unwrap());
    let plan_json = report::plan_json(&planned);
    let run_json = report.to_json();
    let keys = |json: &serde_json::Value| -> Vec<String> {
        json["actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{} {} {} {} {}",
                    a["component"], a["action"], a["path"], a["value"], a["rule"]
                )
            })
            .collect()
    };
    assert!(!keys(&plan_json).is_empty());
    assert_eq!(keys(&plan_json), keys(&run_json));
    assert_eq!(plan_json["status"], "Planned");
    assert_eq!(run_json["status"], "Completed");
}

#[test]
fn secrets_never_reach_the_plan_or_the_report() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    let mut tree = setup.image.load_registry().unwrap();
    let production = join(
        layout::II_KEY,
        &resolve(layout::PRODUCTION, fixture::SITE, ""),
    );
    let alice = tree.find_mut(&join(&production, "Users\\alice")).unwrap();
    alice.set_value(Value::sz("Web Password", "other-pa55"));
    let vault = tree
        .find_mut(&join(&production, "Structured Parameters\\Vault"))
        .unwrap();
    vault.set_value(Value::multi_sz("Values", &["other-s3cr3t"]));
    fixture::write_registry(setup.dir(), &tree);

    let report = imported(run(&setup.request(Mode::Recovery), &mut source, &NoProgress).unwrap());
    let text = report.to_text(true) + &report.to_json().to_string();
    for secret in ["pa55word", "s3cr3t-value", "other-pa55", "other-s3cr3t"] {
        assert!(!text.contains(secret), "{secret} shown");
    }
    let shown = text.matches("not shown").count();
    assert_eq!(
        shown, 8,
        "old and new of both values, in the text and the JSON"
    );
}

/// Runs a damaged-image recovery whose `n`-th write (counting the registry store) fails.
fn fail_at(
    n: usize,
) -> (
    Setup,
    Box<report::Report>,
    std::collections::BTreeMap<String, Option<Vec<u8>>>,
) {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    let seen = AtomicUsize::new(0);
    let fault = move |_step: WriteStep| match seen.fetch_add(1, Ordering::SeqCst) + 1 {
        count if count == n => Err(io::Error::other("injected fault")),
        _ => Ok(()),
    };
    let request = setup.request(Mode::Recovery);
    let outcome = run_with_fault(&request, &mut source, &NoProgress, Some(&fault)).unwrap();
    (setup, imported(outcome), before)
}

#[test]
fn a_failed_write_anywhere_is_rolled_back_byte_for_byte() {
    let writes = {
        let setup = setup();
        let mut source = ImageSource::export(&setup.image, "all");
        setup.damage();
        let mut request = setup.request(Mode::Recovery);
        request.plan_only = true;
        planned(run(&request, &mut source, &NoProgress).unwrap())
            .plan
            .change_count()
    };
    assert!(writes > 3);
    for n in [1, writes / 2, writes, writes + 1] {
        let (setup, report, before) = fail_at(n);
        assert_eq!(report.status, Status::Failed, "fault at write {n}");
        assert_eq!(report.exit_code(), ErrorKind::RolledBack.exit_code());
        let failure = report.failure.as_ref().unwrap();
        assert!(
            failure.message.contains("injected fault"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("rolled back"),
            "{}",
            failure.message
        );
        assert_eq!(fixture::snapshot(setup.dir()), before, "fault at write {n}");
        let folder = report.folder.as_ref().unwrap();
        assert!(folder.join(report::REPORT_TEXT).is_file());
    }
}

#[test]
fn a_copy_failing_while_the_registry_is_written_leaves_no_trace() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    let registry_written = std::sync::Arc::new(AtomicBool::new(false));
    let written = std::sync::Arc::clone(&registry_written);
    // Every file copy waits until the registry's writing has begun, then fails: the new
    // registry file is being (or has been) written under its temporary name.
    let fault = move |step: WriteStep| match step {
        WriteStep::Registry => {
            written.store(true, Ordering::SeqCst);
            Ok(())
        }
        WriteStep::Action(action) if action.size().is_some() => {
            for _ in 0..10_000 {
                if written.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Err(io::Error::other("injected fault"))
        }
        _ => Ok(()),
    };
    let request = setup.request(Mode::Recovery);
    let report =
        imported(run_with_fault(&request, &mut source, &NoProgress, Some(&fault)).unwrap());
    assert!(registry_written.load(Ordering::SeqCst));
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.exit_code(), ErrorKind::RolledBack.exit_code());
    // No temporary registry file left beside the old one, nothing else changed.
    assert_eq!(fixture::snapshot(setup.dir()), before);
}

#[test]
fn without_a_restore_point_a_failed_item_does_not_stop_the_others() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let mut request = setup.request(Mode::Recovery);
    request.restore_point = false;
    let fault = |step: WriteStep| match step {
        WriteStep::Action(action) if action.kind == ActionKind::CopyFile => {
            Err(io::Error::other("injected fault"))
        }
        _ => Ok(()),
    };
    let report =
        imported(run_with_fault(&request, &mut source, &NoProgress, Some(&fault)).unwrap());
    assert_eq!(report.status, Status::Failed);
    assert!(report.rollback.is_none());
    let users = report
        .counts
        .iter()
        .find(|c| c.component == "Users")
        .unwrap();
    assert_eq!(users.failed, 0);
    assert!(users.created > 0, "the registry was still written");
}

#[test]
fn rollback_returns_the_server_to_its_state_before_the_import() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    fixture::write_file(
        setup.dir(),
        "Server/DialPlan/plan.xml",
        b"changed on the server",
    );
    std::fs::remove_dir_all(setup.image.install_dir().join("Handlers")).unwrap();
    std::fs::remove_dir_all(setup.image.install_dir().join("Server/LRA")).unwrap();
    let before = fixture::snapshot(setup.dir());

    let report = imported(run(&setup.request(Mode::Recovery), &mut source, &NoProgress).unwrap());
    assert_ne!(fixture::snapshot(setup.dir()), before);
    let name = report.restore_point.clone().unwrap();
    let points = restore::list(&setup.image).unwrap();
    assert_eq!(points.len(), 1);
    assert_eq!(
        points[0].manifest.overwritten.len(),
        1,
        "the dial plan file"
    );
    assert!(points[0]
        .manifest
        .created_dirs
        .contains(&"Server\\LRA".to_string()));

    let done = restore::rollback_image(&setup.image, None, false).unwrap();
    assert_eq!(done.point, name);
    assert!(done.registry_restored);
    assert_eq!(fixture::snapshot(setup.dir()), before);
}

#[test]
fn a_second_import_waits_for_the_first_one() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    let _held = lock::ImportLock::acquire(&setup.image, "import").unwrap();
    let error = run(&setup.request(Mode::Recovery), &mut source, &NoProgress).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert!(error.message().contains("in use"), "{}", error.message());
}

struct CancelAfter(AtomicUsize);

impl Progress for CancelAfter {
    fn start_phase(&self, _phase: &str, _items: u64, _bytes: u64) {}
    fn advance(&self, _items: u64, _bytes: u64) {}
    fn end_phase(&self) {}
    fn cancelled(&self) -> bool {
        self.0.fetch_sub(1, Ordering::SeqCst) == 0
    }
}

/// Answers Ctrl-C from the moment the phase `phase` starts, or after `advances` advances.
struct CancelWhen {
    phase: &'static str,
    advances: usize,
    seen: AtomicUsize,
    cancelled: std::sync::atomic::AtomicBool,
}

impl CancelWhen {
    fn new(phase: &'static str, advances: usize) -> CancelWhen {
        CancelWhen {
            phase,
            advances,
            seen: AtomicUsize::new(0),
            cancelled: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

impl Progress for CancelWhen {
    fn start_phase(&self, phase: &str, _items: u64, _bytes: u64) {
        if phase == self.phase {
            self.cancelled.store(true, Ordering::SeqCst);
        }
    }
    fn advance(&self, _items: u64, _bytes: u64) {
        if self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.advances {
            self.cancelled.store(true, Ordering::SeqCst);
        }
    }
    fn end_phase(&self) {}
    fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

#[test]
fn ctrl_c_before_any_change_leaves_no_extracted_data() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    let request = setup.request(Mode::Recovery);
    let progress = CancelWhen::new("plan", usize::MAX);
    let error = run(&request, &mut source, &progress).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Cancelled, "{}", error.message());
    assert!(
        !request.extract_to.exists(),
        "the extraction folder is gone"
    );
    assert_eq!(fixture::snapshot(setup.dir()), before);
}

#[test]
fn ctrl_c_after_the_last_file_still_rolls_back() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    let mut again = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    let mut planning = setup.request(Mode::Recovery);
    planning.plan_only = true;
    let Outcome::Planned(planned) = run(&planning, &mut source, &NoProgress).unwrap() else {
        panic!("a plan");
    };
    let files = planned
        .plan
        .actions
        .iter()
        .filter(|a| a.kind.writes() && a.size().is_some())
        .count();
    let registry = planned.plan.change_count() - files;
    assert!(
        files > 0 && registry > 0,
        "{files} files, {registry} registry changes"
    );
    // Ctrl-C right after the last write, before the registry file is stored.
    let progress = CancelWhen::new("", planned.plan.change_count());
    let report = imported(run(&setup.request(Mode::Recovery), &mut again, &progress).unwrap());
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.failure.unwrap().kind, ErrorKind::RolledBack);
    assert_eq!(fixture::snapshot(setup.dir()), before);
}

#[test]
fn ctrl_c_while_applying_rolls_back() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    // The first check is before the restore point; cancel at the third item.
    let progress = CancelAfter(AtomicUsize::new(3));
    let report = imported(run(&setup.request(Mode::Recovery), &mut source, &progress).unwrap());
    assert_eq!(report.status, Status::Failed);
    let failure = report.failure.unwrap();
    assert!(failure.message.contains("cancelled"), "{}", failure.message);
    assert_eq!(failure.kind, ErrorKind::RolledBack);
    assert_eq!(fixture::snapshot(setup.dir()), before);
}

#[test]
fn a_report_that_cannot_be_written_leaves_the_import_applied_and_says_so() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let fault = |step: WriteStep| match step {
        WriteStep::Report => Err(io::Error::from(io::ErrorKind::StorageFull)),
        _ => Ok(()),
    };
    let request = setup.request(Mode::Recovery);
    let report =
        imported(run_with_fault(&request, &mut source, &NoProgress, Some(&fault)).unwrap());
    assert_eq!(report.status, Status::CompletedWithWarnings);
    assert!(report.failure.is_none());
    let warning = &report.warnings[0];
    assert!(warning.contains("report could not be written"), "{warning}");
    assert!(warning.contains("`migrator rollback --server"), "{warning}");
    let folder = report.folder.as_ref().unwrap();
    assert!(!folder.join(report::REPORT_TEXT).exists());
    // The import itself stands: the deleted dial plan file is back.
    let plan = setup.image.install_dir().join("Server/DialPlan/plan.xml");
    assert!(plan.is_file());
}

#[test]
fn without_a_restore_point_a_failed_item_stays_the_news_when_the_report_fails_too() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let mut request = setup.request(Mode::Recovery);
    request.restore_point = false;
    let fault = |step: WriteStep| match step {
        WriteStep::Action(action) if action.kind == ActionKind::CopyFile => {
            Err(io::Error::other("injected fault"))
        }
        WriteStep::Report => Err(io::Error::from(io::ErrorKind::StorageFull)),
        _ => Ok(()),
    };
    let report =
        imported(run_with_fault(&request, &mut source, &NoProgress, Some(&fault)).unwrap());
    assert_eq!(report.status, Status::Failed);
    let failure = report.failure.as_ref().unwrap();
    assert!(failure.message.contains("plan.xml"), "{}", failure.message);
    assert!(
        failure.message.contains("no restore point"),
        "{}",
        failure.message
    );
    assert!(report.warnings[0].contains("report could not be written"));
}

#[test]
fn after_a_rollback_the_counts_tell_the_failed_item_from_the_undone_ones() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let fault = |step: WriteStep| match step {
        WriteStep::Action(action) if action.kind == ActionKind::CopyFile => {
            Err(io::Error::other("injected fault"))
        }
        _ => Ok(()),
    };
    let request = setup.request(Mode::Recovery);
    let report =
        imported(run_with_fault(&request, &mut source, &NoProgress, Some(&fault)).unwrap());
    assert_eq!(report.status, Status::Failed);
    assert!(report.rollback.is_some());
    let failed: usize = report.counts.iter().map(|c| c.failed).sum();
    assert_eq!(failed, 1, "{:?}", report.counts);
    let users = report
        .counts
        .iter()
        .find(|c| c.component == "Users")
        .unwrap();
    assert_eq!(users.created + users.updated, 0, "{users:?}");
    assert!(users.undone + users.not_run > 0, "{users:?}");
    let text = report.summary();
    assert!(text.contains("rolled back to it"), "{text}");
}

/// A Ctrl-C the test presses: by setting the flag, or by itself as the phase `at` starts.
struct CtrlC {
    at: Option<&'static str>,
    pressed: std::sync::Arc<AtomicBool>,
}

impl CtrlC {
    fn new(at: Option<&'static str>) -> CtrlC {
        CtrlC {
            at,
            pressed: std::sync::Arc::new(AtomicBool::new(false)),
        }
    }
}

impl crate::progress::Progress for CtrlC {
    fn start_phase(&self, phase: &str, _items: u64, _bytes: u64) {
        if self.at == Some(phase) {
            self.pressed.store(true, Ordering::SeqCst);
        }
    }
    fn advance(&self, _items: u64, _bytes: u64) {}
    fn end_phase(&self) {}
    fn cancelled(&self) -> bool {
        self.pressed.load(Ordering::SeqCst)
    }
}

#[test]
fn ctrl_c_while_the_report_is_written_is_in_the_report() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let progress = CtrlC::new(None);
    let pressed = std::sync::Arc::clone(&progress.pressed);
    let fault = move |step: WriteStep| {
        if matches!(step, WriteStep::Report) {
            pressed.store(true, Ordering::SeqCst);
        }
        Ok(())
    };
    let request = setup.request(Mode::Recovery);
    let report = imported(run_with_fault(&request, &mut source, &progress, Some(&fault)).unwrap());
    assert_eq!(report.status, Status::CompletedWithWarnings);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.contains("Ctrl-C came after")));
    let written =
        std::fs::read_to_string(report.folder.as_ref().unwrap().join(report::REPORT_TEXT));
    let written = written.unwrap();
    assert!(written.contains("Ctrl-C came after"), "{written}");
    assert!(written.contains("Completed with warnings"), "{written}");
}

#[test]
fn without_a_restore_point_ctrl_c_reports_the_registry_items_as_not_written() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let registry_before = std::fs::read(setup.image.registry_file()).unwrap();
    let mut request = setup.request(Mode::Recovery);
    request.restore_point = false;
    let progress = CtrlC::new(None);
    let pressed = std::sync::Arc::clone(&progress.pressed);
    // Ctrl-C as the first file is copied: the registry file is never put in place.
    let fault = move |step: WriteStep| {
        if matches!(step, WriteStep::Action(a) if a.kind == ActionKind::CopyFile) {
            pressed.store(true, Ordering::SeqCst);
        }
        Ok(())
    };
    let report = imported(run_with_fault(&request, &mut source, &progress, Some(&fault)).unwrap());
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.exit_code(), ErrorKind::Cancelled.exit_code());
    assert_eq!(
        std::fs::read(setup.image.registry_file()).unwrap(),
        registry_before
    );
    let users = report
        .counts
        .iter()
        .find(|c| c.component == "Users")
        .unwrap();
    assert_eq!(users.created + users.updated, 0, "{users:?}");
    assert!(users.not_run > 0, "{users:?}");
}

#[test]
fn ctrl_c_while_the_restore_point_is_taken_ends_before_any_change_without_a_trace() {
    let setup = setup();
    let mut source = ImageSource::export(&setup.image, "all");
    setup.damage();
    let before = fixture::snapshot(setup.dir());
    let progress = CtrlC::new(Some("take a restore point"));
    let request = setup.request(Mode::Recovery);
    let error = run(&request, &mut source, &progress).unwrap_err();
    assert!(
        progress.pressed.load(Ordering::SeqCst),
        "the phase was seen"
    );
    assert_eq!(error.kind(), ErrorKind::Cancelled);
    assert!(
        error.message().contains("before any change"),
        "{}",
        error.message()
    );
    assert_eq!(fixture::snapshot(setup.dir()), before);
    assert!(!restore::imports_dir(&setup.image).exists());
}
