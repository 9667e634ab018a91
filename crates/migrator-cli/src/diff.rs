//! `migrator diff A.ininmigr B.ininmigr [--json] [--password-file F]`: what changed between
//! two exports of the same server, component by component and key by key, for keeping a
//! server's configuration under version control. The comparison is the library's
//! `diff::compare`; this module renders it. Secret values are masked by the library.

use std::path::PathBuf;

use migrator_core::diff::{self, ArchiveDiff, Change, ComponentDiff, Data, Input};
use migrator_core::Result;

use crate::exit;
use crate::password::{self, PasswordArgs, Purpose};

/// Options of `diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The older archive.
    a: PathBuf,
    /// The newer archive.
    b: PathBuf,
    /// Print JSON for programs.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    password: PasswordArgs,
}

/// Compares the two archives and prints what changed.
pub fn run(args: Args) -> Result<u8> {
    let password = password::resolve(&args.password, Purpose::Read)?;
    let input = |path| Input {
        path,
        password: password.as_ref(),
    };
    let diff = diff::compare(input(&args.a), input(&args.b))?;
    if !diff.same_server {
        tracing::warn!(
            "the archives come from different servers ({} and {}): \
             every server-specific key will show as changed",
            diff.a.server,
            diff.b.server
        );
    }
    if args.json {
        let json = serde_json::to_string_pretty(&diff).expect("a diff serializes");
        println!("{json}");
    } else {
        print_text(&diff);
    }
    Ok(exit::SUCCESS)
}

fn print_text(diff: &ArchiveDiff) {
    println!(
        "A: {} ({} on {})",
        diff.a.path, diff.a.server, diff.a.created
    );
    println!(
        "B: {} ({} on {})",
        diff.b.path, diff.b.server, diff.b.created
    );
    for component in &diff.components {
        println!();
        print_component(component);
    }
    println!();
    println!(
        "{} component(s) differ, {} unchanged",
        diff.components.len(),
        diff.unchanged
    );
}

fn print_component(component: &ComponentDiff) {
    match component.change {
        Change::Added => println!("{}: added (only in B)", component.name),
        Change::Removed => println!("{}: removed (only in A)", component.name),
        Change::Changed => println!("{}: changed", component.name),
    }
    for key in &component.keys {
        println!("  {} key   {}", sign(key.change), key.path);
    }
    for value in &component.values {
        let what = match (&value.old, &value.new) {
            (Some(old), Some(new)) => format!("{} -> {}", shown(old), shown(new)),
            (Some(data), None) | (None, Some(data)) => shown(data),
            (None, None) => String::new(),
        };
        println!(
            "  {} value {} : {} = {what}",
            sign(value.change),
            value.key,
            value.name
        );
    }
    for file in &component.files {
        let size = file.new_size.or(file.old_size).unwrap_or(0);
        println!("  {} file  {} ({size} bytes)", sign(file.change), file.path);
    }
}

fn sign(change: Change) -> char {
    match change {
        Change::Added => '+',
        Change::Removed => '-',
        Change::Changed => '~',
    }
}

fn shown(data: &Data) -> String {
    format!("{} {:?}", data.kind, data.data)
}
