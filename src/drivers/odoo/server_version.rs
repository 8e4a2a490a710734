//! [`ServerVersion`]: what `common.version()` says about an Odoo server.

use super::value::XmlRpcValue;

/// An Odoo server's version, from `common.version()` (which needs no credentials).
#[derive(Clone, Debug, PartialEq)]
pub struct ServerVersion {
    /// `server_version`: `17.0`, `saas~17.2`, `17.0+e`.
    pub server_version: String,
    /// `server_serie`: `17.0`, `saas~17.2`.
    pub server_serie: String,
    /// The major version (17 for `17.0` and `saas~17.2`), when it can be read.
    pub major: Option<u32>,
    /// `protocol_version` (1 on every version the digest covers).
    pub protocol_version: Option<i64>,
    /// The whole answer, for the fields not read here (`server_version_info`).
    pub raw: XmlRpcValue,
}

impl ServerVersion {
    /// Read `version()`'s struct; `None` when it is not a struct with `server_version`.
    pub fn from_value(value: &XmlRpcValue) -> Option<Self> {
        let text = |name: &str| match value.member(name) {
            Some(XmlRpcValue::String(text)) => Some(text.clone()),
            _ => None,
        };
        let server_version = text("server_version")?;
        let server_serie = text("server_serie").unwrap_or_else(|| server_version.clone());
        let major = major_version(&server_serie).or_else(|| match value.member("server_version_info") {
            Some(XmlRpcValue::Array(info)) => match info.first() {
                Some(XmlRpcValue::Int(major)) => u32::try_from(*major).ok(),
                Some(XmlRpcValue::String(serie)) => major_version(serie),
                _ => None,
            },
            _ => None,
        });
        let protocol_version = match value.member("protocol_version") {
            Some(XmlRpcValue::Int(version)) => Some(*version),
            _ => None,
        };
        Some(Self { server_version, server_serie, major, protocol_version, raw: value.clone() })
    }
}

/// The major version in `17.0`, `saas~17.2` or `saas~17`.
fn major_version(serie: &str) -> Option<u32> {
    let serie = serie.trim();
    let serie = serie.strip_prefix("saas~").unwrap_or(serie);
    let digits: String = serie.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(serie: &str, info_first: XmlRpcValue) -> XmlRpcValue {
        XmlRpcValue::Struct(vec![
            ("server_version".into(), XmlRpcValue::String(format!("{serie}+e"))),
            (
                "server_version_info".into(),
                XmlRpcValue::Array(vec![info_first, XmlRpcValue::Int(0), XmlRpcValue::Int(0)]),
            ),
            ("server_serie".into(), XmlRpcValue::String(serie.into())),
            ("protocol_version".into(), XmlRpcValue::Int(1)),
        ])
    }

    #[test]
    fn major_version_from_the_serie_with_saas_prefix() {
        let parsed = ServerVersion::from_value(&version("17.0", XmlRpcValue::Int(17))).unwrap();
        assert_eq!(parsed.major, Some(17));
        assert_eq!(parsed.server_version, "17.0+e");
        assert_eq!(parsed.protocol_version, Some(1));
        let saas = ServerVersion::from_value(&version("saas~17.2", XmlRpcValue::String("saas~17".into()))).unwrap();
        assert_eq!(saas.major, Some(17));
        let odd = ServerVersion::from_value(&version("master", XmlRpcValue::Int(19))).unwrap();
        assert_eq!(odd.major, Some(19));
        assert_eq!(ServerVersion::from_value(&XmlRpcValue::Int(1)), None);
    }
}
