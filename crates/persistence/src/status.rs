//! Status figures computed by the database: the status projection and the plans' goal and
//! activity rows, aggregated per cell (a direct sub-unit of the unit asked about, or the unit
//! itself, × professional group) in a constant number of statements whatever the unit's size.
//!
//! The per-person conditions below mirror [`PersonStatus::figures`], the domain's rule; the
//! tests compare the two on random data.
//!
//! [`PersonStatus::figures`]: devplan_domain::status::PersonStatus::figures

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use devplan_domain::followup::Coverage;
use devplan_domain::placement::counting_day;
use devplan_domain::pooling::{Atom, Population};
use devplan_domain::status::{DUE_WINDOW_DAYS, Figure, Figures, PeopleFigure, reference_day};
use devplan_domain::{EmployeeId, UnitId};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};
use uuid::Uuid;

use crate::{Store, StoreError};

/// The period asked about and the day it is asked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusPeriod {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Today, for what is due and overdue.
    pub today: NaiveDate,
}

/// The figures of one cell: those whose unit lies under `bucket` (a direct sub-unit of the
/// unit asked about, or the unit itself for those placed directly in it), of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCell {
    /// The direct sub-unit, or the unit asked about itself.
    pub bucket: UnitId,
    /// The professional group.
    pub professional_group: Option<String>,
    /// The figures.
    pub figures: Figures,
}

/// How a status's cells are cut: per direct sub-unit of the unit asked about, or per unit.
#[derive(Debug, Clone, Copy)]
pub enum CellsBy<'a> {
    /// Per direct sub-unit (these), and the unit itself for those placed directly in it.
    SubUnit(&'a [UnitId]),
    /// Per unit of the subtree, each counting those placed directly in it.
    Unit,
}

/// The employees of the subtree of `:unit` the period counts — those placed in it on its
/// counting day (its last day, or today while it runs; see
/// [`devplan_domain::placement::counting_day`]), in the unit and group of that placement, so a
/// closed period's figures never change whoever joins, moves or leaves — each with the cell
/// they count in: for
/// [`CellsBy::SubUnit`], the direct sub-unit (`:c0`, `:c1`, … of `children`) above their unit,
/// or null for those placed in `:unit` itself; for [`CellsBy::Unit`], their own unit. The
/// sub-units are bound as values rather than derived from the closure's depths, so the
/// database estimates the join well and picks hash joins for large units.
fn people_sql(by: CellsBy<'_>, period: StatusPeriod) -> String {
    let (bucket, join) = match by {
        CellsBy::SubUnit([]) => (
            "b.ancestor_id",
            "LEFT JOIN unit_closure b ON b.descendant_id = pl.unit_id AND 1 = 0".to_owned(),
        ),
        CellsBy::SubUnit(children) => {
            let names: Vec<String> = (0..children.len()).map(|i| format!(":c{i}")).collect();
            (
                "b.ancestor_id",
                format!(
                    "LEFT JOIN unit_closure b ON b.descendant_id = pl.unit_id AND b.ancestor_id IN ({})",
                    names.join(", ")
                ),
            )
        }
        CellsBy::Unit => ("pl.unit_id", String::new()),
    };
    format!(
        "\
people AS NOT MATERIALIZED (
    SELECT pl.employee_id AS id, pl.unit_id, pl.professional_group, {bucket} AS bucket
    FROM unit_closure c1
    JOIN placements pl ON pl.unit_id = c1.descendant_id
    {join}
    WHERE c1.ancestor_id = :unit AND pl.starts_on <= :count_on
        AND (pl.ends_on IS NULL OR pl.ends_on >= :count_on)
),
held AS NOT MATERIALIZED (
    SELECT h.employee_id, MAX(CASE WHEN h.in_time THEN 1 ELSE 0 END) AS in_time
    FROM status_annual_held h JOIN people p ON p.id = h.employee_id
    WHERE h.held_on >= :from AND h.held_on <= :to
    GROUP BY h.employee_id
),
special AS NOT MATERIALIZED (
    SELECT x.employee_id,
        SUM(CASE WHEN x.held_on >= :from AND x.held_on <= :to THEN 1 ELSE 0 END) AS held,
        SUM(CASE WHEN x.held_on IS NULL AND x.due_on < :today AND x.due_on <= :to
            AND (x.due_on >= :from OR (:today >= :from AND :today <= :to))
            THEN 1 ELSE 0 END) AS overdue,
        SUM(CASE WHEN x.held_on IS NULL AND x.due_on >= :from AND x.due_on <= :to
            AND x.due_on >= :today THEN 1 ELSE 0 END) AS due
    FROM status_specials x JOIN people p ON p.id = x.employee_id
    WHERE (x.due_on >= :from AND x.due_on <= :to) OR (x.held_on >= :from AND x.held_on <= :to)
        OR (x.held_on IS NULL AND x.due_on < :today AND :today >= :from AND :today <= :to)
    GROUP BY x.employee_id
){clock}",
        clock = if read_by_clock(period) { CLOCK } else { "" }
    )
}

