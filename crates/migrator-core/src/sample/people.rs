//! The people of a CIC sample: users (with their status where the release keeps it), roles,
//! skills, workgroups with their members, and the licence assignments of users and stations.
//!
//! Two users are always there: the IC administrator, and a user whose display name holds the
//! server name as an ordinary word ("Calliope Smith" on server "calliope"), which a server
//! rename must leave alone.

use rand::Rng;

use super::image::{Builder, Entry};
use super::names::{self, capitalized, UniqueNames};
use super::telephony::{self, Telephony};
use crate::layout;
use crate::server::counts;
use crate::version::Feature;

/// Roles every server has from setup.
const BUILT_IN_ROLES: &[&str] = &[
    "Administrator Role",
    "Billable-Time User",
    "Business User",
    "Mobile Office",
];

/// Custom roles sites commonly add.
const CUSTOM_ROLES: &[&str] = &[
    "Agent",
    "Supervisor",
    "Team Lead",
    "Quality Analyst",
    "Reporting Analyst",
    "Telephony Administrator",
    "Workforce Planner",
    "Receptionist",
];

/// Skill names before numbered ones.
const SKILLS: &[&str] = &[
    "English",
    "Spanish",
    "French",
    "German",
    "Mandarin",
    "Billing",
    "Mortgage",
    "Insurance",
    "Networking",
    "Windows",
    "Hardware",
    "Returns",
    "VIP",
    "Retention",
    "Chat",
    "Email",
];

/// Status messages users are seen in.
pub const STATUSES: &[&str] = &[
    "Available",
    "Available, Follow-Me",
    "At Lunch",
    "Away from desk",
    "Do Not Disturb",
    "In a Meeting",
    "Gone Home",
    "On Vacation",
    "Working at Home",
];

/// Licences of a user, by how much the user does.
const USER_LICENSES: &[&str] = &[
    "I3_ACCESS_CLIENT",
    "I3_ACCESS_ACD_MEDIA_3",
    "I3_ACCESS_RECORDER",
    "I3_OPTIMIZER_SCHEDULABLE",
    "I3_OPTIMIZER_SHOWRTA",
    "I3_ACCESS_IPAD_USER_SUPERVISOR",
];

/// What other areas need to know about the people of a sample.
pub struct People {
    /// User ids, in extension order.
    pub users: Vec<String>,
    /// Workgroup names, in extension order.
    pub workgroups: Vec<String>,
}

/// A user's extension.
pub fn user_extension(index: usize) -> String {
    (10_000 + index).to_string()
}

/// A workgroup's extension.
pub fn workgroup_extension(index: usize) -> String {
    (8_000 + index).to_string()
}

/// Writes roles, skills, users and workgroups.
pub fn build(b: &mut Builder) -> People {
    let roles = roles(b);
    let skills = skills(b);
    let workgroups: Vec<String> = (0..b.scale.workgroups).map(names::function_name).collect();
    let users = user_names(b);
    let mut members = vec![Vec::new(); workgroups.len()];
    let mut ids = Vec::with_capacity(users.len());
    for (index, user) in users.iter().enumerate() {
        let groups = memberships(b, index, workgroups.len());
        for &g in &groups {
            members[g].push(user.id.clone());
        }
        let groups: Vec<&str> = groups.iter().map(|&g| workgroups[g].as_str()).collect();
        write_user(b, index, user, &groups, &roles, &skills);
        ids.push(user.id.clone());
    }
    b.count(counts::USERS, users.len());
    write_workgroups(b, &workgroups, &members, &skills);
    People {
        users: ids,
        workgroups,
    }
}

fn roles(b: &mut Builder) -> Vec<String> {
    let mut roles: Vec<String> = BUILT_IN_ROLES.iter().map(|r| r.to_string()).collect();
    roles.extend(
        (0..b.scale.custom_roles).map(|i| match CUSTOM_ROLES.get(i) {
            Some(role) => role.to_string(),
            None => format!("{} Agent", names::function_name(i - CUSTOM_ROLES.len())),
        }),
    );
    for (i, role) in roles.iter().enumerate() {
        let admin = i == 0;
        let rights: &[&str] = if admin {
            &[
                "masterAdministrator",
                "serverParameter",
                "lines",
                "handlers",
                "reports",
            ]
        } else {
            &["reportLogs", "viewWorkgroupQueue"]
        };
        b.put(
            layout::ROLES,
            Entry::new(role)
                .sz("Description", &format!("{role} rights"))
                .multi("Administrative Rights", rights)
                .multi(
                    "Security Rights",
                    &["accessOwnedInteractionConferences", "recordCalls"],
                )
                .multi("Access Rights", &["loginStation:*", "viewWorkgroupQueue:*"]),
        );
    }
    b.count(counts::ROLES, roles.len());
    roles
}

