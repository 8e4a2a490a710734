//! The XML-RPC codec: `methodCall` and `methodResponse` documents to and from [`XmlRpcValue`]s.
//!
//! Encoding writes Python's layout (one value per line, see the digest's section 3.3) so the
//! emulator's answers look like Odoo's. Text is escaped for `&`, `<` and `>`; a carriage return is
//! written as `&#13;` so it survives XML's line-end normalisation; characters XML 1.0 cannot carry
//! at all (C0 controls other than tab, line feed and carriage return, U+FFFE, U+FFFF) are left out,
//! which is what Odoo 17+ does to its own strings. Integers outside 32 bits are written as `<i8>`,
//! doubles in plain decimal (`1.0`, `0.00001`) and the non-finite ones as Python writes them
//! (`inf`, `-inf`, `nan`).
//!
//! Decoding reads quick-xml events and keeps its own stack of open elements, so a deep document
//! never recurses; arrays and structs nested deeper than [`MAX_NESTING`] are refused. It is lenient
//! where Odoo and Python are: whitespace between elements, either XML declaration, namespace
//! prefixes (`<ex:nil/>`), the type aliases Python accepts (`i1`, `i2`, `i4`, `i8`, `biginteger`,
//! `float`), untyped text in `<value>`, base64 split over lines, raw control characters. Every
//! error says what was wrong, at which byte and inside which elements.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::codec_error::{CodecError, CodecErrorKind};
use super::value::{Fault, XmlRpcValue};

/// How deeply arrays and structs may nest in a decoded document. Odoo's values nest a few levels;
/// anything near this is broken or hostile.
pub const MAX_NESTING: usize = 256;

/// The XML declaration every encoded document starts with.
const DECLARATION: &str = "<?xml version=\"1.0\"?>\n";

/// Base64 as Python and Odoo write it, accepting missing or present padding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A `methodCall` of `method` with `params`.
pub fn encode_call(method: &str, params: &[XmlRpcValue]) -> String {
    let mut out = String::from(DECLARATION);
    out.push_str("<methodCall>\n<methodName>");
    push_escaped(&mut out, method);
    out.push_str("</methodName>\n<params>\n");
    for param in params {
        out.push_str("<param>\n");
        push_value(&mut out, param);
        out.push_str("</param>\n");
    }
    out.push_str("</params>\n</methodCall>\n");
    out
}

/// A `methodResponse`: one `<param>` for a value, or a `<fault>`.
pub fn encode_response(result: &Result<XmlRpcValue, Fault>) -> String {
    let mut out = String::from(DECLARATION);
    out.push_str("<methodResponse>\n");
    match result {
        Ok(value) => {
            out.push_str("<params>\n<param>\n");
            push_value(&mut out, value);
            out.push_str("</param>\n</params>\n");
        }
        Err(fault) => {
            out.push_str("<fault>\n");
            push_value(&mut out, &fault.to_value());
            out.push_str("</fault>\n");
        }
    }
    out.push_str("</methodResponse>\n");
    out
}

/// The method name and parameters of a `methodCall` document.
pub fn decode_call(xml: &[u8]) -> Result<(String, Vec<XmlRpcValue>), CodecError> {
    match Decoder::decode(xml, Root::Call)? {
        Document::Call { method, params } => Ok((method, params)),
        Document::Response(_) => unreachable!("a call decoder accepts only <methodCall>"),
    }
}

/// The value or fault of a `methodResponse` document. The outer `Result` is about the document,
/// the inner one is the method's outcome.
pub fn decode_response(xml: &[u8]) -> Result<Result<XmlRpcValue, Fault>, CodecError> {
    match Decoder::decode(xml, Root::Response)? {
        Document::Response(outcome) => Ok(outcome),
        Document::Call { .. } => unreachable!("a response decoder accepts only <methodResponse>"),
    }
}

