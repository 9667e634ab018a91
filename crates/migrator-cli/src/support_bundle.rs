//! `migrator support-bundle [--out DIR] [--server DIR]... [--days N]`: the recent logs,
//! import reports and checklists in one zip to send to support (the vendor tool's "Zip and
//! Email logs").
//!
//! What goes in is chosen by a whitelist: `*.log` files of the log folder, and from each
//! given server image's Migrator folder only files named like reports, plans and checklists.
//! Archives, registry snapshots, restore points and password files are never collected; log
//! lines never held passwords in the first place (see the logging module). The zip is written
//! under a temporary name and renamed when complete.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use migrator_core::server::INSTALL_DIR;
use migrator_core::{layout, Error, ErrorKind, Result};
use zip::write::SimpleFileOptions;

use crate::exit;
use crate::logging::Session;

/// At most this many log files, newest first, so a busy machine's bundle stays small.
const MAX_LOGS: usize = 50;

/// Options of `support-bundle`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Folder to write the bundle into.
    #[arg(long, value_name = "DIR", default_value = ".")]
    out: PathBuf,
    /// Also collect the import reports and checklists of this server image (repeatable).
    #[arg(long, value_name = "DIR")]
    server: Vec<PathBuf>,
    /// Collect files changed in the last N days.
    #[arg(long, value_name = "N", default_value_t = 7)]
    days: u32,
}

/// One file to put in the bundle.
struct Item {
    source: PathBuf,
    name: String,
}

/// Writes the bundle and prints its path.
pub fn run(args: Args, session: &Session) -> Result<u8> {
    let since = SystemTime::now() - Duration::from_secs(u64::from(args.days) * 86_400);
    let mut items = logs(session.dir(), since)?;
    for server in &args.server {
        items.extend(reports(server, since)?);
    }
    if items.is_empty() {
        tracing::warn!(
            "no logs or reports from the last {} days were found",
            args.days
        );
    }
    let path = write_bundle(&args.out, &items, session)?;
    println!("{}", path.display());
    eprintln!(
        "{} files collected; send this file to support.",
        items.len()
    );
    Ok(exit::SUCCESS)
}

/// The newest log files of the log folder.
fn logs(dir: &Path, since: SystemTime) -> Result<Vec<Item>> {
    let mut found: Vec<(SystemTime, Item)> = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("listing", dir, e)),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_log = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("log"));
        match modified_since(&path, since) {
            Some(time) if is_log => found.push((time, item(&path, "logs"))),
            _ => {}
        }
    }
    found.sort_by_key(|(time, _)| std::cmp::Reverse(*time));
    if found.len() > MAX_LOGS {
        tracing::warn!(
            "{} older logs were left out: the bundle holds the newest {MAX_LOGS} (the others are \
             in {}; --days narrows the period)",
            found.len() - MAX_LOGS,
            dir.display()
        );
    }
    Ok(found
        .into_iter()
        .take(MAX_LOGS)
        .map(|(_, item)| item)
        .collect())
}

/// The reports, plans and checklists kept in a server image's Migrator folder.
fn reports(server: &Path, since: SystemTime) -> Result<Vec<Item>> {
    let mut root = server.to_path_buf();
    root.extend(INSTALL_DIR);
    root.push(layout::MIGRATOR_DIR);
    if !server.is_dir() {
        return Err(Error::new(
            ErrorKind::Input,
            format!("the server image {} does not exist", server.display()),
        )
        .with_hint("Give the server image folder that holds registry.reg and I3/IC."));
    }
    let label = server
        .file_name()
        .map_or("server".into(), |n| n.to_string_lossy().into_owned());
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
        let path = entry.path();
        if entry.file_type().is_file() && is_report(path) && modified_since(path, since).is_some() {
            let relative = path.strip_prefix(&root).unwrap_or(path);
            let name = format!("servers/{label}/{}", zip_name(relative));
            found.push(Item {
                source: path.to_path_buf(),
                name,
            });
        }
    }
    Ok(found)
}

/// Whether a file of the Migrator folder is a report, plan or checklist (never data).
fn is_report(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let text = [".md", ".txt", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext));
    let kind = ["report", "checklist", "plan"]
        .iter()
        .any(|k| name.contains(k));
    text && kind
}

fn modified_since(path: &Path, since: SystemTime) -> Option<SystemTime> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    (modified >= since).then_some(modified)
}

fn item(path: &Path, folder: &str) -> Item {
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    Item {
        source: path.to_path_buf(),
        name: format!("{folder}/{file}"),
    }
}

fn zip_name(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Writes the zip under a temporary name in `out` and renames it when complete.
fn write_bundle(out: &Path, items: &[Item], session: &Session) -> Result<PathBuf> {
    std::fs::create_dir_all(out).map_err(|e| Error::io("creating", out, e))?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let path = out.join(format!("migrator-support-{stamp}.zip"));
    let temp = tempfile::Builder::new()
        .prefix(".migrator-support-")
        .suffix(".tmp")
        .tempfile_in(out)
        .map_err(|e| Error::io("creating a file in", out, e))?;
    let file = temp
        .reopen()
        .map_err(|e| Error::io("writing", temp.path(), e))?;
    fill_zip(file, items, session).map_err(|e| Error::io("writing", &path, e))?;
    temp.persist_noclobber(&path)
        .map_err(|e| Error::io("writing", &path, e.error))?;
    Ok(path)
}

fn fill_zip(file: File, items: &[Item], session: &Session) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("about.txt", options)?;
    zip.write_all(about(items, session).as_bytes())?;
    for item in items {
        // A log may vanish or be locked between listing and reading; the rest still helps.
        let Ok(mut source) = File::open(&item.source) else {
            continue;
        };
        zip.start_file(item.name.as_str(), options)?;
        std::io::copy(&mut source, &mut zip)?;
    }
    zip.finish()?.sync_all()
}

fn about(items: &[Item], session: &Session) -> String {
    let mut text = format!(
        "migrator {} support bundle\ncreated: {}\nrun: {}\nos: {} {}\nlog folder: {}\n",
        migrator_core::TOOL_VERSION,
        chrono::Local::now().to_rfc3339(),
        session.run_id(),
        std::env::consts::OS,
        std::env::consts::ARCH,
        session.dir().display(),
    );
    if let Some(file) = session.file() {
        text.push_str(&format!("this run's log: {}\n", file.display()));
    }
    text.push_str("\nfiles:\n");
    for item in items {
        text.push_str(&format!("  {} <- {}\n", item.name, item.source.display()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reports_plans_and_checklists_count_as_reports() {
        for name in [
            "report.json",
            "checklist.md",
            "import-report.txt",
            "Plan.JSON",
        ] {
            assert!(is_report(Path::new(name)), "{name}");
        }
        for name in [
            "calliope_01012024000000.ininmigr",
            "registry.reg",
            "before.hive",
            "report.reg",
            "password.txt",
            "import.lock",
        ] {
            assert!(!is_report(Path::new(name)), "{name}");
        }
    }
}
