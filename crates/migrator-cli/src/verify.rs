//! `migrator verify FILE`: decrypts and checks every component of an archive; exits 0 when
//! it is sound and with the damaged-archive code, naming each damaged component, when not.

use std::path::PathBuf;

use migrator_core::archive::Archive;
use migrator_core::Result;

use crate::password::PasswordArgs;
use crate::progress::Renderer;

/// Options of `verify`.
#[derive(clap::Args)]
pub struct Args {
    /// The .ininmigr archive.
    file: PathBuf,
    #[command(flatten)]
    password: PasswordArgs,
}

/// Checks `args.file` and prints one line per component.
pub fn run(args: Args) -> Result<u8> {
    let password = args.password.resolve()?;
    let archive = Archive::open(&args.file, password.as_ref())?;
    let progress = Renderer::new();
    let report = archive.verify(&progress)?;
    progress.finish("verify");
    for check in &report.components {
        match &check.problem {
            None => println!("ok       {}", check.name),
            Some(problem) => println!("DAMAGED  {}: {problem}", check.name),
        }
    }
    let report = report.into_result()?;
    println!(
        "{} is sound: {} checked",
        report.archive.display(),
        migrator_core::text::counted(report.components.len(), "component")
    );
    Ok(0)
}
