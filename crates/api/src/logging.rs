//! Log lines: each names the request it was written for (`request_id`, the `X-Request-Id`
//! the response carries), as text or, with `DEVPLAN_LOG_FORMAT=json`, one JSON object a line
//! for a log collector.

use std::io::Write;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// `[time level target request_id=…] message`.
    #[default]
    Text,
    /// `{"ts", "level", "target", "request_id", "message"}`.
    Json,
}

/// One line, without its newline.
pub fn render(
    format: LogFormat,
    ts: &str,
    level: log::Level,
    target: &str,
    request_id: Option<&str>,
    message: &str,
) -> String {
    match format {
        LogFormat::Json => serde_json::json!({
            "ts": ts,
            "level": level.as_str(),
            "target": target,
            "request_id": request_id,
            "message": message,
        })
        .to_string(),
        LogFormat::Text => match request_id {
            Some(id) => format!("[{ts} {level} {target} request_id={id}] {message}"),
            None => format!("[{ts} {level} {target}] {message}"),
        },
    }
}

/// Starts logging to stderr, filtered by `RUST_LOG` (default `info`).
pub fn init(format: LogFormat) {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format(move |buf, record| {
            let ts = buf.timestamp_millis().to_string();
            let acting = devplan_persistence::context::current();
            let line = render(
                format,
                &ts,
                record.level(),
                record.target(),
                acting.request_id.as_deref(),
                &record.args().to_string(),
            );
            writeln!(buf, "{line}")
        })
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_its_request_as_text_or_as_json() {
        let text = render(
            LogFormat::Text,
            "2026-11-30T10:00:00.000Z",
            log::Level::Error,
            "devplan_api::error",
            Some("req-7"),
            "internal error: \"x\"",
        );
        assert_eq!(
            text,
            "[2026-11-30T10:00:00.000Z ERROR devplan_api::error request_id=req-7] internal error: \"x\""
        );
        let json: serde_json::Value = serde_json::from_str(&render(
            LogFormat::Json,
            "2026-11-30T10:00:00.000Z",
            log::Level::Warn,
            "devplan_api::housekeeping",
            None,
            "line\nbreak \"quoted\"",
        ))
        .expect("one JSON object");
        assert_eq!(json["level"], "WARN");
        assert_eq!(json["request_id"], serde_json::Value::Null);
        assert_eq!(json["message"], "line\nbreak \"quoted\"");
    }
}
