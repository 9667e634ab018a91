//! `migrator rollback --server DIR [POINT] [--list] [--json]`: returns a server image to the
//! state a restore point saved (the newest by default), or lists the restore points.

use std::path::PathBuf;

use migrator_core::restore::{self, RestorePoint, Rollback};
use migrator_core::server::ServerImage;
use migrator_core::text::counted;
use migrator_core::Result;
use serde_json::json;

use crate::exit;

/// Options of `rollback`.
#[derive(clap::Args)]
pub struct Args {
    /// The server image to roll back.
    #[arg(long, value_name = "DIR")]
    server: PathBuf,
    /// The restore point (the name `--list` shows); the newest when left out.
    point: Option<String>,
    /// List the restore points instead of rolling back.
    #[arg(long, conflicts_with_all = ["point", "force"])]
    list: bool,
    /// Roll back even when files or registry.reg were changed since the import (those changes
    /// are lost), or when an import made since took no restore point or has a damaged one
    /// (the registry returns to the point, that import's files stay).
    #[arg(long)]
    force: bool,
    /// Print JSON for programs.
    #[arg(long)]
    json: bool,
}

/// Rolls back, or lists the restore points.
pub fn run(args: Args) -> Result<u8> {
    crate::progress::protect_server_changes(false);
    let image = ServerImage::open(&args.server)?;
    if args.list {
        return list(&image, args.json);
    }
    let done = restore::rollback_image(&image, args.point.as_deref(), args.force)?;
    print_rollback(&image, &done, args.json);
    Ok(match done.warnings.is_empty() {
        true => exit::SUCCESS,
        false => exit::WARNINGS,
    })
}

fn list(image: &ServerImage, as_json: bool) -> Result<u8> {
    let survey = restore::survey_checked(image)?;
    let points = &survey.points;
    if as_json {
        let rows: Vec<serde_json::Value> = points.iter().rev().map(point_json).collect();
        let damaged: Vec<serde_json::Value> = survey
            .damaged
            .iter()
            .map(|d| json!({ "name": d.name, "manifest": d.path, "problem": d.problem }))
            .collect();
        println!(
            "{:#}",
            json!({
                "restore_points": rows,
                "damaged": damaged,
                "without_restore_point": survey.unprotected,
            })
        );
        return Ok(list_code(&survey));
    }
    if points.is_empty() && survey.damaged.is_empty() {
        println!("{} has no restore point", image.dir().display());
    }
    // One line per run, newest first, whatever its state.
    let mut lines: Vec<(&str, String)> = points
        .iter()
        .map(|point| (point.name(), point_line(point, image.dir())))
        .chain(
            survey
                .damaged
                .iter()
                .map(|d| (d.name.as_str(), format!("damaged: {}", d.problem))),
        )
        .chain(survey.unprotected.iter().map(|run| {
            let text = "import without a restore point: it cannot be rolled back".to_string();
            (run.as_str(), text)
        }))
        .collect();
    lines.sort_by(|a, b| b.0.cmp(a.0));
    for (name, text) in lines {
        println!("{name}  {text}");
    }
    Ok(list_code(&survey))
}

fn point_line(point: &RestorePoint, server: &std::path::Path) -> String {
    let m = &point.manifest;
    let rolled = match (&m.rolled_back, point.rollback_unfinished()) {
        (Some(when), _) => format!(", rolled back {when}"),
        (None, Some(when)) => format!(
            ", rollback started {when} and not finished (the server is partly rolled back): \
             run `migrator rollback --server {} {}` again",
            server.display(),
            point.name()
        ),
        (None, None) => String::new(),
    };
    format!(
        "{}  {} overwritten, {} files, {} keys, {} values created{rolled}",
        m.archive,
        m.overwritten.len(),
        m.created_files.len(),
        m.created_keys.len(),
        m.created_values.len()
    )
}

/// Warnings when a restore point is damaged: the list is complete but one cannot be used.
fn list_code(survey: &restore::Survey) -> u8 {
    match survey.damaged.is_empty() {
        true => exit::SUCCESS,
        false => exit::WARNINGS,
    }
}

fn point_json(point: &RestorePoint) -> serde_json::Value {
    let m = &point.manifest;
    json!({
        "name": m.name,
        "created": m.created,
        "archive": m.archive,
        "folder": point.dir,
        "overwritten_files": m.overwritten.len(),
        "created_files": m.created_files.len(),
        "created_keys": m.created_keys.len(),
        "created_values": m.created_values.len(),
        "rolled_back": m.rolled_back,
        "rollback_unfinished": point.rollback_unfinished(),
    })
}

fn print_rollback(image: &ServerImage, done: &Rollback, as_json: bool) {
    if as_json {
        println!(
            "{:#}",
            serde_json::to_value(done).expect("a rollback serializes")
        );
        return;
    }
    println!(
        "rolled {} back to restore point {}",
        image.dir().display(),
        done.point
    );
    if let Some(when) = &done.resumed {
        println!("finished the rollback started {when}");
    }
    println!(
        "registry {}, {} put back, {} and {} removed",
        if done.registry_restored {
            "restored"
        } else {
            "unchanged"
        },
        counted(done.files_restored, "file"),
        counted(done.files_removed, "file"),
        counted(done.dirs_removed, "folder")
    );
    // Part of the result (what the rollback could not undo), so shown even with -q.
    for warning in &done.warnings {
        eprintln!("warning: {warning}");
    }
}
