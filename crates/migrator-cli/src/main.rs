//! The `migrator` command: parses the command line, calls the library and renders what it
//! returns. Each subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod demo;
mod sample;
mod server_info;

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
    /// Write a realistic, reproducible sample server image.
    Sample(sample::Args),
    /// Show the main job on two sample servers, in a folder of its own.
    Demo(demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::ServerInfo(args) => server_info::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Demo(args) => demo::run(args),
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
