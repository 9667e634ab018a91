//! Fast answers to "which rule last changed this path or one of its ancestors", for plans of
//! hundreds of thousands of items against logs of thousands of changes.
//!
//! It answers as [`RuleLog::change_for`] does, by looking up the path and each ancestor in a
//! map from folded path to the position of its last change, instead of scanning the log.

use std::collections::HashMap;

use crate::incoming::{RuleChange, RuleLog};
use crate::registry::{fold, SEPARATOR};

/// The rule log, indexed by path.
pub(super) struct RuleIndex<'a> {
    log: &'a RuleLog,
    last: HashMap<String, usize>,
}

impl<'a> RuleIndex<'a> {
    /// Indexes `log`.
    pub(super) fn new(log: &'a RuleLog) -> RuleIndex<'a> {
        let last = log
            .changes
            .iter()
            .enumerate()
            .map(|(index, change)| (fold(&change.path), index))
            .collect();
        RuleIndex { log, last }
    }

    /// The last change made to `path` or one of its ancestors.
    pub(super) fn change_for(&self, path: &str) -> Option<&'a RuleChange> {
        if self.last.is_empty() {
            return None;
        }
        let mut folded = fold(path);
        let mut latest = None;
        loop {
            if let Some(&index) = self.last.get(&folded) {
                latest = latest.max(Some(index));
            }
            match folded.rfind(SEPARATOR) {
                Some(cut) => folded.truncate(cut),
                None => break,
            }
        }
        latest.map(|index| &self.log.changes[index])
    }

    /// The rule of [`RuleIndex::change_for`].
    pub(super) fn rule_for(&self, path: &str) -> Option<&'static str> {
        self.change_for(path).map(|change| change.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_as_the_log_does() {
        let mut log = RuleLog::default();
        log.change("C", "A\\B", "first", String::new());
        log.change("C", "A", "second", String::new());
        log.change("C", "A\\B\\C", "third", String::new());
        log.change("C", "a\\b", "fourth", String::new());
        let index = RuleIndex::new(&log);
        for path in [
            "A",
            "A\\B",
            "a\\B\\c",
            "A\\B\\C\\D",
            "A\\X",
            "Z",
            "A\\Bb",
            "",
        ] {
            assert_eq!(index.rule_for(path), log.rule_for(path), "{path}");
        }
        assert_eq!(
            index.rule_for("A\\B\\C"),
            Some("fourth"),
            "the later change to an ancestor"
        );
        assert_eq!(index.rule_for("A\\X"), Some("second"));
    }
}
