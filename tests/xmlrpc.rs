//! The Odoo XML-RPC codec cross-checked against Python's standard library (the marshaller Odoo
//! itself uses), and the client against a small XML-RPC server on 127.0.0.1.
//!
//! Python reads what we write (`xmlrpc.client.loads`) and prints it as tagged JSON; Python writes
//! (`xmlrpc.client.dumps`, `methodresponse=True`, `allow_none=True`) and we read.

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use cutover::drivers::odoo::{
    ApiKey, Fault, FaultKind, OdooClient, OdooClientConfig, OdooError, XmlRpcValue, decode_call, decode_response,
    encode_call, encode_response,
};

/// Run `script` with `input` on standard input and return its standard output.
#[track_caller]
fn python(script: &str, input: &[u8]) -> String {
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python3 failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Python: read a methodCall and print its method and parameters as tagged JSON.
const LOADS: &str = r#"
import sys, json, math, datetime, xmlrpc.client
def tag(v):
    if v is None: return {"nil": None}
    if isinstance(v, bool): return {"boolean": v}
    if isinstance(v, int): return {"int": str(v)}
    if isinstance(v, float):
        if math.isnan(v): return {"double": "nan"}
        if math.isinf(v): return {"double": "inf" if v > 0 else "-inf"}
        return {"double": repr(v)}
    if isinstance(v, str): return {"string": v}
    if isinstance(v, bytes): return {"base64": v.hex()}
    if isinstance(v, datetime.datetime): return {"dateTime": v.strftime("%Y%m%dT%H:%M:%S")}
    if isinstance(v, list): return {"array": [tag(x) for x in v]}
    if isinstance(v, dict): return {"struct": [[k, tag(x)] for k, x in v.items()]}
    raise TypeError(type(v))
params, method = xmlrpc.client.loads(sys.stdin.buffer.read(), use_builtin_types=True)
# The last parameter nests too deep for JSON readers; Python's repr shows its shape.
print(json.dumps({"method": method, "params": [tag(p) for p in params[:-1]], "last": repr(params[-1])}))
"#;

/// Assert that Python's tagged reading `seen` is `value`.
#[track_caller]
fn assert_python_read(value: &XmlRpcValue, seen: &Value, at: &str) {
    let (tag, inner) = seen.as_object().and_then(|object| object.iter().next()).expect("a tagged value");
    match value {
        XmlRpcValue::Int(number) => {
            assert_eq!((tag.as_str(), inner.as_str()), ("int", Some(&*number.to_string())), "{at}")
        }
        XmlRpcValue::Bool(flag) => assert_eq!((tag.as_str(), inner.as_bool()), ("boolean", Some(*flag)), "{at}"),
        XmlRpcValue::String(text) => {
            // Characters XML cannot carry are left out by the encoder.
            let expected: String = text
                .chars()
                .filter(|c| !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}'))
                .collect();
            assert_eq!((tag.as_str(), inner.as_str()), ("string", Some(expected.as_str())), "{at}");
        }
        XmlRpcValue::Double(number) => {
            assert_eq!(tag, "double", "{at}");
            let read: f64 = inner.as_str().unwrap().parse().unwrap();
            assert!(
                read.to_bits() == number.to_bits() || (read.is_nan() && number.is_nan()),
                "{at}: {read} != {number}"
            );
        }
        XmlRpcValue::DateTime(text) => {
            assert_eq!((tag.as_str(), inner.as_str()), ("dateTime", Some(text.as_str())), "{at}")
        }
        XmlRpcValue::Base64(bytes) => {
            let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
            assert_eq!((tag.as_str(), inner.as_str()), ("base64", Some(hex.as_str())), "{at}");
        }
        XmlRpcValue::Nil => assert_eq!(tag, "nil", "{at}"),
        XmlRpcValue::Array(values) => {
            assert_eq!(tag, "array", "{at}");
            let seen = inner.as_array().unwrap();
            assert_eq!(seen.len(), values.len(), "{at}");
            for (index, (value, seen)) in values.iter().zip(seen).enumerate() {
                assert_python_read(value, seen, &format!("{at}[{index}]"));
            }
        }
        XmlRpcValue::Struct(members) => {
            assert_eq!(tag, "struct", "{at}");
            let seen = inner.as_array().unwrap();
            assert_eq!(seen.len(), members.len(), "{at}");
            for ((name, value), seen) in members.iter().zip(seen) {
                assert_eq!(seen[0].as_str(), Some(name.as_str()), "{at}");
                assert_python_read(value, &seen[1], &format!("{at}.{name}"));
            }
        }
    }
}

fn string(text: &str) -> XmlRpcValue {
    XmlRpcValue::String(text.into())
}

fn members(pairs: Vec<(&str, XmlRpcValue)>) -> XmlRpcValue {
    XmlRpcValue::Struct(pairs.into_iter().map(|(name, value)| (name.to_owned(), value)).collect())
}

/// How deep the deepest value of [`rich_values`] nests: arrays and structs by turns.
const DEEP_LEVELS: usize = 150;

/// Values of every type, with the awkward cases; the deeply nested one comes last.
fn rich_values() -> Vec<XmlRpcValue> {
    let mut deep = XmlRpcValue::Int(42);
    for level in 0..DEEP_LEVELS {
        deep = if level % 2 == 0 { XmlRpcValue::Array(vec![deep]) } else { members(vec![("d", deep)]) };
    }
    vec![
        XmlRpcValue::Int(0),
        XmlRpcValue::Int(-2_147_483_648),
        XmlRpcValue::Int(2_147_483_647),
        XmlRpcValue::Int(9_007_199_254_740_993),
        XmlRpcValue::Int(i64::MIN),
        XmlRpcValue::Bool(true),
        XmlRpcValue::Bool(false),
        string("plain"),
        string(""),
        string("a & b < c > d \"quoted\" 'single' ]]> &amp;"),
        string("lines\nand\r\nreturns\rand\ttabs  "),
        string("control \u{1}\u{8}\u{b}\u{1f} dropped"),
        string("Zoë Łódź 東京 مرحبا 🎫🚀👩‍💻 \u{10FFFF}"),
        string("   "),
        XmlRpcValue::Double(0.0),
        XmlRpcValue::Double(-0.0),
        XmlRpcValue::Double(1.5),
        XmlRpcValue::Double(0.1),
        XmlRpcValue::Double(1e-5),
        XmlRpcValue::Double(3_000_000_000.0),
        XmlRpcValue::Double(1e300),
        XmlRpcValue::Double(5e-324),
        XmlRpcValue::Double(f64::INFINITY),
        XmlRpcValue::Double(f64::NEG_INFINITY),
        XmlRpcValue::Double(f64::NAN),
        XmlRpcValue::DateTime("20260329T01:30:00".into()),
        XmlRpcValue::Base64(Vec::new()),
        XmlRpcValue::Base64((0..=255).cycle().take(1000).collect()),
        XmlRpcValue::Nil,
        XmlRpcValue::Array(vec![]),
        members(vec![]),
        members(vec![
            ("id", XmlRpcValue::Int(7)),
            ("partner_id", XmlRpcValue::Array(vec![XmlRpcValue::Int(3), string("Zoë & Co <b>")])),
            ("clé 🔑 & <name>", string("value")),
            ("", string("empty name")),
            ("tag_ids", XmlRpcValue::Array(vec![XmlRpcValue::Int(1), XmlRpcValue::Int(2)])),
            ("context", members(vec![("active_test", XmlRpcValue::Bool(false)), ("lang", string("en_US"))])),
            ("nothing", XmlRpcValue::Nil),
        ]),
        deep,
    ]
}

#[test]
fn python_reads_what_we_write() {
    let values = rich_values();
    let xml = encode_call("execute_kw.probe", &values);
    let seen: Value = serde_json::from_str(&python(LOADS, xml.as_bytes())).unwrap();
    assert_eq!(seen["method"], "execute_kw.probe");
    let params = seen["params"].as_array().unwrap();
    assert_eq!(params.len(), values.len() - 1);
    for (index, (value, seen)) in values.iter().zip(params).enumerate() {
        assert_python_read(value, seen, &format!("param {index}"));
    }
    let mut deep = "42".to_owned();
    for level in 0..DEEP_LEVELS {
        deep = if level % 2 == 0 { format!("[{deep}]") } else { format!("{{'d': {deep}}}") };
    }
    assert_eq!(seen["last"], deep.as_str());
    // And we read our own writing back unchanged (but for the characters left out).
    let (method, decoded) = decode_call(xml.as_bytes()).unwrap();
    assert_eq!(method, "execute_kw.probe");
    assert_eq!(decoded.len(), values.len());
    for (index, (value, decoded)) in values.iter().zip(&decoded).enumerate() {
        match value {
            XmlRpcValue::Double(number) if number.is_nan() => {
                assert!(matches!(decoded, XmlRpcValue::Double(read) if read.is_nan()), "param {index}");
            }
            XmlRpcValue::String(text) if text.starts_with("control") => {
                assert_eq!(decoded, &string("control  dropped"), "param {index}");
            }
            _ => assert_eq!(value, decoded, "param {index}"),
        }
    }
}

/// Python: write a list of responses (values and a fault) and print them as a JSON list of texts.
const DUMPS: &str = r#"
import json, xmlrpc.client
from xmlrpc.client import dumps, Binary, DateTime, Fault
def response(value):
    return dumps((value,), methodresponse=True, allow_none=True)
nested = 42
for level in range(150):
    nested = [nested] if level % 2 == 0 else {"d": nested}
documents = [
    response(7),
    response(-2147483648),
    response(True),
    response(False),
    response("a & b < c > d \"q\" 'a' ]]>"),
    response(""),
    response("Zoë 東京 🎫🚀 \U0010FFFF"),
    response("lines\nand\r\nreturns\tand tabs"),
    response(1.5),
    response(1e-05),
    response(1e+16),
    response(float(2**40)),
    response(float(2**53 + 2)),
    response(float("inf")),
    response(float("-inf")),
    response(None),
    response(DateTime("20260329T01:30:00")),
    response(Binary(bytes(range(256)) * 4)),
    response(Binary(b"")),
    response([]),
    response({}),
    response({"id": 7, "partner_id": [3, "Zoë & Co"], "tag_ids": [1, 2], "write_date": "2026-03-29 01:30:00",
              "description": "<p>Hi &amp; bye</p>", "active": False, "empty": None, "nested": {"a": [{"b": []}]}}),
    response(nested),
    dumps(Fault(4, "You are not allowed to access 'Helpdesk Ticket' (helpdesk.ticket) records.\n\nThis operation is allowed for the following groups:\n\t- Helpdesk/User"), methodresponse=True),
    dumps(Fault(1, "Traceback (most recent call last):\n  File \"odoo/http.py\"\nValueError: Invalid field 'x' on model 'helpdesk.ticket'\n"), methodresponse=True),
    dumps(("arg", 1), methodname="echo", allow_none=True),
]
print(json.dumps(documents))
"#;

#[test]
fn we_read_what_python_writes() {
    let documents: Vec<String> = serde_json::from_str(&python(DUMPS, b"")).unwrap();
    let mut nested = XmlRpcValue::Int(42);
    for level in 0..150 {
        nested = if level % 2 == 0 { XmlRpcValue::Array(vec![nested]) } else { members(vec![("d", nested)]) };
    }
    let expected: Vec<Result<XmlRpcValue, Fault>> = vec![
        Ok(XmlRpcValue::Int(7)),
        Ok(XmlRpcValue::Int(-2_147_483_648)),
        Ok(XmlRpcValue::Bool(true)),
        Ok(XmlRpcValue::Bool(false)),
        Ok(string("a & b < c > d \"q\" 'a' ]]>")),
        Ok(string("")),
        Ok(string("Zoë 東京 🎫🚀 \u{10FFFF}")),
        // Python writes a carriage return raw; XML reads it as a line feed, in Python too.
        Ok(string("lines\nand\nreturns\tand tabs")),
        Ok(XmlRpcValue::Double(1.5)),
        Ok(XmlRpcValue::Double(1e-5)),
        Ok(XmlRpcValue::Double(1e16)),
        Ok(XmlRpcValue::Double(1_099_511_627_776.0)),
        Ok(XmlRpcValue::Double(9_007_199_254_740_994.0)),
        Ok(XmlRpcValue::Double(f64::INFINITY)),
        Ok(XmlRpcValue::Double(f64::NEG_INFINITY)),
        Ok(XmlRpcValue::Nil),
        Ok(XmlRpcValue::DateTime("20260329T01:30:00".into())),
        Ok(XmlRpcValue::Base64((0..=255).cycle().take(1024).collect())),
        Ok(XmlRpcValue::Base64(Vec::new())),
        Ok(XmlRpcValue::Array(vec![])),
        Ok(members(vec![])),
        Ok(members(vec![
            ("id", XmlRpcValue::Int(7)),
            ("partner_id", XmlRpcValue::Array(vec![XmlRpcValue::Int(3), string("Zoë & Co")])),
            ("tag_ids", XmlRpcValue::Array(vec![XmlRpcValue::Int(1), XmlRpcValue::Int(2)])),
            ("write_date", string("2026-03-29 01:30:00")),
            ("description", string("<p>Hi &amp; bye</p>")),
            ("active", XmlRpcValue::Bool(false)),
            ("empty", XmlRpcValue::Nil),
            (
                "nested",
                members(vec![("a", XmlRpcValue::Array(vec![members(vec![("b", XmlRpcValue::Array(vec![]))])]))]),
            ),
        ])),
        Ok(nested),
        Err(Fault {
            code: 4,
            string: "You are not allowed to access 'Helpdesk Ticket' (helpdesk.ticket) records.\n\nThis operation is \
                     allowed for the following groups:\n\t- Helpdesk/User"
                .into(),
        }),
        Err(Fault {
            code: 1,
            string: "Traceback (most recent call last):\n  File \"odoo/http.py\"\nValueError: Invalid field 'x' on \
                     model 'helpdesk.ticket'\n"
                .into(),
        }),
    ];
    assert_eq!(documents.len(), expected.len() + 1);
    for (index, (document, expected)) in documents.iter().zip(&expected).enumerate() {
        let decoded = decode_response(document.as_bytes()).unwrap_or_else(|error| panic!("document {index}: {error}"));
        assert_eq!(&decoded, expected, "document {index}:\n{document}");
    }
    // Python's base64 is split over lines; that is what the tolerant decoder is for.
    assert!(documents[17].contains("\n"), "{}", documents[17]);
    let call = decode_call(documents.last().unwrap().as_bytes()).unwrap();
    assert_eq!(call, ("echo".to_owned(), vec![string("arg"), XmlRpcValue::Int(1)]));
}

#[test]
fn python_reads_our_faults_and_responses() {
    let script = r#"
import sys, json, xmlrpc.client
try:
    (value,), _ = xmlrpc.client.loads(sys.stdin.buffer.read())
    print(json.dumps({"value": value}))
except xmlrpc.client.Fault as fault:
    print(json.dumps({"code": fault.faultCode, "string": fault.faultString}))
"#;
    let fault = Fault { code: 2, string: "Object helpdesk.ticket doesn't exist & <that> is that 🎫".into() };
    let seen: Value = serde_json::from_str(&python(script, encode_response(&Err(fault.clone())).as_bytes())).unwrap();
    assert_eq!(seen, serde_json::json!({"code": 2, "string": fault.string}));
    let value = members(vec![("uid", XmlRpcValue::Int(2)), ("name", string("Zoë"))]);
    let seen: Value = serde_json::from_str(&python(script, encode_response(&Ok(value)).as_bytes())).unwrap();
    assert_eq!(seen, serde_json::json!({"value": {"uid": 2, "name": "Zoë"}}));
}

// The client against a small server.

const GOOD_KEY: &str = "good-api-key";

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

/// `/xmlrpc/2/common`: version and authenticate.
async fn common(body: Bytes) -> Response {
    let (method, params) = decode_call(&body).expect("the client sends well-formed calls");
    let result = match method.as_str() {
        "version" => Ok(members(vec![
            ("server_version", string("17.0+e")),
            (
                "server_version_info",
                XmlRpcValue::Array(vec![
                    XmlRpcValue::Int(17),
                    XmlRpcValue::Int(0),
                    XmlRpcValue::Int(0),
                    string("final"),
                    XmlRpcValue::Int(0),
                    string("e"),
                ]),
            ),
            ("server_serie", string("17.0")),
            ("protocol_version", XmlRpcValue::Int(1)),
        ])),
        "authenticate" => match (&params[0], &params[2]) {
            (XmlRpcValue::String(database), _) if database == "missing" => Err(Fault {
                code: 1,
                string: "Traceback (most recent call last):\npsycopg2.OperationalError: connection to server failed: \
                         FATAL:  database \"missing\" does not exist\n"
                    .into(),
            }),
            (_, XmlRpcValue::String(key)) if key == GOOD_KEY => Ok(XmlRpcValue::Int(2)),
            _ => Ok(XmlRpcValue::Bool(false)),
        },
        other => Err(Fault { code: 1, string: format!("AttributeError: no method {other}") }),
    };
    xml(encode_response(&result))
}

/// `/xmlrpc/2/object`: execute_kw with a few models and the faults the digest lists.
async fn object(body: Bytes) -> Response {
    let (method, params) = decode_call(&body).expect("the client sends well-formed calls");
    assert_eq!(method, "execute_kw");
    let [database, uid, key, model, method, args, kwargs] = &params[..] else { panic!("7 parameters: {params:?}") };
    assert_eq!((database, uid), (&string("acme"), &XmlRpcValue::Int(2)));
    let (XmlRpcValue::String(model), XmlRpcValue::String(method)) = (model, method) else { panic!() };
    let result = if key != &string(GOOD_KEY) {
        Err(Fault { code: 3, string: "Access Denied".into() })
    } else if method.starts_with('_') {
        Err(Fault { code: 4, string: format!("Private methods (such as {model}.{method}) cannot be called remotely.") })
    } else {
        match model.as_str() {
            "helpdesk.ticket" => Ok(XmlRpcValue::Array(vec![members(vec![
                ("id", XmlRpcValue::Int(1)),
                ("args", args.clone()),
                ("kwargs", kwargs.clone()),
            ])])),
            "helpdesk.team" => Err(Fault { code: 2, string: "Object helpdesk.team doesn't exist".into() }),
            "mail.message" => {
                Err(Fault { code: 4, string: "You are not allowed to access 'Message' (mail.message) records.".into() })
            }
            _ => Err(Fault {
                code: 1,
                string: "Traceback (most recent call last):\n  File \"odoo/models.py\"\nValueError: Invalid field \
                         'nope' on model 'res.partner'\n"
                    .into(),
            }),
        }
    };
    xml(encode_response(&result))
}

async fn bad_gateway() -> Response {
    (StatusCode::BAD_GATEWAY, "<html>502 Bad Gateway</html>").into_response()
}

async fn held() -> Response {
    tokio::time::sleep(Duration::from_secs(30)).await;
    xml(encode_response(&Ok(XmlRpcValue::Int(1))))
}

async fn login_page() -> Response {
    ([(header::CONTENT_TYPE, "text/html")], "<!DOCTYPE html><html><body>Login</body></html>").into_response()
}

fn app() -> Router {
    Router::new()
        .route("/xmlrpc/2/common", post(common))
        .route("/xmlrpc/2/object", post(object))
        .route("/bad-gateway/xmlrpc/2/common", post(bad_gateway))
        .route("/held/xmlrpc/2/common", post(held))
        .route("/html/xmlrpc/2/common", post(login_page))
}

async fn serve_on(listener: tokio::net::TcpListener) {
    axum::serve(listener, app()).await.unwrap();
}

async fn server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve_on(listener));
    address
}