/// One piece of work for the iterative encoder.
enum Step<'a> {
    Value(&'a XmlRpcValue),
    Member(&'a str, &'a XmlRpcValue),
    Text(&'static str),
}

/// Write `value` as Python does, without recursion (a deep value cannot overflow the stack).
fn push_value(out: &mut String, value: &XmlRpcValue) {
    let mut steps = vec![Step::Value(value)];
    while let Some(step) = steps.pop() {
        match step {
            Step::Text(text) => out.push_str(text),
            Step::Member(name, value) => {
                out.push_str("<member>\n<name>");
                push_escaped(out, name);
                out.push_str("</name>\n");
                steps.push(Step::Text("</member>\n"));
                steps.push(Step::Value(value));
            }
            Step::Value(value) => match value {
                XmlRpcValue::Int(number) => {
                    let element = if i32::try_from(*number).is_ok() { "int" } else { "i8" };
                    push_scalar(out, element, &number.to_string());
                }
                XmlRpcValue::Bool(flag) => push_scalar(out, "boolean", if *flag { "1" } else { "0" }),
                XmlRpcValue::String(text) => {
                    out.push_str("<value><string>");
                    push_escaped(out, text);
                    out.push_str("</string></value>\n");
                }
                XmlRpcValue::Double(number) => push_scalar(out, "double", &format_double(*number)),
                XmlRpcValue::DateTime(text) => {
                    out.push_str("<value><dateTime.iso8601>");
                    push_escaped(out, text);
                    out.push_str("</dateTime.iso8601></value>\n");
                }
                XmlRpcValue::Base64(bytes) => push_scalar(out, "base64", &STANDARD.encode(bytes)),
                XmlRpcValue::Struct(members) => {
                    out.push_str("<value><struct>\n");
                    steps.push(Step::Text("</struct></value>\n"));
                    steps.extend(members.iter().rev().map(|(name, value)| Step::Member(name, value)));
                }
                XmlRpcValue::Array(values) => {
                    out.push_str("<value><array><data>\n");
                    steps.push(Step::Text("</data></array></value>\n"));
                    steps.extend(values.iter().rev().map(Step::Value));
                }
                XmlRpcValue::Nil => out.push_str("<value><nil/></value>\n"),
            },
        }
    }
}

/// `<value><element>text</element></value>` for text that needs no escaping.
fn push_scalar(out: &mut String, element: &str, text: &str) {
    out.push_str("<value><");
    out.push_str(element);
    out.push('>');
    out.push_str(text);
    out.push_str("</");
    out.push_str(element);
    out.push_str("></value>\n");
}

/// A double in plain decimal with at least one fractional digit, or Python's `inf`/`-inf`/`nan`.
fn format_double(number: f64) -> String {
    if number.is_nan() {
        return "nan".into();
    }
    if number.is_infinite() {
        return if number > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // `Display` gives the shortest text that reads back to the same double, never an exponent.
    let mut text = number.to_string();
    if !text.contains('.') {
        text.push_str(".0");
    }
    text
}

/// Append `text` escaped for element content.
fn push_escaped(out: &mut String, text: &str) {
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            character if is_forbidden_in_xml(character) => {}
            character => out.push(character),
        }
    }
}

