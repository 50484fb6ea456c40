//! The preparation of the yearly development interview: guides of questions that HR or a main
//! MED committee publishes, and each participant's answers, private to their writer until they
//! share them with the other party. Herlev Kommune's policy has the plan discussed at the
//! yearly interview "jf. vedhæftede skema"; the competence secretariat's guide asks both parties
//! to prepare (which competences we have and will need, which goals, what it takes).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::interview::InterviewFormat;
use crate::plan::CompetenceKind;
use crate::records::Meta;
use crate::text::{LongText, Name, ProfessionalGroup};
use crate::{
    CommitteeId, EmployeeId, FieldCode, GuideId, GuideVersionId, InterviewId, PreparationId,
    UnitId, Violation, Violations,
};

/// Most questions a guide version holds.
pub const MAX_QUESTIONS: usize = 50;
/// Most options a choice question offers.
pub const MAX_OPTIONS: usize = 20;
/// Most units or professional groups an audience names.
pub const MAX_AUDIENCE: usize = 200;

/// A question's or an option's key: stable across versions, so answers and clients can name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Key(String);

impl Key {
    /// Longest key, in characters.
    pub const MAX_CHARS: usize = 40;

    /// A key of lower-case ASCII letters, digits and `_`, 1–40 characters.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        if raw.is_empty() || raw.len() > Self::MAX_CHARS {
            return Err(Violation::new(
                field,
                FieldCode::InvalidLength,
                format!("must be 1–{} characters", Self::MAX_CHARS),
            ));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Violation::new(
                field,
                FieldCode::InvalidFormat,
                "only a–z, 0–9 and _",
            ));
        }
        Ok(Key(raw.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Key {
    type Error = Violation;
    fn try_from(raw: String) -> Result<Self, Violation> {
        Self::parse("key", &raw)
    }
}

impl From<Key> for String {
    fn from(k: Key) -> String {
        k.0
    }
}

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Free text.
    FreeText,
    /// A whole number from 1 to 5.
    Scale,
    /// One of the question's options.
    Choice,
}

/// A choice question's option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// What an answer names.
    pub value: Key,
    /// The label in Danish.
    pub label_da: Name,
    /// The label in English.
    pub label_en: Option<Name>,
}

/// One question of a guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Its key.
    pub key: Key,
    /// The question in Danish.
    pub text_da: LongText,
    /// The question in English.
    pub text_en: Option<LongText>,
    /// What it asks for.
    pub kind: QuestionKind,
    /// The options of a choice question; empty otherwise.
    pub options: Vec<ChoiceOption>,
    /// Set on a free-text question whose shared answers become proposed goals of this kind
    /// when a plan is drafted from the interview.
    pub seeds_goals: Option<CompetenceKind>,
}

/// Whom a guide is for: the people of some units (and those below them), of some professional
/// groups, both (a person must be in both), or, with neither, everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Units; their sub-units are included.
    pub units: Vec<UnitId>,
    /// Professional groups.
    pub professional_groups: Vec<ProfessionalGroup>,
}

/// A version's questions and audience, checked: only made by [`GuideContent::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideContent {
    audience: Audience,
    questions: Vec<Question>,
}

