//! [`XmlRpcValue`]: one XML-RPC value, and [`Fault`]: a method's failure.

/// One XML-RPC value. Struct members keep the order they were sent in.
#[derive(Clone, Debug, PartialEq)]
pub enum XmlRpcValue {
    /// `<int>`, `<i4>` or `<i8>` (Odoo sends large integers as `<double>`).
    Int(i64),
    /// `<boolean>` (`0` or `1`); Odoo's empty values are `false`.
    Bool(bool),
    /// `<string>`, or text directly inside `<value>`.
    String(String),
    /// `<double>`.
    Double(f64),
    /// `<dateTime.iso8601>`, as written (`20260329T01:30:00`); Odoo itself sends dates as strings.
    DateTime(String),
    /// `<base64>`, decoded.
    Base64(Vec<u8>),
    /// `<struct>`: members in order.
    Struct(Vec<(String, XmlRpcValue)>),
    /// `<array>`.
    Array(Vec<XmlRpcValue>),
    /// `<nil/>` (an extension; Odoo accepts it and sends it with `allow_none`).
    Nil,
}

/// A `<fault>`: Odoo answers HTTP 200 with a fault for access errors, missing models, bad domains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `faultCode` (Odoo uses 1, 2, 3, 4 and others; see the digest).
    pub code: i64,
    /// `faultString` (often a Python traceback).
    pub string: String,
}

impl XmlRpcValue {
    /// The member `name` of a struct.
    pub fn member(&self, name: &str) -> Option<&XmlRpcValue> {
        match self {
            XmlRpcValue::Struct(members) => members.iter().find(|(key, _)| key == name).map(|(_, value)| value),
            _ => None,
        }
    }
}

impl Fault {
    /// The fault as the struct a `<fault>` element carries: `faultCode` and `faultString`.
    pub fn to_value(&self) -> XmlRpcValue {
        XmlRpcValue::Struct(vec![
            ("faultCode".into(), XmlRpcValue::Int(self.code)),
            ("faultString".into(), XmlRpcValue::String(self.string.clone())),
        ])
    }
}
