//! Request bodies are checked against the schema the OpenAPI document publishes for their
//! operation before they are deserialised. One 422 then names every missing field, wrong
//! type, unknown field and documented bound of a body, and the document and the server
//! cannot disagree about what a body may be.

use devplan_domain::FieldCode;
use std::collections::HashMap;

use devplan_domain::Violation;
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value, json};

/// The years a date may fall in, everywhere in the API.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// `YYYY-MM-DD` within [`YEARS`]; the calendar check (no 30 February) is the `date` format's.
pub const DATE_PATTERN: &str =
    "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// Every operation of the document with its compiled request-body and parameter schemas.
pub struct Contract {
    bodies: HashMap<(String, String), Validator>,
    /// For bodies that are `{"rows": [...]}` and nothing else (the syncs): the row schema.
    rows: HashMap<(String, String), Validator>,
    parameters: HashMap<(String, String), Vec<Parameter>>,
    /// Path templates split into segments, with the methods each answers.
    templates: Vec<(Vec<String>, Vec<String>)>,
    /// Paths without placeholders that a `{…}` template also matches
    /// (`/committees/missing-records` beside `/committees/{id}`), with the methods they answer.
    shadowing: HashMap<String, Vec<String>>,
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum In {
    Query,
    Path,
}

/// A documented query or path parameter.
struct Parameter {
    name: String,
    location: In,
    /// The JSON type its text is read as (`integer`, `boolean`, `string`, …).
    json_type: String,
    validator: Validator,
}

impl Contract {
    /// Compiles the request-body schema of every operation of `doc`. A schema that does not
    /// compile is a bug in the document: start-up fails.
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Result<Self, String> {
        let doc = serde_json::to_value(doc).map_err(|e| e.to_string())?;
        let components = doc.get("components").cloned().unwrap_or(Value::Null);
        let mut bodies = HashMap::new();
        let mut rows = HashMap::new();
        let mut parameters = HashMap::new();
        let mut templates = Vec::new();
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        for (path, item) in paths {
            let mut methods = Vec::new();
            for (method, op) in item.as_object().into_iter().flatten() {
                let method = method.to_ascii_uppercase();
                let key = (method.clone(), path.clone());
                methods.push(method);
                if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                    let validator = compile(&components, schema)
                        .map_err(|e| format!("{} {path}: {e}", key.0))?;
                    bodies.insert(key.clone(), validator);
                    if let Some(row) = row_schema(&doc, schema) {
                        let validator = compile(&components, row)
                            .map_err(|e| format!("{} {path} rows: {e}", key.0))?;
                        rows.insert(key.clone(), validator);
                    }
                }
                let mut params = Vec::new();
                for p in op["parameters"].as_array().into_iter().flatten() {
                    let location = match p["in"].as_str() {
                        Some("query") => In::Query,
                        Some("path") => In::Path,
                        _ => continue,
                    };
                    let schema = &p["schema"];
                    let resolved = match schema["$ref"].as_str() {
                        Some(r) => doc
                            .pointer(r.trim_start_matches('#'))
                            .unwrap_or(&Value::Null),
                        None => schema,
                    };
                    let json_type = match &resolved["type"] {
                        Value::String(t) => t.clone(),
                        Value::Array(ts) => ts
                            .iter()
                            .filter_map(Value::as_str)
                            .find(|t| *t != "null")
                            .unwrap_or("string")
                            .to_owned(),
                        _ => "string".to_owned(),
                    };
                    params.push(Parameter {
                        name: p["name"].as_str().unwrap_or_default().to_owned(),
                        location,
                        json_type,
                        validator: compile(&components, schema)
                            .map_err(|e| format!("{} {path} {}: {e}", key.0, p["name"]))?,
                    });
                }
                parameters.insert(key, params);
            }
            templates.push((segments(&path), methods));
        }
        let shadowing = templates
            .iter()
            .filter(|(literal, _)| {
                placeholders_matching(literal, literal) == Some(0)
                    && templates
                        .iter()
                        .any(|(t, _)| placeholders_matching(t, literal).is_some_and(|n| n > 0))
            })
            .map(|(literal, methods)| {
                let mut methods = methods.clone();
                methods.sort();
                (literal.join("/"), methods)
            })
            .collect();
        Ok(Self {
            bodies,
            rows,
            parameters,
            templates,
            shadowing,
        })
    }

