//! The JSON log lines: one object per line, written straight into a per-thread buffer.
//!
//! ```json
//! {"timestamp":"2026-01-02T03:04:05.678901Z","level":"INFO","target":"shop::app",
//!  "message":"finished processing request","status":200,"latency_ms":0.41,
//!  "span":{"method":"GET","route":"/v1/products/{id}","request_id":"…","name":"request"}}
//! ```
//!
//! The event's fields sit at the top level; the fields of the span it was logged in (the
//! innermost one) under `span`, with the span's name. While tracing, `trace_id` and
//! `span_id` (W3C hex) sit beside them, so a line leads to its trace.
//!
//! A layer of our own rather than `json-subscriber` or tracing-subscriber's JSON format: both
//! gather each line's and each span's fields into maps of `serde_json::Value`s before writing
//! them out, which cost about a tenth of an uncached read (docs/benchmarks.md in backend-gen).
//! Here a span's fields are encoded once, when set, and a line is written as it is visited.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::Write as _;

use chrono::Utc;
use opentelemetry::trace::TraceId;
use serde::Serialize;
use tracing::{
    Event, Subscriber,
    field::{Field, Visit},
    span::{Attributes, Id, Record},
};
use tracing_opentelemetry::OtelData;
use tracing_subscriber::{
    fmt::MakeWriter,
    layer::{Context, Layer},
    registry::LookupSpan,
};

/// The layer; `W` makes the writer each line goes to, in one `write_all` call.
pub struct JsonLog<W> {
    make_writer: W,
}

impl<W> JsonLog<W> {
    pub fn new(make_writer: W) -> Self {
        Self { make_writer }
    }
}

/// A span's fields, kept in the span's extensions: their values already encoded, one after
/// another in one buffer, and each field's name with where its value starts.
struct SpanFields {
    values: Vec<u8>,
    starts: Vec<(&'static str, usize)>,
}

impl SpanFields {
    fn new() -> Self {
        Self {
            values: Vec::with_capacity(128),
            starts: Vec::with_capacity(4),
        }
    }

    /// Each field's name and encoded value, in the order they were set.
    fn iter(&self) -> impl Iterator<Item = (&'static str, &[u8])> {
        let ends = self.starts.iter().skip(1).map(|&(_, start)| start);
        self.starts
            .iter()
            .zip(ends.chain([self.values.len()]))
            .map(|(&(name, start), end)| (name, &self.values[start..end]))
    }
}

/// A line's buffer grows to its longest line; past this it is let go once the line is out.
const KEEP_LINE_BUFFER: usize = 64 * 1024;

impl<S, W> Layer<S> for JsonLog<W>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
    W: for<'writer> MakeWriter<'writer> + 'static,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut fields = SpanFields::new();
            attrs.record(&mut JsonFields(&mut fields));
            span.extensions_mut().replace(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            if let Some(fields) = extensions.get_mut::<SpanFields>() {
                values.record(&mut JsonFields(fields));
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        thread_local! {
            static LINE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let write = |line: &mut Vec<u8>| {
            line.clear();
            write_line(line, event, &ctx);
            // A line that cannot be written has nowhere else to be reported.
            let _ = self
                .make_writer
                .make_writer_for(event.metadata())
                .write_all(line);
        };
        // A line logged while one is being formatted (by a field's `Debug`), or while the
        // thread ends, gets a buffer of its own.
        let reused = LINE.try_with(|line| {
            let Ok(mut line) = line.try_borrow_mut() else {
                return false;
            };
            write(&mut line);
            if line.capacity() > KEEP_LINE_BUFFER {
                *line = Vec::new();
            }
            true
        });
        if !matches!(reused, Ok(true)) {
            write(&mut Vec::new());
        }
    }
}

fn write_line<S>(line: &mut Vec<u8>, event: &Event<'_>, ctx: &Context<'_, S>)
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let metadata = event.metadata();
    line.extend_from_slice(b"{\"timestamp\":\"");
    write_timestamp(line);
    line.extend_from_slice(b"\",\"level\":\"");
    line.extend_from_slice(metadata.level().as_str().as_bytes());
    line.extend_from_slice(b"\",\"target\":");
    encode(line, metadata.target());
    event.record(&mut JsonFields(line));
    if let Some(span) = ctx.event_span(event) {
        if let Some(trace) = span.extensions().get::<OtelData>() {
            write_trace_ids(line, trace);
        }
        line.extend_from_slice(b",\"span\":{");
        if let Some(fields) = span.extensions().get::<SpanFields>() {
            for (name, value) in fields.iter() {
                encode(line, name);
                line.push(b':');
                line.extend_from_slice(value);
                line.push(b',');
            }
        }
        line.extend_from_slice(b"\"name\":");
        encode(line, span.name());
        line.push(b'}');
    }
    line.extend_from_slice(b"}\n");
}

/// `"trace_id"` and `"span_id"` of the span the line was logged in, while tracing.
fn write_trace_ids(line: &mut Vec<u8>, trace: &OtelData) {
    if let (Some(trace_id), Some(span_id)) = (trace.trace_id(), trace.span_id())
        && trace_id != TraceId::INVALID
    {
        let _ = write!(line, ",\"trace_id\":\"{trace_id}\",\"span_id\":\"{span_id}\"");
    }
}

/// Writes a value as JSON: strings quoted and escaped, numbers as they are (a float that is
/// not finite as `null`).
fn encode(out: &mut Vec<u8>, value: &(impl Serialize + ?Sized)) {
    // Writing to a `Vec` cannot fail, and these values all have a JSON form.
    let _ = serde_json::to_writer(out, value);
}

/// Where the visited fields go: the line (as `,"name":value`) or a span's fields.
trait FieldSink {
    /// The buffer the field's value is to be written to.
    fn value_of(&mut self, field: &Field) -> &mut Vec<u8>;
}

impl FieldSink for Vec<u8> {
    fn value_of(&mut self, field: &Field) -> &mut Vec<u8> {
        self.push(b',');
        encode(self, field.name());
        self.push(b':');
        self
    }
}

impl FieldSink for SpanFields {
    /// A field set again (`Span::record`) loses its old value and moves to the end.
    fn value_of(&mut self, field: &Field) -> &mut Vec<u8> {
        let name = field.name();
        if let Some(index) = self.starts.iter().position(|&(known, _)| known == name) {
            let start = self.starts[index].1;
            let end = self
                .starts
                .get(index + 1)
                .map_or(self.values.len(), |&(_, next)| next);
            self.values.drain(start..end);
            self.starts.remove(index);
            for (_, later) in &mut self.starts[index..] {
                *later -= end - start;
            }
        }
        self.starts.push((name, self.values.len()));
        &mut self.values
    }
}

struct JsonFields<'a, F>(&'a mut F);

