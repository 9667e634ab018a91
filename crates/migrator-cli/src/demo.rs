//! `migrator demo [--dir D] [--size S]`: the main job shown end to end on two sample servers,
//! in a folder of its own: build a CIC 2016 R1 server and a CIC 2023 R3 one, export the first
//! into an encrypted archive, show the plan of importing it onto the second, import it in
//! Migration mode, and say where the report, the checklist and the restore point are.
//!
//! The demo is a list of steps run in order; each step reads and adds to the shared [`Demo`]
//! state. Export and import go through the same library calls as the `export` and `import`
//! commands, and the archive password through the same option path as `--password-file`: the
//! demo writes a fixed password to a file in its folder, so the commands it suggests next can
//! read the archive too, and never prints it. The folder is marked as the demo's; a later run
//! clears it, and a folder the demo did not make is never touched.
//!
//! The exit code is 0 when the import completed, even with warnings (a migration across
//! releases always has some); a failed import gives the import's own code.

mod shown;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use migrator_core::export::{self, ExportRequest};
use migrator_core::import::archive_source::ArchiveSource;
use migrator_core::import::report::{Status, CHECKLIST, REPORT_TEXT};
use migrator_core::import::{self, Mode, Nodes, Outcome, Request};
use migrator_core::sample::{self, Size};
use migrator_core::version::CicVersion;
use migrator_core::{Error, ErrorKind, Result};
use secrecy::SecretString;

use crate::exit;
use crate::password::{self, PasswordArgs, Purpose};
use crate::progress::Renderer;
use crate::{sample as sample_cmd, server_info};

/// The file that marks a folder as made by the demo.
const MARKER: &str = ".migrator-demo";

/// The file in the demo folder that holds the archive password.
const PASSWORD_FILE: &str = "demo-password.txt";

/// The demo archive's password: fixed, so the demo runs unattended and its files can be
/// opened again with `--password-file`; only ever written to [`PASSWORD_FILE`].
const DEMO_PASSWORD: &str = "Calliope-to-Helios-2016R1";

/// Options of `demo`.
#[derive(clap::Args)]
pub struct Args {
    /// The demo's own folder; made when missing, cleared when an earlier demo made it.
    #[arg(long, default_value = "demo-out")]
    dir: PathBuf,
    /// The size of the two sample servers.
    #[arg(long, default_value = "medium")]
    size: Size,
}

/// What the steps share.
pub struct Demo {
    /// The demo's folder.
    pub dir: PathBuf,
    /// The source server image: CIC 2016 R1 "calliope", site Indy.
    pub source: PathBuf,
    /// The target server image: CIC 2023 R3 "helios", site Chicago.
    pub target: PathBuf,
    /// The size of the sample servers.
    pub size: Size,
    /// The archive the export wrote.
    pub archive: Option<PathBuf>,
    /// The archive password, once read back from its file.
    pub password: Option<SecretString>,
    /// The exit code the demo ends with.
    pub exit: u8,
}

impl Demo {
    fn password_file(&self) -> PathBuf {
        self.dir.join(PASSWORD_FILE)
    }

    fn archive(&self) -> Result<&Path> {
        self.archive.as_deref().ok_or_else(|| {
            Error::new(
                ErrorKind::Internal,
                "the demo reached the import without an archive",
            )
        })
    }
}

/// One step of the demo.
struct Step {
    title: &'static str,
    run: fn(&mut Demo) -> Result<()>,
}

/// The steps, in order.
const STEPS: &[Step] = &[
    Step {
        title: "build the source server: CIC 2016 R1 \"calliope\", site Indy",
        run: build_source,
    },
    Step {
        title: "build the target server: CIC 2023 R3 \"helios\", site Chicago",
        run: build_target,
    },
    Step {
        title: "compare the two servers (migrator server-info)",
        run: |demo| server_info::show_side_by_side(&[&demo.source, &demo.target]),
    },
    Step {
        title: "export calliope into an encrypted archive (migrator export)",
        run: export_source,
    },
    Step {
        title: "plan the import onto helios, changing nothing (migrator import --plan)",
        run: show_plan,
    },
    Step {
        title: "import onto helios in Migration mode (migrator import)",
        run: import_target,
    },
];

/// Runs every step, then says what to try next.
pub fn run(args: Args) -> Result<u8> {
    let started = Instant::now();
    let mut demo = prepare(&args.dir, args.size)?;
    for (number, step) in STEPS.iter().enumerate() {
        println!(
            "\n== step {} of {}: {}",
            number + 1,
            STEPS.len(),
            step.title
        );
        (step.run)(&mut demo)?;
    }
    println!(
        "\ndemo finished in {:.1} s; everything is in {}",
        started.elapsed().as_secs_f64(),
        demo.dir.display()
    );
    print!("{}", next_steps(&demo)?);
    Ok(demo.exit)
}

/// The commands a user could try next on what the demo left.
fn next_steps(demo: &Demo) -> Result<String> {
    let archive = demo.archive()?.display();
    let password = demo.password_file();
    let password = password.display();
    let target = demo.target.display();
    Ok(format!(
        "\nNext, try:\n  \
         migrator rollback --server {target}    (undo the import)\n  \
         migrator inspect {archive} --password-file {password}\n  \
         migrator import {archive} --server {target} --extract-to {dir}/extracted \
         --password-file {password} --plan    (every action)\n  \
         migrator diff {archive} NEWER.ininmigr --password-file {password}    \
         (after another export of {source})\n  \
         migrator wizard --server {source}\n",
        dir = demo.dir.display(),
        source = demo.source.display(),
    ))
}