/// The due date of each person's annual clock on the period's reference day, for a period
/// that ended before today (one that runs reads today's, stored with the person).
const CLOCK: &str = ",
clock AS NOT MATERIALIZED (
    SELECT c.employee_id, MIN(c.due_on) AS due_on
    FROM status_annual_clock c JOIN people p ON p.id = c.employee_id
    WHERE c.starts_on <= :reference_day AND (c.ends_before IS NULL OR c.ends_before > :reference_day)
    GROUP BY c.employee_id
)";

/// Whether the period's annual figures are read off the clock as it ran on its last day.
fn read_by_clock(p: StatusPeriod) -> bool {
    p.from <= p.today && p.to < p.today
}

/// The joins every per-person condition reads.
fn person_joins(period: StatusPeriod) -> String {
    let clock = if read_by_clock(period) {
        "\nLEFT JOIN clock k ON k.employee_id = p.id"
    } else {
        ""
    };
    format!(
        "\
FROM people p
LEFT JOIN status_employees f ON f.employee_id = p.id
LEFT JOIN held h ON h.employee_id = p.id
LEFT JOIN special x ON x.employee_id = p.id
LEFT JOIN status_interviews i ON i.employee_id = p.id AND i.year = :year{clock}"
    )
}

/// What one person adds to the people figure `figure` for `period`, and when they count (see
/// [`devplan_domain::status::annual_due_and_overdue`] for the annual ones): the SQL twin of
/// [`PersonStatus::figures`](devplan_domain::status::PersonStatus::figures), figure by figure.
fn person_figure(period: StatusPeriod, figure: PeopleFigure) -> (&'static str, String) {
    let due = if read_by_clock(period) {
        "k.due_on"
    } else {
        "f.annual_next_due"
    };
    let coverage = |c: Coverage| format!("i.coverage = '{}'", c.as_str());
    match figure {
        PeopleFigure::Employees => ("1", "1 = 1".to_owned()),
        PeopleFigure::WithAgreedPlan => ("1", "f.agreed_plan".to_owned()),
        PeopleFigure::PlansInDraft => ("1", "f.draft_plan".to_owned()),
        PeopleFigure::AnnualHeldInTime => ("1", "h.in_time = 1".to_owned()),
        PeopleFigure::AnnualHeldLate => ("1", "h.in_time = 0".to_owned()),
        PeopleFigure::AnnualDue => ("1", format!("{due} >= :due_from AND {due} <= :due_to")),
        PeopleFigure::AnnualOverdue => ("1", format!("{due} < :overdue_before")),
        PeopleFigure::SpecialDue => ("x.due", "x.due > 0".to_owned()),
        PeopleFigure::SpecialHeld => ("x.held", "x.held > 0".to_owned()),
        PeopleFigure::SpecialOverdue => ("x.overdue", "x.overdue > 0".to_owned()),
        PeopleFigure::InterviewsOffered => ("1", coverage(Coverage::Offered)),
        PeopleFigure::InterviewsHeld => ("1", coverage(Coverage::Held)),
        PeopleFigure::InterviewsDeclined => ("1", coverage(Coverage::Declined)),
        PeopleFigure::InterviewsMissing => (
            "1",
            format!(
                "i.coverage IS NULL OR {} OR {}",
                coverage(Coverage::NotOffered),
                coverage(Coverage::IndividualRequested)
            ),
        ),
    }
}

