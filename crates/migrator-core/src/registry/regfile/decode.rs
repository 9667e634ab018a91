//! From the bytes of a `.reg` file to its text and header.
//!
//! A byte order mark decides the encoding (UTF-16LE or UTF-8). Without one, a `REGEDIT4`
//! header means 8-bit text in the configured code page; any other file is read as UTF-8, or in
//! the code page when it is not valid UTF-8 (regedit reads such files as ANSI text). The header
//! must be the first line, as regedit requires.

use super::codepage;
use super::{Format, ReadOptions, RegFileError, TextEncoding};

const VERSION5: &str = "Windows Registry Editor Version 5.00";
const REGEDIT4: &str = "REGEDIT4";
const EXPECTED_HEADER: &str = "expected `Windows Registry Editor Version 5.00` or `REGEDIT4`";

/// The decoded text of a `.reg` file, with what its first line said.
#[derive(Debug)]
pub struct Decoded {
    /// The whole text, without the byte order mark.
    pub text: String,
    /// How the bytes were encoded.
    pub encoding: TextEncoding,
    /// The header's format.
    pub format: Format,
    /// The byte offset in `text` where the second line starts.
    pub body: usize,
}

/// Decodes `bytes` and checks the header.
pub fn decode(bytes: &[u8], options: &ReadOptions) -> Result<Decoded, RegFileError> {
    let (text, encoding) = text_of(bytes, options)?;
    if let Some(offset) = text.find('\0') {
        return Err(error_at(
            options,
            &text,
            offset,
            "a NUL character, which no text line holds",
        ));
    }
    let (format, body) = header(&text, options)?;
    Ok(Decoded {
        text,
        encoding,
        format,
        body,
    })
}

fn text_of(bytes: &[u8], options: &ReadOptions) -> Result<(String, TextEncoding), RegFileError> {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => Ok((utf16(rest, options)?, TextEncoding::Utf16Le)),
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            Ok((utf8(rest, options)?, TextEncoding::Utf8 { bom: true }))
        }
        [0xFE, 0xFF, ..] => Err(start_error(
            options,
            "UTF-16 big-endian text, which regedit cannot read; \
             expected UTF-16 little-endian or UTF-8",
        )),
        [first, 0, ..] if *first != 0 => Err(start_error(
            options,
            "UTF-16 text without a byte order mark, which regedit cannot read; \
             expected the mark FF FE at the start",
        )),
        _ if first_line_is(bytes, REGEDIT4) => code_page_text(bytes, options),
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => Ok((text.to_string(), TextEncoding::Utf8 { bom: false })),
            Err(_) => code_page_text(bytes, options),
        },
    }
}

fn utf16(bytes: &[u8], options: &ReadOptions) -> Result<String, RegFileError> {
    let decoded = encoding_rs::UTF_16LE.decode_without_bom_handling_and_without_replacement(bytes);
    match decoded {
        Some(text) => Ok(text.into_owned()),
        None => utf16_error(bytes, options),
    }
}

/// Finds where UTF-16 text goes wrong, for the error message.
fn utf16_error(bytes: &[u8], options: &ReadOptions) -> Result<String, RegFileError> {
    let mut text = String::with_capacity(bytes.len() / 2 + 1);
    let units = bytes
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => text.push(c),
            Err(_) => {
                let message = "an unpaired UTF-16 surrogate, which is not text";
                return Err(error_at(options, &text, text.len(), message));
            }
        }
    }
    if bytes.len() % 2 != 0 {
        let message = "the end of the file in the middle of a UTF-16 character";
        return Err(error_at(options, &text, text.len(), message));
    }
    Ok(text)
}

fn utf8(bytes: &[u8], options: &ReadOptions) -> Result<String, RegFileError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(error) => {
            let prefix = String::from_utf8_lossy(&bytes[..error.valid_up_to()]);
            let message = "bytes that are not UTF-8 after a UTF-8 byte order mark";
            Err(error_at(options, &prefix, prefix.len(), message))
        }
    }
}

