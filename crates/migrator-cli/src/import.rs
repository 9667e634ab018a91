//! `migrator import FILE --server DIR --extract-to DIR --mode migration|recovery
//! [--nodes all|LIST] [--password-file F] [--no-restore-point] [--plan] [--json] [--force]
//! [--dev-mode] [--map-server OLD=NEW] [--map-site OLD=NEW]`: imports an archive onto a server
//! image, or with `--plan` shows what it would do.
//!
//! The stages are logged and shown as progress on standard error; standard output gets the
//! plan or the report (text, or JSON with `--json`). The exit code follows the report's
//! status: 0 completed, 1 completed with warnings, the failure's own code otherwise.

use std::io::Write;
use std::path::{Path, PathBuf};

use migrator_core::import::archive_source::ArchiveSource;
use migrator_core::import::report::{self, Report, Status};
use migrator_core::import::{self, Mode, Nodes, Outcome, Planned, Request};
use migrator_core::rules::NameMapping;
use migrator_core::{Error, ErrorKind, Result};

use crate::exit;
use crate::password::PasswordArgs;
use crate::progress::Renderer;

/// Options of `import`.
#[derive(clap::Args)]
pub struct Args {
    /// The .ininmigr archive to import.
    file: PathBuf,
    /// The server image to import into.
    #[arg(long, value_name = "DIR")]
    server: PathBuf,
    /// The folder the archive is extracted into; created when missing. Not inside the
    /// install tree. Custom handlers stay there.
    #[arg(long, value_name = "DIR")]
    extract_to: PathBuf,
    /// migration: onto another server or release, through the migration rules. recovery:
    /// back onto the server it came from, as it is.
    #[arg(long, value_enum, default_value = "migration")]
    mode: ModeArg,
    /// `all`, or component names separated by commas ("Users, Workgroups").
    #[arg(long, value_name = "LIST", default_value = "all")]
    nodes: String,
    #[command(flatten)]
    password: PasswordArgs,
    /// Do not take a restore point (then a failed import cannot be rolled back).
    #[arg(long)]
    no_restore_point: bool,
    /// Show what the import would do, and change nothing.
    #[arg(long)]
    plan: bool,
    /// Print the plan or the report as JSON, and write the per-item report as JSON too.
    #[arg(long)]
    json: bool,
    /// Import onto a Switchover backup server, AdminConfig without Tracker data, or onto an
    /// older release in Migration mode.
    #[arg(long)]
    force: bool,
    /// Leave out the Recordings Rescue ID of Interaction Recorder (development targets).
    #[arg(long)]
    dev_mode: bool,
    /// Server name mapping for Migration mode, overriding the target's name; may be given
    /// more than once (other servers the data names, such as command servers).
    #[arg(long, value_name = "OLD=NEW")]
    map_server: Vec<NameMapping>,
    /// Site name mapping for Migration mode, overriding the target's site.
    #[arg(long, value_name = "OLD=NEW")]
    map_site: Vec<NameMapping>,
    /// The target uses another telephony platform: lines, line groups and stations are not
    /// imported (re-create them there).
    #[arg(long)]
    new_telephony_platform: bool,
    /// List every value only the target has, instead of counting them.
    #[arg(long)]
    show_kept: bool,
}

/// The import modes as the command line spells them.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ModeArg {
    Migration,
    Recovery,
}

/// Runs the import (or the plan) and prints the outcome.
pub fn run(args: Args) -> Result<u8> {
    crate::progress::protect_server_changes(true);
    let password = args.password.resolve()?;
    let mut source = ArchiveSource::open(&args.file, password.as_ref())?;
    let request = request(&args);
    let progress = Renderer::new();
    let outcome = import::run(&request, &mut source, &progress)?;
    progress.finish(if args.plan { "plan" } else { "import" });
    let code = match &outcome {
        Outcome::Planned(planned) => print_plan(planned, &args),
        Outcome::Imported(report) => print_report(report, &args),
    };
    // The process ends next: freeing a large plan's actions one by one would only cost time.
    std::mem::forget(outcome);
    code
}

fn request(args: &Args) -> Request {
    Request {
        server: args.server.clone(),
        extract_to: args.extract_to.clone(),
        mode: match args.mode {
            ModeArg::Migration => Mode::Migration,
            ModeArg::Recovery => Mode::Recovery,
        },
        nodes: Nodes::parse(&args.nodes),
        restore_point: !args.no_restore_point,
        plan_only: args.plan,
        force: args.force,
        dev_mode: args.dev_mode,
        map_server: args.map_server.clone(),
        map_site: args.map_site.clone(),
        new_telephony_platform: args.new_telephony_platform,
        per_item_report: args.json,
    }
}

fn print_plan(planned: &Planned, args: &Args) -> Result<u8> {
    match args.json {
        true => print_json(&report::plan_document(planned))?,
        false => print!("{}", report::plan_text(planned, args.show_kept)),
    }
    Ok(exit::SUCCESS)
}

/// Writes a JSON document to standard output as it serializes, without a copy in memory.
fn print_json(document: &impl serde::Serialize) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, document)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("writing", Path::new("standard output"), e))
}

fn print_report(report: &Report, args: &Args) -> Result<u8> {
    if args.json {
        print_json(&report.document())?;
    } else {
        print!("{}", report.summary());
        if let Some(folder) = &report.folder {
            // Files written atomically: each exists only when it was written whole.
            let text = folder.join(report::REPORT_TEXT);
            if text.exists() {
                println!("\nReport:        {}", text.display());
            }
            let checklist = folder.join(report::CHECKLIST);
            if checklist.exists() {
                println!("Checklist:     {}", checklist.display());
            }
            // After a failure the point was used by the rollback, or its hint names it.
            if let (Some(point), None) = (&report.restore_point, &report.failure) {
                println!(
                    "Restore point: {point} (`migrator rollback --server {}` undoes the import)",
                    args.server.display()
                );
            }
        }
    }
    let code = report.exit_code();
    match (&report.failure, report.status) {
        (Some(failure), _) => {
            exit::report(&failure.to_error());
        }
        (None, Status::CompletedWithWarnings) => {
            let warnings = migrator_core::text::counted(report.warnings.len(), "warning");
            tracing::warn!("import completed with {warnings}");
        }
        _ => {}
    }
    Ok(u8::try_from(code).unwrap_or(exit::code_of(ErrorKind::Internal)))
}
