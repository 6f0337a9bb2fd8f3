//! Who lives in the demo world: the people who can sign in, their companies, the authorities
//! that write to them, the authorities' systems, and who may read whose post.
//!
//! Everything here is fictional. CPR numbers are written on dates that do not exist (the 30th
//! of February, the 31st of April, June, September or November), so no real person can have
//! them; CVR numbers fail the modulus 11 check every real CVR number passes; telephone numbers
//! start with 1, which no Danish subscriber number does; web and mail addresses end in
//! `.example`.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::danish;

/// A person who can sign in to the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The stable id (`persons.id`, the OIDC subject).
    pub id: &'static str,
    /// 10 digits, fictional.
    pub cpr: &'static str,
    pub name: &'static str,
    /// What signing in as this person shows, in one line of Danish.
    pub description: &'static str,
    /// Street, postcode and town, one line each.
    pub address: [&'static str; 2],
}

/// A child the letters are about; children have no mailbox of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    pub cpr: &'static str,
    pub name: &'static str,
    /// The parent who gets the post.
    pub parent_id: &'static str,
}

/// A company with a CVR mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// 8 digits, fictional.
    pub cvr: &'static str,
    pub name: &'static str,
    pub address: [&'static str; 2],
}

/// An employee's right to handle a company's post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRight {
    pub person_id: &'static str,
    pub cvr: &'static str,
}

/// `authorities.authority_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthorityType {
    State,
    Region,
    Municipality,
    Other,
}

impl AuthorityType {
    /// As the database writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::State => "STATE",
            Self::Region => "REGION",
            Self::Municipality => "MUNICIPALITY",
            Self::Other => "OTHER",
        }
    }
}

/// A public authority that sends letters and can be written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub id: &'static str,
    /// 8 digits, fictional.
    pub cvr: &'static str,
    pub name: &'static str,
    pub authority_type: AuthorityType,
    /// The town letters are dated from.
    pub town: &'static str,
    /// Postal address, one line each.
    pub address: [&'static str; 2],
    pub phone: &'static str,
    pub web: &'static str,
    /// The colour of its letterhead (RGB).
    pub colour: [u8; 3],
}

/// `systems.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemRole {
    Sender,
    Recipient,
}

impl SystemRole {
    /// As the database writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sender => "SENDER",
            Self::Recipient => "RECIPIENT",
        }
    }
}

/// A sender or recipient system of an authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    pub id: &'static str,
    pub authority_id: &'static str,
    pub role: SystemRole,
    pub name: &'static str,
}

/// Whose mailbox a grant opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxOwner {
    /// A person, by id.
    Person(&'static str),
    /// A company, by CVR number.
    Company(&'static str),
}

/// Read access ("læseadgang") to another person's or a company's mailbox. Read access only:
/// a holder can never write on the owner's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub owner: MailboxOwner,
    /// The person who may read.
    pub holder_id: &'static str,
    /// Only this user-defined folder of the owner's mailbox; `None` for the whole mailbox.
    pub folder: Option<&'static str>,
    pub expires: Option<DateTime<Utc>>,
}

/// The whole cast of the demo world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    pub persons: Vec<Person>,
    pub children: Vec<Child>,
    pub companies: Vec<Company>,
    pub company_rights: Vec<CompanyRight>,
    pub authorities: Vec<Authority>,
    pub systems: Vec<System>,
    /// `(authority id, system id)`: where an authority's post goes when a contact point has
    /// no system of its own.
    pub default_recipients: Vec<(&'static str, &'static str)>,
    pub grants: Vec<Grant>,
}

// Ids used by the letters.
pub const KAREN: &str = "karen-holm";
pub const ANDERS: &str = "anders-holm";
pub const SOFIE: &str = "sofie-norgaard";
pub const JENS: &str = "jens-bak";
pub const EMIL_CPR: &str = "3109234127";
pub const LYNGBAKKEN_VVS: &str = "28704516";
pub const CAFE_HAVNEKANTEN: &str = "36218854";
pub const KOMMUNE: &str = "fjordmark-kommune";
pub const SKAT: &str = "statens-skattekontor";
pub const REGION: &str = "region-midtkyst";
pub const YDELSE: &str = "statens-ydelseskontor";
pub const KOERETOEJ: &str = "koeretoejsstyrelsen";

/// The folder of Lyngbakken VVS' mailbox its bookkeeper may read.
pub const BOOKKEEPING_FOLDER: &str = "Skat og moms";

/// How long the bookkeeper's grant lasts from the moment the world is made.
const BOOKKEEPING_GRANT_DAYS: i64 = 75;