/// Characters XML 1.0 cannot carry, not even as a character reference.
fn is_forbidden_in_xml(character: char) -> bool {
    matches!(character, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Which document a decoder accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Root {
    Call,
    Response,
}

/// A decoded document.
enum Document {
    Call { method: String, params: Vec<XmlRpcValue> },
    Response(Result<XmlRpcValue, Fault>),
}

/// The scalar types, by how their text is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ScalarKind {
    Integer,
    Boolean,
    String,
    Double,
    DateTime,
    Base64,
}

/// The scalar element `name` (without namespace prefix), with its canonical spelling for paths.
fn scalar_kind(name: &str) -> Option<(ScalarKind, &'static str)> {
    Some(match name {
        "int" => (ScalarKind::Integer, "int"),
        "i4" => (ScalarKind::Integer, "i4"),
        "i8" => (ScalarKind::Integer, "i8"),
        "i1" => (ScalarKind::Integer, "i1"),
        "i2" => (ScalarKind::Integer, "i2"),
        "biginteger" => (ScalarKind::Integer, "biginteger"),
        "boolean" => (ScalarKind::Boolean, "boolean"),
        "string" => (ScalarKind::String, "string"),
        "double" => (ScalarKind::Double, "double"),
        "float" => (ScalarKind::Double, "float"),
        "dateTime.iso8601" => (ScalarKind::DateTime, "dateTime.iso8601"),
        "base64" => (ScalarKind::Base64, "base64"),
        _ => return None,
    })
}

/// One open element and what has been gathered inside it so far.
enum Frame {
    MethodCall { method: Option<String>, params: Option<Vec<XmlRpcValue>> },
    MethodName { text: String },
    MethodResponse { outcome: Option<Result<XmlRpcValue, Fault>> },
    Params { values: Vec<XmlRpcValue> },
    Param { value: Option<XmlRpcValue> },
    Fault { value: Option<XmlRpcValue> },
    Value { text: String, typed: Option<XmlRpcValue> },
    Scalar { kind: ScalarKind, element: &'static str, text: String },
    Nil,
    Array { values: Option<Vec<XmlRpcValue>> },
    Data { values: Vec<XmlRpcValue> },
    Struct { members: Vec<(String, XmlRpcValue)> },
    Member { name: Option<String>, value: Option<XmlRpcValue> },
    Name { text: String },
}

impl Frame {
    /// The element's name, for error paths.
    fn element(&self) -> &'static str {
        match self {
            Frame::MethodCall { .. } => "methodCall",
            Frame::MethodName { .. } => "methodName",
            Frame::MethodResponse { .. } => "methodResponse",
            Frame::Params { .. } => "params",
            Frame::Param { .. } => "param",
            Frame::Fault { .. } => "fault",
            Frame::Value { .. } => "value",
            Frame::Scalar { element, .. } => element,
            Frame::Nil => "nil",
            Frame::Array { .. } => "array",
            Frame::Data { .. } => "data",
            Frame::Struct { .. } => "struct",
            Frame::Member { .. } => "member",
            Frame::Name { .. } => "name",
        }
    }

    /// The text gathered by an element that holds text, if this is one.
    fn text_mut(&mut self) -> Option<&mut String> {
        match self {
            Frame::MethodName { text }
            | Frame::Value { text, .. }
            | Frame::Scalar { text, .. }
            | Frame::Name { text } => Some(text),
            _ => None,
        }
    }
}

/// The iterative decoder: the open elements, the document once complete, and where it is.
struct Decoder {
    root: Root,
    stack: Vec<Frame>,
    nesting: usize,
    document: Option<Document>,
    offset: u64,
}

impl Decoder {
    fn decode(xml: &[u8], root: Root) -> Result<Document, CodecError> {
        let (xml, base) = match xml.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (rest, 3),
            None => (xml, 0),
        };
        let text = std::str::from_utf8(xml).map_err(|error| {
            CodecError::new(CodecErrorKind::NotUtf8, base + error.valid_up_to() as u64, String::new())
        })?;
        let mut decoder = Decoder { root, stack: Vec::new(), nesting: 0, document: None, offset: base };
        let mut reader = Reader::from_str(text);
        loop {
            decoder.offset = base + reader.buffer_position();
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    decoder.offset = base + reader.error_position();
                    return Err(decoder.error(CodecErrorKind::Syntax(error.to_string())));
                }
            };
            match event {
                Event::Start(start) => decoder.open(local_name(start.name().as_ref()))?,
                Event::Empty(start) => {
                    decoder.open(local_name(start.name().as_ref()))?;
                    decoder.close()?;
                }
                Event::End(_) => decoder.close()?,
                Event::Text(text) => decoder.text(&text.xml10_content())?,
                Event::CData(data) => decoder.text(&data.xml10_content())?,
                Event::GeneralRef(reference) => {
                    let resolved = resolve_reference(&reference)
                        .ok_or_else(|| decoder.error(CodecErrorKind::UnknownEntity(reference.to_string())))?;
                    decoder.text(&resolved)?;
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if !decoder.stack.is_empty() {
            return Err(decoder.error(CodecErrorKind::Truncated));
        }
        let expected = match root {
            Root::Call => "<methodCall>",
            Root::Response => "<methodResponse>",
        };
        decoder.document.ok_or_else(|| CodecError::new(CodecErrorKind::Missing(expected), base, String::new()))
    }

    /// The open elements, outermost first, shortened in the middle when deep.
    fn path(&self) -> String {
        const HEAD: usize = 4;
        const TAIL: usize = 6;
        let names: Vec<&str> = self.stack.iter().map(Frame::element).collect();
        if names.len() <= HEAD + TAIL + 1 {
            return names.join("/");
        }
        format!(
            "{}/…/{} ({} elements deep)",
            names[..HEAD].join("/"),
            names[names.len() - TAIL..].join("/"),
            names.len()
        )
    }

    fn error(&self, kind: CodecErrorKind) -> CodecError {
        CodecError::new(kind, self.offset, self.path())
    }

    fn unexpected(&self, found: &str, expected: &'static str) -> CodecError {
        self.error(CodecErrorKind::UnexpectedElement { found: found.to_owned(), expected })
    }

    /// A start tag `name`.
    fn open(&mut self, name: &str) -> Result<(), CodecError> {
        let frame = match self.stack.last_mut() {
            None if self.document.is_some() => return Err(self.unexpected(name, "the end of the document")),
            None => match (self.root, name) {
                (Root::Call, "methodCall") => Frame::MethodCall { method: None, params: None },
                (Root::Response, "methodResponse") => Frame::MethodResponse { outcome: None },
                (Root::Call, _) => return Err(self.unexpected(name, "<methodCall>")),
                (Root::Response, _) => return Err(self.unexpected(name, "<methodResponse>")),
            },
            Some(Frame::MethodCall { method, params }) => match name {
                "methodName" if method.is_none() => Frame::MethodName { text: String::new() },
                "params" if params.is_none() => Frame::Params { values: Vec::new() },
                _ => return Err(self.unexpected(name, "one <methodName> and one <params>")),
            },
            Some(Frame::MethodResponse { outcome: None }) => match name {
                "params" => Frame::Params { values: Vec::new() },
                "fault" => Frame::Fault { value: None },
                _ => return Err(self.unexpected(name, "<params> or <fault>")),
            },
            Some(Frame::MethodResponse { outcome: Some(_) }) => {
                return Err(self.unexpected(name, "</methodResponse> after its <params> or <fault>"));
            }
            Some(Frame::Params { .. }) => match name {
                "param" => Frame::Param { value: None },
                _ => return Err(self.unexpected(name, "<param>")),
            },
            Some(Frame::Param { value: None } | Frame::Fault { value: None } | Frame::Data { .. }) => match name {
                "value" => Frame::Value { text: String::new(), typed: None },
                _ => return Err(self.unexpected(name, "<value>")),
            },
            Some(Frame::Param { value: Some(_) } | Frame::Fault { value: Some(_) }) => {
                return Err(self.unexpected(name, "a single <value>"));
            }
            Some(Frame::Value { text, typed }) => {
                if typed.is_some() {
                    return Err(self.unexpected(name, "a single typed element in <value>"));
                }
                if !text.trim().is_empty() {
                    let text = shorten(text);
                    return Err(self.error(CodecErrorKind::UnexpectedText(text)));
                }
                text.clear();
                match name {
                    "nil" => Frame::Nil,
                    "array" | "struct" => {
                        if self.nesting >= MAX_NESTING {
                            return Err(self.error(CodecErrorKind::TooDeep { limit: MAX_NESTING }));
                        }
                        self.nesting += 1;
                        if name == "array" {
                            Frame::Array { values: None }
                        } else {
                            Frame::Struct { members: Vec::new() }
                        }
                    }
                    _ => match scalar_kind(name) {
                        Some((kind, element)) => Frame::Scalar { kind, element, text: String::new() },
                        None => {
                            return Err(self.unexpected(
                                name,
                                "a type: int, i4, i8, boolean, string, double, dateTime.iso8601, base64, struct, \
                                 array or nil",
                            ));
                        }
                    },
                }
            }
            Some(Frame::Array { values }) => match name {
                "data" if values.is_none() => Frame::Data { values: Vec::new() },
                _ => return Err(self.unexpected(name, "one <data>")),
            },
            Some(Frame::Struct { .. }) => match name {
                "member" => Frame::Member { name: None, value: None },
                _ => return Err(self.unexpected(name, "<member>")),
            },
            Some(Frame::Member { name: member_name, value }) => match name {
                "name" if member_name.is_none() => Frame::Name { text: String::new() },
                "value" if value.is_none() => Frame::Value { text: String::new(), typed: None },
                _ => return Err(self.unexpected(name, "one <name> and one <value>")),
            },
            Some(Frame::MethodName { .. } | Frame::Scalar { .. } | Frame::Nil | Frame::Name { .. }) => {
                return Err(self.unexpected(name, "text only"));
            }
        };
        self.stack.push(frame);
        Ok(())
    }

    /// Character data (already unescaped) inside the innermost element.
    fn text(&mut self, content: &str) -> Result<(), CodecError> {
        let typed = matches!(self.stack.last(), Some(Frame::Value { typed: Some(_), .. }));
        match self.stack.last_mut().and_then(Frame::text_mut) {
            Some(_) if typed && !content.trim().is_empty() => {
                Err(self.error(CodecErrorKind::UnexpectedText(shorten(content))))
            }
            Some(text) => {
                if !typed {
                    text.push_str(content);
                }
                Ok(())
            }
            None if content.trim().is_empty() => Ok(()),
            None => Err(self.error(CodecErrorKind::UnexpectedText(shorten(content)))),
        }
    }

    /// An end tag: finish the innermost element and hand its result to its parent.
    fn close(&mut self) -> Result<(), CodecError> {
        let Some(frame) = self.stack.last() else {
            return Err(self.error(CodecErrorKind::Syntax("an end tag with no element open".into())));
        };
        // Results are computed while the element is still on the stack, so errors show its path.
        let finished = match frame {
            Frame::Scalar { kind, element, text } => Finished::Value(self.parse_scalar(*kind, element, text)?),
            Frame::Value { typed: None, .. } => {
                let Some(Frame::Value { text, .. }) = self.stack.pop() else { unreachable!() };
                return self.deliver(Finished::Value(XmlRpcValue::String(text)));
            }
            Frame::Param { value: None } | Frame::Fault { value: None } => {
                return Err(self.error(CodecErrorKind::Missing("<value>")));
            }
            Frame::Member { name: None, .. } => return Err(self.error(CodecErrorKind::Missing("<name> in <member>"))),
            Frame::Member { value: None, .. } => return Err(self.error(CodecErrorKind::Missing("<value> in <member>"))),
            Frame::MethodCall { method: None, .. } => return Err(self.error(CodecErrorKind::Missing("<methodName>"))),
            Frame::MethodResponse { outcome: None } => {
                return Err(self.error(CodecErrorKind::Missing("<params> or <fault> in <methodResponse>")));
            }
            Frame::Params { values } if values.len() != 1 && self.stack.len() == 2 && self.root == Root::Response => {
                return Err(self.error(CodecErrorKind::Missing("exactly one <param> in a response's <params>")));
            }
            Frame::Fault { value: Some(value) } => Finished::Fault(self.fault_from_value(value)?),
            _ => Finished::Pending,
        };
        let frame = self.stack.pop().expect("checked above");
        let finished = match (finished, frame) {
            (Finished::Pending, frame) => match frame {
                Frame::MethodName { text } => Finished::Text(text),
                Frame::Name { text } => Finished::Text(text),
                Frame::Params { values } => Finished::Values(values),
                Frame::Data { values } => Finished::Values(values),
                Frame::Param { value: Some(value) } => Finished::Value(value),
                Frame::Value { typed: Some(value), .. } => Finished::Value(value),
                Frame::Nil => Finished::Value(XmlRpcValue::Nil),
                Frame::Array { values } => {
                    self.nesting -= 1;
                    Finished::Value(XmlRpcValue::Array(values.unwrap_or_default()))
                }
                Frame::Struct { members } => {
                    self.nesting -= 1;
                    Finished::Value(XmlRpcValue::Struct(members))
                }
                Frame::Member { name: Some(name), value: Some(value) } => Finished::Member(name, value),
                Frame::MethodCall { method: Some(method), params } => {
                    self.document = Some(Document::Call { method, params: params.unwrap_or_default() });
                    return Ok(());
                }
                Frame::MethodResponse { outcome: Some(outcome) } => {
                    self.document = Some(Document::Response(outcome));
                    return Ok(());
                }
                _ => unreachable!("every other frame was finished above"),
            },
            (finished, _) => finished,
        };
        self.deliver(finished)
    }

    /// Give a finished element's result to the element now innermost.
    fn deliver(&mut self, finished: Finished) -> Result<(), CodecError> {
        let parent = self.stack.last_mut();
        match (parent, finished) {
            (Some(Frame::MethodCall { method, .. }), Finished::Text(text)) => *method = Some(text),
            (Some(Frame::MethodCall { params, .. }), Finished::Values(values)) => *params = Some(values),
            (Some(Frame::MethodResponse { outcome }), Finished::Values(mut values)) => {
                *outcome = Some(Ok(values.pop().expect("checked: exactly one param")));
            }
            (Some(Frame::MethodResponse { outcome }), Finished::Fault(fault)) => *outcome = Some(Err(fault)),
            (Some(Frame::Params { values }), Finished::Value(value)) => values.push(value),
            (Some(Frame::Param { value: slot } | Frame::Fault { value: slot }), Finished::Value(value)) => {
                *slot = Some(value);
            }
            (Some(Frame::Member { value: slot, .. }), Finished::Value(value)) => *slot = Some(value),
            (Some(Frame::Member { name, .. }), Finished::Text(text)) => *name = Some(text),
            (Some(Frame::Value { typed, .. }), Finished::Value(value)) => *typed = Some(value),
            (Some(Frame::Data { values }), Finished::Value(value)) => values.push(value),
            (Some(Frame::Array { values: slot }), Finished::Values(values)) => *slot = Some(values),
            (Some(Frame::Struct { members }), Finished::Member(name, value)) => members.push((name, value)),
            _ => unreachable!("open() only admits children their parent can take"),
        }
        Ok(())
    }

    /// The value of a scalar element from its text.
    fn parse_scalar(&self, kind: ScalarKind, element: &str, text: &str) -> Result<XmlRpcValue, CodecError> {
        let invalid = |reason: &str| {
            self.error(CodecErrorKind::InvalidScalar {
                element: element.to_owned(),
                text: shorten(text),
                reason: reason.to_owned(),
            })
        };
        let trimmed = text.trim();
        match kind {
            ScalarKind::String => Ok(XmlRpcValue::String(text.to_owned())),
            ScalarKind::DateTime => Ok(XmlRpcValue::DateTime(trimmed.to_owned())),
            ScalarKind::Integer => trimmed
                .parse::<i64>()
                .map(XmlRpcValue::Int)
                .map_err(|_| invalid("is not an integer that fits in 64 bits")),
            ScalarKind::Boolean => match trimmed {
                "1" => Ok(XmlRpcValue::Bool(true)),
                "0" => Ok(XmlRpcValue::Bool(false)),
                other if other.eq_ignore_ascii_case("true") => Ok(XmlRpcValue::Bool(true)),
                other if other.eq_ignore_ascii_case("false") => Ok(XmlRpcValue::Bool(false)),
                _ => Err(invalid("is not 0 or 1")),
            },
            // Rust reads what Python's `float()` writes: `1e-05`, `inf`, `-inf`, `nan`.
            ScalarKind::Double => {
                trimmed.parse::<f64>().map(XmlRpcValue::Double).map_err(|_| invalid("is not a number"))
            }
            ScalarKind::Base64 => {
                let compact: String = text.chars().filter(|character| !character.is_ascii_whitespace()).collect();
                LENIENT_BASE64
                    .decode(compact.as_bytes())
                    .map(XmlRpcValue::Base64)
                    .map_err(|error| invalid(&format!("is not base64 ({error})")))
            }
        }
    }

    /// A `<fault>`'s struct as a [`Fault`]. A string `faultCode` (the legacy `/xmlrpc/` route puts
    /// the exception's message there) becomes code 0 with the text on the first line of the string.
    fn fault_from_value(&self, value: &XmlRpcValue) -> Result<Fault, CodecError> {
        let XmlRpcValue::Struct(_) = value else {
            return Err(self.error(CodecErrorKind::Missing("a struct of faultCode and faultString in <fault>")));
        };
        let string = match value.member("faultString") {
            Some(XmlRpcValue::String(text)) => text.clone(),
            Some(_) | None => String::new(),
        };
        match value.member("faultCode") {
            Some(XmlRpcValue::Int(code)) => Ok(Fault { code: *code, string }),
            #[allow(clippy::cast_possible_truncation)] // checked whole and in range
            Some(XmlRpcValue::Double(code)) if code.fract() == 0.0 && code.abs() < 9.0e15 => {
                Ok(Fault { code: *code as i64, string })
            }
            Some(XmlRpcValue::String(text)) => match text.trim().parse::<i64>() {
                Ok(code) => Ok(Fault { code, string }),
                Err(_) if string.is_empty() => Ok(Fault { code: 0, string: text.clone() }),
                Err(_) => Ok(Fault { code: 0, string: format!("{text}\n{string}") }),
            },
            _ => Err(self.error(CodecErrorKind::Missing("an int faultCode in the fault struct"))),
        }
    }
}

/// What a finished element hands to its parent.
enum Finished {
    /// Not computed yet: the element's frame holds it.
    Pending,
    Value(XmlRpcValue),
    Values(Vec<XmlRpcValue>),
    Text(String),
    Member(String, XmlRpcValue),
    Fault(Fault),
}

/// An element name without its namespace prefix (`ex:nil` → `nil`).
fn local_name(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// The text of `&name;`: the five XML entities and character references.
fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Option<Cow<'static, str>> {
    if reference.is_char_ref() {
        return reference.resolve_char_ref().ok().flatten().map(|character| Cow::Owned(character.to_string()));
    }
    let text = match &**reference {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    };
    Some(Cow::Borrowed(text))
}

/// `text` cut to 40 characters for an error message.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    let text = text.trim();
    if text.chars().count() <= LIMIT {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(LIMIT).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(value: &str) -> Vec<u8> {
        format!("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n{value}\n</param>\n</params>\n</methodResponse>\n")
            .into_bytes()
    }

    fn decode_value(value: &str) -> XmlRpcValue {
        decode_response(&response(value)).expect("decodes").expect("not a fault")
    }

    fn decode_error(value: &str) -> CodecError {
        decode_response(&response(value)).expect_err("malformed")
    }

    fn round_trip(value: XmlRpcValue) {
        let xml = encode_response(&Ok(value.clone()));
        assert_eq!(decode_response(xml.as_bytes()).unwrap(), Ok(value), "{xml}");
    }

    #[test]
    fn integers_in_every_spelling() {
        for element in ["int", "i4", "i8", "i1", "i2", "biginteger"] {
            assert_eq!(decode_value(&format!("<value><{element}> -42 </{element}></value>")), XmlRpcValue::Int(-42));
        }
        assert_eq!(
            decode_value("<value><ex:i8>9007199254740993</ex:i8></value>"),
            XmlRpcValue::Int(9_007_199_254_740_993)
        );
    }

    #[test]
    fn integers_outside_32_bits_are_written_as_i8() {
        let xml = encode_response(&Ok(XmlRpcValue::Int(1 << 40)));
        assert!(xml.contains("<i8>1099511627776</i8>"), "{xml}");
        assert!(encode_response(&Ok(XmlRpcValue::Int(7))).contains("<int>7</int>"));
        round_trip(XmlRpcValue::Int(i64::MIN));
        round_trip(XmlRpcValue::Int(i64::MAX));
    }

    #[test]
    fn booleans() {
        assert_eq!(decode_value("<value><boolean>1</boolean></value>"), XmlRpcValue::Bool(true));
        assert_eq!(decode_value("<value><boolean>0</boolean></value>"), XmlRpcValue::Bool(false));
        round_trip(XmlRpcValue::Bool(true));
        let error = decode_error("<value><boolean>2</boolean></value>");
        assert!(matches!(error.kind, CodecErrorKind::InvalidScalar { .. }), "{error}");
        assert!(error.to_string().contains("<boolean> holds `2`, which is not 0 or 1"), "{error}");
    }

    #[test]
    fn doubles_as_python_writes_them() {
        for (text, expected) in [("0.0", 0.0), ("1.5", 1.5), ("1e-05", 1e-5), ("1e+16", 1e16), ("-2.5E3", -2500.0)] {
            assert_eq!(decode_value(&format!("<value><double>{text}</double></value>")), XmlRpcValue::Double(expected));
        }
        assert_eq!(decode_value("<value><double>inf</double></value>"), XmlRpcValue::Double(f64::INFINITY));
        assert_eq!(decode_value("<value><float>-inf</float></value>"), XmlRpcValue::Double(f64::NEG_INFINITY));
        let XmlRpcValue::Double(nan) = decode_value("<value><double>nan</double></value>") else { panic!() };
        assert!(nan.is_nan());
        assert!(decode_error("<value><double>1,5</double></value>").to_string().contains("is not a number"));
    }

    #[test]
    fn doubles_are_written_in_plain_decimal() {
        assert_eq!(format_double(1.0), "1.0");
        assert_eq!(format_double(-0.0), "-0.0");
        assert_eq!(format_double(1e-5), "0.00001");
        assert_eq!(format_double(3_000_000_000.0), "3000000000.0");
        assert_eq!(format_double(f64::NAN), "nan");
        assert_eq!(format_double(f64::NEG_INFINITY), "-inf");
        for number in [0.1, 1.0 / 3.0, 1e300, 5e-324, f64::MAX, f64::INFINITY] {
            round_trip(XmlRpcValue::Double(number));
        }
    }

    #[test]
    fn strings_typed_untyped_and_empty() {
        assert_eq!(decode_value("<value><string>a b</string></value>"), XmlRpcValue::String("a b".into()));
        assert_eq!(decode_value("<value>  untyped  </value>"), XmlRpcValue::String("  untyped  ".into()));
        assert_eq!(decode_value("<value><string/></value>"), XmlRpcValue::String(String::new()));
        assert_eq!(decode_value("<value><string></string></value>"), XmlRpcValue::String(String::new()));
        assert_eq!(decode_value("<value></value>"), XmlRpcValue::String(String::new()));
        assert_eq!(decode_value("<value/>"), XmlRpcValue::String(String::new()));
        round_trip(XmlRpcValue::String(String::new()));
    }

    #[test]
    fn escaping_both_ways() {
        let text = "a & b < c > d \"q\" 'a' \r\n\ttab";
        let xml = encode_response(&Ok(XmlRpcValue::String(text.into())));
        assert!(xml.contains("a &amp; b &lt; c &gt; d \"q\" 'a' &#13;\n\ttab"), "{xml}");
        round_trip(XmlRpcValue::String(text.into()));
        assert_eq!(
            decode_value("<value><string>&amp;&lt;&gt;&quot;&apos;&#233;&#x1F600;<![CDATA[<raw>]]></string></value>"),
            XmlRpcValue::String("&<>\"'é😀<raw>".into())
        );
    }

    #[test]
    fn control_characters_are_left_out_when_encoding_and_tolerated_when_decoding() {
        let xml = encode_call("m", &[XmlRpcValue::String("a\u{1}b\u{0}c\u{1f}d\u{fffe}".into())]);
        assert!(xml.contains("<string>abcd</string>"), "{xml}");
        assert_eq!(
            decode_value("<value><string>a\u{1}b&#2;</string></value>"),
            XmlRpcValue::String("a\u{1}b\u{2}".into())
        );
    }

    #[test]
    fn non_ascii_and_four_byte_text() {
        round_trip(XmlRpcValue::String("Zoë, Łódź, 東京, 🎫🚀 مرحبا".into()));
        round_trip(XmlRpcValue::Struct(vec![("clé 🔑".into(), XmlRpcValue::String("ü".into()))]));
    }

    #[test]
    fn date_times_are_kept_as_written() {
        assert_eq!(
            decode_value("<value><dateTime.iso8601>20260329T01:30:00</dateTime.iso8601></value>"),
            XmlRpcValue::DateTime("20260329T01:30:00".into())
        );
        round_trip(XmlRpcValue::DateTime("2026-03-29T01:30:00".into()));
    }

    #[test]
    fn base64_with_line_breaks_and_without_padding() {
        assert_eq!(
            decode_value("<value><base64>aGVs\nbG8g\r\n  d29y bGQ=\n</base64></value>"),
            XmlRpcValue::Base64(b"hello world".to_vec())
        );
        assert_eq!(decode_value("<value><base64>aGk</base64></value>"), XmlRpcValue::Base64(b"hi".to_vec()));
        assert_eq!(decode_value("<value><base64/></value>"), XmlRpcValue::Base64(Vec::new()));
        round_trip(XmlRpcValue::Base64((0..=255).collect()));
        assert!(decode_error("<value><base64>a*b</base64></value>").to_string().contains("is not base64"));
    }

    #[test]
    fn nil_in_every_form() {
        for nil in ["<nil/>", "<nil></nil>", "<ex:nil/>", "<nil> </nil>"] {
            assert_eq!(decode_value(&format!("<value>{nil}</value>")), XmlRpcValue::Nil);
        }
        round_trip(XmlRpcValue::Nil);
    }

    #[test]
    fn structs_and_arrays_nested_with_python_whitespace() {
        let xml = "<value><struct>\n<member>\n<name>id</name>\n<value><int>7</int></value>\n</member>\n\
                   <member>\n<name>partner_id</name>\n<value><array><data>\n<value><int>3</int></value>\n\
                   <value><string>Zoë</string></value>\n</data></array></value>\n</member>\n\
                   <member><name>empty</name><value><array><data/></array></value></member>\n\
                   <member><name>bare</name><value><array/></value></member>\n\
                   <member><name>none</name><value><struct/></value></member>\n</struct></value>";
        assert_eq!(
            decode_value(xml),
            XmlRpcValue::Struct(vec![
                ("id".into(), XmlRpcValue::Int(7)),
                ("partner_id".into(), XmlRpcValue::Array(vec![XmlRpcValue::Int(3), XmlRpcValue::String("Zoë".into())])),
                ("empty".into(), XmlRpcValue::Array(vec![])),
                ("bare".into(), XmlRpcValue::Array(vec![])),
                ("none".into(), XmlRpcValue::Struct(vec![])),
            ])
        );
    }

    #[test]
    fn deep_nesting_up_to_the_limit_and_a_clear_error_beyond() {
        let mut value = XmlRpcValue::Int(1);
        for _ in 0..MAX_NESTING {
            value = XmlRpcValue::Array(vec![value]);
        }
        round_trip(value);
        let depth = 100_000;
        let hostile = format!(
            "{}<value><int>1</int></value>{}",
            "<value><array><data>".repeat(depth),
            "</data></array></value>".repeat(depth)
        );
        let error = decode_error(&hostile);
        assert_eq!(error.kind, CodecErrorKind::TooDeep { limit: MAX_NESTING });
        assert!(error.path.contains("elements deep"), "{}", error.path);
    }

    #[test]
    fn encoding_a_very_deep_value_does_not_recurse() {
        let mut value = XmlRpcValue::Nil;
        for _ in 0..100_000 {
            value = XmlRpcValue::Struct(vec![("k".into(), value)]);
        }
        let xml = encode_call("deep", std::slice::from_ref(&value));
        assert!(xml.len() > 100_000 * 20);
        // Take the value apart by hand: the derived drop would recurse.
        let mut pending = vec![value];
        while let Some(value) = pending.pop() {
            if let XmlRpcValue::Struct(members) = value {
                pending.extend(members.into_iter().map(|(_, value)| value));
            }
        }
    }

    #[test]
    fn calls_both_ways() {
        let params = vec![XmlRpcValue::String("db".into()), XmlRpcValue::Int(2), XmlRpcValue::Array(vec![])];
        let xml = encode_call("execute_kw", &params);
        assert!(xml.starts_with("<?xml version=\"1.0\"?>\n<methodCall>\n<methodName>execute_kw</methodName>\n"));
        assert_eq!(decode_call(xml.as_bytes()).unwrap(), ("execute_kw".into(), params));
        assert_eq!(
            decode_call(b"<methodCall><methodName>version</methodName></methodCall>").unwrap(),
            ("version".into(), vec![])
        );
        let error = decode_call(b"<methodCall><params/></methodCall>").unwrap_err();
        assert_eq!(error.kind, CodecErrorKind::Missing("<methodName>"));
    }

    #[test]
    fn responses_in_both_odoo_envelopes() {
        let odoo_16 = b"<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>2</int></value>\n</param>\n</params>\n</methodResponse>\n";
        let odoo_17 = b"<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><int>2</int></value>\n</param>\n</params>\n\n</methodResponse>\n";
        for xml in [&odoo_16[..], &odoo_17[..]] {
            assert_eq!(decode_response(xml).unwrap(), Ok(XmlRpcValue::Int(2)));
        }
        assert_eq!(
            decode_response(
                b"\xEF\xBB\xBF<methodResponse><params><param><value>x</value></param></params></methodResponse>"
            )
            .unwrap(),
            Ok(XmlRpcValue::String("x".into()))
        );
    }

    #[test]
    fn faults_with_int_and_legacy_string_codes() {
        let fault = Fault { code: 4, string: "You are not allowed to access 'Helpdesk Ticket'".into() };
        let xml = encode_response(&Err(fault.clone()));
        assert!(
            xml.contains("<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>4</int></value>"),
            "{xml}"
        );
        assert_eq!(decode_response(xml.as_bytes()).unwrap(), Err(fault));
        let legacy = b"<methodResponse><fault><value><struct>\
            <member><name>faultCode</name><value><string>Access Denied</string></value></member>\
            <member><name>faultString</name><value><string>Traceback\nAccessDenied</string></value></member>\
            </struct></value></fault></methodResponse>";
        assert_eq!(
            decode_response(legacy).unwrap(),
            Err(Fault { code: 0, string: "Access Denied\nTraceback\nAccessDenied".into() })
        );
        let numeric_text = b"<methodResponse><fault><value><struct><member><name>faultCode</name><value>3</value></member>\
            <member><name>faultString</name><value>Access Denied</value></member></struct></value></fault></methodResponse>";
        assert_eq!(decode_response(numeric_text).unwrap(), Err(Fault { code: 3, string: "Access Denied".into() }));
        let not_struct = b"<methodResponse><fault><value><int>1</int></value></fault></methodResponse>";
        assert!(decode_response(not_struct).unwrap_err().to_string().contains("faultCode and faultString"));
    }

    #[test]
    fn errors_say_where() {
        let error = decode_error("<value><array><data><value><int>12x</int></value></data></array></value>");
        assert_eq!(error.path, "methodResponse/params/param/value/array/data/value/int");
        assert!(error.to_string().starts_with("malformed XML-RPC at byte "), "{error}");
        assert!(error.to_string().contains("<int> holds `12x`, which is not an integer"), "{error}");
        let at = std::str::from_utf8(&response("")).unwrap().len() as u64;
        let error = decode_error("<value><int>1</value>");
        assert!(matches!(error.kind, CodecErrorKind::Syntax(_)), "{error}");
        assert!(error.offset > 0 && error.offset < at + 40, "{error}");
    }

    #[test]
    fn structural_errors() {
        let cases: &[(&[u8], &str)] = &[
            (b"<methodCall/>", "unexpected element <methodCall>; expected <methodResponse>"),
            (b"", "missing <methodResponse>"),
            (b"<methodResponse><params><param><value><int>1</int></value></param>", "truncated"),
            (b"<methodResponse><params/></methodResponse>", "exactly one <param>"),
            (b"<methodResponse></methodResponse>", "missing <params> or <fault>"),
            (b"<methodResponse><params><param><value><foo/></value></param></params></methodResponse>", "expected a type"),
            (b"<methodResponse><params><param><value>x<int>1</int></value></param></params></methodResponse>", "unexpected text `x`"),
            (b"<methodResponse><params><param><value><int>1</int>x</value></param></params></methodResponse>", "unexpected text `x`"),
            (b"<methodResponse><params><param><value><array>1</array></value></param></params></methodResponse>", "unexpected text `1`"),
            (b"<methodResponse><params><param><value><struct><member><value/></member></struct></value></param></params></methodResponse>", "missing <name> in <member>"),
            (b"<methodResponse><params><param><value><string>&nbsp;</string></value></param></params></methodResponse>", "`&nbsp;`"),
            (b"<methodResponse><params><param><value><string>\xff</string></value></param></params></methodResponse>", "not UTF-8"),
            (b"<methodResponse><params><param><value>1</value></param></params></methodResponse><x/>", "expected the end of the document"),
        ];
        for (xml, expected) in cases {
            let error = decode_response(xml).expect_err(std::str::from_utf8(xml).unwrap_or("bytes"));
            assert!(error.to_string().contains(expected), "{error} does not contain {expected}");
        }
        let error = decode_response(
            b"<methodResponse><params><param><value><string>\xff</string></value></param></params></methodResponse>",
        )
        .unwrap_err();
        assert_eq!(error.offset, 46, "the byte after `<string>`");
    }
}