impl GuideContent {
    /// The content, refused with every problem named: no question or more than 50, a key
    /// given twice, options on a question that is not a choice (or fewer than two on one),
    /// goal seeding on a question that is not free text, an audience named twice or too long.
    pub fn new(audience: Audience, questions: Vec<Question>) -> Result<Self, Violations> {
        let mut v = Violations::new();
        if questions.is_empty() {
            v.push(Violation::new(
                "questions",
                FieldCode::Required,
                "a guide asks at least one question",
            ));
        }
        if questions.len() > MAX_QUESTIONS {
            v.push(Violation::new(
                "questions",
                FieldCode::TooMany,
                format!("at most {MAX_QUESTIONS} questions"),
            ));
        }
        let mut keys = BTreeSet::new();
        for (n, q) in questions.iter().enumerate() {
            let at = |f: &str| format!("questions[{n}].{f}");
            if !keys.insert(&q.key) {
                v.push(Violation::new(
                    at("key"),
                    FieldCode::Duplicate,
                    "named twice",
                ));
            }
            match (q.kind, q.options.len()) {
                (QuestionKind::Choice, n) if n < 2 => v.push(Violation::new(
                    at("options"),
                    FieldCode::WrongKind,
                    "a choice offers at least two options",
                )),
                (QuestionKind::Choice, n) if n > MAX_OPTIONS => v.push(Violation::new(
                    at("options"),
                    FieldCode::TooMany,
                    format!("at most {MAX_OPTIONS} options"),
                )),
                (QuestionKind::FreeText | QuestionKind::Scale, n) if n > 0 => {
                    v.push(Violation::new(
                        at("options"),
                        FieldCode::WrongKind,
                        "only a choice has options",
                    ))
                }
                _ => {}
            }
            let mut values = BTreeSet::new();
            for (m, o) in q.options.iter().enumerate() {
                if !values.insert(&o.value) {
                    v.push(Violation::new(
                        at(&format!("options[{m}].value")),
                        FieldCode::Duplicate,
                        "named twice",
                    ));
                }
            }
            if q.seeds_goals.is_some() && q.kind != QuestionKind::FreeText {
                v.push(Violation::new(
                    at("seeds_goals"),
                    FieldCode::WrongKind,
                    "only a free-text answer can become a goal",
                ));
            }
        }
        let units: BTreeSet<_> = audience.units.iter().collect();
        let groups: BTreeSet<_> = audience.professional_groups.iter().collect();
        for (field, given, distinct) in [
            ("audience.unit_ids", audience.units.len(), units.len()),
            (
                "audience.professional_groups",
                audience.professional_groups.len(),
                groups.len(),
            ),
        ] {
            if given > MAX_AUDIENCE {
                v.push(Violation::new(
                    field,
                    FieldCode::TooMany,
                    format!("at most {MAX_AUDIENCE}"),
                ));
            } else if given != distinct {
                v.push(Violation::new(field, FieldCode::Duplicate, "named twice"));
            }
        }
        v.finish(|| {
            Some(GuideContent {
                audience,
                questions,
            })
        })
    }

    /// Whom it is for.
    pub fn audience(&self) -> &Audience {
        &self.audience
    }

    /// Its questions, in order.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    fn question(&self, key: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.key.as_str() == key)
    }
}

/// A preparation guide: its name, the interviews it is for, who publishes it, its versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide {
    /// Its id.
    pub id: GuideId,
    /// Its name.
    pub name: Name,
    /// Individual or group interviews.
    pub format: InterviewFormat,
    /// The main MED committee that publishes it; none when HR does.
    pub committee_id: Option<CommitteeId>,
    /// Its versions, oldest first.
    pub versions: Vec<VersionSummary>,
    /// Version and times of the guide itself.
    pub meta: Meta,
}

/// One version of a guide, as its guide lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionSummary {
    /// Its id.
    pub id: GuideVersionId,
    /// Its number within the guide, from 1.
    pub number: i32,
    /// When it was published; none while a draft.
    pub published_at: Option<DateTime<Utc>>,
}

/// One version of a guide with its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideVersion {
    /// Its id.
    pub id: GuideVersionId,
    /// The guide.
    pub guide_id: GuideId,
    /// Its number within the guide, from 1.
    pub number: i32,
    /// Its questions and audience.
    pub content: GuideContent,
    /// When it was published; none while a draft.
    pub published_at: Option<DateTime<Utc>>,
    /// Version (of this draft's row) and times.
    pub meta: Meta,
}

/// One participant's preparation of one interview: their answers to the guide version the
/// interview was offered with, private until shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preparation {
    /// Its id.
    pub id: PreparationId,
    /// The interview.
    pub interview_id: InterviewId,
    /// Who wrote it (whose personal data it is).
    pub writer: EmployeeId,
    /// The side they wrote from.
    pub side: Side,
    /// The guide version it answers.
    pub guide_version: GuideVersionId,
    /// The answers.
    pub answers: Answers,
    /// Since when the other party may read it; none while private.
    pub shared_at: Option<DateTime<Utc>>,
    /// Version and times.
    pub meta: Meta,
}

