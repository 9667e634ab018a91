//! Windows code pages for the 8-bit text of `REGEDIT4` files.
//!
//! A `REGEDIT4` file carries no declaration of its code page: regedit reads it in the
//! machine's ANSI code page. The reader therefore takes the code page from
//! [`ReadOptions::code_page`](super::ReadOptions::code_page) and uses it both for the text of
//! the file and for the 8-bit string data of `hex(1)`, `hex(2)` and `hex(7)` values.
//! The Windows ANSI and East Asian code pages come from `encoding_rs`, the DOS (OEM) code pages
//! from `oem_cp`.

use encoding_rs::Encoding;
use oem_cp::code_table::DECODING_TABLE_CP_MAP;
use oem_cp::code_table_type::TableType;

/// The code pages [`decode`] understands, in ascending order.
pub const SUPPORTED: &[u16] = &[
    437, 737, 775, 850, 852, 855, 857, 858, 860, 861, 862, 863, 865, 866, 869, 874, 932, 936, 949,
    950, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258, 10000, 20866, 21866, 28592, 28593,
    28594, 28595, 28596, 28597, 28598, 28603, 28605, 65001,
];

/// Whether `code_page` can be decoded.
pub fn is_supported(code_page: u16) -> bool {
    SUPPORTED.binary_search(&code_page).is_ok()
}

/// Text that could not be decoded: what decodes before the first bad byte.
#[derive(Debug)]
pub struct Undecodable {
    /// The text up to (not including) the first byte that has no meaning in the code page.
    pub prefix: String,
}

/// Decodes `bytes` in `code_page`. A byte the code page leaves undefined is an error rather
/// than a replacement character, so no text is silently altered.
///
/// # Errors
///
/// [`Undecodable`] for a byte the code page leaves undefined, and (with an empty prefix) for
/// a code page not in [`SUPPORTED`]; check [`is_supported`] first to tell the two apart.
pub fn decode(code_page: u16, bytes: &[u8]) -> Result<String, Undecodable> {
    if let Some(encoding) = web_encoding(code_page) {
        return decode_web(encoding, bytes);
    }
    match DECODING_TABLE_CP_MAP.get(&code_page) {
        Some(table) if is_supported(code_page) => decode_oem(table, bytes),
        _ => Err(Undecodable {
            prefix: String::new(),
        }),
    }
}

fn web_encoding(code_page: u16) -> Option<&'static Encoding> {
    let encoding = match code_page {
        866 => encoding_rs::IBM866,
        874 => encoding_rs::WINDOWS_874,
        932 => encoding_rs::SHIFT_JIS,
        936 => encoding_rs::GBK,
        949 => encoding_rs::EUC_KR,
        950 => encoding_rs::BIG5,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1252 => encoding_rs::WINDOWS_1252,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        10000 => encoding_rs::MACINTOSH,
        20866 => encoding_rs::KOI8_R,
        21866 => encoding_rs::KOI8_U,
        28592 => encoding_rs::ISO_8859_2,
        28593 => encoding_rs::ISO_8859_3,
        28594 => encoding_rs::ISO_8859_4,
        28595 => encoding_rs::ISO_8859_5,
        28596 => encoding_rs::ISO_8859_6,
        28597 => encoding_rs::ISO_8859_7,
        28598 => encoding_rs::ISO_8859_8,
        28603 => encoding_rs::ISO_8859_13,
        28605 => encoding_rs::ISO_8859_15,
        65001 => encoding_rs::UTF_8,
        _ => return None,
    };
    Some(encoding)
}

fn decode_web(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, Undecodable> {
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return Ok(text.into_owned());
    }
    let (lossy, _) = encoding.decode_without_bom_handling(bytes);
    let end = lossy.find('\u{FFFD}').unwrap_or(lossy.len());
    Err(Undecodable {
        prefix: lossy[..end].to_string(),
    })
}

fn decode_oem(table: &TableType, bytes: &[u8]) -> Result<String, Undecodable> {
    let mut text = String::with_capacity(bytes.len());
    for &byte in bytes {
        match table.decode_char_checked(byte) {
            Some(c) => text.push(c),
            None => return Err(Undecodable { prefix: text }),
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_page_decodes_ascii_unchanged() {
        for &code_page in SUPPORTED {
            let text = decode(code_page, b"REGEDIT4 [HKEY_CURRENT_USER]").unwrap();
            assert_eq!(
                text, "REGEDIT4 [HKEY_CURRENT_USER]",
                "code page {code_page}"
            );
        }
    }

    #[test]
    fn ansi_and_oem_pages_give_their_own_letters() {
        assert_eq!(decode(1252, &[0xE9]).unwrap(), "é");
        assert_eq!(decode(1251, &[0xC0]).unwrap(), "А");
        assert_eq!(decode(866, &[0x80]).unwrap(), "А");
        assert_eq!(decode(437, &[0xC4]).unwrap(), "─");
        assert_eq!(decode(852, &[0x85]).unwrap(), "ů");
        assert_eq!(decode(932, &[0x82, 0xA0]).unwrap(), "あ");
    }

    #[test]
    fn an_undefined_byte_is_reported_with_the_text_before_it() {
        let error = decode(932, &[b'a', b'b', 0xFF, b'c']).unwrap_err();
        assert_eq!(error.prefix, "ab");
        assert!(!is_supported(1234));
        assert!(decode(1234, b"x").is_err());
    }
}