fn skills(b: &mut Builder) -> Vec<String> {
    let skills: Vec<String> = (0..b.scale.skills)
        .map(|i| match SKILLS.get(i) {
            Some(skill) => skill.to_string(),
            None => format!(
                "{} Skill {}",
                names::FUNCTIONS[i % names::FUNCTIONS.len()],
                i
            ),
        })
        .collect();
    for skill in &skills {
        b.put(
            layout::SKILLS,
            Entry::new(skill).sz("Description", &format!("Agents who handle {skill}")),
        );
    }
    b.count(counts::SKILLS, skills.len());
    skills
}

/// A user's names.
struct Person {
    id: String,
    given: String,
    surname: String,
}

fn user_names(b: &mut Builder) -> Vec<Person> {
    let mut ids = UniqueNames::default();
    let mut people = vec![
        person(&mut ids, "IC", "Administrator", "icadmin"),
        person(&mut ids, &capitalized(b.server()), "Smith", ""),
    ];
    while people.len() < b.scale.users.max(2) {
        let given = names::pick(&mut b.rng, names::GIVEN_NAMES);
        let surname = names::pick(&mut b.rng, names::SURNAMES);
        people.push(person(&mut ids, given, surname, ""));
    }
    people
}

fn person(ids: &mut UniqueNames, given: &str, surname: &str, id: &str) -> Person {
    let base = if id.is_empty() {
        let initial: String = given.chars().take(1).collect();
        format!("{initial}{surname}").to_lowercase()
    } else {
        id.to_string()
    };
    Person {
        id: ids.claim(&base),
        given: given.to_string(),
        surname: surname.to_string(),
    }
}

/// The workgroups of user `index`: none for the administrator, one to three for others.
fn memberships(b: &mut Builder, index: usize, workgroups: usize) -> Vec<usize> {
    if index == 0 || workgroups == 0 {
        return Vec::new();
    }
    let n = b.rng.gen_range(1..=3usize).min(workgroups);
    let mut groups: Vec<usize> = rand::seq::index::sample(&mut b.rng, workgroups, n).into_vec();
    groups.sort_unstable();
    groups
}

fn write_user(
    b: &mut Builder,
    index: usize,
    user: &Person,
    groups: &[&str],
    roles: &[String],
    skills: &[String],
) {
    let entry = user_entry(b, index, user)
        .multi("Role", &[pick_role(b, index, roles)])
        .multi(layout::USER_WORKGROUPS, groups)
        .multi("Skills", &pick_skills(b, skills));
    let entry = with_rights(entry, index == 0);
    let entry = with_status(b, entry);
    b.put(layout::USERS, entry);
}

/// The administrator has the first role; others one of the rest.
fn pick_role<'r>(b: &mut Builder, index: usize, roles: &'r [String]) -> &'r str {
    match index {
        0 => &roles[0],
        _ => &roles[1 + b.rng.gen_range(0..roles.len() - 1)],
    }
}

fn pick_skills<'s>(b: &mut Builder, skills: &'s [String]) -> Vec<&'s str> {
    let count = b.rng.gen_range(0..=3);
    let all: Vec<&str> = skills.iter().map(String::as_str).collect();
    names::pick_some(&mut b.rng, &all, count)
}