/// Makes the demo folder ready: created and marked, or cleared when an earlier demo made it.
fn prepare(dir: &Path, size: Size) -> Result<Demo> {
    if dir.exists() {
        if dir.join(MARKER).is_file() {
            fs::remove_dir_all(dir).map_err(|e| Error::io("clearing", dir, e))?;
        } else if !is_empty_dir(dir)? {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("{} holds files the demo did not make", dir.display()),
            )
            .with_hint("Give another folder with --dir, or remove that one first."));
        }
    }
    fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let marker = dir.join(MARKER);
    fs::write(
        &marker,
        "made by migrator demo; the next demo run clears this folder\n",
    )
    .map_err(|e| Error::io("writing", &marker, e))?;
    Ok(Demo {
        dir: dir.to_path_buf(),
        source: dir.join("calliope"),
        target: dir.join("helios"),
        size,
        archive: None,
        password: None,
        exit: exit::SUCCESS,
    })
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    let mut entries = fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))?;
    Ok(entries.next().is_none())
}

fn build_source(demo: &mut Demo) -> Result<()> {
    build(&demo.source, demo.size, "2016 R1", "Indy", "calliope")
}

fn build_target(demo: &mut Demo) -> Result<()> {
    build(&demo.target, demo.size, "2023 R3", "Chicago", "helios")
}

fn build(dir: &Path, size: Size, version: &str, site: &str, server: &str) -> Result<()> {
    let version: CicVersion =
        version
            .parse()
            .map_err(|e: migrator_core::version::UnknownVersion| {
                Error::new(ErrorKind::Internal, e.to_string())
            })?;
    let spec = sample_cmd::cic_spec(version, site, server, size);
    let summary = sample::generate(&spec, dir)?;
    sample_cmd::print_headline(&summary);
    Ok(())
}

/// Writes the demo password to its file and reads it back the way `--password-file` does,
/// with the checks an export password gets.
fn demo_password(demo: &Demo) -> Result<SecretString> {
    let file = demo.password_file();
    write_private(&file, format!("{DEMO_PASSWORD}\n").as_bytes())?;
    let args = PasswordArgs {
        password_file: Some(file),
        ..PasswordArgs::default()
    };
    password::resolve(&args, Purpose::Export)?.ok_or_else(|| {
        Error::new(
            ErrorKind::Internal,
            "the demo password file gave no password",
        )
    })
}

/// Writes a file only its owner can read, where the system knows owners.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, bytes));
    written.map_err(|e| Error::io("writing", path, e))
}

fn export_source(demo: &mut Demo) -> Result<()> {
    let password = demo_password(demo)?;
    let prepared = export::prepare(&ExportRequest {
        server: demo.source.clone(),
        nodes: "all".to_string(),
        custom_handlers: None,
        out: demo.dir.join("exports"),
    })?;
    for warning in &prepared.warnings {
        eprintln!("warning: {warning}");
    }
    let progress = Renderer::new();
    let report = prepared.write(Some(&password), &progress)?;
    progress.finish("export");

    let items: usize = report.components.iter().map(|c| c.items).sum();
    let files: usize = report.components.iter().map(|c| c.files).sum();
    println!("archive: {}", report.archive.display());
    println!(
        "{} components, {items} items, {files} files; encrypted (AES-256) with the demo \
         password, which is in {} and not shown",
        report.components.len(),
        demo.password_file().display()
    );
    demo.archive = Some(report.archive);
    demo.password = Some(password);
    Ok(())
}

fn show_plan(demo: &mut Demo) -> Result<()> {
    match import_archive(demo, true)? {
        Outcome::Planned(planned) => {
            print!("{}", shown::plan_summary(&planned));
            Ok(())
        }
        Outcome::Imported(_) => Err(Error::new(
            ErrorKind::Internal,
            "the import ran when only its plan was asked for",
        )),
    }
}

fn import_target(demo: &mut Demo) -> Result<()> {
    let report = match import_archive(demo, false)? {
        Outcome::Imported(report) => *report,
        Outcome::Planned(_) => {
            return Err(Error::new(
                ErrorKind::Internal,
                "the import stopped at its plan",
            ))
        }
    };
    if report.status == Status::Failed {
        demo.exit = u8::try_from(report.exit_code()).unwrap_or(exit::code_of(ErrorKind::Internal));
    }
    let folder = report.folder.clone().unwrap_or_default();
    let point = report.restore_point.clone();
    print!(
        "{}",
        shown::report_summary(report, &folder.join(REPORT_TEXT))
    );
    println!("\nReport file:    {}", folder.join(REPORT_TEXT).display());
    println!("Checklist file: {}", folder.join(CHECKLIST).display());
    match point {
        Some(point) => println!("Restore point:  {point}, in {}", folder.display()),
        None => println!("Restore point:  none (nothing was changed)"),
    }
    Ok(())
}

/// Imports the archive onto the target in Migration mode, as `migrator import` does; with
/// `plan_only`, only plans.
fn import_archive(demo: &Demo, plan_only: bool) -> Result<Outcome> {
    let mut source = ArchiveSource::open(demo.archive()?, demo.password.as_ref())?;
    let request = Request {
        server: demo.target.clone(),
        extract_to: demo.dir.join("extracted"),
        mode: Mode::Migration,
        nodes: Nodes::parse("all"),
        restore_point: true,
        plan_only,
        force: false,
        dev_mode: false,
        map_server: Vec::new(),
        map_site: Vec::new(),
        new_telephony_platform: false,
        per_item_report: false,
    };
    let progress = Renderer::new();
    let outcome = import::run(&request, &mut source, &progress)?;
    progress.finish(if plan_only { "plan" } else { "import" });
    Ok(outcome)
}
