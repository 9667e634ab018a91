//! The `--password-file` option shared by the commands that read or write archives.

use std::path::PathBuf;

use migrator_core::archive::password;
use migrator_core::Result;
use secrecy::SecretString;

/// Where the archive password comes from.
#[derive(clap::Args, Debug)]
pub struct PasswordArgs {
    /// A file holding the archive password (one trailing line ending is ignored); without it
    /// the MIGRATOR_PASSWORD environment variable is used when set.
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

impl PasswordArgs {
    /// The password, if any was given.
    pub fn resolve(&self) -> Result<Option<SecretString>> {
        password::resolve(self.password_file.as_deref())
    }
}
