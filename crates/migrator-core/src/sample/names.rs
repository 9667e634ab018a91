//! Word pools and random helpers that give sample servers realistic names, numbers and
//! addresses.
//!
//! No pool holds a word a sample uses as a server or site name, so that such names appear in a
//! sample only where the generator puts them on purpose.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The random source of a sample; seeded, so samples are reproducible.
pub type SampleRng = ChaCha8Rng;

/// Given names of users.
pub const GIVEN_NAMES: &[&str] = &[
    "Aaron",
    "Abigail",
    "Adam",
    "Adrian",
    "Aisha",
    "Alan",
    "Alice",
    "Amanda",
    "Amir",
    "Andrea",
    "Andrew",
    "Angela",
    "Anna",
    "Anthony",
    "Ashley",
    "Barbara",
    "Benjamin",
    "Brandon",
    "Brenda",
    "Brian",
    "Carlos",
    "Carol",
    "Catherine",
    "Charles",
    "Chen",
    "Christina",
    "Christopher",
    "Claire",
    "Daniel",
    "David",
    "Deborah",
    "Dennis",
    "Diana",
    "Diego",
    "Donna",
    "Dylan",
    "Edward",
    "Elena",
    "Elizabeth",
    "Emily",
    "Emma",
    "Eric",
    "Fatima",
    "Frank",
    "Gabriel",
    "Gary",
    "George",
    "Grace",
    "Gregory",
    "Hannah",
    "Hector",
    "Helen",
    "Henry",
    "Ian",
    "Irene",
    "Isabel",
    "Jacob",
    "James",
    "Janet",
    "Jason",
    "Jennifer",
    "Jessica",
    "Joan",
    "John",
    "Jonathan",
    "Jose",
    "Joseph",
    "Joshua",
    "Julia",
    "Justin",
    "Karen",
    "Katherine",
    "Keith",
    "Kevin",
    "Kimberly",
    "Laura",
    "Lauren",
    "Linda",
    "Lisa",
    "Lucas",
    "Luis",
    "Maria",
    "Mark",
    "Martha",
    "Matthew",
    "Megan",
    "Melissa",
    "Michael",
    "Michelle",
    "Mohammed",
    "Nancy",
    "Nathan",
    "Nicole",
    "Olivia",
    "Omar",
    "Pamela",
    "Patricia",
    "Patrick",
    "Paul",
    "Peter",
    "Priya",
    "Rachel",
    "Raj",
    "Rebecca",
    "Richard",
    "Robert",
    "Ronald",
    "Rosa",
    "Ruth",
    "Ryan",
    "Samantha",
    "Samuel",
    "Sandra",
    "Sarah",
    "Scott",
    "Sharon",
    "Sophia",
    "Stephanie",
    "Stephen",
    "Steven",
    "Susan",
    "Teresa",
    "Thomas",
    "Timothy",
    "Tyler",
    "Victoria",
    "Wei",
    "William",
    "Yuki",
    "Zachary",
];

/// Surnames of users.
pub const SURNAMES: &[&str] = &[
    "Adams",
    "Ahmed",
    "Allen",
    "Alvarez",
    "Anderson",
    "Bailey",
    "Baker",
    "Barnes",
    "Bell",
    "Bennett",
    "Brooks",
    "Brown",
    "Bryant",
    "Butler",
    "Campbell",
    "Carter",
    "Castillo",
    "Chen",
    "Clark",
    "Collins",
    "Cook",
    "Cooper",
    "Cox",
    "Cruz",
    "Davis",
    "Diaz",
    "Edwards",
    "Evans",
    "Fisher",
    "Flores",
    "Foster",
    "Garcia",
    "Gomez",
    "Gonzalez",
    "Gray",
    "Green",
    "Griffin",
    "Hall",
    "Harris",
    "Hayes",
    "Henderson",
    "Hernandez",
    "Hill",
    "Howard",
    "Hughes",
    "Jackson",
    "James",
    "Jenkins",
    "Johnson",
    "Jones",
    "Kelly",
    "Khan",
    "Kim",
    "King",
    "Lee",
    "Lewis",
    "Long",
    "Lopez",
    "Martin",
    "Martinez",
    "Miller",
    "Mitchell",
    "Moore",
    "Morales",
    "Morgan",
    "Morris",
    "Murphy",
    "Myers",
    "Nelson",
    "Nguyen",
    "Ortiz",
    "Parker",
    "Patel",
    "Perez",
    "Perry",
    "Peterson",
    "Phillips",
    "Powell",
    "Price",
    "Ramirez",
    "Reed",
    "Reyes",
    "Richardson",
    "Rivera",
    "Roberts",
    "Robinson",
    "Rodriguez",
    "Rogers",
    "Ross",
    "Russell",
    "Sanchez",
    "Sanders",
    "Scott",
    "Shah",
    "Simmons",
    "Singh",
    "Stewart",
    "Sullivan",
    "Taylor",
    "Thomas",
    "Thompson",
    "Torres",
    "Turner",
    "Walker",
    "Wang",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
    "Zhang",
];

/// Business functions: workgroups, skills, queues.
pub const FUNCTIONS: &[&str] = &[
    "Sales",
    "Support",
    "Billing",
    "Claims",
    "Collections",
    "Escalations",
    "Retention",
    "Technical Support",
    "Customer Care",
    "Order Entry",
    "Returns",
    "Shipping",
    "Help Desk",
    "Enrollment",
    "Renewals",
    "Dispatch",
    "Scheduling",
    "Loyalty",
    "Onboarding",
    "Fraud",
];

