//! `migrator inspect FILE [--json]`: an archive's manifest and components, without
//! extracting anything.

use std::path::PathBuf;

use migrator_core::archive::{Archive, Manifest};
use migrator_core::Result;
use serde_json::json;

use crate::password::PasswordArgs;

/// Options of `inspect`.
#[derive(clap::Args)]
pub struct Args {
    /// The .ininmigr archive.
    file: PathBuf,
    /// Print JSON for programs.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    password: PasswordArgs,
}

/// Prints the manifest of `args.file`.
pub fn run(args: Args) -> Result<u8> {
    let password = args.password.resolve()?;
    let archive = Archive::open(&args.file, password.as_ref())?;
    if args.json {
        println!("{}", to_json(&archive));
    } else {
        print_text(&archive);
    }
    Ok(0)
}

fn to_json(archive: &Archive) -> String {
    let manifest = archive.manifest();
    let mut value = serde_json::to_value(manifest).expect("a manifest serializes");
    value["encrypted"] = json!(archive.is_encrypted());
    value["path"] = json!(archive.path().display().to_string());
    serde_json::to_string_pretty(&value).expect("JSON serializes")
}

fn print_text(archive: &Archive) {
    let m: &Manifest = archive.manifest();
    println!("archive:    {}", archive.path().display());
    println!(
        "encrypted:  {}",
        if archive.is_encrypted() {
            "yes (AES-256)"
        } else {
            "no"
        }
    );
    println!("server:     {} ({})", m.server, m.kind.product_name());
    if !m.site.is_empty() {
        println!("site:       {}", m.site);
    }
    println!("version:    {}", m.cic_version);
    if !m.install_root.is_empty() {
        println!("installed:  {}", m.install_root);
    }
    println!("created:    {}", m.created);
    println!(
        "written by: migrator {} (build {}), format {}",
        m.tool_version, m.build, m.format_version
    );
    println!();
    // The first column is as wide as the longest name, so every row lines up.
    let width = m
        .components
        .iter()
        .map(|c| c.name.chars().count())
        .chain(["component".len()])
        .max()
        .unwrap_or_default();
    println!(
        "{:<width$} {:>8} {:>8} {:>12}  why",
        "component", "items", "files", "bytes"
    );
    for c in &m.components {
        let why = c.reason.as_deref().unwrap_or("chosen");
        println!(
            "{:<width$} {:>8} {:>8} {:>12}  {why}",
            c.name, c.items, c.files, c.bytes
        );
    }
}
