//! The site-wide settings of a CIC sample that people and routing refer to: system parameters,
//! the default user, password policies, client configuration templates, status messages,
//! wrap-up categories and codes, account codes and schedules.
//!
//! Attribute names are the fields of the configuration objects Interaction Administrator
//! edits, written as Directory Services writes attributes, in spaced words (`Minimum Password
//! Length` for `minimumPasswordLength`). The names other areas use are always there: the
//! `Default Template` every user carries, the status messages users are in, the
//! `Business Hours` schedule Interaction Attendant refers to. None of this names the server
//! or the site, as site-wide settings are shared by every server.

use rand::Rng;

use super::image::{Builder, Entry};
use super::names::{self, UniqueNames};
use super::people::STATUSES;
use crate::layout;
use crate::server::counts;

/// System parameters every site has, with their values.
const SYSTEM_PARAMETERS: &[(&str, &str)] = &[
    ("DefaultLanguage", "en-US"),
    ("SiteTimeZone", "Eastern Standard Time"),
    ("SessionInactivityTimeout", "3600"),
    ("AccountCodeVerification", "Yes"),
    ("MaxConferenceParties", "10"),
    ("StatusMessageSync", "Yes"),
    ("CallLogRetentionDays", "90"),
    ("DirectoryRefreshInterval", "300"),
];

/// Password policies sites commonly have, with their minimum length and maximum age in days.
const PASSWORD_POLICIES: &[(&str, u32, u32)] = &[
    ("Default Policy", 8, 90),
    ("Strong Passwords", 12, 60),
    ("Supervisors", 10, 60),
    ("Service Accounts", 16, 365),
];

/// Client configuration templates, `Default Template` first as users refer to it.
const CLIENT_TEMPLATES: &[&str] = &[
    "Default Template",
    "Agent Template",
    "Supervisor Template",
    "Receptionist Template",
];

/// Status messages besides the ones users are seen in.
const MORE_STATUSES: &[&str] = &[
    "Available, No ACD",
    "Available, Forward",
    "Awaiting Callback",
    "ACD - Agent Not Answering",
    "Follow Up",
    "At a Training Session",
    "Out of the Office",
    "Out of Town",
    "Project Work",
];

/// Wrap-up categories, with whether they count as a successful contact.
const WRAP_UP_CATEGORIES: &[(&str, bool)] = &[
    ("Sales", true),
    ("Service", true),
    ("No Contact", false),
    ("Collections", true),
    ("Complaints", true),
];

/// Wrap-up codes with their category (an index into [`WRAP_UP_CATEGORIES`]).
const WRAP_UP_CODES: &[(&str, usize)] = &[
    ("Sale Completed", 0),
    ("Issue Resolved", 1),
    ("No Answer", 2),
    ("Left Message", 2),
    ("Callback Scheduled", 1),
    ("Wrong Number", 2),
    ("Escalated", 1),
    ("Do Not Call", 2),
    ("Billing Question", 1),
    ("Quote Sent", 0),
];

/// Schedules: the ones other areas name first.
const SCHEDULES: &[&str] = &["Business Hours", "After Hours", "Holidays", "Weekend"];

/// Writes the site-wide settings.
pub fn build(b: &mut Builder) {
    system_parameters(b);
    default_user(b);
    password_policies(b);
    client_templates(b);
    status_messages(b);
    wrap_up(b);
    account_codes(b);
    schedules(b);
}

fn system_parameters(b: &mut Builder) {
    let mut taken = UniqueNames::default();
    for i in 0..b.scale.system_parameters {
        let (name, value) = match SYSTEM_PARAMETERS.get(i) {
            Some(&(name, value)) => (taken.claim(name), value.to_string()),
            None => {
                let name = taken.claim(&names::custom_name(&mut b.rng, "_"));
                (name, b.rng.gen_range(1..600u32).to_string())
            }
        };
        b.put(
            layout::SYSTEM_PARAMETERS,
            Entry::new(&name).sz(layout::PARAMETER_VALUE, &value),
        );
    }
    b.count(counts::SYSTEM_PARAMETERS, b.scale.system_parameters);
}