/// Why a guide version cannot be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideError {
    /// Published: it never changes; write the next version instead.
    Published,
    /// The version to write is neither the draft nor the one after the last published.
    NotNext {
        /// The number a new draft would take.
        next: i32,
    },
}

/// What writing version `number` of a guide whose newest version is `newest` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionWrite {
    /// Replaces the draft `number`.
    ReplaceDraft,
    /// Starts draft `number`, after the published one before it.
    StartDraft,
}

/// Whether version `number` may be written, given the guide's newest version (its number and
/// whether it is published): a draft is replaced, the number after a published version starts
/// a new draft, a published version never changes.
pub fn version_write(number: i32, newest: (i32, bool)) -> Result<VersionWrite, GuideError> {
    let (last, published) = newest;
    if number == last && !published {
        Ok(VersionWrite::ReplaceDraft)
    } else if published && number == last + 1 {
        Ok(VersionWrite::StartDraft)
    } else if (1..=last).contains(&number) {
        // Only the newest version can be a draft: every other existing one is published.
        Err(GuideError::Published)
    } else {
        Err(GuideError::NotNext {
            next: if published { last + 1 } else { last },
        })
    }
}

/// A published guide version, as the choice of the guide for an interview sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The guide.
    pub guide: GuideId,
    /// The version.
    pub version: GuideVersionId,
    /// Its number within the guide.
    pub number: i32,
    /// Individual or group interviews.
    pub format: InterviewFormat,
    /// Whom it is for, its units expanded to every unit below them.
    pub units: BTreeSet<UnitId>,
    /// Whom it is for, by professional group.
    pub professional_groups: BTreeSet<ProfessionalGroup>,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// A participant as the choice of a guide sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preparer {
    /// Their unit.
    pub unit: UnitId,
    /// Their professional group.
    pub professional_group: Option<ProfessionalGroup>,
}

impl Candidate {
    fn covers(&self, p: &Preparer) -> bool {
        (self.units.is_empty() || self.units.contains(&p.unit))
            && (self.professional_groups.is_empty()
                || p.professional_group
                    .as_ref()
                    .is_some_and(|g| self.professional_groups.contains(g)))
    }

    fn specificity(&self) -> u8 {
        u8::from(!self.units.is_empty()) + u8::from(!self.professional_groups.is_empty())
    }
}

/// The guide version an interview offered at `at` keeps for good: of each guide, the newest
/// version published by then; of those, the ones for the interview's format that cover every
/// participant; of those, the most narrowly aimed, then the most recently published.
pub fn guide_for(
    candidates: &[Candidate],
    format: InterviewFormat,
    participants: &[Preparer],
    at: DateTime<Utc>,
) -> Option<GuideVersionId> {
    let published: Vec<&Candidate> = candidates.iter().filter(|c| c.published_at <= at).collect();
    published
        .iter()
        .filter(|c| {
            !published
                .iter()
                .any(|o| o.guide == c.guide && o.number > c.number)
        })
        .filter(|c| c.format == format && participants.iter().all(|p| c.covers(p)))
        .max_by_key(|c| (c.specificity(), c.published_at, c.version))
        .map(|c| c.version)
}

/// One answer, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GivenAnswer {
    /// The question's key.
    pub question: String,
    /// A free-text answer.
    pub text: Option<String>,
    /// A scale answer.
    pub scale: Option<i64>,
    /// A choice answer: an option's value.
    pub choice: Option<String>,
}

/// What an answer says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerValue {
    /// Free text.
    Text(LongText),
    /// 1–5.
    Scale(u8),
    /// An option's value.
    Choice(Key),
}

/// One answer, checked against its question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The question's key.
    pub question: Key,
    /// What it says.
    pub value: AnswerValue,
}