fn code_page_text(
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(String, TextEncoding), RegFileError> {
    let code_page = options.code_page;
    if !codepage::is_supported(code_page) {
        return Err(start_error(
            options,
            &format!(
                "8-bit text in code page {code_page}, which is not supported; \
                 expected one of {:?}",
                codepage::SUPPORTED
            ),
        ));
    }
    match codepage::decode(code_page, bytes) {
        Ok(text) => Ok((text, TextEncoding::CodePage(code_page))),
        Err(bad) => {
            let message = format!("a byte that has no character in code page {code_page}");
            Err(error_at(options, &bad.prefix, bad.prefix.len(), &message))
        }
    }
}

fn first_line_is(bytes: &[u8], header: &str) -> bool {
    let end = bytes
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(bytes.len());
    header_core(&String::from_utf8_lossy(&bytes[..end])) == header
}

/// The header words of a first line: without a stray byte order mark, surrounding blanks or a
/// `;` comment.
fn header_core(line: &str) -> &str {
    let line = line.trim_start_matches(['\u{FEFF}', ' ', '\t']);
    let line = line.split(';').next().unwrap_or(line);
    line.trim_end_matches([' ', '\t'])
}

fn header(text: &str, options: &ReadOptions) -> Result<(Format, usize), RegFileError> {
    let (first, body) = split_first_line(text);
    match header_core(first) {
        VERSION5 => Ok((Format::Version5, body)),
        REGEDIT4 => Ok((Format::Regedit4, body)),
        core => Err(start_error(options, &bad_header(core, text))),
    }
}

fn bad_header(core: &str, text: &str) -> String {
    if core == "REGEDIT" {
        return format!(
            "the Windows 3.1 `REGEDIT` format, which this tool does not read; {EXPECTED_HEADER}"
        );
    }
    if core.starts_with("WINE REGISTRY") {
        return format!("a Wine registry file (`{core}`), not a regedit file; {EXPECTED_HEADER}");
    }
    if core.starts_with("REGEDIT") {
        return format!(
            "the header `{core}`, which regedit accepts without importing anything; \
             {EXPECTED_HEADER}"
        );
    }
    if core.is_empty() {
        return match later_header(text) {
            Some(line) => format!(
                "an empty first line; {EXPECTED_HEADER} on line 1, where regedit looks for it \
                 (the file has it on line {line})"
            ),
            None => format!("an empty first line; {EXPECTED_HEADER} on line 1"),
        };
    }
    let shown: String = core.chars().take(60).collect();
    format!("{EXPECTED_HEADER} on line 1, found `{shown}`")
}

/// The 1-based line of the first header found after line 1, among the first few lines.
fn later_header(text: &str) -> Option<usize> {
    let mut rest = text;
    for line in 1..20 {
        let (current, next) = split_first_line(rest);
        if line > 1 && matches!(header_core(current), VERSION5 | REGEDIT4) {
            return Some(line);
        }
        if next >= rest.len() {
            return None;
        }
        rest = &rest[next..];
    }
    None
}

/// The first line of `text` and the byte offset where the next one starts. A line ends with
/// CRLF, LF or a lone CR, as regedit reads them.
pub fn split_first_line(text: &str) -> (&str, usize) {
    let bytes = text.as_bytes();
    match bytes.iter().position(|&b| b == b'\r' || b == b'\n') {
        None => (text, text.len()),
        Some(end) if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') => {
            (&text[..end], end + 2)
        }
        Some(end) => (&text[..end], end + 1),
    }
}

fn start_error(options: &ReadOptions, expected: &str) -> RegFileError {
    RegFileError {
        source: options.source.clone(),
        line: 1,
        column: 1,
        expected: expected.to_string(),
    }
}

/// An error at byte `offset` of `text` (which may be a decoded prefix of the file).
pub fn error_at(options: &ReadOptions, text: &str, offset: usize, what: &str) -> RegFileError {
    let (line, column) = locate(text, offset);
    RegFileError {
        source: options.source.clone(),
        line,
        column,
        expected: format!("found {what}"),
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn locate(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut column, mut after_cr) = (1, 1, false);
    for c in text[..offset].chars() {
        match c {
            '\n' if after_cr => {}
            '\r' | '\n' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
        after_cr = c == '\r';
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ReadOptions {
        ReadOptions::new("t.reg")
    }

    #[test]
    fn locate_counts_crlf_lf_and_lone_cr_as_one_break_each() {
        let text = "ab\r\ncd\ne\rfgh";
        assert_eq!(locate(text, 0), (1, 1));
        assert_eq!(locate(text, 5), (2, 2));
        assert_eq!(locate(text, 7), (3, 1));
        assert_eq!(locate(text, 11), (4, 3));
    }

    #[test]
    fn utf16_without_bom_and_big_endian_are_refused() {
        let le: Vec<u8> = "REGEDIT4"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let error = decode(&le, &options()).unwrap_err();
        assert!(
            error.expected.contains("without a byte order mark"),
            "{error}"
        );
        let error = decode(&[0xFE, 0xFF, 0, b'R'], &options()).unwrap_err();
        assert!(error.expected.contains("big-endian"), "{error}");
    }

    #[test]
    fn an_unsupported_code_page_is_named() {
        let options = options().with_code_page(42);
        let error = decode(b"REGEDIT4\r\n", &options).unwrap_err();
        assert!(error.expected.contains("code page 42"), "{error}");
    }

    #[test]
    fn a_nul_character_is_located() {
        let error = decode(b"REGEDIT4\r\n\"a\"=\"b\0\"\r\n", &options()).unwrap_err();
        assert_eq!((error.line, error.column), (2, 7));
    }
}
