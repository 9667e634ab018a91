//! `migrator resolve-parameters --server DIR [--keep imported|original] [--plan] [--json]`:
//! settles the `_migrated` server parameters and IP tables a Migration import left beside the
//! target's own, taking a restore point first.

use std::path::PathBuf;

use migrator_core::rules::resolve_parameters::{self, Keep, Pair, Resolution, Resolved};
use migrator_core::server::ServerImage;
use migrator_core::Result;

/// Options of `resolve-parameters`.
#[derive(clap::Args)]
pub struct Args {
    /// The CIC server image the archive was imported into.
    #[arg(long, value_name = "DIR")]
    server: PathBuf,
    /// For pairs whose data differs: keep the imported data or the server's original, under
    /// the original name. Without it, such pairs are shown and left as they are.
    #[arg(long, value_name = "SIDE", value_parser = parse_keep)]
    keep: Option<Keep>,
    /// Show what would be done; change nothing.
    #[arg(long)]
    plan: bool,
    /// Print JSON for programs.
    #[arg(long)]
    json: bool,
}

fn parse_keep(text: &str) -> std::result::Result<Keep, String> {
    text.parse::<Keep>()
        .map_err(|error| error.message().to_string())
}

/// Resolves the pairs of the server in `args.server`. Exits 1 (completed with warnings) when a
/// run leaves pairs that differ for the administrator to decide.
pub fn run(args: Args) -> Result<u8> {
    crate::progress::protect_server_changes(false);
    let image = ServerImage::open(&args.server)?;
    let resolved = resolve_parameters::resolve(&image, args.keep, args.plan)?;
    if args.json {
        let json = serde_json::to_string_pretty(&resolved).expect("the result serializes");
        println!("{json}");
    } else {
        print_text(&resolved, &args);
    }
    // With --plan too: a script sees that pairs would be left to decide.
    Ok(u8::from(resolved.undecided() > 0))
}

fn print_text(resolved: &Resolved, args: &Args) {
    if resolved.pairs.is_empty() {
        println!(
            "{}: no _migrated server parameter or IP table.",
            resolved.server
        );
        return;
    }
    println!(
        "{}: {} _migrated item(s)",
        resolved.server,
        resolved.pairs.len()
    );
    let width = resolved
        .pairs
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0);
    for pair in &resolved.pairs {
        println!(
            "  {:width$}  {:16}  {}",
            pair.name,
            pair.kind.label(),
            pair.resolution
        );
        print_values(pair);
    }
    println!();
    print_summary(resolved, args);
}

/// Both sides of a pair that is not simply equal.
fn print_values(pair: &Pair) {
    if pair.resolution == Resolution::Equal {
        return;
    }
    if let Some(original) = &pair.original {
        println!("      original: {original}");
    }
    println!("      imported: {}", pair.imported);
}

fn print_summary(resolved: &Resolved, args: &Args) {
    let undecided = resolved.undecided();
    let decided = resolved.pairs.len() - undecided;
    if args.plan {
        println!("Plan only: {decided} pair(s) would be resolved; nothing was changed.");
    } else {
        println!("Resolved {} pair(s).", resolved.changed);
    }
    if undecided > 0 {
        println!(
            "{undecided} pair(s) differ and are left as they are: run again with \
             --keep imported or --keep original."
        );
    }
    if let Some(folder) = &resolved.restore_point {
        println!(
            "Restore point: {} (undo with `migrator rollback --server {}`).",
            folder.display(),
            args.server.display()
        );
    }
}