/// Every people figure for `period`, in the table's order: the figure, what one person adds,
/// and when they count.
fn person_figures(period: StatusPeriod) -> Vec<(PeopleFigure, &'static str, String)> {
    PeopleFigure::ALL
        .into_iter()
        .map(|figure| {
            let (value, when) = person_figure(period, figure);
            (figure, value, when)
        })
        .collect()
}

/// `sql` with its `:name` parameters bound, in the backend's placeholder style.
/// The rows `sql` selects, its `:name` parameters bound (see [`bind`]).
pub(crate) async fn select(
    conn: &impl sea_orm::ConnectionTrait,
    sql: &str,
    params: &[(String, Value)],
) -> Result<Vec<sea_orm::QueryResult>, crate::StoreError> {
    Ok(conn
        .query_all_raw(bind(conn.get_database_backend(), sql, params))
        .await?)
}

/// A parenthesised list of named parameters `:{prefix}0, …` for `ids`, and their values; an
/// empty list is `(NULL)`, which matches nothing.
pub(crate) fn in_list(prefix: &str, ids: &[uuid::Uuid]) -> (String, Vec<(String, Value)>) {
    if ids.is_empty() {
        return ("(NULL)".to_owned(), Vec::new());
    }
    let names: Vec<String> = (0..ids.len()).map(|n| format!(":{prefix}{n}")).collect();
    let values = ids
        .iter()
        .enumerate()
        .map(|(n, id)| (format!("{prefix}{n}"), Value::from(*id)))
        .collect();
    (format!("({})", names.join(", ")), values)
}

pub(crate) fn bind(backend: DatabaseBackend, sql: &str, params: &[(String, Value)]) -> Statement {
    let mut out = String::with_capacity(sql.len());
    let mut values = Vec::new();
    let mut rest = sql;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        match params.iter().find(|(n, _)| n.as_str() == &tail[..len]) {
            Some((_, v)) if len > 0 => {
                values.push(v.clone());
                match backend {
                    DatabaseBackend::Postgres => out.push_str(&format!("${}", values.len())),
                    _ => out.push('?'),
                }
                rest = &tail[len..];
            }
            _ => {
                out.push(':');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Statement::from_sql_and_values(backend, out, values)
}

fn params(unit: UnitId, by: CellsBy<'_>, p: StatusPeriod) -> Vec<(String, Value)> {
    let children = match by {
        CellsBy::SubUnit(children) => children,
        CellsBy::Unit => &[],
    };
    // What is due and overdue: a period that has begun as on its reference day, a future
    // one as far as today knows (see `annual_due_and_overdue`).
    let (reference_day, due_from, due_to, overdue_before) = if p.from > p.today {
        (p.today, p.from, p.to, p.from)
    } else {
        let day = reference_day(p.to, p.today);
        let window_end = day
            .checked_add_days(Days::new(DUE_WINDOW_DAYS.into()))
            .unwrap_or(NaiveDate::MAX);
        (day, day, window_end, day)
    };
    let mut params: Vec<(String, Value)> = vec![
        ("unit".to_owned(), unit.uuid().into()),
        ("from".to_owned(), p.from.into()),
        ("to".to_owned(), p.to.into()),
        ("today".to_owned(), p.today.into()),
        ("reference_day".to_owned(), reference_day.into()),
        ("due_from".to_owned(), due_from.into()),
        ("due_to".to_owned(), due_to.into()),
        ("overdue_before".to_owned(), overdue_before.into()),
        ("year".to_owned(), p.to.year().into()),
        ("count_on".to_owned(), counting_day(p.to, p.today).into()),
    ];
    params.extend(
        children
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("c{i}"), c.uuid().into())),
    );
    params
}