    /// Every way the query string and path segments of a request to the operation `method`
    /// `template` break the documented parameters: unknown, repeated or malformed values.
    pub fn check_parameters(
        &self,
        method: &str,
        template: &str,
        path: &str,
        query: &str,
    ) -> Vec<Violation> {
        let Some(params) = self
            .parameters
            .get(&(method.to_owned(), template.to_owned()))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut sent: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (name, value) in template_values(template, path) {
            sent.push((format!("/{name}"), value));
        }
        let mut seen: Vec<&str> = Vec::new();
        for (name, raw) in &sent {
            let (location, bare) = match name.strip_prefix('/') {
                Some(bare) => (In::Path, bare),
                None => (In::Query, name.as_str()),
            };
            let Some(param) = params
                .iter()
                .find(|p| p.name == bare && p.location == location)
            else {
                out.push(Violation::new(
                    bare,
                    FieldCode::UnknownParameter,
                    "is not a parameter of this operation",
                ));
                continue;
            };
            if seen.contains(&bare) {
                out.push(Violation::new(
                    bare,
                    FieldCode::Repeated,
                    "is given more than once",
                ));
                continue;
            }
            seen.push(bare);
            let value = match param.json_type.as_str() {
                "integer" | "number" => raw
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(raw.clone())),
                "boolean" => match raw.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::String(raw.clone()),
                },
                _ => Value::String(raw.clone()),
            };
            for error in param.validator.iter_errors(&value) {
                for mut v in violations(&error) {
                    v.field = bare.to_owned();
                    if !out.iter().any(|o: &Violation| o.field == v.field) {
                        out.push(v);
                    }
                }
            }
        }
        out
    }

    /// Every way the rows of a `{"rows": [...]}` body break the row schema of the operation,
    /// one row at a time, so a 50,000-row sync never exists as one JSON tree in memory.
    /// None when the operation's body is not such an envelope, or `body` is not one (the
    /// whole-body check then names what is wrong with it).
    pub fn check_rows(&self, method: &str, path: &str, body: &[u8]) -> Option<Vec<Violation>> {
        /// The envelope, its rows left as text.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Envelope<'a> {
            #[serde(borrow)]
            rows: Vec<&'a serde_json::value::RawValue>,
        }
        let validator = self.rows.get(&(method.to_owned(), path.to_owned()))?;
        let envelope: Envelope<'_> = serde_json::from_slice(body).ok()?;
        let mut out = Vec::new();
        for (i, raw) in envelope.rows.iter().enumerate() {
            let at = format!("rows[{i}]");
            let within = |field: &str| {
                if field.is_empty() {
                    at.clone()
                } else {
                    join(&at, field)
                }
            };
            let row = match serde_json::from_str::<UniqueKeys>(raw.get()) {
                Ok(row) => row.0,
                Err(e) => {
                    out.push(Violation::new(
                        within(""),
                        FieldCode::DuplicateKey,
                        e.to_string(),
                    ));
                    continue;
                }
            };
            for error in validator.iter_errors(&row) {
                for v in violations(&error) {
                    push_unique(
                        &mut out,
                        Violation::new(within(&v.field), v.code, v.message),
                    );
                }
            }
        }
        Some(out)
    }

    /// The methods the document has for `path`, when it names a known resource at all: those
    /// of its most specific templates, so `/committees/missing-records` answers for itself
    /// and not also as a `/committees/{id}`.
    pub fn methods_for(&self, path: &str) -> Vec<String> {
        let wanted = segments(path);
        let matching: Vec<(usize, &Vec<String>)> = self
            .templates
            .iter()
            .filter_map(|(template, methods)| {
                placeholders_matching(template, &wanted).map(|n| (n, methods))
            })
            .collect();
        let fewest = matching.iter().map(|(n, _)| *n).min();
        let mut methods: Vec<String> = matching
            .into_iter()
            .filter(|(n, _)| Some(*n) == fewest)
            .flat_map(|(_, m)| m.iter().cloned())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }

    /// The methods of the resource `path` names when it does not answer `method` and a
    /// `{…}` route would take the request instead (`/committees/{id}` for a `PATCH` of
    /// `/committees/missing-records`): that is 405, not a malformed id. One look-up per
    /// request; only the few paths such a route shadows are known.
    pub fn refusing(&self, method: &str, path: &str) -> Option<Vec<String>> {
        let allow = self.shadowing.get(path.trim_end_matches('/'))?;
        (!allow.iter().any(|m| m == method)).then(|| allow.clone())
    }

    /// Every way `body` breaks the schema of the operation `method` `path` (a template such as
    /// `/api/v1/plans/{id}`); none when it has no documented body.
    pub fn check(&self, method: &str, path: &str, body: &Value) -> Vec<Violation> {
        let Some(validator) = self.bodies.get(&(method.to_owned(), path.to_owned())) else {
            return Vec::new();
        };
        let mut out: Vec<Violation> = Vec::new();
        for error in validator.iter_errors(body) {
            for v in violations(&error) {
                push_unique(&mut out, v);
            }
        }
        out
    }
}

