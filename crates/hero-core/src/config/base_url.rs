//! The rule for acceptable base URLs: HTTPS only, except to this computer.

use std::fmt;
use std::net::IpAddr;

use thiserror::Error;

/// An https URL, or http to this computer (tests and the demo sandbox).
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(url::Url);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BaseUrlError {
    #[error("Enter the server address, starting https://")]
    Empty,
    #[error("That is not a web address: it should look like https://api.example.com")]
    Invalid,
    #[error(
        "The address must start with https:// so patient data is encrypted (http:// is only allowed to this computer)"
    )]
    NotHttps,
    #[error("The address should be just the server, without ?query or #fragment")]
    HasQuery,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<Self, BaseUrlError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BaseUrlError::Empty);
        }
        let url = url::Url::parse(text).map_err(|_| BaseUrlError::Invalid)?;
        if url.cannot_be_a_base() || url.host().is_none() {
            return Err(BaseUrlError::Invalid);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::HasQuery);
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(BaseUrlError::NotHttps),
            _ => return Err(BaseUrlError::Invalid),
        }
        Ok(Self(url))
    }

    /// `{base}{path}`, keeping any path prefix of the base.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0.as_str().trim_end_matches('/'), path)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    pub fn host(&self) -> String {
        self.0.host_str().unwrap_or_default().to_owned()
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.as_str())
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}
