//! The `.reg` text format that regedit imports and exports.
//!
//! [`parse`] reads version 5 files (UTF-16LE with BOM, or UTF-8) and `REGEDIT4` files (8-bit
//! text in a Windows code page) into a [`RegFile`]: the keys, value settings and deletions in
//! file order. [`write_export`] writes a tree exactly as regedit's export does.

use std::io::{self, Write};

use super::{RegTree, Value, ValueType};

/// The header line a `.reg` file starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `Windows Registry Editor Version 5.00`: Unicode text.
    Version5,
    /// `REGEDIT4`: 8-bit text in a Windows code page.
    Regedit4,
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
    /// The sections in file order.
    pub entries: Vec<Entry>,
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

/// Writes `tree` as a regedit version 5 export to `out`.
pub fn write_export(tree: &RegTree, out: &mut dyn Write) -> io::Result<()> {
    let mut text = String::from("Windows Registry Editor Version 5.00\r\n");
    for (path, key) in tree.walk() {
        text.push_str(&format!("\r\n[{path}]\r\n"));
        for value in key.values() {
            text.push_str(&value_line(value));
            text.push_str("\r\n");
        }
    }
    text.push_str("\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    out.write_all(&bytes)
}

fn value_line(value: &Value) -> String {
    let name = if value.is_default() {
        "@".to_string()
    } else {
        quote(value.name())
    };
    let data = match value.kind() {
        ValueType::Sz => match value.as_text() {
            Some(text) => quote(&text),
            None => hex_data(value),
        },
        ValueType::Dword if value.data().len() == 4 => {
            format!(
                "dword:{:08x}",
                u32::from_le_bytes(value.data().try_into().unwrap())
            )
        }
        _ => hex_data(value),
    };
    format!("{name}={data}")
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn hex_data(value: &Value) -> String {
    let prefix = match value.kind() {
        ValueType::Binary => "hex".to_string(),
        other => format!("hex({:x})", other.code()),
    };
    let bytes: Vec<String> = value.data().iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}:{}", bytes.join(","))
}

/// How to read a `.reg` file.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// The name of the file, used in error messages.
    pub source: String,
    /// The Windows code page of `REGEDIT4` files (1252 unless set).
    pub code_page: u16,
}

impl ReadOptions {
    /// Options for reading the file at `path` with the default code page.
    pub fn for_file(path: &std::path::Path) -> ReadOptions {
        ReadOptions {
            source: path.display().to_string(),
            code_page: 1252,
        }
    }
}

/// A `.reg` file that could not be read: where, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegFileError {
    /// The file's name.
    pub source: String,
    /// The 1-based line.
    pub line: usize,
    /// The 1-based column.
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

/// Parses a whole `.reg` file.
pub fn parse(bytes: &[u8], options: &ReadOptions) -> Result<RegFile, RegFileError> {
    let _ = bytes;
    Err(RegFileError {
        source: options.source.clone(),
        line: 1,
        column: 1,
        expected: "a reader (the codec is being written)".into(),
    })
}
