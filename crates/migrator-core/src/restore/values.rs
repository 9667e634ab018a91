//! How `restore-point.json` lists registry values: grouped under their key, each key written
//! once, `[{"key": K, "names": [N, ...]}, ...]`, in the order of the values. An import into an
//! empty server creates hundreds of thousands of values under tens of thousands of keys;
//! repeating the key's path for each value made the file five times larger. Points written
//! before list one `{"key": K, "name": N}` object per value, and are read as well.

use std::sync::Arc;

use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::CreatedValue;

/// Writes `values` as groups of consecutive values under the same key.
pub fn serialize<S: Serializer>(values: &[CreatedValue], serializer: S) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(None)?;
    let mut rest = values;
    while let Some(first) = rest.first() {
        let count = rest.iter().take_while(|v| v.key == first.key).count();
        let (group, after) = rest.split_at(count);
        seq.serialize_element(&Group(group))?;
        rest = after;
    }
    seq.end()
}

/// Reads values in either form.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<CreatedValue>, D::Error> {
    let entries = Vec::<Entry>::deserialize(deserializer)?;
    let mut values = Vec::new();
    for entry in entries {
        match entry {
            Entry::Group { key, names } => {
                values.extend(names.into_iter().map(|name| CreatedValue {
                    key: Arc::clone(&key),
                    name,
                }))
            }
            Entry::One { key, name } => values.push(CreatedValue { key, name }),
        }
    }
    Ok(values)
}

/// Values under one key, written as one object.
struct Group<'a>(&'a [CreatedValue]);

impl Serialize for Group<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shape<'a, N: Serialize> {
            key: &'a str,
            names: N,
        }
        let names = Names(self.0);
        Shape {
            key: &self.0[0].key,
            names,
        }
        .serialize(serializer)
    }
}

struct Names<'a>(&'a [CreatedValue]);

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|value| value.name.as_str()))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Group { key: Arc<str>, names: Vec<String> },
    One { key: Arc<str>, name: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Doc {
        #[serde(with = "super")]
        values: Vec<CreatedValue>,
    }

    fn value(key: &str, name: &str) -> CreatedValue {
        CreatedValue {
            key: key.into(),
            name: name.to_string(),
        }
    }

    #[test]
    fn values_are_grouped_under_each_key_in_order() {
        let doc = Doc {
            values: vec![
                value("K1", "a"),
                value("K1", ""),
                value("K2", "b"),
                value("K1", "c"),
            ],
        };
        let text = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"values":[{"key":"K1","names":["a",""]},{"key":"K2","names":["b"]},"#,
                r#"{"key":"K1","names":["c"]}]}"#
            )
        );
        assert_eq!(serde_json::from_str::<Doc>(&text).unwrap(), doc);
    }

    #[test]
    fn a_list_of_one_object_per_value_still_reads() {
        let text = r#"{"values":[{"key":"K1","name":"a"},{"key":"K2","name":"b"}]}"#;
        let doc: Doc = serde_json::from_str(text).unwrap();
        assert_eq!(doc.values, [value("K1", "a"), value("K2", "b")]);
    }

    #[test]
    fn no_values_is_an_empty_list() {
        let doc = Doc { values: Vec::new() };
        assert_eq!(serde_json::to_string(&doc).unwrap(), r#"{"values":[]}"#);
    }
}