/// An `i32` that may be written as a whole number with a fraction (`2026.0`), as JSON Schema
/// allows, for rows read straight from the text (other bodies go through [`UniqueKeys`],
/// which reads such numbers as integers already).
pub fn whole_i32<'de, D: de::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    n.as_i64()
        .or_else(|| n.as_f64().and_then(whole))
        .and_then(|w| i32::try_from(w).ok())
        .ok_or_else(|| de::Error::custom(format!("expected a whole number, got {n}")))
}

/// The row schema of a body schema that is exactly `{"rows": [<row>]}`.
fn row_schema<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let resolved = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => doc.pointer(r.trim_start_matches('#'))?,
        None => schema,
    };
    let properties = resolved.get("properties")?.as_object()?;
    let rows = properties.get("rows")?;
    (properties.len() == 1
        && resolved.get("additionalProperties") == Some(&Value::Bool(false))
        && rows.get("type").and_then(Value::as_str) == Some("array"))
    .then(|| rows.get("items"))
    .flatten()
}

/// How many of `template`'s segments are placeholders standing for segments of `path`, when
/// the template matches it at all.
fn placeholders_matching(template: &[String], path: &[String]) -> Option<usize> {
    if template.len() != path.len() {
        return None;
    }
    let mut n = 0;
    for (t, w) in template.iter().zip(path) {
        if t.starts_with('{') && !w.is_empty() {
            n += 1;
        } else if t != w {
            return None;
        }
    }
    Some(n)
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// The values of a template's `{name}` segments in `path`, percent-decoded.
fn template_values(template: &str, path: &str) -> Vec<(String, String)> {
    segments(template)
        .into_iter()
        .zip(segments(path))
        .filter_map(|(t, value)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?.to_owned();
            let value = percent_encoding::percent_decode_str(&value)
                .decode_utf8_lossy()
                .into_owned();
            Some((name, value))
        })
        .collect()
}

/// A validator for `schema`, a schema of the OpenAPI document whose `components` are given:
/// its `#/components/schemas/…` references resolve as they do in the document.
pub fn compile(components: &Value, schema: &Value) -> Result<Validator, String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": {"schemas": referenced(components, schema)},
        "allOf": [schema],
    });
    jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| e.to_string())
}

/// The component schemas `schema` refers to, directly or through each other: a validator
/// holds only these, not a copy of the whole document's.
fn referenced(components: &Value, schema: &Value) -> Map<String, Value> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    out.push(name.to_owned());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Map::new();
    let mut todo = Vec::new();
    refs(schema, &mut todo);
    while let Some(name) = todo.pop() {
        if found.contains_key(&name) {
            continue;
        }
        if let Some(s) = components.pointer(&format!("/schemas/{name}")) {
            refs(s, &mut todo);
            found.insert(name, s.clone());
        }
    }
    found
}

/// `rows[3].unit_external_id` for the JSON pointer `/rows/3/unit_external_id`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

