//! How the plan shows registry data to people, and which data it never shows.
//!
//! A value is secret when its name says so (passwords, secrets, keys, credentials) or when it
//! belongs to a structured parameter of type Secrets. Secret data appears in plans, reports
//! and logs only as its type and length.

use crate::registry::{decode_multi_sz, decode_sz, fold, Key, Value, ValueType};

/// Words that mark a value's name as holding a secret, upper case.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PWD",
    "SECRET",
    "PASSPHRASE",
    "CREDENTIAL",
    "PRIVATE KEY",
    "PRIVATEKEY",
    "MASTER KEY",
    "MASTERKEY",
    "TOKEN",
];

/// The value of a structured parameter naming its type.
pub(super) const PARAMETER_TYPE: &str = "Type";
/// Values of a structured parameter that describe it rather than hold its data.
const PARAMETER_DESCRIPTIONS: &[&str] = &["TYPE", "DESCRIPTION"];

/// The longest text shown for one value's data.
const SHOWN_LIMIT: usize = 120;

/// Whether the value `name` of `key` holds a secret.
pub fn is_secret_value(key: &Key, name: &str) -> bool {
    is_secret_where(name, || is_secrets_parameter(key.value(PARAMETER_TYPE)))
}

/// Whether the value `name` holds a secret, where `in_secrets_parameter` says whether its key
/// is a structured parameter of type Secrets; it is asked only when the name does not decide.
pub(super) fn is_secret_where(name: &str, in_secrets_parameter: impl FnOnce() -> bool) -> bool {
    // Most names are ASCII: compared in place, without an upper-case copy.
    let (secret_word, description) = match name.is_ascii() {
        true => (
            SECRET_WORDS
                .iter()
                .any(|word| contains_ignoring_ascii_case(name, word)),
            PARAMETER_DESCRIPTIONS
                .iter()
                .any(|word| name.eq_ignore_ascii_case(word)),
        ),
        false => {
            let folded = fold(name);
            (
                SECRET_WORDS.iter().any(|word| folded.contains(word)),
                PARAMETER_DESCRIPTIONS.contains(&folded.as_str()),
            )
        }
    };
    secret_word || (!description && in_secrets_parameter())
}

/// Whether `text` holds `word` (upper-case ASCII) in any case.
fn contains_ignoring_ascii_case(text: &str, word: &str) -> bool {
    text.as_bytes()
        .windows(word.len())
        .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
}

/// Whether a key whose type value is `parameter_type` is a structured parameter of type
/// Secrets (`Secrets`, or its code 0).
pub(super) fn is_secrets_parameter(parameter_type: Option<&Value>) -> bool {
    parameter_type
        .and_then(Value::as_text)
        .is_some_and(|kind| kind.eq_ignore_ascii_case("Secrets") || kind.trim() == "0")
}

/// The value's data as people read it: strings quoted, lists bracketed, numbers in decimal,
/// other data in hex; long data cut short; secrets replaced by their type and length.
pub fn show_value(value: &Value, secret: bool) -> String {
    show_data(value.kind(), value.data(), secret)
}

/// [`show_value`] for a value's type and data.
pub(super) fn show_data(kind: ValueType, data: &[u8], secret: bool) -> String {
    if secret {
        return format!(
            "(secret {}, {} bytes, not shown)",
            kind.display_name(),
            data.len()
        );
    }
    let text = match kind {
        ValueType::Sz | ValueType::ExpandSz => decode_sz(data).map(|t| format!("{t:?}")),
        ValueType::MultiSz => decode_multi_sz(data).map(|items| format!("{items:?}")),
        ValueType::Dword | ValueType::Qword => {
            number(kind, data).map(|n| format!("{n} ({})", kind.display_name()))
        }
        _ => None,
    };
    let text = text.unwrap_or_else(|| hex(kind, data));
    shorten(text, data.len())
}

/// The number a REG_DWORD or REG_QWORD holds, when its data has the right length.
fn number(kind: ValueType, data: &[u8]) -> Option<u64> {
    match (kind, data.len()) {
        (ValueType::Dword, 4) => Some(u32::from_le_bytes(data.try_into().ok()?).into()),
        (ValueType::Qword, 8) => Some(u64::from_le_bytes(data.try_into().ok()?)),
        _ => None,
    }
}

fn hex(kind: ValueType, data: &[u8]) -> String {
    let bytes: Vec<String> = data
        .iter()
        .take(SHOWN_LIMIT / 3 + 1)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}:{}", kind.display_name(), bytes.join(","))
}

fn shorten(text: String, bytes: usize) -> String {
    if text.chars().count() <= SHOWN_LIMIT {
        return text;
    }
    let head: String = text.chars().take(SHOWN_LIMIT).collect();
    format!("{head}… ({bytes} bytes)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_secrets_parameters_are_hidden() {
        let mut parameter = Key::new("Vault");
        parameter.set_value(Value::sz("Type", "Secrets"));
        parameter.set_value(Value::multi_sz("Values", &["hunter2"]));
        assert!(is_secret_value(&parameter, "Values"));
        assert!(!is_secret_value(&parameter, "type"));

        let user = Key::new("alice");
        assert!(is_secret_value(&user, "Web Password"));
        assert!(!is_secret_value(&user, "Extension"));

        let shown = show_value(&Value::sz("Values", "hunter2"), true);
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn data_is_shown_by_type_and_cut_short() {
        assert_eq!(show_value(&Value::sz("a", "x\\y"), false), "\"x\\\\y\"");
        assert_eq!(show_value(&Value::dword("a", 10), false), "10 (REG_DWORD)");
        assert_eq!(
            show_value(&Value::multi_sz("a", &["p", "q"]), false),
            "[\"p\", \"q\"]"
        );
        assert_eq!(
            show_value(&Value::binary("a", vec![1, 0xab]), false),
            "REG_BINARY:01,ab"
        );
        let long = show_value(&Value::sz("a", &"z".repeat(500)), false);
        assert!(long.ends_with("… (1002 bytes)"), "{long}");
    }
}