impl<F: FieldSink> Visit for JsonFields<'_, F> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        encode(self.0.value_of(field), &value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        encode(self.0.value_of(field), &value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        encode(self.0.value_of(field), &value);
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        encode(self.0.value_of(field), &value);
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        encode(self.0.value_of(field), &value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        encode(self.0.value_of(field), &value);
    }

    /// `otel.*` fields are instructions to the OpenTelemetry layer (the span's name, kind
    /// and status, all strings), not data: they are left out.
    fn record_str(&mut self, field: &Field, value: &str) {
        if !field.name().starts_with("otel.") {
            encode(self.0.value_of(field), value);
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.record_debug(field, &format_args!("{value}"));
    }

    /// `Debug` values, and the message (`format_args!`), as strings.
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        thread_local! {
            static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
        }
        let out = self.0.value_of(field);
        let encoded = TEXT.try_with(|text| {
            let Ok(mut text) = text.try_borrow_mut() else {
                return false;
            };
            text.clear();
            // A `Debug` that fails leaves what it wrote so far.
            let _ = write!(text, "{value:?}");
            encode(out, text.as_str());
            if text.capacity() > KEEP_LINE_BUFFER {
                *text = String::new();
            }
            true
        });
        if !matches!(encoded, Ok(true)) {
            encode(out, format!("{value:?}").as_str());
        }
    }
}

/// The time, RFC 3339 in UTC to the microsecond (`2026-01-02T03:04:05.678901Z`). Each thread
/// formats the date and time to the second once a second, and only the microseconds per line.
fn write_timestamp(out: &mut Vec<u8>) {
    thread_local! {
        static SECOND: RefCell<(i64, String)> = RefCell::default();
    }
    let now = Utc::now();
    let second = now.timestamp();
    let cached = SECOND.try_with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != second || cached.1.is_empty() {
            cached.1.clear();
            let _ = write!(cached.1, "{}", now.format("%Y-%m-%dT%H:%M:%S"));
            cached.0 = second;
        }
        out.extend_from_slice(cached.1.as_bytes());
    });
    if cached.is_err() {
        let _ = write!(out, "{}", now.format("%Y-%m-%dT%H:%M:%S"));
    }
    // A leap second's microseconds count past 999,999.
    let mut rest = now.timestamp_subsec_micros().min(999_999);
    let mut fraction = *b".000000Z";
    for digit in fraction[1..7].iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    out.extend_from_slice(&fraction);
}
