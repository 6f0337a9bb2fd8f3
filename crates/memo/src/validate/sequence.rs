//! The content model of an element with element-only content, followed child by child:
//! where each child belongs in the sequence, what is out of place, and at the end tag what is
//! missing.

use crate::error::Position;
use crate::xml::{Element, ns};

use super::Report;
use super::schema::{self, Decl, Model, Particle, UNBOUNDED, Version, short};
use super::types::{self, quote_str};

/// Where a model's sequence has got to.
#[derive(Debug)]
pub(super) struct Elements {
    pub(super) decl: &'static Decl,
    model: &'static Model,
    /// The furthest particle reached.
    cursor: usize,
    pub(super) slots: Vec<Slot>,
}

/// What has been seen of one particle.
#[derive(Debug, Default, Clone)]
pub(super) struct Slot {
    count: u32,
    /// The element that filled it (for a choice, which one).
    seen: Option<&'static Decl>,
    /// A simple value it held, with where (kept for the domain rules and file names).
    pub(super) value: Option<(String, Position)>,
}

/// Where a child element goes in its parent's sequence.
pub(super) enum Placed {
    /// It stands for particle `slot` (with a problem to report when it is out of place, one
    /// too many, or in the wrong namespace): its content is checked as `decl`.
    Child {
        slot: usize,
        decl: &'static Decl,
        problem: Option<String>,
    },
    /// It has no place here; its content is not checked.
    Rejected(String),
}

impl Elements {
    pub(super) fn new(decl: &'static Decl, model: &'static Model) -> Self {
        Self {
            decl,
            model,
            cursor: 0,
            slots: vec![Slot::default(); model.particles.len()],
        }
    }