/// A participant's answers to a guide version: each to a question of it, of the question's
/// kind, at most one per question. Not every question needs an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Answers(Vec<Answer>);

impl Answers {
    /// The answers, refused with every problem named: a question the guide does not ask, a
    /// question answered twice, a value of another kind than the question's (or none, or
    /// several), a scale outside 1–5, a choice that is not one of the options.
    pub fn check(guide: &GuideContent, given: Vec<GivenAnswer>) -> Result<Answers, Violations> {
        let mut v = Violations::new();
        let mut seen = BTreeSet::new();
        let mut answers = Vec::with_capacity(given.len());
        for (n, a) in given.into_iter().enumerate() {
            let at = |f: &str| format!("answers[{n}].{f}");
            let Some(q) = guide.question(&a.question) else {
                v.push(Violation::new(
                    at("question"),
                    FieldCode::UnknownQuestion,
                    "the guide asks no such question",
                ));
                continue;
            };
            if !seen.insert(q.key.clone()) {
                v.push(Violation::new(
                    at("question"),
                    FieldCode::Duplicate,
                    "answered twice",
                ));
            }
            let expected = match q.kind {
                QuestionKind::FreeText => "text",
                QuestionKind::Scale => "scale",
                QuestionKind::Choice => "choice",
            };
            for (field, present) in [
                ("text", a.text.is_some()),
                ("scale", a.scale.is_some()),
                ("choice", a.choice.is_some()),
            ] {
                if present && field != expected {
                    v.push(Violation::new(
                        at(field),
                        FieldCode::WrongKind,
                        format!("this question is answered with `{expected}`"),
                    ));
                }
            }
            let value = match (q.kind, a.text, a.scale, a.choice) {
                (QuestionKind::FreeText, Some(t), _, _) => v
                    .check(LongText::parse(&at("text"), &t))
                    .map(AnswerValue::Text),
                (QuestionKind::Scale, _, Some(s), _) => match u8::try_from(s) {
                    Ok(s @ 1..=5) => Some(AnswerValue::Scale(s)),
                    _ => {
                        v.push(Violation::new(
                            at("scale"),
                            FieldCode::OutOfRange,
                            "must be 1–5",
                        ));
                        None
                    }
                },
                (QuestionKind::Choice, _, _, Some(c)) => {
                    match q.options.iter().find(|o| o.value.as_str() == c) {
                        Some(o) => Some(AnswerValue::Choice(o.value.clone())),
                        None => {
                            v.push(Violation::new(
                                at("choice"),
                                FieldCode::UnknownOption,
                                "must be one of the question's options",
                            ));
                            None
                        }
                    }
                }
                _ => {
                    v.push(Violation::new(
                        at(expected),
                        FieldCode::WrongKind,
                        format!("this question is answered with `{expected}`"),
                    ));
                    None
                }
            };
            if let Some(value) = value {
                answers.push(Answer {
                    question: q.key.clone(),
                    value,
                });
            }
        }
        v.finish(|| Some(Answers(answers)))
    }

    /// The answers, in the order given.
    pub fn as_slice(&self) -> &[Answer] {
        &self.0
    }

    /// The free-text answers to questions that seed goals, each with the kind of goal.
    pub fn proposed_goals(&self, guide: &GuideContent) -> Vec<(LongText, CompetenceKind)> {
        self.0
            .iter()
            .filter_map(|a| {
                let kind = guide.question(a.question.as_str())?.seeds_goals?;
                match &a.value {
                    AnswerValue::Text(t) => Some((t.clone(), kind)),
                    AnswerValue::Scale(_) | AnswerValue::Choice(_) => None,
                }
            })
            .collect()
    }
}

/// Which side of the interview an answer set was written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A participant: the employee, or a member of a group interview.
    Employee,
    /// The manager who holds the interview.
    Manager,
}

impl Side {
    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Side::Employee => "employee",
            Side::Manager => "manager",
        }
    }

    /// Parses a storage name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Side::Employee, Side::Manager]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// Who a reader is to one answer set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// They wrote it.
    pub is_writer: bool,
    /// They are a participant of its interview.
    pub is_participant: bool,
    /// They act as manager of its writer today (the writer's manager, their successor or a
    /// deputy).
    pub manages_writer: bool,
}

