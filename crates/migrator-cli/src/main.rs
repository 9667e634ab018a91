//! The `migrator` command: parses the command line, calls the library and renders what it
//! returns. Each subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod export;
mod inspect;
mod nodes;
mod password;
mod progress;
mod server_info;
mod verify;

/// Export and import the configuration of CIC servers and Interaction Media Servers.
#[derive(Parser)]
#[command(name = "migrator", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::ServerInfo(args) => server_info::run(args),
        Command::Nodes(args) => nodes::run(args),
        Command::Export(args) => export::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Verify(args) => verify::run(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("error: {}", error.message());
            if let Some(hint) = error.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(error.kind().exit_code() as u8)
        }
    }
}
