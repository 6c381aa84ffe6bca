//! Reads a JetStream stream over NATS's text protocol, so the end-to-end tests can check
//! what a generated service published without a NATS client crate in the generator's
//! dependencies. Only what those tests need: a stream's message count, and each message by
//! sequence through the direct-get API (the services create their streams with
//! `allow_direct`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One stored message: its subject, headers and payload.
pub struct StoredMessage {
    pub subject: String,
    pub headers: Vec<(String, String)>,
    pub payload: Vec<u8>,
}

impl StoredMessage {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

pub struct JetStream {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

/// The inbox this connection's requests are answered on.
const INBOX: &str = "_INBOX.backend_gen_e2e";

impl JetStream {
    /// Connects to `url` (`nats://host:port`).
    pub fn connect(url: &str) -> Self {
        let address = url.trim_start_matches("nats://");
        let writer = TcpStream::connect(address).expect("connect to NATS");
        writer
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut this = Self {
            reader: BufReader::new(writer.try_clone().unwrap()),
            writer,
        };
        let info = this.line();
        assert!(info.starts_with("INFO "), "not a NATS server: {info}");
        let connect = r#"{"verbose":false,"pedantic":false,"headers":true,"no_responders":true}"#;
        this.send(format!("CONNECT {connect}\r\nSUB {INBOX} 1\r\n").as_bytes());
        this
    }

    /// How many messages the stream holds.
    pub fn message_count(&mut self, stream: &str) -> u64 {
        let subject = format!("$JS.API.STREAM.INFO.{stream}");
        let (_, body) = self.request(&subject, b"{}");
        let info: serde_json::Value = serde_json::from_slice(&body).unwrap();
        info["state"]["messages"]
            .as_u64()
            .unwrap_or_else(|| panic!("no stream {stream}: {info}"))
    }

    /// The message at `sequence` (from 1).
    pub fn message(&mut self, stream: &str, sequence: u64) -> StoredMessage {
        let subject = format!("$JS.API.DIRECT.GET.{stream}");
        let request = format!(r#"{{"seq":{sequence}}}"#);
        let (headers, payload) = self.request(&subject, request.as_bytes());
        let subject = headers
            .iter()
            .find(|(key, _)| key == "Nats-Subject")
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no message {sequence} in {stream}: {headers:?}"));
        StoredMessage {
            subject,
            headers,
            payload,
        }
    }

    /// Deletes the stream (the test's own).
    pub fn delete(&mut self, stream: &str) {
        self.request(&format!("$JS.API.STREAM.DELETE.{stream}"), b"");
    }

    fn request(&mut self, subject: &str, body: &[u8]) -> (Vec<(String, String)>, Vec<u8>) {
        let mut frame = format!("PUB {subject} {INBOX} {}\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        frame.extend_from_slice(b"\r\n");
        self.send(&frame);
        loop {
            let line = self.line();
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.first().copied() {
                Some("PING") => self.send(b"PONG\r\n"),
                Some("MSG") => {
                    let size = words.last().unwrap().parse().unwrap();
                    return (Vec::new(), self.payload(size));
                }
                Some("HMSG") => {
                    let header_size: usize = words[words.len() - 2].parse().unwrap();
                    let size = words.last().unwrap().parse().unwrap();
                    let mut whole = self.payload(size);
                    let payload = whole.split_off(header_size);
                    return (headers(&whole), payload);
                }
                Some("-ERR") => panic!("NATS: {line}"),
                _ => {}
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to NATS");
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read from NATS");
        line.trim_end().to_owned()
    }

    /// A message's `size` bytes and the line end after them.
    fn payload(&mut self, size: usize) -> Vec<u8> {
        let mut bytes = vec![0; size + 2];
        self.reader.read_exact(&mut bytes).expect("read from NATS");
        bytes.truncate(size);
        bytes
    }
}

/// `NATS/1.0\r\nName: value\r\n…` into its pairs.
fn headers(block: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(block)
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect()
}