    /// The active particles of the model (those of `version`), with their indices.
    fn active(&self, version: Version) -> impl Iterator<Item = (usize, &'static Particle)> {
        let model: &'static Model = self.model;
        model
            .particles
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.is_in(version))
    }

    /// Finds the place of child `e` and records it.
    pub(super) fn place(&mut self, e: &Element, version: Version) -> Placed {
        let parent = self.decl.display();
        let found = self.find(version, |d| e.is(d.ns, d.name));
        let (index, decl, wrong_ns) = match found {
            Some((i, d)) => (i, d, None),
            None => match self.find(version, |d| d.name == e.local) {
                Some((i, d)) => {
                    let actual = match &e.ns {
                        Some(uri) => format!("in namespace {uri:?}"),
                        None => "in no namespace".to_owned(),
                    };
                    let problem = format!(
                        "element {:?} is {actual}, but {parent} expects {:?} in namespace {:?}",
                        e.local,
                        d.display(),
                        d.ns
                    );
                    (i, d, Some(problem))
                }
                None => return Placed::Rejected(self.rejection(e, version)),
            },
        };
        let slot = &self.slots[index];
        let particle = &self.model.particles[index];
        let name = decl.display();
        let problem = if slot.count >= particle.max {
            Some(match slot.seen {
                Some(seen) if particle.is_choice() && !std::ptr::eq(seen, decl) => format!(
                    "element {name:?} is not allowed after {:?} in {parent}: it may hold {}, not both",
                    seen.display(),
                    particle.names()
                ),
                _ => format!(
                    "element {name:?} may occur at most {} in {parent}",
                    times(particle.max)
                ),
            })
        } else if index < self.cursor {
            let later = self.slots[self.cursor]
                .seen
                .map(Decl::display)
                .unwrap_or_default();
            Some(format!(
                "element {name:?} is out of order in {parent}: it must come before {later:?}"
            ))
        } else {
            None
        };
        let slot = &mut self.slots[index];
        slot.count = slot.count.saturating_add(1);
        slot.seen.get_or_insert(decl);
        if index > self.cursor {
            self.cursor = index;
        }
        Placed::Child {
            slot: index,
            decl,
            problem: wrong_ns.or(problem),
        }
    }

    /// The first active particle with an element accepted by `matches`, looking from the
    /// cursor onward first.
    fn find(
        &self,
        version: Version,
        matches: impl Fn(&Decl) -> bool,
    ) -> Option<(usize, &'static Decl)> {
        let candidates: Vec<(usize, &'static Particle)> = self.active(version).collect();
        let (after, before): (Vec<_>, Vec<_>) =
            candidates.into_iter().partition(|(i, _)| *i >= self.cursor);
        after
            .into_iter()
            .chain(before)
            .find_map(|(i, p)| p.elements().iter().find(|d| matches(d)).map(|d| (i, d)))
    }

    /// The message for child `e` that has no place in this element.
    fn rejection(&self, e: &Element, version: Version) -> String {
        let name = e_display(e);
        let parent = self.decl.display();
        // An element of another MeMo version?
        let other = self
            .model
            .particles
            .iter()
            .find(|p| !p.is_in(version) && p.elements().iter().any(|d| e.is(d.ns, d.name)));
        if let Some(p) = other {
            return format!(
                "element {name:?} is not allowed in {parent} in MeMo {}; it belongs to MeMo {}",
                version.name(),
                schema::version_names(p.versions)
            );
        }
        let expected = self.expected(version);
        if expected.is_empty() {
            format!("element {name:?} is not allowed in {parent}: nothing more may follow here")
        } else {
            format!(
                "element {name:?} is not allowed in {parent} (expected {})",
                expected.join(", ")
            )
        }
    }

    /// The elements that may come next: the current particle if it may repeat, and the
    /// following ones up to and including the first required one.
    fn expected(&self, version: Version) -> Vec<String> {
        let mut names = Vec::new();
        for (i, p) in self.active(version) {
            let count = self.slots[i].count;
            if i < self.cursor || count >= p.max {
                continue;
            }
            names.push(p.names());
            if count < p.min {
                break;
            }
        }
        names
    }

    /// The kept value of the child `name` (in the MeMo namespace), if it had one.
    pub(super) fn value_of(&self, name: &str) -> Option<String> {
        self.model
            .particles
            .iter()
            .zip(&self.slots)
            .find(|(p, _)| {
                p.elements()
                    .iter()
                    .any(|d| d.name == name && d.ns == ns::MEMO)
            })
            .and_then(|(_, s)| s.value.as_ref().map(|(v, _)| v.clone()))
    }

    /// At the end tag: reports the required elements that never came, and the domain rules.
    pub(super) fn finish(&self, pos: Position, version: Version, report: &mut Report) {
        let parent = self.decl.display();
        let active: Vec<(usize, &Particle)> = self.active(version).collect();
        for (k, (i, p)) in active.iter().enumerate() {
            let count = self.slots[*i].count;
            if count >= p.min {
                continue;
            }
            if count > 0 {
                report.add(
                    pos,
                    format!(
                        "{parent} holds {count} {}; it must hold at least {}",
                        p.names(),
                        p.min
                    ),
                );
                continue;
            }
            let after = active[..k]
                .iter()
                .rev()
                .find_map(|(j, _)| self.slots[*j].seen);
            let before = active[k + 1..]
                .iter()
                .find_map(|(j, _)| self.slots[*j].seen);
            let place = match (after, before) {
                (Some(a), _) => format!(" (expected after {:?})", a.display()),
                (None, Some(b)) => format!(" (expected before {:?})", b.display()),
                (None, None) => String::new(),
            };
            let what = if p.is_choice() {
                format!("one of {}", p.names())
            } else {
                format!("element {}", p.names())
            };
            report.add(pos, format!("{what} is missing in {parent}{place}"));
        }
        if let Some(id_name) = self.model.party_id {
            self.check_party(id_name, report);
        }
    }

    /// The domain rule of `Sender`, `Recipient` and `Representative`: with `idType` CPR the id
    /// is 10 digits, with CVR 8.
    fn check_party(&self, id_name: &str, report: &mut Report) {
        let Some(id_type) = self.value_of("idType") else {
            return;
        };
        let (digits, what) = match id_type.trim() {
            "CPR" => (10, "CPR"),
            "CVR" => (8, "CVR"),
            _ => return,
        };
        let Some((id, at)) = self
            .model
            .particles
            .iter()
            .zip(&self.slots)
            .find(|(p, _)| p.elements().iter().any(|d| d.name == id_name))
            .and_then(|(_, s)| s.value.clone())
        else {
            return;
        };
        if !types::is_digits(&id, digits) {
            report.add(
                at,
                format!(
                    "{id_name} {} is not a {what} number: with idType {what} it must be {digits} digits",
                    quote_str(&id, false)
                ),
            );
        }
    }
}

/// "once", "4 times".
fn times(n: u32) -> String {
    match n {
        1 => "once".to_owned(),
        UNBOUNDED => "any number of times".to_owned(),
        n => format!("{n} times"),
    }
}

/// The name of `e` for messages (a hostile name is cut short).
pub(super) fn e_display(e: &Element) -> String {
    schema::display(e.ns.as_deref(), short(&e.local))
}
