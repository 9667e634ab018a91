//! Archive passwords: where they come from, and the one check an export needs.
//!
//! Every command that writes or reads an archive flattens [`PasswordArgs`] into its options
//! and calls [`resolve`]. The sources, first match wins: `--password` (works, but warns that
//! other users of the machine can see command lines), `--password-file` (exactly one trailing
//! line break is dropped, nothing else), `--password-prompt` (asks on the terminal without
//! echo), then the `MIGRATOR_PASSWORD` variable. Without any of them there is no password.
//! Files and the variable are read by the library's `archive::password`, so the rules are
//! written once.
//!
//! A resolved password is registered with [`logging::register_secret`], so it is masked in
//! every log line and message even if some code path were to print it.

use std::path::PathBuf;

use migrator_core::archive::{self, password::PASSWORD_VAR as ENV_VAR};
use migrator_core::{Error, ErrorKind, Result};
use secrecy::{ExposeSecret, SecretString};

use crate::logging;

/// Password options, flattened into the options of every command that needs one.
#[derive(clap::Args, Clone, Default)]
pub struct PasswordArgs {
    /// Read the archive password from FILE (one trailing line break is ignored).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["password", "password_prompt"])]
    pub password_file: Option<PathBuf>,
    /// Ask for the archive password on the terminal, without showing it.
    #[arg(long, conflicts_with = "password")]
    pub password_prompt: bool,
    /// The archive password itself. Other users of this machine can see it: prefer
    /// --password-file, --password-prompt or MIGRATOR_PASSWORD.
    #[arg(long, value_name = "PASSWORD", value_parser = parse_secret)]
    pub password: Option<SecretString>,
}

impl std::fmt::Debug for PasswordArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordArgs")
            .field("password_file", &self.password_file)
            .field("password_prompt", &self.password_prompt)
            .field("password", &self.password.as_ref().map(|_| "********"))
            .finish()
    }
}

impl PasswordArgs {
    /// The password for reading an archive; the same as [`resolve`] with [`Purpose::Read`].
    pub fn resolve(&self) -> Result<Option<SecretString>> {
        resolve(self, Purpose::Read)
    }
}

/// What the password is for, which decides the checks and how the prompt asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Encrypting a new archive: printable ASCII only, and the prompt asks twice.
    Export,
    /// Opening an existing archive.
    Read,
}

fn parse_secret(text: &str) -> std::result::Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(text.to_owned()))
}

/// The password the user gave for `purpose`, or `None` when they gave none.
///
/// # Errors
///
/// A password file that cannot be read or is empty, a prompt without a terminal, two prompt
/// entries that differ, or (for an export) characters outside printable ASCII.
pub fn resolve(args: &PasswordArgs, purpose: Purpose) -> Result<Option<SecretString>> {
    let password = match from_sources(args, purpose)? {
        Some(password) => password,
        None => return Ok(None),
    };
    logging::register_secret(&password);
    if purpose == Purpose::Export {
        check_exportable(&password)?;
    }
    Ok(Some(password))
}

fn from_sources(args: &PasswordArgs, purpose: Purpose) -> Result<Option<SecretString>> {
    if let Some(password) = &args.password {
        logging::register_secret(password);
        tracing::warn!(
            "a password on the command line can be seen by other users of this machine; \
             use --password-file, --password-prompt or {ENV_VAR} instead"
        );
        return non_empty(password.clone(), "the --password option").map(Some);
    }
    if let Some(path) = &args.password_file {
        return archive::password::from_file(path).map(Some);
    }
    if args.password_prompt {
        return prompt(purpose).map(Some);
    }
    archive::password::resolve(None)
}

fn non_empty(password: SecretString, source: &str) -> Result<SecretString> {
    if password.expose_secret().is_empty() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{source} holds an empty password"),
        )
        .with_hint("Give the password itself, or leave out the option for no password."));
    }
    Ok(password)
}

/// Asks for a password on the terminal without echo; twice for an export.
pub fn prompt(purpose: Purpose) -> Result<SecretString> {
    let first = ask("Archive password: ")?;
    if purpose == Purpose::Export {
        let again = ask("Repeat the password: ")?;
        if again.expose_secret() != first.expose_secret() {
            return Err(
                Error::new(ErrorKind::Usage, "the two passwords typed differ")
                    .with_hint("Run the command again and type the same password twice."),
            );
        }
    }
    non_empty(first, "the prompt")
}

fn ask(question: &str) -> Result<SecretString> {
    let answer = logging::progress().suspend(|| rpassword::prompt_password(question));
    answer.map(SecretString::from).map_err(|error| {
        Error::new(
            ErrorKind::Usage,
            format!("cannot ask for the password: no terminal to read it from ({error})"),
        )
        .with_hint(format!(
            "Give it with --password-file FILE or the {ENV_VAR} variable instead."
        ))
    })
}

/// Refuses a password that 7-Zip could not use to create the same archive.
pub fn check_exportable(password: &SecretString) -> Result<()> {
    let printable = |c: char| (' '..='~').contains(&c);
    let bad = password
        .expose_secret()
        .chars()
        .filter(|c| !printable(*c))
        .count();
    if bad == 0 {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Usage,
        format!(
            "the password has {bad} character(s) outside printable ASCII (letters, digits, \
             punctuation and space); 7-Zip cannot create or reliably open archives with such \
             passwords"
        ),
    )
    .with_hint(
        "Choose a password of printable ASCII characters only; check that a password file \
         has no extra blank line.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_accepts_printable_ascii_with_spaces() {
        let password = SecretString::from("Correct horse ~ battery!".to_owned());
        assert!(check_exportable(&password).is_ok());
    }

    #[test]
    fn export_refuses_other_characters_without_showing_them() {
        for text in ["pässword", "tab\there", "line\n", "日本"] {
            let error = check_exportable(&SecretString::from(text.to_owned())).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Usage);
            assert!(error.message().contains("7-Zip"), "{}", error.message());
            assert!(!error.message().contains(text), "{}", error.message());
        }
    }

    #[test]
    fn debug_output_masks_the_password() {
        let args = PasswordArgs {
            password: Some(SecretString::from("hunter2".to_owned())),
            ..PasswordArgs::default()
        };
        assert!(!format!("{args:?}").contains("hunter2"));
    }
}
