//! Text helpers shared by the library and the binary.

/// The Levenshtein distance between two strings, by characters: how many single-character
/// insertions, deletions and substitutions turn `a` into `b`. Used to recognise typing errors
/// in names.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The candidate whose name is nearest `typed`, when near enough to be a typing error (at most
/// one edit for every two characters typed, one for a short word). Each candidate is a name
/// to compare, as `typed` is written (same case and spacing), and what to give back for it.
pub fn closest<N: AsRef<str>, T>(
    typed: &str,
    candidates: impl IntoIterator<Item = (N, T)>,
) -> Option<T> {
    candidates
        .into_iter()
        .map(|(name, found)| (edit_distance(typed, name.as_ref()), found))
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= typed.chars().count().max(3) / 2)
        .map(|(_, found)| found)
}

/// `n` and `noun`, with the plural ending when `n` is not one: `1 file`, `2 files`.
pub fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_name_is_given_only_when_near_enough() {
        let names = [("users", 1), ("workgroups", 2)];
        assert_eq!(closest("usres", names), Some(1));
        assert_eq!(closest("wrkgroups", names), Some(2));
        assert_eq!(closest("lines", names), None);
    }

    #[test]
    fn counted_nouns_take_the_plural_except_for_one() {
        assert_eq!(counted(0, "change"), "0 changes");
        assert_eq!(counted(1, "change"), "1 change");
        assert_eq!(counted(2, "warning"), "2 warnings");
    }

    #[test]
    fn counts_single_character_edits() {
        assert_eq!(edit_distance("password", "password"), 0);
        assert_eq!(edit_distance("pasword", "password"), 1);
        assert_eq!(edit_distance("paswort", "password"), 2);
        assert_eq!(edit_distance("usres", "users"), 2);
        assert_eq!(edit_distance("user", "users"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("Wörkgroups", "Workgroups"), 1);
    }
}
