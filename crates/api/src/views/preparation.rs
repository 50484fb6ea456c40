//! Preparation guides and a participant's preparation as the API shows and takes them.

use chrono::{DateTime, Utc};
use devplan_domain::plan::CompetenceKind;
use devplan_domain::preparation::{
    Answer, AnswerValue, Audience, ChoiceOption, GivenAnswer, Guide, GuideContent, GuideVersion,
    Key, Preparation, Question, QuestionKind, Side,
};
use devplan_domain::text::{LongText, Name, ProfessionalGroup};
use devplan_domain::{CommitteeId, GuideId, UnitId, Violations};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::interview::{Format, format_out};

/// Whom a guide is for: people of these units (and the units below them), of these
/// professional groups, of both when both are given; everyone when neither is.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AudienceIo {
    /// Units; their sub-units are included.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>, max_items = 200)]
    pub unit_ids: Vec<UnitId>,
    /// Professional groups (faggrupper).
    #[serde(default)]
    #[schema(value_type = Vec<crate::text_schema::GroupText>, max_items = 200)]
    pub professional_groups: Vec<String>,
}

/// An option of a choice question.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionIo {
    /// What an answer names: a–z, 0–9 and `_`.
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub value: String,
    /// The label in Danish.
    #[schema(value_type = crate::text_schema::NameText)]
    pub label_da: String,
    /// The label in English.
    #[schema(value_type = Option<crate::text_schema::NameText>)]
    pub label_en: Option<String>,
}

/// One question of a guide.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionIo {
    /// Its key, stable across versions: a–z, 0–9 and `_`.
    #[schema(min_length = 1, max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub key: String,
    /// The question in Danish.
    #[schema(value_type = crate::text_schema::LongTextText)]
    pub text_da: String,
    /// The question in English.
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub text_en: Option<String>,
    /// What it asks for: free text, a scale 1–5, or one of `options`.
    pub kind: QuestionKind,
    /// The options of a choice question (2–20); none otherwise.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub options: Vec<OptionIo>,
    /// On a free-text question: its shared answers become proposed goals of this kind when a
    /// plan is drafted from the interview.
    pub seeds_goals: Option<CompetenceKind>,
}

/// A version's audience and questions, parsed into the domain's checked content.
pub fn content(
    audience: AudienceIo,
    questions: Vec<QuestionIo>,
) -> Result<GuideContent, Violations> {
    let mut v = Violations::new();
    let groups: Vec<Option<ProfessionalGroup>> = audience
        .professional_groups
        .iter()
        .enumerate()
        .map(|(n, g)| {
            v.check(ProfessionalGroup::parse(
                &format!("audience.professional_groups[{n}]"),
                g,
            ))
        })
        .collect();
    let questions: Vec<Option<Question>> = questions
        .into_iter()
        .enumerate()
        .map(|(n, q)| {
            let at = |f: &str| format!("questions[{n}].{f}");
            let key = v.check(Key::parse(&at("key"), &q.key));
            let text_da = v.check(LongText::parse(&at("text_da"), &q.text_da));
            let text_en = q
                .text_en
                .map(|t| v.check(LongText::parse(&at("text_en"), &t)));
            let options: Vec<Option<ChoiceOption>> = q
                .options
                .into_iter()
                .enumerate()
                .map(|(m, o)| {
                    let at = |f: &str| format!("questions[{n}].options[{m}].{f}");
                    let value = v.check(Key::parse(&at("value"), &o.value));
                    let label_da = v.check(Name::parse(&at("label_da"), &o.label_da));
                    let label_en = o
                        .label_en
                        .map(|l| v.check(Name::parse(&at("label_en"), &l)));
                    Some(ChoiceOption {
                        value: value?,
                        label_da: label_da?,
                        label_en: label_en.map_or(Some(None), |l| l.map(Some))?,
                    })
                })
                .collect();
            Some(Question {
                key: key?,
                text_da: text_da?,
                text_en: text_en.map_or(Some(None), |t| t.map(Some))?,
                kind: q.kind,
                options: options.into_iter().collect::<Option<_>>()?,
                seeds_goals: q.seeds_goals,
            })
        })
        .collect();
    let parsed = v.finish(|| {
        Some((
            groups.into_iter().collect::<Option<Vec<_>>>()?,
            questions.into_iter().collect::<Option<Vec<_>>>()?,
        ))
    })?;
    GuideContent::new(
        Audience {
            units: audience.unit_ids,
            professional_groups: parsed.0,
        },
        parsed.1,
    )
}

impl From<&Audience> for AudienceIo {
    fn from(a: &Audience) -> Self {
        AudienceIo {
            unit_ids: a.units.clone(),
            professional_groups: a
                .professional_groups
                .iter()
                .map(|g| g.as_str().to_owned())
                .collect(),
        }
    }
}