/// A client with test-sized waits; `timeout` is generous so a busy machine cannot fail a call.
fn client(base_url: String) -> OdooClient {
    client_with_timeout(base_url, Duration::from_secs(10))
}

fn client_with_timeout(base_url: String, timeout: Duration) -> OdooClient {
    let mut config = OdooClientConfig::new(base_url);
    config.timeout = timeout;
    config.connect_retry_delay = Duration::from_millis(50);
    OdooClient::new(config).unwrap()
}

#[tokio::test]
async fn version_authenticate_and_execute_kw() {
    let address = server().await;
    let mut odoo = client(format!("http://{address}/"));
    let version = odoo.version().await.unwrap();
    assert_eq!((version.server_version.as_str(), version.major), ("17.0+e", Some(17)));

    let uid = odoo.authenticate("acme", "bot@acme.test", ApiKey::new(GOOD_KEY)).await.unwrap();
    assert_eq!((uid, odoo.uid()), (2, Some(2)));
    assert!(!format!("{odoo:?}").contains(GOOD_KEY));

    let domain = XmlRpcValue::Array(vec![XmlRpcValue::Array(vec![
        string("stage_id.fold"),
        string("="),
        XmlRpcValue::Bool(false),
    ])]);
    let kwargs = vec![
        ("fields".to_owned(), XmlRpcValue::Array(vec![string("name"), string("partner_id")])),
        ("limit".to_owned(), XmlRpcValue::Int(100)),
        ("context".to_owned(), members(vec![("active_test", XmlRpcValue::Bool(false))])),
    ];
    let rows = odoo.execute_kw("helpdesk.ticket", "search_read", vec![domain.clone()], kwargs.clone()).await.unwrap();
    assert_eq!(
        rows,
        XmlRpcValue::Array(vec![members(vec![
            ("id", XmlRpcValue::Int(1)),
            ("args", XmlRpcValue::Array(vec![domain])),
            ("kwargs", XmlRpcValue::Struct(kwargs)),
        ])])
    );
}

