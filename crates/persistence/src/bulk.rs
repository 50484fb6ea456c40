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
/// beside its rows, small enough that the parameters of one stay a few megabytes.
pub(crate) const BATCH: usize = 10_000;

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
    loop {
        let chunk: Vec<A> = rows.by_ref().take(per_statement::<A>(pg)).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        if pg {
            let (sql, params) = statement(chunk, None)?;
            conn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                sql,
                params,
            ))
            .await?;
        } else {
            <A::Entity as EntityTrait>::insert_many(chunk)
                .exec_without_returning(conn)
                .await?;
        }
    }
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
    loop {
        let chunk: Vec<A> = rows.by_ref().take(per_statement::<A>(pg)).collect();
        if chunk.is_empty() {
            break;
        }
        if pg {
            let (sql, params) = statement(chunk, Some(returning.as_str()))?;
            let found = conn
                .query_all_raw(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    sql,
                    params,
                ))
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

/// Rows per statement: [`BATCH`] on PostgreSQL, SQLite's bound-parameter limit otherwise.
fn per_statement<A: ActiveModelTrait>(pg: bool) -> usize {
    if pg {
        BATCH
    } else {
        rows_per_statement(<A::Entity as EntityTrait>::Column::iter().count())
    }
}

/// The statement inserting `rows` and its parameters: one array per column, and for a
/// nullable column a second one saying which of its elements are null (the driver's arrays
/// cannot carry a null element). The text depends only on the table and its columns, so each
/// connection prepares it once.
fn statement<A: ActiveModelTrait>(
    mut rows: Vec<A>,
    returning: Option<&str>,
) -> Result<(String, Vec<Value>), StoreError> {
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
    Ok((sql, params))
}

fn unsupported(table: &str, column: &str) -> StoreError {
    StoreError::Corrupt(format!(
        "a bulk insert into {table} cannot carry the value of {column}, or leaves it unset in some rows only"
    ))
}

/// `v` as an array element: the array's type and its PostgreSQL name, the element (a
/// stand-in for null), and whether it is null. `None` for a type no table here uses.
fn element(v: Value) -> Option<((ArrayType, &'static str), Value, bool)> {
    fn some<T: Default>(v: Option<T>) -> (T, bool) {
        let null = v.is_none();
        (v.unwrap_or_default(), null)
    }
    Some(match v {
        Value::Bool(b) => {
            let (b, null) = some(b);
            ((ArrayType::Bool, "bool"), Value::Bool(Some(b)), null)
        }
        Value::SmallInt(n) => {
            let (n, null) = some(n);
            (
                (ArrayType::SmallInt, "int2"),
                Value::SmallInt(Some(n)),
                null,
            )
        }
        Value::Int(n) => {
            let (n, null) = some(n);
            ((ArrayType::Int, "int4"), Value::Int(Some(n)), null)
        }
        Value::BigInt(n) => {
            let (n, null) = some(n);
            ((ArrayType::BigInt, "int8"), Value::BigInt(Some(n)), null)
        }
        Value::String(s) => {
            let (s, null) = some(s);
            ((ArrayType::String, "text"), Value::String(Some(s)), null)
        }
        Value::Uuid(u) => {
            let (u, null) = some(u);
            ((ArrayType::Uuid, "uuid"), Value::Uuid(Some(u)), null)
        }
        Value::ChronoDate(d) => {
            let (d, null) = some(d);
            (
                (ArrayType::ChronoDate, "date"),
                Value::ChronoDate(Some(d)),
                null,
            )
        }
        Value::ChronoDateTimeUtc(t) => {
            let (t, null) = some(t);
            let kind = (ArrayType::ChronoDateTimeUtc, "timestamptz");
            (kind, Value::ChronoDateTimeUtc(Some(t)), null)
        }
        Value::Json(j) => {
            let (j, null) = some(j);
            ((ArrayType::Json, "jsonb"), Value::Json(Some(j)), null)
        }
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
