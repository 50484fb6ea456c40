//! Many rows into one table in few statements. On PostgreSQL each column travels as one
//! array and `unnest` turns the arrays back into rows: a short statement, prepared once per
//! connection, where a multi-row `VALUES` of 30,000 bound values cost as much to build, parse
//! and bind as to insert (a 50,000-person sync spent a third of its time there). SQLite,
//! small by design, takes multi-row `VALUES` within its bound-parameter limit.

use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityName,
    EntityTrait, IdenStatic, IntoActiveModel, Iterable, Statement, Value, sea_query::ArrayType,
};

use crate::StoreError;
use crate::units::rows_per_statement;

/// Rows per statement on PostgreSQL: large enough that a statement's round trip is nothing
/// beside its rows, small enough that the parameters of one stay a few megabytes. The driver
/// keeps each connection's send buffer at the largest message it sent: at 10,000 rows three
/// connections held 37 MB after an interview sync, and 13 calls of 50,000 interviews peaked
/// at 180 MB resident where 2,500 peak at 136 MB, and ran 8 % faster.
pub(crate) const BATCH: usize = 2_500;

/// Inserts `rows` (every one setting the same columns; the others take their defaults),
/// building only one statement's rows at a time, so a large write never holds all of them as
/// models and parameters at once.
pub(crate) async fn insert<A, I>(conn: &impl ConnectionTrait, rows: I) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    I: IntoIterator<Item = A>,
    I::IntoIter: Send,
{
    let pg = conn.get_database_backend() == DatabaseBackend::Postgres;
    let mut rows = rows.into_iter();
    while let Some(chunk) = next_chunk(&mut rows, pg) {
        if pg {
            conn.execute_raw(statement(chunk, None)?).await?;
        } else {
            <A::Entity as EntityTrait>::insert_many(chunk)
                .exec_without_returning(conn)
                .await?;
        }
    }
    Ok(())
}