#[tokio::test]
async fn wrong_credentials_and_a_missing_database() {
    let address = server().await;
    let mut odoo = client(format!("http://{address}"));
    let error = odoo.authenticate("acme", "bot@acme.test", ApiKey::new("wrong-key-123")).await.unwrap_err();
    assert!(matches!(error, OdooError::WrongCredentials { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.starts_with("wrong login or API key"), "{message}");
    assert!(!message.contains("wrong-key-123") && !format!("{error:?}").contains("wrong-key-123"));
    assert_eq!(odoo.uid(), None);

    let error = odoo.authenticate("missing", "bot@acme.test", ApiKey::new(GOOD_KEY)).await.unwrap_err();
    assert_eq!(error.fault_kind(), Some(FaultKind::MissingDatabase), "{error}");
    assert!(error.to_string().contains("check the database name"), "{error}");
}

#[tokio::test]
async fn faults_become_advice() {
    let address = server().await;
    let mut odoo = client(format!("http://{address}"));
    odoo.authenticate("acme", "bot@acme.test", ApiKey::new(GOOD_KEY)).await.unwrap();

    let cases = [
        ("helpdesk.team", "search_read", FaultKind::MissingModel, "install the Helpdesk app"),
        ("mail.message", "search_read", FaultKind::AccessError, "read access to `mail.message`"),
        ("helpdesk.ticket", "_read", FaultKind::PrivateMethod, "public ORM method"),
        ("res.partner", "read", FaultKind::Server, "ValueError: Invalid field 'nope' on model 'res.partner'"),
    ];
    for (model, method, kind, advice) in cases {
        let error = odoo.execute_kw(model, method, vec![], vec![]).await.unwrap_err();
        assert_eq!(error.fault_kind(), Some(kind), "{error}");
        assert!(error.to_string().contains(advice), "{error}");
        assert!(!error.is_timeout());
    }
    let error = odoo.execute_kw("res.partner", "read", vec![], vec![]).await.unwrap_err();
    let OdooError::Fault { code, message, text, .. } = &error else { panic!("{error:?}") };
    assert_eq!((*code, message.as_str()), (1, "ValueError: Invalid field 'nope' on model 'res.partner'"));
    assert!(text.starts_with("Traceback (most recent call last):"));

    // A key that stopped working after authenticate (expired, revoked) is Access Denied.
    let error = revoked_call(&address).await;
    assert_eq!(error.fault_kind(), Some(FaultKind::AccessDenied), "{error}");
    assert!(error.to_string().contains("API key"), "{error}");
}

/// An `execute_kw` with a key the server refuses, posted by hand (the client only sends keys that
/// passed authenticate), and its fault as the client reports it.
async fn revoked_call(address: &SocketAddr) -> OdooError {
    let body = encode_call(
        "execute_kw",
        &[
            string("acme"),
            XmlRpcValue::Int(2),
            string("revoked"),
            string("helpdesk.ticket"),
            string("search"),
            XmlRpcValue::Array(vec![]),
            members(vec![]),
        ],
    );
    let response =
        reqwest::Client::new().post(format!("http://{address}/xmlrpc/2/object")).body(body).send().await.unwrap();
    let fault = decode_response(&response.bytes().await.unwrap()).unwrap().unwrap_err();
    OdooError::fault(fault, Some("helpdesk.ticket"), "search")
}

#[tokio::test]
async fn http_errors_are_kept_apart() {
    let address = server().await;

    let error = client(format!("http://{address}/bad-gateway")).version().await.unwrap_err();
    assert!(matches!(error, OdooError::Status { status: 502, .. }), "{error:?}");
    assert!(error.is_timeout(), "a proxy's 502 means: retry with a smaller page");

    let error = client(format!("http://{address}/nowhere")).version().await.unwrap_err();
    assert!(matches!(error, OdooError::Status { status: 404, .. }), "{error:?}");
    assert!(!error.is_timeout());
    assert!(error.to_string().contains("base URL is wrong"), "{error}");

    let error = client(format!("http://{address}/html")).version().await.unwrap_err();
    assert!(matches!(error, OdooError::Malformed { .. }), "{error:?}");
    assert!(error.to_string().contains("points at an Odoo server"), "{error}");

    let started = std::time::Instant::now();
    let held = client_with_timeout(format!("http://{address}/held"), Duration::from_millis(300));
    let error = held.version().await.unwrap_err();
    assert!(matches!(error, OdooError::Timeout { .. }), "{error:?}");
    assert!(error.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_refused_connection_is_retried_and_then_reported() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let error = client(format!("http://{address}")).version().await.unwrap_err();
    assert!(matches!(error, OdooError::Connect { .. }), "{error:?}");
    assert!(!error.is_timeout());
    assert!(error.to_string().contains("check the base URL"), "{error}");

    // A server that comes up while the client waits between retries.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        serve_on(listener).await;
    });
    let mut config = OdooClientConfig::new(format!("http://{address}"));
    config.connect_retries = 5;
    config.connect_retry_delay = Duration::from_millis(40);
    let version = OdooClient::new(config).unwrap().version().await.unwrap();
    assert_eq!(version.major, Some(17));
}
