//! Naming what a truncated archive lost.
//!
//! A ZIP's table of contents is at its end, so a file cut short cannot be opened the normal
//! way. Its entries can still be walked front to back through their local headers: the
//! manifest comes first, so it usually survives and says which components should follow.
//! Each entry read in full is checked (CRC-32 or AES authentication, and the manifest's
//! SHA-256 for components), and the first that cannot be read whole is where the cut is.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zip::read::read_zipfile_from_stream_with_options;
use zip::ZipReadOptions;

use super::manifest::{Manifest, MANIFEST_ENTRY, MAX_COMPONENTS, MAX_MANIFEST_BYTES};
use super::stream;

/// The size of the record that ends every ZIP without a comment, as ours are written.
const END_RECORD: u64 = 22;

/// Whether the file ends with a ZIP end record and no comment, as every archive of this
/// tool does; a file cut short does not.
pub fn ends_complete(file: &mut File) -> io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    let length = file.metadata()?.len();
    if length < END_RECORD {
        return Ok(false);
    }
    let mut record = [0u8; END_RECORD as usize];
    file.seek(SeekFrom::Start(length - END_RECORD))?;
    file.read_exact(&mut record)?;
    file.seek(SeekFrom::Start(0))?;
    Ok(record[..4] == *b"PK\x05\x06" && record[20..] == [0, 0])
}

/// What survives in the truncated archive at `path`, as a phrase naming the damaged part.
pub fn describe(path: &Path, password: Option<&SecretString>) -> String {
    let Ok(file) = File::open(path) else {
        return "its table of contents at the end is missing".into();
    };
    let walk = walk(file, password);
    let Some(manifest) = walk.manifest else {
        return "even its manifest at the start is incomplete".into();
    };
    let mut intact = Vec::new();
    let mut lost = Vec::new();
    for record in &manifest.components {
        match walk.entries.iter().find(|(name, _)| *name == record.entry) {
            Some((_, sha256)) if *sha256 == record.sha256 => intact.push(record.name.as_str()),
            _ => lost.push(format!("{} ({})", record.name, record.entry)),
        }
    }
    if lost.is_empty() {
        return "every component is intact, only its table of contents at the end is missing"
            .into();
    }
    let mut phrase = format!("component {} is cut off or missing", lost.join(", "));
    if !intact.is_empty() {
        phrase.push_str(&format!(" (intact: {})", intact.join(", ")));
    }
    phrase
}

/// The entries found front to back: the manifest when readable, and the SHA-256 of every
/// other entry read in full.
struct Walk {
    manifest: Option<Manifest>,
    entries: Vec<(String, String)>,
}

fn walk(file: File, password: Option<&SecretString>) -> Walk {
    let mut reader = BufReader::with_capacity(stream::CHUNK, file);
    let password = password.map(|p| p.expose_secret().as_bytes());
    let mut found = Walk {
        manifest: None,
        entries: Vec::new(),
    };
    while found.entries.len() <= MAX_COMPONENTS {
        let options = ZipReadOptions::new().password(password);
        let Ok(Some(mut entry)) = read_zipfile_from_stream_with_options(&mut reader, options)
        else {
            break;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if name == MANIFEST_ENTRY {
            let mut bytes = Vec::new();
            let read = (&mut entry)
                .take(MAX_MANIFEST_BYTES)
                .read_to_end(&mut bytes);
            found.manifest = read.ok().and_then(|_| Manifest::from_json(&bytes, "").ok());
            if found.manifest.is_none() {
                break;
            }
        } else {
            let mut hasher = Sha256::new();
            if io::copy(&mut entry, &mut HashSink(&mut hasher)).is_err() {
                break;
            }
            found.entries.push((name, stream::hex(&hasher.finalize())));
        }
    }
    found
}

/// A writer that only hashes.
struct HashSink<'a>(&'a mut Sha256);

impl io::Write for HashSink<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