fn count(raw: Option<i64>) -> u64 {
    raw.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

impl Store {
    /// The figures of every cell of `unit`'s subtree for the period, cut as `by` says: two
    /// statements, whatever the number of people.
    pub async fn status_cells(
        &self,
        unit: UnitId,
        by: CellsBy<'_>,
        period: StatusPeriod,
    ) -> Result<Vec<StatusCell>, StoreError> {
        let backend = self.db.get_database_backend();
        let figures = person_figures(period);
        let columns: Vec<String> = figures
            .iter()
            .map(|(_, value, when)| {
                format!(
                    "CAST(SUM(CASE WHEN {when} THEN {value} ELSE 0 END) AS BIGINT), \
                     CAST(SUM(CASE WHEN {when} THEN 1 ELSE 0 END) AS BIGINT)"
                )
            })
            .collect();
        let people = people_sql(by, period);
        let sql = format!(
            "WITH {people}\nSELECT p.bucket, p.professional_group, {}\n{}\n\
             GROUP BY p.bucket, p.professional_group",
            columns.join(",\n    "),
            person_joins(period)
        );
        let params = params(unit, by, period);
        let counts = format!(
            "WITH {people}
SELECT p.bucket, p.professional_group, s.key, CAST(SUM(s.n) AS BIGINT), COUNT(*)
FROM people p JOIN status_contents s ON s.employee_id = p.id
GROUP BY p.bucket, p.professional_group, s.key"
        );
        // The two are independent: on PostgreSQL they run at once on two connections.
        let (rows, count_rows) = futures_util::future::try_join(
            self.db.query_all_raw(bind(backend, &sql, &params)),
            self.db.query_all_raw(bind(backend, &counts, &params)),
        )
        .await?;
        let mut cells: BTreeMap<(Uuid, Option<String>), Figures> = BTreeMap::new();
        for row in rows {
            let bucket: Uuid = row
                .try_get_by_index::<Option<Uuid>>(0)?
                .unwrap_or(unit.uuid());
            let group: Option<String> = row.try_get_by_index(1)?;
            let f = cells.entry((bucket, group)).or_default();
            for (i, (figure, _, _)) in figures.iter().enumerate() {
                let value: Option<i64> = row.try_get_by_index(2 + 2 * i)?;
                let people: Option<i64> = row.try_get_by_index(3 + 2 * i)?;
                f[*figure] = Figure {
                    value: count(value),
                    people: count(people),
                };
            }
        }
        for row in count_rows {
            let (bucket, group, key, n, p): (Option<Uuid>, Option<String>, String, i64, i64) =
                row.try_get_many_by_index()?;
            let figure = Figure {
                value: count(Some(n)),
                people: count(Some(p)),
            };
            let f = cells
                .entry((bucket.unwrap_or(unit.uuid()), group))
                .or_default();
            if let Some(kind) = key.strip_prefix("activity:") {
                f.activities_by_kind.insert(kind.to_owned(), figure);
            } else if let Some(verdict) = key.strip_prefix("verdict:") {
                f.goals_by_verdict.insert(verdict.to_owned(), figure);
            } else if key == "applied" {
                f.goals_applied_in_daily_work = figure;
            }
        }
        Ok(cells
            .into_iter()
            .map(|((bucket, professional_group), figures)| StatusCell {
                bucket: UnitId::from_uuid(bucket),
                professional_group,
                figures,
            })
            .collect())
    }

    /// The top unit above each of `units` (a top unit is its own): one statement.
    pub async fn tops_of(&self, units: &[UnitId]) -> Result<BTreeMap<UnitId, UnitId>, StoreError> {
        if units.is_empty() {
            return Ok(BTreeMap::new());
        }
        let names: Vec<String> = (0..units.len()).map(|i| format!(":u{i}")).collect();
        let sql = format!(
            "SELECT c.descendant_id, c.ancestor_id FROM unit_closure c \
             JOIN org_units t ON t.id = c.ancestor_id AND t.parent_id IS NULL \
             WHERE c.descendant_id IN ({})",
            names.join(", ")
        );
        let params: Vec<(String, Value)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (format!("u{i}"), u.uuid().into()))
            .collect();
        let rows = self
            .db
            .query_all_raw(bind(self.db.get_database_backend(), &sql, &params))
            .await?;
        rows.into_iter()
            .map(|row| {
                let (unit, top): (Uuid, Uuid) = row.try_get_many_by_index()?;
                Ok((UnitId::from_uuid(unit), UnitId::from_uuid(top)))
            })
            .collect()
    }

    /// The units of the subtrees of `tops`, how they nest, and the employees placed directly
    /// in each by professional group on `count_on` (a period's counting day, as its figures
    /// count them), which is all the pooling of status figures reads. Two statements, however
    /// many subtrees; one inside another is read once.
    pub async fn population(
        &self,
        tops: &[UnitId],
        count_on: NaiveDate,
    ) -> Result<Population, StoreError> {
        let backend = self.db.get_database_backend();
        let mut params = vec![("count_on".to_owned(), Value::from(count_on))];
        params.extend(
            tops.iter()
                .enumerate()
                .map(|(i, t)| (format!("t{i}"), Value::from(t.uuid()))),
        );
        let names: Vec<String> = (0..tops.len()).map(|i| format!(":t{i}")).collect();
        let under = format!(
            "SELECT c.descendant_id FROM unit_closure c WHERE c.ancestor_id IN ({})",
            names.join(", ")
        );
        let units = format!("SELECT u.id, u.parent_id FROM org_units u WHERE u.id IN ({under})");
        let people = format!(
            "SELECT pl.unit_id, pl.professional_group, COUNT(*) FROM placements pl \
             WHERE pl.unit_id IN ({under}) AND pl.starts_on <= :count_on \
             AND (pl.ends_on IS NULL OR pl.ends_on >= :count_on) \
             GROUP BY pl.unit_id, pl.professional_group"
        );
        let (units, people) = (units.as_str(), people.as_str());
        let (units, people) = futures_util::future::try_join(
            self.db.query_all_raw(bind(backend, units, &params)),
            self.db.query_all_raw(bind(backend, people, &params)),
        )
        .await?;
        let units = units
            .into_iter()
            .map(|row| {
                let (id, parent): (Uuid, Option<Uuid>) = row.try_get_many_by_index()?;
                Ok((UnitId::from_uuid(id), parent.map(UnitId::from_uuid)))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let people = people
            .into_iter()
            .map(|row| {
                let (unit, group, n): (Uuid, Option<String>, i64) = row.try_get_many_by_index()?;
                Ok((
                    Atom {
                        unit: UnitId::from_uuid(unit),
                        group,
                    },
                    count(Some(n)),
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Population::new(units, people))
    }

    /// The employees of `unit`'s subtree the period counts who count in the people figure
    /// `figure`, by name; one statement.
    pub async fn status_people(
        &self,
        unit: UnitId,
        period: StatusPeriod,
        figure: PeopleFigure,
    ) -> Result<Vec<(EmployeeId, String, UnitId)>, StoreError> {
        let (_, when) = person_figure(period, figure);
        let sql = format!(
            "WITH {}\nSELECT p.id, e.name, p.unit_id\n{}\nJOIN employees e ON e.id = p.id\n\
             WHERE {when}\nORDER BY e.name, p.id",
            people_sql(CellsBy::Unit, period),
            person_joins(period)
        );
        let rows = self
            .db
            .query_all_raw(bind(
                self.db.get_database_backend(),
                &sql,
                &params(unit, CellsBy::Unit, period),
            ))
            .await?;
        rows.into_iter()
            .map(|row| {
                let (id, name, unit): (Uuid, String, Uuid) = row.try_get_many_by_index()?;
                Ok((EmployeeId::from_uuid(id), name, UnitId::from_uuid(unit)))
            })
            .collect()
    }
}
