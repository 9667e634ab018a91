//! Where an archive password comes from: a password file or the `MIGRATOR_PASSWORD`
//! environment variable, held as a [`SecretString`] so it is wiped from memory after use and
//! never printed by `Debug`.

use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroize;

use crate::error::{Error, ErrorKind, Result};

/// The environment variable that may hold the archive password.
pub const PASSWORD_VAR: &str = "MIGRATOR_PASSWORD";

/// Reads the password in `path`: the whole file, less exactly one trailing LF or CRLF, so a
/// password may itself begin or end with spaces.
///
/// # Errors
///
/// `Input` when the file cannot be read or is not UTF-8; `Usage` when it holds an empty
/// password, as an empty `--password` is.
pub fn from_file(path: &Path) -> Result<SecretString> {
    let mut bytes = std::fs::read(path).map_err(|e| Error::io("reading", path, e))?;
    let mut end = bytes.len();
    if bytes[..end].ends_with(b"\n") {
        end -= 1;
        if bytes[..end].ends_with(b"\r") {
            end -= 1;
        }
    }
    let text = std::str::from_utf8(&bytes[..end]).map(SecretString::from);
    bytes.zeroize();
    let password = text.map_err(|_| {
        Error::new(
            ErrorKind::Input,
            format!("the password file {} is not UTF-8 text", path.display()),
        )
        .with_hint("Save the password file as UTF-8.")
    })?;
    check_not_empty(password, &format!("the password file {}", path.display()))
}

/// The password from `file` when given, else from `MIGRATOR_PASSWORD` when set, else none.
///
/// # Errors
///
/// As [`from_file`]; `Usage` when the variable is set but empty, `Input` when it is not
/// Unicode.
pub fn resolve(file: Option<&Path>) -> Result<Option<SecretString>> {
    if let Some(file) = file {
        return from_file(file).map(Some);
    }
    match std::env::var(PASSWORD_VAR) {
        Ok(value) => check_not_empty(SecretString::from(value), PASSWORD_VAR).map(Some),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::new(
            ErrorKind::Input,
            format!("{PASSWORD_VAR} is not valid Unicode"),
        )
        .with_hint("Use a password file instead.")),
    }
}

fn check_not_empty(password: SecretString, source: &str) -> Result<SecretString> {
    use secrecy::ExposeSecret;
    if password.expose_secret().is_empty() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{source} holds an empty password"),
        )
        .with_hint("Give a non-empty password, or none for an unencrypted archive."));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn read(content: &[u8]) -> Result<SecretString> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, content).unwrap();
        from_file(&path)
    }

    #[test]
    fn exactly_one_line_ending_is_stripped() {
        assert_eq!(read(b"s3cret\n").unwrap().expose_secret(), "s3cret");
        assert_eq!(read(b"s3cret\r\n").unwrap().expose_secret(), "s3cret");
        assert_eq!(read(b" s3cret \n\n").unwrap().expose_secret(), " s3cret \n");
        assert_eq!(read(b"s3cret").unwrap().expose_secret(), "s3cret");
    }

    #[test]
    fn an_empty_password_file_is_refused() {
        for content in [&b""[..], b"\n", b"\r\n"] {
            assert_eq!(read(content).unwrap_err().kind(), ErrorKind::Usage);
        }
    }
}