/// Qualifiers that tell apart workgroups of the same function.
pub const QUALIFIERS: &[&str] = &[
    "Tier 1",
    "Tier 2",
    "East",
    "West",
    "Nights",
    "Weekend",
    "Overflow",
    "Spanish",
    "French",
    "Premier",
    "Small Business",
    "Enterprise",
    "Outbound",
    "Chat",
    "Email",
    "Callback",
    "Backoffice",
    "Training",
    "Quality",
    "Supervisors",
];

/// Nouns for custom parameter, handler and process names.
pub const NOUNS: &[&str] = &[
    "Routing",
    "Timeout",
    "Priority",
    "Lookup",
    "Survey",
    "Callback",
    "Queue",
    "Greeting",
    "Holiday",
    "Overflow",
    "Screenpop",
    "Account",
    "Balance",
    "Payment",
    "Ticket",
    "Order",
    "Invoice",
    "Appointment",
    "Verification",
    "Language",
    "Transfer",
    "Voicemail",
    "Recording",
    "Escalation",
    "Schedule",
    "Campaign",
    "Wrapup",
    "Disposition",
    "Authentication",
    "Outage",
];

/// Prefixes custom objects are given by sites (company or project names).
pub const PREFIXES: &[&str] = &[
    "Acme", "CRM", "Custom", "Corp", "IVR", "Contoso", "Fabrikam",
];

/// Picks one item of a non-empty pool.
pub fn pick<'a>(rng: &mut SampleRng, pool: &[&'a str]) -> &'a str {
    pool.choose(rng).copied().unwrap_or_default()
}

/// Picks up to `n` distinct items of a pool, in pool order.
pub fn pick_some<'a>(rng: &mut SampleRng, pool: &[&'a str], n: usize) -> Vec<&'a str> {
    let mut chosen: Vec<usize> = rand::seq::index::sample(rng, pool.len(), n.min(pool.len()))
        .into_iter()
        .collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| pool[i]).collect()
}

/// Names that stay unique without regard to case, as registry key names must.
#[derive(Default)]
pub struct UniqueNames {
    seen: HashSet<String>,
}

impl UniqueNames {
    /// `base`, or `base` with the smallest number suffix that makes it unique.
    pub fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while !self.seen.insert(name.to_ascii_lowercase()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

/// The `index`-th name of a list built from functions, then functions with qualifiers, then
/// numbered: a thousand workgroups still read like a real site's.
pub fn function_name(index: usize) -> String {
    let (f, q) = (FUNCTIONS.len(), QUALIFIERS.len());
    let function = FUNCTIONS[index % f];
    let round = index / f;
    match round {
        0 => function.to_string(),
        r if r <= q => format!("{function} {}", QUALIFIERS[r - 1]),
        r => format!("{function} {} {}", QUALIFIERS[(r - 1) % q], (r - 1) / q + 1),
    }
}

/// A name such as `Acme_RoutingTimeout`, from the prefix and noun pools.
pub fn custom_name(rng: &mut SampleRng, separator: &str) -> String {
    format!(
        "{}{separator}{}{}",
        pick(rng, PREFIXES),
        pick(rng, NOUNS),
        pick(rng, NOUNS)
    )
}

/// A MAC address of a Polycom phone, as stations store it: 12 upper-case hex digits.
pub fn mac_address(rng: &mut SampleRng) -> String {
    format!("0004F2{:06X}", rng.gen_range(0..0x100_0000u32))
}

/// A private IPv4 address in 10.x.x.x.
pub fn private_ip(rng: &mut SampleRng) -> String {
    format!(
        "10.{}.{}.{}",
        rng.gen_range(0..=255u8),
        rng.gen_range(0..=255u8),
        rng.gen_range(2..=254u8)
    )
}

/// A North American phone number of 10 digits whose exchange is 555.
pub fn phone_number(rng: &mut SampleRng) -> String {
    format!(
        "{}555{:04}",
        rng.gen_range(201..=989u32),
        rng.gen_range(0..10_000u32)
    )
}

/// A GUID in registry form, `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`.
pub fn guid(rng: &mut SampleRng) -> String {
    let bytes: [u8; 16] = rng.gen();
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Random bytes shown as upper-case hex, for encrypted-looking values that hold no secret.
pub fn opaque_hex(rng: &mut SampleRng, bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02X}", rng.gen::<u8>()))
        .collect()
}

/// A date and time from 2015 to the end of `last_year`, as (year, month, day, hour, minute,
/// second).
pub fn timestamp(rng: &mut SampleRng, last_year: u16) -> (u32, u32, u32, u32, u32, u32) {
    (
        rng.gen_range(2015..=u32::from(last_year.max(2015))),
        rng.gen_range(1..=12),
        rng.gen_range(1..=28),
        rng.gen_range(6..=19),
        rng.gen_range(0..60),
        rng.gen_range(0..60),
    )
}

/// `name` with its first letter in upper case, as people write names in text.
pub fn capitalized(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_stay_unique_for_thousands() {
        let names: HashSet<_> = (0..5_000).map(function_name).collect();
        assert_eq!(names.len(), 5_000);
    }

    #[test]
    fn claimed_names_differ_without_regard_to_case() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("jsmith"), "jsmith");
        assert_eq!(names.claim("JSmith"), "JSmith2");
        assert_eq!(names.claim("jsmith"), "jsmith3");
    }
}