/// The settings every user inherits unless a role, workgroup or the user says otherwise.
fn default_user(b: &mut Builder) {
    let entry = Entry::new("")
        .multi("Role", &["Business User"])
        .sz("ClientTemplateConfiguration", CLIENT_TEMPLATES[0])
        .sz("Password Policies", PASSWORD_POLICIES[0].0)
        .multi(
            "Security Rights",
            &["accessOwnedInteractionConferences", "recordCalls"],
        )
        .multi("Access Rights", &["loginStation:*"])
        .sz("Parked Call Timeout", "120")
        .sz("Parked Chat Timeout", "300")
        .sz("Parked Email Timeout", "86400")
        .sz("Web Client Fax Format", "PDF")
        .sz("Whisper Tone Level", "50");
    let values = entry.0.value_count();
    b.set(layout::DEFAULT_USER, entry);
    b.count(counts::DEFAULT_USER_SETTINGS, values);
}

fn password_policies(b: &mut Builder) {
    for i in 0..b.scale.password_policies {
        let (name, length, age) = match PASSWORD_POLICIES.get(i) {
            Some(&(name, length, age)) => (name.to_string(), length, age),
            None => (format!("{} Policy", names::function_name(i)), 10, 90),
        };
        let entry = Entry::new(&name)
            .sz("Description", &format!("{name} for sign-in passwords"))
            .sz("Minimum Password Length", &length.to_string())
            .sz("Maximum Password Age", &age.to_string())
            .sz("Maximum Password Age Warning Period", "14")
            .sz("Minimum Password Age", "1")
            .sz("Minimum Password History", "5")
            .sz("Minimum Uppercase Characters", "1")
            .sz("Minimum Lowercase Characters", "1")
            .sz("Minimum Numeric Characters", "1")
            .sz(
                "Minimum Special Characters",
                if length > 8 { "1" } else { "0" },
            )
            .sz("Special Characters", "!@#$%^&*")
            .sz("Maximum Failed Login Attempts", "5")
            .sz("Account Lockout Duration", "30")
            .sz("Failed Login Count Reset Time", "15")
            .flag("All Sequential Digits Allowed", false)
            .flag("User Must Change Password", i == 0);
        b.put(layout::PASSWORD_POLICIES, entry);
    }
    b.count(counts::PASSWORD_POLICIES, b.scale.password_policies);
}

fn client_templates(b: &mut Builder) {
    let count = b.scale.client_templates.max(1);
    for i in 0..count {
        let name = match CLIENT_TEMPLATES.get(i) {
            Some(name) => name.to_string(),
            None => format!("{} Template", names::function_name(i)),
        };
        let entry = Entry::new(&name)
            .sz("Description", &format!("Client settings of the {name}"))
            .flag("Account Code Sort By Number", b.rng.gen_bool(0.5))
            .flag("Activate Out Of Office Message", false)
            .flag("Show Queue Statistics", i != 0);
        b.put(layout::CLIENT_TEMPLATES, entry);
    }
    b.count(counts::CLIENT_TEMPLATES, count);
}

fn status_messages(b: &mut Builder) {
    let mut taken = UniqueNames::default();
    let count = b.scale.status_messages.max(STATUSES.len());
    let known = STATUSES.iter().chain(MORE_STATUSES);
    let mut all: Vec<String> = known.take(count).map(|s| taken.claim(s)).collect();
    while all.len() < count {
        let base = format!("{} Project", names::pick(&mut b.rng, names::FUNCTIONS));
        all.push(taken.claim(&base));
    }
    for text in &all {
        b.put(layout::STATUS_MESSAGES, status_message(text));
    }
    b.count(counts::STATUS_MESSAGES, count);
}

/// A status message whose flags follow from its words.
fn status_message(text: &str) -> Entry {
    let available = text.starts_with("Available");
    let away = ["Gone Home", "On Vacation", "Out of"]
        .iter()
        .any(|w| text.contains(w));
    let group = match (available, away) {
        (true, _) => "Available",
        (_, true) => "Away",
        _ => "Busy",
    };
    Entry::new(text)
        .sz("Message Text", text)
        .sz("Group", group)
        .flag("Allow ACD Calls", available && !text.contains("No ACD"))
        .flag("Allow Follow Up", text == "Follow Up")
        .flag("Is After Call Work", text == "Follow Up")
        .flag("Is Do Not Disturb", text == "Do Not Disturb")
        .flag(
            "Is Forward",
            text.contains("Follow-Me") || text.contains("Forward"),
        )
        .flag("Is Persistent", away)
        .flag("Is User Selectable", !text.starts_with("ACD"))
        .flag("Has Date", away)
        .flag("Has Time", text == "At Lunch" || text == "In a Meeting")
}

