//! `migrator export --server DIR [--nodes LIST] [--custom-handlers DIR] --out DIR
//! [--password-file F]`: writes one `.ininmigr` archive of the chosen components.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use migrator_core::catalog::Reason;
use migrator_core::export::{self, ExportReport, ExportRequest, PreparedExport};
use migrator_core::retention;
use migrator_core::text::counted;
use migrator_core::Result;

use crate::password::{PasswordArgs, Purpose};
use crate::progress::Renderer;

/// Options of `export`.
#[derive(clap::Args)]
pub struct Args {
    /// The server image to export from.
    #[arg(long, value_name = "DIR")]
    server: PathBuf,
    /// `all`, or component names separated by commas ("Users, Workgroups").
    #[arg(long, value_name = "LIST", default_value = "all")]
    nodes: String,
    /// The custom handler folder (default: Handlers\Custom of the server), all sub-folders.
    #[arg(long, value_name = "DIR")]
    custom_handlers: Option<PathBuf>,
    /// The folder the archive goes to; created when missing. Not inside the install tree.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Keep only the newest N exports of this server in the destination, removing older
    /// ones after this export succeeds.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    keep: Option<u32>,
    /// Encrypts the archive with this password (without either, no password).
    #[command(flatten)]
    password: PasswordArgs,
}

/// Runs the export and prints what it did.
pub fn run(args: Args) -> Result<u8> {
    let started = Instant::now();
    let password = crate::password::resolve(&args.password, Purpose::Export)?;
    let prepared = export::prepare(&ExportRequest {
        server: args.server,
        nodes: args.nodes,
        custom_handlers: args.custom_handlers,
        out: args.out,
    })?;
    print_plan(&prepared);
    let progress = Renderer::new();
    let report = prepared.write(password.as_ref(), &progress)?;
    progress.finish("export");
    print_report(&report, password.is_some(), started.elapsed());
    if let Some(keep) = args.keep {
        for old in retention::prune_beside(&report.archive, keep as usize)? {
            println!("removed older export: {}", old.display());
        }
    }
    Ok(0)
}

fn print_plan(prepared: &PreparedExport) {
    let identity = &prepared.identity;
    let site = if identity.site.is_empty() {
        String::new()
    } else {
        format!(" (site {})", identity.site)
    };
    println!(
        "exporting {}{site}, {} {}",
        identity.server,
        identity.kind.product_name(),
        identity.version
    );
    for warning in &prepared.warnings {
        tracing::warn!("{warning}");
    }
    for entry in prepared.selection.pulled_in() {
        if let Reason::PulledIn { by, reason } = &entry.reason {
            println!("pulled in {} by {by}: {reason}", entry.name);
        }
    }
}

fn print_report(report: &ExportReport, encrypted: bool, elapsed: Duration) {
    let width = report
        .components
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("component".len());
    println!(
        "{:width$}  {:>7}  {:>6}  {:>10}",
        "component", "items", "files", "file bytes"
    );
    for c in &report.components {
        println!(
            "{:width$}  {:>7}  {:>6}  {:>10}",
            c.name, c.items, c.files, c.file_bytes
        );
    }
    let items: usize = report.components.iter().map(|c| c.items).sum();
    let files: usize = report.components.iter().map(|c| c.files).sum();
    println!("archive: {}", report.archive.display());
    println!(
        "{}, {}, {}, {}, in {:.2} s",
        counted(report.components.len(), "component"),
        counted(items, "item"),
        counted(files, "file"),
        if encrypted {
            "encrypted"
        } else {
            "not encrypted"
        },
        elapsed.as_secs_f64()
    );
}