/// A user's personal and telephony attributes.
fn user_entry(b: &mut Builder, index: usize, user: &Person) -> Entry {
    let licensing = match b.rng.gen_bool(0.8) {
        true => "Concurrent Licensing",
        false => "Assignable Licensing",
    };
    let department = names::pick(&mut b.rng, names::FUNCTIONS);
    let building = b.rng.gen_range(b'A'..=b'D') as char;
    let office = format!("Building {building}, Floor {}", b.rng.gen_range(1..=6));
    Entry::new(&user.id)
        .sz("givenName", &user.given)
        .sz("surname", &user.surname)
        .sz(
            layout::USER_DISPLAY_NAME,
            &format!("{} {}", user.given, user.surname),
        )
        .sz("NT Domain User", &format!("CORP\\{}", user.id))
        .sz("Alias", &user.given)
        .sz("emailAddress", &format!("{}@example.com", user.id))
        .sz("officeLocation", &office)
        .sz("departmentName", department)
        .sz("Extension", &user_extension(index))
        .sz("Default Workstation", &telephony::station_name(index))
        .sz("Outbound ANI", "3175550100")
        .flag("Fax Capability", b.rng.gen_bool(0.1))
        .multi(
            "Agent Media % Utilization",
            &["Call:100", "Chat:50", "Email:30"],
        )
        .flag("Auto-Answer Call", b.rng.gen_bool(0.3))
        .flag("Auto-Answer Non-ACD Call", false)
        .flag("MWI Enabled", true)
        .sz("License Allocation Method", licensing)
        .sz("ClientTemplateConfiguration", "Default Template")
        .sz(layout::USER_HOME_SITE, b.site())
}

/// The administrative flags, all on for the administrator only.
fn with_rights(entry: Entry, admin: bool) -> Entry {
    [
        "Master Admin",
        "PublishHandlers",
        "ManageHandlers",
        "Debug Handlers",
        "RemoteControl",
    ]
    .into_iter()
    .fold(entry, |entry, right| entry.flag(right, admin))
}

/// Adds the user's status where the release keeps it: in the user entry as
/// `MM/DD/YYYY HH:MM:SS`, or under Live Data as `YYYY-MM-DDTHH:MM:SSZ`.
fn with_status(b: &mut Builder, entry: Entry) -> Entry {
    let (status, (y, mo, d, h, mi, s)) = status(b);
    if !b.version().has(Feature::LiveDataUserStatus) {
        let since = format!("{mo:02}/{d:02}/{y} {h:02}:{mi:02}:{s:02}");
        return entry
            .sz(layout::USER_STATUS, status)
            .sz(layout::USER_STATUS_SINCE, &since);
    }
    let since = format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
    b.put(
        layout::LIVE_DATA_USER_STATUS,
        Entry::new(entry.0.name())
            .sz(layout::USER_STATUS, status)
            .sz(layout::USER_STATUS_SINCE, &since),
    );
    b.count(counts::USER_STATUS, 1);
    entry
}

fn status(b: &mut Builder) -> (&'static str, (u32, u32, u32, u32, u32, u32)) {
    let status = names::pick(&mut b.rng, STATUSES);
    (status, b.timestamp())
}

fn write_workgroups(
    b: &mut Builder,
    workgroups: &[String],
    members: &[Vec<String>],
    skills: &[String],
) {
    for (i, (name, members)) in workgroups.iter().zip(members).enumerate() {
        let supervisors: Vec<&String> = members.iter().take(1).collect();
        let skill: Vec<&str> = skills
            .get(i % skills.len().max(1))
            .map(String::as_str)
            .into_iter()
            .collect();
        b.put(
            layout::WORKGROUPS,
            Entry::new(name)
                .sz("Extension", &workgroup_extension(i))
                .sz("Description", &format!("{name} queue"))
                .sz("Queue Type", "ACD")
                .flag("Has Queue", true)
                .flag("Active", true)
                .multi(layout::WORKGROUP_MEMBERS, members)
                .multi("Supervisors", &supervisors)
                .multi("Skills", &skill)
                .sz("Wrap-up Timeout", "30"),
        );
    }
    b.count(counts::WORKGROUPS, workgroups.len());
}

/// Writes the licence assignments of every user and station (AdminConfig).
pub fn licenses(b: &mut Builder, people: &People, telephony: &Telephony) {
    for (index, user) in people.users.iter().enumerate() {
        let n = if index == 0 {
            USER_LICENSES.len()
        } else {
            b.rng.gen_range(1..=3)
        };
        b.put(
            layout::ADMIN_USER_INFO,
            Entry::new(user).multi(layout::COUNTED_LICENSES, &USER_LICENSES[..n]),
        );
    }
    b.count(counts::USER_LICENSES, people.users.len());
    for station in &telephony.stations {
        b.put(
            layout::ADMIN_STATION_INFO,
            Entry::new(station)
                .multi(layout::COUNTED_LICENSES, &["I3_ACCESS_STATION"])
                .sz("License Allocation Method", "Assignable Licensing"),
        );
    }
    b.count(counts::STATION_LICENSES, telephony.stations.len());
}