fn violations(error: &ValidationError<'_>) -> Vec<Violation> {
    let at = field_path(error.instance_path().as_str());
    let one = |code: FieldCode, message: String| vec![Violation::new(at.clone(), code, message)];
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            vec![Violation::new(
                join(&at, name),
                FieldCode::Required,
                "is required",
            )]
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected
            .iter()
            .map(|name| {
                Violation::new(
                    join(&at, name),
                    FieldCode::UnknownField,
                    "is not a field of this body",
                )
            })
            .collect(),
        ValidationErrorKind::Type { .. } => one(FieldCode::InvalidType, error.to_string()),
        ValidationErrorKind::Enum { options } => one(
            FieldCode::InvalidValue,
            format!("must be one of {}", options.to_string().replace('"', "`")),
        ),
        ValidationErrorKind::Format { format } if format == "date" => one(
            FieldCode::InvalidDate,
            format!(
                "must be a date as YYYY-MM-DD in the years {}–{}",
                YEARS.start(),
                YEARS.end()
            ),
        ),
        ValidationErrorKind::Pattern { pattern } if pattern == DATE_PATTERN => one(
            FieldCode::InvalidDate,
            format!(
                "must be a date as YYYY-MM-DD in the years {}–{}",
                YEARS.start(),
                YEARS.end()
            ),
        ),
        ValidationErrorKind::Pattern { pattern }
            if *pattern == crate::openapi::event_types_pattern()
                || *pattern == crate::openapi::event_type_pattern() =>
        {
            one(
                FieldCode::UnknownEventType,
                format!(
                    "{} names no event type; use types such as `plan.agreed` or a resource's \
                     `plan.*`, comma-separated (the types are the values of `type` in the schema EventOut)",
                    error.instance()
                ),
            )
        }
        ValidationErrorKind::Pattern { pattern }
            if pattern == crate::openapi::WEBHOOK_URL_PATTERN =>
        {
            one(
                FieldCode::InvalidUrl,
                "an absolute https:// URL with a host and no user name or password".to_owned(),
            )
        }
        ValidationErrorKind::Pattern { pattern } => {
            match crate::text_schema::explain(pattern, error.instance().as_str()) {
                Some((code, message)) => one(code, message.to_owned()),
                None => one(FieldCode::InvalidFormat, error.to_string()),
            }
        }
        ValidationErrorKind::Format { .. } => one(FieldCode::InvalidFormat, error.to_string()),
        ValidationErrorKind::MinLength { limit: 1 } => {
            one(FieldCode::Required, "must not be empty".to_owned())
        }
        ValidationErrorKind::MaxLength { limit } => one(
            FieldCode::TooLong,
            format!("must be at most {limit} characters"),
        ),
        ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. } => {
            one(FieldCode::OutOfRange, error.to_string())
        }
        ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MinItems { .. }
        | ValidationErrorKind::MaxItems { .. } => one(FieldCode::InvalidLength, error.to_string()),
        // `oneOf` of alternatives that each require one field (a signature's `revision` or
        // `content_hash`): name the fields, not the body.
        ValidationErrorKind::OneOfNotValid { context } => {
            let names: Option<Vec<String>> = context
                .iter()
                .flatten()
                .map(|e| match e.kind() {
                    ValidationErrorKind::Required { property } => {
                        property.as_str().map(|p| join(&at, p))
                    }
                    _ => None,
                })
                .collect();
            // A nullable value is `oneOf` its schema and `null`: when only one alternative
            // fails for more than its type, its problems are the value's.
            let substantive: Vec<&Vec<ValidationError<'_>>> = context
                .iter()
                .filter(|b| {
                    !b.iter()
                        .all(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
                })
                .collect();
            match (names, substantive.as_slice()) {
                (Some(names), _) if !names.is_empty() => one_of(&names),
                (_, [only]) => only.iter().flat_map(violations).collect(),
                _ => one(FieldCode::InvalidValue, error.to_string()),
            }
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => match error.instance().as_object() {
            Some(object) if !object.is_empty() => {
                one_of(&object.keys().map(|k| join(&at, k)).collect::<Vec<_>>())
            }
            _ => one(FieldCode::InvalidValue, error.to_string()),
        },
        _ => one(FieldCode::InvalidValue, error.to_string()),
    }
}

/// Each of `fields` named as one of alternatives of which exactly one must be sent.
fn one_of(fields: &[String]) -> Vec<Violation> {
    let message = format!("send exactly one of {}", fields.join(", "));
    fields
        .iter()
        .map(|f| Violation::new(f.clone(), FieldCode::OneOf, message.clone()))
        .collect()
}

/// `v` as an integer when it is a whole number that an `f64` holds exactly: JSON Schema
/// counts `2026.0` as an integer, so the server reads it as one too.
fn whole(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

/// Adds `v` unless a violation of the same field and code is there already.
fn push_unique(out: &mut Vec<Violation>, v: Violation) {
    if !out.iter().any(|o| o.field == v.field && o.code == v.code) {
        out.push(v);
    }
}

/// A JSON value read with every object's keys checked for repeats: `{"a":1,"a":2}` would
/// otherwise silently mean `{"a":2}`.
pub struct UniqueKeys(pub Value);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> Visitor<'de> for UniqueKeysVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        if let Some(w) = whole(v) {
            return Ok(Value::from(w));
        }
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        UniqueKeys::deserialize(d).map(|v| v.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(UniqueKeys(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            let UniqueKeys(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_field_paths() {
        assert_eq!(field_path(""), "");
        assert_eq!(field_path("/title"), "title");
        assert_eq!(
            field_path("/rows/3/unit_external_id"),
            "rows[3].unit_external_id"
        );
        assert_eq!(field_path("/a~1b/0"), "a/b[0]");
    }

    #[test]
    fn repeated_keys_are_refused_at_any_depth() {
        let parse = |s: &str| serde_json::from_str::<UniqueKeys>(s).map(|v| v.0);
        assert_eq!(
            parse(r#"{"a":[{"b":1}]}"#).ok(),
            Some(json!({"a":[{"b":1}]}))
        );
        assert!(parse(r#"{"a":1,"a":2}"#).is_err());
        assert!(parse(r#"{"a":[{"b":1,"b":1}]}"#).is_err());
    }
}