/// Inserts `rows` as [`insert`] does and returns the `returning` column (the primary key) of
/// each, sorted.
pub(crate) async fn insert_returning_i64<A, I>(
    conn: &impl ConnectionTrait,
    rows: I,
    returning: <A::Entity as EntityTrait>::Column,
) -> Result<Vec<i64>, StoreError>
where
    A: ActiveModelTrait + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
    <<A::Entity as EntityTrait>::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: Into<i64>,
    I: IntoIterator<Item = A>,
    I::IntoIter: Send,
{
    let pg = conn.get_database_backend() == DatabaseBackend::Postgres;
    let mut rows = rows.into_iter();
    let mut out = Vec::new();
    while let Some(chunk) = next_chunk(&mut rows, pg) {
        if pg {
            let found = conn
                .query_all_raw(statement(chunk, Some(returning.as_str()))?)
                .await?;
            for row in found {
                out.push(row.try_get_by_index::<i64>(0)?);
            }
        } else {
            let keys = <A::Entity as EntityTrait>::insert_many(chunk)
                .exec_with_returning_keys(conn)
                .await?;
            out.extend(keys.into_iter().map(Into::into));
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The next statement's rows: [`BATCH`] on PostgreSQL, as many as SQLite's bound-parameter
/// limit allows otherwise; `None` when none are left.
fn next_chunk<A: ActiveModelTrait>(rows: &mut impl Iterator<Item = A>, pg: bool) -> Option<Vec<A>> {
    let size = if pg {
        BATCH
    } else {
        rows_per_statement(<A::Entity as EntityTrait>::Column::iter().count())
    };
    let chunk: Vec<A> = rows.take(size).collect();
    (!chunk.is_empty()).then_some(chunk)
}

/// The statement inserting `rows` and its parameters: one array per column, and for a
/// nullable column a second one saying which of its elements are null (the driver's arrays
/// cannot carry a null element). The text depends only on the table and its columns, so each
/// connection prepares it once.
fn statement<A: ActiveModelTrait>(
    mut rows: Vec<A>,
    returning: Option<&str>,
) -> Result<Statement, StoreError> {
    let table = <A::Entity as Default>::default().table_name().to_owned();
    let columns: Vec<_> = match rows.first() {
        Some(first) => <A::Entity as EntityTrait>::Column::iter()
            .filter(|c| !matches!(first.get(*c), ActiveValue::NotSet))
            .collect(),
        None => Vec::new(),
    };
    let mut names = Vec::new();
    let mut unnested = Vec::new();
    let mut aliases = Vec::new();
    let mut selected = Vec::new();
    let mut params = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let nullable = column.def().is_null();
        let mut array = None;
        let mut items = Vec::with_capacity(rows.len());
        let mut nulls = Vec::with_capacity(if nullable { rows.len() } else { 0 });
        for row in &mut rows {
            let value = match row.take(*column) {
                ActiveValue::Set(v) | ActiveValue::Unchanged(v) => v,
                ActiveValue::NotSet => return Err(unsupported(&table, column.as_str())),
            };
            let (kind, item, null) =
                element(value).ok_or_else(|| unsupported(&table, column.as_str()))?;
            if null && !nullable {
                return Err(unsupported(&table, column.as_str()));
            }
            array = Some(kind);
            items.push(item);
            if nullable {
                nulls.push(Value::Bool(Some(null)));
            }
        }
        let Some((array, cast)) = array else {
            continue;
        };
        names.push(format!("\"{}\"", column.as_str()));
        params.push(Value::Array(array, Some(Box::new(items))));
        unnested.push(format!("${}::{cast}[]", params.len()));
        aliases.push(format!("c{i}"));
        if nullable {
            params.push(Value::Array(ArrayType::Bool, Some(Box::new(nulls))));
            unnested.push(format!("${}::bool[]", params.len()));
            aliases.push(format!("n{i}"));
            selected.push(format!("CASE WHEN n{i} THEN NULL ELSE c{i} END"));
        } else {
            selected.push(format!("c{i}"));
        }
    }
    let sql = format!(
        "INSERT INTO \"{table}\" ({}) SELECT {} FROM unnest({}) AS x({}){}",
        names.join(", "),
        selected.join(", "),
        unnested.join(", "),
        aliases.join(", "),
        returning.map_or(String::new(), |r| format!(" RETURNING \"{r}\"")),
    );
    Ok(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        sql,
        params,
    ))
}

/// A row the helper cannot write: a programming error, not a client's.
fn unsupported(table: &str, column: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "a bulk insert into {table} cannot carry the value of {column}, or leaves it unset in some rows only"
    ))
}

/// `v` as an array element: the array's type and its PostgreSQL name, the element (a
/// stand-in for null), and whether it is null. `None` for a type no table here uses.
fn element(v: Value) -> Option<((ArrayType, &'static str), Value, bool)> {
    /// One arm: the value's variant and the array type share a name.
    macro_rules! as_element {
        ($inner:expr, $variant:ident, $cast:literal) => {{
            let null = $inner.is_none();
            let item = Value::$variant(Some($inner.unwrap_or_default()));
            ((ArrayType::$variant, $cast), item, null)
        }};
    }
    Some(match v {
        Value::Bool(b) => as_element!(b, Bool, "bool"),
        Value::SmallInt(n) => as_element!(n, SmallInt, "int2"),
        Value::Int(n) => as_element!(n, Int, "int4"),
        Value::BigInt(n) => as_element!(n, BigInt, "int8"),
        Value::String(s) => as_element!(s, String, "text"),
        Value::Uuid(u) => as_element!(u, Uuid, "uuid"),
        Value::ChronoDate(d) => as_element!(d, ChronoDate, "date"),
        Value::ChronoDateTimeUtc(t) => as_element!(t, ChronoDateTimeUtc, "timestamptz"),
        Value::Json(j) => as_element!(j, Json, "jsonb"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_travels_as_a_stand_in_marked_null() {
        let ((_, cast), item, null) = element(Value::Uuid(None)).unwrap();
        assert_eq!(
            (cast, item, null),
            ("uuid", Value::Uuid(Some(uuid::Uuid::nil())), true)
        );
        let ((_, cast), item, null) = element(Value::String(Some("x".into()))).unwrap();
        assert_eq!(
            (cast, item, null),
            ("text", Value::String(Some("x".into())), false)
        );
        assert!(element(Value::Double(Some(1.0))).is_none());
    }
}