/// The demo world as it stands at `now` (only the grant's expiry depends on it).
pub fn world(now: DateTime<Utc>) -> World {
    World {
        persons: vec![
            Person {
                id: ANDERS,
                cpr: "3002791357",
                name: "Anders Holm",
                description: "Borger med læseadgang til sin mors post (Karen Holm)",
                address: ["Bakkedraget 7, 1. tv.", "7599 Fjordmark"],
            },
            Person {
                id: KAREN,
                cpr: "3104472548",
                name: "Karen Holm",
                description: "Pensionist med post fra sygehus, kommune og pension; sønnen Anders læser med",
                address: ["Strandvejen 41", "7599 Fjordmark"],
            },
            Person {
                id: SOFIE,
                cpr: "3106942468",
                name: "Sofie Nørgaard",
                description: "Borger med et barn i dagtilbud og en bil til syn; bogholder med læseadgang til én mappe hos Lyngbakken VVS",
                address: ["Kirkegade 3, st. th.", "7599 Fjordmark"],
            },
            Person {
                id: JENS,
                cpr: "3111711593",
                name: "Jens Bak",
                description: "Borger og medarbejder med adgang til to virksomheders post",
                address: ["Møllevej 22", "7599 Fjordmark"],
            },
        ],
        children: vec![Child {
            cpr: EMIL_CPR,
            name: "Emil Nørgaard",
            parent_id: SOFIE,
        }],
        companies: vec![
            Company {
                cvr: LYNGBAKKEN_VVS,
                name: "Lyngbakken VVS ApS",
                address: ["Industrivej 9", "7599 Fjordmark"],
            },
            Company {
                cvr: CAFE_HAVNEKANTEN,
                name: "Café Havnekanten I/S",
                address: ["Havnepladsen 2", "7599 Fjordmark"],
            },
        ],
        company_rights: vec![
            CompanyRight {
                person_id: JENS,
                cvr: LYNGBAKKEN_VVS,
            },
            CompanyRight {
                person_id: JENS,
                cvr: CAFE_HAVNEKANTEN,
            },
        ],
        authorities: vec![
            Authority {
                id: KOMMUNE,
                cvr: "29189631",
                name: "Fjordmark Kommune",
                authority_type: AuthorityType::Municipality,
                town: "Fjordmark",
                address: ["Rådhustorvet 1", "7599 Fjordmark"],
                phone: "19 40 10 00",
                web: "fjordmark.example",
                colour: [0, 94, 120],
            },
            Authority {
                id: SKAT,
                cvr: "19552040",
                name: "Statens Skattekontor",
                authority_type: AuthorityType::State,
                town: "Ørnstrup",
                address: ["Postboks 180", "6199 Ørnstrup"],
                phone: "17 22 18 18",
                web: "skattekontoret.example",
                colour: [22, 52, 112],
            },
            Authority {
                id: REGION,
                cvr: "20554028",
                name: "Region Midtkyst",
                authority_type: AuthorityType::Region,
                town: "Fjordmark",
                address: ["Fjordmark Sygehus, Sygehusvej 10", "7599 Fjordmark"],
                phone: "18 12 50 00",
                web: "regionmidtkyst.example",
                colour: [0, 118, 84],
            },
            Authority {
                id: YDELSE,
                cvr: "37284011",
                name: "Statens Ydelseskontor",
                authority_type: AuthorityType::State,
                town: "Ørnstrup",
                address: ["Ydelsesvej 4", "6199 Ørnstrup"],
                phone: "17 12 22 00",
                web: "ydelseskontoret.example",
                colour: [118, 42, 92],
            },
            Authority {
                id: KOERETOEJ,
                cvr: "41062319",
                name: "Køretøjsstyrelsen",
                authority_type: AuthorityType::State,
                town: "Ørnstrup",
                address: ["Synsvej 2", "6199 Ørnstrup"],
                phone: "17 33 40 40",
                web: "koeretoejsstyrelsen.example",
                colour: [176, 78, 0],
            },
        ],
        systems: vec![
            system(
                KOMMUNE,
                "fjordmark-kommune-sag",
                SystemRole::Sender,
                "Fjordmark Kommune, sagssystem",
            ),
            system(
                KOMMUNE,
                "fjordmark-kommune-post",
                SystemRole::Recipient,
                "Fjordmark Kommune, fælles postmodtagelse",
            ),
            system(
                KOMMUNE,
                "fjordmark-kommune-borgerservice",
                SystemRole::Recipient,
                "Fjordmark Kommune, Borgerservice",
            ),
            system(
                SKAT,
                "statens-skattekontor-udsendelse",
                SystemRole::Sender,
                "Statens Skattekontor, udsendelse",
            ),
            system(
                SKAT,
                "statens-skattekontor-post",
                SystemRole::Recipient,
                "Statens Skattekontor, postmodtagelse",
            ),
            system(
                REGION,
                "region-midtkyst-patientbreve",
                SystemRole::Sender,
                "Region Midtkyst, patientbreve",
            ),
            system(
                REGION,
                "region-midtkyst-post",
                SystemRole::Recipient,
                "Region Midtkyst, fælles postmodtagelse",
            ),
            system(
                REGION,
                "region-midtkyst-sygehus",
                SystemRole::Recipient,
                "Fjordmark Sygehus, patientkontoret",
            ),
            system(
                YDELSE,
                "statens-ydelseskontor-udsendelse",
                SystemRole::Sender,
                "Statens Ydelseskontor, udsendelse",
            ),
            system(
                YDELSE,
                "statens-ydelseskontor-post",
                SystemRole::Recipient,
                "Statens Ydelseskontor, postmodtagelse",
            ),
            system(
                KOERETOEJ,
                "koeretoejsstyrelsen-syn",
                SystemRole::Sender,
                "Køretøjsstyrelsen, synsindkaldelser",
            ),
            system(
                KOERETOEJ,
                "koeretoejsstyrelsen-post",
                SystemRole::Recipient,
                "Køretøjsstyrelsen, postmodtagelse",
            ),
        ],
        default_recipients: vec![
            (KOMMUNE, "fjordmark-kommune-post"),
            (SKAT, "statens-skattekontor-post"),
            (REGION, "region-midtkyst-post"),
            (YDELSE, "statens-ydelseskontor-post"),
            (KOERETOEJ, "koeretoejsstyrelsen-post"),
        ],
        grants: vec![
            Grant {
                owner: MailboxOwner::Person(KAREN),
                holder_id: ANDERS,
                folder: None,
                expires: None,
            },
            Grant {
                owner: MailboxOwner::Company(LYNGBAKKEN_VVS),
                holder_id: SOFIE,
                folder: Some(BOOKKEEPING_FOLDER),
                expires: Some(now + Duration::days(BOOKKEEPING_GRANT_DAYS)),
            },
        ],
    }
}