fn wrap_up(b: &mut Builder) {
    let categories: Vec<String> = (0..b.scale.wrap_up_categories.max(1))
        .map(|i| match WRAP_UP_CATEGORIES.get(i) {
            Some(&(name, _)) => name.to_string(),
            None => format!("{} Outcomes", names::function_name(i)),
        })
        .collect();
    for (i, name) in categories.iter().enumerate() {
        let success = WRAP_UP_CATEGORIES.get(i).is_none_or(|c| c.1);
        b.put(
            layout::WRAP_UP_CATEGORIES,
            Entry::new(name)
                .sz("Label", name)
                .flag("Is Actual Contact", success)
                .flag("Is Successful Interaction", success)
                .flag("Is Permanent", i < WRAP_UP_CATEGORIES.len())
                .flag("Should Increment Attempts", !success)
                .sz(
                    "Phone Number Status",
                    if success { "Good" } else { "Retry" },
                )
                .sz(
                    "Record Status",
                    if success { "Complete" } else { "Scheduled" },
                ),
        );
    }
    b.count(counts::WRAP_UP_CATEGORIES, categories.len());
    wrap_up_codes(b, &categories);
}

fn wrap_up_codes(b: &mut Builder, categories: &[String]) {
    let mut taken = UniqueNames::default();
    for i in 0..b.scale.wrap_up_codes {
        let (label, category) = match WRAP_UP_CODES.get(i) {
            Some(&(label, category)) => (taken.claim(label), category % categories.len()),
            None => {
                let noun = names::pick(&mut b.rng, names::NOUNS);
                let label = taken.claim(&format!("{noun} Follow-up"));
                (label, b.rng.gen_range(0..categories.len()))
            }
        };
        b.put(
            layout::WRAP_UP_CODES,
            Entry::new(&label)
                .sz("Label", &label)
                .sz("Category", &categories[category])
                .sz("Digits", &(10 + i).to_string())
                .flag("Is Permanent", i < WRAP_UP_CODES.len())
                .flag("Is Right Party Contact", category != 2),
        );
    }
    b.count(counts::WRAP_UP_CODES, b.scale.wrap_up_codes);
}

fn account_codes(b: &mut Builder) {
    b.set(
        layout::ACCOUNT_CODES,
        Entry::new("").flag("Account Codes Enabled", true),
    );
    for i in 0..b.scale.account_codes {
        let code = (1_000 + i * 7).to_string();
        let function = names::FUNCTIONS[i % names::FUNCTIONS.len()];
        let noun = names::pick(&mut b.rng, names::NOUNS);
        b.put(
            layout::ACCOUNT_CODES,
            Entry::new(&code).sz("Description", &format!("{function} {noun} project")),
        );
    }
    b.count(counts::ACCOUNT_CODES, b.scale.account_codes);
}

fn schedules(b: &mut Builder) {
    let count = b.scale.schedules.max(1);
    for i in 0..count {
        let name = match SCHEDULES.get(i) {
            Some(name) => name.to_string(),
            None => format!("{} Shift {}", names::function_name(i), i % 3 + 1),
        };
        let entry = Entry::new(&name)
            .sz("Description", &format!("{name} of the contact center"))
            .flag("Is Active", true)
            .multi("Keywords", &[name.split(' ').next().unwrap_or_default()]);
        let entry = recurrence(entry, &name, b.version().year);
        b.put(layout::SCHEDULES, entry);
    }
    b.count(counts::SCHEDULES, count);
}

/// When a schedule applies: working days, evenings, weekends, or a list of holiday dates.
fn recurrence(entry: Entry, name: &str, year: u16) -> Entry {
    let (start, end, days): (&str, &str, &[&str]) = match name {
        "After Hours" => ("17:00", "08:00", &["1", "2", "3", "4", "5"]),
        "Weekend" => ("00:00", "23:59", &["0", "6"]),
        _ => ("08:00", "17:00", &["1", "2", "3", "4", "5"]),
    };
    if name == "Holidays" {
        let dates =
            [(1, 1), (7, 4), (11, 27), (12, 25)].map(|(m, d)| format!("{year}-{m:02}-{d:02}"));
        return entry
            .sz("Pattern Type", "repeatYearly")
            .multi("Dates", &dates)
            .flag("Is All Day", true);
    }
    entry
        .sz("Pattern Type", "repeatWeekly")
        .sz("Start Date", &format!("{year}-01-01"))
        .sz("Start Time", start)
        .sz("End Time", end)
        .multi("Days", days)
        .flag("Is All Day", false)
        .flag("Is Day Span", start > end)
}