impl From<&Question> for QuestionIo {
    fn from(q: &Question) -> Self {
        QuestionIo {
            key: q.key.as_str().to_owned(),
            text_da: q.text_da.as_str().to_owned(),
            text_en: q.text_en.as_ref().map(|t| t.as_str().to_owned()),
            kind: q.kind,
            options: q
                .options
                .iter()
                .map(|o| OptionIo {
                    value: o.value.as_str().to_owned(),
                    label_da: o.label_da.as_str().to_owned(),
                    label_en: o.label_en.as_ref().map(|l| l.as_str().to_owned()),
                })
                .collect(),
            seeds_goals: q.seeds_goals,
        }
    }
}

/// A guide's version as its guide lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummaryOut {
    /// The version's id (an interview names the version it was offered with by it).
    pub id: Uuid,
    /// Its number, from 1.
    pub number: i32,
    /// When it was published; null while a draft.
    pub published_at: Option<DateTime<Utc>>,
}

/// A preparation guide with its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuideOut {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Individual or group interviews.
    pub format: Format,
    /// The main MED committee that publishes it; null when HR does.
    pub committee_id: Option<Uuid>,
    /// Its versions, oldest first; only the newest can be a draft.
    pub versions: Vec<VersionSummaryOut>,
    /// Version of the guide (grows with every version written or published), also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Guide> for GuideOut {
    fn from(g: Guide) -> Self {
        GuideOut {
            id: g.id.uuid(),
            name: g.name.into_string(),
            format: format_out(g.format),
            committee_id: g.committee_id.map(CommitteeId::uuid),
            versions: g
                .versions
                .iter()
                .map(|v| VersionSummaryOut {
                    id: v.id.uuid(),
                    number: v.number,
                    published_at: v.published_at,
                })
                .collect(),
            version: g.meta.version,
            created_at: g.meta.created_at,
            updated_at: g.meta.updated_at,
        }
    }
}

/// One version of a guide with its questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct GuideVersionOut {
    /// Its id.
    pub id: Uuid,
    /// The guide.
    pub guide_id: Uuid,
    /// Its number, from 1.
    pub number: i32,
    /// When it was published; null while a draft (a published version never changes).
    pub published_at: Option<DateTime<Utc>>,
    /// Whom it is for.
    pub audience: AudienceIo,
    /// Its questions, in order.
    pub questions: Vec<QuestionIo>,
    /// Version of this draft, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<GuideVersion> for GuideVersionOut {
    fn from(v: GuideVersion) -> Self {
        GuideVersionOut {
            id: v.id.uuid(),
            guide_id: GuideId::uuid(v.guide_id),
            number: v.number,
            published_at: v.published_at,
            audience: v.content.audience().into(),
            questions: v.content.questions().iter().map(QuestionIo::from).collect(),
            version: v.meta.version,
            created_at: v.meta.created_at,
            updated_at: v.meta.updated_at,
        }
    }
}

/// One answer: `text` to a free-text question, `scale` (1–5) to a scale, `choice` (an
/// option's value) to a choice.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIo {
    /// The question's key.
    pub question: String,
    /// A free-text answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::text_schema::LongTextText>)]
    pub text: Option<String>,
    /// A scale answer, 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 5)]
    pub scale: Option<i64>,
    /// A choice answer: one of the question's option values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
}

impl From<AnswerIo> for GivenAnswer {
    fn from(a: AnswerIo) -> Self {
        GivenAnswer {
            question: a.question,
            text: a.text,
            scale: a.scale,
            choice: a.choice,
        }
    }
}

impl From<&Answer> for AnswerIo {
    fn from(a: &Answer) -> Self {
        let (text, scale, choice) = match &a.value {
            AnswerValue::Text(t) => (Some(t.as_str().to_owned()), None, None),
            AnswerValue::Scale(s) => (None, Some(i64::from(*s)), None),
            AnswerValue::Choice(c) => (None, None, Some(c.as_str().to_owned())),
        };
        AnswerIo {
            question: a.question.as_str().to_owned(),
            text,
            scale,
            choice,
        }
    }
}

/// One participant's preparation of an interview.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreparationOut {
    /// Its id.
    pub id: Uuid,
    /// The interview.
    pub interview_id: Uuid,
    /// Who wrote it.
    pub writer_id: Uuid,
    /// The side they wrote from.
    pub side: Side,
    /// The guide version it answers.
    pub guide_version_id: Uuid,
    /// The answers, in the order given.
    pub answers: Vec<AnswerIo>,
    /// Since when the other party may read it; null while private to its writer.
    pub shared_at: Option<DateTime<Utc>>,
    /// Version, also sent as `ETag`.
    pub version: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&Preparation> for PreparationOut {
    fn from(p: &Preparation) -> Self {
        PreparationOut {
            id: p.id.uuid(),
            interview_id: p.interview_id.uuid(),
            writer_id: p.writer.uuid(),
            side: p.side,
            guide_version_id: p.guide_version.uuid(),
            answers: p.answers.as_slice().iter().map(AnswerIo::from).collect(),
            shared_at: p.shared_at,
            version: p.meta.version,
            created_at: p.meta.created_at,
            updated_at: p.meta.updated_at,
        }
    }
}