/// Whether `reader` may read an answer set written from `side`, shared or not: its writer
/// always; once shared, the other party — the participants read the manager's, whoever acts
/// as the writer's manager reads a participant's — and nobody else: not HR, not
/// representatives, not the other members of a group interview.
pub fn may_read(side: Side, shared: bool, reader: Reader) -> bool {
    reader.is_writer
        || (shared
            && match side {
                Side::Employee => reader.manages_writer,
                Side::Manager => reader.is_participant,
            })
}

/// Why a preparation cannot be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreparationError {
    /// The interview was held: the preparation is what was brought to it.
    InterviewHeld,
}

/// What a writer does to their answer set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreparationChange {
    /// Writes the answers.
    Answer,
    /// Shares them with the other party.
    Share,
    /// Takes the sharing back.
    Withdraw,
}

/// Whether `change` may be made to a preparation of an interview held or not: answers and a
/// withdrawal only until it is held (what the other party read there stays read); sharing
/// also afterwards.
pub fn may_change(change: PreparationChange, held: bool) -> Result<(), PreparationError> {
    match change {
        PreparationChange::Share => Ok(()),
        PreparationChange::Answer | PreparationChange::Withdraw if held => {
            Err(PreparationError::InterviewHeld)
        }
        PreparationChange::Answer | PreparationChange::Withdraw => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::parse("key", s).unwrap()
    }

    fn question(k: &str, kind: QuestionKind) -> Question {
        Question {
            key: key(k),
            text_da: LongText::parse("t", "Hvilke kompetencer har du brug for?").unwrap(),
            text_en: None,
            kind,
            options: if kind == QuestionKind::Choice {
                ["ja", "nej"]
                    .iter()
                    .map(|v| ChoiceOption {
                        value: key(v),
                        label_da: Name::parse("l", v).unwrap(),
                        label_en: None,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            seeds_goals: None,
        }
    }

    fn guide() -> GuideContent {
        let mut goals = question("goals", QuestionKind::FreeText);
        goals.seeds_goals = Some(CompetenceKind::Professional);
        GuideContent::new(
            Audience::default(),
            vec![
                goals,
                question("wellbeing", QuestionKind::Scale),
                question("course", QuestionKind::Choice),
                question("notes", QuestionKind::FreeText),
            ],
        )
        .unwrap()
    }

    fn codes<T: std::fmt::Debug>(r: Result<T, Violations>) -> Vec<(String, &'static str)> {
        r.map_or_else(
            |v| {
                v.into_vec()
                    .into_iter()
                    .map(|v| (v.field, v.code.as_str()))
                    .collect()
            },
            |_| Vec::new(),
        )
    }

    fn s(field: &str, code: &'static str) -> (String, &'static str) {
        (field.to_owned(), code)
    }

    #[test]
    fn a_key_is_short_lower_case_ascii() {
        assert!(Key::parse("k", "goals_2027").is_ok());
        assert!(Key::parse("k", &"a".repeat(40)).is_ok());
        assert_eq!(
            Key::parse("k", &"a".repeat(41)).unwrap_err().code,
            FieldCode::InvalidLength
        );
        assert_eq!(
            Key::parse("k", "").unwrap_err().code,
            FieldCode::InvalidLength
        );
        for bad in ["Goals", "mål", "a-b", "a b"] {
            assert_eq!(
                Key::parse("k", bad).unwrap_err().code,
                FieldCode::InvalidFormat,
                "{bad}"
            );
        }
    }

    #[test]
    fn a_guide_is_made_only_with_its_rules_kept_every_problem_named() {
        assert_eq!(
            codes(GuideContent::new(Audience::default(), vec![])),
            [s("questions", "required")]
        );
        let too_many: Vec<_> = (0..=MAX_QUESTIONS)
            .map(|n| question(&format!("q{n}"), QuestionKind::Scale))
            .collect();
        assert_eq!(
            codes(GuideContent::new(Audience::default(), too_many.clone())),
            [s("questions", "too_many")]
        );
        assert_eq!(
            codes(GuideContent::new(
                Audience::default(),
                too_many[..MAX_QUESTIONS].to_vec()
            )),
            []
        );
        let mut one_option = question("c", QuestionKind::Choice);
        one_option.options.truncate(1);
        let mut repeated_option = question("d", QuestionKind::Choice);
        repeated_option.options[1].value = key("ja");
        let mut options_on_text = question("e", QuestionKind::FreeText);
        options_on_text.options = question("x", QuestionKind::Choice).options;
        let mut seeding_scale = question("f", QuestionKind::Scale);
        seeding_scale.seeds_goals = Some(CompetenceKind::Social);
        let mut many_options = question("g", QuestionKind::Choice);
        many_options.options = (0..=MAX_OPTIONS)
            .map(|n| ChoiceOption {
                value: key(&format!("o{n}")),
                label_da: Name::parse("l", "x").unwrap(),
                label_en: None,
            })
            .collect();
        let unit = UnitId::generate();
        let group = ProfessionalGroup::parse("g", "pædagog").unwrap();
        assert_eq!(
            codes(GuideContent::new(
                Audience {
                    units: vec![unit, unit],
                    professional_groups: vec![group.clone(), group],
                },
                vec![
                    question("a", QuestionKind::FreeText),
                    question("a", QuestionKind::Scale),
                    one_option,
                    repeated_option,
                    options_on_text,
                    seeding_scale,
                    many_options,
                ]
            )),
            [
                s("questions[1].key", "duplicate"),
                s("questions[2].options", "wrong_kind"),
                s("questions[3].options[1].value", "duplicate"),
                s("questions[4].options", "wrong_kind"),
                s("questions[5].seeds_goals", "wrong_kind"),
                s("questions[6].options", "too_many"),
                s("audience.unit_ids", "duplicate"),
                s("audience.professional_groups", "duplicate"),
            ]
        );
        let wide = Audience {
            units: (0..=MAX_AUDIENCE).map(|_| UnitId::generate()).collect(),
            professional_groups: Vec::new(),
        };
        assert_eq!(
            codes(GuideContent::new(
                wide,
                vec![question("a", QuestionKind::Scale)]
            )),
            [s("audience.unit_ids", "too_many")]
        );
        assert_eq!(guide().questions().len(), 4);
    }

    #[test]
    fn a_published_version_never_changes_and_a_draft_is_only_ever_the_newest() {
        use GuideError::*;
        use VersionWrite::*;
        // The newest is draft 3.
        assert_eq!(version_write(3, (3, false)), Ok(ReplaceDraft));
        assert_eq!(version_write(2, (3, false)), Err(Published));
        assert_eq!(version_write(1, (3, false)), Err(Published));
        assert_eq!(version_write(4, (3, false)), Err(NotNext { next: 3 }));
        assert_eq!(version_write(0, (3, false)), Err(NotNext { next: 3 }));
        // The newest is published 3.
        assert_eq!(version_write(3, (3, true)), Err(Published));
        assert_eq!(version_write(1, (3, true)), Err(Published));
        assert_eq!(version_write(4, (3, true)), Ok(StartDraft));
        assert_eq!(version_write(5, (3, true)), Err(NotNext { next: 4 }));
        assert_eq!(version_write(-1, (3, true)), Err(NotNext { next: 4 }));
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn candidate(guide: GuideId, number: i32, published: &str) -> Candidate {
        Candidate {
            guide,
            version: GuideVersionId::generate(),
            number,
            format: InterviewFormat::Individual,
            units: BTreeSet::new(),
            professional_groups: BTreeSet::new(),
            published_at: at(published),
        }
    }

    #[test]
    fn an_interview_gets_the_newest_published_version_of_the_narrowest_guide_that_covers_everyone()
    {
        let (general, nurses, group_guide) = (
            GuideId::generate(),
            GuideId::generate(),
            GuideId::generate(),
        );
        let ward = UnitId::generate();
        let nurse = ProfessionalGroup::parse("g", "sygeplejerske").unwrap();
        let v1 = candidate(general, 1, "2026-01-01T00:00:00Z");
        let v2 = candidate(general, 2, "2026-06-01T00:00:00Z");
        let mut for_nurses = candidate(nurses, 1, "2026-03-01T00:00:00Z");
        for_nurses.units = [ward].into();
        for_nurses.professional_groups = [nurse.clone()].into();
        let mut grus = candidate(group_guide, 1, "2026-01-01T00:00:00Z");
        grus.format = InterviewFormat::Group;
        let all = [v1.clone(), v2.clone(), for_nurses.clone(), grus.clone()];
        let someone = Preparer {
            unit: UnitId::generate(),
            professional_group: None,
        };
        let a_nurse = Preparer {
            unit: ward,
            professional_group: Some(nurse.clone()),
        };
        let ind = InterviewFormat::Individual;
        // Before version 2 was published, version 1 applies; after, version 2.
        assert_eq!(
            guide_for(
                &all,
                ind,
                std::slice::from_ref(&someone),
                at("2026-05-01T00:00:00Z")
            ),
            Some(v1.version)
        );
        assert_eq!(
            guide_for(
                &all,
                ind,
                std::slice::from_ref(&someone),
                at("2026-06-01T00:00:00Z")
            ),
            Some(v2.version)
        );
        // A nurse of the ward gets the narrower guide; a nurse elsewhere the general one.
        assert_eq!(
            guide_for(
                &all,
                ind,
                std::slice::from_ref(&a_nurse),
                at("2026-07-01T00:00:00Z")
            ),
            Some(for_nurses.version)
        );
        let elsewhere = Preparer {
            unit: UnitId::generate(),
            professional_group: Some(nurse),
        };
        assert_eq!(
            guide_for(&all, ind, &[elsewhere], at("2026-07-01T00:00:00Z")),
            Some(v2.version)
        );
        // A guide for some people applies only when it covers every participant.
        assert_eq!(
            guide_for(
                &all,
                ind,
                &[a_nurse.clone(), someone.clone()],
                at("2026-07-01T00:00:00Z")
            ),
            Some(v2.version)
        );
        // A group interview gets the group guide; nothing before any was published.
        assert_eq!(
            guide_for(
                &all,
                InterviewFormat::Group,
                std::slice::from_ref(&someone),
                at("2026-07-01T00:00:00Z")
            ),
            Some(grus.version)
        );
        assert_eq!(
            guide_for(&all, ind, &[someone], at("2025-12-31T23:59:59Z")),
            None
        );
        // Two equally narrow guides: the one published last.
        let later = candidate(nurses, 1, "2026-08-01T00:00:00Z");
        let earlier = candidate(general, 1, "2026-02-01T00:00:00Z");
        assert_eq!(
            guide_for(
                &[earlier, later.clone()],
                ind,
                &[a_nurse],
                at("2026-09-01T00:00:00Z")
            ),
            Some(later.version)
        );
    }

    fn given(q: &str) -> GivenAnswer {
        GivenAnswer {
            question: q.to_owned(),
            ..GivenAnswer::default()
        }
    }

    #[test]
    fn answers_are_checked_against_their_questions_every_problem_named() {
        let g = guide();
        let ok = Answers::check(
            &g,
            vec![
                GivenAnswer {
                    text: Some("  Bedre til dokumentation  ".into()),
                    ..given("goals")
                },
                GivenAnswer {
                    scale: Some(5),
                    ..given("wellbeing")
                },
                GivenAnswer {
                    choice: Some("nej".into()),
                    ..given("course")
                },
            ],
        )
        .unwrap();
        assert_eq!(ok.as_slice().len(), 3);
        assert_eq!(
            ok.as_slice()[0].value,
            AnswerValue::Text(LongText::parse("t", "Bedre til dokumentation").unwrap())
        );
        assert_eq!(codes(Answers::check(&g, vec![])), []);
        assert_eq!(
            codes(Answers::check(
                &g,
                vec![
                    GivenAnswer {
                        text: Some("x".into()),
                        ..given("nope")
                    },
                    GivenAnswer {
                        scale: Some(0),
                        ..given("wellbeing")
                    },
                    GivenAnswer {
                        scale: Some(6),
                        ..given("wellbeing")
                    },
                    GivenAnswer {
                        choice: Some("maybe".into()),
                        ..given("course")
                    },
                    GivenAnswer {
                        scale: Some(3),
                        ..given("goals")
                    },
                    given("notes"),
                    GivenAnswer {
                        text: Some(" ".into()),
                        ..given("course")
                    },
                ]
            )),
            [
                s("answers[0].question", "unknown_question"),
                s("answers[1].scale", "out_of_range"),
                s("answers[2].question", "duplicate"),
                s("answers[2].scale", "out_of_range"),
                s("answers[3].choice", "unknown_option"),
                s("answers[4].scale", "wrong_kind"),
                s("answers[4].text", "wrong_kind"),
                s("answers[5].text", "wrong_kind"),
                s("answers[6].question", "duplicate"),
                s("answers[6].text", "wrong_kind"),
                s("answers[6].choice", "wrong_kind"),
            ]
        );
        assert_eq!(
            codes(Answers::check(
                &g,
                vec![GivenAnswer {
                    scale: Some(i64::from(u8::MAX) + 2),
                    ..given("wellbeing")
                }]
            )),
            [s("answers[0].scale", "out_of_range")]
        );
    }

    #[test]
    fn only_free_text_answers_to_seeding_questions_become_proposed_goals() {
        let g = guide();
        let answers = Answers::check(
            &g,
            vec![
                GivenAnswer {
                    text: Some("Notater".into()),
                    ..given("notes")
                },
                GivenAnswer {
                    text: Some("Lære ICS-systemet".into()),
                    ..given("goals")
                },
                GivenAnswer {
                    scale: Some(2),
                    ..given("wellbeing")
                },
            ],
        )
        .unwrap();
        assert_eq!(
            answers.proposed_goals(&g),
            [(
                LongText::parse("t", "Lære ICS-systemet").unwrap(),
                CompetenceKind::Professional
            )]
        );
    }

    #[test]
    fn answers_are_read_by_their_writer_and_once_shared_by_the_other_party_only() {
        let nobody = Reader {
            is_writer: false,
            is_participant: false,
            manages_writer: false,
        };
        let writer = Reader {
            is_writer: true,
            ..nobody
        };
        let participant = Reader {
            is_participant: true,
            ..nobody
        };
        let manager = Reader {
            manages_writer: true,
            ..nobody
        };
        for side in [Side::Employee, Side::Manager] {
            for shared in [false, true] {
                assert!(may_read(side, shared, writer));
                assert!(!may_read(side, shared, nobody));
            }
            assert!(!may_read(side, false, participant));
            assert!(!may_read(side, false, manager));
        }
        // A participant's answers: their manager once shared, never another member.
        assert!(may_read(Side::Employee, true, manager));
        assert!(!may_read(Side::Employee, true, participant));
        // The manager's answers: the participants once shared.
        assert!(may_read(Side::Manager, true, participant));
        assert!(!may_read(Side::Manager, true, manager));
        assert_eq!(Side::parse("manager"), Some(Side::Manager));
        assert_eq!(Side::parse("employee"), Some(Side::Employee));
        assert_eq!(Side::parse("hr"), None);
    }

    #[test]
    fn answers_and_withdrawals_stop_when_the_interview_is_held_sharing_does_not() {
        use PreparationChange::*;
        for change in [Answer, Share, Withdraw] {
            assert_eq!(may_change(change, false), Ok(()));
        }
        assert_eq!(may_change(Share, true), Ok(()));
        assert_eq!(
            may_change(Answer, true),
            Err(PreparationError::InterviewHeld)
        );
        assert_eq!(
            may_change(Withdraw, true),
            Err(PreparationError::InterviewHeld)
        );
    }
}
