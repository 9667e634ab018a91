//! Fast answers to "which rule last changed this path or one of its ancestors", for plans of
//! hundreds of thousands of items against logs of thousands of changes.
//!
//! It answers as [`RuleLog::change_for`] does, by looking up the path and each ancestor in a
//! map from folded path to the position of its last change, instead of scanning the log.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::incoming::{RuleChange, RuleLog};
use crate::registry::{fold, SEPARATOR};

/// The rule log, indexed by path.
pub(super) struct RuleIndex<'a> {
    log: &'a RuleLog,
    last: HashMap<String, usize, RandomState>,
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
        self.position(path).map(|index| &self.log.changes[index])
    }

    /// The change at `position` in the log.
    pub(super) fn at(&self, position: usize) -> &'a RuleChange {
        &self.log.changes[position]
    }

    /// The position in the log of [`RuleIndex::change_for`]'s answer.
    pub(super) fn position(&self, path: &str) -> Option<usize> {
        if self.last.is_empty() {
            return None;
        }
        let mut folded = fold(path);
        let mut latest = None;
        loop {
            latest = latest.max(self.last.get(&folded).copied());
            match folded.rfind(SEPARATOR) {
                Some(cut) => folded.truncate(cut),
                None => break,
            }
        }
        latest
    }

    /// The last change to the child `name` of a key whose own answer is `parent` (its
    /// [`RuleIndex::position`]): one lookup instead of a walk up the whole path.
    pub(super) fn change_for_child(
        &self,
        parent: Option<usize>,
        parent_path: &str,
        name: &str,
    ) -> Option<&'a RuleChange> {
        let own = match self.last.is_empty() {
            true => None,
            false => {
                let mut path = String::with_capacity(parent_path.len() + 1 + name.len());
                path.push_str(parent_path);
                path.push(SEPARATOR);
                path.push_str(name);
                let folded = match path.is_ascii() {
                    true => {
                        path.make_ascii_uppercase();
                        path
                    }
                    false => fold(&path),
                };
                self.last.get(&folded).copied()
            }
        };
        parent.max(own).map(|index| &self.log.changes[index])
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
        let parent = index.position("A\\B");
        let child = index.change_for_child(parent, "A\\B", "c").map(|c| c.rule);
        assert_eq!(child, log.rule_for("A\\B\\c"));
    }
}