fn system(
    authority_id: &'static str,
    id: &'static str,
    role: SystemRole,
    name: &'static str,
) -> System {
    System {
        id,
        authority_id,
        role,
        name,
    }
}

impl World {
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.persons.iter().find(|p| p.id == id)
    }

    pub fn company(&self, cvr: &str) -> Option<&Company> {
        self.companies.iter().find(|c| c.cvr == cvr)
    }

    pub fn authority(&self, id: &str) -> Option<&Authority> {
        self.authorities.iter().find(|a| a.id == id)
    }

    pub fn child(&self, cpr: &str) -> Option<&Child> {
        self.children.iter().find(|c| c.cpr == cpr)
    }

    /// The sender system an authority sends its letters from.
    pub fn sender_system(&self, authority_id: &str) -> Option<&System> {
        self.systems
            .iter()
            .find(|s| s.authority_id == authority_id && s.role == SystemRole::Sender)
    }

    /// Every CPR number of the world: people who sign in and the children letters are about.
    pub fn cpr_numbers(&self) -> Vec<&'static str> {
        self.persons
            .iter()
            .map(|p| p.cpr)
            .chain(self.children.iter().map(|c| c.cpr))
            .collect()
    }

    /// The people who can sign in, as a Markdown table for the README: id, name, CPR and
    /// what each shows.
    pub fn identities_markdown(&self) -> String {
        let mut out = String::from("| Id | Navn | CPR | Det viser |\n|---|---|---|---|\n");
        for p in &self.persons {
            let mut shows = p.description.to_owned();
            let companies: Vec<&str> = self
                .company_rights
                .iter()
                .filter(|r| r.person_id == p.id)
                .filter_map(|r| self.company(r.cvr).map(|c| c.name))
                .collect();
            if !companies.is_empty() {
                let _ = write!(shows, " ({})", companies.join(", "));
            }
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                p.id,
                md_cell(p.name),
                danish::cpr(p.cpr),
                md_cell(&shows)
            );
        }
        out
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A UUID that is the same every time the demo world is made: version 4 in form, its bits
/// taken from a hash of `name`.
pub fn stable_uuid(name: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("brevdue-demo:{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// Whether `cpr` is 10 digits whose first six are a day and month that never exist
/// (e.g. 30 February), so that no real person can have it.
pub fn is_fictional_cpr(cpr: &str) -> bool {
    if cpr.len() != 10 || !cpr.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let (Ok(day), Ok(month)) = (cpr[0..2].parse::<u32>(), cpr[2..4].parse::<u32>()) else {
        return false;
    };
    let longest = match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    // Days above 31 are replacement numbers, which do belong to real people.
    day > longest && day <= 31
}

/// Whether `cvr` is 8 digits that fail the modulus 11 check of real CVR numbers.
pub fn is_fictional_cvr(cvr: &str) -> bool {
    const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];
    if cvr.len() != 8 || !cvr.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = cvr
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    !sum.is_multiple_of(11)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fictional_numbers_are_recognised() {
        assert!(is_fictional_cpr("3002791357"));
        assert!(!is_fictional_cpr("0101791357"), "1 January exists");
        assert!(!is_fictional_cpr("6101791357"), "a replacement number");
        assert!(!is_fictional_cpr("300279135"));
        assert!(is_fictional_cvr("29189631"));
        assert!(!is_fictional_cvr("29190909"), "passes modulus 11");
    }

    #[test]
    fn stable_uuids_are_version_4_and_stable() {
        let a = stable_uuid("x");
        assert_eq!(a, stable_uuid("x"));
        assert_ne!(a, stable_uuid("y"));
        assert_eq!(a.get_version_num(), 4);
    }
}
