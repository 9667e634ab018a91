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
