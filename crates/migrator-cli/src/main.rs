//! The `migrator` command: parses the command line, calls the library and renders what it
//! returns. Each subcommand lives in its own module; the modules shared by all of them are
//! `logging` (log file and console), `password`, `exit` (exit codes, errors, panics) and
//! `console` (the vendor console's command line, translated to subcommands).

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use migrator_core::Result;

mod console;
mod demo;
mod diff;
mod exit;
mod export;
mod import;
mod inspect;
mod logging;
mod nodes;
mod password;
mod progress;
mod resolve_parameters;
mod rollback;
mod sample;
mod server_info;
mod support_bundle;
mod verify;
mod wizard;

/// Export and import the configuration of CIC servers and Interaction Media Servers.
#[derive(Parser)]
#[command(name = "migrator", version, about)]
struct Cli {
    #[command(flatten)]
    log: logging::LogArgs,
    #[command(subcommand)]
    command: Command,
}

/// Shown after the options in `--help`.
const CONSOLE_HELP: &str = "\
The vendor console's command lines work too, with -server=DIR added:
  migrator -export -exportFolder=DIR [-exportNodes=\"all\"] [-customHandlerPath=DIR]
           [-password[=P]] -server=DIR [-noprompt]
  migrator -import -importfile=FILE -extractionFolder=DIR [-importNodes=\"all\"]
           [-importmode=0|1] [-password[=P]] [-devMode] -server=DIR [-noprompt]";

#[derive(Subcommand)]
enum Command {
    /// Show a server's identity and how many items each container holds.
    ServerInfo(server_info::Args),
    /// List the data components a server has, with what each pulls in.
    Nodes(nodes::Args),
    /// Export a server's configuration into one .ininmigr archive.
    Export(export::Args),
    /// Show an archive's manifest and components without extracting anything.
    Inspect(inspect::Args),
    /// Decrypt and check every component of an archive.
    Verify(verify::Args),
    /// Import an archive onto a server image, or show the plan with --plan.
    Import(import::Args),
    /// Return a server image to the state before an import, from its restore point.
    Rollback(rollback::Args),
    /// Show what changed between two exports of the same server, key by key.
    Diff(diff::Args),
    /// Write a realistic, reproducible sample server image.
    Sample(sample::Args),
    /// Show the main job on two sample servers, in a folder of its own.
    Demo(demo::Args),
    /// Export or import page by page, as the vendor's wizard does, in the terminal.
    Wizard(wizard::Args),
    /// Put the recent logs, reports and checklists into one zip for support.
    SupportBundle(support_bundle::Args),
    /// Settle the _migrated server parameters and IP tables a Migration import left.
    ResolveParameters(resolve_parameters::Args),
}

fn main() -> ExitCode {
    exit::install_panic_hook();
    let code = std::panic::catch_unwind(run).unwrap_or_else(|_| exit::panic_exit_code());
    ExitCode::from(code)
}

/// Runs the command line and returns the exit code.
fn run() -> u8 {
    let raw: Vec<OsString> = std::env::args_os().collect();
    let translation = match console::translate(&raw) {
        Ok(translation) => translation,
        Err(error) => return exit::report(&error),
    };
    let args = translation.as_ref().map_or(&raw, |t| &t.args);
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return u8::try_from(error.exit_code()).unwrap_or(exit::code_of_usage());
        }
    };
    let session = logging::init(&cli.log);
    tracing::info!(
        version = migrator_core::TOOL_VERSION,
        os = std::env::consts::OS,
        "run started: {}",
        logging::masked_command_line(&raw)
    );
    let outcome = start(translation.as_ref(), cli.command, &session);
    let code = outcome.unwrap_or_else(|error| exit::report(&error));
    tracing::info!(code, elapsed = ?session.elapsed(), "run finished");
    code
}

/// Parses the ordinary command line; `--help` ends with the console forms and exit codes.
fn parse(args: &[OsString]) -> std::result::Result<Cli, clap::Error> {
    let after_help = format!("{CONSOLE_HELP}\n\n{}", exit::help_text());
    let mut matches = Cli::command()
        .after_help(after_help)
        .try_get_matches_from(args)?;
    Cli::from_arg_matches_mut(&mut matches)
}

fn start(
    translation: Option<&console::Translation>,
    command: Command,
    session: &logging::Session,
) -> Result<u8> {
    if let Some(translation) = translation {
        console::wait_for_key(translation)?;
    }
    match command {
        Command::ServerInfo(args) => server_info::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Nodes(args) => nodes::run(args),
        Command::Export(args) => export::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Import(args) => import::run(args),
        Command::Rollback(args) => rollback::run(args),
        Command::SupportBundle(args) => support_bundle::run(args, session),
        Command::ResolveParameters(args) => resolve_parameters::run(args),
        Command::Wizard(args) => wizard::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Demo(args) => demo::run(args),
    }
}
