//! The `.reg` text format that regedit imports and exports.
//!
//! [`parse`] reads version 5 files (`Windows Registry Editor Version 5.00`: UTF-16LE with a
//! byte order mark, or UTF-8 with or without one) and `REGEDIT4` files (8-bit text in a Windows
//! code page, see [`codepage`]) into a [`RegFile`]: the keys, value settings and deletions in
//! file order, which [`RegFile::to_tree`] turns into a [`RegTree`]. [`write_export`] writes a
//! tree exactly as regedit's export does: UTF-16LE, CRLF, hex data wrapped at regedit's widths.
//!
//! Reading follows what regedit imports, line by line, with one difference on purpose: where
//! regedit silently skips a line it cannot read (a bad `dword:`, a value under a deleted key,
//! stray text), the reader stops with a [`RegFileError`] naming the line, the column and what
//! was expected, so no setting is lost without notice. [`ReadOptions::lenient`] asks for
//! regedit's behaviour instead: such lines are left out and listed in [`RegFile::ignored`].
//!
//! Value data is kept as the exact bytes the file gives, with one conversion: the 8-bit string
//! data of `hex(1)`, `hex(2)` and `hex(7)` values in `REGEDIT4` files is decoded in the code
//! page and stored as UTF-16LE with a terminating NUL, as regedit does on import. Version 5 hex
//! data is never altered (regedit would add a missing terminating NUL; keeping the bytes as
//! written is what makes read, write, read give the same tree).
//!
//! The ancient `REGEDIT` (Windows 3.1) format, Wine's `WINE REGISTRY Version 2` files and files
//! without a header on their first line are refused with an error saying so.

pub mod codepage;
mod decode;
mod reader;
mod writer;

pub use writer::{write_export, write_export_at};

use super::{RegTree, Value};

/// The header line a `.reg` file starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `Windows Registry Editor Version 5.00`: Unicode text.
    Version5,
    /// `REGEDIT4`: 8-bit text in a Windows code page.
    Regedit4,
}

/// How the text of a `.reg` file was encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-16LE with a byte order mark, as regedit writes version 5 files.
    Utf16Le,
    /// UTF-8; `bom` tells whether the file started with a byte order mark.
    Utf8 {
        /// Whether the file started with the UTF-8 byte order mark.
        bom: bool,
    },
    /// 8-bit text in this Windows code page.
    CodePage(u16),
}

/// What a `.reg` file says about one value of the key above it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueOp {
    /// `"name"=data`: set the value.
    Set(Value),
    /// `"name"=-`: delete the value.
    Delete(String),
}

/// One section of a `.reg` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `[PATH]` followed by its value lines.
    Key {
        /// The absolute key path as written between the brackets.
        path: String,
        /// The value lines under it, in file order.
        values: Vec<ValueOp>,
    },
    /// `[-PATH]`: delete the key and its subtree.
    DeleteKey {
        /// The absolute key path.
        path: String,
    },
}

/// A parsed `.reg` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegFile {
    /// The header the file started with.
    pub format: Format,
    /// How the file's text was encoded.
    pub encoding: TextEncoding,
    /// The sections in file order.
    pub entries: Vec<Entry>,
    /// With [`ReadOptions::lenient`], the lines left out as regedit would skip them, each with
    /// its place and what was wrong. Always empty otherwise: a strict read fails instead.
    pub ignored: Vec<RegFileError>,
}

impl RegFile {
    /// Applies the file to `tree` as regedit would import it: keys are created, values set,
    /// deletions carried out, in file order.
    pub fn apply_to(&self, tree: &mut RegTree) {
        for entry in &self.entries {
            match entry {
                Entry::Key { path, values } => {
                    let key = tree.ensure(path);
                    for op in values {
                        match op {
                            ValueOp::Set(value) => key.set_value(value.clone()),
                            ValueOp::Delete(name) => {
                                key.remove_value(name);
                            }
                        }
                    }
                }
                Entry::DeleteKey { path } => {
                    tree.remove(path);
                }
            }
        }
    }

    /// The tree this file produces when imported into an empty registry.
    pub fn to_tree(&self) -> RegTree {
        let mut tree = RegTree::new();
        self.apply_to(&mut tree);
        tree
    }
}

/// How to read a `.reg` file.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The name of the file, used in error messages.
    pub source: String,
    /// The Windows code page of `REGEDIT4` files (1252 unless set); see
    /// [`codepage::SUPPORTED`].
    pub code_page: u16,
    /// Skip the lines regedit would skip and list them in [`RegFile::ignored`], instead of
    /// failing on the first one. Off unless set.
    pub lenient: bool,
}

impl ReadOptions {
    /// Options for text named `source` in messages, with code page 1252, strict.
    pub fn new(source: impl Into<String>) -> ReadOptions {
        ReadOptions {
            source: source.into(),
            code_page: 1252,
            lenient: false,
        }
    }

    /// Options for reading the file at `path` with the default code page, strict.
    pub fn for_file(path: &std::path::Path) -> ReadOptions {
        ReadOptions::new(path.display().to_string())
    }

    /// The same options with another code page for `REGEDIT4` files.
    pub fn with_code_page(mut self, code_page: u16) -> ReadOptions {
        self.code_page = code_page;
        self
    }

    /// The same options, lenient (`true`) or strict (`false`).
    pub fn with_lenient(mut self, lenient: bool) -> ReadOptions {
        self.lenient = lenient;
        self
    }
}

/// A `.reg` file that could not be read: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegFileError {
    /// The file's name.
    pub source: String,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column, counted in characters.
    pub column: usize,
    /// What was expected or found wrong.
    pub expected: String,
}

impl RegFileError {
    /// What the user can do about it.
    pub fn hint(&self) -> String {
        "Fix the file at that place, or export it again with regedit or `reg export`.".into()
    }
}

impl std::fmt::Display for RegFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.source, self.line, self.column, self.expected
        )
    }
}

impl std::error::Error for RegFileError {}

/// Parses a whole `.reg` file. Nothing is returned unless the whole file was understood (or,
/// with [`ReadOptions::lenient`], every line not understood is listed in
/// [`RegFile::ignored`]).
pub fn parse(bytes: &[u8], options: &ReadOptions) -> Result<RegFile, RegFileError> {
    let decoded = decode::decode(bytes, options)?;
    reader::read(&decoded, options)
}
